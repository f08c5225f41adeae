/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Libraries that only some verbs need (libarchive and nettle for images, libnftables for published
 * ports) are opened on first use, as systemd opens its optional libraries, so that starting a
 * container maps none of them: libarchive alone brings libxml2, ICU and libstdc++ along. Their
 * headers are used at build time only; each symbol is a pointer of the function's own type. */

typedef struct DlopenSymbol {
        const char *name;
        void **ptr;
} DlopenSymbol;

/* { "archive_read_new", &sym_archive_read_new }: the pointer is named sym_ + the function. */
#define DLSYM(f) { #f, (void **) &sym_##f }

/* Opens soname once per process (*handle keeps it; it is never closed) and resolves every symbol.
 * 0 when done now or before; -EOPNOTSUPP when the library or a symbol is missing, with dlerror()'s
 * words in *ret_why (when not NULL). Does not log. */
int dlopen_symbols(void **handle, const char *soname, const DlopenSymbol *symbols, size_t n, char **ret_why);
