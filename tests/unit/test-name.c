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

        svc = name_to_service("web");
        scope = name_to_scope("web");
        ok_streq(svc, "container@web.service");
        ok_streq(scope, "container-web.scope");
        bad = name_to_service("../x");
        ok(!bad, "no unit name for a bad name");

        return tap_finish();
}
