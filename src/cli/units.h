/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "definition.h"

/* What several verbs do with a container's units over sd-bus. Each logs its own failure. */

/* The definition file of NAME (/etc before /run) in *ret; -ENOENT if there is none (not
 * logged). */
int units_definition_path(const char *name, char **ret);

/* Logs "image 'X' not found" and returns -ENOENT when the image does not exist. */
int units_check_image(const char *image);

/* Starts container@NAME.service and waits for it to run (READY=1). On failure says why,
 * with the helper's own error line from the journal where there is one. fresh: the container
 * was just defined, so its unit cannot be running yet (run -d), which spares systemd a call. */
int units_start(const char *name, bool fresh);

/* systemd's daemon-reload, so that the generator's drop-ins follow a definition written or removed
 * here (those with Restart= need it). Logs its error. */
int units_reload(void);

/* Stops the container: the stop signal to its PID 1, then SIGKILL to PID 1 after timeout_usec
 * (the definition's StopTimeout when UINT64_MAX), which ends its whole PID namespace (a fork
 * bomb cannot outrun that); then its scope and container@NAME.service. Succeeds if it was not
 * running. */
int units_stop(const char *name, uint64_t timeout_usec);

/* Restarts container@NAME.service (starts it when stopped). */
int units_restart(const char *name);

/* Sends sig to the container's PID 1 (docker kill), found as the one process of the scope
 * whose parent is outside it. -ESRCH when the container does not run. */
int units_kill(const char *name, int sig);

/* "active", "inactive", "failed", "activating", … of container@NAME.service; when only the
 * scope runs (a foreground container), the scope's state. */
int units_active_state(const char *name, char **ret);

/* Waits until the container is no longer running; its exit code in *ret_code. */
int units_wait(const char *name, int *ret_code);

/* Removes the definition (/run's, and the admin's in /etc), the container's files under
 * /var/lib/berth/containers/NAME, and the failed state of its units. */
int units_remove_files(const char *name);

/* Checks that name is valid and names a defined container; logs the one line if not
 * ("berth: no such container NAME"). */
int units_require(const char *name);
/* units_require(), then the definition; logs either error. */
int units_load_definition(const char *name, Definition **ret);

/* --- For exec and pause ------------------------------------------------------------------------ */
#include <stddef.h>
#include <sys/types.h>

/* The container's PID 1, seen from here: the one process of container-NAME.scope that is PID 1
 * of a pid namespace one level below ours ("NSpid: <pid> 1"). Unlike "the process whose parent
 * is outside the scope", this is not fooled by what `berth exec` adds to the scope, nor by a
 * nested container's init. Logs "container NAME is not running" and returns -ESRCH when there
 * is none. */
int units_container_pid(const char *name, pid_t *ret);

/* The PIDs of all processes of container-NAME.scope; -ESRCH (not logged) when it is not
 * loaded. */
int units_scope_pids(const char *name, pid_t **ret, size_t *ret_n);

/* --- For the verbs that show containers: list, status, inspect, stats ------------------------- */

/* The names of all defined containers, every NAME.container in /etc/berth/containers and
 * /run/berth/containers, sorted, each once. Not logged. */
int units_list_names(char ***ret);

/* What berth shows as a container's state, from the ActiveState of container@NAME.service and of
 * container-NAME.scope (NULL when a unit is not loaded) and the scope's FreezerState (NULL when
 * unknown): "running", "paused", "starting", "stopping", "failed" or "exited". */
const char *units_state(const char *service_state, const char *scope_state, const char *freezer_state);

/* True for the states in which the container has processes. */
bool units_state_is_running(const char *state);

/* Human forms for tables, as systemd prints them: "850ms", "42s", "2min 3s", "1h 2min", "3d 4h";
 * "512B", "1.5K", "64.0M". buf needs UNITS_FORMAT_MAX bytes; returns buf. */
#define UNITS_FORMAT_MAX 64
char *units_format_timespan(char buf[static UNITS_FORMAT_MAX], uint64_t usec);
char *units_format_bytes(char buf[static UNITS_FORMAT_MAX], uint64_t bytes);

/* The container's addresses, read over netlink from its network namespace (pid: its PID 1):
 * v4 first, then v6; {"host"} for the host's network. -ESRCH without a PID. */
int units_addresses(const Definition *d, pid_t pid, char ***ret);
