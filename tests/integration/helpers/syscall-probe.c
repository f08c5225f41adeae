/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscall-probe CALL…: makes each call and prints "CALL ok" or "CALL ERRNONAME", one line each.
 * Built static, to be copied into test images (they have no libc). Calls are chosen so that
 * they change nothing when they get through.
 *
 * Two are more than one call:
 *   compat-*      the i386 ABI through int 0x80, in a child: a kernel without it (no
 *                 IA32_EMULATION, ia32_emulation=0) kills the caller with SIGSEGV, which prints
 *                 "compat-… unavailable" instead;
 *   getfd:PID     every descriptor of PID above 2 that pidfd_getfd() can take: "getfd:PID none",
 *                 or "getfd:PID N=TARGET,…" (what an attacker inside with CAP_SYS_PTRACE gets). */
#include <errno.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

static long compat_call(long nr, long a, long b) {
#if defined(__x86_64__)
        long r;

        /* The i386 ABI from a 64-bit process: what a 32-bit binary in the image would do. */
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
        if (r < 0 && r > -4096) {
                errno = (int)-r;
                return -1;
        }
        return r;
#else
        errno = ENOSYS;
        return -1;
#endif
}

/* The compat call in a child, so that a kernel without the ABI cannot kill us. */
static long compat_call_safely(long nr, long a, long b) {
        int status, pipefd[2];
        long r = -1;
        int e = 0;
        pid_t pid;

        if (pipe(pipefd) < 0)
                return -1;
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                long k = compat_call(nr, a, b);
                int err = k < 0 ? errno : 0;

                (void)!write(pipefd[1], &err, sizeof(err));
                _exit(0);
        }
        close(pipefd[1]);
        if (read(pipefd[0], &e, sizeof(e)) == sizeof(e))
                r = e ? -1 : 0;
        close(pipefd[0]);
        (void)waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) {
                errno = ENOSYS;
                return -2;
        }
        errno = e;
        return r;
}

static void getfd(const char *what, const char *pid_s) {
        int pidfd = (int)syscall(SYS_pidfd_open, atoi(pid_s), 0), n = 0;

        printf("%s", what);
        if (pidfd < 0) {
                printf(" %s\n", strerrorname_np(errno));
                return;
        }
        for (int fd = 3; fd < 1024; fd++) {
                char link[64], target[PATH_MAX];
                ssize_t l;
                int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

                if (got < 0)
                        continue;
                snprintf(link, sizeof(link), "/proc/self/fd/%d", got);
                l = readlink(link, target, sizeof(target) - 1);
                target[l < 0 ? 0 : l] = 0;
                printf("%s%d=%s", n++ ? "," : " ", fd, target);
                close(got);
        }
        printf("%s\n", n ? "" : " none");
}

static long call(const char *what) {
        if (strcmp(what, "getpid") == 0)
                return syscall(SYS_getpid);
        if (strcmp(what, "keyctl") == 0)
                return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
        if (strcmp(what, "clone3") == 0)
                return syscall(SYS_clone3, NULL, 0); /* EINVAL when the kernel sees it */
        if (strcmp(what, "unshare") == 0)
                return syscall(SYS_unshare, 0);
        if (strcmp(what, "personality") == 0)
                return syscall(SYS_personality, (unsigned long)ADDR_NO_RANDOMIZE);
        if (strcmp(what, "compat-getpid") == 0)
                return compat_call_safely(20, 0, 0); /* i386 getpid */
        if (strcmp(what, "compat-keyctl") == 0)
                return compat_call_safely(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING); /* i386 keyctl */
        errno = EBADRQC;
        return -1;
}

int main(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++) {
                long r;
                const char *e;

                if (strncmp(argv[i], "getfd:", 6) == 0) {
                        getfd(argv[i], argv[i] + 6);
                        continue;
                }
                r = call(argv[i]);
                e = r == -2 ? "unavailable" : r < 0 ? strerrorname_np(errno) : "ok";

                printf("%s %s\n", argv[i], e ? e : "?");
        }
        return 0;
}
