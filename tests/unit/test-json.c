/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>

#include "cleanup.h"
#include "json.h"
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
        return tap_finish();
}
