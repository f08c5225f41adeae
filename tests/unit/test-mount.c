/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The path helpers run anywhere; the mounts run as root inside new namespaces only: a fork()ed
 * child unshares pid, net, ipc, uts and cgroup namespaces, and its child (PID 1 there) unshares the
 * mount namespace, as the helper's clone() does. Every mount lives and dies with that namespace;
 * on the host only an empty temp directory is made, and removed. */
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "fd-util.h"
#include "mount.h"
#include "path-util.h"
#include "string-util.h"
#include "tap.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

static bool is_fs(const char *path, uint64_t magic) {
        struct statfs fs;

        return statfs(path, &fs) >= 0 && (uint64_t)fs.f_type == magic;
}

static bool is_ro(const char *path) {
        struct statvfs sv;

        return statvfs(path, &sv) >= 0 && (sv.f_flag & ST_RDONLY);
}

static bool is_chr(const char *path, unsigned maj, int min) {
        struct stat st;

        return stat(path, &st) >= 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
               (min < 0 || minor(st.st_rdev) == (unsigned)min);
}

static bool link_is(const char *path, const char *target) {
        char buf[PATH_MAX];
        ssize_t n = readlink(path, buf, sizeof(buf) - 1);

        if (n < 0)
                return false;
        buf[n] = 0;
        return streq(buf, target);
}

static int write_file(const char *dir, const char *name, const char *s) {
        _cleanup_free_ char *p = path_join(dir, name);

        return p ? write_string_file(p, s, 0644, /* atomic= */ false) : -ENOMEM;
}

static char *j(const char *a, const char *b) {
        char *p = path_join(a, b);

        if (!p)
                abort();
        return p;
}

/* root + "/" + rel in one of a few static buffers, for the checks below. */
static const char *at(const char *root, const char *rel) {
        static char bufs[4][PATH_MAX];
        static unsigned i = 0;
        char *b = bufs[i++ % ELEMENTSOF(bufs)];

        snprintf(b, PATH_MAX, "%s/%s", root, rel);
        return b;
}

static void test_paths(const char *tmp) {
        _cleanup_free_ char *root = j(tmp, "paths"), *out = j(tmp, "outside"), *s = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        int fd;

        ok(mkdir(root, 0755) == 0 && mkdir(out, 0755) == 0, "make a root and a directory outside it");
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        ok(root_fd >= 0, "open the root");
        ok(mkdirat(root_fd, "etc", 0755) == 0, "etc");
        ok_eq_int(write_file(root, "etc/inside", "in\n"), 0);

        /* "..", absolute and relative symlinks all stay inside the root. */
        ok(symlinkat(out, root_fd, "abs") == 0, "symlink to a host path");
        ok(symlinkat("../../../../..", root_fd, "up") == 0, "symlink climbing out");
        fd = open_in_root(root_fd, "/up/etc/inside", O_RDONLY, 0);
        ok(fd >= 0, "../.. through a symlink is clamped at the root (%d)", fd);
        safe_close(fd);
        fd = open_in_root(root_fd, "../../etc/inside", O_RDONLY, 0);
        ok(fd >= 0, "a leading .. is clamped at the root (%d)", fd);
        safe_close(fd);

        /* mkdir -p through an absolute symlink creates inside the root, never on the host. */
        {
                _cleanup_free_ char *in = path_join(root, out);
                ok(in && mkdir_p(in, 0755) == 0, "the symlink's target inside the root");
        }
        fd = mkdir_in_root(root_fd, "/abs/made/deep", 0755);
        ok(fd >= 0, "mkdir_in_root through a symlink (%d)", fd);
        safe_close(fd);
        {
                _cleanup_free_ char *host = j(out, "made"), *in = NULL;

                in = path_join(root, out, "made/deep");
                ok(access(host, F_OK) < 0 && errno == ENOENT, "nothing created outside the root");
                ok(in && access(in, F_OK) == 0, "created at root%s/made/deep instead", out);
        }
        ok(symlinkat("/nowhere", root_fd, "dangling") == 0, "dangling symlink");
        ok_eq_int(mkdir_in_root(root_fd, "/dangling/x", 0755), -ENOENT);
        ok_eq_int(mkdir_in_root(root_fd, "/etc/inside/x", 0755), -ENOTDIR);
        ok_eq_int(mkdir_in_root(root_fd, "/etc/../x", 0755), -EINVAL);

        /* Magic links are refused: they could lead anywhere. */
        ok(symlinkat("/proc/self/cwd", root_fd, "magic") == 0, "symlink to a magic link");
        ok_eq_int(open_in_root(root_fd, "/magic", O_PATH, 0), -ENOENT); /* no /proc in this root */
        {
                _cleanup_close_ int proc_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                ok_eq_int(open_in_root(proc_root, "/proc/self/cwd", O_PATH, 0), -ELOOP);
        }

        /* Only regular files are ever opened for reading. */
        fd = open_regular_in_root(root_fd, "/etc/inside");
        ok(fd >= 0, "open_regular_in_root on a file");
        ok(fd >= 0 && read_full_fd(fd, 64, &s, NULL) == 0 && streq(s, "in\n"), "and read it");
        safe_close(fd);
        ok(mkfifoat(root_fd, "etc/fifo", 0644) == 0, "mkfifo");
        ok_eq_int(open_regular_in_root(root_fd, "/etc/fifo"), -EBADFD);
        ok_eq_int(open_regular_in_root(root_fd, "/etc"), -EISDIR);
        ok(symlinkat("/dev/null", root_fd, "etc/null") == 0, "symlink to /dev/null");
        ok_eq_int(open_regular_in_root(root_fd, "/etc/null"), -ENOENT); /* the root has no /dev */
}

