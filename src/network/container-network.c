/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "config.h"
#include "container-network.h"
#include "definition-name.h"
#include "definition-process.h"
#include "env-expand.h"
#include "env.h"
#include "fd-util.h"
#include "image-config.h"
#include "lock.h"
#include "log.h"
#include "name.h"
#include "network.h"
#include "nft.h"
#include "path-util.h"
#include "paths.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"

#define RECORD_MAX (64U * 1024U)

bool container_network_new_namespace(const ContainerNetwork *n) {
        return n->def->network == NETWORK_BRIDGE || n->def->network == NETWORK_NONE;
}

static int read_text(const char *path, char **ret) {
        return read_full_file_at(AT_FDCWD, path, RECORD_MAX, ret, NULL);
}

/* The value of "key=" in a record, or NULL. */
static char *record_get(const char *text, const char *key) {
        size_t k = strlen(key);

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (strncmp(p, key, k) == 0 && p[k] == '=')
                        return strndup(p + k + 1, strcspn(p + k + 1, "\n"));
        return NULL;
}

static char *record_path(const char *name) {
        char *p = NULL;

        if (asprintf(&p, "%s/%s/network", berth_runtime_dir(), name) < 0)
                return NULL;
        return p;
}

int container_network_address(const char *name, char **ret) {
        _cleanup_free_ char *path = record_path(name), *text = NULL;
        char *a;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_text(path, &text);
        if (r < 0)
                return r;
        a = record_get(text, "address");
        if (!a)
                return -ENOENT;
        *ret = a;
        return 0;
}

/* --- published ports: host sockets ------------------------------------------------------------- */

static int held_add(ContainerNetwork *n, int fd) {
        int *t = realloc(n->held_fds, sizeof(int) * (n->n_held_fds + 1));

        if (!t) {
                safe_close(fd);
                return -ENOMEM;
        }
        n->held_fds = t;
        n->held_fds[n->n_held_fds++] = fd;
        return 0;
}

/* Binds one host socket of p for family, on port (0: a free one the kernel picks): *ret_fd, and
 * the port in *ret_port. -EADDRINUSE quietly (the caller may try another port); 0 with
 * *ret_fd -EBADF for an IPv6 socket of a port for every address on a host without IPv6. */
static int bind_host(const PortSpec *p, int family, uint16_t port, int *ret_fd, uint16_t *ret_port) {
        _cleanup_close_ int fd = -EBADF;
        int type = p->protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
        union {
                struct sockaddr sa;
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
        } sa = {};
        socklen_t len;
        int one = 1;

        *ret_fd = -EBADF;
        fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return errno == EAFNOSUPPORT && p->family == AF_UNSPEC ? 0 : -errno;
        if (family == AF_INET) {
                sa.in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(port),
                                               .sin_addr = p->family == AF_INET ? p->host_addr.in
                                                                                : (struct in_addr) { INADDR_ANY } };
                len = sizeof(sa.in);
        } else {
                sa.in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons(port),
                                                 .sin6_addr = p->family == AF_INET6 ? p->host_addr.in6 : in6addr_any };
                len = sizeof(sa.in6);
                if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
                        return -errno;
                /* berth-proxy accepts on this one: the connections it closed first stay in
                 * TIME_WAIT on the port for a minute, and without SO_REUSEADDR (here, and so on
                 * them) the next start of the container could not bind it. A listening socket
                 * stays exclusive with it. */
                if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
                        return -errno;
        }
        if (bind(fd, &sa.sa, len) < 0) {
                /* No IPv6 on this host: a port for every address still works over IPv4. */
                if (family == AF_INET6 && p->family == AF_UNSPEC && (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT))
                        return 0;
                return -errno;
        }
        if (getsockname(fd, &sa.sa, &len) < 0)
                return -errno;
        *ret_port = ntohs(family == AF_INET ? sa.in.sin_port : sa.in6.sin6_port);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Binds the host side of p on port (0: a free one): IPv4 and IPv6 as its address says. The
 * sockets are kept: nothing on the host can take the port while the container has it, and a
 * second container publishing it fails here, at bind(). On success p->host_port is the port.
 * -EADDRINUSE quietly, with nothing kept; other errors logged. */
