/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's --ipc host and --ipc container:NAME share /dev/shm with the IPC namespace, so that
 * POSIX shared memory (shm_open(), files in /dev/shm) is shared as System V's is.
 *
 * shm_share() puts the /dev/shm of another mount namespace on the container's /dev/shm (under
 * root_fd, before pivot_root()): the host's (pidfd -EBADF: the copy of the host's mounts the
 * child's namespace began with), or that of the container whose PID 1 pidfd names, entered
 * for as long as it takes to clone its mount. Only a tmpfs is taken. Does not log. */
int shm_share(int pidfd, int root_fd);
