/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cleanup.h"
#include "name.h"
#include "tap.h"

int main(void) {
        _cleanup_free_ char *svc = NULL, *scope = NULL, *bad = NULL;

        ok(name_is_valid("web"), "web");
        ok(name_is_valid("a"), "a");
        ok(name_is_valid("Web_1.test-2"), "mixed");
        ok(name_is_valid("012345678901234567890123456789012345678901234567890123456789012"), "63 chars");
        ok(!name_is_valid("0123456789012345678901234567890123456789012345678901234567890123"), "64 chars");
        ok(!name_is_valid(""), "empty");
        ok(!name_is_valid(NULL), "NULL");
        ok(!name_is_valid("-web"), "leading dash");
        ok(!name_is_valid(".web"), "leading dot");
        ok(!name_is_valid("../x"), "../x");
        ok(!name_is_valid("a/b"), "a/b");
        ok(!name_is_valid("a b"), "space");
        ok(!name_is_valid("wéb"), "non-ascii");
        /* A template's instance; image and volume names stay plain. */
        ok(name_is_valid("web@1") && name_is_valid("a-b@x.y_z"), "NAME@INSTANCE");
        ok(!name_is_valid("web@") && !name_is_valid("@1") && !name_is_valid("a@b@c") && !name_is_valid("a@-b"),
           "no empty part, one '@', each part by the rule");
        ok(!name_is_plain("web@1") && name_is_plain("web"), "plain names have no '@'");
        ok(name_is_template("web@") && !name_is_template("web@1") && !name_is_template("@") && !name_is_template("web"),
           "NAME@ is a template's name");

        svc = name_to_service("web");
        scope = name_to_scope("web");
        ok_streq(svc, "container@web.service");
        ok_streq(scope, "container-web.scope");
        {
                _cleanup_free_ char *s1 = name_to_service("web@1"), *s2 = name_to_scope("web@1"),
                                    *back = name_from_scope_part("web\\x401", 8);

                ok_streq(s1, "container@web@1.service");
                ok_streq(s2, "container-web\\x401.scope");
                ok_streq(back, "web@1");
        }
        bad = name_to_service("../x");
        ok(!bad, "no unit name for a bad name");

        return tap_finish();
}
