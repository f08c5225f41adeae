/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* Published and exposed ports, as docker writes them:
 *   PublishPort= / -p   [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]   (HOSTIP: IPv4, or IPv6 in [])
 *   ExposePort=  / --expose   CONTAINERPORT[/tcp|/udp]
 * Pure parsing and comparison; unit tested. */

typedef struct PortSpec {
        int family; /* AF_UNSPEC: every host address; AF_INET or AF_INET6: host_addr only */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } host_addr;
        uint16_t host_port, container_port; /* host_port 0 for an exposed port */
        int protocol;                       /* IPPROTO_TCP or IPPROTO_UDP */
} PortSpec;

#define PORT_SPEC_STRING_MAX (INET6_ADDRSTRLEN + 32)

int port_spec_parse(const char *s, PortSpec *ret);
int port_expose_parse(const char *s, PortSpec *ret);
/* "127.0.0.1:8080:80/tcp", "[::1]:8080:80/udp", "8080:80/tcp"; exposed: "80/tcp". */
const char *port_spec_to_string(const PortSpec *p, char buf[static PORT_SPEC_STRING_MAX]);
const char *port_protocol_to_string(int protocol); /* "tcp", "udp" */

/* Whether two published ports would take the same host port: same protocol and port, and
 * host addresses that overlap (every address overlaps all of its family, and an unspecified
 * one overlaps everything). */
bool port_spec_conflict(const PortSpec *a, const PortSpec *b);
