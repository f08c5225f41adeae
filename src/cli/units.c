/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <poll.h>
#include <sys/syscall.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "config.h"
#include "containers.h"
#include "definition-values.h"
#include "event.h"
#include "fd-util.h"
#include "freezer.h"
#include "image.h"
#include "log.h"
#include "name.h"
#include "network.h"
#include "path-util.h"
#include "paths.h"
#include "ready.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "teardown.h"
#include "time-util.h"
#include "units.h"

/* The last error logged for the container since `since` (CLOCK_REALTIME µs), if journald has it
 * yet: a start that failed before READY=1 ends with the helper's one line. By CONTAINER_NAME=,
 * which the entry carries itself: _SYSTEMD_UNIT= it lacks when journald got to it after the
 * helper exited. */
static char *last_error_since(const char *name, uint64_t since) {
        _cleanup_free_ char *match = NULL;
        sd_journal *j = NULL;
        char *result = NULL;
        uint64_t t;

        if (sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
                return NULL;
        if (asprintf(&match, "CONTAINER_NAME=%s", name) < 0)
                goto out;
        if (sd_journal_add_match(j, match, 0) < 0 || sd_journal_add_match(j, "PRIORITY=3", 0) < 0)
                goto out;
        if (sd_journal_seek_tail(j) < 0 || sd_journal_previous(j) <= 0)
                goto out;
        if (sd_journal_get_realtime_usec(j, &t) < 0 || t < since)
                goto out; /* an earlier run's */
        {
                const void *data;
                size_t len;

                if (sd_journal_get_data(j, "MESSAGE", &data, &len) >= 0 && len > 8)
                        result = strndup((const char *) data + 8, len - 8);
        }
out:
        sd_journal_close(j);
        return result;
}

/* The start failed: the helper's one line from the journal, which may take journald a moment
 * (up to a second, on this failure path only), else the job's result and the exit status. */
static int start_failed(sd_bus *bus, const char *name, const char *unit, uint64_t since, const char *result) {
        _cleanup_free_ char *why = NULL;
        int32_t exit_status = 0;

        for (int i = 0; i < 100 && !why; i++) {
                why = last_error_since(name, since);
                if (!why)
                        usleep(10000);
        }
        if (why)
                return log_error_errno(-EIO, "container %s failed to start: %s", name, why);
        if (bus)
                (void) bus_get_unit_property_i32(bus, unit, "org.freedesktop.systemd1.Service", "ExecMainStatus",
                                                 &exit_status);
        return log_error_errno(-EIO, "container %s failed to start (job %s, exit status %d); see 'journalctl -u %s'",
                               name, result ?: "failed", (int) exit_status, unit);
}

/* Whether the start of unit is over, asked of systemd on a connection of its own: 0 if it is not
 * (the job is still queued or running, as while Restart= tries again), 1 if the unit is active,
 * -EIO if it failed. */
static int start_settled(const char *unit, const char *job, sd_bus **ret_bus) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *state = NULL;
        int r;

        r = bus_open_systemd(&bus);
        if (r < 0)
                return r;
        if (bus_job_pending(bus, job))
                return 0;
        r = bus_get_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
        if (r < 0 && r != -ENOENT)
                return r;
        r = r >= 0 && (streq(state, "active") || streq(state, "reloading")) ? 1 : -EIO;
        if (ret_bus)
                *ret_bus = TAKE_PTR(bus);
        return r;
}

/* Through the helper's word (see ready.h): the connection to systemd lasts as long as the
 * StartUnit call. systemd decides where the helper cannot speak: a unit that was active already,
 * one that fails before the helper runs, a helper killed before it said anything. */
