/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "fd-util.h"
#include "guard.h"
#include "lock.h"
#include "log.h"
#include "name.h"
#include "scope.h"
#include "string-util.h"
#include "teardown.h"
#include "time-util.h"
#include "volume.h"

/* What goes over the pipe: one byte, and for the payload its PID. */
enum {
        GUARD_PAYLOAD = 'P',     /* followed by a pid_t */
        GUARD_SCOPE_ASKED = 'S', /* StartTransientUnit was sent */
        GUARD_SCOPE_MADE = 'C',  /* … and systemd made the scope */
        GUARD_DEFINED = 'W',     /* the definition is written */
        GUARD_DONE = 'D',        /* the run cleaned up: exit */
};

/* How long the payload may take to die once its helper is gone (PR_SET_PDEATHSIG, SIGKILL: it
 * takes the kernel little), and systemd to answer a StartTransientUnit the dead run had sent. */
#define GUARD_WAIT_USEC (10 * USEC_PER_SEC)
#define GUARD_SCOPE_WAIT_USEC (2 * USEC_PER_SEC)

static void guard_wait_payload(int pidfd, pid_t pid) {
        if (pidfd < 0)
                return;
        if (poll(&(struct pollfd) { .fd = pidfd, .events = POLLIN }, 1, (int) (GUARD_WAIT_USEC / 1000)) > 0)
                return;
        /* Still there: the helper's parent-death signal did not take it. */
        (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        (void) poll(&(struct pollfd) { .fd = pidfd, .events = POLLIN }, 1, (int) (GUARD_WAIT_USEC / 1000));
        (void) pid;
}

/* The scope the dead run asked for: once systemd made it (it may still be on its way), stopped
 * and forgotten. On cgroup v1 systemd would not notice for a long time that it is empty. */
static void guard_discard_scope(const char *name, bool asked, bool made) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *unit = name_to_scope(name);
        uint64_t until = now_monotonic_usec() + (asked && !made ? GUARD_SCOPE_WAIT_USEC : 0);

        if (!asked || !unit || bus_open_systemd(&bus) < 0)
                return;
        /* Asked for, but the run died before systemd's answer: the scope may still come. */
        while (!made) {
                _cleanup_free_ char *state = NULL;
                int r;

                r = bus_get_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
                if (r >= 0 && !streq(state, "inactive"))
                        break;
                if (now_monotonic_usec() >= until)
                        return;
                usleep(50 * 1000);
        }
        scope_discard(bus, name, NULL);
}

_noreturn_ static void guard_main(const Definition *d, int lock_fd, bool remove, int fd) {
        _cleanup_close_ int pidfd = -EBADF;
        bool asked = false, made = false, defined = false, done = false;
        pid_t pid = 0;
        int r;

        /* A session of our own: the terminal's ^C and hangup are the run's, not ours. Only the
         * lock and the pipe: nothing of the run's keeps its pipes or sockets open through us. */
        (void) setsid();
        {
                const int keep[] = { lock_fd, fd };
                int null_fd;

                (void) close_all_fds_except(keep, ELEMENTSOF(keep));
                null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
                for (int i = 0; null_fd >= 0 && i < 3; i++)
                        (void) dup2(null_fd, i);
                if (null_fd > 2)
                        safe_close(null_fd);
        }
        for (int sig = 1; sig < _NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) signal(sig, SIG_DFL);
        {
                sigset_t none;
                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
        }
        /* What we say goes to the journal, with the container's fields: there is no terminal. */
        log_open();
        log_set_container(d->name, NULL);

        for (;;) {
                char c;
                ssize_t n = read(fd, &c, 1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (c == GUARD_DONE) {
                        done = true;
                        break;
                }
                if (c == GUARD_SCOPE_ASKED)
                        asked = true;
                else if (c == GUARD_SCOPE_MADE)
                        made = true;
                else if (c == GUARD_DEFINED)
                        defined = true;
                else if (c == GUARD_PAYLOAD && read(fd, &pid, sizeof(pid)) == sizeof(pid) && pid > 0) {
                        /* Opened at once, while the run still holds its child unreaped: the PID
                         * cannot name another process yet. */
                        pidfd = safe_close(pidfd);
                        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
                }
        }
        if (done)
                _exit(0);

        log_warning("the foreground run of container %s went away; cleaning up after it", d->name);
        guard_wait_payload(pidfd, pid);
        guard_discard_scope(d->name, asked, made);
        r = teardown_cleanup(d->name);
        if (r < 0)
                log_warning_errno(r, "Failed to clean up after container %s, ignoring: %m", d->name);
        if (remove) {
                /* Whether or not it got as far as its definition: one written just before the
                 * run died may not have been told. */
                (void) volume_remove_anonymous(d);
                r = teardown_remove(d->name, /* including_etc= */ false);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove container %s, ignoring: %m", d->name);
                else
                        lock_forget(d->name, lock_fd);
        } else if (!defined)
                /* No container of that name came of it: nor does a lock file stay. */
                lock_forget(d->name, lock_fd);
        _exit(0);
}

int guard_start(const Definition *d, bool remove, Guard *ret, int *ret_lock_fd) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF }, q[2] = { -EBADF, -EBADF };
        _cleanup_close_ int lock_fd = -EBADF;
        int r = -EPIPE;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0 || pipe2(q, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                /* The lock is taken here, by the guard: its file exists only once someone is
                 * there to remove it, whenever the run dies. */
                p[1] = safe_close(p[1]);
                q[0] = safe_close(q[0]);
                /* A run that died meanwhile must not take us with it: then the pipe below ends
                 * at once, and we clean up. */
                (void) signal(SIGPIPE, SIG_IGN);
                r = lock_take(d->name, &lock_fd);
                (void) loop_write(q[1], &r, sizeof(r));
                if (r < 0)
                        _exit(0);
                q[1] = safe_close(q[1]);
                guard_main(d, lock_fd, remove, p[0]);
        }
        q[1] = safe_close(q[1]);
        if (loop_read_exact(q[0], &r, sizeof(r)) < 0)
                r = -EPIPE;
        if (r >= 0)
                /* Ours to name the file by, for lock_forget(): nobody unlinks it while the guard
                 * holds it. */
                r = lock_open(d->name, &lock_fd);
        if (r < 0) {
                p[1] = safe_close(p[1]);
                (void) waitpid(pid, NULL, 0);
                return r;
        }
        *ret = (Guard) { .pid = pid, .fd = TAKE_FD(p[1]) };
        *ret_lock_fd = TAKE_FD(lock_fd);
        return 0;
}

static void guard_send(Guard *g, const void *buf, size_t n) {
        if (g->fd >= 0 && loop_write(g->fd, buf, n) < 0)
                g->fd = safe_close(g->fd);
}

void guard_payload(Guard *g, pid_t pid) {
        char buf[1 + sizeof(pid_t)] = { GUARD_PAYLOAD };

        memcpy(buf + 1, &pid, sizeof(pid));
        guard_send(g, buf, sizeof(buf));
}

void guard_scope_asked(Guard *g) {
        guard_send(g, &(char) { GUARD_SCOPE_ASKED }, 1);
}

void guard_scope_made(Guard *g) {
        guard_send(g, &(char) { GUARD_SCOPE_MADE }, 1);
}

void guard_defined(Guard *g) {
        guard_send(g, &(char) { GUARD_DEFINED }, 1);
}

void guard_done(Guard *g) {
        if (g->pid <= 0)
                return;
        guard_send(g, &(char) { GUARD_DONE }, 1);
        g->fd = safe_close(g->fd);
        (void) waitpid(g->pid, NULL, 0);
        *g = GUARD_NULL;
}
