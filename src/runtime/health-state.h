/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A container's health, docker's rules, as the supervisor keeps it: a pure state machine fed
 * with the result of each check run, which says when the next runs and what to do. The checks
 * themselves run as `berth exec` runs commands (health-check.c); libc only, for berth-supervisor.
 *
 *   - The first check runs one interval after the start; the startup check (podman's
 *     HealthStartupCmd=), when there is one, runs first, at its own interval, until it passed
 *     startup_success times in a row; the regular check takes over then.
 *   - starting → healthy at the first passed check; healthy or starting → unhealthy after
 *     `retries` failures in a row; a failure while still starting and within start_period does
 *     not count. A check past its timeout failed.
 *   - Unhealthy: on_failure's action. A startup check that failed startup_retries times (0:
 *     never) restarts the container. */

typedef enum HealthStatus {
        HEALTH_NONE, /* no health check */
        HEALTH_STARTING,
        HEALTH_HEALTHY,
        HEALTH_UNHEALTHY,
        _HEALTH_STATUS_MAX,
} HealthStatus;

/* HealthOnFailure= (base/health.h has the names). */
typedef enum HealthAction {
        HEALTH_ACT_NONE,
        HEALTH_ACT_KILL,
        HEALTH_ACT_RESTART,
        HEALTH_ACT_STOP,
} HealthAction;

typedef struct HealthSettings {
        bool enabled;                /* there is a check */
        uint64_t interval_usec;      /* 0: no automatic checks */
        uint64_t timeout_usec;
        uint64_t start_period_usec;
        unsigned retries;
        HealthAction on_failure;
        bool startup;                /* there is a startup check */
        uint64_t startup_interval_usec, startup_timeout_usec;
        unsigned startup_retries;    /* 0: never restart */
        unsigned startup_success;    /* passes in a row that end the startup phase; ≥ 1 */
} HealthSettings;

#define HEALTH_DEFAULT_INTERVAL_USEC (UINT64_C(30) * 1000000)
#define HEALTH_DEFAULT_TIMEOUT_USEC (UINT64_C(30) * 1000000)
#define HEALTH_DEFAULT_RETRIES 3U
/* docker keeps this much of a check's output, and the last five results. */
#define HEALTH_OUTPUT_MAX 4096U
#define HEALTH_LOG_ENTRIES 5U

typedef struct HealthState {
        HealthStatus status;
        bool in_startup;             /* the startup check is the one that runs */
        unsigned failing_streak;
        unsigned startup_passes, startup_failures;
        uint64_t started_usec;       /* CLOCK_MONOTONIC of the container's start */
} HealthState;

/* What the supervisor does after a result. */
typedef enum HealthVerdict {
        HEALTH_VERDICT_NONE,          /* nothing changed */
        HEALTH_VERDICT_CHANGED,       /* state->status changed: log it */
        HEALTH_VERDICT_ACT,           /* became unhealthy: log it and do on_failure */
        HEALTH_VERDICT_RESTART,       /* the startup check gave up: restart */
} HealthVerdict;

const char *health_status_to_string(HealthStatus s);
const char *health_action_to_string(HealthAction a);
int health_action_from_string(const char *s);

void health_state_init(HealthState *state, const HealthSettings *s, uint64_t now_usec);

/* The check that runs next (startup or regular), its interval and its timeout. */
bool health_next_is_startup(const HealthState *state);
uint64_t health_next_interval(const HealthState *state, const HealthSettings *s);
uint64_t health_next_timeout(const HealthState *state, const HealthSettings *s);

/* Feeds the result of a check (startup: whether it was the startup check) at now_usec. */
HealthVerdict health_record(HealthState *state, const HealthSettings *s, bool startup, bool passed, uint64_t now_usec);
