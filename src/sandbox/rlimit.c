/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "definition-process.h"
#include "rlimit.h"

int rlimit_apply_pid(pid_t pid, char *const *ulimits, const char **ret_failed) {
        for (char *const *u = ulimits; u && *u; u++) {
                struct rlimit rl;
                int resource, r;

                r = ulimit_parse(*u, &resource, &rl, NULL);
                if (r >= 0 && prlimit(pid, (__rlimit_resource_t) resource, &rl, NULL) < 0)
                        r = -errno;
                if (r < 0) {
                        if (ret_failed)
                                *ret_failed = *u;
                        return r;
                }
        }
        return 0;
}

int rlimit_apply(char *const *ulimits, const char **ret_failed) {
        return rlimit_apply_pid(0, ulimits, ret_failed);
}
