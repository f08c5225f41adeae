/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>


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
        _VOLUME_TYPE_MAX,
        _VOLUME_TYPE_INVALID = -EINVAL,
} VolumeType;

typedef struct VolumeMount {
        VolumeType type;
        char *source;      /* bind: the host path; named, anonymous: the volume name; tmpfs: NULL */
        char *destination; /* absolute and normalised, inside the container */
        bool read_only;
        char *tmpfs_options;  /* fsconfig() "key=value,…" list, NULL for none */
        unsigned tmpfs_flags; /* MOUNT_FLAG_* */
        char *data_path;      /* named, anonymous: the store's NAME/_data, set by volume_plan_make() */
} VolumeMount;

void volume_mount_done(VolumeMount *m);

/* Anonymous volumes in a parsed spec have source NULL until the container's name is known. */
#define VOLUME_ANONYMOUS_HASH_LEN 16

/* Parse one Volume=, VolumesFrom= or Tmpfs= value. ret may be NULL to only check. On -EINVAL,
 * *ret_why (if not NULL) says why in words that name the culprit. The API directories (/proc, /sys,
 * /dev) are allowed here: whether they may be used depends on Privileged=, which
 * definition_parse_*() check across the definition's lines. */
int volume_spec_parse(const char *spec, VolumeMount *ret, char **ret_why);
int volume_from_parse(const char *spec, char **ret_name, bool *ret_read_only, char **ret_why);
int volume_tmpfs_parse(const char *spec, VolumeMount *ret, char **ret_why);

/* Whether p is /proc, /sys or /dev, or below one of them. */
bool volume_is_api_path(const char *p);

/* A destination: absolute, normalised, not "/", not under /proc, /sys, /dev unless privileged. */
int volume_destination_check(const char *path, bool privileged, char **ret_why);


/* "CONTAINER-HASH" (the container's name cut to fit, then 16 hex digits of a hash of the name and
 * the destination): a valid volume name, the same for the same pair. */
int volume_anonymous_name(const char *container, const char *destination, char **ret);

