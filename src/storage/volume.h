/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "definition.h"
#include "image-config.h"
#include "name.h"
#include "volume-spec.h"

/* Volumes: binds of host paths, named and anonymous volumes, tmpfs mounts.
 *
 * A container's volumes are its definition's lines, nothing else records them:
 *   Volume=SRC:DST[:OPTS] | DST[:OPTS]  (docker's -v; SRC an absolute host path: a bind; else a
 *                                        volume name; without SRC an anonymous volume)
 *   VolumesFrom=NAME[:ro|:rw]           (all volumes of container NAME; :ro narrows every one)
 *   Tmpfs=DST[:OPTS]                    (docker's --tmpfs)
 *
 * The store: $(berth_state_dir)/volumes/NAME/, with the mount source NAME/_data. _data exists
 * once the volume was first used: it is made by renaming a staging directory (NAME/.staging-PID)
 * into place after the image's content at the destination was copied into it, so a volume that
 * was never used (no _data) differs from a used empty one, copy-up happens once, and a copy cut
 * short by a crash or a full disk never looks ready. An anonymous volume is named after its
 * container and destination (volume_anonymous_name()), so that every start of the container
 * finds it again, VolumesFrom= finds it in the other container, and rm -v finds it to remove.
 *
 * The parsers are volume-spec.h's; volume_plan_*(), volume_mount_all() and
 * volume_remove_anonymous() log their one line. */

/* --- The store ------------------------------------------------------------------------------------ */

/* $(berth_state_dir)/volumes; NULL on OOM. */
char *volume_store_dir(void);

/* Creates the volume's directory (not its _data) if missing. 1 if created, 0 if it existed. */
int volume_create(const char *name);
/* Whether the volume exists (0/1), and whether it was used (has _data). */
int volume_exists(const char *name, bool *ret_ready);
/* Removes the volume and all in it; -ENOENT if there is none. Waits for a copy-up in progress. */
int volume_remove(const char *name);
/* The names of all volumes, sorted. */
int volume_list(char ***ret);
/* Removes what copy-ups cut short (a killed helper, a crash) left in volumes no copy-up holds
 * now: their NAME/.staging-* directories. Never touches _data, nor a volume whose lock is held.
 * *ret_removed (if not NULL) lists "NAME/.staging-PID" for each, *ret_bytes what they held. */
int volume_reclaim(char ***ret_removed, uint64_t *ret_bytes);
/* The named and anonymous volumes a definition's own Volume= lines use, each once. */
int volume_names_of(const Definition *d, char ***ret);
/* Removes the container's anonymous volumes (rm -v, --rm, AutoRemove=); named ones stay. */
int volume_remove_anonymous(const Definition *d);

/* --- A container's volumes, from prepare to mount -------------------------------------------------- */

typedef struct VolumePlan {
        VolumeMount *mounts; /* in mount order: parents before what lies inside them */
        size_t n;
        /* Per mount, a detached tree the parent made for the child to attach: a .volume's file
         * system on a block device (volume_plan_prepare()); with a user namespace, each source as
         * an idmapped tree (volume_plan_idmap()). -EBADF for what the child makes itself (tmpfs);
         * NULL when there is none. */
        int *trees;
} VolumePlan;

void volume_plan_done(VolumePlan *p);

/* In the parent, before anything is made: the definition's mounts with VolumesFrom= expanded (the
 * container's own Volume= lines win over a volume from another container at the same destination),
 * bind sources checked to exist, volume paths filled in. Every error is the one line that names the
 * culprit. The image's declared volumes come from image, or from its config when NULL. */
int volume_plan_make(const Definition *d, const ImageConfig *image, VolumePlan *ret);

/* In the parent, once the container's upper directory exists: creates the named and anonymous
 * volumes not there yet and fills every one never used from the image (the layers and the
 * container's own changes, read through a detached read-only overlay), then marks it ready.
 * Runs outside the container's scope so that device nodes can be recreated (the scope's device
 * policy refuses mknod). */
int volume_plan_prepare(VolumePlan *p, char **lowerdirs, const char *upperdir);

/* Issue 18: in the parent, for a container with a user namespace (userns_fd, its maps): every bind,
 * named and anonymous volume and .volume Device= bind as a detached idmapped tree, so that files
 * keep the IDs they have on disk and appear with them inside; nothing is chowned. The child
 * attaches these (volume_mount_all()). "O" becomes an overlay made here as root_mount_uid's
 * (idmap_overlay()) over the idmapped source. Refuses with one line what cannot be idmapped (a
 * file system that does not support idmapped mounts). Logs. */
#define VOLUME_IDMAPPED_MAX 200
int volume_plan_idmap(VolumePlan *p, int userns_fd, uid_t root_uid, gid_t root_gid);

/* In the payload's child, before pivot_root(): mounts the plan onto the root at root_fd, each
 * destination resolved inside the root and created when missing, each mount attached by fd and
 * checked. api_dirs false mounts everything but what lies under /proc, /sys and /dev (call it
 * before mount_setup_root()); true mounts just that (after it; only Privileged= has such). */
int volume_mount_all(const VolumePlan *p, int root_fd, bool api_dirs);

/* In the parent, once the container's directory exists (volume-options.c): fresh upper and work
 * directories for each "O" mount, under container_dir/overlays, whatever the last run left
 * there (podman's overlay volumes keep their changes for one run; rm removes the directory). */
int volume_plan_prepare_overlays(VolumePlan *p, const char *container_dir);

/* In the payload's child, once the container's user is known (before pivot_root()): "U" chowns
 * each such source to uid:gid, "z"/"Z" relabel it for containers where SELinux is enabled (and
 * do nothing where it is not): the source and all below it on its file system, never following
 * a symlink, never crossing into another mount. */
int volume_plan_own(const VolumePlan *p, uid_t uid, gid_t gid);

/* The anonymous volumes of d (its own Volume= lines and its image's), each once, in an order that
 * depends only on the definition's text, not its name: berth rename renames them pairwise. */
int volume_anonymous_names_of(const Definition *d, char ***ret);
