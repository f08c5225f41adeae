/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <unistd.h>

#include "env.h"
#include "fd-util.h"
#include "strv.h"
#include "tap.h"

int main(void) {
        _cleanup_strv_free_ char **l = NULL, **f = NULL, **add = NULL;
        char path[] = "/tmp/berth-test-env.XXXXXX";
        unsigned line = 0;
        int fd;

        ok(env_name_is_valid("PATH"), "PATH");
        ok(env_name_is_valid("_x1"), "_x1");
        ok(!env_name_is_valid("1x"), "1x");
        ok(!env_name_is_valid("A-B"), "A-B");
        ok(!env_name_is_valid(""), "empty");
        ok(env_assignment_is_valid("A=b c"), "A=b c");
        ok(!env_assignment_is_valid("A"), "no =");
        ok(!env_assignment_is_valid("=x"), "no name");

        ok_eq_int(env_set(&l, "A=1"), 0);
        ok_eq_int(env_set(&l, "B=2"), 0);
        ok_eq_int(env_set(&l, "A=3"), 0);
        ok_eq_int(strv_length(l), 2);
        ok_streq(env_get(l, "A"), "3");
        ok_streq(env_get(l, "B"), "2");
        ok(!env_get(l, "C"), "C unset");
        ok(!env_get(l, "AA"), "no prefix match");
        add = strv_copy((char *const[]) { "B=9", "C=", NULL });
        ok_eq_int(env_merge(&l, add), 0);
        ok_streq(env_get(l, "B"), "9");
        ok_streq(env_get(l, "C"), "");
        ok_eq_int(env_set(&l, "novalue"), -EINVAL);

        fd = mkstemp(path);
        ok(fd >= 0, "mkstemp");
        setenv("BERTH_TEST_FROM_HOST", "host value", 1);
        unsetenv("BERTH_TEST_UNSET");
        ok_eq_int(loop_write(fd, "# comment\n\nA=1\n  B = x\nC=two words\nBERTH_TEST_FROM_HOST\nBERTH_TEST_UNSET\nA=2\n", 84), 0);
        close(fd);
        ok_eq_int(env_file_read(path, &f, &line), -EINVAL);
        ok_eq_int(line, 4);
        ok_eq_int(write_string_file(path, "# comment\n\nA=1\nC=two words\nBERTH_TEST_FROM_HOST\nBERTH_TEST_UNSET\nA=2\n", 0600, false), 0);
        ok_eq_int(env_file_read(path, &f, &line), 0);
        ok_eq_int(strv_length(f), 3);
        ok_streq(env_get(f, "A"), "2");
        ok_streq(env_get(f, "C"), "two words");
        ok_streq(env_get(f, "BERTH_TEST_FROM_HOST"), "host value");
        ok(!env_get(f, "BERTH_TEST_UNSET"), "a bare name unset on the host is skipped");
        unlink(path);
        ok_eq_int(env_file_read(path, &f, &line), -ENOENT);

        return tap_finish();
}
