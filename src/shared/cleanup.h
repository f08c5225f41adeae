/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "macro.h"

/* The one definition of berth's scope-bound resources: every destructor accepts NULL and
 * returns NULL, file descriptors start out as -EBADF. */

#define _cleanup_(f) __attribute__((cleanup(f)))

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                           \
        static inline void func##p(type *p) {                                                             \
                if (*p)                                                                                   \
                        func(*p);                                                                         \
        }

#define TAKE_PTR(p)                                                                                       \
        ({                                                                                                \
                __typeof__(p) _p_ = (p);                                                                  \
                (p) = NULL;                                                                               \
                _p_;                                                                                      \
        })

#define TAKE_FD(fd)                                                                                       \
        ({                                                                                                \
                int _fd_ = (fd);                                                                          \
                (fd) = -EBADF;                                                                            \
                _fd_;                                                                                     \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* close() that keeps errno and never closes a negative fd; returns -EBADF for assignment. */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void close_pairp(int (*p)[2]) {
        (*p)[0] = safe_close((*p)[0]);
        (*p)[1] = safe_close((*p)[1]);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

static inline FILE *safe_fclose(FILE *f) {
        if (f)
                (void) fclose(f);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);
#define _cleanup_fclose_ _cleanup_(fclosep)

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Keep errno across a cleanup that may clobber it. */
static inline void reset_errnop(int *e) {
        errno = *e;
}
#define PROTECT_ERRNO _cleanup_(reset_errnop) _unused_ int _saved_errno_ = errno
