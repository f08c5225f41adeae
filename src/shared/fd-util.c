/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"

int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n = 0, allocated;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
        if ((uint64_t) st.st_size > max_size)
                return -EFBIG;

        allocated = (size_t) st.st_size + 1;
        if (allocated < 4096)
                allocated = 4096;
        buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                ssize_t k;

                if (n + 1 >= allocated) {
                        char *t;

                        if (allocated > max_size + 1)
                                return -EFBIG;
                        allocated = MIN(allocated * 2, max_size + 2);
                        t = realloc(buf, allocated);
                        if (!t)
                                return -ENOMEM;
                        buf = t;
                }
                k = read(fd, buf + n, allocated - n - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max_size)
                        return -EFBIG;
        }
        buf[n] = 0;
        if (ret_size)
                *ret_size = n;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;

        /* O_NONBLOCK so that opening a FIFO never blocks; read_full_fd() then refuses it. */
        fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, max_size, ret, ret_size);
}

int loop_write(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int write_string_file(const char *path, const char *s, mode_t mode, bool atomic) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!atomic) {
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);
                if (fd < 0)
                        return -errno;
                return loop_write(fd, s, strlen(s));
        }

        if (asprintf(&tmp, "%s.tmp.%d", path, (int) getpid()) < 0)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, s, strlen(s));
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlink(tmp);
        return r;
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                if (*s == '/' || *s == 0) {
                        char c = *s;

                        *s = 0;
                        if (mkdir(p, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *s = c;
                        if (!c)
                                break;
                }
        }
        return 0;
}

/* Directories deeper than this give up their fd while a subdirectory is walked. */
#define TREE_WALK_FDS_KEPT 32U

typedef struct WalkEntry {
        char *name;
        struct stat st;
} WalkEntry;

typedef struct WalkDir {
        int fd; /* -EBADF while given up */
        WalkEntry self;  /* its name in its parent (NULL for the top) and its stat */
        WalkEntry *subdirs; /* still to enter */
        size_t n_subdirs, next;
} WalkDir;

static void walk_dir_done(WalkDir *w) {
        w->fd = safe_close(w->fd);
        free(w->self.name);
        for (size_t i = w->next; i < w->n_subdirs; i++)
                free(w->subdirs[i].name);
        free(w->subdirs);
        *w = (WalkDir) { .fd = -EBADF };
}

/* Reads all of w's entries, hands each to f, and keeps the subdirectories to enter. */
static int walk_scan(WalkDir *w, TreeWalkFunc f, void *userdata) {
        _cleanup_closedir_ DIR *d = NULL;
        size_t allocated = 0;
        struct dirent *de;
        int fd, r;

        fd = openat(w->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        for (;;) {
                struct stat st;

                errno = 0;
                de = readdir(d);
                if (!de)
                        return errno > 0 ? -errno : 0;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(w->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno == ENOENT) /* removed meanwhile */
                                continue;
                        return -errno;
                }
                r = f(w->fd, de->d_name, &st, TREE_WALK_ENTRY, userdata);
                if (r < 0)
                        return r;
                if (!S_ISDIR(st.st_mode) || r == TREE_WALK_SKIP)
                        continue;
                if (w->n_subdirs == allocated) {
                        size_t n = MAX(allocated * 2, (size_t) 8);
                        WalkEntry *t = reallocarray(w->subdirs, n, sizeof(WalkEntry));

                        if (!t)
                                return -ENOMEM;
                        w->subdirs = t;
                        allocated = n;
                }
                w->subdirs[w->n_subdirs].name = strdup(de->d_name);
                if (!w->subdirs[w->n_subdirs].name)
                        return -ENOMEM;
                w->subdirs[w->n_subdirs++].st = st;
        }
}

