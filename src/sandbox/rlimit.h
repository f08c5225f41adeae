/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* Ulimit= (docker's --ulimit): the limits of a container's processes, set on the calling process
 * before it takes on the container's user and capabilities (raising a hard limit needs
 * CAP_SYS_RESOURCE, which the container does not keep), so that the payload and every exec
 * inherit them. ulimits are Ulimit='s checked entries (definition-process.h). -EINVAL for an
 * entry that does not parse (the parser took it: never), else setrlimit()'s error, with
 * *ret_failed (if not NULL) the entry it failed on. Does not log. */
int rlimit_apply(char *const *ulimits, const char **ret_failed);

/* Issue 18: the same for process pid (0: the caller), through prlimit(2): a child in a user
 * namespace of its own has CAP_SYS_RESOURCE only there, which raising a hard limit does not
 * count, so its parent sets them on it. */
int rlimit_apply_pid(pid_t pid, char *const *ulimits, const char **ret_failed);
