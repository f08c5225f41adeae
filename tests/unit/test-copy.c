/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "copy.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "tap.h"

/* A fixed point in time with nanoseconds, so that a copy that drops them shows. */
static const struct timespec T_FILE = { 1000000000, 123456789 };
static const struct timespec T_DIR = { 1100000000, 5 };
static const struct timespec T_LINK = { 1200000000, 42 };
static const struct timespec T_ROOT = { 1300000000, 7 };

static bool same_time(const struct timespec *a, const struct timespec *b) {
        return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int set_times(int dfd, const char *name, struct timespec t) {
        return utimensat(dfd, name, (const struct timespec[2]) { t, t }, AT_SYMLINK_NOFOLLOW);
}

static bool same_content(int a_dfd, int b_dfd, const char *name) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;

        if (read_full_file_at(a_dfd, name, 64U << 20, &a, &na) < 0 ||
            read_full_file_at(b_dfd, name, 64U << 20, &b, &nb) < 0)
                return false;
        return na == nb && memcmp(a, b, na) == 0;
}

static int write_at(int dfd, const char *name, const void *data, size_t n, mode_t mode) {
        _cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

        if (fd < 0)
                return -errno;
        return loop_write(fd, data, n);
}

static bool readlink_is(int dfd, const char *name, const char *expected) {
        char buf[256];
        ssize_t n = readlinkat(dfd, name, buf, sizeof(buf) - 1);

        if (n < 0)
                return false;
        buf[n] = 0;
        return streq(buf, expected);
}

