/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "event-record.h"

/* docker events' --filter KEY=VALUE, for the keys berth's events have:
 *   container=NAME   the container's (several: any of them)
 *   event=NAME       the event (several: any); "health_status" is every status of it, as docker
 *                    has it, "health_status: healthy" one of them
 *   type=container   the only type berth has; when type= names only others, nothing matches
 * Without event=, every event but health_check, which is one entry per check run and shown only
 * when asked for by name. */

typedef struct EventFilter {
        bool events[_EVENT_MAX]; /* asked for with event=; any_event: some was */
        bool any_event;
        unsigned health; /* the health statuses event= asked for, a bit each */
        char **containers; /* container=, NULL: all */
        bool any_type; /* type= was given … */
        bool type_container; /* … and named container */
} EventFilter;

#define EVENT_FILTER_NULL {}

/* Adds one "KEY=VALUE". -EINVAL with a reason for the user (when ret_why is not NULL) for an
 * unknown key, an unknown event, an invalid container name, or no '='; -ENOMEM. */
int event_filter_add(EventFilter *f, const char *spec, char **ret_why);

/* Whether entries of event e may match (what to ask the journal for). */
bool event_filter_wants(const EventFilter *f, ContainerEvent e);

/* Whether the checked record r matches. */
bool event_filter_match(const EventFilter *f, const EventRecord *r);

void event_filter_done(EventFilter *f);
