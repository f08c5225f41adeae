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
#include <sys/syscall.h>
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

int read_proc_pid_file(pid_t pid, const char *name, size_t max_size, char **ret) {
        char path[64];

        if (snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        return read_full_file_at(AT_FDCWD, path, max_size, ret, NULL);
}

int loop_read_exact(int fd, void *buf, size_t n) {
        char *p = buf;

        while (n > 0) {
                ssize_t k = read(fd, p, n);

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

/* The named way, for file systems with no O_TMPFILE: what a kill leaves is .NAME.tmp-PID. */
static int write_string_file_new_named(const char *dir, const char *base, const char *path, const char *s,
                                       mode_t mode) {
        _cleanup_free_ char *tmp = NULL;
        int r;

        if (asprintf(&tmp, "%s/.%s.tmp-%d", dir, base, (int) getpid()) < 0)
                return -ENOMEM;
        r = write_string_file(tmp, s, mode, /* atomic= */ false);
        if (r >= 0 && link(tmp, path) < 0)
                r = -errno;
        (void) unlink(tmp);
        return r;
}

int write_string_file_new(const char *path, const char *s, mode_t mode) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        char proc[64];
        const char *base = strrchr(path, '/');
        int r;

        if (!base || base[1] == 0)
                return -EINVAL;
        dir = base == path ? strdup("/") : strndup(path, (size_t) (base - path));
        if (!dir)
                return -ENOMEM;
        base++;
        fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
        if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
                return write_string_file_new_named(dir, base, path, s, mode);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, s, strlen(s));
        if (r < 0)
                return r;
        if (fchmod(fd, mode) < 0) /* not the umask's */
                return -errno;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0)
                return -errno;
        return 0;
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

/* Directories deeper than this give up their fds while a subdirectory is walked. */
#define TREE_WALK_FDS_KEPT 32U

typedef struct WalkEntry {
        char *name;
        struct stat st;
} WalkEntry;

typedef struct WalkDir {
        int fd, aux_fd;     /* -EBADF while given up (aux_fd: or when there is none) */
        bool has_aux;
        struct stat aux_st;
        WalkEntry self;     /* its name in its parent (NULL for the top) and its stat */
        size_t path_len;    /* of its path in the walk's path buffer */
        WalkEntry *subdirs; /* still to enter */
        size_t n_subdirs, next;
} WalkDir;

typedef struct Walk {
        WalkDir *stack;
        size_t n, allocated;
        char *path; /* the path of the deepest directory below the top, "" for the top */
        size_t path_allocated;
        TreeWalkFunc f;
        void *userdata;
} Walk;

static void walk_dir_done(WalkDir *w) {
        w->fd = safe_close(w->fd);
        w->aux_fd = safe_close(w->aux_fd);
        free(w->self.name);
        for (size_t i = w->next; i < w->n_subdirs; i++)
                free(w->subdirs[i].name);
        free(w->subdirs);
        *w = (WalkDir) { .fd = -EBADF, .aux_fd = -EBADF };
}

/* The path buffer as it is for directory w. */
static const char *walk_path(Walk *k, const WalkDir *w) {
        k->path[w->path_len] = 0;
        return k->path;
}

int opendir_at(int dir_fd, const char *path, DIR **ret) {
        int fd = openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        *ret = fdopendir(fd);
        if (!*ret) {
                safe_close(fd);
                return -errno;
        }
        return 0;
}

/* Reads all of w's entries, hands each to f, and keeps the subdirectories to enter. */
static int walk_scan(Walk *k, WalkDir *w) {
        _cleanup_closedir_ DIR *d = NULL;
        size_t allocated = 0;
        struct dirent *de;
        int r;

        r = opendir_at(w->fd, ".", &d);
        if (r < 0)
                return r;
        for (;;) {
                TreeWalkItem item;
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
                item = (TreeWalkItem) {
                        .event = TREE_WALK_ENTRY,
                        .name = de->d_name,
                        .st = &st,
                        .dir_path = walk_path(k, w),
                        .dir_fd = w->fd,
                        .dir_aux_fd = w->aux_fd,
                        .fd = -EBADF,
                        .aux_fd = -EBADF,
                };
                r = k->f(&item, k->userdata);
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

/* fd's "..", which must be the directory `want` says: anything else was moved meanwhile. */
static int open_parent(int fd, const struct stat *want) {
        _cleanup_close_ int parent = -EBADF;
        struct stat st;

        parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (parent < 0 || fstat(parent, &st) < 0)
                return -errno;
        if (!same_inode(&st, want))
                return -EBUSY;
        return TAKE_FD(parent);
}

/* Opens the next subdirectory of the deepest directory, tells f, and makes it the deepest. 0 when
 * there was none left, 1 when entered. */
static int walk_enter(Walk *k) {
        WalkDir *cur = &k->stack[k->n - 1], *sub_dir;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *name = NULL;
        TreeWalkItem item;
        WalkEntry *sub;
        struct stat st;
        size_t need;
        int r;

        for (;;) {
                if (cur->next >= cur->n_subdirs)
                        return 0;
                sub = &cur->subdirs[cur->next++];
                name = TAKE_PTR(sub->name);
                fd = openat(cur->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
                if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership or CAP_FOWNER */
                        fd = openat(cur->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0 || errno != ENOENT) /* ENOENT: removed since it was listed */
                        break;
                free(name);
                name = NULL;
        }
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!same_inode(&st, &sub->st))
                return -EBUSY; /* replaced since it was listed */

        if (k->n == k->allocated) {
                WalkDir *t = reallocarray(k->stack, k->allocated * 2, sizeof(WalkDir));

                if (!t)
                        return -ENOMEM;
                k->stack = t;
                k->allocated *= 2;
                cur = &k->stack[k->n - 1];
        }
        need = cur->path_len + 1 + strlen(name) + 1;
        if (need > k->path_allocated) {
                char *t = realloc(k->path, MAX(need, k->path_allocated * 2));

                if (!t)
                        return -ENOMEM;
                k->path = t;
                k->path_allocated = MAX(need, k->path_allocated * 2);
        }

        item = (TreeWalkItem) {
                .event = TREE_WALK_ENTER,
                .name = name,
                .st = &st,
                .dir_path = walk_path(k, cur),
                .dir_fd = cur->fd,
                .dir_aux_fd = cur->aux_fd,
                .fd = fd,
                .aux_fd = -EBADF,
        };
        r = k->f(&item, k->userdata);
        if (r < 0) {
                safe_close(item.aux_fd);
                return r;
        }
        sub_dir = &k->stack[k->n];
        *sub_dir = (WalkDir) { .fd = TAKE_FD(fd), .aux_fd = item.aux_fd, .has_aux = item.aux_fd >= 0 };
        if (sub_dir->has_aux && fstat(sub_dir->aux_fd, &sub_dir->aux_st) < 0) {
                r = -errno;
                walk_dir_done(sub_dir);
                return r;
        }
        sub_dir->self = (WalkEntry) { TAKE_PTR(name), st };
        sub_dir->path_len = cur->path_len == 0 ? strlen(sub_dir->self.name)
                                               : cur->path_len + 1 + strlen(sub_dir->self.name);
        if (cur->path_len == 0)
                strcpy(k->path, sub_dir->self.name);
        else {
                k->path[cur->path_len] = '/';
                strcpy(k->path + cur->path_len + 1, sub_dir->self.name);
        }
        /* Bounded fds: the top levels keep theirs (most trees are shallow); deeper ones find theirs
         * again through ".." on the way back. An aux fd only when its child has one to find it by. */
        if (k->n > TREE_WALK_FDS_KEPT) {
                cur->fd = safe_close(cur->fd);
                if (sub_dir->has_aux)
                        cur->aux_fd = safe_close(cur->aux_fd);
        }
        k->n++;
        return 1;
}

/* The deepest directory is done: its parent's fds found again if given up, f told, and it goes. */
static int walk_leave(Walk *k) {
        WalkDir *cur = &k->stack[k->n - 1], *parent = &k->stack[k->n - 2];
        TreeWalkItem item;
        int r;

        if (parent->fd < 0) {
                parent->fd = open_parent(cur->fd, &parent->self.st);
                if (parent->fd < 0)
                        return parent->fd;
        }
        if (parent->has_aux && parent->aux_fd < 0) {
                parent->aux_fd = open_parent(cur->aux_fd, &parent->aux_st);
                if (parent->aux_fd < 0)
                        return parent->aux_fd;
        }
        item = (TreeWalkItem) {
                .event = TREE_WALK_LEAVE,
                .name = cur->self.name,
                .st = &cur->self.st,
                .dir_path = walk_path(k, parent),
                .dir_fd = parent->fd,
                .dir_aux_fd = parent->aux_fd,
                .fd = cur->fd,
                .aux_fd = cur->aux_fd,
        };
        r = k->f(&item, k->userdata);
        walk_dir_done(cur);
        k->n--;
        return r;
}

/* An explicit stack instead of recursion: the depth of a tree in an image is the image's choice. */
int tree_walk_at(int dir_fd, int aux_fd, TreeWalkFunc f, void *userdata) {
        Walk k = { .f = f, .userdata = userdata, .allocated = 16, .path_allocated = 256 };
        int r;

        k.stack = calloc(k.allocated, sizeof(WalkDir));
        k.path = calloc(1, k.path_allocated);
        if (!k.stack || !k.path) {
                r = -ENOMEM;
                goto finish;
        }
        k.stack[0] = (WalkDir) {
                .fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC),
                .aux_fd = aux_fd >= 0 ? fcntl(aux_fd, F_DUPFD_CLOEXEC, 3) : -EBADF,
                .has_aux = aux_fd >= 0,
        };
        k.n = 1;
        if (k.stack[0].fd < 0 || fstat(k.stack[0].fd, &k.stack[0].self.st) < 0 ||
            (aux_fd >= 0 && k.stack[0].aux_fd < 0)) {
                r = -errno;
                goto finish;
        }
        r = walk_scan(&k, &k.stack[0]);
        while (r >= 0) {
                r = walk_enter(&k);
                if (r > 0) {
                        r = walk_scan(&k, &k.stack[k.n - 1]);
                        continue;
                }
                if (r < 0 || k.n == 1)
                        break;
                r = walk_leave(&k);
        }
finish:
        for (size_t i = 0; k.stack && i < k.n; i++)
                walk_dir_done(&k.stack[i]);
        free(k.stack);
        free(k.path);
        return r < 0 ? r : 0;
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

static int add_size(TreeWalkItem *item, void *userdata) {
        const struct stat *st = item->st;
        SizeWalk *w = userdata;

        if (item->event != TREE_WALK_ENTRY)
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
        r = tree_walk_at(dir_fd, -EBADF, add_size, &w);
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

static int rm_rf_one(TreeWalkItem *item, void *userdata) {
        const struct stat *st = item->st;
        RmRf *rm = userdata;
        int r;

        if (item->event == TREE_WALK_ENTER)
                return 0;
        if (item->event == TREE_WALK_ENTRY && S_ISDIR(st->st_mode))
                return st->st_dev == rm->dev ? 0 : TREE_WALK_SKIP; /* a mount point: never entered */
        r = unlinkat_forced(item->dir_fd, item->name, st, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0);
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
        r = tree_walk_at(fd, -EBADF, rm_rf_one, &rm);
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

static int close_range_or_loop(unsigned first, unsigned last) {
        if (first > last)
                return 0;
        if (syscall(SYS_close_range, first, last, 0) >= 0)
                return 0;
        if (errno != ENOSYS)
                return -errno;
        /* Before Linux 5.9: one by one, up to the highest fd this process may hold. */
        for (unsigned fd = first; fd <= last && fd < (unsigned) sysconf(_SC_OPEN_MAX); fd++)
                (void) close((int) fd);
        return 0;
}

int close_all_fds_except(const int *except, size_t n) {
        unsigned keep[256], k = 0, next = 3;
        int r;

        for (size_t i = 0; i < n; i++) {
                unsigned fd;

                if (except[i] < 3)
                        continue;
                if (k >= ELEMENTSOF(keep))
                        return -E2BIG;
                fd = (unsigned) except[i];
                /* Insertion sort: the list is a handful of fds. */
                size_t j = k++;
                for (; j > 0 && keep[j - 1] > fd; j--)
                        keep[j] = keep[j - 1];
                keep[j] = fd;
        }
        for (unsigned i = 0; i < k; i++) {
                if (keep[i] < next)
                        continue; /* listed twice */
                r = close_range_or_loop(next, keep[i] - 1);
                if (r < 0)
                        return r;
                next = keep[i] + 1;
        }
        return close_range_or_loop(next, ~0U);
}
