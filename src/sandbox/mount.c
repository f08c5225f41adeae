/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "mount-syscalls.h"
#include "mount.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

/* Code in this file runs in the helper's child after clone(CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|
 * CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWCGROUP): root, all capabilities, no user namespace, the host's
 * mount tree still visible (its own copy of it) and the host's /proc at /proc, until
 * mount_pivot_root(). */

static int sys_openat2(int dfd, const char *path, struct berth_open_how *how) {
        return (int)syscall(__NR_openat2, dfd, path, how, sizeof(*how));
}

static int sys_fsopen(const char *fstype, unsigned flags) {
        return (int)syscall(__NR_fsopen, fstype, flags);
}

static int sys_fsconfig(int fs_fd, unsigned cmd, const char *key, const void *value, int aux) {
        return (int)syscall(__NR_fsconfig, fs_fd, cmd, key, value, aux);
}

static int sys_fsmount(int fs_fd, unsigned flags, unsigned attr) {
        return (int)syscall(__NR_fsmount, fs_fd, flags, attr);
}

static int sys_open_tree(int dfd, const char *path, unsigned flags) {
        return (int)syscall(__NR_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_fd, int to_fd) {
        return (int)syscall(__NR_move_mount, from_fd, "", to_fd, "",
                            MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int sys_mount_setattr(int fd, unsigned flags, struct berth_mount_attr *attr) {
        return (int)syscall(__NR_mount_setattr, fd, "", flags, attr, sizeof(*attr));
}

/* --- Paths inside a root ------------------------------------------------------------------------- */

int open_in_root(int root_fd, const char *path, int flags, mode_t mode) {
        struct berth_open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };

        if (root_fd < 0 || isempty(path))
                return -EINVAL;

        /* With RESOLVE_IN_ROOT the kernel answers EAGAIN when a rename raced with a ".." walk:
         * retry a bounded number of times. */
        for (unsigned i = 0; i < 32; i++) {
                int fd = sys_openat2(root_fd, path, &how);

                if (fd >= 0)
                        return fd;
                if (errno != EAGAIN)
                        return -errno;
        }
        return -EAGAIN;
}

static int fd_reopen(int fd, int flags) {
        char p[STRLEN("/proc/self/fd/") + 12];
        int r;

        snprintf(p, sizeof(p), "/proc/self/fd/%i", fd);
        r = open(p, flags | O_CLOEXEC);
        return r < 0 ? -errno : r;
}

/* File systems whose "regular files" are kernel interfaces: reading one can have effects
 * (/proc/kmsg consumes the kernel's log), answer with the reader's privileges rather than the
 * file's, or block (FUSE). Nothing berth reads from inside a root is ever on one of them. */
static bool fs_is_kernel_interface(int fd) {
        static const unsigned long magic[] = {
                PROC_SUPER_MAGIC, SYSFS_MAGIC,    DEBUGFS_MAGIC,      TRACEFS_MAGIC,  SECURITYFS_MAGIC,
                CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, BPF_FS_MAGIC, DEVPTS_SUPER_MAGIC, EFIVARFS_MAGIC,
                PSTOREFS_MAGIC, SELINUX_MAGIC,  SMACK_MAGIC,        NSFS_MAGIC,     BINFMTFS_MAGIC,
                0x62656570UL /* configfs */, 0x65735546UL /* fuse */, 0x19800202UL /* mqueue */,
        };
        struct statfs sfs;

        if (fstatfs(fd, &sfs) < 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(magic); i++)
                if ((unsigned long) sfs.f_type == magic[i])
                        return true;
        return false;
}

int open_regular_in_root(int root_fd, const char *path) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        /* O_PATH first so that nothing but a regular file is ever really opened: opening a device
         * node an image planted there could have side effects on the host, a FIFO would block. */
        fd = open_in_root(root_fd, path, O_PATH, 0);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode) || fs_is_kernel_interface(fd))
                return -EBADFD;
        return fd_reopen(fd, O_RDONLY | O_NOCTTY | O_NONBLOCK);
}

int mkdir_in_root(int root_fd, const char *path, mode_t mode) {
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int fd = -EBADF;
        char *s;

        if (isempty(path))
                return -EINVAL;
        p = strdup(path);
        if (!p)
                return -ENOMEM;

        fd = open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return fd;

        for (s = p;;) {
                int next;
                char *e, c;

                s += strspn(s, "/");
                if (!*s)
                        break;
                e = s + strcspn(s, "/");
                c = *e;
                *e = 0;
                if (streq(s, ".") || streq(s, ".."))
                        return -EINVAL;

                /* Resolve the prefix so far inside the root (symlinks in it stay inside); create
                 * only the last component, in the directory we already hold, never following it. */
                next = open_in_root(root_fd, p, O_PATH | O_DIRECTORY, 0);
                if (next == -ENOENT) {
                        if (mkdirat(fd, s, mode) < 0 && errno != EEXIST)
                                return -errno;
                        next = open_in_root(root_fd, p, O_PATH | O_DIRECTORY, 0);
                }
                if (next < 0)
                        return next;
                safe_close(fd);
                fd = next;
                *e = c;
                s = e;
        }
        return TAKE_FD(fd);
}

/* Splits "/dev/ptmx" into an O_PATH fd of "/dev" (resolved inside the root) and "ptmx". */
static int open_parent_in_root(int root_fd, const char *path, const char **ret_name) {
        _cleanup_free_ char *parent = NULL;
        const char *slash = strrchr(path, '/');
        int fd;

        if (!slash || isempty(slash + 1))
                return -EINVAL;
        parent = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
        if (!parent)
                return -ENOMEM;
        fd = open_in_root(root_fd, parent, O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return fd;
        *ret_name = slash + 1;
        return fd;
}

/* --- Mount primitives: build a detached mount, then attach it onto an fd ------------------------- */

/* The kernel explains a failed fsconfig()/fsmount() in messages read from the fs context fd
 * ("e tmpfs: Bad value for 'mode'"): keep the last one for the log line. */
static void fs_context_message(int fs_fd, char *buf, size_t size) {
        char line[512];
        ssize_t n;

        if (!buf || size == 0)
                return;
        buf[0] = 0;
        while ((n = read(fs_fd, line, sizeof(line) - 1)) > 0) {
                const char *m = line;
                size_t l;

                line[n] = 0;
                line[strcspn(line, "\n")] = 0;
                if (m[0] && m[1] == ' ')
                        m += 2; /* the "e "/"w "/"i " severity */
                l = MIN(strlen(m), size - 1);
                memcpy(buf, m, l);
                buf[l] = 0;
        }
}

/* A new, detached mount of fstype, configured from "key=value,flag,…" options. */
static int fs_new(const char *fstype, const char *options, unsigned attr, char *msg, size_t msg_size,
                  int *ret_mnt_fd) {
        _cleanup_close_ int fs_fd = -EBADF;
        _cleanup_free_ char *opts = NULL;
        char *save = NULL;
        int mnt_fd, r;

        fs_fd = sys_fsopen(fstype, FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return -errno;

        if (options) {
                opts = strdup(options);
                if (!opts)
                        return -ENOMEM;
                for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                        char *eq = strchr(o, '=');

                        if (eq)
                                *eq = 0;
                        r = eq ? sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, o, eq + 1, 0)
                               : sys_fsconfig(fs_fd, FSCONFIG_SET_FLAG, o, NULL, 0);
                        if (r < 0)
                                goto fail;
                }
        }
        if (sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                goto fail;
        mnt_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, attr);
        if (mnt_fd < 0)
                goto fail;
        *ret_mnt_fd = mnt_fd;
        return 0;

fail:
        r = -errno;
        fs_context_message(fs_fd, msg, msg_size);
        return r;
}

