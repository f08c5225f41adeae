/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "definition-list.h"

/* The parsers of Notify= and the Health*= keys, for definition.c's key table: each sets its
 * field from value, or returns -EINVAL with *ret_why saying why. */
struct Definition;

int definition_parse_notify(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_cmd(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_startup_cmd(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_interval(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_duration(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_start_period(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_retries(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_count(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_health_on_failure(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
