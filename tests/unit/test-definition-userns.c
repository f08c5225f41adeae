/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UserNS=, UIDMap=, GIDMap= (issue 18): good and bad values, the round trip through
 * definition_to_string(), the refusals across keys, the flags, berth.conf's [Containers]
 * UserNS= and UserNSPool=, and which mode a container runs with. */
#include <stdlib.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "definition-builder.h"
#include "definition.h"
#include "string-util.h"
#include "tap.h"

static Definition *parse(const char *keys, char **ret_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=localhost/x\n", keys, "\n");
        Definition *d = NULL;

        if (definition_parse_string(text, "t.container", "t", &d, ret_error) < 0)
                return NULL;
        return d;
}

/* Parses keys, writes the result out and parses that: equal. */
static bool round_trip(const char *keys) {
        _cleanup_(definition_freep) Definition *a = parse(keys, NULL), *b = NULL;
        _cleanup_free_ char *text = NULL;

        if (!a || definition_to_string(a, &text) < 0)
                return false;
        if (definition_parse_string(text, "t.container", "t", &b, NULL) < 0)
                return false;
        return definition_equal(a, b);
}

static void refused(const char *keys, const char *why_part) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(definition_freep) Definition *d = parse(keys, &error);

        ok(!d && error && strstr(error, why_part) && !strchr(error, '\n'), "refused, one line: %s → %s", keys,
           error ?: "(accepted)");
}

static UserNSMode effective(const Definition *d, UserNSMode conf_mode, uint32_t conf_size, uint32_t *ret_size) {
        UserNSPeers peers = definition_userns_peers(d);

        return userns_mode_effective(&d->userns_fields, &peers, conf_mode, conf_size, ret_size);
}

