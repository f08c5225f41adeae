/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "definition-mounts.h"
#include "mount-flags.h"

/* The container's file system: the overlay root, the API file systems and the small /dev inside it,
 * the masks and read-only paths of SECURITY.md, and the switch into it with pivot_root().
 *
 * Everything here runs in the helper's child after clone(CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|
 * CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWCGROUP), as root with full capabilities, before pivot_root()
 * unless said otherwise. The mount_*() functions own their step and log its failure once; the path
 * helpers below do not log.
 *
 * Needs Linux >= 5.8 (openat2, the new mount API, STATX_MNT_ID). Read-only bind mounts use
 * mount_setattr() (5.12) and fall back to a (non-recursive) remount before it; the overlay uses
 * "lowerdir+" (6.8) and falls back to mount(2) before it. Both fallbacks were tested by forcing
 * them on 6.18. */

/* --- One safe way to reach a path inside a root (SECURITY.md) -------------------------------------
 * These belong in src/shared (they do not log); they live here until the lead moves them.
 *
 * open_in_root() resolves path with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) from root_fd:
 * ".." and absolute symlinks stay inside the root, /proc magic links are refused. Returns the fd or
 * a negative errno. flags are open(2) flags (O_CLOEXEC is added); mode is used with O_CREAT. */
int open_in_root(int root_fd, const char *path, int flags, mode_t mode);

/* Opens a regular file inside the root for reading without ever opening anything else: resolved
 * O_PATH first, checked with fstat() and fstatfs(), then reopened. A FIFO, device or socket is
 * -EBADFD, and so is a file of a kernel interface file system (procfs, sysfs, FUSE …: /etc/passwd
 * as a symlink to /proc/kmsg); a directory is -EISDIR; nothing blocks and no device is opened.
 * Needs /proc mounted in the caller. */
int open_regular_in_root(int root_fd, const char *path);

/* mkdir -p inside the root, one component at a time with mkdirat() on fds. Existing symlinks on the
 * way are resolved inside the root; a dangling one is -ENOENT, a non-directory -ENOTDIR. Returns an
 * O_PATH fd of the directory. */
int mkdir_in_root(int root_fd, const char *path, mode_t mode);

/* --- The container's mounts ---------------------------------------------------------------------- */

typedef struct MountOptions {
        /* --privileged: no masks, no read-only paths, /sys and /sys/fs/cgroup writable. /dev stays the
         * small one: devices the payload needs are bound in explicitly. */
        bool privileged;
        /* A terminal to bind onto /dev/console, as a path the caller sees now (e.g. a pty slave of the
         * host's devpts); NULL for none. See also mount_setup_console(). */
        const char *console_path;
        /* Issue 16: /dev/shm's size in bytes (0: 64 MiB); Unmask= words, which spare default
         * masks and read-only paths; Mask= words, masked also with --privileged (a path missing
         * in the container is skipped); AddDevice='s nodes, bound from the host's. */
        uint64_t shm_size;
        char **unmasks, **masks;
        const DeviceSpec *devices;
        size_t n_devices;
} MountOptions;

/* Makes the whole mount tree MS_SLAVE|MS_REC so nothing mounted from here on propagates back to the
 * host (while the host's unmounts still reach us). Refuses (-EBUSY) to run in the mount namespace
 * of PID 1 of the /proc it sees, i.e. when the caller forgot CLONE_NEWNS. Idempotent;
 * mount_overlay_root() and mount_setup_root() call it first. */
int mount_isolate(void);

/* Mounts an overlayfs at target (a directory path chosen by berth, not by the image):
 * lowerdirs is NULL-terminated, top layer first. With read_only the upper dir is still used, so the
 * container's earlier changes are visible, but the mount is read-only; missing /proc, /sys and /dev
 * are created (in the upper dir) first, as mount_setup_root() needs them. Paths must be absolute and
 * may not contain ':', ',' or '\\' (-EINVAL): berth makes these paths itself, so refusing is
 * simpler and safer than escaping. Uses fsopen("overlay") with "lowerdir+" (Linux 6.8) and falls
 * back to mount(2). */
int mount_overlay_root(char **lowerdirs, const char *upperdir, const char *workdir, const char *target,
                       bool read_only);

/* Builds the API file systems inside root (normally the overlay): /proc, /sys, /sys/fs/cgroup, the
 * small /dev with devpts, shm and mqueue, /dev/console, then the masks and read-only paths of
 * SECURITY.md, driven by a table (see mount.c). /proc, /sys and /dev in the image must be real
 * directories or absent (then created): a symlink is -ELOOP, anything else -ENOTDIR. */
int mount_setup_root(const char *root, const MountOptions *o);

/* For a terminal from the container's own devpts (call after mount_setup_root(), before
 * mount_pivot_root()): opens root's /dev/ptmx, unlocks a new pty of size ws (unless its rows are
 * 0), binds its slave onto /dev/console and returns the master (O_CLOEXEC) for the helper to hand
 * to the parent. */
struct winsize;
int mount_setup_console(const char *root, const struct winsize *ws, int *ret_master_fd);

