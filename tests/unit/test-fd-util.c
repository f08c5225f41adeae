/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "tap.h"

/* A chain of `levels` directories named d below dir, a file in the deepest; 0 or -errno. */
static int make_deep(const char *dir, unsigned levels) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), sub;

        if (fd < 0)
                return -errno;
        for (unsigned i = 0; i < levels; i++) {
                if (mkdirat(fd, "d", 0755) < 0 || (sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
                        int r = -errno;
                        close(fd);
                        return r;
                }
                close(fd);
                fd = sub;
        }
        sub = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        close(fd);
        if (sub < 0)
                return -EIO;
        close(sub);
        return 0;
}

typedef struct Count {
        unsigned entries, leaves, deepest, depth;
} Count;

static int count_one(TreeWalkItem *item, void *userdata) {
        Count *c = userdata;

        if (item->event == TREE_WALK_ENTER)
                return 0;
        if (item->event == TREE_WALK_LEAVE) {
                c->depth--;
                c->leaves++;
                return 0;
        }
        c->entries++;
        if (S_ISDIR(item->st->st_mode)) {
                c->depth++;
                if (c->depth > c->deepest)
                        c->deepest = c->depth;
        }
        return 0;
}

/* A tree deeper than the fds a process may hold: walked and removed all the same. */
static void test_deep(const char *tmpl) {
        _cleanup_free_ char *top = path_join(tmpl, "deep");
        struct rlimit old, low = { .rlim_cur = 64 };
        Count c = {};
        int fd, r;

        ok(mkdir(top, 0755) == 0, "mkdir deep");
        ok_eq_int(make_deep(top, 1100), 0);
        ok(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit");
        low.rlim_max = old.rlim_max;
        ok(setrlimit(RLIMIT_NOFILE, &low) == 0, "at most 64 fds from here");
        fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = tree_walk_at(fd, -EBADF, count_one, &c);
        close(fd);
        ok_eq_int(r, 0);
        ok(c.entries == 1101 && c.leaves == 1100 && c.deepest == 1100 && c.depth == 0,
           "a 1,100-level tree is walked whole (%u entries, %u left, %u deep)", c.entries, c.leaves, c.deepest);
        ok_eq_int(rm_rf(top), 0);
        ok(access(top, F_OK) < 0 && errno == ENOENT, "  … and removed whole by rm_rf()");
        ok(setrlimit(RLIMIT_NOFILE, &old) == 0, "setrlimit back");
}

/* chattr +i / +a on what rm_rf() removes: cleared, then removed. */
static void test_immutable(const char *tmpl) {
        _cleanup_free_ char *top = path_join(tmpl, "attrs"), *dir = path_join(tmpl, "attrs/dir"),
                            *file = path_join(tmpl, "attrs/dir/file"), *log = path_join(tmpl, "attrs/log");
        int fd, flags = FS_IMMUTABLE_FL, r;

        ok(mkdir(top, 0755) == 0 && mkdir(dir, 0755) == 0, "mkdir attrs/dir");
        ok_eq_int(write_string_file(file, "x", 0644, false), 0);
        ok_eq_int(write_string_file(log, "x", 0644, false), 0);
        fd = open(file, O_RDONLY | O_CLOEXEC);
        r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
        close(fd);
        if (r < 0 && (errno == ENOTTY || errno == EOPNOTSUPP || errno == EPERM)) {
                ok(true, "# SKIP chattr is not possible here (%s)", strerror(errno));
                ok_eq_int(rm_rf(top), 0);
                return;
        }
        ok(r == 0, "chattr +i attrs/dir/file");
        flags = FS_APPEND_FL;
        fd = open(log, O_RDONLY | O_CLOEXEC);
        ok(ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0, "chattr +a attrs/log");
        close(fd);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        flags = FS_IMMUTABLE_FL;
        ok(ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0, "chattr +i attrs/dir");
        close(fd);
        ok(unlink(file) < 0 && errno == EPERM, "  … which unlink() cannot remove");
        ok_eq_int(rm_rf(top), 0);
        ok(access(top, F_OK) < 0 && errno == ENOENT, "rm_rf() clears immutable and append-only, and removes");
}

/* write_string_file_new(): whole, with its mode, never over another file, and nothing else in the
 * directory; loop_read_exact() across short reads and to an early end. */
static void test_new_file(const char *tmpl) {
        _cleanup_free_ char *dir = path_join(tmpl, "new"), *file = path_join(tmpl, "new/def"), *text = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        unsigned entries = 0;
        struct stat st;
        int p[2], got = 0;
        char buf[4];

        ok_eq_int(mkdir_p(dir, 0755), 0);
        ok_eq_int(write_string_file_new(file, "first\n", 0640), 0);
        ok(stat(file, &st) == 0 && (st.st_mode & 0777) == 0640, "write_string_file_new: the mode asked for");
        ok_eq_int(write_string_file_new(file, "second\n", 0644), -EEXIST);
        ok_eq_int(read_full_file_at(AT_FDCWD, file, 64, &text, NULL), 0);
        ok_streq(text, "first\n");
        d = opendir(dir);
        while (d && (de = readdir(d)))
                if (de->d_name[0] != '.')
                        entries++;
                else if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        entries += 100; /* a temporary file left behind */
        ok_eq_int(entries, 1);
        ok_eq_int(write_string_file_new("/nonexistent-dir-berth/x", "x", 0644), -ENOENT);

        {
                _cleanup_free_ char *comm = NULL, *none = NULL;

                ok_eq_int(read_proc_pid_file(getpid(), "comm", 64, &comm), 0);
                ok_streq(comm, "test-fd-util\n");
                ok_eq_int(read_proc_pid_file(getpid(), "comm", 4, &none), -EFBIG);
                ok_eq_int(read_proc_pid_file(0x3fffffff, "comm", 64, &none), -ENOENT);
        }

        ok(pipe(p) == 0, "pipe");
        ok(write(p[1], "ab", 2) == 2 && write(p[1], "c", 1) == 1, "three bytes in two writes");
        ok_eq_int(loop_read_exact(p[0], buf, 3), 0);
        ok(memcmp(buf, "abc", 3) == 0, "loop_read_exact: all of them");
        ok(write(p[1], "d", 1) == 1, "one more");
        close(p[1]);
        ok_eq_int(loop_read_exact(p[0], &got, sizeof(got)), -EIO);
        close(p[0]);
}

int main(void) {
        char tmpl[] = "/tmp/berth-test-fd.XXXXXX";
        _cleanup_free_ char *f = NULL, *fifo = NULL, *deep = NULL, *s = NULL, *big = NULL;
        size_t n = 0;
        struct stat st;

        ok(mkdtemp(tmpl) != NULL, "mkdtemp");
        f = path_join(tmpl, "file");
        fifo = path_join(tmpl, "fifo");
        deep = path_join(tmpl, "a/b/c");

        ok_eq_int(write_string_file(f, "hello\n", 0600, /* atomic= */ true), 0);
        ok(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "mode kept on atomic write");
        ok_eq_int(read_full_file_at(AT_FDCWD, f, 1024, &s, &n), 0);
        ok_streq(s, "hello\n");
        ok_eq_int(n, 6);
        ok_eq_int(read_full_file_at(AT_FDCWD, f, 3, &big, NULL), -EFBIG);

        /* A FIFO must be refused at once, never block. */
        ok(mkfifo(fifo, 0600) == 0, "mkfifo");
        ok_eq_int(read_full_file_at(AT_FDCWD, fifo, 1024, &big, NULL), -EBADFD);
        ok_eq_int(read_full_file_at(AT_FDCWD, tmpl, 1024, &big, NULL), -EISDIR);

        ok_eq_int(mkdir_p(deep, 0755), 0);
        ok(stat(deep, &st) == 0 && S_ISDIR(st.st_mode), "mkdir_p made a/b/c");
        ok_eq_int(mkdir_p(deep, 0755), 0);

        test_deep(tmpl);
        test_new_file(tmpl);
        if (geteuid() == 0)
                test_immutable(tmpl);

        ok_eq_int(rm_rf(tmpl), 0);
        ok(stat(tmpl, &st) < 0 && errno == ENOENT, "rm_rf removed the tree");
        ok_eq_int(rm_rf(tmpl), 0);

        return tap_finish();
}
