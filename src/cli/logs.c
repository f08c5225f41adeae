/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "cleanup.h"
#include "containers.h"
#include "json.h"
#include "log.h"
#include "string-util.h"
#include "time-util.h"
#include "units.h"
#include "verbs.h"

/* berth logs NAME: the container's lines from the journal, read with sd-journal (the same lines
 * as `journalctl CONTAINER_NAME=NAME`): its payload's stdout and stderr, and the helper's own
 * messages about it. */


typedef enum OutputMode {
        OUTPUT_SHORT,
        OUTPUT_JSON,
        OUTPUT_CAT,
        _OUTPUT_MODE_MAX,
        _OUTPUT_MODE_INVALID = -EINVAL,
} OutputMode;

static const char logs_options[] =
        "  -f, --follow         keep printing new lines until interrupted (SIGINT, SIGTERM)\n"
        "  -n, --lines N        only the last N lines (a number, or 'all')\n"
        "      --since TIME     lines at or after TIME\n"
        "      --until TIME     lines at or before TIME (not with --follow)\n"
        "  -o, --output MODE    short (default: \"TIME NAME: MESSAGE\"), cat (the message only),\n"
        "                       json (one object per line, every journal field)\n"
        "\n"
        "TIME is local time \"YYYY-MM-DD HH:MM:SS\" (also with 'T' in place of the space, the\n"
        "seconds or the whole time left out, and a trailing 'Z' or ' UTC' for UTC), \"HH:MM[:SS]\"\n"
        "today, \"@EPOCH\" (seconds since 1970, fractions allowed), \"now\", \"today\", \"yesterday\",\n"
        "or a span back from now: \"-5min\", \"5min ago\", \"5 min ago\", \"1h 30min ago\", or \"42m\"\n"
        "as docker says it. Span units: s, sec, second(s), m, min, minute(s), h, hour(s), d,\n"
        "day(s), w, week(s).\n";

/* "5min", "5 min", "1h 30min", "2 days": µs. */
static int parse_span(const char *s, uint64_t *ret) {
        static const struct {
                const char *unit;
                uint64_t usec;
        } table[] = {
                { "s", USEC_PER_SEC },          { "sec", USEC_PER_SEC },           { "second", USEC_PER_SEC },
                { "seconds", USEC_PER_SEC },    { "m", 60 * USEC_PER_SEC },        { "min", 60 * USEC_PER_SEC },
                { "minute", 60 * USEC_PER_SEC }, { "minutes", 60 * USEC_PER_SEC }, { "h", 3600 * USEC_PER_SEC },
                { "hour", 3600 * USEC_PER_SEC }, { "hours", 3600 * USEC_PER_SEC }, { "d", 86400 * USEC_PER_SEC },
                { "day", 86400 * USEC_PER_SEC }, { "days", 86400 * USEC_PER_SEC }, { "w", 604800 * USEC_PER_SEC },
                { "week", 604800 * USEC_PER_SEC }, { "weeks", 604800 * USEC_PER_SEC },
        };
        uint64_t total = 0;
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
                if (errno != 0 || v < 0 || v > 1e12)
                        return -EINVAL;
                s = end;
                while (isspace((unsigned char) *s))
                        s++;
                for (len = 0; isalpha((unsigned char) s[len]); len++)
                        ;
                for (size_t i = 0; i < ELEMENTSOF(table); i++)
                        if (strlen(table[i].unit) == len && strncasecmp(s, table[i].unit, len) == 0) {
                                total += (uint64_t) (v * (double) table[i].usec);
                                found = true;
                                break;
                        }
                if (!found)
                        return -EINVAL;
                s += len;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

static int usec_from_tm(struct tm *tm, bool utc, uint64_t *ret) {
        time_t t;

        tm->tm_isdst = -1;
        t = utc ? timegm(tm) : mktime(tm);
        if (t == (time_t) -1 || t < 0)
                return -EINVAL;
        *ret = (uint64_t) t * USEC_PER_SEC;
        return 0;
}

/* The forms logs_options describes: µs since the epoch. */
static int parse_time(const char *s, uint64_t *ret) {
        static const char *const formats[] = {
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
        };
        _cleanup_free_ char *copy = NULL;
        uint64_t now = now_realtime_usec(), span;
        bool utc = false;
        const char *p;
        char *e;
        size_t n;

        if (streq(s, "now")) {
                *ret = now;
                return 0;
        }
        if (streq(s, "today") || streq(s, "yesterday")) {
                time_t t = (time_t) (now / USEC_PER_SEC);
                struct tm tm;

                if (!localtime_r(&t, &tm))
                        return -EINVAL;
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                if (streq(s, "yesterday"))
                        tm.tm_mday--;
                return usec_from_tm(&tm, false, ret);
        }
        if ((p = startswith(s, "@"))) {
                double v;

                errno = 0;
                v = strtod(p, &e);
                if (errno != 0 || e == p || *e || v < 0 || v > 1e11)
                        return -EINVAL;
                *ret = (uint64_t) (v * (double) USEC_PER_SEC);
                return 0;
        }
        if ((p = startswith(s, "-"))) {
                if (parse_span(p, &span) < 0)
                        return -EINVAL;
                *ret = now > span ? now - span : 0;
                return 0;
        }
        if ((p = endswith(s, "ago")) && p > s) {
                _cleanup_free_ char *what = strndup(s, (size_t) (p - s));

                if (!what)
                        return -ENOMEM;
                if (parse_span(what, &span) < 0)
                        return -EINVAL;
                *ret = now > span ? now - span : 0;
                return 0;
        }
        if (parse_span(s, &span) >= 0) { /* docker's "42m" */
                *ret = now > span ? now - span : 0;
                return 0;
        }

        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        n = strlen(copy);
        if (n > 0 && copy[n - 1] == 'Z') {
                copy[--n] = 0;
                utc = true;
        } else if ((e = (char *) endswith(copy, " UTC"))) {
                *e = 0;
                utc = true;
        }
        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                struct tm tm = {};

                e = strptime(copy, formats[i], &tm);
                if (e && !*e)
                        return usec_from_tm(&tm, utc, ret);
        }
        /* A time of day alone: today. */
        {
                time_t t = (time_t) (now / USEC_PER_SEC);
                struct tm tm;

                if (!localtime_r(&t, &tm))
                        return -EINVAL;
                tm.tm_sec = 0;
                e = strptime(copy, "%H:%M:%S", &tm);
                if (!e || *e) {
                        tm.tm_sec = 0;
                        e = strptime(copy, "%H:%M", &tm);
                }
                if (e && !*e)
                        return usec_from_tm(&tm, utc, ret);
        }
        return -EINVAL;
}

