/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>

#include "cleanup.h"
#include "journal-follow.h"
#include "macro.h"
#include "time-util.h"

/* How long past until a follow keeps looking: journald stamps an entry when it receives it, and
 * may write it to its file a moment later. */
#define UNTIL_GRACE_USEC (250 * USEC_PER_MSEC)

int journal_each(sd_journal *j, uint64_t since, uint64_t until, bool current, JournalEntryFunc f,
                 void *userdata) {
        int r;

        for (;;) {
                uint64_t t = 0;

                if (!current) {
                        r = sd_journal_next(j);
                        if (r <= 0)
                                return r;
                }
                current = false;
                r = sd_journal_get_realtime_usec(j, &t);
                if (r < 0)
                        return r;
                if (t < since)
                        continue;
                if (t > until)
                        return 1;
                r = f(j, userdata);
                if (r < 0)
                        return r;
        }
}

int journal_each_since(sd_journal *j, uint64_t since, uint64_t until, JournalEntryFunc f, void *userdata) {
        int r;

        r = since > 0 ? sd_journal_seek_realtime_usec(j, since) : sd_journal_seek_head(j);
        if (r < 0)
                return r;
        return journal_each(j, since, until, /* current= */ false, f, userdata);
}

/* Milliseconds until the earlier of the journal's own timeout (CLOCK_MONOTONIC) and deadline
 * (CLOCK_REALTIME, UINT64_MAX: none); -1 for neither. */
static int wait_msec(sd_journal *j, uint64_t deadline) {
        uint64_t timeout = UINT64_MAX, left = UINT64_MAX;

        if (sd_journal_get_timeout(j, &timeout) >= 0 && timeout != UINT64_MAX) {
                uint64_t mono = now_monotonic_usec();

                left = timeout > mono ? timeout - mono : 0;
        }
        if (deadline != UINT64_MAX) {
                uint64_t now = now_realtime_usec();

                left = MIN(left, deadline > now ? deadline - now : 0);
        }
        if (left == UINT64_MAX)
                return -1;
        return (int) MIN((left + 999) / 1000, (uint64_t) INT32_MAX);
}

int journal_follow(sd_journal *j, uint64_t since, uint64_t until, JournalEntryFunc f, void *userdata) {
        uint64_t deadline = until == UINT64_MAX ? UINT64_MAX : until + UNTIL_GRACE_USEC;
        _cleanup_close_ int sigfd = -EBADF;
        sigset_t mask;
        int r;

        /* Until SIGINT or SIGTERM: they end the wait, and us, with success. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sigfd < 0)
                return -errno;
        r = sd_journal_get_fd(j);
        if (r < 0)
                return r;

        for (;;) {
                struct pollfd p[2] = {
                        { .fd = sd_journal_get_fd(j), .events = (short) sd_journal_get_events(j) },
                        { .fd = sigfd, .events = POLLIN },
                };
                bool last = deadline != UINT64_MAX && now_realtime_usec() >= deadline;

                fflush(stdout);
                if (!last && poll(p, ELEMENTSOF(p), wait_msec(j, deadline)) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (p[1].revents & POLLIN)
                        return 0;
                r = sd_journal_process(j);
                if (r < 0)
                        return r;
                r = journal_each(j, since, until, /* current= */ false, f, userdata);
                if (r < 0)
                        return r;
                if (r > 0 || last) {
                        fflush(stdout);
                        return 0;
                }
        }
}
