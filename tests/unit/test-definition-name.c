/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16: leftovers. A container's two names (definition-name.h): its key, the file's name, and
 * the name ContainerName= gives it; finding the one from the other, and two containers known by
 * one name refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "definition-name.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static char tmp[] = "/tmp/berth-test-definition-name.XXXXXX";

static void put(const char *rel, const char *text) {
        _cleanup_free_ char *p = path_join(tmp, rel);

        if (write_string_file(p, text, 0644, /* atomic= */ false) < 0)
                ok(false, "write %s", p);
}

static void found(char **dirs, const char *given, const char *want) {
        _cleanup_free_ char *key = NULL, *why = NULL;
        int r = definition_find(given, dirs, &key, &why);

        ok(r >= 0 && streq_ptr(key, want), "%s → %s (got %s)", given, want, key ?: why ?: "nothing");
}

static void not_found(char **dirs, const char *given, int want_r, const char *want) {
        _cleanup_free_ char *key = NULL, *why = NULL;
        int r = definition_find(given, dirs, &key, &why);

        ok(r == want_r && !key && why && strstr(why, want), "%s: %s (got %s)", given, want, why ?: key ?: "nothing");
}

static Definition *load(char **dirs, const char *key) {
        Definition *d = NULL;
        _cleanup_free_ char *why = NULL;

        if (definition_load(key, dirs, &d, &why) < 0)
                ok(false, "load %s: %s", key, why ?: "?");
        return d;
}

static void check(char **dirs, const char *key, const char *want) {
        _cleanup_(definition_freep) Definition *d = load(dirs, key);
        _cleanup_free_ char *why = NULL;
        int r = d ? definition_name_check(d, dirs, &why) : -EINVAL;

        if (!want)
                ok(r >= 0, "%s: its name is its own (%s)", key, why ?: "ok");
        else
                ok(r == -EEXIST && why && !strchr(why, '\n') && strstr(why, want), "%s refused: %s", key,
                   why ?: "(accepted)");
}

static void test_find(void) {
        _cleanup_free_ char *a = path_join(tmp, "a"), *b = path_join(tmp, "b");
        char *dirs[] = {a, b, NULL};

        (void) mkdir(a, 0755);
        (void) mkdir(b, 0755);
        put("a/name.container", "[Container]\nImage=img\nContainerName=foobar\n");
        put("b/plain.container", "[Container]\nImage=img\n");
        put("b/same.container", "[Container]\nImage=img\nContainerName=same\n");
        put("b/web@.container", "[Container]\nImage=img\nContainerName=web-%i\n");
        put("b/dropped.container", "[Container]\nImage=img\n");
        {
                _cleanup_free_ char *d = path_join(b, "dropped.container.d");

                (void) mkdir(d, 0755);
        }
        put("b/dropped.container.d/10-name.conf", "[Container]\nContainerName=by-dropin\n");
        put("b/broken.container", "[Container]\nContainerName=wanted\nNope=1\n");

        found(dirs, "name", "name");
        found(dirs, "foobar", "name");
        found(dirs, "plain", "plain");
        found(dirs, "same", "same");
        found(dirs, "by-dropin", "dropped");
        found(dirs, "web@1", "web@1");
        not_found(dirs, "web-1", -ENOENT, "no such container web-1");
        not_found(dirs, "wanted", -ENOENT, "no such container wanted");
        not_found(dirs, "nothing", -ENOENT, "no such container nothing");
        not_found(dirs, "bad/name", -EINVAL, "invalid container name 'bad/name'");

        check(dirs, "name", NULL);
        check(dirs, "plain", NULL);
        check(dirs, "same", NULL);
        check(dirs, "dropped", NULL);

        /* Two files, one ContainerName=; and a ContainerName= that is another file's name. */
        put("b/twin.container", "[Container]\nImage=img\nContainerName=foobar\n");
        check(dirs, "name", "container name 'foobar' is given by twin.container too (ContainerName=)");
        check(dirs, "twin", "container name 'foobar' is given by name.container too");
        not_found(dirs, "foobar", -ENOTUNIQ,
                  "container name 'foobar' is given by name.container and twin.container (ContainerName=): name it by "
                  "its file's name");
        found(dirs, "twin", "twin");
        put("b/taker.container", "[Container]\nImage=img\nContainerName=plain\n");
        check(dirs, "taker", "key 'ContainerName': 'plain' is the name of plain.container, another container");
        check(dirs, "plain", "container name 'plain' is given by taker.container too");
        /* The file's name stays found by its key, whatever else claims it. */
        found(dirs, "plain", "plain");

        /* The first directory's file is the definition; the one it hides claims nothing. */
        put("b/name.container", "[Container]\nImage=img\nContainerName=hidden\n");
        not_found(dirs, "hidden", -ENOENT, "no such container hidden");
}

int main(void) {
        if (!mkdtemp(tmp))
                return EXIT_FAILURE;
        test_find();
        (void) rm_rf(tmp);
        return tap_finish();
}
