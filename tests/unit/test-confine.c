/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A seccomp filter cannot be taken back: each case loads the profile in a fork()ed child under
 * no_new_privs (so it needs no capability), makes its calls, and reports the errno of each
 * through a pipe. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "confine.h"
#include "paths.h"
#include "tap.h"

#define BIT(c) (UINT64_C(1) << (c))

enum {
        PROBE_GETPID,
        PROBE_KEYCTL,
        PROBE_CLONE3,
        PROBE_UNSHARE,
        PROBE_FORK,
        PROBE_PERSONALITY_QUERY,
        PROBE_PERSONALITY_OTHER,
        PROBE_SOCKET_UNIX,
        PROBE_SOCKET_VSOCK,
        PROBE_CLONE_NEWNET,
        PROBE_REBOOT,
        _PROBE_MAX,
};

/* 0 when the call went through, else its errno. */
static int probe(int which) {
        long r;
        pid_t pid;

        switch (which) {
        case PROBE_GETPID:
                r = syscall(SYS_getpid);
                break;
        case PROBE_KEYCTL:
                r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
                break;
        case PROBE_CLONE3:
                /* Bad arguments: EINVAL when the kernel sees the call, ENOSYS from the filter. */
                r = syscall(SYS_clone3, NULL, 0);
                break;
        case PROBE_UNSHARE:
                r = syscall(SYS_unshare, 0); /* changes nothing when allowed */
                break;
        case PROBE_FORK:
                pid = fork();
                if (pid == 0)
                        _exit(0);
                r = pid < 0 ? -1 : waitpid(pid, NULL, 0);
                break;
        case PROBE_PERSONALITY_QUERY:
                r = syscall(SYS_personality, 0xffffffffUL);
                break;
        case PROBE_PERSONALITY_OTHER:
                r = syscall(SYS_personality, (unsigned long)ADDR_NO_RANDOMIZE);
                break;
        case PROBE_SOCKET_UNIX:
                r = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                break;
        case PROBE_SOCKET_VSOCK:
                r = socket(40 /* AF_VSOCK */, SOCK_STREAM | SOCK_CLOEXEC, 0);
                break;
        case PROBE_CLONE_NEWNET:
                /* Namespace flags: refused by the filter before the kernel's own checks. Invalid
                 * together with CLONE_FS (EINVAL), so nothing is made when allowed. */
                r = syscall(SYS_clone, (unsigned long)(CLONE_NEWNS | CLONE_FS), NULL, NULL, NULL, 0);
                break;
        case PROBE_REBOOT:
                r = syscall(SYS_reboot, 0, 0, 0, NULL); /* bad magic: EINVAL when it gets through */
                break;
        default:
                return -1;
        }
        return r < 0 ? errno : 0;
}

