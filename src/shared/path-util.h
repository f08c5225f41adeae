/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

static inline bool path_is_absolute(const char *p) {
        return p && p[0] == '/';
}

/* True if p has no "//", no "." or ".." component and no trailing slash ("/" itself is
 * normalised). Destinations in definition files must be absolute and normalised. */
bool path_is_normalized(const char *p);

/* Component-wise prefix test: path_startswith("/proc/sys", "/proc") → "sys";
 * path_startswith("/procx", "/proc") → NULL. Returns the rest (possibly "") or NULL. */
const char *path_startswith(const char *path, const char *prefix);

/* Joins with exactly one slash between parts. NULL on OOM. */
char *path_join_internal(const char *first, ...);
#define path_join(...) path_join_internal(__VA_ARGS__, (const char *) NULL)

/* True if the last component of p is a valid file name (not empty, ".", "..", no '/'). */
bool filename_is_valid(const char *p);
