/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "definition-mounts.h"
#include "definition-process.h"
#include "definition.h"
#include "image-config.h"
#include "docker-view.h"
#include "env-expand.h"
#include "freezer.h"
#include "go-template.h"
#include "history.h"
#include "json-tree.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "path-util.h"
#include "paths.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"
#include "units.h"
#include "verbs.h"

/* berth inspect NAME: one JSON object with everything berth knows of a container — its
 * definition, field by field, and the properties of its two units as systemd has them — and
 * docker inspect's fields for the same (docker-view.h), which --format templates read. */

#define UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define SERVICE_IFACE "org.freedesktop.systemd1.Service"
#define SCOPE_IFACE "org.freedesktop.systemd1.Scope"

typedef struct Property {
        const char *iface;
        const char *name;
} Property;

static const Property service_properties[] = {
        { UNIT_IFACE, "Id" },
        { UNIT_IFACE, "LoadState" },
        { UNIT_IFACE, "ActiveState" },
        { UNIT_IFACE, "SubState" },
        { SERVICE_IFACE, "Result" },
        { SERVICE_IFACE, "MainPID" },
        { SERVICE_IFACE, "ExecMainPID" },
        { SERVICE_IFACE, "ExecMainCode" },
        { SERVICE_IFACE, "ExecMainStatus" },
        { SERVICE_IFACE, "ExecMainStartTimestamp" },
        { SERVICE_IFACE, "ExecMainExitTimestamp" },
        { UNIT_IFACE, "ActiveEnterTimestamp" },
        { UNIT_IFACE, "InactiveEnterTimestamp" },
        { SERVICE_IFACE, "NRestarts" },
        { SERVICE_IFACE, "StatusText" },
        { SERVICE_IFACE, "ControlGroup" },
        { UNIT_IFACE, "FragmentPath" },
        { UNIT_IFACE, "DropInPaths" },
};

static const Property scope_properties[] = {
        { UNIT_IFACE, "Id" },
        { UNIT_IFACE, "ActiveState" },
        { UNIT_IFACE, "SubState" },
        { UNIT_IFACE, "FreezerState" },
        { SCOPE_IFACE, "Result" },
        { SCOPE_IFACE, "Slice" },
        { SCOPE_IFACE, "ControlGroup" },
        { UNIT_IFACE, "ActiveEnterTimestamp" },
        { UNIT_IFACE, "InactiveEnterTimestamp" },
        { SCOPE_IFACE, "MemoryCurrent" },
        { SCOPE_IFACE, "MemoryMax" },
        { SCOPE_IFACE, "CPUUsageNSec" },
        { SCOPE_IFACE, "CPUWeight" },
        { SCOPE_IFACE, "TasksCurrent" },
        { SCOPE_IFACE, "TasksMax" },
        { SCOPE_IFACE, "IOReadBytes" },
        { SCOPE_IFACE, "IOWriteBytes" },
};

/* One property as a JSON value: strings, numbers, booleans, arrays of strings. systemd says "not
 * set" or "unknown" with UINT64_MAX and "never" with a timestamp of 0; both become null. */
static int write_property(JsonWriter *w, sd_bus *bus, const char *path, const Property *p) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *contents;
        char type;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", path, "org.freedesktop.DBus.Properties", "Get",
                               &error, &reply, "ss", p->iface, p->name);
        if (r < 0)
                return 0; /* an older systemd without it, or the unit went away: left out */
        r = sd_bus_message_peek_type(reply, &type, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'v', contents);
        if (r < 0)
                return r;

        switch (contents[0]) {
        case 's':
        case 'o': {
                const char *s;

                r = sd_bus_message_read_basic(reply, contents[0], &s);
                if (r < 0)
                        return r;
                json_key_string(w, p->name, s);
                break;
        }
        case 'b': {
                int b;

                r = sd_bus_message_read_basic(reply, 'b', &b);
                if (r < 0)
                        return r;
                json_key_bool(w, p->name, b);
                break;
        }
        case 'i': {
                int32_t i;

                r = sd_bus_message_read_basic(reply, 'i', &i);
                if (r < 0)
                        return r;
                json_key_int(w, p->name, i);
                break;
        }
        case 'u': {
                uint32_t u;

                r = sd_bus_message_read_basic(reply, 'u', &u);
                if (r < 0)
                        return r;
                json_key_uint(w, p->name, u);
                break;
        }
        case 't': {
                uint64_t t;

                r = sd_bus_message_read_basic(reply, 't', &t);
                if (r < 0)
                        return r;
                if (t == UINT64_MAX || (t == 0 && endswith(p->name, "Timestamp")))
                        json_key_null(w, p->name);
                else
                        json_key_uint(w, p->name, t);
                break;
        }
        case 'a':
                if (streq(contents, "as")) {
                        _cleanup_strv_free_ char **l = NULL;

                        r = sd_bus_message_read_strv(reply, &l);
                        if (r < 0)
                                return r;
                        json_key_strv(w, p->name, l ?: (char *[]) { NULL });
                }
                break;
        default:
                break;
        }
        return 0;
}

