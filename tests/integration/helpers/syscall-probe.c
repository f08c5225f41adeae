/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscall-probe CALL…: makes each call and prints "CALL ok" or "CALL ERRNONAME", one line each.
 * Built static, to be copied into test images (they have no libc). Calls are chosen so that
 * they change nothing when they get through. */
#include <errno.h>
#include <linux/keyctl.h>
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
                return compat_call(20, 0, 0); /* i386 getpid */
        if (strcmp(what, "compat-keyctl") == 0)
                return compat_call(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING); /* i386 keyctl */
        errno = EBADRQC;
        return -1;
}

int main(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++) {
                long r = call(argv[i]);
                const char *e = r < 0 ? strerrorname_np(errno) : "ok";

                printf("%s %s\n", argv[i], e ? e : "?");
        }
        return 0;
}
