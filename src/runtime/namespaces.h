/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "definition.h"

/* The namespaces docker's --ipc, --uts, --pid and --cgroupns choose (IPC=, UTS=, PID=,
 * CgroupNS=): which ones the child is cloned into, and, for container:NAME, a pidfd of that
 * container's PID 1 through which its namespace is joined (setns(), as exec joins a container):
 * by the child for IPC= and UTS=, by the parent around clone() for PID=, since a process cannot
 * change its own pid namespace, only its children's. */

/* The CLONE_NEW* flags of the child: mount always; pid, uts and ipc unless the host's or another
 * container's is taken; net with new_netns. Not cgroup: the child makes that one itself, once in
 * its scope. */
unsigned long namespaces_clone_flags(const Definition *d, bool new_netns);

/* For IPC=, UTS= and PID= container:NAME, a pidfd of NAME's PID 1 (-EBADF where there is none to
 * join), refused with one line when NAME is not running. Logs its errors. */
int namespaces_open_joins(const Definition *d, int *ret_ipc_fd, int *ret_uts_fd, int *ret_pid_fd);

/* PID=container:NAME: the children we make from now on are born in the pid namespace of pidfd's
 * process (nothing when pidfd is -EBADF); *ret_own is ours, to go back to with
 * namespaces_pid_leave(). Logs its errors. */
int namespaces_pid_enter(int pidfd, int *ret_own);
/* Back to our own pid namespace for our children; own is closed. Logs its errors. */
int namespaces_pid_leave(int own);
