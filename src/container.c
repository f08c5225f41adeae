/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <termios.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "config.h"
#include "container.h"
#include "env.h"
#include "fd-util.h"
#include "image.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "sync.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The signals the helper handles itself (through a signalfd) rather than dying of. */
static const int handled_signals[] = {
        SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

const char *container_state_dir(void) {
        const char *e = getenv("BERTH_STATE_DIR");
        return e ?: BERTH_STATE_DIR;
}

const char *container_runtime_dir(void) {
        const char *e = getenv("BERTH_RUNTIME_DIR");
        return e ?: BERTH_RUNTIME_DIR;
}

int container_exit_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 125;
}

static void container_done(Container *c) {
        free(c->dir);
        free(c->upper);
        free(c->work);
        free(c->root);
        strv_free(c->lowerdirs);
        strv_free(c->argv);
        strv_free(c->env);
        c->stdin_fd = safe_close(c->stdin_fd);
        c->stdout_fd = safe_close(c->stdout_fd);
        c->stderr_fd = safe_close(c->stderr_fd);
}

/* Only one helper runs a given name: the lock is held for the container's life and goes with
 * the process, whatever kills it. */
static int container_lock(const char *name, int *ret_fd) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        dir = path_join(container_runtime_dir(), "locks");
        if (!dir)
                return log_oom();
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        path = path_join(dir, name);
        if (!path)
                return log_oom();
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open lock %s: %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK)
                        return log_error_errno(-EBUSY, "container %s is already running", name);
                return log_error_errno(-errno, "Failed to lock %s: %m", path);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int container_build_env(Container *c) {
        const Definition *d = c->def;
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *hostname = NULL;
        int r;

        hostname = strjoin("HOSTNAME=", d->hostname ?: d->name);
        if (!hostname)
                return log_oom();
        if (env_set(&env, "PATH=" DEFAULT_PATH) < 0 || env_set(&env, hostname) < 0 ||
            env_set(&env, "container=berth") < 0)
                return log_oom();
        if (c->opts->tty && env_set(&env, "TERM=xterm") < 0)
                return log_oom();

        /* Files first, then single assignments, as docker does. */
        STRV_FOREACH(f, d->environment_files) {
                _cleanup_strv_free_ char **add = NULL;
                unsigned line = 0;

                r = env_file_read(*f, &add, &line);
                if (r == -EINVAL)
                        return log_error_errno(r, "%s:%u: not a valid environment assignment", *f, line);
                if (r < 0)
                        return log_error_errno(r, "Failed to read environment file %s: %m", *f);
                if (env_merge(&env, add) < 0)
                        return log_oom();
        }
        if (env_merge(&env, d->environment) < 0)
                return log_oom();

        c->env = TAKE_PTR(env);
        return 0;
}

static int container_prepare(Container *c) {
        const Definition *d = c->def;
        _cleanup_free_ char *images = NULL;
        int r;

        images = path_join(container_state_dir(), "images");
        if (!images)
                return log_oom();
        r = image_resolve(images, d->image, &c->lowerdirs);
        if (r == -ENOENT)
                return log_error_errno(r, "image '%s' not found (see 'berth image ls')", d->image);
        if (r < 0)
                return log_error_errno(r, "Failed to resolve image '%s': %m", d->image);

        if (!strv_isempty(d->entrypoint) || !strv_isempty(d->exec)) {
                c->argv = strv_copy(d->entrypoint);
                if (!c->argv)
                        return log_oom();
                STRV_FOREACH(a, d->exec)
                        if (strv_extend(&c->argv, *a) < 0)
                                return log_oom();
        } else
                return log_error_errno(-EINVAL, "container %s has no command: give one after the image, or set Exec=",
                                       d->name);

        r = container_build_env(c);
        if (r < 0)
                return r;

        c->dir = path_join(container_state_dir(), "containers", d->name);
        if (!c->dir)
                return log_oom();
        c->upper = path_join(c->dir, "upper");
        c->work = path_join(c->dir, "work");
        c->root = path_join(c->dir, "root");
        if (!c->upper || !c->work || !c->root)
                return log_oom();
        r = mkdir_p(c->dir, 0700);
        if (r >= 0 && mkdir(c->upper, 0755) < 0 && errno != EEXIST)
                r = -errno;
        if (r >= 0 && mkdir(c->work, 0700) < 0 && errno != EEXIST)
                r = -errno;
        if (r >= 0 && mkdir(c->root, 0755) < 0 && errno != EEXIST)
                r = -errno;
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", c->dir);
        return 0;
}

