/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth port NAME [PORT[/PROTO]]: the ports a container publishes, as docker port prints them. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "container-network.h"
#include "containers.h"
#include "definition.h"
#include "lock.h"
#include "log.h"
#include "options.h"
#include "port.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

static void print_port(const PortSpec *p) {
        char addr[INET6_ADDRSTRLEN] = "";
        const char *proto = port_protocol_to_string(p->protocol);

        if (p->family == AF_UNSPEC) {
                /* Every address: docker's two lines, IPv4 and IPv6 (berth-proxy serves those). */
                printf("%u/%s -> 0.0.0.0:%u\n", p->container_port, proto, p->host_port);
                printf("%u/%s -> [::]:%u\n", p->container_port, proto, p->host_port);
        } else if (p->family == AF_INET) {
                inet_ntop(AF_INET, &p->host_addr.in, addr, sizeof(addr));
                printf("%u/%s -> %s:%u\n", p->container_port, proto, addr, p->host_port);
        } else {
                inet_ntop(AF_INET6, &p->host_addr.in6, addr, sizeof(addr));
                printf("%u/%s -> [%s]:%u\n", p->container_port, proto, addr, p->host_port);
        }
}

int verb_port(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(definition_freep) Definition *d = NULL;
        PortSpec filter = {};
        bool found = false;
        int c;

        while ((c = options_next("port", argc, argv, "", options)) >= 0)
                switch (c) {
                case 'H':
                        verb_help("port", NULL);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind < 1 || argc - optind > 2) {
                log_error("port needs a container name and at most a port; see 'berth port --help'");
                return EXIT_BERTH_FAILED;
        }
        if (argc - optind == 2 && port_expose_parse(argv[optind + 1], &filter) < 0) {
                log_error("'%s' is not a port (PORT or PORT/tcp|udp, 1…65535)", argv[optind + 1]);
                return EXIT_BERTH_FAILED;
        }
        if (containers_load_definition(argv[optind], &d) < 0)
                return EXIT_BERTH_FAILED;
        /* A running container's record says which host ports it took, a picked one too (-p 80,
         * -P); a stopped one has the ports its definition names. */
        {
                _cleanup_free_ PortSpec *ports = NULL;
                size_t n = 0;
                int r = lock_held(d->name) > 0 ? container_network_published(d->name, &ports, &n) : -ENOENT;

                if (r == -ENOMEM)
                        return log_oom(), EXIT_BERTH_FAILED;
                if (r < 0) {
                        STRV_FOREACH(s, d->publish_ports) {
                                PortPublish pp;

                                if (port_publish_parse(*s, &pp) < 0 || pp.first.host_port == 0)
                                        continue; /* the parser checked it; a port picked at the start */
                                for (unsigned i = 0; i < pp.n; i++) {
                                        PortSpec *t = realloc(ports, sizeof(PortSpec) * (n + 1));

                                        if (!t)
                                                return log_oom(), EXIT_BERTH_FAILED;
                                        ports = t;
                                        port_publish_get(&pp, i, ports + n++);
                                }
                        }
                }
                for (size_t i = 0; i < n; i++) {
                        const PortSpec *p = ports + i;

                        if (filter.container_port &&
                            (p->container_port != filter.container_port || p->protocol != filter.protocol))
                                continue;
                        print_port(p);
                        found = true;
                }
        }
        if (filter.container_port && !found) {
                log_error("container %s publishes no port %u/%s", d->name, filter.container_port,
                          port_protocol_to_string(filter.protocol));
                return EXIT_BERTH_FAILED;
        }
        return 0;
}
