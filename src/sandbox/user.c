/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fd-util.h"
#include "mount.h"
#include "string-util.h"
#include "user.h"

/* Runs in the container's child after clone(), before pivot_root(): root, the host's /proc still
 * at /proc (open_regular_in_root() reopens through it), the image's files untrusted. */

#define USER_DB_SIZE_MAX (4U * 1024U * 1024U)
#define USER_GROUPS_MAX 65536U /* NGROUPS_MAX of the kernel */

/* Reads one of the image's databases; a missing file reads as empty. So does one that is no
 * database at all (a FIFO, a device, a symlink to /proc/kmsg, a directory, one too large) when
 * the caller only needs it for extras (ids given as numbers, root): then nobody needs to read it,
 * and a hostile image cannot stop `exec` as root. */
static int read_db(int root_fd, const char *path, bool required, char **ret) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = open_regular_in_root(root_fd, path);
        if (fd >= 0) {
                r = read_full_fd(fd, USER_DB_SIZE_MAX, ret, NULL);
                if (r >= 0 || required || r == -ENOMEM)
                        return r;
        } else if (fd != -ENOENT && (required || fd == -ENOMEM))
                return fd;
        *ret = strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* Cuts the next line off *p and splits it at ':' into at most n fields, in place. Returns the
 * number of fields, 0 for a line to skip (empty, a comment, NIS "+"/"-" entries), -1 at the end. */
static int db_next_line(char **p, char **f, size_t n) {
        char *line = *p, *nl;
        size_t i = 0;

        if (!line || !*line)
                return -1;
        nl = strchr(line, '\n');
        if (nl) {
                *nl = 0;
                *p = nl + 1;
        } else
                *p = line + strlen(line);

        if (!*line || strchr("#+-", *line))
                return 0;
        f[i++] = line;
        for (char *c = line; *c && i < n; c++)
                if (*c == ':') {
                        *c = 0;
                        f[i++] = c + 1;
                }
        return (int)i;
}

/* Decimal ids only: no sign, no blanks, and never (uid_t) -1, which the kernel reads as "unchanged". */
static int parse_id(const char *s, uint32_t *ret) {
        uint64_t v;

        if (isempty(s) || strspn(s, "0123456789") != strlen(s))
                return -EINVAL;
        if (safe_atou64(s, &v) < 0 || v >= UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t)v;
        return 0;
}

typedef struct PasswdEntry {
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
} PasswdEntry;

/* Finds the first passwd entry with this name, or with this uid when name is NULL. Points into db. */
static int passwd_find(char *db, const char *name, uid_t uid, PasswdEntry *ret) {
        char *f[7];
        int n;

        for (char *p = db; (n = db_next_line(&p, f, ELEMENTSOF(f))) >= 0;) {
                uint32_t u, g;

                if (n < 4 || parse_id(f[2], &u) < 0 || parse_id(f[3], &g) < 0)
                        continue;
                if (name ? !streq(f[0], name) : u != uid)
                        continue;
                *ret = (PasswdEntry){
                        .name = f[0],
                        .uid = u,
                        .gid = g,
                        .home = n >= 6 ? f[5] : NULL,
                };
                return 0;
        }
        return -ESRCH;
}

static int group_find(char *db, const char *name, gid_t *ret) {
        char *f[4];
        int n;

        for (char *p = db; (n = db_next_line(&p, f, ELEMENTSOF(f))) >= 0;) {
                uint32_t g;

                if (n < 3 || parse_id(f[2], &g) < 0 || !streq(f[0], name))
                        continue;
                *ret = g;
                return 0;
        }
        return -ESRCH;
}

static bool member_of(char *members, const char *user) {
        for (char *m = members;;) {
                size_t l = strcspn(m, ",");

                if (l == strlen(user) && strncmp(m, user, l) == 0)
                        return true;
                if (!m[l])
                        return false;
                m += l + 1;
        }
}

