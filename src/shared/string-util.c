/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "string-util.h"

const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);

        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

const char *endswith(const char *s, const char *suffix) {
        size_t sl = strlen(s), xl = strlen(suffix);

        if (xl > sl)
                return NULL;
        return streq(s + sl - xl, suffix) ? s + sl - xl : NULL;
}

char *strjoin_internal(const char *first, ...) {
        va_list ap;
        size_t n = 0;
        char *r, *p;

        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                n += strlen(s);
        va_end(ap);

        r = malloc(n + 1);
        if (!r)
                return NULL;

        p = r;
        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                p = stpcpy(p, s);
        va_end(ap);
        *p = 0;
        return r;
}

char *strstrip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                e--;
        *e = 0;
        return s;
}

int safe_atou64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        if (isempty(s) || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

int safe_atou(const char *s, unsigned *ret) {
        uint64_t v;
        int r;

        r = safe_atou64(s, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE || v > INT32_MAX || v < INT32_MIN)
                return -ERANGE;
        if (*end || isspace((unsigned char) s[0]))
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

int parse_boolean(const char *s) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

typedef struct Suffix {
        const char *suffix;
        uint64_t factor;
} Suffix;

static int parse_scaled(const char *s, const Suffix *table, size_t n, uint64_t default_factor, uint64_t *ret) {
        char *end;
        double v;

        if (isempty(s) || !(isdigit((unsigned char) s[0]) || s[0] == '.'))
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno == ERANGE || !isfinite(v) || v < 0)
                return -ERANGE;
        while (isspace((unsigned char) *end))
                end++;
        if (!*end) {
                v *= (double) default_factor;
                goto done;
        }
        for (size_t i = 0; i < n; i++)
                if (strcasecmp(end, table[i].suffix) == 0) {
                        v *= (double) table[i].factor;
                        goto done;
                }
        return -EINVAL;
done:
        if (v >= 18446744073709551615.0)
                return -ERANGE;
        *ret = (uint64_t) v;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        static const Suffix table[] = {
                { "b", 1 },
                { "k", 1ULL << 10 }, { "kb", 1ULL << 10 }, { "kib", 1ULL << 10 },
                { "m", 1ULL << 20 }, { "mb", 1ULL << 20 }, { "mib", 1ULL << 20 },
                { "g", 1ULL << 30 }, { "gb", 1ULL << 30 }, { "gib", 1ULL << 30 },
                { "t", 1ULL << 40 }, { "tb", 1ULL << 40 }, { "tib", 1ULL << 40 },
        };
        return parse_scaled(s, table, ELEMENTSOF(table), 1, ret);
}

int parse_sec(const char *s, uint64_t *ret_usec) {
        static const Suffix table[] = {
                { "us", 1 }, { "usec", 1 },
                { "ms", 1000 }, { "msec", 1000 },
                { "s", 1000000 }, { "sec", 1000000 },
                { "m", 60000000 }, { "min", 60000000 },
                { "h", 3600000000ULL }, { "hr", 3600000000ULL },
        };
        return parse_scaled(s, table, ELEMENTSOF(table), 1000000, ret_usec);
}

int free_and_strdup(char **p, const char *s) {
        char *c = strdup(s);

        if (!c)
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

int reason(char **ret_why, int r, const char *fmt, ...) {
        va_list ap;

        if (!ret_why)
                return r;
        free(*ret_why);
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0) {
                *ret_why = NULL;
                r = -ENOMEM;
        }
        va_end(ap);
        return r;
}

bool string_has_control_chars(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < 0x20 || *s == 0x7f)
                        return true;
        return false;
}

char *escape_controls(const char *s, size_t max, char *buf, size_t size) {
        static const char hex[] = "0123456789abcdef";
        size_t i, n = 0, cut = 0; /* cut: the longest output, whole escapes, that leaves room for "..." */

        for (i = 0; s[i] && i < max; i++) {
                unsigned char c = (unsigned char) s[i];
                char e[4];
                size_t k = 0;

                if (c >= 0x20 && c != 0x7f)
                        e[k++] = (char) c;
                else {
                        e[k++] = '\\';
                        switch (c) {
                        case '\n':
                                e[k++] = 'n';
                                break;
                        case '\t':
                                e[k++] = 't';
                                break;
                        case '\r':
                                e[k++] = 'r';
                                break;
                        default:
                                e[k++] = 'x';
                                e[k++] = hex[c >> 4];
                                e[k++] = hex[c & 15];
                        }
                }
                if (n + k >= size)
                        break;
                memcpy(buf + n, e, k);
                n += k;
                if (n + 3 < size)
                        cut = n;
        }
        if (s[i] && size >= 4) {
                memcpy(buf + cut, "...", 3);
                n = cut + 3;
        }
        buf[n] = 0;
        return buf;
}
