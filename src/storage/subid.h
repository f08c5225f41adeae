/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "definition-userns.h"

/* /etc/subuid and /etc/subgid as SubUIDMap=/SubGIDMap= read them (issue 18): the ranges a name
 * owns, mapped as podman maps them (containers/storage's createIDMap()): sorted by host ID,
 * container IDs 0… onto them one after the other. */

/* The host's files. */
#define SUBUID_PATH "/etc/subuid"
#define SUBGID_PATH "/etc/subgid"
/* A bound on the file (a host file, but read by the helper as root at every start). */
#define SUBID_FILE_SIZE_MAX (16U * 1024U * 1024U)

/* The map of the lines of path whose first field is one of names (a name and its other
 * spellings: subid_names()). A line "NAME:FIRST:COUNT"; blank lines and '#' comments skipped.
 * -EINVAL with one line in *ret_why, naming path (and the line): a line not of that form, a
 * matching line whose numbers do not fit, no IDs listed for the name, more lines than a map may
 * have, host ranges that overlap. -ENOENT when path does not exist (the same words). */
int subid_map_read(const char *path, char *const *names, IdMapEntry **ret, size_t *ret_n, char **ret_why);

/* name, and what else /etc/subuid may call the same user (shadow-utils matches both): its UID
 * when name is a user of the host's NSS, its user name when name is a UID of one. */
int subid_names(const char *name, char ***ret);
