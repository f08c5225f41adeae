/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init_run() and init_exec() run as PID 1 of the container's pid namespace (berth-init, or the
 * payload's child), after pivot_root(), as the container's user with the container's
 * capabilities, stdio set up and every other fd closed. Nothing there may rely on the host.
 * init_open_sealed() is the host's side: it runs in the helper before clone(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "init.h"
#include "log.h"
#include "string-util.h"

/* What docker puts into a container's environment when the image sets no PATH. */
#define INIT_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int exec_error_to_exit_code(int errno_value) {
        return errno_value == ENOENT || errno_value == ENOTDIR ? 127 : 126;
}

static const char *env_path(char **envp) {
        for (char **e = envp; e && *e; e++) {
                const char *v = startswith(*e, "PATH=");
                if (v)
                        return v;
        }
        return INIT_DEFAULT_PATH;
}

int init_exec(char **argv, char **envp) {
        const char *path;
        bool eacces = false;

        if (!argv || isempty(argv[0]))
                return -ENOENT;
        if (strchr(argv[0], '/')) {
                execve(argv[0], argv, envp);
                return -errno;
        }

        path = env_path(envp);
        for (const char *p = path;;) {
                size_t n = strcspn(p, ":");
                char file[PATH_MAX];
                int k;

                /* An empty PATH entry means the current directory, as in execvp(). */
                k = n == 0 ? snprintf(file, sizeof(file), "%s", argv[0])
                           : snprintf(file, sizeof(file), "%.*s/%s", (int)n, p, argv[0]);
                if (k > 0 && (size_t)k < sizeof(file)) {
                        execve(file, argv, envp);
                        switch (errno) {
                        case EACCES:
                                eacces = true;
                                break;
                        case ENOENT:
                        case ENOTDIR:
                        case ESTALE:
                        case ENODEV:
                        case ETIMEDOUT:
                        case ENAMETOOLONG:
                                break;
                        default:
                                return -errno; /* ENOEXEC, E2BIG, ELOOP …: found, but not runnable */
                        }
                }
                if (!p[n])
                        break;
                p += n + 1;
        }
        return eacces ? -EACCES : -ENOENT;
}

/* Signals that are about this process itself, not requests to pass on: a fault in init must kill
 * it, not wait in its queue; SIGTTIN/SIGTTOU are ignored below. */
static const int init_unforwarded[] = {SIGFPE,  SIGILL, SIGSEGV, SIGBUS, SIGABRT,
                                       SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};

static _noreturn_ void payload_run(char **argv, char **envp) {
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigset_t none;
        int r;

        /* Like tini: a process group of its own, in the terminal's foreground when there is one,
         * so ^C and ^Z reach the payload's whole job, as they would without an init. SIGTTOU is
         * still ignored (inherited from init): a background group may take the terminal. */
        (void)setpgid(0, 0);
        if (isatty(STDIN_FILENO))
                (void)tcsetpgrp(STDIN_FILENO, getpid());

        /* Back to a plain process: whatever init or the helper ignored (SIGTTOU, SIGPIPE…) must not
         * leak into the payload. */
        for (int s = 1; s < _NSIG; s++)
                if (s != SIGKILL && s != SIGSTOP)
                        (void)sigaction(s, &dfl, NULL);

        sigemptyset(&none);
        (void)sigprocmask(SIG_SETMASK, &none, NULL);

        r = init_exec(argv, envp);
        log_error_errno(r, "Failed to execute %s: %m", argv[0]);
        _exit(exec_error_to_exit_code(-r));
}

static int exit_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 125;
}

_noreturn_ void init_run(char **argv, char **envp) {
        struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
        sigset_t waited;
        pid_t payload;

        /* As PID 1 the kernel hands us every orphan of the namespace; otherwise ask for them. */
        if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                log_warning_errno(-errno, "Failed to become a subreaper, orphans will not be reaped: %m");

        /* Block everything we forward before the fork, so nothing arrives between fork and wait. A
         * blocked signal reaches PID 1 of a pid namespace even without a handler. */
        sigfillset(&waited);
        for (size_t i = 0; i < ELEMENTSOF(init_unforwarded); i++)
                sigdelset(&waited, init_unforwarded[i]);
        if (sigprocmask(SIG_SETMASK, &waited, NULL) < 0) {
                log_error_errno(-errno, "Failed to block signals: %m");
                _exit(125);
        }
        /* SIGCHLD ignored would auto-reap the payload and lose its exit status. */
        (void)sigaction(SIGCHLD, &dfl, NULL);
        (void)sigaction(SIGTTIN, &ign, NULL);
        (void)sigaction(SIGTTOU, &ign, NULL);

        payload = fork();
        if (payload < 0) {
                log_error_errno(-errno, "Failed to start %s: %m", argv[0]);
                _exit(125);
        }
        if (payload == 0)
                payload_run(argv, envp);

        for (;;) {
                siginfo_t si;
                int sig;

                sig = sigwaitinfo(&waited, &si);
                if (sig < 0) {
                        if (errno == EINTR)
                                continue;
                        log_error_errno(-errno, "Failed to wait for signals: %m");
                        _exit(125);
                }
                if (sig != SIGCHLD) {
                        /* ESRCH: the payload is gone and its SIGCHLD is on the way. */
                        (void)kill(payload, sig);
                        continue;
                }

                /* One SIGCHLD may stand for many children: reap until none is left waiting. */
                for (;;) {
                        int status;
                        pid_t p = waitpid(-1, &status, WNOHANG);

                        if (p < 0 && errno == EINTR)
                                continue;
                        if (p <= 0)
                                break;
                        /* The payload's end is the container's end: as PID 1 our exit takes the
                         * rest of the namespace with it. */
                        if (p == payload)
                                _exit(exit_code(status));
                }
        }
}

int init_open_sealed(const char *path, int *ret_fd) {
        _cleanup_close_ int src = -EBADF, fd = -EBADF;
        struct stat st;
        off_t off = 0;

        src = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (src < 0)
                return -errno;
        if (fstat(src, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        /* MFD_EXEC where the kernel knows it (6.3), so that vm.memfd_noexec=1 does not seal it
         * non-executable; older kernels refuse the flag, and there every memfd is executable. */
        fd = memfd_create("berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U /* MFD_EXEC */);
        if (fd < 0 && errno == EINVAL)
                fd = memfd_create("berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        while (off < st.st_size) {
                ssize_t n = sendfile(fd, src, &off, (size_t) (st.st_size - off));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}
