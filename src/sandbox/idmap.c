/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "fd-util.h"
#include "idmap.h"
#include "mount-syscalls.h"
#include "strv.h"


static int write_file(const char *path, const char *text) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        size_t n = strlen(text);

        if (fd < 0)
                return -errno;
        /* One write(2): the kernel takes a map whole or not at all. */
        if (write(fd, text, n) != (ssize_t) n)
                return errno > 0 ? -errno : -EIO;
        return 0;
}

int idmap_write_maps(pid_t pid, const char *uid_map, const char *gid_map) {
        char path[64];
        int r;

        snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
        r = write_file(path, uid_map);
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
        return write_file(path, gid_map);
}

/* The holder of a new user namespace: it only waits to be killed. It shares our memory
 * (CLONE_VM) and touches none of it but its own stack, so that neither its birth nor its death
 * copies or tears down an address space, as a fork of berth did. */
static int hold_userns(void *arg) {
        sigset_t all;

        (void) arg;
        /* No handler of ours may run here, on this stack and in our memory (a ^C to the process
         * group): every signal blocked; SIGKILL, which ends it, cannot be. (The call cannot fail
         * here, so it writes no errno, which is berth's too.) */
        sigfillset(&all);
        (void) syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, _NSIG / 8);
        for (;;)
                pause();
        return 0;
}

int idmap_userns_new(const char *uid_map, const char *gid_map, int *ret_userns_fd) {
        /* pause() needs little: a page for it (no signal frame is ever made there). */
        static char stack[16384] __attribute__((aligned(16)));
        char path[64];
        pid_t pid;
        int fd = -EBADF, r;

        pid = clone(hold_userns, stack + sizeof(stack), CLONE_NEWUSER | CLONE_VM | SIGCHLD, NULL);
        if (pid < 0)
                return -errno;
        r = idmap_write_maps(pid, uid_map, gid_map);
        if (r >= 0) {
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        r = -errno;
        }
        (void) kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (r < 0)
                return r;
        *ret_userns_fd = fd;
        return 0;
}

int idmap_to_host(const char *map, unsigned inside, unsigned *ret_outside) {
        for (const char *l = map; l && *l; ) {
                unsigned in, out, count;

                if (sscanf(l, "%u %u %u", &in, &out, &count) == 3 && inside >= in && inside - in < count) {
                        *ret_outside = out + (inside - in);
                        return 0;
                }
                l = strchr(l, '\n');
                if (l)
                        l++;
        }
        return -ERANGE;
}

int idmap_tree(int userns_fd, int dir_fd, const char *path, unsigned attr, bool recursive, bool nofollow,
               int *ret_tree_fd) {
        struct berth_mount_attr a = {
                .attr_set = attr | MOUNT_ATTR_IDMAP,
                .userns_fd = (uint64_t) userns_fd,
        };
        _cleanup_close_ int fd = -EBADF;
        unsigned flags = OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                         (nofollow ? AT_SYMLINK_NOFOLLOW : 0) | (path[0] ? 0 : AT_EMPTY_PATH);

        fd = (int) syscall(__NR_open_tree, dir_fd, path, flags);
        if (fd < 0)
                return -errno;
        if (syscall(__NR_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
                    sizeof(a)) < 0)
                /* EINVAL: the file system (or a submount's) does not support idmapped mounts;
                 * ENOSYS: the kernel predates them. */
                return errno == EINVAL || errno == ENOSYS ? -EOPNOTSUPP : -errno;
        *ret_tree_fd = TAKE_FD(fd);
        return 0;
}

