/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event-record.h"
#include "macro.h"
#include "name.h"
#include "string-util.h"

static const char *const field_table[_EVENT_FIELD_MAX] = {
        [EVENT_FIELD_NAME] = "CONTAINER_NAME",
        [EVENT_FIELD_EVENT] = "BERTH_EVENT",
        [EVENT_FIELD_IMAGE] = "BERTH_IMAGE",
        [EVENT_FIELD_EXIT_CODE] = "BERTH_EXIT_CODE",
        [EVENT_FIELD_OOM] = "BERTH_OOM",
        [EVENT_FIELD_OOM_PID] = "BERTH_OOM_PID",
        [EVENT_FIELD_OOM_PROCESS] = "BERTH_OOM_PROCESS",
        [EVENT_FIELD_HEALTH_STATUS] = "BERTH_HEALTH_STATUS",
        [EVENT_FIELD_HEALTH_EXIT] = "BERTH_HEALTH_EXIT",
        [EVENT_FIELD_HEALTH_OUTPUT] = "BERTH_HEALTH_OUTPUT",
        [EVENT_FIELD_HEALTH_START] = "BERTH_HEALTH_START",
        [EVENT_FIELD_HEALTH_END] = "BERTH_HEALTH_END",
        [EVENT_FIELD_HEALTH_STARTUP] = "BERTH_HEALTH_STARTUP",
        [EVENT_FIELD_SIGNAL] = "BERTH_SIGNAL",
        [EVENT_FIELD_OLD_NAME] = "BERTH_OLD_NAME",
};

static const char *const health_table[_HEALTH_STATUS_MAX] = {
        [HEALTH_STARTING] = "starting",
        [HEALTH_HEALTHY] = "healthy",
        [HEALTH_UNHEALTHY] = "unhealthy",
};

/* docker's actions for health_status events, the status in them. */
static const char *const health_action_table[_HEALTH_STATUS_MAX] = {
        [HEALTH_STARTING] = "health_status: starting",
        [HEALTH_HEALTHY] = "health_status: healthy",
        [HEALTH_UNHEALTHY] = "health_status: unhealthy",
};

HealthStatus health_status_from_string(const char *s) {
        for (int i = 0; s && i < _HEALTH_STATUS_MAX; i++)
                if (streq(health_table[i], s))
                        return (HealthStatus) i;
        return _HEALTH_STATUS_INVALID;
}

int event_record_add(EventRecord *r, const void *data, size_t len) {
        const char *eq = memchr(data, '=', len);
        size_t klen, vlen;

        if (!eq)
                return 0;
        klen = (size_t) (eq - (const char *) data);
        vlen = len - klen - 1;
        for (int i = 0; i < _EVENT_FIELD_MAX; i++) {
                if (strlen(field_table[i]) != klen || memcmp(field_table[i], data, klen) != 0)
                        continue;
                if (r->fields[i])
                        return 0;
                if (memchr(eq + 1, 0, vlen))
                        r->malformed = true;
                r->fields[i] = strndup(eq + 1, vlen);
                return r->fields[i] ? 0 : -ENOMEM;
        }
        return 0;
}

static bool is_integer(const char *s, bool negative) {
        if (negative && *s == '-')
                s++;
        if (!*s || strlen(s) > 18)
                return false;
        for (; *s; s++)
                if (!isdigit((unsigned char) *s))
                        return false;
        return true;
}

/* "SIGTERM", "SIGRTMIN+3", or a number for a signal without a name. */
static bool is_signal(const char *s) {
        const char *p = startswith(s, "SIG");

        if (!p)
                return is_integer(s, /* negative= */ false);
        if (!*p || strlen(p) > 16)
                return false;
        for (; *p; p++)
                if (!isupper((unsigned char) *p) && !isdigit((unsigned char) *p) && *p != '+' && *p != '-')
                        return false;
        return true;
}

