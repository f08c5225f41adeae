/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's forms of an event: the text line, the JSON object, the templates berth takes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event-format.h"
#include "tap.h"

/* 2024-12-04 10:00:00.123456 UTC */
#define WHEN UINT64_C(1733306400123456)

static EventRecord make(const char *const *items) {
        EventRecord r = EVENT_RECORD_NULL;

        for (size_t i = 0; items[i]; i++)
                (void) event_record_add(&r, items[i], strlen(items[i]));
        if (event_record_check(&r) < 0)
                abort();
        r.usec = WHEN;
        return r;
}
#define MAKE(...) make((const char *const[]) { __VA_ARGS__, NULL })

/* What format prints for r without the newline that ends it, "(no newline)" if there is none, or
 * "(error N: why)". */
static char *print(const char *format, const EventRecord *r) {
        static char out[4096];
        _cleanup_(event_format_freep) EventFormat *f = NULL;
        char *why = NULL, *buf = NULL;
        size_t size = 0;
        FILE *m;
        int k;

        k = event_format_parse(format, &f, &why);
        if (k < 0) {
                snprintf(out, sizeof(out), "(error %d: %s)", k, why ? why : "");
                free(why);
                return out;
        }
        m = open_memstream(&buf, &size);
        k = event_format_print(f, m, r);
        fclose(m);
        if (k < 0)
                snprintf(out, sizeof(out), "(print failed)");
        else if (size == 0 || buf[size - 1] != '\n' || memchr(buf, '\n', size - 1))
                snprintf(out, sizeof(out), "(no newline)");
        else
                snprintf(out, sizeof(out), "%.*s", (int) size - 1, buf);
        free(buf);
        return out;
}

