/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "event.h"
#include "macro.h"

static const char *const event_table[_EVENT_MAX] = {
        [EVENT_START] = "start",
        [EVENT_DIE] = "die",
        [EVENT_OOM] = "oom",
        [EVENT_HEALTH_STATUS] = "health_status",
        [EVENT_HEALTH_CHECK] = "health_check",
        [EVENT_PAUSE] = "pause",
        [EVENT_UNPAUSE] = "unpause",
        [EVENT_STOP] = "stop",
        [EVENT_KILL] = "kill",
        [EVENT_RENAME] = "rename",
};

const char *event_to_string(ContainerEvent e) {
        return e >= 0 && e < _EVENT_MAX ? event_table[e] : NULL;
}

ContainerEvent event_from_string(const char *s) {
        if (!s)
                return _EVENT_INVALID;
        for (int i = 0; i < _EVENT_MAX; i++)
                if (strcmp(event_table[i], s) == 0)
                        return (ContainerEvent) i;
        return _EVENT_INVALID;
}

int event_send(const char *socket_path, const char *name, const char *unit, ContainerEvent e, int priority,
               const char *message, const JournalField *extra, size_t n_extra, unsigned timeout_msec) {
        char prio[2] = { (char) ('0' + (priority & 7)), 0 };
        const char *what = event_to_string(e);
        JournalField f[6 + EVENT_FIELDS_MAX];
        size_t n = 0;

        if (!name || !message || !what || n_extra > EVENT_FIELDS_MAX)
                return -EINVAL;
        f[n++] = (JournalField) { "MESSAGE", message, strlen(message) };
        f[n++] = (JournalField) { "PRIORITY", prio, 1 };
        f[n++] = (JournalField) { "SYSLOG_IDENTIFIER", "berth", 5 };
        f[n++] = (JournalField) { "CONTAINER_NAME", name, strlen(name) };
        if (unit)
                f[n++] = (JournalField) { "OBJECT_SYSTEMD_UNIT", unit, strlen(unit) };
        f[n++] = (JournalField) { "BERTH_EVENT", what, strlen(what) };
        for (size_t i = 0; i < n_extra; i++)
                f[n++] = extra[i];
        return journal_sendv(socket_path, f, n, timeout_msec);
}
