/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "fd-util.h"
#include "string-util.h"
#include "strv.h"

bool env_name_is_valid(const char *k) {
        if (isempty(k) || (k[0] >= '0' && k[0] <= '9'))
                return false;
        for (const char *p = k; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      *p == '_'))
                        return false;
        return true;
}

bool env_assignment_is_valid(const char *kv) {
        const char *eq = strchr(kv, '=');
        _cleanup_free_ char *k = NULL;

        if (!eq)
                return false;
        k = strndup(kv, (size_t) (eq - kv));
        return k && env_name_is_valid(k);
}

static char **env_find(char **l, const char *k, size_t kl) {
        for (char **i = l; i && *i; i++)
                if (strncmp(*i, k, kl) == 0 && (*i)[kl] == '=')
                        return i;
        return NULL;
}

int env_set(char ***l, const char *kv) {
        const char *eq = strchr(kv, '=');
        char **slot, *copy;

        if (!eq)
                return -EINVAL;
        slot = env_find(*l, kv, (size_t) (eq - kv));
        if (!slot)
                return strv_extend(l, kv);
        copy = strdup(kv);
        if (!copy)
                return -ENOMEM;
        free(*slot);
        *slot = copy;
        return 0;
}

int env_merge(char ***l, char **add) {
        STRV_FOREACH(i, add) {
                int r = env_set(l, *i);
                if (r < 0)
                        return r;
        }
        return 0;
}

const char *env_get(char **l, const char *k) {
        char **slot = env_find(l, k, strlen(k));

        return slot ? *slot + strlen(k) + 1 : NULL;
}

int env_file_read(const char *path, char ***ret, unsigned *ret_line) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **l = NULL;
        unsigned line = 0;
        char *p, *next;
        int r;

        r = read_full_file_at(AT_FDCWD, path, 1 << 20, &text, NULL);
        if (r < 0)
                return r;
        for (p = text; p && *p; p = next) {
                char *s;

                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                line++;
                s = strstrip(p);
                if (*s == 0 || *s == '#')
                        continue;
                if (strchr(s, '=')) {
                        if (!env_assignment_is_valid(s))
                                goto bad;
                        r = env_set(&l, s);
                } else {
                        const char *v;
                        _cleanup_free_ char *kv = NULL;

                        if (!env_name_is_valid(s))
                                goto bad;
                        v = getenv(s);
                        if (!v)
                                continue;
                        kv = strjoin(s, "=", v);
                        if (!kv)
                                return -ENOMEM;
                        r = env_set(&l, kv);
                }
                if (r < 0)
                        return r;
        }
        if (!l) {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
bad:
        if (ret_line)
                *ret_line = line;
        return -EINVAL;
}
