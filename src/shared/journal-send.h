/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* journald's native protocol with libc only: one datagram per entry to its socket.
 *
 * berth logs a container's lines this way, not through a stdout stream, because the fields an
 * entry carries itself (CONTAINER_NAME=, OBJECT_SYSTEMD_UNIT=) survive journald reading it after
 * the sender is gone. A stream's attribution does not: journald resolves the writer's unit from
 * /proc/PID only when it gets to the first line, and LogExtraFields= from the unit's state file,
 * which systemd removes once the unit is inactive. The last words of a container that fails at
 * once lost both. */

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

typedef struct JournalField {
        const char *key;   /* upper case, digits and '_', as journald wants */
        const void *value; /* may hold anything, newlines included */
        size_t size;
} JournalField;

/* Sends one entry to socket_path (JOURNAL_SOCKET when NULL) through a socket kept open for the
 * process. While journald's queue is full it waits up to timeout_msec (0: not at all), never
 * longer than a second: a stopped or stalled journald must never stall the sender (a
 * container's supervisor that blocked here could neither relay nor stop its container).
 * Returns 0 or a negative errno: -EAGAIN when the entry was not taken in time, -EINVAL for more
 * than 16 fields, -EMSGSIZE for an entry larger than the socket takes. */
int journal_sendv(const char *socket_path, const JournalField *fields, size_t n, unsigned timeout_msec);

#define JOURNAL_SEND_TIMEOUT_MSEC 1000U

/* One line of a container's: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=name, CONTAINER_NAME=name
 * and, when unit is set, OBJECT_SYSTEMD_UNIT=unit (which `journalctl -u` and `systemctl status`
 * match for root's messages, so they find the line even when journald could no longer tell
 * whose it was). */
int journal_send_line(const char *socket_path, const char *name, const char *unit, int priority,
                      const char *msg, size_t n);

/* The same, waiting at most timeout_msec for room in journald's queue. */
int journal_send_line_timeout(const char *socket_path, const char *name, const char *unit, int priority,
                              const char *msg, size_t n, unsigned timeout_msec);

/* The same with LogOpt= (definition-extra.h): with tag, SYSLOG_IDENTIFIER=tag, and docker's
 * CONTAINER_TAG=tag and CONTAINER_ID_FULL=name (berth's container ID is its name), the field
 * `berth logs` finds a tagged line by; then the extra fields, at most JOURNAL_LINE_EXTRA_MAX. */
#define JOURNAL_LINE_EXTRA_MAX 8
int journal_send_line_tagged(const char *socket_path, const char *name, const char *tag, const char *unit,
                             int priority, const char *msg, size_t n, const JournalField *extra, size_t n_extra,
                             unsigned timeout_msec);