/* The object path of a loaded unit in *ret, or NULL when it is not loaded: GetUnit, unlike a
 * property read, does not load it. */
static int unit_loaded_path(sd_bus *bus, const char *unit, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply, "s", unit);
        if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit")) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to look up %s: %s", unit, bus_error_message(&error, r));
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return log_error_errno(r, "Failed to look up %s: %m", unit);
        *ret = strdup(path);
        return *ret ? 0 : log_oom();
}

static char *unit_string_property(sd_bus *bus, const char *path, const char *iface, const char *prop) {
        char *s = NULL;

        if (path)
                (void) sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, iface, prop, NULL, &s);
        return s;
}

/* The unit's properties as an object, or null when it is not loaded. */
static int write_unit(JsonWriter *w, sd_bus *bus, const char *unit, const char *path, const Property *props,
                      size_t n) {
        int r;

        if (!path) {
                json_null(w);
                return 0;
        }
        json_begin_object(w);
        for (size_t i = 0; i < n; i++) {
                r = write_property(w, bus, path, &props[i]);
                if (r < 0)
                        return log_error_errno(r, "Failed to read %s of %s: %m", props[i].name, unit);
        }
        json_end_object(w);
        return 0;
}

/* "CAP_NET_ADMIN", … for the bits of mask. */
static void write_caps(JsonWriter *w, const char *key, uint64_t mask) {
        json_key(w, key);
        json_begin_array(w);
        for (unsigned i = 0; i < 64; i++) {
                char *n;

                if (!(mask & (1ULL << i)))
                        continue;
                n = cap_to_name((cap_value_t) i);
                if (n) {
                        for (char *p = n; *p; p++)
                                *p = (char) toupper((unsigned char) *p);
                        json_string(w, n);
                        cap_free(n);
                }
        }
        json_end_array(w);
}

/* A duration of the definition's, null when it leaves it to the image or the default. */
static void write_usec(JsonWriter *w, const char *key, uint64_t usec) {
        json_key(w, key);
        if (usec == UINT64_MAX)
                json_null(w);
        else
                json_uint(w, usec);
}

/* IPC=, UTS=: "private", "host" or "container:NAME". */
static void write_namespace(JsonWriter *w, const char *key, const DefinitionNamespace *n) {
        _cleanup_free_ char *v = NULL;

        if (n->mode == NAMESPACE_CONTAINER)
                v = strjoin("container:", n->container);
        json_key_string(w, key, v ?: n->mode == NAMESPACE_HOST ? "host" : "private");
}

/* K=V entries as an object, docker's form of Config.Labels. */
static void write_labels(JsonWriter *w, const char *key, char *const *labels) {
        json_key(w, key);
        json_begin_object(w);
        for (char *const *l = labels; l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));

                if (!k)
                        continue;
                json_key_string(w, k, labels_get(labels, k) ?: "");
        }
        json_end_object(w);
}

