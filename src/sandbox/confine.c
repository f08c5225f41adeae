/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "config.h"
#include "confine.h"
#include "fd-util.h"
#include "log.h"
#include "macro.h"
#include "path-util.h"
#include "paths.h"
#include "seccomp-profile.h"

/* The system calls every container may make: docker's default profile (moby's
 * profiles/seccomp/default.json) without its conditional entries, which follow below. Names of
 * other architectures' calls are harmless here: libseccomp maps each to the architectures that
 * have it. */
static const char *const allowed[] = {
        "accept",
        "accept4",
        "access",
        "adjtimex",
        "alarm",
        "bind",
        "brk",
        "capget",
        "capset",
        "chdir",
        "chmod",
        "chown",
        "chown32",
        "clock_adjtime",
        "clock_adjtime64",
        "clock_getres",
        "clock_getres_time64",
        "clock_gettime",
        "clock_gettime64",
        "clock_nanosleep",
        "clock_nanosleep_time64",
        "close",
        "close_range",
        "connect",
        "copy_file_range",
        "creat",
        "dup",
        "dup2",
        "dup3",
        "epoll_create",
        "epoll_create1",
        "epoll_ctl",
        "epoll_ctl_old",
        "epoll_pwait",
        "epoll_pwait2",
        "epoll_wait",
        "epoll_wait_old",
        "eventfd",
        "eventfd2",
        "execve",
        "execveat",
        "exit",
        "exit_group",
        "faccessat",
        "faccessat2",
        "fadvise64",
        "fadvise64_64",
        "fallocate",
        "fanotify_mark",
        "fchdir",
        "fchmod",
        "fchmodat",
        "fchown",
        "fchown32",
        "fchownat",
        "fcntl",
        "fcntl64",
        "fdatasync",
        "fgetxattr",
        "flistxattr",
        "flock",
        "fork",
        "fremovexattr",
        "fsetxattr",
        "fstat",
        "fstat64",
        "fstatat64",
        "fstatfs",
        "fstatfs64",
        "fsync",
        "ftruncate",
        "ftruncate64",
        "futex",
        "futex_time64",
        "futex_waitv",
        "futimesat",
        "getcpu",
        "getcwd",
        "getdents",
        "getdents64",
        "getegid",
        "getegid32",
        "geteuid",
        "geteuid32",
        "getgid",
        "getgid32",
        "getgroups",
        "getgroups32",
        "getitimer",
        "getpeername",
        "getpgid",
        "getpgrp",
        "getpid",
        "getppid",
        "getpriority",
        "getrandom",
        "getresgid",
        "getresgid32",
        "getresuid",
        "getresuid32",
        "getrlimit",
        "get_robust_list",
        "getrusage",
        "getsid",
        "getsockname",
        "getsockopt",
        "get_thread_area",
        "gettid",
        "gettimeofday",
        "getuid",
        "getuid32",
        "getxattr",
        "inotify_add_watch",
        "inotify_init",
        "inotify_init1",
        "inotify_rm_watch",
        "io_cancel",
        "ioctl",
        "io_destroy",
        "io_getevents",
        "io_pgetevents",
        "io_pgetevents_time64",
        "ioprio_get",
        "ioprio_set",
        "io_setup",
        "io_submit",
        "io_uring_enter",
        "io_uring_register",
        "io_uring_setup",
        "ipc",
        "kill",
        "landlock_add_rule",
        "landlock_create_ruleset",
        "landlock_restrict_self",
        "lchown",
        "lchown32",
        "lgetxattr",
        "link",
        "linkat",
        "listen",
        "listxattr",
        "llistxattr",
        "_llseek",
        "lremovexattr",
        "lseek",
        "lsetxattr",
        "lstat",
        "lstat64",
        "madvise",
        "membarrier",
        "memfd_create",
        "memfd_secret",
        "mincore",
        "mkdir",
        "mkdirat",
        "mknod",
        "mknodat",
        "mlock",
        "mlock2",
        "mlockall",
        "mmap",
        "mmap2",
        "mprotect",
        "mq_getsetattr",
        "mq_notify",
        "mq_open",
        "mq_timedreceive",
        "mq_timedreceive_time64",
        "mq_timedsend",
        "mq_timedsend_time64",
        "mq_unlink",
        "mremap",
        "msgctl",
        "msgget",
        "msgrcv",
        "msgsnd",
        "msync",
        "munlock",
        "munlockall",
        "munmap",
        "name_to_handle_at",
        "nanosleep",
        "newfstatat",
        "_newselect",
        "open",
        "openat",
        "openat2",
        "pause",
        "pidfd_open",
        "pidfd_send_signal",
        "pipe",
        "pipe2",
        "pkey_alloc",
        "pkey_free",
        "pkey_mprotect",
        "poll",
        "ppoll",
        "ppoll_time64",
        "prctl",
        "pread64",
        "preadv",
        "preadv2",
        "prlimit64",
        "process_mrelease",
        "pselect6",
        "pselect6_time64",
        "pwrite64",
        "pwritev",
        "pwritev2",
        "read",
        "readahead",
        "readlink",
        "readlinkat",
        "readv",
        "recv",
        "recvfrom",
        "recvmmsg",
        "recvmmsg_time64",
        "recvmsg",
        "remap_file_pages",
        "removexattr",
        "rename",
        "renameat",
        "renameat2",
        "restart_syscall",
        "rmdir",
        "rseq",
        "rt_sigaction",
        "rt_sigpending",
        "rt_sigprocmask",
        "rt_sigqueueinfo",
        "rt_sigreturn",
        "rt_sigsuspend",
        "rt_sigtimedwait",
        "rt_sigtimedwait_time64",
        "rt_tgsigqueueinfo",
        "sched_getaffinity",
        "sched_getattr",
        "sched_getparam",
        "sched_get_priority_max",
        "sched_get_priority_min",
        "sched_getscheduler",
        "sched_rr_get_interval",
        "sched_rr_get_interval_time64",
        "sched_setaffinity",
        "sched_setattr",
        "sched_setparam",
        "sched_setscheduler",
        "sched_yield",
        "seccomp",
        "select",
        "semctl",
        "semget",
        "semop",
        "semtimedop",
        "semtimedop_time64",
        "send",
        "sendfile",
        "sendfile64",
        "sendmmsg",
        "sendmsg",
        "sendto",
        "setfsgid",
        "setfsgid32",
        "setfsuid",
        "setfsuid32",
        "setgid",
        "setgid32",
        "setgroups",
        "setgroups32",
        "setitimer",
        "setpgid",
        "setpriority",
        "setregid",
        "setregid32",
        "setresgid",
        "setresgid32",
        "setresuid",
        "setresuid32",
        "setreuid",
        "setreuid32",
        "setrlimit",
        "set_robust_list",
        "setsid",
        "setsockopt",
        "set_thread_area",
        "set_tid_address",
        "setuid",
        "setuid32",
        "setxattr",
        "shmat",
        "shmctl",
        "shmdt",
        "shmget",
        "shutdown",
        "sigaltstack",
        "signalfd",
        "signalfd4",
        "sigprocmask",
        "sigreturn",
        "socketcall",
        "socketpair",
        "splice",
        "stat",
        "stat64",
        "statfs",
        "statfs64",
        "statx",
        "symlink",
        "symlinkat",
        "sync",
        "sync_file_range",
        "syncfs",
        "sysinfo",
        "tee",
        "tgkill",
        "time",
        "timer_create",
        "timer_delete",
        "timer_getoverrun",
        "timer_gettime",
        "timer_gettime64",
        "timer_settime",
        "timer_settime64",
        "timerfd_create",
        "timerfd_gettime",
        "timerfd_gettime64",
        "timerfd_settime",
        "timerfd_settime64",
        "times",
        "tkill",
        "truncate",
        "truncate64",
        "ugetrlimit",
        "umask",
        "uname",
        "unlink",
        "unlinkat",
        "utime",
        "utimensat",
        "utimensat_time64",
        "utimes",
        "vfork",
        "vmsplice",
        "wait4",
        "waitid",
        "waitpid",
        "write",
        "writev",
        /* docker allows these from kernel 4.8 on, where ptrace can no longer get around the
         * filter; berth needs a newer kernel anyway (openat2: 5.6). */
        "process_vm_readv",
        "process_vm_writev",
        "ptrace",
};

