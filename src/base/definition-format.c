/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The writers of definition.c's key table (definition-format.h): one per kind of value. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>

#include "cleanup.h"
#include "definition-format.h"
#include "definition-quote.h"
#include "definition-values.h"
#include "health.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"

/* A value of a key that does not take words, quoted when it must be. Empty or with control
 * characters, it would not read back: no such key takes either. */
static int format_value(FILE *f, const char *key, const char *value) {
        _cleanup_free_ char *q = NULL;

        if (isempty(value) || string_has_control_chars(value))
                return -EINVAL;
        q = definition_value_quote(value);
        if (!q)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, q);
        return 0;
}

int definition_format_raw_string(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const char *s = *(char *const *) field;

        return s ? format_value(f, key, s) : 0;
}

static int format_quoted_words(FILE *f, const char *key, char *const *words) {
        _cleanup_free_ char *j = NULL;

        j = definition_words_quote(words);
        if (!j)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, j);
        return 0;
}

int definition_format_command(FILE *f, const char *key, const struct Definition *d, const void *field) {
        char *const *l = *(char **const *) field;

        return l ? format_quoted_words(f, key, l) : 0;
}

/* One line per element: Environment= quoted, keeping the order. */
int definition_format_environment(FILE *f, const char *key, const struct Definition *d, const void *field) {
        STRV_FOREACH(e, *(char **const *) field) {
                int r = format_quoted_words(f, key, (char *const[]) { *e, NULL });
                if (r < 0)
                        return r;
        }
        return 0;
}

int definition_format_raw_list(FILE *f, const char *key, const struct Definition *d, const void *field) {
        STRV_FOREACH(e, *(char **const *) field) {
                int r = format_value(f, key, *e);
                if (r < 0)
                        return r;
        }
        return 0;
}

int definition_format_units(FILE *f, const char *key, const struct Definition *d, const void *field) {
        char *const *l = *(char **const *) field;

        return strv_isempty(l) ? 0 : format_quoted_words(f, key, l);
}

static int format_u64_unless(FILE *f, const char *key, uint64_t v, uint64_t unset) {
        if (v != unset)
                fprintf(f, "%s=%" PRIu64 "\n", key, v);
        return 0;
}

int definition_format_memory(FILE *f, const char *key, const struct Definition *d, const void *field) {
        return format_u64_unless(f, key, *(const uint64_t *) field, UINT64_MAX);
}

int definition_format_cpu_weight(FILE *f, const char *key, const struct Definition *d, const void *field) {
        return format_u64_unless(f, key, *(const uint64_t *) field, 0);
}

int definition_format_pids_limit(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t v = *(const uint64_t *) field;

        if (v == UINT64_MAX) {
                fprintf(f, "%s=infinity\n", key);
                return 0;
        }
        return format_u64_unless(f, key, v, 0);
}

int definition_format_capabilities(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t mask = *(const uint64_t *) field, all = definition_capability_mask_all();

        if (mask == 0)
                return 0;
        fprintf(f, "%s=", key);
        if ((mask & all) == all) {
                fputs("ALL", f);
                mask &= ~all;
                if (mask)
                        fputc(' ', f);
        }
        for (unsigned i = 0; i < 64; i++) {
                char *name;

                if (!(mask & (UINT64_C(1) << i)))
                        continue;
                name = cap_to_name((cap_value_t) i);
                if (!name)
                        return -ENOMEM;
                if (!startswith(name, "cap_")) {
                        /* A number libcap cannot name would not read back. */
                        cap_free(name);
                        return -EINVAL;
                }
                for (char *c = name; *c; c++)
                        fputc(toupper((unsigned char) *c), f);
                cap_free(name);
                mask &= ~(UINT64_C(1) << i);
                if (mask)
                        fputc(' ', f);
        }
        fputc('\n', f);
        return 0;
}

int definition_format_bool(FILE *f, const char *key, const struct Definition *d, const void *field) {
        if (*(const bool *) field)
                fprintf(f, "%s=yes\n", key);
        return 0;
}

int definition_format_seccomp_profile(FILE *f, const char *key, const struct Definition *d, const void *field) {
        if (*(const bool *) field)
                fprintf(f, "%s=unconfined\n", key);
        return 0;
}