int main(void) {
        EventRecord die = MAKE("CONTAINER_NAME=web", "BERTH_EVENT=die", "BERTH_IMAGE=alpine", "BERTH_EXIT_CODE=137"),
                    pause = MAKE("CONTAINER_NAME=web", "BERTH_EVENT=pause"),
                    kill = MAKE("CONTAINER_NAME=db", "BERTH_EVENT=kill", "BERTH_SIGNAL=SIGUSR1", "BERTH_IMAGE=pg"),
                    renamed = MAKE("CONTAINER_NAME=db2", "BERTH_EVENT=rename", "BERTH_OLD_NAME=/db", "BERTH_IMAGE=pg"),
                    health = MAKE("CONTAINER_NAME=web", "BERTH_EVENT=health_status", "BERTH_HEALTH_STATUS=healthy",
                                  "BERTH_IMAGE=alpine"),
                    check = MAKE("CONTAINER_NAME=web", "BERTH_EVENT=health_check", "BERTH_HEALTH_EXIT=1",
                                 "BERTH_HEALTH_OUTPUT=line 1\nline \"2\"\x1b"),
                    odd = MAKE("CONTAINER_NAME=web", "BERTH_EVENT=start", "BERTH_IMAGE=caf\xc3\xa9\xff");
        char when[EVENT_TIME_MAX];

        setenv("TZ", "UTC", 1);
        tzset();
        ok_streq(event_format_time(WHEN, when), "2024-12-04T10:00:00.123456000+00:00");
        ok_streq(event_format_time(0, when), "1970-01-01T00:00:00.000000000+00:00");

        /* The text line: time, type, action, ID, attributes sorted. */
        ok_streq(print(NULL, &die), "2024-12-04T10:00:00.123456000+00:00 container die web (exitCode=137, image=alpine, name=web)");
        ok_streq(print("", &pause), "2024-12-04T10:00:00.123456000+00:00 container pause web (name=web)");
        ok_streq(print(NULL, &kill), "2024-12-04T10:00:00.123456000+00:00 container kill db (image=pg, name=db, signal=SIGUSR1)");
        ok_streq(print(NULL, &renamed),
                 "2024-12-04T10:00:00.123456000+00:00 container rename db2 (image=pg, name=db2, oldName=/db)");
        ok_streq(print("{{.Action}} {{.Actor.Attributes.oldName}}", &renamed), "rename /db");
        ok_streq(print(NULL, &health),
                 "2024-12-04T10:00:00.123456000+00:00 container health_status: healthy web (image=alpine, name=web)");
        ok_streq(print(NULL, &check),
                 "2024-12-04T10:00:00.123456000+00:00 container health_check web (exitCode=1, name=web, "
                 "output=line 1\\nline \"2\"\\x1b)");

        /* JSON: docker's fields in docker's order; "from" only with an image. */
        ok_streq(print("json", &die),
                 "{\"status\":\"die\",\"id\":\"web\",\"from\":\"alpine\",\"Type\":\"container\",\"Action\":\"die\","
                 "\"Actor\":{\"ID\":\"web\",\"Attributes\":{\"exitCode\":\"137\",\"image\":\"alpine\",\"name\":\"web\"}},"
                 "\"scope\":\"local\",\"time\":1733306400,\"timeNano\":1733306400123456000}");
        ok_streq(print("json", &pause),
                 "{\"status\":\"pause\",\"id\":\"web\",\"Type\":\"container\",\"Action\":\"pause\","
                 "\"Actor\":{\"ID\":\"web\",\"Attributes\":{\"name\":\"web\"}},"
                 "\"scope\":\"local\",\"time\":1733306400,\"timeNano\":1733306400123456000}");
        ok_streq(print("{{json .}}", &die), print("json", &die));
        ok_streq(print("{{ json . }}", &health), print("json", &health));
        ok(strstr(print("json", &check), "\"output\":\"line 1\\nline \\\"2\\\"\\u001b\"") != NULL, "JSON escapes an output");
        ok(strstr(print("json", &odd), "\"image\":\"caf\xc3\xa9\\ufffd\"") != NULL, "  … and what is not UTF-8");

        /* Templates. */
        ok_streq(print("{{.Actor.Attributes.name}} {{.Action}}", &die), "web die");
        ok_streq(print("{{.Type}}|{{.Status}}|{{.ID}}|{{.From}}|{{.Scope}}|{{.Time}}|{{.TimeNano}}|{{.Actor.ID}}", &die),
                 "container|die|web|alpine|local|1733306400|1733306400123456000|web");
        ok_streq(print("{{.Action}}\\t{{.Actor.Attributes.exitCode}}", &health), "health_status: healthy\t<no value>");
        ok_streq(print("from=[{{.From}}]", &pause), "from=[]");
        ok_streq(print("{{.Actor.Attributes.output}}", &check), "line 1\\nline \"2\"\\x1b");
        ok_streq(print("event: {{json .}}!", &pause),
                 "event: {\"status\":\"pause\",\"id\":\"web\",\"Type\":\"container\",\"Action\":\"pause\","
                 "\"Actor\":{\"ID\":\"web\",\"Attributes\":{\"name\":\"web\"}},"
                 "\"scope\":\"local\",\"time\":1733306400,\"timeNano\":1733306400123456000}!");
        ok_streq(print("plain", &pause), "plain");
        ok_streq(print("{{.Foo}}", &pause),
                 "(error -22: --format: '{{.Foo}}' is not supported; use json, or a template of text and {{.Type}}, "
                 "{{.Action}}, {{.Status}}, {{.ID}}, {{.From}}, {{.Scope}}, {{.Time}}, {{.TimeNano}}, {{.Actor.ID}}, "
                 "{{.Actor.Attributes.KEY}}, {{json .}})");
        ok(strncmp(print("{{range .}}x{{end}}", &pause), "(error -22: --format: '{{range .}}' is not", 40) == 0,
           "a Go template's range is refused");
        ok(strncmp(print("{{.Actor.Attributes.a-b}}", &pause), "(error -22:", 11) == 0, "an odd attribute key is refused");
        ok(strncmp(print("{{.Actor.Attributes.}}", &pause), "(error -22:", 11) == 0, "  … and none");
        ok_streq(print("{{.Action", &pause), "(error -22: --format: '{{' without '}}')");
        ok_streq(print("a\nb", &pause), "(error -22: --format: a template of one line is wanted)");

        /* Local time with its offset. */
        setenv("TZ", "IST-5:30", 1);
        tzset();
        ok_streq(event_format_time(WHEN, when), "2024-12-04T15:30:00.123456000+05:30");
        setenv("TZ", "EST5", 1);
        tzset();
        ok_streq(event_format_time(WHEN, when), "2024-12-04T05:00:00.123456000-05:00");

        event_record_done(&die);
        event_record_done(&pause);
        event_record_done(&kill);
        event_record_done(&renamed);
        event_record_done(&health);
        event_record_done(&check);
        event_record_done(&odd);
        return tap_finish();
}
