/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "definition.h"
#include "history.h"
#include "store.h"

/* Which containers there are, and what each is now, for the verbs: their definitions, their PID 1,
 * their state as berth shows it, their addresses. */

/* The definition file of NAME (the first of berth_definition_dirs() that has it; NAME may be
 * a ContainerName=, definition_find()) in *ret; -ENOENT if there is none (not logged). */
int containers_definition_path(const char *name, char **ret);

/* Logs "image 'X' not found" and returns -ENOENT when the image does not exist; with Rootfs=,
 * logs and returns the error of a directory that is not one (rootfs_check()). */
int containers_check_image(const Definition *d);
/* What d runs from, as overlayfs' lower layers, top first: its image's layers in s, or its
 * Rootfs= directory. -errno with *ret_why. */
int containers_layers(Store *s, const Definition *d, char ***ret, char **ret_why);

/* Issue 16: leftovers. The container given names, by its file's name or its ContainerName=
 * (definition_find()): its key in *ret_key (allocated), by which its unit, scope, state and lock
 * go. Logs the one line if there is none ("berth: no such container NAME"). */
int containers_require(const char *given, char **ret_key);
/* containers_require(), then the definition (its name is the key); logs either error. */
int containers_load_definition(const char *given, Definition **ret);

/* The container's PID 1, seen from here (scope_pid1()). Logs "container NAME is not running" and
 * returns -ESRCH when there is none. */
int containers_pid1(const char *name, pid_t *ret);

/* The PIDs of all processes of container-NAME.scope; -ESRCH (not logged) when it is not
 * loaded. */
int containers_scope_pids(const char *name, pid_t **ret, size_t *ret_n);

/* The names of all defined containers, every NAME.container in the definition directories,
 * sorted, each once. Not logged. */
int containers_list_names(char ***ret);

/* What berth shows as a container's state, from the ActiveState of container@NAME.service and of
 * container-NAME.scope (NULL when a unit is not loaded) and the scope's FreezerState (NULL when
 * unknown): "running", "paused", "starting", "stopping", "failed" or "exited". */
const char *containers_state(const char *service_state, const char *scope_state, const char *freezer_state);

/* The state once the journal has been asked how the last run ended (exit_known: its die event
 * was found): a payload that ran and exited with a code, or was killed (after its stop timeout,
 * 137), has "exited", as docker says, even when systemd calls its unit failed for the code;
 * "failed" stays for a start that failed. */
const char *containers_state_after_exit(const char *state, bool exit_known);

/* When the journal has no die event for the container's last run (x->known false): what systemd
 * says of container@NAME.service, if its main process was killed by a signal (its Result=
 * signal, timeout or core-dump: berth-supervisor SIGKILLed with its payload, after the unit's
 * stop timeout, say), as a shell reports it, 128 + the signal, into *x. Leaves x alone
 * otherwise. */
void containers_exit_from_service(sd_bus *bus, const char *name, RunExit *x);

/* True for the states in which the container has processes. */
bool containers_state_is_running(const char *state);

/* The container's addresses, read over netlink from its network namespace (pid: its PID 1):
 * v4 first, then v6; {"host"} for the host's network. -ESRCH without a PID. */
int containers_addresses(const Definition *d, pid_t pid, char ***ret);
