/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "lease.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"

static int lease_dir(int *ret_fd) {
        _cleanup_free_ char *dir = NULL;
        int fd;

        dir = path_join(berth_runtime_dir(), "leases");
        if (!dir)
                return -ENOMEM;
        fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                int r = mkdir_p(dir, 0755);
                if (r < 0)
                        return r;
                fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

static int read_owner(int fd, char **ret) {
        char buf[NAME_MAX + 2];
        ssize_t n;

        n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        if (!ret)
                return 0;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

/* Tries to take one address. 1: ours now; 0: held by someone else; <0: error. */
static int try_take(int dir_fd, struct in_addr addr, const char *name, int *ret_fd, char **ret_owner) {
        char file[INET_ADDRSTRLEN];
        struct stat st_fd, st_path;

        inet_ntop(AF_INET, &addr, file, sizeof(file));
        for (unsigned attempt = 0; attempt < 8; attempt++) {
                _cleanup_close_ int fd = -EBADF;
                char line[NAME_MAX + 2];
                int n;

                fd = openat(dir_fd, file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return -errno;
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                        if (errno != EWOULDBLOCK)
                                return -errno;
                        if (ret_owner)
                                (void) read_owner(fd, ret_owner);
                        return 0;
                }
                /* Locked; but a releaser may have unlinked it between our open and flock: then
                 * the path is somebody else's (or nobody's) now. */
                if (fstat(fd, &st_fd) < 0)
                        return -errno;
                if (fstatat(dir_fd, file, &st_path, AT_SYMLINK_NOFOLLOW) < 0 || st_fd.st_ino != st_path.st_ino ||
                    st_fd.st_dev != st_path.st_dev)
                        continue;
                n = snprintf(line, sizeof(line), "%s\n", name);
                if (ftruncate(fd, 0) < 0 || pwrite(fd, line, n, 0) != n)
                        return -errno ?: -EIO;
                *ret_fd = TAKE_FD(fd);
                return 1;
        }
        return -EAGAIN;
}

int lease_acquire(const NetworkConfig *c, const char *name, uint32_t want, Lease *ret, char **ret_owner) {
        _cleanup_close_ int dir_fd = -EBADF;
        uint32_t first = subnet4_first_host(c->prefix), last = subnet4_last_host(c->prefix);
        int r, fd = -EBADF;

        r = lease_dir(&dir_fd);
        if (r < 0)
                return r;

        if (want != 0) {
                struct in_addr a;

                if (want < first || want > last)
                        return -EDOM;
                a = subnet4_host(c->subnet, want);
                r = try_take(dir_fd, a, name, &fd, ret_owner);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -EADDRINUSE;
                *ret = (Lease) { .fd = fd, .addr = a, .host = want };
                return 0;
        }

        /* Lowest free first, as docker does: predictable addresses for the first containers. */
        for (uint32_t h = first; h <= last; h++) {
                struct in_addr a = subnet4_host(c->subnet, h);

                r = try_take(dir_fd, a, name, &fd, NULL);
                if (r < 0)
                        return r;
                if (r > 0) {
                        *ret = (Lease) { .fd = fd, .addr = a, .host = h };
                        return 0;
                }
        }
        return -EADDRNOTAVAIL;
}

void lease_release(Lease *l) {
        _cleanup_close_ int dir_fd = -EBADF;
        char file[INET_ADDRSTRLEN];

        if (l->fd < 0)
                return;
        /* Unlink while still locked: a racing taker re-checks the path after its flock(). */
        if (lease_dir(&dir_fd) >= 0) {
                inet_ntop(AF_INET, &l->addr, file, sizeof(file));
                (void) unlinkat(dir_fd, file, 0);
        }
        l->fd = safe_close(l->fd);
}

int lease_release_stale(struct in_addr addr, const char *name) {
        _cleanup_close_ int dir_fd = -EBADF;
        Lease l = LEASE_NULL;
        _cleanup_free_ char *owner = NULL;
        char file[INET_ADDRSTRLEN];
        int r, fd;

        r = lease_dir(&dir_fd);
        if (r < 0)
                return r;
        inet_ntop(AF_INET, &addr, file, sizeof(file));
        fd = openat(dir_fd, file, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        l.fd = fd;
        l.addr = addr;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                safe_close(fd);
                return 0; /* held: not ours to release */
        }
        if (read_owner(fd, &owner) >= 0 && streq(owner, name))
                lease_release(&l);
        else
                safe_close(fd);
        return 0;
}

int lease_owner(struct in_addr addr, char **ret_owner) {
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF;
        char file[INET_ADDRSTRLEN];
        int r;

        r = lease_dir(&dir_fd);
        if (r < 0)
                return r;
        inet_ntop(AF_INET, &addr, file, sizeof(file));
        fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (flock(fd, LOCK_SH | LOCK_NB) >= 0)
                return 0; /* nobody holds it */
        if (ret_owner)
                (void) read_owner(fd, ret_owner);
        return 1;
}