static OutputMode output_mode_from_string(const char *s) {
        if (streq(s, "short"))
                return OUTPUT_SHORT;
        if (streq(s, "json"))
                return OUTPUT_JSON;
        if (streq(s, "cat"))
                return OUTPUT_CAT;
        return _OUTPUT_MODE_INVALID;
}

static int print_json_entry(sd_journal *j) {
        _cleanup_free_ char *cursor = NULL;
        const void *data;
        size_t len;
        uint64_t realtime = 0, monotonic = 0;
        sd_id128_t boot_id;
        char buf[32];
        JsonWriter w;
        int r;

        json_init(&w, stdout, /* pretty= */ false);
        json_begin_object(&w);
        if (sd_journal_get_cursor(j, &cursor) >= 0)
                json_key_string(&w, "__CURSOR", cursor);
        if (sd_journal_get_realtime_usec(j, &realtime) >= 0) {
                snprintf(buf, sizeof(buf), "%" PRIu64, realtime);
                json_key_string(&w, "__REALTIME_TIMESTAMP", buf);
        }
        if (sd_journal_get_monotonic_usec(j, &monotonic, &boot_id) >= 0) {
                snprintf(buf, sizeof(buf), "%" PRIu64, monotonic);
                json_key_string(&w, "__MONOTONIC_TIMESTAMP", buf);
        }
        SD_JOURNAL_FOREACH_DATA(j, data, len) {
                const char *eq = memchr(data, '=', len);
                _cleanup_free_ char *key = NULL;

                if (!eq)
                        continue;
                key = strndup(data, (size_t) (eq - (const char *) data));
                if (!key)
                        return -ENOMEM;
                json_key(&w, key);
                json_string_len(&w, eq + 1, len - (size_t) (eq + 1 - (const char *) data));
        }
        json_end_object(&w);
        r = json_finish(&w);
        return r;
}

