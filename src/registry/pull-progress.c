/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pull-progress.h"

/* A terminal is redrawn at most this often. */
#define REDRAW_USEC 200000U
#define BAR_WIDTH 30

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

char *pull_format_size(uint64_t bytes, char *buf, size_t size) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
        double v = (double) bytes;
        size_t u = 0;

        while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
                v /= 1000;
                u++;
        }
        if (u == 0)
                snprintf(buf, size, "%lluB", (unsigned long long) bytes);
        else
                snprintf(buf, size, "%.*f%s", v < 10 ? 2 : v < 100 ? 1 : 0, v, units[u]);
        return buf;
}

int pull_progress_init(PullProgress *p, FILE *out, bool tty, bool quiet, size_t n) {
        *p = (PullProgress) { .out = out, .tty = tty, .quiet = quiet, .n = n };
        p->said = calloc(n + 1, sizeof(LayerState));
        p->mark_bytes = calloc(n + 1, sizeof(uint64_t));
        p->mark_time = calloc(n + 1, sizeof(uint64_t));
        p->rate = calloc(n + 1, sizeof(double));
        if (!p->said || !p->mark_bytes || !p->mark_time || !p->rate) {
                pull_progress_done(p);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                p->said[i] = _LAYER_STATE_MAX;
        return 0;
}

void pull_progress_done(PullProgress *p) {
        free(p->said);
        free(p->mark_bytes);
        free(p->mark_time);
        free(p->rate);
        *p = (PullProgress) {};
}

/* docker's short ID of a layer: 12 hex digits of its digest. */
static const char *short_id(const LayerJob *j) {
        const char *colon = strchr(j->digest, ':');

        return colon ? colon + 1 : j->digest;
}

static void draw_line(PullProgress *p, const LayerJob *j, size_t i) {
        char got[16], total[16], rate[16];

        fprintf(p->out, "\033[2K%.12s: ", short_id(j));
        switch (j->state) {
        case LAYER_PRESENT:
                fputs("Already exists", p->out);
                break;
        case LAYER_WAITING:
                fputs(j->received > 0 ? "Retrying" : "Waiting", p->out);
                break;
        case LAYER_DOWNLOADING: {
                int filled = j->size > 0 ? (int) ((double) j->received / (double) j->size * BAR_WIDTH) : 0;

                fprintf(p->out, "Downloading [%.*s>%*s] %8s/%s  %s/s", filled > 0 ? filled - 1 : 0,
                        "==============================", BAR_WIDTH - (filled > 0 ? filled : 1), "",
                        pull_format_size(j->received, got, sizeof(got)),
                        pull_format_size(j->size, total, sizeof(total)),
                        pull_format_size((uint64_t)p->rate[i], rate, sizeof(rate)));
                break;
        }
        case LAYER_EXTRACTING:
                fputs("Extracting", p->out);
                break;
        case LAYER_DONE:
                fputs("Pull complete", p->out);
                break;
        case _LAYER_STATE_MAX:
        default:
                break;
        }
        fputc('\n', p->out);
}

static void draw(PullProgress *p, const LayerJob *jobs, size_t n) {
        if (p->drawn > 0)
                fprintf(p->out, "\033[%zuA", p->drawn);
        for (size_t i = 0; i < n; i++)
                draw_line(p, &jobs[i], i);
        p->drawn = n;
        fflush(p->out);
}

static void update_rates(PullProgress *p, const LayerJob *jobs, size_t n, uint64_t now) {
        for (size_t i = 0; i < n; i++) {
                uint64_t dt = now - p->mark_time[i];

                if (p->mark_time[i] == 0 || jobs[i].received < p->mark_bytes[i]) {
                        p->mark_time[i] = now;
                        p->mark_bytes[i] = jobs[i].received;
                        continue;
                }
                if (dt < 500000U)
                        continue;
                /* Smoothed over the last second or so. */
                double r = (double) (jobs[i].received - p->mark_bytes[i]) * 1e6 / (double) dt;
                p->rate[i] = p->rate[i] > 0 ? 0.5 * p->rate[i] + 0.5 * r : r;
                p->mark_time[i] = now;
                p->mark_bytes[i] = jobs[i].received;
        }
}

static void say_done(PullProgress *p, const LayerJob *jobs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                const LayerJob *j = &jobs[i];

                if (p->said[i] == j->state || (j->state != LAYER_DONE && j->state != LAYER_PRESENT))
                        continue;
                fprintf(p->out, "%.12s: %s\n", short_id(j),
                        j->state == LAYER_DONE ? "Pull complete" : "Already exists");
                p->said[i] = j->state;
        }
        fflush(p->out);
}

void pull_progress_update(const LayerJob *jobs, size_t n, void *userdata) {
        PullProgress *p = userdata;
        uint64_t now = now_usec();

        if (p->quiet)
                return;
        if (!p->tty) {
                say_done(p, jobs, n);
                return;
        }
        update_rates(p, jobs, n, now);
        if (now - p->last_draw < REDRAW_USEC)
                return;
        p->last_draw = now;
        draw(p, jobs, n);
}

void pull_progress_flush(PullProgress *p, const LayerJob *jobs, size_t n) {
        if (p->quiet)
                return;
        if (p->tty)
                draw(p, jobs, n);
        else
                say_done(p, jobs, n);
}
