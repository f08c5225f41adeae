/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "definition-userns.h" /* UserNSMode, [Containers] UserNS= */
#include "reference.h" /* ImagesConfig, [Images] */

/* The bridge network: /etc/berth/berth.conf, section [Network]:
 *
 *   Bridge=berth0          the bridge's name (at most 15 characters)
 *   Subnet=10.88.0.0/16    IPv4; the gateway (the bridge's address) is the first host, .1
 *   Subnet6=fd88::/64      optional IPv6; a container's v6 host number is its v4 one
 *
 * A missing file means the defaults. Keys are an allowlist; errors are one line, "FILE:LINE:
 * key 'K': why". Everything else here is pure address arithmetic, unit tested. */

#define NETWORK_BRIDGE_DEFAULT "berth0"
#define NETWORK_SUBNET_DEFAULT "10.88.0.0/16"

typedef struct NetworkConfig {
        char bridge[IF_NAMESIZE];
        struct in_addr subnet; /* network address, host bits zero */
        unsigned prefix;       /* 8…30 */
        bool have_subnet6;
        struct in6_addr subnet6;
        unsigned prefix6; /* 64…124 */
} NetworkConfig;

/* All of /etc/berth/berth.conf: [Network] above, and [Containers], the defaults of every
 * container, and [Images] (ImagesConfig, reference.h):
 *
 *   PidsLimit=2048         TasksMax= of a container that sets no PidsLimit= (podman's default);
 *                          empty, -1, infinity or max for none of berth's
 *   UserNS=host            UserNS= of a container that sets none (and can work with a range:
 *                          definition-userns.h): host, auto[:size=N] or private
 *   UserNSPool=0x80000-0x6FFFFFFF  the host IDs the allocator hands out, in blocks of 65536
 *                          (systemd's container range); FIRST and LAST+1 multiples of 65536
 */
#define USERNS_POOL_FIRST_DEFAULT UINT32_C(0x80000)
#define USERNS_POOL_LAST_DEFAULT UINT32_C(0x6FFFFFFF)

typedef struct BerthConfig {
        NetworkConfig network;
        uint64_t pids_limit; /* UINT64_MAX: none */
        UserNSMode userns;   /* USERNS_HOST, USERNS_AUTO or USERNS_PRIVATE */
        uint32_t userns_size; /* auto's size=, 0: default */
        uint32_t userns_pool_first, userns_pool_last;
        ImagesConfig images;
} BerthConfig;

/* path NULL: $BERTH_CONFIG, else /etc/berth/berth.conf. -EINVAL with *ret_error set on a bad
 * file; other errors leave *ret_error NULL. */
int berth_config_load(const char *path, BerthConfig *ret, char **ret_error);
void berth_config_default(BerthConfig *ret);
/* Frees what berth_config_load() allocated ([Images]); c is the defaults afterwards. */
void berth_config_done(BerthConfig *c);

/* Only its [Network] section (the file is checked whole). */
int network_config_load(const char *path, NetworkConfig *ret, char **ret_error);
void network_config_default(NetworkConfig *ret);

/* "FIRST-LAST", each decimal or 0x hex: FIRST ≥ 65536 (the host's own users below), FIRST and
 * LAST + 1 multiples of USERNS_BLOCK_SIZE, LAST < 2^32 - 1. */
int userns_pool_parse(const char *s, uint32_t *ret_first, uint32_t *ret_last);

/* "10.88.0.0/16": host bits must be zero, prefix 8…30. */
int subnet4_parse(const char *s, struct in_addr *ret_net, unsigned *ret_prefix);
/* "fd88::/64": host bits zero, prefix 64…124. */
int subnet6_parse(const char *s, struct in6_addr *ret_net, unsigned *ret_prefix);

/* Host numbers a container may take: 2 … 2^(32-prefix) - 2 (1 is the gateway; the last is
 * broadcast). */
uint32_t subnet4_first_host(unsigned prefix);
uint32_t subnet4_last_host(unsigned prefix);
/* net + host, as an address. */
struct in_addr subnet4_host(struct in_addr net, uint32_t host);
/* The host number of addr in net/prefix, or 0 if outside or not a container's (network,
 * gateway, broadcast). */
uint32_t subnet4_host_number(struct in_addr net, unsigned prefix, struct in_addr addr);
struct in6_addr subnet6_host(const struct in6_addr *net, uint32_t host);

/* A container's eth0 MAC address, from its IPv4 address as Docker makes it: 02:42 (locally
 * administered, unicast) and the address's four bytes. An address taken again gets the same MAC,
 * so the host's neighbour cache from an earlier holder stays right (with random MACs a new
 * container was unreachable until the stale entry timed out, several seconds). */
void container_mac_from_ipv4(struct in_addr addr, uint8_t ret[static 6]);

/* "10.88.0.0/16" into buf (at least INET6_ADDRSTRLEN + 4). */
const char *subnet4_to_string(struct in_addr net, unsigned prefix, char *buf, size_t size);