/* For kernels without mount_setattr() (< 5.12): remount the attached mount behind mnt_fd, keeping
 * the flags it has (a remount that drops a locked flag is refused). Not recursive. */
static int remount_attr_fallback(int mnt_fd, unsigned attr) {
        char p[STRLEN("/proc/self/fd/") + 12];
        unsigned long flags = MS_REMOUNT | MS_BIND;
        struct statvfs sv;

        if (fstatvfs(mnt_fd, &sv) < 0)
                return -errno;
        if ((sv.f_flag & ST_RDONLY) || (attr & MOUNT_ATTR_RDONLY))
                flags |= MS_RDONLY;
        if ((sv.f_flag & ST_NOSUID) || (attr & MOUNT_ATTR_NOSUID))
                flags |= MS_NOSUID;
        if ((sv.f_flag & ST_NODEV) || (attr & MOUNT_ATTR_NODEV))
                flags |= MS_NODEV;
        if ((sv.f_flag & ST_NOEXEC) || (attr & MOUNT_ATTR_NOEXEC))
                flags |= MS_NOEXEC;
        snprintf(p, sizeof(p), "/proc/self/fd/%i", mnt_fd);
        return RET_NERRNO(mount(NULL, p, NULL, flags, NULL));
}

/* Clones the mount tree at src_fd (a bind mount), sets attr on it and attaches it onto target_fd.
 * Returns the fd of the attached clone. */
static int bind_onto(int src_fd, int target_fd, unsigned attr, bool recursive, int *ret_mnt_fd) {
        struct berth_mount_attr a = {.attr_set = attr};
        _cleanup_close_ int tree_fd = -EBADF;
        bool fallback = false;

        tree_fd = sys_open_tree(src_fd, "",
                                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                        (recursive ? AT_RECURSIVE : 0));
        if (tree_fd < 0)
                return -errno;
        if (attr != 0 &&
            sys_mount_setattr(tree_fd, AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a) < 0) {
                if (errno != ENOSYS)
                        return -errno;
                fallback = true;
        }
        if (sys_move_mount(tree_fd, target_fd) < 0)
                return -errno;
        if (fallback) {
                int r = remount_attr_fallback(tree_fd, attr);
                if (r < 0)
                        return r;
        }
        *ret_mnt_fd = TAKE_FD(tree_fd);
        return 0;
}

static int fd_mount_id(int fd, uint64_t *ret) {
        struct statx sx;

        if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &sx) < 0)
                return -errno;
        if (!(sx.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        *ret = sx.stx_mnt_id;
        return 0;
}

/* After attaching: is the mount we made what path inside the root now shows, and is it read-only
 * where it must be? Guards against a mount landing somewhere else or being hidden. */
static int verify_mounted(int root_fd, const char *path, int mnt_fd, bool want_ro) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t a, b;
        struct statvfs sv;
        int r;

        fd = open_in_root(root_fd, path, O_PATH, 0);
        if (fd < 0)
                return fd;
        r = fd_mount_id(fd, &a);
        if (r < 0)
                return r;
        r = fd_mount_id(mnt_fd, &b);
        if (r < 0)
                return r;
        if (a != b)
                return -EBUSY;
        if (want_ro) {
                if (fstatvfs(mnt_fd, &sv) < 0)
                        return -errno;
                if (!(sv.f_flag & ST_RDONLY))
                        return -EPERM;
        }
        return 0;
}

/* --- The table of mount steps -------------------------------------------------------------------- */

typedef enum StepType {
        STEP_API_DIR,   /* /proc, /sys, /dev in the image: a real directory, created if absent */
        STEP_FS,        /* a new file system of type .what on the directory .path */
        STEP_DIR,       /* a directory inside a file system made by an earlier step */
        STEP_DEVICE,    /* the host's device node .path bound onto an empty file at .path */
        STEP_SYMLINK,   /* .path → .what */
        STEP_CONSOLE,   /* MountOptions.console_path bound onto .path */
        STEP_MASK,      /* an empty read-only tmpfs on a directory, /dev/null on anything else */
        STEP_READ_ONLY, /* a read-only bind mount of .path onto itself, submounts included */
        _STEP_TYPE_MAX,
        _STEP_TYPE_INVALID = -EINVAL,
} StepType;

typedef enum StepFlags {
        STEP_UNPRIVILEGED = 1 << 0,         /* skipped with --privileged */
        STEP_RO_UNLESS_PRIVILEGED = 1 << 1, /* MOUNT_ATTR_RDONLY unless --privileged */
        STEP_IF_EXISTS = 1 << 2,            /* a missing .path is skipped, not an error */
        STEP_CGROUP_UNIFIED = 1 << 3,       /* only if the host has cgroup2 at /sys/fs/cgroup */
        STEP_CGROUP_LEGACY = 1 << 4,        /* only if it does not (v1 or hybrid) */
        STEP_CGROUP_V1_SYSTEMD = 1 << 5,    /* only if the host has the name=systemd v1 hierarchy */
        STEP_CGROUP_MASK = STEP_CGROUP_UNIFIED | STEP_CGROUP_LEGACY | STEP_CGROUP_V1_SYSTEMD,
        STEP_SHM = 1 << 6,                  /* /dev/shm: its size from MountOptions.shm_size */
} StepFlags;

typedef struct MountStep {
        StepType type;
        const char *path;    /* inside the root */
        const char *what;    /* file system type, symlink target */
        const char *options; /* fsconfig() "key=value,flag" list */
        unsigned attr;       /* MOUNT_ATTR_* of the new mount */
        mode_t mode;         /* STEP_DIR */
        StepFlags flags;
} MountStep;

#define NOSUID_NOEXEC (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)
#define NOSUID_NOEXEC_NODEV (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV)
/* The masks and read-only paths: skipped with --privileged and where the kernel lacks the path. */
#define HARDENING (STEP_UNPRIVILEGED | STEP_IF_EXISTS)

