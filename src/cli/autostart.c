/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>

#include "autostart.h"
#include "bus.h"
#include "cleanup.h"
#include "log.h"
#include "name.h"
#include "string-util.h"

bool autostart_wanted(const Definition *d) {
        return d->restart == RESTART_ALWAYS || d->restart == RESTART_UNLESS_STOPPED;
}

/* systemctl enable / disable container@NAME.service: the template's [Install] says where its
 * link goes (machines.target.wants). */
static int set_enabled(const char *name, bool enable) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *service = NULL;
        int r;

        service = name_to_service(name);
        if (!service)
                return log_oom();
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        if (enable)
                r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                       "org.freedesktop.systemd1.Manager", "EnableUnitFiles", &error, NULL, "asbb", 1,
                                       service, /* runtime= */ 0, /* force= */ 1);
        else
                r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                       "org.freedesktop.systemd1.Manager", "DisableUnitFiles", &error, NULL, "asb", 1,
                                       service, /* runtime= */ 0);
        if (r < 0)
                return log_error_errno(r, "Failed to %s %s for the next boot: %s", enable ? "enable" : "disable", service,
                                       bus_error_message(&error, r));
        return 0;
}

static int load(const char *name, Definition **ret) {
        _cleanup_free_ char *error = NULL;
        int r;

        r = definition_load(name, NULL, ret, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to read the definition");
        return 0;
}

int autostart_started(const char *name) {
        _cleanup_(definition_freep) Definition *d = NULL;
        int r;

        r = load(name, &d);
        if (r < 0)
                return r;
        return autostart_wanted(d) ? set_enabled(name, true) : 0;
}

int autostart_stopped(const char *name) {
        _cleanup_(definition_freep) Definition *d = NULL;
        int r;

        r = load(name, &d);
        if (r < 0)
                return r;
        return d->restart == RESTART_UNLESS_STOPPED ? set_enabled(name, false) : 0;
}

int autostart_removed(const char *name) {
        return set_enabled(name, false);
}
