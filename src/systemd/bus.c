/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "bus.h"
#include "fd-util.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "time-util.h"

int bus_open_private(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        if (geteuid() != 0)
                return -EPERM;
        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
        if (r < 0)
                return r;
        r = sd_bus_start(bus);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

/* berth's share of dbus-daemon's connections. The daemon allows 256 per user, and every berth
 * process is root, as are machined, logind and the system's other services. With 500 containers
 * starting at once the helpers had taken them all; machined, started on demand, could not
 * connect, its activation timed out after 25 s, and not one container was registered. A process
 * takes one of BUS_SLOTS lock files before it connects to the daemon and holds it as long as the
 * connection: 64 connections stay for the rest of the system, more than a host has. */
#define BUS_SLOTS 192

/* Sleeps between tries: *delay doubles up to cap, and the sleep falls at a point of it that
 * differs from process to process, so that many waiters do not come in step. *waited adds up. */
static void backoff(uint64_t *delay, uint64_t *waited, uint64_t cap) {
        (void) usleep((useconds_t) (*delay / 2 + ((uint64_t) getpid() * 2654435761U + *waited) % (*delay / 2 + 1)));
        *waited += *delay;
        *delay = MIN(*delay * 2, cap);
}

static int slot_try(int dir_fd, unsigned k, int *fd) {
        char name[16];

        if (*fd < 0) {
                snprintf(name, sizeof(name), "%u", k);
                *fd = openat(dir_fd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (*fd < 0)
                        return -errno;
        }
        return flock(*fd, LOCK_EX | LOCK_NB) < 0 ? -errno : 0;
}

/* The fd of a slot, locked; -EBUSY when none came free within a minute (then we go on without:
 * that many long-lived connections are not ours to judge). */
static int slot_take(void) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int fds[BUS_SLOTS], r = -EBUSY;
        unsigned first = (unsigned) getpid() % BUS_SLOTS;
        uint64_t waited = 0, delay = 1000;

        dir = path_join(berth_runtime_dir(), "bus-slots");
        if (!dir)
                return -ENOMEM;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        for (unsigned i = 0; i < BUS_SLOTS; i++)
                fds[i] = -EBADF;
        for (;;) {
                for (unsigned i = 0; i < BUS_SLOTS; i++) {
                        unsigned k = (first + i) % BUS_SLOTS;

                        r = slot_try(dir_fd, k, &fds[k]);
                        if (r == 0) {
                                r = TAKE_FD(fds[k]);
                                goto done;
                        }
                        if (r != -EWOULDBLOCK)
                                goto done;
                }
                if (waited >= 60 * USEC_PER_SEC) {
                        r = -EBUSY;
                        goto done;
                }
                /* A slot is held for a start's few milliseconds up to a few seconds: no hurry. */
                backoff(&delay, &waited, 200 * 1000U);
        }
done:
        for (unsigned i = 0; i < BUS_SLOTS; i++)
                safe_close(fds[i]);
        return r;
}

static int no_filter(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return 0;
}

static void slot_release(void *userdata) {
        safe_close((int) (intptr_t) userdata - 1);
}

/* The slot goes with the connection: a floating sd-bus slot of its own, destroyed with it. Once
 * that exists the fd is its own (0), even if it could not float: then our unref destroys it and
 * closes the fd at once. */
static int slot_bind(sd_bus *bus, int fd) {
        sd_bus_slot *s = NULL;
        int r;

        r = sd_bus_add_filter(bus, &s, no_filter, (void *) (intptr_t) (fd + 1));
        if (r < 0)
                return r;
        (void) sd_bus_slot_set_destroy_callback(s, slot_release);
        (void) sd_bus_slot_set_floating(s, 1);
        sd_bus_slot_unref(s);
        return 0;
}

/* Through dbus-daemon when it runs, systemd's private socket when it does not. systemd sends every
 * signal (each unit's PropertiesChanged, every job's JobNew/JobRemoved) to every private-socket
 * client, serialised once per client; through dbus-daemon it sends each once and the daemon
 * passes on only what a client's matches ask for. With 40 containers starting at once the
 * private socket cost systemd 1.7 s of CPU against 0.2 s, for 1-2 ms more on a single start. */
int bus_open_systemd(sd_bus **ret) {
        uint64_t waited = 0, delay = 1000;
        int slot = -EBADF;

        /* The unique name comes with Hello's answer: a daemon at its connection limit (256 per
         * user) closes us before that. Then we wait for a connection to end rather than take
         * the private socket: with a few hundred containers starting at once, a hundred private
         * connections made systemd send each signal a hundred times over, and starts stalled
         * for a minute and failed. Only a daemon that does not answer for 10 s, or none at all,
         * leaves us to the private socket. */
        if (access("/run/dbus/system_bus_socket", F_OK) == 0 && geteuid() == 0)
                slot = slot_take(); /* without one (an error, a minute's wait) we try anyway */
        while (access("/run/dbus/system_bus_socket", F_OK) == 0) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                const char *unique;
                int r;

                r = sd_bus_open_system(&bus);
                if (r >= 0)
                        r = sd_bus_get_unique_name(bus, &unique);
                if (r >= 0) {
                        if (slot >= 0 && slot_bind(bus, slot) >= 0)
                                slot = -EBADF; /* the connection's now */
                        safe_close(slot);
                        *ret = TAKE_PTR(bus);
                        return 0;
                }
                if ((r != -ENOBUFS && r != -ECONNRESET && r != -EPIPE && r != -ENOTCONN) ||
                    waited >= 10 * USEC_PER_SEC)
                        break;
                /* Every attempt costs the daemon an accept and an authentication. */
                backoff(&delay, &waited, 200 * 1000U);
        }
        safe_close(slot);
        return bus_open_private(ret);
}

