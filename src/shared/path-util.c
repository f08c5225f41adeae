/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "path-util.h"

bool path_is_normalized(const char *p) {
        const char *c;

        if (!p || !*p)
                return false;
        if (p[0] == '/' && p[1] == 0)
                return true;
        if (p[strlen(p) - 1] == '/')
                return false;
        c = p;
        if (*c == '/')
                c++;
        for (;;) {
                size_t n = strcspn(c, "/");

                if (n == 0)
                        return false; /* "//" */
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                if (!c[n])
                        return true;
                c += n + 1;
        }
}

const char *path_startswith(const char *path, const char *prefix) {
        size_t n;

        while (*prefix == '/' && prefix[1] == '/')
                prefix++;
        n = strlen(prefix);
        while (n > 1 && prefix[n - 1] == '/')
                n--;
        if (n == 1 && prefix[0] == '/')
                return path[0] == '/' ? path + strspn(path, "/") : NULL;
        if (strncmp(path, prefix, n) != 0)
                return NULL;
        if (path[n] == 0)
                return path + n;
        if (path[n] != '/')
                return NULL;
        return path + n + strspn(path + n, "/");
}

char *path_join_internal(const char *first, ...) {
        va_list ap;
        size_t sz = 1;
        char *r, *p;

        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                sz += strlen(s) + 1;
        va_end(ap);

        r = malloc(sz);
        if (!r)
                return NULL;
        p = r;
        *p = 0;
        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *)) {
                if (!*s)
                        continue;
                if (p > r) {
                        if (p[-1] != '/')
                                *p++ = '/';
                        while (*s == '/')
                                s++;
                }
                p = stpcpy(p, s);
        }
        va_end(ap);
        return r;
}

bool filename_is_valid(const char *p) {
        if (!p || !*p)
                return false;
        if (strchr(p, '/'))
                return false;
        if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
                return false;
        return strlen(p) <= 255;
}
