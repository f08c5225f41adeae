/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "berth-conf.h"
#include "port.h"

/* Published ports and outbound masquerading, through libnftables, in tables of berth's own:
 * "ip berth" (and "ip6 berth" with an IPv6 subnet). Nothing else of the host's ruleset is read
 * or changed.
 *
 *   publish_any   proto . port        : container-address . port   (every host address)
 *   publish_addr  address . proto . port : container-address . port (one host address)
 *
 * The prerouting chain (traffic from other hosts) and the output chain (the host's own, 127.0.0.1
 * included thanks to route_localnet on the bridge) DNAT through the maps; postrouting masquerades
 * the containers' outbound traffic, the host's loopback-sourced traffic into the bridge, and
 * hairpinned traffic. A container's ports are map elements whose value is its address: adding
 * one is "create element", which fails when another container has that port. */

/* Creates the table, maps and chains unless the table exists (one transaction); with
 * bridge_created, also the postrouting rules of c's bridge (made once, with the bridge). */
int nft_ensure_base(const NetworkConfig *c, bool bridge_created);

/* The one line for -ELIBACC from the functions here: libnftables is opened on first use. */
#define NFT_MISSING "the bridge's nftables rules need libnftables.so.1 (Debian package libnftables1)"

/* Adds the IPv4 elements of ports (AF_UNSPEC and AF_INET host addresses) for the container at
 * addr. A port held by another live container: -EADDRINUSE, *ret_port names the port and
 * *ret_owner (may be NULL) the container. An element left by a container whose lease is gone is
 * taken over. All or nothing. */
int nft_publish(const NetworkConfig *c, struct in_addr addr, const PortSpec *ports, size_t n_ports,
                const PortSpec **ret_port, char **ret_owner);

/* Deletes those of ports' elements that still point at addr. Idempotent. */
int nft_unpublish(struct in_addr addr, const PortSpec *ports, size_t n_ports);
