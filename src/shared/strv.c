/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        if (!l)
                return 0;
        while (l[n])
                n++;
        return n;
}

int strv_consume(char ***l, char *value) {
        size_t n;
        char **c;

        if (!value)
                return -ENOMEM;
        n = strv_length(*l);
        c = realloc(*l, sizeof(char *) * (n + 2));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        return strv_consume(l, strdup(value));
}

char **strv_copy(char *const *l) {
        _cleanup_strv_free_ char **r = NULL;

        r = calloc(1, sizeof(char *));
        if (!r)
                return NULL;
        for (char *const *i = l; i && *i; i++)
                if (strv_extend(&r, *i) < 0)
                        return NULL;
        return TAKE_PTR(r);
}

bool strv_contains(char *const *l, const char *s) {
        for (char *const *i = l; i && *i; i++)
                if (strcmp(*i, s) == 0)
                        return true;
        return false;
}

char *strv_join(char *const *l, const char *sep) {
        size_t n = 1, sl = strlen(sep);
        char *r, *p;

        for (char *const *i = l; i && *i; i++)
                n += strlen(*i) + sl;
        r = malloc(n);
        if (!r)
                return NULL;
        p = r;
        *p = 0;
        for (char *const *i = l; i && *i; i++) {
                if (i != l)
                        p = stpcpy(p, sep);
                p = stpcpy(p, *i);
        }
        return r;
}

int strv_split_quoted(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *word = NULL;
        size_t n = 0;
        bool in_word = false;
        char quote = 0;
        int r;

        l = calloc(1, sizeof(char *));
        word = malloc(strlen(s) + 1);
        if (!l || !word)
                return -ENOMEM;

        for (const char *p = s;; p++) {
                char c = *p;

                if (c == 0) {
                        if (quote)
                                return -EINVAL;
                        break;
                }
                if (quote == '\'') {
                        if (c == '\'')
                                quote = 0;
                        else
                                word[n++] = c;
                        continue;
                }
                if (quote == '"') {
                        if (c == '"')
                                quote = 0;
                        else if (c == '\\' && p[1] && strchr("\"\\$`", p[1]))
                                word[n++] = *++p;
                        else
                                word[n++] = c;
                        continue;
                }
                if (c == ' ' || c == '\t' || c == '\n') {
                        if (in_word) {
                                word[n] = 0;
                                r = strv_extend(&l, word);
                                if (r < 0)
                                        return r;
                                n = 0;
                                in_word = false;
                        }
                        continue;
                }
                in_word = true;
                if (c == '\'' || c == '"')
                        quote = c;
                else if (c == '\\') {
                        if (!p[1])
                                return -EINVAL;
                        word[n++] = *++p;
                } else
                        word[n++] = c;
        }
        if (in_word) {
                word[n] = 0;
                r = strv_extend(&l, word);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool word_needs_quotes(const char *w) {
        if (!*w)
                return true;
        for (const char *p = w; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      strchr("_@%+=:,./-", *p)))
                        return true;
        return false;
}

char *strv_join_quoted(char *const *l) {
        size_t n = 1;
        char *r, *p;

        /* Worst case: every character a ' (4 bytes as '\''), plus two quotes and a space. */
        for (char *const *i = l; i && *i; i++)
                n += strlen(*i) * 4 + 3;
        r = malloc(n);
        if (!r)
                return NULL;
        p = r;
        for (char *const *i = l; i && *i; i++) {
                if (i != l)
                        *p++ = ' ';
                if (!word_needs_quotes(*i)) {
                        p = stpcpy(p, *i);
                        continue;
                }
                *p++ = '\'';
                for (const char *c = *i; *c; c++)
                        if (*c == '\'')
                                p = stpcpy(p, "'\\''");
                        else
                                *p++ = *c;
                *p++ = '\'';
        }
        *p = 0;
        return r;
}

bool strv_equal(char *const *a, char *const *b) {
        size_t i;

        for (i = 0; a && a[i] && b && b[i]; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return !(a && a[i]) && !(b && b[i]);
}

static int strv_sort_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        size_t n = strv_length(l);

        if (n > 1)
                qsort(l, n, sizeof(char *), strv_sort_cmp);
}
