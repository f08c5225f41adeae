/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth-file.h"
#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "tap.h"

static char *dir;

static char *file(const char *name, const char *content) {
        char *p = path_join(dir, name);

        if (content)
                write_string_file(p, content, 0600, false);
        return p;
}

static void lookup(char **files, const char *registry, int expect, const char *user, const char *password) {
        _cleanup_free_ char *u = NULL, *p = NULL, *f = NULL, *why = NULL;
        int r = auth_file_lookup(files, registry, &u, &p, &f, &why);

        ok(r == expect, "lookup %s: %d (%s)", registry, r, why ?: "");
        if (r == 1) {
                ok_streq(u, user);
                ok_streq(p, password);
        }
        if (r < 0)
                ok(why && !strchr(why, '\n'), "one line: %s", why ?: "");
}

int main(void) {
        char template[] = "/tmp/test-auth-file-XXXXXX";
        _cleanup_free_ char *s = NULL, *text = NULL;
        size_t n;

        dir = mkdtemp(template);
        ok(dir != NULL, "temp dir");

        /* base64 round trips, RFC 4648's vectors. */
        s = base64_encode("foobar", 6);
        ok_streq(s, "Zm9vYmFy");
        free(s);
        s = base64_encode("fo", 2);
        ok_streq(s, "Zm8=");
        free(s);
        s = NULL;
        ok(base64_decode("Zm9vYg==", &s, &n) == 0 && n == 4 && strcmp(s, "foob") == 0, "decode with padding");
        free(s);
        s = NULL;
        ok(base64_decode("Zm9v!mFy", &s, &n) == -EINVAL, "a character outside the alphabet");
        ok(base64_decode("Zm9", &s, &n) == -EINVAL, "not a multiple of four");
        ok(base64_decode("Zg==Zg==", &s, &n) == -EINVAL, "padding in the middle");

        /* Registry keys as docker and podman write them. */
        char *k;
        ok_streq((k = auth_registry_key("https://index.docker.io/v1/")), "docker.io");
        free(k);
        ok_streq((k = auth_registry_key("registry-1.docker.io")), "docker.io");
        free(k);
        ok_streq((k = auth_registry_key("http://reg:5000/v2/")), "reg:5000");
        free(k);
        ok_streq((k = auth_registry_key("quay.io")), "quay.io");
        free(k);

        /* podman's file: alice:s3cret for reg:5000; docker's: bob for Docker Hub. */
        _cleanup_free_ char *podman = file("auth.json", "{\"auths\":{\"reg:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"}}}");
        _cleanup_free_ char *docker = file("config.json",
                                           "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"Ym9iOnB3OndpdGg6Y29sb25z\"},"
                                           "\"reg:5000\":{\"auth\":\"ZXZlOm90aGVy\"},\"helper.io\":{}},\"credsStore\":\"desktop\"}");
        _cleanup_free_ char *missing = file("missing.json", NULL);
        _cleanup_free_ char *broken = file("broken.json", "{\"auths\":");
        _cleanup_free_ char *badauth = file("bad.json", "{\"auths\":{\"x.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");

        char *files[] = { missing, podman, docker, NULL };
        lookup(files, "reg:5000", 1, "alice", "s3cret");              /* the first file that has it wins */
        lookup(files, "docker.io", 1, "bob", "pw:with:colons");       /* docker's URL key; a password may hold ':' */
        lookup(files, "other.io", 0, NULL, NULL);
        lookup(files, "helper.io", 0, NULL, NULL);                    /* a credential helper's entry: not ours */
        char *bad[] = { broken, NULL };
        lookup(bad, "reg:5000", -EINVAL, NULL, NULL);
        char *bad2[] = { badauth, NULL };
        lookup(bad2, "x.io", -EINVAL, NULL, NULL);                    /* "nocolon" */

        /* login and logout: a new file, mode 0600, other keys kept. */
        _cleanup_free_ char *newfile = file("sub/dir/auth.json", NULL);
        _cleanup_free_ char *why = NULL;
        struct stat st;
        ok(auth_file_store(newfile, "reg:5000", "carol", "pa ss", &why) == 0, "store into a new file (%s)", why ?: "");
        ok(stat(newfile, &st) == 0 && (st.st_mode & 07777) == 0600, "mode 0600");
        char *nf[] = { newfile, NULL };
        lookup(nf, "reg:5000", 1, "carol", "pa ss");
        ok(auth_file_store(docker, "reg:5000", "dave", "x", &why) == 0, "store over docker's file");
        ok(read_full_file_at(AT_FDCWD, docker, 65536, &text, NULL) == 0 && strstr(text, "credsStore") &&
           strstr(text, "index.docker.io"), "its other keys stay");
        char *df[] = { docker, NULL };
        lookup(df, "reg:5000", 1, "dave", "x");
        ok(auth_file_remove(docker, "docker.io", &why) == 0, "logout of docker.io removes docker's URL key");
        lookup(df, "docker.io", 0, NULL, NULL);
        ok(auth_file_remove(docker, "docker.io", &why) == -ENOENT, "a second logout: not logged in");
        ok(auth_file_remove(missing, "docker.io", &why) == -ENOENT, "no file: not logged in");
        lookup(df, "reg:5000", 1, "dave", "x");

        /* The default list. */
        setenv("REGISTRY_AUTH_FILE", "/x/auth.json", 1);
        setenv("HOME", "/home/u", 1);
        unsetenv("DOCKER_CONFIG");
        char **l = auth_files_default();
        ok(l && strcmp(l[0], "/x/auth.json") == 0 && strcmp(l[1], "/run/containers/0/auth.json") == 0 &&
           strcmp(l[2], "/home/u/.docker/config.json") == 0 && !l[3], "$REGISTRY_AUTH_FILE, podman's, docker's");
        for (char **i = l; i && *i; i++)
                free(*i);
        free(l);
        ok_streq(auth_file_for_writing(), "/x/auth.json");
        unsetenv("REGISTRY_AUTH_FILE");
        ok_streq(auth_file_for_writing(), "/run/containers/0/auth.json");

        rm_rf(dir);
        return tap_finish();
}
