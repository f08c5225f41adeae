/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "fd-util.h"
#include "string-util.h"
#include "tap.h"

static const char *ntoa(struct in_addr a) {
        static char buf[INET_ADDRSTRLEN];
        return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

static char dir[] = "/tmp/test-berth-conf.XXXXXX";

static int load(const char *text, NetworkConfig *c, char **error) {
        _cleanup_free_ char *path = strjoin(dir, "/berth.conf");

        if (write_string_file(path, text, 0644, false) < 0)
                return -EIO;
        return network_config_load(path, c, error);
}

static void load_bad(const char *text, const char *expect) {
        _cleanup_free_ char *error = NULL, *full = strjoin(dir, "/berth.conf:", expect);
        NetworkConfig c;

        ok(load(text, &c, &error) == -EINVAL, "refused: %s", expect);
        ok_streq(error, full);
}

int main(void) {
        NetworkConfig c;
        struct in_addr net, a;
        struct in6_addr net6, h6;
        unsigned prefix;
        char buf[64];

        ok(subnet4_parse("10.88.0.0/16", &net, &prefix) == 0 && prefix == 16, "10.88.0.0/16");
        ok_streq(ntoa(net), "10.88.0.0");
        ok_streq(subnet4_to_string(net, prefix, buf, sizeof(buf)), "10.88.0.0/16");
        ok(subnet4_parse("10.88.0.1/16", &net, &prefix) < 0, "host bits set");
        ok(subnet4_parse("10.88.0.0/31", &net, &prefix) < 0, "/31 too small");
        ok(subnet4_parse("10.0.0.0/7", &net, &prefix) < 0, "/7 too big");
        ok(subnet4_parse("10.88.0.0", &net, &prefix) < 0, "no prefix");
        ok(subnet4_parse("10.88.0.0/x", &net, &prefix) < 0, "bad prefix");
        ok(subnet4_parse("fd00::/64", &net, &prefix) < 0, "IPv6 is not IPv4");

        ok_eq_int(subnet4_first_host(16), 2);
        ok_eq_int(subnet4_last_host(16), 65534);
        ok_eq_int(subnet4_last_host(30), 2);
        ok_eq_int(subnet4_last_host(29), 6);
        (void) subnet4_parse("10.88.0.0/16", &net, &prefix);
        ok_streq(ntoa(subnet4_host(net, 2)), "10.88.0.2");
        ok_streq(ntoa(subnet4_host(net, 258)), "10.88.1.2");
        inet_pton(AF_INET, "10.88.1.2", &a);
        ok_eq_int(subnet4_host_number(net, 16, a), 258);
        inet_pton(AF_INET, "10.88.0.1", &a);
        ok_eq_int(subnet4_host_number(net, 16, a), 0);
        inet_pton(AF_INET, "10.88.255.255", &a);
        ok_eq_int(subnet4_host_number(net, 16, a), 0);
        inet_pton(AF_INET, "10.89.0.2", &a);
        ok_eq_int(subnet4_host_number(net, 16, a), 0);

        ok(subnet6_parse("fd88::/64", &net6, &prefix) == 0 && prefix == 64, "fd88::/64");
        ok(subnet6_parse("fd88::1/64", &net6, &prefix) < 0, "v6 host bits set");
        ok(subnet6_parse("fd88::/48", &net6, &prefix) < 0, "v6 /48 refused");
        (void) subnet6_parse("fd88::/64", &net6, &prefix);
        h6 = subnet6_host(&net6, 258);
        ok_streq(inet_ntop(AF_INET6, &h6, buf, sizeof(buf)), "fd88::102");

        {
                uint8_t mac[6];
                char m[18];

                container_mac_from_ipv4(subnet4_host(net, 258), mac);
                snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
                ok_streq(m, "02:42:0a:58:01:02");
                ok(!(mac[0] & 1) && (mac[0] & 2), "the MAC is unicast and locally administered");
        }

        if (!mkdtemp(dir))
                return tap_finish();
        ok(network_config_load("/nonexistent/berth.conf", &c, NULL) == 0, "a missing file gives the defaults");
        ok_streq(c.bridge, "berth0");
        ok_streq(ntoa(c.subnet), "10.88.0.0");
        ok(c.prefix == 16 && !c.have_subnet6, "default /16, no IPv6");

        ok(load("# mine\n[Network]\nBridge = br-test\nSubnet=10.99.0.0/29\nSubnet6=fd99::/120\n", &c, NULL) == 0,
           "a full file");
        ok_streq(c.bridge, "br-test");
        ok_streq(ntoa(c.subnet), "10.99.0.0");
        ok(c.prefix == 29 && c.have_subnet6 && c.prefix6 == 120, "prefixes");

        load_bad("[Network]\nBridge=0123456789abcdef\n",
                 "2: key 'Bridge': '0123456789abcdef' is not an interface name (1…15 characters)");
        load_bad("[Network]\nSubnet=10.88.0.1/16\n",
                 "2: key 'Subnet': '10.88.0.1/16' is not an IPv4 subnet ADDRESS/8…30 with the host bits zero");
        load_bad("[Network]\nSubnet6=fd88::/32\n",
                 "2: key 'Subnet6': 'fd88::/32' is not an IPv6 subnet ADDRESS/64…124 with the host bits zero");
        load_bad("[Network]\nSubnet6=fd88::/124\n",
                 "2: key 'Subnet6': a /124 has fewer host addresses than Subnet= /16 (a container's IPv6 host number is its IPv4 one)");
        load_bad("[Network]\nSubnet6=fd88::/120\nSubnet=10.1.0.0/23\n",
                 "2: key 'Subnet6': a /120 has fewer host addresses than Subnet= /23 (a container's IPv6 host number is its IPv4 one)");
        ok(load("[Network]\nSubnet=10.1.0.0/24\nSubnet6=fd88::/120\n", &c, NULL) == 0, "a v6 subnet as large as the v4 one");
        load_bad("[Network]\nGateway=10.0.0.1\n", "2: key 'Gateway': unknown key in section [Network]");
        load_bad("[Net]\n", "1: unknown section '[Net]'");
        load_bad("Bridge=x\n", "1: key 'Bridge': not in a section ([Network], [Containers], [Images])");
        load_bad("[Network]\nBridge\n", "2: key 'Bridge': missing '='");

        /* [Containers]: the defaults of every container. */
        {
                _cleanup_free_ char *path = strjoin(dir, "/berth.conf");
                BerthConfig b;

                ok(write_string_file(path, "[Network]\nBridge=br1\n", 0644, false) == 0 &&
                           berth_config_load(path, &b, NULL) == 0 && b.pids_limit == 2048,
                   "without [Containers], a container's tasks are limited to podman's 2048");
                ok(write_string_file(path, "[Containers]\nPidsLimit=100\n[Network]\nBridge=br1\n", 0644, false) == 0 &&
                           berth_config_load(path, &b, NULL) == 0 && b.pids_limit == 100 && streq(b.network.bridge, "br1"),
                   "PidsLimit=100, and [Network] after it");
                ok(load("[Containers]\nPidsLimit=7\n", &c, NULL) == 0 && streq(c.bridge, "berth0"),
                   "the network's loader takes a file with [Containers]");
                ok(write_string_file(path, "[Containers]\nPidsLimit=max\n", 0644, false) == 0 &&
                           berth_config_load(path, &b, NULL) == 0 && b.pids_limit == UINT64_MAX,
                   "PidsLimit=max: none");
                ok(write_string_file(path, "[Containers]\nPidsLimit=\n", 0644, false) == 0 &&
                           berth_config_load(path, &b, NULL) == 0 && b.pids_limit == UINT64_MAX,
                   "PidsLimit= empty: none");
                load_bad("[Containers]\nPidsLimit=0\n",
                         "2: key 'PidsLimit': '0' is not a positive number, -1, infinity or max");
                load_bad("[Containers]\nMemory=1G\n", "2: key 'Memory': unknown key in section [Containers]");
                unlink(path);
                rmdir(dir);
        }
        return tap_finish();
}