int idmap_mount(int userns_fd, int mnt_fd) {
        struct berth_mount_attr a = {
                .attr_set = MOUNT_ATTR_IDMAP,
                .userns_fd = (uint64_t) userns_fd,
        };

        if (syscall(__NR_mount_setattr, mnt_fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
                return errno == EINVAL || errno == ENOSYS ? -EOPNOTSUPP : -errno;
        return 0;
}

static void fs_context_message(int fs_fd, char *buf, size_t size) {
        char line[512];
        ssize_t n;

        if (!buf || size == 0)
                return;
        while ((n = read(fs_fd, line, sizeof(line) - 1)) > 0) {
                line[n] = 0;
                line[strcspn(line, "\n")] = 0;
                snprintf(buf, size, "%s", line[0] && line[1] == ' ' ? line + 2 : line);
        }
}

/* overlayfs records the credentials of whoever creates it and does its own work (the work
 * directory, copy-up) with them: as the host's root, whose ID the idmapped upper cannot write
 * (EOVERFLOW), it would mount read-only. With the container root's file system IDs and all our
 * capabilities back in effect it writes as container root and still reads every layer. */
static int overlay_create_as(int fs_fd, uid_t uid, gid_t gid) {
        int r = 0;

        (void) setfsgid(gid);
        (void) setfsuid(uid);
        if ((uid_t) setfsuid((uid_t) -1) != uid || (gid_t) setfsgid((gid_t) -1) != gid)
                r = -EPERM;
        /* setfsuid() away from 0 dropped the file system capabilities from the effective set. */
        if (r >= 0)
                r = caps_limit_effective(UINT64_MAX);
        if (r >= 0 && syscall(__NR_fsconfig, fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                r = -errno;
        (void) setfsuid(0);
        (void) setfsgid(0);
        (void) caps_limit_effective(UINT64_MAX);
        return r;
}

int idmap_overlay(int userns_fd, char **lowerdirs, const char *dir, const char *upper_name, const char *work_name,
                  uid_t root_uid, gid_t root_gid, unsigned attr, char *msg, size_t msg_size, int *ret_mnt_fd) {
        _cleanup_close_ int fs_fd = -EBADF, dir_fd = -EBADF;
        size_t n = strv_length(lowerdirs);
        _cleanup_free_ int *layers = NULL;
        char path[64 + 256];
        int mnt_fd = -EBADF, r = 0;

        if (n == 0)
                return -EINVAL;
        layers = malloc(n * sizeof(int));
        if (!layers)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                layers[i] = -EBADF;

        for (size_t i = 0; i < n && r >= 0; i++)
                r = idmap_tree(userns_fd, AT_FDCWD, lowerdirs[i], 0, false, true, &layers[i]);
        if (r >= 0 && dir)
                r = idmap_tree(userns_fd, AT_FDCWD, dir, 0, false, true, &dir_fd);
        if (r >= 0) {
                fs_fd = (int) syscall(__NR_fsopen, "overlay", FSOPEN_CLOEXEC);
                if (fs_fd < 0)
                        r = -errno;
        }
        /* "overlay" in /proc/mounts' first column, as docker's. */
        if (r >= 0 && syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
                r = -errno;
        /* The layers by their detached mounts: overlayfs takes its own private clone of each. */
        for (size_t i = 0; i < n && r >= 0; i++) {
                snprintf(path, sizeof(path), "/proc/self/fd/%i", layers[i]);
                if (syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "lowerdir+", path, 0) < 0)
                        r = -errno;
        }
        if (r >= 0 && dir) {
                snprintf(path, sizeof(path), "/proc/self/fd/%i/%s", dir_fd, upper_name);
                if (syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "upperdir", path, 0) < 0)
                        r = -errno;
        }
        if (r >= 0 && dir) {
                snprintf(path, sizeof(path), "/proc/self/fd/%i/%s", dir_fd, work_name);
                if (syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "workdir", path, 0) < 0)
                        r = -errno;
        }
        if (r >= 0)
                r = overlay_create_as(fs_fd, root_uid, root_gid);
        if (r >= 0) {
                mnt_fd = (int) syscall(__NR_fsmount, fs_fd, FSMOUNT_CLOEXEC, attr);
                if (mnt_fd < 0)
                        r = -errno;
        }
        if (r < 0 && fs_fd >= 0)
                fs_context_message(fs_fd, msg, msg_size);
        for (size_t i = 0; i < n; i++)
                safe_close(layers[i]);
        if (r < 0)
                return r;
        *ret_mnt_fd = mnt_fd;
        return 0;
}

int idmap_of_process(pid_t pid, char **ret_uid_map, char **ret_gid_map) {
        _cleanup_free_ char *u = NULL, *g = NULL;
        struct stat ours, theirs;
        char path[64];
        int r;

        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
        if (stat(path, &theirs) < 0 || stat("/proc/self/ns/user", &ours) < 0)
                return -errno;
        if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
                return 0;
        snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
        r = ret_uid_map ? read_full_file_at(AT_FDCWD, path, 64 * 1024, &u, NULL) : 0;
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
        r = ret_gid_map ? read_full_file_at(AT_FDCWD, path, 64 * 1024, &g, NULL) : 0;
        if (r < 0)
                return r;
        if (ret_uid_map)
                *ret_uid_map = TAKE_PTR(u);
        if (ret_gid_map)
                *ret_gid_map = TAKE_PTR(g);
        return 1;
}

int idmap_to_container(const char *map, unsigned outside, unsigned *ret_inside) {
        for (const char *l = map; l && *l; ) {
                unsigned in, out, count;

                if (sscanf(l, "%u %u %u", &in, &out, &count) == 3 && outside >= out && outside - out < count) {
                        *ret_inside = in + (outside - out);
                        return 0;
                }
                l = strchr(l, '\n');
                if (l)
                        l++;
        }
        return -ERANGE;
}

int idmap_device_nodes(char *const *hosts, size_t n, uid_t root_uid, gid_t root_gid, int *ret_mnt_fd) {
        _cleanup_close_ int fs_fd = -EBADF, mnt_fd = -EBADF;

        fs_fd = (int) syscall(__NR_fsopen, "tmpfs", FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return -errno;
        if (syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
            syscall(__NR_fsconfig, fs_fd, FSCONFIG_SET_STRING, "size", "64k", 0) < 0 ||
            syscall(__NR_fsconfig, fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt_fd = (int) syscall(__NR_fsmount, fs_fd, FSMOUNT_CLOEXEC, 0x02U | 0x08U /* NOSUID, NOEXEC */);
        if (mnt_fd < 0)
                return -errno;
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                char name[32];

                if (stat(hosts[i], &st) < 0 || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)))
                        continue; /* the child's step says what is wrong with it */
                snprintf(name, sizeof(name), "%zu", i);
                if (mknodat(mnt_fd, name, st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0 ||
                    fchownat(mnt_fd, name, root_uid, st.st_gid == 0 ? root_gid : st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                    fchmodat(mnt_fd, name, st.st_mode & 0777, 0) < 0)
                        return -errno;
        }
        *ret_mnt_fd = TAKE_FD(mnt_fd);
        return 0;
}
