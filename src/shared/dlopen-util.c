/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dlopen-util.h"

static void set_why(char **ret_why, const char *why) {
        if (!ret_why)
                return;
        free(*ret_why);
        *ret_why = strdup(why ?: "unknown error");
}

int dlopen_symbols(void **handle, const char *soname, const DlopenSymbol *symbols, size_t n, char **ret_why) {
        void *h;

        if (*handle)
                return 0;
        h = dlopen(soname, RTLD_NOW | RTLD_NODELETE);
        if (!h) {
                set_why(ret_why, dlerror());
                return -EOPNOTSUPP;
        }
        for (size_t i = 0; i < n; i++) {
                *symbols[i].ptr = dlsym(h, symbols[i].name);
                if (!*symbols[i].ptr) {
                        set_why(ret_why, dlerror());
                        for (size_t j = 0; j < i; j++)
                                *symbols[j].ptr = NULL;
                        dlclose(h);
                        return -EOPNOTSUPP;
                }
        }
        *handle = h;
        return 0;
}
