/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "network.h"
#include "string-util.h"
#include "strv.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_addr *, rtnl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_route *, rtnl_route_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_addr *, nl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_cache *, nl_cache_free);

/* libnl's errors as errno. */
static int nl_errno(int e) {
        switch (-e) {
        case NLE_EXIST:
                return -EEXIST;
        case NLE_OBJ_NOTFOUND:
        case NLE_NODEV:
                return -ENODEV;
        case NLE_PERM:
                return -EPERM;
        case NLE_NOMEM:
                return -ENOMEM;
        case NLE_BUSY:
                return -EBUSY;
        case NLE_INVAL:
                return -EINVAL;
        case NLE_OPNOTSUPP:
                return -EOPNOTSUPP;
        case NLE_NOADDR:
                return -EADDRNOTAVAIL;
        case NLE_RANGE:
                return -ERANGE;
        default:
                return -EIO;
        }
}

/* A connected rtnetlink socket in the namespace of netns_fd (-EBADF: ours). */
static int nl_open(int netns_fd, struct nl_sock **ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_close_ int self = -EBADF;
        int r;

        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        if (netns_fd >= 0) {
                self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
                if (self < 0)
                        return -errno;
                if (setns(netns_fd, CLONE_NEWNET) < 0)
                        return -errno;
        }
        r = nl_connect(sk, NETLINK_ROUTE);
        if (netns_fd >= 0 && setns(self, CLONE_NEWNET) < 0)
                abort(); /* never carry on in the wrong namespace */
        if (r < 0)
                return nl_errno(r);
        *ret = TAKE_PTR(sk);
        return 0;
}

int network_open_netns(pid_t pid) {
        char path[64];
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static int addr_add(struct nl_sock *sk, int ifindex, int family, const void *a, unsigned prefix) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *addr = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *local = NULL;
        int r;

        addr = rtnl_addr_alloc();
        local = nl_addr_build(family, a, family == AF_INET ? 4 : 16);
        if (!addr || !local)
                return -ENOMEM;
        nl_addr_set_prefixlen(local, (int) prefix);
        rtnl_addr_set_ifindex(addr, ifindex);
        r = rtnl_addr_set_local(addr, local);
        if (r < 0)
                return nl_errno(r);
        if (family == AF_INET6)
                rtnl_addr_set_flags(addr, IFA_F_NODAD);
        r = rtnl_addr_add(sk, addr, NLM_F_REPLACE);
        return r < 0 ? nl_errno(r) : 0;
}

static int set_up(struct nl_sock *sk, int ifindex) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *old = NULL, *change = NULL;
        int r;

        old = rtnl_link_alloc();
        change = rtnl_link_alloc();
        if (!old || !change)
                return -ENOMEM;
        rtnl_link_set_ifindex(old, ifindex);
        rtnl_link_set_flags(change, IFF_UP);
        r = rtnl_link_change(sk, old, change, 0);
        return r < 0 ? nl_errno(r) : 0;
}

static int write_sysctl(const char *path, const char *value) {
        return write_string_file(path, value, 0644, false);
}

static bool sysctl_is(const char *path, const char *value) {
        _cleanup_free_ char *s = NULL;

        if (read_full_file_at(AT_FDCWD, path, 64, &s, NULL) < 0)
                return false;
        s[strcspn(s, "\n")] = 0;
        return streq(s, value);
}

bool network_ipv6_forwarding(void) {
        return sysctl_is("/proc/sys/net/ipv6/conf/all/forwarding", "1");
}

static bool is_port_of(const char *ifname, const char *bridge) {
        char path[PATH_MAX], target[PATH_MAX];
        const char *base;
        ssize_t n;

        snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifname);
        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
                return false;
        target[n] = 0;
        base = strrchr(target, '/');
        return streq(base ? base + 1 : target, bridge);
}

