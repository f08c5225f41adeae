/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "tap.h"
#include "user.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                             "# a comment\n"
                             "+nis\n"
                             "\n"
                             "broken:x:abc:1::/broken:/bin/sh\n"
                             "app:x:1000:1000:App,,,:/home/app:/bin/sh\n"
                             "nohome:x:1001:1001:::\n"
                             "short:x:1002:1002\n";

static const char group[] = "root:x:0:root\n"
                            "wheel:x:10:root,app\n"
                            "app:x:1000:\n"
                            "dev:x:2000:other,app\n"
                            "dev-again:x:2000:app\n"
                            "audio:x:29:other,apple\n"
                            "bad:x:-1:app\n";

static int open_root(const char *tmp, const char *name) {
        _cleanup_free_ char *p = path_join(tmp, name), *etc = path_join(tmp, name, "etc");

        if (!p || !etc || mkdir(p, 0755) < 0 || mkdir(etc, 0755) < 0)
                return -errno;
        return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static int put(int root_fd, const char *path, const char *s) {
        _cleanup_close_ int fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        if (fd < 0)
                return -errno;
        return loop_write(fd, s, strlen(s));
}

typedef struct Result {
        int r;
        uid_t uid;
        gid_t gid;
        char *home;
        gid_t *groups;
        size_t n;
} Result;

static Result resolve(int root_fd, const char *spec) {
        Result x = {.uid = 4711, .gid = 4711, .n = 4711};

        x.r = user_resolve(root_fd, spec, &x.uid, &x.gid, &x.home, &x.groups, &x.n);
        return x;
}

static void result_done(Result *x) {
        free(x->home);
        free(x->groups);
}

static void check(int root_fd, const char *spec, uid_t uid, gid_t gid, const char *home,
                  const char *groups) {
        Result x = resolve(root_fd, spec);
        char buf[256] = "";

        for (size_t i = 0; x.r >= 0 && i < x.n; i++)
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%u", i ? " " : "",
                         (unsigned)x.groups[i]);
        ok(x.r == 0 && x.uid == uid && x.gid == gid && streq_ptr(x.home, home) && streq(buf, groups) &&
                   (x.n > 0) == (x.groups != NULL),
           "'%s' → %u:%u %s [%s] (got %d, %u:%u %s [%s])", spec ?: "(null)", (unsigned)uid, (unsigned)gid,
           home, groups, x.r, (unsigned)x.uid, (unsigned)x.gid, x.home ?: "-", buf);
        result_done(&x);
}

static void check_error(int root_fd, const char *spec, int error) {
        Result x = resolve(root_fd, spec);

        ok(x.r == error && x.uid == 4711 && x.gid == 4711 && x.n == 4711, "'%s' → %s (got %d)",
           spec ?: "(null)", strerror(-error), x.r);
}

