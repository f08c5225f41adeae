/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "cleanup.h"

/* A connection to systemd: through dbus-daemon when it runs (systemd serialises every signal once
 * per private-socket client, which made many starts at once quadratic), holding one of berth's
 * 192 bus slots (/run/berth/bus-slots) for as long as the connection, and when the daemon is at
 * its connection limit after waiting up to 10 s for one to end; its private socket when there is
 * no daemon or it never took us (root only). */
int bus_open_systemd(sd_bus **ret);
/* systemd's private socket alone (root only). */
int bus_open_private(sd_bus **ret);

/* Whether a call through dbus-daemon failed because the daemon would not take it (its limits:
 * 256 connections per user, 128 calls pending at one destination, as with a few hundred
 * containers starting at once) rather than because systemd said no: then the private socket
 * takes it (never for a call systemd has seen: these fail before it). */
bool bus_refused(sd_bus *bus, int r, const sd_bus_error *error);

/* Calls a method of org.freedesktop.systemd1.Manager that returns a job path ("o"), e.g.
 * StartTransientUnit when m is prebuilt, without waiting for the job; *ret_job is its path. */
int bus_call_for_job(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char **ret_job);

/* Whether the job (an object path) is still queued or running. */
bool bus_job_pending(sd_bus *bus, const char *job);

/* Manager.METHOD(unit, "replace") for StartUnit/StopUnit/RestartUnit, and waits for its job: 0
 * if its result was "done", -EIO with the result string in ret_result ("failed", "dependency",
 * "timeout", …) otherwise. */
int bus_unit_job(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error, char **ret_result);

/* Manager.METHOD(unit, "replace") without waiting for the job: its path in *ret_job. When
 * dbus-daemon refuses the call, *bus is replaced by a connection to the private socket, which
 * the caller should close soon (systemd sends every signal to it). */
int bus_unit_job_begin(sd_bus **bus, const char *method, const char *unit, sd_bus_error *error, char **ret_job);

/* Object path of a unit name, escaped as systemd does. */
int bus_unit_path(const char *unit, char **ret);

/* Reads one property of a unit by its object path. Note that this makes systemd load the unit
 * if it was not; -ENOENT when there is no such unit at all. */
int bus_get_unit_property_string(sd_bus *bus, const char *unit, const char *iface, const char *prop, char **ret);
int bus_get_unit_property_strv(sd_bus *bus, const char *unit, const char *iface, const char *prop, char ***ret);
int bus_get_unit_property_u64(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint64_t *ret);
int bus_get_unit_property_i32(sd_bus *bus, const char *unit, const char *iface, const char *prop, int32_t *ret);
int bus_get_unit_property_u32(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint32_t *ret);

/* A readable message for a failed call: the sd_bus_error's message, or strerror. */
const char *bus_error_message(const sd_bus_error *e, int r);
