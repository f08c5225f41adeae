/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "path-util.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

/* The diff IDs of the OCI image spec's config example (config.md). */
#define DIFF_A "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1"
#define DIFF_B "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"

static void test_chain_id(void) {
        char chain[DIGEST_STRING_MAX], chain2[DIGEST_STRING_MAX];

        digest_chain_id(NULL, DIFF_A, chain);
        ok_streq(chain, DIFF_A); /* ChainID(L0) = DiffID(L0) */
        /* ChainID(A|B) = sha256(ChainID(A) + " " + DiffID(B)), computed by Python's hashlib. */
        digest_chain_id(chain, DIFF_B, chain2);
        ok_streq(chain2, "sha256:c3191d32a37d7159b2e30830937d2e30268ad6c375a773a8994911a3aba9b93f");
        digest_chain_id(chain2, DIFF_A, chain);
        ok_streq(chain, "sha256:ce60e381e7c2941cc3c11bc7a60b267bb56a3be80df231da8c523c53af72518b");
}

static void test_escape(void) {
        _cleanup_free_ char *e = store_ref_escape("docker.io/library/nginx:1.25"), *u = NULL,
                            *d = store_ref_escape("reg:5000/a/b@sha256:0123");

        ok_streq(e, "docker.io+library+nginx:1.25");
        u = store_ref_unescape(e);
        ok_streq(u, "docker.io/library/nginx:1.25");
        ok_streq(d, "reg:5000+a+b@sha256:0123");
        ok(!store_ref_escape("a+b"), "a '+' cannot be told from a '/': refused");
        ok(!store_ref_escape(""), "empty refused");
        ok(!store_ref_escape("../x"), "a leading dot refused");
        ok(!store_ref_escape("a\nb"), "control characters refused");
        ok(!store_ref_unescape("a/b"), "a file name with '/' is no ref");
        ok(!store_ref_unescape(".tmp"), "a dot file is no ref");
}

/* A config of the given diff IDs, put as a blob; its digest in ret. */
static int put_config(Store *s, char *const *diff_ids, char ret[static DIGEST_STRING_MAX]) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = store_config_make(diff_ids, NULL, NULL, &text, ret);
        if (r < 0)
                return r;
        return store_blob_put(s, ret, text, strlen(text), NULL);
}

