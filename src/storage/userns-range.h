/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "definition.h"

/* The host's allocator of user namespace ranges (issue 18): blocks of USERNS_BLOCK_SIZE IDs from
 * berth.conf's [Containers] UserNSPool=, each held by a lease, with no daemon:
 *
 *   STATE/userns/blocks/FIRST   a block's lease (FIRST its first host ID, decimal), holding
 *                               "NAME\n"; made by link(2) of a written file, so that of any
 *                               number of containers starting at once exactly one gets it
 *   STATE/userns/names/NAME     the container's range, "FIRST SIZE\n" (empty for UIDMap=); flock()ed
 *                               while a start or a removal of NAME works on its leases
 *
 * UIDMap=/GIDMap= host IDs inside the pool are leased too (the blocks they touch), so that a
 * picked range never shares them; outside the pool they are the administrator's business.
 *
 * A container keeps its range from its first start with UserNS=auto or private until it is
 * removed (teardown_remove()). A block never overlaps an ID of the host's /etc/passwd,
 * /etc/group, /etc/subuid or /etc/subgid. The same range serves uid_map and gid_map. Never
 * logs. */

/* The container's maps: none (n = 0) for UserNS=host; UIDMap=/GIDMap= as given; a leased block
 * for auto/private (the same block at every start while the container exists). One line why. */
int userns_maps_acquire(const Definition *d, IdMapEntry **ret_uid, size_t *ret_n_uid, IdMapEntry **ret_gid,
                        size_t *ret_n_gid, char **ret_why);
int userns_maps_release(const char *container); /* idempotent */

/* The range container holds, if any: 0 with its first host ID and size, -ENOENT when none. */
int userns_range_lookup(const char *container, uint32_t *ret_first, uint32_t *ret_size);

/* What the allocator asks beyond its files (NULL members: nothing): whether a container is gone
 * without a removal (its definition deleted by hand: its ranges are taken back when the pool is
 * full), and whether a host ID is a user or group the host knows otherwise (NSS: systemd-nspawn's
 * -U ranges, userdb, LDAP), asked of the first ID of each block of a new pick. */
typedef struct UserNSHooks {
        bool (*gone)(const char *container);
        bool (*id_in_use)(uint32_t id);
} UserNSHooks;

/* The same, with the pieces given (for tests): dir the allocator's (STATE/userns), etc_dir where
 * passwd, group, subuid and subgid are, hooks NULL for none. size IDs, at least 1. -ENOSPC with
 * *ret_why "no free range of N IDs in the pool A-B". */
int userns_range_acquire_at(const char *dir, const char *etc_dir, uint32_t pool_first, uint32_t pool_last,
                            const char *container, uint32_t size, const UserNSHooks *hooks, uint32_t *ret_first,
                            char **ret_why);
/* The blocks of the pool that a container's UIDMap=/GIDMap= touch, leased to it (those it held
 * and no longer maps released): -EBUSY with *ret_why naming the container that holds one. */
int userns_range_claim_at(const char *dir, uint32_t pool_first, uint32_t pool_last, const char *container,
                          const IdMapEntry *uid, size_t n_uid, const IdMapEntry *gid, size_t n_gid, char **ret_why);
int userns_range_release_at(const char *dir, const char *container);
int userns_range_lookup_at(const char *dir, const char *container, uint32_t *ret_first, uint32_t *ret_size);

/* For inspect: podman's HostConfig.UsernsMode of d ("" when it sets none and holds no range,
 * else "host", "auto", "auto:size=N" or "private"; "private" too for UIDMap=) and its maps as
 * podman's IDMappings show them, "CONTAINER:HOST:SIZE": the given ones, or the leased range;
 * NULL when it has none. */
int userns_inspect(const Definition *d, char **ret_mode, char ***ret_uid, char ***ret_gid);