/* Output in the service: two journal streams of our own, stdout at priority 6 and stderr at 3
 * (the unit's own stream would log both alike). The payload writes into pipes and we copy into
 * the streams: journald attributes a stream by the cgroup of whoever writes to it, and only
 * from our cgroup do the lines count as container@NAME.service's, with its LogExtraFields=. */
static int open_journal_streams(const Container *c, int *ret_out, int *ret_err) {
        _cleanup_close_ int out = -EBADF;
        int err;

        out = sd_journal_stream_fd(c->def->name, LOG_INFO, /* level_prefix= */ 0);
        if (out < 0)
                return log_error_errno(out, "Failed to connect to the journal: %m");
        err = sd_journal_stream_fd(c->def->name, LOG_ERR, /* level_prefix= */ 0);
        if (err < 0)
                return log_error_errno(err, "Failed to connect to the journal: %m");
        *ret_out = TAKE_FD(out);
        *ret_err = err;
        return 0;
}

static pid_t clone_payload(int *ret_pidfd) {
        struct clone_args args = {
                .flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_PIDFD,
                .exit_signal = SIGCHLD,
        };
        int pidfd = -EBADF;
        pid_t pid;

        args.pidfd = (uint64_t) (uintptr_t) &pidfd;
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && errno == ENOSYS) {
                pid = (pid_t) syscall(SYS_clone, (unsigned long) (args.flags & ~CLONE_PIDFD) | SIGCHLD, 0, 0, 0, 0);
                if (pid > 0)
                        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        }
        if (pid < 0)
                return -errno;
        if (pid > 0)
                *ret_pidfd = pidfd;
        return pid;
}

typedef struct Supervisor {
        Container *c;
        pid_t pid;
        int pidfd, sigfd, timerfd, ptyfd;
        int out_pipe, err_pipe;     /* read ends of the payload's stdout and stderr */
        int out_dest, err_dest;     /* where they go: our terminal, or journal streams */
        bool stopping;
        char out_buf[4096], err_buf[4096];
        size_t out_len, err_len;
        struct termios saved_termios;
        bool termios_saved;
} Supervisor;

static void journal_line(const Container *c, int priority, const char *line, size_t n) {
        (void) sd_journal_send("MESSAGE=%.*s", (int) n, line, "PRIORITY=%d", priority,
                               "SYSLOG_IDENTIFIER=%s", c->def->name, "CONTAINER_NAME=%s", c->def->name, NULL);
}

/* Foreground: what the payload writes goes to our terminal as it comes and, line by line, to
 * the journal. */
static int relay_output(Supervisor *s, int fd, int out, int priority, char *buf, size_t *len) {
        char chunk[4096];
        ssize_t n;

        n = read(fd, chunk, sizeof(chunk));
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 1 : (errno == EIO ? 0 : -errno);
        if (n == 0) {
                if (*len > 0)
                        journal_line(s->c, priority, buf, *len);
                *len = 0;
                return 0;
        }
        (void) loop_write(out, chunk, (size_t) n);
        if (s->c->opts->service)
                return 1; /* the stream is the journal itself */
        for (ssize_t i = 0; i < n; i++) {
                if (chunk[i] == '\n' || *len == 4095) {
                        size_t l = *len;
                        if (l > 0 && buf[l - 1] == '\r')
                                l--;
                        journal_line(s->c, priority, buf, l);
                        *len = 0;
                        if (chunk[i] == '\n')
                                continue;
                }
                buf[(*len)++] = chunk[i];
        }
        return 1;
}

static void pass_window_size(Supervisor *s) {
        struct winsize ws;

        if (s->ptyfd >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) >= 0)
                (void) ioctl(s->ptyfd, TIOCSWINSZ, &ws);
}

