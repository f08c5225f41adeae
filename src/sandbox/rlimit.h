/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Ulimit= (docker's --ulimit): the limits of a container's processes, set on the calling process
 * before it takes on the container's user and capabilities (raising a hard limit needs
 * CAP_SYS_RESOURCE, which the container does not keep), so that the payload and every exec
 * inherit them. ulimits are Ulimit='s checked entries (definition-process.h). -EINVAL for an
 * entry that does not parse (the parser took it: never), else setrlimit()'s error, with
 * *ret_failed (if not NULL) the entry it failed on. Does not log. */
int rlimit_apply(char *const *ulimits, const char **ret_failed);
