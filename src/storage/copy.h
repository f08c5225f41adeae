/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Copying a directory tree from one fd to another: image import and volume copy-up.
 *
 * Everything goes through fds of directories we hold (openat with O_NOFOLLOW, fstatat with
 * AT_SYMLINK_NOFOLLOW, mkdirat, symlinkat, mknodat, linkat from the destination root), so a
 * hostile source can never make us read or write outside the two trees: symlinks are copied as
 * symlinks and never followed, devices and FIFOs are recreated and never opened, sockets are
 * skipped. Owners, modes (including setuid bits), timestamps, xattrs and hard links are kept.
 * Trees of any depth are copied with a bounded number of fds (tree_walk_at()).
 *
 * The destination is expected to be new and empty (entries are created with O_EXCL semantics,
 * an existing one is an error). The copy stops at the first error and returns it; the caller
 * throws the destination away, so copy into a staging directory and rename it into place. */

typedef enum CopyFlags {
        COPY_ROOT_ATTRS = 1 << 0, /* also give the destination root the source root's owner, mode,
                                   * xattrs and times */
        COPY_WRITEBACK = 1 << 1,  /* start writing file data to disk as it is copied, for a caller
                                   * that syncs at the end: the final sync then has little left */
} CopyFlags;

/* Copies the contents of src_dirfd into dst_dirfd. Neither fd is closed nor moved. */
int copy_tree_at(int src_dirfd, int dst_dirfd, CopyFlags flags);

/* Same, opening both (existing) directories with O_DIRECTORY|O_NOFOLLOW. */
int copy_tree(const char *src, const char *dst, CopyFlags flags);
