/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <time.h>

#include "cleanup.h"
#include "json.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

/* The escaped form of s[0…n). */
static char *escaped(const char *s, size_t n) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        json_escape(f, s, n);
        fclose(f);
        return buf;
}

#define check_escape(in, want)                                                                            \
        ({                                                                                                \
                _cleanup_free_ char *_e_ = escaped((in), sizeof(in) - 1);                                 \
                ok(_e_ && strcmp(_e_, (want)) == 0, "escape %s → %s (got %s)", #in, (want),             \
                   _e_ ? _e_ : "(null)");                                                                 \
        })

typedef void (*Writer)(JsonWriter *w);

static int render(Writer fn, bool pretty, char **ret) {
        JsonWriter w;
        size_t size = 0;
        FILE *f = open_memstream(ret, &size);
        int r;

        if (!f)
                return -ENOMEM;
        json_init(&w, f, pretty);
        fn(&w);
        r = json_finish(&w);
        fclose(f);
        return r;
}

static void nested(JsonWriter *w) {
        char *l[] = { (char *) "a", (char *) "b\"", NULL };

        json_begin_object(w);
        json_key_string(w, "name", "web");
        json_key_int(w, "neg", -3);
        json_key_uint(w, "big", UINT64_MAX);
        json_key_bool(w, "yes", true);
        json_key_null(w, "none");
        json_key_string(w, "nullstr", NULL);
        json_key_strv(w, "list", l);
        json_key(w, "empty");
        json_begin_object(w);
        json_end_object(w);
        json_key(w, "arr");
        json_begin_array(w);
        json_int(w, 1);
        json_begin_array(w);
        json_end_array(w);
        json_begin_object(w);
        json_key_int(w, "x", 0);
        json_end_object(w);
        json_end_array(w);
        json_end_object(w);
}

static void small(JsonWriter *w) {
        json_begin_object(w);
        json_key_int(w, "a", 1);
        json_key(w, "b");
        json_begin_array(w);
        json_int(w, 2);
        json_int(w, 3);
        json_end_array(w);
        json_end_object(w);
}

static void unbalanced(JsonWriter *w) {
        json_begin_object(w);
        json_key_int(w, "a", 1);
}

static void value_without_key(JsonWriter *w) {
        json_begin_object(w);
        json_int(w, 1);
        json_end_object(w);
}

static void key_in_array(JsonWriter *w) {
        json_begin_array(w);
        json_key(w, "a");
        json_int(w, 1);
        json_end_array(w);
}

static void wrong_close(JsonWriter *w) {
        json_begin_array(w);
        json_end_object(w);
}

static void key_without_value(JsonWriter *w) {
        json_begin_object(w);
        json_key(w, "a");
        json_end_object(w);
}

static void two_documents(JsonWriter *w) {
        json_int(w, 1);
        json_int(w, 2);
}

static void too_deep(JsonWriter *w) {
        for (int i = 0; i <= JSON_DEPTH_MAX; i++)
                json_begin_array(w);
        for (int i = 0; i <= JSON_DEPTH_MAX; i++)
                json_end_array(w);
}

static void nothing(JsonWriter *w) {
        (void) w;
}

static void scalar(JsonWriter *w) {
        json_string_len(w, "a\0b", 3);
}

/* ---- reading arrays of strings ---- */

static void array_good(const char *in, char *const *want) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL;
        int r = json_parse_string_array(in, &l, &why);
        char shown[256];

        ok(r == 0 && l && strv_equal(l, want) && strv_length(l) == strv_length(want), "reads %s (%d: %s)",
           escape_controls(in, 80, shown, sizeof(shown)), r, why ?: "");
}

static void array_bad(const char *in, const char *want_why) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL;
        int r = json_parse_string_array(in, &l, &why);
        char shown[256];

        ok(r == -EINVAL && !l && why && streq(why, want_why), "refuses %s: \"%s\" (got %d: \"%s\")",
           escape_controls(in, 80, shown, sizeof(shown)), want_why, r, why ?: "(null)");
}

#define L(...) ((char *const[]) { __VA_ARGS__, NULL })

