/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* A foreground run's guard: what ExecStopPost= is to a service.
 *
 * `berth run` without -d is the container's supervisor itself, and no unit runs anything after
 * it: killed (kill -9, an OOM kill, the end of the session that ran it), it would leave its
 * published ports, its address, /run/berth/NAME, a scope systemd on cgroup v1 may not notice is
 * empty, and with --rm the container itself. So before it makes anything, it forks a guard: a
 * small process in a session of its own, holding only the container's lock (which it takes: so
 * nobody takes the name until it is done) and the read end of a pipe. The run tells it what it
 * made as it goes; at a normal end it says so and the guard exits at once. If the pipe ends
 * without that, the run is gone: the guard waits for the payload to die (it does, of
 * PR_SET_PDEATHSIG), stops the scope, undoes the network, removes /run/berth/NAME and, for --rm,
 * the container and its anonymous volumes, logs to the journal, and exits. */

typedef struct Guard {
        pid_t pid;
        int fd; /* the write end of the pipe, or -EBADF */
} Guard;

#define GUARD_NULL ((Guard) { .pid = 0, .fd = -EBADF })

/* Forks the guard for the container of d (which must live as long as the caller's copy: the guard
 * is a fork). The guard takes the container's lock and keeps it (so that the lock file exists
 * only once someone is there to remove it, whatever kills the run); ret_lock_fd is the caller's
 * fd of that file, unlocked, for lock_forget(). -EBUSY when the name is taken. remove says whether
 * the container goes when it ends (--rm). Does not log. */
#include "definition.h"
int guard_start(const Definition *d, bool remove, Guard *ret, int *ret_lock_fd);

/* What the run made, for the guard to undo if the run dies: its payload (before the payload can
 * outlive us, right after clone()), that it asked systemd for the scope, and that systemd made
 * it. Best effort. */
void guard_payload(Guard *g, pid_t pid);
void guard_scope_asked(Guard *g);
void guard_scope_made(Guard *g);
/* The run's definition is written: a run killed after this leaves its container, unless --rm;
 * one killed before leaves nothing, not even its lock file. */
void guard_defined(Guard *g);

/* The run ended and cleaned up after itself: the guard exits, and we wait for it. */
void guard_done(Guard *g);
