/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "copy.h"
#include "fd-util.h"
#include "string-util.h"

/* The kernel's limits for one xattr value and for a whole name list. */
#define XATTR_BUF_SIZE (64U * 1024U)
#define RW_BUF_SIZE (256U * 1024U)
#define PROC_FD_PATH_MAX (STRLEN("/proc/self/fd/") + 12)
/* With COPY_WRITEBACK, writeback of a file being copied is started every this many bytes. */
#define WRITEBACK_CHUNK (8U * 1024U * 1024U)

/* The first copy of an inode with more than one link, so that later links become linkat()s. */
typedef struct HardLink {
        dev_t dev;
        ino_t ino;
        char *path; /* relative to the destination root */
} HardLink;

typedef struct CopyState {
        int dst_root_fd;
        dev_t dst_root_dev; /* to notice a destination inside the source */
        ino_t dst_root_ino;
        void *hardlinks; /* tsearch() tree of HardLink */
        bool writeback;

        /* What the source file system we last copied from can do; re-probed when st_dev changes. */
        dev_t probed_dev;
        bool probed, can_reflink, can_copy_file_range;

        char *rw_buf, *xattr_names, *xattr_value; /* allocated on first use */
} CopyState;

static int hardlink_compare(const void *a, const void *b) {
        const HardLink *x = a, *y = b;

        if (x->dev != y->dev)
                return x->dev < y->dev ? -1 : 1;
        if (x->ino != y->ino)
                return x->ino < y->ino ? -1 : 1;
        return 0;
}

static void hardlink_free(void *p) {
        HardLink *h = p;

        if (!h)
                return;
        free(h->path);
        free(h);
}

static void copy_state_done(CopyState *s) {
        tdestroy(s->hardlinks, hardlink_free);
        s->hardlinks = NULL;
        free(s->rw_buf);
        free(s->xattr_names);
        free(s->xattr_value);
}

static char *child_path(const char *dir_path, const char *name) {
        return isempty(dir_path) ? strdup(name) : strjoin(dir_path, "/", name);
}

static void format_proc_fd_path(char buf[static PROC_FD_PATH_MAX], int fd) {
        (void) snprintf(buf, PROC_FD_PATH_MAX, "/proc/self/fd/%i", fd);
}

/* Where an object is reached for xattr calls: an fd opened for I/O (files, directories), or, for
 * symlinks and device nodes, the /proc/self/fd path of an O_PATH fd, which lands on the inode
 * itself without following a symlink or opening a device. */
typedef struct XattrTarget {
        int fd;
        const char *path;
} XattrTarget;

static ssize_t xattr_list(const XattrTarget *t, char *buf, size_t size) {
        return t->path ? listxattr(t->path, buf, size) : flistxattr(t->fd, buf, size);
}

static ssize_t xattr_get(const XattrTarget *t, const char *name, void *buf, size_t size) {
        return t->path ? getxattr(t->path, name, buf, size) : fgetxattr(t->fd, name, buf, size);
}

static int xattr_set(const XattrTarget *t, const char *name, const void *value, size_t size) {
        return t->path ? setxattr(t->path, name, value, size, 0) : fsetxattr(t->fd, name, value, size, 0);
}

static int xattr_buffers(CopyState *s) {
        if (!s->xattr_names)
                s->xattr_names = malloc(XATTR_BUF_SIZE);
        if (!s->xattr_value)
                s->xattr_value = malloc(XATTR_BUF_SIZE);
        return s->xattr_names && s->xattr_value ? 0 : -ENOMEM;
}

/* Returns the size of the name list (0: none) in s->xattr_names. */
static ssize_t xattr_list_source(CopyState *s, const XattrTarget *from) {
        ssize_t n;
        int r;

        r = xattr_buffers(s);
        if (r < 0)
                return r;
        n = xattr_list(from, s->xattr_names, XATTR_BUF_SIZE);
        if (n < 0) {
                /* No xattrs on that file system; or /proc is not mounted, for the O_PATH route. */
                if (errno == EOPNOTSUPP || (from->path && errno == ENOENT))
                        return 0;
                return -errno;
        }
        return n;
}

