/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "exec.h"
#include "fd-util.h"
#include "health-check.h"
#include "log.h"
#include "string-util.h"
#include "strv.h"

/* docker's Test: {"NONE"}, {"CMD", …}, {"CMD-SHELL", "…"}; NULL or NONE is no check. */
static bool test_is_check(char *const *test) {
        return test && test[0] && !streq(test[0], "NONE");
}

static uint64_t pick(uint64_t def, uint64_t image, uint64_t fallback) {
        return def != UINT64_MAX ? def : image != UINT64_MAX ? image : fallback;
}

static HealthAction action_of(HealthOnFailure f) {
        switch (f) {
        case HEALTH_ON_FAILURE_KILL:
                return HEALTH_ACT_KILL;
        case HEALTH_ON_FAILURE_RESTART:
                return HEALTH_ACT_RESTART;
        case HEALTH_ON_FAILURE_STOP:
                return HEALTH_ACT_STOP;
        case HEALTH_ON_FAILURE_NONE:
        default:
                return HEALTH_ACT_NONE;
        }
}

void health_settings_resolve(const Definition *d, const ImageConfig *image, HealthSettings *ret) {
        char *const *test = d->health_cmd ?: (image ? image->healthcheck : NULL);
        HealthSettings s = {};

        if (test_is_check(test)) {
                s.enabled = true;
                s.interval_usec = pick(d->health_interval_usec, image ? image->healthcheck_interval_usec : UINT64_MAX,
                                       HEALTH_DEFAULT_INTERVAL_USEC);
                s.timeout_usec = pick(d->health_timeout_usec, image ? image->healthcheck_timeout_usec : UINT64_MAX,
                                      HEALTH_DEFAULT_TIMEOUT_USEC);
                s.start_period_usec = pick(d->health_start_period_usec,
                                           image ? image->healthcheck_start_period_usec : UINT64_MAX, 0);
                s.retries = d->health_retries ?: (image && image->healthcheck_retries ? image->healthcheck_retries
                                                                                       : HEALTH_DEFAULT_RETRIES);
                s.on_failure = action_of(d->health_on_failure);
                if (test_is_check(d->health_startup_cmd)) {
                        s.startup = true;
                        s.startup_interval_usec = pick(d->health_startup_interval_usec, UINT64_MAX,
                                                       HEALTH_DEFAULT_INTERVAL_USEC);
                        s.startup_timeout_usec = pick(d->health_startup_timeout_usec, UINT64_MAX,
                                                      HEALTH_DEFAULT_TIMEOUT_USEC);
                        s.startup_retries = d->health_startup_retries;
                        s.startup_success = MAX(d->health_startup_success, 1U);
                }
        }
        *ret = s;
}

int health_check_argv(const Definition *d, const ImageConfig *image, bool startup, char ***ret) {
        char *const *test = startup ? d->health_startup_cmd : d->health_cmd ?: (image ? image->healthcheck : NULL);

        if (!test_is_check(test))
                return -ENOENT;
        if (streq(test[0], "CMD-SHELL")) {
                if (!test[1])
                        return -ENOENT;
                *ret = strv_copy((char *[]) { (char *) "/bin/sh", (char *) "-c", test[1], NULL });
        } else if (streq(test[0], "CMD")) {
                if (!test[1])
                        return -ENOENT;
                *ret = strv_copy(test + 1);
        } else
                return -ENOENT;
        return *ret ? 0 : -ENOMEM;
}

/* The PID a pidfd refers to, from its fdinfo. */
static int pidfd_pid(int pidfd, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        const char *p;
        int r;

        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
        r = read_full_file_at(AT_FDCWD, path, 64 * 1024, &text, NULL);
        if (r < 0)
                return r;
        p = strstr(text, "\nPid:\t");
        if (!p)
                return -EBADF;
        *ret = (pid_t) strtol(p + 6, NULL, 10);
        return 0;
}

int health_check_run(const char *name, pid_t pid, int pidfd, bool startup) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *error = NULL;
        pid_t real = 0;
        int r;

        /* The supervisor's pidfd of the container's PID 1, for that very PID. */
        if (pidfd_pid(pidfd, &real) < 0 || real != pid ||
            poll(&(struct pollfd) { .fd = pidfd, .events = POLLIN }, 1, 0) != 0) {
                log_error("container %s is not running", name);
                return 125;
        }
        r = definition_load(name, NULL, &d, &error);
        if (r < 0) {
                log_error("%s", error ?: "failed to load the definition");
                return 125;
        }
        r = image_config_read(d->image, &image);
        if (r < 0)
                return 125;
        r = health_check_argv(d, &image, startup, &argv);
        if (r == -ENOENT) {
                log_error("container %s has no %shealth check", name, startup ? "startup " : "");
                return 125;
        }
        if (r < 0) {
                log_oom();
                return 125;
        }
        return exec_run(&(ExecOptions) {
                .def = d,
                .image = &image,
                .pid = pid,
                .pidfd = pidfd,
                .argv = argv,
        });
}
