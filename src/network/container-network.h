/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "berth-conf.h"
#include "definition.h"
#include "hosts.h"
#include "lease.h"
#include "port.h"

/* One container's network, by mode:
 *   bridge     an address leased from the subnet, a veth onto the bridge, published ports
 *              (nftables for IPv4, berth-proxy for the host's IPv6 addresses, ::1 included),
 *              links;
 *   none       a namespace of its own with lo up;
 *   host       the host's namespace;
 *   container: the namespace of another running container.
 * In every mode the helper writes /run/berth/NAME/{hosts,hostname,resolv.conf} for the child to
 * bind, and, on the bridge, /run/berth/NAME/network (the address and ports to undo). All
 * functions log their own one-line errors. */

typedef struct ContainerNetwork {
        const Definition *def;
        char *dir; /* /run/berth/NAME */
        NetworkConfig config;
        Lease lease;
        PortSpec *ports;
        size_t n_ports;
        int *held_fds; /* bound host sockets: a port stays ours (and in use for others) while we live */
        size_t n_held_fds;
        char **proxy_args; /* berth-proxy's arguments, for the IPv6 listeners among held_fds */
        int join_netns_fd; /* container:NAME */
        char **link_env;   /* docker's link variables */
        int host_ifindex;  /* the host end of the veth, for machined */
        char host_ifname[IF_NAMESIZE];
        bool published;
        pid_t proxy_pid;
} ContainerNetwork;

#define CONTAINER_NETWORK_NULL                                                                            \
        ((ContainerNetwork) { .lease = LEASE_NULL, .join_netns_fd = -EBADF, .proxy_pid = 0 })

/* Before clone(): lease, ports taken on the host, links resolved, files written. config is
 * berth.conf's [Network], which the caller read with the rest of the file. */
int container_network_prepare(ContainerNetwork *n, const Definition *d, const NetworkConfig *config);

/* Whether the child is cloned with a network namespace of its own. */
bool container_network_new_namespace(const ContainerNetwork *n);

/* After clone() (pid: the child, waiting): the veth and addresses, the published ports. */
int container_network_attach(ContainerNetwork *n, pid_t pid);

/* Once the payload runs: berth-proxy for the IPv6 listeners, if any. */
int container_network_start_proxy(ContainerNetwork *n);

/* Before exec of berth-supervisor: the fds that must live as long as the container (lease,
 * held ports) stay open across it. */
int container_network_keep_fds(ContainerNetwork *n);

/* Undo everything (the helper's own path out) and free. */
void container_network_done(ContainerNetwork *n);

/* After the helper is gone (ExecStopPost=, or the next start of the name): undo what the record
 * in /run/berth/NAME/network says, for what is still ours. Idempotent. */
int container_network_cleanup(const char *name);

/* The container's address on the bridge, from its record; -ENOENT when it has none. */
int container_network_address(const char *name, char **ret);

/* The ports a running container publishes, their host ports as taken (a picked one too), from its
 * record; -ENOENT when it has none (not running, or not on the bridge). */
int container_network_published(const char *name, PortSpec **ret, size_t *ret_n);
