/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16's leftovers, the dialect (definition-extra.h): Retry=, RetryDelay=. */
#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "definition-extra.h"
#include "health.h"
#include "string-util.h"

/* ---- Retry=, RetryDelay= ---- */

int pull_retry_count_parse(const char *s, int *ret, char **ret_why) {
        unsigned n;

        if (isempty(s) || safe_atou(s, &n) < 0 || n > PULL_RETRY_MAX)
                return reason(ret_why, -EINVAL, "'%s' is not a number of retries from 0 to %d", SHOWN(s ?: ""),
                              PULL_RETRY_MAX);
        *ret = (int) n;
        return 0;
}

int pull_retry_delay_parse(const char *s, uint64_t *ret_usec, char **ret_why) {
        _cleanup_free_ char *why = NULL;
        uint64_t u;

        if (health_duration_parse(s, &u, &why) < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a duration (10s, 500ms, 1m30s): %s", SHOWN(s ?: ""),
                              why ?: "invalid");
        if (u > PULL_RETRY_DELAY_MAX_USEC)
                return reason(ret_why, -EINVAL, "'%s' is longer than an hour, the longest wait between tries",
                              SHOWN(s));
        *ret_usec = u;
        return 0;
}

int pull_retry_delay_format(uint64_t usec, char **ret) {
        return health_duration_format(usec, ret);
}

void definition_extra_done(DefinitionExtra *e) {
        *e = DEFINITION_EXTRA_NULL;
}

bool definition_extra_equal(const DefinitionExtra *a, const DefinitionExtra *b) {
        return a->pull_retry.count == b->pull_retry.count && a->pull_retry.delay_usec == b->pull_retry.delay_usec;
}

int definition_parse_retry(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return pull_retry_count_parse(value, &((DefinitionExtra *) field)->pull_retry.count, ret_why);
}

int definition_parse_retry_delay(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why) {
        return pull_retry_delay_parse(value, &((DefinitionExtra *) field)->pull_retry.delay_usec, ret_why);
}

int definition_format_retry(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const PullRetry *p = &((const DefinitionExtra *) field)->pull_retry;

        if (p->count != PULL_RETRY_UNSET)
                fprintf(f, "%s=%d\n", key, p->count);
        return 0;
}

int definition_format_retry_delay(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const PullRetry *p = &((const DefinitionExtra *) field)->pull_retry;
        _cleanup_free_ char *s = NULL;

        if (p->delay_usec == PULL_RETRY_DELAY_UNSET)
                return 0;
        if (pull_retry_delay_format(p->delay_usec, &s) < 0)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, s);
        return 0;
}
