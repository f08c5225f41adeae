/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)

/* CLOCK_REALTIME in µs, journald's and systemd's unit of time. */
uint64_t now_realtime_usec(void);
/* CLOCK_MONOTONIC in µs, for timeouts. */
uint64_t now_monotonic_usec(void);

/* A span: "5min", "5 min", "1h 30min", "2 days", or Go's (docker's) "1h30m", "1.5h", "300ms". Units:
 * us, usec, ms, msec, s, sec, second(s), m, min, minute(s), h, hour(s), d, day(s), w, week(s), in
 * any case. µs in *ret; -EINVAL for anything else, -ERANGE beyond 10^18 µs. */
int parse_timespan(const char *s, uint64_t *ret);

/* A point in time as `berth logs` and `berth events` take it (TIMESTAMP_FORMS says which forms), in
 * µs since the epoch. now (µs since the epoch) is what "now", "today" and the spans count from. A
 * date and time without a zone is local time. -EINVAL for anything else, -ERANGE before 1970 or
 * far beyond. */
int parse_timestamp(const char *s, uint64_t now, uint64_t *ret);

/* The forms parse_timestamp() takes, for a verb's --help. */
#define TIMESTAMP_FORMS                                                                                   \
        "TIME is local time \"YYYY-MM-DD HH:MM:SS\" (also with 'T' in place of the space, the seconds\n"  \
        "or the whole time left out, a fraction of a second after the seconds), followed by a zone\n"     \
        "if it is not local: 'Z', ' UTC' or an offset \"+01:00\" (so RFC 3339's \"2026-12-04T10:00:00Z\"\n" \
        "is one); \"HH:MM[:SS]\" today; seconds since 1970, fractions allowed, as \"@1700000000.5\" or\n"  \
        "\"1700000000.5\"; \"now\", \"today\", \"yesterday\", \"tomorrow\"; or a span back from now:\n"   \
        "\"-5min\", \"5min ago\", \"1h 30min ago\", or as docker and Go say it, \"10m\", \"1h30m\"\n"       \
        "(\"+5min\": ahead of now). Span units: us, ms, s, sec, second(s), m, min, minute(s), h,\n"       \
        "hour(s), d, day(s), w, week(s).\n"
