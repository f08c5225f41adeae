/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Declares volume_reference_resolve() over definition_reference_resolve(). */
#include "definition-unit.h"
#include "volume-spec.h"

/* Quadlet's .volume files: NAME.volume's [Volume] section defines a named volume.
 *
 * The file is the volume's only record of its settings: berth keeps no file of its own. A
 * container's Volume=NAME.volume:/dst means the volume the file names (VolumeName=, by default
 * systemd-NAME, as Quadlet's); whenever berth needs a named volume's settings (a container's
 * start, `berth volume inspect`), it looks in the definition directories, in their order, for the
 * .volume file that defines that name (volume_unit_find()), so that Volume=systemd-data:/x in a
 * definition or on `berth run` gets the same volume as Volume=data.volume:/x. The volume itself is
 * created on its first use, as every named volume is; berth makes no unit for it, and so refuses
 * [Unit], [Service] and [Install] in a .volume with one line.
 *
 * The keys, with Quadlet's meaning:
 *   VolumeName=NAME      the volume's name
 *   Label=K=V …          the volume's labels (berth volume inspect)
 *   Copy=BOOL            fill the new volume from the image on first use (default yes; no is
 *                        docker's nocopy); a tmpfs volume is filled at each start, a bind never
 *   User= Group= UID= GID=
 *                        the owner of the new volume's root (a number, or a name in the host's
 *                        /etc/passwd, /etc/group); for Type=tmpfs, its uid=/gid= options;
 *                        refused for Type=bind
 *   Device= Type= Options=
 *                        the volume is a mount of Device, made where a container uses it:
 *                        Type=tmpfs (Device a plain word, e.g. tmpfs; Options tmpfs's: size=,
 *                        mode=, uid=, gid=, nr_inodes=, and ro, nosuid, nodev, noexec) or Type=bind
 *                        (Device an absolute host path, opened without following a symlink;
 *                        Options bind or rbind, ro, nosuid, nodev, noexec). Other types are
 *                        refused: nfs and cifs need helpers berth does not run, and file systems
 *                        on block devices are not supported yet.
 *   Driver=local         the only driver (image is refused)
 * Image=, and podman's own keys (PodmanArgs=, GlobalArgs=, ContainersConfModule=, ServiceName=)
 * are refused with one line. Specifiers resolve for the file's NAME. */

typedef struct VolumeUnit {
        char *path;       /* the .volume file */
        char *name;       /* the volume's name */
        char **labels;    /* KEY=VALUE, each key once, in the order first given */
        int copy;         /* Copy=: -1 when not given (yes) */
        uid_t uid;        /* User=, UID=: (uid_t) -1 when not given */
        gid_t gid;        /* Group=, GID=: (gid_t) -1 when not given */
        char *device;     /* Device=, NULL for a volume in berth's store */
        char *type;       /* Type=: "tmpfs", "bind" or a block device's file system, with a Device */
        char *options;    /* Options= as written, NULL for none */
        char *fs_options; /* tmpfs, a device's file system: the fsconfig() options of Options=, User=, Group= */
        unsigned flags;   /* MOUNT_FLAG_* of Options= */
        bool recursive;   /* bind: rbind */
} VolumeUnit;

VolumeUnit *volume_unit_free(VolumeUnit *u);
static inline void volume_unit_freep(VolumeUnit **u) {
        volume_unit_free(*u);
}

/* text, the .volume file at path (its name gives the default volume name and the specifiers).
 * -EINVAL with *ret_why "PATH:LINE: why" or "PATH: why". */
int volume_unit_parse(const char *text, const char *path, VolumeUnit **ret, char **ret_why);
/* The file at path, read and parsed as above. */
int volume_unit_read(const char *path, VolumeUnit **ret, char **ret_why);

/* The .volume file in dirs (first directory first; a file name in an earlier directory hides
 * the same name in a later one) that defines the volume name. -ENOENT when none does; a file that
 * does not parse is passed over, unless it is NAME.volume for name systemd-NAME (then -EINVAL and
 * why). */
int volume_unit_find(const char *name, char *const *dirs, VolumeUnit **ret, char **ret_why);

/* m, a named volume's mount in a container, with u's settings: the device, its options, the
 * owner, and whether it is filled from the image. */
int volume_unit_apply(const VolumeUnit *u, VolumeMount *m);

/* Mount='s words (definition-mounts.h) into *l, each checked, where type=volume,source=NAME.volume
 * is the volume NAME.volume defines. name and path are the definition's. */
struct ListState;
int volume_mount_words_parse(const char *name, const char *path, char ***l, struct ListState *list,
                             const char *value, char **ret_why);

/* definition_reference_resolve(), with Volume=NAME.volume:/dst[:opts] read as the volume that
 * NAME.volume defines, found next to the definition at path or else in the definition
 * directories. */
int volume_reference_resolve(const char *key, const char *value, const char *path, const char *name,
                             char **ret, char **ret_why);
