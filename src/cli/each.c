/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "each.h"
#include "log.h"

int each_container(char **names, size_t n, int (*fn)(const char *name)) {
        _cleanup_free_ pid_t *pids = NULL;
        int ret = 0;

        if (n == 1)
                return fn(names[0]) < 0 ? -1 : 0;
        pids = calloc(n, sizeof(pid_t));
        if (!pids)
                return log_oom();
        /* Whatever buffered output there is, once, before it is duplicated into each child. */
        fflush(stdout);
        fflush(stderr);
        for (size_t i = 0; i < n; i++) {
                pids[i] = fork();
                if (pids[i] < 0) {
                        /* No child for this one: it runs here, after the others started. */
                        log_debug_errno(-errno, "Failed to fork for %s, running it here: %m", names[i]);
                        if (fn(names[i]) < 0)
                                ret = -1;
                        continue;
                }
                if (pids[i] == 0)
                        _exit(fn(names[i]) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        }
        for (size_t i = 0; i < n; i++) {
                int status;

                if (pids[i] <= 0)
                        continue;
                while (waitpid(pids[i], &status, 0) < 0)
                        if (errno != EINTR) {
                                status = -1;
                                break;
                        }
                if (status != 0)
                        ret = -1;
        }
        return ret;
}