static int hold_port(ContainerNetwork *n, PortSpec *p, uint16_t port, const char *target) {
        _cleanup_close_ int fd4 = -EBADF, fd6 = -EBADF;
        char spec[PORT_SPEC_STRING_MAX];
        uint16_t got = port;
        int r;

        if (p->family != AF_INET6) {
                r = bind_host(p, AF_INET, got, &fd4, &got);
                if (r == -EADDRINUSE)
                        return r;
                if (r < 0)
                        return log_error_errno(r, "Failed to take port %u/%s on the host: %m", got,
                                               port_protocol_to_string(p->protocol));
        }
        if (p->family != AF_INET) {
                /* The same port as IPv4's, when the kernel picked that one. */
                r = bind_host(p, AF_INET6, got, &fd6, &got);
                if (r == -EADDRINUSE)
                        return r;
                if (r < 0)
                        return log_error_errno(r, "Failed to take port %u/%s on the host: %m", got,
                                               port_protocol_to_string(p->protocol));
        }
        p->host_port = got;
        if (fd6 >= 0) {
                /* IPv6 goes through berth-proxy (the kernel never routes ::1 off the loopback). */
                _cleanup_free_ char *arg = NULL;

                if (p->protocol != IPPROTO_UDP && listen(fd6, 128) < 0)
                        return log_error_errno(-errno, "Failed to listen on port %s: %m", port_spec_to_string(p, spec));
                if (asprintf(&arg, "%s:%d:%s:%u", port_protocol_to_string(p->protocol), fd6, target, p->container_port) < 0 ||
                    strv_consume(&n->proxy_args, TAKE_PTR(arg)) < 0)
                        return log_oom();
                if (held_add(n, TAKE_FD(fd6)) < 0)
                        return log_oom();
        }
        if (fd4 >= 0 && held_add(n, TAKE_FD(fd4)) < 0)
                return log_oom();
        return 0;
}

static int add_port(ContainerNetwork *n, size_t *cap, const PortSpec *p) {
        if (n->n_ports >= DEFINITION_PORTS_MAX)
                return log_error_errno(-E2BIG, "container %s publishes more than %zu ports", n->def->name, DEFINITION_PORTS_MAX);
        if (n->n_ports == *cap) {
                PortSpec *t = realloc(n->ports, sizeof(PortSpec) * (*cap = *cap * 2 + 8));

                if (!t)
                        return log_oom();
                n->ports = t;
        }
        n->ports[n->n_ports++] = *p;
        return 0;
}

static bool port_published(const ContainerNetwork *n, const PortSpec *e) {
        for (size_t i = 0; i < n->n_ports; i++)
                if (n->ports[i].container_port == e->container_port && n->ports[i].protocol == e->protocol)
                        return true;
        return false;
}

/* PublishAll= (docker's -P): each exposed port (ExposePort=, the image's ExposedPorts) not
 * published yet, on a free host port of every address. */
static int publish_all(ContainerNetwork *n, size_t *cap) {
        _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;
        int r;

        r = image_config_read(n->def->image, &image);
        if (r < 0)
                return r;
        for (int pass = 0; pass < 2; pass++)
                STRV_FOREACH(s, pass == 0 ? n->def->expose_ports : image.exposed_ports) {
                        PortSpec e;
                        unsigned k;

                        if (port_expose_range_parse(*s, &e, &k) < 0)
                                continue; /* the parsers checked them */
                        for (unsigned i = 0; i < k; i++) {
                                PortSpec p = { .family = AF_UNSPEC, .protocol = e.protocol,
                                               .container_port = (uint16_t) (e.container_port + i) };

                                if (port_published(n, &p))
                                        continue;
                                r = add_port(n, cap, &p);
                                if (r < 0)
                                        return r;
                        }
                }
        return 0;
}

static int parse_ports(ContainerNetwork *n) {
        size_t cap = 0;
        int r;

        STRV_FOREACH(s, n->def->publish_ports) {
                PortPublish pp;

                if (port_publish_parse(*s, &pp) < 0)
                        return log_error_errno(-EINVAL, "'%s' is not a published port", *s);
                for (unsigned i = 0; i < pp.n; i++) {
                        PortSpec p;

                        port_publish_get(&pp, i, &p);
                        r = add_port(n, &cap, &p);
                        if (r < 0)
                                return r;
                }
        }
        if (n->def->process.publish_all)
                return publish_all(n, &cap);
        return 0;
}