/* The order matters: the API directories are checked before anything is mounted on them, /sys
 * before /sys/fs/cgroup, /dev before what lives in it, and the masks and read-only paths last so
 * that they land on top of the file systems they cover.
 *
 * cgroups: on a unified host the container gets a fresh cgroup2 mount, which the cgroup namespace
 * roots at the container's own cgroup. On a v1 or hybrid host it gets a read-only tmpfs holding
 * only the name=systemd hierarchy (read-only, also rooted by the cgroup namespace) when the host
 * has one; the controllers are not exposed. That is what a systemd payload needs to boot, and
 * nothing in it can be written. */
static const MountStep mount_table[] = {
        {STEP_API_DIR, "/proc"},
        {STEP_API_DIR, "/sys"},
        {STEP_API_DIR, "/dev"},

        /* The child is in the new pid namespace, so this proc shows the container's pids. */
        {STEP_FS, "/proc", "proc", NULL, NOSUID_NOEXEC_NODEV},
        /* A fresh sysfs shows the container's own (new) network namespace. */
        {STEP_FS, "/sys", "sysfs", NULL, NOSUID_NOEXEC_NODEV, 0, STEP_RO_UNLESS_PRIVILEGED},

        {STEP_FS, "/sys/fs/cgroup", "cgroup2", NULL, NOSUID_NOEXEC_NODEV, 0,
         STEP_CGROUP_UNIFIED | STEP_RO_UNLESS_PRIVILEGED},
        {STEP_FS, "/sys/fs/cgroup", "tmpfs", "mode=755,size=64k", NOSUID_NOEXEC_NODEV, 0,
         STEP_CGROUP_LEGACY},
        {STEP_DIR, "/sys/fs/cgroup/systemd", NULL, NULL, 0, 0755,
         STEP_CGROUP_LEGACY | STEP_CGROUP_V1_SYSTEMD},
        {STEP_FS, "/sys/fs/cgroup/systemd", "cgroup", "none,name=systemd", NOSUID_NOEXEC_NODEV, 0,
         STEP_CGROUP_LEGACY | STEP_CGROUP_V1_SYSTEMD | STEP_RO_UNLESS_PRIVILEGED},
        {STEP_READ_ONLY, "/sys/fs/cgroup", NULL, NULL, 0, 0, STEP_CGROUP_LEGACY | STEP_UNPRIVILEGED},

        /* The small /dev, also with --privileged: devices beyond these come in by DeviceAllow= and
         * explicit binds, never by exposing the host's /dev. */
        {STEP_FS, "/dev", "tmpfs", "mode=755,size=65536k", MOUNT_ATTR_NOSUID},
        {STEP_DEVICE, "/dev/null"},
        {STEP_DEVICE, "/dev/zero"},
        {STEP_DEVICE, "/dev/full"},
        {STEP_DEVICE, "/dev/random"},
        {STEP_DEVICE, "/dev/urandom"},
        {STEP_DEVICE, "/dev/tty"},
        {STEP_SYMLINK, "/dev/ptmx", "pts/ptmx"},
        {STEP_SYMLINK, "/dev/fd", "/proc/self/fd"},
        {STEP_SYMLINK, "/dev/stdin", "/proc/self/fd/0"},
        {STEP_SYMLINK, "/dev/stdout", "/proc/self/fd/1"},
        {STEP_SYMLINK, "/dev/stderr", "/proc/self/fd/2"},
        {STEP_DIR, "/dev/pts", NULL, NULL, 0, 0755},
        /* A new devpts instance: the container's ptys are not the host's. */
        {STEP_FS, "/dev/pts", "devpts", "newinstance,ptmxmode=0666,mode=0620,gid=5", NOSUID_NOEXEC},
        {STEP_DIR, "/dev/shm", NULL, NULL, 0, 01777},
        {STEP_FS, "/dev/shm", "tmpfs", "mode=1777", NOSUID_NOEXEC_NODEV, 0, STEP_SHM},
        {STEP_DIR, "/dev/mqueue", NULL, NULL, 0, 0755},
        /* mqueue binds to the ipc namespace of the caller of fsopen(): the container's. */
        {STEP_FS, "/dev/mqueue", "mqueue", NULL, NOSUID_NOEXEC_NODEV},
        {STEP_CONSOLE, "/dev/console"},

        /* Masked: kernel state a container must not read (or, for kcore, not even map). */
        {STEP_MASK, "/proc/acpi", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/asound", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/interrupts", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/kcore", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/keys", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/latency_stats", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/sched_debug", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/scsi", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/timer_list", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/proc/timer_stats", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/sys/firmware", NULL, NULL, 0, 0, HARDENING},
        {STEP_MASK, "/sys/devices/virtual/powercap", NULL, NULL, 0, 0, HARDENING},

        /* Read-only: host-wide knobs that the namespaces do not cover. */
        {STEP_READ_ONLY, "/proc/bus", NULL, NULL, 0, 0, HARDENING},
        {STEP_READ_ONLY, "/proc/fs", NULL, NULL, 0, 0, HARDENING},
        {STEP_READ_ONLY, "/proc/irq", NULL, NULL, 0, 0, HARDENING},
        {STEP_READ_ONLY, "/proc/sys", NULL, NULL, 0, 0, HARDENING},
        {STEP_READ_ONLY, "/proc/sysrq-trigger", NULL, NULL, 0, 0, HARDENING},
};

typedef struct MountContext {
        int root_fd;
        int null_fd; /* the host's /dev/null, the source of file masks */
        const MountOptions *options;
        StepFlags cgroup;  /* which STEP_CGROUP_* conditions hold on this host */
        char message[256]; /* the kernel's own words for the last failed fsconfig() */
} MountContext;

static StepFlags host_cgroup_mode(void) {
        struct statfs fs;

        /* The host's tree is still visible: ask its /sys/fs/cgroup. */
        if (statfs("/sys/fs/cgroup", &fs) >= 0 && (uint64_t)fs.f_type == CGROUP2_SUPER_MAGIC)
                return STEP_CGROUP_UNIFIED;
        if (statfs("/sys/fs/cgroup/systemd", &fs) >= 0 && (uint64_t)fs.f_type == CGROUP_SUPER_MAGIC)
                return STEP_CGROUP_LEGACY | STEP_CGROUP_V1_SYSTEMD;
        return STEP_CGROUP_LEGACY;
}

