/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "definition.h"

/* A container's last steps before its process (the payload, or a command berth exec runs)
 * executes: no_new_privs when the definition asks for it, then docker's default seccomp
 * profile, unless the definition is privileged or has SeccompProfile=unconfined.
 *
 * Making the profile's BPF program costs libseccomp 2-15 ms (most of it for the compat ABIs), so
 * it is made once per set of capabilities and kept in RUNTIME_DIR/seccomp (0700, root's, gone at
 * reboot); a start reads that file on the host side into memory, and the child loads it from
 * there at the end. No descriptor of a host file crosses into the container: a process inside
 * that got hold of one (pidfd_getfd(), ptrace) could reopen it for writing through
 * /proc/self/fd and weaken every later container's filter. */

typedef struct SeccompProgram {
        struct sock_filter *filter; /* NULL: no filter (unconfined, privileged) */
        unsigned short len;
} SeccompProgram;

#define SECCOMP_PROGRAM_NULL ((SeccompProgram) {})

void seccomp_program_done(SeccompProgram *p);

/* On the host side, before the child enters the container: *ret is the program for the
 * capabilities the definition keeps, or empty when it runs unconfined. Logs its error. */
int confine_prepare(const Definition *d, SeccompProgram *ret);

/* In the child, after every mount and before caps_drop_to(): without no_new_privs the kernel
 * loads a filter only for a task with CAP_SYS_ADMIN, and the profile lets through everything
 * caps_drop_to() and execve() need. p from confine_prepare(). Does not log. */
int confine(const Definition *d, const SeccompProgram *p);

/* The last steps of every process that berth starts inside a container (the payload's child, berth
 * exec's joiner), in their order: confine() above, then caps_drop_to() with the capabilities the
 * definition keeps, then the parent-death signal set again (a change of user clears it). The
 * caller makes sure afterwards that its parent is still there. Does not log. */
int confine_enter(const Definition *d, const SeccompProgram *p, uid_t uid, gid_t gid, const gid_t *groups,
                  size_t n_groups);

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

/* Reads the program in fd (from offset 0) into memory. */
int confine_program_read(int fd, SeccompProgram *ret);

/* Loads a program as a seccomp filter of the calling thread. */
int confine_program_load(const SeccompProgram *p);

/* Both at once: the program in fd as a filter of the calling thread. */
int confine_load(int fd);
