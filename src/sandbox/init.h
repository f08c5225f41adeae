/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

/* berth's tiny init for --init / RunInit=yes, in the manner of tini. It becomes the main loop of
 * the calling process, normally PID 1 of the container after pivot_root(), the user switch and the
 * capability drop: it forks the payload, reaps every zombie, forwards every catchable signal to the
 * payload (the process only, not its group, as tini does by default) and exits with the payload's
 * status, 128 + the signal when a signal ended it. Not PID 1 (a test, a shared pid namespace), it
 * makes itself a child subreaper so that orphans still come to it. The payload gets a process group
 * of its own, made the terminal's foreground group when stdin is a terminal, default signal
 * handlers and an empty signal mask. */
_noreturn_ void init_run(char **argv, char **envp);

/* execve() of argv with envp, looking argv[0] up in envp's PATH (not ours) when it has no '/', as
 * execvpe() would, but never falling back to running a file through /bin/sh on ENOEXEC (docker
 * does not either). Returns only on failure, with a negative errno: -ENOENT when no candidate
 * exists, -EACCES when one existed but could not be executed. */
int init_exec(char **argv, char **envp);

/* Docker's codes for a failed exec: 127 when the command is not there (ENOENT, ENOTDIR), 126 when
 * it cannot be run. Takes a positive errno value. */
int exec_error_to_exit_code(int errno_value);

/* berth-init as the container's PID 1 runs from a copy in a sealed memfd, as runc runs itself:
 * its /proc/1/exe is then that copy, which nobody can write to, and never the host's file, which
 * a process inside that may trace PID 1 could otherwise reopen for writing once the init ended
 * (CVE-2019-5736). The copy costs one sendfile() of a small static binary. Called on the host
 * side, before clone(); path is the installed berth-init. */
int init_open_sealed(const char *path, int *ret_fd);
