/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static void check_split(const char *in, int expect_r, const char *expect_joined) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *j = NULL;
        int r;

        r = strv_split_quoted(in, &l);
        ok(r == expect_r, "split <%s> returns %d (got %d)", in, expect_r, r);
        if (r < 0)
                return;
        j = strv_join(l, "|");
        ok(j && streq(j, expect_joined), "split <%s> gives %s (got %s)", in, expect_joined, j ? j : "(null)");
}

int main(void) {
        _cleanup_strv_free_ char **l = NULL, **c = NULL;

        ok_eq_int(strv_extend(&l, "a"), 0);
        ok_eq_int(strv_extend(&l, "b"), 0);
        ok_eq_int(strv_length(l), 2);
        ok(strv_contains(l, "b"), "contains b");
        ok(!strv_contains(l, "c"), "does not contain c");
        c = strv_copy(l);
        ok(c && strv_length(c) == 2 && streq(c[1], "b"), "copy");
        ok_eq_int(strv_length(NULL), 0);

        check_split("", 0, "");
        check_split("/bin/sh -c 'echo hi'", 0, "/bin/sh|-c|echo hi");
        check_split("  a   b  ", 0, "a|b");
        check_split("\"a b\" c\\ d", 0, "a b|c d");
        check_split("\"say \\\"x\\\"\"", 0, "say \"x\"");
        check_split("a'b'c", 0, "abc");
        check_split("'unterminated", -EINVAL, "");
        check_split("\"unterminated", -EINVAL, "");
        check_split("trailing\\", -EINVAL, "");
        check_split("''", 0, "");

        return tap_finish();
}
