/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* layer_unpack() against archives written here with libarchive: what a layer holds arrives,
 * whiteouts become overlayfs', and nothing lands outside the directory. Needs root (owners,
 * device nodes, trusted.* xattrs). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "layer.h"
#include "macro.h"
#include "string-util.h"
#include "tap.h"

typedef struct Entry {
        const char *path;
        mode_t type;       /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR; 0: a hard link */
        const char *data;  /* file contents, symlink or hard link target */
        const char *xattr; /* name=value */
        unsigned long fflags; /* chattr's FS_*_FL */
        size_t size;       /* for a regular file without data: this many zero bytes */
} Entry;

/* A tar (gzip-compressed when gz) of entries, in a memfd. */
static int make_archive(const Entry *entries, size_t n, bool gz) {
        struct archive *a = archive_write_new();
        int fd = memfd_create("layer", MFD_CLOEXEC);

        archive_write_set_format_pax_restricted(a);
        if (gz)
                archive_write_add_filter_gzip(a);
        archive_write_open_fd(a, fd);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                const Entry *x = &entries[i];

                archive_entry_set_pathname(e, x->path);
                archive_entry_set_uid(e, 1234);
                archive_entry_set_gid(e, 5678);
                archive_entry_set_mtime(e, 1000000000, 0);
                if (x->type == 0) {
                        archive_entry_set_filetype(e, AE_IFREG);
                        archive_entry_set_hardlink(e, x->data);
                        archive_entry_set_perm(e, 0644);
                } else {
                        archive_entry_set_filetype(e, x->type);
                        archive_entry_set_perm(e, x->type == AE_IFDIR ? 0750 : 0640);
                        if (x->type == AE_IFLNK)
                                archive_entry_set_symlink(e, x->data);
                        if (x->type == AE_IFREG && x->data)
                                archive_entry_set_size(e, (la_int64_t)strlen(x->data));
                        else if (x->type == AE_IFREG && x->size)
                                archive_entry_set_size(e, (la_int64_t)x->size);
                }
                if (x->fflags)
                        archive_entry_set_fflags(e, x->fflags, 0);
                if (x->xattr) {
                        const char *eq = strchr(x->xattr, '=');
                        char name[128];

                        snprintf(name, sizeof(name), "%.*s", (int)(eq - x->xattr), x->xattr);
                        archive_entry_xattr_add_entry(e, name, eq + 1, strlen(eq + 1));
                }
                archive_write_header(a, e);
                if (x->type == AE_IFREG && x->data)
                        archive_write_data(a, x->data, strlen(x->data));
                else if (x->type == AE_IFREG && x->size) {
                        static const char zeros[65536];

                        for (size_t left = x->size; left > 0; left -= MIN(left, sizeof(zeros)))
                                archive_write_data(a, zeros, MIN(left, sizeof(zeros)));
                }
                archive_entry_free(e);
        }
        archive_write_close(a);
        archive_write_free(a);
        lseek(fd, 0, SEEK_SET);
        return fd;
}

static char *read_text(int dir_fd, const char *path) {
        static char buf[256];
        int fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n < 0)
                return NULL;
        buf[n] = 0;
        return buf;
}

static int unpack(const Entry *entries, size_t n, bool gz, bool whiteouts, const char *dir, char **ret_why) {
        int afd = make_archive(entries, n, gz), dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r = layer_unpack(afd, dfd, whiteouts, ret_why);

        close(afd);
        close(dfd);
        return r;
}

