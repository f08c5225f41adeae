/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "blob-fetch.h"

/* What berth pull shows of its layers, as docker does: on a terminal a line per layer, redrawn in
 * place (Waiting, Downloading with bytes and rate, Extracting, Pull complete, Already exists);
 * otherwise one line per layer when it is done. */

typedef struct PullProgress {
        FILE *out;
        bool tty, quiet;
        size_t n;
        size_t drawn;          /* lines of the block on the terminal */
        uint64_t last_draw;    /* µs */
        LayerState *said;      /* per layer, what was printed last (not on a terminal) */
        uint64_t *mark_bytes, *mark_time;
        double *rate;          /* bytes per second */
} PullProgress;

int pull_progress_init(PullProgress *p, FILE *out, bool tty, bool quiet, size_t n);
void pull_progress_done(PullProgress *p);
/* A LayerProgressFunc; userdata the PullProgress. */
void pull_progress_update(const LayerJob *jobs, size_t n, void *userdata);
/* The last drawing, whatever the time. */
void pull_progress_flush(PullProgress *p, const LayerJob *jobs, size_t n);

/* Docker's sizes: "31.4MB", "512kB", "17B" (decimal units). Returns buf. */
char *pull_format_size(uint64_t bytes, char *buf, size_t size);