int definition_format_restart(FILE *f, const char *key, const struct Definition *d, const void *field) {
        RestartPolicy p = *(const RestartPolicy *) field;

        if (p == RESTART_NO)
                return 0;
        if (!restart_policy_to_string(p))
                return -EINVAL;
        fprintf(f, "%s=%s\n", key, restart_policy_to_string(p));
        return 0;
}

int definition_format_signal(FILE *f, const char *key, const struct Definition *d, const void *field) {
        int sig = *(const int *) field;
        const char *n;

        if (sig == 0) /* unset */
                return 0;
        if (sig < 1 || sig > SIGNAL_MAX)
                return -EINVAL;
        n = signal_to_string(sig);
        if (n)
                fprintf(f, "%s=%s\n", key, n);
        else
                fprintf(f, "%s=%d\n", key, sig);
        return 0;
}

int definition_format_stop_timeout(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t usec = *(const uint64_t *) field;

        if (usec == DEFINITION_STOP_TIMEOUT_DEFAULT_USEC)
                return 0;
        if (usec % USEC_PER_SEC != 0)
                return -EINVAL;
        fprintf(f, "%s=%" PRIu64 "\n", key, usec / USEC_PER_SEC);
        return 0;
}

int definition_format_notify(FILE *f, const char *key, const struct Definition *d, const void *field) {
        NotifyMode m = *(const NotifyMode *) field;

        if (m == NOTIFY_CONMON)
                return 0;
        if (!notify_mode_to_string(m))
                return -EINVAL;
        fprintf(f, "%s=%s\n", key, notify_mode_to_string(m));
        return 0;
}

/* The command as one value, quoted where it must be: a shell's string may hold newlines. */
static int format_health_test(FILE *f, const char *key, char *const *test) {
        _cleanup_free_ char *s = NULL, *q = NULL;
        int r;

        if (!test)
                return 0;
        r = health_cmd_format(test, &s);
        if (r < 0)
                return r;
        /* A unit file's value cannot hold a control character (Quadlet's HealthCmd= neither). */
        if (string_has_control_chars(s))
                return -EINVAL;
        q = definition_value_quote(s);
        if (!q)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, q);
        return 0;
}

int definition_format_health_cmd(FILE *f, const char *key, const struct Definition *d, const void *field) {
        return format_health_test(f, key, *(char **const *) field);
}

int definition_format_health_startup_cmd(FILE *f, const char *key, const struct Definition *d, const void *field) {
        char *const *test = *(char **const *) field;

        if (test && test[0] && streq(test[0], "NONE"))
                return -EINVAL; /* "none" reads back as no startup check */
        return format_health_test(f, key, test);
}

static int format_duration(FILE *f, const char *key, uint64_t usec) {
        _cleanup_free_ char *s = NULL;
        int r;

        r = health_duration_format(usec, &s);
        if (r < 0)
                return r;
        fprintf(f, "%s=%s\n", key, s);
        return 0;
}

int definition_format_health_interval(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t usec = *(const uint64_t *) field;

        if (usec == UINT64_MAX)
                return 0;
        if (usec == 0) {
                fprintf(f, "%s=disable\n", key);
                return 0;
        }
        return definition_format_health_duration(f, key, d, field);
}

int definition_format_health_duration(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t usec = *(const uint64_t *) field;

        if (usec == UINT64_MAX)
                return 0;
        if (usec < USEC_PER_SEC)
                return -EINVAL;
        return format_duration(f, key, usec);
}

int definition_format_health_start_period(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t usec = *(const uint64_t *) field;

        return usec == UINT64_MAX ? 0 : format_duration(f, key, usec);
}

int definition_format_health_count(FILE *f, const char *key, const struct Definition *d, const void *field) {
        unsigned v = *(const unsigned *) field;

        if (v == 0)
                return 0;
        if (v > HEALTH_COUNT_MAX)
                return -EINVAL;
        fprintf(f, "%s=%u\n", key, v);
        return 0;
}

int definition_format_health_on_failure(FILE *f, const char *key, const struct Definition *d, const void *field) {
        HealthOnFailure a = *(const HealthOnFailure *) field;

        if (a == HEALTH_ON_FAILURE_NONE)
                return 0;
        if (!health_on_failure_to_string(a))
                return -EINVAL;
        fprintf(f, "%s=%s\n", key, health_on_failure_to_string(a));
        return 0;
}