static void write_definition(JsonWriter *w, const Definition *d) {
        const char *sig = signal_to_string(d->stop_signal);
        _cleanup_strv_free_ char **exec = NULL, **entrypoint = NULL, **environment = NULL;

        json_begin_object(w);
        json_key_string(w, "image", d->image);
        json_key_string(w, "rootfs", d->extra.rootfs); /* Issue 16: leftovers (dialect) */
        /* "$$" shown as the '$' it means (env-expand.h). */
        (void) env_dollar_unescape_words(d->exec, &exec);
        (void) env_dollar_unescape_words(d->entrypoint, &entrypoint);
        (void) env_dollar_unescape_words(d->environment, &environment);
        json_key_strv(w, "exec", exec ?: d->exec);
        json_key_strv(w, "entrypoint", entrypoint ?: d->entrypoint);
        json_key_strv(w, "environment", environment ?: d->environment ?: (char *[]) { NULL });
        json_key_strv(w, "environment_files", d->environment_files ?: (char *[]) { NULL });
        json_key_string(w, "working_dir", d->working_dir);
        json_key_string(w, "user", d->user);
        json_key_string(w, "hostname", d->hostname);
        json_key(w, "memory_max");
        if (d->memory_max == UINT64_MAX)
                json_null(w);
        else
                json_uint(w, d->memory_max);
        json_key(w, "cpu_weight");
        if (d->cpu_weight == 0)
                json_null(w);
        else
                json_uint(w, d->cpu_weight);
        json_key(w, "pids_limit");
        if (d->pids_limit == 0) /* berth.conf's default */
                json_null(w);
        else if (d->pids_limit == UINT64_MAX)
                json_int(w, -1);
        else
                json_uint(w, d->pids_limit);
        write_caps(w, "caps_add", d->caps_add);
        write_caps(w, "caps_drop", d->caps_drop);
        json_key_bool(w, "privileged", d->privileged);
        json_key_string(w, "restart", restart_policy_to_string(d->restart));
        json_key_bool(w, "no_new_privileges", d->no_new_privileges);
        json_key_strv(w, "sysctls", d->sysctls);
        /* What the payload runs under: --privileged has no filter, as with docker. */
        json_key_string(w, "seccomp", d->privileged || d->seccomp_unconfined ? "unconfined"
                                      : d->process.seccomp_profile  ? d->process.seccomp_profile
                                                                    : "default");
        json_key_bool(w, "read_only", d->read_only);
        json_key_bool(w, "init", d->run_init);
        json_key(w, "stop_signal");
        if (sig)
                json_string(w, sig);
        else
                json_int(w, d->stop_signal);
        json_key_uint(w, "stop_timeout_usec", d->stop_timeout_usec);
        json_key_string(w, "network", network_mode_to_string(d->network));
        json_key_string(w, "network_container", d->network_container);
        json_key_string(w, "ip", d->ip);
        json_key_strv(w, "publish", d->publish_ports ?: (char *[]) { NULL });
        json_key_strv(w, "expose", d->expose_ports ?: (char *[]) { NULL });
        json_key_strv(w, "links", d->links ?: (char *[]) { NULL });
        json_key_strv(w, "dns", d->dns ?: (char *[]) { NULL });
        json_key_strv(w, "add_hosts", d->add_hosts ?: (char *[]) { NULL });
        json_key_strv(w, "volumes", d->volumes ?: (char *[]) { NULL });
        json_key_strv(w, "volumes_from", d->volumes_from ?: (char *[]) { NULL });
        json_key_strv(w, "tmpfs", d->tmpfs ?: (char *[]) { NULL });
        /* Issue 16, mounts and devices. */
        json_key_strv(w, "mounts", d->mounts ?: (char *[]) { NULL });
        json_key_strv(w, "devices", d->devices ?: (char *[]) { NULL });
        json_key_uint(w, "shm_size", d->shm_size ?: DEFINITION_SHM_SIZE_DEFAULT);
        json_key_strv(w, "mask", d->masks ?: (char *[]) { NULL });
        json_key_strv(w, "unmask", d->unmasks ?: (char *[]) { NULL });
        json_key_string(w, "timezone", d->timezone);
        json_key_bool(w, "read_only_tmpfs", d->read_only_tmpfs);
        json_key_string(w, "notify", notify_mode_to_string(d->notify));
        json_key(w, "healthcheck");
        json_begin_object(w);
        json_key_strv(w, "test", d->health_cmd);
        write_usec(w, "interval_usec", d->health_interval_usec);
        write_usec(w, "timeout_usec", d->health_timeout_usec);
        write_usec(w, "start_period_usec", d->health_start_period_usec);
        json_key(w, "retries");
        if (d->health_retries > 0)
                json_uint(w, d->health_retries);
        else
                json_null(w);
        json_key_string(w, "on_failure", health_on_failure_to_string(d->health_on_failure));
        json_key_strv(w, "startup_test", d->health_startup_cmd);
        write_usec(w, "startup_interval_usec", d->health_startup_interval_usec);
        write_usec(w, "startup_timeout_usec", d->health_startup_timeout_usec);
        json_key_uint(w, "startup_retries", d->health_startup_retries);
        json_key_uint(w, "startup_success", d->health_startup_success);
        json_end_object(w);
        /* docker run's resources, namespaces and logging (issue 16, part D). */
        json_key_bool(w, "auto_remove", d->auto_remove);
        json_key(w, "memory_swap_max");
        if (d->memory_swap_max == UINT64_MAX)
                json_null(w);
        else
                json_uint(w, d->memory_swap_max);
        json_key(w, "cpu_quota");
        if (d->cpu_quota_usec == 0)
                json_null(w);
        else {
                char quota[32];

                definition_cpu_quota_format(d->cpu_quota_usec, quota);
                json_string(w, quota);
        }
        json_key_string(w, "allowed_cpus", d->allowed_cpus);
        write_namespace(w, "ipc_namespace", &d->ipc);
        write_namespace(w, "uts_namespace", &d->uts);
        write_namespace(w, "pid_namespace", &d->pid);
        json_key_string(w, "cgroup_namespace", d->cgroupns_host ? "host" : "private");
        json_key_string(w, "log_driver", log_driver_to_string(d->log_driver));
        json_key_string(w, "pull", pull_policy_to_string(d->pull));
        /* Issue 16, engineer C (keys-process): the definition's own; "labels" above merges the image's. */
        json_key_strv(w, "labels", d->process.labels ?: (char *[]) { NULL });
        json_key_strv(w, "annotations", d->process.annotations ?: (char *[]) { NULL });
        json_key_strv(w, "ulimits", d->process.ulimits ?: (char *[]) { NULL });
        json_key_string(w, "group", d->process.group);
        json_key_strv(w, "group_add", d->process.group_add ?: (char *[]) { NULL });
        json_key_bool(w, "environment_host", d->process.environment_host);
        json_key_strv(w, "dns_search", d->process.dns_search ?: (char *[]) { NULL });
        json_key_strv(w, "dns_options", d->process.dns_options ?: (char *[]) { NULL });
        /* Issue 18: user namespaces, the definition's keys (null: berth.conf's default applies). */
        {
                _cleanup_free_ char *userns = d->userns_set && d->userns != USERNS_MAP ? userns_mode_format(d->userns, d->userns_size)
                                                                                       : NULL;
                _cleanup_strv_free_ char **uid = idmap_to_strv(d->uid_map, d->n_uid_map);
                _cleanup_strv_free_ char **gid = idmap_to_strv(d->gid_map, d->n_gid_map);

                json_key_string(w, "userns", d->userns == USERNS_MAP ? "map" : userns);
                json_key_strv(w, "uid_map", uid ?: (char *[]) { NULL });
                json_key_strv(w, "gid_map", gid ?: (char *[]) { NULL });
                /* Issue 18, remap: SubUIDMap=, SubGIDMap= (the maps they gave at the start: HostConfig.IDMappings). */
                json_key_string(w, "subuid_name", d->subuid_name);
                json_key_string(w, "subgid_name", d->subgid_name);
        }
        json_key_strv(w, "wanted_by", d->wanted_by ?: (char *[]) { NULL });
        json_key_strv(w, "required_by", d->required_by ?: (char *[]) { NULL });
        json_end_object(w);
}

