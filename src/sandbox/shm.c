/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs in the container's child after clone(), before pivot_root(): its own mount namespace (a
 * copy of the host's), all capabilities, not dumpable, in its own pid namespace, so that nothing
 * of the container it visits can see or trace it while it is in that container's mounts. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount.h"
#include "shm.h"

/* A clone of the /dev/shm mount seen from the current root, never through a symlink: a
 * container's /dev/shm is its own to replace, and whatever it put there must not lead elsewhere. */
static int clone_shm(void) {
        _cleanup_close_ int root = -EBADF, fd = -EBADF;
        struct statfs fs;
        int tree;

        root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        fd = open_in_root(root, "/dev/shm", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
        if (fd < 0)
                return fd;
        if (fstatfs(fd, &fs) < 0)
                return -errno;
        if (fs.f_type != TMPFS_MAGIC)
                return -EMEDIUMTYPE;
        tree = (int) syscall(__NR_open_tree, fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        return tree < 0 ? -errno : tree;
}

int shm_share(int pidfd, int root_fd) {
        _cleanup_close_ int own = -EBADF, tree = -EBADF, target = -EBADF, check = -EBADF;
        struct stat a, b;

        if (pidfd >= 0) {
                /* Into the other container's mounts (and its root) and back: the clone is detached,
                 * and moving it into our own namespace is allowed. */
                own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
                if (own < 0)
                        return -errno;
                if (setns(pidfd, CLONE_NEWNS) < 0)
                        return -errno;
                tree = clone_shm();
                if (setns(own, CLONE_NEWNS) < 0)
                        return -errno; /* the caller fails the start: we are not where we were */
        } else
                tree = clone_shm();
        if (tree < 0)
                return tree;

        target = open_in_root(root_fd, "/dev/shm", O_PATH | O_DIRECTORY, 0);
        if (target < 0)
                return target;
        if (syscall(__NR_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        /* What the container's /dev/shm now shows is that file system. */
        check = open_in_root(root_fd, "/dev/shm", O_PATH | O_DIRECTORY, 0);
        if (check < 0)
                return check;
        if (fstat(check, &a) < 0 || fstat(tree, &b) < 0)
                return -errno;
        if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                return -EBUSY;
        return 0;
}
