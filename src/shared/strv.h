/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

/* NULL-terminated arrays of owned strings. */

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l);
static inline bool strv_isempty(char *const *l) {
        return !l || !*l;
}
/* Appends a copy of value. */
int strv_extend(char ***l, const char *value);
/* Appends value itself, taking ownership (freed on failure). */
int strv_consume(char ***l, char *value);
/* Sorts l in place by strcmp(). */
void strv_sort(char **l);
char **strv_copy(char *const *l);
bool strv_contains(char *const *l, const char *s);
/* Joins with separator; NULL on OOM. */
char *strv_join(char *const *l, const char *sep);

/* Splits a command line the way a POSIX shell would for words: whitespace separates, '…' and
 * "…" quote, backslash escapes. No expansion of any kind. -EINVAL on an unterminated quote. */
int strv_split_quoted(const char *s, char ***ret);

/* The inverse of strv_split_quoted(): words joined by single spaces, each one that holds anything
 * but [A-Za-z0-9_@%+=:,./-] (or is empty) put in single quotes, a ' inside written as '\''.
 * NULL on OOM. */
char *strv_join_quoted(char *const *l);

/* Same strings in the same order; NULL equals the empty list. */
bool strv_equal(char *const *a, char *const *b);