/* What the journal says (history.h): the health check's state and last results, whether the
 * kernel killed a process for memory, the last exit; and how often systemd restarted it. */
typedef struct History {
        const char *health;
        HealthResult results[HISTORY_HEALTH_RESULTS];
        size_t n;
        RunExit exit;
        bool oom;
        uint32_t restarts;
        uint64_t started; /* the running scope's start */
} History;

static void history_done(History *h) {
        health_results_done(h->results, h->n);
}

static void read_history(sd_bus *bus, const char *name, const char *service_path, const char *scope_path,
                         const char *state, History *h) {
        sd_journal *j = NULL;
        bool running = containers_state_is_running(state);

        if (running && scope_path)
                /* Since its scope's start: a foreground run has no service. */
                (void) sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", scope_path, UNIT_IFACE,
                                                   "ActiveEnterTimestamp", NULL, 't', &h->started);
        if (history_open(&j) >= 0) {
                if (history_health(j, name, &h->health, h->results, &h->n) < 0)
                        h->health = NULL, h->n = 0;
                (void) history_last_exit(j, name, &h->exit);
                if (running)
                        (void) history_oom_since(j, name, h->started, &h->oom);
                else {
                        h->oom = h->exit.known && h->exit.oom;
                        (void) history_last_start(j, name, &h->started);
                }
                sd_journal_close(j);
        }
        if (service_path)
                (void) sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", service_path, SERVICE_IFACE,
                                                   "NRestarts", NULL, 'u', &h->restarts);
}