static int xattr_copy_listed(CopyState *s, const XattrTarget *from, size_t list_size,
                             const XattrTarget *to) {
        const char *end = s->xattr_names + list_size;

        for (const char *name = s->xattr_names; name < end; name += strlen(name) + 1) {
                ssize_t n;

                n = xattr_get(from, name, s->xattr_value, XATTR_BUF_SIZE);
                if (n < 0) {
                        if (errno == ENODATA) /* removed meanwhile */
                                continue;
                        return -errno;
                }
                if (xattr_set(to, name, s->xattr_value, (size_t) n) < 0) {
                        if (errno == EOPNOTSUPP) /* the destination does not store this namespace */
                                continue;
                        return -errno;
                }
        }
        return 0;
}

static int xattr_copy_fd(CopyState *s, int fdf, int fdt) {
        const XattrTarget from = { .fd = fdf }, to = { .fd = fdt };
        ssize_t n;

        n = xattr_list_source(s, &from);
        if (n <= 0)
                return (int) n;
        return xattr_copy_listed(s, &from, (size_t) n, &to);
}

/* For symlinks and device nodes, which must not be opened for I/O. */
static int xattr_copy_at(CopyState *s, int dfd_from, int dfd_to, const char *name, const struct stat *st) {
        _cleanup_close_ int fdf = -EBADF, fdt = -EBADF;
        char pf[PROC_FD_PATH_MAX], pt[PROC_FD_PATH_MAX];
        struct stat st2;
        ssize_t n;

        fdf = openat(dfd_from, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fdf < 0)
                return -errno;
        if (fstat(fdf, &st2) < 0)
                return -errno;
        if (st2.st_dev != st->st_dev || st2.st_ino != st->st_ino)
                return -EBUSY; /* replaced while we copied it */

        format_proc_fd_path(pf, fdf);
        n = xattr_list_source(s, &(const XattrTarget) { .fd = -EBADF, .path = pf });
        if (n <= 0)
                return (int) n;

        fdt = openat(dfd_to, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fdt < 0)
                return -errno;
        format_proc_fd_path(pt, fdt);
        return xattr_copy_listed(s, &(const XattrTarget) { .fd = -EBADF, .path = pf }, (size_t) n,
                                 &(const XattrTarget) { .fd = -EBADF, .path = pt });
}

/* Owner first: chown clears setuid/setgid bits and security.capability, so the mode and the
 * xattrs come after it; the times come last since setting anything else would not touch mtime
 * but writing content into a directory would. */
static int copy_attrs_fd(CopyState *s, int fdf, int fdt, const struct stat *st) {
        int r;

        if (fchown(fdt, st->st_uid, st->st_gid) < 0)
                return -errno;
        if (fchmod(fdt, st->st_mode & 07777) < 0)
                return -errno;
        r = xattr_copy_fd(s, fdf, fdt);
        if (r < 0)
                return r;
        if (futimens(fdt, (const struct timespec[2]) { st->st_atim, st->st_mtim }) < 0)
                return -errno;
        return 0;
}

