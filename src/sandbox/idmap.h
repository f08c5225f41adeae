/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Issue 18: user namespaces and idmapped mounts, the kernel's side.
 *
 * A container with a range of its own runs in a user namespace whose uid_map and gid_map are the
 * texts below ("INSIDE OUTSIDE COUNT\n" lines, as /proc/PID/uid_map takes them). Files of the
 * host's storage (image layers, the container's upper directory, volumes, binds) are never
 * chowned: they reach the container as idmapped mounts (mount_setattr(MOUNT_ATTR_IDMAP)), made
 * here by the helper, which is root in the host's user namespace, as detached mounts the child
 * attaches in its own mount namespace. An idmapped mount uses the mapping of the user namespace
 * it is given, not the namespace itself: one made for a namespace with the container's maps
 * serves the container's own.
 *
 * Nothing here logs: the runtime's step that calls it does, once. */

/* Writes the maps of the process pid (a child just cloned with CLONE_NEWUSER, waiting). */
int idmap_write_maps(pid_t pid, const char *uid_map, const char *gid_map);

/* A user namespace with these maps, for idmapped mounts: made by a short-lived child, which is
 * gone when this returns. *ret_userns_fd is O_CLOEXEC. */
int idmap_userns_new(const char *uid_map, const char *gid_map, int *ret_userns_fd);

/* The host's ID that ID inside maps to under map (a map text as above); -ERANGE when unmapped. */
int idmap_to_host(const char *map, unsigned inside, unsigned *ret_outside);

/* Idmaps the detached mount mnt_fd itself (fsmount()'s, never attached), in place: cloning it with
 * open_tree() is refused by kernels before 6.15 (a source outside our namespace). -EOPNOTSUPP as
 * idmap_tree(). */
int idmap_mount(int userns_fd, int mnt_fd);
/* A detached, idmapped clone of the tree at path (resolved from dir_fd, AT_FDCWD for an absolute
 * path; never following a last symlink when nofollow): submounts included when recursive, attr
 * (MOUNT_ATTR_*, mount-flags.h) set. -EOPNOTSUPP: the file system there cannot be idmapped. The
 * fd is O_CLOEXEC; attaching it (move_mount()) is the mount, closing it unattached undoes it. */
int idmap_tree(int userns_fd, int dir_fd, const char *path, unsigned attr, bool recursive, bool nofollow,
               int *ret_tree_fd);

/* A detached overlay of lowerdirs (top first) under upperdir and workdir (both inside dir, which
 * is idmapped once for them), every layer idmapped through userns_fd. Mounted with the
 * credentials of the container's root (host IDs root_uid, root_gid) and the helper's
 * capabilities, so that overlayfs' own work in upper and work lands as container root and it can
 * still read every layer. attr: MOUNT_ATTR_* of the new mount. dir NULL: no upper, a read-only
 * overlay of two or more layers. */
int idmap_overlay(int userns_fd, char **lowerdirs, const char *dir, const char *upper_name, const char *work_name,
                  uid_t root_uid, gid_t root_gid, unsigned attr, char *msg, size_t msg_size, int *ret_mnt_fd);

/* Copies of the host's device nodes hosts[0..n) (followed; what is not a device is left out) on
 * a new tmpfs of the host's user namespace, whose nodes may be opened from a container's (one its
 * user namespace mounted may not), named "0", "1" …, with the host node's mode, owned by the
 * container's root (host IDs root_uid, root_gid; a node's group other than 0 kept). Detached,
 * nosuid and noexec: the child binds the nodes it needs from it. */
int idmap_device_nodes(char *const *hosts, size_t n, uid_t root_uid, gid_t root_gid, int *ret_mnt_fd);

/* Whether process pid runs in a user namespace other than ours (0/1), and then its maps as we see
 * them (the texts of /proc/PID/uid_map and gid_map; either ret may be NULL). */
int idmap_of_process(pid_t pid, char **ret_uid_map, char **ret_gid_map);

/* The reverse of idmap_to_host(): the ID inside that the host's ID outside is; -ERANGE when none. */
int idmap_to_container(const char *map, unsigned outside, unsigned *ret_inside);