static void make_tree(int s, bool *ret_user_xattrs, bool *ret_trusted_xattrs) {
        _cleanup_free_ char *big = NULL;
        _cleanup_close_ int fd = -EBADF, sock = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char proc[64];

        /* A directory owned by 33:33, mode 0750, with content. */
        ok(mkdirat(s, "d", 0700) == 0, "mkdir d");
        ok(write_at(s, "d/file", "in d\n", 5, 0644) == 0, "write d/file");
        ok(mkdirat(s, "d/sub", 0755) == 0 && mkdirat(s, "d/sub/deeper", 0755) == 0, "mkdir d/sub/deeper");
        ok(write_at(s, "d/sub/deeper/leaf", "leaf", 4, 0600) == 0, "write leaf");

        /* setuid and setgid on a file of another owner: survives only if chmod comes after chown. */
        ok(write_at(s, "suid", "#!/bin/true\n", 12, 0755) == 0, "write suid");
        ok(fchownat(s, "suid", 33, 33, 0) == 0 && fchmodat(s, "suid", 06755, 0) == 0, "chown+chmod suid");

        ok(write_at(s, "data", "some data\n", 10, 0640) == 0, "write data");
        ok(write_at(s, "empty", "", 0, 0400) == 0, "write empty");

        big = malloc(3U << 20);
        ok(big != NULL, "malloc");
        for (size_t i = 0; big && i < (3U << 20); i++)
                big[i] = (char) (i * 7 + i / 4096);
        ok(big && write_at(s, "big", big, 3U << 20, 0644) == 0, "write big");

        /* Sparse: 16 MiB with 4 KiB of data in the middle. */
        fd = openat(s, "sparse", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        ok(fd >= 0 && ftruncate(fd, 16 << 20) == 0 && pwrite(fd, "x", 1, 8 << 20) == 1, "write sparse");
        fd = safe_close(fd);

        /* Hard links, one of them in another directory. */
        ok(linkat(s, "data", s, "d/data-link", 0) == 0, "link data");
        ok(linkat(s, "data", s, "data-link2", 0) == 0, "link data again");

        /* Symlinks that lead out of the tree: copied as they are, never followed. */
        ok(symlinkat("../../etc/passwd", s, "up") == 0, "symlink up");
        ok(symlinkat("/etc/shadow", s, "abs") == 0, "symlink abs");
        ok(symlinkat("/etc", s, "etcdir") == 0, "symlink etcdir");
        ok(fchownat(s, "abs", 33, 33, AT_SYMLINK_NOFOLLOW) == 0, "chown abs");
        ok(set_times(s, "abs", T_LINK) == 0, "utimensat abs");

        ok(mkfifoat(s, "fifo", 0640) == 0, "mkfifo");
        ok(mknodat(s, "null", S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod null");
        ok(fchmodat(s, "null", 0666, 0) == 0, "chmod null");

        /* A socket is skipped. */
        fd = openat(s, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        (void) snprintf(proc, sizeof(proc), "/proc/self/fd/%i/sock", fd);
        (void) snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", proc);
        sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ok(sock >= 0 && bind(sock, (struct sockaddr *) &sa, sizeof(sa)) == 0, "bind socket");
        fd = safe_close(fd);

        /* xattrs: user.* on a file and a directory, trusted.* on a symlink (root only). */
        (void) snprintf(proc, sizeof(proc), "/proc/self/fd/%i", s);
        fd = openat(s, "data", O_RDONLY | O_CLOEXEC);
        *ret_user_xattrs = fd >= 0 && fsetxattr(fd, "user.berth", "hello", 5, 0) == 0;
        if (*ret_user_xattrs)
                ok(fsetxattr(s, "user.dir", "d", 1, 0) == 0, "set user xattr on root");
        fd = safe_close(fd);
        fd = openat(s, "abs", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        (void) snprintf(proc, sizeof(proc), "/proc/self/fd/%i", fd);
        *ret_trusted_xattrs = fd >= 0 && setxattr(proc, "trusted.berth", "link", 4, 0) == 0;

        /* Times last: directories only after their content is in. */
        ok(set_times(s, "data", T_FILE) == 0, "utimensat data");
        ok(set_times(s, "big", T_FILE) == 0, "utimensat big");
        ok(set_times(s, "fifo", T_FILE) == 0, "utimensat fifo");
        ok(set_times(s, "d/sub", T_DIR) == 0, "utimensat d/sub");
        ok(fchownat(s, "d", 33, 33, 0) == 0 && fchmodat(s, "d", 0750, 0) == 0, "chown+chmod d");
        ok(set_times(s, "d", T_DIR) == 0, "utimensat d");
        ok(fchown(s, 5, 6) == 0 && fchmod(s, 0711) == 0, "chown+chmod root");
        ok(futimens(s, (const struct timespec[2]) { T_ROOT, T_ROOT }) == 0, "futimens root");
}

static void check_copy(int s, int t, bool user_xattrs, bool trusted_xattrs) {
        struct stat a, b, c;
        char buf[64], proc[64];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        ok(fstatat(t, "d", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(a.st_mode), "d is a directory");
        ok(a.st_uid == 33 && a.st_gid == 33, "d owned by 33:33 (got %u:%u)", a.st_uid, a.st_gid);
        ok((a.st_mode & 07777) == 0750, "d mode 0750 (got %o)", a.st_mode & 07777);
        ok(same_time(&a.st_mtim, &T_DIR), "d mtime kept after its content was written");
        ok(fstatat(t, "d/sub", &a, AT_SYMLINK_NOFOLLOW) == 0 && same_time(&a.st_mtim, &T_DIR),
           "d/sub mtime");
        ok(same_content(s, t, "d/sub/deeper/leaf"), "nested file content");

        ok(fstatat(t, "suid", &a, AT_SYMLINK_NOFOLLOW) == 0, "stat suid");
        ok((a.st_mode & 07777) == 06755, "setuid+setgid kept (got %o)", a.st_mode & 07777);
        ok(a.st_uid == 33 && a.st_gid == 33, "suid owner kept");

        ok(fstatat(t, "data", &a, AT_SYMLINK_NOFOLLOW) == 0, "stat data");
        ok((a.st_mode & 07777) == 0640 && same_time(&a.st_mtim, &T_FILE) && same_time(&a.st_atim, &T_FILE),
           "data mode and times (with ns) kept");
        ok(same_content(s, t, "data"), "data content");
        ok(same_content(s, t, "big"), "big content");
        ok(same_content(s, t, "empty"), "empty file");
        ok(fstatat(t, "empty", &a, AT_SYMLINK_NOFOLLOW) == 0 && (a.st_mode & 07777) == 0400, "empty mode");

        ok(fstatat(t, "sparse", &a, AT_SYMLINK_NOFOLLOW) == 0 && a.st_size == 16 << 20, "sparse size");
        ok(a.st_blocks * 512 < (1 << 20), "sparse file stays sparse (%lld blocks)", (long long) a.st_blocks);
        ok(same_content(s, t, "sparse"), "sparse content");

        ok(fstatat(t, "data", &a, AT_SYMLINK_NOFOLLOW) == 0 &&
                   fstatat(t, "d/data-link", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
                   fstatat(t, "data-link2", &c, AT_SYMLINK_NOFOLLOW) == 0,
           "stat hard links");
        ok(a.st_ino == b.st_ino && a.st_ino == c.st_ino && a.st_nlink == 3,
           "hard links share one inode (nlink %u)", (unsigned) a.st_nlink);
        ok(fstatat(s, "data", &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino != b.st_ino,
           "… which is not the source's");

        ok(fstatat(t, "up", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(a.st_mode), "up is a symlink");
        ok(readlink_is(t, "up", "../../etc/passwd"), "up target kept");
        ok(fstatat(t, "abs", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(a.st_mode), "abs is a symlink");
        ok(readlink_is(t, "abs", "/etc/shadow"), "abs target kept");
        ok(a.st_uid == 33 && a.st_gid == 33, "symlink owner kept");
        ok(same_time(&a.st_mtim, &T_LINK), "symlink mtime kept");
        ok(fstatat(t, "etcdir", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(a.st_mode), "etcdir is a symlink");
        ok(fstatat(t, "etcdir/passwd", &a, AT_SYMLINK_NOFOLLOW) == 0 && stat("/etc/passwd", &b) == 0 &&
                   a.st_ino == b.st_ino,
           "nothing copied through etcdir");

        ok(fstatat(t, "fifo", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(a.st_mode), "fifo recreated");
        ok((a.st_mode & 07777) == 0640 && same_time(&a.st_mtim, &T_FILE), "fifo mode and mtime");
        ok(fstatat(t, "null", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(a.st_mode) &&
                   a.st_rdev == makedev(1, 3),
           "char device 1:3 recreated");
        ok((a.st_mode & 07777) == 0666, "device mode");
        ok(fstatat(t, "sock", &a, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT, "socket skipped");

        if (user_xattrs) {
                fd = openat(t, "data", O_RDONLY | O_CLOEXEC);
                n = fd >= 0 ? fgetxattr(fd, "user.berth", buf, sizeof(buf)) : -1;
                ok(n == 5 && memcmp(buf, "hello", 5) == 0, "user xattr on a file kept");
                n = fgetxattr(t, "user.dir", buf, sizeof(buf));
                ok(n == 1 && buf[0] == 'd', "user xattr on the root kept");
                fd = safe_close(fd);
        } else
                ok(true, "# SKIP no user xattrs on this file system");
        if (trusted_xattrs) {
                fd = openat(t, "abs", O_PATH | O_NOFOLLOW | O_CLOEXEC);
                (void) snprintf(proc, sizeof(proc), "/proc/self/fd/%i", fd);
                n = fd >= 0 ? getxattr(proc, "trusted.berth", buf, sizeof(buf)) : -1;
                ok(n == 4 && memcmp(buf, "link", 4) == 0, "trusted xattr on a symlink kept");
        } else
                ok(true, "# SKIP no trusted xattrs on symlinks here");

        ok(fstat(t, &a) == 0 && a.st_uid == 5 && a.st_gid == 6 && (a.st_mode & 07777) == 0711 &&
                   same_time(&a.st_mtim, &T_ROOT),
           "COPY_ROOT_ATTRS: root owner, mode, mtime");
}

/* A tree deeper than the fds a process may hold, its paths longer than PATH_MAX, with a hard link
 * pair at the bottom: copied whole (hard links kept), at 128 fds. */
static void test_deep(const char *tmpl) {
        _cleanup_free_ char *src = path_join(tmpl, "deep-src"), *dst = path_join(tmpl, "deep-dst");
        struct rlimit old, low = { .rlim_cur = 128 };
        int sfd, tfd, fd, r;
        struct stat st;
        unsigned n = 0, bad_modes = 0;

        ok(mkdir(src, 0755) == 0 && mkdir(dst, 0755) == 0, "mkdir deep-src deep-dst");
        fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (unsigned i = 0; fd >= 0 && i < 1100; i++) {
                int sub = mkdirat(fd, "level-dir", 0750) < 0 ? -1 : openat(fd, "level-dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                close(fd);
                fd = sub;
        }
        ok(fd >= 0 && write_at(fd, "a", "bottom", 6, 0640) == 0 && linkat(fd, "a", fd, "b", 0) == 0,
           "a 1,100-level tree (paths of 11,000 characters), a hard link pair at the bottom");
        safe_close(fd);

        ok(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit");
        low.rlim_max = old.rlim_max;
        ok(setrlimit(RLIMIT_NOFILE, &low) == 0, "at most 128 fds from here");
        sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        tfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = copy_tree_at(sfd, tfd, 0);
        close(sfd);
        ok_eq_int(r, 0);
        fd = tfd;
        while (fd >= 0 && fstatat(fd, "level-dir", &st, AT_SYMLINK_NOFOLLOW) == 0) {
                int sub = openat(fd, "level-dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0750)
                        bad_modes++;
                close(fd);
                fd = sub;
                n++;
        }
        ok(n == 1100 && bad_modes == 0, "  … all 1,100 levels (%u), with their modes (%u not)", n, bad_modes);
        ok(fd >= 0 && fstatat(fd, "b", &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_nlink == 2 && same_content(fd, fd, "a"),
           "  … and the hard link pair at the bottom stays one inode");
        safe_close(fd);
        ok(setrlimit(RLIMIT_NOFILE, &old) == 0, "setrlimit back");
        ok_eq_int(rm_rf(src), 0);
        ok_eq_int(rm_rf(dst), 0);
}

int main(void) {
        char tmpl[] = "/var/tmp/berth-test-copy.XXXXXX";
        _cleanup_free_ char *src = NULL, *dst = NULL, *dst2 = NULL, *dst3 = NULL;
        _cleanup_close_ int s = -EBADF, t = -EBADF, t2 = -EBADF;
        bool user_xattrs = false, trusted_xattrs = false;
        struct stat st;

        if (geteuid() != 0)
                tap_skip_all("needs root (chown, mknod, trusted xattrs)");
        /* A FIFO opened by mistake would block forever: fail instead. */
        alarm(60);

        /* Not /tmp: it may be a tmpfs without user xattrs. */
        ok(mkdtemp(tmpl) != NULL, "mkdtemp %s", tmpl);
        src = path_join(tmpl, "src");
        dst = path_join(tmpl, "dst");
        dst2 = path_join(tmpl, "dst2");
        dst3 = path_join(tmpl, "dst3");
        ok(mkdir(src, 0755) == 0 && mkdir(dst, 0755) == 0 && mkdir(dst2, 0755) == 0 &&
                   mkdir(dst3, 0755) == 0,
           "mkdir src dst dst2 dst3");
        s = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        t = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok(s >= 0 && t >= 0, "open src, dst");

        make_tree(s, &user_xattrs, &trusted_xattrs);

        ok_eq_int(copy_tree_at(s, t, COPY_ROOT_ATTRS), 0);
        check_copy(s, t, user_xattrs, trusted_xattrs);

        /* Without COPY_ROOT_ATTRS the destination root keeps its own. */
        ok_eq_int(copy_tree(src, dst2, 0), 0);
        ok(stat(dst2, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0755, "dst2 root untouched");
        ok(stat(src, &st) == 0 && same_time(&st.st_mtim, &T_ROOT), "source root mtime untouched");

        /* The destination must be empty: an existing entry is an error, never overwritten. */
        ok_eq_int(copy_tree(src, dst2, 0), -EEXIST);
        /* Both ends are opened without following a symlink. */
        ok_eq_int(copy_tree(dst3, "/proc/self/cwd", 0), -ENOTDIR);

        /* A destination inside the source is refused rather than copied into itself forever. */
        ok_eq_int(copy_tree(tmpl, dst3, 0), -ELOOP);
        ok_eq_int(copy_tree(dst3, dst3, 0), -ELOOP);

        t2 = open(dst3, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok(t2 >= 0 && fstatat(t2, "dst3", &st, AT_SYMLINK_NOFOLLOW) < 0, "dst3 holds no copy of itself");

        /* COPY_WRITEBACK (volume copy-up) starts writeback as it goes: the copy is the same. */
        {
                _cleanup_free_ char *dst4 = path_join(tmpl, "dst4");
                _cleanup_close_ int t4 = -EBADF;

                ok(mkdir(dst4, 0755) == 0, "mkdir dst4");
                t4 = open(dst4, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                ok_eq_int(copy_tree_at(s, t4, COPY_ROOT_ATTRS | COPY_WRITEBACK), 0);
                /* Not check_copy(): reading the source above moved its atimes. */
                ok(same_content(s, t4, "big") && same_content(s, t4, "data") &&
                           same_content(s, t4, "d/sub/deeper/leaf"),
                   "COPY_WRITEBACK: contents kept");
                /* A file of several writeback chunks (8 MiB). */
                {
                        _cleanup_free_ char *huge = malloc(20U << 20);
                        _cleanup_close_ int s5 = -EBADF, t5 = -EBADF;
                        _cleanup_free_ char *src5 = path_join(tmpl, "src5"), *dst5 = path_join(tmpl, "dst5");

                        for (size_t i = 0; huge && i < (20U << 20); i++)
                                huge[i] = (char) (i * 7 + i / 4096);
                        ok(huge && mkdir(src5, 0755) == 0 && mkdir(dst5, 0755) == 0, "mkdir src5 dst5");
                        s5 = open(src5, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        t5 = open(dst5, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        ok(write_at(s5, "huge", huge, 20U << 20, 0644) == 0, "write a 20 MiB file");
                        ok_eq_int(copy_tree_at(s5, t5, COPY_WRITEBACK), 0);
                        ok(same_content(s5, t5, "huge"), "COPY_WRITEBACK: a 20 MiB file copied whole");
                }
        }

        test_deep(tmpl);

        ok_eq_int(rm_rf(tmpl), 0);
        ok(stat(tmpl, &st) < 0 && errno == ENOENT, "temp tree removed");
        return tap_finish();
}
