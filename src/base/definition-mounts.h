/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "volume-spec.h"

/* The keys of a container's mounts and devices beyond Volume=/Tmpfs=, with Quadlet's meaning
 * (podman's --mount, --device, --shm-size, --security-opt mask=/unmask=, --tz,
 * --read-only-tmpfs):
 *   Mount=type=bind|volume|tmpfs,source=…,destination=…,OPTS   docker's --mount, one per word
 *   AddDevice=[-]HOST[:CONTAINER][:PERMS]                      a device node; "-": only if present
 *   ShmSize=SIZE                                               /dev/shm's size (64m when unset)
 *   Mask=PATH[:PATH…]  Unmask=GLOB[:GLOB…]|ALL                  the masked and read-only paths
 *   Timezone=local|ZONE                                        /etc/localtime from the host's zones
 *   ReadOnlyTmpfs=BOOL                                         with ReadOnly=, tmpfs on /tmp,
 *                                                              /var/tmp and /run (default yes)
 * Pure, never logs: on -EINVAL *ret_why says why in words that name the culprit.
 *
 * This header needs nothing of definition.h, so that definition.c can use it without a circle:
 * its parsers and formatters see the field alone. */

struct Definition;
struct ListState;

/* /dev/shm when ShmSize= is not set: docker's 64 MiB. */
#define DEFINITION_SHM_SIZE_DEFAULT (UINT64_C(64) << 20)
/* The largest time zone file berth copies (the biggest of tzdata's are a few KiB). */
#define TIMEZONE_FILE_MAX (256U * 1024U)
#define TIMEZONE_DIR "/usr/share/zoneinfo"

/* One Mount= word as the VolumeMount it asks for (ret NULL: only check). type=bind needs
 * source= (an absolute host path that must exist when the container starts), type=volume takes
 * a volume name or none (an anonymous volume), type=tmpfs none. */
int definition_mount_parse(const char *word, VolumeMount *ret, char **ret_why);
int definition_mount_check(const char *word, char **ret_why);

/* Across a definition's Mount= words: the API directories against privileged, and one mount per
 * destination, counting those in *seen (which it extends). *ret_why reads "key 'Mount': why". */
int definition_mounts_check(char **mounts, bool privileged, char ***seen, char **ret_why);

/* Checks across the mount lines of a whole definition: the API directories against Privileged=,
 * one mount per destination, no VolumesFrom= of itself. *ret_why reads "key 'K': why". */
typedef struct DefinitionMountKeys {
        char **volumes, **tmpfs, **mounts, **volumes_from;
        bool privileged;
        const char *name;
} DefinitionMountKeys;
int definition_check_mounts(const DefinitionMountKeys *d, char **ret_why);

typedef struct DeviceSpec {
        char *host;      /* the host's node, absolute */
        char *container; /* where it shows inside, under /dev */
        char perms[4];   /* a non-empty subset of "rwm", in that order */
        bool optional;   /* "-": skipped when the host has no such node */
} DeviceSpec;

void device_spec_done(DeviceSpec *s);
/* One AddDevice= word: [-]HOST[:CONTAINER][:PERMS], podman's --device (PERMS rwm by default,
 * CONTAINER HOST by default). ret NULL: only check. */
int device_spec_parse(const char *word, DeviceSpec *ret, char **ret_why);
int device_spec_check(const char *word, char **ret_why);

/* One Mask= word: absolute, normalised paths separated by ':'. */
int definition_mask_check(const char *word, char **ret_why);
/* One Unmask= word: ALL (any case), or absolute paths or glob(7) patterns separated by ':'. */
int definition_unmask_check(const char *word, char **ret_why);
/* Whether Unmask= words unmask path, one of the default masked or read-only paths (podman's
 * rule: ALL, or a pattern that matches the path). */
bool definition_path_unmasked(char **unmasks, const char *path);

/* Timezone=: "local" or a zone name below TIMEZONE_DIR ("Europe/Berlin", "UTC", "Etc/GMT+5"). */
bool definition_timezone_is_valid(const char *s);

/* Parsers of definition.c's key table for the scalar keys (DefinitionParser):
 * ShmSize= into a uint64_t (bytes, > 0), Timezone= into a char *. */
int definition_parse_shm_size(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why);
int definition_parse_timezone(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why);

/* Formatters (DefinitionFormatter): ShmSize= (uint64_t, 0 unset: nothing) in bytes;
 * ReadOnlyTmpfs= (bool, default true: "no" when false). */
int definition_format_shm_size(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_bool_default_true(FILE *f, const char *key, const struct Definition *d,
                                        const void *field);
