/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "containers.h"
#include "definition-name.h"
#include "docker-view.h"
#include "env-expand.h"
#include "port.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"
#include "userns-range.h" /* Issue 18 */
#include "volume-spec.h"

const char *docker_status(const DockerView *v) {
        if (streq_ptr(v->state, "paused"))
                return "paused";
        if (streq_ptr(v->state, "running") || streq_ptr(v->state, "stopping"))
                return "running";
        if (streq_ptr(v->state, "starting"))
                return v->restarts > 0 ? "restarting" : "created";
        /* never ran (or its journal is gone), or its start failed before the payload ran:
         * created, as docker says of both (with State.Error for the second) */
        if (!v->exit_known && (v->started == 0 || streq_ptr(v->state, "failed")))
                return "created";
        return "exited";
}

const char *docker_human_duration(uint64_t usec, char buf[static 32]) {
        uint64_t seconds = usec / USEC_PER_SEC, minutes = seconds / 60,
                 hours = (usec + 1800 * USEC_PER_SEC) / (3600 * USEC_PER_SEC); /* rounded, as Go's d.Round(time.Hour) */

        if (seconds < 1)
                return strcpy(buf, "Less than a second");
        if (seconds == 1)
                return strcpy(buf, "1 second");
        if (seconds < 60)
                snprintf(buf, 32, "%" PRIu64 " seconds", seconds);
        else if (minutes == 1)
                return strcpy(buf, "About a minute");
        else if (minutes < 60)
                snprintf(buf, 32, "%" PRIu64 " minutes", minutes);
        else if (hours == 1)
                return strcpy(buf, "About an hour");
        else if (hours < 48)
                snprintf(buf, 32, "%" PRIu64 " hours", hours);
        else if (hours < 24 * 7 * 2)
                snprintf(buf, 32, "%" PRIu64 " days", hours / 24);
        else if (hours < 24 * 30 * 2)
                snprintf(buf, 32, "%" PRIu64 " weeks", hours / 24 / 7);
        else if (hours < 24 * 365 * 2)
                snprintf(buf, 32, "%" PRIu64 " months", hours / 24 / 30);
        else
                snprintf(buf, 32, "%" PRIu64 " years", usec / (3600 * USEC_PER_SEC) / 24 / 365);
        return buf;
}

static uint64_t since(uint64_t now, uint64_t then) {
        return then > 0 && now > then ? now - then : 0;
}

int docker_status_text(const DockerView *v, uint64_t now, char **ret) {
        const char *status = docker_status(v);
        char d[32];
        int r;

        if (streq(status, "running") || streq(status, "paused")) {
                const char *h = streq_ptr(v->health, "starting") ? " (health: starting)"
                                : streq_ptr(v->health, "healthy")  ? " (healthy)"
                                : streq_ptr(v->health, "unhealthy") ? " (unhealthy)"
                                                                    : "";
                r = asprintf(ret, "Up %s%s%s", docker_human_duration(since(now, v->started), d),
                             streq(status, "paused") ? " (Paused)" : "", h);
        } else if (streq(status, "restarting"))
                r = asprintf(ret, "Restarting (%d) %s ago", v->exit_known ? v->exit_code : 0,
                             docker_human_duration(since(now, v->finished), d));
        else if (streq(status, "exited") && v->finished > 0)
                r = asprintf(ret, "Exited (%d) %s ago", v->exit_known ? v->exit_code : 0,
                             docker_human_duration(since(now, v->finished), d));
        else if (streq(status, "exited"))
                r = asprintf(ret, "Exited (%d)", v->exit_known ? v->exit_code : 0);
        else
                r = asprintf(ret, "Created");
        return r < 0 ? -ENOMEM : 0;
}