static int start_and_hear(const char *name, const char *unit, bool fresh, ReadyListener *ready, uint64_t since) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *job = NULL, *state = NULL;
        uint64_t timeout = USEC_PER_SEC;
        int r;

        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = bus_unit_job_begin(&bus, "StartUnit", unit, &error, &job);
        if (r < 0)
                return log_error_errno(r, "Failed to start %s: %s", unit, bus_error_message(&error, r));
        /* Running already (start leaves it alone: no helper will speak), or up that fast. */
        if (!fresh &&
            bus_get_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState", &state) >= 0 &&
            streq(state, "active"))
                return 0;
        bus = sd_bus_flush_close_unref(bus);

        for (;;) {
                char reason[READY_REASON_MAX] = "";
                ReadyState heard = READY_NONE;
                sd_bus *b = NULL;

                r = ready_wait(ready, timeout, &heard, reason);
                if (r < 0)
                        return log_error_errno(r, "Failed to wait for container %s: %m", name);
                if (heard == READY_OK)
                        return 0;
                /* FAILED, or nothing yet: systemd knows whether that was the end. After FAILED
                 * it takes a moment to see the helper exit; give it a second. */
                for (int i = 0; i < (heard == READY_FAILED ? 50 : 1); i++) {
                        r = start_settled(unit, job, &b);
                        if (r != 0)
                                break;
                        usleep(20000);
                }
                bus = b;
                if (r > 0)
                        return 0;
                if (r == -EIO && reason[0]) /* the helper's own line: no need to ask journald */
                        return log_error_errno(r, "container %s failed to start: %s", name, reason);
                if (r == -EIO)
                        return start_failed(bus, name, unit, since, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to ask systemd how the start of %s went: %m", unit);
                timeout = MIN(timeout * 2, 5 * USEC_PER_SEC);
        }
}

int units_reload(void) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "Reload", &error, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to reload systemd's units: %s", bus_error_message(&error, r));
        return 0;
}

int units_start(const char *name, bool fresh) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(ready_listener_done) ReadyListener ready = READY_LISTENER_NULL;
        _cleanup_free_ char *unit = NULL, *result = NULL;
        uint64_t since;
        int r;

        unit = name_to_service(name);
        if (!unit)
                return log_oom();
        since = now_realtime_usec();
        if (ready_listen(name, &ready) >= 0)
                return start_and_hear(name, unit, fresh, &ready, since);

        /* No socket of our own: the job's JobRemoved, on a connection held meanwhile. */
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = bus_unit_job(bus, "StartUnit", unit, &error, &result);
        if (r >= 0)
                return 0;
        if (sd_bus_error_is_set(&error))
                return log_error_errno(r, "Failed to start %s: %s", unit, bus_error_message(&error, r));
        return start_failed(bus, name, unit, since, result);
}

/* Whether the container runs as container@NAME.service, rather than as a foreground run's scope
 * alone (or not at all): whether its events name that unit. */
static bool runs_as_service(sd_bus *bus, const char *name) {
        _cleanup_free_ char *service = name_to_service(name), *state = NULL;

        return service &&
               bus_get_unit_property_string(bus, service, "org.freedesktop.systemd1.Unit", "ActiveState", &state) >= 0 &&
               (streq(state, "active") || streq(state, "activating") || streq(state, "deactivating") ||
                streq(state, "reloading"));
}

/* Writes the event to the journal for `berth events` (event.h), with the image, which docker names
 * in every event, while the definition is there to say it. An event journald does not take is
 * lost, and said so; the verb went through all the same. */
static void send_event(const char *name, bool service, ContainerEvent e, const char *message,
                       const JournalField *extra, size_t n_extra) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *unit = NULL;
        JournalField f[EVENT_FIELDS_MAX];
        size_t n = 0;
        int r;

        if (service) {
                unit = name_to_service(name);
                if (!unit) {
                        log_oom();
                        return;
                }
        }
        if (definition_load(name, NULL, &d, NULL) >= 0 && d->image)
                f[n++] = (JournalField) { "BERTH_IMAGE", d->image, strlen(d->image) };
        for (size_t i = 0; i < n_extra && n < ELEMENTSOF(f); i++)
                f[n++] = extra[i];
        r = event_send(NULL, name, unit, e, LOG_INFO, message, f, n, JOURNAL_SEND_TIMEOUT_MSEC);
        if (r < 0)
                log_warning_errno(r, "Failed to write the %s event of container %s to the journal, ignoring: %m",
                                  event_to_string(e), name);
}

/* kill, written before the signal goes: the die it may cause comes from the container's
 * supervisor, and must come after it. */
static void send_kill_event(const char *name, bool service, int sig) {
        const char *sig_name = signal_to_string(sig);
        char number[16], message[128];

        if (!sig_name) {
                snprintf(number, sizeof(number), "%d", sig);
                sig_name = number;
        }
        snprintf(message, sizeof(message), "%s sent to container %s", sig_name, name);
        send_event(name, service, EVENT_KILL, message,
                   (JournalField[]) { { "BERTH_SIGNAL", sig_name, strlen(sig_name) } }, 1);
}

