/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What several verbs do with a container's units over sd-bus. Each logs its own failure. */

/* The definition file of NAME (/etc before /run) in *ret; -ENOENT if there is none (not
 * logged). */
int units_definition_path(const char *name, char **ret);

/* Logs "image 'X' not found" and returns -ENOENT when the image does not exist. */
int units_check_image(const char *image);

/* Starts container@NAME.service and waits for it to run (READY=1). On failure says why,
 * with the helper's own error line from the journal where there is one. */
int units_start(const char *name);

/* Stops the container: its scope first (stop signal, then SIGKILL after timeout_usec, or
 * the definition's StopTimeout when UINT64_MAX), then container@NAME.service. Succeeds if
 * it was not running. */
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
