/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Undoing a container, in two depths, each idempotent (-ENOENT is success): what a run leaves
 * in /run, and the container itself. Called by the run on every path out, by ExecStopPost=, by a
 * foreground run's guard, and by berth rm. Do not log. */

/* What a run left in /run: its network (published ports, lease: see container-network.h) and
 * RUNTIME/NAME with its hosts, hostname and resolv.conf. */
int teardown_cleanup(const char *name);

/* The container: its files under STATE/containers/NAME, then its definition under RUNTIME (and the
 * admin's in CONFIG when asked), so that a definition gone means a container gone; and its lock
 * file, if nobody holds it (one who does calls lock_forget() itself). */
int teardown_remove(const char *name, bool including_config);
