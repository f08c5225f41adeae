/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "cleanup.h"
#include "containers.h"
#include "journal-follow.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "string-util.h"
#include "time-util.h"
#include "units.h"
#include "verbs.h"

/* berth logs NAME: the container's lines from the journal, read with sd-journal (the same lines
 * as `journalctl CONTAINER_NAME=NAME`): its payload's stdout and stderr, and the helper's own
 * messages about it; not its events (event.h), which are `berth events`'s, as docker keeps them
 * apart. The payload's stderr lines go to stderr, the rest to stdout, as docker logs replays them;
 * -o json writes every entry to stdout, with its PRIORITY. */

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
        "\n" TIMESTAMP_FORMS;

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

typedef struct LogsArgs {
        const char *name;
        OutputMode mode;
        bool follow;
        uint64_t lines; /* UINT64_MAX: all */
        uint64_t since, until; /* 0 / UINT64_MAX: none */
} LogsArgs;

/* Whether the current entry is an event: only a container named berth has its events match
 * (see show()), and sd-journal has no match for "without a field". */
static bool entry_is_event(sd_journal *j) {
        const void *data;
        size_t len;

        return sd_journal_get_data(j, "BERTH_EVENT", &data, &len) >= 0;
}

/* Whether the current entry is one of the payload's stderr lines (the supervisor sends them with
 * PRIORITY=3, journal-send.h), or an error of the helper's about the container: docker replays
 * a container's stderr on its own stderr, so that `berth logs web 2>/dev/null` keeps stdout's. */
static bool entry_is_stderr(sd_journal *j) {
        const void *data;
        size_t len;

        if (sd_journal_get_data(j, "PRIORITY", &data, &len) < 0 || len != STRLEN("PRIORITY=") + 1)
                return false;
        return ((const char *) data)[len - 1] >= '0' && ((const char *) data)[len - 1] <= '3';
}

static int print_entry(sd_journal *j, void *userdata) {
        const LogsArgs *a = userdata;
        const void *data;
        size_t len;
        FILE *out;
        int r;

        if (entry_is_event(j))
                return 0;
        if (a->mode == OUTPUT_JSON)
                return print_json_entry(j);

        r = sd_journal_get_data(j, "MESSAGE", &data, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        data = (const char *) data + STRLEN("MESSAGE=");
        len -= STRLEN("MESSAGE=");
        out = entry_is_stderr(j) ? stderr : stdout;
        if (out == stderr)
                fflush(stdout); /* the two streams in the journal's order on a terminal */
        if (a->mode == OUTPUT_SHORT) {
                uint64_t usec = 0;
                char when[32] = "";
                struct tm tm;
                time_t t;

                (void) sd_journal_get_realtime_usec(j, &usec);
                t = (time_t) (usec / USEC_PER_SEC);
                if (localtime_r(&t, &tm))
                        strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
                fprintf(out, "%s %s: ", when, a->name);
        }
        fwrite(data, 1, len, out);
        fputc('\n', out);
        return 0;
}

/* Steps back from where the journal stands (its end, or past --until) over the last n lines,
 * passing over the events in between, so that -n counts lines only. 1 when it stands on the
 * first line to print, 0 when there is none. */
static int back_over_lines(sd_journal *j, uint64_t n) {
        uint64_t found = 0;
        int r;

        while (found < n) {
                r = sd_journal_previous(j);
                if (r <= 0)
                        return r < 0 ? r : found > 0;
                if (!entry_is_event(j))
                        found++;
        }
        return 1;
}

static int show(const LogsArgs *a) {
        sd_journal *j = NULL;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return log_error_errno(r, "Failed to open the journal: %m");
        /* The container's lines carry its name as SYSLOG_IDENTIFIER= too (journal-send.h, and
         * container@.service's SyslogIdentifier=), its events "berth" (event.h): matching both
         * fields leaves the events to the journal's index, so that -n does not step back over
         * months of health checks. Only a container named berth has its events come along, and
         * they are passed over here. With LogOpt=tag= the payload's lines have the tag as
         * SYSLOG_IDENTIFIER=, and CONTAINER_ID_FULL= the name (journal-send.h): a second term. */
        for (size_t i = 0; i < 4; i++) {
                _cleanup_free_ char *match = NULL;

                const char *field = i % 2 == 0 ? "CONTAINER_NAME" : i == 1 ? "SYSLOG_IDENTIFIER" : "CONTAINER_ID_FULL";

                if (i == 2) {
                        r = sd_journal_add_disjunction(j);
                        if (r < 0) {
                                log_error_errno(r, "Failed to match the journal: %m");
                                goto finish;
                        }
                }
                if (asprintf(&match, "%s=%s", field, a->name) < 0) {
                        r = log_oom();
                        goto finish;
                }
                r = sd_journal_add_match(j, match, 0);
                if (r < 0) {
                        log_error_errno(r, "Failed to match %s in the journal: %m", match);
                        goto finish;
                }
        }

        if (a->lines != UINT64_MAX) {
                /* The last N: back N from the end (or from --until), then forward from there. */
                if (a->until != UINT64_MAX)
                        r = sd_journal_seek_realtime_usec(j, a->until + 1);
                else
                        r = sd_journal_seek_tail(j);
                if (r >= 0 && a->lines > 0) {
                        r = back_over_lines(j, a->lines);
                        if (r > 0)
                                r = journal_each(j, a->since, a->until, /* current= */ true, print_entry,
                                                 (void *) a);
                } else if (r >= 0)
                        r = sd_journal_previous(j); /* -n 0: at the end, to follow from there */
        } else
                r = journal_each_since(j, a->since, a->until, print_entry, (void *) a);
        if (r >= 0 && a->follow)
                r = journal_follow(j, a->since, a->until, print_entry, (void *) a);
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
        _cleanup_free_ char *key = NULL;
        int c;

        while ((c = options_next("logs", argc, argv, "fn:o:", options)) >= 0)
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
                        if (parse_timestamp(optarg, now_realtime_usec(), c == ARG_SINCE ? &a.since : &a.until) < 0) {
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
        if (containers_require(argv[optind], &key) < 0)
                return EXIT_BERTH_FAILED;
        a.name = key;
        return show(&a) < 0 ? EXIT_BERTH_FAILED : 0;
}
