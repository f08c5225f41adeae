/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* The host's Linux security modules, as far as berth goes (AppArmor=, SecurityLabel*=,
 * definition-extra.h): whether AppArmor and SELinux are enabled, and the AppArmor profile a
 * process executes under next, as runc's apparmor.ApplyProfile() sets it. */

/* AppArmor is enabled: its securityfs directory exists and the module says Y (runc's test). */
bool lsm_apparmor_enabled(void);
/* SELinux is enabled: selinuxfs is mounted at /sys/fs/selinux. */
bool lsm_selinux_enabled(void);

/* The calling task's next execve() enters AppArmor profile (written as "exec PROFILE" to
 * /proc/self/attr/apparmor/exec, or attr/exec on kernels before 5.8). Call it before
 * no_new_privs and seccomp; the task, and what it forks before then, inherit it. -ENOENT for a
 * profile the kernel has not loaded; another negative errno for a failed write. */
int lsm_apparmor_exec(const char *profile);