static long usec_since(const struct timespec *a) {
        struct timespec b;

        clock_gettime(CLOCK_MONOTONIC, &b);
        return (b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000;
}

/* Runs every probe in a child that loads the program in fd; results[i] as probe() gives it. */
static bool run_confined(int fd, int results[_PROBE_MAX], long *ret_usec) {
        int p[2], in[_PROBE_MAX + 2];
        pid_t pid;
        int status;
        ssize_t n;

        if (pipe(p) < 0)
                return false;
        pid = fork();
        if (pid == 0) {
                struct timespec a;
                int out[_PROBE_MAX + 2];

                close(p[0]);
                (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                clock_gettime(CLOCK_MONOTONIC, &a);
                out[0] = confine_load(fd);
                out[1] = (int)usec_since(&a);
                for (int i = 0; i < _PROBE_MAX; i++)
                        out[i + 2] = out[0] < 0 ? -1 : probe(i);
                (void)write(p[1], out, sizeof(out));
                _exit(0);
        }
        close(p[1]);
        n = read(p[0], in, sizeof(in));
        close(p[0]);
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || n != (ssize_t)sizeof(in))
                return false;
        if (!ok(in[0] == 0, "the profile loads (%d)", in[0]))
                return false;
        *ret_usec = in[1];
        memcpy(results, in + 2, sizeof(int) * _PROBE_MAX);
        return true;
}

static void test_profile(void) {
        int res[_PROBE_MAX], fd;
        long usec = 0;

        if (!ok(confine_profile_open(caps_default(), &fd) == 0, "the default profile is made"))
                return;
        if (run_confined(fd, res, &usec)) {
                printf("# loading it took %ld µs\n", usec);
                ok_eq_int(res[PROBE_GETPID], 0);
                ok_eq_int(res[PROBE_FORK], 0);
                ok_eq_int(res[PROBE_SOCKET_UNIX], 0);
                ok_eq_int(res[PROBE_PERSONALITY_QUERY], 0);
                ok(res[PROBE_KEYCTL] == EPERM, "keyrings are not namespaced: keyctl() fails with EPERM (%d)",
                   res[PROBE_KEYCTL]);
                ok(res[PROBE_CLONE3] == ENOSYS,
                   "clone3() answers ENOSYS, so that libc falls back to clone() (%d)", res[PROBE_CLONE3]);
                ok(res[PROBE_UNSHARE] == EPERM, "unshare() without CAP_SYS_ADMIN: EPERM (%d)",
                   res[PROBE_UNSHARE]);
                ok(res[PROBE_CLONE_NEWNET] == EPERM, "clone() with namespace flags: EPERM (%d)",
                   res[PROBE_CLONE_NEWNET]);
                ok(res[PROBE_PERSONALITY_OTHER] == EPERM, "personality(ADDR_NO_RANDOMIZE): EPERM (%d)",
                   res[PROBE_PERSONALITY_OTHER]);
                ok(res[PROBE_SOCKET_VSOCK] == EPERM, "socket(AF_VSOCK): EPERM (%d)",
                   res[PROBE_SOCKET_VSOCK]);
                ok(res[PROBE_REBOOT] == EPERM, "reboot() without CAP_SYS_BOOT: EPERM (%d)",
                   res[PROBE_REBOOT]);
        }
        close(fd);

        if (!ok(confine_profile_open(caps_default() | BIT(CAP_SYS_ADMIN) | BIT(CAP_SYS_BOOT), &fd) == 0,
                "the profile with CAP_SYS_ADMIN and CAP_SYS_BOOT is made"))
                return;
        if (run_confined(fd, res, &usec)) {
                ok(res[PROBE_CLONE3] == EINVAL, "with CAP_SYS_ADMIN clone3() reaches the kernel (%d)",
                   res[PROBE_CLONE3]);
                ok_eq_int(res[PROBE_UNSHARE], 0);
                ok(res[PROBE_CLONE_NEWNET] == EINVAL, "  … and clone() with namespace flags (%d)",
                   res[PROBE_CLONE_NEWNET]);
                ok(res[PROBE_REBOOT] == EINVAL, "with CAP_SYS_BOOT reboot() reaches the kernel (%d)",
                   res[PROBE_REBOOT]);
                ok(res[PROBE_KEYCTL] == EPERM, "  … keyctl() stays refused (%d)", res[PROBE_KEYCTL]);
        }
        close(fd);
}

/* One file per set of capabilities, made once, root's alone; one that is not is made anew. */
static void test_cache(const char *dir) {
        struct timespec t;
        struct stat a, b;
        long cold, warm;
        int fd1, fd2, fd3;
        char path[PATH_MAX];
        DIR *d;
        struct dirent *de;
        unsigned files = 0;

        clock_gettime(CLOCK_MONOTONIC, &t);
        if (!ok(confine_profile_open(BIT(CAP_CHOWN), &fd1) == 0, "a profile is made on first use"))
                return;
        cold = usec_since(&t);
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (!ok(confine_profile_open(BIT(CAP_CHOWN), &fd2) == 0, "  … and opened on the next"))
                return;
        warm = usec_since(&t);
        printf("# made in %ld µs, opened in %ld µs\n", cold, warm);
        ok(fstat(fd1, &a) == 0 && fstat(fd2, &b) == 0 && a.st_ino == b.st_ino, "  … the same file");
        ok((a.st_mode & 07777) == 0600 && a.st_uid == geteuid(), "  … mode 0600, ours (%o)",
           a.st_mode & 07777);
        ok(warm * 4 < cold, "  … opening is much cheaper than making (%ld vs %ld µs)", warm, cold);

        /* Someone else's, or group-writable: not used, made anew. */
        ok(fchmod(fd1, 0644) == 0, "chmod 0644");
        ok(confine_profile_open(BIT(CAP_CHOWN), &fd3) == 0, "a file that is not root's alone is made anew");
        ok(fstat(fd3, &b) == 0 && b.st_ino != a.st_ino && (b.st_mode & 07777) == 0600,
           "  … as a new file, 0600");
        close(fd1);
        close(fd2);
        close(fd3);

        snprintf(path, sizeof(path), "%s/seccomp", dir);
        d = opendir(path);
        while (d && (de = readdir(d)))
                if (de->d_name[0] != '.')
                        files++;
        if (d)
                closedir(d);
        ok(files == 3, "one file for each of the three sets of capabilities used here (%u)", files);
        ok(stat(path, &a) == 0 && (a.st_mode & 07777) == 0700, "the directory is 0700");
}

static int count_fds(void) {
        _cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
        int n = 0;

        while (d && readdir(d))
                n++;
        return n;
}

static void test_prepare(void) {
        _cleanup_(definition_freep) Definition *d = definition_new("x");
        SeccompProgram p = SECCOMP_PROGRAM_NULL;
        int fds_before, fds_after;

        if (!d)
                return;
        d->seccomp_unconfined = true;
        ok(confine_prepare(d, &p) == 0 && !p.filter, "SeccompProfile=unconfined: no profile");
        d->seccomp_unconfined = false;
        d->privileged = true;
        ok(confine_prepare(d, &p) == 0 && !p.filter, "Privileged=yes: no profile");
        d->privileged = false;
        fds_before = count_fds();
        ok(confine_prepare(d, &p) == 0 && p.filter && p.len > 0, "otherwise a profile, in memory");
        fds_after = count_fds();
        ok(fds_before == fds_after, "  … and no descriptor of the profile's file is left open (%d, %d)", fds_before,
           fds_after);
        seccomp_program_done(&p);
}

int main(void) {
        char dir[] = "/tmp/test-confine.XXXXXX", cmd[64];

        if (!mkdtemp(dir))
                return EXIT_FAILURE;
        setenv("BERTH_RUNTIME_DIR", dir, 1);
        berth_paths_reset();
        test_profile();
        test_cache(dir);
        test_prepare();
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        (void)system(cmd);
        return tap_finish();
}
