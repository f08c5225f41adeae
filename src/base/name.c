/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cleanup.h"
#include "name.h"
#include "string-util.h"

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool plain_part(const char *name, size_t n) {
        if (n == 0 || !is_alnum(name[0]))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(name[i]) && name[i] != '_' && name[i] != '.' && name[i] != '-')
                        return false;
        return true;
}

bool name_is_plain(const char *name) {
        return name && strlen(name) <= NAME_MAX_LEN && plain_part(name, strlen(name));
}

bool name_is_valid(const char *name) {
        const char *at;
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n > NAME_MAX_LEN)
                return false;
        at = strchr(name, '@');
        if (!at)
                return plain_part(name, n);
        /* A template's instance, NAME@INSTANCE (definition-unit.h). */
        return plain_part(name, (size_t) (at - name)) && plain_part(at + 1, n - (size_t) (at - name) - 1);
}

bool name_is_template(const char *name) {
        size_t n = name ? strlen(name) : 0;

        return n >= 2 && n <= NAME_MAX_LEN && name[n - 1] == '@' && plain_part(name, n - 1);
}

static char *format_unit(const char *prefix, const char *name, const char *suffix) {
        char *r;

        if (!name_is_valid(name))
                return NULL;
        if (asprintf(&r, "%s%s%s", prefix, name, suffix) < 0)
                return NULL;
        return r;
}

char *name_to_service(const char *name) {
        return format_unit("container@", name, ".service");
}

char *name_to_scope(const char *name) {
        _cleanup_free_ char *escaped = NULL;
        char *p;

        if (!name_is_valid(name))
                return NULL;
        /* A scope cannot be an instance: the '@' of NAME@INSTANCE is escaped as systemd escapes it. */
        escaped = malloc(strlen(name) * 4 + 1);
        if (!escaped)
                return NULL;
        p = escaped;
        for (const char *c = name; *c; c++)
                p = *c == '@' ? stpcpy(p, "\\x40") : (*p = *c, p + 1);
        *p = 0;
        return strjoin("container-", escaped, ".scope");
}

char *name_from_scope_part(const char *s, size_t n) {
        char *r = malloc(n + 1), *p = r;

        if (!r)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (i + 4 <= n && strncmp(s + i, "\\x40", 4) == 0) {
                        *p++ = '@';
                        i += 3;
                } else
                        *p++ = s[i];
        *p = 0;
        return r;
}

int name_generate(const char *prefix, size_t n_bytes, char **ret) {
        unsigned char b[32];
        size_t l = strlen(prefix);
        char *s;

        if (n_bytes == 0 || n_bytes > sizeof(b) || l + 2 * n_bytes > NAME_MAX_LEN)
                return -EINVAL;
        if (getrandom(b, n_bytes, 0) != (ssize_t) n_bytes)
                return -errno ?: -EIO;
        s = malloc(l + 2 * n_bytes + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, prefix, l);
        for (size_t i = 0; i < n_bytes; i++)
                snprintf(s + l + 2 * i, 3, "%02x", b[i]);
        *ret = s;
        return 0;
}
