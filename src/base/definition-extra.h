/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "definition-list.h"

/* Quadlet's keys of issue 16's leftovers (dialect): Retry= and RetryDelay= (podman's --retry and
 * --retry-delay: how a pull of the image tries again). Their values, parsers and formatters for
 * definition.c's key table. Pure, never logs.
 *
 * Like definition-process.h, this sees its fields, never a Definition (definition.c depends on
 * it). */

/* How berth-pull tries a transient failure (no connection, a dropped one, 429, 5xx) again. */
typedef struct PullRetry {
        int count;           /* retries after the first try; PULL_RETRY_UNSET: berth-pull's default */
        uint64_t delay_usec; /* the wait before each; PULL_RETRY_DELAY_UNSET: 250 ms, doubled each time */
} PullRetry;

#define PULL_RETRY_UNSET (-1)
#define PULL_RETRY_DELAY_UNSET UINT64_MAX
#define PULL_RETRY_NULL ((PullRetry) { .count = PULL_RETRY_UNSET, .delay_usec = PULL_RETRY_DELAY_UNSET })
/* podman's default, --retry 3: four tries in all. */
#define PULL_RETRY_DEFAULT 3
/* Bounds: a pull that retries more, or waits longer, is a pull that hangs a start. */
#define PULL_RETRY_MAX 100
#define PULL_RETRY_DELAY_MAX_USEC (UINT64_C(3600) * UINT64_C(1000000))

/* "0" to "100". -EINVAL with a reason otherwise. */
int pull_retry_count_parse(const char *s, int *ret, char **ret_why);
/* A Go duration or bare seconds (health_duration_parse()), at most one hour. */
int pull_retry_delay_parse(const char *s, uint64_t *ret_usec, char **ret_why);
/* What --retry-delay and RetryDelay= read back: "10s", "250ms". */
int pull_retry_delay_format(uint64_t usec, char **ret);

/* The fields, one member of struct Definition (definition.h). */
typedef struct DefinitionExtra {
        PullRetry pull_retry; /* Retry=, RetryDelay= */
} DefinitionExtra;

#define DEFINITION_EXTRA_NULL ((DefinitionExtra) { .pull_retry = PULL_RETRY_NULL })

void definition_extra_done(DefinitionExtra *e);
bool definition_extra_equal(const DefinitionExtra *a, const DefinitionExtra *b);

struct Definition;

/* ---- parsers (definition.c's DefinitionParser) and formatters (DefinitionFormatter) ---- */
int definition_parse_retry(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_retry_delay(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why);
int definition_format_retry(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_retry_delay(FILE *f, const char *key, const struct Definition *d, const void *field);
