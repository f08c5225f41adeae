/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse_timespan() and parse_timestamp(): journalctl's forms, which `berth logs` took first, and
 * docker's (bare seconds, RFC 3339, Go durations), against a fixed "now" in two zones. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "tap.h"
#include "time-util.h"

/* 2026-12-04 10:00:00 UTC, a Friday. */
#define NOW (UINT64_C(1796378400) * USEC_PER_SEC)
#define MIN_USEC (60 * USEC_PER_SEC)
#define HOUR_USEC (3600 * USEC_PER_SEC)

static uint64_t span(const char *s) {
        uint64_t v = UINT64_MAX;

        return parse_timespan(s, &v) < 0 ? UINT64_MAX : v;
}

static uint64_t ts(const char *s) {
        uint64_t v = UINT64_MAX;

        return parse_timestamp(s, NOW, &v) < 0 ? UINT64_MAX : v;
}

static void zone(const char *tz) {
        setenv("TZ", tz, 1);
        tzset();
}

int main(void) {
        uint64_t v;

        /* Spans: systemd's words and Go's compact forms. */
        ok_eq_int(span("5min"), 5 * MIN_USEC);
        ok_eq_int(span("5 min"), 5 * MIN_USEC);
        ok_eq_int(span("1h 30min"), 90 * MIN_USEC);
        ok_eq_int(span("2 days"), 48 * HOUR_USEC);
        ok_eq_int(span("1w"), 7 * 24 * HOUR_USEC);
        ok_eq_int(span("10m"), 10 * MIN_USEC);
        ok_eq_int(span("1h30m"), 90 * MIN_USEC);
        ok_eq_int(span("2h45m30s"), (165 * 60 + 30) * USEC_PER_SEC);
        ok_eq_int(span("1.5h"), 90 * MIN_USEC);
        ok_eq_int(span("300ms"), 300 * USEC_PER_MSEC);
        ok_eq_int(span("20us"), 20);
        ok_eq_int(span("1H"), HOUR_USEC);
        ok_eq_int(span(""), UINT64_MAX);
        ok_eq_int(span("5"), UINT64_MAX);
        ok_eq_int(span("5 parsecs"), UINT64_MAX);
        ok_eq_int(span("-5m"), UINT64_MAX);
        ok_eq_int(span("m"), UINT64_MAX);
        ok_eq_int(parse_timespan("99999999999999999999w", &v), -ERANGE);
        ok_eq_int(span("1e400s"), UINT64_MAX);

        zone("UTC");
        /* Words and spans against now. */
        ok_eq_int(ts("now"), NOW);
        ok_eq_int(ts("today"), NOW - 10 * HOUR_USEC);
        ok_eq_int(ts("yesterday"), NOW - 34 * HOUR_USEC);
        ok_eq_int(ts("tomorrow"), NOW + 14 * HOUR_USEC);
        ok_eq_int(ts("-5min"), NOW - 5 * MIN_USEC);
        ok_eq_int(ts("5min ago"), NOW - 5 * MIN_USEC);
        ok_eq_int(ts("5 min ago"), NOW - 5 * MIN_USEC);
        ok_eq_int(ts("1h 30min ago"), NOW - 90 * MIN_USEC);
        ok_eq_int(ts("+5min"), NOW + 5 * MIN_USEC);
        ok_eq_int(ts("10m"), NOW - 10 * MIN_USEC);
        ok_eq_int(ts("1h30m"), NOW - 90 * MIN_USEC);
        ok_eq_int(ts("1m"), NOW - MIN_USEC);
        ok_eq_int(ts("99999w"), 0); /* before 1970: the epoch */

        /* Seconds since the epoch, with '@' (journalctl) or without (docker). */
        ok_eq_int(ts("@1700000000"), UINT64_C(1700000000) * USEC_PER_SEC);
        ok_eq_int(ts("1700000000"), UINT64_C(1700000000) * USEC_PER_SEC);
        ok_eq_int(ts("1700000000.5"), UINT64_C(1700000000500000));
        ok_eq_int(ts("@1700000000.123456"), UINT64_C(1700000000123456));
        ok_eq_int(ts("1700000000.123456789"), UINT64_C(1700000000123456)); /* docker's nanoseconds */
        ok_eq_int(ts("0"), 0);
        ok_eq_int(ts("1700000000."), UINT64_MAX);
        ok_eq_int(ts("1700000000.5.5"), UINT64_MAX);
        ok_eq_int(ts("@"), UINT64_MAX);
        ok_eq_int(ts("@-5"), UINT64_MAX);
        ok_eq_int(ts("@1e9"), UINT64_MAX);
        ok_eq_int(ts("9999999999999"), UINT64_MAX);

        /* Dates and times, local (here UTC) and RFC 3339. */
        ok_eq_int(ts("2026-12-04 09:00:00"), NOW - HOUR_USEC);
        ok_eq_int(ts("2026-12-04T09:00:00"), NOW - HOUR_USEC);
        ok_eq_int(ts("2026-12-04 09:00"), NOW - HOUR_USEC);
        ok_eq_int(ts("2026-12-04T09:00"), NOW - HOUR_USEC);
        ok_eq_int(ts("2026-12-04"), NOW - 10 * HOUR_USEC);
        ok_eq_int(ts("2026-12-04T10:00:00Z"), NOW);
        ok_eq_int(ts("2026-12-04T10:00:00z"), NOW);
        ok_eq_int(ts("2026-12-04 10:00:00 UTC"), NOW);
        ok_eq_int(ts("2026-12-04T10:00:00.25Z"), NOW + 250000);
        ok_eq_int(ts("2026-12-04T10:00:00.123456789Z"), NOW + 123456);
        ok_eq_int(ts("2026-12-04T11:00:00+01:00"), NOW);
        ok_eq_int(ts("2026-12-04T11:30:00+0130"), NOW);
        ok_eq_int(ts("2026-12-04T05:00:00-05"), NOW);
        ok_eq_int(ts("2026-12-04T05:00:00.5-05:00"), NOW + 500000);
        ok_eq_int(ts("2026-12-04T10:00Z"), NOW);
        ok_eq_int(ts("09:30"), NOW - 30 * MIN_USEC);
        ok_eq_int(ts("09:30:15"), NOW - 29 * MIN_USEC - 45 * USEC_PER_SEC);
        ok_eq_int(ts("2026-12-04T10:00:00+25:00"), UINT64_MAX);
        ok_eq_int(ts("2026-12-04T10:00:00+01:"), UINT64_MAX);
        ok_eq_int(ts("2026-12-04T10:00:00+1"), UINT64_MAX);
        ok_eq_int(ts("2026-12-04T10:00.5Z"), UINT64_MAX); /* a fraction only after seconds */
        ok_eq_int(ts("2026-12-04T10:00:00 junk"), UINT64_MAX);
        ok_eq_int(ts("2026-13-04"), UINT64_MAX);
        ok_eq_int(ts("1969-12-31T23:00:00Z"), UINT64_MAX);
        ok_eq_int(ts("nonsense"), UINT64_MAX);
        ok_eq_int(ts(""), UINT64_MAX);
        ok_eq_int(parse_timestamp(NULL, NOW, &v), -EINVAL);

        /* Local time is the zone's; a time with a zone is not. */
        zone("CET-1");
        ok_eq_int(ts("2026-12-04 11:00:00"), NOW);
        ok_eq_int(ts("2026-12-04T10:00:00Z"), NOW);
        ok_eq_int(ts("2026-12-04T11:00:00+01:00"), NOW);
        ok_eq_int(ts("today"), NOW - 11 * HOUR_USEC);
        ok_eq_int(ts("11:00"), NOW);

        return tap_finish();
}
