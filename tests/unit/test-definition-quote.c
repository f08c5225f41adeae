/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "definition-quote.h"
#include "definition-unit.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static void split_is(const char *s, char *const *want) {
        _cleanup_strv_free_ char **l = NULL;
        char shown[256];
        int r;

        r = definition_words_split(s, &l);
        ok(r == 0 && strv_equal(l, want), "split %s", escape_controls(s, SIZE_MAX, shown, sizeof(shown)));
}

static void quote_is(const char *w, const char *want) {
        _cleanup_free_ char *q = definition_word_quote(w);
        char shown[256];

        ok(q && streq(q, want), "quote %s -> %s (got %s)", escape_controls(w, SIZE_MAX, shown, sizeof(shown)), want,
           q ?: "(null)");
}

/* Bytes from an alphabet heavy in what quoting must get right. */
static char *random_word(unsigned *seed) {
        static const char alphabet[] = "\\\\\"\"''==;;##%%$$  \t\n\r\x01\x1b\x7f`!*?~&|<>()[]{}aZ09_@+:,./-";
        size_t n;
        char *w;

        *seed = *seed * 1103515245 + 12345;
        n = (*seed >> 16) % 12;
        w = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
                *seed = *seed * 1103515245 + 12345;
                /* One byte in eight anything but NUL, for UTF-8 and the like. */
                w[i] = (*seed >> 13) % 8 == 0 ? (char) (1 + (*seed >> 16) % 255)
                                                : alphabet[(*seed >> 16) % (sizeof(alphabet) - 1)];
        }
        w[n] = 0;
        return w;
}

