/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker run's resource, namespace and logging keys (definition-runtime.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-runtime.h"
#include "name.h"
#include "string-util.h"

#define USEC_PER_SEC UINT64_C(1000000)

static const char *const log_driver_table[_LOG_DRIVER_MAX] = {
        [LOG_DRIVER_JOURNALD] = "journald",
        [LOG_DRIVER_NONE] = "none",
};

const char *log_driver_to_string(LogDriver d) {
        return d >= 0 && d < _LOG_DRIVER_MAX ? log_driver_table[d] : NULL;
}

static const char *const pull_policy_table[_PULL_POLICY_MAX] = {
        [PULL_POLICY_MISSING] = "missing",
        [PULL_POLICY_ALWAYS] = "always",
        [PULL_POLICY_NEVER] = "never",
        [PULL_POLICY_NEWER] = "newer",
};

const char *pull_policy_to_string(PullPolicy p) {
        return p >= 0 && p < _PULL_POLICY_MAX ? pull_policy_table[p] : NULL;
}

PullPolicy pull_policy_from_string(const char *s) {
        for (int i = 0; i < _PULL_POLICY_MAX; i++)
                if (streq_ptr(s, pull_policy_table[i]))
                        return (PullPolicy) i;
        return _PULL_POLICY_INVALID;
}

void definition_namespace_done(DefinitionNamespace *n) {
        free(n->container);
        *n = (DefinitionNamespace) {};
}

bool definition_namespace_equal(const DefinitionNamespace *a, const DefinitionNamespace *b) {
        return a->mode == b->mode && streq_ptr(a->container, b->container);
}

/* ---- CPU lists ---- */

/* Calls f for each range of s; -EINVAL on a bad list. */
static int cpu_list_walk(const char *s, int (*f)(unsigned lo, unsigned hi, void *userdata), void *userdata) {
        const char *p = s;

        if (isempty(s))
                return -EINVAL;
        for (;;) {
                unsigned long lo, hi;
                char *end;
                int r;

                if (*p < '0' || *p > '9')
                        return -EINVAL;
                lo = strtoul(p, &end, 10);
                p = end;
                hi = lo;
                if (*p == '-') {
                        p++;
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                        hi = strtoul(p, &end, 10);
                        p = end;
                }
                if (lo > hi || hi >= DEFINITION_CPU_INDEX_MAX)
                        return -EINVAL;
                r = f((unsigned) lo, (unsigned) hi, userdata);
                if (r < 0)
                        return r;
                if (*p == 0)
                        return 0;
                if (*p != ',')
                        return -EINVAL;
                p++;
        }
}

static int range_ok(unsigned lo, unsigned hi, void *userdata) {
        return 0;
}

bool definition_cpu_list_is_valid(const char *s) {
        return cpu_list_walk(s, range_ok, NULL) >= 0;
}

typedef struct Mask {
        uint8_t *bytes;
        size_t size;
} Mask;

static int range_set(unsigned lo, unsigned hi, void *userdata) {
        Mask *m = userdata;

        for (unsigned i = lo; i <= hi; i++)
                m->bytes[i / 8] |= (uint8_t) (1U << (i % 8));
        if (hi / 8 + 1 > m->size)
                m->size = hi / 8 + 1;
        return 0;
}

int definition_cpu_list_to_mask(const char *s, uint8_t **ret, size_t *ret_size) {
        Mask m = { .bytes = calloc(DEFINITION_CPU_INDEX_MAX / 8, 1) };
        int r;

        if (!m.bytes)
                return -ENOMEM;
        r = cpu_list_walk(s, range_set, &m);
        if (r < 0) {
                free(m.bytes);
                return r;
        }
        *ret = m.bytes;
        *ret_size = m.size;
        return 0;
}

/* ---- CPU quota ---- */

