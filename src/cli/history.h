/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-journal.h>

/* What the journal says about a container's runs (event.h): how its last run ended, whether the
 * kernel killed any of its processes for memory, its health and the last results of its checks.
 * The journal is the only record: berth keeps no file of its own, and systemd forgets a unit's
 * exit status once the unit is unloaded. */

/* Opens the local journal for the readers below: one per verb, kept for all its containers. */
int history_open(sd_journal **ret);

typedef struct RunExit {
        bool known;        /* the run's die event was found */
        int code;          /* as a shell reports it */
        bool oom;          /* the kernel killed a process of the container for memory */
        uint64_t at;       /* CLOCK_REALTIME µs */
} RunExit;

/* How the container's last run ended: its last start or die event, and if that is a die event,
 * what it says. Not known (known false) for a container that never ran under this berth, or whose
 * last run has not ended (or ended without a word: its supervisor was killed). */
int history_last_exit(sd_journal *j, const char *name, RunExit *ret);

/* When the container's last run started (its last start event), CLOCK_REALTIME µs; 0 when it
 * never did under this berth. */
int history_last_start(sd_journal *j, const char *name, uint64_t *ret);

/* Whether an oom event was logged for the container at or after since (CLOCK_REALTIME µs): for a
 * run still going. */
int history_oom_since(sd_journal *j, const char *name, uint64_t since, bool *ret);

typedef struct HealthResult {
        uint64_t start, end;  /* CLOCK_REALTIME µs */
        int exit_code;        /* -1: timed out */
        bool startup;         /* the startup check's */
        char *output;
} HealthResult;

#define HISTORY_HEALTH_RESULTS 5

/* The container's health since its last start: *ret_status "starting", "healthy", "unhealthy"
 * (static), or NULL when it has no health check; and its last results, oldest first, up to
 * HISTORY_HEALTH_RESULTS, in ret_results (may be NULL). */
int history_health(sd_journal *j, const char *name, const char **ret_status, HealthResult *ret_results,
                   size_t *ret_n);
void health_results_done(HealthResult *r, size_t n);
