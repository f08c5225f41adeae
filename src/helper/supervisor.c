/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-supervisor: what berth-helper execs into once a service's payload runs. Same PID (so
 * still the unit's main process), same children, same blocked signals and signalfd, same fds:
 * it only supervises, and links nothing but libc, so that a running container costs little.
 *
 *   berth-supervisor NAME UNIT PID STOP-SIGNAL STOP-TIMEOUT-USEC PIDFD SIGFD TIMERFD OUT-PIPE
 *                    ERR-PIPE LOCK-FD [KEY=VALUE…]
 *
 * The KEY=VALUE words are supervisor_options_format()'s (supervise.h): readiness, health checks.
 *
 * Not for humans: berth-helper is its only caller. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "fd-util.h"
#include "log.h"
#include "string-util.h"
#include "supervise.h"

static int parse_fd(const char *s) {
        int fd;

        if (safe_atoi(s, &fd) < 0 || fd < 0 || fcntl(fd, F_GETFD) < 0)
                return -EBADF;
        (void) fd_set_cloexec(fd, true);
        return fd;
}

/* Static and set field by field: the struct holds 36 KiB of buffers, and a literal (or "= {}")
 * on the stack would write every page of them, which this process would then hold for as long as
 * the container runs. Untouched, they cost nothing until a long line or a check's output comes. */
static Supervisor s;

int main(int argc, char *argv[]) {
        unsigned sig;
        uint64_t timeout;
        int pid, fds[6], r;

        log_set_prefix("berth");
        log_open();
        if (argc < 12 || safe_atoi(argv[3], &pid) < 0 || pid <= 0 || safe_atou(argv[4], &sig) < 0 ||
            safe_atou64(argv[5], &timeout) < 0) {
                log_error("berth-supervisor is run by berth-helper only");
                return 125;
        }
        log_set_container(argv[1], argv[2]);
        for (int i = 0; i < 6; i++) {
                /* The payload's pipes: none when it has a terminal (pty-fd=). */
                if ((i == 3 || i == 4) && streq(argv[6 + i], "-1")) {
                        fds[i] = -EBADF;
                        continue;
                }
                fds[i] = parse_fd(argv[6 + i]);
                if (fds[i] < 0) {
                        log_error("berth-supervisor: bad file descriptor '%s'", argv[6 + i]);
                        return 125;
                }
        }
        s.name = argv[1];
        s.pid = pid;
        s.stop_signal = (int) sig;
        s.stop_timeout_usec = timeout;
        s.pidfd = fds[0];
        s.sigfd = fds[1];
        s.timerfd = fds[2];
        s.out_pipe = fds[3];
        s.err_pipe = fds[4];
        s.out_dest = -EBADF;
        s.err_dest = -EBADF;
        s.ptyfd = -EBADF;
        s.service = true;
        s.unit = argv[2];
        s.payload = true;
        s.notify_fd = -EBADF;
        s.oom_log = OOM_LOG_NULL;
        s.notify_socket = getenv("NOTIFY_SOCKET");
        s.helper_path = BERTH_HELPER_PATH;
        supervisor_init(&s);
        for (int i = 12; i < argc; i++)
                if (supervisor_option_parse(&s, argv[i]) < 0) {
                        log_error("berth-supervisor: bad option '%s'", argv[i]);
                        return 125;
                }
        /* fds[5], the container's lock, stays open until we exit. */
        r = supervise(&s);
        if (s.restart)
                supervise_exit_for_restart();
        return r;
}
