/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The keys of a container's process and its surroundings (definition-process.h): Label=,
 * Annotation=, ContainerName=, Ulimit=, Group=, GroupAdd=, DNSSearch=, DNSOption=, IP6=, with
 * the meaning Quadlet gives them (the podman flags it writes for them) and docker's rules for
 * the values. EnvironmentHost= and PublishAll= are booleans; SeccompProfile=, which spans two
 * fields, is parsed in definition.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "definition-process.h"
#include "definition-values.h"
#include "name.h"
#include "string-util.h"
#include "strv.h"

/* ---- Label=, Annotation= ---- */

/* Quoted words, KEY=VALUE each; docker's --label KEY (no '=') is KEY with an empty value, kept
 * as written. */
static int check_label(const char *w, char **ret_why) {
        if (w[0] == '=' || !*w)
                return reason(ret_why, -EINVAL, "'%s' is not KEY=VALUE with a KEY", SHOWN(w));
        if (string_has_control_chars(w))
                return reason(ret_why, -EINVAL, "'%s' holds control characters", SHOWN(w));
        return 0;
}

int definition_parse_label(const char *name, void *field, ListState *list, const char *value, char **ret_why) {
        return list_parse_assignments(name, field, list, value, ret_why, check_label);
}

/* ---- ContainerName= ---- */

/* Issue 16: leftovers. The file's name stays the container's key: its unit
 * (container@FILE.service, as systemctl names it), state, lock and scope. ContainerName= is the
 * name users and machined know it by; every verb takes either (definition-name.h). Podman's rule
 * for names (its "names must match"), within berth's 63 characters. */
int definition_parse_container_name(struct Definition *d, void *field, ListState *list, const char *value,
                                    char **ret_why) {
        char **p = field, *copy;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        if (!name_is_plain(value))
                return reason(ret_why, -EINVAL, "'%s' is not a valid container name (names must match " NAME_RULE ")",
                              SHOWN(value));
        copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        free(*p);
        *p = copy;
        return 0;
}

int definition_format_container_name(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const char *name = *(char *const *) field;

        if (name)
                fprintf(f, "%s=%s\n", key, name);
        return 0;
}

/* ---- Ulimit= ---- */

static const struct {
        const char *name;
        int resource;
} ulimit_table[] = {
        { "as", RLIMIT_AS },
        { "core", RLIMIT_CORE },
        { "cpu", RLIMIT_CPU },
        { "data", RLIMIT_DATA },
        { "fsize", RLIMIT_FSIZE },
        { "locks", RLIMIT_LOCKS },
        { "memlock", RLIMIT_MEMLOCK },
        { "msgqueue", RLIMIT_MSGQUEUE },
        { "nice", RLIMIT_NICE },
        { "nofile", RLIMIT_NOFILE },
        { "nproc", RLIMIT_NPROC },
        { "rss", RLIMIT_RSS },
        { "rtprio", RLIMIT_RTPRIO },
        { "rttime", RLIMIT_RTTIME },
        { "sigpending", RLIMIT_SIGPENDING },
        { "stack", RLIMIT_STACK },
};

int ulimit_resource_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(ulimit_table); i++)
                if (streq(ulimit_table[i].name, name))
                        return ulimit_table[i].resource;
        return -EINVAL;
}

