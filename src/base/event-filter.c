/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "event-filter.h"
#include "name.h"
#include "string-util.h"
#include "strv.h"

#define HEALTH_ALL ((1U << _HEALTH_STATUS_MAX) - 1)

/* "health_status", "health_status: healthy", "health_status:healthy", or an event's name. */
static int add_event(EventFilter *f, const char *value, char **ret_why) {
        const char *p = startswith(value, "health_status:");
        ContainerEvent e;

        if (p) {
                HealthStatus h = health_status_from_string(p + (*p == ' '));

                if (h < 0)
                        return reason(ret_why, -EINVAL,
                                      "unknown health status in filter 'event=%s' (starting, healthy, unhealthy)",
                                      SHOWN(value));
                f->events[EVENT_HEALTH_STATUS] = f->any_event = true;
                f->health |= 1U << h;
                return 0;
        }
        e = event_from_string(value);
        if (e < 0)
                return reason(ret_why, -EINVAL,
                              "unknown event '%s' (start, die, oom, health_status, health_check, pause, unpause, "
                              "stop, kill, rename)",
                              SHOWN(value));
        f->events[e] = f->any_event = true;
        if (e == EVENT_HEALTH_STATUS)
                f->health = HEALTH_ALL;
        return 0;
}

int event_filter_add(EventFilter *f, const char *spec, char **ret_why) {
        const char *eq = strchr(spec, '='), *value;
        _cleanup_free_ char *key = NULL;

        if (!eq || eq == spec)
                return reason(ret_why, -EINVAL, "filter '%s' is not KEY=VALUE", SHOWN(spec));
        key = strndup(spec, (size_t) (eq - spec));
        if (!key)
                return -ENOMEM;
        value = eq + 1;

        if (streq(key, "event"))
                return add_event(f, value, ret_why);
        if (streq(key, "container")) {
                if (!name_is_valid(value))
                        return reason(ret_why, -EINVAL,
                                      "invalid container name '%s' in filter: names must match " NAME_RULE,
                                      SHOWN(value));
                return strv_contains(f->containers, value) ? 0 : strv_extend(&f->containers, value);
        }
        if (streq(key, "type")) {
                f->any_type = true;
                if (streq(value, "container"))
                        f->type_container = true;
                return 0;
        }
        return reason(ret_why, -EINVAL, "unknown filter '%s' (container, event, type)", SHOWN(key));
}

bool event_filter_wants(const EventFilter *f, ContainerEvent e) {
        if (e < 0 || e >= _EVENT_MAX || (f->any_type && !f->type_container))
                return false;
        if (f->any_event)
                return f->events[e];
        return e != EVENT_HEALTH_CHECK;
}

bool event_filter_match(const EventFilter *f, const EventRecord *r) {
        if (!event_filter_wants(f, r->event))
                return false;
        if (r->event == EVENT_HEALTH_STATUS && f->any_event &&
            (r->health < 0 || !(f->health & (1U << r->health))))
                return false;
        return !f->containers || strv_contains(f->containers, r->fields[EVENT_FIELD_NAME]);
}

void event_filter_done(EventFilter *f) {
        strv_free(f->containers);
        *f = (EventFilter) EVENT_FILTER_NULL;
}
