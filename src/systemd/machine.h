/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <systemd/sd-bus.h>

#include "cleanup.h"

/* Registration with systemd-machined, so that `machinectl list` shows the container (class
 * container, service berth, OS and VERSION from its os-release, which machined reads through
 * the leader) and `machinectl status`/`terminate`/`kill`/`shell` work on it.
 *
 * RegisterMachineWithNetwork with a leader that is already in container-NAME.scope: machined
 * adopts the unit the leader is in (cg_pid_get_unit() in method_register_machine_internal())
 * rather than creating a scope of its own as CreateMachine does. So there is no unregistration
 * either: machined forgets the machine when the scope goes, and `machinectl terminate` stops
 * the scope.
 *
 * machined is optional. Without it (no system bus; nothing owns org.freedesktop.machine1 and
 * activating it is not asked for or fails, e.g. the unit is masked) this says so at debug level
 * and the container runs unregistered. A refusal by machined is a warning, never a failed start.
 *
 * Whether to start machined is the caller's choice: a container@NAME.service does, as
 * systemd-nspawn@.service does, since it lives long enough for someone to look for it in
 * machinectl; a foreground `berth run` registers only with a machined that already runs, since
 * a registration costs machined, dbus-daemon and systemd some work (1–2 ms a start on 2 CPUs,
 * back to back), and a short `berth run --rm` should not be what switches that on for all the
 * starts that follow.
 *
 * It is asynchronous, so that the start does not wait for dbus-daemon and machined: _start
 * hands the call to the bus and returns, _wait collects the answer (before READY=1), and the
 * free collects it if it has come and drops it otherwise. */

typedef struct MachineRegistration MachineRegistration;

typedef struct MachineSettings {
        const char *name;
        pid_t leader;               /* the container's PID 1, as seen from here */
        const char *root_directory; /* informational (machinectl status); NULL or "" for none */
        const int *ifindices;       /* the container's host-side network interfaces … */
        size_t n_ifindices;         /* … (0 for none) */
        bool activate;              /* start machined if it is not running (bus activation) */
        sd_bus *bus;                /* a system bus connection to share (one connection less for
                                     * dbus-daemon to set up and announce), or NULL */
} MachineSettings;

/* Call once the leader is in its scope, and before it may run anything: the call then reaches
 * machined ahead of the scope's removal, however short-lived the payload. Returns once the call
 * is in dbus-daemon's hands: one round trip, about 0.3 ms. Without activate, and with no
 * machined running, it does not even connect. Returns 0 and sets *ret (NULL when there is
 * nothing to wait for); negative errno only when out of memory or the call cannot be built,
 * logged. */
int machine_register_start(const MachineSettings *s, MachineRegistration **ret);

/* Waits (at most a few seconds) for machined's answer and logs it. 1 when registered, 0 when
 * machined is not there (or reg is NULL), negative errno when machined refused. */
int machine_register_wait(MachineRegistration *reg);

/* Logs an answer that has already arrived and was not waited for, then drops the connection.
 * NULL is fine; returns NULL. */
MachineRegistration *machine_registration_free(MachineRegistration *reg);
/* The same, for a start that failed: its outcome is not logged (the payload died first, and its
 * one line says why; "No such process" from machined is no news). */
MachineRegistration *machine_registration_abandon(MachineRegistration *reg);
DEFINE_TRIVIAL_CLEANUP_FUNC(MachineRegistration *, machine_registration_free);
