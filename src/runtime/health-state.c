/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "health-state.h"
#include "macro.h"

static const char *const status_table[_HEALTH_STATUS_MAX] = {
        [HEALTH_NONE] = "none",
        [HEALTH_STARTING] = "starting",
        [HEALTH_HEALTHY] = "healthy",
        [HEALTH_UNHEALTHY] = "unhealthy",
};

static const char *const action_table[] = {
        [HEALTH_ACT_NONE] = "none",
        [HEALTH_ACT_KILL] = "kill",
        [HEALTH_ACT_RESTART] = "restart",
        [HEALTH_ACT_STOP] = "stop",
};

const char *health_status_to_string(HealthStatus s) {
        return s >= 0 && s < _HEALTH_STATUS_MAX ? status_table[s] : NULL;
}

const char *health_action_to_string(HealthAction a) {
        return a >= 0 && (size_t) a < ELEMENTSOF(action_table) ? action_table[a] : NULL;
}

int health_action_from_string(const char *s) {
        for (size_t i = 0; s && i < ELEMENTSOF(action_table); i++)
                if (strcmp(action_table[i], s) == 0)
                        return (int) i;
        return -1;
}

void health_state_init(HealthState *state, const HealthSettings *s, uint64_t now_usec) {
        *state = (HealthState) {
                .status = s->enabled ? HEALTH_STARTING : HEALTH_NONE,
                .in_startup = s->enabled && s->startup,
                .started_usec = now_usec,
        };
}

bool health_next_is_startup(const HealthState *state) {
        return state->in_startup;
}

uint64_t health_next_interval(const HealthState *state, const HealthSettings *s) {
        return state->in_startup ? s->startup_interval_usec : s->interval_usec;
}

uint64_t health_next_timeout(const HealthState *state, const HealthSettings *s) {
        return state->in_startup ? s->startup_timeout_usec : s->timeout_usec;
}

static HealthVerdict set_status(HealthState *state, HealthStatus status) {
        if (state->status == status)
                return HEALTH_VERDICT_NONE;
        state->status = status;
        return HEALTH_VERDICT_CHANGED;
}

HealthVerdict health_record(HealthState *state, const HealthSettings *s, bool startup, bool passed, uint64_t now_usec) {
        if (!s->enabled)
                return HEALTH_VERDICT_NONE;

        if (startup) {
                /* A result of a startup check that ran when the phase had ended: stale. */
                if (!state->in_startup)
                        return HEALTH_VERDICT_NONE;
                if (passed) {
                        state->startup_failures = 0;
                        if (++state->startup_passes >= MAX(s->startup_success, 1U))
                                state->in_startup = false;
                        return HEALTH_VERDICT_NONE;
                }
                state->startup_passes = 0;
                state->startup_failures++;
                if (s->startup_retries > 0 && state->startup_failures >= s->startup_retries)
                        return HEALTH_VERDICT_RESTART;
                return HEALTH_VERDICT_NONE;
        }

        if (passed) {
                state->failing_streak = 0;
                return set_status(state, HEALTH_HEALTHY);
        }
        /* docker: within the start period, a failure of a container that was never healthy does
         * not count. */
        if (state->status == HEALTH_STARTING && now_usec - state->started_usec < s->start_period_usec)
                return HEALTH_VERDICT_NONE;
        state->failing_streak++;
        if (state->failing_streak < MAX(s->retries, 1U) || state->status == HEALTH_UNHEALTHY)
                return HEALTH_VERDICT_NONE;
        (void) set_status(state, HEALTH_UNHEALTHY);
        return HEALTH_VERDICT_ACT;
}
