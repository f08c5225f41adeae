/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>


/* A container's mounts as its definition writes them, parsed and checked: pure, never logs.
 *   Volume=SRC:DST[:OPTS] | DST[:OPTS]  (docker's -v; SRC an absolute host path: a bind; else a
 *                                        volume name; without SRC an anonymous volume)
 *   VolumesFrom=NAME[:ro|:rw]           (all volumes of container NAME; :ro narrows every one)
 *   Tmpfs=DST[:OPTS]                    (docker's --tmpfs)
 * What they become on the host (the store, copy-up, the mounts) is storage's (volume.h). */

typedef enum VolumeType {
        VOLUME_BIND,
        VOLUME_NAMED,
        VOLUME_ANONYMOUS,
        VOLUME_TMPFS,
        VOLUME_IMAGE, /* Issue 16: leftovers. Mount=type=image: an image's layers, source its reference */
        _VOLUME_TYPE_MAX,
        _VOLUME_TYPE_INVALID = -EINVAL,
} VolumeType;

/* Propagation of a bind's mount tree: the default leaves it a slave of the host's (what the
 * container's mount namespace made of the host's tree); shared ones are refused, since nothing
 * mounted in a container may reach the host. */
typedef enum VolumePropagation {
        VOLUME_PROPAGATION_DEFAULT,
        VOLUME_PROPAGATION_PRIVATE,  /* private: the top mount; rprivate: all of it */
        VOLUME_PROPAGATION_RPRIVATE,
        VOLUME_PROPAGATION_SLAVE,
        VOLUME_PROPAGATION_RSLAVE,
        _VOLUME_PROPAGATION_MAX,
        _VOLUME_PROPAGATION_INVALID = -EINVAL,
} VolumePropagation;

/* "rprivate" … "rslave" (shared and rshared are -EOPNOTSUPP). */
VolumePropagation volume_propagation_from_string(const char *s);

typedef struct VolumeMount {
        VolumeType type;
        char *source;      /* bind: the host path; named, anonymous: the volume name; tmpfs: NULL */
        char *destination; /* absolute and normalised, inside the container */
        bool read_only;
        char *tmpfs_options;  /* fsconfig() "key=value,…" list, NULL for none */
        unsigned tmpfs_flags; /* MOUNT_FLAG_* */
        char *data_path;      /* named, anonymous: the store's NAME/_data, set by volume_plan_make() */
        /* Volume= options beyond ro/rw, and Mount='s (definition-mounts.h): */
        unsigned flags;        /* bind, volume: MOUNT_FLAG_NOSUID|NODEV|NOEXEC */
        bool non_recursive;    /* bind: "bind", not docker's default "rbind" */
        VolumePropagation propagation;
        bool chown;            /* "U": the source chowned to the container's user and group */
        bool relabel;          /* "z", "Z": relabelled for containers where SELinux is enabled */
        bool overlay;          /* "O": an overlay on the source, its changes the container's */
        bool no_copy;          /* "nocopy": a new volume is not filled from the image */
        bool copy_up;          /* tmpfs: the image's content there copied in (ReadOnlyTmpfs=) */
        char *overlay_upper, *overlay_work; /* "O": the container's own, set by volume_plan_prepare_overlays() */
        /* A named volume's settings from the .volume file that defines it (volume-unit.h): */
        char *device;          /* Device=: mounted in its place, NULL for the store's _data */
        char *device_type;     /* Type=: "tmpfs" (options in tmpfs_options, tmpfs_flags) or "bind" */
        bool own;              /* User=, Group=: the new volume's root chowned to owner_uid:owner_gid */
        uid_t owner_uid;       /* (uid_t) -1 keeps the owner */
        gid_t owner_gid;       /* (gid_t) -1 keeps the group */
        /* Issue 16: leftovers. type=image: the image's layers (top first), set by volume_plan_make(). */
        char **image_layers;
} VolumeMount;

void volume_mount_done(VolumeMount *m);

/* Anonymous volumes in a parsed spec have source NULL until the container's name is known. */
#define VOLUME_ANONYMOUS_HASH_LEN 16

/* Parse one Volume=, VolumesFrom= or Tmpfs= value. ret may be NULL to only check. On -EINVAL,
 * *ret_why (if not NULL) says why in words that name the culprit. The API directories (/proc, /sys,
 * /dev) are allowed here: whether they may be used depends on Privileged=, which
 * definition_parse_*() check across the definition's lines. */
int volume_spec_parse(const char *spec, VolumeMount *ret, char **ret_why);
/* Checks the options of a bind or volume that go together (U, O, propagation against the type),
 * whichever key set them. */
int volume_mount_check_options(const VolumeMount *m, const char *what, char **ret_why);
int volume_from_parse(const char *spec, char **ret_name, bool *ret_read_only, char **ret_why);
int volume_tmpfs_parse(const char *spec, VolumeMount *ret, char **ret_why);

/* Whether p is /proc, /sys or /dev, or below one of them. */
bool volume_is_api_path(const char *p);

/* A destination: absolute, normalised, not "/", not under /proc, /sys, /dev unless privileged. */
int volume_destination_check(const char *path, bool privileged, char **ret_why);


/* "CONTAINER-HASH" (the container's name cut to fit, then 16 hex digits of a hash of the name and
 * the destination): a valid volume name, the same for the same pair. */
int volume_anonymous_name(const char *container, const char *destination, char **ret);

