/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Pausing a container: every process of container-NAME.scope frozen, then thawed (see freezer.c
 * for cgroup v1, where systemd does not freeze). */

/* Freezes (or thaws) the container's processes. Logs its error: -ESRCH when it does not run. */
int freezer_set_paused(const char *name, bool freeze);

/* "running", "freezing", "frozen" (or systemd's other FreezerState values): systemd's word on
 * cgroup v2, the v1 freezer's otherwise. */
int freezer_state(sd_bus *bus, const char *name, char **ret);

/* Thaws the container if it is paused, so that a stop or a signal reaches it. Logs its error. */
int freezer_thaw_if_paused(const char *name);
