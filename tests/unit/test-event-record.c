/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Events read back from journal items: what is kept, what makes an entry no event, docker's
 * actions and attributes. */
#include <errno.h>
#include <string.h>

#include "event-record.h"
#include "tap.h"

/* The record of items (NULL-terminated "KEY=VALUE"s), checked: 0 or event_record_check()'s. */
static int record(EventRecord *r, const char *const *items) {
        *r = (EventRecord) EVENT_RECORD_NULL;
        for (size_t i = 0; items[i]; i++)
                if (event_record_add(r, items[i], strlen(items[i])) < 0)
                        return -ENOMEM;
        return event_record_check(r);
}

#define CHECK(...) ({ EventRecord _r_; int _k_ = record(&_r_, (const char *const[]) { __VA_ARGS__, NULL }); event_record_done(&_r_); _k_; })

static char *attributes(const EventRecord *r) {
        static char buf[512];
        EventAttribute a[EVENT_ATTRIBUTES_MAX];
        size_t n = event_record_attributes(r, a);

        buf[0] = 0;
        for (size_t i = 0; i < n; i++)
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s=%s", i ? "," : "", a[i].key, a[i].value);
        return buf;
}

int main(void) {
        EventRecord r;

        /* A die with everything the contract gives it, among fields of the journal's own. */
        ok_eq_int(record(&r, (const char *const[]) { "MESSAGE=container web exited (137)", "_PID=42", "CONTAINER_NAME=web",
                                                     "BERTH_EVENT=die", "BERTH_IMAGE=alpine", "BERTH_EXIT_CODE=137",
                                                     "BERTH_OOM=1", "NOEQUALS", NULL }),
                  0);
        ok_eq_int(r.event, EVENT_DIE);
        ok_streq(event_record_action(&r), "die");
        ok_streq(attributes(&r), "exitCode=137,image=alpine,name=web,oomKilled=true");
        ok_streq(event_record_attribute(&r, "exitCode"), "137");
        ok(event_record_attribute(&r, "signal") == NULL, "no signal attribute for a die");
        event_record_done(&r);
        ok(r.fields[EVENT_FIELD_NAME] == NULL && r.event == _EVENT_INVALID, "done: empty again");

        /* The first of a field that comes twice. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=a", "CONTAINER_NAME=b", "BERTH_EVENT=stop", NULL }), 0);
        ok_streq(attributes(&r), "name=a");
        event_record_done(&r);

        /* rename: the old name, with docker's '/'. */
        ok_eq_int(CHECK("CONTAINER_NAME=new", "BERTH_EVENT=rename", "BERTH_OLD_NAME=/old"), 0);
        ok_eq_int(CHECK("CONTAINER_NAME=new", "BERTH_EVENT=rename"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=new", "BERTH_EVENT=rename", "BERTH_OLD_NAME=old"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=new", "BERTH_EVENT=rename", "BERTH_OLD_NAME=/a/b"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=new", "BERTH_EVENT=rename", "BERTH_OLD_NAME=/"), -EBADMSG);

        /* kill: the signal, named or a number. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=web", "BERTH_EVENT=kill", "BERTH_SIGNAL=SIGUSR1", NULL }), 0);
        ok_streq(attributes(&r), "name=web,signal=SIGUSR1");
        event_record_done(&r);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=kill", "BERTH_SIGNAL=SIGRTMIN+3"), 0);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=kill", "BERTH_SIGNAL=40"), 0);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=kill"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=kill", "BERTH_SIGNAL=SIGterm"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=kill", "BERTH_SIGNAL=SIG"), -EBADMSG);

        /* health_status: docker's action carries the status. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=web", "BERTH_EVENT=health_status",
                                                     "BERTH_HEALTH_STATUS=unhealthy", "BERTH_IMAGE=alpine", NULL }),
                  0);
        ok_streq(event_record_action(&r), "health_status: unhealthy");
        ok_eq_int(r.health, HEALTH_UNHEALTHY);
        ok_streq(attributes(&r), "image=alpine,name=web");
        event_record_done(&r);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=health_status"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=health_status", "BERTH_HEALTH_STATUS=sick"), -EBADMSG);

        /* health_check: the run's exit, output and times. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=web", "BERTH_EVENT=health_check", "BERTH_HEALTH_EXIT=-1",
                                                     "BERTH_HEALTH_OUTPUT=timed out", "BERTH_HEALTH_START=1700000000000000",
                                                     "BERTH_HEALTH_END=1700000001000000", "BERTH_HEALTH_STARTUP=1",
                                                     "BERTH_IMAGE=alpine", NULL }),
                  0);
        ok_streq(attributes(&r), "end=1700000001000000,exitCode=-1,image=alpine,name=web,output=timed out,"
                                 "start=1700000000000000,startup=true");
        event_record_done(&r);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=health_check"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=health_check", "BERTH_HEALTH_EXIT=1", "BERTH_HEALTH_START=soon"),
                  -EBADMSG);

        /* oom: which process, when the kernel said. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=web", "BERTH_EVENT=oom", "BERTH_OOM_PID=1234",
                                                     "BERTH_OOM_PROCESS=stress", NULL }),
                  0);
        ok_streq(attributes(&r), "name=web,pid=1234,process=stress");
        event_record_done(&r);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=oom", "BERTH_OOM_PID=12a"), -EBADMSG);

        /* Fields that belong to another event are not shown. */
        ok_eq_int(record(&r, (const char *const[]) { "CONTAINER_NAME=web", "BERTH_EVENT=start", "BERTH_IMAGE=alpine",
                                                     "BERTH_SIGNAL=SIGKILL", NULL }),
                  0);
        ok_streq(attributes(&r), "image=alpine,name=web");
        event_record_done(&r);

        /* Missing or malformed: no event. */
        ok_eq_int(CHECK("BERTH_EVENT=start"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=create"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT="), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=../etc", "BERTH_EVENT=start"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=", "BERTH_EVENT=start"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=die"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=die", "BERTH_EXIT_CODE=x"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=die", "BERTH_EXIT_CODE="), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=die", "BERTH_EXIT_CODE=1", "BERTH_OOM=maybe"), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=start", "BERTH_IMAGE="), -EBADMSG);
        ok_eq_int(CHECK("CONTAINER_NAME=web", "BERTH_EVENT=start", "BERTH_IMAGE=a\nb"), -EBADMSG);
        {
                /* A NUL byte inside a value: journal data may hold one. */
                static const char item[] = "CONTAINER_NAME=we\0b";

                r = (EventRecord) EVENT_RECORD_NULL;
                ok_eq_int(event_record_add(&r, item, sizeof(item) - 1), 0);
                ok_eq_int(event_record_add(&r, "BERTH_EVENT=start", 17), 0);
                ok_eq_int(event_record_check(&r), -EBADMSG);
                event_record_done(&r);
        }

        ok_eq_int(health_status_from_string("healthy"), HEALTH_HEALTHY);
        ok_eq_int(health_status_from_string("Healthy"), _HEALTH_STATUS_INVALID);
        ok_eq_int(health_status_from_string(NULL), _HEALTH_STATUS_INVALID);
        return tap_finish();
}