/* Issue 18: user namespaces. The overlay a helper made for the container (idmap_overlay()), a
 * detached mount, attached on target_fd (the directory target, opened while the host's paths were
 * still ours to walk) instead of mount_overlay_root()'s. Afterwards "/proc/self/fd/MNT_FD" names
 * the root. Logs. */
int mount_overlay_root_attach(int mnt_fd, int target_fd, const char *target);

/* Makes root the new "/": fchdir(root), pivot_root(".", "."), detaches the old root stacked on top,
 * chdir("/"). root must be a mount point (the overlay is). */
int mount_pivot_root(const char *root);


/* Binds the host file source read-only (nosuid, nodev, noexec) onto dest inside root_fd (call
 * before mount_pivot_root()): /etc/hosts, /etc/hostname, /etc/resolv.conf, as docker does. dest
 * is resolved inside the root; when missing (or a dangling symlink) an empty file is made there;
 * anything but a regular file refuses. */
int mount_bind_file(int root_fd, const char *source, const char *dest);

/* Writable copies of the n host files sources (paths, or "/proc/self/fd/N") bound onto dests
 * inside root_fd as mount_bind_file() binds (nosuid, nodev, noexec), for /etc/hosts, /etc/hostname
 * and /etc/resolv.conf, which docker's and podman's containers may write: the copies are on a
 * tmpfs of MOUNT_COPIES_SIZE made here and mounted over the directory over_fd in our mount
 * namespace (the helper's, which it hides from then on), so that a container writes to memory of
 * its own, never to the host's /run. At most 8 files. Logs. */
#define MOUNT_COPIES_SIZE "1m"
int mount_bind_copies(int root_fd, int over_fd, char *const *sources, char *const *dests, size_t n);

/* The same for the host directory source onto the directory dest inside root_fd, made there when
 * missing (mkdir_in_root(), so the root must still be writable then): the notify socket's
 * directory. */
int mount_bind_dir(int root_fd, const char *source, const char *dest);
/* --- Primitives for volumes (volume.c) -----------------------------------------------------------
 * These do not log. flags are MOUNT_FLAG_* (mount-flags.h). */

/* Clones the mount tree at src_fd (any fd of a file or directory; O_PATH is enough), submounts
 * included when recursive, sets flags on all of it and attaches it onto target_fd. Then checks that
 * path, resolved inside root_fd, now shows that mount (read-only if asked). */
int mount_bind_in_root(int root_fd, const char *path, int target_fd, int src_fd, unsigned flags, bool recursive);
/* The same, then the attached tree's propagation set: propagation MS_PRIVATE or MS_SLAVE, of the
 * top mount or (propagation_recursive) of all of it; 0 leaves it as the clone made it. */
int mount_bind_in_root_propagation(int root_fd, const char *path, int target_fd, int src_fd, unsigned flags,
                                   bool recursive, unsigned long propagation, bool propagation_recursive);

/* Issue 18: a detached tree the helper prepared (idmap_tree(), its flags set already) attached onto
 * target_fd, its propagation set as above, and checked. */
int mount_tree_in_root(int root_fd, const char *path, int target_fd, int tree_fd, bool want_ro,
                       unsigned long propagation, bool propagation_recursive);

/* An overlayfs of the host directory lower (as given: the admin's path, which may not hold ':', ','
 * or '\\') with upper and work (berth's) attached onto target_fd, and checked as above. Volume='s
 * "O". */
int mount_overlay_in_root(int root_fd, const char *path, int target_fd, const char *lower, const char *upper,
                          const char *work, unsigned flags, char *msg, size_t msg_size);

/* A new file system of fstype with fsconfig() options "key=value,flag,…" attached onto target_fd, and
 * checked as above. The kernel's own explanation of a refused option lands in msg. */
int mount_fs_in_root(int root_fd, const char *path, int target_fd, const char *fstype, const char *options,
                     unsigned flags, char *msg, size_t msg_size);

/* A new file system of fstype with fsconfig() options as above, detached (a mount fd, attached
 * nowhere; closing it is the unmount), with the MOUNT_ATTR_* flags. For a .volume's file system on a
 * block device, made by the parent. The kernel's own explanation of a refusal lands in msg. */
int mount_fs_detached(const char *fstype, const char *options, unsigned flags, char *msg, size_t msg_size,
                      int *ret_mnt_fd);

/* A detached, read-only overlay of lowerdirs (top first, at least two), attached nowhere: its fd is a
 * root for open_in_root(), and closing it is the unmount. For reading an image with a container's
 * changes (its upper directory as the top layer) outside the container. */
int mount_overlay_detached(char **lowerdirs, int *ret_mnt_fd);

/* Makes the overlay root at root read-only (that mount only: volumes mounted below stay as they are),
 * creating /proc, /sys and /dev first as mount_setup_root() needs them. Logs. */
int mount_root_read_only(const char *root);

/* A detached, writable overlay of lowerdirs (top first, at least one) under upperdir, attached
 * nowhere, nosuid, nodev, noexec: a stopped container's file system as it would see it, for berth
 * cp to write into (its changes land in upperdir). The caller holds the container's lock, so that
 * it does not start meanwhile: overlayfs refuses an upper directory in use twice. */
int mount_overlay_detached_rw(char **lowerdirs, const char *upperdir, const char *workdir, int *ret_mnt_fd);