int main(void) {
        _cleanup_free_ char *error = NULL;

        /* ---- UserNS= ---- */
        {
                _cleanup_(definition_freep) Definition *d = parse("", NULL);

                ok(d && d->userns == USERNS_HOST && !d->userns_set && d->n_uid_map == 0, "unset: host, not set");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=auto", NULL);

                ok(d && d->userns == USERNS_AUTO && d->userns_size == 0 && d->userns_set, "UserNS=auto");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=auto:size=131072", NULL);

                ok(d && d->userns == USERNS_AUTO && d->userns_size == 131072, "UserNS=auto:size=131072");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=private", NULL);

                ok(d && d->userns == USERNS_PRIVATE, "UserNS=private");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=host", NULL);

                ok(d && d->userns == USERNS_HOST && d->userns_set, "UserNS=host, set");
        }
        refused("UserNS=keep-id", "rootless");
        refused("UserNS=keep-id:uid=1000", "rootless");
        refused("UserNS=nomap", "rootless");
        refused("UserNS=auto:uidmapping=0:1:2", "uidmapping");
        refused("UserNS=auto:size=10,gidmapping=0:1:2", "uidmapping");
        refused("UserNS=auto:size=0", "size=");
        refused("UserNS=auto:size=-1", "size=");
        refused("UserNS=auto:size=4294967296", "size=");
        refused("UserNS=auto:foo=1", "only option");
        refused("UserNS=ns:/proc/1/ns/user", "another user namespace");
        refused("UserNS=container:x", "another user namespace");
        refused("UserNS=Host", "not host, auto");
        refused("UserNS=", "empty");

        /* ---- UIDMap=, GIDMap= ---- */
        {
                _cleanup_(definition_freep) Definition *d = parse("UIDMap=0:100000:65536", NULL);

                ok(d && d->userns == USERNS_MAP && d->n_uid_map == 1 && d->n_gid_map == 1 && d->gid_map[0].outside == 100000 &&
                           d->gid_map[0].count == 65536,
                   "UIDMap= alone stands for GIDMap= too");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("GIDMap=0:200000:10", NULL);

                ok(d && d->n_uid_map == 1 && d->uid_map[0].outside == 200000, "GIDMap= alone stands for UIDMap= too");
        }
        {
                _cleanup_(definition_freep) Definition *d =
                        parse("UIDMap=0:100000:1000\nUIDMap=1000:1000:1\nUIDMap=1001:101001:64535\nGIDMap=0:300000:65536",
                              NULL);

                ok(d && d->n_uid_map == 3 && d->uid_map[1].inside == 1000 && d->uid_map[1].outside == 1000 &&
                           d->n_gid_map == 1 && d->gid_map[0].outside == 300000,
                   "several UIDMap= entries, a GIDMap= of its own");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UIDMap=0:100000:10\nUIDMap=\nUIDMap=0:5:1", NULL);

                ok(d && d->n_uid_map == 1 && d->uid_map[0].outside == 5, "an empty UIDMap= resets the list");
        }
        refused("UIDMap=0:100000:0", "SIZE 0");
        refused("UIDMap=1:100000:10", "container ID 0");
        refused("UIDMap=0:100000:10\nUIDMap=5:200000:10", "overlaps");
        refused("UIDMap=10:100000:10\nUIDMap=0:200000:10", "comes before");
        refused("UIDMap=0:100000:10\nUIDMap=10:100005:10", "same host IDs");
        refused("UIDMap=0:100000", "CONTAINER:HOST:SIZE");
        refused("UIDMap=0:100000:x", "CONTAINER:HOST:SIZE");
        refused("UIDMap=0:-1:10", "CONTAINER:HOST:SIZE");
        refused("UIDMap=0:@1000:10", "rootless forms");
        refused("UIDMap=+0:1000:10", "rootless forms");
        refused("UIDMap=u0:1000:10", "rootless forms");
        refused("UIDMap=root:0:1", "CONTAINER:HOST:SIZE");
        refused("UIDMap=0:4294967290:10", "runs past");
        refused("GIDMap=0:100000:10\nGIDMap=0:200000:10", "overlaps");

        /* ---- across keys ---- */
        refused("UserNS=host\nUIDMap=0:100000:10", "one or the other");
        refused("UIDMap=0:100000:10\nUserNS=auto", "picks the range itself");
        refused("UserNS=private\nGIDMap=0:100000:10", "picks the range itself");
        refused("UserNS=auto\nPrivileged=yes", "Privileged=yes");
        refused("Privileged=yes\nUIDMap=0:100000:65536", "Privileged=yes");
        refused("UserNS=auto\nNetwork=host", "Network=host");
        refused("UserNS=auto\nPID=host", "PID=host");
        refused("UserNS=private\nIPC=host", "IPC=host");
        refused("UserNS=auto\nCgroupNS=host", "CgroupNS=host");
        refused("UserNS=auto\nNetwork=container:other", "another container's namespace");
        refused("UserNS=auto\nPID=container:other", "another container's namespace");
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=host\nPrivileged=yes\nNetwork=host", NULL);

                ok(d != NULL, "UserNS=host with Privileged= and Network=host");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("UserNS=auto\nUTS=host", NULL);

                ok(d != NULL, "UTS=host needs nothing mounted: allowed with a range");
        }

        /* ---- the round trip ---- */
        ok(round_trip("UserNS=auto"), "round trip: auto");
        ok(round_trip("UserNS=auto:size=200000"), "round trip: auto:size=");
        ok(round_trip("UserNS=private"), "round trip: private");
        ok(round_trip("UserNS=host"), "round trip: an explicit host");
        ok(round_trip("UIDMap=0:100000:1000\nUIDMap=1000:1000:1\nGIDMap=0:300000:65536"), "round trip: maps");
        ok(round_trip("GIDMap=0:300000:65536"), "round trip: GIDMap= alone");
        {
                _cleanup_(definition_freep) Definition *a = parse("UserNS=auto", NULL), *b = parse("UserNS=private", NULL),
                                                       *c = parse("", NULL), *e = parse("UserNS=host", NULL);

                ok(a && b && c && e && !definition_equal(a, b) && !definition_equal(c, e), "modes differ, and unset from host");
        }

        /* ---- the flags ---- */
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL;

                ok(definition_builder_add(&b, "IMAGE", "localhost/x") == 0 &&
                           definition_builder_add(&b, "--uidmap", "0:100000:65536") == 0 &&
                           definition_builder_add(&b, "--gidmap", "0:200000:65536") == 0,
                   "--uidmap, --gidmap");
                ok(definition_builder_parse(&b, "t", &text, &d, NULL) == 0 && d->userns == USERNS_MAP &&
                           d->gid_map[0].outside == 200000,
                   "built: %s", text ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *err = NULL;

                ok(definition_builder_add(&b, "IMAGE", "localhost/x") == 0 &&
                           definition_builder_add(&b, "--userns", "host") == 0 &&
                           definition_builder_add(&b, "--uidmap", "0:100000:65536") == 0,
                   "--userns host --uidmap");
                ok(definition_builder_parse(&b, "t", &text, &d, &err) == -EINVAL && err && strstr(err, "one or the other"),
                   "--userns host with --uidmap refused: %s", err ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *err = NULL;

                ok(definition_builder_add(&b, "IMAGE", "localhost/x") == 0 &&
                           definition_builder_add(&b, "--userns", "auto:size=bad") == 0,
                   "--userns auto:size=bad");
                ok(definition_builder_parse(&b, "t", &text, &d, &err) == -EINVAL && err && strstr(err, "--userns"),
                   "named by its option: %s", err ?: "");
        }

        /* ---- berth.conf ---- */
        {
                char path[] = "/tmp/berth-test-userns-conf.XXXXXX";
                int fd = mkstemp(path);
                BerthConfig c;

                berth_config_default(&c);
                ok(c.userns == USERNS_HOST && c.userns_pool_first == 0x80000 && c.userns_pool_last == 0x6FFFFFFF,
                   "defaults: host, systemd's container range");
                ok(fd >= 0 && write(fd, "[Containers]\nUserNS=auto:size=131072\nUserNSPool=0x100000-0x1FFFFF\n", 66) == 66,
                   "a berth.conf");
                ok(berth_config_load(path, &c, &error) == 0 && c.userns == USERNS_AUTO && c.userns_size == 131072 &&
                           c.userns_pool_first == 0x100000 && c.userns_pool_last == 0x1FFFFF,
                   "[Containers] UserNS=, UserNSPool= read");
                berth_config_done(&c);
                unlink(path);
                if (fd >= 0)
                        close(fd);
        }
        {
                uint32_t a, b;

                ok(userns_pool_parse("524288-1879048191", &a, &b) == 0 && a == 0x80000 && b == 0x6FFFFFFF, "decimal pool");
                ok(userns_pool_parse("0x0-0xFFFF", &a, &b) < 0, "a pool with the host's own users refused");
                ok(userns_pool_parse("0x80001-0x6FFFFFFF", &a, &b) < 0, "an unaligned FIRST refused");
                ok(userns_pool_parse("0x80000-0x6FFFFFFE", &a, &b) < 0, "an unaligned LAST refused");
                ok(userns_pool_parse("0x90000-0x8FFFF", &a, &b) < 0, "LAST before FIRST refused");
                ok(userns_pool_parse("0x80000", &a, &b) < 0, "no LAST refused");
                ok(userns_pool_parse("0x80000-0xFFFFFFFF", &a, &b) < 0, "2^32 - 1 refused");
        }

        /* ---- the mode a container runs with ---- */
        {
                _cleanup_(definition_freep) Definition *plain = parse("", NULL), *host = parse("UserNS=host", NULL),
                                                       *priv = parse("Privileged=yes", NULL), *net = parse("Network=host", NULL),
                                                       *mine = parse("UserNS=auto:size=70000", NULL);
                uint32_t size = 1;

                ok(effective(plain, USERNS_HOST, 0, &size) == USERNS_HOST && size == 0, "unset, default host: host");
                ok(effective(plain, USERNS_AUTO, 5, &size) == USERNS_AUTO && size == 5, "unset, default auto: auto");
                ok(effective(host, USERNS_AUTO, 0, NULL) == USERNS_HOST, "an explicit host wins over the default");
                ok(effective(priv, USERNS_AUTO, 0, NULL) == USERNS_HOST, "Privileged= keeps the host's IDs");
                ok(effective(net, USERNS_PRIVATE, 0, NULL) == USERNS_HOST, "Network=host keeps the host's IDs");
                ok(effective(mine, USERNS_PRIVATE, 0, &size) == USERNS_AUTO && size == 70000, "its own wins");
        }

        return tap_finish();
}
