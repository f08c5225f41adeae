/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cleanup.h"
#include "path-util.h"
#include "tap.h"

int main(void) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

        ok(path_is_normalized("/"), "/ is normalized");
        ok(path_is_normalized("/a/b"), "/a/b is normalized");
        ok(path_is_normalized("a/b"), "a/b is normalized");
        ok(!path_is_normalized("/a//b"), "/a//b is not");
        ok(!path_is_normalized("/a/./b"), "/a/./b is not");
        ok(!path_is_normalized("/a/../b"), "/a/../b is not");
        ok(!path_is_normalized("/a/b/"), "trailing slash is not");
        ok(!path_is_normalized(""), "empty is not");
        ok(path_is_normalized("/a/..b"), "..b is a name");

        ok_streq(path_startswith("/proc/sys", "/proc"), "sys");
        ok_streq(path_startswith("/proc", "/proc"), "");
        ok_streq(path_startswith("/proc/sys", "/proc/"), "sys");
        ok(!path_startswith("/procx", "/proc"), "/procx is not under /proc");
        ok_streq(path_startswith("/a/b", "/"), "a/b");

        a = path_join("/var/lib", "berth", "images");
        ok_streq(a, "/var/lib/berth/images");
        b = path_join("/run/", "/berth");
        ok_streq(b, "/run/berth");
        c = path_join("", "x");
        ok_streq(c, "x");

        ok(filename_is_valid("web.container"), "plain name valid");
        ok(!filename_is_valid(".."), ".. invalid");
        ok(!filename_is_valid("a/b"), "a/b invalid");
        ok(!filename_is_valid(""), "empty invalid");

        return tap_finish();
}
