/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include <stddef.h>
#include <stdint.h>

/* Picking a run of free blocks of user/group IDs from a pool: the pure part of the user namespace
 * range allocator (storage/userns-range.c), which brings the taken ranges (leases, the host's
 * users and subordinate ranges) and makes the pick real with a lease. */

typedef struct IdRange {
        uint64_t first, last; /* inclusive */
} IdRange;

/* Sorts ranges by first ID and merges those that overlap or touch; returns the new count. */
size_t id_ranges_normalize(IdRange *ranges, size_t n);

/* The first ID of n_blocks consecutive blocks of block IDs each, aligned to block, within
 * [pool_first, pool_last], none overlapping one of taken (normalized), searched from the block
 * hint (modulo the pool's blocks) onwards, wrapping. -ENOSPC when there is none. pool_first and
 * pool_last + 1 are multiples of block; block > 0; n_blocks > 0. */
int id_range_pick(uint64_t pool_first, uint64_t pool_last, uint64_t block, uint64_t n_blocks, const IdRange *taken,
                  size_t n_taken, uint64_t hint, uint64_t *ret_first);

/* Whether [first, last] overlaps one of taken (normalized). */
int id_range_overlaps(const IdRange *taken, size_t n_taken, uint64_t first, uint64_t last);

/* Whether the nsswitch.conf text names only sources among allowed (NULL-terminated) for database
 * db ("passwd", "group"), its [STATUS=ACTION] items aside. A missing line is glibc's default,
 * "files" (and is then only as the allowed allow). */
bool nsswitch_db_only(const char *text, const char *db, const char *const *allowed);
