/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "port.h"
#include "string-util.h"

const char *port_protocol_to_string(int protocol) {
        return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

static int parse_port(const char *s, size_t n, uint16_t *ret) {
        char buf[8];
        unsigned v;

        if (n == 0 || n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (buf[0] == '0' || safe_atou(buf, &v) < 0 || v < 1 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

/* Splits off "/tcp" or "/udp"; returns the length of what comes before. */
static int parse_protocol(const char *s, size_t *ret_len, int *ret_protocol) {
        const char *slash = strrchr(s, '/');

        *ret_protocol = IPPROTO_TCP;
        *ret_len = strlen(s);
        if (!slash)
                return 0;
        if (streq(slash + 1, "tcp"))
                *ret_protocol = IPPROTO_TCP;
        else if (streq(slash + 1, "udp"))
                *ret_protocol = IPPROTO_UDP;
        else
                return -EINVAL;
        *ret_len = slash - s;
        return 0;
}

int port_expose_parse(const char *s, PortSpec *ret) {
        PortSpec p = { .family = AF_UNSPEC };
        size_t n;

        if (!s || parse_protocol(s, &n, &p.protocol) < 0 || parse_port(s, n, &p.container_port) < 0)
                return -EINVAL;
        *ret = p;
        return 0;
}

/* "[ADDRESS]:" at the start of s (n bytes before the protocol): the IPv6 address into p, and
 * *ret_rest past its colon. */
static int parse_bracketed_ipv6(const char *s, size_t n, PortSpec *p, const char **ret_rest) {
        const char *close = memchr(s, ']', n);
        char a[INET6_ADDRSTRLEN];

        if (!close || close[1] != ':' || (size_t) (close - s - 1) >= sizeof(a))
                return -EINVAL;
        memcpy(a, s + 1, close - s - 1);
        a[close - s - 1] = 0;
        if (inet_pton(AF_INET6, a, &p->host_addr.in6) != 1)
                return -EINVAL;
        p->family = AF_INET6;
        *ret_rest = close + 2;
        return 0;
}

int port_spec_parse(const char *s, PortSpec *ret) {
        PortSpec p = { .family = AF_UNSPEC };
        const char *ports, *colon;
        size_t n;

        if (!s || parse_protocol(s, &n, &p.protocol) < 0)
                return -EINVAL;

        ports = s;
        if (s[0] == '[') {
                if (parse_bracketed_ipv6(s, n, &p, &ports) < 0)
                        return -EINVAL;
        } else {
                /* Two colons: an IPv4 address first. */
                const char *first = memchr(s, ':', n), *second = first ? memchr(first + 1, ':', n - (first + 1 - s)) : NULL;

                if (second) {
                        char a[INET_ADDRSTRLEN];

                        if ((size_t) (first - s) >= sizeof(a))
                                return -EINVAL;
                        memcpy(a, s, first - s);
                        a[first - s] = 0;
                        if (inet_pton(AF_INET, a, &p.host_addr.in) != 1)
                                return -EINVAL;
                        p.family = AF_INET;
                        ports = first + 1;
                }
        }
        n -= ports - s;
        colon = memchr(ports, ':', n);
        if (!colon || parse_port(ports, colon - ports, &p.host_port) < 0 ||
            parse_port(colon + 1, n - (colon + 1 - ports), &p.container_port) < 0)
                return -EINVAL;
        /* 0.0.0.0 and :: mean every address of their family, as docker reads them. */
        if (p.family == AF_INET && p.host_addr.in.s_addr == INADDR_ANY)
                p.family = AF_UNSPEC;
        *ret = p;
        return 0;
}

const char *port_spec_to_string(const PortSpec *p, char buf[static PORT_SPEC_STRING_MAX]) {
        char a[INET6_ADDRSTRLEN];

        if (p->host_port == 0)
                snprintf(buf, PORT_SPEC_STRING_MAX, "%u/%s", p->container_port, port_protocol_to_string(p->protocol));
        else if (p->family == AF_INET)
                snprintf(buf, PORT_SPEC_STRING_MAX, "%s:%u:%u/%s", inet_ntop(AF_INET, &p->host_addr.in, a, sizeof(a)),
                         p->host_port, p->container_port, port_protocol_to_string(p->protocol));
        else if (p->family == AF_INET6)
                snprintf(buf, PORT_SPEC_STRING_MAX, "[%s]:%u:%u/%s",
                         inet_ntop(AF_INET6, &p->host_addr.in6, a, sizeof(a)), p->host_port, p->container_port,
                         port_protocol_to_string(p->protocol));
        else
                snprintf(buf, PORT_SPEC_STRING_MAX, "%u:%u/%s", p->host_port, p->container_port,
                         port_protocol_to_string(p->protocol));
        return buf;
}

static bool addr_is_any(const PortSpec *p) {
        return p->family == AF_UNSPEC || (p->family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&p->host_addr.in6));
}

bool port_spec_conflict(const PortSpec *a, const PortSpec *b) {
        if (a->protocol != b->protocol || a->host_port != b->host_port)
                return false;
        if (a->family == AF_UNSPEC || b->family == AF_UNSPEC)
                return true;
        if (a->family != b->family)
                return false;
        if (addr_is_any(a) || addr_is_any(b))
                return true;
        return a->family == AF_INET ? a->host_addr.in.s_addr == b->host_addr.in.s_addr
                                    : IN6_ARE_ADDR_EQUAL(&a->host_addr.in6, &b->host_addr.in6);
}

/* "N" or "N-M" (N ≤ M). */
static int parse_port_range(const char *s, size_t n, uint16_t *ret_first, uint16_t *ret_last) {
        const char *dash = memchr(s, '-', n);
        uint16_t a, b;

        if (!dash) {
                if (parse_port(s, n, &a) < 0)
                        return -EINVAL;
                *ret_first = *ret_last = a;
                return 0;
        }
        if (parse_port(s, (size_t) (dash - s), &a) < 0 || parse_port(dash + 1, n - (size_t) (dash + 1 - s), &b) < 0 ||
            a > b)
                return -EINVAL;
        *ret_first = a;
        *ret_last = b;
        return 0;
}

/* Splits off the protocol as parse_protocol() does, knowing sctp to refuse it by name. */
static int parse_publish_protocol(const char *s, size_t *ret_len, int *ret_protocol) {
        const char *slash = strrchr(s, '/');

        if (slash && streq(slash + 1, "sctp"))
                return -EPROTONOSUPPORT;
        return parse_protocol(s, ret_len, ret_protocol);
}

int port_publish_parse(const char *s, PortPublish *ret) {
        PortSpec p = { .family = AF_UNSPEC };
        const char *ports, *host = NULL, *cont;
        size_t n, host_len = 0, cont_len;
        uint16_t hf = 0, hl = 0, cf, cl;
        int r;

        if (!s)
                return -EINVAL;
        r = parse_publish_protocol(s, &n, &p.protocol);
        if (r < 0)
                return r;
        ports = s;
        if (s[0] == '[') {
                if (parse_bracketed_ipv6(s, n, &p, &ports) < 0)
                        return -EINVAL;
                /* After an address, HOST:CONT must follow (HOST may be empty). */
                if (!memchr(ports, ':', n - (size_t) (ports - s)))
                        return -EINVAL;
        } else {
                const char *first = memchr(s, ':', n), *second = first ? memchr(first + 1, ':', n - (size_t) (first + 1 - s)) : NULL;

                if (second) {
                        char a[INET_ADDRSTRLEN];

                        /* ":HOST:CONT": an empty address is every address. */
                        if (first > s) {
                                if ((size_t) (first - s) >= sizeof(a))
                                        return -EINVAL;
                                memcpy(a, s, first - s);
                                a[first - s] = 0;
                                if (inet_pton(AF_INET, a, &p.host_addr.in) != 1)
                                        return -EINVAL;
                                p.family = AF_INET;
                        }
                        ports = first + 1;
                }
        }
        n -= (size_t) (ports - s);
        cont = memchr(ports, ':', n);
        if (cont) {
                host = ports;
                host_len = (size_t) (cont - ports);
                cont++;
                cont_len = n - (size_t) (cont - ports);
        } else {
                cont = ports;
                cont_len = n;
        }
        if (memchr(cont, ':', cont_len) || parse_port_range(cont, cont_len, &cf, &cl) < 0)
                return -EINVAL;
        if (host_len > 0 && parse_port_range(host, host_len, &hf, &hl) < 0)
                return -EINVAL;
        /* 0.0.0.0 and :: mean every address of their family, as docker reads them. */
        if (p.family == AF_INET && p.host_addr.in.s_addr == INADDR_ANY)
                p.family = AF_UNSPEC;

        *ret = (PortPublish) { .n = (unsigned) (cl - cf) + 1 };
        p.container_port = cf;
        if (hf == 0) {
                /* No host port: each one picked. */
        } else if (hf == hl) {
                if (cf != cl)
                        return -EINVAL; /* one host port for a range of container ports */
                p.host_port = hf;
        } else if (cf == cl) {
                /* A host range for one container port: a free port of the range. */
                p.host_port_min = hf;
                p.host_port_max = hl;
        } else {
                if (hl - hf != cl - cf)
                        return -EINVAL;
                p.host_port = hf;
                ret->host_range = true;
        }
        ret->first = p;
        return 0;
}

void port_publish_get(const PortPublish *p, unsigned i, PortSpec *ret) {
        *ret = p->first;
        ret->container_port = (uint16_t) (p->first.container_port + i);
        if (p->host_range)
                ret->host_port = (uint16_t) (p->first.host_port + i);
}

int port_expose_range_parse(const char *s, PortSpec *ret, unsigned *ret_n) {
        PortSpec p = { .family = AF_UNSPEC };
        uint16_t first, last;
        size_t n;

        if (!s || parse_protocol(s, &n, &p.protocol) < 0 || parse_port_range(s, n, &first, &last) < 0)
                return -EINVAL;
        p.container_port = first;
        *ret = p;
        *ret_n = (unsigned) (last - first) + 1;
        return 0;
}