int event_record_check(EventRecord *r) {
        char **f = r->fields;
        ContainerEvent e;

        if (r->malformed || !name_is_valid(f[EVENT_FIELD_NAME]))
                return -EBADMSG;
        e = event_from_string(f[EVENT_FIELD_EVENT]);
        if (e < 0)
                return -EBADMSG;
        if (f[EVENT_FIELD_IMAGE] &&
            (isempty(f[EVENT_FIELD_IMAGE]) || string_has_control_chars(f[EVENT_FIELD_IMAGE])))
                return -EBADMSG;

        /* What each event needs, and the form of what it may carry. */
        if (e == EVENT_DIE && !f[EVENT_FIELD_EXIT_CODE])
                return -EBADMSG;
        if (f[EVENT_FIELD_EXIT_CODE] && !is_integer(f[EVENT_FIELD_EXIT_CODE], /* negative= */ true))
                return -EBADMSG;
        if (f[EVENT_FIELD_OOM] && parse_boolean(f[EVENT_FIELD_OOM]) < 0)
                return -EBADMSG;
        if (f[EVENT_FIELD_OOM_PID] && !is_integer(f[EVENT_FIELD_OOM_PID], /* negative= */ false))
                return -EBADMSG;
        if (e == EVENT_KILL && !f[EVENT_FIELD_SIGNAL])
                return -EBADMSG;
        if (f[EVENT_FIELD_SIGNAL] && !is_signal(f[EVENT_FIELD_SIGNAL]))
                return -EBADMSG;
        if (e == EVENT_RENAME && !f[EVENT_FIELD_OLD_NAME])
                return -EBADMSG;
        if (f[EVENT_FIELD_OLD_NAME] &&
            (f[EVENT_FIELD_OLD_NAME][0] != '/' || !name_is_valid(f[EVENT_FIELD_OLD_NAME] + 1)))
                return -EBADMSG;
        r->health = health_status_from_string(f[EVENT_FIELD_HEALTH_STATUS]);
        if (e == EVENT_HEALTH_STATUS && r->health < 0)
                return -EBADMSG;
        if (e == EVENT_HEALTH_CHECK && !f[EVENT_FIELD_HEALTH_EXIT])
                return -EBADMSG;
        if (f[EVENT_FIELD_HEALTH_EXIT] && !is_integer(f[EVENT_FIELD_HEALTH_EXIT], /* negative= */ true))
                return -EBADMSG;
        if (f[EVENT_FIELD_HEALTH_START] && !is_integer(f[EVENT_FIELD_HEALTH_START], /* negative= */ false))
                return -EBADMSG;
        if (f[EVENT_FIELD_HEALTH_END] && !is_integer(f[EVENT_FIELD_HEALTH_END], /* negative= */ false))
                return -EBADMSG;
        if (f[EVENT_FIELD_HEALTH_STARTUP] && parse_boolean(f[EVENT_FIELD_HEALTH_STARTUP]) < 0)
                return -EBADMSG;
        r->event = e;
        return 0;
}

void event_record_done(EventRecord *r) {
        for (int i = 0; i < _EVENT_FIELD_MAX; i++)
                free(r->fields[i]);
        *r = (EventRecord) EVENT_RECORD_NULL;
}

const char *event_record_action(const EventRecord *r) {
        if (r->event == EVENT_HEALTH_STATUS && r->health >= 0 && r->health < _HEALTH_STATUS_MAX)
                return health_action_table[r->health];
        return event_to_string(r->event);
}

static int attribute_compare(const void *a, const void *b) {
        return strcmp(((const EventAttribute *) a)->key, ((const EventAttribute *) b)->key);
}

size_t event_record_attributes(const EventRecord *r, EventAttribute ret[static EVENT_ATTRIBUTES_MAX]) {
        char *const *f = r->fields;
        size_t n = 0;

#define ADD(k, v)                                                                                         \
        do {                                                                                              \
                if ((v) && n < EVENT_ATTRIBUTES_MAX)                                                      \
                        ret[n++] = (EventAttribute) { (k), (v) };                                         \
        } while (0)

        ADD("name", f[EVENT_FIELD_NAME]);
        ADD("image", f[EVENT_FIELD_IMAGE]);
        switch (r->event) {
        case EVENT_DIE:
                ADD("exitCode", f[EVENT_FIELD_EXIT_CODE]);
                if (f[EVENT_FIELD_OOM] && parse_boolean(f[EVENT_FIELD_OOM]) > 0)
                        ADD("oomKilled", "true");
                break;
        case EVENT_KILL:
                ADD("signal", f[EVENT_FIELD_SIGNAL]);
                break;
        case EVENT_RENAME:
                ADD("oldName", f[EVENT_FIELD_OLD_NAME]);
                break;
        case EVENT_OOM:
                ADD("pid", f[EVENT_FIELD_OOM_PID]);
                ADD("process", f[EVENT_FIELD_OOM_PROCESS]);
                break;
        case EVENT_HEALTH_CHECK:
                ADD("exitCode", f[EVENT_FIELD_HEALTH_EXIT]);
                ADD("output", f[EVENT_FIELD_HEALTH_OUTPUT]);
                ADD("start", f[EVENT_FIELD_HEALTH_START]);
                ADD("end", f[EVENT_FIELD_HEALTH_END]);
                if (f[EVENT_FIELD_HEALTH_STARTUP] && parse_boolean(f[EVENT_FIELD_HEALTH_STARTUP]) > 0)
                        ADD("startup", "true");
                break;
        default:
                break;
        }
#undef ADD
        qsort(ret, n, sizeof(ret[0]), attribute_compare);
        return n;
}

const char *event_record_attribute(const EventRecord *r, const char *key) {
        EventAttribute a[EVENT_ATTRIBUTES_MAX];
        size_t n = event_record_attributes(r, a);

        for (size_t i = 0; i < n; i++)
                if (streq(a[i].key, key))
                        return a[i].value;
        return NULL;
}