/* Allowed only when the process keeps the capability that gives them their use. */
static const struct {
        int cap;
        const char *const names[24];
} by_capability[] = {
        {CAP_DAC_READ_SEARCH, {"open_by_handle_at"}},
        {CAP_SYS_ADMIN,
         {"bpf",       "clone",           "clone3",         "fanotify_init", "fsconfig",      "fsmount",
          "fsopen",    "fspick",          "lookup_dcookie", "mount",         "mount_setattr", "move_mount",
          "open_tree", "perf_event_open", "quotactl",       "quotactl_fd",   "setdomainname", "sethostname",
          "setns",     "syslog",          "umount",         "umount2",       "unshare"}},
        {CAP_SYS_BOOT, {"reboot"}},
        {CAP_SYS_CHROOT, {"chroot"}},
        {CAP_SYS_MODULE, {"delete_module", "init_module", "finit_module"}},
        {CAP_SYS_PACCT, {"acct"}},
        {CAP_SYS_PTRACE, {"kcmp", "pidfd_getfd", "process_madvise"}},
        {CAP_SYS_RAWIO, {"iopl", "ioperm"}},
        {CAP_SYS_TIME, {"settimeofday", "stime", "clock_settime", "clock_settime64"}},
        {CAP_SYS_TTY_CONFIG, {"vhangup"}},
        {CAP_SYS_NICE, {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}},
        {CAP_SYSLOG, {"syslog"}},
        {CAP_BPF, {"bpf"}},
        {CAP_PERFMON, {"perf_event_open"}},
};

