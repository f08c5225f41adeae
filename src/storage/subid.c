/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/subuid and /etc/subgid, read for SubUIDMap= and SubGIDMap=. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fd-util.h"
#include "string-util.h"
#include "strv.h"
#include "subid.h"

static int range_cmp(const void *a, const void *b) {
        const IdMapEntry *x = a, *y = b;

        return x->outside < y->outside ? -1 : x->outside > y->outside;
}

int subid_map_read(const char *path, char *const *names, IdMapEntry **ret, size_t *ret_n, char **ret_why) {
        _cleanup_free_ char *text = NULL, *why = NULL;
        _cleanup_free_ IdMapEntry *m = NULL;
        size_t n = 0, size = 0;
        uint64_t next = 0;
        unsigned line_no = 0;
        char *p, *line;
        int r;

        /* The path the admin set, symlink or not: root's file (no container can write it); a
         * FIFO or a device there is refused, never waited on, and its size is bounded. */
        r = read_full_file_at(AT_FDCWD, path, SUBID_FILE_SIZE_MAX, &text, &size);
        if (r == -ENOENT)
                return reason(ret_why, r, "%s does not exist: no subordinate IDs for %s", path, SHOWN(names[0]));
        if (r == -EFBIG)
                return reason(ret_why, -EINVAL, "%s is larger than %u bytes", path, SUBID_FILE_SIZE_MAX);
        if (r == -EBADFD || r == -EISDIR)
                return reason(ret_why, -EINVAL, "%s is not a regular file", path);
        if (r < 0)
                return reason(ret_why, r, "cannot read %s: %s", path, strerror(-r));
        if (strlen(text) != size)
                return reason(ret_why, -EINVAL, "%s holds a NUL byte", path);

        for (p = text; (line = strsep(&p, "\n"));) {
                char *fields[4] = {}, *q;
                uint64_t first, count;
                size_t k = 0;

                line_no++;
                line = strstrip(line);
                if (line[0] == 0 || line[0] == '#')
                        continue;
                for (q = line; k < ELEMENTSOF(fields) && (fields[k] = strsep(&q, ":"));)
                        k++;
                /* containers/storage refuses any such line, whoever it is for: so does berth,
                 * rather than guess what the admin meant. */
                if (k != 3 || isempty(fields[0]))
                        return reason(ret_why, -EINVAL, "%s:%u: not NAME:FIRST:COUNT", path, line_no);
                if (!strv_contains(names, fields[0]))
                        continue;
                if (safe_atou64(fields[1], &first) < 0 || safe_atou64(fields[2], &count) < 0 ||
                    first + count > UINT32_MAX || count > UINT32_MAX)
                        return reason(ret_why, -EINVAL, "%s:%u: FIRST and COUNT are not IDs below 2^32 - 1", path,
                                      line_no);
                if (count == 0)
                        continue;
                if (n >= USERNS_MAP_LINES_MAX)
                        return reason(ret_why, -EINVAL, "%s lists more than %d ranges for %s, the kernel's limit", path,
                                      USERNS_MAP_LINES_MAX, SHOWN(names[0]));
                {
                        IdMapEntry *t = reallocarray(m, n + 1, sizeof(IdMapEntry));

                        if (!t)
                                return -ENOMEM;
                        m = t;
                }
                m[n++] = (IdMapEntry) { .outside = (uint32_t) first, .count = (uint32_t) count };
        }
        if (n == 0)
                return reason(ret_why, -EINVAL, "%s lists no IDs for %s", path, SHOWN(names[0]));
        qsort(m, n, sizeof(IdMapEntry), range_cmp);
        for (size_t i = 0; i < n; i++) {
                if (next + m[i].count > UINT32_MAX)
                        return reason(ret_why, -EINVAL, "%s lists more than 2^32 - 1 IDs for %s", path, SHOWN(names[0]));
                m[i].inside = (uint32_t) next;
                next += m[i].count;
        }
        r = idmap_check(m, n, path, &why);
        if (r < 0)
                return reason(ret_why, r, "%s, for %s: %s", path, SHOWN(names[0]), why ?: strerror(-r));
        *ret = TAKE_PTR(m);
        *ret_n = n;
        return 0;
}

int subid_names(const char *name, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        struct passwd pw, *pwp = NULL;
        char buf[4096];
        uint64_t uid;
        int r;

        r = strv_extend(&l, name);
        if (r < 0)
                return r;
        if (safe_atou64(name, &uid) >= 0) {
                if (uid < UINT32_MAX && getpwuid_r((uid_t) uid, &pw, buf, sizeof(buf), &pwp) == 0 && pwp &&
                    !streq(pwp->pw_name, name))
                        r = strv_extend(&l, pwp->pw_name);
        } else if (getpwnam_r(name, &pw, buf, sizeof(buf), &pwp) == 0 && pwp) {
                char s[16];

                snprintf(s, sizeof(s), "%u", (unsigned) pwp->pw_uid);
                r = strv_extend(&l, s);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}