/* The host ports: as given, or picked (a free one of a range, or of the kernel's ephemeral one). */
static int hold_ports(ContainerNetwork *n) {
        char target[INET6_ADDRSTRLEN + 2], spec[PORT_SPEC_STRING_MAX];
        int r;

        if (n->config.have_subnet6) {
                struct in6_addr a6 = subnet6_host(&n->config.subnet6, n->lease.host);
                char a[INET6_ADDRSTRLEN];

                snprintf(target, sizeof(target), "[%s]", inet_ntop(AF_INET6, &a6, a, sizeof(a)));
        } else
                inet_ntop(AF_INET, &n->lease.addr, target, sizeof(target));

        for (size_t i = 0; i < n->n_ports; i++) {
                PortSpec *p = n->ports + i;

                if (p->host_port != 0) {
                        r = hold_port(n, p, p->host_port, target);
                        if (r == -EADDRINUSE)
                                return log_error_errno(r, "port %s is already in use on the host", port_spec_to_string(p, spec));
                } else if (p->host_port_min != 0) {
                        r = -EADDRINUSE;
                        for (unsigned port = p->host_port_min; r == -EADDRINUSE && port <= p->host_port_max; port++)
                                r = hold_port(n, p, (uint16_t) port, target);
                        if (r == -EADDRINUSE)
                                return log_error_errno(r, "no port of %u-%u/%s is free on the host", p->host_port_min,
                                                       p->host_port_max, port_protocol_to_string(p->protocol));
                } else {
                        /* IPv4's pick may be taken on IPv6: a few more picks, as docker's allocator. */
                        r = -EADDRINUSE;
                        for (unsigned attempt = 0; r == -EADDRINUSE && attempt < 32; attempt++)
                                r = hold_port(n, p, 0, target);
                        if (r == -EADDRINUSE)
                                return log_error_errno(r, "no free host port for %u/%s", p->container_port,
                                                       port_protocol_to_string(p->protocol));
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --- links ---------------------------------------------------------------------------------------- */


static int port_cmp(const void *a, const void *b) {
        const PortSpec *x = a, *y = b;

        if (x->container_port != y->container_port)
                return x->container_port < y->container_port ? -1 : 1;
        return x->protocol - y->protocol;
}

/* Docker's link variables for alias (upper-cased, [^A-Z0-9] → _): the other container's published
 * and exposed ports, its image's ExposedPorts among them. */
static int link_environment(ContainerNetwork *n, const char *alias, const char *address, const Definition *other) {
        _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;
        _cleanup_free_ char *prefix = NULL;
        _cleanup_free_ PortSpec *ports = NULL;
        _cleanup_strv_free_ char **other_env = NULL;
        size_t n_ports = 0, cap;
        char *kv = NULL;

        if (image_config_read(other->image, &image) < 0)
                return -EINVAL;
        /* Ranges count port by port: at most DEFINITION_PORTS_MAX published, 65535 for each
         * exposed entry. */
        cap = DEFINITION_PORTS_MAX;
        for (int pass = 0; pass < 2; pass++)
                STRV_FOREACH(s, pass == 0 ? other->expose_ports : image.exposed_ports) {
                        PortSpec e;
                        unsigned k;

                        if (port_expose_range_parse(*s, &e, &k) >= 0)
                                cap += k;
                }
        /* Each port and protocol once in the variables: more entries are repeats. */
        cap = MIN(cap, DEFINITION_PORTS_MAX + 2 * 65535);

        prefix = strdup(alias);
        if (!prefix)
                return log_oom();
        for (char *c = prefix; *c; c++)
                *c = isalnum((unsigned char) *c) ? (char) toupper((unsigned char) *c) : '_';

        if (asprintf(&kv, "%s_NAME=/%s/%s", prefix, n->def->name, alias) < 0 || strv_consume(&n->link_env, kv) < 0)
                return log_oom();

        ports = calloc(cap + 1, sizeof(PortSpec));
        if (!ports)
                return log_oom();
        STRV_FOREACH(s, other->publish_ports) {
                PortPublish pp;

                if (port_publish_parse(*s, &pp) < 0)
                        continue;
                for (unsigned i = 0; i < pp.n && n_ports < DEFINITION_PORTS_MAX; i++)
                        port_publish_get(&pp, i, ports + n_ports++);
        }
        for (int pass = 0; pass < 2; pass++)
                STRV_FOREACH(s, pass == 0 ? other->expose_ports : image.exposed_ports) {
                        PortSpec e;
                        unsigned k;

                        if (port_expose_range_parse(*s, &e, &k) < 0)
                                continue;
                        for (unsigned i = 0; i < k && n_ports < cap; i++) {
                                ports[n_ports] = e;
                                ports[n_ports++].container_port = (uint16_t) (e.container_port + i);
                        }
                }
        qsort(ports, n_ports, sizeof(PortSpec), port_cmp);
        for (size_t i = 0; i < n_ports; i++) {
                const PortSpec *p = ports + i;
                const char *proto = port_protocol_to_string(p->protocol);
                char up[4] = { (char) toupper(proto[0]), (char) toupper(proto[1]), (char) toupper(proto[2]), 0 };

                if (i > 0 && p->container_port == ports[i - 1].container_port && p->protocol == ports[i - 1].protocol)
                        continue;
                if (i == 0 && (asprintf(&kv, "%s_PORT=%s://%s:%u", prefix, proto, address, p->container_port) < 0 ||
                               strv_consume(&n->link_env, kv) < 0))
                        return log_oom();
                if (asprintf(&kv, "%s_PORT_%u_%s=%s://%s:%u", prefix, p->container_port, up, proto, address,
                             p->container_port) < 0 ||
                    strv_consume(&n->link_env, kv) < 0 ||
                    asprintf(&kv, "%s_PORT_%u_%s_ADDR=%s", prefix, p->container_port, up, address) < 0 ||
                    strv_consume(&n->link_env, kv) < 0 ||
                    asprintf(&kv, "%s_PORT_%u_%s_PORT=%u", prefix, p->container_port, up, p->container_port) < 0 ||
                    strv_consume(&n->link_env, kv) < 0 ||
                    asprintf(&kv, "%s_PORT_%u_%s_PROTO=%s", prefix, p->container_port, up, proto) < 0 ||
                    strv_consume(&n->link_env, kv) < 0)
                        return log_oom();
        }
        /* The other's Environment= as docker's Config.Env shows it: "$$" as '$' (env-expand.h). */
        if (env_dollar_unescape_words(other->environment, &other_env) < 0)
                return log_oom();
        STRV_FOREACH(e, other_env) {
                if (asprintf(&kv, "%s_ENV_%s", prefix, *e) < 0 || strv_consume(&n->link_env, kv) < 0)
                        return log_oom();
        }
        return 0;
}

static int resolve_links(ContainerNetwork *n, HostsEntry **ret_entries, size_t *ret_n, char ***ret_strings) {
        _cleanup_free_ HostsEntry *entries = NULL;
        _cleanup_strv_free_ char **strings = NULL;
        size_t k = 0, cap = strv_length(n->def->links);
        int r;

        entries = calloc(cap + 1, sizeof(HostsEntry));
        if (!entries)
                return log_oom();
        STRV_FOREACH(l, n->def->links) {
                _cleanup_(definition_freep) Definition *other = NULL;
                _cleanup_free_ char *given = NULL, *alias = NULL, *address = NULL, *error = NULL, *names = NULL,
                                    *name = NULL;
                const char *colon = strchr(*l, ':');

                given = colon ? strndup(*l, colon - *l) : strdup(*l);
                alias = strdup(colon ? colon + 1 : *l);
                if (!given || !alias)
                        return log_oom();
                /* Issue 16: leftovers. The other may be named by its ContainerName=. */
                if (definition_find(given, NULL, &name, NULL) < 0)
                        name = strdup(given);
                if (!name)
                        return log_oom();
                if (streq(name, n->def->name))
                        return log_error_errno(-EINVAL, "container %s cannot link to itself", name);
                r = definition_load(name, NULL, &other, &error);
                if (r == -ENOENT)
                        return log_error_errno(r, "link to %s: no such container", name);
                if (r < 0)
                        return log_error_errno(r, "link to %s: %s", name, error ?: strerror(-r));
                if (lock_held(name) <= 0)
                        return log_error_errno(-ESRCH, "link to %s: container %s is not running", name, name);
                r = container_network_address(name, &address);
                if (r < 0)
                        return log_error_errno(r == -ENOENT ? -EADDRNOTAVAIL : r,
                                               "link to %s: container %s has no address on the bridge", name, name);

                r = link_environment(n, alias, address, other);
                if (r < 0)
                        return r;
                names = streq(alias, given) ? strdup(given) : strjoin(alias, " ", given);
                if (!names || strv_extend(&strings, address) < 0 || strv_consume(&strings, TAKE_PTR(names)) < 0)
                        return log_oom();
                k++;
        }
        for (size_t i = 0; i < k; i++)
                entries[i] = (HostsEntry) { .address = strings[2 * i], .names = strings[2 * i + 1] };
        *ret_entries = TAKE_PTR(entries);
        *ret_n = k;
        *ret_strings = TAKE_PTR(strings);
        return 0;
}

/* --- the files ------------------------------------------------------------------------------------ */

/* The name the container's UTS namespace has: its own (HostName=, else its name), the host's
 * (UTS=host), or that of the container whose namespace it joins. */
static int uts_hostname(const Definition *d, char buf[static HOSTNAME_MAX + 1]) {
        _cleanup_(definition_freep) Definition *other = NULL;
        _cleanup_free_ char *key = NULL;

        switch (d->uts.mode) {
        case NAMESPACE_HOST:
                if (gethostname(buf, HOSTNAME_MAX + 1) < 0)
                        return -errno;
                buf[HOSTNAME_MAX] = 0;
                return 0;
        case NAMESPACE_CONTAINER:
                /* Issue 16: leftovers. The other may be named by its ContainerName=. */
                if (definition_find(d->uts.container, NULL, &key, NULL) < 0 ||
                    definition_load(key, NULL, &other, NULL) < 0)
                        return -ESRCH;
                snprintf(buf, HOSTNAME_MAX + 1, "%s", other->hostname ?: definition_shown_name(other));
                return 0;
        case NAMESPACE_PRIVATE:
        case _NAMESPACE_MODE_MAX:
        case _NAMESPACE_MODE_INVALID:
        default:
                snprintf(buf, HOSTNAME_MAX + 1, "%s", d->hostname ?: definition_shown_name(d)); /* Issue 16: leftovers. */
                return 0;
        }
}

static int write_files(ContainerNetwork *n, const HostsEntry *links, size_t n_links) {
        const Definition *d = n->def;
        _cleanup_free_ char *hosts = NULL, *resolv = NULL, *host_resolv = NULL, *hostname = NULL;
        _cleanup_free_ HostsEntry *extra = NULL;
        _cleanup_strv_free_ char **strings = NULL;
        char hn[HOSTNAME_MAX + 1];
        char address[INET_ADDRSTRLEN];
        size_t k = 0;
        int r;

        r = uts_hostname(d, hn);
        if (r < 0)
                return log_error_errno(r, "Failed to find the host name of container %s: %m", d->name);
        extra = calloc(strv_length(d->add_hosts) + n_links + 1, sizeof(HostsEntry));
        if (!extra)
                return log_oom();
        STRV_FOREACH(h, d->add_hosts) {
                const char *colon = strchr(*h, ':');
                char *host = strndup(*h, colon - *h);

                if (!host || strv_consume(&strings, host) < 0)
                        return log_oom();
                extra[k++] = (HostsEntry) { .address = colon + 1, .names = host };
        }
        for (size_t i = 0; i < n_links; i++)
                extra[k++] = links[i];

        if (d->network == NETWORK_HOST) {
                _cleanup_free_ char *host_hosts = NULL;
                char *buf = NULL;
                size_t size = 0;
                FILE *f;

                /* The host's own /etc/hosts, then ours. */
                (void) read_text("/etc/hosts", &host_hosts);
                f = open_memstream(&buf, &size);
                if (!f)
                        return log_oom();
                fputs(host_hosts ?: "", f);
                for (size_t i = 0; i < k; i++)
                        fprintf(f, "%s\t%s\n", extra[i].address, extra[i].names);
                if (fclose(f) != 0)
                        return log_oom();
                hosts = buf;
        } else {
                r = hosts_format(d->network == NETWORK_BRIDGE ? inet_ntop(AF_INET, &n->lease.addr, address, sizeof(address))
                                                              : NULL,
                                 hn, extra, k, &hosts);
                if (r < 0)
                        return log_oom();
        }

        (void) read_text("/etc/resolv.conf", &host_resolv);
        r = resolv_conf_format(host_resolv, d->dns, /* keep_loopback= */ d->network == NETWORK_HOST, &resolv);
        if (r < 0)
                return log_oom();
        if (!strv_isempty(d->process.dns_search) || !strv_isempty(d->process.dns_options)) {
                _cleanup_free_ char *base = TAKE_PTR(resolv);

                r = resolv_conf_override(base, d->process.dns_search, d->process.dns_options, &resolv);
                if (r < 0)
                        return log_oom();
        }
        hostname = strjoin(hn, "\n");
        if (!hostname)
                return log_oom();
        r = hosts_write_files(n->dir, hosts, hostname, resolv);
        if (r < 0)
                return log_error_errno(r, "Failed to write the network files in %s: %m", n->dir);
        return 0;
}

static int write_record(ContainerNetwork *n) {
        _cleanup_free_ char *path = record_path(n->def->name);
        char *buf = NULL, a[INET_ADDRSTRLEN], spec[PORT_SPEC_STRING_MAX];
        size_t size = 0;
        FILE *f;
        int r;

        if (!path)
                return log_oom();
        f = open_memstream(&buf, &size);
        if (!f)
                return log_oom();
        fprintf(f, "address=%s\n", inet_ntop(AF_INET, &n->lease.addr, a, sizeof(a)));
        if (n->config.have_subnet6) {
                struct in6_addr a6 = subnet6_host(&n->config.subnet6, n->lease.host);
                char s6[INET6_ADDRSTRLEN];

                fprintf(f, "address6=%s\n", inet_ntop(AF_INET6, &a6, s6, sizeof(s6)));
        }
        for (size_t i = 0; i < n->n_ports; i++)
                fprintf(f, "publish=%s\n", port_spec_to_string(n->ports + i, spec));
        if (fclose(f) != 0) {
                free(buf);
                return log_oom();
        }
        r = write_string_file(path, buf, 0644, true);
        free(buf);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        return 0;
}

/* --- the steps ------------------------------------------------------------------------------------ */

static int lease_for(ContainerNetwork *n) {
        const Definition *d = n->def;
        _cleanup_free_ char *owner = NULL;
        char subnet[64];
        uint32_t want = 0;
        int r;

        subnet4_to_string(n->config.subnet, n->config.prefix, subnet, sizeof(subnet));
        if (d->ip) {
                struct in_addr a;

                if (inet_pton(AF_INET, d->ip, &a) != 1)
                        return log_error_errno(-EINVAL, "'%s' is not an IPv4 address", d->ip);
                want = subnet4_host_number(n->config.subnet, n->config.prefix, a);
                if (want == 0)
                        return log_error_errno(-EDOM,
                                               "address %s is not one a container can take in subnet %s (bridge %s)",
                                               d->ip, subnet, n->config.bridge);
        }
        if (d->process.ip6) {
                /* A container's IPv6 address is its IPv4 host number in Subnet6= (network.c):
                 * IP6= names that number. */
                char subnet6[INET6_ADDRSTRLEN];
                struct in6_addr a6, back;
                uint32_t host = 0;

                if (!n->config.have_subnet6)
                        return log_error_errno(-EADDRNOTAVAIL,
                                               "IP6=%s: bridge %s has no IPv6 subnet (berth.conf's [Network] Subnet6=)",
                                               d->process.ip6, n->config.bridge);
                inet_ntop(AF_INET6, &n->config.subnet6, subnet6, sizeof(subnet6));
                if (inet_pton(AF_INET6, d->process.ip6, &a6) != 1)
                        return log_error_errno(-EINVAL, "'%s' is not an IPv6 address", d->process.ip6);
                for (int i = 12; i < 16; i++)
                        host = host << 8 | a6.s6_addr[i];
                back = subnet6_host(&n->config.subnet6, host);
                if (memcmp(&back, &a6, sizeof(a6)) != 0 || host < subnet4_first_host(n->config.prefix) ||
                    host > subnet4_last_host(n->config.prefix))
                        return log_error_errno(-EDOM,
                                               "IP6=%s: not an address a container can take in %s/%u (bridge %s), whose "
                                               "containers are numbered as in %s",
                                               d->process.ip6, subnet6, n->config.prefix6, n->config.bridge, subnet);
                if (want != 0 && want != host)
                        return log_error_errno(-EINVAL,
                                               "IP=%s and IP6=%s name two containers: a container's IPv6 address has the "
                                               "host number of its IPv4 one",
                                               d->ip, d->process.ip6);
                want = host;
        }
        r = lease_acquire(&n->config, d->name, want, &n->lease, &owner);
        if (r == -EADDRNOTAVAIL)
                return log_error_errno(r, "no free address left in subnet %s (bridge %s)", subnet, n->config.bridge);
        if (r == -EADDRINUSE)
                return log_error_errno(r, "address %s is already taken%s%s", d->ip ?: d->process.ip6,
                                       owner ? " by container " : "", owner ?: "");
        if (r < 0)
                return log_error_errno(r, "Failed to lease an address in subnet %s: %m", subnet);
        return 0;
}

int container_network_prepare(ContainerNetwork *n, const Definition *d, const NetworkConfig *config) {
        _cleanup_free_ HostsEntry *links = NULL;
        _cleanup_strv_free_ char **link_strings = NULL;
        size_t n_links = 0;
        int r;

        n->def = d;
        n->dir = path_join(berth_runtime_dir(), d->name);
        if (!n->dir)
                return log_oom();

        if (d->network == NETWORK_CONTAINER) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                _cleanup_free_ char *key = NULL;
                pid_t pid;

                /* Issue 16: leftovers. The other may be named by its ContainerName=. */
                if (definition_find(d->network_container, NULL, &key, NULL) < 0)
                        key = strdup(d->network_container);
                if (!key)
                        return log_oom();
                if (streq(key, d->name))
                        return log_error_errno(-EINVAL, "container %s cannot join its own network", d->name);
                if (lock_held(key) <= 0)
                        return log_error_errno(-ESRCH, "network container:%s: container %s is not running",
                                               d->network_container, d->network_container);
                r = bus_open_systemd(&bus);
                if (r >= 0)
                        r = scope_pid1(bus, key, &pid);
                if (r < 0)
                        return log_error_errno(r, "network container:%s: cannot find its PID 1: %m", d->network_container);
                n->join_netns_fd = network_open_netns(pid);
                if (n->join_netns_fd < 0)
                        return log_error_errno(n->join_netns_fd, "network container:%s: cannot open its namespace: %m",
                                               d->network_container);
        }

        if ((!strv_isempty(d->publish_ports) || d->process.publish_all) && d->network != NETWORK_BRIDGE)
                return log_error_errno(-EINVAL, "published ports need the bridge network (not --network %s)",
                                       network_mode_to_string(d->network));
        if (!strv_isempty(d->links) && d->network != NETWORK_BRIDGE)
                return log_error_errno(-EINVAL, "links need the bridge network (not --network %s)",
                                       network_mode_to_string(d->network));
        if (d->ip && d->network != NETWORK_BRIDGE)
                return log_error_errno(-EINVAL, "an address (--ip %s) needs the bridge network (not --network %s)",
                                       d->ip, network_mode_to_string(d->network));
        if (d->process.ip6 && d->network != NETWORK_BRIDGE)
                return log_error_errno(-EINVAL, "an address (--ip6 %s) needs the bridge network (not --network %s)",
                                       d->process.ip6, network_mode_to_string(d->network));

        if (d->network == NETWORK_BRIDGE) {
                n->config = *config;
                r = parse_ports(n);
                if (r < 0)
                        return r;
                r = lease_for(n);
                if (r < 0)
                        return r;
                r = hold_ports(n);
                if (r < 0)
                        return r;
                r = resolve_links(n, &links, &n_links, &link_strings);
                if (r < 0)
                        return r;
        }

        r = write_files(n, links, n_links);
        if (r < 0)
                return r;
        if (d->network == NETWORK_BRIDGE)
                return write_record(n);
        return 0;
}

/* Turning IPv6 forwarding on makes the host a router: interfaces with the kernel's default
 * accept_ra=1 ignore router advertisements from then on, and their SLAAC addresses and default
 * routes lapse. docker leaves that to its users' reading; we say it once, when it happens. */
static void warn_router_advertisements(const char *bridge) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *names = NULL;

        if (network_ra_dependent_interfaces(bridge, &l) < 0 || strv_isempty(l))
                return;
        names = strv_join(l, ", ");
        if (!names)
                return;
        log_warning("IPv6 forwarding is on now, for Subnet6= of bridge %s: %s no longer take%s router "
                    "advertisements (accept_ra=1); set accept_ra=2 there to keep SLAAC",
                    bridge, names, l[1] ? "" : "s");
}

int container_network_attach(ContainerNetwork *n, pid_t pid) {
        _cleanup_close_ int netns_fd = -EBADF;
        int r, bridge_ifindex;
        bool created, forwarding6;
        uint8_t mac[6];

        if (!container_network_new_namespace(n))
                return 0;
        netns_fd = network_open_netns(pid);
        if (netns_fd < 0)
                return log_error_errno(netns_fd, "Failed to open the container's network namespace: %m");
        if (n->def->network == NETWORK_NONE) {
                r = network_container_configure(netns_fd, NULL, NULL);
                return r < 0 ? log_error_errno(r, "Failed to bring up lo in the container: %m") : 0;
        }

        forwarding6 = !n->config.have_subnet6 || network_ipv6_forwarding();
        r = network_bridge_ensure(&n->config, &bridge_ifindex, &created);
        if (r == -ENOTTY)
                return log_error_errno(r, "interface %s exists and is not a bridge", n->config.bridge);
        if (r < 0)
                return log_error_errno(r, "Failed to set up bridge %s: %m", n->config.bridge);
        if (created && !forwarding6)
                warn_router_advertisements(n->config.bridge);
        if (created) {
                r = nft_ensure_base(&n->config, /* bridge_created= */ true);
                if (r == -ELIBACC)
                        return log_error_errno(r, NFT_MISSING);
                if (r < 0)
                        return log_error_errno(r, "Failed to add berth's nftables tables: %m");
        }
        container_mac_from_ipv4(n->lease.addr, mac);
        r = network_veth_add(bridge_ifindex, netns_fd, mac, n->host_ifname, &n->host_ifindex);
        if (r < 0)
                return log_error_errno(r, "Failed to create the veth pair on %s: %m", n->config.bridge);
        r = network_container_configure(netns_fd, &n->config, &n->lease);
        if (r < 0)
                return log_error_errno(r, "Failed to configure eth0 in the container: %m");

        if (n->n_ports > 0) {
                _cleanup_free_ char *owner = NULL;
                const PortSpec *bad = NULL;
                char spec[PORT_SPEC_STRING_MAX];

                r = nft_publish(&n->config, n->lease.addr, n->ports, n->n_ports, &bad, &owner);
                if (r == -EADDRINUSE)
                        return log_error_errno(r, "port %s is already published%s%s", port_spec_to_string(bad, spec),
                                               owner ? " by container " : "", owner ?: "");
                if (r == -ELIBACC)
                        return log_error_errno(r, NFT_MISSING);
                if (r < 0)
                        return log_error_errno(r, "Failed to publish port %s: %m",
                                               bad ? port_spec_to_string(bad, spec) : "");
                n->published = true;
        }
        return 0;
}

int container_network_start_proxy(ContainerNetwork *n) {
        _cleanup_strv_free_ char **argv = NULL;
        pid_t pid, parent = getpid();

        if (strv_isempty(n->proxy_args))
                return 0;
        if (strv_extend(&argv, "berth-proxy") < 0)
                return log_oom();
        STRV_FOREACH(a, n->proxy_args)
                if (strv_extend(&argv, *a) < 0)
                        return log_oom();

        pid = fork();
        if (pid < 0)
                return log_error_errno(-errno, "Failed to start berth-proxy: %m");
        if (pid == 0) {
                sigset_t all;

                /* It goes with the helper, even one that died before this prctl(). */
                if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() != parent)
                        _exit(0);
                sigemptyset(&all);
                (void) sigprocmask(SIG_SETMASK, &all, NULL);
                STRV_FOREACH(a, n->proxy_args) {
                        int fd = -1;

                        if (sscanf(strchr(*a, ':') + 1, "%d", &fd) == 1)
                                (void) fd_set_cloexec(fd, false);
                }
                execv(getenv("BERTH_PROXY") ?: BERTH_PROXY_PATH, argv);
                log_error_errno(-errno, "Failed to execute berth-proxy, IPv6 ports of %s unserved: %m", n->def->name);
                _exit(127);
        }
        n->proxy_pid = pid;
        return 0;
}