static bool same_inode(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* An explicit stack instead of recursion: the depth of a tree in an image is the image's choice. */
int tree_walk_at(int dir_fd, TreeWalkFunc f, void *userdata) {
        _cleanup_free_ WalkDir *stack = NULL;
        size_t n = 0, allocated = 0;
        int r;

        allocated = 16;
        stack = calloc(allocated, sizeof(WalkDir));
        if (!stack)
                return -ENOMEM;
        stack[0] = (WalkDir) { .fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
        n = 1;
        if (stack[0].fd < 0 || fstat(stack[0].fd, &stack[0].self.st) < 0) {
                r = -errno;
                goto finish;
        }
        r = walk_scan(&stack[0], f, userdata);
        if (r < 0)
                goto finish;

        while (n > 0) {
                WalkDir *cur = &stack[n - 1], *parent;

                if (cur->next < cur->n_subdirs) {
                        WalkEntry *sub = &cur->subdirs[cur->next++];
                        _cleanup_free_ char *name = TAKE_PTR(sub->name);
                        _cleanup_close_ int fd = -EBADF;
                        struct stat st;

                        fd = openat(cur->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
                        if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership or CAP_FOWNER */
                                fd = openat(cur->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (fd < 0 && errno == ENOENT)
                                continue;
                        if (fd < 0) {
                                r = -errno;
                                goto finish;
                        }
                        if (fstat(fd, &st) < 0) {
                                r = -errno;
                                goto finish;
                        }
                        if (!same_inode(&st, &sub->st)) {
                                r = -EBUSY; /* replaced since it was listed */
                                goto finish;
                        }
                        if (n == allocated) {
                                WalkDir *t = reallocarray(stack, allocated * 2, sizeof(WalkDir));

                                if (!t) {
                                        r = -ENOMEM;
                                        goto finish;
                                }
                                stack = t;
                                allocated *= 2;
                                cur = &stack[n - 1];
                        }
                        /* Bounded fds: the top levels keep theirs (most trees are shallow); deeper
                         * ones find theirs again through "..". */
                        if (n > TREE_WALK_FDS_KEPT)
                                cur->fd = safe_close(cur->fd);
                        stack[n++] = (WalkDir) { .fd = TAKE_FD(fd), .self = { TAKE_PTR(name), st } };
                        r = walk_scan(&stack[n - 1], f, userdata);
                        if (r < 0)
                                goto finish;
                        continue;
                }

                if (n == 1)
                        break;
                parent = &stack[n - 2];
                if (parent->fd < 0) {
                        struct stat st;

                        parent->fd = openat(cur->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (parent->fd < 0 || fstat(parent->fd, &st) < 0) {
                                r = -errno;
                                goto finish;
                        }
                        if (!same_inode(&st, &parent->self.st)) {
                                r = -EBUSY; /* moved while we were inside */
                                goto finish;
                        }
                }
                cur->fd = safe_close(cur->fd);
                r = f(parent->fd, cur->self.name, &cur->self.st, TREE_WALK_LEAVE, userdata);
                walk_dir_done(cur);
                n--;
                if (r < 0)
                        goto finish;
        }
        r = 0;
finish:
        for (size_t i = 0; i < n; i++)
                walk_dir_done(&stack[i]);
        return r;
}

typedef struct Inode {
        dev_t dev;
        ino_t ino;
} Inode;

static int inode_compare(const void *a, const void *b) {
        const Inode *x = a, *y = b;

        if (x->dev != y->dev)
                return x->dev < y->dev ? -1 : 1;
        if (x->ino != y->ino)
                return x->ino < y->ino ? -1 : 1;
        return 0;
}

typedef struct SizeWalk {
        void *seen; /* tsearch() tree of Inode: files with more than one link, counted once */
        uint64_t size;
} SizeWalk;

static int add_size(int dir_fd, const char *name, const struct stat *st, TreeWalkEvent event, void *userdata) {
        SizeWalk *w = userdata;

        if (event != TREE_WALK_ENTRY)
                return 0;
        if (!S_ISDIR(st->st_mode) && st->st_nlink > 1) {
                Inode *i = malloc(sizeof(Inode)), **found;

                if (!i)
                        return -ENOMEM;
                *i = (Inode) { .dev = st->st_dev, .ino = st->st_ino };
                found = tsearch(i, &w->seen, inode_compare);
                if (!found) {
                        free(i);
                        return -ENOMEM;
                }
                if (*found != i) { /* counted already */
                        free(i);
                        return 0;
                }
        }
        w->size += (uint64_t) st->st_size;
        return 0;
}

int tree_size_at(int dir_fd, uint64_t *ret) {
        SizeWalk w = {};
        struct stat st;
        int r;

        if (fstat(dir_fd, &st) < 0)
                return -errno;
        w.size = (uint64_t) st.st_size;
        r = tree_walk_at(dir_fd, add_size, &w);
        tdestroy(w.seen, free);
        if (r < 0)
                return r;
        *ret = w.size;
        return 0;
}

/* chattr -i -a on fd: 1 if it had either attribute, 0 if not, negative errno if it cannot say or
 * change it. */
static int clear_immutable(int fd) {
        int flags;

        if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
                return -errno;
        if (!(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
                return 0;
        flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
        if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
                return -errno;
        return 1;
}

/* unlinkat() that, on EPERM, clears an immutable or append-only attribute of the directory or of
 * the entry and tries again. Only regular files and directories are opened for that (the only
 * kinds that carry the attributes; opening anything else could block or reach a device). */
static int unlinkat_forced(int dir_fd, const char *name, const struct stat *st, int flags) {
        bool cleared = false;

        if (unlinkat(dir_fd, name, flags) >= 0 || errno == ENOENT)
                return 0;
        if (errno != EPERM)
                return -errno;
        cleared = clear_immutable(dir_fd) > 0;
        if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) {
                _cleanup_close_ int fd = openat(dir_fd, name,
                                                O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

                if (fd >= 0)
                        cleared = clear_immutable(fd) > 0 || cleared;
        }
        if (!cleared)
                return -EPERM;
        if (unlinkat(dir_fd, name, flags) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

typedef struct RmRf {
        dev_t dev;
        int error; /* the first */
} RmRf;

static int rm_rf_one(int dir_fd, const char *name, const struct stat *st, TreeWalkEvent event, void *userdata) {
        RmRf *rm = userdata;
        int r;

        if (event == TREE_WALK_ENTRY && S_ISDIR(st->st_mode))
                return st->st_dev == rm->dev ? 0 : TREE_WALK_SKIP; /* a mount point: never entered */
        r = unlinkat_forced(dir_fd, name, st, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0);
        if (r < 0 && rm->error == 0)
                rm->error = r;
        return 0; /* as much as can go, goes */
}

int rm_rf(const char *path) {
        _cleanup_close_ int fd = -EBADF;
        RmRf rm = {};
        struct stat st;
        int r;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlink(path) < 0 && errno != ENOENT ? -errno : 0;

        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        rm.dev = st.st_dev;
        r = tree_walk_at(fd, rm_rf_one, &rm);
        if (r < 0 && r != -ENOENT)
                return r;
        if (rmdir(path) < 0 && errno != ENOENT) {
                if (errno == EPERM && clear_immutable(fd) > 0 && (rmdir(path) >= 0 || errno == ENOENT))
                        return rm.error;
                return rm.error < 0 ? rm.error : -errno;
        }
        return rm.error;
}

int fd_set_cloexec(int fd, bool cloexec) {
        int flags = fcntl(fd, F_GETFD);

        if (flags < 0)
                return -errno;
        flags = cloexec ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
        return fcntl(fd, F_SETFD, flags) < 0 ? -errno : 0;
}