static void write_history(JsonWriter *w, const History *h, const char *state) {
        bool running = containers_state_is_running(state);

        json_key(w, "health");
        if (h->health || h->n > 0) {
                json_begin_object(w);
                json_key_string(w, "status", running ? h->health : NULL);
                json_key(w, "log");
                json_begin_array(w);
                for (size_t i = 0; i < h->n; i++) {
                        json_begin_object(w);
                        json_key_uint(w, "start", h->results[i].start);
                        json_key_uint(w, "end", h->results[i].end);
                        json_key_int(w, "exit_code", h->results[i].exit_code);
                        json_key_bool(w, "startup", h->results[i].startup);
                        json_key_string(w, "output", h->results[i].output);
                        json_end_object(w);
                }
                json_end_array(w);
                json_end_object(w);
        } else
                json_null(w);
        json_key_bool(w, "oom_killed", h->oom);
        json_key(w, "exit_code");
        if (!running && h->exit.known)
                json_int(w, h->exit.code);
        else
                json_null(w);
        json_key_uint(w, "restart_count", h->restarts);
}

/* The container's JSON to out: berth's fields, then docker's (docker-view.h). */
static int inspect(sd_bus *bus, const char *name, FILE *out, bool pretty) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *path = NULL, *def_error = NULL, *service = NULL, *scope = NULL, *service_state = NULL,
                            *scope_state = NULL, *freezer = NULL, *state_dir = NULL, *runtime_dir = NULL,
                            *service_path = NULL, *scope_path = NULL;
        _cleanup_strv_free_ char **addresses = NULL;
        _cleanup_(history_done) History h = {};
        const char *state;
        struct stat st;
        pid_t pid = 0;
        _cleanup_strv_free_ char **labels = NULL;
        DockerView view;
        JsonWriter w;
        int r;

        service = name_to_service(name);
        scope = name_to_scope(name);
        state_dir = path_join(berth_state_dir(), "containers", name);
        runtime_dir = path_join(berth_runtime_dir(), name);
        if (!service || !scope || !state_dir || !runtime_dir)
                return log_oom();
        r = containers_definition_path(name, &path);
        if (r < 0)
                return log_error_errno(r, "no such container %s", name);
        r = definition_parse_file(path, name, &d, &def_error);
        if (r == -ENOMEM)
                return log_oom();

        r = unit_loaded_path(bus, service, &service_path);
        if (r < 0)
                return r;
        r = unit_loaded_path(bus, scope, &scope_path);
        if (r < 0)
                return r;
        service_state = unit_string_property(bus, service_path, UNIT_IFACE, "ActiveState");
        scope_state = unit_string_property(bus, scope_path, UNIT_IFACE, "ActiveState");
        if (scope_path)
                (void) freezer_state(bus, name, &freezer);
        state = containers_state(service_state, scope_state, freezer);
        read_history(bus, name, service_path, scope_path, state, &h);
        if (service_path && streq(state, "failed"))
                containers_exit_from_service(bus, name, &h.exit);
        state = containers_state_after_exit(state, h.exit.known);
        if (containers_state_is_running(state)) {
                (void) scope_pid1(bus, name, &pid);
                (void) containers_addresses(d, pid, &addresses);
        }

        /* Docker's Config.Labels and podman's Config.Annotations: the image's labels under the
         * container's; and the stop signal that applies, the image's when the definition sets none. */
        if (d) {
                _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;

                (void) image_config_read(d->image, &image);
                if (image_config_labels(&image, d, &labels) < 0)
                        return log_oom();
                if (d->stop_signal == 0)
                        d->stop_signal = image.stop_signal ?: SIGTERM;
        }

        view = (DockerView) {
                .labels = labels,
                .name = name, .d = d, .state = state, .pid = pid, .addresses = addresses,
                .exit_known = h.exit.known, .exit_code = h.exit.code, .oom = h.oom,
                .created = stat(path, &st) >= 0 ? (uint64_t) st.st_mtim.tv_sec * USEC_PER_SEC +
                                                          (uint64_t) st.st_mtim.tv_nsec / 1000
                                                : 0,
                .started = h.started, .finished = h.exit.known ? h.exit.at : 0,
                .restarts = h.restarts, .health = h.health,
        };
        if (!containers_state_is_running(state) && service_path && view.finished == 0)
                (void) sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", service_path, SERVICE_IFACE,
                                                   "ExecMainExitTimestamp", NULL, 't', &view.finished);

        json_init(&w, out, pretty);
        json_begin_object(&w);
        json_key_string(&w, "name", name);
        json_key_string(&w, "state", state);
        json_key(&w, "pid");
        if (pid > 0)
                json_int(&w, pid);
        else
                json_null(&w);
        json_key_strv(&w, "addresses", addresses ?: (char *[]) { NULL });
        write_history(&w, &h, state);
        if (d) {
                write_labels(&w, "labels", labels);
                write_labels(&w, "annotations", d->process.annotations);
        }
        json_key(&w, "definition");
        if (d)
                write_definition(&w, d);
        else
                json_null(&w);
        if (def_error)
                json_key_string(&w, "error", def_error);
        json_key(&w, "unit");
        r = write_unit(&w, bus, service, service_path, service_properties, ELEMENTSOF(service_properties));
        if (r < 0)
                return r;
        json_key(&w, "scope");
        r = write_unit(&w, bus, scope, scope_path, scope_properties, ELEMENTSOF(scope_properties));
        if (r < 0)
                return r;
        json_key(&w, "paths");
        json_begin_object(&w);
        json_key_string(&w, "definition", path);
        json_key_string(&w, "state", state_dir);
        json_key_string(&w, "runtime", runtime_dir);
        json_end_object(&w);
        docker_write_inspect(&w, &view);
        json_end_object(&w);
        r = json_finish(&w);
        if (r < 0)
                return log_error_errno(r, "Failed to write JSON: %m");
        return 0;
}

