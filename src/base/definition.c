/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container definition parser. Everything a definition file may say is in the key table
 * below; what is not there is refused, with FILE:LINE, so a file can never pass anything on to
 * systemd or the runtime that berth did not decide to support. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "config.h"
#include "definition-format.h"
#include "definition-mounts.h"
#include "definition-health.h"
#include "definition-list.h"
#include "definition-ports.h"
#include "definition-process.h"
#include "definition-quote.h"
#include "volume-unit.h" /* and definition-unit.h */
#include "definition-values.h"
#include "definition.h"
#include "env-expand.h"
#include "env.h"
#include "fd-util.h"
#include "hashmap.h"
#include "health.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "port.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"
#include "sysctl.h"
#include "time-util.h"
#include "volume-spec.h"

/* ---- parsers: one per kind of value; value is stripped (and, for keys that do not take words,
 * unquoted); list is the key's own; on -EINVAL *ret_why says why ---- */

typedef int (*DefinitionParser)(Definition *d, void *field, ListState *list, const char *value, char **ret_why);

/* The words of value (definition-quote.h), specifiers resolved. */
static int split_words_full(const Definition *d, const char *value, SplitFlags flags, char ***ret, char **ret_why) {
        return definition_words_parse(value, flags, d->name, ret, ret_why);
}

static int split_words(const Definition *d, const char *value, char ***ret, char **ret_why) {
        return split_words_full(d, value, SPLIT_CUNESCAPE, ret, ret_why);
}

/* Unit names and capabilities: systemd's strv keys keep backslashes. */
static int split_strv(const Definition *d, const char *value, char ***ret, char **ret_why) {
        return split_words_full(d, value, 0, ret, ret_why);
}

static int require_value(const char *value, char **ret_why) {
        return isempty(value) ? reason(ret_why, -EINVAL, "empty value") : 0;
}

static int parse_image(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_(reference_done) Reference ref = REFERENCE_NULL;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        /* Any reference docker takes: a short name ("nginx", found locally or in berth.conf's search
         * registries), a full one, a digest. Which image it is gets decided at the start. */
        r = reference_parse(value, &ref, ret_why);
        if (r < 0)
                return r;
        return free_and_strdup(field, value);
}

static int parse_command(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        char ***l = field, **n = NULL;
        int r;

        r = split_words(d, value, &n, ret_why);
        if (r < 0)
                return r;
        strv_free(*l);
        *l = n;
        return 0;
}

/* K=V, or K alone: K's value where the container starts (podman's --env K, which Quadlet
 * writes for it), left out when it has none. */
static int check_environment(const char *w, char **ret_why) {
        if (!env_assignment_is_valid(w) && !env_name_is_valid(w))
                return reason(ret_why, -EINVAL,
                               "'%s' is not an assignment K=V, or a variable's name K, with K matching [A-Za-z_][A-Za-z0-9_]*",
                               SHOWN(w));
        return 0;
}

static int parse_environment(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return list_parse_assignments(d->name, field, list, value, ret_why, check_environment);
}

static int check_sysctl(const char *w, char **ret_why) {
        int r = sysctl_check(w);

        if (r == -EPERM)
                return reason(ret_why, -EINVAL, "'%s' is not a setting of the container's own namespaces (net.*, fs.mqueue.*, "
                               "kernel.domainname, kernel.msg*, kernel.sem, kernel.shm*)",
                               SHOWN(w));
        if (r < 0)
                return reason(ret_why, -EINVAL, "'%s' is not KEY=VALUE with a dotted KEY ([A-Za-z0-9_-] between the dots) and a VALUE "
                               "without newlines or '+'",
                               SHOWN(w));
        return 0;
}

static int parse_sysctl(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return list_parse_assignments(d->name, field, list, value, ret_why, check_sysctl);
}

static int parse_environment_file(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_free_ char *dir = NULL, *abs = NULL;

        if (isempty(value)) {
                list_reset(field, list);
                return 0;
        }
        /* Relative to the definition's directory, as Quadlet has it. */
        if (!path_is_absolute(value) && (dir = definition_dir_of(d->path))) {
                int r = definition_path_resolve(dir, value, &abs);
                if (r < 0)
                        return r;
                value = abs;
        }
        if (!path_is_absolute(value) || string_has_control_chars(value))
                return reason(ret_why, -EINVAL, "'%s' is not an absolute path (or one relative to the definition's directory)",
                              SHOWN(value));
        return list_extend(field, list, value);
}

static int parse_working_dir(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (!path_is_absolute(value) || !path_is_normalized(value) || string_has_control_chars(value))
                return reason(ret_why, -EINVAL, "'%s' is not an absolute, normalised path", SHOWN(value));
        return free_and_strdup(field, value);
}

static int parse_user(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (!definition_user_is_valid(value))
                return reason(
                        ret_why, -EINVAL,
                        "'%s' is not USER or USER:GROUP (names matching [a-z_][a-z0-9_-]*, or numbers)",
                        SHOWN(value));
        return free_and_strdup(field, value);
}

static int parse_hostname(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (!definition_hostname_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a valid host name (RFC 1123, at most %d characters)",
                               SHOWN(value), HOSTNAME_MAX);
        return free_and_strdup(field, value);
}

static int parse_memory(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        uint64_t v;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (parse_size(value, &v) < 0 || v == UINT64_MAX)
                return reason(ret_why, -EINVAL, "'%s' is not a size (e.g. 512M, 2G)", SHOWN(value));
        /* Less, and the payload is killed by the OOM killer before it runs, with no word said
         * (docker refuses less than 6M too). */
        if (v < DEFINITION_MEMORY_MIN)
                return reason(ret_why, -EINVAL, "'%s' is less than %" PRIu64 "M, the least memory a container can start with",
                               SHOWN(value), DEFINITION_MEMORY_MIN >> 20);
        *(uint64_t *) field = v;
        return 0;
}

static int parse_cpu_weight(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        uint64_t v;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (safe_atou64(value, &v) < 0 || v < 1 || v > 10000)
                return reason(ret_why, -EINVAL, "'%s' is not a number in 1…10000", SHOWN(value));
        *(uint64_t *) field = v;
        return 0;
}

static int parse_pids_limit(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        uint64_t v;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (streq(value, "-1") || streq(value, "infinity") || streq(value, "max"))
                v = UINT64_MAX;
        else if (safe_atou64(value, &v) < 0 || v == 0)
                return reason(ret_why, -EINVAL, "'%s' is not a positive number, -1, infinity or max", SHOWN(value));
        *(uint64_t *) field = v;
        return 0;
}

static int parse_capabilities(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_strv_free_ char **words = NULL;
        uint64_t mask = 0;
        int r;

        if (isempty(value)) {
                *(uint64_t *) field = 0;
                return 0;
        }
        r = split_strv(d, value, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                uint64_t m;

                r = definition_capability_from_word(*w, &m);
                if (r == -EINVAL)
                        return reason(ret_why, -EINVAL, "'%s' is not a capability name (e.g. NET_ADMIN, CAP_SYS_TIME, ALL)",
                                       SHOWN(*w));
                if (r < 0)
                        return r;
                mask |= m;
        }
        *(uint64_t *) field |= mask;
        return 0;
}

