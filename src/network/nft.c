/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "dlopen-util.h"
#include "lease.h"
#include "log.h"
#include "nft.h"
#include "string-util.h"

/* libnftables and what it pulls in (libnftnl, libmnl, libxtables, libjansson, libgmp) are opened
 * only when a container publishes a port or a bridge is made: loading them costs every berth and
 * berth-helper process ~0.7 ms of CPU at exec, most of which never touch nftables, and a host
 * without libnftables can still run containers without published ports. */
static void *libnftables;
static typeof(nft_ctx_new) *sym_nft_ctx_new;
static typeof(nft_ctx_free) *sym_nft_ctx_free;
static typeof(nft_ctx_buffer_output) *sym_nft_ctx_buffer_output;
static typeof(nft_ctx_buffer_error) *sym_nft_ctx_buffer_error;
static typeof(nft_ctx_get_output_buffer) *sym_nft_ctx_get_output_buffer;
static typeof(nft_ctx_get_error_buffer) *sym_nft_ctx_get_error_buffer;
static typeof(nft_run_cmd_from_buffer) *sym_nft_run_cmd_from_buffer;

static int nft_dlopen(void) {
        static const DlopenSymbol symbols[] = {
                DLSYM(nft_ctx_new),           DLSYM(nft_ctx_free),
                DLSYM(nft_ctx_buffer_output), DLSYM(nft_ctx_buffer_error),
                DLSYM(nft_ctx_get_output_buffer), DLSYM(nft_ctx_get_error_buffer),
                DLSYM(nft_run_cmd_from_buffer),
        };
        _cleanup_free_ char *why = NULL;
        int r;

        r = dlopen_symbols(&libnftables, NFT_SONAME, symbols, ELEMENTSOF(symbols), &why);
        if (r < 0) {
                log_debug("Cannot open %s: %s", NFT_SONAME, why);
                return -ELIBACC;
        }
        return 0;
}

static void ctx_freep(struct nft_ctx **ctx) {
        if (*ctx)
                sym_nft_ctx_free(*ctx);
}

static int nft_new(struct nft_ctx **ret) {
        struct nft_ctx *ctx;
        int r;

        r = nft_dlopen();
        if (r < 0)
                return r;
        ctx = sym_nft_ctx_new(NFT_CTX_DEFAULT);
        if (!ctx)
                return -ENOMEM;
        if (sym_nft_ctx_buffer_output(ctx) < 0 || sym_nft_ctx_buffer_error(ctx) < 0) {
                sym_nft_ctx_free(ctx);
                return -ENOMEM;
        }
        *ret = ctx;
        return 0;
}

/* Runs one transaction: 0, -EEXIST, -ENOENT, or -EIO (the error text is logged at debug). */
static int nft_run(struct nft_ctx *ctx, const char *cmd) {
        const char *err = "";

        /* A transaction whose ruleset generation changed under it (another container's
         * transaction at the same moment) is refused with EINTR or EBUSY: it was not applied,
         * so it is run again. */
        for (unsigned attempt = 0; attempt < 20; attempt++) {
                if (sym_nft_run_cmd_from_buffer(ctx, cmd) == 0)
                        return 0;
                err = sym_nft_ctx_get_error_buffer(ctx) ?: "";
                if (!strstr(err, "Interrupted system call") && !strstr(err, "Resource busy") &&
                    !strstr(err, "Device or resource busy"))
                        break;
                (void) usleep(1000U << (attempt < 4 ? attempt : 4));
        }
        if (strstr(err, "File exists"))
                return -EEXIST;
        if (strstr(err, "No such file or directory"))
                return -ENOENT;
        log_debug("nft: %s: %s", cmd, err);
        return -EIO;
}

/* The rules of one bridge: its containers' outbound traffic, the host's loopback-sourced
 * traffic to published ports, and hairpinned traffic between its own containers. */
