/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readiness and health checks as definitions, the CLI and images say them (health.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "health.h"
#include "json.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"
#include "time-util.h"

/* ---- names ---- */

static const char *const health_on_failure_table[_HEALTH_ON_FAILURE_MAX] = {
        [HEALTH_ON_FAILURE_NONE] = "none",
        [HEALTH_ON_FAILURE_KILL] = "kill",
        [HEALTH_ON_FAILURE_RESTART] = "restart",
        [HEALTH_ON_FAILURE_STOP] = "stop",
};

const char *health_on_failure_to_string(HealthOnFailure f) {
        return f >= 0 && f < _HEALTH_ON_FAILURE_MAX ? health_on_failure_table[f] : NULL;
}

HealthOnFailure health_on_failure_from_string(const char *s) {
        for (int i = 0; s && i < _HEALTH_ON_FAILURE_MAX; i++)
                if (streq(s, health_on_failure_table[i]))
                        return (HealthOnFailure) i;
        return _HEALTH_ON_FAILURE_INVALID;
}

NotifyMode notify_mode_from_string(const char *s) {
        int r;

        if (!s)
                return _NOTIFY_MODE_INVALID;
        if (strcasecmp(s, "healthy") == 0)
                return NOTIFY_HEALTHY;
        r = parse_boolean(s);
        if (r < 0)
                return _NOTIFY_MODE_INVALID;
        return r ? NOTIFY_CONTAINER : NOTIFY_CONMON;
}

NotifyMode notify_mode_from_sdnotify(const char *s) {
        static const char *const sdnotify_table[_NOTIFY_MODE_MAX] = {
                [NOTIFY_CONMON] = "conmon",
                [NOTIFY_CONTAINER] = "container",
                [NOTIFY_HEALTHY] = "healthy",
        };

        for (int i = 0; s && i < _NOTIFY_MODE_MAX; i++)
                if (streq(s, sdnotify_table[i]))
                        return (NotifyMode) i;
        return _NOTIFY_MODE_INVALID;
}

const char *notify_mode_to_string(NotifyMode m) {
        static const char *const notify_table[_NOTIFY_MODE_MAX] = {
                [NOTIFY_CONMON] = "no",
                [NOTIFY_CONTAINER] = "yes",
                [NOTIFY_HEALTHY] = "healthy",
        };

        return m >= 0 && m < _NOTIFY_MODE_MAX ? notify_table[m] : NULL;
}

/* ---- commands ---- */

int health_test_check(char *const *test, char **ret_why) {
        size_t n = strv_length(test);

        if (n == 0)
                return reason(ret_why, -EINVAL, "an empty test");
        if (streq(test[0], "NONE"))
                return n == 1 ? 0 : reason(ret_why, -EINVAL, "NONE with something after it");
        if (streq(test[0], "CMD"))
                return n >= 2 ? 0 : reason(ret_why, -EINVAL, "CMD without a command after it");
        if (streq(test[0], "CMD-SHELL"))
                return n == 2 ? 0 : reason(ret_why, -EINVAL, "CMD-SHELL with %zu strings after it, not one", n - 1);
        return reason(ret_why, -EINVAL, "'%s' is not CMD, CMD-SHELL or NONE", SHOWN(test[0]));
}

static bool is_test_word(const char *s) {
        return streq(s, "NONE") || streq(s, "CMD") || streq(s, "CMD-SHELL");
}

/* {first, l…}, taking l's strings over. */
static int strv_prepend_consume(char ***l, const char *first) {
        size_t n = strv_length(*l);
        char **t = malloc((n + 2) * sizeof(char *));

        if (!t)
                return -ENOMEM;
        t[0] = strdup(first);
        if (!t[0]) {
                free(t);
                return -ENOMEM;
        }
        memcpy(t + 1, *l, (n + 1) * sizeof(char *));
        free(*l);
        *l = t;
        return 0;
}

static int make_list(char ***ret, const char *a, const char *b) {
        _cleanup_strv_free_ char **l = NULL;

        if (strv_extend(&l, a) < 0 || (b && strv_extend(&l, b) < 0))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

int health_cmd_parse(const char *s, char ***ret, char **ret_why) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL;
        const char *t;
        int r;

        if (isempty(s))
                return reason(ret_why, -EINVAL, "an empty command");
        if (strcasecmp(s, "none") == 0)
                return make_list(ret, "NONE", NULL);

        t = s + strspn(s, " \t\r\n");
        if (*t == '[') {
                /* "[ -f /tmp/ready ]" and "[[ … ]]" are the shell's tests: a blank follows the
                 * brackets, which no one writing an array of strings needs to put there. Such a
                 * value is an array only if it reads as one. */
                const char *w = t + 1 + (t[1] == '[');
                bool shell_test = !*w || strchr(" \t\r\n", *w);

                r = json_parse_string_array(s, &l, &why);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0) {
                        if (!l[0])
                                return reason(ret_why, -EINVAL, "'%s' is an empty array, not a command", SHOWN(s));
                        if (!is_test_word(l[0])) {
                                r = strv_prepend_consume(&l, "CMD");
                                if (r < 0)
                                        return r;
                        }
                        r = health_test_check(l, &why);
                        if (r == -EINVAL)
                                return reason(ret_why, r, "'%s': %s", SHOWN(s), why ?: "not a Test form");
                        if (r < 0)
                                return r;
                        *ret = TAKE_PTR(l);
                        return 0;
                }
                if (!shell_test)
                        return reason(ret_why, -EINVAL, "'%s' is not a JSON array of strings: %s", SHOWN(s),
                                      why ?: "invalid");
        }
        return make_list(ret, "CMD-SHELL", s);
}