static int supervisor_stop(Supervisor *s) {
        const Definition *d = s->c->def;
        struct itimerspec its = {};

        if (s->stopping)
                return 0;
        s->stopping = true;
        log_debug("Stopping container %s with %s", d->name, strsignal(d->stop_signal));
        (void) kill(s->pid, d->stop_signal);
        its.it_value.tv_sec = (time_t) (d->stop_timeout_usec / 1000000);
        its.it_value.tv_nsec = (long) (d->stop_timeout_usec % 1000000) * 1000;
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
                its.it_value.tv_nsec = 1;
        if (timerfd_settime(s->timerfd, 0, &its, NULL) < 0)
                return log_error_errno(-errno, "Failed to arm the stop timer: %m");
        return 0;
}

static int supervisor_handle_signal(Supervisor *s) {
        struct signalfd_siginfo si;

        if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
                return 0;
        switch (si.ssi_signo) {
        case SIGCHLD:
                return 0; /* the pidfd tells us */
        case SIGWINCH:
                pass_window_size(s);
                return 0;
        case SIGTERM:
                return supervisor_stop(s);
        case SIGINT:
                /* ^C of a foreground container without a tty stops it, as with docker. */
                if (!s->c->opts->service && !s->c->opts->tty)
                        return supervisor_stop(s);
                (void) kill(s->pid, (int) si.ssi_signo);
                return 0;
        default:
                (void) kill(s->pid, (int) si.ssi_signo);
                return 0;
        }
}

static void restore_terminal(Supervisor *s) {
        if (s->termios_saved)
                (void) tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved_termios);
        s->termios_saved = false;
}

static int supervise(Supervisor *s) {
        bool exited = false, stdin_open = s->c->opts->interactive && s->ptyfd >= 0;
        int status = 0;

        if (s->ptyfd >= 0) {
                pass_window_size(s);
                if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &s->saved_termios) >= 0) {
                        struct termios raw = s->saved_termios;

                        s->termios_saved = true;
                        cfmakeraw(&raw);
                        (void) tcsetattr(STDIN_FILENO, TCSANOW, &raw);
                }
        }

        for (;;) {
                struct pollfd p[6];
                size_t n = 0;
                int i_sig, i_pid = -1, i_timer, i_pty = -1, i_out = -1, i_err = -1, i_in = -1;

                if (exited && s->ptyfd < 0 && s->out_pipe < 0 && s->err_pipe < 0)
                        break;

                p[i_sig = (int) n++] = (struct pollfd) { .fd = s->sigfd, .events = POLLIN };
                p[i_timer = (int) n++] = (struct pollfd) { .fd = s->timerfd, .events = POLLIN };
                if (!exited)
                        p[i_pid = (int) n++] = (struct pollfd) { .fd = s->pidfd, .events = POLLIN };
                if (s->ptyfd >= 0)
                        p[i_pty = (int) n++] = (struct pollfd) { .fd = s->ptyfd, .events = POLLIN };
                if (s->out_pipe >= 0)
                        p[i_out = (int) n++] = (struct pollfd) { .fd = s->out_pipe, .events = POLLIN };
                if (s->err_pipe >= 0)
                        p[i_err = (int) n++] = (struct pollfd) { .fd = s->err_pipe, .events = POLLIN };
                if (stdin_open && !exited)
                        p[i_in = (int) n++] = (struct pollfd) { .fd = STDIN_FILENO, .events = POLLIN };

                /* Once the payload is gone, only drain what is buffered. */
                if (poll(p, n, exited ? 0 : -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "poll() failed: %m");
                }

                if (p[i_sig].revents)
                        (void) supervisor_handle_signal(s);
                if (p[i_timer].revents) {
                        uint64_t x;
                        (void) read(s->timerfd, &x, sizeof(x));
                        log_info("container %s did not stop within its stop timeout, killing it", s->c->def->name);
                        (void) kill(s->pid, SIGKILL);
                }
                if (i_pid >= 0 && p[i_pid].revents) {
                        siginfo_t si = {};

                        if (waitid(P_PID, (id_t) s->pid, &si, WEXITED) >= 0) {
                                exited = true;
                                status = si.si_code == CLD_EXITED ? si.si_status
                                                                  : 128 + si.si_status;
                        }
                }
                if (i_pty >= 0 && p[i_pty].revents) {
                        if (relay_output(s, s->ptyfd, s->out_dest, LOG_INFO, s->out_buf, &s->out_len) <= 0)
                                s->ptyfd = safe_close(s->ptyfd);
                } else if (i_pty >= 0 && exited)
                        s->ptyfd = safe_close(s->ptyfd);
                if (i_out >= 0 && (p[i_out].revents || exited))
                        if (relay_output(s, s->out_pipe, s->out_dest, LOG_INFO, s->out_buf, &s->out_len) <= 0 ||
                            (exited && !p[i_out].revents))
                                s->out_pipe = safe_close(s->out_pipe);
                if (i_err >= 0 && (p[i_err].revents || exited))
                        if (relay_output(s, s->err_pipe, s->err_dest, LOG_ERR, s->err_buf, &s->err_len) <= 0 ||
                            (exited && !p[i_err].revents))
                                s->err_pipe = safe_close(s->err_pipe);
                if (i_in >= 0 && p[i_in].revents) {
                        char buf[4096];
                        ssize_t k = read(STDIN_FILENO, buf, sizeof(buf));

                        if (k <= 0)
                                stdin_open = false;
                        else if (s->ptyfd >= 0)
                                (void) loop_write(s->ptyfd, buf, (size_t) k);
                }
        }
        restore_terminal(s);
        return status;
}

