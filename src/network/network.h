/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#include "berth-conf.h"
#include "lease.h"

/* The bridge and the veths, over rtnetlink (libnl-3). Everything inside a container's network
 * namespace goes through a netlink socket opened in that namespace (setns() there and back in
 * this single-threaded process), so nothing of ours ever runs inside the container.
 *
 * Functions return negative errno; they do not log. */

/* The bridge of c, created (with its gateway addresses, forwarding and route_localnet, which
 * lets the host's 127.0.0.1 reach published ports) when missing. *ret_created tells whether
 * this call made it (then the caller adds the firewall's base table). */
int network_bridge_ensure(const NetworkConfig *c, int *ret_ifindex, bool *ret_created);

/* Whether the host forwards IPv6 (net.ipv6.conf.all.forwarding), which the bridge turns on for
 * Subnet6=. */
bool network_ipv6_forwarding(void);

/* The host's interfaces, other than lo, the bridge and its ports, that take router advertisements
 * only while the host does not forward IPv6 (accept_ra=1, the kernel's default): once it does,
 * their SLAAC addresses and default routes lapse. Sorted by name, NULL-terminated (empty for
 * none). */
int network_ra_dependent_interfaces(const char *bridge, char ***ret);

/* A veth pair: the host end, named "vb" + 8 random hex digits, up and on the bridge; its peer
 * created directly inside the namespace of netns_fd as "eth0" with MAC address mac (down:
 * network_container_configure() brings it up). One request, no move. */
int network_veth_add(int bridge_ifindex, int netns_fd, const uint8_t mac[static 6],
                     char ret_host_name[static IF_NAMESIZE], int *ret_host_ifindex);

/* Inside netns_fd: lo up; and with a lease, eth0's addresses (v4 and, with a v6 subnet, v6)
 * and the default routes through the bridge's addresses. */
int network_container_configure(int netns_fd, const NetworkConfig *c, const Lease *l);

/* The container's global addresses (not lo's, not link-local), as strings, v4 first. An empty
 * list for a namespace without any. */
int network_container_addresses(int netns_fd, char ***ret);

/* The namespace of process pid, O_RDONLY|O_CLOEXEC. */
int network_open_netns(pid_t pid);
