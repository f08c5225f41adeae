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
 *   - a malformed spec (":x", "x:", a uid of 4294967295) is -EINVAL.
 * The ret_* are written only on success. */
int user_resolve(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid, char **ret_home,
                 gid_t **ret_groups, size_t *ret_n_groups);
