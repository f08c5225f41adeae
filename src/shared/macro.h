/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#define _public_ __attribute__((visibility("default")))
#define _pure_ __attribute__((pure))
#define _const_ __attribute__((const))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _sentinel_ __attribute__((sentinel))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _likely_(x) (__builtin_expect(!!(x), 1))
#define _unlikely_(x) (__builtin_expect(!!(x), 0))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define STRLEN(x) (sizeof("" x "") - 1)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* errno is always positive when set by libc; callers hand around negative values. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

#define RET_NERRNO(expr)                                                                                  \
        ({                                                                                                \
                int _r_ = (expr);                                                                         \
                _r_ < 0 ? negative_errno() : _r_;                                                         \
        })

/* Iterate over a NULL-terminated array of strings. */
#define STRV_FOREACH(s, l) for (char **s = (l); s && *s; s++)
