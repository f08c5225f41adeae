/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>

#include "bus.h"
#include "cleanup.h"
#include "log.h"
#include "machine.h"
#include "string-util.h"

/* A hung machined must not hold a start up for sd-bus's default 25 s; activating it from
 * scratch takes well under a second. */
#define MACHINE_REGISTER_TIMEOUT_USEC (5ULL * 1000ULL * 1000ULL)

struct MachineRegistration {
        sd_bus *bus; /* the system bus: machined is not on systemd's private socket */
        sd_bus_slot *slot;
        char *name;
        bool answered, reported;
        bool shared; /* bus is the caller's, not ours to close */
        int result; /* 1 registered, 0 machined absent, negative errno refused */
        sd_bus_error error;
        /* What the call said, for one more try when machined still holds a machine of the name
         * that a run before this one left (retry_if_stale()). */
        MachineSettings settings;
        char *root_directory;
        int *ifindices;
        bool retried;
};

/* The errors that mean "no machined here" rather than "machined said no": nothing owns the
 * name and it cannot be activated. */
static bool error_is_absent(const sd_bus_error *e) {
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
            sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                return true;
        /* dbus-daemon passes on the error of a failed activation: its own Spawn.* family, or
         * the one systemd gave it (org.freedesktop.systemd1.UnitMasked, .NoSuchUnit, …). */
        return e->name && (startswith(e->name, "org.freedesktop.DBus.Error.Spawn.") ||
                           startswith(e->name, "org.freedesktop.systemd1."));
}

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        MachineRegistration *reg = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        reg->answered = true;
        if (!e) {
                reg->result = 1;
                return 0;
        }
        (void) sd_bus_error_copy(&reg->error, e);
        if (error_is_absent(e))
                reg->result = 0;
        else {
                int k = sd_bus_message_get_errno(reply);
                reg->result = k > 0 ? -k : -EIO;
        }
        return 0;
}

/* The one place that logs the outcome. */
static int report(MachineRegistration *reg) {
        if (reg->reported)
                return reg->result;
        reg->reported = true;
        if (reg->result > 0)
                log_debug("Registered container %s with systemd-machined", reg->name);
        else if (reg->result == 0)
                log_debug("systemd-machined is not available, container %s is not registered: %s", reg->name,
                          bus_error_message(&reg->error, -ENOENT));
        else
                log_warning_errno(reg->result,
                                  "Failed to register container %s with systemd-machined, ignoring: %s",
                                  reg->name, bus_error_message(&reg->error, reg->result));
        return reg->result;
}

static int build_call(sd_bus *bus, const MachineSettings *s, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.machine1", "/org/freedesktop/machine1",
                                           "org.freedesktop.machine1.Manager", "RegisterMachineWithNetwork");
        if (r < 0)
                return r;
        r = sd_bus_message_set_auto_start(m, s->activate);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "s", s->name);
        if (r < 0)
                return r;
        /* No machine ID: that is the container's /etc/machine-id, the image's business; one
         * made up from the name would claim an identity the container does not have. */
        r = sd_bus_message_append_array(m, 'y', NULL, 0);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ssus", "berth", "container", (uint32_t) s->leader,
                                  s->root_directory ?: "");
        if (r < 0)
                return r;
        r = sd_bus_message_append_array(m, 'i', s->ifindices, s->n_ifindices * sizeof(int));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* Until the call has left our queue, i.e. is in dbus-daemon's hands: one round trip for the
 * authentication, after which sd-bus writes Hello and the call together. Not sd_bus_flush(),
 * which would also wait for Hello's reply. */
static int push_out(sd_bus *bus) {
        for (;;) {
                uint64_t n;
                int r;

                r = sd_bus_get_n_queued_write(bus, &n);
                if (r < 0)
                        return r;
                if (n == 0)
                        return 0;
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, MACHINE_REGISTER_TIMEOUT_USEC);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -ETIMEDOUT;
        }
}

/* machined forgets a machine when it hears that its scope went, a moment after it went: a run
 * of the same name that follows at once (berth run --rm --name X, twice) is refused with
 * MachineExists. berth holds the name's lock, so no other container of berth's has the name: a
 * machine of that name whose service is berth is that earlier run's, gone. It is unregistered and
 * this one registered again, once. Anything else (a machine of nspawn's, say) keeps the refusal. */
static void retry_if_stale(MachineRegistration *reg) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *m = NULL;
        _cleanup_free_ char *service = NULL;
        const char *path;
        int r;

        if (reg->retried || reg->result >= 0 || !reg->bus ||
            !sd_bus_error_has_name(&reg->error, "org.freedesktop.machine1.MachineExists"))
                return;
        reg->retried = true;
        r = sd_bus_call_method(reg->bus, "org.freedesktop.machine1", "/org/freedesktop/machine1",
                               "org.freedesktop.machine1.Manager", "GetMachine", &error, &reply, "s", reg->name);
        if (r < 0 || sd_bus_message_read(reply, "o", &path) < 0)
                return;
        r = sd_bus_get_property_string(reg->bus, "org.freedesktop.machine1", path, "org.freedesktop.machine1.Machine",
                                       "Service", &error, &service);
        if (r < 0 || !streq(service, "berth"))
                return;
        r = sd_bus_call_method(reg->bus, "org.freedesktop.machine1", "/org/freedesktop/machine1",
                               "org.freedesktop.machine1.Manager", "UnregisterMachine", &error, NULL, "s", reg->name);
        if (r < 0 && !sd_bus_error_has_name(&error, "org.freedesktop.machine1.NoSuchMachine"))
                return;
        sd_bus_error_free(&error);
        if (build_call(reg->bus, &reg->settings, &m) < 0)
                return;
        r = sd_bus_call(reg->bus, m, MACHINE_REGISTER_TIMEOUT_USEC, &error, NULL);
        sd_bus_error_free(&reg->error);
        if (r >= 0) {
                reg->result = 1;
                log_debug("Container %s: machined still had the machine of an earlier run of the name, which was "
                          "unregistered",
                          reg->name);
        } else {
                (void) sd_bus_error_copy(&reg->error, &error);
                reg->result = r;
        }
}

