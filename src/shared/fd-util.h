/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stat;

/* Reads a whole regular file opened relative to dir_fd (AT_FDCWD for paths), refusing anything
 * that is not a regular file (a FIFO in an image must not hang us) and anything larger than
 * max_size (-EFBIG). The result is NUL-terminated. */
int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size);
/* /proc/PID/NAME (status, stat, cgroup, comm …), whole, at most max_size bytes: -ENOENT when the
 * process is gone. */
int read_proc_pid_file(pid_t pid, const char *name, size_t max_size, char **ret);

/* Same for an fd already open; does not close it. */
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);

/* Writes s to path (O_CREAT|O_TRUNC|O_CLOEXEC, mode), atomically via a temp file and rename when
 * atomic is set. */
int write_string_file(const char *path, const char *s, mode_t mode, bool atomic);

/* Writes s to path as a new file, all or nothing: -EEXIST when path exists, and no partly written
 * or temporary file stays, even if we are killed meanwhile: an unnamed file (O_TMPFILE) is written,
 * then linked in. Where the file system has no O_TMPFILE, a named temporary file next to path. */
int write_string_file_new(const char *path, const char *s, mode_t mode);

/* mkdir -p with mode for every component created. */
int mkdir_p(const char *path, mode_t mode);

/* Removes the tree below and including path, never crossing into another file system and never
 * following symlinks, at any depth (tree_walk_at()). -ENOENT is success. An immutable or
 * append-only attribute (chattr +i/+a) in the way is cleared: rm_rf() is only ever asked to remove
 * what berth itself made, and such an attribute there would make the removal fail for good. */
int rm_rf(const char *path);

/* path (relative to dir_fd; "." for dir_fd itself; a symlink is not followed) as a DIR of its own:
 * a description of its own, so that its reading position is not one another reader of dir_fd
 * shares. */
int opendir_at(int dir_fd, const char *path, DIR **ret);

typedef enum TreeWalkEvent {
        TREE_WALK_ENTRY, /* an entry of any type, as its directory is read; for a directory, before
                          * anything in it */
        TREE_WALK_ENTER, /* a directory, opened, as the walk goes into it */
        TREE_WALK_LEAVE, /* a directory, after everything in it */
} TreeWalkEvent;

/* A TreeWalkFunc's answer to TREE_WALK_ENTRY of a directory: do not enter it. */
#define TREE_WALK_SKIP 1

typedef struct TreeWalkItem {
        TreeWalkEvent event;
        const char *name;      /* the entry's name in its directory */
        const struct stat *st; /* its lstat(), or fstat() once opened */
        const char *dir_path;  /* its directory's path below the top: "" for the top, "a/b" below */
        int dir_fd;            /* its directory */
        int dir_aux_fd;        /* the fd paired with its directory (below), or -EBADF */
        int fd;                /* ENTER and LEAVE: the directory itself; -EBADF for ENTRY */
        int aux_fd;            /* ENTER: -EBADF; set it to pair an fd (of another tree, say) with the
                                * directory: the walk owns it from then, keeps it bounded as its own,
                                * and hands it back as dir_aux_fd of the directory's entries and as
                                * aux_fd at its LEAVE. LEAVE: that fd, or -EBADF. */
} TreeWalkItem;

/* A negative return stops the walk with that error. */
typedef int (*TreeWalkFunc)(TreeWalkItem *item, void *userdata);

/* Walks the tree below dir_fd (not dir_fd itself) depth first, never following a symlink, at any
 * depth and with a bounded number of file descriptors: deep down, a directory's fd (and its paired
 * one) is given up and found again through ".." on the way back, checked to be the same inode. A
 * directory's entries are all read before any subdirectory is entered. A directory replaced or
 * moved while it is walked stops the walk with -EBUSY; an entry removed meanwhile is passed over.
 * aux_fd (if not negative; not taken) is paired with dir_fd. */
int tree_walk_at(int dir_fd, int aux_fd, TreeWalkFunc f, void *userdata);

/* du --apparent-size --bytes of dir_fd: every inode once (hard links counted once), the
 * directories themselves included, symlinks not followed; any depth. */
int tree_size_at(int dir_fd, uint64_t *ret);

int fd_set_cloexec(int fd, bool cloexec);

/* Closes every fd from 3 up but those in except (any order; negative entries are ignored), with
 * close_range(2) between them: what a process keeps before it enters a container is a list, not
 * whatever it happened to inherit. */
int close_all_fds_except(const int *except, size_t n);

/* loop write until done; -EIO on a short write of 0. */
int loop_write(int fd, const void *buf, size_t n);

/* Reads exactly n bytes, through EINTR and short reads; -EIO when the file ends before. */
int loop_read_exact(int fd, void *buf, size_t n);