static int step_api_dir(MountContext *c, const MountStep *s) {
        const char *name = s->path + 1;
        struct stat st;

        /* The root itself is ours, so one component below it needs no openat2(): fstatat() without
         * following tells a symlink from a directory. */
        if (fstatat(c->root_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != ENOENT)
                        return -errno;
                if (mkdirat(c->root_fd, name, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (fstatat(c->root_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
        }
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return 0;
}

static unsigned step_attr(const MountContext *c, const MountStep *s) {
        unsigned attr = s->attr;

        if ((s->flags & STEP_RO_UNLESS_PRIVILEGED) && !c->options->privileged)
                attr |= MOUNT_ATTR_RDONLY;
        return attr;
}

static int step_fs(MountContext *c, const MountStep *s) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        unsigned attr = step_attr(c, s);
        char options[64];
        int r;

        target_fd = open_in_root(c->root_fd, s->path, O_PATH | O_DIRECTORY, 0);
        if (target_fd < 0)
                return target_fd;
        if (s->flags & STEP_SHM) {
                /* ShmSize=, docker's 64 MiB by default; tmpfs rounds it up to pages. */
                snprintf(options, sizeof(options), "%s,size=%llu", s->options,
                         (unsigned long long) (c->options->shm_size ?: DEFINITION_SHM_SIZE_DEFAULT));
                r = fs_new(s->what, options, attr, c->message, sizeof(c->message), &mnt_fd);
        } else
                r = fs_new(s->what, s->options, attr, c->message, sizeof(c->message), &mnt_fd);
        if (r < 0)
                return r;
        if (sys_move_mount(mnt_fd, target_fd) < 0)
                return -errno;
        return verify_mounted(c->root_fd, s->path, mnt_fd, attr & MOUNT_ATTR_RDONLY);
}

static int step_dir(MountContext *c, const MountStep *s) {
        int fd = mkdir_in_root(c->root_fd, s->path, s->mode);

        if (fd < 0)
                return fd;
        safe_close(fd);
        return 0;
}

/* Binds the character device src_fd onto a new empty file at path inside the root. */
static int bind_device(MountContext *c, int src_fd, const char *path, unsigned attr) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        struct stat st;
        int r;

        if (fstat(src_fd, &st) < 0)
                return -errno;
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return -ENODEV;
        /* O_EXCL: the file is new in our own tmpfs, never something that was there. */
        target_fd = open_in_root(c->root_fd, path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
        if (target_fd < 0)
                return target_fd;
        r = bind_onto(src_fd, target_fd, attr, /* recursive= */ false, &mnt_fd);
        if (r < 0)
                return r;
        return verify_mounted(c->root_fd, path, mnt_fd, attr & MOUNT_ATTR_RDONLY);
}

static int step_device(MountContext *c, const MountStep *s) {
        _cleanup_close_ int src_fd = -EBADF;

        /* The host's node (mknod would be refused by the scope's device policy anyway). Not nodev:
         * the mount must let the device be used; nosuid, noexec: nothing else is needed. */
        src_fd = open(s->path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (src_fd < 0)
                return -errno;
        return bind_device(c, src_fd, s->path, NOSUID_NOEXEC);
}

static int step_symlink(MountContext *c, const MountStep *s) {
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name;

        dir_fd = open_parent_in_root(c->root_fd, s->path, &name);
        if (dir_fd < 0)
                return dir_fd;
        return RET_NERRNO(symlinkat(s->what, dir_fd, name));
}

static int step_console(MountContext *c, const MountStep *s) {
        _cleanup_close_ int src_fd = -EBADF;

        if (!c->options->console_path)
                return 0;
        src_fd = open(c->options->console_path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (src_fd < 0)
                return -errno;
        return bind_device(c, src_fd, s->path, NOSUID_NOEXEC);
}

static int step_mask(MountContext *c, const MountStep *s) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        struct stat st;
        int r;

        target_fd = open_in_root(c->root_fd, s->path, O_PATH, 0);
        if (target_fd < 0)
                return target_fd;
        if (fstat(target_fd, &st) < 0)
                return -errno;

        if (S_ISDIR(st.st_mode)) {
                r = fs_new("tmpfs", "mode=555", MOUNT_ATTR_RDONLY | NOSUID_NOEXEC_NODEV, c->message,
                           sizeof(c->message), &mnt_fd);
                if (r < 0)
                        return r;
                if (sys_move_mount(mnt_fd, target_fd) < 0)
                        return -errno;
        } else {
                r = bind_onto(c->null_fd, target_fd, MOUNT_ATTR_RDONLY | NOSUID_NOEXEC,
                              /* recursive= */ false, &mnt_fd);
                if (r < 0)
                        return r;
        }
        return verify_mounted(c->root_fd, s->path, mnt_fd, /* want_ro= */ true);
}

static int step_read_only(MountContext *c, const MountStep *s) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        int r;

        target_fd = open_in_root(c->root_fd, s->path, O_PATH, 0);
        if (target_fd < 0)
                return target_fd;
        r = bind_onto(target_fd, target_fd, MOUNT_ATTR_RDONLY, /* recursive= */ true, &mnt_fd);
        if (r < 0)
                return r;
        return verify_mounted(c->root_fd, s->path, mnt_fd, /* want_ro= */ true);
}

static int (*const step_run[_STEP_TYPE_MAX])(MountContext *c, const MountStep *s) = {
        [STEP_API_DIR] = step_api_dir, [STEP_FS] = step_fs,
        [STEP_DIR] = step_dir,         [STEP_DEVICE] = step_device,
        [STEP_SYMLINK] = step_symlink, [STEP_CONSOLE] = step_console,
        [STEP_MASK] = step_mask,       [STEP_READ_ONLY] = step_read_only,
};

static int step_log_error(const MountContext *c, const MountStep *s, int r) {
        const char *sep = c->message[0] ? ": " : "";

        switch (s->type) {
        case STEP_API_DIR:
                if (r == -ELOOP)
                        return log_error_errno(
                                r, "%s in the image is a symlink, refusing to start the container", s->path);
                if (r == -ENOTDIR)
                        return log_error_errno(
                                r, "%s in the image is not a directory, refusing to start the container",
                                s->path);
                return log_error_errno(r, "Failed to check %s in the image: %m", s->path);
        case STEP_FS:
                return log_error_errno(r, "Failed to mount %s on %s in the container: %m%s%s", s->what,
                                       s->path, sep, c->message);
        case STEP_DIR:
                return log_error_errno(r, "Failed to create %s in the container: %m", s->path);
        case STEP_DEVICE:
                return log_error_errno(r, "Failed to bind the host's %s into the container: %m", s->path);
        case STEP_SYMLINK:
                return log_error_errno(r, "Failed to create symlink %s -> %s in the container: %m", s->path,
                                       s->what);
        case STEP_CONSOLE:
                return log_error_errno(r, "Failed to bind %s onto %s in the container: %m",
                                       c->options->console_path, s->path);
        case STEP_MASK:
                return log_error_errno(r, "Failed to mask %s in the container: %m%s%s", s->path, sep,
                                       c->message);
        case STEP_READ_ONLY:
                return log_error_errno(r, "Failed to make %s read-only in the container: %m", s->path);
        case _STEP_TYPE_MAX:
        case _STEP_TYPE_INVALID:
        default:
                return log_error_errno(r, "Failed mount step on %s: %m", s->path);
        }
}

/* AddDevice=: the host's node bound onto a new file at its place in the container's /dev (a
 * tmpfs of our own, so nothing of the image is in the way). The node itself decides what it is;
 * the scope's DeviceAllow= whether it may be used. */
static int mount_device(MountContext *c, const DeviceSpec *dev) {
        _cleanup_close_ int src_fd = -EBADF, fd = -EBADF;
        _cleanup_free_ char *parent = NULL;
        struct stat st, there;
        int r;

        /* The admin's path on the host (by-id and by-path names are symlinks). */
        src_fd = open(dev->host, O_PATH | O_CLOEXEC);
        if (src_fd < 0)
                return log_error_errno(-errno, "Failed to open the host's device %s: %m", dev->host);
        if (fstat(src_fd, &st) < 0)
                return log_error_errno(-errno, "Failed to check the host's device %s: %m", dev->host);
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return log_error_errno(-ENODEV, "%s on the host is not a device node", dev->host);

        /* Already there (one of the default nodes, or named twice): the same node is fine. */
        fd = open_in_root(c->root_fd, dev->container, O_PATH | O_NOFOLLOW, 0);
        if (fd >= 0) {
                if (fstat(fd, &there) < 0)
                        return log_error_errno(-errno, "Failed to check %s in the container: %m", dev->container);
                if ((S_ISCHR(there.st_mode) || S_ISBLK(there.st_mode)) &&
                    (there.st_mode & S_IFMT) == (st.st_mode & S_IFMT) && there.st_rdev == st.st_rdev)
                        return 0;
                return log_error_errno(-EEXIST, "Failed to add device %s: %s exists in the container", dev->host,
                                       dev->container);
        }
        parent = strndup(dev->container, (size_t) (strrchr(dev->container, '/') - dev->container));
        if (!parent)
                return log_oom();
        if (!streq(parent, "/dev")) {
                r = mkdir_in_root(c->root_fd, parent, 0755);
                if (r < 0)
                        return log_error_errno(r, "Failed to create %s in the container: %m", parent);
                safe_close(r);
        }
        r = bind_device(c, src_fd, dev->container, NOSUID_NOEXEC);
        if (r < 0)
                return log_error_errno(r, "Failed to bind the host's %s onto %s in the container: %m", dev->host,
                                       dev->container);
        return 0;
}

/* Mask=: each path as the default masks are, where it exists. */
static int mount_user_masks(MountContext *c) {
        STRV_FOREACH(w, c->options->masks) {
                _cleanup_free_ char *copy = strdup(*w);
                char *save = NULL;

                if (!copy)
                        return log_oom();
                for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                        MountStep s = { .type = STEP_MASK, .path = p, .flags = STEP_IF_EXISTS };
                        int r;

                        c->message[0] = 0;
                        r = step_mask(c, &s);
                        if (r == -ENOENT)
                                continue;
                        if (r < 0)
                                return step_log_error(c, &s, r);
                }
        }
        return 0;
}

int mount_isolate(void) {
        struct stat self, init;

        /* Safety net: MS_SLAVE on the host's own tree would change the host. If /proc/1 cannot be
         * read (hidepid), we cannot tell, and trust the caller. */
        if (stat("/proc/self/ns/mnt", &self) >= 0 && stat("/proc/1/ns/mnt", &init) >= 0 &&
            self.st_dev == init.st_dev && self.st_ino == init.st_ino)
                return log_error_errno(-EBUSY,
                                       "Refusing to change mount propagation in the host's mount namespace");

        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return log_error_errno(-errno, "Failed to make the mount tree a slave of the host's: %m");
        return 0;
}

int mount_setup_root(const char *root, const MountOptions *o) {
        _cleanup_close_ int root_fd = -EBADF, null_fd = -EBADF;
        MountContext c = {};
        int r;

        r = mount_isolate();
        if (r < 0)
                return r;

        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return log_error_errno(-errno, "Failed to open the container root %s: %m", root);
        null_fd = open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (null_fd < 0)
                return log_error_errno(-errno, "Failed to open the host's /dev/null: %m");

        c = (MountContext){
                .root_fd = root_fd,
                .null_fd = null_fd,
                .options = o,
                .cgroup = host_cgroup_mode(),
        };

        for (size_t i = 0; i < ELEMENTSOF(mount_table); i++) {
                const MountStep *s = &mount_table[i];

                if ((s->flags & STEP_UNPRIVILEGED) && o->privileged)
                        continue;
                if ((s->flags & STEP_CGROUP_MASK) & ~c.cgroup)
                        continue;

                /* Unmask=: podman's rule, for the masks and read-only paths of SECURITY.md. */
                if ((s->type == STEP_MASK || s->type == STEP_READ_ONLY) && (s->flags & STEP_IF_EXISTS) &&
                    definition_path_unmasked(o->unmasks, s->path))
                        continue;

                c.message[0] = 0;
                r = step_run[s->type](&c, s);
                if (r == -ENOENT && (s->flags & STEP_IF_EXISTS))
                        continue;
                if (r < 0)
                        return step_log_error(&c, s, r);
        }
        for (size_t i = 0; i < o->n_devices; i++) {
                r = mount_device(&c, &o->devices[i]);
                if (r < 0)
                        return r;
        }
        return mount_user_masks(&c);
}

int mount_setup_console(const char *root, const struct winsize *ws, int *ret_master_fd) {
        _cleanup_close_ int root_fd = -EBADF, master = -EBADF, slave = -EBADF, target_fd = -EBADF,
                            mnt_fd = -EBADF;
        int r;

        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return log_error_errno(-errno, "Failed to open the container root %s: %m", root);
        master = open_in_root(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
        if (master < 0)
                return log_error_errno(master, "Failed to open /dev/pts/ptmx in the container: %m");
        if (unlockpt(master) < 0)
                return log_error_errno(-errno, "Failed to unlock the container's console pty: %m");
        if (ws && ws->ws_row > 0 && ioctl(master, TIOCSWINSZ, ws) < 0)
                return log_error_errno(-errno, "Failed to set the size of the container's console pty: %m");
        /* TIOCGPTPEER opens the peer of exactly this master, with no path lookup at all. */
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return log_error_errno(-errno, "Failed to open the container's console pty: %m");

        target_fd = open_in_root(root_fd, "/dev/console", O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
        if (target_fd < 0)
                return log_error_errno(target_fd, "Failed to create /dev/console in the container: %m");
        r = bind_onto(slave, target_fd, NOSUID_NOEXEC, /* recursive= */ false, &mnt_fd);
        if (r >= 0)
                r = verify_mounted(root_fd, "/dev/console", mnt_fd, /* want_ro= */ false);
        if (r < 0)
                return log_error_errno(
                        r, "Failed to bind the console pty onto /dev/console in the container: %m");

        *ret_master_fd = TAKE_FD(master);
        return 0;
}

static bool lowerdir_path_ok(const char *p) {
        /* overlayfs splits its options at ',' and lowerdir at ':', with '\' as the escape. */
        return path_is_absolute(p) && !strpbrk(p, ":,\\");
}

/* overlayfs through the new mount API: "lowerdir+" (Linux 6.8) takes one layer per call, so
 * neither the 256-byte fsconfig() value limit nor escaping matters. -EOPNOTSUPP: too old. */
static int overlay_new(char **lowerdirs, const char *upperdir, const char *workdir, char *msg,
                       size_t msg_size, int *ret_mnt_fd) {
        _cleanup_close_ int fs_fd = -EBADF;
        int mnt_fd, r;

        fs_fd = sys_fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return errno == ENOSYS ? -EOPNOTSUPP : -errno;

        STRV_FOREACH(l, lowerdirs)
        if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0) {
                if (errno == EINVAL && l == lowerdirs)
                        return -EOPNOTSUPP; /* an unknown key, most likely */
                goto fail;
        }
        if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "upperdir", upperdir, 0) < 0 ||
            sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "workdir", workdir, 0) < 0 ||
            sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                goto fail;
        mnt_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
        if (mnt_fd < 0)
                goto fail;
        *ret_mnt_fd = mnt_fd;
        return 0;

fail:
        r = -errno;
        fs_context_message(fs_fd, msg, msg_size);
        return r;
}

/* The same with mount(2), for kernels before 6.8: one option string, at most a page. */
static int overlay_legacy(char **lowerdirs, const char *upperdir, const char *workdir, int target_fd) {
        _cleanup_free_ char *lower = NULL, *data = NULL;
        char p[STRLEN("/proc/self/fd/") + 12];

        lower = strv_join(lowerdirs, ":");
        if (!lower)
                return -ENOMEM;
        data = strjoin("lowerdir=", lower, ",upperdir=", upperdir, ",workdir=", workdir);
        if (!data)
                return -ENOMEM;
        if (strlen(data) >= 4096)
                return -E2BIG;
        snprintf(p, sizeof(p), "/proc/self/fd/%i", target_fd);
        return RET_NERRNO(mount("overlay", p, "overlay", 0, data));
}

/* A read-only root may come from an image without /proc, /sys or /dev (one built FROM scratch):
 * make them, empty, while the overlay is still writable, so that mount_setup_root() finds its
 * mount points. They land in the upper dir like any change of the container. mkdirat() never
 * follows: whatever else is there (a symlink) is left for mount_setup_root() to refuse. */
static int overlay_make_api_dirs(int overlay_fd) {
        static const char *const dirs[] = {"proc", "sys", "dev", "etc"};
        static const char *const files[] = {"etc/hosts", "etc/hostname", "etc/resolv.conf"};

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                if (mkdirat(overlay_fd, dirs[i], 0755) < 0 && errno != EEXIST)
                        return -errno;
        /* And the mount points of mount_bind_file(): O_EXCL|O_NOFOLLOW creates, never opens. */
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                int fd = openat(overlay_fd, files[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

                if (fd < 0 && errno != EEXIST && errno != ENOTDIR)
                        return -errno;
                safe_close(fd);
        }
        return 0;
}

static int mount_fd_make_read_only(int mnt_fd) {
        struct berth_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};

        if (sys_mount_setattr(mnt_fd, AT_EMPTY_PATH, &a) >= 0)
                return 0;
        if (errno != ENOSYS)
                return -errno;
        return remount_attr_fallback(mnt_fd, MOUNT_ATTR_RDONLY);
}

int mount_overlay_root(char **lowerdirs, const char *upperdir, const char *workdir, const char *target,
                       bool read_only) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        bool attached = false;
        char msg[256] = "";
        struct statfs fs;
        int r;

        if (!lowerdirs || !lowerdirs[0])
                return log_error_errno(-EINVAL, "No image layers to mount on %s", target);
        STRV_FOREACH(l, lowerdirs)
        if (!lowerdir_path_ok(*l))
                return log_error_errno(-EINVAL,
                                       "Refusing image layer path '%s': it must be absolute, "
                                       "without ':', ',' or '\\'",
                                       *l);
        if (!lowerdir_path_ok(upperdir) || !lowerdir_path_ok(workdir) || !path_is_absolute(target))
                return log_error_errno(-EINVAL,
                                       "Refusing overlay paths '%s', '%s' on '%s': they must be absolute, "
                                       "without ':', ',' or '\\'",
                                       upperdir, workdir, target);

        r = mount_isolate();
        if (r < 0)
                return r;

        target_fd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (target_fd < 0)
                return log_error_errno(-errno, "Failed to open the container root %s: %m", target);

        r = overlay_new(lowerdirs, upperdir, workdir, msg, sizeof(msg), &mnt_fd);
        if (r == -EOPNOTSUPP) {
                r = overlay_legacy(lowerdirs, upperdir, workdir, target_fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to mount the overlay on %s: %m", target);
                attached = true;
                /* The overlay's own root from now on: target_fd still shows what is under it. */
                mnt_fd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (mnt_fd < 0)
                        return log_error_errno(-errno, "Failed to open the overlay on %s: %m", target);
        } else if (r < 0)
                return log_error_errno(r, "Failed to mount the overlay on %s: %m%s%s", target,
                                       msg[0] ? ": " : "", msg);

        if (fstatfs(mnt_fd, &fs) < 0)
                return log_error_errno(-errno, "Failed to check the overlay on %s: %m", target);
        if ((uint64_t)fs.f_type != OVERLAYFS_SUPER_MAGIC)
                return log_error_errno(-EIO, "The root mounted on %s is not an overlayfs", target);

        if (read_only) {
                r = overlay_make_api_dirs(mnt_fd);
                if (r < 0)
                        return log_error_errno(
                                r, "Failed to create /proc, /sys or /dev in the root on %s: %m", target);
        }
        if (!attached && sys_move_mount(mnt_fd, target_fd) < 0)
                return log_error_errno(-errno, "Failed to attach the overlay on %s: %m", target);
        if (read_only) {
                r = mount_fd_make_read_only(mnt_fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to make the root on %s read-only: %m", target);
        }
        return 0;
}

/* Issue 18: user namespaces. */
int mount_overlay_root_attach(int mnt_fd, int target_fd, const char *target) {
        struct statfs fs;
        int r;

        r = mount_isolate();
        if (r < 0)
                return r;
        if (fstatfs(mnt_fd, &fs) < 0 || (uint64_t)fs.f_type != OVERLAYFS_SUPER_MAGIC)
                return log_error_errno(-EIO, "The root prepared for %s is not an overlayfs", target);
        if (sys_move_mount(mnt_fd, target_fd) < 0)
                return log_error_errno(-errno, "Failed to attach the overlay on %s: %m", target);
        return 0;
}

int mount_tree_in_root(int root_fd, const char *path, int target_fd, int tree_fd, bool want_ro,
                       unsigned long propagation, bool propagation_recursive) {
        if (sys_move_mount(tree_fd, target_fd) < 0)
                return -errno;
        if (propagation != 0) {
                struct berth_mount_attr a = {.propagation = propagation};

                if (sys_mount_setattr(tree_fd, AT_EMPTY_PATH | (propagation_recursive ? AT_RECURSIVE : 0), &a) < 0)
                        return -errno;
        }
        return verify_mounted(root_fd, path, tree_fd, want_ro);
}

int mount_pivot_root(const char *root) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open the container root %s: %m", root);
        if (fchdir(fd) < 0)
                return log_error_errno(-errno, "Failed to change into the container root %s: %m", root);

        /* pivot_root(".", ".") stacks the old root on top of the new one: no directory for it is
         * needed inside the image, and detaching "." then drops the host's whole tree. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return log_error_errno(-errno, "Failed to pivot into the container root %s: %m", root);
        if (umount2(".", MNT_DETACH) < 0)
                return log_error_errno(-errno, "Failed to detach the host's root from the container: %m");
        if (chdir("/") < 0)
                return log_error_errno(-errno, "Failed to change to / in the container: %m");
        return 0;
}

/* Issue 18: user namespaces. A source opened while the host's paths were ours to walk: a path
 * "/proc/self/fd/N" is that fd's file (a magic link, followed only here). */
static int open_source(const char *source, int flags) {
        int fd;

        if (startswith(source, "/proc/self/fd/")) {
                fd = open(source, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
                if (fd >= 0 && (flags & O_DIRECTORY) == 0) {
                        struct stat st;

                        if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
                                safe_close(fd);
                                errno = ELOOP;
                                return -1;
                        }
                }
                return fd;
        }
        return open(source, flags | O_CLOEXEC);
}

/* The file src_fd onto dest inside root_fd, with attr; dest made when missing (see mount.h). */
static int bind_file_fd(int root_fd, int src_fd, const char *source, const char *dest, unsigned attr) {
        _cleanup_close_ int target_fd = -EBADF, mnt_fd = -EBADF;
        struct stat st;
        int r;

        target_fd = open_in_root(root_fd, dest, O_PATH, 0);
        if (target_fd == -ENOENT) {
                _cleanup_close_ int parent_fd = -EBADF;
                const char *name;

                /* Missing (or a dangling symlink): make an empty file in the parent we hold,
                 * never following anything. */
                parent_fd = open_parent_in_root(root_fd, dest, &name);
                if (parent_fd == -ENOENT) {
                        _cleanup_free_ char *parent = strndup(dest, (size_t)(strrchr(dest, '/') - dest));

                        if (!parent)
                                return log_oom();
                        safe_close(mkdir_in_root(root_fd, parent, 0755));
                        parent_fd = open_parent_in_root(root_fd, dest, &name);
                }
                if (parent_fd < 0)
                        return log_error_errno(parent_fd, "Failed to create %s in the container: %m", dest);
                for (unsigned attempt = 0; attempt < 2; attempt++) {
                        int fd = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

                        if (fd >= 0) {
                                safe_close(fd);
                                break;
                        }
                        if (errno != EEXIST || unlinkat(parent_fd, name, 0) < 0)
                                return log_error_errno(-errno, "Failed to create %s in the container: %m", dest);
                }
                target_fd = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (target_fd < 0)
                        target_fd = -errno;
        }
        if (target_fd < 0)
                return log_error_errno(target_fd, "Failed to open %s in the container: %m", dest);
        if (fstat(target_fd, &st) < 0)
                return log_error_errno(-errno, "Failed to check %s in the container: %m", dest);
        if (!S_ISREG(st.st_mode))
                return log_error_errno(-ENOTTY, "Refusing to mount over %s in the container: not a regular file",
                                       dest);

        r = bind_onto(src_fd, target_fd, attr, /* recursive= */ false, &mnt_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to mount %s on %s in the container: %m", source, dest);
        return 0;
}

int mount_bind_file(int root_fd, const char *source, const char *dest) {
        _cleanup_close_ int src_fd = -EBADF;

        src_fd = open_source(source, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (src_fd < 0)
                return log_error_errno(-errno, "Failed to open %s: %m", source);
        return bind_file_fd(root_fd, src_fd, source, dest,
                            MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

/* in_fd's bytes to out_fd, to its end. */
static int copy_contents(int in_fd, int out_fd) {
        char buf[16384];

        for (;;) {
                ssize_t n = read(in_fd, buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                for (ssize_t done = 0; done < n;) {
                        ssize_t w = write(out_fd, buf + done, (size_t) (n - done));

                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w < 0)
                                return -errno;
                        done += w;
                }
        }
}

int mount_bind_copies(int root_fd, int over_fd, char *const *sources, char *const *dests, size_t n) {
        _cleanup_close_ int tmp_fd = -EBADF;
        int in_fds[8];
        char msg[256] = "";
        int r;

        assert(n <= ELEMENTSOF(in_fds));
        /* Opened before the tmpfs covers them. */
        for (size_t i = 0; i < n; i++)
                in_fds[i] = -EBADF;
        for (size_t i = 0; i < n; i++) {
                in_fds[i] = open_source(sources[i], O_RDONLY | O_NOCTTY | O_NOFOLLOW);
                if (in_fds[i] < 0) {
                        r = log_error_errno(-errno, "Failed to open %s: %m", sources[i]);
                        goto finish;
                }
        }
        r = fs_new("tmpfs", "source=tmpfs,size=" MOUNT_COPIES_SIZE ",nr_inodes=16,mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                   msg, sizeof(msg), &tmp_fd);
        if (r >= 0 && sys_move_mount(tmp_fd, over_fd) < 0)
                r = -errno;
        if (r < 0) {
                log_error_errno(r, "Failed to mount the tmpfs of the container's copies of its /etc files: %m%s%s",
                                msg[0] ? ": " : "", msg);
                goto finish;
        }
        for (size_t i = 0; i < n; i++) {
                const char *name = strrchr(dests[i], '/') ? strrchr(dests[i], '/') + 1 : dests[i];
                _cleanup_close_ int out_fd = -EBADF, copy_fd = -EBADF;

                out_fd = openat(tmp_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (out_fd < 0) {
                        r = log_error_errno(-errno, "Failed to make the container's copy of %s: %m", dests[i]);
                        goto finish;
                }
                r = copy_contents(in_fds[i], out_fd);
                if (r < 0) {
                        log_error_errno(r, "Failed to copy %s for the container (over " MOUNT_COPIES_SIZE "?): %m",
                                        sources[i]);
                        goto finish;
                }
                copy_fd = openat(tmp_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (copy_fd < 0) {
                        r = log_error_errno(-errno, "Failed to open the container's copy of %s: %m", dests[i]);
                        goto finish;
                }
                r = bind_file_fd(root_fd, copy_fd, sources[i], dests[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
                if (r < 0)
                        goto finish;
        }
        r = 0;
finish:
        for (size_t i = 0; i < n; i++)
                safe_close(in_fds[i]);
        return r;
}

int mount_bind_dir(int root_fd, const char *source, const char *dest) {
        _cleanup_close_ int src_fd = -EBADF, target_fd = -EBADF, mnt_fd = -EBADF;
        int r;

        src_fd = open_source(source, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (src_fd < 0)
                return log_error_errno(-errno, "Failed to open %s: %m", source);
        target_fd = mkdir_in_root(root_fd, dest, 0755);
        if (target_fd < 0)
                return log_error_errno(target_fd, "Failed to create %s in the container: %m", dest);
        r = bind_onto(src_fd, target_fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                      /* recursive= */ false, &mnt_fd);
        if (r >= 0)
                r = verify_mounted(root_fd, dest, mnt_fd, /* want_ro= */ true);
        if (r < 0)
                return log_error_errno(r, "Failed to mount %s on %s in the container: %m", source, dest);
        return 0;
}

/* --- Primitives for volumes ---------------------------------------------------------------------- */

int mount_bind_in_root(int root_fd, const char *path, int target_fd, int src_fd, unsigned flags, bool recursive) {
        _cleanup_close_ int mnt_fd = -EBADF;
        int r;

        r = bind_onto(src_fd, target_fd, flags, recursive, &mnt_fd);
        if (r < 0)
                return r;
        return verify_mounted(root_fd, path, mnt_fd, flags & MOUNT_ATTR_RDONLY);
}

int mount_bind_in_root_propagation(int root_fd, const char *path, int target_fd, int src_fd, unsigned flags,
                                   bool recursive, unsigned long propagation, bool propagation_recursive) {
        _cleanup_close_ int mnt_fd = -EBADF;
        int r;

        r = bind_onto(src_fd, target_fd, flags, recursive, &mnt_fd);
        if (r < 0)
                return r;
        if (propagation != 0) {
                struct berth_mount_attr a = {.propagation = propagation};

                /* On the attached tree: only mounts in our namespace change propagation. */
                if (sys_mount_setattr(mnt_fd, AT_EMPTY_PATH | (propagation_recursive ? AT_RECURSIVE : 0), &a) < 0) {
                        char p[STRLEN("/proc/self/fd/") + 12];

                        if (errno != ENOSYS)
                                return -errno;
                        snprintf(p, sizeof(p), "/proc/self/fd/%i", mnt_fd);
                        if (mount(NULL, p, NULL, propagation | (propagation_recursive ? MS_REC : 0), NULL) < 0)
                                return -errno;
                }
        }
        return verify_mounted(root_fd, path, mnt_fd, flags & MOUNT_ATTR_RDONLY);
}

int mount_overlay_in_root(int root_fd, const char *path, int target_fd, const char *lower, const char *upper,
                          const char *work, unsigned flags, char *msg, size_t msg_size) {
        _cleanup_free_ char *options = NULL;

        if (!lowerdir_path_ok(lower) || !lowerdir_path_ok(upper) || !lowerdir_path_ok(work))
                return -EINVAL;
        options = strjoin("lowerdir=", lower, ",upperdir=", upper, ",workdir=", work);
        if (!options)
                return -ENOMEM;
        return mount_fs_in_root(root_fd, path, target_fd, "overlay", options, flags, msg, msg_size);
}

int mount_fs_in_root(int root_fd, const char *path, int target_fd, const char *fstype, const char *options,
                     unsigned flags, char *msg, size_t msg_size) {
        _cleanup_close_ int mnt_fd = -EBADF;
        int r;

        r = fs_new(fstype, options, flags, msg, msg_size, &mnt_fd);
        if (r < 0)
                return r;
        if (sys_move_mount(mnt_fd, target_fd) < 0)
                return -errno;
        return verify_mounted(root_fd, path, mnt_fd, flags & MOUNT_ATTR_RDONLY);
}

int mount_fs_detached(const char *fstype, const char *options, unsigned flags, char *msg, size_t msg_size,
                      int *ret_mnt_fd) {
        return fs_new(fstype, options, flags, msg, msg_size, ret_mnt_fd);
}

/* An overlay of lowerdirs, detached (a mount fd): read-only without upperdir, else with upperdir
 * and workdir; nosuid, noexec, nodev. */
static int overlay_detached(char **lowerdirs, const char *upperdir, const char *workdir, int *ret_mnt_fd) {
        _cleanup_close_ int fs_fd = -EBADF;
        _cleanup_free_ char *joined = NULL;
        unsigned attr = NOSUID_NOEXEC_NODEV | (upperdir ? 0 : MOUNT_ATTR_RDONLY);
        struct statfs fs;
        int mnt_fd;

        STRV_FOREACH(l, lowerdirs)
        if (!lowerdir_path_ok(*l))
                return -EINVAL;

        fs_fd = sys_fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return -errno;
        STRV_FOREACH(l, lowerdirs)
        if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0) {
                if (errno != EINVAL || l != lowerdirs)
                        return -errno;
                /* Before Linux 6.8: all layers in one "lowerdir" value, on a fresh context. */
                safe_close(fs_fd);
                fs_fd = sys_fsopen("overlay", FSOPEN_CLOEXEC);
                joined = strv_join(lowerdirs, ":");
                if (fs_fd < 0 || !joined)
                        return fs_fd < 0 ? -errno : -ENOMEM;
                if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir", joined, 0) < 0)
                        return -errno;
                break;
        }
        if (upperdir && (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "upperdir", upperdir, 0) < 0 ||
                         sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "workdir", workdir, 0) < 0))
                return -errno;
        if (sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, attr);
        if (mnt_fd < 0)
                return -errno;
        if (fstatfs(mnt_fd, &fs) < 0 || (uint64_t)fs.f_type != OVERLAYFS_SUPER_MAGIC) {
                safe_close(mnt_fd);
                return -EIO;
        }
        *ret_mnt_fd = mnt_fd;
        return 0;
}

int mount_overlay_detached(char **lowerdirs, int *ret_mnt_fd) {
        /* overlayfs refuses a read-only overlay of a single layer. */
        if (strv_length(lowerdirs) < 2)
                return -EINVAL;
        return overlay_detached(lowerdirs, NULL, NULL, ret_mnt_fd);
}

int mount_root_read_only(const char *root) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        /* Followed: in a user namespace root is /proc/self/fd/N of the attached overlay (the
         * container's own path is no longer reachable as its root); else berth's own path, which
         * nothing of a container can make a symlink. */
        fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open the container root %s: %m", root);
        r = overlay_make_api_dirs(fd);
        if (r < 0)
                return log_error_errno(r, "Failed to create /proc, /sys or /dev in the root on %s: %m", root);
        r = mount_fd_make_read_only(fd);
        if (r < 0)
                return log_error_errno(r, "Failed to make the root on %s read-only: %m", root);
        return 0;
}

int mount_overlay_detached_rw(char **lowerdirs, const char *upperdir, const char *workdir, int *ret_mnt_fd) {
        if (strv_isempty(lowerdirs) || !lowerdir_path_ok(upperdir) || !lowerdir_path_ok(workdir))
                return -EINVAL;
        return overlay_detached(lowerdirs, upperdir, workdir, ret_mnt_fd);
}