MachineRegistration *machine_registration_abandon(MachineRegistration *reg) {
        if (reg)
                reg->reported = true;
        return machine_registration_free(reg);
}

MachineRegistration *machine_registration_free(MachineRegistration *reg) {
        if (!reg)
                return NULL;
        /* Whatever has arrived, without waiting. */
        while (!reg->answered && reg->bus && sd_bus_process(reg->bus, NULL) > 0)
                ;
        if (reg->answered) {
                retry_if_stale(reg);
                (void) report(reg);
        }
        sd_bus_slot_unref(reg->slot);
        if (reg->shared)
                sd_bus_unref(reg->bus);
        else
                sd_bus_close_unref(reg->bus);
        sd_bus_error_free(&reg->error);
        free(reg->name);
        free(reg->root_directory);
        free(reg->ifindices);
        free(reg);
        return NULL;
}

/* Whether machined may be running, asking no one: systemd keeps the symlink
 * /run/systemd/units/invocation:UNIT for every active unit (journald reads it). This spares a
 * start that will not activate machined a connection to dbus-daemon (auth, Hello, the broadcast
 * of a new name; 0.3 ms of our own time before GO) only to hear that nothing owns the name.
 * Where systemd keeps no such directory, assume that machined may run. */
static bool machined_may_run(void) {
        struct stat st;

        if (lstat("/run/systemd/units/invocation:systemd-machined.service", &st) >= 0)
                return true;
        return errno != ENOENT || lstat("/run/systemd/units", &st) < 0;
}

int machine_register_start(const MachineSettings *s, MachineRegistration **ret) {
        _cleanup_(machine_registration_freep) MachineRegistration *reg = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r = 0;

        /* machined takes host names only: the instance of a template, NAME@INSTANCE, is none. */
        if (strchr(s->name, '@')) {
                log_debug("Container %s is not registered with systemd-machined: '@' is not in a machine name", s->name);
                *ret = NULL;
                return 0;
        }
        if (!s->activate && !machined_may_run()) {
                log_debug("systemd-machined is not running, container %s is not registered", s->name);
                *ret = NULL;
                return 0;
        }

        reg = calloc(1, sizeof(*reg));
        if (!reg)
                return log_oom();
        reg->error = SD_BUS_ERROR_NULL;
        reg->name = strdup(s->name);
        if (!reg->name)
                return log_oom();
        reg->settings = *s;
        reg->settings.name = reg->name;
        reg->settings.bus = NULL;
        if (s->root_directory && !(reg->settings.root_directory = reg->root_directory = strdup(s->root_directory)))
                return log_oom();
        if (s->n_ifindices > 0) {
                reg->ifindices = calloc(s->n_ifindices, sizeof(int));
                if (!reg->ifindices)
                        return log_oom();
                memcpy(reg->ifindices, s->ifindices, s->n_ifindices * sizeof(int));
                reg->settings.ifindices = reg->ifindices;
        }

        /* Only a connection through dbus-daemon reaches machined; systemd's private socket
         * does not. */
        if (s->bus && sd_bus_is_bus_client(s->bus) > 0) {
                reg->bus = sd_bus_ref(s->bus);
                reg->shared = true;
        } else
                r = sd_bus_open_system(&reg->bus);
        if (!reg->bus) {
                log_debug_errno(r, "No system bus, container %s is not registered with systemd-machined: %m",
                                s->name);
                *ret = NULL;
                return 0;
        }

        r = build_call(reg->bus, s, &m);
        if (r < 0)
                return log_warning_errno(r, "Failed to build the machined registration of %s, ignoring: %m",
                                         s->name);
        r = sd_bus_call_async(reg->bus, &reg->slot, m, on_reply, reg, MACHINE_REGISTER_TIMEOUT_USEC);
        if (r >= 0)
                r = push_out(reg->bus);
        if (r < 0) {
                log_debug_errno(r, "Cannot reach the system bus, container %s is not registered: %m",
                                s->name);
                *ret = NULL;
                return 0;
        }
        *ret = TAKE_PTR(reg);
        return 0;
}

int machine_register_wait(MachineRegistration *reg) {
        int r;

        if (!reg)
                return 0;
        while (!reg->answered) {
                r = sd_bus_process(reg->bus, NULL);
                if (r > 0)
                        continue;
                if (r == 0)
                        r = sd_bus_wait(reg->bus, UINT64_MAX); /* the call's own timeout bounds it */
                if (r < 0) {
                        reg->answered = true;
                        reg->result = r;
                        break;
                }
        }
        retry_if_stale(reg);
        return report(reg);
}