int container_network_keep_fds(ContainerNetwork *n) {
        if (n->lease.fd >= 0 && fd_set_cloexec(n->lease.fd, false) < 0)
                return -errno;
        for (size_t i = 0; i < n->n_held_fds; i++)
                if (fd_set_cloexec(n->held_fds[i], false) < 0)
                        return -errno;
        return 0;
}

void container_network_done(ContainerNetwork *n) {
        if (n->proxy_pid > 0) {
                (void) kill(n->proxy_pid, SIGTERM);
                (void) waitpid(n->proxy_pid, NULL, 0);
                n->proxy_pid = 0;
        }
        if (n->published)
                (void) nft_unpublish(n->lease.addr, n->ports, n->n_ports);
        n->published = false;
        lease_release(&n->lease);
        for (size_t i = 0; i < n->n_held_fds; i++)
                safe_close(n->held_fds[i]);
        free(n->held_fds);
        n->held_fds = NULL;
        n->n_held_fds = 0;
        free(n->ports);
        n->ports = NULL;
        n->n_ports = 0;
        n->proxy_args = strv_free(n->proxy_args);
        n->link_env = strv_free(n->link_env);
        n->join_netns_fd = safe_close(n->join_netns_fd);
        free(n->dir);
        n->dir = NULL;
}

