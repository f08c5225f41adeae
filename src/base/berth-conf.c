/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "path-util.h"
#include "paths.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"

#define CONFIG_SIZE_MAX (64U * 1024U)

void network_config_default(NetworkConfig *ret) {
        *ret = (NetworkConfig) { .bridge = NETWORK_BRIDGE_DEFAULT };
        (void) subnet4_parse(NETWORK_SUBNET_DEFAULT, &ret->subnet, &ret->prefix);
}

static int split_prefix(const char *s, char *addr, size_t size, unsigned *ret_prefix) {
        const char *slash = strchr(s ?: "", '/');
        unsigned p;

        if (!slash || (size_t) (slash - s) >= size || safe_atou(slash + 1, &p) < 0)
                return -EINVAL;
        memcpy(addr, s, slash - s);
        addr[slash - s] = 0;
        *ret_prefix = p;
        return 0;
}

int subnet4_parse(const char *s, struct in_addr *ret_net, unsigned *ret_prefix) {
        char a[INET_ADDRSTRLEN];
        struct in_addr net;
        unsigned p;

        if (split_prefix(s, a, sizeof(a), &p) < 0 || p < 8 || p > 30 || inet_pton(AF_INET, a, &net) != 1)
                return -EINVAL;
        if (ntohl(net.s_addr) & (UINT32_MAX >> p))
                return -EINVAL; /* host bits set */
        *ret_net = net;
        *ret_prefix = p;
        return 0;
}

int subnet6_parse(const char *s, struct in6_addr *ret_net, unsigned *ret_prefix) {
        char a[INET6_ADDRSTRLEN];
        struct in6_addr net;
        unsigned p;

        if (split_prefix(s, a, sizeof(a), &p) < 0 || p < 64 || p > 124 || inet_pton(AF_INET6, a, &net) != 1)
                return -EINVAL;
        for (unsigned bit = p; bit < 128; bit++)
                if (net.s6_addr[bit / 8] & (0x80 >> (bit % 8)))
                        return -EINVAL;
        *ret_net = net;
        *ret_prefix = p;
        return 0;
}

uint32_t subnet4_first_host(unsigned prefix) {
        return 2;
}

uint32_t subnet4_last_host(unsigned prefix) {
        return (UINT32_C(1) << (32 - prefix)) - 2;
}

struct in_addr subnet4_host(struct in_addr net, uint32_t host) {
        return (struct in_addr) { .s_addr = htonl(ntohl(net.s_addr) + host) };
}

uint32_t subnet4_host_number(struct in_addr net, unsigned prefix, struct in_addr addr) {
        uint32_t mask = prefix == 0 ? 0 : UINT32_MAX << (32 - prefix), a = ntohl(addr.s_addr);
        uint32_t host = a & ~mask;

        if ((a & mask) != ntohl(net.s_addr) || host < subnet4_first_host(prefix) || host > subnet4_last_host(prefix))
                return 0;
        return host;
}

struct in6_addr subnet6_host(const struct in6_addr *net, uint32_t host) {
        struct in6_addr a = *net;

        for (int i = 15; i >= 12; i--) {
                a.s6_addr[i] |= host & 0xff;
                host >>= 8;
        }
        return a;
}

void container_mac_from_ipv4(struct in_addr addr, uint8_t ret[static 6]) {
        ret[0] = 0x02;
        ret[1] = 0x42;
        memcpy(ret + 2, &addr.s_addr, 4); /* network byte order: 10.88.0.2 → 0a:58:00:02 */
}

const char *subnet4_to_string(struct in_addr net, unsigned prefix, char *buf, size_t size) {
        char a[INET_ADDRSTRLEN];

        snprintf(buf, size, "%s/%u", inet_ntop(AF_INET, &net, a, sizeof(a)) ?: "?", prefix);
        return buf;
}

_printf_(4, 5) static int fail(char **ret_error, const char *path, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *why = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&why, fmt, ap) < 0)
                why = NULL;
        va_end(ap);
        if (ret_error && asprintf(ret_error, "%s:%u: %s", path, line, why ?: "invalid") < 0)
                *ret_error = NULL;
        return -EINVAL;
}

