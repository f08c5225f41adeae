/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image references, checked against the vectors of docker's distribution/reference
 * (reference_test.go, normalize_test.go), and [Images] of berth.conf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "fd-util.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define SHA256 "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* s parses into these parts (NULL: absent). */
static void good(const char *s, const char *domain, const char *path, const char *tag, const char *digest) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *why = NULL, *back = NULL;

        int k = reference_parse(s, &r, &why);

        if (!ok(k == 0, "'%s' parses (%s)", s, why ?: "ok"))
                return;
        ok(streq_ptr(r.domain, domain) && streq_ptr(r.path, path) && streq_ptr(r.tag, tag) && streq_ptr(r.digest, digest),
           "'%s': domain %s path %s tag %s digest %s (got %s %s %s %s)", s, domain ?: "-", path ?: "-", tag ?: "-",
           digest ? "yes" : "-", r.domain ?: "-", r.path ?: "-", r.tag ?: "-", r.digest ? "yes" : "-");
        back = reference_to_string(&r);
        ok_streq(back, s);
}

/* s is refused with a reason containing why. */
static void bad(const char *s, const char *why_part) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *why = NULL;

        int k = reference_parse(s, &r, &why);

        ok(k == -EINVAL && why && strstr(why, why_part) && !strchr(why, '\n'), "'%.40s' refused: %s (%s)", s, why_part,
           why ?: "accepted");
}

/* docker's ParseNormalizedNamed: s qualified with docker.io is full. */
static void normalized(const char *s, const char *full, const char *repository) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *str = NULL, *repo = NULL;

        if (!ok(reference_parse(s, &r, NULL) == 0 && reference_qualify(&r, REFERENCE_DEFAULT_DOMAIN) == 0,
                "'%s' qualifies", s))
                return;
        str = reference_to_string(&r);
        repo = reference_repository(&r);
        ok_streq(str, full);
        ok_streq(repo, repository);
}

static char dir[] = "/tmp/test-reference.XXXXXX";

static int load(const char *text, BerthConfig *c, char **error) {
        _cleanup_free_ char *path = strjoin(dir, "/berth.conf");

        if (write_string_file(path, text, 0644, false) < 0)
                return -EIO;
        return berth_config_load(path, c, error);
}

static void load_bad(const char *text, const char *expect) {
        _cleanup_free_ char *error = NULL, *full = strjoin(dir, "/berth.conf:", expect);
        BerthConfig c;

        ok(load(text, &c, &error) == -EINVAL, "refused: %s", expect);
        ok_streq(error, full);
}

static void candidates(const ImagesConfig *c, const char *s, const char *const *expect_local, const char *expect_pull,
                       const char *expect_why) {
        _cleanup_strv_free_ char **local = NULL;
        _cleanup_free_ char *pull = NULL, *why = NULL, *got = NULL, *want = NULL;

        int k = reference_candidates(s, c, &local, &pull, &why);

        if (!ok(k == 0, "candidates of '%s' (%s)", s, why ?: "ok"))
                return;
        got = strv_join(local, " ");
        want = strv_join((char **) expect_local, " ");
        ok_streq(got, want);
        ok(streq_ptr(pull, expect_pull), "'%s' pulls %s (got %s)", s, expect_pull ?: "nothing", pull ?: "nothing");
        if (expect_why)
                ok(why && strstr(why, expect_why), "'%s': why has '%s' (got %s)", s, expect_why, why ?: "nothing");
        else
                ok(!why, "'%s': no why (got %s)", s, why ?: "nothing");
}

