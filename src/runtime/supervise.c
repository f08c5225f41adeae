/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "journal-send.h"
#include "log.h"
#include "supervise.h"

/* The count of dropped lines, as one entry of its own once the journal takes entries again. */
static void report_dropped(Supervisor *s, unsigned timeout_msec) {
        char msg[160];
        int n;

        if (s->dropped == 0)
                return;
        n = snprintf(msg, sizeof(msg), "berth: %llu line%s of container %s's output dropped: the journal did not take them",
                     (unsigned long long) s->dropped, s->dropped == 1 ? "" : "s", s->name);
        if (journal_send_line_timeout(NULL, s->name, s->unit, LOG_WARNING, msg, (size_t) n, timeout_msec) >= 0)
                s->dropped = 0;
}

static void journal_line(Supervisor *s, int priority, const char *line, size_t n) {
        if (n > 0 && line[n - 1] == '\r')
                n--;
        report_dropped(s, 0);
        if (s->dropped > 0 || journal_send_line_timeout(NULL, s->name, s->unit, priority, line, n, 0) == -EAGAIN)
                s->dropped++;
}

/* Copies what the payload wrote to dest (if any) as it comes and sends each line to the
 * journal; at EOF, the partial line too. */
static int relay_output(Supervisor *s, int fd, int *dest, int priority, char *buf, size_t *len) {
        char chunk[4096];
        ssize_t n;

        n = read(fd, chunk, sizeof(chunk));
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 1 : (errno == EIO ? 0 : -errno);
        if (n == 0) {
                if (*len > 0)
                        journal_line(s, priority, buf, *len);
                *len = 0;
                return 0;
        }
        if (*dest >= 0 && loop_write(*dest, chunk, (size_t) n) == -EPIPE)
                *dest = -EBADF; /* nobody reads our stdout any more: the journal still does */
        for (ssize_t i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                        journal_line(s, priority, buf, *len);
                        *len = 0;
                        continue;
                }
                if (*len == SUPERVISE_LINE_MAX) {
                        journal_line(s, priority, buf, *len);
                        *len = 0;
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
        struct itimerspec its = {};

        if (s->stopping)
                return 0;
        s->stopping = true;
        (void) kill(s->pid, s->stop_signal);
        its.it_value.tv_sec = (time_t) (s->stop_timeout_usec / 1000000);
        its.it_value.tv_nsec = (long) (s->stop_timeout_usec % 1000000) * 1000;
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
                its.it_value.tv_nsec = 1;
        if (timerfd_settime(s->timerfd, 0, &its, NULL) < 0)
                return log_error_errno(-errno, "Failed to arm the stop timer: %m");
        return 0;
}

static void supervisor_handle_signal(Supervisor *s) {
        struct signalfd_siginfo si;

        if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
                return;
        switch (si.ssi_signo) {
        case SIGCHLD:
                return; /* the pidfd tells us */
        case SIGWINCH:
                pass_window_size(s);
                return;
        case SIGTERM:
                (void) supervisor_stop(s);
                return;
        case SIGINT:
                /* ^C of a foreground run goes to the payload, as docker's --sig-proxy does; like
                 * any PID 1 it ignores it unless it handles it. */
                (void) kill(s->pid, SIGINT);
                return;
        default:
                (void) kill(s->pid, (int) si.ssi_signo);
                return;
        }
}

static void restore_terminal(Supervisor *s) {
        if (s->termios_saved)
                (void) tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved_termios);
        s->termios_saved = false;
}

int supervise(Supervisor *s) {
        bool exited = false, stdin_open = s->interactive && s->ptyfd >= 0;
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
                struct pollfd p[7];
                nfds_t n = 0;
                int i_sig, i_timer, i_pid = -1, i_pty = -1, i_out = -1, i_err = -1, i_in = -1;

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
                        restore_terminal(s);
                        return log_error_errno(-errno, "poll() failed: %m");
                }

                if (p[i_sig].revents)
                        supervisor_handle_signal(s);
                if (p[i_timer].revents) {
                        uint64_t x;

                        (void) read(s->timerfd, &x, sizeof(x));
                        log_info("container %s did not stop within its stop timeout, killing it", s->name);
                        (void) kill(s->pid, SIGKILL);
                }
                if (i_pid >= 0 && p[i_pid].revents) {
                        siginfo_t si = {};

                        if (waitid(P_PID, (id_t) s->pid, &si, WEXITED) >= 0) {
                                exited = true;
                                status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
                        }
                }
                if (i_pty >= 0 && (p[i_pty].revents || exited))
                        if (relay_output(s, s->ptyfd, &s->out_dest, LOG_INFO, s->out_buf, &s->out_len) <= 0 ||
                            (exited && !p[i_pty].revents))
                                s->ptyfd = safe_close(s->ptyfd);
                if (i_out >= 0 && (p[i_out].revents || exited))
                        if (relay_output(s, s->out_pipe, &s->out_dest, LOG_INFO, s->out_buf, &s->out_len) <= 0 ||
                            (exited && !p[i_out].revents))
                                s->out_pipe = safe_close(s->out_pipe);
                if (i_err >= 0 && (p[i_err].revents || exited))
                        if (relay_output(s, s->err_pipe, &s->err_dest, LOG_ERR, s->err_buf, &s->err_len) <= 0 ||
                            (exited && !p[i_err].revents))
                                s->err_pipe = safe_close(s->err_pipe);
                if (i_in >= 0 && p[i_in].revents) {
                        char buf[4096];
                        ssize_t k = read(STDIN_FILENO, buf, sizeof(buf));

                        if (k <= 0)
                                stdin_open = false;
                        else
                                (void) loop_write(s->ptyfd, buf, (size_t) k);
                }
        }
        restore_terminal(s);
        report_dropped(s, JOURNAL_SEND_TIMEOUT_MSEC);
        return status;
}
