/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "event.h"
#include "history.h"
#include "string-util.h"

int history_open(sd_journal **ret) {
        return sd_journal_open(ret, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
}

/* The value of field in the current entry, NUL-terminated, in buf (cut to size); -ENOENT. */
static int field(sd_journal *j, const char *name, char *buf, size_t size) {
        const void *data;
        size_t len, k = strlen(name);
        int r;

        r = sd_journal_get_data(j, name, &data, &len);
        if (r < 0)
                return r;
        if (len <= k || memcmp(data, name, k) != 0 || ((const char *) data)[k] != '=')
                return -EBADMSG;
        len -= k + 1;
        if (len >= size)
                len = size - 1;
        memcpy(buf, (const char *) data + k + 1, len);
        buf[len] = 0;
        return 0;
}

/* Matches CONTAINER_NAME=name and any of the events; positioned after the last entry. */
static int match_events(sd_journal *j, const char *name, const ContainerEvent *events, size_t n) {
        _cleanup_free_ char *m = NULL;
        int r;

        sd_journal_flush_matches(j);
        if (asprintf(&m, "CONTAINER_NAME=%s", name) < 0)
                return -ENOMEM;
        r = sd_journal_add_match(j, m, 0);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                char e[64];

                snprintf(e, sizeof(e), "BERTH_EVENT=%s", event_to_string(events[i]));
                r = sd_journal_add_match(j, e, 0);
        }
        if (r >= 0)
                r = sd_journal_seek_tail(j);
        return r;
}

static int entry_event(sd_journal *j, ContainerEvent *ret) {
        char e[32];
        int r;

        r = field(j, "BERTH_EVENT", e, sizeof(e));
        if (r < 0)
                return r;
        *ret = event_from_string(e);
        return *ret < 0 ? -EBADMSG : 0;
}

int history_last_exit(sd_journal *j, const char *name, RunExit *ret) {
        RunExit x = {};
        ContainerEvent e;
        char v[16];
        int r;

        r = match_events(j, name, (ContainerEvent[]) { EVENT_START, EVENT_DIE }, 2);
        if (r < 0)
                return r;
        r = sd_journal_previous(j);
        if (r < 0)
                return r;
        if (r > 0 && entry_event(j, &e) >= 0 && e == EVENT_DIE && field(j, "BERTH_EXIT_CODE", v, sizeof(v)) >= 0 &&
            safe_atoi(v, &x.code) >= 0) {
                x.known = true;
                x.oom = field(j, "BERTH_OOM", v, sizeof(v)) >= 0 && streq(v, "1");
                (void) sd_journal_get_realtime_usec(j, &x.at);
        }
        *ret = x;
        return 0;
}

int history_oom_since(sd_journal *j, const char *name, uint64_t since, bool *ret) {
        uint64_t t = 0;
        int r;

        *ret = false;
        r = match_events(j, name, (ContainerEvent[]) { EVENT_OOM }, 1);
        if (r < 0)
                return r;
        r = sd_journal_previous(j);
        if (r > 0 && sd_journal_get_realtime_usec(j, &t) >= 0 && t >= since)
                *ret = true;
        return r < 0 ? r : 0;
}

void health_results_done(HealthResult *r, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(r[i].output);
                r[i].output = NULL;
        }
}

static int read_result(sd_journal *j, HealthResult *ret) {
        const void *data;
        size_t len;
        char v[32];
        HealthResult x = {};

        if (field(j, "BERTH_HEALTH_EXIT", v, sizeof(v)) < 0 || safe_atoi(v, &x.exit_code) < 0)
                return -EBADMSG;
        if (field(j, "BERTH_HEALTH_START", v, sizeof(v)) < 0 || safe_atou64(v, &x.start) < 0)
                return -EBADMSG;
        if (field(j, "BERTH_HEALTH_END", v, sizeof(v)) < 0 || safe_atou64(v, &x.end) < 0)
                return -EBADMSG;
        x.startup = field(j, "BERTH_HEALTH_STARTUP", v, sizeof(v)) >= 0 && streq(v, "1");
        if (sd_journal_get_data(j, "BERTH_HEALTH_OUTPUT", &data, &len) >= 0 && len >= 20)
                x.output = strndup((const char *) data + 20, len - 20);
        else
                x.output = strdup("");
        if (!x.output)
                return -ENOMEM;
        *ret = x;
        return 0;
}

int history_health(sd_journal *j, const char *name, const char **ret_status, HealthResult *ret_results,
                   size_t *ret_n) {
        const char *status = NULL;
        ContainerEvent e;
        size_t n = 0;
        int r;

        /* The run's last health_status, if it came after its start: two lookups from the end, each
         * stopping at the start, so that a container healthy for months is as quick as a new one. */
        r = match_events(j, name, (ContainerEvent[]) { EVENT_START, EVENT_HEALTH_STATUS }, 2);
        if (r < 0)
                return r;
        r = sd_journal_previous(j);
        if (r < 0)
                return r;
        if (r > 0 && entry_event(j, &e) >= 0 && e == EVENT_HEALTH_STATUS) {
                char v[16];

                if (field(j, "BERTH_HEALTH_STATUS", v, sizeof(v)) >= 0)
                        status = streq(v, "healthy")     ? "healthy"
                                 : streq(v, "unhealthy") ? "unhealthy"
                                 : streq(v, "starting")  ? "starting"
                                                         : NULL;
        }

        if (ret_results) {
                r = match_events(j, name, (ContainerEvent[]) { EVENT_START, EVENT_HEALTH_CHECK }, 2);
                while (r >= 0 && n < HISTORY_HEALTH_RESULTS) {
                        HealthResult x;

                        r = sd_journal_previous(j);
                        if (r <= 0 || entry_event(j, &e) < 0 || e != EVENT_HEALTH_CHECK)
                                break;
                        r = read_result(j, &x);
                        if (r == -ENOMEM)
                                break;
                        if (r >= 0)
                                ret_results[n++] = x;
                        r = 0;
                }
                if (r < 0) {
                        health_results_done(ret_results, n);
                        return r;
                }
                /* Newest first as read: oldest first for the reader. */
                for (size_t i = 0; i < n / 2; i++) {
                        HealthResult t = ret_results[i];

                        ret_results[i] = ret_results[n - 1 - i];
                        ret_results[n - 1 - i] = t;
                }
        }
        *ret_status = status;
        if (ret_n)
                *ret_n = n;
        return 0;
}

int history_last_start(sd_journal *j, const char *name, uint64_t *ret) {
        uint64_t t = 0;
        int r;

        *ret = 0;
        r = match_events(j, name, (ContainerEvent[]) { EVENT_START }, 1);
        if (r < 0)
                return r;
        r = sd_journal_previous(j);
        if (r > 0 && sd_journal_get_realtime_usec(j, &t) >= 0)
                *ret = t;
        return r < 0 ? r : 0;
}
