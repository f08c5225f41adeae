/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cleanup.h"
#include "name.h"
#include "scope.h"
#include "string-util.h"

/* The devices a container may open (SECURITY.md): systemd turns these into the devices cgroup
 * (v1) or a BPF program (v2). char-pts is every /dev/pts/N. */
static const char *const default_devices[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx",
        "char-pts",
};

uint64_t scope_cpu_shares_to_weight(uint64_t shares) {
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        /* 1 + (shares - 2) * 9999 / 262142: 1024 → 39; docker/runc's conversion. */
        return 1 + ((shares - 2) * 9999) / 262142;
}

static int append_properties(sd_bus_message *m, const ScopeSettings *s) {
        _cleanup_free_ char *description = NULL;
        int r;

        if (asprintf(&description, "berth container %s", s->name) < 0)
                return -ENOMEM;

        /* Accounting on, so that berth stats and status have CPU, memory, tasks and IO to show. */
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
                                  "Description", "s", description,
                                  "Slice", "s", "machine.slice",
                                  "PIDs", "au", 1, (uint32_t) s->pid,
                                  "CollectMode", "s", "inactive-or-failed",
                                  "CPUAccounting", "b", 1,
                                  "MemoryAccounting", "b", 1,
                                  "TasksAccounting", "b", 1,
                                  "IOAccounting", "b", 1);
        if (r < 0)
                return r;

        /* When systemd stops the scope (its service went away, or `berth stop` of a foreground
         * container), it sends the container's stop signal and kills after its timeout; a
         * PID 1 without a handler ignores the signal, as with docker stop. */
        if (s->stop_signal > 0) {
                r = sd_bus_message_append(m, "(sv)(sv)", "KillSignal", "i", (int32_t) s->stop_signal,
                                          "TimeoutStopUSec", "t", s->stop_timeout_usec);
                if (r < 0)
                        return r;
        }

        if (s->memory_max != UINT64_MAX) {
                r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", s->memory_max);
                if (r < 0)
                        return r;
        }
        if (s->cpu_weight != 0) {
                r = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", s->cpu_weight);
                if (r < 0)
                        return r;
        }
        if (s->tasks_max != UINT64_MAX) {
                r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", s->tasks_max);
                if (r < 0)
                        return r;
        }

        if (!s->privileged) {
                r = sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "closed");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'r', "sv");
                if (r < 0)
                        return r;
                r = sd_bus_message_append(m, "s", "DeviceAllow");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'a', "(ss)");
                if (r < 0)
                        return r;
                for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                        r = sd_bus_message_append(m, "(ss)", default_devices[i], "rwm");
                        if (r < 0)
                                return r;
                }
                if (s->console) {
                        r = sd_bus_message_append(m, "(ss)", "/dev/console", "rwm");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
        }

        if (s->bound_to) {
                /* A crashed helper must never leave a payload running: the scope goes with its
                 * service. Not After= as well: the service's start job lasts until READY=1,
                 * which waits for this scope, so the ordering would deadlock the start. */
                r = sd_bus_message_append(m, "(sv)", "BindsTo", "as", 1, s->bound_to);
                if (r < 0)
                        return r;
        }
        return 0;
}

int scope_create(sd_bus *bus, const ScopeSettings *s, char **ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL, *result = NULL;
        int r;

        unit = name_to_scope(s->name);
        if (!unit)
                return -EINVAL;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", unit, "fail");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        r = append_properties(m, s);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "a(sa(sv))", 0); /* no auxiliary units */
        if (r < 0)
                return r;

        r = bus_call_job(bus, m, &error, &result);
        if (r < 0 && ret_error) {
                if (sd_bus_error_is_set(&error))
                        *ret_error = strdup(error.message ? error.message : error.name);
                else if (result) {
                        if (asprintf(ret_error, "job for %s finished with result '%s'", unit, result) < 0)
                                *ret_error = NULL;
                } else
                        *ret_error = strdup(strerror(-r));
        }
        return r;
}
