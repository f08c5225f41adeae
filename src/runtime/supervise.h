/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

/* The helper's life while the payload runs: relay its output, forward signals, stop it with
 * its stop signal and SIGKILL after its timeout, and return its exit status. libc only: in a
 * service the helper execs berth-supervisor, which links nothing else, so that supervising a
 * container costs little memory (libsystemd alone is ~400 KiB of PSS). */

/* Every line of the payload's becomes one journal entry (journal-send.h); a longer one is
 * split, at docker's 16 KiB. A line the journal does not take at once is dropped and counted,
 * and the count is logged once the journal takes entries again: the supervisor never waits for
 * journald, so a stopped journald neither stalls the payload (its pipe is always read) nor a
 * stop. The copy to a foreground run's terminal ends when the terminal's reader goes away
 * (EPIPE: `berth run … | head -1`); the container runs on, into the journal. */
#define SUPERVISE_LINE_MAX 16384

typedef struct Supervisor {
        const char *name;
        pid_t pid;                  /* the payload's PID 1 */
        int pidfd, sigfd, timerfd;
        int ptyfd;                  /* -t: the pty master, or -EBADF */
        int out_pipe, err_pipe;     /* read ends of the payload's stdout and stderr */
        int out_dest, err_dest;     /* copies go to our terminal too, or -EBADF in a service */
        bool interactive;           /* copy our stdin to the pty */
        bool service;               /* SIGINT is forwarded, not a stop */
        const char *unit;           /* the service's unit, for OBJECT_SYSTEMD_UNIT=, or NULL */
        int stop_signal;
        uint64_t stop_timeout_usec;

        /* state */
        bool stopping;
        uint64_t dropped;           /* lines the journal did not take, not yet reported */
        char out_buf[SUPERVISE_LINE_MAX], err_buf[SUPERVISE_LINE_MAX];
        size_t out_len, err_len;
        struct termios saved_termios;
        bool termios_saved;
} Supervisor;

/* Runs until the payload exited and its output is drained; returns its exit status as a shell
 * reports it (128 + signal when a signal ended it). */
int supervise(Supervisor *s);