int network_ra_dependent_interfaces(const char *bridge, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        d = opendir("/proc/sys/net/ipv6/conf");
        if (!d && errno != ENOENT)
                return -errno;
        while (d && (errno = 0, de = readdir(d))) {
                char path[PATH_MAX];

                if (de->d_name[0] == '.' || streq(de->d_name, "all") || streq(de->d_name, "default") ||
                    streq(de->d_name, "lo") || streq(de->d_name, bridge) || is_port_of(de->d_name, bridge))
                        continue;
                snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", de->d_name);
                if (sysctl_is(path, "1"))
                        continue;
                snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", de->d_name);
                if (sysctl_is(path, "1") && strv_extend(&l, de->d_name) < 0)
                        return -ENOMEM;
        }
        if (d && errno != 0)
                return -errno;
        if (!l) {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

int network_bridge_ensure(const NetworkConfig *c, int *ret_ifindex, bool *ret_created) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        struct in_addr gw = subnet4_host(c->subnet, 1);
        char path[128];
        bool created = false;
        int r, ifindex;

        r = nl_open(-EBADF, &sk);
        if (r < 0)
                return r;
        r = rtnl_link_get_kernel(sk, 0, c->bridge, &link);
        /* Up means configured: we bring it up last. */
        if (r >= 0 && (rtnl_link_get_flags(link) & IFF_UP)) {
                *ret_ifindex = rtnl_link_get_ifindex(link);
                *ret_created = false;
                return 0;
        }
        if (r < 0) {
                _cleanup_(rtnl_link_putp) struct rtnl_link *br = rtnl_link_bridge_alloc();

                if (!br)
                        return -ENOMEM;
                rtnl_link_set_name(br, c->bridge);
                r = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
                if (r < 0 && r != -NLE_EXIST)
                        return nl_errno(r);
                created = r >= 0;
                rtnl_link_put(link);
                link = NULL;
                r = rtnl_link_get_kernel(sk, 0, c->bridge, &link);
                if (r < 0)
                        return nl_errno(r);
        }
        if (!rtnl_link_is_bridge(link))
                return -ENOTTY; /* the name is taken by something else */
        ifindex = rtnl_link_get_ifindex(link);

        r = addr_add(sk, ifindex, AF_INET, &gw, c->prefix);
        if (r < 0)
                return r;
        if (c->have_subnet6) {
                struct in6_addr gw6 = subnet6_host(&c->subnet6, 1);

                r = addr_add(sk, ifindex, AF_INET6, &gw6, c->prefix6);
                if (r < 0)
                        return r;
        }
        /* Forwarding for the containers' outbound traffic, as docker does; route_localnet on the
         * bridge alone, so that DNAT from 127.0.0.1 to a container is routed. */
        r = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", c->bridge);
        r = write_sysctl(path, "1");
        if (r < 0)
                return r;
        if (c->have_subnet6) {
                r = write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
                if (r < 0)
                        return r;
        }
        r = set_up(sk, ifindex);
        if (r < 0)
                return r;
        *ret_ifindex = ifindex;
        *ret_created = created;
        return 0;
}

int network_veth_add(int bridge_ifindex, int netns_fd, const uint8_t mac[static 6],
                     char ret_host_name[static IF_NAMESIZE], int *ret_host_ifindex) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *lladdr = NULL;
        int r;

        r = nl_open(-EBADF, &sk);
        if (r < 0)
                return r;
        lladdr = nl_addr_build(AF_LLC, mac, 6);
        if (!lladdr)
                return -ENOMEM;
        for (unsigned attempt = 0; attempt < 4; attempt++) {
                _cleanup_(rtnl_link_putp) struct rtnl_link *veth = NULL, *got = NULL;
                struct rtnl_link *peer;
                uint32_t rnd;
                char name[IF_NAMESIZE];

                if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
                        return -errno;
                snprintf(name, sizeof(name), "vb%08x", rnd);

                veth = rtnl_link_veth_alloc();
                if (!veth)
                        return -ENOMEM;
                peer = rtnl_link_veth_get_peer(veth);
                rtnl_link_set_name(veth, name);
                rtnl_link_set_master(veth, bridge_ifindex);
                rtnl_link_set_flags(veth, IFF_UP);
                rtnl_link_set_name(peer, "eth0");
                rtnl_link_set_addr(peer, lladdr);
                rtnl_link_set_ns_fd(peer, netns_fd); /* (with the peer's IFF_UP too the kernel refuses) */
                r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
                rtnl_link_put(peer); /* get_peer took a reference */
                if (r == -NLE_EXIST)
                        continue;
                if (r < 0)
                        return nl_errno(r);
                r = rtnl_link_get_kernel(sk, 0, name, &got);
                if (r < 0)
                        return nl_errno(r);
                memcpy(ret_host_name, name, IF_NAMESIZE);
                *ret_host_ifindex = rtnl_link_get_ifindex(got);
                return 0;
        }
        return -EEXIST;
}

