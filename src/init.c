/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs as PID 1 of the container's PID namespace, with the container's user and capabilities
 * already applied and no file descriptors but 0–2. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"

extern char **environ;

int exec_error_to_exit_code(int e) {
        return e == ENOENT || e == ENOTDIR ? 127 : 126;
}

_Noreturn void init_run(char **argv, char **envp) {
        sigset_t all, old;
        pid_t child;

        /* Everything catchable is ours to forward; SIGCHLD tells us to reap. */
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, &old);

        child = fork();
        if (child < 0) {
                fprintf(stderr, "berth-init: fork: %m\n");
                _exit(125);
        }
        if (child == 0) {
                /* A process group of its own, in the foreground of the terminal if there is one,
                 * so that ^C from a terminal reaches the payload as it would without init. */
                (void) setpgid(0, 0);
                if (isatty(STDIN_FILENO)) {
                        signal(SIGTTOU, SIG_IGN);
                        (void) tcsetpgrp(STDIN_FILENO, getpid());
                        signal(SIGTTOU, SIG_DFL);
                }
                sigprocmask(SIG_SETMASK, &old, NULL);
                environ = envp;
                execvp(argv[0], argv);
                fprintf(stderr, "berth-init: %s: %m\n", argv[0]);
                _exit(exec_error_to_exit_code(errno));
        }

        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(&all, &si);

                if (sig < 0)
                        continue;
                if (sig != SIGCHLD) {
                        (void) kill(child, sig);
                        continue;
                }
                for (;;) {
                        int status;
                        pid_t p = waitpid(-1, &status, WNOHANG);

                        if (p <= 0)
                                break;
                        if (p == child)
                                _exit(WIFEXITED(status) ? WEXITSTATUS(status)
                                                        : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
                }
        }
}