/* The "publish=" lines of a record. */
static int record_ports(const char *text, PortSpec **ret, size_t *ret_n) {
        _cleanup_free_ PortSpec *ports = NULL;
        size_t n = 0, cap = 0;

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                _cleanup_free_ char *v = NULL;
                const char *s = startswith(p, "publish=");

                if (!s)
                        continue;
                v = strndup(s, strcspn(s, "\n"));
                if (!v)
                        return -ENOMEM;
                if (n == cap) {
                        PortSpec *t = realloc(ports, sizeof(PortSpec) * (cap = cap * 2 + 4));
                        if (!t)
                                return -ENOMEM;
                        ports = t;
                }
                if (port_spec_parse(v, ports + n) >= 0)
                        n++;
        }
        *ret = TAKE_PTR(ports);
        *ret_n = n;
        return 0;
}

int container_network_published(const char *name, PortSpec **ret, size_t *ret_n) {
        _cleanup_free_ char *path = record_path(name), *text = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_text(path, &text);
        if (r < 0)
                return r;
        return record_ports(text, ret, ret_n);
}

int container_network_cleanup(const char *name) {
        _cleanup_free_ char *path = record_path(name), *text = NULL, *address = NULL;
        _cleanup_free_ PortSpec *ports = NULL;
        struct in_addr a;
        size_t n = 0;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_text(path, &text);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        address = record_get(text, "address");
        if (!address || inet_pton(AF_INET, address, &a) != 1)
                return 0;
        r = record_ports(text, &ports, &n);
        if (r < 0)
                return r;
        /* Only what is still ours: another container may hold the address or a port by now. */
        if (n > 0 && lease_owner(a, NULL) == 0)
                (void) nft_unpublish(a, ports, n);
        return lease_release_stale(a, name);
}
