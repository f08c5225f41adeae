/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* What several verbs ask systemd to do with a container's units over sd-bus: start, stop,
 * restart, kill, wait, forget. Each logs its own failure. */

/* Starts container@NAME.service and waits for it to run (READY=1). On failure says why,
 * with the helper's own error line where there is one. fresh: the container was just defined,
 * so its unit cannot be running yet (run -d), which spares systemd a call. */
int units_start(const char *name, bool fresh);

/* systemd's daemon-reload, so that the generator's drop-ins follow a definition written or removed
 * here (those with Restart= need it). Logs its error. */
int units_reload(void);

/* Stops the container: the stop signal to its PID 1, then SIGKILL to PID 1 after timeout_usec
 * (the definition's StopTimeout when UINT64_MAX), which ends its whole PID namespace (a fork
 * bomb cannot outrun that); then its scope and container@NAME.service. Succeeds if it was not
 * running. Writes docker's events: kill for each signal, stop once it stopped. */
int units_stop(const char *name, uint64_t timeout_usec);

/* units_stop(), then units_start(): docker's restart, with its events in its order (kill, die,
 * stop, start). A foreground run is refused. */
int units_restart(const char *name);

/* Sends sig to the container's PID 1 (docker kill), and writes the kill event. -ESRCH when the
 * container does not run. */
int units_kill(const char *name, int sig);

/* Writes the event e (pause, unpause, stop) of container name to the journal, after the verb
 * that makes it went through (event.h): "container NAME paused", with its image. Logs a failure,
 * which is not the verb's. */
void units_event(const char *name, ContainerEvent e);

/* "active", "inactive", "failed", "activating", … of container@NAME.service; when only the
 * scope runs (a foreground container), the scope's state. */
int units_active_state(const char *name, char **ret);

/* Waits until the container is no longer running; its exit code in *ret_code. */
int units_wait(const char *name, int *ret_code);

/* Removes the definition (/run's, and the admin's in /etc), the container's files under
 * /var/lib/berth/containers/NAME, and the failed state of its units. */
int units_remove_files(const char *name);
