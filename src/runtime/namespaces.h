/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "definition.h"

/* The namespaces docker's --ipc, --uts and --cgroupns choose (IPC=, UTS=, CgroupNS=): which ones
 * the child is cloned into, and, for container:NAME, a pidfd of that container's PID 1 through
 * which the child joins its namespace (setns(), as exec joins a container). */

/* The CLONE_NEW* flags of the child: mount and pid always; uts and ipc unless the host's is
 * taken; net with new_netns. Not cgroup: the child makes that one itself, once in its scope. */
unsigned long namespaces_clone_flags(const Definition *d, bool new_netns);

/* For IPC= and UTS= container:NAME, a pidfd of NAME's PID 1 (-EBADF where there is none to
 * join), refused with one line when NAME is not running. Logs its errors. */
int namespaces_open_joins(const Definition *d, int *ret_ipc_fd, int *ret_uts_fd);