bool bus_refused(sd_bus *bus, int r, const sd_bus_error *error) {
        if (r >= 0 || sd_bus_is_bus_client(bus) <= 0 || geteuid() != 0)
                return false;
        return sd_bus_error_has_name(error, SD_BUS_ERROR_LIMITS_EXCEEDED) || r == -ENOBUFS ||
               r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ECONNREFUSED;
}

typedef struct JobWait {
        const char *job;
        char *result;
        bool done;
} JobWait;

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        int r;

        r = sd_bus_message_read(m, "uoss", &id, &path, &unit, &result);
        if (r < 0)
                return 0;
        if (w->job && streq(path, w->job)) {
                free(w->result);
                w->result = strdup(result);
                w->done = true;
        }
        return 0;
}

bool bus_job_pending(sd_bus *bus, const char *job) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *state = NULL;

        return sd_bus_get_property_string(bus, "org.freedesktop.systemd1", job, "org.freedesktop.systemd1.Job",
                                          "State", &error, &state) >= 0;
}

/* The job is gone and its JobRemoved did not reach us: nobody is subscribed to systemd's signals
 * (see add_job_match()). Its result, as far as the unit's state tells it. */
static int job_result_from_state(sd_bus *bus, const char *method, const char *unit, JobWait *w) {
        _cleanup_free_ char *state = NULL;
        bool stop = streq_ptr(method, "StopUnit"), ok;
        int r;

        r = bus_get_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState", &state);
        if (r == -ENOENT)
                ok = stop; /* a stopped transient unit is collected at once */
        else if (r < 0)
                return r;
        else
                ok = stop ? streq(state, "inactive") || streq(state, "failed")
                          : streq(state, "active") || streq(state, "reloading");
        w->result = strdup(ok ? "done" : "failed");
        w->done = true;
        return w->result ? 0 : -ENOMEM;
}

static int wait_job(sd_bus *bus, JobWait *w, const char *method, const char *unit) {
        bool poll_job = sd_bus_is_bus_client(bus) > 0;
        uint64_t interval = 50 * 1000;
        int r;

        while (!w->done) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                /* Asking for the job costs systemd a call, and it runs jobs at idle priority:
                 * less and less often. */
                r = sd_bus_wait(bus, poll_job ? interval : UINT64_MAX);
                if (r < 0)
                        return r;
                if (r == 0 && poll_job) {
                        if (bus_job_pending(bus, w->job)) {
                                interval = MIN(interval * 2, 1000U * 1000U);
                                continue; /* still queued or running */
                        }
                        while (!w->done && (r = sd_bus_process(bus, NULL)) > 0)
                                ;
                        if (!w->done)
                                return job_result_from_state(bus, method, unit, w);
                }
        }
        return 0;
}

static int on_message(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        if (!sd_bus_message_is_signal(m, "org.freedesktop.systemd1.Manager", "JobRemoved"))
                return 0;
        return on_job_removed(m, userdata, error);
}

/* JobRemoved, through dbus-daemon only unit's: with a hundred containers
 * starting at once, each start used to wake up for all of the others' jobs. The rule is sent to
 * the daemon as a plain AddMatch, and the signals taken with a filter: sd-bus's own matches count
 * argN among string arguments only (arg2 of JobRemoved "uoss" is the unit for dbus-daemon, the
 * result for sd-bus), so its local check would drop what the daemon sends. Asynchronously: the
 * daemon handles a connection's messages in order, so the rule is in place before the call that
 * follows it, and we spare a round trip. */
static int add_job_match(sd_bus *bus, JobWait *w, const char *unit, sd_bus_slot **ret_slot) {
        _cleanup_free_ char *match = NULL;
        int r;

        r = sd_bus_add_filter(bus, ret_slot, on_message, w);
        if (r < 0 || sd_bus_is_bus_client(bus) <= 0)
                return r; /* systemd's private socket: every signal comes anyway */
        /* Through dbus-daemon systemd sends signals only while someone is subscribed: on every
         * ordinary host logind and machined are. We do not subscribe ourselves: each subscriber
         * costs systemd a match rule in dbus-daemon, of which it may have 512, and a few hundred
         * containers starting at once made systemd lose its bus. Where nobody is subscribed,
         * wait_job() asks for the job every 50 ms instead. */
        if (asprintf(&match,
                     "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1',"
                     "interface='org.freedesktop.systemd1.Manager',member='JobRemoved',arg2='%s'",
                     unit) < 0)
                return -ENOMEM;
        return sd_bus_call_method_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "AddMatch", NULL, NULL, "s", match);
}

