/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

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

/* ---- reading: arrays of strings ---- */

static bool json_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_blanks(const char *s, size_t i) {
        while (json_blank(s[i]))
                i++;
        return i;
}

/* Four hex digits at p; stops at the first that is not one, so never reads past a NUL. */
static int hex4(const char *p, unsigned *ret) {
        unsigned v = 0;

        for (int i = 0; i < 4; i++) {
                char c = p[i];

                if (c >= '0' && c <= '9')
                        v = v * 16 + (unsigned) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        v = v * 16 + (unsigned) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v = v * 16 + (unsigned) (c - 'A' + 10);
                else
                        return -EINVAL;
        }
        *ret = v;
        return 0;
}

static size_t utf8_encode(unsigned cp, char *o) {
        if (cp < 0x80) {
                o[0] = (char) cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char) (0xC0 | (cp >> 6));
                o[1] = (char) (0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char) (0xE0 | (cp >> 12));
                o[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
                o[2] = (char) (0x80 | (cp & 0x3F));
                return 3;
        }
        o[0] = (char) (0xF0 | (cp >> 18));
        o[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char) (0x80 | (cp & 0x3F));
        return 4;
}

/* The \uXXXX escape (or surrogate pair) at s[*i]: its code point into *o, *i moved past it. */
static int parse_unicode_escape(const char *s, size_t *i, char **o, char **ret_why) {
        size_t at = *i;
        unsigned cp, lo;

        if (hex4(s + at + 2, &cp) < 0)
                return reason(ret_why, -EINVAL, "\\u without four hex digits at byte %zu", at + 1);
        *i += 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
                return reason(ret_why, -EINVAL, "a lone low surrogate \\u%04X at byte %zu", cp, at + 1);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (s[*i] != '\\' || s[*i + 1] != 'u' || hex4(s + *i + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
                        return reason(ret_why, -EINVAL, "a high surrogate \\u%04X without its low half at byte %zu",
                                      cp, at + 1);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                *i += 6;
        }
        if (cp == 0)
                return reason(ret_why, -EINVAL, "\\u0000 at byte %zu: a string cannot hold a NUL", at + 1);
        *o += utf8_encode(cp, *o);
        return 0;
}

/* The string whose opening quote is s[start]: decoded into *ret, *ret_end the offset after its
 * closing quote. The end is found first, so the string is allocated once at the size of its text,
 * which its decoded form never exceeds. */
static int parse_string(const char *s, size_t start, char **ret, size_t *ret_end, char **ret_why) {
        _cleanup_free_ char *out = NULL;
        size_t i = start + 1, end;
        char *o;
        int r;

        for (end = i; s[end] && s[end] != '"'; end++)
                if (s[end] == '\\' && s[end + 1])
                        end++;
        if (!s[end])
                return reason(ret_why, -EINVAL, "the string at byte %zu does not end", start + 1);
        out = malloc(end - i + 1);
        if (!out)
                return -ENOMEM;
        o = out;
        while (i < end) {
                unsigned char c = (unsigned char) s[i];
                size_t len, bad = 0;

                if (c == '\\') {
                        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
                        const char *e = s[i + 1] ? strchr(from, s[i + 1]) : NULL;

                        if (e) {
                                *o++ = to[e - from];
                                i += 2;
                                continue;
                        }
                        if (s[i + 1] != 'u')
                                return reason(ret_why, -EINVAL, "an unknown escape at byte %zu", i + 1);
                        r = parse_unicode_escape(s, &i, &o, ret_why);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (c < 0x20)
                        return reason(ret_why, -EINVAL, "a control character (0x%02x) in a string at byte %zu", c,
                                      i + 1);
                len = utf8_sequence((const unsigned char *) s + i, end - i, &bad);
                if (len == 0)
                        return reason(ret_why, -EINVAL, "not UTF-8 at byte %zu", i + 1);
                memcpy(o, s + i, len);
                o += len;
                i += len;
        }
        *o = 0;
        *ret = TAKE_PTR(out);
        *ret_end = end + 1;
        return 0;
}

int json_parse_string_array(const char *s, char ***ret, char **ret_why) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, allocated = 0, i;
        int r;

        i = skip_blanks(s, 0);
        if (s[i] != '[')
                return reason(ret_why, -EINVAL, "no '[' at byte %zu", i + 1);
        i = skip_blanks(s, i + 1);
        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        if (s[i] != ']')
                for (;;) {
                        char *e = NULL;

                        if (!s[i])
                                return reason(ret_why, -EINVAL, "the array does not end");
                        if (s[i] == ']')
                                return reason(ret_why, -EINVAL, "a ',' before the ']' at byte %zu", i + 1);
                        if (s[i] != '"')
                                return reason(ret_why, -EINVAL, "element %zu is not a string (byte %zu)", n + 1, i + 1);
                        if (n + 1 >= allocated) {
                                size_t a = MAX(allocated * 2, (size_t) 8);
                                char **t = reallocarray(l, a, sizeof(char *));

                                if (!t)
                                        return -ENOMEM;
                                l = t;
                                allocated = a;
                        }
                        r = parse_string(s, i, &e, &i, ret_why);
                        if (r < 0)
                                return r;
                        l[n++] = e;
                        l[n] = NULL;
                        i = skip_blanks(s, i);
                        if (s[i] == ']')
                                break;
                        if (s[i] != ',')
                                return s[i] ? reason(ret_why, -EINVAL, "no ',' or ']' at byte %zu", i + 1)
                                            : reason(ret_why, -EINVAL, "the array does not end");
                        i = skip_blanks(s, i + 1);
                }
        i = skip_blanks(s, i + 1);
        if (s[i])
                return reason(ret_why, -EINVAL, "something after the array at byte %zu", i + 1);
        *ret = TAKE_PTR(l);
        return 0;
}

static bool utf8_is_valid(const char *s) {
        size_t n = strlen(s), bad;

        for (size_t i = 0; i < n;) {
                size_t len = utf8_sequence((const unsigned char *) s + i, n - i, &bad);

                if (len == 0)
                        return false;
                i += len;
        }
        return true;
}

int json_format_string_array(char *const *l, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t size = 0;
        FILE *f;

        for (char *const *e = l; e && *e; e++)
                if (!utf8_is_valid(*e))
                        return -EINVAL;
        f = open_memstream(&out, &size);
        if (!f)
                return -ENOMEM;
        fputc('[', f);
        for (char *const *e = l; e && *e; e++) {
                if (e != l)
                        fputc(',', f);
                fputc('"', f);
                json_escape(f, *e, strlen(*e));
                fputc('"', f);
        }
        fputc(']', f);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(out);
        return 0;
}

int json_parse_string_at(const char *s, size_t start, char **ret, size_t *ret_end, char **ret_why) {
        return parse_string(s, start, ret, ret_end, ret_why);
}

void json_number_text(JsonWriter *w, const char *text) {
        if (begin_value(w))
                fputs(text, w->f);
}