static int copy_attrs_at(CopyState *s, int dfd_from, int dfd_to, const char *name, const struct stat *st) {
        int r;

        if (fchownat(dfd_to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        /* A symlink's mode cannot be changed on Linux (and means nothing). The node is one we just
         * made in a directory we hold, so fchmodat() by name reaches it. */
        if (!S_ISLNK(st->st_mode) && fchmodat(dfd_to, name, st->st_mode & 07777, 0) < 0)
                return -errno;
        r = xattr_copy_at(s, dfd_from, dfd_to, name, st);
        if (r < 0)
                return r;
        if (utimensat(dfd_to, name, (const struct timespec[2]) { st->st_atim, st->st_mtim },
                      AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

/* copy_file_range() refuses some pairs of file systems (EXDEV before 5.3 and again since
 * 5.19 across types), some file systems (EINVAL, EOPNOTSUPP) and old kernels (ENOSYS). */
static bool copy_file_range_unsupported(int e) {
        return e == EXDEV || e == EINVAL || e == ENOSYS || e == EOPNOTSUPP;
}

static bool reflink_unsupported(int e) {
        return e == EOPNOTSUPP || e == ENOTTY || e == EINVAL || e == EXDEV || e == ENOSYS;
}

static void probe_source(CopyState *s, dev_t dev) {
        if (s->probed && s->probed_dev == dev)
                return;
        s->probed = true;
        s->probed_dev = dev;
        s->can_reflink = true;
        s->can_copy_file_range = true;
}

/* Copies [offset, offset + length) at the same offsets; stops early if the source shrank. */
/* Asks the kernel to start writing [offset, offset + n) of fdt out, without waiting for it. */
static void start_writeback(CopyState *s, int fdt, uint64_t offset, uint64_t n) {
        if (s->writeback && n > 0)
                (void) sync_file_range(fdt, (off64_t) offset, (off64_t) n, SYNC_FILE_RANGE_WRITE);
}

static int copy_range(CopyState *s, int fdf, int fdt, uint64_t offset, uint64_t length) {
        uint64_t unsynced = offset;

        while (length > 0) {
                size_t chunk = (size_t) MIN(length, (uint64_t) 1U << 30);
                ssize_t n;

                if (s->can_copy_file_range) {
                        loff_t in = (loff_t) offset, out = (loff_t) offset;

                        n = copy_file_range(fdf, &in, fdt, &out, chunk, 0);
                        if (n < 0) {
                                if (errno == EINTR)
                                        continue;
                                if (copy_file_range_unsupported(errno)) {
                                        s->can_copy_file_range = false;
                                        continue;
                                }
                                return -errno;
                        }
                } else {
                        if (!s->rw_buf) {
                                s->rw_buf = malloc(RW_BUF_SIZE);
                                if (!s->rw_buf)
                                        return -ENOMEM;
                        }
                        n = pread(fdf, s->rw_buf, MIN(chunk, RW_BUF_SIZE), (off_t) offset);
                        if (n < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        for (ssize_t done = 0; done < n;) {
                                ssize_t k = pwrite(fdt, s->rw_buf + done, (size_t) (n - done),
                                                   (off_t) offset + done);
                                if (k < 0) {
                                        if (errno == EINTR)
                                                continue;
                                        return -errno;
                                }
                                if (k == 0)
                                        return -EIO;
                                done += k;
                        }
                }
                if (n == 0)
                        break;
                offset += (uint64_t) n;
                length -= (uint64_t) n;
                if (offset - unsynced >= WRITEBACK_CHUNK) {
                        start_writeback(s, fdt, unsynced, offset - unsynced);
                        unsynced = offset;
                }
        }
        /* The tail (or a small file) is left to the caller's sync: writing many small files out one
         * by one would cost more than it saves. */
        return 0;
}

static int copy_data(CopyState *s, int fdf, int fdt, const struct stat *st) {
        uint64_t size = (uint64_t) st->st_size, offset = 0;
        int r;

        if (size == 0)
                return 0;

        probe_source(s, st->st_dev);
        if (s->can_reflink) {
                if (ioctl(fdt, FICLONE, fdf) >= 0)
                        return 0;
                /* Anything else (ENOSPC, EIO) the plain copy below meets again and reports. */
                if (reflink_unsupported(errno))
                        s->can_reflink = false;
        }

        /* Fewer blocks than bytes: a sparse file (or one with inline data). Copy only the data
         * segments so that holes stay holes; cp does the same. */
        if ((uint64_t) st->st_blocks * 512U >= size)
                return copy_range(s, fdf, fdt, 0, size);

        while (offset < size) {
                off_t data, hole;

                data = lseek(fdf, (off_t) offset, SEEK_DATA);
                if (data < 0) {
                        if (errno == ENXIO) /* only a hole is left */
                                break;
                        return -errno;
                }
                hole = lseek(fdf, data, SEEK_HOLE);
                if (hole < 0)
                        return -errno;
                if ((uint64_t) hole > size)
                        hole = (off_t) size;
                if (hole <= data)
                        break;
                r = copy_range(s, fdf, fdt, (uint64_t) data, (uint64_t) (hole - data));
                if (r < 0)
                        return r;
                offset = (uint64_t) hole;
        }
        if (ftruncate(fdt, (off_t) size) < 0)
                return -errno;
        return 0;
}

static int copy_regular(CopyState *s, int dfd_from, int dfd_to, const char *name, const struct stat *st) {
        _cleanup_close_ int fdf = -EBADF, fdt = -EBADF;
        struct stat st2;
        int r;

        /* O_NONBLOCK: should the entry have become a FIFO since fstatat(), opening it must not hang;
         * the inode check below then refuses it. */
        fdf = openat(dfd_from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
        if (fdf < 0 && errno == EPERM) /* O_NOATIME needs ownership or CAP_FOWNER */
                fdf = openat(dfd_from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fdf < 0)
                return -errno;
        if (fstat(fdf, &st2) < 0)
                return -errno;
        if (!S_ISREG(st2.st_mode) || st2.st_dev != st->st_dev || st2.st_ino != st->st_ino)
                return -EBUSY; /* replaced while we copied it */

        /* 0600 until the owner and mode are right: never a window with a setuid file of the
         * wrong owner or a world-readable secret. */
        fdt = openat(dfd_to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fdt < 0)
                return -errno;

        r = copy_data(s, fdf, fdt, &st2);
        if (r < 0)
                return r;
        return copy_attrs_fd(s, fdf, fdt, &st2);
}

static int copy_symlink(CopyState *s, int dfd_from, int dfd_to, const char *name, const struct stat *st) {
        _cleanup_free_ char *target = NULL;
        size_t size = 256;

        /* st_size is the target's length on most file systems but not all: grow until it fits. */
        for (;;) {
                ssize_t n;

                free(target);
                target = malloc(size);
                if (!target)
                        return -ENOMEM;
                n = readlinkat(dfd_from, name, target, size);
                if (n < 0)
                        return -errno;
                if ((size_t) n < size) {
                        target[n] = 0;
                        break;
                }
                if (size >= 64U * 1024U)
                        return -ENAMETOOLONG;
                size *= 2;
        }

        if (symlinkat(target, dfd_to, name) < 0)
                return -errno;
        return copy_attrs_at(s, dfd_from, dfd_to, name, st);
}

static int copy_node(CopyState *s, int dfd_from, int dfd_to, const char *name, const struct stat *st) {
        /* Recreated from the stat data, never opened. */
        if (mknodat(dfd_to, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
                return -errno;
        return copy_attrs_at(s, dfd_from, dfd_to, name, st);
}

/* linkat() from the destination root by a path of directories we made ourselves, one component at
 * a time when the path is too long for the kernel to take whole (a tree deeper than PATH_MAX). */
static int link_from_root(int root_fd, const char *path, int dfd_to, const char *name) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_close_ int fd = -EBADF;
        char *slash, *c, *save = NULL;

        /* linkat() without AT_SYMLINK_FOLLOW does not follow the last component. */
        if (linkat(root_fd, path, dfd_to, name, 0) >= 0)
                return 0;
        if (errno != ENAMETOOLONG)
                return -errno;
        copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        slash = strrchr(copy, '/');
        if (!slash)
                return -ENAMETOOLONG;
        *slash = 0;
        fd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (c = strtok_r(copy, "/", &save); fd >= 0 && c; c = strtok_r(NULL, "/", &save)) {
                int sub = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

                safe_close(fd);
                fd = sub;
        }
        if (fd < 0)
                return -errno;
        if (linkat(fd, slash + 1, dfd_to, name, 0) < 0)
                return -errno;
        return 0;
}

/* Anything but a directory: the walk makes those (copy_one()). */
static int copy_entry(CopyState *s, int dfd_from, int dfd_to, const char *name, const char *dir_path,
                      const struct stat *st) {
        _cleanup_free_ char *path = NULL;
        HardLink key, *h, **found;
        int r;

        if (S_ISSOCK(st->st_mode)) /* meaningless without the process that listens on it */
                return 0;

        if (st->st_nlink > 1) {
                key = (HardLink) { .dev = st->st_dev, .ino = st->st_ino };
                found = tfind(&key, &s->hardlinks, hardlink_compare);
                if (found)
                        return link_from_root(s->dst_root_fd, (*found)->path, dfd_to, name);
                /* Relative to the destination root, for the links to come. */
                path = child_path(dir_path, name);
                if (!path)
                        return -ENOMEM;
        }

        if (S_ISREG(st->st_mode))
                r = copy_regular(s, dfd_from, dfd_to, name, st);
        else if (S_ISLNK(st->st_mode))
                r = copy_symlink(s, dfd_from, dfd_to, name, st);
        else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) || S_ISFIFO(st->st_mode))
                r = copy_node(s, dfd_from, dfd_to, name, st);
        else
                return -EBADFD;
        if (r < 0)
                return r;

        if (st->st_nlink > 1) {
                h = malloc(sizeof(HardLink));
                if (!h)
                        return -ENOMEM;
                *h = (HardLink) { .dev = st->st_dev, .ino = st->st_ino, .path = TAKE_PTR(path) };
                found = tsearch(h, &s->hardlinks, hardlink_compare);
                if (!found) {
                        hardlink_free(h);
                        return -ENOMEM;
                }
        }
        return 0;
}

/* One step of the walk of the source (tree_walk_at()), its destination directory paired with each
 * source directory: any depth, bounded fds. */
static int copy_one(TreeWalkItem *item, void *userdata) {
        const struct stat *st = item->st;
        CopyState *s = userdata;
        int fd;

        switch (item->event) {
        case TREE_WALK_ENTRY:
                if (!S_ISDIR(st->st_mode))
                        return copy_entry(s, item->dir_fd, item->dir_aux_fd, item->name, item->dir_path, st);
                /* The destination lies inside the source: copying it into itself would never end. */
                if (st->st_dev == s->dst_root_dev && st->st_ino == s->dst_root_ino)
                        return -ELOOP;
                /* 0700 while we fill it; its own mode and times are set once its content is in. */
                if (mkdirat(item->dir_aux_fd, item->name, 0700) < 0)
                        return -errno;
                return 0;
        case TREE_WALK_ENTER:
                fd = openat(item->dir_aux_fd, item->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                item->aux_fd = fd;
                return 0;
        case TREE_WALK_LEAVE:
                /* The walk checked, on entering, that it opened the inode it listed. */
                return copy_attrs_fd(s, item->fd, item->aux_fd, st);
        default:
                return -EINVAL;
        }
}

int copy_tree_at(int src_dirfd, int dst_dirfd, CopyFlags flags) {
        _cleanup_close_ int fdf = -EBADF, fdt = -EBADF;
        CopyState s = { .dst_root_fd = -EBADF };
        struct stat st, dst_st;
        int r;

        /* Fresh fds of our own: a position of the caller's fd is left alone, and an O_PATH fd
         * works too. */
        fdf = openat(src_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fdf < 0)
                return -errno;
        fdt = openat(dst_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fdt < 0)
                return -errno;
        if (fstat(fdf, &st) < 0 || fstat(fdt, &dst_st) < 0)
                return -errno;
        if (st.st_dev == dst_st.st_dev && st.st_ino == dst_st.st_ino)
                return -ELOOP;

        s.dst_root_fd = fdt;
        s.writeback = flags & COPY_WRITEBACK;
        s.dst_root_dev = dst_st.st_dev;
        s.dst_root_ino = dst_st.st_ino;
        r = tree_walk_at(fdf, fdt, copy_one, &s);
        if (r >= 0 && (flags & COPY_ROOT_ATTRS))
                r = copy_attrs_fd(&s, fdf, fdt, &st);
        copy_state_done(&s);
        return r;
}

int copy_tree(const char *src, const char *dst, CopyFlags flags) {
        _cleanup_close_ int fdf = -EBADF, fdt = -EBADF;

        fdf = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fdf < 0)
                return -errno;
        fdt = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fdt < 0)
                return -errno;
        return copy_tree_at(fdf, fdt, flags);
}
