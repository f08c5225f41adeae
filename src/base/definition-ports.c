/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PublishPort=: every form docker's -p takes (port.h), each host port once per protocol and
 * address within a definition, found through an index so that a file of many ports parses in
 * time linear in its size. */
#include <errno.h>
#include <sys/socket.h>

#include "definition-ports.h"
#include "hashmap.h"
#include "port.h"
#include "string-util.h"

/* PublishPort='s index, by the keys below, each naming the place of an entry:
 *   'P' protocol port                  some entry on that host port
 *   'U' protocol port                  an entry for every address (no HOSTIP)
 *   'F' protocol port family           some entry for an address of that family
 *   'A' protocol port family           an entry for the family's any address (0.0.0.0, ::)
 *   'E' protocol port family address   an entry for exactly that address
 * so that a new entry is checked against these few, never against every earlier one, with the
 * rule of port_spec_conflict(). */
#define PORT_KEY_SIZE (1 + 1 + 2 + 1 + 16)

static size_t port_key(unsigned char buf[static PORT_KEY_SIZE], char kind, const PortSpec *p) {
        size_t n = 0;

        buf[n++] = (unsigned char) kind;
        buf[n++] = (unsigned char) p->protocol;
        buf[n++] = (unsigned char) (p->host_port >> 8);
        buf[n++] = (unsigned char) p->host_port;
        if (kind == 'P' || kind == 'U')
                return n;
        buf[n++] = (unsigned char) p->family;
        if (kind == 'F' || kind == 'A')
                return n;
        if (p->family == AF_INET) {
                memcpy(buf + n, &p->host_addr.in, sizeof(p->host_addr.in));
                n += sizeof(p->host_addr.in);
        } else {
                memcpy(buf + n, &p->host_addr.in6, sizeof(p->host_addr.in6));
                n += sizeof(p->host_addr.in6);
        }
        return n;
}

static bool port_index_get(const Hashmap *index, char kind, const PortSpec *p, size_t *ret) {
        unsigned char k[PORT_KEY_SIZE];

        return hashmap_get(index, k, port_key(k, kind, p), ret);
}

static int port_index_put(Hashmap **index, char kind, const PortSpec *p, size_t i, bool replace) {
        unsigned char k[PORT_KEY_SIZE];
        size_t n = port_key(k, kind, p);

        if (!replace && hashmap_get(*index, k, n, NULL))
                return 0;
        return hashmap_put(index, k, n, i);
}

static bool port_addr_is_any(const PortSpec *p) {
        return p->family == AF_INET ? p->host_addr.in.s_addr == htonl(INADDR_ANY)
                                    : IN6_IS_ADDR_UNSPECIFIED(&p->host_addr.in6);
}

/* The place of an earlier entry p would share a host port with, if any. */
static bool port_index_conflict(const Hashmap *index, const PortSpec *p, size_t *ret) {
        if (!port_index_get(index, 'P', p, ret))
                return false;
        if (p->family == AF_UNSPEC || port_index_get(index, 'U', p, ret))
                return true;
        if (!port_index_get(index, 'F', p, ret))
                return false;
        return port_addr_is_any(p) || port_index_get(index, 'A', p, ret) || port_index_get(index, 'E', p, ret);
}

/* Expanded published ports, at most max_ports: each holds host sockets, nftables
 * elements and a proxy listener. Their count is in the index under the key "#". */
int definition_parse_publish_port(struct Definition *d, void *field, ListState *list, const char *value, size_t max_ports,
                                   char **ret_why) {
        char ***l = field;
        PortPublish pp;
        size_t i = list->n, other, count = 0;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = string_has_control_chars(value) ? -EINVAL : port_publish_parse(value, &pp);
        if (r == -EPROTONOSUPPORT)
                return reason(ret_why, -EINVAL, "'%s': sctp is not supported (berth holds and proxies published ports "
                               "for tcp and udp)", SHOWN(value));
        if (r < 0)
                return reason(ret_why, -EINVAL,
                               "'%s' is not a published port [[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|/udp] (ports "
                               "1…65535 or ranges N-M, as long on both sides)",
                               SHOWN(value));
        (void) hashmap_get(list->index, "#", 1, &count);
        if (count + pp.n > max_ports)
                return reason(ret_why, -EINVAL, "'%s' makes more than %zu published ports", SHOWN(value),
                               max_ports);
        /* One host port once per protocol and address, within the container too. A port the
         * runtime picks takes a free one. */
        for (unsigned k = 0; pp.first.host_port != 0 && k < pp.n; k++) {
                PortSpec p;

                port_publish_get(&pp, k, &p);
                if (port_index_conflict(list->index, &p, &other))
                        return reason(ret_why, -EINVAL, "'%s' takes the same host port as '%s'", SHOWN(value), SHOWN((*l)[other]));
        }
        for (unsigned k = 0; pp.first.host_port != 0 && k < pp.n; k++) {
                PortSpec p;

                port_publish_get(&pp, k, &p);
                r = port_index_put(&list->index, 'P', &p, i, /* replace= */ false);
                if (r >= 0 && p.family == AF_UNSPEC)
                        r = port_index_put(&list->index, 'U', &p, i, /* replace= */ false);
                if (r >= 0 && p.family != AF_UNSPEC)
                        r = port_index_put(&list->index, 'F', &p, i, /* replace= */ false);
                if (r >= 0 && p.family != AF_UNSPEC)
                        r = port_index_put(&list->index, port_addr_is_any(&p) ? 'A' : 'E', &p, i, /* replace= */ false);
                if (r < 0)
                        return r;
        }
        r = hashmap_put(&list->index, "#", 1, count + pp.n);
        if (r < 0)
                return r;
        return list_extend(l, list, value);
}
