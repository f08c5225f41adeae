/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>

#include "cleanup.h"
#include "string-util.h"
#include "tap.h"

int main(void) {
        uint64_t u = 0;
        unsigned v = 0;
        int i = 0;
        _cleanup_free_ char *j = NULL;
        char s[] = "  \t hello world \n";

        ok_streq(startswith("container@web", "container@"), "web");
        ok(!startswith("contain", "container@"), "startswith rejects a shorter string");
        ok_streq(endswith("web.container", ".container"), ".container");
        ok(!endswith("web.conf", ".container"), "endswith rejects other suffixes");

        j = strjoin("a", "/", "b");
        ok_streq(j, "a/b");
        ok_streq(strstrip(s), "hello world");

        ok_eq_int(safe_atou64("123", &u), 0);
        ok_eq_int(u, 123);
        ok_eq_int(safe_atou64("-1", &u), -EINVAL);
        ok_eq_int(safe_atou64("12x", &u), -EINVAL);
        ok_eq_int(safe_atou64("", &u), -EINVAL);
        ok_eq_int(safe_atou64("99999999999999999999999", &u), -ERANGE);
        ok_eq_int(safe_atou("4294967296", &v), -ERANGE);
        ok_eq_int(safe_atoi("-7", &i), 0);
        ok_eq_int(i, -7);
        ok_eq_int(safe_atoi(" 7", &i), -EINVAL);

        ok_eq_int(parse_boolean("yes"), 1);
        ok_eq_int(parse_boolean("Off"), 0);
        ok_eq_int(parse_boolean("maybe"), -EINVAL);

        ok_eq_int(parse_size("512", &u), 0);
        ok_eq_int(u, 512);
        ok_eq_int(parse_size("64K", &u), 0);
        ok_eq_int(u, 65536);
        ok_eq_int(parse_size("64m", &u), 0);
        ok_eq_int(u, 64 << 20);
        ok_eq_int(parse_size("1.5G", &u), 0);
        ok_eq_int(u, 3ULL << 29);
        ok_eq_int(parse_size("10MB", &u), 0);
        ok_eq_int(u, 10 << 20);
        ok_eq_int(parse_size("10X", &u), -EINVAL);
        ok_eq_int(parse_size("-1", &u), -EINVAL);
        ok_eq_int(parse_size("", &u), -EINVAL);

        ok_eq_int(parse_sec("10", &u), 0);
        ok_eq_int(u, 10000000);
        ok_eq_int(parse_sec("500ms", &u), 0);
        ok_eq_int(u, 500000);
        ok_eq_int(parse_sec("2min", &u), 0);
        ok_eq_int(u, 120000000);
        ok_eq_int(parse_sec("soon", &u), -EINVAL);

        {
                char buf[64], tiny[8];

                ok_streq(escape_controls("plain \\ text é", SIZE_MAX, buf, sizeof(buf)), "plain \\ text é");
                ok_streq(escape_controls("a\nb\tc\rd\x1b[0m\x7f\x01", SIZE_MAX, buf, sizeof(buf)),
                         "a\\nb\\tc\\rd\\x1b[0m\\x7f\\x01");
                ok_streq(escape_controls("abcdef", 3, buf, sizeof(buf)), "abc...");
                ok_streq(escape_controls("abcdef", 6, buf, sizeof(buf)), "abcdef");
                ok_streq(escape_controls("abcdefghij", SIZE_MAX, tiny, sizeof(tiny)), "abcd...");
                ok_streq(escape_controls("ab\ncde", SIZE_MAX, tiny, sizeof(tiny)), "ab\\ncde");
                ok_streq(escape_controls("ab\ncdef", SIZE_MAX, tiny, sizeof(tiny)), "ab\\n...");
                ok_streq(escape_controls("abc\ndefg", SIZE_MAX, tiny, sizeof(tiny)), "abc...");
                ok_streq(escape_controls("abc", SIZE_MAX, tiny, 4), "abc");
                ok_streq(escape_controls("abcd", SIZE_MAX, tiny, 4), "...");
                ok(string_has_control_chars("a\x7f") && string_has_control_chars("\n") && !string_has_control_chars("é ~"),
                   "string_has_control_chars");
        }

        return tap_finish();
}
