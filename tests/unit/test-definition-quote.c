/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "definition-quote.h"
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
        split_is("  \t ", (char *const[]) { NULL });
        split_is("a 'b c' \"d\\\"e\\\\\\x\" f\\ g $'h\\ni' ''", (char *const[]) { "a", "b c", "d\"e\\\\x", "f g", "h\ni", "", NULL });
        split_is("$'\\a\\b\\e\\E\\f\\v\\r\\t\\?\\\"\\'\\\\'", (char *const[]) { "\a\b\x1b\x1b\f\v\r\t?\"'\\", NULL });
        split_is("$'\\x41\\x4g\\xg\\101\\60\\7'", (char *const[]) { "A\x04" "g\\xgA0\x07", NULL });
        split_is("$'\\q\\u00e9'", (char *const[]) { "\\q\\u00e9", NULL });
        split_is("a$'b'c\"d\"'e'", (char *const[]) { "abcde", NULL });
        split_is("$x $ '$'", (char *const[]) { "$x", "$", "$", NULL });
        ok_eq_int(definition_words_split("'a", &l), -EINVAL);
        ok_eq_int(definition_words_split("\"a", &l), -EINVAL);
        ok_eq_int(definition_words_split("$'a", &l), -EINVAL);
        ok_eq_int(definition_words_split("$'a\\", &l), -EINVAL);
        ok_eq_int(definition_words_split("a\\", &l), -EINVAL);
        ok_eq_int(definition_words_split("$'\\0'", &l), -EILSEQ);
        ok_eq_int(definition_words_split("$'\\x00'", &l), -EILSEQ);
        ok_eq_int(definition_words_split("$'\\400'", &l), -EILSEQ);

        quote_is("plain_word-1.2:3,4/5@6%7+8=9", "plain_word-1.2:3,4/5@6%7+8=9");
        quote_is("", "''");
        quote_is("a b", "'a b'");
        quote_is("it's", "'it'\\''s'");
        quote_is("trailing\\", "'trailing\\'");
        quote_is("$HOME \"x\"", "'$HOME \"x\"'");
        quote_is("\xc3\xa9", "'\xc3\xa9'");
        quote_is("a\nb", "$'a\\nb'");
        quote_is("\t'\\\x1b" "1\x7f", "$'\\t\\'\\\\\\x1b1\\x7f'");

        ok(definition_value_is_plain("/tmp:/data") && definition_value_is_plain("a b") &&
                   definition_value_is_plain("a\\\\") && definition_value_is_plain("x'y") &&
                   definition_value_is_plain("$HOME") && definition_value_is_plain("\xc3\xa9"),
           "plain values");
        ok(!definition_value_is_plain("") && !definition_value_is_plain(" a") && !definition_value_is_plain("a\t") &&
                   !definition_value_is_plain("a\\") && !definition_value_is_plain("a\\\\\\") &&
                   !definition_value_is_plain("'a'") && !definition_value_is_plain("\"a") &&
                   !definition_value_is_plain("$'a'") && !definition_value_is_plain("a\nb"),
           "values that must be quoted");

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
                if (!joined || definition_words_split(joined, &back) < 0 || !strv_equal(words, back) ||
                    strchr(joined, '\n') || (*joined && joined[strlen(joined) - 1] == '\\')) {
                        if (bad++ < 5)
                                printf("# %s\n", joined ?: "(null)");
                }
        }
        ok(bad == 0, "20000 random word lists read back as written, each on one line (%u did not)", bad);
        return tap_finish();
}
