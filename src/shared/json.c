/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), per RFC 3629 table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF. When ill-formed, 0, with the length of
 * its maximal ill-formed prefix (at least 1) in *ret_bad, which becomes one U+FFFD. */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t *ret_bad) {
        unsigned char lo = 0x80, hi = 0xBF;
        size_t len, i;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xC2 && s[0] <= 0xDF)
                len = 2;
        else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
                len = 3;
                if (s[0] == 0xE0)
                        lo = 0xA0;
                else if (s[0] == 0xED)
                        hi = 0x9F;
        } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
                len = 4;
                if (s[0] == 0xF0)
                        lo = 0x90;
                else if (s[0] == 0xF4)
                        hi = 0x8F;
        } else {
                *ret_bad = 1;
                return 0;
        }
        for (i = 1; i < len; i++) {
                if (i >= n || s[i] < lo || s[i] > hi) {
                        *ret_bad = i;
                        return 0;
                }
                lo = 0x80;
                hi = 0xBF;
        }
        return len;
}

void json_escape(FILE *f, const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        size_t i = 0;

        while (i < n) {
                unsigned char c = p[i];
                size_t len, bad = 0;

                switch (c) {
                case '"':
                        fputs("\\\"", f);
                        i++;
                        continue;
                case '\\':
                        fputs("\\\\", f);
                        i++;
                        continue;
                case '\b':
                        fputs("\\b", f);
                        i++;
                        continue;
                case '\f':
                        fputs("\\f", f);
                        i++;
                        continue;
                case '\n':
                        fputs("\\n", f);
                        i++;
                        continue;
                case '\r':
                        fputs("\\r", f);
                        i++;
                        continue;
                case '\t':
                        fputs("\\t", f);
                        i++;
                        continue;
                default:
                        break;
                }
                if (c < 0x20) {
                        fprintf(f, "\\u%04x", c);
                        i++;
                        continue;
                }
                len = utf8_sequence(p + i, n - i, &bad);
                if (len == 0) {
                        fputs("\\ufffd", f);
                        i += bad;
                        continue;
                }
                fwrite(p + i, 1, len, f);
                i += len;
        }
}

static void newline(JsonWriter *w) {
        if (!w->pretty)
                return;
        fputc('\n', w->f);
        for (unsigned i = 0; i < w->depth; i++)
                fputs("    ", w->f);
}

/* Before any value: the comma and line break inside an array, nothing after a key; a value
 * where a key is due is an error. */
static bool begin_value(JsonWriter *w) {
        if (w->want_value) {
                w->want_value = false;
                return true;
        }
        if (w->depth == 0) {
                if (!w->first) {
                        w->error = -EINVAL; /* two documents without json_finish() */
                        return false;
                }
                w->first = false;
                return true;
        }
        if (w->stack[w->depth - 1] != '[') {
                w->error = -EINVAL;
                return false;
        }
        if (!w->first)
                fputc(',', w->f);
        w->first = false;
        newline(w);
        return true;
}

void json_init(JsonWriter *w, FILE *f, bool pretty) {
        *w = (JsonWriter) { .f = f, .pretty = pretty, .first = true };
}

static void begin(JsonWriter *w, char open) {
        if (!begin_value(w))
                return;
        if (w->depth >= JSON_DEPTH_MAX) {
                w->error = -EINVAL;
                return;
        }
        fputc(open, w->f);
        w->stack[w->depth++] = open;
        w->first = true;
}

static void end(JsonWriter *w, char open, char close) {
        if (w->depth == 0 || w->stack[w->depth - 1] != open || w->want_value) {
                w->error = -EINVAL;
                return;
        }
        w->depth--;
        if (!w->first)
                newline(w);
        fputc(close, w->f);
        w->first = false;
}

void json_begin_object(JsonWriter *w) {
        begin(w, '{');
}

void json_end_object(JsonWriter *w) {
        end(w, '{', '}');
}

void json_begin_array(JsonWriter *w) {
        begin(w, '[');
}

void json_end_array(JsonWriter *w) {
        end(w, '[', ']');
}

void json_key(JsonWriter *w, const char *key) {
        if (w->depth == 0 || w->stack[w->depth - 1] != '{' || w->want_value || !key) {
                w->error = -EINVAL;
                return;
        }
        if (!w->first)
                fputc(',', w->f);
        w->first = false;
        newline(w);
        fputc('"', w->f);
        json_escape(w->f, key, strlen(key));
        fputs(w->pretty ? "\": " : "\":", w->f);
        w->want_value = true;
}

void json_string_len(JsonWriter *w, const char *s, size_t n) {
        if (!begin_value(w))
                return;
        fputc('"', w->f);
        json_escape(w->f, s, n);
        fputc('"', w->f);
}

void json_string(JsonWriter *w, const char *s) {
        if (!s)
                json_null(w);
        else
                json_string_len(w, s, strlen(s));
}

void json_int(JsonWriter *w, int64_t v) {
        if (begin_value(w))
                fprintf(w->f, "%" PRIi64, v);
}

void json_uint(JsonWriter *w, uint64_t v) {
        if (begin_value(w))
                fprintf(w->f, "%" PRIu64, v);
}

void json_bool(JsonWriter *w, bool b) {
        if (begin_value(w))
                fputs(b ? "true" : "false", w->f);
}

void json_null(JsonWriter *w) {
        if (begin_value(w))
                fputs("null", w->f);
}

void json_strv(JsonWriter *w, char *const *l) {
        if (!l) {
                json_null(w);
                return;
        }
        json_begin_array(w);
        for (; *l; l++)
                json_string(w, *l);
        json_end_array(w);
}

void json_key_string(JsonWriter *w, const char *key, const char *s) {
        json_key(w, key);
        json_string(w, s);
}

void json_key_int(JsonWriter *w, const char *key, int64_t v) {
        json_key(w, key);
        json_int(w, v);
}

void json_key_uint(JsonWriter *w, const char *key, uint64_t v) {
        json_key(w, key);
        json_uint(w, v);
}

void json_key_bool(JsonWriter *w, const char *key, bool b) {
        json_key(w, key);
        json_bool(w, b);
}

void json_key_null(JsonWriter *w, const char *key) {
        json_key(w, key);
        json_null(w);
}

void json_key_strv(JsonWriter *w, const char *key, char *const *l) {
        json_key(w, key);
        json_strv(w, l);
}

int json_finish(JsonWriter *w) {
        int r = w->error;

        if (r >= 0 && (w->depth > 0 || w->want_value || w->first))
                r = -EINVAL; /* unbalanced, or no document at all */
        fputc('\n', w->f);
        if (fflush(w->f) != 0 || ferror(w->f))
                r = r < 0 ? r : -EIO;
        json_init(w, w->f, w->pretty);
        return r;
}
