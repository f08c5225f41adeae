/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Resolves a container's user the way docker does, from the image's own /etc/passwd and /etc/group:
 * opened inside root_fd (RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS: a symlink, absolute or with "..",
 * never leaves the image), regular files only, at most 4 MiB, parsed here: never NSS, never the
 * host's databases. Does not log.
 *
 * spec is "user" or "user:group", each a name or a number; NULL or "" is root.
 *   - a name must be in passwd, else -ESRCH; a group name must be in group, else -ESRCH too;
 *   - a uid passwd does not know is allowed: gid 0, home "/" ("/root" for uid 0);
 *   - home is passwd's, "/" when empty;
 *   - supplementary groups: the groups of /etc/group that list the user by name, unless a group
 *     was given, then none (runc's rules); ret_groups is NULL when there are none;
 *   - a malformed spec (":x", "x:", a uid of 4294967295) is -EINVAL;
 *   - a database that is not a regular file of an ordinary file system (a FIFO, a device, a
 *     symlink to /proc/kmsg) is -EBADFD, a directory -EISDIR, one over 4 MiB -EFBIG, when a name
 *     must be looked up in it; for ids given as numbers (and root, the default) it is taken as
 *     empty, so that root needs no database at all.
 * user_resolve_strerror() says what such an error means, for the caller's one line.
 * The ret_* are written only on success. */
int user_resolve(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid, char **ret_home,
                 gid_t **ret_groups, size_t *ret_n_groups);

/* docker's --group-add (GroupAdd=): appends to *groups (n_groups entries, possibly NULL) the gid of
 * each of names, a number or a group name of the image's /etc/group (read as user_resolve() reads
 * it), each once. -ESRCH for a name not there, the database's errors as user_resolve()'s, -E2BIG
 * past 65536 groups, with *ret_failed the name it failed on for -ESRCH and -EINVAL. On failure
 * *groups may have grown; the caller frees it either way. */
int user_add_groups(int root_fd, char *const *names, gid_t **groups, size_t *n_groups, const char **ret_failed);

/* "not found in /etc/passwd and /etc/group", "/etc/passwd or /etc/group is not a regular file", …:
 * the reason user_resolve()'s error r stands for, or NULL for one that %m says well enough. */
const char *user_resolve_strerror(int r);