static int ulimit_value(const char *s, rlim_t *ret) {
        uint64_t v;

        if (streq(s, "-1") || streq(s, "unlimited")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        if (safe_atou64(s, &v) < 0 || strspn(s, "0123456789") != strlen(s) || v >= (uint64_t) RLIM_INFINITY)
                return -EINVAL;
        *ret = (rlim_t) v;
        return 0;
}

int ulimit_parse(const char *s, int *ret_resource, struct rlimit *ret, char **ret_why) {
        _cleanup_free_ char *name = NULL, *soft = NULL;
        const char *eq = strchr(s, '='), *colon;
        struct rlimit rl;
        int resource;

        if (!eq || eq == s)
                return reason(ret_why, -EINVAL, "'%s' is not NAME=SOFT[:HARD] (e.g. nofile=1024:2048)", SHOWN(s));
        name = strndup(s, (size_t) (eq - s));
        if (!name)
                return -ENOMEM;
        resource = ulimit_resource_from_name(name);
        if (resource < 0)
                return reason(ret_why, -EINVAL,
                              "'%s' is not a limit (core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, "
                              "nproc, rss, rtprio, rttime, sigpending, stack, as)",
                              SHOWN(name));
        colon = strchr(eq + 1, ':');
        soft = colon ? strndup(eq + 1, (size_t) (colon - eq - 1)) : strdup(eq + 1);
        if (!soft)
                return -ENOMEM;
        if (ulimit_value(soft, &rl.rlim_cur) < 0 || (colon ? ulimit_value(colon + 1, &rl.rlim_max) : 0) < 0)
                return reason(ret_why, -EINVAL, "'%s': limits are numbers, or -1 for unlimited", SHOWN(s));
        if (!colon)
                rl.rlim_max = rl.rlim_cur;
        if (rl.rlim_cur > rl.rlim_max)
                return reason(ret_why, -EINVAL, "'%s': the soft limit is above the hard one", SHOWN(s));
        *ret_resource = resource;
        *ret = rl;
        return 0;
}

static int check_ulimit(const char *w, char **ret_why) {
        struct rlimit rl;
        int resource;

        return ulimit_parse(w, &resource, &rl, ret_why);
}

/* One value (Quadlet hands each line to --ulimit as it is); a resource given again takes the new
 * limits, as docker's flags do. */
int definition_parse_ulimit(const char *name, void *field, ListState *list, const char *value, char **ret_why) {
        if (!isempty(value) && strpbrk(value, " \t\"'\\$"))
                return reason(ret_why, -EINVAL, "'%s' is not NAME=SOFT[:HARD] (e.g. nofile=1024:2048)", SHOWN(value));
        return list_parse_assignments(name, field, list, value, ret_why, check_ulimit);
}

/* ---- Group=, GroupAdd= ---- */

static bool group_is_valid(const char *s) {
        return !strchr(s, ':') && definition_user_is_valid(s);
}

int definition_parse_group(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        char *c;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        if (!group_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a group (a name matching [a-z_][a-z0-9_-]*, or a number)",
                              SHOWN(value));
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*(char **) field);
        *(char **) field = c;
        return 0;
}

int definition_parse_group_add(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        if (isempty(value)) {
                list_reset(field, list);
                return 0;
        }
        if (streq(value, "keep-groups"))
                return reason(ret_why, -EINVAL,
                              "'keep-groups' is podman's, for rootless containers (the caller's own groups); berth "
                              "runs containers as root and has none to keep");
        if (!group_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a group (a name matching [a-z_][a-z0-9_-]*, or a number)",
                              SHOWN(value));
        /* Each name is looked up in the image's /etc/group at every start and exec. */
        if (list->n >= DEFINITION_GROUP_ADD_MAX)
                return reason(ret_why, -EINVAL, "more than %zu groups", DEFINITION_GROUP_ADD_MAX);
        return list_extend(field, list, value);
}

/* ---- DNSSearch=, DNSOption= ---- */

/* A domain: dot-separated labels of [A-Za-z0-9_-], 1…63 long, at most 253 in all (a trailing dot
 * allowed); or "." alone, docker's "no search domains". */
static bool search_domain_is_valid(const char *s) {
        size_t n = strlen(s);

        if (streq(s, "."))
                return true;
        if (n == 0 || n > 254 || (n == 254 && s[n - 1] != '.'))
                return false;
        for (const char *label = s;;) {
                size_t l = strcspn(label, ".");

                if (l == 0 || l > 63 || label[0] == '-' || label[l - 1] == '-')
                        return false;
                for (size_t i = 0; i < l; i++)
                        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", label[i]))
                                return false;
                if (!label[l] || (label[l] == '.' && !label[l + 1]))
                        return true;
                label += l + 1;
        }
}

