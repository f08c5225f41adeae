/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* '$' in definition values, systemd's rules: see env-expand.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "env-expand.h"
#include "strv.h"

/* A growing string that never takes more than its budget. */
typedef struct Buf {
        char *s;
        size_t n, allocated;
        size_t *budget; /* bytes left for this and the words after it, NUL included */
} Buf;

static int buf_put(Buf *b, const char *s, size_t n) {
        if (n >= *b->budget - b->n)
                return -E2BIG; /* no room left for these bytes and the NUL */
        if (b->n + n + 1 > b->allocated) {
                size_t a = (b->n + n + 1) * 2;
                char *t;

                if (a > *b->budget)
                        a = *b->budget;
                t = realloc(b->s, a);
                if (!t)
                        return -ENOMEM;
                b->s = t;
                b->allocated = a;
        }
        memcpy(b->s + b->n, s, n);
        b->n += n;
        b->s[b->n] = 0;
        return 0;
}

/* The string made, its bytes charged to the budget. */
static int buf_take(Buf *b, char **ret) {
        int r;

        if (!b->s) {
                r = buf_put(b, "", 0);
                if (r < 0)
                        return r;
        }
        *b->budget -= b->n + 1;
        *ret = b->s;
        b->s = NULL;
        return 0;
}

static bool name_char(char c, bool first) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

static bool name_is_valid(const char *name, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!name_char(name[i], i == 0))
                        return false;
        return true;
}

/* NAME's value in env, NULL when unset or not a valid name (systemd resolves both alike). */
static const char *lookup(char *const *env, const char *name, size_t n) {
        if (!name_is_valid(name, n))
                return NULL;
        for (char *const *e = env; e && *e; e++)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

int env_expand_word(const char *word, char *const *env, size_t *budget, char **ret) {
        Buf b = { .budget = budget };
        const char *p = word, *lit = word; /* lit: the start of what is copied as it is */
        int r;

        while ((p = strchr(p, '$'))) {
                if (p[1] == '$') {
                        /* "$$": one '$' */
                        r = buf_put(&b, lit, (size_t) (p - lit) + 1);
                        if (r < 0)
                                goto fail;
                        p += 2;
                        lit = p;
                } else if (p[1] == '{') {
                        const char *end = p + 2 + strcspn(p + 2, "}:"), *v;

                        if (!*end)
                                break; /* "${" without '}': the rest as it is */
                        if (*end == ':') {
                                /* systemd's "${NAME:-…}" and "${NAME:+…}" are for its
                                 * environment generators: in a command line, as it is. */
                                p = end + 1;
                                continue;
                        }
                        r = buf_put(&b, lit, (size_t) (p - lit));
                        if (r < 0)
                                goto fail;
                        v = lookup(env, p + 2, (size_t) (end - p - 2));
                        if (v) {
                                r = buf_put(&b, v, strlen(v));
                                if (r < 0)
                                        goto fail;
                        }
                        p = end + 1;
                        lit = p;
                } else
                        p++;
        }
        r = buf_put(&b, lit, strlen(lit));
        if (r < 0)
                goto fail;
        return buf_take(&b, ret);
fail:
        free(b.s);
        return r;
}

/* Appends w (taken) to the list l of *n words, room for *allocated. */
static int push(char ***l, size_t *n, size_t *allocated, char *w) {
        if (*n + 2 > *allocated) {
                size_t a = (*n + 2) * 2;
                char **t = reallocarray(*l, a, sizeof(char *));

                if (!t) {
                        free(w);
                        return -ENOMEM;
                }
                *l = t;
                *allocated = a;
        }
        (*l)[(*n)++] = w;
        (*l)[*n] = NULL;
        return 0;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends the words of value to *l, as systemd splits a $NAME's value (extract_first_word() with
 * EXTRACT_RELAX|EXTRACT_UNQUOTE): blanks separate; '…' and "…" quote and are removed, an
 * unterminated one running to the end; a backslash takes the next character as it is (a
 * trailing one is dropped). */
static int split_value(const char *value, char ***l, size_t *n, size_t *allocated, size_t *budget) {
        const char *p = value;
        int r;

        for (;;) {
                Buf b = { .budget = budget };
                bool in_word = false;
                char quote = 0;

                while (is_blank(*p))
                        p++;
                if (!*p)
                        return 0;
                for (; *p && (quote || !is_blank(*p)); p++) {
                        in_word = true;
                        if (*p == '\\') {
                                if (!p[1])
                                        break;
                                p++;
                                r = buf_put(&b, p, 1);
                        } else if (quote && *p == quote) {
                                quote = 0;
                                continue;
                        } else if (!quote && (*p == '\'' || *p == '"')) {
                                quote = *p;
                                continue;
                        } else
                                r = buf_put(&b, p, 1);
                        if (r < 0) {
                                free(b.s);
                                return r;
                        }
                }
                if (!in_word)
                        return 0;
                if (*p == '\\')
                        p++; /* the trailing backslash */
                {
                        char *w;

                        r = buf_take(&b, &w);
                        if (r >= 0)
                                r = push(l, n, allocated, w);
                        if (r < 0)
                                return r;
                }
        }
}

int env_expand_words(char *const *words, char *const *env, EnvExpandFlags flags, size_t *budget, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, allocated = 1, left = *budget;
        int r;

        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (char *const *w = words; w && *w; w++) {
                if ((flags & ENV_EXPAND_SPLIT) && (*w)[0] == '$' && (*w)[1] != '{' && (*w)[1] != '$') {
                        const char *v = lookup(env, *w + 1, strlen(*w + 1));

                        r = v ? split_value(v, &l, &n, &allocated, &left) : 0;
                        if (r < 0)
                                return r;
                        continue;
                }
                {
                        char *e;

                        r = env_expand_word(*w, env, &left, &e);
                        if (r >= 0)
                                r = push(&l, &n, &allocated, e);
                        if (r < 0)
                                return r;
                }
        }
        *budget = left;
        *ret = TAKE_PTR(l);
        return 0;
}

bool env_expand_key(const char *key) {
        return strcmp(key, "Exec") == 0 || strcmp(key, "Entrypoint") == 0 || strcmp(key, "Environment") == 0;
}

char *env_dollar_escape(const char *s) {
        size_t k = 0;
        char *r, *p;

        for (const char *c = s; *c; c++)
                k += *c == '$';
        r = p = malloc(strlen(s) + k + 1);
        if (!r)
                return NULL;
        for (const char *c = s; *c; c++) {
                if (*c == '$')
                        *p++ = '$';
                *p++ = *c;
        }
        *p = 0;
        return r;
}

int env_dollar_unescape_words(char *const *words, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;

        if (!words) {
                *ret = NULL;
                return 0;
        }
        for (char *const *w = words; *w; w++)
                n++;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *p;

                l[i] = p = malloc(strlen(words[i]) + 1);
                if (!p)
                        return -ENOMEM;
                for (const char *c = words[i]; *c; c++) {
                        *p++ = *c;
                        if (c[0] == '$' && c[1] == '$')
                                c++;
                }
                *p = 0;
        }
        *ret = TAKE_PTR(l);
        return 0;
}