static double seconds(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static char *repeat(const char *head, const char *piece, size_t n, const char *tail) {
        size_t hl = strlen(head), pl = strlen(piece), tl = strlen(tail);
        char *s = malloc(hl + pl * n + tl + 1), *p = s;

        if (!s)
                return NULL;
        p = mempcpy(p, head, hl);
        for (size_t i = 0; i < n; i++)
                p = mempcpy(p, piece, pl);
        p = mempcpy(p, tail, tl);
        *p = 0;
        return s;
}

static void test_parse_string_array(void) {
        array_good("[\"a\",\"b c\"]", L("a", "b c"));
        array_good(" \t\r\n[ \"a\" ,\n\"\" ]\n ", L("a", ""));
        array_good("[]", (char *const[]) { NULL });
        array_good("[ \n ]", (char *const[]) { NULL });
        array_good("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", L("\"\\/\b\f\n\r\t"));
        array_good("[\"\\u0041\\u00e9\\u20AC\\uFFFD\"]", L("A\xc3\xa9\xe2\x82\xac\xef\xbf\xbd"));
        array_good("[\"\\ud834\\udd1e\", \"\\uD83D\\uDE00\"]", L("\xf0\x9d\x84\x9e", "\xf0\x9f\x98\x80"));
        array_good("[\"\\udbff\\udfff\"]", L("\xf4\x8f\xbf\xbf"));
        array_good("[\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"]", L("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"));
        array_good("[\"del\x7f\"]", L("del\x7f"));
        array_good("[\"CMD\",\"/bin/sh\",\"-c\",\"exit 0\"]", L("CMD", "/bin/sh", "-c", "exit 0"));

        /* Not an array, or one that does not end. */
        array_bad("", "no '[' at byte 1");
        array_bad("  ", "no '[' at byte 3");
        array_bad("\"a\"", "no '[' at byte 1");
        array_bad("{}", "no '[' at byte 1");
        array_bad("[", "the array does not end");
        array_bad("[\"a\"", "the array does not end");
        array_bad("[\"a\",", "the array does not end");
        array_bad("[\"a", "the string at byte 2 does not end");
        array_bad("[\"a\\\"]", "the string at byte 2 does not end");
        array_bad("[\"a\\", "the string at byte 2 does not end");
        /* Commas. */
        array_bad("[\"a\",]", "a ',' before the ']' at byte 6");
        array_bad("[,\"a\"]", "element 1 is not a string (byte 2)");
        array_bad("[\"a\",,\"b\"]", "element 2 is not a string (byte 6)");
        array_bad("[\"a\" \"b\"]", "no ',' or ']' at byte 6");
        /* Anything but strings. */
        array_bad("[[\"a\"]]", "element 1 is not a string (byte 2)");
        array_bad("[\"a\",[\"b\"]]", "element 2 is not a string (byte 6)");
        array_bad("[1]", "element 1 is not a string (byte 2)");
        array_bad("[\"a\", null]", "element 2 is not a string (byte 7)");
        array_bad("[true]", "element 1 is not a string (byte 2)");
        array_bad("[{}]", "element 1 is not a string (byte 2)");
        array_bad("['a']", "element 1 is not a string (byte 2)");
        /* After the array. */
        array_bad("[\"a\"]x", "something after the array at byte 6");
        array_bad("[\"a\"] ]", "something after the array at byte 7");
        array_bad("[\"a\"][\"b\"]", "something after the array at byte 6");
        array_bad("[\"a\"],", "something after the array at byte 6");
        array_bad("[]\v", "something after the array at byte 3");
        /* Escapes. */
        array_bad("[\"\\x41\"]", "an unknown escape at byte 3");
        array_bad("[\"\\'\"]", "an unknown escape at byte 3");
        array_bad("[\"\\U0041\"]", "an unknown escape at byte 3");
        array_bad("[\"\\u12\"]", "\\u without four hex digits at byte 3");
        array_bad("[\"\\u12G4\"]", "\\u without four hex digits at byte 3");
        array_bad("[\"\\u\"]", "\\u without four hex digits at byte 3");
        array_bad("[\"\\u0000\"]", "\\u0000 at byte 3: a string cannot hold a NUL");
        array_bad("[\"a\\u0000b\"]", "\\u0000 at byte 4: a string cannot hold a NUL");
        array_bad("[\"\\ud834\"]", "a high surrogate \\uD834 without its low half at byte 3");
        array_bad("[\"\\ud834x\"]", "a high surrogate \\uD834 without its low half at byte 3");
        array_bad("[\"\\ud834\\u0041\"]", "a high surrogate \\uD834 without its low half at byte 3");
        array_bad("[\"\\ud834\\ud834\"]", "a high surrogate \\uD834 without its low half at byte 3");
        array_bad("[\"\\udd1e\"]", "a lone low surrogate \\uDD1E at byte 3");
        array_bad("[\"\\udd1e\\ud834\"]", "a lone low surrogate \\uDD1E at byte 3");
        /* Raw bytes. */
        array_bad("[\"a\tb\"]", "a control character (0x09) in a string at byte 4");
        array_bad("[\"a\nb\"]", "a control character (0x0a) in a string at byte 4");
        array_bad("[\"\xff\"]", "not UTF-8 at byte 3");
        array_bad("[\"\xc3\"]", "not UTF-8 at byte 3");
        array_bad("[\"\xc0\xaf\"]", "not UTF-8 at byte 3");
        array_bad("[\"\xed\xa0\x80\"]", "not UTF-8 at byte 3");
        array_bad("[\"\xf4\x90\x80\x80\"]", "not UTF-8 at byte 3");
        array_bad("[\"ok\x80\"]", "not UTF-8 at byte 5");

        /* Large inputs take linear time: 200000 elements, one string of 2 MB of escapes, and
         * a megabyte of '[' (no recursion: refused at the second byte). */
        {
                _cleanup_free_ char *many = repeat("[\"x\"", ",\"ab\\u00e9\"", 200000, "]");
                _cleanup_free_ char *one = repeat("[\"", "\\\\\\ud834\\udd1e", 150000, "\"]");
                _cleanup_free_ char *deep = repeat("", "[", 1 << 20, "");
                _cleanup_free_ char *open = repeat("[\"", "\\\\", 1 << 20, "");
                _cleanup_strv_free_ char **l = NULL, **l2 = NULL, **l3 = NULL, **l4 = NULL;
                _cleanup_free_ char *why = NULL, *why2 = NULL;
                double t = seconds();
                int r1, r2, r3, r4;

                r1 = json_parse_string_array(many, &l, NULL);
                r2 = json_parse_string_array(one, &l2, NULL);
                r3 = json_parse_string_array(deep, &l3, &why);
                r4 = json_parse_string_array(open, &l4, &why2);
                t = seconds() - t;
                ok(r1 == 0 && strv_length(l) == 200001 && streq(l[200000], "ab\xc3\xa9"), "200000 elements");
                ok(r2 == 0 && strv_length(l2) == 1 && strlen(l2[0]) == 150000 * 5, "one string of 150000 escapes");
                ok(r3 == -EINVAL && streq_ptr(why, "element 1 is not a string (byte 2)"), "a megabyte of '['");
                ok(r4 == -EINVAL && streq_ptr(why2, "the string at byte 2 does not end"), "a string of 2 MB that does not end");
                ok(t < 2.0, "… all of it in linear time (%.3f s)", t);
        }
}

static void format_good(char *const *l, const char *want) {
        _cleanup_free_ char *s = NULL;
        _cleanup_strv_free_ char **back = NULL;
        int r = json_format_string_array(l, &s);

        ok(r == 0 && streq_ptr(s, want), "formats as %s (got %s)", want, s ?: "(null)");
        ok(r == 0 && json_parse_string_array(s, &back, NULL) == 0 && strv_equal(back, l), "  … and reads back");
}

static void test_format_string_array(void) {
        _cleanup_free_ char *s = NULL;
        unsigned seed = 17, bad = 0;

        format_good((char *const[]) { NULL }, "[]");
        format_good(L("CMD", "a b"), "[\"CMD\",\"a b\"]");
        format_good(L("q\"b\\s/", "\b\f\n\r\t\x01\x7f", "\xc3\xa9\xf0\x9f\x90\xb3", ""),
                    "[\"q\\\"b\\\\s/\",\"\\b\\f\\n\\r\\t\\u0001\x7f\",\"\xc3\xa9\xf0\x9f\x90\xb3\",\"\"]");
        ok_eq_int(json_format_string_array(L("ok", "bad\xff"), &s), -EINVAL);
        ok_eq_int(json_format_string_array(L("\xed\xa0\x80"), &s), -EINVAL);
        ok(!s, "nothing written on failure");
        ok(json_format_string_array(NULL, &s) == 0 && streq(s, "[]"), "NULL is the empty list");

        /* Random lists of random UTF-8 strings read back as written. */
        for (unsigned round = 0; round < 5000; round++) {
                static const char *const pieces[] = { "a", " ", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f",
                                                      "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x90\xb3", "\\u0041", "[", "]", "," };
                char *l[5] = {};
                _cleanup_free_ char *text = NULL;
                _cleanup_strv_free_ char **back = NULL;
                unsigned n = (seed = seed * 1103515245 + 12345) >> 8 & 3;

                for (unsigned k = 0; k < n; k++) {
                        char buf[64] = "";
                        unsigned m = (seed = seed * 1103515245 + 12345) >> 8 & 7;

                        for (unsigned j = 0; j < m; j++)
                                strcat(buf, pieces[((seed = seed * 1103515245 + 12345) >> 8) % ELEMENTSOF(pieces)]);
                        l[k] = strdup(buf);
                }
                if (json_format_string_array(l, &text) < 0 || json_parse_string_array(text, &back, NULL) < 0 ||
                    !strv_equal(back, l) || strv_length(back) != n)
                        bad++;
                for (unsigned k = 0; k < n; k++)
                        free(l[k]);
        }
        ok(bad == 0, "5000 random lists read back as written (%u did not)", bad);
}

/* Compares without printing the text itself: TAP descriptions must stay on one line. */
#define ok_text(got, want, what) ok((got) && strcmp((got), (want)) == 0, "%s", (what))

int main(void) {
        _cleanup_free_ char *out = NULL;

        check_escape("plain", "plain");
        check_escape("q\"b\\s/", "q\\\"b\\\\s/");
        check_escape("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
        check_escape("\x01\x1f\x7f", "\\u0001\\u001f\x7f");
        check_escape("nul\0in", "nul\\u0000in");
        check_escape("é ü € 𝄞", "é ü € 𝄞");
        check_escape("\u2028", "\u2028");
        check_escape("bad\xff", "bad\\ufffd");
        check_escape("\xc3", "\\ufffd");                   /* truncated 2-byte sequence */
        check_escape("\xc0\xaf", "\\ufffd\\ufffd");        /* overlong '/' */
        check_escape("\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd"); /* overlong, 3 bytes */
        check_escape("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"); /* a surrogate */
        check_escape("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* above U+10FFFF */
        check_escape("\xe2\x82x", "\\ufffdx");             /* maximal prefix is one U+FFFD */
        check_escape("\xf0\x9d\x84", "\\ufffd");
        check_escape("\x80\x80", "\\ufffd\\ufffd");         /* lone continuation bytes */

        ok_eq_int(render(small, false, &out), 0);
        ok_text(out, "{\"a\":1,\"b\":[2,3]}\n", "compact form");
        free(TAKE_PTR(out));

        ok_eq_int(render(small, true, &out), 0);
        ok_text(out, "{\n    \"a\": 1,\n    \"b\": [\n        2,\n        3\n    ]\n}\n", "pretty form");
        free(TAKE_PTR(out));

        ok_eq_int(render(nested, false, &out), 0);
        ok_text(out, "{\"name\":\"web\",\"neg\":-3,\"big\":18446744073709551615,\"yes\":true,"
                      "\"none\":null,\"nullstr\":null,\"list\":[\"a\",\"b\\\"\"],\"empty\":{},"
                      "\"arr\":[1,[],{\"x\":0}]}\n",
                "every kind of value, nested");
        free(TAKE_PTR(out));

        ok_eq_int(render(nested, true, &out), 0);
        ok(out && strstr(out, "\"empty\": {},\n"), "pretty empty object stays on one line");
        free(TAKE_PTR(out));

        ok_eq_int(render(scalar, false, &out), 0);
        ok_text(out, "\"a\\u0000b\"\n", "a string with NUL, given its length");
        free(TAKE_PTR(out));

        ok_eq_int(render(unbalanced, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(value_without_key, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(key_in_array, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(wrong_close, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(key_without_value, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(two_documents, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(too_deep, false, &out), -EINVAL);
        free(TAKE_PTR(out));
        ok_eq_int(render(nothing, false, &out), -EINVAL);
        free(TAKE_PTR(out));

        /* The writer is ready for the next document after json_finish(). */
        {
                JsonWriter w;
                size_t size = 0;
                FILE *f = open_memstream(&out, &size);

                json_init(&w, f, false);
                json_int(&w, 1);
                ok_eq_int(json_finish(&w), 0);
                json_string(&w, "x");
                ok_eq_int(json_finish(&w), 0);
                fclose(f);
                ok_text(out, "1\n\"x\"\n", "one document per line");
        }
        test_parse_string_array();
        test_format_string_array();
        return tap_finish();
}