int main(void) {
        char tmp[] = "/tmp/berth-test-user.XXXXXX";
        _cleanup_close_ int a = -EBADF, b = -EBADF, c = -EBADF, d = -EBADF, e = -EBADF;

        /* A FIFO must fail at once: should it block, the alarm fails the test. */
        alarm(20);
        ok(mkdtemp(tmp) != NULL, "mkdtemp");

        a = open_root(tmp, "a");
        ok(a >= 0, "root a");
        ok_eq_int(put(a, "etc/passwd", passwd), 0);
        ok_eq_int(put(a, "etc/group", group), 0);

        check(a, NULL, 0, 0, "/root", "0 10");
        check(a, "", 0, 0, "/root", "0 10");
        check(a, "root", 0, 0, "/root", "0 10");
        check(a, "app", 1000, 1000, "/home/app", "10 2000");
        check(a, "1000", 1000, 1000, "/home/app", "10 2000");
        check(a, "app:dev", 1000, 2000, "/home/app", "");
        check(a, "app:29", 1000, 29, "/home/app", "");
        check(a, "1000:0", 1000, 0, "/home/app", "");
        check(a, "4242", 4242, 0, "/", "");
        check(a, "4242:4242", 4242, 4242, "/", "");
        check(a, "4242:wheel", 4242, 10, "/", "");
        check(a, "nohome", 1001, 1001, "/", "");
        check(a, "short", 1002, 1002, "/", "");
        check(a, "daemon", 1, 1, "/usr/sbin", "");
        check_error(a, "nobody", -ESRCH);
        check_error(a, "broken", -ESRCH);
        check_error(a, "+nis", -ESRCH);
        check_error(a, "app:nogroup", -ESRCH);
        check_error(a, "app:bad", -ESRCH);
        check_error(a, ":0", -EINVAL);
        check_error(a, "app:", -EINVAL);
        check_error(a, "4294967295", -EINVAL);
        check_error(a, "99999999999999999999", -EINVAL);
        check_error(a, "0:4294967295", -EINVAL);

        /* Symlinks resolve inside the root: an absolute one and one that climbs out with "..". */
        b = open_root(tmp, "b");
        ok(b >= 0 && symlinkat("/etc/shadow", b, "etc/passwd") == 0, "b: passwd → /etc/shadow");
        ok_eq_int(put(b, "etc/shadow", "inside:x:7:7::/inside:/bin/sh\n"), 0);
        check(b, "inside", 7, 7, "/inside", "");
        check_error(b, "root", -ESRCH); /* the host's /etc/shadow was not read */
        ok(mkdirat(b, "data", 0755) == 0 &&
                   symlinkat("../../../../../../../../../data/g", b, "etc/group") == 0,
           "b: group → ../../…/data/g");
        ok_eq_int(put(b, "data/g", "grp:x:70:inside\n"), 0);
        check(b, "inside", 7, 7, "/inside", "70");

        /* No databases at all: numbers work, names do not. */
        c = open_root(tmp, "c");
        ok(c >= 0, "root c without /etc/passwd");
        check(c, NULL, 0, 0, "/root", "");
        check(c, "123:456", 123, 456, "/", "");
        check_error(c, "app", -ESRCH);

        /* Anything but a regular file is an error, never a hang or an open device. */
        d = open_root(tmp, "d");
        ok(d >= 0 && mkfifoat(d, "etc/passwd", 0644) == 0, "d: passwd is a FIFO");
        check_error(d, "app", -EBADFD);
        /* … but root needs no database, and neither do numbers: a hostile image cannot stop
         * exec as root. */
        check(d, "0", 0, 0, "/root", "");
        check(d, NULL, 0, 0, "/root", "");
        check(d, "1000:1000", 1000, 1000, "/", "");
        ok(mkdirat(d, "etc/group", 0755) == 0, "d: group is a directory");
        ok(unlinkat(d, "etc/passwd", 0) == 0 && put(d, "etc/passwd", passwd) == 0, "d: a real passwd");
        check_error(d, "app", -EISDIR);
        if (geteuid() == 0) {
                ok(unlinkat(d, "etc/passwd", 0) == 0 &&
                           mknodat(d, "etc/passwd", S_IFCHR | 0644, makedev(1, 3)) == 0,
                   "d: passwd is a device node");
                check_error(d, "app", -EBADFD);
        }

        /* A kernel interface file is no database, even where it is a "regular file": with
         * /proc in the root, /etc/passwd → /proc/kmsg is refused without reading it (which
         * would consume the kernel's log). */
        {
                _cleanup_close_ int f = open_root(tmp, "f");
                _cleanup_free_ char *proc = path_join(tmp, "f", "proc");

                ok(f >= 0 && proc && symlinkat("/proc/self/status", f, "etc/passwd") == 0 &&
                           symlinkat("/proc/kmsg", f, "etc/group") == 0,
                   "f: passwd → /proc/self/status, group → /proc/kmsg");
                /* In a mount namespace of our own: the host's mounts stay as they are. */
                if (geteuid() == 0 && proc && mkdir(proc, 0755) == 0 && unshare(CLONE_NEWNS) == 0 &&
                    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
                    mount("/proc", proc, NULL, MS_BIND, NULL) == 0) {
                        _cleanup_free_ char *root = path_join(tmp, "f");

                        /* Opened anew: an fd from before unshare() walks the old namespace's mounts. */
                        safe_close(f);
                        f = root ? open(root, O_PATH | O_DIRECTORY | O_CLOEXEC) : -EBADF;
                        check_error(f, "app", -EBADFD);
                        check_error(f, "0:wheel", -EBADFD);
                        check(f, NULL, 0, 0, "/root", "");
                        (void) umount2(proc, MNT_DETACH);
                } else
                        ok(true, "# SKIP needs root to bind /proc into the root");
        }

        /* The size bound. */
        e = open_root(tmp, "e");
        {
                _cleanup_close_ int fd = openat(e, "etc/passwd", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                ok(fd >= 0 && ftruncate(fd, 5 * 1024 * 1024) == 0, "e: a 5 MiB passwd");
        }
        check_error(e, "app", -EFBIG);

        ok_eq_int(rm_rf(tmp), 0);
        return tap_finish();
}
