/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "lock.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"

static char *lock_path(const char *name) {
        return path_join(berth_runtime_dir(), "locks", name);
}

static bool same_file(int fd, const char *path) {
        struct stat st_fd, st_path;

        return fstat(fd, &st_fd) >= 0 && stat(path, &st_path) >= 0 && st_fd.st_ino == st_path.st_ino &&
               st_fd.st_dev == st_path.st_dev;
}

int lock_take(const char *name, int *ret_fd) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        int r;

        if (!name_is_valid(name))
                return -EINVAL;
        dir = path_join(berth_runtime_dir(), "locks");
        path = lock_path(name);
        if (!dir || !path)
                return -ENOMEM;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                _cleanup_close_ int fd = -EBADF;

                fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (fd < 0)
                        return -errno;
                if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                        return errno == EWOULDBLOCK ? -EBUSY : -errno;
                if (!same_file(fd, path))
                        continue; /* removed meanwhile */
                *ret_fd = TAKE_FD(fd);
                return 0;
        }
        return -EBUSY;
}

int lock_open(const char *name, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        int fd;

        if (!name_is_valid(name))
                return -EINVAL;
        path = lock_path(name);
        if (!path)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int lock_held(const char *name) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        if (!name_is_valid(name))
                return 0;
        path = lock_path(name);
        if (!path)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (flock(fd, LOCK_SH | LOCK_NB) >= 0)
                return 0;
        return errno == EWOULDBLOCK ? 1 : -errno;
}

void lock_forget(const char *name, int fd) {
        _cleanup_free_ char *path = NULL;

        if (fd < 0 || !name_is_valid(name))
                return;
        path = lock_path(name);
        if (path && same_file(fd, path))
                (void) unlink(path);
}

void lock_forget_if_free(const char *name) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        if (!name_is_valid(name))
                return;
        path = lock_path(name);
        if (!path)
                return;
        /* flock() conflicts between two opens of one file even in one process: a caller that
         * holds the lock itself uses lock_forget(). */
        fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) >= 0)
                lock_forget(name, fd);
}
