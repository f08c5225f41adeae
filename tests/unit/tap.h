/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A minimal TAP producer: each check prints "ok N - what" or "not ok N - what (file:line)";
 * tap_finish() prints the plan and returns the exit code meson's TAP protocol expects. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned tap_n = 0, tap_failed = 0;

static inline bool tap_check(bool ok, const char *what, const char *file, int line) {
        tap_n++;
        if (ok)
                printf("ok %u - %s\n", tap_n, what);
        else {
                tap_failed++;
                printf("not ok %u - %s (%s:%d)\n", tap_n, what, file, line);
        }
        fflush(stdout);
        return ok;
}

#define ok(cond, ...)                                                                                     \
        ({                                                                                                \
                char _w_[2048];                                                                            \
                snprintf(_w_, sizeof(_w_), __VA_ARGS__);                                                  \
                tap_check(!!(cond), _w_, __FILE__, __LINE__);                                             \
        })
#define ok_eq_int(a, b)                                                                                   \
        ({                                                                                                \
                long long _a_ = (a), _b_ = (b);                                                           \
                ok(_a_ == _b_, "%s == %s (%lld vs %lld)", #a, #b, _a_, _b_);                              \
        })
#define ok_streq(a, b)                                                                                    \
        ({                                                                                                \
                const char *_a_ = (a), *_b_ = (b);                                                        \
                ok(_a_ && _b_ && strcmp(_a_, _b_) == 0, "%s == \"%s\" (got \"%s\")", #a, _b_ ? _b_ : "(null)", \
                   _a_ ? _a_ : "(null)");                                                                 \
        })

static inline void tap_skip_all(const char *why) {
        printf("1..0 # SKIP %s\n", why);
        exit(77);
}

static inline int tap_finish(void) {
        printf("1..%u\n", tap_n);
        return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