static int parse_bool(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        r = parse_boolean(value);
        if (r < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a boolean (yes or no)", SHOWN(value));
        *(bool *) field = r;
        return 0;
}

/* docker's default profile (confine.h), none, or a docker/OCI JSON profile file of one's own
 * (seccomp-profile.h), read at every start and exec with the helper's privileges. */
static int parse_seccomp_profile(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (streq(value, "default") || streq(value, "unconfined")) {
                d->seccomp_unconfined = streq(value, "unconfined");
                free(d->process.seccomp_profile);
                d->process.seccomp_profile = NULL;
                return 0;
        }
        if (!path_is_absolute(value) || !path_is_normalized(value) || string_has_control_chars(value))
                return reason(ret_why, -EINVAL, "'%s' is not default, unconfined or the absolute path of a JSON profile",
                               SHOWN(value));
        r = free_and_strdup(&d->process.seccomp_profile, value);
        if (r < 0)
                return r;
        d->seccomp_unconfined = false;
        return 0;
}

static int format_seccomp_profile(FILE *f, const char *key, const Definition *d, const void *field) {
        if (d->process.seccomp_profile) {
                _cleanup_free_ char *q = definition_value_quote(d->process.seccomp_profile);

                if (!q)
                        return -ENOMEM;
                fprintf(f, "%s=%s\n", key, q);
                return 0;
        }
        return definition_format_seccomp_profile(f, key, d, field);
}

static int parse_restart(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        RestartPolicy p;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (startswith(value, "on-failure:"))
                return reason(ret_why, -EINVAL, "'%s': a retry count is not supported; systemd's start limit applies "
                               "(StartLimitBurst=, 5 starts in 10 s)",
                               SHOWN(value));
        p = restart_policy_from_string(value);
        if (p < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a restart policy (no, on-failure, always or unless-stopped)",
                               SHOWN(value));
        *(RestartPolicy *) field = p;
        return 0;
}

static int parse_signal(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        r = signal_from_string(value);
        if (r < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a signal (e.g. SIGTERM, INT, 15)", SHOWN(value));
        *(int *) field = r;
        return 0;
}

static int parse_stop_timeout(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        uint64_t s;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (safe_atou64(value, &s) < 0 || s > UINT64_MAX / USEC_PER_SEC)
                return reason(ret_why, -EINVAL, "'%s' is not a number of seconds", SHOWN(value));
        *(uint64_t *) field = s * USEC_PER_SEC;
        return 0;
}

static int parse_network(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        const char *other;
        NetworkMode m;
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;

        other = startswith(value, "container:");
        if (other) {
                if (!name_is_valid(other))
                        return reason(ret_why, -EINVAL, "'%s' is not a valid container name (names must match " NAME_RULE ")",
                                       SHOWN(other));
                r = free_and_strdup(&d->network_container, other);
                if (r < 0)
                        return r;
                d->network = NETWORK_CONTAINER;
                return 0;
        }
        m = network_mode_from_string(value);
        if (m < 0 || m == NETWORK_CONTAINER)
                return reason(ret_why, -EINVAL, "'%s' is not a network mode (none, host, bridge or container:NAME)",
                               SHOWN(value));
        d->network = m;
        free(d->network_container);
        d->network_container = NULL;
        return 0;
}

/* A list key whose every value is one value checked by a function; empty resets. */
static int parse_checked_list(char ***l, ListState *list, const char *value, bool (*check)(const char *),
                              const char *what, char **ret_why) {
        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        if (string_has_control_chars(value) || !check(value))
                return reason(ret_why, -EINVAL, "'%s' is not %s", SHOWN(value), what);
        return list_extend(l, list, value);
}

static bool expose_port_is_valid(const char *s) {
        PortSpec p;
        unsigned n;
        return port_expose_range_parse(s, &p, &n) >= 0;
}

static bool ipv4_is_valid(const char *s) {
        struct in_addr a;
        return inet_pton(AF_INET, s, &a) == 1;
}

static bool ip_is_valid(const char *s) {
        struct in6_addr a;
        return ipv4_is_valid(s) || inet_pton(AF_INET6, s, &a) == 1;
}

/* NAME or NAME:ALIAS; the alias becomes a host name and an environment prefix. */
static bool link_is_valid(const char *s) {
        _cleanup_free_ char *name = NULL;
        const char *colon = strchr(s, ':');

        if (!colon)
                return name_is_valid(s);
        name = strndup(s, colon - s);
        return name && name_is_valid(name) && definition_hostname_is_valid(colon + 1);
}

/* HOST:ADDRESS, as docker's --add-host (an IPv6 address may follow unbracketed). */
static bool add_host_is_valid(const char *s) {
        _cleanup_free_ char *host = NULL;
        const char *colon = strchr(s, ':');

        if (!colon)
                return false;
        host = strndup(s, colon - s);
        return host && definition_hostname_is_valid(host) && ip_is_valid(colon + 1);
}

static int publish_port_parser(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return definition_parse_publish_port(d, field, list, value, DEFINITION_PORTS_MAX, ret_why);
}

static int parse_expose_port(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_list(field, list, value, expose_port_is_valid,
                                  "a port CONTAINERPORT[/tcp|/udp] (1…65535, or a range N-M)", ret_why);
}

static int parse_link(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_list(field, list, value, link_is_valid,
                                  "NAME or NAME:ALIAS (a container name matching " NAME_RULE
                                  ", an alias that is a host name)",
                                  ret_why);
}

static int parse_dns(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_list(field, list, value, ip_is_valid, "an IPv4 or IPv6 address", ret_why);
}

static int parse_add_host(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_list(field, list, value, add_host_is_valid, "HOST:ADDRESS (a host name and an IP address)",
                                  ret_why);
}

static int parse_ip(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (!ipv4_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not an IPv4 address", SHOWN(value));
        return free_and_strdup(field, value);
}

static int parse_units(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_strv_free_ char **words = NULL;
        char ***l = field;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = split_strv(d, value, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words)
                if (!definition_unit_name_is_valid(*w))
                        return reason(ret_why, -EINVAL, "'%s' is not a unit name (e.g. multi-user.target)",
                                       SHOWN(*w));
        /* Each once; list->index holds the units listed. */
        STRV_FOREACH(w, words) {
                if (hashmap_get(list->index, *w, strlen(*w), NULL))
                        continue;
                r = hashmap_put(&list->index, *w, strlen(*w), list->n);
                if (r < 0)
                        return r;
                r = list_extend(l, list, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* [Install] Alias=: units as above, each an instance of the container's own name (definition-unit.h). */
static int parse_aliases(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = parse_units(d, field, list, value, ret_why);

        STRV_FOREACH(a, r >= 0 ? *(char ***) field : NULL) {
                r = definition_alias_check(d->name, *a, ret_why);
                if (r < 0)
                        return r;
        }
        return r;
}

/* Volume=, VolumesFrom=, Tmpfs=: checked by volume-spec.c, kept as written; an empty value resets. */
static int parse_volume_list(void *field, ListState *list, const char *value, char **ret_why,
                             int (*check)(const char *, char **)) {
        int r;

        if (isempty(value)) {
                list_reset(field, list);
                return 0;
        }
        r = check(value, ret_why);
        if (r < 0)
                return r;
        return list_extend(field, list, value);
}

static int check_volume(const char *v, char **ret_why) {
        return volume_spec_parse(v, NULL, ret_why);
}

static int check_volumes_from(const char *v, char **ret_why) {
        return volume_from_parse(v, NULL, NULL, ret_why);
}

static int check_tmpfs(const char *v, char **ret_why) {
        return volume_tmpfs_parse(v, NULL, ret_why);
}

/* A source that starts with '.' is a path relative to the definition's directory, as Quadlet
 * has it (any other source without a '/' names a volume). */
static int parse_volume(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_free_ char *dir = NULL, *abs = NULL;

        if (value[0] == '.' && strchr(value, ':') && (dir = definition_dir_of(d->path))) {
                _cleanup_free_ char *src = strndup(value, strcspn(value, ":")), *resolved = NULL;
                int r;

                if (!src)
                        return -ENOMEM;
                r = definition_path_resolve(dir, src, &resolved);
                if (r < 0)
                        return r;
                abs = strjoin(resolved, value + strlen(src));
                if (!abs)
                        return -ENOMEM;
                value = abs;
        }
        return parse_volume_list(field, list, value, ret_why, check_volume);
}

static int parse_entrypoint(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        char ***l = field, **n = NULL;
        int r;

        r = definition_entrypoint_parse(value, &n, ret_why);
        if (r < 0)
                return r;
        strv_free(*l);
        *l = n;
        return 0;
}

static int parse_default_instance(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int r = require_value(value, ret_why);
        if (r < 0)
                return r;
        if (!definition_instance_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not an instance name (" NAME_RULE ")", SHOWN(value));
        return free_and_strdup(field, value);
}

static int parse_volumes_from(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_volume_list(field, list, value, ret_why, check_volumes_from);
}

static int parse_tmpfs(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_volume_list(field, list, value, ret_why, check_tmpfs);
}

/* Issue 16, mounts and devices: list keys that take words, each word checked by
 * definition-mounts.c; an empty value resets. */
/* Label=, Annotation=, Ulimit=: definition-process.c's, which need only the name (specifiers). */
static int parse_label(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return definition_parse_label(d->name, field, list, value, ret_why);
}

static int parse_ulimit(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return definition_parse_ulimit(d->name, field, list, value, ret_why);
}

static int parse_checked_words(const Definition *d, char ***l, ListState *list, const char *value, char **ret_why,
                               int (*check)(const char *, char **)) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = split_words(d, value, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                r = check(*w, ret_why);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(w, words) {
                r = list_extend(l, list, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_mount(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return volume_mount_words_parse(d->name, d->path, field, list, value, ret_why); /* NAME.volume */
}

static int parse_device(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_words(d, field, list, value, ret_why, device_spec_check);
}

static int parse_mask(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_words(d, field, list, value, ret_why, definition_mask_check);
}

static int parse_unmask(Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return parse_checked_words(d, field, list, value, ret_why, definition_unmask_check);
}

/* ---- the one formatter that needs more than its field ---- */

static int format_network(FILE *f, const char *key, const Definition *d, const void *field) {
        switch (d->network) {
        case NETWORK_BRIDGE:
                return 0;
        case NETWORK_HOST:
        case NETWORK_NONE:
                fprintf(f, "%s=%s\n", key, network_mode_to_string(d->network));
                return 0;
        case NETWORK_CONTAINER:
                if (!d->network_container || !definition_value_is_plain(d->network_container))
                        return -EINVAL;
                fprintf(f, "%s=container:%s\n", key, d->network_container);
                return 0;
        case _NETWORK_MODE_MAX:
        case _NETWORK_MODE_INVALID:
        default:
                return -EINVAL;
        }
}

/* ---- the table ---- */

typedef enum DefinitionSection {
        SECTION_CONTAINER,
        SECTION_UNIT,
        SECTION_SERVICE,
        SECTION_INSTALL,
        SECTION_QUADLET, /* Issue 16: leftovers. */
        _SECTION_MAX,
        _SECTION_INVALID = -EINVAL,
} DefinitionSection;

static const char *const section_table[_SECTION_MAX] = {
        [SECTION_CONTAINER] = "Container",
        [SECTION_UNIT] = "Unit",
        [SECTION_SERVICE] = "Service",
        [SECTION_INSTALL] = "Install",
        [SECTION_QUADLET] = "Quadlet", /* Issue 16: leftovers. */
};

/* Lists whose entries cost more than their bytes, capped whatever the size of the file: mounts
 * are set up pairwise (destinations against each other, parents before children), and each unit
 * a definition names is one more unit systemd loads at every daemon-reload. */
typedef enum KeyGroup {
        GROUP_NONE,
        GROUP_MOUNTS,
        GROUP_UNITS,
        _GROUP_MAX,
} KeyGroup;

static const struct {
        const char *what;
        size_t max;
} group_table[_GROUP_MAX] = {
        [GROUP_MOUNTS] = { "mounts (Volume=, Tmpfs=, Mount= and VolumesFrom= together)", DEFINITION_MOUNTS_MAX },
        [GROUP_UNITS] = { "units named (Link=, WantedBy=, RequiredBy=, UpheldBy= and Also= together)", DEFINITION_UNITS_MAX },
};

typedef struct DefinitionKey {
        DefinitionSection section;
        const char *key;
        DefinitionParser parse;
        DefinitionFormatter format;
        size_t offset;
        bool required;
        bool words;     /* the value is quoted words (definition-quote.h), else one value */
        bool literal;   /* '%' is the value's own (CPUQuota=150%, as systemd's), no specifier */
        KeyGroup group; /* a list capped with others */
} DefinitionKey;

/* Adding a key: one line here, a field in Definition, and a parser (here) and a formatter
 * (definition-format.c) if no existing one fits. The order is the order definition_to_string()
 * writes. */
static const DefinitionKey key_table[] = {
#define KEY(s, k, p, f, field, ...) \
        { SECTION_##s, k, p, f, offsetof(Definition, field), __VA_ARGS__ }
        KEY(CONTAINER, "Image", parse_image, definition_format_raw_string, image), /* or Rootfs= */
        KEY(CONTAINER, "Entrypoint", parse_entrypoint, definition_format_entrypoint, entrypoint),
        KEY(CONTAINER, "Exec", parse_command, definition_format_command, exec, .words = true),
        KEY(CONTAINER, "Environment", parse_environment, definition_format_environment, environment, .words = true),
        KEY(CONTAINER, "EnvironmentFile", parse_environment_file, definition_format_raw_list, environment_files),
        KEY(CONTAINER, "WorkingDir", parse_working_dir, definition_format_raw_string, working_dir),
        KEY(CONTAINER, "User", parse_user, definition_format_raw_string, user),
        KEY(CONTAINER, "HostName", parse_hostname, definition_format_raw_string, hostname),
        KEY(CONTAINER, "Memory", parse_memory, definition_format_memory, memory_max),
        KEY(CONTAINER, "CPUWeight", parse_cpu_weight, definition_format_cpu_weight, cpu_weight),
        KEY(CONTAINER, "PidsLimit", parse_pids_limit, definition_format_pids_limit, pids_limit),
        KEY(CONTAINER, "AddCapability", parse_capabilities, definition_format_capabilities, caps_add, .words = true),
        KEY(CONTAINER, "DropCapability", parse_capabilities, definition_format_capabilities, caps_drop, .words = true),
        KEY(CONTAINER, "Privileged", parse_bool, definition_format_bool, privileged),
        KEY(CONTAINER, "ReadOnly", parse_bool, definition_format_bool, read_only),
        KEY(CONTAINER, "AutoRemove", parse_bool, definition_format_bool, auto_remove),
        KEY(CONTAINER, "RunInit", parse_bool, definition_format_bool, run_init),
        KEY(CONTAINER, "NoNewPrivileges", parse_bool, definition_format_bool, no_new_privileges),
        KEY(CONTAINER, "SeccompProfile", parse_seccomp_profile, format_seccomp_profile, seccomp_unconfined),
        KEY(CONTAINER, "Restart", parse_restart, definition_format_restart, restart),
        KEY(CONTAINER, "StopSignal", parse_signal, definition_format_signal, stop_signal),
        KEY(CONTAINER, "StopTimeout", parse_stop_timeout, definition_format_stop_timeout, stop_timeout_usec),
        KEY(CONTAINER, "Notify", definition_parse_notify, definition_format_notify, notify),
        KEY(CONTAINER, "HealthCmd", definition_parse_health_cmd, definition_format_health_cmd, health_cmd),
        KEY(CONTAINER, "HealthInterval", definition_parse_health_interval, definition_format_health_interval, health_interval_usec),
        KEY(CONTAINER, "HealthTimeout", definition_parse_health_duration, definition_format_health_duration, health_timeout_usec),
        KEY(CONTAINER, "HealthStartPeriod", definition_parse_health_start_period, definition_format_health_start_period,
            health_start_period_usec),
        KEY(CONTAINER, "HealthRetries", definition_parse_health_retries, definition_format_health_count, health_retries),
        KEY(CONTAINER, "HealthOnFailure", definition_parse_health_on_failure, definition_format_health_on_failure, health_on_failure),
        KEY(CONTAINER, "HealthStartupCmd", definition_parse_health_startup_cmd, definition_format_health_startup_cmd,
            health_startup_cmd),
        KEY(CONTAINER, "HealthStartupInterval", definition_parse_health_duration, definition_format_health_duration,
            health_startup_interval_usec),
        KEY(CONTAINER, "HealthStartupTimeout", definition_parse_health_duration, definition_format_health_duration,
            health_startup_timeout_usec),
        KEY(CONTAINER, "HealthStartupRetries", definition_parse_health_count, definition_format_health_count, health_startup_retries),
        KEY(CONTAINER, "HealthStartupSuccess", definition_parse_health_count, definition_format_health_count, health_startup_success),
        KEY(CONTAINER, "Network", parse_network, format_network, network),
        KEY(CONTAINER, "IP", parse_ip, definition_format_raw_string, ip),
        KEY(CONTAINER, "PublishPort", publish_port_parser, definition_format_raw_list, publish_ports),
        KEY(CONTAINER, "ExposePort", parse_expose_port, definition_format_raw_list, expose_ports),
        KEY(CONTAINER, "Link", parse_link, definition_format_raw_list, links, .group = GROUP_UNITS),
        KEY(CONTAINER, "DNS", parse_dns, definition_format_raw_list, dns),
        KEY(CONTAINER, "AddHost", parse_add_host, definition_format_raw_list, add_hosts),
        KEY(CONTAINER, "Volume", parse_volume, definition_format_raw_list, volumes, .group = GROUP_MOUNTS),
        KEY(CONTAINER, "VolumesFrom", parse_volumes_from, definition_format_raw_list, volumes_from, .group = GROUP_MOUNTS),
        KEY(CONTAINER, "Tmpfs", parse_tmpfs, definition_format_raw_list, tmpfs, .group = GROUP_MOUNTS),
        KEY(CONTAINER, "Sysctl", parse_sysctl, definition_format_environment, sysctls, .words = true),
        /* Issue 16, mounts and devices (definition-mounts.h): */
        KEY(CONTAINER, "Mount", parse_mount, definition_format_environment, mounts, .words = true, .group = GROUP_MOUNTS),
        KEY(CONTAINER, "AddDevice", parse_device, definition_format_environment, devices, .words = true),
        KEY(CONTAINER, "ShmSize", definition_parse_shm_size, definition_format_shm_size, shm_size),
        KEY(CONTAINER, "Mask", parse_mask, definition_format_environment, masks, .words = true),
        KEY(CONTAINER, "Unmask", parse_unmask, definition_format_environment, unmasks, .words = true),
        KEY(CONTAINER, "Timezone", definition_parse_timezone, definition_format_raw_string, timezone),
        KEY(CONTAINER, "ReadOnlyTmpfs", parse_bool, definition_format_bool_default_true, read_only_tmpfs),
        KEY(CONTAINER, "MemorySwapMax", definition_parse_memory_swap_max, definition_format_memory_swap_max,
            memory_swap_max),
        KEY(CONTAINER, "CPUQuota", definition_parse_cpu_quota, definition_format_cpu_quota, cpu_quota_usec, .literal = true),
        KEY(CONTAINER, "AllowedCPUs", definition_parse_allowed_cpus, definition_format_raw_string, allowed_cpus),
        KEY(CONTAINER, "IPC", definition_parse_namespace, definition_format_namespace, ipc),
        KEY(CONTAINER, "UTS", definition_parse_namespace, definition_format_namespace, uts),
        KEY(CONTAINER, "PID", definition_parse_namespace, definition_format_namespace, pid),
        KEY(CONTAINER, "CgroupNS", definition_parse_cgroupns, definition_format_cgroupns, cgroupns_host),
        KEY(CONTAINER, "LogDriver", definition_parse_log_driver, definition_format_log_driver, log_driver),
        KEY(CONTAINER, "Pull", definition_parse_pull, definition_format_pull, pull),
        KEY(CONTAINER, "Tty", parse_bool, definition_format_bool, tty),
        /* Issue 16, engineer C (keys-process): definition-process.c. */
        /* Issue 16: leftovers. ContainerName= apart from the file's name (definition-name.h). */
        KEY(CONTAINER, "ContainerName", definition_parse_container_name, definition_format_container_name,
            process.container_name),
        KEY(CONTAINER, "Label", parse_label, definition_format_environment, process.labels, .words = true),
        KEY(CONTAINER, "Annotation", parse_label, definition_format_environment, process.annotations, .words = true),
        KEY(CONTAINER, "Ulimit", parse_ulimit, definition_format_raw_list, process.ulimits),
        KEY(CONTAINER, "Group", definition_parse_group, definition_format_raw_string, process.group),
        KEY(CONTAINER, "GroupAdd", definition_parse_group_add, definition_format_raw_list, process.group_add),
        KEY(CONTAINER, "EnvironmentHost", parse_bool, definition_format_bool, process.environment_host),
        KEY(CONTAINER, "DNSSearch", definition_parse_dns_search, definition_format_raw_list, process.dns_search),
        KEY(CONTAINER, "DNSOption", definition_parse_dns_option, definition_format_raw_list, process.dns_options),
        KEY(CONTAINER, "PublishAll", parse_bool, definition_format_bool, process.publish_all),
        KEY(CONTAINER, "IP6", definition_parse_ip6, definition_format_raw_string, process.ip6),
        /* quadlet-files: [Install] beyond WantedBy= and RequiredBy= */
        KEY(INSTALL, "UpheldBy", parse_units, definition_format_units, upheld_by, .words = true, .group = GROUP_UNITS),
        KEY(INSTALL, "Also", parse_units, definition_format_units, also, .words = true, .group = GROUP_UNITS),
        KEY(INSTALL, "DefaultInstance", parse_default_instance, definition_format_raw_string, default_instance),
        KEY(INSTALL, "Alias", parse_aliases, definition_format_units, aliases, .words = true, .group = GROUP_UNITS),
        /* Issue 16: leftovers. Quadlet's [Quadlet] section (definition-unit.h). */
        KEY(QUADLET, "DefaultDependencies", definition_parse_default_dependencies,
            definition_format_default_dependencies, no_default_dependencies),
        /* Quadlet's reload keys (the generator writes ExecReload=) and VolatileTmp=. */
        KEY(CONTAINER, "ReloadCmd", parse_command, definition_format_command, reload_cmd, .words = true),
        KEY(CONTAINER, "ReloadSignal", parse_signal, definition_format_signal, reload_signal),
        KEY(CONTAINER, "VolatileTmp", parse_bool, definition_format_bool, volatile_tmp),
        /* Issue 18: user namespaces. */
        KEY(CONTAINER, "UserNS", definition_parse_userns, definition_format_userns, userns_fields),
        KEY(CONTAINER, "UIDMap", definition_parse_uid_map, definition_format_uid_map, userns_fields),
        KEY(CONTAINER, "GIDMap", definition_parse_gid_map, definition_format_gid_map, userns_fields),
        /* Issue 18, remap: SubUIDMap=, SubGIDMap= and Quadlet's deprecated Remap keys (definition-userns.h). */
        KEY(CONTAINER, "SubUIDMap", definition_parse_subid_name, definition_format_raw_string, subuid_name),
        KEY(CONTAINER, "SubGIDMap", definition_parse_subid_name, definition_format_raw_string, subgid_name),
        KEY(CONTAINER, "RemapUsers", definition_parse_remap_users, definition_format_nothing, remap_users),
        KEY(CONTAINER, "RemapUid", definition_parse_remap_map, definition_format_nothing, remap_uid),
        KEY(CONTAINER, "RemapGid", definition_parse_remap_map, definition_format_nothing, remap_gid),
        KEY(CONTAINER, "RemapUidSize", definition_parse_remap_uid_size, definition_format_nothing, userns_fields),
        /* Issue 16: leftovers (dialect): definition-extra.c. */
        KEY(CONTAINER, "Retry", definition_parse_retry, definition_format_retry, extra),
        KEY(CONTAINER, "RetryDelay", definition_parse_retry_delay, definition_format_retry_delay, extra),
        KEY(CONTAINER, "LogOpt", definition_parse_log_opt, definition_format_raw_list, extra.log_opts),
        KEY(CONTAINER, "AppArmor", definition_parse_apparmor, definition_format_raw_string, extra.apparmor),
        KEY(CONTAINER, "SecurityLabelDisable", definition_parse_label_bool, definition_format_bool, extra.label_disable),
        KEY(CONTAINER, "SecurityLabelType", definition_parse_label_type, definition_format_raw_string, extra.label_type),
        KEY(CONTAINER, "SecurityLabelLevel", definition_parse_label_level, definition_format_raw_string, extra.label_level),
        KEY(CONTAINER, "SecurityLabelFileType", definition_parse_label_type, definition_format_raw_string,
            extra.label_file_type),
        KEY(CONTAINER, "SecurityLabelNested", definition_parse_label_bool, definition_format_bool, extra.label_nested),
        KEY(CONTAINER, "Rootfs", definition_parse_rootfs, definition_format_raw_string, extra.rootfs),
        KEY(INSTALL, "WantedBy", parse_units, definition_format_units, wanted_by, .words = true, .group = GROUP_UNITS),
        KEY(INSTALL, "RequiredBy", parse_units, definition_format_units, required_by, .words = true, .group = GROUP_UNITS),
#undef KEY
};

/* Quadlet's other names for a key: read as the key, written back under its name. */
static const struct {
        const char *alias, *key;
} key_aliases[] = {
        { "ExposeHostPort", "ExposePort" },
};

static const DefinitionKey *key_lookup(DefinitionSection section, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(key_aliases); i++)
                if (streq(key_aliases[i].alias, key))
                        key = key_aliases[i].key;
        for (size_t i = 0; i < ELEMENTSOF(key_table); i++)
                if (key_table[i].section == section && streq(key_table[i].key, key))
                        return key_table + i;
        return NULL;
}

/* ---- Definition ---- */

Definition *definition_new(const char *name) {
        Definition *d;

        d = calloc(1, sizeof(Definition));
        if (!d)
                return NULL;
        if (name) {
                d->name = strdup(name);
                if (!d->name) {
                        free(d);
                        return NULL;
                }
        }
        d->memory_max = UINT64_MAX;
        d->pids_limit = 0; /* berth.conf's default */
        d->stop_signal = 0; /* unset: the image's STOPSIGNAL, else SIGTERM */
        d->stop_timeout_usec = DEFINITION_STOP_TIMEOUT_DEFAULT_USEC;
        d->network = NETWORK_BRIDGE;
        d->notify = NOTIFY_CONMON;
        d->health_interval_usec = d->health_timeout_usec = d->health_start_period_usec = UINT64_MAX;
        d->health_startup_interval_usec = d->health_startup_timeout_usec = UINT64_MAX;
        d->health_on_failure = HEALTH_ON_FAILURE_NONE;
        d->read_only_tmpfs = true;
        d->memory_swap_max = UINT64_MAX;
        d->extra = DEFINITION_EXTRA_NULL; /* Issue 16: leftovers (dialect). */
        return d;
}

Definition *definition_free(Definition *d) {
        if (!d)
                return NULL;
        free(d->name);
        free(d->path);
        free(d->image);
        strv_free(d->exec);
        strv_free(d->entrypoint);
        strv_free(d->environment);
        strv_free(d->environment_files);
        free(d->working_dir);
        free(d->user);
        free(d->hostname);
        free(d->network_container);
        free(d->ip);
        strv_free(d->publish_ports);
        strv_free(d->expose_ports);
        strv_free(d->links);
        strv_free(d->dns);
        strv_free(d->add_hosts);
        strv_free(d->volumes);
        strv_free(d->volumes_from);
        strv_free(d->tmpfs);
        strv_free(d->sysctls);
        strv_free(d->mounts);
        strv_free(d->devices);
        strv_free(d->masks);
        strv_free(d->unmasks);
        free(d->timezone);
        strv_free(d->reload_cmd);
        strv_free(d->unit_lines);
        strv_free(d->service_lines);
        strv_free(d->upheld_by);
        strv_free(d->also);
        free(d->default_instance);
        strv_free(d->aliases);
        strv_free(d->wanted_by);
        strv_free(d->required_by);
        strv_free(d->health_cmd);
        strv_free(d->health_startup_cmd);
        free(d->allowed_cpus);
        definition_namespace_done(&d->ipc);
        definition_namespace_done(&d->uts);
        definition_namespace_done(&d->pid);
        definition_process_done(&d->process);
        userns_fields_done(&d->userns_fields); /* Issue 18: user namespaces. */
        definition_extra_done(&d->extra); /* Issue 16: leftovers (dialect). */
        free(d);
        return NULL;
}

bool definition_equal(const Definition *a, const Definition *b) {
        if (!a || !b)
                return a == b;
        return streq_ptr(a->name, b->name) && streq_ptr(a->image, b->image) &&
               (a->exec == NULL) == (b->exec == NULL) && strv_equal(a->exec, b->exec) &&
               (a->entrypoint == NULL) == (b->entrypoint == NULL) &&
               strv_equal(a->entrypoint, b->entrypoint) && strv_equal(a->environment, b->environment) &&
               strv_equal(a->environment_files, b->environment_files) &&
               streq_ptr(a->working_dir, b->working_dir) && streq_ptr(a->user, b->user) &&
               streq_ptr(a->hostname, b->hostname) && a->memory_max == b->memory_max &&
               a->cpu_weight == b->cpu_weight && a->pids_limit == b->pids_limit &&
               a->caps_add == b->caps_add && a->caps_drop == b->caps_drop &&
               a->privileged == b->privileged && a->read_only == b->read_only && a->auto_remove == b->auto_remove &&
               a->run_init == b->run_init && a->no_new_privileges == b->no_new_privileges &&
               a->seccomp_unconfined == b->seccomp_unconfined && a->restart == b->restart &&
               a->stop_signal == b->stop_signal &&
               a->stop_timeout_usec == b->stop_timeout_usec && a->network == b->network &&
               streq_ptr(a->network_container, b->network_container) && streq_ptr(a->ip, b->ip) &&
               strv_equal(a->publish_ports, b->publish_ports) && strv_equal(a->expose_ports, b->expose_ports) &&
               strv_equal(a->links, b->links) && strv_equal(a->dns, b->dns) &&
               strv_equal(a->add_hosts, b->add_hosts) &&
               strv_equal(a->volumes, b->volumes) && strv_equal(a->volumes_from, b->volumes_from) &&
               strv_equal(a->tmpfs, b->tmpfs) && strv_equal(a->sysctls, b->sysctls) &&
               strv_equal(a->wanted_by, b->wanted_by) && strv_equal(a->required_by, b->required_by) &&
               strv_equal(a->unit_lines, b->unit_lines) && strv_equal(a->service_lines, b->service_lines) &&
               strv_equal(a->reload_cmd, b->reload_cmd) && a->reload_signal == b->reload_signal &&
               a->volatile_tmp == b->volatile_tmp &&
               strv_equal(a->upheld_by, b->upheld_by) &&
               strv_equal(a->also, b->also) && streq_ptr(a->default_instance, b->default_instance) &&
               strv_equal(a->aliases, b->aliases) &&
               a->no_default_dependencies == b->no_default_dependencies && /* Issue 16: leftovers. */
               a->notify == b->notify && (a->health_cmd == NULL) == (b->health_cmd == NULL) &&
               strv_equal(a->health_cmd, b->health_cmd) && a->health_interval_usec == b->health_interval_usec &&
               a->health_timeout_usec == b->health_timeout_usec &&
               a->health_start_period_usec == b->health_start_period_usec && a->health_retries == b->health_retries &&
               a->health_on_failure == b->health_on_failure &&
               (a->health_startup_cmd == NULL) == (b->health_startup_cmd == NULL) &&
               strv_equal(a->health_startup_cmd, b->health_startup_cmd) &&
               a->health_startup_interval_usec == b->health_startup_interval_usec &&
               a->health_startup_timeout_usec == b->health_startup_timeout_usec &&
               a->health_startup_retries == b->health_startup_retries &&
               a->health_startup_success == b->health_startup_success &&
               strv_equal(a->mounts, b->mounts) && strv_equal(a->devices, b->devices) &&
               strv_equal(a->masks, b->masks) && strv_equal(a->unmasks, b->unmasks) && a->shm_size == b->shm_size &&
               streq_ptr(a->timezone, b->timezone) && a->read_only_tmpfs == b->read_only_tmpfs &&
               a->memory_swap_max == b->memory_swap_max && a->cpu_quota_usec == b->cpu_quota_usec &&
               streq_ptr(a->allowed_cpus, b->allowed_cpus) && definition_namespace_equal(&a->ipc, &b->ipc) &&
               definition_namespace_equal(&a->uts, &b->uts) && definition_namespace_equal(&a->pid, &b->pid) &&
               a->cgroupns_host == b->cgroupns_host &&
               a->log_driver == b->log_driver && a->pull == b->pull && a->tty == b->tty &&
               definition_process_equal(&a->process, &b->process) &&
               userns_fields_equal(&a->userns_fields, &b->userns_fields) && /* Issue 18: user namespaces. */
               definition_extra_equal(&a->extra, &b->extra); /* Issue 16: leftovers (dialect). */
}

/* ---- parsing ---- */

typedef struct ParseState {
        Definition *d;
        const char *path;
        DefinitionSection section;
        bool ignoring; /* in an [X-…] section */
        bool seen[ELEMENTSOF(key_table)];
        ListState lists[ELEMENTSOF(key_table)];
} ParseState;

static void parse_state_done(ParseState *s) {
        for (size_t i = 0; i < ELEMENTSOF(key_table); i++)
                s->lists[i].index = hashmap_free(s->lists[i].index);
}

static size_t group_count(const ParseState *s, KeyGroup g) {
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(key_table); i++)
                if (key_table[i].group == g)
                        n += s->lists[i].n;
        return n;
}

/* One logical line (continuations joined), numbered by its first physical line. */
static int parse_line(ParseState *s, char *l, unsigned line, char **ret_error) {
        _cleanup_free_ char *why = NULL, *unquoted = NULL, *resolved = NULL;
        const DefinitionKey *k;
        const char *key, *value, *refusal;
        size_t i;
        char *eq;
        int r;

        l = strstrip(l);
        if (!*l)
                return 0;

        if (l[0] == '[') {
                size_t n = strlen(l);

                s->section = _SECTION_INVALID;
                s->ignoring = false;
                if (n >= 3 && l[n - 1] == ']')
                        for (int j = 0; j < _SECTION_MAX; j++)
                                if (strlen(section_table[j]) == n - 2 &&
                                    strncmp(l + 1, section_table[j], n - 2) == 0)
                                        s->section = (DefinitionSection) j;
                /* systemd's (and Quadlet's) extension sections: for other tools, ignored. */
                if (s->section < 0 && n >= 4 && l[n - 1] == ']' && startswith(l, "[X-"))
                        s->ignoring = true;
                else if (s->section < 0)
                        return reason(ret_error, -EINVAL, "%s:%u: unknown section '%s'", s->path, line,
                                    SHOWN(l));
                return 0;
        }

        eq = strchr(l, '=');
        if (!eq)
                return reason(ret_error, -EINVAL, "%s:%u: key '%s': missing '='", s->path, line, SHOWN(l));
        *eq = 0;
        key = strstrip(l);
        value = strstrip(eq + 1);
        if (!*key)
                return reason(ret_error, -EINVAL, "%s:%u: key '': missing key name", s->path, line);
        if (s->ignoring)
                return 0;
        if (s->section < 0)
                return reason(ret_error, -EINVAL,
                            "%s:%u: key '%s': not in a section ([Container], [Unit], [Service] or [Install])", s->path, line,
                            SHOWN(key));

        if (s->section == SECTION_UNIT || s->section == SECTION_SERVICE) {
                char ***lines = s->section == SECTION_UNIT ? &s->d->unit_lines : &s->d->service_lines;

                r = definition_unit_line_check(s->section == SECTION_SERVICE, key, value, &why);
                if (r == -EINVAL)
                        return reason(ret_error, r, "%s:%u: key '%s' in [%s]: %s", s->path, line, SHOWN(key),
                                      section_table[s->section], why ?: "invalid");
                if (r >= 0)
                        r = strv_consume(lines, strjoin(key, "=", value));
                if (r < 0)
                        return reason(ret_error, r, "%s:%u: %s", s->path, line, strerror(-r));
                return 0;
        }

        k = key_lookup(s->section, key);
        refusal = !k ? definition_key_refusal(section_table[s->section], key) : NULL;
        if (refusal)
                return reason(ret_error, -EINVAL, "%s:%u: key '%s': %s", s->path, line, SHOWN(key), refusal);
        if (!k)
                return reason(ret_error, -EINVAL, "%s:%u: key '%s': unknown key in section [%s]", s->path,
                            line, SHOWN(key), section_table[s->section]);
        i = (size_t) (k - key_table);

        r = k->words     ? 0
            : k->literal ? definition_value_unquote(value, &unquoted)
                         : definition_value_parse(value, s->d->name, &unquoted, &why);
        if (r >= 0 && !k->words) /* Volume=data.volume:/x and the like (definition-unit.h) */
                r = volume_reference_resolve(key, unquoted, s->d->path, s->d->name, &resolved, &why);
        if (r >= 0)
                r = k->parse(s->d, (uint8_t *) s->d + k->offset, &s->lists[i], resolved ?: unquoted ?: value, &why);
        if (r == -EINVAL)
                return reason(ret_error, r, "%s:%u: key '%s': %s", s->path, line, key, why ?: "invalid value");
        if (r < 0)
                return reason(ret_error, r, "%s:%u: key '%s': %s", s->path, line, key, strerror(-r));
        if (k->group != GROUP_NONE && group_count(s, k->group) > group_table[k->group].max)
                return reason(ret_error, -EINVAL, "%s:%u: key '%s': more than %zu %s", s->path, line, key,
                            group_table[k->group].max, group_table[k->group].what);
        s->seen[i] = true;
        return 0;
}

/* Whether the n bytes at l end in an unescaped backslash (systemd's rule: backslashes pair up,
 * quotes or not). Only the line's own trailing backslashes count: what came before it on a
 * continued line ends in the space its backslash became. */
static bool ends_in_continuation(const char *l, size_t n) {
        size_t backslashes = 0;

        while (backslashes < n && l[n - 1 - backslashes] == '\\')
                backslashes++;
        return backslashes % 2 == 1;
}

static int name_from_path(const char *path, char **ret) {
        const char *base = strrchr(path, '/'), *suffix;
        char *n;

        base = base ? base + 1 : path;
        suffix = endswith(base, DEFINITION_SUFFIX);
        if (!suffix || suffix == base)
                return -EINVAL;
        n = strndup(base, (size_t) (suffix - base));
        if (!n)
                return -ENOMEM;
        *ret = n;
        return 0;
}

/* One file's lines into s: the definition, or one of its drop-ins, which starts outside any section. */
static int parse_text(ParseState *s, const char *text, const char *path, char **ret_error) {
        _cleanup_free_ char *buf = NULL, *cont = NULL;
        unsigned line = 0, cont_line = 0;
        size_t size = strlen(text), cont_len = 0;
        char *p, *next;
        int r;

        buf = strdup(text);
        if (!buf)
                return reason(ret_error, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
        s->path = path;
        s->section = _SECTION_INVALID;
        s->ignoring = false;

        /* One pass: each physical line is looked at once, and a continued line is gathered in
         * cont, which never holds more than the text. */
        for (p = buf; p; p = next) {
                const char *first;
                size_t n;
                bool continued;

                line++;
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                n = next ? (size_t) (next - 1 - p) : strlen(p);
                if (n > 0 && p[n - 1] == '\r')
                        p[--n] = 0; /* CRLF files */

                /* Comment lines are skipped even between continuation lines, as systemd does. */
                first = p;
                while (isspace((unsigned char) *first))
                        first++;
                if (*first == '#' || *first == ';')
                        continue;
                /* Trailing blanks do not hide a continuation (systemd strips the line first): the
                 * blanks parse_line()'s strstrip() takes off, \f and \v too, or "X=\\\f" keeps a
                 * backslash at its end that definition_to_string() writes as a continuation. */
                while (n > 0 && isspace((unsigned char) p[n - 1]))
                        p[--n] = 0;
                continued = ends_in_continuation(p, n);
                if (continued)
                        p[n - 1] = ' ';
                if (cont_line == 0 && !continued) {
                        r = parse_line(s, p, line, ret_error);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (!cont) {
                        cont = malloc(size + 1);
                        if (!cont)
                                return reason(ret_error, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
                }
                if (cont_line == 0)
                        cont_line = line;
                memcpy(cont + cont_len, p, n + 1);
                cont_len += n;
                if (continued)
                        continue;
                r = parse_line(s, cont, cont_line, ret_error);
                if (r < 0)
                        return r;
                cont_len = 0;
                cont_line = 0;
        }
        if (cont_line > 0) {
                r = parse_line(s, cont, cont_line, ret_error);
                if (r < 0)
                        return r;
        }

        return 0;
}

/* The definition from texts[0] (the file, at paths[0]) and its drop-ins, in order. */
int definition_parse_texts(char *const *texts, char *const *paths, size_t n_texts, const char *name, Definition **ret,
                           char **ret_error) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *derived = NULL;
        _cleanup_(parse_state_done) ParseState s = { .section = _SECTION_INVALID };
        const char *path = paths[0];
        size_t size = 0;
        int r;

        for (size_t i = 0; i < n_texts; i++)
                size += strlen(texts[i]);
        if (size > DEFINITION_SIZE_MAX)
                return reason(ret_error, -EFBIG, "%s: larger than %u bytes%s, the most a definition may hold", path,
                            DEFINITION_SIZE_MAX, n_texts > 1 ? " with its drop-ins" : "");
        if (!name) {
                r = name_from_path(path, &derived);
                if (r == -ENOMEM)
                        return reason(ret_error, r, "%s: %s", path, strerror(-r));
                if (r < 0)
                        return reason(ret_error, r, "%s: file name is not NAME" DEFINITION_SUFFIX,
                                    SHOWN(path));
                name = derived;
        }
        /* A template (NAME@.container) parses as "NAME@", with an empty instance. */
        if (!name_is_valid(name) && !name_is_template(name))
                return reason(ret_error, -EINVAL,
                            "%s: invalid container name '%s': names must match " NAME_RULE, path,
                            SHOWN(name));

        d = definition_new(name);
        if (!d)
                return reason(ret_error, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
        d->path = strdup(path);
        if (!d->path)
                return reason(ret_error, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
        s.d = d;

        for (size_t i = 0; i < n_texts; i++) {
                r = parse_text(&s, texts[i], paths[i], ret_error);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < ELEMENTSOF(key_table); i++)
                if (key_table[i].required && !s.seen[i])
                        return reason(ret_error, -EINVAL, "%s: key '%s': required", path, key_table[i].key);

        /* What one line cannot tell: AutoRemove= may come after Restart=, as with docker's --rm. */
        if (d->restart != RESTART_NO && d->auto_remove)
                return reason(ret_error, -EINVAL,
                            "%s: key 'Restart': a container that restarts is not removed when it exits "
                            "(AutoRemove=yes)",
                            path);

        /* What one line cannot tell: Network=host may come after a Sysctl=net.*. */
        if (d->network == NETWORK_HOST)
                STRV_FOREACH(s_, d->sysctls)
                        if (sysctl_check(*s_) == SYSCTL_NET)
                                return reason(ret_error, -EINVAL,
                                            "%s: key 'Sysctl': '%s' would change the host's network (Network=host)",
                                            path, *s_);

        /* What one line cannot tell: the namespaces docker's flags share (part D of issue 16). */
        if (d->uts.mode != NAMESPACE_PRIVATE && d->hostname)
                return reason(ret_error, -EINVAL,
                            "%s: key 'HostName': a container with UTS=%s has the host name of %s, not one of its own",
                            path, d->uts.mode == NAMESPACE_HOST ? "host" : "container:…",
                            d->uts.mode == NAMESPACE_HOST ? "the host" : d->uts.container);
        {
                const struct {
                        const char *key;
                        const DefinitionNamespace *ns;
                } joins[] = { { "IPC", &d->ipc }, { "UTS", &d->uts }, { "PID", &d->pid } };

                for (size_t j = 0; j < ELEMENTSOF(joins); j++)
                        if (joins[j].ns->mode == NAMESPACE_CONTAINER && streq(joins[j].ns->container, d->name))
                                return reason(ret_error, -EINVAL, "%s: key '%s': container %s cannot join its own namespace",
                                            path, joins[j].key, d->name);
                /* A sysctl of a namespace that is not the container's own would change the host's,
                 * or another container's (docker refuses them too). */
                STRV_FOREACH(s_, d->sysctls) {
                        int k = sysctl_check(*s_);
                        const DefinitionNamespace *ns = k == SYSCTL_IPC ? &d->ipc : k == SYSCTL_UTS ? &d->uts : NULL;

                        if (ns && ns->mode != NAMESPACE_PRIVATE)
                                return reason(ret_error, -EINVAL,
                                            "%s: key 'Sysctl': '%s' would change the %s namespace of %s%s (%s=)", path,
                                            *s_, k == SYSCTL_IPC ? "IPC" : "UTS",
                                            ns->mode == NAMESPACE_HOST ? "the host" : "container ",
                                            ns->mode == NAMESPACE_HOST ? "" : ns->container, k == SYSCTL_IPC ? "IPC" : "UTS");
                }
        }
        /* What one line cannot tell: Image= or Rootfs= (issue 16's leftovers, definition-extra.h). */
        {
                _cleanup_free_ char *why = NULL;

                r = definition_extra_check(&d->extra, d->image, &why);
                if (r < 0)
                        return reason(ret_error, r, "%s: %s", path, r == -EINVAL && why ? why : strerror(-r));
        }
        /* What one line cannot tell: Group= may come before User=. */
        {
                _cleanup_free_ char *why = NULL;

                r = definition_process_check(&d->process, d->user, &why);
                if (r == -EINVAL)
                        return reason(ret_error, r, "%s: %s", path, why ?: "invalid value");
                if (r < 0)
                        return reason(ret_error, r, "%s: %s", path, strerror(-r));
        }

        /* Issue 18: user namespaces. What one line cannot tell: Privileged= may come after UserNS=. */
        {
                _cleanup_free_ char *why = NULL;
                UserNSPeers peers = definition_userns_peers(d);

                r = userns_fields_check(&d->userns_fields, &peers, &why);
                if (r < 0)
                        return reason(ret_error, r, "%s: %s", path, r == -EINVAL && why ? why : strerror(-r));
        }

        if (d->health_on_failure == HEALTH_ON_FAILURE_RESTART && strv_contains(d->service_lines, "Type=oneshot"))
                return reason(ret_error, -EINVAL, "%s: key 'HealthOnFailure': restart needs a unit systemd may restart, "
                            "not Type=oneshot", path);
        /* What one line cannot tell: the two ways of reloading exclude each other (Quadlet's rule). */
        if (!strv_isempty(d->reload_cmd) && d->reload_signal != 0)
                return reason(ret_error, -EINVAL,
                            "%s: keys 'ReloadCmd' and 'ReloadSignal': ReloadCmd and ReloadSignal are mutually exclusive "
                            "but both are set",
                            path);
        /* VolatileTmp=yes is Quadlet's --tmpfs /tmp:rw,size=512M,mode=1777, which ReadOnly= (with
         * ReadOnlyTmpfs=) covers already: read as that Tmpfs=, unless /tmp is mounted otherwise. */
        if (d->volatile_tmp) {
                bool taken = d->read_only;

                STRV_FOREACH(t, d->tmpfs)
                        taken = taken || streq(*t, "/tmp") || startswith(*t, "/tmp:");
                if (!taken && strv_extend(&d->tmpfs, "/tmp:rw,size=512M,mode=1777") < 0)
                        return reason(ret_error, -ENOMEM, "%s: %s", path, strerror(ENOMEM));
                d->volatile_tmp = false;
        }

        /* What one line cannot tell: Privileged= may come after a Volume= under /dev. */
        {
                _cleanup_free_ char *why = NULL;

                r = definition_check_mounts(&(const DefinitionMountKeys) { .volumes = d->volumes, .tmpfs = d->tmpfs,
                                                                        .mounts = d->mounts, .volumes_from = d->volumes_from,
                                                                        .privileged = d->privileged, .name = d->name },
                                            &why);
                if (r == -EINVAL)
                        return reason(ret_error, r, "%s: %s", path, why ?: "invalid volumes");
                if (r < 0)
                        return reason(ret_error, r, "%s: %s", path, strerror(-r));
        }

        *ret = TAKE_PTR(d);
        return 0;
}

int definition_parse_string(const char *text, const char *path, const char *name, Definition **ret,
                            char **ret_error) {
        if (!text || !path)
                return reason(ret_error, -EINVAL, "%s: no definition given", path ?: "(null)");
        return definition_parse_texts((char *const[]) { (char *) text }, (char *const[]) { (char *) path }, 1, name, ret, ret_error);
}

/* ---- serialising ---- */

int definition_quote_value(const char *key, const char *value, char **ret) {
        _cleanup_free_ char *escaped = env_expand_key(key) ? env_dollar_escape(value) : NULL;
        char *q = NULL;

        /* A '$' that means itself where the start expands them (env-expand.h). */
        if (escaped)
                value = escaped;
        else if (env_expand_key(key))
                return -ENOMEM;

        for (size_t i = 0; i < ELEMENTSOF(key_table); i++)
                if (streq(key_table[i].key, key)) {
                        /* systemd's unit files have no way to write a control character in a
                         * value that is not words. */
                        if (!key_table[i].words && string_has_control_chars(value))
                                return -EINVAL;
                        if (key_table[i].literal) {
                                /* '%' is the value's own (CPUQuota=150%): only a value that would not
                                 * read back as itself is refused. */
                                size_t n = strlen(value);

                                if (n == 0 || strchr(" \t\"", value[0]) || strchr(" \t\"\\", value[n - 1]))
                                        return -EINVAL;
                                q = strdup(value);
                        } else if (streq(key, "Entrypoint")) {
                                /* One word as it is, or in JSON's form when it would look like JSON. */
                                _cleanup_free_ char *v = NULL;
                                int r = definition_entrypoint_format((char *const[]) { (char *) value, NULL }, &v);

                                if (r < 0)
                                        return r;
                                q = definition_value_quote(v);
                        } else
                                q = key_table[i].words ? definition_word_quote(value) : definition_value_quote(value);
                        if (!q)
                                return -ENOMEM;
                        *ret = q;
                        return 0;
                }
        return -ENOENT;
}

int definition_to_string(const Definition *d, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t out_size = 0;
        _cleanup_fclose_ FILE *f = NULL;

        if (definition_extra_check(&d->extra, d->image, NULL) < 0) /* Image= or Rootfs= */
                return -EINVAL;
        f = open_memstream(&out, &out_size);
        if (!f)
                return -ENOMEM;

        for (int sec = 0; sec < _SECTION_MAX; sec++) {
                _cleanup_free_ char *body = NULL;
                size_t body_size = 0;
                _cleanup_fclose_ FILE *b = NULL;

                b = open_memstream(&body, &body_size);
                if (!b)
                        return -ENOMEM;
                /* [Unit] and [Service]: their lines as they were written. One that ends in an odd run
                 * of backslashes ("X=a\\ \\" continued onto a blank line) would read as continued:
                 * written continued, by " \\", onto a blank line, it reads back as itself. */
                STRV_FOREACH(line, sec == SECTION_UNIT ? d->unit_lines : sec == SECTION_SERVICE ? d->service_lines : NULL)
                        fprintf(b, "%s%s\n", *line, ends_in_continuation(*line, strlen(*line)) ? " \\\n" : "");
                for (size_t i = 0; i < ELEMENTSOF(key_table); i++) {
                        const DefinitionKey *k = key_table + i;
                        long before = ftell(b);
                        int r;

                        if ((int) k->section != sec)
                                continue;
                        r = k->format(b, k->key, d, (const uint8_t *) d + k->offset);
                        if (r < 0)
                                return r;
                        if (k->required && ftell(b) == before)
                                return -EINVAL; /* would not read back */
                }
                if (fflush(b) != 0 || ferror(b))
                        return -ENOMEM;
                if (body_size == 0)
                        continue;
                fprintf(f, "%s[%s]\n%s", ftell(f) > 0 ? "\n" : "", section_table[sec], body);
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        f = safe_fclose(f);
        *ret = TAKE_PTR(out);
        return 0;
}
