/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* SeccompProfile=PATH (docker's --security-opt seccomp=PATH): a docker or OCI JSON seccomp
 * profile made into a BPF program with libseccomp, as docker and runc read one:
 *   - defaultAction, defaultErrnoRet; architectures (OCI) or archMap (docker: the native
 *     architecture's entry and its subArchitectures);
 *   - syscalls[]: names (or name), action, errnoRet, args[] (index, value, valueTwo, op), and
 *     docker's includes/excludes (caps, arches, minKernel), judged against the capabilities the
 *     container keeps, the native architecture and the running kernel, as docker's daemon does;
 *   - flags: SECCOMP_FILTER_FLAG_TSYNC (berth's processes have one thread), _LOG, _SPEC_ALLOW.
 * Names libseccomp does not know are skipped, as runc skips them; a rule whose action is the
 * default one says nothing and is skipped too. SCMP_ACT_NOTIFY and listenerPath are refused: they
 * need a listener, which berth does not run. */

/* The largest profile file: docker's own is some 20 KiB. */
#define SECCOMP_PROFILE_SIZE_MAX (1024U * 1024U)

/* Builds the program of the profile text for a process that keeps caps and writes it to fd.
 * -EINVAL with *ret_why (allocated, one line) saying what is wrong, naming the field;
 * libseccomp's other errors as they come. Does not log. */
int seccomp_profile_export_text(const char *text, uint64_t caps, int fd, char **ret_why);

/* The same for the file path (read with the caller's privileges: regular files only, at most
 * SECCOMP_PROFILE_SIZE_MAX): -EINVAL with *ret_why for a file that cannot be read or parsed,
 * saying what is wrong (the caller names the file). */
int seccomp_profile_export(const char *path, uint64_t caps, int fd, char **ret_why);
