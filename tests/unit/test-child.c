/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a container's supervisor takes through its signalfd (every signal anyone can send, as
 * docker's --sig-proxy), and the exit status it reports as a shell does. */
#include <signal.h>
#include <sys/wait.h>

#include "child.h"
#include "tap.h"

int main(void) {
        static const int taken[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCHLD, SIGCONT,
                                     SIGTSTP, SIGTTIN, SIGTTOU, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSTKFLT };
        static const int left[] = { SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS,
                                    SIGXCPU, SIGXFSZ, SIGPIPE, SIGURG, 0, 32, 33, _NSIG };
        sigset_t mask, old;
        int sigfd, timerfd;

        for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
                ok(child_signal_is_taken(taken[i]), "signal %d (%s) is taken", taken[i], strsignal(taken[i]));
        for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++)
                ok(!child_signal_is_taken(left[i]), "signal %d is left alone", left[i]);
        ok(child_signal_is_taken(SIGRTMIN) && child_signal_is_taken(SIGRTMIN + 3) && child_signal_is_taken(SIGRTMAX),
           "the real-time signals are taken");

        ok_eq_int(child_signals_block(&mask, &old, &sigfd, &timerfd), 0);
        ok(sigismember(&mask, SIGALRM) == 1 && sigismember(&mask, SIGTSTP) == 1 && sigismember(&mask, SIGSEGV) == 0,
           "the mask is what child_signal_is_taken() says");
        {
                sigset_t now;
                ok(sigprocmask(SIG_SETMASK, NULL, &now) == 0 && sigismember(&now, SIGPWR) == 1, "  … and blocked");
        }

        ok_eq_int(child_exit_code(W_EXITCODE(3, 0)), 3);
        ok_eq_int(child_exit_code(W_EXITCODE(0, SIGKILL)), 137);
        return tap_finish();
}