static void test_layer(const char *dir) {
        static const Entry entries[] = {
                {"etc/", AE_IFDIR},
                {"etc/conf", AE_IFREG, "hello\n", "user.note=kept"},
                {"etc/link", AE_IFLNK, "/etc/passwd"},
                {"etc/hard", 0, "etc/conf"},
                {"etc/.wh.gone", AE_IFREG},
                {"etc/redirect", AE_IFDIR, NULL, "trusted.overlay.redirect=/elsewhere"},
                {"var/", AE_IFDIR},
                {"var/.wh..wh..opq", AE_IFREG},
                {"var/new", AE_IFREG, "x"},
                {"opt/sub/.wh..wh..opq", AE_IFREG}, /* a directory only the marker names */
        };
        _cleanup_free_ char *why = NULL;
        int dfd, r;
        struct stat st;
        char v[32];
        ssize_t n;

        r = unpack(entries, ELEMENTSOF(entries), true, true, dir, &why);
        if (!ok(r == 0, "a gzip'd layer unpacks (%d: %s)", r, why ?: ""))
                return;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok(read_text(dfd, "etc/conf") && streq(read_text(dfd, "etc/conf"), "hello\n"), "a file's contents");
        ok(fstatat(dfd, "etc/conf", &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == 1234 &&
                   st.st_gid == 5678 && (st.st_mode & 07777) == 0640 && st.st_mtime == 1000000000 &&
                   st.st_nlink == 2,
           "  … its numeric owner, mode, mtime, and a hard link to it");
        {
                char p[1024];

                snprintf(p, sizeof(p), "%s/etc/conf", dir);
                n = lgetxattr(p, "user.note", v, sizeof(v));
                ok(n == 4 && memcmp(v, "kept", 4) == 0, "  … and its xattrs");
                snprintf(p, sizeof(p), "%s/etc/redirect", dir);
                ok(lgetxattr(p, "trusted.overlay.redirect", v, sizeof(v)) < 0 && errno == ENODATA,
                   "overlayfs' own xattrs from an archive are dropped");
                snprintf(p, sizeof(p), "%s/var", dir);
                n = lgetxattr(p, "trusted.overlay.opaque", v, sizeof(v));
                ok(n == 1 && v[0] == 'y', ".wh..wh..opq makes its directory opaque");
                snprintf(p, sizeof(p), "%s/opt/sub", dir);
                n = lgetxattr(p, "trusted.overlay.opaque", v, sizeof(v));
                ok(n == 1 && v[0] == 'y', "  … also one no entry made");
        }
        ok(readlinkat(dfd, "etc/link", v, sizeof(v)) == 11 && memcmp(v, "/etc/passwd", 11) == 0,
           "a symlink stays a symlink, its target untouched");
        ok(fstatat(dfd, "etc/gone", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode) &&
                   st.st_rdev == makedev(0, 0),
           ".wh.gone becomes a 0:0 character device named gone");
        ok(fstatat(dfd, "etc/.wh.gone", &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT,
           "  … and no .wh. file is left");
        ok(fstatat(dfd, "var/.wh..wh..opq", &st, AT_SYMLINK_NOFOLLOW) < 0, "  … nor an opaque marker");
        close(dfd);
}

static void test_plain(const char *dir) {
        static const Entry entries[] = {
                {"etc/.wh.gone", AE_IFREG, "a file"},
        };
        int dfd;

        ok(unpack(entries, ELEMENTSOF(entries), false, false, dir, NULL) == 0,
           "without whiteouts (an import)");
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok(read_text(dfd, "etc/.wh.gone") && streq(read_text(dfd, "etc/.wh.gone"), "a file"),
           "  … a .wh. file is just a file");
        close(dfd);
}

/* Each archive on its own, in a fresh directory inside an outer one that must stay empty. */
static void refused_naming(const char *top, const Entry *entries, size_t n, const char *what, const char *names) {
        char dir[512], outside[512];
        _cleanup_free_ char *why = NULL;
        struct stat st;
        int r;

        snprintf(dir, sizeof(dir), "%s/in", top);
        (void)mkdir(dir, 0755);
        r = unpack(entries, n, false, true, dir, &why);
        ok(r == -EBADMSG && why, "%s is refused (%d: %s)", what, r, why ?: "");
        if (names)
                ok(why && strstr(why, names), "  … naming '%s'", names);
        snprintf(outside, sizeof(outside), "%s/evil", top);
        ok(lstat(outside, &st) < 0 && errno == ENOENT, "  … and nothing is written outside");
        (void)unlink(outside);
        snprintf(outside, sizeof(outside), "rm -rf %s/in", top);
        (void)system(outside);
}

static void refused(const char *top, const Entry *entries, size_t n, const char *what) {
        refused_naming(top, entries, n, what, NULL);
}

static void test_hostile(const char *top) {
        static const Entry dotdot[] = {{"../evil", AE_IFREG, "x"}};
        static const Entry absolute[] = {{"/tmp/test-layer-evil", AE_IFREG, "x"}};
        static const Entry sub_dotdot[] = {{"a/", AE_IFDIR}, {"a/../../evil", AE_IFREG, "x"}};
        static const Entry through_link[] = {{"up", AE_IFLNK, ".."}, {"up/evil", AE_IFREG, "x"}};
        static const Entry hardlink_out[] = {{"h", 0, "../evil"}};
        static const Entry hardlink_abs[] = {{"h", 0, "/etc/passwd"}};
        static const Entry hardlink_via_link[] = {{"up", AE_IFLNK, "/etc"}, {"h", 0, "up/passwd"}};
        static const Entry bad_whiteout[] = {{"a/.wh.", AE_IFREG}};
        static const Entry whiteout_up[] = {{"up", AE_IFLNK, ".."}, {"up/.wh.evil", AE_IFREG}};

        refused(top, dotdot, ELEMENTSOF(dotdot), "'../evil'");
        refused(top, absolute, ELEMENTSOF(absolute), "an absolute path");
        ok(access("/tmp/test-layer-evil", F_OK) < 0, "  … which was not written either");
        refused(top, sub_dotdot, ELEMENTSOF(sub_dotdot), "'a/../../evil'");
        refused(top, through_link, ELEMENTSOF(through_link), "a write through a symlink to '..'");
        refused(top, hardlink_out, ELEMENTSOF(hardlink_out), "a hard link to '../evil'");
        refused(top, hardlink_abs, ELEMENTSOF(hardlink_abs), "a hard link to /etc/passwd");
        refused(top, hardlink_via_link, ELEMENTSOF(hardlink_via_link), "a hard link through a symlink to /etc");
        refused(top, bad_whiteout, ELEMENTSOF(bad_whiteout), "a whiteout of no name");
        refused(top, whiteout_up, ELEMENTSOF(whiteout_up), "a whiteout through a symlink");
}

/* Bad whiteouts and opaque markers: refused in one line that names the entry. */
static void test_bad_whiteouts(const char *top) {
        static const Entry in_file[] = {{"f", AE_IFREG, "x"}, {"f/.wh..wh..opq", AE_IFREG}};
        static const Entry via_link[] = {{"real/", AE_IFDIR}, {"link", AE_IFLNK, "real"},
                                         {"link/.wh..wh..opq", AE_IFREG}};
        static const Entry via_abs_link[] = {{"link", AE_IFLNK, "/etc"}, {"link/.wh..wh..opq", AE_IFREG}};
        static const Entry up[] = {{"../.wh..wh..opq", AE_IFREG}};
        static const Entry absolute[] = {{"/etc/.wh..wh..opq", AE_IFREG}};
        static const Entry root[] = {{"/.wh..wh..opq", AE_IFREG}};
        static const Entry a_dir[] = {{"d/.wh..wh..opq/", AE_IFDIR}};
        static const Entry a_link[] = {{"d/.wh..wh..opq", AE_IFLNK, "/etc"}};
        static const Entry whiteout_in_file[] = {{"f", AE_IFREG, "x"}, {"f/.wh.x", AE_IFREG}};
        static const Entry dot_whiteout[] = {{"d/.wh...", AE_IFREG}};

        refused_naming(top, in_file, ELEMENTSOF(in_file), "an opaque marker in a file", "entry 'f/.wh..wh..opq'");
        refused_naming(top, via_link, ELEMENTSOF(via_link), "an opaque marker through a symlink",
                       "entry 'link/.wh..wh..opq'");
        refused_naming(top, via_abs_link, ELEMENTSOF(via_abs_link), "an opaque marker through a symlink to /etc",
                       "entry 'link/.wh..wh..opq'");
        refused_naming(top, up, ELEMENTSOF(up), "an opaque marker in '..'", "entry '../.wh..wh..opq'");
        refused_naming(top, absolute, ELEMENTSOF(absolute), "an opaque marker at an absolute path",
                       "entry '/etc/.wh..wh..opq'");
        refused_naming(top, root, ELEMENTSOF(root), "an opaque marker of '/'", "entry '/.wh..wh..opq'");
        refused_naming(top, a_dir, ELEMENTSOF(a_dir), "an opaque marker that is a directory", "entry 'd/.wh..wh..opq/'");
        refused_naming(top, a_link, ELEMENTSOF(a_link), "an opaque marker that is a symlink", "entry 'd/.wh..wh..opq'");
        refused_naming(top, whiteout_in_file, ELEMENTSOF(whiteout_in_file), "a whiteout in a file", "entry 'f/.wh.x'");
        refused_naming(top, dot_whiteout, ELEMENTSOF(dot_whiteout), "a whiteout of '..'", "entry 'd/.wh...'");
}

/* chattr +i / +a in an archive are never restored: the image could not be removed. */
static void test_fflags(const char *top) {
        static const Entry entries[] = {
                {"immutable", AE_IFREG, "i", NULL, FS_IMMUTABLE_FL},
                {"appendonly", AE_IFREG, "a", NULL, FS_APPEND_FL},
                {"dir/", AE_IFDIR, NULL, NULL, FS_IMMUTABLE_FL},
        };
        _cleanup_free_ char *why = NULL;
        char dir[512];
        int dfd, r;

        snprintf(dir, sizeof(dir), "%s/fflags", top);
        (void) mkdir(dir, 0755);
        r = unpack(entries, ELEMENTSOF(entries), false, true, dir, &why);
        ok(r == 0, "an archive with immutable and append-only entries unpacks (%d: %s)", r, why ?: "");
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < ELEMENTSOF(entries); i++) {
                int fd = openat(dfd, entries[i].path, O_RDONLY | O_CLOEXEC), flags = -1;

                ok(fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)),
                   "  … '%s' without the attribute (flags %#x)", entries[i].path, (unsigned) flags);
                safe_close(fd);
        }
        ok(unlinkat(dfd, "immutable", 0) == 0 && unlinkat(dfd, "appendonly", 0) == 0 &&
                   unlinkat(dfd, "dir", AT_REMOVEDIR) == 0,
           "  … and each can be removed");
        close(dfd);
}

