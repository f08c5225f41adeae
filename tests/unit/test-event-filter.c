/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's --filter for events: keys, several values of one key, health_check only by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event-filter.h"
#include "tap.h"

static EventRecord make(const char *name, const char *event, const char *status) {
        EventRecord r = EVENT_RECORD_NULL;
        char buf[128];

        snprintf(buf, sizeof(buf), "CONTAINER_NAME=%s", name);
        (void) event_record_add(&r, buf, strlen(buf));
        snprintf(buf, sizeof(buf), "BERTH_EVENT=%s", event);
        (void) event_record_add(&r, buf, strlen(buf));
        (void) event_record_add(&r, "BERTH_EXIT_CODE=0", 17);
        (void) event_record_add(&r, "BERTH_SIGNAL=SIGTERM", 20);
        (void) event_record_add(&r, "BERTH_HEALTH_EXIT=0", 19);
        if (status) {
                snprintf(buf, sizeof(buf), "BERTH_HEALTH_STATUS=%s", status);
                (void) event_record_add(&r, buf, strlen(buf));
        }
        if (event_record_check(&r) < 0)
                abort();
        return r;
}

/* Whether the filter made of specs (NULL-terminated) matches NAME's EVENT. */
static bool matches(const char *const *specs, const char *name, const char *event, const char *status) {
        EventFilter f = EVENT_FILTER_NULL;
        EventRecord r = make(name, event, status);
        bool m;

        for (size_t i = 0; specs[i]; i++)
                if (event_filter_add(&f, specs[i], NULL) < 0)
                        abort();
        m = event_filter_match(&f, &r);
        event_filter_done(&f);
        event_record_done(&r);
        return m;
}

#define MATCHES(name, event, status, ...) matches((const char *const[]) { __VA_ARGS__, NULL }, name, event, status)

static int refused(const char *spec, const char *want) {
        EventFilter f = EVENT_FILTER_NULL;
        char *why = NULL;
        int r = event_filter_add(&f, spec, &why);

        ok(r == -EINVAL && why && strcmp(why, want) == 0, "refused: %s", why ? why : "(no reason)");
        free(why);
        event_filter_done(&f);
        return r;
}

int main(void) {
        EventFilter f = EVENT_FILTER_NULL;

        /* No filter: every event but health_check. */
        for (int e = 0; e < _EVENT_MAX; e++)
                ok(event_filter_wants(&f, (ContainerEvent) e) == (e != EVENT_HEALTH_CHECK), "no filter wants %s: %s",
                   event_to_string((ContainerEvent) e), e != EVENT_HEALTH_CHECK ? "yes" : "no");
        ok(!event_filter_wants(&f, _EVENT_INVALID), "nor an invalid one");
        ok(MATCHES("web", "start", NULL, "type=container"), "type=container: all containers' events");
        ok(!MATCHES("web", "health_check", NULL, "type=container"), "  … but health_check");

        /* container=: any of them. */
        ok(MATCHES("web", "start", NULL, "container=web"), "container=web matches web");
        ok(!MATCHES("db", "start", NULL, "container=web"), "  … not db");
        ok(MATCHES("db", "stop", NULL, "container=web", "container=db"), "container=web container=db: db too");
        ok(MATCHES("web", "stop", NULL, "container=web", "container=web"), "  … a name twice is once");

        /* event=: any of them, and with container= both. */
        ok(MATCHES("web", "die", NULL, "event=die", "event=stop"), "event=die event=stop: die");
        ok(MATCHES("web", "stop", NULL, "event=die", "event=stop"), "  … stop");
        ok(!MATCHES("web", "start", NULL, "event=die", "event=stop"), "  … not start");
        ok(!MATCHES("db", "die", NULL, "event=die", "container=web"), "event=die container=web: not db's die");
        ok(MATCHES("web", "die", NULL, "container=web", "event=die"), "  … web's");

        /* health_check only by name; health_status by name or with its status. */
        ok(MATCHES("web", "health_check", NULL, "event=health_check"), "event=health_check: health_check");
        ok(!MATCHES("web", "health_status", "healthy", "event=health_check"), "  … not health_status");
        ok(MATCHES("web", "health_status", "healthy", "event=health_status"), "event=health_status: healthy");
        ok(MATCHES("web", "health_status", "unhealthy", "event=health_status"), "  … and unhealthy");
        ok(!MATCHES("web", "health_check", NULL, "event=health_status"), "  … not health_check");
        ok(MATCHES("web", "health_status", "healthy", "event=health_status: healthy"), "event=health_status: healthy: healthy");
        ok(!MATCHES("web", "health_status", "unhealthy", "event=health_status: healthy"), "  … not unhealthy");
        ok(MATCHES("web", "health_status", "unhealthy", "event=health_status:healthy", "event=health_status: unhealthy"),
           "two statuses: either");
        ok(MATCHES("web", "health_status", "starting", "event=health_status: healthy", "event=health_status"),
           "a status and the whole event: all");

        /* type=: container, or nothing matches. */
        ok(!MATCHES("web", "start", NULL, "type=image"), "type=image: nothing");
        ok(!MATCHES("web", "start", NULL, "type=bogus"), "type=bogus: nothing");
        ok(MATCHES("web", "start", NULL, "type=image", "type=container"), "type=image type=container: containers'");
        ok_eq_int(event_filter_add(&f, "type=network", NULL), 0);
        for (int e = 0; e < _EVENT_MAX; e++)
                ok(!event_filter_wants(&f, (ContainerEvent) e), "type=network wants no %s", event_to_string((ContainerEvent) e));
        event_filter_done(&f);
        ok(f.containers == NULL && !f.any_type, "done: empty again");

        /* What is refused, in one line each. */
        refused("image=alpine", "unknown filter 'image' (container, event, type)");
        refused("label=a=b", "unknown filter 'label' (container, event, type)");
        refused("event=create",
                "unknown event 'create' (start, die, oom, health_status, health_check, pause, unpause, stop, kill, rename)");
        refused("event=", "unknown event '' (start, die, oom, health_status, health_check, pause, unpause, stop, kill, rename)");
        refused("event=health_status: sick",
                "unknown health status in filter 'event=health_status: sick' (starting, healthy, unhealthy)");
        refused("container=a/b", "invalid container name 'a/b' in filter: names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
        refused("container", "filter 'container' is not KEY=VALUE");
        refused("=web", "filter '=web' is not KEY=VALUE");
        refused("event=a\nb", "unknown event 'a\\nb' (start, die, oom, health_status, health_check, pause, unpause, stop, kill, rename)");
        ok_eq_int(event_filter_add(&f, "event=nope", NULL), -EINVAL);
        event_filter_done(&f);
        return tap_finish();
}
