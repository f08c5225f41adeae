/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* Published and exposed ports, as docker writes them:
 *   PublishPort= / -p   every form of docker's (port_publish_parse()); a published port with its
 *                       host port known is [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp] (HOSTIP:
 *                       IPv4, or IPv6 in []), port_spec_parse()'s, as records hold them
 *   ExposePort=  / --expose   CONTAINERPORT[/tcp|/udp], or a range N-M of them
 * Pure parsing and comparison; unit tested. */

typedef struct PortSpec {
        int family; /* AF_UNSPEC: every host address; AF_INET or AF_INET6: host_addr only */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } host_addr;
        uint16_t host_port, container_port; /* host_port 0 for an exposed port */
        int protocol;                       /* IPPROTO_TCP or IPPROTO_UDP */
        /* A published port whose host port the runtime picks (host_port 0): a free one of
         * host_port_min…host_port_max, or, both 0, any free one of the kernel's ephemeral range. */
        uint16_t host_port_min, host_port_max;
} PortSpec;

#define PORT_SPEC_STRING_MAX (INET6_ADDRSTRLEN + 32)

int port_spec_parse(const char *s, PortSpec *ret);
int port_expose_parse(const char *s, PortSpec *ret);
/* "127.0.0.1:8080:80/tcp", "[::1]:8080:80/udp", "8080:80/tcp"; exposed: "80/tcp". */
const char *port_spec_to_string(const PortSpec *p, char buf[static PORT_SPEC_STRING_MAX]);
const char *port_protocol_to_string(int protocol); /* "tcp", "udp" */

/* Every form of docker's -p (PublishPort=), each port a number or a range N-M:
 *   CONT   HOST:CONT   IP:HOST:CONT   IP::CONT   :HOST:CONT   [IPv6]:HOST:CONT   [IPv6]::CONT
 * then /tcp or /udp (tcp when none). Without HOST, each container port takes a free host port
 * the runtime picks; a HOST range with one CONT takes a free port of that range; a HOST range
 * with a CONT range pairs them (both as long). -EPROTONOSUPPORT for /sctp, -EINVAL otherwise. */
typedef struct PortPublish {
        PortSpec first;       /* the first port: family, address, protocol; host_port 0 when picked */
        unsigned n;           /* how many container ports, 1…65535 */
        bool host_range;      /* host ports first.host_port… paired with the container ports */
} PortPublish;

int port_publish_parse(const char *s, PortPublish *ret);
/* The i-th (0…n-1) port of p. */
void port_publish_get(const PortPublish *p, unsigned i, PortSpec *ret);
/* ExposePort=, ExposeHostPort=: CONTAINERPORT or a range N-M, then /tcp or /udp; ret the first,
 * *ret_n how many. */
int port_expose_range_parse(const char *s, PortSpec *ret, unsigned *ret_n);

/* Whether two published ports would take the same host port: same protocol and port, and
 * host addresses that overlap (every address overlaps all of its family, and an unspecified
 * one overlaps everything). */
bool port_spec_conflict(const PortSpec *a, const PortSpec *b);