/* RFC 3339 with nanoseconds in UTC, as docker writes times; Go's zero time when unknown. */
static void write_time(JsonWriter *w, const char *key, uint64_t usec) {
        char buf[64];
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        if (usec == 0 || !gmtime_r(&t, &tm)) {
                json_key_string(w, key, "0001-01-01T00:00:00Z");
                return;
        }
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%06" PRIu64 "000Z", usec % USEC_PER_SEC);
        json_key_string(w, key, buf);
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool same_key(const char *entry, const char *key, size_t klen) {
        return strncmp(entry, key, klen) == 0 && (entry[klen] == '=' || entry[klen] == 0);
}

/* The Label= entries, K=V, as an object sorted by key (as Go writes a map), a key once with the
 * value given last. */
static void write_labels(JsonWriter *w, char *const *labels) {
        _cleanup_strv_free_ char **sorted = strv_copy(labels ?: (char *[]) { NULL });
        size_t n = strv_length(sorted);

        json_begin_object(w);
        if (sorted)
                qsort(sorted, n, sizeof(char *), compare_strings);
        for (size_t i = 0; sorted && i < n; i++) {
                size_t klen = strcspn(sorted[i], "=");
                _cleanup_free_ char *key = NULL;
                const char *value = "";

                if (i > 0 && same_key(sorted[i - 1], sorted[i], klen) && strcspn(sorted[i - 1], "=") == klen)
                        continue;
                for (size_t k = strv_length(labels); k > 0; k--)
                        if (same_key(labels[k - 1], sorted[i], klen)) {
                                value = labels[k - 1][klen] == '=' ? labels[k - 1] + klen + 1 : "";
                                break;
                        }
                key = strndup(sorted[i], klen);
                if (!key)
                        continue;
                json_key(w, key);
                json_string(w, value);
        }
        json_end_object(w);
}

char *const *docker_labels(const Definition *d) {
        /* The one place that knows where a definition keeps its Label= entries. */
        return d ? d->process.labels : NULL;
}

static char *const *view_labels(const DockerView *v) {
        return v->labels ?: docker_labels(v->d);
}

/* "80/tcp" for a published or exposed port. */
static void port_key(const PortSpec *p, char buf[static 32]) {
        snprintf(buf, 32, "%u/%s", p->container_port, port_protocol_to_string(p->protocol));
}

static void write_host_binding(JsonWriter *w, const PortSpec *p, bool all_families) {
        char addr[INET6_ADDRSTRLEN] = "", port[8];

        snprintf(port, sizeof(port), "%u", p->host_port);
        if (p->family == AF_INET)
                inet_ntop(AF_INET, &p->host_addr.in, addr, sizeof(addr));
        else if (p->family == AF_INET6)
                inet_ntop(AF_INET6, &p->host_addr.in6, addr, sizeof(addr));
        json_begin_object(w);
        json_key_string(w, "HostIp", p->family == AF_UNSPEC ? (all_families ? "0.0.0.0" : "") : addr);
        json_key_string(w, "HostPort", port);
        json_end_object(w);
        if (p->family == AF_UNSPEC && all_families) {
                json_begin_object(w);
                json_key_string(w, "HostIp", "::");
                json_key_string(w, "HostPort", port);
                json_end_object(w);
        }
}

/* docker's port map: {"80/tcp": [{"HostIp": …, "HostPort": "8080"}], "53/udp": null} — with
 * all_families (NetworkSettings.Ports of a running container) an unspecified host address is
 * docker's two bindings, 0.0.0.0 and ::; else (HostConfig.PortBindings) one with HostIp "". */
static void write_port_map(JsonWriter *w, const Definition *d, bool all_families, bool exposed) {
        _cleanup_strv_free_ char **keys = NULL;

        json_begin_object(w);
        if (d) {
                STRV_FOREACH(s, d->publish_ports) {
                        PortSpec p;
                        char key[32];

                        if (port_spec_parse(*s, &p) < 0)
                                continue;
                        port_key(&p, key);
                        if (strv_contains(keys, key) || strv_extend(&keys, key) < 0)
                                continue;
                        json_key(w, key);
                        json_begin_array(w);
                        /* every entry with this container port, in order */
                        STRV_FOREACH(t, d->publish_ports) {
                                PortSpec q;
                                char k2[32];

                                if (port_spec_parse(*t, &q) < 0)
                                        continue;
                                port_key(&q, k2);
                                if (streq(k2, key))
                                        write_host_binding(w, &q, all_families);
                        }
                        json_end_array(w);
                }
                STRV_FOREACH(s, exposed ? d->expose_ports : NULL) {
                        PortSpec p;
                        char key[32];

                        if (port_expose_parse(*s, &p) < 0)
                                continue;
                        port_key(&p, key);
                        if (strv_contains(keys, key) || strv_extend(&keys, key) < 0)
                                continue;
                        json_key_null(w, key);
                }
        }
        json_end_object(w);
}

/* Config.ExposedPorts: {"80/tcp": {}} for every published or exposed port, as docker has it. */
static void write_exposed_ports(JsonWriter *w, const Definition *d) {
        _cleanup_strv_free_ char **keys = NULL;

        json_begin_object(w);
        for (size_t pass = 0; d && pass < 2; pass++)
                STRV_FOREACH(s, pass == 0 ? d->publish_ports : d->expose_ports) {
                        PortSpec p;
                        char key[32];

                        if ((pass == 0 ? port_spec_parse(*s, &p) : port_expose_parse(*s, &p)) < 0)
                                continue;
                        port_key(&p, key);
                        if (strv_contains(keys, key) || strv_extend(&keys, key) < 0)
                                continue;
                        json_key(w, key);
                        json_begin_object(w);
                        json_end_object(w);
                }
        json_end_object(w);
}

static const char *first_address(const DockerView *v, bool v6) {
        for (char *const *a = v->addresses; a && *a; a++)
                if (!streq(*a, "host") && (strchr(*a, ':') != NULL) == v6)
                        return *a;
        return "";
}

const char *docker_network(const Definition *d, char buf[static 128]) {
        if (!d)
                return "bridge";
        if (d->network == NETWORK_CONTAINER) {
                snprintf(buf, 128, "container:%s", d->network_container ?: "");
                return buf;
        }
        return network_mode_to_string(d->network) ?: "bridge";
}

/* Words of Exec=, Entrypoint=, Environment= as the user means them: "$$" shown as '$'
 * (env-expand.h); as they are if memory runs out. */
static char **shown_words(char *const *l, char ***keep) {
        if (env_dollar_unescape_words(l, keep) < 0)
                return (char **) l;
        return *keep;
}

static void write_strv_or_null(JsonWriter *w, const char *key, char *const *l) {
        json_key(w, key);
        json_strv(w, l);
}

void docker_write_inspect(JsonWriter *w, const DockerView *v) {
        const Definition *d = v->d;
        bool running = containers_state_is_running(v->state);
        const char *status = docker_status(v);
        _cleanup_strv_free_ char **keep_exec = NULL, **keep_entrypoint = NULL, **keep_env = NULL;
        char **exec = d ? shown_words(d->exec, &keep_exec) : NULL;
        char **entrypoint = d ? shown_words(d->entrypoint, &keep_entrypoint) : NULL;
        char **env = d ? shown_words(d->environment, &keep_env) : NULL;
        _cleanup_free_ char *name = strjoin("/", d ? definition_shown_name(d) : v->name); /* Issue 16: leftovers. */
        char net[128];

        json_key_string(w, "Id", v->name);
        json_key_string(w, "Name", name ?: v->name);
        write_time(w, "Created", v->created);
        json_key_string(w, "Path", !strv_isempty(entrypoint) ? entrypoint[0]
                                   : !strv_isempty(exec)     ? exec[0]
                                                             : "");
        json_key(w, "Args");
        json_begin_array(w);
        if (d) {
                char **first = !strv_isempty(entrypoint) ? entrypoint : exec;

                STRV_FOREACH(a, first && *first ? first + 1 : NULL)
                        json_string(w, *a);
                STRV_FOREACH(a, first == entrypoint ? exec : NULL)
                        json_string(w, *a);
        }
        json_end_array(w);

        json_key(w, "State");
        json_begin_object(w);
        json_key_string(w, "Status", status);
        json_key_bool(w, "Running", streq(status, "running") || streq(status, "paused"));
        json_key_bool(w, "Paused", streq(status, "paused"));
        json_key_bool(w, "Restarting", streq(status, "restarting"));
        json_key_bool(w, "OOMKilled", v->oom);
        json_key_bool(w, "Dead", false);
        json_key_int(w, "Pid", running ? v->pid : 0);
        json_key_int(w, "ExitCode", !running && v->exit_known ? v->exit_code : 0);
        json_key_string(w, "Error", streq_ptr(v->state, "failed") && !v->exit_known ? "the container failed to start" : "");
        write_time(w, "StartedAt", v->started);
        write_time(w, "FinishedAt", running ? 0 : v->finished);
        if (v->health && running) {
                json_key(w, "Health");
                json_begin_object(w);
                json_key_string(w, "Status", v->health);
                json_end_object(w);
        }
        json_end_object(w);

        json_key_string(w, "Image", d ? definition_image_shown(d) : "");
        json_key_uint(w, "RestartCount", v->restarts);

        json_key(w, "Config");
        json_begin_object(w);
        json_key_string(w, "Hostname", d && d->hostname ? d->hostname : v->name);
        json_key_string(w, "User", d && d->user ? d->user : "");
        json_key_strv(w, "Env", env ?: (char *[]) { NULL });
        write_strv_or_null(w, "Cmd", exec);
        write_strv_or_null(w, "Entrypoint", entrypoint);
        json_key_string(w, "Image", d ? definition_image_shown(d) : "");
        json_key_string(w, "WorkingDir", d && d->working_dir ? d->working_dir : "");
        json_key(w, "Labels");
        write_labels(w, view_labels(v));
        json_key(w, "ExposedPorts");
        write_exposed_ports(w, d);
        if (d) {
                const char *sig = signal_to_string(d->stop_signal);

                json_key_string(w, "StopSignal", sig);
                json_key_uint(w, "StopTimeout", d->stop_timeout_usec / USEC_PER_SEC);
        }
        json_end_object(w);

        json_key(w, "HostConfig");
        json_begin_object(w);
        json_key_string(w, "NetworkMode", docker_network(d, net));
        json_key(w, "PortBindings");
        write_port_map(w, d, /* all_families= */ false, /* exposed= */ false);
        json_key(w, "RestartPolicy");
        json_begin_object(w);
        json_key_string(w, "Name", d ? restart_policy_to_string(d->restart) : "no");
        json_key_uint(w, "MaximumRetryCount", 0);
        json_end_object(w);
        json_key_bool(w, "AutoRemove", d && d->auto_remove);
        json_key_bool(w, "Privileged", d && d->privileged);
        json_key_bool(w, "ReadonlyRootfs", d && d->read_only);
        json_key_uint(w, "Memory", d && d->memory_max != UINT64_MAX ? d->memory_max : 0);
        /* Issue 18: user namespaces, as podman shows them (docker's UsernsMode, podman's IDMappings). */
        {
                _cleanup_free_ char *mode = NULL;
                _cleanup_strv_free_ char **uid = NULL, **gid = NULL;

                if (d)
                        (void) userns_inspect(d, &mode, &uid, &gid);
                json_key_string(w, "UsernsMode", mode ?: "");
                if (uid && gid) {
                        json_key(w, "IDMappings");
                        json_begin_object(w);
                        json_key_strv(w, "UidMap", uid);
                        json_key_strv(w, "GidMap", gid);
                        json_end_object(w);
                }
        }
        json_end_object(w);

        json_key(w, "NetworkSettings");
        json_begin_object(w);
        json_key_string(w, "IPAddress", running ? first_address(v, false) : "");
        json_key_string(w, "GlobalIPv6Address", running ? first_address(v, true) : "");
        json_key(w, "Ports");
        if (running)
                write_port_map(w, d, /* all_families= */ true, /* exposed= */ true);
        else {
                json_begin_object(w);
                json_end_object(w);
        }
        json_key(w, "Networks");
        json_begin_object(w);
        if (!d || d->network != NETWORK_CONTAINER) {
                json_key(w, docker_network(d, net));
                json_begin_object(w);
                json_key_string(w, "IPAddress", running ? first_address(v, false) : "");
                json_key_string(w, "GlobalIPv6Address", running ? first_address(v, true) : "");
                json_end_object(w);
        }
        json_end_object(w);
        json_end_object(w);
}

/* ps's PORTS: "0.0.0.0:8080->80/tcp, :::8080->80/tcp, 53/udp" (docker's form). */
static char *ps_ports(const DockerView *v) {
        _cleanup_strv_free_ char **l = NULL;
        const Definition *d = v->d;

        if (!d)
                return strdup("");
        STRV_FOREACH(s, d->publish_ports) {
                char addr[INET6_ADDRSTRLEN] = "", *e = NULL;
                PortSpec p;
                const char *proto;

                if (port_spec_parse(*s, &p) < 0)
                        continue;
                proto = port_protocol_to_string(p.protocol);
                if (!containers_state_is_running(v->state)) {
                        if (asprintf(&e, "%u/%s", p.container_port, proto) < 0 || strv_consume(&l, e) < 0)
                                return NULL;
                        continue;
                }
                if (p.family == AF_UNSPEC) {
                        if (asprintf(&e, "0.0.0.0:%u->%u/%s, :::%u->%u/%s", p.host_port, p.container_port, proto,
                                     p.host_port, p.container_port, proto) < 0)
                                return NULL;
                } else if (p.family == AF_INET) {
                        inet_ntop(AF_INET, &p.host_addr.in, addr, sizeof(addr));
                        if (asprintf(&e, "%s:%u->%u/%s", addr, p.host_port, p.container_port, proto) < 0)
                                return NULL;
                } else {
                        inet_ntop(AF_INET6, &p.host_addr.in6, addr, sizeof(addr));
                        if (asprintf(&e, "[%s]:%u->%u/%s", addr, p.host_port, p.container_port, proto) < 0)
                                return NULL;
                }
                if (strv_consume(&l, e) < 0)
                        return NULL;
        }
        STRV_FOREACH(s, d->expose_ports) {
                PortSpec p;
                char *e = NULL;

                if (port_expose_parse(*s, &p) < 0)
                        continue;
                if (asprintf(&e, "%u/%s", p.container_port, port_protocol_to_string(p.protocol)) < 0 ||
                    strv_consume(&l, e) < 0)
                        return NULL;
        }
        return l ? strv_join(l, ", ") : strdup("");
}

/* ps's LABELS: "k=v,k2=v2", as given. */
static char *ps_labels(const DockerView *v) {
        char *const *l = view_labels(v);

        return l ? strv_join(l, ",") : strdup("");
}

/* Go's strconv.Quote of s: in double quotes, '"' and '\\' escaped, control characters as \n, \t or
 * \xXX (UTF-8 kept as it is). */
static char *go_quote(const char *s) {
        char *out = malloc(strlen(s) * 4 + 3), *o = out;

        if (!out)
                return NULL;
        *o++ = '"';
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p == '"' || *p == '\\') {
                        *o++ = '\\';
                        *o++ = (char) *p;
                } else if (*p == '\n')
                        o = stpcpy(o, "\\n");
                else if (*p == '\t')
                        o = stpcpy(o, "\\t");
                else if (*p < 0x20 || *p == 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        *o++ = '"';
        *o = 0;
        return out;
}

/* ps's COMMAND: entrypoint and command, cut to 20 characters with "…" unless no_trunc (docker's
 * Ellipsis()), in Go's quotes, as docker shows it. */
static char *ps_command(const Definition *d, bool no_trunc) {
        _cleanup_strv_free_ char **argv = NULL, **shown = NULL;
        _cleanup_free_ char *line = NULL;
        size_t chars = 0;

        if (d) {
                STRV_FOREACH(a, d->entrypoint)
                        if (strv_extend(&argv, *a) < 0)
                                return NULL;
                STRV_FOREACH(a, d->exec)
                        if (strv_extend(&argv, *a) < 0)
                                return NULL;
                if (argv && env_dollar_unescape_words(argv, &shown) < 0)
                        return NULL;
        }
        line = shown ? strv_join(shown, " ") : strdup("");
        if (!line)
                return NULL;
        for (const char *p = line; *p; p++)
                if (((unsigned char) *p & 0xC0) != 0x80)
                        chars++;
        if (!no_trunc && chars > 20) {
                /* the first 19 characters, and "…" */
                size_t k = 0, i = 0;
                char *cut;

                for (; line[i]; i++)
                        if (((unsigned char) line[i] & 0xC0) != 0x80 && k++ == 19)
                                break;
                cut = malloc(i + sizeof("…"));
                if (!cut)
                        return NULL;
                memcpy(cut, line, i);
                strcpy(cut + i, "…");
                free(line);
                line = cut;
        }
        return go_quote(line);
}

/* ps's MOUNTS: the destinations of the volumes and tmpfs, comma-separated. */
static char *ps_mounts(const Definition *d) {
        _cleanup_strv_free_ char **l = NULL;

        if (!d)
                return strdup("");
        STRV_FOREACH(s, d->volumes) {
                /* SRC:DST[:OPTS] or DST[:OPTS]: the destination is the absolute one */
                const char *c = strchr(*s, ':'), *dst = c && c[1] == '/' ? c + 1 : *s, *e = strchr(dst, ':');

                if (strv_consume(&l, e ? strndup(dst, (size_t) (e - dst)) : strdup(dst)) < 0)
                        return NULL;
        }
        STRV_FOREACH(s, d->tmpfs) {
                const char *e = strchr(*s, ':');

                if (strv_consume(&l, e ? strndup(*s, (size_t) (e - *s)) : strdup(*s)) < 0)
                        return NULL;
        }
        return l ? strv_join(l, ",") : strdup("");
}

int docker_write_ps_row(JsonWriter *w, const DockerView *v, uint64_t now) {
        _cleanup_free_ char *status = NULL, *ports = ps_ports(v), *labels = ps_labels(v), *command = ps_command(v->d, v->no_trunc),
                            *mounts = ps_mounts(v->d), *created = NULL, *running_for = NULL;
        char d[32], net[128];
        int r;

        r = docker_status_text(v, now, &status);
        if (r < 0)
                return r;
        if (!ports || !labels || !command || !mounts)
                return -ENOMEM;
        if (v->created > 0) {
                time_t t = (time_t) (v->created / USEC_PER_SEC);
                struct tm tm;
                char when[64] = "";

                /* Go's time.Time.String(): "2024-01-02 10:00:00 +0000 UTC" */
                if (localtime_r(&t, &tm))
                        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
                created = strdup(when);
                if (asprintf(&running_for, "%s ago", docker_human_duration(since(now, v->created), d)) < 0)
                        running_for = NULL;
        } else {
                created = strdup("");
                running_for = strdup("");
        }
        if (!created || !running_for)
                return -ENOMEM;

        json_begin_object(w);
        json_key_string(w, "Command", command);
        json_key_string(w, "CreatedAt", created);
        json_key_string(w, "ID", v->name);
        json_key_string(w, "Image", v->d ? definition_image_shown(v->d) : "");
        json_key_string(w, "Labels", labels);
        json_key_string(w, "Mounts", mounts);
        json_key_string(w, "Names", v->d ? definition_shown_name(v->d) : v->name); /* Issue 16: leftovers. */
        json_key_string(w, "Networks", docker_network(v->d, net));
        json_key_string(w, "Ports", ports);
        json_key_string(w, "RunningFor", running_for);
        json_key_string(w, "State", docker_status(v));
        json_key_string(w, "Status", status);
        json_end_object(w);
        return 0;
}

void docker_write_ps_header(JsonWriter *w) {
        static const char *const headers[][2] = {
                { "Command", "COMMAND" },    { "CreatedAt", "CREATED AT" }, { "ID", "CONTAINER ID" },
                { "Image", "IMAGE" },        { "Labels", "LABELS" },        { "Mounts", "MOUNTS" },
                { "Names", "NAMES" },        { "Networks", "NETWORKS" },    { "Ports", "PORTS" },
                { "RunningFor", "CREATED" }, { "State", "STATE" },          { "Status", "STATUS" },
        };

        json_begin_object(w);
        for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
                json_key_string(w, headers[i][0], headers[i][1]);
        json_end_object(w);
}

int docker_filter_lists(const Definition *d, char ***ret_volumes, char ***ret_published, char ***ret_exposed) {
        _cleanup_strv_free_ char **volumes = NULL, **published = NULL, **exposed = NULL;
        int r;

        if (d) {
                STRV_FOREACH(s, d->volumes) {
                        _cleanup_(volume_mount_done) VolumeMount m = {};

                        if (volume_spec_parse(*s, &m, NULL) < 0)
                                continue;
                        if (m.type == VOLUME_ANONYMOUS) {
                                _cleanup_free_ char *name = NULL;

                                if (volume_anonymous_name(d->name, m.destination, &name) >= 0 &&
                                    strv_consume(&volumes, TAKE_PTR(name)) < 0)
                                        return -ENOMEM;
                        } else if (m.source && strv_extend(&volumes, m.source) < 0)
                                return -ENOMEM;
                        if (strv_extend(&volumes, m.destination) < 0)
                                return -ENOMEM;
                }
                STRV_FOREACH(s, d->tmpfs) {
                        _cleanup_(volume_mount_done) VolumeMount m = {};

                        if (volume_tmpfs_parse(*s, &m, NULL) >= 0 && strv_extend(&volumes, m.destination) < 0)
                                return -ENOMEM;
                }
                for (size_t pass = 0; pass < 2; pass++)
                        STRV_FOREACH(s, pass == 0 ? d->publish_ports : d->expose_ports) {
                                PortSpec p;
                                char buf[32];

                                if ((pass == 0 ? port_spec_parse(*s, &p) : port_expose_parse(*s, &p)) < 0)
                                        continue;
                                if (pass == 0) {
                                        snprintf(buf, sizeof(buf), "%u/%s", p.host_port, port_protocol_to_string(p.protocol));
                                        r = strv_extend(&published, buf);
                                        if (r < 0)
                                                return r;
                                }
                                port_key(&p, buf);
                                r = strv_extend(&exposed, buf);
                                if (r < 0)
                                        return r;
                        }
        }
        *ret_volumes = TAKE_PTR(volumes);
        *ret_published = TAKE_PTR(published);
        *ret_exposed = TAKE_PTR(exposed);
        return 0;
}