/* Per native architecture: its compat ABIs, and its own calls. Unlike docker, not x32 on
 * x86-64: it is off in most kernels, hardly any binary uses it, and it makes the program a
 * third longer, which the kernel's JIT pays for at every start (~130 µs here). */
static const struct {
        uint32_t arch;
        uint32_t compat[2];
        const char *const names[8];
} by_arch[] = {
        {SCMP_ARCH_X86_64, {SCMP_ARCH_X86}, {"arch_prctl", "modify_ldt"}},
        {SCMP_ARCH_X32, {SCMP_ARCH_X86, SCMP_ARCH_X86_64}, {"arch_prctl", "modify_ldt"}},
        {SCMP_ARCH_X86, {}, {"modify_ldt"}},
        {SCMP_ARCH_AARCH64,
         {SCMP_ARCH_ARM},
         {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
          "set_tls"}},
        {SCMP_ARCH_ARM,
         {},
         {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
          "set_tls"}},
        {SCMP_ARCH_S390X,
         {SCMP_ARCH_S390},
         {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"}},
        {SCMP_ARCH_S390, {}, {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"}},
        {SCMP_ARCH_PPC64LE, {}, {"sync_file_range2", "swapcontext"}},
        {SCMP_ARCH_RISCV64, {}, {"riscv_flush_icache"}},
};

/* docker's personality() values: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and
 * 0xffffffff, which only asks for the current persona. */
static const uint64_t personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

#define CLONE_NAMESPACES                                                                           \
        (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
         CLONE_NEWCGROUP)
#define AF_VSOCK_FAMILY 40

static void seccomp_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

/* A name libseccomp does not know (a call newer than it) stays refused, as it does for docker. */
static int allow(scmp_filter_ctx ctx, const char *name, unsigned n_args, const struct scmp_arg_cmp *args) {
        int nr = seccomp_syscall_resolve_name(name);

        if (nr == __NR_SCMP_ERROR)
                return 0;
        return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n_args, args);
}

static bool has(uint64_t caps, int cap) {
        return cap >= 0 && cap < 64 && (caps & (UINT64_C(1) << cap));
}

static int profile_build(uint64_t caps, scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        uint32_t native = seccomp_arch_native();
        int r;

        ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
        if (!ctx)
                return -ENOMEM;
        /* A binary tree rather than a list of some 400 comparisons: cheaper for the system calls
         * the kernel's cache does not answer, and for the kernel to load (it runs the filter for
         * every call number to fill that cache): 0.4 ms against 1.1 ms here. */
        (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        for (size_t i = 0; i < ELEMENTSOF(by_arch); i++) {
                if (by_arch[i].arch != native)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(by_arch[i].compat) && by_arch[i].compat[j]; j++) {
                        r = seccomp_arch_add(ctx, by_arch[i].compat[j]);
                        if (r < 0 && r != -EEXIST)
                                return r;
                }
                for (size_t j = 0; j < ELEMENTSOF(by_arch[i].names) && by_arch[i].names[j]; j++) {
                        r = allow(ctx, by_arch[i].names[j], 0, NULL);
                        if (r < 0)
                                return r;
                }
        }

        for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
                r = allow(ctx, allowed[i], 0, NULL);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(by_capability); i++) {
                if (!has(caps, by_capability[i].cap))
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(by_capability[i].names) && by_capability[i].names[j];
                     j++) {
                        r = allow(ctx, by_capability[i].names[j], 0, NULL);
                        if (r < 0)
                                return r;
                }
        }

        for (size_t i = 0; i < ELEMENTSOF(personalities); i++) {
                r = allow(ctx, "personality", 1, &SCMP_A0(SCMP_CMP_EQ, personalities[i]));
                if (r < 0)
                        return r;
        }
        r = allow(ctx, "socket", 1, &SCMP_A0(SCMP_CMP_NE, AF_VSOCK_FAMILY));
        if (r < 0)
                return r;

        if (!has(caps, CAP_SYS_ADMIN)) {
                /* s390 passes clone's flags second. */
                bool s390 = native == SCMP_ARCH_S390X || native == SCMP_ARCH_S390;
                struct scmp_arg_cmp flags = s390 ? SCMP_A1(SCMP_CMP_MASKED_EQ, CLONE_NAMESPACES, 0)
                                                 : SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NAMESPACES, 0);
                int nr;

                r = allow(ctx, "clone", 1, &flags);
                if (r < 0)
                        return r;
                nr = seccomp_syscall_resolve_name("clone3");
                if (nr != __NR_SCMP_ERROR) {
                        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
                        if (r < 0)
                                return r;
                }
        }

        *ret = TAKE_PTR(ctx);
        return 0;
}

