/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>

#include "definition.h"
#include "guard.h"

/* One container's life: definition → image → namespaces → scope → payload → exit status.
 * The helper runs it as the main process of container@NAME.service; `berth run` without -d
 * runs the same code in the foreground. */

typedef struct RunOptions {
        bool service;     /* main process of container@NAME.service: READY=1, BindsTo= */
        bool interactive; /* -i: the payload's stdin is ours */
        bool tty;         /* -t: a pty from the container's own devpts */
        bool remove;      /* --rm in the foreground: the container and its anonymous volumes go
                           * when it ends, whatever happens to us (guard.h) */
} RunOptions;

/* A foreground run begins before its definition is written: it takes the container's lock and
 * forks its guard (guard.h), so that from then on nothing it makes outlives it, whatever kills
 * it, the definition included. */
typedef struct ForegroundRun {
        const char *name; /* the definition's */
        int lock_fd;      /* the lock file, held by the guard (guard.h) */
        Guard guard;
} ForegroundRun;

#define FOREGROUND_RUN_NULL ((ForegroundRun) { .lock_fd = -EBADF, .guard = GUARD_NULL })

/* Logs its error. */
int container_foreground_begin(const Definition *d, bool remove, ForegroundRun *ret);
/* The definition is written: from now on the container exists (guard_defined()). */
void container_foreground_defined(ForegroundRun *f);
/* For a run that ends before container_run() (its definition could not be written): the guard
 * goes, and the lock with its file. Idempotent. */
void container_foreground_end(ForegroundRun *f);

/* Returns the payload's exit code, or 125/126/127 as Docker does. Logs its own errors. fg: the
 * foreground run's lock and guard (taken over), or NULL for a service, which takes the lock
 * itself. */
int container_run(const Definition *d, const RunOptions *o, ForegroundRun *fg);