int health_cmd_format(char *const *test, char **ret) {
        _cleanup_strv_free_ char **back = NULL;
        char *s;
        int r;

        r = health_test_check(test, NULL);
        if (r < 0)
                return r;
        if (streq(test[0], "NONE"))
                s = strdup("none");
        else if (streq(test[0], "CMD-SHELL") && health_cmd_parse(test[1], &back, NULL) >= 0 && strv_equal(back, test))
                s = strdup(test[1]);
        else
                return json_format_string_array(test, ret);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* ---- durations ---- */

/* Go's: a Duration is an int64 of nanoseconds. */
#define DURATION_NSEC_MAX ((uint64_t) INT64_MAX)
#define NSEC_PER_USEC UINT64_C(1000)
#define NSEC_PER_SEC UINT64_C(1000000000)

static uint64_t duration_unit(const char *u, size_t n) {
        static const struct {
                const char *name;
                uint64_t nsec;
        } units[] = {
                { "ns", 1 },
                { "us", NSEC_PER_USEC },
                { "\xc2\xb5s", NSEC_PER_USEC }, /* U+00B5 MICRO SIGN */
                { "\xce\xbcs", NSEC_PER_USEC }, /* U+03BC GREEK SMALL LETTER MU */
                { "ms", 1000 * NSEC_PER_USEC },
                { "s", NSEC_PER_SEC },
                { "m", 60 * NSEC_PER_SEC },
                { "h", 3600 * NSEC_PER_SEC },
        };

        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
                        return units[i].nsec;
        return 0;
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* Go's time.ParseDuration() (time/format.go), step for step, so that a value docker or
 * podman takes means the same here, fractions of hours included; and a lone number is seconds. */
int health_duration_parse(const char *s, uint64_t *ret_usec, char **ret_why) {
        const char *p = s;
        uint64_t total = 0;

        if (isempty(s))
                return reason(ret_why, -EINVAL, "an empty duration");
        if (*p == '-')
                return reason(ret_why, -EINVAL, "'%s' is negative", SHOWN(s));
        if (*p == '+')
                p++;
        if (streq(p, "0")) {
                *ret_usec = 0;
                return 0;
        }
        if (!*p)
                return reason(ret_why, -EINVAL, "'%s' is not a duration (e.g. 30s, 1m30s, 500ms)", SHOWN(s));

        for (bool first = true; *p; first = false) {
                uint64_t v = 0, f = 0, unit;
                double scale = 1;
                bool pre = false, post = false, overflow = false;
                const char *u;

                if (*p != '.' && !is_digit(*p))
                        return reason(ret_why, -EINVAL, "'%s' is not a duration (e.g. 30s, 1m30s, 500ms)", SHOWN(s));
                for (; is_digit(*p); p++) {
                        pre = true;
                        if (v > DURATION_NSEC_MAX / 10)
                                goto too_long;
                        v = v * 10 + (uint64_t) (*p - '0');
                        if (v > DURATION_NSEC_MAX)
                                goto too_long;
                }
                if (*p == '.')
                        /* Digits beyond what 63 bits hold add no precision, as in Go. */
                        for (p++; is_digit(*p); p++) {
                                uint64_t y;

                                post = true;
                                if (overflow || f > DURATION_NSEC_MAX / 10) {
                                        overflow = true;
                                        continue;
                                }
                                y = f * 10 + (uint64_t) (*p - '0');
                                if (y > DURATION_NSEC_MAX) {
                                        overflow = true;
                                        continue;
                                }
                                f = y;
                                scale *= 10;
                        }
                if (!pre && !post)
                        return reason(ret_why, -EINVAL, "'%s' is not a duration (e.g. 30s, 1m30s, 500ms)", SHOWN(s));

                for (u = p; *p && *p != '.' && !is_digit(*p); p++)
                        ;
                if (u == p) {
                        if (!first || *p)
                                return reason(ret_why, -EINVAL, "'%s' has a number without a unit (ns, us, ms, s, m, h)",
                                              SHOWN(s));
                        unit = NSEC_PER_SEC; /* a lone number: seconds */
                } else {
                        unit = duration_unit(u, (size_t) (p - u));
                        if (unit == 0) {
                                _cleanup_free_ char *name = strndup(u, (size_t) (p - u));

                                if (!name)
                                        return -ENOMEM;
                                return reason(ret_why, -EINVAL, "'%s' has an unknown unit '%s' (ns, us, µs, ms, s, m, h)",
                                              SHOWN(s), SHOWN(name));
                        }
                }
                if (v > DURATION_NSEC_MAX / unit)
                        goto too_long;
                v *= unit;
                if (f > 0) {
                        /* float64, as Go: exact enough for nanoseconds of fractions of hours. */
                        v += (uint64_t) ((double) f * ((double) unit / scale));
                        if (v > DURATION_NSEC_MAX)
                                goto too_long;
                }
                total += v;
                if (total > DURATION_NSEC_MAX)
                        goto too_long;
        }
        *ret_usec = total / NSEC_PER_USEC;
        return 0;

too_long:
        return reason(ret_why, -EINVAL, "'%s' is longer than the longest duration (2562047h47m16.854775807s)", SHOWN(s));
}

int health_duration_format(uint64_t usec, char **ret) {
        uint64_t h = usec / (3600 * USEC_PER_SEC), m = usec / (60 * USEC_PER_SEC) % 60,
                 sec = usec / USEC_PER_SEC % 60, frac = usec % USEC_PER_SEC;
        char buf[64];
        size_t n = 0;

        if (usec == 0)
                n = (size_t) snprintf(buf, sizeof(buf), "0s");
        else if (usec < USEC_PER_SEC)
                n = (size_t) snprintf(buf, sizeof(buf), usec % 1000 == 0 ? "%" PRIu64 "ms" : "%" PRIu64 "us",
                                      usec % 1000 == 0 ? usec / 1000 : usec);
        else {
                if (h > 0)
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%" PRIu64 "h", h);
                if (m > 0)
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%" PRIu64 "m", m);
                if (frac > 0) {
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%" PRIu64 ".%06" PRIu64, sec, frac);
                        while (buf[n - 1] == '0')
                                buf[--n] = 0;
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "s");
                } else if (sec > 0)
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%" PRIu64 "s", sec);
        }
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}
