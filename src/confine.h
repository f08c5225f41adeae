/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "definition.h"

/* A container's last steps before its process (the payload, or a command berth exec runs)
 * executes: no_new_privs when the definition asks for it, then docker's default seccomp
 * profile, unless the definition is privileged or has SeccompProfile=unconfined.
 *
 * Making the profile's BPF program costs libseccomp 2-15 ms (most of it for the compat ABIs), so
 * it is made once per set of capabilities and kept in RUNTIME_DIR/seccomp (0700, root's, gone at
 * reboot); a start opens that file on the host side and the child loads it at the end. */

/* On the host side, before the child enters the container: *ret_fd is the program for the
 * capabilities the definition keeps, or -EBADF when it runs unconfined. Logs its error. */
int confine_prepare(const Definition *d, int *ret_fd);

/* In the child, after every mount and before caps_drop_to(): without no_new_privs the kernel
 * loads a filter only for a task with CAP_SYS_ADMIN, and the profile lets through everything
 * caps_drop_to() and execve() need. profile_fd from confine_prepare(). Does not log. */
int confine(const Definition *d, int profile_fd);

/* Docker's default profile for a process that keeps caps: every system call not allowed fails
 * with EPERM; calls that only a capability makes useful (mount, setns, bpf, ptrace of other
 * processes, kernel modules …) are allowed when caps holds it; clone() with namespace flags is
 * refused without CAP_SYS_ADMIN, and clone3() answers ENOSYS so that libc falls back to clone();
 * personality() only with the values docker allows; socket() of every family but AF_VSOCK. The
 * native architecture's compat ABIs are covered too (x86 on x86-64, arm on aarch64, s390 on
 * s390x; not x32). Calls libseccomp does not know stay refused. Writes the BPF program to fd. */
int confine_syscalls_export(uint64_t caps, int fd);

/* The file of the program for caps, made on first use. */
int confine_profile_open(uint64_t caps, int *ret_fd);

/* Loads the program in fd (from offset 0) as a seccomp filter of the calling thread. */
int confine_load(int fd);
