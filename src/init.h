/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth's tiny init for --init / RunInit=yes: PID 1 of the container, it starts the payload,
 * reaps every zombie, forwards every catchable signal to the payload, and exits with the
 * payload's status (128 + signal when a signal ended it). */
_Noreturn void init_run(char **argv, char **envp);

/* Docker's codes for a failed execve(): 127 when the command is not there, 126 otherwise. */
int exec_error_to_exit_code(int errno_value);
