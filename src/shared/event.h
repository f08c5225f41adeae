/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "journal-send.h"

/* A container's events, as docker names them, kept in the journal and nowhere else: `berth
 * events` reads them back, so nothing runs to collect them. libc only (the supervisor sends
 * them too).
 *
 * Each event is one entry with
 *   MESSAGE=             one line for humans ("container web started")
 *   PRIORITY=            the caller's
 *   SYSLOG_IDENTIFIER=berth
 *   CONTAINER_NAME=NAME  as every line of the container's (`journalctl CONTAINER_NAME=web`)
 *   OBJECT_SYSTEMD_UNIT= container@NAME.service, when the container runs as one
 *   BERTH_EVENT=         the event's name (event_to_string())
 * and the event's own fields, which the caller passes:
 *   start          BERTH_IMAGE=
 *   die            BERTH_IMAGE=, BERTH_EXIT_CODE= (as a shell reports it: 128 + signal),
 *                  BERTH_OOM=1 when the kernel killed a process of the container for memory
 *   oom            BERTH_OOM_PID=, BERTH_OOM_PROCESS= when the kernel said which
 *   health_status  BERTH_HEALTH_STATUS=healthy|unhealthy|starting
 *   health_check   BERTH_HEALTH_EXIT= (-1: timed out), BERTH_HEALTH_OUTPUT=, BERTH_HEALTH_START=,
 *                  BERTH_HEALTH_END= (CLOCK_REALTIME µs), BERTH_HEALTH_STARTUP=1 for the startup
 *                  check; one per check run, shown by `berth events` only when asked for
 *   pause, unpause, stop
 *   kill           BERTH_SIGNAL=SIGKILL (its number when the signal has no name)
 *   rename         BERTH_OLD_NAME=/OLD (docker's oldName, with its '/'), under the new name
 * and BERTH_IMAGE= on every other event too when the sender knows it (the CLI's verbs read it
 * from the definition): docker names the image in each. The CLI writes pause, unpause, kill and
 * stop (kill before the signal goes, stop after the container stopped, so that the die comes
 * between, as in docker's order). `berth logs` shows the payload's lines and berth's messages,
 * not these; `berth events` takes only root's (_UID=0: anyone may write these fields). */

typedef enum ContainerEvent {
        EVENT_START,
        EVENT_DIE,
        EVENT_OOM,
        EVENT_HEALTH_STATUS,
        EVENT_HEALTH_CHECK,
        EVENT_PAUSE,
        EVENT_UNPAUSE,
        EVENT_STOP,
        EVENT_KILL,
        EVENT_RENAME,
        _EVENT_MAX,
        _EVENT_INVALID = -22, /* -EINVAL */
} ContainerEvent;

#define EVENT_FIELDS_MAX 8

const char *event_to_string(ContainerEvent e);
ContainerEvent event_from_string(const char *s);

/* Sends the event to socket_path (NULL: journald's), waiting at most timeout_msec for room in
 * its queue (journal-send.h). unit may be NULL (a foreground run), message must not be. At most
 * EVENT_FIELDS_MAX extra fields. Returns 0 or a negative errno; an event that journald does not
 * take is lost, never waited for longer. */
int event_send(const char *socket_path, const char *name, const char *unit, ContainerEvent e, int priority,
               const char *message, const JournalField *extra, size_t n_extra, unsigned timeout_msec);
