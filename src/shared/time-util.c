/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "macro.h"
#include "string-util.h"
#include "time-util.h"

/* Beyond this many µs (some 31,000 years) a span or a time is refused rather than wrapped. */
#define USEC_LIMIT UINT64_C(1000000000000000000)

uint64_t now_realtime_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

uint64_t now_monotonic_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

int parse_timespan(const char *s, uint64_t *ret) {
        static const struct {
                const char *unit;
                uint64_t usec;
        } table[] = {
                { "us", 1 },
                { "usec", 1 },
                { "ms", USEC_PER_MSEC },
                { "msec", USEC_PER_MSEC },
                { "s", USEC_PER_SEC },
                { "sec", USEC_PER_SEC },
                { "second", USEC_PER_SEC },
                { "seconds", USEC_PER_SEC },
                { "m", 60 * USEC_PER_SEC },
                { "min", 60 * USEC_PER_SEC },
                { "minute", 60 * USEC_PER_SEC },
                { "minutes", 60 * USEC_PER_SEC },
                { "h", 3600 * USEC_PER_SEC },
                { "hour", 3600 * USEC_PER_SEC },
                { "hours", 3600 * USEC_PER_SEC },
                { "d", 86400 * USEC_PER_SEC },
                { "day", 86400 * USEC_PER_SEC },
                { "days", 86400 * USEC_PER_SEC },
                { "w", 604800 * USEC_PER_SEC },
                { "week", 604800 * USEC_PER_SEC },
                { "weeks", 604800 * USEC_PER_SEC },
        };
        double total = 0;
        bool any = false;

        while (*s) {
                size_t len;
                char *end;
                double v;
                bool found = false;

                while (isspace((unsigned char) *s))
                        s++;
                if (!*s)
                        break;
                if (!isdigit((unsigned char) *s) && *s != '.')
                        return -EINVAL;
                errno = 0;
                v = strtod(s, &end);
                if (errno != 0 || end == s || v < 0)
                        return -EINVAL;
                s = end;
                while (isspace((unsigned char) *s))
                        s++;
                for (len = 0; isalpha((unsigned char) s[len]); len++)
                        ;
                for (size_t i = 0; i < ELEMENTSOF(table); i++)
                        if (strlen(table[i].unit) == len && strncasecmp(s, table[i].unit, len) == 0) {
                                total += v * (double) table[i].usec;
                                found = true;
                                break;
                        }
                if (!found)
                        return -EINVAL;
                if (total > (double) USEC_LIMIT)
                        return -ERANGE;
                s += len;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = (uint64_t) total;
        return 0;
}

/* "123" after a decimal point: µs (digits beyond the sixth are read and dropped). Moves *p past
 * the digits; -EINVAL if there are none. */
static int parse_fraction(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t usec = 0;
        unsigned n = 0;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        for (; isdigit((unsigned char) *s); s++, n++)
                if (n < 6)
                        usec = usec * 10 + (uint64_t) (*s - '0');
        for (; n < 6; n++)
                usec *= 10;
        *p = s;
        *ret = usec;
        return 0;
}

/* "1700000000" or "1700000000.5": seconds since the epoch. */
static int parse_epoch(const char *s, uint64_t *ret) {
        uint64_t sec = 0, frac = 0;
        unsigned n = 0;

        for (; isdigit((unsigned char) *s); s++, n++) {
                if (n >= 12)
                        return -ERANGE;
                sec = sec * 10 + (uint64_t) (*s - '0');
        }
        if (n == 0)
                return -EINVAL;
        if (*s == '.') {
                s++;
                if (parse_fraction(&s, &frac) < 0)
                        return -EINVAL;
        }
        if (*s)
                return -EINVAL;
        *ret = sec * USEC_PER_SEC + frac;
        return 0;
}

/* What may follow a date and time: ".FRACTION" (only after the seconds), then nothing (local time)
 * or a zone: "Z", " UTC", "+HH:MM", "+HHMM", "+HH" or the same with '-'. */
static int parse_time_tail(const char *s, bool seconds, uint64_t *ret_frac, bool *ret_zone,
                           int64_t *ret_offset) {
        uint64_t frac = 0;
        int64_t offset = 0;
        bool zone = false;

        if (*s == '.' && seconds) {
                s++;
                if (parse_fraction(&s, &frac) < 0)
                        return -EINVAL;
        }
        if (streq(s, "Z") || streq(s, "z") || streq(s, " UTC"))
                zone = true;
        else if (*s == '+' || *s == '-') {
                int sign = *s == '-' ? -1 : 1, h, m = 0;
                const char *p = s + 1;

                if (!isdigit((unsigned char) p[0]) || !isdigit((unsigned char) p[1]))
                        return -EINVAL;
                h = (p[0] - '0') * 10 + (p[1] - '0');
                p += 2;
                if (*p == ':')
                        p++;
                if (*p) {
                        if (!isdigit((unsigned char) p[0]) || !isdigit((unsigned char) p[1]) || p[2])
                                return -EINVAL;
                        m = (p[0] - '0') * 10 + (p[1] - '0');
                } else if (p[-1] == ':')
                        return -EINVAL;
                if (h > 23 || m > 59)
                        return -EINVAL;
                offset = sign * (int64_t) (h * 3600 + m * 60);
                zone = true;
        } else if (*s)
                return -EINVAL;
        *ret_frac = frac;
        *ret_zone = zone;
        *ret_offset = offset;
        return 0;
}

/* tm as local time, or as UTC shifted by offset seconds (the zone's distance east of UTC). */
static int usec_from_tm(struct tm *tm, bool zone, int64_t offset, uint64_t frac, uint64_t *ret) {
        time_t t;

        tm->tm_isdst = -1;
        t = zone ? timegm(tm) : mktime(tm);
        if (t == (time_t) -1)
                return -EINVAL;
        if (zone)
                t -= (time_t) offset;
        if (t < 0)
                return -ERANGE;
        if ((uint64_t) t > USEC_LIMIT / USEC_PER_SEC)
                return -ERANGE;
        *ret = (uint64_t) t * USEC_PER_SEC + frac;
        return 0;
}

/* strptime() with format, then the tail parse_time_tail() takes. */
static int parse_with(const char *s, const char *format, bool seconds, struct tm *tm, uint64_t *ret) {
        uint64_t frac;
        int64_t offset;
        bool zone;
        const char *e;

        e = strptime(s, format, tm);
        if (!e || parse_time_tail(e, seconds, &frac, &zone, &offset) < 0)
                return -EINVAL;
        return usec_from_tm(tm, zone, offset, frac, ret);
}

static uint64_t back(uint64_t now, uint64_t span) {
        return now > span ? now - span : 0;
}

int parse_timestamp(const char *s, uint64_t now, uint64_t *ret) {
        static const struct {
                const char *format;
                bool seconds;
        } dates[] = {
                { "%Y-%m-%d %H:%M:%S", true }, { "%Y-%m-%dT%H:%M:%S", true }, { "%Y-%m-%d %H:%M", false },
                { "%Y-%m-%dT%H:%M", false },   { "%Y-%m-%d", false },
        };
        time_t today = (time_t) (now / USEC_PER_SEC);
        uint64_t span;
        const char *p;
        struct tm tm;

        if (!s)
                return -EINVAL;
        if (streq(s, "now")) {
                *ret = now;
                return 0;
        }
        if (streq(s, "today") || streq(s, "yesterday") || streq(s, "tomorrow")) {
                if (!localtime_r(&today, &tm))
                        return -EINVAL;
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                tm.tm_mday += streq(s, "yesterday") ? -1 : streq(s, "tomorrow") ? 1 : 0;
                return usec_from_tm(&tm, /* zone= */ false, 0, 0, ret);
        }
        if ((p = startswith(s, "@")))
                return parse_epoch(p, ret);
        if (parse_epoch(s, ret) >= 0) /* docker's bare seconds */
                return 0;
        if ((p = startswith(s, "-"))) {
                if (parse_timespan(p, &span) < 0)
                        return -EINVAL;
                *ret = back(now, span);
                return 0;
        }
        if ((p = startswith(s, "+"))) {
                if (parse_timespan(p, &span) < 0 || span > USEC_LIMIT - now)
                        return -EINVAL;
                *ret = now + span;
                return 0;
        }
        if ((p = endswith(s, "ago")) && p > s) {
                char *what = strndup(s, (size_t) (p - s));
                int r;

                if (!what)
                        return -ENOMEM;
                r = parse_timespan(what, &span);
                free(what);
                if (r < 0)
                        return -EINVAL;
                *ret = back(now, span);
                return 0;
        }
        if (parse_timespan(s, &span) >= 0) { /* docker's "42m" */
                *ret = back(now, span);
                return 0;
        }

        for (size_t i = 0; i < ELEMENTSOF(dates); i++) {
                tm = (struct tm) {};
                if (parse_with(s, dates[i].format, dates[i].seconds, &tm, ret) >= 0)
                        return 0;
        }
        /* A time of day alone: today's. */
        for (unsigned i = 0; i < 2; i++) {
                if (!localtime_r(&today, &tm))
                        return -EINVAL;
                tm.tm_sec = 0;
                if (parse_with(s, i == 0 ? "%H:%M:%S" : "%H:%M", /* seconds= */ i == 0, &tm, ret) >= 0)
                        return 0;
        }
        return -EINVAL;
}