static bool bridge_name_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n >= IF_NAMESIZE || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *c = s; *c; c++)
                if (*c <= ' ' || *c == '/' || *c == ':' || *c >= 0x7f)
                        return false;
        return true;
}

/* podman's default: enough for any service, far too few to exhaust the host's PIDs. */
#define CONTAINERS_PIDS_LIMIT_DEFAULT 2048

void berth_config_default(BerthConfig *ret) {
        *ret = (BerthConfig) {
                .pids_limit = CONTAINERS_PIDS_LIMIT_DEFAULT,
                .userns = USERNS_HOST,
                .userns_pool_first = USERNS_POOL_FIRST_DEFAULT,
                .userns_pool_last = USERNS_POOL_LAST_DEFAULT,
        };
        network_config_default(&ret->network);
}

void berth_config_done(BerthConfig *c) {
        if (c)
                images_config_done(&c->images);
}

typedef enum Section {
        SECTION_NONE,
        SECTION_NETWORK,
        SECTION_CONTAINERS,
        SECTION_IMAGES,
} Section;

static int parse_network_key(NetworkConfig *c, const char *path, unsigned line, const char *key, const char *value,
                             unsigned *subnet6_line, char **ret_error) {
        if (streq(key, "Bridge")) {
                if (!bridge_name_is_valid(value))
                        return fail(ret_error, path, line, "key 'Bridge': '%s' is not an interface name (1…15 characters)",
                                    value);
                strcpy(c->bridge, value);
        } else if (streq(key, "Subnet")) {
                if (subnet4_parse(value, &c->subnet, &c->prefix) < 0)
                        return fail(ret_error, path, line,
                                    "key 'Subnet': '%s' is not an IPv4 subnet ADDRESS/8…30 with the host bits zero", value);
        } else if (streq(key, "Subnet6")) {
                if (isempty(value)) {
                        c->have_subnet6 = false;
                        return 0;
                }
                if (subnet6_parse(value, &c->subnet6, &c->prefix6) < 0)
                        return fail(ret_error, path, line,
                                    "key 'Subnet6': '%s' is not an IPv6 subnet ADDRESS/64…124 with the host bits zero",
                                    value);
                c->have_subnet6 = true;
                *subnet6_line = line;
        } else
                return fail(ret_error, path, line, "key '%s': unknown key in section [Network]", key);
        return 0;
}

static int parse_containers_key(BerthConfig *c, const char *path, unsigned line, const char *key, const char *value,
                                char **ret_error) {
        if (streq(key, "PidsLimit")) {
                uint64_t v;

                /* Empty, -1, infinity, max: no limit of berth's (systemd's DefaultTasksMax=). */
                if (isempty(value) || streq(value, "-1") || streq(value, "infinity") || streq(value, "max"))
                        c->pids_limit = UINT64_MAX;
                else if (safe_atou64(value, &v) < 0 || v == 0)
                        return fail(ret_error, path, line,
                                    "key 'PidsLimit': '%s' is not a positive number, -1, infinity or max", value);
                else
                        c->pids_limit = v;
        } else if (streq(key, "UserNS")) {
                _cleanup_free_ char *why = NULL;
                UserNSMode m;
                uint32_t size;
                int r = userns_mode_parse(value, &m, &size, &why);

                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return fail(ret_error, path, line, "key 'UserNS': %s", why ?: "invalid value");
                c->userns = m;
                c->userns_size = size;
        } else if (streq(key, "UserNSPool")) {
                if (userns_pool_parse(value, &c->userns_pool_first, &c->userns_pool_last) < 0)
                        return fail(ret_error, path, line,
                                    "key 'UserNSPool': '%s' is not FIRST-LAST with FIRST at least 65536 and FIRST and "
                                    "LAST+1 multiples of 65536, below 2^32 - 1 (e.g. 0x80000-0x6FFFFFFF)",
                                    value);
        } else
                return fail(ret_error, path, line, "key '%s': unknown key in section [Containers]", key);
        return 0;
}