int definition_parse_dns_search(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        if (isempty(value)) {
                list_reset(field, list);
                return 0;
        }
        if (!search_domain_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a domain (e.g. example.com), or '.' for none", SHOWN(value));
        return list_extend(field, list, value);
}

/* resolv(5)'s options: a word, with ":N" for those that take a number. One line of resolv.conf
 * holds them all, so nothing that would break it: no blanks, no comment characters. */
static bool dns_option_is_valid(const char *s) {
        size_t n = strlen(s);

        return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") == n &&
               s[0] != ':' && s[0] != '-';
}

int definition_parse_dns_option(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        if (isempty(value)) {
                list_reset(field, list);
                return 0;
        }
        if (!dns_option_is_valid(value))
                return reason(ret_why, -EINVAL, "'%s' is not a resolver option (e.g. ndots:2, edns0, rotate)",
                              SHOWN(value));
        return list_extend(field, list, value);
}

/* ---- IP6= ---- */

/* An IPv6 address, which the runtime checks against the bridge's Subnet6= (berth.conf). */
int definition_parse_ip6(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        struct in6_addr a;
        char *c;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        if (inet_pton(AF_INET6, value, &a) != 1)
                return reason(ret_why, -EINVAL, "'%s' is not an IPv6 address", SHOWN(value));
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*(char **) field);
        *(char **) field = c;
        return 0;
}

/* ---- across keys ---- */

int definition_process_check(const DefinitionProcess *p, const char *user, char **ret_why) {
        /* Quadlet's rule: Group= says which group the User= runs as. */
        if (p->group && !user)
                return reason(ret_why, -EINVAL, "key 'Group': Group set without User (Group= is the group User= runs as)");
        if (p->group && strchr(user, ':'))
                return reason(ret_why, -EINVAL, "key 'Group': User=%s names a group already", SHOWN(user));
        return 0;
}

void definition_process_done(DefinitionProcess *p) {
        strv_free(p->labels);
        strv_free(p->annotations);
        strv_free(p->ulimits);
        free(p->group);
        strv_free(p->group_add);
        strv_free(p->dns_search);
        strv_free(p->dns_options);
        free(p->seccomp_profile);
        free(p->ip6);
        free(p->container_name); /* Issue 16: leftovers. */
        *p = (DefinitionProcess) {};
}

bool definition_process_equal(const DefinitionProcess *a, const DefinitionProcess *b) {
        return strv_equal(a->labels, b->labels) && strv_equal(a->annotations, b->annotations) &&
               strv_equal(a->ulimits, b->ulimits) && streq_ptr(a->group, b->group) &&
               strv_equal(a->group_add, b->group_add) && a->environment_host == b->environment_host &&
               strv_equal(a->dns_search, b->dns_search) && strv_equal(a->dns_options, b->dns_options) &&
               streq_ptr(a->seccomp_profile, b->seccomp_profile) && a->publish_all == b->publish_all &&
               streq_ptr(a->ip6, b->ip6) && streq_ptr(a->container_name, b->container_name);
}

/* ---- for the runtime and the CLI ---- */

int definition_user_spec(const char *user, const DefinitionProcess *p, char **ret) {
        char *s = NULL;

        if (user) {
                s = p->group ? strjoin(user, ":", p->group) : strdup(user);
                if (!s)
                        return -ENOMEM;
        }
        *ret = s;
        return 0;
}

const char *labels_get(char *const *labels, const char *key) {
        size_t k = strlen(key);

        for (char *const *l = labels; l && *l; l++)
                if (strncmp(*l, key, k) == 0 && ((*l)[k] == '=' || (*l)[k] == 0))
                        return (*l)[k] ? *l + k + 1 : *l + k;
        return NULL;
}

bool labels_match(char *const *labels, const char *filter) {
        _cleanup_free_ char *key = NULL;
        const char *eq = strchr(filter, '='), *v;

        if (!eq)
                return labels_get(labels, filter) != NULL;
        key = strndup(filter, (size_t) (eq - filter));
        if (!key)
                return false;
        v = labels_get(labels, key);
        return v && streq(v, eq + 1);
}

int labels_merge(char *const *under, char *const *over, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, m = 0;

        for (char *const *u = under; u && *u; u++)
                n++;
        for (char *const *o = over; o && *o; o++)
                n++;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (char *const *u = under; u && *u; u++) {
                _cleanup_free_ char *key = strndup(*u, strcspn(*u, "="));

                if (!key)
                        return -ENOMEM;
                if (labels_get(over, key))
                        continue;
                l[m] = strdup(*u);
                if (!l[m++])
                        return -ENOMEM;
        }
        for (char *const *o = over; o && *o; o++) {
                l[m] = strdup(*o);
                if (!l[m++])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}