static int child_error_to_exit(const Container *c, const SyncMessage *m) {
        if (m->type == SYNC_EXEC_FAILED) {
                if (m->error == ENOENT) {
                        log_error("executable '%s' not found in the container's $PATH", c->argv[0]);
                        return 127;
                }
                log_error_errno(-m->error, "cannot run '%s' in the container: %m", c->argv[0]);
                return 126;
        }
        log_error("%s", m->message);
        return 125;
}

int container_run(const Definition *d, const RunOptions *o) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_close_pair_ int sync_fds[2] = { -EBADF, -EBADF };
        _cleanup_close_pair_ int out_pipe[2] = { -EBADF, -EBADF }, err_pipe[2] = { -EBADF, -EBADF };
        _cleanup_close_ int lock_fd = -EBADF, pidfd = -EBADF, sigfd = -EBADF, timerfd = -EBADF, ptyfd = -EBADF;
        _cleanup_close_ int journal_out = -EBADF, journal_err = -EBADF;
        _cleanup_free_ char *service = NULL, *scope_error = NULL;
        Container c = { .def = d, .opts = o, .stdin_fd = -EBADF, .stdout_fd = -EBADF, .stderr_fd = -EBADF };
        sigset_t mask, old_mask;
        int r, ret = 125;
        pid_t pid;

        r = container_lock(d->name, &lock_fd);
        if (r < 0)
                return 125;
        r = container_prepare(&c);
        if (r < 0)
                goto finish;

        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                goto finish;
        }

        if (o->service) {
                r = open_journal_streams(&c, &journal_out, &journal_err);
                if (r < 0)
                        goto finish;
        }
        if (!o->tty) {
                if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
                        log_error_errno(-errno, "Failed to create pipes: %m");
                        goto finish;
                }
                c.stdout_fd = TAKE_FD(out_pipe[1]);
                c.stderr_fd = TAKE_FD(err_pipe[1]);
                c.stdin_fd = o->interactive ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                            : open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (c.stdin_fd < 0) {
                        log_error_errno(-errno, "Failed to set up stdin: %m");
                        goto finish;
                }
        }

        r = sync_pair(sync_fds);
        if (r < 0) {
                log_error_errno(r, "Failed to create the sync socket: %m");
                goto finish;
        }

        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++)
                sigaddset(&mask, handled_signals[i]);
        sigprocmask(SIG_BLOCK, &mask, &old_mask);
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (sigfd < 0 || timerfd < 0) {
                log_error_errno(-errno, "Failed to set up signal handling: %m");
                goto finish;
        }

        /* Nothing of ours may be reached through /proc/PID of the child while it runs our
         * code inside the container's namespaces (CVE-2019-5736): not dumpable from here on;
         * execve() of the payload resets it for the payload's own image. */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

        pid = clone_payload(&pidfd);
        if (pid < 0) {
                log_error_errno(pid, "Failed to create the container's namespaces: %m");
                goto finish;
        }
        if (pid == 0) {
                sync_fds[0] = safe_close(sync_fds[0]);
                (void) sigprocmask(SIG_SETMASK, &old_mask, NULL);
                payload_main(&c, sync_fds[1]);
        }
        sync_fds[1] = safe_close(sync_fds[1]);
        c.stdout_fd = safe_close(c.stdout_fd);
        c.stderr_fd = safe_close(c.stderr_fd);
        c.stdin_fd = safe_close(c.stdin_fd);

        /* The child waits for GO; the scope takes it (and so everything it will start) before
         * it goes on. */
        service = name_to_service(d->name);
        r = scope_create(bus,
                         &(ScopeSettings) {
                                 .name = d->name,
                                 .pid = pid,
                                 .memory_max = d->memory_max,
                                 .cpu_weight = d->cpu_weight,
                                 .tasks_max = d->pids_limit,
                                 .privileged = d->privileged,
                                 .console = o->tty,
                                 .stop_signal = d->stop_signal,
                                 .stop_timeout_usec = d->stop_timeout_usec,
                                 .bound_to = o->service ? service : NULL,
                         },
                         &scope_error);
        if (r < 0) {
                log_error("Failed to create scope for container %s: %s", d->name, scope_error ?: strerror(-r));
                goto kill_child;
        }
        r = sync_send(sync_fds[0], SYNC_GO, 0, -EBADF, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to start the container's payload: %m");
                goto kill_child;
        }

        /* Until EOF (the payload's execve closed the child's end), the child reports errors
         * or hands us the pty. */
        for (;;) {
                SyncMessage m;
                int fd = -EBADF;

                r = sync_recv(sync_fds[0], &m, &fd);
                if (r < 0) {
                        log_error_errno(r, "Failed to talk to the container's payload: %m");
                        goto kill_child;
                }
                if (r == 0)
                        break;
                if (m.type == SYNC_PTY) {
                        safe_close(ptyfd);
                        ptyfd = fd;
                        continue;
                }
                safe_close(fd);
                ret = child_error_to_exit(&c, &m);
                (void) waitpid(pid, NULL, 0);
                goto finish;
        }

        if (o->service)
                (void) sd_notifyf(/* unset_environment= */ false, "READY=1\nSTATUS=Container %s running\nMAINPID=%d",
                                  d->name, (int) getpid());

        Supervisor s = {
                .c = &c,
                .pid = pid,
                .pidfd = pidfd,
                .sigfd = sigfd,
                .timerfd = timerfd,
                .ptyfd = TAKE_FD(ptyfd),
                .out_pipe = TAKE_FD(out_pipe[0]),
                .err_pipe = TAKE_FD(err_pipe[0]),
                .out_dest = o->service ? journal_out : STDOUT_FILENO,
                .err_dest = o->service ? journal_err : STDERR_FILENO,
        };
        ret = supervise(&s);
        safe_close(s.ptyfd);
        safe_close(s.out_pipe);
        safe_close(s.err_pipe);
        if (o->service)
                (void) sd_notifyf(false, "STOPPING=1\nSTATUS=Container %s exited with %d", d->name, ret);
        goto finish;

kill_child:
        /* SIGKILL of the namespace's PID 1 takes everything in it along. */
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        ret = 125;
finish:
        (void) container_cleanup(d->name);
        container_done(&c);
        return ret;
}

int container_cleanup(const char *name) {
        _cleanup_free_ char *run = NULL;

        if (!name_is_valid(name))
                return -EINVAL;
        run = path_join(container_runtime_dir(), name);
        if (!run)
                return -ENOMEM;
        return rm_rf(run);
}
