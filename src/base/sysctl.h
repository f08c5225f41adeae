/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Sysctl=/--sysctl: kernel settings of the container's own namespaces, as docker's --sysctl.
 * Only keys that belong to a namespace the container has of its own are accepted, never one of
 * the host's (CRI-O CVE-2022-0811 let a value carry a second key): keys are dotted names,
 * [A-Za-z0-9_-] between the dots, no "/", "+", empty or ".." components; values hold no
 * newline and no "+". */

typedef enum SysctlNamespace {
        SYSCTL_IPC, /* kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* */
        SYSCTL_UTS, /* kernel.domainname (the host name is HostName=) */
        SYSCTL_NET, /* net.*: needs a network namespace of the container's own */
        _SYSCTL_NAMESPACE_INVALID = -22,
} SysctlNamespace;

/* The namespace of key; -EINVAL for a malformed key, -EPERM for one no namespace has. */
int sysctl_namespace(const char *key);

/* "KEY=VALUE": the namespace of KEY as above, or -EINVAL for a missing "=", a bad value. */
int sysctl_check(const char *assignment);

/* Writes each KEY=VALUE through /proc/sys, which resolves them in the caller's namespaces: call
 * in the container's child, once it is in its network namespace. On failure *ret_failed is the
 * assignment that failed. Does not log. */
int sysctl_apply(char *const *assignments, const char **ret_failed);
