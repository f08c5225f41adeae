/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "definition-name.h"
#include "fd-util.h"
#include "image.h"
#include "log.h"
#include "name.h"
#include "network.h"
#include "path-util.h"
#include "paths.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"

static int definition_path_of(const char *file, char **ret) {
        char *const *dirs = berth_definition_dirs();

        if (!dirs)
                return -ENOMEM;
        STRV_FOREACH(dir, (char **) dirs) {
                char *p;

                if (asprintf(&p, "%s/%s.container", *dir, file) < 0)
                        return -ENOMEM;
                if (access(p, F_OK) == 0) {
                        *ret = p;
                        return 0;
                }
                free(p);
        }
        return -ENOENT;
}

int containers_definition_path(const char *given, char **ret) {
        _cleanup_free_ char *template = NULL, *key = NULL;
        const char *at, *name;
        int r;

        /* Issue 16: leftovers. A ContainerName= names its file too. */
        r = definition_find(given, NULL, &key, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -ENOENT;
        name = key;
        at = strchr(name, '@');
        r = definition_path_of(name, ret);
        if (r != -ENOENT || !at)
                return r;
        /* NAME@INSTANCE without a file of its own: the template's, as definition_load() reads it. */
        template = strndup(name, (size_t) (at - name + 1));
        if (!template)
                return -ENOMEM;
        return definition_path_of(template, ret);
}

int containers_layers(Store *s, const Definition *d, char ***ret, char **ret_why) {
        int r;

        if (!d->extra.rootfs)
                return image_resolve(s, d->image, ret, NULL, ret_why);
        r = rootfs_check(d->extra.rootfs, ret_why);
        if (r < 0)
                return r;
        *ret = strv_copy((char *const[]) { d->extra.rootfs, NULL });
        return *ret ? 0 : -ENOMEM;
}

int containers_check_image(const Definition *d) {
        _cleanup_strv_free_ char **layers = NULL;
        _cleanup_free_ char *why = NULL;
        const char *image = d->image;
        Store *s = NULL;
        int r;

        if (d->extra.rootfs) {
                r = rootfs_check(d->extra.rootfs, &why);
                return r < 0 ? log_error_errno(r, "%s", why ?: strerror(-r)) : 0;
        }
        r = store_open(&s, &why);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
        r = image_resolve(s, image, &layers, NULL, &why);
        store_close(s);
        if (r == -ENOENT)
                return log_error_errno(r, "%s; see 'berth image ls'", why ?: "image not found");
        if (r < 0)
                return log_error_errno(r, "Failed to resolve image '%s': %s", image, why ?: strerror(-r));
        return 0;
}

int containers_require(const char *given, char **ret_key) {
        _cleanup_free_ char *why = NULL;
        int r;

        r = definition_find(given, NULL, ret_key, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s", why ?: strerror(-r));
        return 0;
}

int containers_load_definition(const char *given, Definition **ret) {
        _cleanup_free_ char *error = NULL, *key = NULL;
        int r;

        r = containers_require(given, &key);
        if (r < 0)
                return r;
        r = definition_load(key, NULL, ret, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to read the definition");
        return 0;
}

int containers_pid1(const char *name, pid_t *ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = scope_pid1(bus, name, ret);
        if (r == -ESRCH)
                return log_error_errno(r, "container %s is not running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to find the PID 1 of container %s: %m", name);
        return 0;
}

int containers_scope_pids(const char *name, pid_t **ret, size_t *ret_n) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *scope = NULL;
        int r;

        scope = name_to_scope(name);
        if (!scope)
                return -ENOMEM;
        r = bus_open_systemd(&bus);
        if (r < 0)
                return r;
        return scope_unit_pids(bus, scope, ret, ret_n);
}

int containers_list_names(char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        char *const *dirs = berth_definition_dirs();
        size_t n = 0;
        int r;

        if (!dirs)
                return -ENOMEM;
        STRV_FOREACH(dir, (char **) dirs) {
                _cleanup_closedir_ DIR *d = opendir(*dir);
                struct dirent *de;

                if (!d) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                while ((errno = 0, de = readdir(d))) {
                        const char *e = endswith(de->d_name, ".container");
                        char *name;

                        if (!e || e == de->d_name)
                                continue;
                        name = strndup(de->d_name, (size_t) (e - de->d_name));
                        if (!name)
                                return -ENOMEM;
                        if (!name_is_valid(name)) {
                                free(name);
                                continue;
                        }
                        r = strv_consume(&names, name);
                        if (r < 0)
                                return r;
                        n++;
                }
                if (errno != 0)
                        return -errno;
        }
        strv_sort(names);
        /* The same name in /etc and /run: once. */
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
                if (j > 0 && streq(names[i], names[j - 1]))
                        free(names[i]);
                else
                        names[j++] = names[i];
        }
        if (names)
                names[j] = NULL;
        if (!names) {
                names = calloc(1, sizeof(char *));
                if (!names)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(names);
        return 0;
}

const char *containers_state(const char *service_state, const char *scope_state, const char *freezer_state) {
        const char *s = service_state;

        /* A foreground container has only its scope; a service whose helper is gone may still
         * have its scope for a moment (BindsTo= stops it). The scope's state wins while it is
         * not inactive. */
        if (scope_state && !streq(scope_state, "inactive") &&
            (!s || streq(s, "inactive") || streq(s, "failed") || streq(s, "active")))
                s = scope_state;
        if (!s)
                return "exited";
        if (streq(s, "active") || streq(s, "reloading"))
                return freezer_state && (streq(freezer_state, "frozen") || streq(freezer_state, "freezing"))
                               ? "paused"
                               : "running";
        if (streq(s, "activating"))
                return "starting";
        if (streq(s, "deactivating"))
                return "stopping";
        if (streq(s, "failed"))
                return "failed";
        return "exited";
}

const char *containers_state_after_exit(const char *state, bool exit_known) {
        return exit_known && streq_ptr(state, "failed") ? "exited" : state;
}

void containers_exit_from_service(sd_bus *bus, const char *name, RunExit *x) {
        _cleanup_free_ char *service = NULL, *result = NULL;
        int32_t code = 0, status = 0;
        uint64_t at = 0;

        if (x->known)
                return;
        service = name_to_service(name);
        if (!service ||
            bus_get_unit_property_string(bus, service, "org.freedesktop.systemd1.Service", "Result", &result) < 0 ||
            !(streq(result, "signal") || streq(result, "timeout") || streq(result, "core-dump")))
                return;
        if (bus_get_unit_property_i32(bus, service, "org.freedesktop.systemd1.Service", "ExecMainCode", &code) < 0 ||
            (code != CLD_KILLED && code != CLD_DUMPED) ||
            bus_get_unit_property_i32(bus, service, "org.freedesktop.systemd1.Service", "ExecMainStatus", &status) < 0 ||
            status <= 0 || status >= 128)
                return;
        (void) bus_get_unit_property_u64(bus, service, "org.freedesktop.systemd1.Service", "ExecMainExitTimestamp", &at);
        *x = (RunExit) { .known = true, .code = 128 + status, .at = at };
}

bool containers_state_is_running(const char *state) {
        return streq(state, "running") || streq(state, "paused") || streq(state, "starting") ||
               streq(state, "stopping");
}

int containers_addresses(const Definition *d, pid_t pid, char ***ret) {
        _cleanup_close_ int fd = -EBADF;

        if (d && d->network == NETWORK_HOST) {
                char **l = strv_copy((char *const[]) { (char *) "host", NULL });
                if (!l)
                        return -ENOMEM;
                *ret = l;
                return 0;
        }
        if (pid <= 0)
                return -ESRCH;
        fd = network_open_netns(pid);
        if (fd < 0)
                return fd;
        return network_container_addresses(fd, ret);
}
