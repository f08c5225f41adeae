/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Freezing and thawing a container's processes.
 *
 * systemd's FreezeUnit/ThawUnit on container-NAME.scope where systemd can (cgroup v2). On cgroup v1
 * systemd does not use the freezer, and says "not supported": then the v1 freezer hierarchy is used
 * directly, with a cgroup named like the scope's, into which the scope's processes move while
 * paused; a thaw moves them back to the hierarchy's root and removes the cgroup, so nothing stays
 * behind. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "fd-util.h"
#include "freezer.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "process-util.h"
#include "scope.h"
#include "string-util.h"

#define FREEZER_ROOT "/sys/fs/cgroup/freezer"
#define FREEZER_TIMEOUT_MSEC 10000

static int write_pid(int fd, pid_t pid) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d\n", (int) pid);

        if (write(fd, buf, (size_t) n) != n)
                return errno == ESRCH ? 0 : -errno; /* gone meanwhile */
        return 0;
}

/* Moves every process of the scope into the freezer cgroup, again until a pass finds no process
 * it did not move before: a child forked by a process already moved is born inside. */
static int freezer_move_in(sd_bus *bus, const char *scope, const char *dir) {
        _cleanup_free_ char *procs = NULL;
        _cleanup_free_ pid_t *prev = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n_prev = 0;
        int r;

        procs = path_join(dir, "cgroup.procs");
        if (!procs)
                return -ENOMEM;
        fd = open(procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        for (unsigned tries = 0; tries < 100; tries++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;

                r = scope_unit_pids(bus, scope, &pids, &n);
                if (r == -ESRCH || (r >= 0 && n == 0))
                        return -ESRCH;
                if (r < 0)
                        return r;
                qsort(pids, n, sizeof(pid_t), pid_compare);
                if (prev && n == n_prev && memcmp(pids, prev, n * sizeof(pid_t)) == 0)
                        return 0;
                for (size_t i = 0; i < n; i++) {
                        r = write_pid(fd, pids[i]);
                        if (r < 0)
                                return r;
                }
                free(prev);
                prev = TAKE_PTR(pids);
                n_prev = n;
        }
        return -EBUSY;
}

/* Moves everything in the freezer cgroup back to the hierarchy's root, where systemd (which
 * does not use this hierarchy on v1) had left it, and removes the cgroup. Best effort. */
static int freezer_move_out(const char *dir) {
        _cleanup_free_ char *procs = NULL;
        _cleanup_close_ int fd = -EBADF;

        procs = path_join(dir, "cgroup.procs");
        if (!procs)
                return -ENOMEM;
        fd = open(FREEZER_ROOT "/cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        for (unsigned tries = 0; tries < 100; tries++) {
                _cleanup_free_ char *text = NULL;
                int r;

                r = read_full_file_at(AT_FDCWD, procs, 4 * 1024 * 1024, &text, NULL);
                if (r < 0)
                        return r;
                if (isempty(text))
                        break;
                for (char *p = text, *e; *p; p = e) {
                        pid_t pid = (pid_t) strtol(p, &e, 10);

                        if (e == p)
                                break;
                        r = write_pid(fd, pid);
                        if (r < 0)
                                return r;
                }
        }
        if (rmdir(dir) < 0)
                return -errno;
        return 0;
}

static int freezer_set(const char *dir, const char *state) {
        _cleanup_free_ char *file = NULL;

        file = path_join(dir, "freezer.state");
        if (!file)
                return -ENOMEM;
        /* The freezer may stay FREEZING when a task does not freeze at once; writing FROZEN
         * again retries, so write on every poll until the state reads back. */
        for (unsigned i = 0; i < FREEZER_TIMEOUT_MSEC / 10; i++) {
                _cleanup_free_ char *now = NULL;
                int r;

                r = write_string_file(file, state, 0644, /* atomic= */ false);
                if (r < 0)
                        return r;
                r = read_full_file_at(AT_FDCWD, file, 64, &now, NULL);
                if (r < 0)
                        return r;
                if (startswith(now, state))
                        return 0;
                usleep(10000);
        }
        return -ETIMEDOUT;
}

static int freezer_v1(sd_bus *bus, const char *name, const char *scope, const char *cgroup, bool freeze) {
        _cleanup_free_ char *dir = NULL;
        struct statfs sfs;
        int r;

        if (statfs(FREEZER_ROOT, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
                return log_error_errno(-EOPNOTSUPP, "Cannot %s container %s: systemd cannot freeze it and there is no cgroup v1 freezer at %s",
                                       freeze ? "pause" : "unpause", name, FREEZER_ROOT);
        if (!path_is_absolute(cgroup) || !path_is_normalized(cgroup) || streq(cgroup, "/"))
                return log_error_errno(-EBADMSG, "Unexpected control group '%s' of container %s", cgroup, name);
        dir = path_join(FREEZER_ROOT, cgroup);
        if (!dir)
                return log_oom();

        if (!freeze) {
                if (access(dir, F_OK) < 0 && errno == ENOENT)
                        return 0; /* not paused */
                r = freezer_set(dir, "THAWED");
                if (r < 0)
                        return log_error_errno(r, "Failed to thaw container %s (%s): %m", name, dir);
                r = freezer_move_out(dir);
                if (r < 0)
                        log_debug_errno(r, "Failed to remove %s, ignoring: %m", dir);
                return 0;
        }

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        r = freezer_move_in(bus, scope, dir);
        if (r == -ESRCH)
                return log_error_errno(r, "container %s is not running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to move the processes of container %s into %s: %m", name, dir);
        r = freezer_set(dir, "FROZEN");
        if (r < 0) {
                (void) freezer_set(dir, "THAWED");
                return log_error_errno(r, "Failed to freeze container %s (%s): %m", name, dir);
        }
        return 0;
}

int freezer_set_paused(const char *name, bool freeze) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *scope = NULL, *state = NULL, *cgroup = NULL;
        int r;

        scope = name_to_scope(name);
        if (!scope)
                return log_oom();
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
        if (r == -ENOENT || (r >= 0 && !streq(state, "active")))
                return log_error_errno(-ESRCH, "container %s is not running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to read the state of %s: %m", scope);

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", freeze ? "FreezeUnit" : "ThawUnit", &error, NULL,
                               "s", scope);
        if (r >= 0)
                return 0;
        if (!sd_bus_error_has_name(&error, SD_BUS_ERROR_NOT_SUPPORTED))
                return log_error_errno(r, "Failed to %s container %s: %s", freeze ? "pause" : "unpause", name,
                                       bus_error_message(&error, r));

        r = bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Scope", "ControlGroup", &cgroup);
        if (r < 0)
                return log_error_errno(r, "Failed to read the control group of %s: %m", scope);
        return freezer_v1(bus, name, scope, cgroup, freeze);
}

int freezer_state(sd_bus *bus, const char *name, char **ret) {
        _cleanup_free_ char *scope = NULL, *state = NULL, *cgroup = NULL, *file = NULL, *text = NULL;

        scope = name_to_scope(name);
        if (!scope)
                return -ENOMEM;
        (void) bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Unit", "FreezerState", &state);
        if (state && !streq(state, "running")) {
                *ret = TAKE_PTR(state);
                return 0;
        }
        /* The v1 freezer cgroup below is named like the scope's own control group. */
        if (bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Scope", "ControlGroup", &cgroup) >= 0 &&
            path_is_absolute(cgroup) && path_is_normalized(cgroup) && !streq(cgroup, "/")) {
                file = path_join("/sys/fs/cgroup/freezer", cgroup, "freezer.state");
                if (!file)
                        return -ENOMEM;
                if (read_full_file_at(AT_FDCWD, file, 64, &text, NULL) >= 0) {
                        const char *v = startswith(text, "FROZEN") ? "frozen" : startswith(text, "FREEZING") ? "freezing" : NULL;

                        if (v) {
                                free(state);
                                state = strdup(v);
                                if (!state)
                                        return -ENOMEM;
                        }
                }
        }
        if (!state) {
                state = strdup("running");
                if (!state)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(state);
        return 0;
}

int freezer_thaw_if_paused(const char *name) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *state = NULL;
        int r;

        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        if (freezer_state(bus, name, &state) < 0 || !state ||
            (!streq(state, "frozen") && !streq(state, "freezing")))
                return 0;
        return freezer_set_paused(name, /* freeze= */ false);
}