static int bridge_rules(const NetworkConfig *c, char **ret) {
        _cleanup_free_ char *v6 = NULL;
        char subnet[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN];

        if (c->have_subnet6 &&
            asprintf(&v6,
                     "add table ip6 berth\n"
                     "add chain ip6 berth postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
                     "add rule ip6 berth postrouting ip6 saddr %s/%u oifname != \"%s\" masquerade\n",
                     inet_ntop(AF_INET6, &c->subnet6, a, sizeof(a)), c->prefix6, c->bridge) < 0)
                return -ENOMEM;
        subnet4_to_string(c->subnet, c->prefix, subnet, sizeof(subnet));
        if (asprintf(ret,
                     "add rule ip berth postrouting ip saddr %s oifname != \"%s\" masquerade\n"
                     "add rule ip berth postrouting oifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n"
                     "add rule ip berth postrouting oifname \"%s\" ct status dnat ip saddr %s masquerade\n"
                     "%s",
                     subnet, c->bridge, c->bridge, c->bridge, subnet, v6 ?: "") < 0)
                return -ENOMEM;
        return 0;
}

int nft_ensure_base(const NetworkConfig *c, bool bridge_created) {
        _cleanup_(ctx_freep) struct nft_ctx *ctx = NULL;
        _cleanup_free_ char *rules = NULL;
        int r;

        r = nft_new(&ctx);
        if (r < 0)
                return r;
        /* "create table" makes the whole transaction fail when the table is there: then it is
         * complete, since it is only ever made in one piece. */
        r = nft_run(ctx,
                    "create table ip berth\n"
                    "add map ip berth publish_any { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
                    "add map ip berth publish_addr { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
                    "add chain ip berth publish\n"
                    "add rule ip berth publish dnat ip to ip daddr . meta l4proto . th dport map @publish_addr\n"
                    "add rule ip berth publish dnat ip to meta l4proto . th dport map @publish_any\n"
                    "add chain ip berth prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
                    "add rule ip berth prerouting fib daddr type local jump publish\n"
                    "add chain ip berth output { type nat hook output priority -100; policy accept; }\n"
                    "add rule ip berth output fib daddr type local jump publish\n"
                    "add chain ip berth postrouting { type nat hook postrouting priority srcnat; policy accept; }\n");
        if (r < 0 && r != -EEXIST)
                return r;
        /* A table made just now (flushed away while the bridge stayed, say) needs the bridge's
         * masquerading too. */
        if (!bridge_created && r == -EEXIST)
                return 0;
        r = bridge_rules(c, &rules);
        if (r < 0)
                return r;
        return nft_run(ctx, rules);
}

static void element_key(const PortSpec *p, char *buf, size_t size) {
        char a[INET_ADDRSTRLEN];

        if (p->family == AF_INET)
                snprintf(buf, size, "publish_addr { %s . %s . %u", inet_ntop(AF_INET, &p->host_addr.in, a, sizeof(a)),
                         port_protocol_to_string(p->protocol), p->host_port);
        else
                snprintf(buf, size, "publish_any { %s . %u", port_protocol_to_string(p->protocol), p->host_port);
}

static bool is_ipv4_port(const PortSpec *p) {
        return p->family == AF_UNSPEC || p->family == AF_INET;
}

/* The container address an element points at: "elements = { tcp . 8080 : 10.88.0.5 . 80 }". */
static int element_target(struct nft_ctx *ctx, const PortSpec *p, struct in_addr *ret) {
        char key[128], cmd[192], a[INET_ADDRSTRLEN];
        const char *out, *colon;
        size_t n;
        int r;

        element_key(p, key, sizeof(key));
        snprintf(cmd, sizeof(cmd), "get element ip berth %s }", key);
        r = nft_run(ctx, cmd);
        if (r < 0)
                return r;
        out = strstr(sym_nft_ctx_get_output_buffer(ctx) ?: "", "elements = {");
        colon = out ? strstr(out, " : ") : NULL;
        if (!colon)
                return -ENOENT;
        colon += 3;
        n = strcspn(colon, " ");
        if (n >= sizeof(a))
                return -EIO;
        memcpy(a, colon, n);
        a[n] = 0;
        return inet_pton(AF_INET, a, ret) == 1 ? 0 : -EIO;
}

static int element_delete(struct nft_ctx *ctx, const PortSpec *p) {
        char key[128], cmd[192];

        element_key(p, key, sizeof(key));
        snprintf(cmd, sizeof(cmd), "delete element ip berth %s }", key);
        return nft_run(ctx, cmd);
}