/* --- The rest runs in the namespaced child: PID 1 of a new pid namespace, own mount namespace. --- */

static void test_overlay(const char *tmp, const char *root) {
        _cleanup_free_ char *lower = j(tmp, "lower"), *lower2 = j(tmp, "lower2"), *upper = j(tmp, "upper"),
                            *work = j(tmp, "work"), *ro = j(tmp, "ro");
        char *lowers[] = {lower2, lower, NULL};
        char *bad[] = {(char *)"/a:b", NULL};
        _cleanup_free_ char *s = NULL;
        int fd;

        ok(mkdir(lower, 0755) == 0 && mkdir(lower2, 0755) == 0 && mkdir(upper, 0755) == 0 &&
                   mkdir(work, 0755) == 0 && mkdir(ro, 0755) == 0 && mkdir(root, 0755) == 0,
           "overlay directories");
        ok_eq_int(write_file(lower, "top", "bottom\n"), 0);
        ok_eq_int(write_file(lower2, "top", "top\n"), 0);
        ok_eq_int(write_file(upper, "changed", "earlier change\n"), 0);
        ok(mkdir(at(lower, "etc"), 0755) == 0, "lower/etc");
        ok(mkdir(at(lower, "dev"), 0755) == 0, "lower/dev (proc and sys are absent)");

        ok_eq_int(mount_overlay_root(bad, upper, work, ro, false), -EINVAL);
        {
                char *missing[] = {(char *)"/nonexistent-layer", NULL};
                ok_eq_int(mount_overlay_root(missing, upper, work, ro, false), -ENOENT);
        }

        /* Read-only: the upper dir's changes are there, nothing can be written. */
        ok_eq_int(mount_overlay_root(lowers, upper, work, ro, /* read_only= */ true), 0);
        ok(is_fs(ro, OVERLAYFS_SUPER_MAGIC) && is_ro(ro), "read-only overlay");
        ok(access(at(ro, "proc"), F_OK) == 0 && access(at(ro, "sys"), F_OK) == 0 &&
                   access(at(upper, "proc"), F_OK) == 0,
           "the image lacked /proc and /sys: made in the upper dir before going read-only");
        ok(read_full_file_at(AT_FDCWD, at(ro, "changed"), 64, &s, NULL) == 0 && streq(s, "earlier change\n"),
           "earlier changes visible read-only");
        free(s);
        s = NULL;
        fd = open(at(ro, "new"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        ok(fd < 0 && errno == EROFS, "no writes to a read-only overlay");
        ok(umount2(ro, MNT_DETACH) == 0, "unmount the read-only overlay");

        ok_eq_int(mount_overlay_root(lowers, upper, work, root, /* read_only= */ false), 0);
        ok(is_fs(root, OVERLAYFS_SUPER_MAGIC) && !is_ro(root), "read-write overlay");
        ok(read_full_file_at(AT_FDCWD, at(root, "top"), 64, &s, NULL) == 0 && streq(s, "top\n"),
           "the first lower dir is the top layer");
        ok_eq_int(write_file(root, "new", "x\n"), 0);
        ok(access(at(upper, "new"), F_OK) == 0, "writes land in the upper dir");
}

static void test_refusals(const char *tmp) {
        static const struct {
                const char *name, *entry;
                bool symlink;
                int expect;
        } cases[] = {
                {"bad-proc", "proc", true, -ELOOP},
                {"bad-sys", "sys", true, -ELOOP},
                {"bad-dev", "dev", false, -ENOTDIR},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *root = j(tmp, cases[i].name), *e = NULL, *etc = NULL;

                ok(mkdir(root, 0755) == 0 && mount("tmpfs", root, "tmpfs", 0, "mode=755") == 0, "%s root",
                   root);
                e = j(root, cases[i].entry);
                etc = j(root, "etc");
                ok(mkdir(etc, 0755) == 0, "etc");
                ok(cases[i].symlink ? symlink("/etc", e) == 0 : write_string_file(e, "", 0644, false) == 0,
                   "/%s is a %s", cases[i].entry, cases[i].symlink ? "symlink" : "file");
                ok_eq_int(mount_setup_root(root, &(MountOptions){}), cases[i].expect);
                {
                        struct stat a, b;
                        ok(stat(root, &a) == 0 && stat(etc, &b) == 0 && a.st_dev == b.st_dev,
                           "nothing was mounted through the symlink");
                }
        }
}

/* A unified host, faked in our own mount namespace by a cgroup2 mount over the host's
 * /sys/fs/cgroup view (this machine may be a v1 or hybrid one). */
static void test_unified(const char *tmp) {
        _cleanup_free_ char *root = j(tmp, "unified");
        bool faked;

        ok(mkdir(root, 0755) == 0 && mount("tmpfs", root, "tmpfs", 0, "mode=755") == 0, "unified root");
        faked = mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) == 0;
        ok(faked, "a cgroup2 on /sys/fs/cgroup in our namespace");
        if (!faked)
                return;
        ok_eq_int(mount_setup_root(root, &(MountOptions){}), 0);
        ok(is_fs(at(root, "sys/fs/cgroup"), CGROUP2_SUPER_MAGIC) && is_ro(at(root, "sys/fs/cgroup")) &&
                   access(at(root, "sys/fs/cgroup/cgroup.procs"), F_OK) == 0,
           "unified host: a read-only cgroup2 at /sys/fs/cgroup");
        ok(umount2("/sys/fs/cgroup", MNT_DETACH) == 0, "undo the fake");
}

static void test_privileged(const char *tmp) {
        _cleanup_free_ char *root = j(tmp, "priv");
        _cleanup_close_ int master = -EBADF;

        ok(mkdir(root, 0755) == 0 && mount("tmpfs", root, "tmpfs", 0, "mode=755") == 0, "privileged root");
        ok_eq_int(mount_setup_root(root, &(MountOptions){.privileged = true}), 0);
        ok(is_fs(at(root, "proc/sys"), PROC_SUPER_MAGIC) && !is_ro(at(root, "proc/sys")),
           "privileged: /proc/sys writable");
        ok(!is_chr(at(root, "proc/kcore"), 1, 3), "privileged: /proc/kcore not masked");
        ok(is_fs(at(root, "sys"), SYSFS_MAGIC) && !is_ro(at(root, "sys")), "privileged: /sys writable");
        ok(!is_ro(at(root, "sys/fs/cgroup")), "privileged: /sys/fs/cgroup writable");
        ok(is_chr(at(root, "dev/null"), 1, 3), "privileged: still the small /dev");
        ok(access(at(root, "dev/sda"), F_OK) < 0, "privileged: no host disks in /dev");

        /* A console from the container's own devpts. */
        ok_eq_int(mount_setup_console(root, &(struct winsize) { .ws_row = 27, .ws_col = 91 }, &master), 0);
        ok(master >= 0 && is_chr(at(root, "dev/console"), 136, 0),
           "/dev/console is pty 0 of the new devpts");
        {
                struct winsize ws = {};
                ok(ioctl(master, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 27 && ws.ws_col == 91,
                   "the pty has the size asked for before anyone opens it");
        }
        ok(is_chr(at(root, "dev/pts/0"), 136, 0), "its slave is /dev/pts/0");
}

static void test_container(const char *root, const char *console) {
        static const char *const masked[] = {
                "/proc/acpi",        "/proc/asound",  "/proc/interrupts",
                "/proc/kcore",       "/proc/keys",    "/proc/latency_stats",
                "/proc/sched_debug", "/proc/scsi",    "/proc/timer_list",
                "/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap",
        };
        char buf[16] = {1, 1, 1, 1};
        struct stat st;
        int fd;

        ok(getpid() == 1, "we are PID 1");
        ok(access("/proc/1/stat", F_OK) == 0 && link_is("/proc/self", "1"), "/proc shows our pid namespace");
        ok(is_fs("/proc", PROC_SUPER_MAGIC), "/proc is proc");
        {
                struct statvfs sv;
                ok(statvfs("/proc", &sv) == 0 && (sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NOEXEC) &&
                           (sv.f_flag & ST_NODEV),
                   "/proc is nosuid,noexec,nodev");
        }
        ok(access("/top", F_OK) == 0 && access(root, F_OK) < 0,
           "the overlay is / and the host's tree is gone");

        /* Masks and read-only paths. */
        for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
                struct stat mst;

                if (lstat(masked[i], &mst) < 0) {
                        ok(errno == ENOENT, "%s absent on this kernel, not masked", masked[i]);
                        continue;
                }
                if (S_ISDIR(mst.st_mode))
                        ok(is_fs(masked[i], TMPFS_MAGIC) && is_ro(masked[i]) && mst.st_nlink == 2,
                           "%s masked by an empty read-only tmpfs", masked[i]);
                else
                        ok(is_chr(masked[i], 1, 3) && is_ro(masked[i]), "%s masked by /dev/null", masked[i]);
        }
        fd = open("/proc/interrupts", O_RDONLY | O_CLOEXEC);
        ok(fd >= 0 && read(fd, buf, sizeof(buf)) == 0, "reading a masked file gives nothing");
        safe_close(fd);
        fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
        ok(fd < 0 && errno == EROFS, "/proc/sys is read-only (%m)");
        safe_close(fd);
        fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
        ok(fd < 0 && (errno == EROFS || errno == ENOENT), "/proc/sysrq-trigger is read-only");
        safe_close(fd);
        ok(access("/proc/irq", F_OK) < 0 || is_ro("/proc/irq"), "/proc/irq read-only");
        ok(is_fs("/proc/self", PROC_SUPER_MAGIC) && !is_ro("/proc/self"),
           "the rest of /proc stays writable");

        /* /sys and cgroups. */
        ok(is_fs("/sys", SYSFS_MAGIC) && is_ro("/sys"), "/sys is a read-only sysfs");
        ok(mkdir("/sys/x", 0755) < 0 && errno == EROFS, "nothing is created in /sys");
        ok(access("/sys/class/net/lo", F_OK) == 0 && access("/sys/class/net/eth0", F_OK) < 0,
           "/sys shows the new network namespace");
        ok(is_ro("/sys/fs/cgroup"), "/sys/fs/cgroup is read-only");
        ok(is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC) || is_fs("/sys/fs/cgroup", TMPFS_MAGIC),
           "/sys/fs/cgroup is cgroup2 or a tmpfs");
        if (is_fs("/sys/fs/cgroup", TMPFS_MAGIC) && access("/sys/fs/cgroup/systemd", F_OK) == 0)
                ok(is_fs("/sys/fs/cgroup/systemd", CGROUP_SUPER_MAGIC) && is_ro("/sys/fs/cgroup/systemd") &&
                           access("/sys/fs/cgroup/systemd/cgroup.procs", F_OK) == 0,
                   "v1 host: the name=systemd hierarchy, read-only");

        /* /dev. */
        ok(is_fs("/dev", TMPFS_MAGIC) && stat("/dev", &st) == 0 && (st.st_mode & 07777) == 0755,
           "/dev is a tmpfs, mode 755");
        ok(is_chr("/dev/null", 1, 3) && is_chr("/dev/zero", 1, 5) && is_chr("/dev/full", 1, 7) &&
                   is_chr("/dev/random", 1, 8) && is_chr("/dev/urandom", 1, 9) && is_chr("/dev/tty", 5, 0),
           "null zero full random urandom tty");
        fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        ok(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null works");
        safe_close(fd);
        fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        ok(fd >= 0 && read(fd, buf, 4) == 4 && buf[0] == 0 && buf[3] == 0, "/dev/zero works");
        safe_close(fd);
        ok(link_is("/dev/ptmx", "pts/ptmx") && link_is("/dev/fd", "/proc/self/fd") &&
                   link_is("/dev/stdin", "/proc/self/fd/0") && link_is("/dev/stdout", "/proc/self/fd/1") &&
                   link_is("/dev/stderr", "/proc/self/fd/2"),
           "ptmx fd stdin stdout stderr symlinks");
        ok(access("/dev/core", F_OK) < 0 && access("/dev/sda", F_OK) < 0, "nothing else in /dev");
        ok(is_fs("/dev/pts", DEVPTS_SUPER_MAGIC), "/dev/pts is a devpts");
        fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        ok(fd >= 0 && unlockpt(fd) == 0 && ptsname(fd) && streq(ptsname(fd), "/dev/pts/0"),
           "a new devpts instance: our first pty is /dev/pts/0");
        ok(fd >= 0 && stat("/dev/pts/0", &st) == 0 && (st.st_mode & 0777) == 0620 && st.st_gid == 5,
           "ptys are mode 620, group 5");
        safe_close(fd);
        ok(is_fs("/dev/shm", TMPFS_MAGIC) && stat("/dev/shm", &st) == 0 && (st.st_mode & 07777) == 01777,
           "/dev/shm is a tmpfs, mode 1777");
        ok(is_fs("/dev/mqueue", MQUEUE_MAGIC), "/dev/mqueue is an mqueue");
        if (console)
                ok(is_chr("/dev/console", 136, -1), "/dev/console is the console pty %s", console);
}

static int run_in_namespaces(const char *tmp) {
        _cleanup_free_ char *root = j(tmp, "root");
        _cleanup_close_ int ptm = -EBADF;
        const char *console = NULL;

        /* Our own mount namespace, as the helper's child has after clone(CLONE_NEWNS). */
        if (unshare(CLONE_NEWNS) < 0) {
                printf("Bail out! unshare(CLONE_NEWNS): %m\n");
                return EXIT_FAILURE;
        }
        ok_eq_int(mount_isolate(), 0);
        ok(mount("tmpfs", tmp, "tmpfs", 0, "mode=755") == 0, "a tmpfs for the test's files");

        test_overlay(tmp, root);
        test_refusals(tmp);
        test_unified(tmp);
        test_privileged(tmp);

        /* A console the caller allocated on the host's devpts, bound by path. */
        ptm = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (ptm >= 0 && grantpt(ptm) >= 0 && unlockpt(ptm) >= 0)
                console = ptsname(ptm);

        ok_eq_int(mount_setup_root(root, &(MountOptions){.console_path = console}), 0);
        ok_eq_int(mount_pivot_root(root), 0);
        test_container(tmp, console);
        return tap_finish();
}

int main(void) {
        char tmp[] = "/tmp/berth-test-mount.XXXXXX";
        int status = 0;
        pid_t pid;

        ok(mkdtemp(tmp) != NULL, "mkdtemp");
        test_paths(tmp);
        ok_eq_int(rm_rf(tmp), 0);

        if (geteuid() != 0) {
                printf("# mounts skipped: they need root\n");
                return tap_finish();
        }

        ok(mkdir(tmp, 0700) == 0, "an empty directory for the namespaced part");
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return EXIT_FAILURE;
        if (pid == 0) {
                pid_t g;

                if (unshare(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP) <
                    0) {
                        printf("# unshare: %m: cannot test mounts here\n");
                        _exit(77);
                }
                g = fork();
                if (g < 0)
                        _exit(EXIT_FAILURE);
                if (g == 0)
                        _exit(run_in_namespaces(tmp));
                if (waitpid(g, &status, 0) < 0)
                        _exit(EXIT_FAILURE);
                _exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILURE);
        }
        if (waitpid(pid, &status, 0) < 0)
                return EXIT_FAILURE;
        (void)rmdir(tmp);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
                return tap_finish(); /* the path tests above still count */
        /* The child printed the remaining results and the plan. */
        return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILURE;
}
