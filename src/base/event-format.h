/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "cleanup.h"
#include "event-record.h"

/* How `berth events` prints an event, in docker's forms:
 *   text (the default)  2026-12-04T10:00:00.123456000+00:00 container die web (exitCode=137, image=alpine, name=web)
 *   json                {"status":"die","id":"web","from":"alpine","Type":"container","Action":"die",
 *                        "Actor":{"ID":"web","Attributes":{…}},"scope":"local","time":…,"timeNano":…}
 *   a template          docker's Go templates, the part of them that events use: text and {{.Type}},
 *                       {{.Action}}, {{.Status}}, {{.ID}}, {{.From}}, {{.Scope}}, {{.Time}},
 *                       {{.TimeNano}}, {{.Actor.ID}}, {{.Actor.Attributes.KEY}}, {{json .}}
 * One line per event; the text forms write control characters of a value escaped ("\n"), so that
 * a line is always one event. A container's ID is its name: berth has no other. */

typedef struct EventFormat EventFormat;

/* "" or NULL: text; "json"; or a template. -EINVAL with a reason (when ret_why is not NULL) for
 * what it cannot print; -ENOMEM. */
int event_format_parse(const char *s, EventFormat **ret, char **ret_why);
EventFormat *event_format_free(EventFormat *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(EventFormat *, event_format_free);

/* Writes the checked record r as one line to out. 0, or -EIO when writing failed. */
int event_format_print(const EventFormat *f, FILE *out, const EventRecord *r);

/* The time as docker prints it, in local time with its offset. buf: at least EVENT_TIME_MAX. */
#define EVENT_TIME_MAX 48
char *event_format_time(uint64_t usec, char *buf);
