/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The quoting of definition values, both ways; see definition-quote.h for the rules, which are
 * systemd's (src/basic/extract-word.c, src/basic/escape.c). Each function makes one pass over its
 * input: a definition may be as large as DEFINITION_SIZE_MAX with a single line of words, and the
 * generator reads every definition at every boot. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-quote.h"
#include "string-util.h"
#include "strv.h"

static bool is_control(char c) {
        return (unsigned char) c < 0x20 || c == 0x7f;
}

static bool is_separator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

/* Code point c as UTF-8 at w; the number of bytes. */
static size_t utf8_put(char *w, uint32_t c) {
        if (c < 0x80) {
                w[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                w[0] = (char) (0xc0 | (c >> 6));
                w[1] = (char) (0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                w[0] = (char) (0xe0 | (c >> 12));
                w[1] = (char) (0x80 | ((c >> 6) & 0x3f));
                w[2] = (char) (0x80 | (c & 0x3f));
                return 3;
        }
        w[0] = (char) (0xf0 | (c >> 18));
        w[1] = (char) (0x80 | ((c >> 12) & 0x3f));
        w[2] = (char) (0x80 | ((c >> 6) & 0x3f));
        w[3] = (char) (0x80 | (c & 0x3f));
        return 4;
}

/* One C escape at *p (just after the backslash), as systemd's cunescape_one(): stores its bytes
 * at w + *n and moves *p past it. Never more bytes out than in, plus one for the backslash. */
static int cunescape_one(const char **p, char *w, size_t *n) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
        const char *s = *p;
        uint32_t v = 0;
        int digits;

        if (!*s)
                return -EINVAL;
        for (const char *m = simple; *m; m += 2)
                if (*s == m[0]) {
                        w[(*n)++] = m[1];
                        *p = s + 1;
                        return 0;
                }
        switch (*s) {
        case 'x':
                if (hex_digit(s[1]) < 0 || hex_digit(s[2]) < 0)
                        return -EBADMSG;
                v = (uint32_t) (hex_digit(s[1]) << 4 | hex_digit(s[2]));
                if (v == 0)
                        return -EILSEQ;
                w[(*n)++] = (char) v; /* a byte, not a code point, as in systemd */
                *p = s + 3;
                return 0;
        case 'u':
        case 'U':
                digits = *s == 'u' ? 4 : 8;
                for (int i = 1; i <= digits; i++) {
                        if (hex_digit(s[i]) < 0)
                                return -EBADMSG;
                        v = v << 4 | (uint32_t) hex_digit(s[i]);
                }
                if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                        return -EILSEQ;
                /* At most 4 bytes out for the 6 or 10 read. */
                *n += utf8_put(w + *n, v);
                *p = s + 1 + digits;
                return 0;
        case '0' ... '7':
                for (int i = 0; i < 3; i++) {
                        if (s[i] < '0' || s[i] > '7')
                                return -EBADMSG;
                        v = v << 3 | (uint32_t) (s[i] - '0');
                }
                if (v == 0 || v > 255)
                        return -EILSEQ;
                w[(*n)++] = (char) v;
                *p = s + 3;
                return 0;
        default:
                return -EBADMSG;
        }
}

int definition_words_split_full(const char *s, SplitFlags flags, char ***ret) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ size_t *starts = NULL;
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, n_words = 0, allocated = 0, len = strlen(s);
        const char *p = s;
        char quote = 0;
        bool in_word = false;
        int r;

        /* Every word, NUL-terminated, one after the other: never longer than s plus one NUL per
         * word, and at most one word per two characters of s (an empty "" is two). */
        buf = malloc(len + len / 2 + 2);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                char c = *p;

                if (!quote && (c == 0 || is_separator(c))) {
                        if (in_word) {
                                buf[n++] = 0;
                                in_word = false;
                        }
                        if (c == 0)
                                break;
                        p++;
                        continue;
                }
                if (c == 0)
                        return -EINVAL; /* an unterminated quote */
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
                if (c == '\\' && (flags & SPLIT_CUNESCAPE)) {
                        p++;
                        if (!*p)
                                return -EINVAL;
                        r = cunescape_one(&p, buf, &n);
                        if (r < 0)
                                return r;
                } else if (quote && c == quote) {
                        quote = 0;
                        p++;
                } else if (!quote && (c == '\'' || c == '"')) {
                        quote = c;
                        p++;
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
                if (!isalnum((unsigned char) *w) && !strchr("_@+=:,./-", *w))
                        return false;
        return true;
}

/* Appends w, quoted, at p; returns the new end. p must have room for quoted_size(w). */
static char *quote_into(char *p, const char *w) {
        static const char hex[] = "0123456789abcdef";

        if (is_plain_word(w))
                return stpcpy(p, w);
        *p++ = '"';
        for (; *w; w++) {
                unsigned char c = (unsigned char) *w;
                const char *e = NULL;

                switch (c) {
                case '\n': e = "\\n"; break;
                case '\t': e = "\\t"; break;
                case '\r': e = "\\r"; break;
                case '\\': e = "\\\\"; break;
                case '"': e = "\\\""; break;
                case '%': e = "%%"; break;
                default:
                        break;
                }
                if (e)
                        p = stpcpy(p, e);
                else if (is_control((char) c)) {
                        *p++ = '\\';
                        *p++ = 'x';
                        *p++ = hex[c >> 4];
                        *p++ = hex[c & 15];
                } else
                        *p++ = (char) c;
        }
        *p++ = '"';
        return p;
}

/* The most quote_into() can write: "\xHH" for each byte, and the quotes. */
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

static bool ends_in_backslash(const char *value, size_t n) {
        size_t backslashes = 0;

        while (backslashes < n && value[n - 1 - backslashes] == '\\')
                backslashes++;
        return backslashes % 2 == 1;
}

bool definition_value_is_plain(const char *value) {
        size_t n = strlen(value);

        if (n == 0 || isspace((unsigned char) value[0]) || isspace((unsigned char) value[n - 1]))
                return false;
        if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
                return false;
        for (const char *c = value; *c; c++)
                if (is_control(*c) || *c == '%')
                        return false;
        return !ends_in_backslash(value, n);
}

char *definition_value_quote(const char *value) {
        size_t n = strlen(value), k = 0;
        bool wrap;
        char *r, *p;

        if (definition_value_is_plain(value))
                return strdup(value);
        /* Quoted, as Quadlet reads it back: the "…" pair is only removed, never unescaped. */
        wrap = n == 0 || isspace((unsigned char) value[0]) || isspace((unsigned char) value[n - 1]) ||
               (n >= 2 && value[0] == '"' && value[n - 1] == '"') || ends_in_backslash(value, n);
        for (const char *c = value; *c; c++)
                k += *c == '%';
        r = p = malloc(n + k + 3);
        if (!r)
                return NULL;
        if (wrap)
                *p++ = '"';
        for (const char *c = value; *c; c++) {
                if (*c == '%')
                        *p++ = '%';
                *p++ = *c;
        }
        if (wrap)
                *p++ = '"';
        *p = 0;
        return r;
}

int definition_value_unquote(const char *value, char **ret) {
        size_t n = strlen(value);
        char *c;

        if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
                c = strndup(value + 1, n - 2);
        else
                c = strdup(value);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}
