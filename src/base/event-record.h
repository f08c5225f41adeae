/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* An event read back from the journal (event.h is how it was written): the fields of the entry
 * that `berth events` shows, checked. Whoever can write to journald can write any of them, and
 * a journal may be damaged, so an entry whose fields are missing or malformed is no event. */

typedef enum EventField {
        EVENT_FIELD_NAME, /* CONTAINER_NAME */
        EVENT_FIELD_EVENT, /* BERTH_EVENT */
        EVENT_FIELD_IMAGE,
        EVENT_FIELD_EXIT_CODE,
        EVENT_FIELD_OOM,
        EVENT_FIELD_OOM_PID,
        EVENT_FIELD_OOM_PROCESS,
        EVENT_FIELD_HEALTH_STATUS,
        EVENT_FIELD_HEALTH_EXIT,
        EVENT_FIELD_HEALTH_OUTPUT,
        EVENT_FIELD_HEALTH_START,
        EVENT_FIELD_HEALTH_END,
        EVENT_FIELD_HEALTH_STARTUP,
        EVENT_FIELD_SIGNAL,
        EVENT_FIELD_OLD_NAME,
        _EVENT_FIELD_MAX,
} EventField;

typedef enum HealthStatus {
        HEALTH_STARTING,
        HEALTH_HEALTHY,
        HEALTH_UNHEALTHY,
        _HEALTH_STATUS_MAX,
        _HEALTH_STATUS_INVALID = -22, /* -EINVAL */
} HealthStatus;

HealthStatus health_status_from_string(const char *s);

typedef struct EventRecord {
        uint64_t usec; /* when journald took it, CLOCK_REALTIME µs */
        ContainerEvent event; /* set by event_record_check() */
        HealthStatus health; /* of a health_status event, likewise */
        char *fields[_EVENT_FIELD_MAX]; /* NULL: not in the entry */
        bool malformed; /* a field held a NUL byte */
} EventRecord;

#define EVENT_RECORD_NULL { .event = _EVENT_INVALID, .health = _HEALTH_STATUS_INVALID }

/* Takes one "KEY=VALUE" item of a journal entry (sd_journal_enumerate_data()'s): keeps a copy of
 * the value of each field it knows, the first when a field comes twice, and passes over the
 * rest. 0, or -ENOMEM. */
int event_record_add(EventRecord *r, const void *data, size_t len);

/* After the last item: 0 and r->event (and r->health) set if the entry is an event as event.h
 * describes it: a valid container name, a known event, the fields that event needs (die: the
 * exit code, kill: the signal, health_status: the status, health_check: the exit), each
 * well-formed. -EBADMSG otherwise. */
int event_record_check(EventRecord *r);

/* Frees the fields; r is EVENT_RECORD_NULL again. */
void event_record_done(EventRecord *r);

/* The action as docker names it: the event's name, or "health_status: healthy" (…). */
const char *event_record_action(const EventRecord *r);

/* docker's attributes of the event, sorted by key as docker prints them: name and image, and the
 * event's own (die: exitCode, oomKilled; kill: signal; oom: pid, process; health_check: exitCode,
 * output, start, end, startup). Returns how many. */
typedef struct EventAttribute {
        const char *key;
        const char *value;
} EventAttribute;
#define EVENT_ATTRIBUTES_MAX 8
size_t event_record_attributes(const EventRecord *r, EventAttribute ret[static EVENT_ATTRIBUTES_MAX]);

/* The value of attribute key, or NULL. */
const char *event_record_attribute(const EventRecord *r, const char *key);
