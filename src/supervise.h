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

typedef struct Supervisor {
        const char *name;
        pid_t pid;                  /* the payload's PID 1 */
        int pidfd, sigfd, timerfd;
        int ptyfd;                  /* -t: the pty master, or -EBADF */
        int out_pipe, err_pipe;     /* read ends of the payload's stdout and stderr */
        int out_dest, err_dest;     /* where they go: our terminal, or journal streams */
        bool interactive;           /* copy our stdin to the pty */
        bool service;               /* SIGINT is forwarded, not a stop; no per-line callback */
        int stop_signal;
        uint64_t stop_timeout_usec;
        /* Foreground: each complete line, for the journal. NULL in a service, whose
         * destinations are journal streams already. */
        void (*on_line)(void *userdata, int priority, const char *line, size_t n);
        void *userdata;

        /* state */
        bool stopping;
        char out_buf[4096], err_buf[4096];
        size_t out_len, err_len;
        struct termios saved_termios;
        bool termios_saved;
} Supervisor;

/* Runs until the payload exited and its output is drained; returns its exit status as a shell
 * reports it (128 + signal when a signal ended it). */
int supervise(Supervisor *s);