/* A full disk fails the layer, whatever libarchive calls it, in one line naming the entry. Runs
 * in a child with its own mount namespace, so that the small tmpfs never shows on the host. */
static int enospc_child(const char *top) {
        static const Entry entries[] = {
                {"small", AE_IFREG, "fits"},
                {"big", AE_IFREG, NULL, NULL, 0, 4U << 20},
        };
        _cleanup_free_ char *why = NULL;
        char dir[512];
        int r;

        snprintf(dir, sizeof(dir), "%s/small-disk", top);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return 10;
        if (mkdir(dir, 0755) < 0 || mount("tmpfs", dir, "tmpfs", 0, "size=1m") < 0)
                return 11;
        r = unpack(entries, ELEMENTSOF(entries), true, true, dir, &why);
        (void) umount2(dir, MNT_DETACH);
        if (r != -ENOSPC)
                return 1;
        if (!why || !streq(why, "entry 'big': No space left on device"))
                return 2;
        return 0;
}

static void test_not_an_archive(const char *dir) {
        _cleanup_free_ char *why = NULL;
        int fd = memfd_create("junk", MFD_CLOEXEC), dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r;

        (void)write(fd, "this is not a tar archive, not at all, in no compression\n", 58);
        lseek(fd, 0, SEEK_SET);
        r = layer_unpack(fd, dfd, true, &why);
        ok(r == -EBADMSG && why && strstr(why, "not a readable tar archive"),
           "junk is refused in one line (%s)", why ?: "");
        close(fd);
        close(dfd);
}

