/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UserNS=, UIDMap=, GIDMap=, SubUIDMap=, SubGIDMap= and Quadlet's deprecated Remap keys: their values,
 * and which combinations with other keys cannot work. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definition-list.h"
#include "definition-userns.h"
#include "string-util.h"
#include "strv.h"

static const char *const userns_mode_table[_USERNS_MODE_MAX] = {
        [USERNS_HOST] = "host",
        [USERNS_AUTO] = "auto",
        [USERNS_PRIVATE] = "private",
        [USERNS_MAP] = "map",
};

static void *mfree(void *p) {
        free(p);
        return NULL;
}

static void *memdup(const void *p, size_t n) {
        void *c = malloc(n);

        return c ? memcpy(c, p, n) : NULL;
}

const char *userns_mode_to_string(UserNSMode m) {
        return m >= 0 && m < _USERNS_MODE_MAX ? userns_mode_table[m] : NULL;
}

/* A whole decimal number that fits 32 bits ("+1", " 1", "0x1" are not). */
static int parse_u32(const char *s, uint32_t *ret) {
        uint64_t v;

        if (safe_atou64(s, &v) < 0 || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

static int refuse_rootless(const char *s, const char *instead, char **ret_why) {
        return reason(ret_why, -EINVAL,
                      "'%s' is podman's rootless mode, which maps the user who runs podman: berth's containers are "
                      "started by systemd as root, with no such user (%s)",
                      SHOWN(s), instead);
}

int userns_mode_parse(const char *s, UserNSMode *ret_mode, uint32_t *ret_size, char **ret_why) {
        const char *opts;

        if (isempty(s))
                return reason(ret_why, -EINVAL, "empty value");
        if (streq(s, "host") || streq(s, "private") || streq(s, "auto")) {
                *ret_mode = streq(s, "host") ? USERNS_HOST : streq(s, "private") ? USERNS_PRIVATE : USERNS_AUTO;
                *ret_size = 0;
                return 0;
        }
        /* podman's forms that mean something berth cannot do, each with why. */
        if (streq(s, "keep-id") || startswith(s, "keep-id:") || streq(s, "nomap"))
                return refuse_rootless(s, "host, auto[:size=N] or private", ret_why);
        if (startswith(s, "ns:") || startswith(s, "container:"))
                return reason(ret_why, -EINVAL,
                              "'%s': joining another user namespace would share its IDs with another container, which is "
                              "what a range of its own prevents (host, auto[:size=N] or private)",
                              SHOWN(s));
        opts = startswith(s, "auto:");
        if (!opts)
                return reason(ret_why, -EINVAL, "'%s' is not host, auto[:size=N] or private", SHOWN(s));
        if (startswith(opts, "uidmapping=") || startswith(opts, "gidmapping=") || strstr(opts, ",uidmapping=") ||
            strstr(opts, ",gidmapping="))
                return reason(ret_why, -EINVAL,
                              "'%s': podman's uidmapping=/gidmapping= add IDs to the range it picks; berth maps the "
                              "picked range alone (give UIDMap=/GIDMap= without UserNS= for IDs of your own)",
                              SHOWN(s));
        {
                const char *n = startswith(opts, "size=");
                uint32_t v;

                if (!n || strchr(n, ','))
                        return reason(ret_why, -EINVAL, "'%s': the only option of auto is size=N", SHOWN(s));
                if (parse_u32(n, &v) < 0 || v == 0)
                        return reason(ret_why, -EINVAL, "'%s': size= is not a number of IDs from 1 to %" PRIu32,
                                      SHOWN(s), UINT32_MAX);
                *ret_mode = USERNS_AUTO;
                *ret_size = v;
        }
        return 0;
}

char *userns_mode_format(UserNSMode m, uint32_t size) {
        char *s = NULL;

        if (m == USERNS_AUTO && size > 0)
                return asprintf(&s, "auto:size=%" PRIu32, size) < 0 ? NULL : s;
        return userns_mode_to_string(m) ? strdup(userns_mode_to_string(m)) : NULL;
}

int idmap_entry_parse(const char *s, IdMapEntry *ret, char **ret_why) {
        _cleanup_free_ char *copy = NULL;
        char *a, *b, *c;
        uint32_t inside, outside, count;

        if (isempty(s))
                return reason(ret_why, -EINVAL, "empty value");
        /* podman's rootless forms, "[+ug]CONTAINER:[@]HOST[:SIZE]": flags before the container ID, a
         * host ID relative to its own namespace's map. */
        if (strchr("+ug", s[0]) || strstr(s, ":@"))
                return reason(ret_why, -EINVAL,
                              "'%s': podman's rootless forms (@, +, flags) map IDs of its own user namespace; berth maps "
                              "host IDs, CONTAINER:HOST:SIZE",
                              SHOWN(s));
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        a = copy;
        b = strchr(a, ':');
        c = b ? strchr(b + 1, ':') : NULL;
        if (!b || !c)
                return reason(ret_why, -EINVAL, "'%s' is not CONTAINER:HOST:SIZE", SHOWN(s));
        *b++ = 0;
        *c++ = 0;
        if (parse_u32(a, &inside) < 0 || parse_u32(b, &outside) < 0 || parse_u32(c, &count) < 0)
                return reason(ret_why, -EINVAL, "'%s' is not CONTAINER:HOST:SIZE, three numbers below 2^32", SHOWN(s));
        if (count == 0)
                return reason(ret_why, -EINVAL, "'%s': SIZE 0 maps nothing", SHOWN(s));
        /* The kernel refuses a range that wraps past 2^32 - 1 (the last ID is not a valid one either). */
        if ((uint64_t) inside + count > UINT32_MAX || (uint64_t) outside + count > UINT32_MAX)
                return reason(ret_why, -EINVAL, "'%s': the range runs past ID %" PRIu32 ", the last one there is",
                              SHOWN(s), UINT32_MAX - 1);
        *ret = (IdMapEntry) { inside, outside, count };
        return 0;
}

int idmap_check(const IdMapEntry *m, size_t n, const char *what, char **ret_why) {
        if (n == 0)
                return 0;
        if (n > USERNS_MAP_LINES_MAX)
                return reason(ret_why, -EINVAL, "more than %d %s= entries, the kernel's limit", USERNS_MAP_LINES_MAX, what);
        for (size_t i = 1; i < n; i++)
                if (m[i].inside < (uint64_t) m[i - 1].inside + m[i - 1].count)
                        return reason(ret_why, -EINVAL,
                                      "%" PRIu32 ":%" PRIu32 ":%" PRIu32 " %s the one before: give the entries sorted by "
                                      "CONTAINER ID, without overlaps",
                                      m[i].inside, m[i].outside, m[i].count,
                                      m[i].inside < m[i - 1].inside ? "comes before" : "overlaps");
        /* Host ranges may come in any order, but two container IDs cannot be one host ID. */
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if ((uint64_t) m[i].outside < (uint64_t) m[j].outside + m[j].count &&
                            (uint64_t) m[j].outside < (uint64_t) m[i].outside + m[i].count)
                                return reason(ret_why, -EINVAL,
                                              "%" PRIu32 ":%" PRIu32 ":%" PRIu32 " and %" PRIu32 ":%" PRIu32 ":%" PRIu32
                                              " map the same host IDs",
                                              m[i].inside, m[i].outside, m[i].count, m[j].inside, m[j].outside, m[j].count);
        if (m[0].inside != 0)
                return reason(ret_why, -EINVAL,
                              "no entry maps container ID 0: the container's root would be the overflow ID (nobody), "
                              "unable to own its own files");
        return 0;
}

char **idmap_to_strv(const IdMapEntry *m, size_t n) {
        char **l = calloc(n + 1, sizeof(char *));

        if (!l)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (asprintf(&l[i], "%" PRIu32 ":%" PRIu32 ":%" PRIu32, m[i].inside, m[i].outside, m[i].count) < 0) {
                        l[i] = NULL;
                        return strv_free(l);
                }
        return l;
}

/* ---- the keys ---- */

int definition_parse_userns(struct Definition *d, void *field, struct ListState *list, const char *value,
                            char **ret_why) {
        UserNSFields *u = field;
        UserNSMode m;
        uint32_t size;
        int r;

        r = userns_mode_parse(value, &m, &size, ret_why);
        if (r < 0)
                return r;
        u->userns = m;
        u->userns_size = size;
        u->userns_set = true;
        return 0;
}

/* UIDMap=, GIDMap=: repeatable, each line one entry; an empty value resets the list. */
static int parse_map(IdMapEntry **map, size_t *count, const char *value, char **ret_why) {
        IdMapEntry e, *n;
        int r;

        if (isempty(value)) {
                *map = mfree(*map);
                *count = 0;
                return 0;
        }
        r = idmap_entry_parse(value, &e, ret_why);
        if (r < 0)
                return r;
        if (*count >= USERNS_MAP_LINES_MAX)
                return reason(ret_why, -EINVAL, "more than %d entries, the kernel's limit", USERNS_MAP_LINES_MAX);
        n = reallocarray(*map, *count + 1, sizeof(IdMapEntry));
        if (!n)
                return -ENOMEM;
        n[(*count)++] = e;
        *map = n;
        return 0;
}

int definition_parse_uid_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                             char **ret_why) {
        UserNSFields *u = field;

        return parse_map(&u->uid_map, &u->n_uid_map, value, ret_why);
}

int definition_parse_gid_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                             char **ret_why) {
        UserNSFields *u = field;

        return parse_map(&u->gid_map, &u->n_gid_map, value, ret_why);
}