int main(void) {
        _cleanup_strv_free_ char **l = NULL;
        unsigned seed = 42, bad = 0;

        split_is("", (char *const[]) { NULL });
        split_is("  \t \r\n", (char *const[]) { NULL });
        /* systemd's ExecStart= words: quotes removed, C escapes everywhere, quoted or not. */
        split_is("a 'b c' \"d\\\"e\\\\x\" f\\sg 'h\\ni' '' \"\"", (char *const[]) { "a", "b c", "d\"e\\x", "f g", "h\ni", "", "", NULL });
        split_is("\\a\\b\\f\\v\\r\\t\\\"\\'\\\\", (char *const[]) { "\a\b\f\v\r\t\"'\\", NULL });
        split_is("\\x41\\101\\060 \\u00e9\\U0001F433", (char *const[]) { "AA0", "\xc3\xa9\xf0\x9f\x90\xb3", NULL });
        split_is("a'b'c\"d\"'e'", (char *const[]) { "abcde", NULL });
        split_is("'a\"b' \"c'd\"", (char *const[]) { "a\"b", "c'd", NULL });
        split_is("$x $ '$' %i", (char *const[]) { "$x", "$", "$", "%i", NULL });
        /* Podman's escapes.container. */
        split_is("/some/path \"an arg\" \"a;b\\nc\\td'e\" a;b\\nc\\td 'a\"b' '\\110ello \\127orld'",
                 (char *const[]) { "/some/path", "an arg", "a;b\nc\td'e", "a;b\nc\td", "a\"b", "Hello World", NULL });
        ok_eq_int(definition_words_split("'a", &l), -EINVAL);
        ok_eq_int(definition_words_split("\"a", &l), -EINVAL);
        ok_eq_int(definition_words_split("a\\", &l), -EINVAL);
        /* Podman's exec-unsupported-escape.container, and the escapes that need all their digits. */
        ok_eq_int(definition_words_split("'test\\.com'", &l), -EBADMSG);
        ok_eq_int(definition_words_split("a\\ b", &l), -EBADMSG);
        ok_eq_int(definition_words_split("\\x4", &l), -EBADMSG);
        ok_eq_int(definition_words_split("\\60", &l), -EBADMSG);
        ok_eq_int(definition_words_split("\\e", &l), -EBADMSG);
        ok_eq_int(definition_words_split("\\000", &l), -EILSEQ);
        ok_eq_int(definition_words_split("\\x00", &l), -EILSEQ);
        ok_eq_int(definition_words_split("\\400", &l), -EILSEQ);
        ok_eq_int(definition_words_split("\\ud800", &l), -EILSEQ);
        /* Unit names and capabilities keep their backslashes. */
        {
                _cleanup_strv_free_ char **m = NULL;

                ok(definition_words_split_full("a\\x2db 'c d'", 0, &m) == 0 && strv_equal(m, (char *const[]) { "a\\x2db", "c d", NULL }),
                   "strv keys keep backslashes");
        }

        quote_is("plain_word-1.2:3,4/5@6+8=9", "plain_word-1.2:3,4/5@6+8=9");
        quote_is("50%", "\"50%%\"");
        quote_is("", "\"\"");
        quote_is("a b", "\"a b\"");
        quote_is("it's", "\"it's\"");
        quote_is("trailing\\", "\"trailing\\\\\"");
        quote_is("$HOME \"x\"", "\"$HOME \\\"x\\\"\"");
        quote_is("\xc3\xa9", "\"\xc3\xa9\"");
        quote_is("a\nb", "\"a\\nb\"");
        quote_is("\t'\\\x1b" "1\x7f", "\"\\t'\\\\\\x1b1\\x7f\"");

        ok(definition_value_is_plain("/tmp:/data") && definition_value_is_plain("a b") &&
                   definition_value_is_plain("a\\\\") && definition_value_is_plain("x'y") &&
                   definition_value_is_plain("'a'") && definition_value_is_plain("\"a") &&
                   definition_value_is_plain("$HOME") && definition_value_is_plain("\xc3\xa9"),
           "plain values");
        ok(!definition_value_is_plain("") && !definition_value_is_plain(" a") && !definition_value_is_plain("a\t") &&
                   !definition_value_is_plain("a\\") && !definition_value_is_plain("a\\\\\\") &&
                   !definition_value_is_plain("\"a\"") && !definition_value_is_plain("50%") &&
                   !definition_value_is_plain("a\nb"),
           "values that must be quoted");
        {
                _cleanup_free_ char *q1 = definition_value_quote(" a\\"), *q2 = definition_value_quote("\"a\""),
                                    *q3 = definition_value_quote("5%"), *u1 = NULL, *u2 = NULL;

                ok(streq_ptr(q1, "\" a\\\"") && streq_ptr(q2, "\"\"a\"\"") && streq_ptr(q3, "5%%"), "values quoted: %s %s %s",
                   q1, q2, q3);
                ok(definition_value_unquote(q1, &u1) == 0 && streq(u1, " a\\") && definition_value_unquote(q2, &u2) == 0 &&
                           streq(u2, "\"a\""),
                   "… and read back (Quadlet's Lookup(): the \"…\" pair removed, nothing unescaped)");
        }

        /* The property: any word, and any list of words, quoted and split again, is itself. */
        for (unsigned i = 0; i < 20000; i++) {
                _cleanup_strv_free_ char **words = NULL, **back = NULL;
                _cleanup_free_ char *joined = NULL;
                unsigned n;

                seed = seed * 1103515245 + 12345;
                n = (seed >> 16) % 5;
                words = calloc(n + 1, sizeof(char *));
                for (unsigned k = 0; k < n; k++)
                        words[k] = random_word(&seed);
                joined = definition_words_quote(words);
                if (!joined || definition_words_parse(joined, SPLIT_CUNESCAPE, "web", &back, NULL) < 0 || !strv_equal(words, back) ||
                    strchr(joined, '\n') || (*joined && joined[strlen(joined) - 1] == '\\')) {
                        if (bad++ < 5)
                                printf("# %s\n", joined ?: "(null)");
                }
        }
        ok(bad == 0, "20000 random word lists read back as written, each on one line (%u did not)", bad);
        return tap_finish();
}