static int parse_id(const char *s, size_t n, uint64_t *ret) {
        char buf[24], *end;
        unsigned long long v;

        if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        errno = 0;
        v = strtoull(buf, &end, startswith(buf, "0x") || startswith(buf, "0X") ? 16 : 10);
        if (errno != 0 || *end || v > UINT32_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

int userns_pool_parse(const char *s, uint32_t *ret_first, uint32_t *ret_last) {
        const char *dash = s ? strchr(s, '-') : NULL;
        uint64_t first, last;

        if (!dash || parse_id(s, (size_t) (dash - s), &first) < 0 || parse_id(dash + 1, strlen(dash + 1), &last) < 0)
                return -EINVAL;
        /* Below 65536: the host's own users. 2^32 - 1 is no ID at all (the kernel's -1). */
        if (first < USERNS_BLOCK_SIZE || last < first || last >= UINT32_MAX || first % USERNS_BLOCK_SIZE != 0 ||
            (last + 1) % USERNS_BLOCK_SIZE != 0)
                return -EINVAL;
        *ret_first = (uint32_t) first;
        *ret_last = (uint32_t) last;
        return 0;
}

/* A list of registries, space-separated: each HOST[:PORT]. An assignment adds to what earlier
 * lines of the file gave, an empty one resets the list to none. */
static int parse_registry_list(char ***list, bool *set, const char *path, unsigned line, const char *key,
                               const char *value, char **ret_error) {
        _cleanup_free_ char *copy = strdup(value);
        char *word, *save = NULL;
        int r;

        if (!copy)
                return -ENOMEM;
        if (!*set || isempty(value)) {
                *list = strv_free(*list);
                *list = strv_copy((char *[]) { NULL });
                if (!*list)
                        return -ENOMEM;
                *set = true;
        }
        for (word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
                if (!reference_domain_is_valid(word) || strchr(word, '/'))
                        return fail(ret_error, path, line, "key '%s': '%s' is not a registry, HOST[:PORT]", key,
                                    SHOWN(word));
                if (strv_contains(*list, word))
                        continue;
                r = strv_extend(list, word);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_alias(ImagesConfig *c, const char *path, unsigned line, const char *value, char **ret_error) {
        _cleanup_(reference_done) Reference name = REFERENCE_NULL, target = REFERENCE_NULL;
        _cleanup_free_ char *why = NULL, *n = NULL;
        const char *eq = strchr(value, '=');
        int r;

        if (!eq)
                return fail(ret_error, path, line, "key 'Alias': '%s' is not NAME=REFERENCE", SHOWN(value));
        n = strndup(value, eq - value);
        if (!n)
                return -ENOMEM;
        if (reference_parse(n, &name, &why) < 0)
                return fail(ret_error, path, line, "key 'Alias': %s", why);
        if (name.domain || name.digest)
                return fail(ret_error, path, line, "key 'Alias': '%s' is not a short name (NAME or NAME:TAG)", SHOWN(n));
        if (reference_parse(eq + 1, &target, &why) < 0)
                return fail(ret_error, path, line, "key 'Alias': %s", why);
        if (!target.domain)
                return fail(ret_error, path, line, "key 'Alias': '%s' does not name its registry (REGISTRY/PATH)",
                            SHOWN(eq + 1));
        if (streq(target.domain, REFERENCE_LOCAL_DOMAIN))
                return fail(ret_error, path, line, "key 'Alias': '%s' is a local image, not a registry's",
                            SHOWN(eq + 1));
        if (images_config_alias(c, n))
                return fail(ret_error, path, line, "key 'Alias': '%s' has an alias already", SHOWN(n));
        r = strv_extend(&c->aliases, n);
        if (r < 0)
                return r;
        return strv_extend(&c->aliases, eq + 1);
}

typedef struct ImagesState {
        bool search_set, insecure_set;
} ImagesState;

static int parse_images_key(ImagesConfig *c, ImagesState *st, const char *path, unsigned line, const char *key,
                            const char *value, char **ret_error) {
        if (streq(key, "SearchRegistries"))
                return parse_registry_list(&c->search_registries, &st->search_set, path, line, key, value, ret_error);
        if (streq(key, "InsecureRegistries"))
                return parse_registry_list(&c->insecure_registries, &st->insecure_set, path, line, key, value,
                                           ret_error);
        if (streq(key, "Alias"))
                return parse_alias(c, path, line, value, ret_error);
        return fail(ret_error, path, line, "key '%s': unknown key in section [Images]", key);
}

int berth_config_load(const char *path, BerthConfig *ret, char **ret_error) {
        _cleanup_free_ char *text = NULL, *default_path = NULL;
        _cleanup_(berth_config_done) BerthConfig c = {};
        ImagesState images_state = {};
        Section section = SECTION_NONE;
        unsigned line = 0, subnet6_line = 0;
        char *p, *next;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (!path)
                path = secure_getenv("BERTH_CONFIG");
        if (!path) {
                default_path = path_join(berth_config_dir(), "berth.conf");
                if (!default_path)
                        return -ENOMEM;
                path = default_path;
        }
        berth_config_default(&c);

        r = read_full_file_at(AT_FDCWD, path, CONFIG_SIZE_MAX, &text, NULL);
        if (r == -ENOENT) {
                *ret = c;
                c.images = (ImagesConfig) {};
                return 0;
        }
        if (r == -EFBIG)
                return fail(ret_error, path, 0, "larger than %u KiB", CONFIG_SIZE_MAX / 1024);
        if (r < 0)
                return r;

        for (p = text; p; p = next) {
                char *l, *eq, *key, *value;

                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                line++;
                l = strstrip(p);
                if (!*l || *l == '#' || *l == ';')
                        continue;
                if (*l == '[') {
                        if (streq(l, "[Network]"))
                                section = SECTION_NETWORK;
                        else if (streq(l, "[Containers]"))
                                section = SECTION_CONTAINERS;
                        else if (streq(l, "[Images]"))
                                section = SECTION_IMAGES;
                        else
                                return fail(ret_error, path, line, "unknown section '%s'", l);
                        continue;
                }
                eq = strchr(l, '=');
                if (!eq)
                        return fail(ret_error, path, line, "key '%s': missing '='", l);
                *eq = 0;
                key = strstrip(l);
                value = strstrip(eq + 1);
                switch (section) {
                case SECTION_NETWORK:
                        r = parse_network_key(&c.network, path, line, key, value, &subnet6_line, ret_error);
                        break;
                case SECTION_CONTAINERS:
                        r = parse_containers_key(&c, path, line, key, value, ret_error);
                        break;
                case SECTION_IMAGES:
                        r = parse_images_key(&c.images, &images_state, path, line, key, value, ret_error);
                        break;
                case SECTION_NONE:
                default:
                        r = fail(ret_error, path, line, "key '%s': not in a section ([Network], [Containers], [Images])", key);
                        break;
                }
                if (r < 0)
                        return r;
        }
        /* A container's v6 host number is its v4 one: the v6 subnet must have room for all. */
        if (c.network.have_subnet6 && 128U - c.network.prefix6 < 32U - c.network.prefix)
                return fail(ret_error, path, subnet6_line,
                            "key 'Subnet6': a /%u has fewer host addresses than Subnet= /%u (a container's IPv6 host number is its IPv4 one)",
                            (unsigned) c.network.prefix6, (unsigned) c.network.prefix);
        *ret = c;
        c.images = (ImagesConfig) {};
        return 0;
}

int network_config_load(const char *path, NetworkConfig *ret, char **ret_error) {
        BerthConfig c;
        int r;

        r = berth_config_load(path, &c, ret_error);
        if (r < 0)
                return r;
        *ret = c.network;
        berth_config_done(&c);
        return 0;
}