/* The template's output for the container, and a newline, as docker inspect --format. */
static int inspect_format(sd_bus *bus, const char *name, const GoTemplate *t) {
        _cleanup_(json_tree_freep) JsonValue *tree = NULL;
        _cleanup_free_ char *buf = NULL, *why = NULL, *out = NULL;
        size_t size = 0, n = 0;
        FILE *f;
        int r;

        f = open_memstream(&buf, &size);
        if (!f)
                return log_oom();
        r = inspect(bus, name, f, /* pretty= */ false);
        if (fclose(f) != 0)
                return log_oom();
        if (r < 0)
                return r;
        r = json_tree_parse(buf, &tree, &why);
        if (r < 0)
                return log_error_errno(r, "Failed to read back the JSON of %s: %s", name, why ?: "out of memory");
        r = go_template_execute(t, tree, &out, &n, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: %s", name, why);
        fwrite(out, 1, n, stdout);
        putchar('\n');
        return 0;
}

int verb_inspect(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(go_template_freep) GoTemplate *template = NULL;
        _cleanup_strv_free_ char **keys = NULL;
        const char *format = NULL;
        int c, r, ret = 0;

        while ((c = options_next("inspect", argc, argv, "f:", options)) >= 0)
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case ARG_HELP:
                        verb_help("inspect",
                                  "  -f, --format TEMPLATE  a Go template, as docker inspect's (see berth(1)),\n"
                                  "                         one line per container; 'json' is the default output\n"
                                  "      --help             show this help\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (format && !streq(format, "json") && !isempty(format)) {
                _cleanup_free_ char *why = NULL;

                r = go_template_parse(format, &template, &why);
                if (r == -ENOMEM)
                        return log_oom(), EXIT_BERTH_FAILED;
                if (r < 0) {
                        log_error("%s", why);
                        return EXIT_BERTH_FAILED;
                }
        }
        if (argc - optind < 1 || (!template && argc - optind != 1)) {
                log_error("inspect needs one container name (several with --format); see 'berth inspect --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++) {
                char *key = NULL;

                if (containers_require(argv[i], &key) < 0)
                        return EXIT_BERTH_FAILED;
                if (strv_consume(&keys, key) < 0)
                        return log_oom(), EXIT_BERTH_FAILED;
        }
        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                return EXIT_BERTH_FAILED;
        }
        if (!template)
                return inspect(bus, keys[0], stdout, /* pretty= */ true) < 0 ? EXIT_BERTH_FAILED : 0;
        STRV_FOREACH(k, keys)
                if (inspect_format(bus, *k, template) < 0)
                        ret = EXIT_BERTH_FAILED;
        fflush(stdout);
        return ret;
}