static int route_default(struct nl_sock *sk, int ifindex, int family, const void *gw) {
        _cleanup_(rtnl_route_putp) struct rtnl_route *route = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *dst = NULL, *via = NULL;
        struct rtnl_nexthop *nh;
        int r;

        route = rtnl_route_alloc();
        dst = nl_addr_build(family, NULL, 0);
        via = nl_addr_build(family, gw, family == AF_INET ? 4 : 16);
        nh = rtnl_route_nh_alloc();
        if (!route || !dst || !via || !nh) {
                if (nh)
                        rtnl_route_nh_free(nh);
                return -ENOMEM;
        }
        nl_addr_set_prefixlen(dst, 0);
        rtnl_route_set_family(route, (uint8_t) family);
        rtnl_route_set_dst(route, dst);
        rtnl_route_nh_set_ifindex(nh, ifindex);
        rtnl_route_nh_set_gateway(nh, via);
        rtnl_route_add_nexthop(route, nh); /* the route owns nh now */
        r = rtnl_route_add(sk, route, NLM_F_REPLACE);
        return r < 0 ? nl_errno(r) : 0;
}

int network_container_configure(int netns_fd, const NetworkConfig *c, const Lease *l) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *eth0 = NULL;
        struct in_addr gw;
        int r, ifindex;

        r = nl_open(netns_fd, &sk);
        if (r < 0)
                return r;
        r = set_up(sk, 1); /* lo is 1 in every namespace */
        if (r < 0 || !l)
                return r;

        r = rtnl_link_get_kernel(sk, 0, "eth0", &eth0);
        if (r < 0)
                return nl_errno(r);
        ifindex = rtnl_link_get_ifindex(eth0);
        r = set_up(sk, ifindex);
        if (r < 0)
                return r;
        r = addr_add(sk, ifindex, AF_INET, &l->addr, c->prefix);
        if (r < 0)
                return r;
        gw = subnet4_host(c->subnet, 1);
        r = route_default(sk, ifindex, AF_INET, &gw);
        if (r < 0)
                return r;
        if (c->have_subnet6) {
                struct in6_addr a6 = subnet6_host(&c->subnet6, l->host), gw6 = subnet6_host(&c->subnet6, 1);

                r = addr_add(sk, ifindex, AF_INET6, &a6, c->prefix6);
                if (r < 0)
                        return r;
                r = route_default(sk, ifindex, AF_INET6, &gw6);
                if (r < 0)
                        return r;
        }
        return 0;
}

int network_container_addresses(int netns_fd, char ***ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        _cleanup_strv_free_ char **v4 = NULL, **v6 = NULL;
        int r;

        r = nl_open(netns_fd, &sk);
        if (r < 0)
                return r;
        r = rtnl_addr_alloc_cache(sk, &cache);
        if (r < 0)
                return nl_errno(r);
        for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
                struct rtnl_addr *a = (struct rtnl_addr *) o;
                struct nl_addr *local = rtnl_addr_get_local(a);
                char buf[INET6_ADDRSTRLEN];
                int family = rtnl_addr_get_family(a);

                if (!local || rtnl_addr_get_ifindex(a) == 1 || rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE)
                        continue;
                if (!inet_ntop(family, nl_addr_get_binary_addr(local), buf, sizeof(buf)))
                        continue;
                if (strv_extend(family == AF_INET ? &v4 : &v6, buf) < 0)
                        return -ENOMEM;
        }
        STRV_FOREACH(a, v6)
                if (strv_extend(&v4, *a) < 0)
                        return -ENOMEM;
        if (!v4) {
                v4 = calloc(1, sizeof(char *));
                if (!v4)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(v4);
        return 0;
}
