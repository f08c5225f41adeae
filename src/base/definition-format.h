/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

/* The writers of definition.c's key table, for definition_to_string(): one per kind of value,
 * each writing "Key=value" lines for a field that is not at its default, quoted so that the key's
 * parser reads back exactly the field, and -EINVAL for a field that would not read back. Only
 * definition.c has a reason to include this.
 *
 * They see the field alone: the Definition is passed through untouched (a key whose value spans
 * fields, Network=, formats itself in definition.c), so that this file needs nothing of
 * definition.h and definition.c can depend on it without a circle. */

struct Definition;
typedef int (*DefinitionFormatter)(FILE *f, const char *key, const struct Definition *d, const void *field);

/* char *: the string, quoted when it must be; NULL writes nothing. */
int definition_format_raw_string(FILE *f, const char *key, const struct Definition *d, const void *field);
/* char **: the words on one line; NULL writes nothing, an empty list "Key=". */
int definition_format_command(FILE *f, const char *key, const struct Definition *d, const void *field);
/* char **: one line per entry, each one word. */
int definition_format_environment(FILE *f, const char *key, const struct Definition *d, const void *field);
/* char **: one line per entry, each as a value of a key that does not take words. */
int definition_format_raw_list(FILE *f, const char *key, const struct Definition *d, const void *field);
/* char **: the words on one line; NULL or empty writes nothing. */
int definition_format_units(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t, unless UINT64_MAX. */
int definition_format_memory(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t, unless 0. */
int definition_format_cpu_weight(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t: UINT64_MAX as infinity; 0 (berth.conf's default) writes nothing. */
int definition_format_pids_limit(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t, a mask of capabilities: their names, ALL for all of them. */
int definition_format_capabilities(FILE *f, const char *key, const struct Definition *d, const void *field);
/* bool: "yes" when true. */
int definition_format_bool(FILE *f, const char *key, const struct Definition *d, const void *field);
/* bool seccomp_unconfined: "unconfined" when true. */
int definition_format_seccomp_profile(FILE *f, const char *key, const struct Definition *d, const void *field);
/* RestartPolicy, unless RESTART_NO. */
int definition_format_restart(FILE *f, const char *key, const struct Definition *d, const void *field);
/* int, a signal, unless 0 (unset): its name, or its number when it has none. */
int definition_format_signal(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t µs, whole seconds, unless DEFINITION_STOP_TIMEOUT_DEFAULT_USEC. */
int definition_format_stop_timeout(FILE *f, const char *key, const struct Definition *d, const void *field);
/* NotifyMode, unless NOTIFY_CONMON: "yes" or "healthy". */
int definition_format_notify(FILE *f, const char *key, const struct Definition *d, const void *field);
/* char **, a Test form (health_cmd_format()); NULL writes nothing. */
int definition_format_health_cmd(FILE *f, const char *key, const struct Definition *d, const void *field);
/* The same, where NONE would read back as unset and so cannot be written. */
int definition_format_health_startup_cmd(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t µs: UINT64_MAX writes nothing, 0 "disable", else a duration of at least 1 s. */
int definition_format_health_interval(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t µs: UINT64_MAX writes nothing, else a duration of at least 1 s. */
int definition_format_health_duration(FILE *f, const char *key, const struct Definition *d, const void *field);
/* uint64_t µs: UINT64_MAX writes nothing, else a duration. */
int definition_format_health_start_period(FILE *f, const char *key, const struct Definition *d, const void *field);
/* unsigned, unless 0; at most HEALTH_COUNT_MAX. */
int definition_format_health_count(FILE *f, const char *key, const struct Definition *d, const void *field);
/* HealthOnFailure, unless HEALTH_ON_FAILURE_NONE. */
int definition_format_health_on_failure(FILE *f, const char *key, const struct Definition *d, const void *field);
