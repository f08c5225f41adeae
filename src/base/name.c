/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "name.h"

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool name_is_valid(const char *name) {
        size_t n;

        if (!name || !is_alnum(name[0]))
                return false;
        n = strlen(name);
        if (n > NAME_MAX_LEN)
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(name[i]) && name[i] != '_' && name[i] != '.' && name[i] != '-')
                        return false;
        return true;
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
        return format_unit("container-", name, ".scope");
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