static void test_parse(void) {
        char long_name[300];

        /* reference_test.go */
        good("test_com", NULL, "test_com", NULL, NULL);
        good("test.com:tag", NULL, "test.com", "tag", NULL);
        good("test.com:5000", NULL, "test.com", "5000", NULL);
        good("test.com/repo:tag", "test.com", "repo", "tag", NULL);
        good("test:5000/repo", "test:5000", "repo", NULL, NULL);
        good("test:5000/repo:tag", "test:5000", "repo", "tag", NULL);
        good("test:5000/repo@" SHA256, "test:5000", "repo", NULL, SHA256);
        good("test:5000/repo:tag@" SHA256, "test:5000", "repo", "tag", SHA256);
        good("test:5000/repo", "test:5000", "repo", NULL, NULL);
        good("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", NULL, NULL);
        good("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", "some-long-tag", NULL);
        good("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
             "test.example.com", NULL);
        good("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", NULL);
        good("xn--7o8h.com/myimage:xn--7o8h.com@" SHA256, "xn--7o8h.com", "myimage", "xn--7o8h.com", SHA256);
        good("foo_bar.com:8080", NULL, "foo_bar.com", "8080", NULL);
        good("foo/foo_bar.com:8080", NULL, "foo/foo_bar.com", "8080", NULL);
        good("192.168.1.1/repo", "192.168.1.1", "repo", NULL, NULL);
        good("192.168.1.1:5/repo", "192.168.1.1:5", "repo", NULL, NULL);
        good("a.b.c.d.e/x--y__z.w", "a.b.c.d.e", "x--y__z.w", NULL, NULL);
        good("[2001:db8::1]/repo", "[2001:db8::1]", "repo", NULL, NULL);
        good("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", NULL);
        good("[::1]:5000/repo", "[::1]:5000", "repo", NULL, NULL);
        good("lowercase:Uppercase", NULL, "lowercase", "Uppercase", NULL);
        good("localhost/nginx", "localhost", "nginx", NULL, NULL);
        good("localhost:5000/nginx:1", "localhost:5000", "nginx", "1", NULL);
        good("localhost", NULL, "localhost", NULL, NULL); /* a repository named localhost */
        good("localhost:5000", NULL, "localhost", "5000", NULL);
        good("nginx@" SHA256, NULL, "nginx", NULL, SHA256);
        good("team/app:_v1.0-rc", NULL, "team/app", "_v1.0-rc", NULL);
        good("a/b/c/d", NULL, "a/b/c/d", NULL, NULL);

        bad("", "empty");
        bad(":justtag", "no repository name");
        bad("@" SHA256, "no repository name");
        bad("repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "digest");
        bad("repo@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "digest");
        bad("repo@md5:d41d8cd98f00b204e9800998ecf8427e", "digest");
        bad("validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "digest");
        bad("Uppercase:tag", "must be lowercase");
        bad("test:5000/Uppercase/lowercase:tag", "must be lowercase");
        bad("docker.io/docker/Docker", "must be lowercase");
        bad("aa/asdf$$^/aa", "does not match");
        bad("-foo/bar", "does not match");
        bad("foo/bar-", "does not match");
        bad("foo/_bar", "does not match");
        bad("foo/bar___baz", "does not match");
        bad("foo/bar._baz", "does not match");
        bad("foo//bar", "empty path component");
        bad("foo/", "empty path component");
        bad("test.com/", "empty path component");
        bad("repo:", "tag");
        bad("repo:-tag", "tag");
        bad("repo:.tag", "tag");
        bad("repo:ta/g@" SHA256, "registry"); /* the ':' is before a '/': a port, of a bad domain */
        bad("repo:t@g", "digest");
        bad("repo:" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "tag");
        good("repo:" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, "repo",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL);
        bad("-registry.com/repo", "registry");
        bad("registry-.com/repo", "registry");
        bad("registry..com/repo", "registry");
        bad("registry.com:port/repo", "registry");
        bad("registry.com:/repo", "registry");
        bad("[2001:db8::1/repo", "registry");
        bad("[fe80::1%eth0]:5000/repo", "registry");
        bad(HEX64, "image ID");
        bad("repo name", "does not match");
        bad("repo\tname", "control characters");

        /* 255 characters of name at most: docker's "repository name must not be more than 255". */
        memset(long_name, 'a', sizeof(long_name));
        long_name[255] = 0;
        good(long_name, NULL, long_name, NULL, NULL);
        long_name[255] = 'a';
        long_name[256] = 0;
        bad(long_name, "255");
        memcpy(long_name, "reg.io/", 7);
        long_name[255] = 0;
        good(long_name, "reg.io", long_name + 7, NULL, NULL);
        long_name[255] = 'a';
        bad(long_name, "255");
}

static void test_qualify(void) {
        /* normalize_test.go */
        normalized("nginx", "docker.io/library/nginx:latest", "docker.io/library/nginx");
        normalized("nginx:1.25", "docker.io/library/nginx:1.25", "docker.io/library/nginx");
        normalized("docker/docker", "docker.io/docker/docker:latest", "docker.io/docker/docker");
        normalized("docker.io/nginx", "docker.io/library/nginx:latest", "docker.io/library/nginx");
        normalized("index.docker.io/nginx", "docker.io/library/nginx:latest", "docker.io/library/nginx");
        normalized("docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25", "docker.io/library/nginx");
        normalized("library/nginx", "docker.io/library/nginx:latest", "docker.io/library/nginx");
        normalized("nginx@" SHA256, "docker.io/library/nginx@" SHA256, "docker.io/library/nginx");
        normalized("nginx:1@" SHA256, "docker.io/library/nginx:1@" SHA256, "docker.io/library/nginx");
        normalized("localhost/nginx", "localhost/nginx:latest", "localhost/nginx");
        normalized("localhost:5000/a/b", "localhost:5000/a/b:latest", "localhost:5000/a/b");
        normalized("registry:5000/app", "registry:5000/app:latest", "registry:5000/app");
        normalized("quay.io/nginx", "quay.io/nginx:latest", "quay.io/nginx");

        {
                _cleanup_(reference_done) Reference r = REFERENCE_NULL;

                ok(reference_parse("nginx", &r, NULL) == 0 && reference_qualify(&r, NULL) == -EINVAL,
                   "a short name needs a domain to qualify");
        }
}

static void test_config(void) {
        BerthConfig c;
        _cleanup_free_ char *error = NULL;

        ok(berth_config_load("/nonexistent/berth.conf", &c, NULL) == 0 &&
                   strv_equal((char **) images_config_search_registries(&c.images), STRV_MAKE("docker.io")),
           "default SearchRegistries=docker.io");
        berth_config_done(&c);

        ok(load("[Images]\nSearchRegistries=quay.io  registry:5000\nInsecureRegistries=registry:5000\n"
                "Alias=nginx=docker.io/library/nginx\nAlias=app:dev=registry:5000/team/app:dev\n",
                &c, &error) == 0,
           "a full [Images] (%s)", error ?: "ok");
        ok(strv_equal((char **) images_config_search_registries(&c.images), STRV_MAKE("quay.io", "registry:5000")),
           "SearchRegistries read in order");
        ok(images_config_is_insecure(&c.images, "registry:5000"), "registry:5000 insecure");
        ok(!images_config_is_insecure(&c.images, "registry"), "registry (no port) is not");
        ok_streq(images_config_alias(&c.images, "nginx"), "docker.io/library/nginx");
        ok_streq(images_config_alias(&c.images, "app:dev"), "registry:5000/team/app:dev");
        ok(!images_config_alias(&c.images, "app"), "no alias for app");
        berth_config_done(&c);

        ok(load("[Images]\nSearchRegistries=\n", &c, NULL) == 0 && images_config_search_registries(&c.images)[0] == NULL,
           "SearchRegistries= empty: none");
        berth_config_done(&c);
        ok(load("[Images]\nSearchRegistries=a.io\nSearchRegistries=b.io\n", &c, NULL) == 0 &&
                   strv_equal((char **) images_config_search_registries(&c.images), STRV_MAKE("a.io", "b.io")),
           "SearchRegistries= repeated adds");
        berth_config_done(&c);
        ok(load("[Images]\nSearchRegistries=a.io\nSearchRegistries=\nSearchRegistries=b.io\n", &c, NULL) == 0 &&
                   strv_equal((char **) images_config_search_registries(&c.images), STRV_MAKE("b.io")),
           "SearchRegistries= empty resets");
        berth_config_done(&c);

        load_bad("[Images]\nSearchRegistries=https://quay.io\n",
                 "2: key 'SearchRegistries': 'https://quay.io' is not a registry, HOST[:PORT]");
        load_bad("[Images]\nInsecureRegistries=reg:port\n",
                 "2: key 'InsecureRegistries': 'reg:port' is not a registry, HOST[:PORT]");
        load_bad("[Images]\nAlias=nginx\n", "2: key 'Alias': 'nginx' is not NAME=REFERENCE");
        load_bad("[Images]\nAlias=nginx=library/nginx\n",
                 "2: key 'Alias': 'library/nginx' does not name its registry (REGISTRY/PATH)");
        load_bad("[Images]\nAlias=quay.io/nginx=docker.io/library/nginx\n",
                 "2: key 'Alias': 'quay.io/nginx' is not a short name (NAME or NAME:TAG)");
        load_bad("[Images]\nAlias=nginx=localhost/nginx\n", "2: key 'Alias': 'localhost/nginx' is a local image, not a registry's");
        load_bad("[Images]\nAlias=Nginx=docker.io/library/nginx\n",
                 "2: key 'Alias': 'Nginx' is not a valid image reference: repository name must be lowercase ('Nginx')");
        load_bad("[Images]\nAlias=nginx=docker.io/library/nginx\nAlias=nginx=quay.io/nginx\n",
                 "3: key 'Alias': 'nginx' has an alias already");
        load_bad("[Images]\nMirror=x\n", "2: key 'Mirror': unknown key in section [Images]");
        load_bad("SearchRegistries=x\n", "1: key 'SearchRegistries': not in a section ([Network], [Containers], [Images])");
}

static void test_candidates(void) {
        BerthConfig c;

        /* The defaults: SearchRegistries=docker.io. */
        candidates(NULL, "nginx", (const char *[]) { "localhost/nginx:latest", "docker.io/library/nginx:latest", NULL },
                   "docker.io/library/nginx:latest", NULL);
        candidates(NULL, "team/app:1", (const char *[]) { "localhost/team/app:1", "docker.io/team/app:1", NULL },
                   "docker.io/team/app:1", NULL);
        candidates(NULL, "docker.io/library/nginx:1.25", (const char *[]) { "docker.io/library/nginx:1.25", NULL },
                   "docker.io/library/nginx:1.25", NULL);
        candidates(NULL, "registry:5000/app", (const char *[]) { "registry:5000/app:latest", NULL },
                   "registry:5000/app:latest", NULL);
        candidates(NULL, "localhost/app", (const char *[]) { "localhost/app:latest", NULL }, NULL, "never pulled");

        ok(load("[Images]\nSearchRegistries=quay.io docker.io\nAlias=nginx=docker.io/library/nginx\n"
                "Alias=app:dev=registry:5000/team/app:dev\nAlias=pinned=quay.io/p/pinned:7\n",
                &c, NULL) == 0,
           "berth.conf with aliases");
        candidates(&c.images, "nginx", (const char *[]) { "docker.io/library/nginx:latest", NULL },
                   "docker.io/library/nginx:latest", NULL);
        candidates(&c.images, "nginx:1.25", (const char *[]) { "docker.io/library/nginx:1.25", NULL },
                   "docker.io/library/nginx:1.25", NULL);
        candidates(&c.images, "nginx@" SHA256, (const char *[]) { "docker.io/library/nginx@" SHA256, NULL },
                   "docker.io/library/nginx@" SHA256, NULL);
        candidates(&c.images, "app:dev", (const char *[]) { "registry:5000/team/app:dev", NULL },
                   "registry:5000/team/app:dev", NULL);
        candidates(&c.images, "pinned", (const char *[]) { "quay.io/p/pinned:7", NULL }, "quay.io/p/pinned:7", NULL);
        candidates(&c.images, "pinned:8", (const char *[]) { "quay.io/p/pinned:8", NULL }, "quay.io/p/pinned:8", NULL);
        candidates(&c.images, "app", (const char *[]) { "localhost/app:latest", "quay.io/app:latest",
                                                        "docker.io/library/app:latest", NULL },
                   NULL, "short name 'app' is ambiguous");
        berth_config_done(&c);

        ok(load("[Images]\nSearchRegistries=\n", &c, NULL) == 0, "berth.conf without search registries");
        candidates(&c.images, "app", (const char *[]) { "localhost/app:latest", NULL }, NULL, "no SearchRegistries=");
        berth_config_done(&c);

        {
                _cleanup_strv_free_ char **local = NULL;
                _cleanup_free_ char *pull = NULL, *why = NULL;
                char name[256];
                int k;

                memset(name, 'a', 250);
                name[250] = 0;
                k = reference_candidates(name, NULL, &local, &pull, &why);
                ok(k == -EINVAL && why && strstr(why, "more than 255 characters (as localhost/"),
                   "a short name too long as localhost/NAME: %s", why ?: "accepted");
        }
        {
                _cleanup_strv_free_ char **local = NULL;
                _cleanup_free_ char *pull = NULL, *why = NULL;
                int k = reference_candidates("Nginx", NULL, &local, &pull, &why);

                ok(k == -EINVAL && why &&
                           streq(why, "'Nginx' is not a valid image reference: repository name must be lowercase ('Nginx')"),
                   "candidates of a bad name: %s", why ?: "accepted");
        }
}

int main(void) {
        _cleanup_free_ char *path = NULL;

        if (!mkdtemp(dir))
                return EXIT_FAILURE;
        test_parse();
        test_qualify();
        test_config();
        test_candidates();

        path = strjoin(dir, "/berth.conf");
        (void) unlink(path);
        (void) rmdir(dir);
        return tap_finish();
}
