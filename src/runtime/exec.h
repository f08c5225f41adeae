/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "definition.h"
#include "image-config.h"

/* berth exec: one more process in a running container, under the same rules as its payload —
 * its namespaces, its scope (limits, device policy, stop), its user from the image's
 * /etc/passwd, its environment, its capabilities (inheritable and ambient empty). Does not use
 * anything inside the container: no systemd, no D-Bus, no shell needed there. */

typedef struct ExecOptions {
        const Definition *def;   /* the container's definition */
        const ImageConfig *image; /* what its image says (Env, User, WorkingDir), or NULL */
        pid_t pid;               /* its PID 1, seen from here */
        int pidfd;               /* a pidfd of that same process, checked by the caller */
        char **argv;
        char **env;              /* -e K=V, over the definition's */
        const char *user;        /* -u; NULL: the definition's User= */
        const char *working_dir; /* -w; NULL: the definition's WorkingDir=, else "/" */
        bool interactive;        /* -i: our stdin, else /dev/null */
        bool tty;                /* -t: a pty from the container's own devpts */
} ExecOptions;

/* Runs the command and returns its exit code (128 + signal when a signal ended it), 126 when
 * it cannot be executed, 127 when it is not found, 125 when berth failed. Logs its own errors,
 * one line each. */
int exec_run(const ExecOptions *o);