/* The gids of the groups that list user as a member, each once. */
static int group_memberships(char *db, const char *user, gid_t **ret, size_t *ret_n) {
        _cleanup_free_ gid_t *l = NULL;
        size_t n = 0;
        char *f[4];
        int k;

        for (char *p = db; (k = db_next_line(&p, f, ELEMENTSOF(f))) >= 0;) {
                bool dup = false;
                uint32_t g;
                gid_t *t;

                if (k < 4 || parse_id(f[2], &g) < 0 || !member_of(f[3], user))
                        continue;
                for (size_t i = 0; i < n; i++)
                        dup = dup || l[i] == g;
                if (dup)
                        continue;
                if (n >= USER_GROUPS_MAX)
                        return -E2BIG;
                t = realloc(l, sizeof(gid_t) * (n + 1));
                if (!t)
                        return -ENOMEM;
                l = t;
                l[n++] = g;
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int user_resolve(int root_fd, const char *spec, uid_t *ret_uid, gid_t *ret_gid, char **ret_home,
                 gid_t **ret_groups, size_t *ret_n_groups) {
        _cleanup_free_ char *user = NULL, *passwd = NULL, *group = NULL, *home = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        const char *grp = NULL, *name = NULL;
        PasswdEntry pw;
        size_t n_groups = 0;
        uint32_t id;
        uid_t uid;
        gid_t gid;
        bool numeric;
        int r;

        user = strdup(isempty(spec) ? "0" : spec);
        if (!user)
                return -ENOMEM;
        {
                char *colon = strchr(user, ':');

                if (colon) {
                        *colon = 0;
                        grp = colon + 1;
                        if (isempty(grp))
                                return -EINVAL;
                }
        }
        if (isempty(user))
                return -EINVAL;
        numeric = strspn(user, "0123456789") == strlen(user);
        if (numeric && parse_id(user, &id) < 0)
                return -EINVAL;

        r = read_db(root_fd, "/etc/passwd", /* required= */ !numeric, &passwd);
        if (r < 0)
                return r;
        r = passwd_find(passwd, numeric ? NULL : user, numeric ? id : 0, &pw);
        if (r >= 0) {
                uid = pw.uid;
                gid = pw.gid;
                name = pw.name;
                home = strdup(isempty(pw.home) ? "/" : pw.home);
        } else if (numeric) {
                /* Docker: a uid without an entry runs with gid 0 and no name, hence no groups. */
                uid = id;
                gid = 0;
                home = strdup(uid == 0 ? "/root" : "/");
        } else
                return r;
        if (!home)
                return -ENOMEM;

        if (grp || name) {
                /* Needed for a group given by name, and for a user given by name (the groups
                 * that list it): not for numbers, not for root by default. */
                r = read_db(root_fd, "/etc/group",
                            /* required= */ grp ? strspn(grp, "0123456789") != strlen(grp) : !numeric, &group);
                if (r < 0)
                        return r;
        }
        if (grp) {
                if (strspn(grp, "0123456789") == strlen(grp)) {
                        r = parse_id(grp, &id);
                        if (r < 0)
                                return r;
                        gid = id;
                } else {
                        r = group_find(group, grp, &gid);
                        if (r < 0)
                                return r;
                }
        } else if (name) {
                r = group_memberships(group, name, &groups, &n_groups);
                if (r < 0)
                        return r;
        }

        *ret_uid = uid;
        *ret_gid = gid;
        *ret_home = TAKE_PTR(home);
        *ret_groups = TAKE_PTR(groups);
        *ret_n_groups = n_groups;
        return 0;
}

int user_add_groups(int root_fd, char *const *names, gid_t **groups, size_t *n_groups, const char **ret_failed) {
        _cleanup_free_ char *group = NULL;
        bool by_name = false;
        int r;

        for (char *const *g = names; g && *g; g++)
                by_name = by_name || strspn(*g, "0123456789") != strlen(*g);
        /* The database only when a name must be looked up in it: numbers need none. */
        if (by_name) {
                r = read_db(root_fd, "/etc/group", /* required= */ true, &group);
                if (r < 0)
                        return r;
        }
        for (char *const *g = names; g && *g; g++) {
                _cleanup_free_ char *copy = NULL;
                bool dup = false;
                uint32_t id;
                gid_t *t;

                if (strspn(*g, "0123456789") == strlen(*g)) {
                        r = parse_id(*g, &id);
                        if (r < 0) {
                                *ret_failed = *g;
                                return r;
                        }
                } else {
                        gid_t found;

                        /* group_find() cuts the lines it reads: each lookup on a fresh copy. */
                        copy = strdup(group);
                        if (!copy)
                                return -ENOMEM;
                        r = group_find(copy, *g, &found);
                        if (r < 0) {
                                *ret_failed = *g;
                                return r;
                        }
                        id = found;
                }
                for (size_t i = 0; i < *n_groups; i++)
                        dup = dup || (*groups)[i] == id;
                if (dup)
                        continue;
                if (*n_groups >= USER_GROUPS_MAX)
                        return -E2BIG;
                t = realloc(*groups, sizeof(gid_t) * (*n_groups + 1));
                if (!t)
                        return -ENOMEM;
                *groups = t;
                (*groups)[(*n_groups)++] = id;
        }
        return 0;
}

const char *user_resolve_strerror(int r) {
        switch (r) {
        case -ESRCH:
                return "not found in /etc/passwd and /etc/group";
        case -EBADFD:
        case -EISDIR:
                return "/etc/passwd or /etc/group is not a regular file";
        case -EFBIG:
                return "/etc/passwd or /etc/group is larger than 4 MiB";
        case -E2BIG:
                return "the user is in more than 65536 groups";
        case -EINVAL:
                return "not USER[:GROUP], each a name or a number below 4294967295";
        default:
                return NULL;
        }
}
