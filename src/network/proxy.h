/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

/* berth-proxy's relay: published ports on the host's IPv6 addresses, ::1 included, which the
 * kernel cannot DNAT into a bridge (nftables has no route_localnet for IPv6, and no NAT64 from a
 * v6 listener to a v4-only container). The helper binds and listens before the payload runs,
 * so that a port in use fails the start; berth-proxy is handed those sockets and relays:
 *   tcp  every accepted connection to a new connection to the container, both ways, with
 *        half-close passed on;
 *   udp  every client address to a socket connected to the container; replies go back from
 *        the published socket; a flow idle for PROXY_UDP_IDLE_SEC is dropped.
 * libc only, single-threaded, epoll: it lives as long as the container and should cost little.
 * Functions return negative errno and do not log, but for proxy_run(), which logs its own
 * failures once. */

#define PROXY_UDP_IDLE_SEC 90

typedef struct ProxyListener {
        int protocol; /* IPPROTO_TCP or IPPROTO_UDP */
        int fd;       /* bound (and for TCP, listening) */
        struct sockaddr_storage target;
        socklen_t target_len;
} ProxyListener;

/* "tcp:FD:TARGET:PORT" or "udp:FD:TARGET:PORT", TARGET an IPv4 address or an IPv6 one in [].
 * The fd is only parsed, not checked. */
int proxy_listener_parse(const char *s, ProxyListener *ret);

/* Relays for ever (until a signal ends the process); returns only on a failure to set up. */
int proxy_run(ProxyListener *listeners, size_t n);
