/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-journal.h>

#include "cleanup.h"
#include "event-filter.h"
#include "event-format.h"
#include "journal-follow.h"
#include "log.h"
#include "options.h"
#include "string-util.h"
#include "time-util.h"
#include "verbs.h"

/* berth events: what happened to containers, as docker events prints it. The events are journal
 * entries (event.h) written by berth's verbs and by each container's helper and supervisor, so
 * nothing runs to collect them: this reads them back with sd-journal, from the index of the
 * BERTH_EVENT= field, from --since on (the journal finds that time without reading what came
 * before it). */

static const char events_options[] =
        "      --since TIME        events at or after TIME (default: now, nothing old; with --until\n"
        "                          alone, every event the journal still has)\n"
        "      --until TIME        events up to TIME, then exit (a TIME to come is waited for);\n"
        "                          without it, new events as they happen until SIGINT or SIGTERM\n"
        "  -f, --filter KEY=VALUE  container=NAME, event=NAME, type=container; several values of a\n"
        "                          key: any of them. health_check events (one per check run) only\n"
        "                          with event=health_check\n"
        "      --format FORMAT     json (also '{{json .}}'), or a template such as\n"
        "                          '{{.Actor.Attributes.name}} {{.Action}}' (see berth(1))\n"
        "\n" TIMESTAMP_FORMS;

typedef struct EventsArgs {
        uint64_t since, until; /* UINT64_MAX: none */
        EventFilter filter;
        EventFormat *format;
} EventsArgs;

static void events_args_done(EventsArgs *a) {
        event_filter_done(&a->filter);
        a->format = event_format_free(a->format);
}

static int print_event(sd_journal *j, void *userdata) {
        _cleanup_(event_record_done) EventRecord r = EVENT_RECORD_NULL;
        const EventsArgs *a = userdata;
        const void *data;
        size_t len;

        SD_JOURNAL_FOREACH_DATA(j, data, len)
                if (event_record_add(&r, data, len) < 0)
                        return -ENOMEM;
        /* Not an event after all (see event-record.h), or not one of those asked for. */
        if (sd_journal_get_realtime_usec(j, &r.usec) < 0 || event_record_check(&r) < 0 ||
            !event_filter_match(&a->filter, &r))
                return 0;
        return event_format_print(a->format, stdout, &r);
}

static int add_match(sd_journal *j, const char *field, const char *value) {
        _cleanup_free_ char *m = strjoin(field, "=", value);
        int r;

        if (!m)
                return log_oom();
        r = sd_journal_add_match(j, m, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to match %s in the journal: %m", m);
        return 0;
}

/* What the journal is asked for: the events wanted (matches of one field are ORed), of the
 * containers named, written by root and as berth. The filter looks at each entry again: this
 * only spares reading the others. */
static int add_matches(sd_journal *j, const EventFilter *f) {
        bool any = false;
        int r;

        for (int e = 0; e < _EVENT_MAX; e++)
                if (event_filter_wants(f, (ContainerEvent) e)) {
                        r = add_match(j, "BERTH_EVENT", event_to_string((ContainerEvent) e));
                        if (r < 0)
                                return r;
                        any = true;
                }
        /* None (type= of another type): an event no entry is, rather than no match at all. */
        if (!any && (r = add_match(j, "BERTH_EVENT", "")) < 0)
                return r;
        STRV_FOREACH(name, f->containers)
                if ((r = add_match(j, "CONTAINER_NAME", *name)) < 0)
                        return r;
        /* Anyone may write BERTH_EVENT= to journald; only root's entries are berth's. _UID= is
         * journald's own field, from the sender's credentials, which nobody can fake. */
        if ((r = add_match(j, "_UID", "0")) < 0)
                return r;
        return add_match(j, "SYSLOG_IDENTIFIER", "berth");
}

static int show(const EventsArgs *a) {
        bool follow = a->until == UINT64_MAX || a->until > now_realtime_usec();
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        if (r < 0)
                return log_error_errno(r, "Failed to open the journal: %m");
        r = add_matches(j, &a->filter);
        if (r < 0)
                return r;
        /* When it will follow, watching first, so that nothing written while the old events are
         * read is missed. (Not otherwise: taking an inotify watch away costs the kernel a grace
         * period, many times what reading takes.) */
        r = follow ? sd_journal_get_fd(j) : 0;
        if (r >= 0)
                r = journal_each_since(j, a->since, a->until, print_event, (void *) a);
        /* At the end of the journal: new events until SIGINT or SIGTERM, or until --until. */
        if (r == 0 && follow)
                r = journal_follow(j, a->since, a->until, print_event, (void *) a);
        fflush(stdout);
        if (r < 0)
                return log_error_errno(r, "Failed to show the events: %m");
        return 0;
}

/* An option refused, with the reason given, or the lack of memory that kept it from one. */
static int refuse(const char *what, const char *why) {
        if (why)
                log_error("%s%s", what, why);
        else
                log_oom();
        return EXIT_BERTH_FAILED;
}

int verb_events(int argc, char *argv[]) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_FORMAT, ARG_HELP };
        static const struct option options[] = {
                { "since", required_argument, NULL, ARG_SINCE },
                { "until", required_argument, NULL, ARG_UNTIL },
                { "filter", required_argument, NULL, 'f' },
                { "format", required_argument, NULL, ARG_FORMAT },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(events_args_done) EventsArgs a = { .since = UINT64_MAX, .until = UINT64_MAX };
        const char *format = NULL;
        uint64_t now = now_realtime_usec();
        int c;

        while ((c = options_next("events", argc, argv, "f:", options)) >= 0)
                switch (c) {
                case ARG_SINCE:
                case ARG_UNTIL:
                        if (parse_timestamp(optarg, now, c == ARG_SINCE ? &a.since : &a.until) < 0) {
                                log_error("option --%s: '%s' is not a time; see 'berth events --help'",
                                          c == ARG_SINCE ? "since" : "until", SHOWN(optarg));
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case 'f': {
                        _cleanup_free_ char *why = NULL;

                        if (event_filter_add(&a.filter, optarg, &why) < 0)
                                return refuse("option --filter: ", why);
                        break;
                }
                case ARG_FORMAT:
                        format = optarg;
                        break;
                case ARG_HELP:
                        verb_help("events", events_options);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("events takes no arguments; see 'berth events --help'");
                return EXIT_BERTH_FAILED;
        }
        {
                _cleanup_free_ char *why = NULL;

                if (event_format_parse(format, &a.format, &why) < 0)
                        return refuse("", why);
        }
        /* docker's: without --since only what comes; with --until alone, what there is up to it. */
        if (a.since == UINT64_MAX)
                a.since = a.until == UINT64_MAX ? now : 0;
        if (a.until != UINT64_MAX && a.since > a.until) {
                log_error("--since is after --until");
                return EXIT_BERTH_FAILED;
        }
        return show(&a) < 0 ? EXIT_BERTH_FAILED : 0;
}