/* A tree made here, packed, and unpacked elsewhere: the same tree. */
static void test_pack(const char *top) {
        char src[512], dst[512], p[1100];
        _cleanup_free_ char *why = NULL;
        struct stat a, b;
        int sfd, dfd, afd, r;
        char v[16];

        snprintf(src, sizeof(src), "%s/pack-src", top);
        snprintf(dst, sizeof(dst), "%s/pack-dst", top);
        mkdir(src, 0755);
        mkdir(dst, 0755);
        sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        mkdirat(sfd, "d", 0750);
        {
                int fd = openat(sfd, "d/f", O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
                (void) write(fd, "content\n", 8);
                close(fd);
        }
        (void) fchownat(sfd, "d/f", 1234, 5678, 0);
        (void) linkat(sfd, "d/f", sfd, "d/hard", 0);
        (void) symlinkat("/etc/passwd", sfd, "d/link");
        (void) mkfifoat(sfd, "d/fifo", 0600);
        snprintf(p, sizeof(p), "%s/d/f", src);
        (void) lsetxattr(p, "user.k", "v", 1, 0);

        afd = memfd_create("packed", MFD_CLOEXEC);
        r = layer_pack(sfd, afd, &why);
        ok(r == 0, "a tree packs (%d: %s)", r, why ?: "");
        lseek(afd, 0, SEEK_SET);
        dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = layer_unpack(afd, dfd, false, &why);
        ok(r == 0, "  … and unpacks (%d: %s)", r, why ?: "");
        ok(read_text(dfd, "d/f") && streq(read_text(dfd, "d/f"), "content\n"), "  … contents");
        ok(fstatat(sfd, "d/f", &a, AT_SYMLINK_NOFOLLOW) == 0 && fstatat(dfd, "d/f", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
                   b.st_uid == 1234 && b.st_gid == 5678 && (b.st_mode & 07777) == 0640 && b.st_mtime == a.st_mtime,
           "  … numeric owner, mode, mtime");
        ok(fstatat(dfd, "d/hard", &b, AT_SYMLINK_NOFOLLOW) == 0 && b.st_nlink == 2, "  … a hard link stays one");
        ok(readlinkat(dfd, "d/link", v, sizeof(v)) == 11, "  … a symlink stays one");
        ok(fstatat(dfd, "d/fifo", &b, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(b.st_mode), "  … a FIFO too");
        ok(fstatat(dfd, "d", &b, AT_SYMLINK_NOFOLLOW) == 0 && (b.st_mode & 07777) == 0750, "  … a directory's mode");
        snprintf(p, sizeof(p), "%s/d/f", dst);
        ok(lgetxattr(p, "user.k", v, sizeof(v)) == 1 && v[0] == 'v', "  … xattrs");
        close(afd);
        close(sfd);
        close(dfd);
}

int main(void) {
        char top[] = "/tmp/test-layer.XXXXXX", dir[512], cwd[512], now[512], cmd[600];

        if (geteuid() != 0)
                tap_skip_all("needs root");
        if (!mkdtemp(top) || !getcwd(cwd, sizeof(cwd)))
                return EXIT_FAILURE;
        snprintf(dir, sizeof(dir), "%s/layer", top);
        mkdir(dir, 0755);
        test_layer(dir);
        snprintf(dir, sizeof(dir), "%s/plain", top);
        mkdir(dir, 0755);
        test_plain(dir);
        test_hostile(top);
        test_bad_whiteouts(top);
        test_fflags(top);
        {
                int status;
                pid_t pid = fork();

                if (pid == 0)
                        _exit(enospc_child(top));
                ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                   "a full disk fails the layer: -ENOSPC, naming the entry (child said %d)",
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        }
        snprintf(dir, sizeof(dir), "%s/junk", top);
        mkdir(dir, 0755);
        test_not_an_archive(dir);
        test_pack(top);
        ok(getcwd(now, sizeof(now)) && streq(now, cwd), "the working directory is restored");

        snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
        (void)system(cmd);
        return tap_finish();
}