/* pause, unpause, stop: "container web paused". */
static void send_plain_event(const char *name, bool service, ContainerEvent e) {
        char message[128];

        snprintf(message, sizeof(message), "container %s %s", name,
                 e == EVENT_PAUSE     ? "paused"
                 : e == EVENT_UNPAUSE ? "unpaused"
                 : e == EVENT_STOP    ? "stopped"
                                      : event_to_string(e));
        send_event(name, service, e, message, NULL, 0);
}

void units_event(const char *name, ContainerEvent e) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;

        send_plain_event(name, bus_open_systemd(&bus) >= 0 && runs_as_service(bus, name), e);
}

static int stop_unit(sd_bus *bus, const char *unit) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *result = NULL;
        int r;

        r = bus_unit_job(bus, "StopUnit", unit, &error, &result);
        if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to stop %s: %s", unit,
                                       sd_bus_error_is_set(&error) ? bus_error_message(&error, r)
                                                                   : (result ?: "failed"));
        return 0;
}

/* How long the kernel may take to end a PID namespace once its PID 1 got SIGKILL. */
#define STOP_KILL_WAIT_MSEC 30000

/* Stops the container's processes as docker does, and in a way a fork bomb cannot outrun: the
 * stop signal to its PID 1 only, up to timeout_usec for it to go, then SIGKILL to PID 1. When the
 * PID 1 of a namespace dies, the kernel first stops the namespace from making new processes and
 * then kills every process in it: nothing inside can fork its way past that, where systemd's
 * kill of the scope signals the processes it finds one by one while new ones appear. The scope
 * is empty afterwards (the processes of berth exec's joiners end with their commands), and
 * stopping it costs systemd nothing. 1 when it stopped a PID 1, 0 when there was none. Each signal
 * is a kill event, as docker's stop writes them. */
static int stop_pid1(sd_bus *bus, const char *name, const char *scope, bool service, uint64_t timeout_usec) {
        _cleanup_close_ int pidfd = -EBADF;
        struct pollfd p = { .events = POLLIN };
        pid_t pid;

        if (scope_pid1(bus, name, &pid) < 0)
                return 0; /* not running: StopUnit does the rest */
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return 0;
        p.fd = pidfd;
        if (timeout_usec == UINT64_MAX) {
                /* The container's own StopTimeout=, which the scope carries. */
                if (bus_get_unit_property_u64(bus, scope, "org.freedesktop.systemd1.Scope", "TimeoutStopUSec",
                                              &timeout_usec) < 0)
                        timeout_usec = 10 * USEC_PER_SEC;
        }
        if (timeout_usec > 0) {
                int32_t sig = SIGTERM;
                uint64_t ms = timeout_usec / 1000;

                (void) bus_get_unit_property_i32(bus, scope, "org.freedesktop.systemd1.Scope", "KillSignal", &sig);
                send_kill_event(name, service, sig); /* docker's stop says kill, die, stop */
                if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                        return 1; /* gone meanwhile */
                if (poll(&p, 1, ms > INT32_MAX ? -1 : (int) ms) > 0)
                        return 1;
        }
        send_kill_event(name, service, SIGKILL);
        if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
                return 1;
        /* Readable once PID 1 has died, which it does only after every process of its namespace. */
        if (poll(&p, 1, STOP_KILL_WAIT_MSEC) == 0)
                log_warning("container %s: its processes did not all end within %d s of SIGKILL", name,
                            STOP_KILL_WAIT_MSEC / 1000);
        return 1;
}