/* A decimal with at most `decimals` fractional digits, scaled by 10^decimals. */
static int parse_decimal(const char *s, unsigned decimals, uint64_t max_whole, uint64_t *ret) {
        uint64_t whole = 0, frac = 0;
        unsigned n = 0;
        const char *p = s;

        if (*p < '0' || *p > '9')
                return -EINVAL;
        while (*p >= '0' && *p <= '9') {
                whole = whole * 10 + (uint64_t) (*p++ - '0');
                if (whole > max_whole)
                        return -ERANGE;
        }
        if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                while (*p >= '0' && *p <= '9') {
                        if (++n > decimals)
                                return -EINVAL;
                        frac = frac * 10 + (uint64_t) (*p++ - '0');
                }
        }
        if (*p)
                return -EINVAL;
        for (; n < decimals; n++)
                frac *= 10;
        for (unsigned i = 0; i < decimals; i++)
                whole *= 10;
        *ret = whole + frac;
        return 0;
}

int definition_cpus_parse(const char *s, uint64_t *ret_usec) {
        uint64_t v;
        int r;

        /* Millionths of a CPU are µs per second. */
        r = parse_decimal(s, 6, DEFINITION_CPUS_MAX, &v);
        if (r < 0)
                return -EINVAL;
        if (v < USEC_PER_SEC / 100 || v > (uint64_t) DEFINITION_CPUS_MAX * USEC_PER_SEC)
                return -EINVAL;
        *ret_usec = v;
        return 0;
}

void definition_cpu_quota_format(uint64_t usec, char buf[static 32]) {
        /* 1% is 10000 µs: the percentage with its four decimals, trailing zeros cut. */
        uint64_t whole = usec / 10000, frac = usec % 10000;
        int n;

        if (frac == 0) {
                snprintf(buf, 32, "%" PRIu64 "%%", whole);
                return;
        }
        n = snprintf(buf, 32, "%" PRIu64 ".%04" PRIu64, whole, frac);
        while (n > 0 && buf[n - 1] == '0')
                buf[--n] = 0;
        snprintf(buf + n, 32 - (size_t) n, "%%");
}

/* ---- parsers ---- */

int definition_parse_memory_swap_max(struct Definition *d, void *field, struct ListState *list, const char *value,
                                     char **ret_why) {
        uint64_t v;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        if (streq(value, "infinity") || streq(value, "max"))
                v = UINT64_MAX;
        else if (parse_size(value, &v) < 0 || v == UINT64_MAX)
                return reason(ret_why, -EINVAL, "'%s' is not a size (e.g. 512M, 2G, 0 for none) or infinity",
                              SHOWN(value));
        *(uint64_t *) field = v;
        return 0;
}

int definition_parse_cpu_quota(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why) {
        _cleanup_free_ char *number = NULL;
        const char *pct = endswith(value ?: "", "%");
        uint64_t v;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        if (pct)
                number = strndup(value, (size_t) (pct - value));
        /* The percentage with up to four decimals: 1 µs per second exactly. */
        if (!pct || !number || parse_decimal(number, 4, (uint64_t) DEFINITION_CPUS_MAX * 100, &v) < 0 || v == 0)
                return reason(ret_why, -EINVAL, "'%s' is not a percentage above 0%% (100%% is one CPU, e.g. 150%%)",
                              SHOWN(value));
        *(uint64_t *) field = v;
        return 0;
}

int definition_parse_allowed_cpus(struct Definition *d, void *field, struct ListState *list, const char *value,
                                  char **ret_why) {
        char **s = field, *c;

        if (isempty(value) || !definition_cpu_list_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a list of CPUs (e.g. 0-3,6; each below %d)", SHOWN(value ?: ""),
                              DEFINITION_CPU_INDEX_MAX);
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*s);
        *s = c;
        return 0;
}