static int print_entry(sd_journal *j, const char *name, OutputMode mode) {
        const void *data;
        size_t len;
        int r;

        if (mode == OUTPUT_JSON)
                return print_json_entry(j);

        r = sd_journal_get_data(j, "MESSAGE", &data, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        data = (const char *) data + STRLEN("MESSAGE=");
        len -= STRLEN("MESSAGE=");
        if (mode == OUTPUT_SHORT) {
                uint64_t usec = 0;
                char when[32] = "";
                struct tm tm;
                time_t t;

                (void) sd_journal_get_realtime_usec(j, &usec);
                t = (time_t) (usec / USEC_PER_SEC);
                if (localtime_r(&t, &tm))
                        strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
                printf("%s %s: ", when, name);
        }
        fwrite(data, 1, len, stdout);
        putchar('\n');
        return 0;
}

typedef struct LogsArgs {
        const char *name;
        OutputMode mode;
        bool follow;
        uint64_t lines; /* UINT64_MAX: all */
        uint64_t since, until; /* 0 / UINT64_MAX: none */
} LogsArgs;

/* Prints entries from the current one (when current) or the next one onwards, while they are
 * before until; returns 1 when it got past until. */
static int print_from(sd_journal *j, const LogsArgs *a, bool current) {
        int r;

        for (;;) {
                uint64_t t = 0;

                if (!current) {
                        r = sd_journal_next(j);
                        if (r <= 0)
                                return r;
                }
                current = false;
                r = sd_journal_get_realtime_usec(j, &t);
                if (r < 0)
                        return r;
                if (t < a->since)
                        continue;
                if (t > a->until)
                        return 1;
                r = print_entry(j, a->name, a->mode);
                if (r < 0)
                        return r;
        }
}

static int follow(sd_journal *j, const LogsArgs *a) {
        _cleanup_close_ int sigfd = -EBADF;
        sigset_t mask;
        int r;

        /* Until SIGINT or SIGTERM: they end the wait, and us, with success. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sigfd < 0)
                return -errno;
        r = sd_journal_get_fd(j);
        if (r < 0)
                return r;

        for (;;) {
                struct pollfd p[2] = {
                        { .fd = sd_journal_get_fd(j), .events = (short) sd_journal_get_events(j) },
                        { .fd = sigfd, .events = POLLIN },
                };
                uint64_t timeout = UINT64_MAX;
                int ms = -1;

                fflush(stdout);
                if (sd_journal_get_timeout(j, &timeout) >= 0 && timeout != UINT64_MAX) {
                        struct timespec ts;
                        uint64_t mono;

                        clock_gettime(CLOCK_MONOTONIC, &ts);
                        mono = (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
                        ms = timeout > mono ? (int) MIN((timeout - mono + 999) / 1000, (uint64_t) INT32_MAX) : 0;
                }
                if (poll(p, ELEMENTSOF(p), ms) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (p[1].revents & POLLIN)
                        return 0;
                r = sd_journal_process(j);
                if (r < 0)
                        return r;
                r = print_from(j, a, /* current= */ false);
                if (r < 0)
                        return r;
        }
}

static int show(const LogsArgs *a) {
        _cleanup_free_ char *match = NULL;
        sd_journal *j = NULL;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return log_error_errno(r, "Failed to open the journal: %m");
        if (asprintf(&match, "CONTAINER_NAME=%s", a->name) < 0) {
                r = log_oom();
                goto finish;
        }
        r = sd_journal_add_match(j, match, 0);
        if (r < 0) {
                log_error_errno(r, "Failed to match %s in the journal: %m", match);
                goto finish;
        }

        if (a->lines != UINT64_MAX) {
                /* The last N: back N from the end (or from --until), then forward from there. */
                if (a->until != UINT64_MAX)
                        r = sd_journal_seek_realtime_usec(j, a->until + 1);
                else
                        r = sd_journal_seek_tail(j);
                if (r >= 0 && a->lines > 0) {
                        r = sd_journal_previous_skip(j, a->lines);
                        if (r > 0)
                                r = print_from(j, a, /* current= */ true);
                } else if (r >= 0)
                        r = sd_journal_previous(j); /* -n 0: at the end, to follow from there */
        } else {
                if (a->since > 0)
                        r = sd_journal_seek_realtime_usec(j, a->since);
                else
                        r = sd_journal_seek_head(j);
                if (r >= 0)
                        r = print_from(j, a, /* current= */ false);
        }
        if (r >= 0 && a->follow)
                r = follow(j, a);
        if (r < 0)
                log_error_errno(r, "Failed to read the journal: %m");
finish:
        fflush(stdout);
        sd_journal_close(j);
        return r < 0 ? r : 0;
}

int verb_logs(int argc, char *argv[]) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_HELP };
        static const struct option options[] = {
                { "follow", no_argument, NULL, 'f' },
                { "lines", required_argument, NULL, 'n' },
                { "tail", required_argument, NULL, 'n' }, /* docker's name for it */
                { "since", required_argument, NULL, ARG_SINCE },
                { "until", required_argument, NULL, ARG_UNTIL },
                { "output", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        LogsArgs a = { .mode = OUTPUT_SHORT, .lines = UINT64_MAX, .until = UINT64_MAX };
        int c;

        while ((c = getopt_long(argc, argv, "fn:o:", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        a.follow = true;
                        break;
                case 'n':
                        if (streq(optarg, "all"))
                                a.lines = UINT64_MAX;
                        else if (safe_atou64(optarg, &a.lines) < 0 || a.lines == UINT64_MAX) {
                                log_error("option -n: '%s' is not a number of lines", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        if (parse_time(optarg, c == ARG_SINCE ? &a.since : &a.until) < 0) {
                                log_error("option --%s: '%s' is not a time; see 'berth logs --help'",
                                          c == ARG_SINCE ? "since" : "until", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case 'o':
                        a.mode = output_mode_from_string(optarg);
                        if (a.mode < 0) {
                                log_error("option -o: '%s' is not an output mode (short, cat, json)", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_HELP:
                        verb_help("logs", logs_options);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 1) {
                log_error("logs needs one container name; see 'berth logs --help'");
                return EXIT_BERTH_FAILED;
        }
        if (a.follow && a.until != UINT64_MAX) {
                log_error("--follow and --until do not go together");
                return EXIT_BERTH_FAILED;
        }
        a.name = argv[optind];
        if (containers_require(a.name) < 0)
                return EXIT_BERTH_FAILED;
        return show(&a) < 0 ? EXIT_BERTH_FAILED : 0;
}