int confine_syscalls_export(uint64_t caps, int fd) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        r = profile_build(caps, &ctx);
        if (r < 0)
                return r;
        return seccomp_export_bpf(ctx, fd);
}

/* FNV-1a over everything the program is made from, so that a cached program made by another
 * build of berth, or with another libseccomp, is never taken for ours. */
static uint32_t profile_hash(void) {
        const struct scmp_version *v = seccomp_version();
        uint32_t h = 2166136261u;
        char extra[64];

#define MIX(str)                                    \
        for (const char *_p = (str); *_p; _p++)     \
                h = (h ^ (uint8_t)*_p) * 16777619u; \
        h = (h ^ 0xffu) * 16777619u
        for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
                MIX(allowed[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(by_capability); i++)
                for (size_t j = 0; j < ELEMENTSOF(by_capability[i].names) && by_capability[i].names[j];
                     j++) {
                        MIX(by_capability[i].names[j]);
                }
        for (size_t i = 0; i < ELEMENTSOF(by_arch); i++)
                for (size_t j = 0; j < ELEMENTSOF(by_arch[i].names) && by_arch[i].names[j]; j++) {
                        MIX(by_arch[i].names[j]);
                }
        for (size_t i = 0; i < ELEMENTSOF(personalities); i++) {
                snprintf(extra, sizeof(extra), "%" PRIx64, personalities[i]);
                MIX(extra);
        }
        snprintf(extra, sizeof(extra), "%s %u.%u.%u %" PRIu32, PACKAGE_VERSION, v ? v->major : 0,
                 v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native());
        MIX(extra);
#undef MIX
        return h;
}

/* A cached program is ours only if root made it for root alone, and it has the shape of one. */
static bool profile_file_ok(int fd) {
        struct stat st;

        return fstat(fd, &st) >= 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
               (st.st_mode & 0077) == 0 && st.st_size > 0 && st.st_size % sizeof(struct sock_filter) == 0 &&
               st.st_size <= (off_t)(BPF_MAXINSNS * sizeof(struct sock_filter));
}

/* The program in a new, unnamed file in dir (or in memory when dir cannot take one), named
 * path once complete, so that no reader ever sees half of it. */
static int profile_make(uint64_t caps, int dir_fd, const char *file, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = dir_fd >= 0 ? openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
        if (fd < 0)
                fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = confine_syscalls_export(caps, fd);
        if (r < 0)
                return r;
        if (dir_fd >= 0) {
                char proc[64];

                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                /* EEXIST: another start made it meanwhile; ours is the same program. */
                if (linkat(AT_FDCWD, proc, dir_fd, file, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
                        log_debug_errno(-errno, "Failed to keep the seccomp profile as %s: %m", file);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int confine_profile_open(uint64_t caps, int *ret_fd) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF;
        char file[64];

        snprintf(file, sizeof(file), "%016" PRIx64 "-%08" PRIx32 ".bpf", caps, profile_hash());
        dir = path_join(berth_runtime_dir(), "seccomp");
        if (!dir)
                return -ENOMEM;
        /* Made by the first start only: the others open it. */
        dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dir_fd < 0 && errno == ENOENT && mkdir_p(dir, 0700) >= 0)
                dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

        if (dir_fd >= 0) {
                fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
                if (fd >= 0 && profile_file_ok(fd)) {
                        *ret_fd = TAKE_FD(fd);
                        return 0;
                }
                if (fd >= 0) {
                        /* Not one of ours: made anew, under its name. */
                        fd = safe_close(fd);
                        (void)unlinkat(dir_fd, file, 0);
                }
        }
        return profile_make(caps, dir_fd, file, ret_fd);
}

void seccomp_program_done(SeccompProgram *p) {
        free(p->filter);
        *p = SECCOMP_PROGRAM_NULL;
}

int confine_program_read(int fd, SeccompProgram *ret) {
        _cleanup_free_ struct sock_filter *insns = NULL;
        ssize_t n;

        insns = malloc(BPF_MAXINSNS * sizeof(struct sock_filter));
        if (!insns)
                return -ENOMEM;
        n = pread(fd, insns, BPF_MAXINSNS * sizeof(struct sock_filter), 0);
        if (n < 0)
                return -errno;
        if (n == 0 || n % sizeof(struct sock_filter) != 0)
                return -EBADMSG;
        *ret = (SeccompProgram) { .filter = TAKE_PTR(insns), .len = (unsigned short) (n / sizeof(struct sock_filter)) };
        return 0;
}

int confine_program_load(const SeccompProgram *p) {
        struct sock_fprog prog = { .len = p->len, .filter = p->filter };

        if (!p->filter)
                return 0;
        /* Without no_new_privs the kernel takes it from a task with CAP_SYS_ADMIN only, which
         * the caller still is. */
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
                return -errno;
        return 0;
}

int confine_load(int fd) {
        _cleanup_(seccomp_program_done) SeccompProgram p = SECCOMP_PROGRAM_NULL;
        int r;

        r = confine_program_read(fd, &p);
        if (r < 0)
                return r;
        return confine_program_load(&p);
}

int confine_prepare(const Definition *d, SeccompProgram *ret) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        *ret = SECCOMP_PROGRAM_NULL;
        if (d->privileged || d->seccomp_unconfined)
                return 0;
        if (d->process.seccomp_profile) {
                _cleanup_free_ char *why = NULL;

                /* The user's file, read here with the helper's privileges at every start and
                 * exec; only the program it makes reaches the container. */
                fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
                if (fd < 0)
                        return log_error_errno(-errno, "Failed to make the seccomp profile: %m");
                r = seccomp_profile_export(d->process.seccomp_profile,
                                           caps_compute(d->caps_add, d->caps_drop, d->privileged), fd, &why);
                if (r == -EINVAL)
                        return log_error_errno(r, "seccomp profile %s: %s", d->process.seccomp_profile, why ?: "invalid");
                if (r < 0)
                        return log_error_errno(r, "seccomp profile %s: %m", d->process.seccomp_profile);
                {
                        struct stat st;

                        if (fstat(fd, &st) < 0)
                                return log_error_errno(-errno, "Failed to read the seccomp profile: %m");
                        if (st.st_size > (off_t) (BPF_MAXINSNS * sizeof(struct sock_filter)))
                                return log_error_errno(-E2BIG, "seccomp profile %s: its program is longer than the %u "
                                                       "instructions the kernel takes", d->process.seccomp_profile, BPF_MAXINSNS);
                }
                r = confine_program_read(fd, ret);
                if (r == -EBADMSG)
                        return log_error_errno(r, "seccomp profile %s: its program is empty or longer than %u instructions",
                                               d->process.seccomp_profile, BPF_MAXINSNS);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the seccomp profile: %m");
                return 0;
        }
        r = confine_profile_open(caps_compute(d->caps_add, d->caps_drop, d->privileged), &fd);
        if (r < 0)
                return log_error_errno(r, "Failed to make the seccomp profile: %m");
        r = confine_program_read(fd, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to read the seccomp profile: %m");
        return 0;
}

int confine(const Definition *d, const SeccompProgram *p) {
        if (d->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        return confine_program_load(p);
}

int confine_enter(const Definition *d, const SeccompProgram *p, uid_t uid, gid_t gid, const gid_t *groups,
                  size_t n_groups) {
        int r;

        r = confine(d, p);
        if (r < 0)
                return r;
        r = caps_drop_to(caps_compute(d->caps_add, d->caps_drop, d->privileged), uid, gid, groups, n_groups);
        if (r < 0)
                return r;
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                return -errno;
        return 0;
}