int units_stop(const char *name, uint64_t timeout_usec) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *service = NULL, *scope = NULL, *state = NULL;
        bool as_service;
        int r, stopped;

        r = freezer_thaw_if_paused(name);
        if (r < 0)
                return r;

        service = name_to_service(name);
        scope = name_to_scope(name);
        if (!service || !scope)
                return log_oom();
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");

        /* Asked before the stop: the service is gone after it. */
        as_service = runs_as_service(bus, name);
        stopped = stop_pid1(bus, name, scope, as_service, timeout_usec);
        if (stopped < 0)
                return stopped;

        /* Then the units: the helper sees its child gone and exits, and the service stops with
         * it; whatever else systemd still counts in the scope goes with it. */
        r = stop_unit(bus, scope);
        if (r < 0)
                return r;
        r = bus_get_unit_property_string(bus, service, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
        if (r != -ENOENT && !(r >= 0 && (streq(state, "inactive") || streq(state, "failed")))) {
                r = stop_unit(bus, service);
                if (r < 0)
                        return r;
        }
        /* A container that ran stopped: after its die (which its supervisor writes), as docker. */
        if (stopped > 0 || as_service)
                send_plain_event(name, as_service, EVENT_STOP);
        return 0;
}

int units_restart(const char *name) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *scope = NULL, *state = NULL;
        int r;

        scope = name_to_scope(name);
        if (!scope)
                return log_oom();
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        /* A foreground run is its berth run's to end: starting the service in its place would race
         * with that run's cleanup (and --rm). */
        if (!runs_as_service(bus, name) &&
            bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Unit", "ActiveState", &state) >= 0 &&
            !streq(state, "inactive") && !streq(state, "failed"))
                return log_error_errno(-EBUSY, "container %s runs in the foreground; end it there, or use 'berth stop'", name);
        bus = sd_bus_flush_close_unref(bus);

        r = units_stop(name, UINT64_MAX);
        if (r < 0)
                return r;
        return units_start(name, /* fresh= */ false);
}

/* The PIDs of a unit's processes, from systemd. */

int units_kill(const char *name, int sig) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        pid_t pid;
        int r;

        r = freezer_thaw_if_paused(name);
        if (r < 0)
                return r;
        /* The namespace's PID 1, never a process that only joined the scope (berth exec). */
        r = containers_pid1(name, &pid);
        if (r < 0)
                return r;
        send_kill_event(name, bus_open_systemd(&bus) >= 0 && runs_as_service(bus, name), sig);
        if (kill(pid, sig) < 0)
                return log_error_errno(-errno, "Failed to signal container %s: %m", name);
        return 0;
}

int units_active_state(const char *name, char **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *service = NULL, *scope = NULL, *state = NULL;
        int r;

        service = name_to_service(name);
        scope = name_to_scope(name);
        if (!service || !scope)
                return -ENOMEM;
        r = bus_open_systemd(&bus);
        if (r < 0)
                return r;
        r = bus_get_unit_property_string(bus, service, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r == -ENOENT || streq(state, "inactive")) {
                _cleanup_free_ char *s2 = NULL;

                if (bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Unit", "ActiveState", &s2) >= 0 &&
                    !streq(s2, "inactive")) {
                        *ret = TAKE_PTR(s2);
                        return 0;
                }
                if (!state) {
                        state = strdup("inactive");
                        if (!state)
                                return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(state);
        return 0;
}

int units_wait(const char *name, int *ret_code) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *service = NULL;
        int32_t code = 0;
        int r;

        service = name_to_service(name);
        if (!service)
                return log_oom();
        for (;;) {
                _cleanup_free_ char *state = NULL;

                r = units_active_state(name, &state);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the state of %s: %m", name);
                if (streq(state, "inactive") || streq(state, "failed"))
                        break;
                usleep(50000);
        }
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        r = bus_get_unit_property_i32(bus, service, "org.freedesktop.systemd1.Service", "ExecMainStatus", &code);
        if (r < 0)
                return log_error_errno(r, "Failed to read the exit status of %s: %m", service);
        *ret_code = (int) code;
        return 0;
}

int units_remove_files(const char *name) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = teardown_remove(name, /* including_etc= */ true);
        if (r < 0)
                ret = log_error_errno(r, "Failed to remove container %s: %m", name);

        if (bus_open_systemd(&bus) >= 0) {
                _cleanup_free_ char *service = name_to_service(name), *scope = name_to_scope(name);
                const char *units[] = { service, scope };

                for (size_t i = 0; i < ELEMENTSOF(units); i++)
                        if (units[i])
                                (void) sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                                          "org.freedesktop.systemd1.Manager", "ResetFailedUnit", NULL,
                                                          NULL, "s", units[i]);
        }
        return ret;
}



/* Whether /proc/PID/status says "NSpid:\t<pid>\t1": PID 1 of a pid namespace right below the
 * one our /proc belongs to. */