static int make_layer(Store *s, const char *chain, const char *file) {
        StoreStaging *st = NULL;
        _cleanup_close_ int fd = -EBADF, f = -EBADF;
        int r;

        r = store_layer_stage(s, &st, &fd, NULL);
        if (r < 0)
                return r;
        f = openat(fd, file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (f < 0) {
                store_staging_abort(st);
                return -errno;
        }
        return store_layer_commit(s, st, chain, NULL);
}

static bool never(const char *container, void *userdata) {
        return false;
}

static bool only_web(const char *container, void *userdata) {
        return streq(container, "web");
}

static void test_store(const char *root) {
        _cleanup_free_ char *why = NULL, *cfg = NULL, *man = NULL, *data = NULL;
        _cleanup_strv_free_ char **blobs = NULL, **layers = NULL, **ids = NULL, **lower = NULL;
        _cleanup_(store_sweep_result_done) StoreSweepResult res = {};
        char chain_b[DIGEST_STRING_MAX], base[DIGEST_STRING_MAX], app[DIGEST_STRING_MAX], orphan[DIGEST_STRING_MAX];
        StoreRef *refs = NULL;
        Store *s = NULL;
        size_t n = 0, size = 0;
        struct stat st1, st2;
        int pipefd[2], status;
        pid_t pid;
        char c;

        ok_eq_int(store_open_at(root, NULL, &s, &why), 0);

        /* blobs: checked before they are written */
        ok_eq_int(store_blob_put(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abd", 3,
                                 &why),
                  -EBADMSG);
        ok(why && startswith(why, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad: content does not match (it is sha256:"),
           "a mismatch says which blob, and what it hashes to (%s)", why ?: "");
        ok(!store_has_blob(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
           "  … and stores nothing");
        ok_eq_int(store_blob_put(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc", 3,
                                 NULL),
                  0);
        ok_eq_int(store_blob_get(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", &data,
                                 &size),
                  0);
        ok(size == 3 && streq(data, "abc"), "a blob reads back");
        ok_eq_int(store_blob_get(s, "sha256:../../etc/passwd", &data, &size), -EINVAL);

        /* layers and tags: a ref only to what is all there */
        digest_chain_id(DIFF_A, DIFF_B, chain_b);
        ok_eq_int(put_config(s, (char *[]) { (char *) DIFF_A, NULL }, base), 0);
        ok_eq_int(put_config(s, (char *[]) { (char *) DIFF_A, (char *) DIFF_B, NULL }, app), 0);
        ok_eq_int(store_tag(s, "localhost/base:latest", base, NULL, NULL), -ENOENT);
        ok_eq_int(make_layer(s, DIFF_A, "a"), 0);
        ok_eq_int(store_tag(s, "localhost/base:latest", base, NULL, NULL), 0);
        ok_eq_int(store_tag(s, "localhost/app:1", app, NULL, NULL), -ENOENT);
        ok_eq_int(make_layer(s, chain_b, "b"), 0);
        ok_eq_int(store_tag(s, "localhost/app:1", app, NULL, NULL), 0);
        ok(store_has_layer(s, DIFF_A) && store_has_layer(s, chain_b), "both layers there, by chain ID");
        /* A second commit of a layer there already: dropped, and the first stays. */
        {
                _cleanup_free_ char *p = store_layer_path(s, DIFF_A), *f = NULL;

                ok(stat(p, &st1) == 0, "stat layer");
                ok_eq_int(make_layer(s, DIFF_A, "second"), 0);
                f = path_join(p, "second");
                ok(stat(p, &st2) == 0 && st1.st_ino == st2.st_ino && access(f, F_OK) < 0,
                   "a layer committed twice stays the first");
        }
        ok_eq_int(store_image_lowerdirs(s, app, &lower), 0);
        ok(strv_length(lower) == 2 && endswith(lower[0], chain_b + STRLEN("sha256:")) &&
                   endswith(lower[1], DIFF_A + STRLEN("sha256:")),
           "lowerdirs top first");

        ok_eq_int(store_lookup(s, "localhost/app:1", &cfg, &man), 0);
        ok(streq_ptr(cfg, app) && !man, "lookup: config, no manifest");
        ok_eq_int(store_lookup(s, "localhost/app:2", &cfg, &man), -ENOENT);
        ok_eq_int(store_tag(s, "localhost/app:2", app, NULL, NULL), 0);
        ok_eq_int(store_refs(s, &refs, &n), 0);
        ok(n == 3 && streq(refs[0].reference, "localhost/app:1") && streq(refs[1].reference, "localhost/app:2") &&
                   streq(refs[2].reference, "localhost/base:latest"),
           "refs sorted");
        store_refs_free(refs, n);
        ok_eq_int(store_image_ids(s, &ids), 0);
        ok(strv_length(ids) == 2, "two images");

        /* marking: what refs reach */
        ok_eq_int(store_mark(s, (char *[]) { app, NULL }, NULL, &blobs, &layers), 0);
        ok(strv_length(blobs) == 1 && strv_length(layers) == 2 && strv_contains(layers, DIFF_A) &&
                   strv_contains(layers, chain_b),
           "an image reaches its config and its layers' chain IDs");
        blobs = strv_free(blobs);
        layers = strv_free(layers);
        {
                _cleanup_free_ char *manifest = NULL;
                char md[DIGEST_STRING_MAX];
                Digest dg;

                /* A manifest reaches its config, and through it the layers. */
                manifest = strjoin("{\"schemaVersion\":2,\"config\":{\"digest\":\"", base, "\"},\"layers\":[]}");
                digest_init(&dg, DIGEST_SHA256);
                digest_update(&dg, manifest, strlen(manifest));
                digest_final(&dg, md);
                ok_eq_int(store_blob_put(s, md, manifest, strlen(manifest), NULL), 0);
                ok_eq_int(store_mark(s, NULL, (char *[]) { md, NULL }, &blobs, &layers), 0);
                ok(strv_length(blobs) == 2 && strv_contains(blobs, md) && strv_contains(blobs, base) &&
                           strv_length(layers) == 1 && strv_contains(layers, DIFF_A),
                   "a manifest reaches itself, its config and the config's layers");
                blobs = strv_free(blobs);
                layers = strv_free(layers);
        }

        /* the sweep: untag app; pinned by web (which exists) it stays, then web goes */
        ok_eq_int(store_untag(s, "localhost/app:1"), 0);
        ok_eq_int(store_untag(s, "localhost/app:2"), 0);
        ok_eq_int(store_untag(s, "localhost/app:2"), -ENOENT);
        ok_eq_int(store_pin(s, "web", app), 0);
        ok_eq_int(store_pin(s, "../x", app), -EINVAL);
        /* A pin besides a container's own (image-mount.h): CONTAINER+KIND, and nothing else with '+'. */
        ok_eq_int(store_pin(s, "web+image-0", app), 0);
        ok_eq_int(store_unpin(s, "web+image-0"), 0);
        ok_eq_int(store_pin(s, "web+image/0", app), -EINVAL);
        ok_eq_int(store_pin(s, "web+a+b", app), -EINVAL);
        ok_eq_int(store_pin(s, "+image-0", app), -EINVAL);
        ok_eq_int(store_pin(s, "web+", app), -EINVAL);
        ok_eq_int(put_config(s, (char *[]) { (char *) DIFF_B, NULL }, orphan), 0);
        ok_eq_int(make_layer(s, DIFF_B, "orphan"), 0);
        ok_eq_int(store_sweep(s, only_web, NULL, &res), 0);
        ok(!res.skipped && store_has_layer(s, chain_b) && store_has_blob(s, app),
           "a pin of an existing container keeps its image");
        ok(!store_has_layer(s, DIFF_B) && !store_has_blob(s, orphan) &&
                   !store_has_blob(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
           "  … and what nothing reaches goes (removed: %zu)", strv_length(res.removed));
        ok(store_has_layer(s, DIFF_A) && store_has_blob(s, base), "  … never what a ref reaches");
        store_sweep_result_done(&res);

        /* someone else holds the store: the sweep is skipped, not waited for */
        ok(pipe2(pipefd, O_CLOEXEC) == 0, "pipe");
        pid = fork();
        if (pid == 0) {
                Store *other_s = NULL;

                close(pipefd[0]);
                if (store_open_at(root, NULL, &other_s, NULL) < 0)
                        _exit(1);
                (void) write(pipefd[1], "x", 1);
                pause();
                _exit(0);
        }
        close(pipefd[1]);
        ok(read(pipefd[0], &c, 1) == 1, "another process opened the store");
        ok_eq_int(store_sweep(s, never, NULL, &res), 0);
        ok(res.skipped && store_has_blob(s, app), "  … so the sweep is skipped and removes nothing");
        store_sweep_result_done(&res);
        kill(pid, SIGKILL);
        ok(waitpid(pid, &status, 0) == pid, "it is gone");
        close(pipefd[0]);
        ok_eq_int(store_sweep(s, never, NULL, &res), 0);
        ok(!res.skipped && !store_has_blob(s, app) && !store_has_layer(s, chain_b) && store_has_layer(s, DIFF_A),
           "then the pin of a container that is gone no longer keeps its image");
        ok(strv_contains(res.removed, "pins/web"), "  … and the pin goes");
        store_sweep_result_done(&res);

        /* tmp/: the debris of a dead process goes at the next open, a live one's stays */
        {
                StoreStaging *st = NULL;
                _cleanup_close_ int fd = -EBADF;
                _cleanup_free_ char *tmpdir = path_join(root, "tmp"), *left = NULL;
                Store *s2 = NULL;

                ok_eq_int(store_layer_stage(s, &st, &fd, NULL), 0);
                pid = fork();
                if (pid == 0) {
                        Store *s3 = NULL;
                        StoreStaging *st3 = NULL;
                        int fd3;

                        if (store_open_at(root, NULL, &s3, NULL) < 0 || store_layer_stage(s3, &st3, &fd3, NULL) < 0)
                                _exit(1);
                        _exit(0); /* killed midway, as it were: its staging directory stays behind */
                }
                ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "a child staged a layer and died");
                ok_eq_int(store_open_at(root, NULL, &s2, NULL), 0);
                store_close(s2);
                {
                        _cleanup_strv_free_ char **entries = NULL;
                        _cleanup_closedir_ DIR *d = opendir(tmpdir);
                        struct dirent *de;

                        while (d && (de = readdir(d)))
                                if (de->d_name[0] != '.')
                                        (void) strv_extend(&entries, de->d_name);
                        ok(strv_length(entries) == 1, "the dead one's staging is reclaimed, ours stays (%zu left)",
                           strv_length(entries));
                }
                store_staging_abort(st);
        }
        store_close(s);
}

int main(void) {
        char tmpl[] = "/var/tmp/berth-test-store.XXXXXX";

        ok(digest_dlopen(NULL) == 0, "nettle opens");
        test_chain_id();
        test_escape();
        ok(mkdtemp(tmpl) != NULL, "mkdtemp");
        {
                _cleanup_free_ char *root = path_join(tmpl, "store");

                test_store(root);
        }
        ok_eq_int(rm_rf(tmpl), 0);
        return tap_finish();
}
