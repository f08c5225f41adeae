/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's health rules, as health.h keeps them. */
#include <string.h>

#include "health-state.h"
#include "tap.h"

#define SEC UINT64_C(1000000)

static HealthSettings settings(void) {
        return (HealthSettings) {
                .enabled = true,
                .interval_usec = 30 * SEC,
                .timeout_usec = 30 * SEC,
                .retries = 3,
        };
}

int main(void) {
        HealthSettings s = settings();
        HealthState st;

        /* No check: nothing ever changes. */
        {
                HealthSettings none = {};

                health_state_init(&st, &none, 0);
                ok_eq_int(st.status, HEALTH_NONE);
                ok_eq_int(health_record(&st, &none, false, false, 0), HEALTH_VERDICT_NONE);
        }

        /* starting → healthy at the first pass; unhealthy after three failures in a row. */
        health_state_init(&st, &s, 0);
        ok_eq_int(st.status, HEALTH_STARTING);
        ok(!health_next_is_startup(&st), "no startup check: the regular one");
        ok_eq_int(health_next_interval(&st, &s), 30 * SEC);
        ok_eq_int(health_record(&st, &s, false, true, 30 * SEC), HEALTH_VERDICT_CHANGED);
        ok_eq_int(st.status, HEALTH_HEALTHY);
        ok_eq_int(health_record(&st, &s, false, true, 60 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, false, 90 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, false, 120 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(st.status, HEALTH_HEALTHY);
        ok_eq_int(health_record(&st, &s, false, false, 150 * SEC), HEALTH_VERDICT_ACT);
        ok_eq_int(st.status, HEALTH_UNHEALTHY);
        ok_eq_int(health_record(&st, &s, false, false, 180 * SEC), HEALTH_VERDICT_NONE);
        /* A pass heals, and the streak starts over. */
        ok_eq_int(health_record(&st, &s, false, true, 210 * SEC), HEALTH_VERDICT_CHANGED);
        ok_eq_int(st.status, HEALTH_HEALTHY);
        ok_eq_int(st.failing_streak, 0);
        ok_eq_int(health_record(&st, &s, false, false, 240 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, true, 270 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, false, 300 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, false, 330 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(st.status, HEALTH_HEALTHY);

        /* Never healthy and failing: starting → unhealthy. */
        s.retries = 1;
        health_state_init(&st, &s, 0);
        ok_eq_int(health_record(&st, &s, false, false, 30 * SEC), HEALTH_VERDICT_ACT);
        ok_eq_int(st.status, HEALTH_UNHEALTHY);

        /* Retries 0 counts as 1. */
        s.retries = 0;
        health_state_init(&st, &s, 0);
        ok_eq_int(health_record(&st, &s, false, false, 30 * SEC), HEALTH_VERDICT_ACT);

        /* The start period: failures do not count while starting within it… */
        s = settings();
        s.retries = 1;
        s.start_period_usec = 60 * SEC;
        health_state_init(&st, &s, 1000 * SEC);
        ok_eq_int(health_record(&st, &s, false, false, 1030 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(st.status, HEALTH_STARTING);
        ok_eq_int(st.failing_streak, 0);
        /* … but do after it… */
        ok_eq_int(health_record(&st, &s, false, false, 1061 * SEC), HEALTH_VERDICT_ACT);
        /* … and once healthy, also within it. */
        health_state_init(&st, &s, 1000 * SEC);
        ok_eq_int(health_record(&st, &s, false, true, 1010 * SEC), HEALTH_VERDICT_CHANGED);
        ok_eq_int(health_record(&st, &s, false, false, 1020 * SEC), HEALTH_VERDICT_ACT);

        /* The startup check runs first, at its own interval and timeout, until it passed
         * startup_success times in a row. */
        s = settings();
        s.startup = true;
        s.startup_interval_usec = 2 * SEC;
        s.startup_timeout_usec = 1 * SEC;
        s.startup_success = 2;
        health_state_init(&st, &s, 0);
        ok(health_next_is_startup(&st), "the startup check first");
        ok_eq_int(health_next_interval(&st, &s), 2 * SEC);
        ok_eq_int(health_next_timeout(&st, &s), 1 * SEC);
        ok_eq_int(health_record(&st, &s, true, true, 2 * SEC), HEALTH_VERDICT_NONE);
        ok(health_next_is_startup(&st), "one pass of two");
        ok_eq_int(health_record(&st, &s, true, false, 4 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, true, true, 6 * SEC), HEALTH_VERDICT_NONE);
        ok(health_next_is_startup(&st), "a failure in between starts the count over");
        ok_eq_int(health_record(&st, &s, true, true, 8 * SEC), HEALTH_VERDICT_NONE);
        ok(!health_next_is_startup(&st), "two in a row: the regular check takes over");
        ok_eq_int(st.status, HEALTH_STARTING);
        ok_eq_int(health_next_interval(&st, &s), 30 * SEC);
        /* A late startup result changes nothing. */
        ok_eq_int(health_record(&st, &s, true, false, 9 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, false, true, 38 * SEC), HEALTH_VERDICT_CHANGED);

        /* A startup check that keeps failing restarts after startup_retries; 0 never. */
        s.startup_retries = 3;
        s.startup_success = 0;
        health_state_init(&st, &s, 0);
        ok_eq_int(health_record(&st, &s, true, false, 2 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, true, false, 4 * SEC), HEALTH_VERDICT_NONE);
        ok_eq_int(health_record(&st, &s, true, false, 6 * SEC), HEALTH_VERDICT_RESTART);
        s.startup_retries = 0;
        health_state_init(&st, &s, 0);
        for (int i = 0; i < 100; i++)
                if (health_record(&st, &s, true, false, (uint64_t) i * SEC) != HEALTH_VERDICT_NONE)
                        break;
        ok(health_next_is_startup(&st), "startup_retries 0: never gives up");
        ok_eq_int(health_record(&st, &s, true, true, 200 * SEC), HEALTH_VERDICT_NONE);
        ok(!health_next_is_startup(&st), "startup_success 0: one pass is enough");

        /* Names. */
        ok_streq(health_status_to_string(HEALTH_UNHEALTHY), "unhealthy");
        ok_streq(health_action_to_string(HEALTH_ACT_RESTART), "restart");
        ok_eq_int(health_action_from_string("stop"), HEALTH_ACT_STOP);
        ok_eq_int(health_action_from_string("reboot"), -1);
        return tap_finish();
}
