/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>

#include "berth-conf.h"

/* Address leases: /run/berth/leases/ADDRESS, each an allocation lock. A lease is held while its
 * file is flock()ed by the container's helper (then berth-supervisor, which inherits the fd):
 * whatever kills the helper releases it, and a file left behind by a killed helper is taken over
 * by the next allocation. The file holds the owner's name, for messages and for cleanup. */

typedef struct Lease {
        int fd; /* -EBADF when none */
        struct in_addr addr;
        uint32_t host; /* host number in the subnet */
} Lease;

#define LEASE_NULL ((Lease) { .fd = -EBADF })

/* Takes a free address of c's subnet for name, or want (host byte order host number; 0 = any).
 * -EADDRNOTAVAIL: the pool is full; -EADDRINUSE: want is taken (ret_owner gets the holder's
 * name if known); -EDOM: want is not a container's address in the subnet. */
int lease_acquire(const NetworkConfig *c, const char *name, uint32_t want, Lease *ret, char **ret_owner);

/* Unlinks the lease (it is ours: we hold its lock) and closes it. */
void lease_release(Lease *l);

/* For cleanup after the holder is gone: unlinks the lease of addr if its file names name and
 * nobody holds it. Idempotent. */
int lease_release_stale(struct in_addr addr, const char *name);

/* Whether the lease of addr is held by a live helper; its owner's name into ret_owner. */
int lease_owner(struct in_addr addr, char **ret_owner);