static int finish_job(JobWait *w, char **ret_result) {
        bool ok = w->result && streq(w->result, "done");

        if (ret_result)
                *ret_result = TAKE_PTR(w->result);
        else
                free(TAKE_PTR(w->result));
        return ok ? 0 : -EIO;
}

int bus_call_for_job(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char **ret_job) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *job;
        int r;

        r = sd_bus_call(bus, m, 0, error, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return r;
        *ret_job = strdup(job);
        return *ret_job ? 0 : -ENOMEM;
}

/* Calls m, a Manager method for unit that returns a job, and waits for the job: 0 if its result
 * was "done", -EIO with the result string in ret_result ("failed", "dependency", "timeout", …)
 * otherwise. */
static int call_job(sd_bus *bus, sd_bus_message *m, const char *unit, sd_bus_error *error, char **ret_result) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_free_ char *job = NULL;
        JobWait w = {};
        int r;

        /* The match goes in before the call: JobRemoved may follow the reply at once, and
         * sd_bus_call() queues it for the sd_bus_process() below. */
        r = add_job_match(bus, &w, unit, &slot);
        if (r < 0)
                return r;
        r = bus_call_for_job(bus, m, error, &job);
        if (r < 0)
                return r;
        w.job = job;
        r = wait_job(bus, &w, sd_bus_message_get_member(m), unit);
        if (r < 0) {
                free(w.result);
                return r;
        }
        return finish_job(&w, ret_result);
}

static int unit_job_message(sd_bus *bus, const char *method, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", method);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int unit_job(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error, char **ret_result) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = unit_job_message(bus, method, unit, &m);
        if (r < 0)
                return r;
        return call_job(bus, m, unit, error, ret_result);
}

static int unit_job_begin(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error, char **ret_job) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = unit_job_message(bus, method, unit, &m);
        if (r < 0)
                return r;
        return bus_call_for_job(bus, m, error, ret_job);
}

int bus_unit_job_begin(sd_bus **bus, const char *method, const char *unit, sd_bus_error *error, char **ret_job) {
        sd_bus *private = NULL;
        int r;

        r = unit_job_begin(*bus, method, unit, error, ret_job);
        if (!bus_refused(*bus, r, error) || bus_open_private(&private) < 0)
                return r;
        sd_bus_flush_close_unref(*bus);
        *bus = private;
        sd_bus_error_free(error);
        return unit_job_begin(*bus, method, unit, error, ret_job);
}

int bus_unit_job(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error, char **ret_result) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *private = NULL;
        int r;

        r = unit_job(bus, method, unit, error, ret_result);
        if (!bus_refused(bus, r, error) || bus_open_private(&private) < 0)
                return r;
        sd_bus_error_free(error);
        return unit_job(private, method, unit, error, ret_result);
}

int bus_unit_path(const char *unit, char **ret) {
        return sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, ret);
}

static int get_property(sd_bus *bus, const char *unit, const char *iface, const char *prop, char type,
                        sd_bus_message **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        char sig[2] = { type, 0 };
        int r;

        r = bus_unit_path(unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property(bus, "org.freedesktop.systemd1", path, iface, prop, &error, ret, sig);
        if (r < 0 && (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit") ||
                      sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_OBJECT)))
                return -ENOENT;
        return r;
}

int bus_get_unit_property_string(sd_bus *bus, const char *unit, const char *iface, const char *prop, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *s;
        int r;

        r = get_property(bus, unit, iface, prop, 's', &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &s);
        if (r < 0)
                return r;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int bus_get_unit_property_strv(sd_bus *bus, const char *unit, const char *iface, const char *prop, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_unit_path(unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property_strv(bus, "org.freedesktop.systemd1", path, iface, prop, &error, ret);
        if (r < 0 && (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit") ||
                      sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_OBJECT)))
                return -ENOENT;
        return r;
}

int bus_get_unit_property_u64(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint64_t *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = get_property(bus, unit, iface, prop, 't', &reply);
        if (r < 0)
                return r;
        return sd_bus_message_read(reply, "t", ret);
}

const char *bus_error_message(const sd_bus_error *e, int r) {
        if (e && e->message)
                return e->message;
        return strerror(r < 0 ? -r : r);
}

int bus_get_unit_property_i32(sd_bus *bus, const char *unit, const char *iface, const char *prop, int32_t *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = get_property(bus, unit, iface, prop, 'i', &reply);
        if (r < 0)
                return r;
        return sd_bus_message_read(reply, "i", ret);
}

int bus_get_unit_property_u32(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint32_t *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = get_property(bus, unit, iface, prop, 'u', &reply);
        if (r < 0)
                return r;
        return sd_bus_message_read(reply, "u", ret);
}
