/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads a whole regular file opened relative to dir_fd (AT_FDCWD for paths), refusing anything
 * that is not a regular file (a FIFO in an image must not hang us) and anything larger than
 * max_size (-EFBIG). The result is NUL-terminated. */
int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size);
/* Same for an fd already open; does not close it. */
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);

/* Writes s to path (O_CREAT|O_TRUNC|O_CLOEXEC, mode), atomically via a temp file and rename when
 * atomic is set. */
int write_string_file(const char *path, const char *s, mode_t mode, bool atomic);

/* mkdir -p with mode for every component created. */
int mkdir_p(const char *path, mode_t mode);

/* Removes the tree below and including path, never crossing into another file system and never
 * following symlinks. -ENOENT is success. */
int rm_rf(const char *path);

int fd_set_cloexec(int fd, bool cloexec);

/* Closes every fd from 3 up but those in except (any order; negative entries are ignored), with
 * close_range(2) between them: what a process keeps before it enters a container is a list, not
 * whatever it happened to inherit. */
int close_all_fds_except(const int *except, size_t n);

/* loop write until done; -EIO on a short write of 0. */
int loop_write(int fd, const void *buf, size_t n);
