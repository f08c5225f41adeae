/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Definitions' keys of readiness and health checks (Quadlet's Notify= and Health*=): their
 * parsers, which definition.c's key table names. The words themselves are health.h's. */
#include <errno.h>

#include "cleanup.h"
#include "definition-health.h"
#include "health.h"
#include "string-util.h"
#include "strv.h"

#include "time-util.h"

static int health_require_value(const char *value, char **ret_why) {
        return isempty(value) ? reason(ret_why, -EINVAL, "empty value") : 0;
}


int definition_parse_notify(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        NotifyMode m;
        int r = health_require_value(value, ret_why);
        if (r < 0)
                return r;
        m = notify_mode_from_string(value);
        if (m < 0)
                return reason(ret_why, -EINVAL, "'%s' is not yes, no or healthy", SHOWN(value));
        *(NotifyMode *) field = m;
        return 0;
}

/* One string, not words: Quadlet hands it to podman's --health-cmd as it is. */
static int parse_health_test(char ***field, const char *value, bool none_unsets, char **ret_why) {
        _cleanup_strv_free_ char **l = NULL;
        int r = health_require_value(value, ret_why);
        if (r < 0)
                return r;
        r = health_cmd_parse(value, &l, ret_why);
        if (r < 0)
                return r;
        if (none_unsets && streq(l[0], "NONE"))
                l = strv_free(l);
        strv_free(*field);
        *field = TAKE_PTR(l);
        return 0;
}

int definition_parse_health_cmd(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_test(field, value, /* none_unsets= */ false, ret_why);
}

/* "none" means no startup check, which is what not having one means: the image has none. */
int definition_parse_health_startup_cmd(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_test(field, value, /* none_unsets= */ true, ret_why);
}

/* Go's durations and bare seconds; at least min_usec. */
static int parse_health_duration_min(void *field, const char *value, uint64_t min_usec, const char *hint,
                                     char **ret_why) {
        uint64_t u;
        int r = health_require_value(value, ret_why);
        if (r < 0)
                return r;
        r = health_duration_parse(value, &u, ret_why);
        if (r < 0)
                return r;
        if (u < min_usec)
                return reason(ret_why, -EINVAL, "'%s' is less than 1s, the least podman takes%s", SHOWN(value), hint);
        *(uint64_t *) field = u;
        return 0;
}

/* "disable": no automatic checks (podman's --health-interval=disable). Not 0, which podman takes
 * for disable and docker for its default of 30 s. */
int definition_parse_health_interval(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        if (streq(value, "disable")) {
                *(uint64_t *) field = 0;
                return 0;
        }
        return parse_health_duration_min(field, value, USEC_PER_SEC, "; 'disable' turns the automatic checks off",
                                         ret_why);
}

/* HealthTimeout=, HealthStartupInterval=, HealthStartupTimeout=. */
int definition_parse_health_duration(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_duration_min(field, value, USEC_PER_SEC, "", ret_why);
}

int definition_parse_health_start_period(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_duration_min(field, value, 0, "", ret_why);
}

static int parse_health_count_min(void *field, const char *value, unsigned min, char **ret_why) {
        unsigned v;
        int r = health_require_value(value, ret_why);
        if (r < 0)
                return r;
        if (safe_atou(value, &v) < 0 || v < min || v > HEALTH_COUNT_MAX)
                return reason(ret_why, -EINVAL, "'%s' is not a number in %u…%u", SHOWN(value), min, HEALTH_COUNT_MAX);
        *(unsigned *) field = v;
        return 0;
}

int definition_parse_health_retries(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_count_min(field, value, 1, ret_why);
}

/* HealthStartupRetries=, HealthStartupSuccess=: 0 is their default. */
int definition_parse_health_count(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_health_count_min(field, value, 0, ret_why);
}

int definition_parse_health_on_failure(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        HealthOnFailure f;
        int r = health_require_value(value, ret_why);
        if (r < 0)
                return r;
        f = health_on_failure_from_string(value);
        if (f < 0)
                return reason(ret_why, -EINVAL, "'%s' is not none, kill, restart or stop", SHOWN(value));
        *(HealthOnFailure *) field = f;
        return 0;
}
