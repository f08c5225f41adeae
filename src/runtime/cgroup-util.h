/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* A process's cgroups, read as the host sees them, for the supervisor (libc only): systemd owns
 * them, berth only reads. */

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The cgroup of controller ("memory", "freezer") in the text of /proc/PID/cgroup: v1's
 * "N:…controller…:/path", else v2's "0::/path" (*ret_unified). -ENOENT when neither is there. */
int proc_cgroup_parse(const char *text, const char *controller, char **ret_path, bool *ret_unified);

/* The same for pid, read from /proc. */
int proc_cgroup_of(pid_t pid, const char *controller, char **ret_path, bool *ret_unified);

/* Whether pid is frozen (berth pause): v2's cgroup.events "frozen 1", or a v1 freezer cgroup of
 * its own that is not THAWED. False when it cannot tell. */
bool cgroup_pid_is_frozen(pid_t pid);
