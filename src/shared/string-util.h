/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "macro.h"

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

/* Returns the rest of s after prefix, or NULL. */
const char *startswith(const char *s, const char *prefix) _pure_;
const char *endswith(const char *s, const char *suffix) _pure_;

/* Concatenates the NULL-terminated list of strings; NULL on OOM. */
char *strjoin_internal(const char *first, ...) _sentinel_;
#define strjoin(a, ...) strjoin_internal((a), __VA_ARGS__, NULL)

/* Strips leading and trailing whitespace in place; returns s. */
char *strstrip(char *s);

int safe_atou64(const char *s, uint64_t *ret);
int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);

/* "yes/no/true/false/on/off/1/0" → 1/0; -EINVAL otherwise. */
int parse_boolean(const char *s);

/* "512", "64K", "1.5G", "2g", "128m", "10MB": bytes, base 1024. */
int parse_size(const char *s, uint64_t *ret);

/* "10", "10s", "500ms", "2min": microseconds. */
int parse_sec(const char *s, uint64_t *ret_usec);

/* Whether s holds a control character (0x01…0x1f, 0x7f). */
bool string_has_control_chars(const char *s) _pure_;

/* s as it may appear in a one-line message: control characters (0x01…0x1f, 0x7f) written the C
 * way ("\n", "\t", "\x1b"), everything else as it is (a backslash too: the text is for reading,
 * not for parsing back). At most max bytes of s are shown (SIZE_MAX: all of it) and what does
 * not fit in buf either: then it ends in "...". size must be at least 4. Returns buf. */
char *escape_controls(const char *s, size_t max, char *buf, size_t size);

/* A value as it may appear inside a one-line message: escape_controls() cut at SHOWN_MAX bytes,
 * in a buffer that lives to the end of the enclosing expression's block. */
#define SHOWN_MAX 80
#define SHOWN_SIZE (SHOWN_MAX * 4 + 4)
#define SHOWN(v) escape_controls((v), SHOWN_MAX, (char[SHOWN_SIZE]) {}, SHOWN_SIZE)

/* *p replaced by a copy of s (what it held is freed): 0, or -ENOMEM with *p unchanged. */
int free_and_strdup(char **p, const char *s);

/* For functions that hand their reason back instead of logging it: formats a one-line reason
 * into *ret_why (when ret_why is not NULL; what it held is freed) and returns r, or -ENOMEM when
 * the formatting failed (then *ret_why is NULL). */
int reason(char **ret_why, int r, const char *fmt, ...) _printf_(3, 4);