/* SubUIDMap=, SubGIDMap=: a name as /etc/subuid lists them, a user name as shadow-utils takes one
 * or a UID (which /etc/subuid may list too). Nothing that could split a line of the file. */
bool subid_name_is_valid(const char *s) {
        size_t n = s ? strlen(s) : 0;

        if (n == 0 || n > SUBID_NAME_MAX || s[0] == '-')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(isascii((unsigned char) s[i]) && isalnum((unsigned char) s[i])) && !strchr("_.-", s[i]) &&
                    !(s[i] == '$' && i == n - 1))
                        return false;
        return true;
}

/* *p = a copy of value; empty: NULL (Quadlet passes these keys only when they are not empty). */
static int set_string(char **p, const char *value) {
        char *c = NULL;

        if (!isempty(value) && !(c = strdup(value)))
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

int definition_parse_subid_name(struct Definition *d, void *field, struct ListState *list, const char *value,
                                char **ret_why) {
        if (!isempty(value) && !subid_name_is_valid(value))
                return reason(ret_why, -EINVAL,
                              "'%s' is not a user name or UID as /etc/subuid and /etc/subgid list them (letters, digits, "
                              "'_', '.', '-', a final '$'; at most %d)",
                              SHOWN(value), SUBID_NAME_MAX);
        return set_string(field, value);
}

int definition_parse_remap_users(struct Definition *d, void *field, struct ListState *list, const char *value,
                                 char **ret_why) {
        /* Quadlet reads the last one; an empty one is as none. */
        if (streq(value, "keep-id"))
                return refuse_rootless(value, "auto or manual", ret_why);
        if (!isempty(value) && !streq(value, "auto") && !streq(value, "manual"))
                return reason(ret_why, -EINVAL, "unsupported RemapUsers option '%s' (auto or manual)", SHOWN(value));
        return set_string(field, value);
}

/* RemapUid=, RemapGid=: repeatable, words separated by blanks as Quadlet reads them; empty resets.
 * Each word is checked where it means a map (RemapUsers=manual), in userns_fields_check(). */
int definition_parse_remap_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why) {
        char ***l = field;
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                *l = strv_free(*l);
                return 0;
        }
        r = strv_split_quoted(value, &words);
        if (r < 0)
                return r == -EINVAL ? reason(ret_why, r, "'%s': unbalanced quotes", SHOWN(value)) : r;
        STRV_FOREACH(w, words) {
                if (strv_length(*l) >= USERNS_MAP_LINES_MAX)
                        return reason(ret_why, -EINVAL, "more than %d entries, the kernel's limit", USERNS_MAP_LINES_MAX);
                r = strv_extend(l, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

int definition_parse_remap_uid_size(struct Definition *d, void *field, struct ListState *list, const char *value,
                                    char **ret_why) {
        UserNSFields *u = field;
        uint32_t v;

        if (isempty(value)) {
                u->remap_uid_size = 0;
                u->remap_uid_size_set = false;
                return 0;
        }
        /* 0 is Quadlet's "no size=": auto's default. */
        if (parse_u32(value, &v) < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a number of IDs from 0 (the default) to %" PRIu32, SHOWN(value),
                              UINT32_MAX);
        u->remap_uid_size = v;
        u->remap_uid_size_set = true;
        return 0;
}

int definition_format_nothing(FILE *f, const char *key, const struct Definition *d, const void *field) {
        return 0;
}

int definition_format_userns(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const UserNSFields *u = field;
        _cleanup_free_ char *s = NULL;

        /* Maps are written as UIDMap=/GIDMap=; unset stays unset (berth.conf's default applies). */
        if (!u->userns_set || u->userns == USERNS_MAP)
                return 0;
        s = userns_mode_format(u->userns, u->userns_size);
        if (!s)
                return userns_mode_to_string(u->userns) ? -ENOMEM : -EINVAL;
        fprintf(f, "%s=%s\n", key, s);
        return 0;
}

static void format_map(FILE *f, const char *key, const IdMapEntry *m, size_t n) {
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s=%" PRIu32 ":%" PRIu32 ":%" PRIu32 "\n", key, m[i].inside, m[i].outside, m[i].count);
}

int definition_format_uid_map(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const UserNSFields *u = field;

        format_map(f, key, u->uid_map, u->n_uid_map);
        return 0;
}

int definition_format_gid_map(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const UserNSFields *u = field;

        format_map(f, key, u->gid_map, u->n_gid_map);
        return 0;
}

static void remap_done(UserNSFields *u) {
        u->remap_users = mfree(u->remap_users);
        u->remap_uid = strv_free(u->remap_uid);
        u->remap_gid = strv_free(u->remap_gid);
        u->remap_uid_size = 0;
        u->remap_uid_size_set = false;
}

void userns_fields_done(UserNSFields *u) {
        u->uid_map = mfree(u->uid_map);
        u->gid_map = mfree(u->gid_map);
        u->n_uid_map = u->n_gid_map = 0;
        u->subuid_name = mfree(u->subuid_name);
        u->subgid_name = mfree(u->subgid_name);
        remap_done(u);
}

static bool idmap_equal(const IdMapEntry *a, size_t n_a, const IdMapEntry *b, size_t n_b) {
        return n_a == n_b && (n_a == 0 || memcmp(a, b, n_a * sizeof(IdMapEntry)) == 0);
}

bool userns_fields_equal(const UserNSFields *a, const UserNSFields *b) {
        return a->userns == b->userns && a->userns_size == b->userns_size && a->userns_set == b->userns_set &&
               idmap_equal(a->uid_map, a->n_uid_map, b->uid_map, b->n_uid_map) &&
               idmap_equal(a->gid_map, a->n_gid_map, b->gid_map, b->n_gid_map) &&
               streq_ptr(a->subuid_name, b->subuid_name) && streq_ptr(a->subgid_name, b->subgid_name) &&
               streq_ptr(a->remap_users, b->remap_users) && strv_equal(a->remap_uid, b->remap_uid) &&
               strv_equal(a->remap_gid, b->remap_gid) && a->remap_uid_size == b->remap_uid_size &&
               a->remap_uid_size_set == b->remap_uid_size_set;
}

const char *userns_conflict(const UserNSPeers *p) {
        /* docker's rule (userns-remap: "--privileged … without also specifying --userns=host"):
         * Privileged= means the host's devices and every capability over the host, which is
         * exactly what a user namespace takes away. */
        if (p->privileged)
                return "Privileged=yes means the host's devices and every capability over the host, which a user "
                       "namespace takes away (docker refuses --privileged with userns-remap too): use UserNS=host";
        /* The kernel: sysfs, proc, mqueue and cgroup2 can be mounted only with CAP_SYS_ADMIN in
         * the user namespace that owns the namespace they show (the network, PID, IPC, cgroup
         * one). Those of the host belong to the host's; container root has no capability there. */
        if (p->network_host)
                return "Network=host: the host's network namespace belongs to the host's user namespace, where "
                       "container root could neither mount its /sys nor configure it (docker refuses --network host "
                       "with userns-remap too): use UserNS=host";
        if (p->pid_host)
                return "PID=host: only the host's root may mount a /proc of the host's PID namespace (docker refuses "
                       "--pid host with userns-remap too): use UserNS=host";
        if (p->ipc_host)
                return "IPC=host: only the host's root may mount the /dev/mqueue of the host's IPC namespace: use "
                       "UserNS=host";
        if (p->cgroupns_host)
                return "CgroupNS=host: only the host's root may mount the cgroup2 file system of the host's cgroup "
                       "namespace: use UserNS=host";
        /* Joining another container's namespace needs CAP_SYS_ADMIN in the user namespace that owns
         * it, the host's or the other container's, never this one's. */
        if (p->joins_container)
                return "joining another container's namespace (Network=, PID=, IPC=, UTS= container:NAME) needs "
                       "capabilities in the user namespace that owns it, which a range of its own does not give: use "
                       "UserNS=host";
        return NULL;
}

/* Quadlet's deprecated Remap keys, read as the keys they mean (its handleUserRemap()), and then
 * gone: definition_to_string() writes the keys they became. */
static int remap_translate(UserNSFields *u, char **ret_why) {
        const char *key = u->remap_users ? "RemapUsers" : !strv_isempty(u->remap_uid) ? "RemapUid" : "RemapGid";
        int r;

        if (!u->remap_users && strv_isempty(u->remap_uid) && strv_isempty(u->remap_gid)) {
                if (u->remap_uid_size_set)
                        return reason(ret_why, -EINVAL, "key 'RemapUidSize': the size of RemapUsers=auto's range, and "
                                      "RemapUsers=auto is not set");
                return 0;
        }
        /* Quadlet's rule and its words. */
        if (u->userns_set || u->n_uid_map > 0 || u->n_gid_map > 0 || u->subuid_name || u->subgid_name)
                return reason(ret_why, -EINVAL,
                              "key '%s': deprecated Remap keys are set along with explicit mapping keys (UserNS=, "
                              "UIDMap=, GIDMap=, SubUIDMap=, SubGIDMap=): give one or the other",
                              key);
        if (!u->remap_users)
                return reason(ret_why, -EINVAL, "key '%s': %s set without RemapUsers (its maps are RemapUsers=manual's)",
                              key, streq(key, "RemapUid") ? "UidMap" : "GidMap");
        if (streq(u->remap_users, "auto")) {
                if (!strv_isempty(u->remap_uid) || !strv_isempty(u->remap_gid))
                        return reason(ret_why, -EINVAL,
                                      "key '%s': with RemapUsers=auto it is podman's auto:uidmapping=, which adds IDs to "
                                      "the range podman picks; berth maps the picked range alone (RemapUsers=manual, or "
                                      "UIDMap=/GIDMap=, for IDs of your own)",
                                      !strv_isempty(u->remap_uid) ? "RemapUid" : "RemapGid");
                u->userns = USERNS_AUTO;
                u->userns_size = u->remap_uid_size;
                u->userns_set = true;
        } else {
                /* manual */
                if (u->remap_uid_size_set)
                        return reason(ret_why, -EINVAL, "key 'RemapUidSize': the size of RemapUsers=auto's range; "
                                      "RemapUsers=manual's RemapUid=/RemapGid= give their own sizes");
                if (strv_isempty(u->remap_uid) && strv_isempty(u->remap_gid))
                        return reason(ret_why, -EINVAL,
                                      "key 'RemapUsers': manual maps the IDs RemapUid=/RemapGid= give, and none is given");
                STRV_FOREACH(e, u->remap_uid) {
                        _cleanup_free_ char *why = NULL;

                        r = parse_map(&u->uid_map, &u->n_uid_map, *e, &why);
                        if (r < 0)
                                return r == -EINVAL ? reason(ret_why, r, "key 'RemapUid': %s", why ?: "invalid") : r;
                }
                STRV_FOREACH(e, u->remap_gid) {
                        _cleanup_free_ char *why = NULL;

                        r = parse_map(&u->gid_map, &u->n_gid_map, *e, &why);
                        if (r < 0)
                                return r == -EINVAL ? reason(ret_why, r, "key 'RemapGid': %s", why ?: "invalid") : r;
                }
        }
        remap_done(u);
        return 0;
}

/* SubUIDMap=, SubGIDMap=: the IDs /etc/subuid and /etc/subgid list, alone (podman refuses
 * --subuidname with --userns; it would append --uidmap's entries, which cannot both start at
 * container ID 0). */
static int subid_check(UserNSFields *u, char **ret_why) {
        const char *key = u->subuid_name ? "SubUIDMap" : "SubGIDMap";

        if (!u->subuid_name && !u->subgid_name)
                return 0;
        if (u->userns_set && u->userns != USERNS_MAP)
                return reason(ret_why, -EINVAL,
                              "key '%s': UserNS=%s %s, %s= maps the IDs /etc/sub%cid lists for a name: one or the other "
                              "(podman refuses --userns with --subuidname too)",
                              key, userns_mode_to_string(u->userns),
                              u->userns == USERNS_HOST ? "keeps the host's IDs" : "picks a range itself", key,
                              key[3] == 'U' ? 'u' : 'g');
        if (u->n_uid_map > 0 || u->n_gid_map > 0)
                return reason(ret_why, -EINVAL,
                              "key '%s': maps the IDs /etc/sub%cid lists for a name, %s= gives others: one or the other",
                              key, key[3] == 'U' ? 'u' : 'g', u->n_uid_map > 0 ? "UIDMap" : "GIDMap");
        /* podman's rule: one name stands for both. */
        if (!u->subgid_name && set_string(&u->subgid_name, u->subuid_name) < 0)
                return -ENOMEM;
        if (!u->subuid_name && set_string(&u->subuid_name, u->subgid_name) < 0)
                return -ENOMEM;
        u->userns = USERNS_MAP;
        u->userns_set = true;
        return 0;
}

int userns_fields_check(UserNSFields *u, const UserNSPeers *p, char **ret_why) {
        /* The keys a message names: the ones the user gave. */
        bool remap = u->remap_users;
        const char *uid_key = remap ? "RemapUid" : "UIDMap", *gid_key = remap ? "RemapGid" : "GIDMap", *key;
        const char *conflict;
        int r;

        r = remap_translate(u, ret_why);
        if (r < 0)
                return r;
        r = subid_check(u, ret_why);
        if (r < 0)
                return r;
        key = u->subuid_name ? "SubUIDMap" : u->n_uid_map > 0 ? uid_key : gid_key;
        if (!u->subuid_name && (u->n_uid_map > 0 || u->n_gid_map > 0)) {
                _cleanup_free_ char *why = NULL;

                if (u->userns_set && u->userns == USERNS_HOST)
                        return reason(ret_why, -EINVAL, "key '%s': UserNS=host keeps the host's IDs, %s= maps others: one or "
                                      "the other", key, key);
                if (u->userns_set && u->userns != USERNS_MAP)
                        return reason(ret_why, -EINVAL,
                                      "key '%s': UserNS=%s picks the range itself: give UIDMap=/GIDMap= alone for IDs of "
                                      "your own",
                                      key, userns_mode_to_string(u->userns));
                r = idmap_check(u->uid_map, u->n_uid_map, uid_key, &why);
                if (r == -EINVAL)
                        return reason(ret_why, r, "key '%s': %s", uid_key, why ?: "invalid");
                if (r >= 0)
                        r = idmap_check(u->gid_map, u->n_gid_map, gid_key, &why);
                if (r == -EINVAL)
                        return reason(ret_why, r, "key '%s': %s", gid_key, why ?: "invalid");
                if (r < 0)
                        return r;
                /* podman's rule: one of the two maps stands for both. */
                if (u->n_gid_map == 0) {
                        u->gid_map = memdup(u->uid_map, u->n_uid_map * sizeof(IdMapEntry));
                        if (!u->gid_map)
                                return -ENOMEM;
                        u->n_gid_map = u->n_uid_map;
                } else if (u->n_uid_map == 0) {
                        u->uid_map = memdup(u->gid_map, u->n_gid_map * sizeof(IdMapEntry));
                        if (!u->uid_map)
                                return -ENOMEM;
                        u->n_uid_map = u->n_gid_map;
                }
                u->userns = USERNS_MAP;
                u->userns_set = true;
        }
        if (u->userns == USERNS_HOST)
                return 0;
        conflict = userns_conflict(p);
        if (conflict)
                return reason(ret_why, -EINVAL, "key '%s': %s",
                              remap ? "RemapUsers" : u->userns == USERNS_MAP ? key : "UserNS", conflict);
        return 0;
}

UserNSMode userns_mode_effective(const UserNSFields *u, const UserNSPeers *p, UserNSMode conf_mode, uint32_t conf_size,
                                 uint32_t *ret_size) {
        if (u->userns_set) {
                if (ret_size)
                        *ret_size = u->userns_size;
                return u->userns;
        }
        /* An admin's host-wide default is for the containers that can work with it; the others
         * keep the host's IDs, as they would have to be told to anyway (kubernetes' host user
         * namespace defaulting does the same). */
        if (conf_mode == USERNS_HOST || conf_mode == USERNS_MAP || userns_conflict(p)) {
                if (ret_size)
                        *ret_size = 0;
                return USERNS_HOST;
        }
        if (ret_size)
                *ret_size = conf_size;
        return conf_mode;
}
