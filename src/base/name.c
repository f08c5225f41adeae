/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

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
