/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The quoting of definition values, both ways; see definition-quote.h for the rules. Each
 * function makes one pass over its input: a definition may be as large as DEFINITION_SIZE_MAX
 * with a single line of words, and the generator reads every definition at every boot. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-quote.h"
#include "string-util.h"
#include "strv.h"

static bool is_control(char c) {
        return (unsigned char) c < 0x20 || c == 0x7f;
}

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* One escape of $'…' at *p (just after the backslash): stores the character and moves *p past
 * the escape. Escapes the shell does not know stay as written, backslash and all, as in bash. */
static int ansi_c_escape(const char **p, char *w, size_t *n) {
        static const char simple[] = "n\nt\tr\ra\ab\be\033E\033f\fv\v\\\\''\"\"??";
        const char *s = *p, *m;
        unsigned v = 0;
        int k = 0;

        if (!*s)
                return -EINVAL;
        for (m = simple; *m; m += 2)
                if (*s == m[0]) {
                        w[(*n)++] = m[1];
                        *p = s + 1;
                        return 0;
                }
        if (*s == 'x') {
                for (k = 0; k < 2 && hex_digit(s[1 + k]) >= 0; k++)
                        v = v * 16 + (unsigned) hex_digit(s[1 + k]);
                if (k == 0) {
                        w[(*n)++] = '\\';
                        w[(*n)++] = 'x';
                        *p = s + 1;
                        return 0;
                }
                s += 1 + k;
        } else if (*s >= '0' && *s <= '7') {
                for (k = 0; k < 3 && s[k] >= '0' && s[k] <= '7'; k++)
                        v = v * 8 + (unsigned) (s[k] - '0');
                s += k;
        } else {
                w[(*n)++] = '\\';
                w[(*n)++] = *s;
                *p = s + 1;
                return 0;
        }
        v &= 0xff;
        if (v == 0)
                return -EILSEQ; /* a word cannot hold a NUL */
        w[(*n)++] = (char) v;
        *p = s;
        return 0;
}

int definition_words_split(const char *s, char ***ret) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ size_t *starts = NULL;
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, n_words = 0, allocated = 0, len = strlen(s);
        bool in_word = false;
        const char *p = s;
        int r;

        /* Every word, NUL-terminated, one after the other: never longer than s plus one NUL per
         * word, and at most one word per two characters of s. */
        buf = malloc(len + len / 2 + 2);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                char c = *p;

                if (c == 0 || c == ' ' || c == '\t' || c == '\n') {
                        if (in_word) {
                                buf[n++] = 0;
                                in_word = false;
                        }
                        if (c == 0)
                                break;
                        p++;
                        continue;
                }
                if (!in_word) {
                        if (n_words == allocated) {
                                size_t *t;

                                allocated = allocated ? allocated * 2 : 8;
                                t = reallocarray(starts, allocated, sizeof(size_t));
                                if (!t)
                                        return -ENOMEM;
                                starts = t;
                        }
                        starts[n_words++] = n;
                        in_word = true;
                }
                if (c == '\'') {
                        const char *end = strchr(p + 1, '\'');

                        if (!end)
                                return -EINVAL;
                        memcpy(buf + n, p + 1, (size_t) (end - p - 1));
                        n += (size_t) (end - p - 1);
                        p = end + 1;
                } else if (c == '"') {
                        for (p++; *p != '"'; p++) {
                                if (!*p)
                                        return -EINVAL;
                                if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
                                        p++;
                                buf[n++] = *p;
                        }
                        p++;
                } else if (c == '$' && p[1] == '\'') {
                        for (p += 2; *p != '\''; ) {
                                if (!*p)
                                        return -EINVAL;
                                if (*p == '\\') {
                                        p++;
                                        r = ansi_c_escape(&p, buf, &n);
                                        if (r < 0)
                                                return r;
                                } else
                                        buf[n++] = *p++;
                        }
                        p++;
                } else if (c == '\\') {
                        if (!p[1])
                                return -EINVAL;
                        buf[n++] = p[1];
                        p += 2;
                } else
                        buf[n++] = *p++;
        }

        l = calloc(n_words + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n_words; i++) {
                l[i] = strdup(buf + starts[i]);
                if (!l[i])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool is_plain_word(const char *w) {
        if (!*w)
                return false;
        for (; *w; w++)
                if (!isalnum((unsigned char) *w) && !strchr("_@%+=:,./-", *w))
                        return false;
        return true;
}

/* Appends w, quoted, at p; returns the new end. p must have room for quoted_size(w). */
static char *quote_into(char *p, const char *w) {
        static const char hex[] = "0123456789abcdef";
        bool ansi = false;

        if (is_plain_word(w))
                return stpcpy(p, w);
        for (const char *c = w; *c && !ansi; c++)
                ansi = is_control(*c);
        if (!ansi) {
                *p++ = '\'';
                for (; *w; w++)
                        if (*w == '\'')
                                p = stpcpy(p, "'\\''");
                        else
                                *p++ = *w;
                *p++ = '\'';
                return p;
        }
        p = stpcpy(p, "$'");
        for (; *w; w++) {
                unsigned char c = (unsigned char) *w;

                if (c == '\n')
                        p = stpcpy(p, "\\n");
                else if (c == '\t')
                        p = stpcpy(p, "\\t");
                else if (c == '\r')
                        p = stpcpy(p, "\\r");
                else if (c == '\\' || c == '\'') {
                        *p++ = '\\';
                        *p++ = (char) c;
                } else if (is_control((char) c)) {
                        /* Always two digits, so that a hex digit after it is not taken in. */
                        *p++ = '\\';
                        *p++ = 'x';
                        *p++ = hex[c >> 4];
                        *p++ = hex[c & 15];
                } else
                        *p++ = (char) c;
        }
        *p++ = '\'';
        return p;
}

/* The most quote_into() can write: "'\''" for each ' or "\xHH" for each control character. */
static size_t quoted_size(const char *w) {
        return strlen(w) * 4 + 3;
}

char *definition_word_quote(const char *w) {
        char *r = malloc(quoted_size(w) + 1);

        if (!r)
                return NULL;
        *quote_into(r, w) = 0;
        return r;
}

char *definition_words_quote(char *const *words) {
        size_t size = 1;
        char *r, *p;

        STRV_FOREACH(w, (char **) words)
                size += quoted_size(*w) + 1;
        r = p = malloc(size);
        if (!r)
                return NULL;
        STRV_FOREACH(w, (char **) words) {
                if (w != words)
                        *p++ = ' ';
                p = quote_into(p, *w);
        }
        *p = 0;
        return r;
}

bool definition_value_is_plain(const char *value) {
        size_t n = strlen(value), backslashes = 0;

        if (n == 0 || isspace((unsigned char) value[0]) || isspace((unsigned char) value[n - 1]))
                return false;
        if (value[0] == '\'' || value[0] == '"' || (value[0] == '$' && value[1] == '\''))
                return false;
        for (const char *c = value; *c; c++)
                if (is_control(*c))
                        return false;
        while (backslashes < n && value[n - 1 - backslashes] == '\\')
                backslashes++;
        return backslashes % 2 == 0;
}

char *definition_value_quote(const char *value) {
        return definition_value_is_plain(value) ? strdup(value) : definition_word_quote(value);
}
