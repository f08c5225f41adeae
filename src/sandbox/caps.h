/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Capabilities as bit masks, bit N = capability N (1ULL << CAP_CHOWN, …). */

/* Docker's default set (SECURITY.md): CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID,
 * SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE = 0x00000000a80425fb. */
uint64_t caps_default(void);

/* Every capability the running kernel knows. */
uint64_t caps_all(void);

/* The set a container keeps, with docker's rules: --privileged gives all (add and drop are
 * ignored); otherwise (default - drop) + add, so adds win ("--cap-drop ALL --cap-add X" is X), and
 * an add of every capability (ALL) means all - drop. Bits the kernel does not know are dropped. */
uint64_t caps_compute(uint64_t add, uint64_t drop, bool privileged);

/* Sets the effective set to effective ∩ permitted, leaving permitted (and so the way back) as it
 * is. Used around every read of a file inside a container that happens while we are still root
 * with the helper's capabilities: the read gets the container's own powers, never CAP_SYSLOG,
 * CAP_SYS_ADMIN … of the host (a /etc/passwd that is a symlink to /proc/kmsg). Does not log. */
int caps_limit_effective(uint64_t effective);

/* The permitted set of the calling thread. */
int caps_permitted(uint64_t *ret);

/* Becomes uid/gid with exactly the supplementary groups given (none when n_groups is 0: the
 * helper's groups never leak in) and the capability set keep, for good. In this order, because each
 * step needs a capability that a later one gives up:
 *   bounding set cut to keep (needs CAP_SETPCAP) → ambient cleared → setgroups, setresgid
 *   (CAP_SETGID) → setresuid under PR_SET_KEEPCAPS (CAP_SETUID) → capset.
 * Afterwards inheritable and ambient are empty; effective = permitted = keep for uid 0, and empty for
 * any other uid (docker's semantics: a non-root payload gains capabilities only from file
 * capabilities, within the bounding set). keep is clamped to what the caller holds. Runs in the
 * container's child after pivot_root(); does not log. */
int caps_drop_to(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups);