int nft_unpublish(struct in_addr addr, const PortSpec *ports, size_t n_ports) {
        _cleanup_(ctx_freep) struct nft_ctx *ctx = NULL;
        _cleanup_free_ char *batch = NULL;
        size_t size = 0;
        FILE *f;
        int r, ret = 0;

        r = nft_new(&ctx);
        if (r < 0)
                return r;
        f = open_memstream(&batch, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n_ports; i++) {
                struct in_addr target;
                char key[128];

                if (!is_ipv4_port(ports + i))
                        continue;
                /* Only our own: a port we lost to a takeover is someone else's now. */
                r = element_target(ctx, ports + i, &target);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        if (ret == 0)
                                ret = r;
                        continue;
                }
                if (target.s_addr != addr.s_addr)
                        continue;
                element_key(ports + i, key, sizeof(key));
                fprintf(f, "delete element ip berth %s }\n", key);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        /* One transaction for all of them: each commit costs a few ms. */
        if (size > 0) {
                r = nft_run(ctx, batch);
                if (r < 0 && r != -ENOENT && ret == 0)
                        ret = r;
        }
        return ret;
}

/* "create element ip berth MAP { KEY : ADDRESS . PORT }": fails when another container has the key. */
static void create_command(const PortSpec *p, const char *a, char *buf, size_t size) {
        char key[128];

        element_key(p, key, sizeof(key));
        snprintf(buf, size, "create element ip berth %s : %s . %u }", key, a, p->container_port);
}

/* One element at a time: which port is taken, and by whom; stale elements taken over. */
static int publish_each(struct nft_ctx *ctx, struct in_addr addr, const char *a, const PortSpec *ports,
                        size_t n_ports, const PortSpec **ret_port, char **ret_owner, size_t *ret_done) {
        size_t i;
        int r = 0;

        for (i = 0; i < n_ports; i++) {
                const PortSpec *p = ports + i;
                char cmd[256];

                if (!is_ipv4_port(p))
                        continue;
                create_command(p, a, cmd, sizeof(cmd));
                r = nft_run(ctx, cmd);
                if (r == -EEXIST) {
                        /* Someone's: a live container's, or one a killed helper left behind. */
                        _cleanup_free_ char *owner = NULL;
                        struct in_addr held;

                        /* An element that points at our own address was left by its last
                         * holder (we hold its lease now): stale, whoever's it was. */
                        r = element_target(ctx, p, &held);
                        if (r >= 0)
                                r = held.s_addr == addr.s_addr ? 0 : lease_owner(held, &owner);
                        if (r > 0) {
                                *ret_port = p;
                                if (ret_owner)
                                        *ret_owner = TAKE_PTR(owner);
                                r = -EADDRINUSE;
                        } else if (r == 0) {
                                r = element_delete(ctx, p);
                                if (r >= 0)
                                        r = nft_run(ctx, cmd);
                        }
                }
                if (r < 0) {
                        if (r != -EADDRINUSE)
                                *ret_port = p;
                        break;
                }
        }
        *ret_done = i;
        return r;
}

int nft_publish(const NetworkConfig *c, struct in_addr addr, const PortSpec *ports, size_t n_ports,
                const PortSpec **ret_port, char **ret_owner) {
        _cleanup_(ctx_freep) struct nft_ctx *ctx = NULL;
        _cleanup_free_ char *batch = NULL;
        char a[INET_ADDRSTRLEN];
        size_t size = 0, done = 0;
        FILE *f;
        int r;

        r = nft_new(&ctx);
        if (r < 0)
                return r;
        inet_ntop(AF_INET, &addr, a, sizeof(a));

        /* The common case in one transaction, and without first making sure of the table (a
         * "create table" that fails costs as much as one that works: ~6 ms here). */
        f = open_memstream(&batch, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n_ports; i++) {
                char cmd[256];

                if (!is_ipv4_port(ports + i))
                        continue;
                create_command(ports + i, a, cmd, sizeof(cmd));
                fprintf(f, "%s\n", cmd);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (size == 0)
                return 0;
        r = nft_run(ctx, batch);
        if (r == -ENOENT) {
                r = nft_ensure_base(c, /* bridge_created= */ false);
                if (r >= 0)
                        r = nft_run(ctx, batch);
        }
        if (r != -EEXIST) {
                if (r < 0)
                        *ret_port = ports;
                return r;
        }

        /* A port is taken: all or nothing, so one by one to tell which, and whose. */
        r = publish_each(ctx, addr, a, ports, n_ports, ret_port, ret_owner, &done);
        if (r < 0) {
                (void) nft_unpublish(addr, ports, done);
                return r;
        }
        return 0;
}