int definition_parse_namespace(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why) {
        DefinitionNamespace *n = field;
        const char *other;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        other = startswith(value, "container:");
        if (other) {
                char *c;

                if (!name_is_valid(other))
                        return reason(ret_why, -EINVAL, "'%s' is not a valid container name (names must match " NAME_RULE ")",
                                      SHOWN(other));
                c = strdup(other);
                if (!c)
                        return -ENOMEM;
                definition_namespace_done(n);
                *n = (DefinitionNamespace) { .mode = NAMESPACE_CONTAINER, .container = c };
                return 0;
        }
        /* docker's "shareable" is what every berth container is: another may join it. */
        if (streq(value, "private") || streq(value, "shareable")) {
                definition_namespace_done(n);
                return 0;
        }
        if (streq(value, "host")) {
                definition_namespace_done(n);
                n->mode = NAMESPACE_HOST;
                return 0;
        }
        return reason(ret_why, -EINVAL, "'%s' is not private, host or container:NAME", SHOWN(value));
}

int definition_parse_cgroupns(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why) {
        if (streq_ptr(value, "private"))
                *(bool *) field = false;
        else if (streq_ptr(value, "host"))
                *(bool *) field = true;
        else
                return reason(ret_why, -EINVAL, "'%s' is not private or host", SHOWN(value ?: ""));
        return 0;
}

int definition_parse_log_driver(struct Definition *d, void *field, struct ListState *list, const char *value,
                                char **ret_why) {
        for (int i = 0; i < _LOG_DRIVER_MAX; i++)
                if (streq_ptr(value, log_driver_table[i])) {
                        *(LogDriver *) field = (LogDriver) i;
                        return 0;
                }
        return reason(ret_why, -EINVAL,
                      "'%s' is not a log driver berth has (journald, or none to discard the output; berth's logs "
                      "are the journal's)",
                      SHOWN(value ?: ""));
}

int definition_parse_pull(struct Definition *d, void *field, struct ListState *list, const char *value,
                          char **ret_why) {
        PullPolicy p = pull_policy_from_string(value);

        if (p < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a pull policy (missing, always, never or newer)",
                              SHOWN(value ?: ""));
        *(PullPolicy *) field = p;
        return 0;
}

/* ---- formatters ---- */

int definition_format_memory_swap_max(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t v = *(const uint64_t *) field;

        if (v != UINT64_MAX)
                fprintf(f, "%s=%" PRIu64 "\n", key, v);
        return 0;
}

int definition_format_cpu_quota(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t v = *(const uint64_t *) field;
        char buf[32];

        if (v == 0)
                return 0;
        definition_cpu_quota_format(v, buf);
        fprintf(f, "%s=%s\n", key, buf);
        return 0;
}

int definition_format_namespace(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const DefinitionNamespace *n = field;

        switch (n->mode) {
        case NAMESPACE_PRIVATE:
                return 0;
        case NAMESPACE_HOST:
                fprintf(f, "%s=host\n", key);
                return 0;
        case NAMESPACE_CONTAINER:
                if (!n->container || !name_is_valid(n->container))
                        return -EINVAL;
                fprintf(f, "%s=container:%s\n", key, n->container);
                return 0;
        case _NAMESPACE_MODE_MAX:
        case _NAMESPACE_MODE_INVALID:
        default:
                return -EINVAL;
        }
}

int definition_format_cgroupns(FILE *f, const char *key, const struct Definition *d, const void *field) {
        if (*(const bool *) field)
                fprintf(f, "%s=host\n", key);
        return 0;
}

int definition_format_log_driver(FILE *f, const char *key, const struct Definition *d, const void *field) {
        LogDriver v = *(const LogDriver *) field;

        if (v == LOG_DRIVER_JOURNALD)
                return 0;
        if (!log_driver_to_string(v))
                return -EINVAL;
        fprintf(f, "%s=%s\n", key, log_driver_to_string(v));
        return 0;
}

int definition_format_pull(FILE *f, const char *key, const struct Definition *d, const void *field) {
        PullPolicy v = *(const PullPolicy *) field;

        if (v == PULL_POLICY_MISSING)
                return 0;
        if (!pull_policy_to_string(v))
                return -EINVAL;
        fprintf(f, "%s=%s\n", key, pull_policy_to_string(v));
        return 0;
}
