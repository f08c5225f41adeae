/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_load() of docker-save and OCI archives written here, into a store: digests that match are
 * accepted, one that does not is refused in one line naming the blob and stores nothing, and two
 * images that share a base share its layer. Needs root (layers keep owners). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "image-load.h"
#include "store.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

typedef struct Member {
        const char *name;
        const void *data;
        size_t size;
} Member;

/* A tar of members in a memfd, gzip'd when gz. */
static int tar_fd(const Member *m, size_t n, bool gz) {
        struct archive *a = archive_write_new();
        int fd = memfd_create("archive", MFD_CLOEXEC);

        archive_write_set_format_pax_restricted(a);
        if (gz)
                archive_write_add_filter_gzip(a);
        archive_write_open_fd(a, fd);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();

                archive_entry_set_pathname(e, m[i].name);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, (la_int64_t)m[i].size);
                archive_write_header(a, e);
                archive_write_data(a, m[i].data, m[i].size);
                archive_entry_free(e);
        }
        archive_write_close(a);
        archive_write_free(a);
        lseek(fd, 0, SEEK_SET);
        return fd;
}

/* The same, as bytes. */
static char *tar_bytes(const Member *m, size_t n, bool gz, size_t *ret_size) {
        _cleanup_close_ int fd = tar_fd(m, n, gz);
        char *text = NULL;

        if (read_full_fd(fd, 64U << 20, &text, ret_size) < 0)
                return NULL;
        return text;
}

static char *sha256(const void *data, size_t size) {
        char *s = malloc(DIGEST_STRING_MAX);
        Digest d;

        digest_init(&d, DIGEST_SHA256);
        digest_update(&d, data, size);
        digest_final(&d, s);
        return s;
}

static char *root;
static Store *store;

static void *mfree(void *p) {
        free(p);
        return NULL;
}

/* Loads the archive; 0 or the error, *ret_why its reason. */
static int load(const Member *m, size_t n, char **ret_name, char **ret_why) {
        _cleanup_close_ int fd = tar_fd(m, n, false);

        _cleanup_strv_free_ char **refs = NULL;
        int r;

        r = image_load(store, fd, NULL, &refs, NULL, ret_why);
        if (r >= 0) {
                *ret_name = strv_join(refs, " ");
                if (!*ret_name)
                        return -ENOMEM;
        }
        return r;
}

/* Entries of root/sub, sorted, joined by " ". */
static char *listing(const char *sub) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *dir = path_join(root, sub);
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        while (d && (de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        (void) strv_extend(&l, de->d_name);
        strv_sort(l);
        return l ? strv_join(l, " ") : strdup("");
}

static size_t words(const char *s) {
        size_t n = 0;

        for (const char *p = s; p && *p; p += strcspn(p, " "), p += strspn(p, " "))
                n++;
        return n;
}

/* The refs are want, and the layers, blobs and tmp/ hold what they held before (a refused load
 * stores nothing). */
static bool store_is(const char *want, const char *layers_before, const char *blobs_before) {
        _cleanup_free_ char *got = listing("refs"), *layers = listing("layers/sha256"), *blobs = listing("blobs/sha256"),
                            *tmp = listing("tmp");

        if (!streq(got, want))
                printf("# the store's refs are '%s', not '%s'\n", got, want);
        if (layers_before && !streq(layers, layers_before))
                printf("# the store's layers are '%s', not '%s'\n", layers, layers_before);
        if (blobs_before && !streq(blobs, blobs_before))
                printf("# the store's blobs are '%s', not '%s'\n", blobs, blobs_before);
        if (!streq(tmp, ""))
                printf("# tmp/ holds '%s'\n", tmp);
        return streq(got, want) && (!layers_before || streq(layers, layers_before)) &&
               (!blobs_before || streq(blobs, blobs_before)) && streq(tmp, "");
}

static const Member layer_files[] = {{"hello", "hello\n", 6}};

static void test_docker(void) {
        _cleanup_free_ char *layer = NULL, *diff_id = NULL, *cfg = NULL, *cfg_name = NULL,
                            *bad_cfg_name = NULL, *name = NULL, *why = NULL, *manifest = NULL,
                            *layers_before = NULL, *blobs_before = NULL;
        size_t layer_size;
        int r;

        layer = tar_bytes(layer_files, ELEMENTSOF(layer_files), false, &layer_size);
        diff_id = sha256(layer, layer_size);

        /* A config that lists no diff_ids: the store names layers by them, so it is refused. */
        {
                const char *c =
                        "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
                const char *mf = "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"nodiff:1\"],\"Layers\":[\"l0/"
                                 "layer.tar\"]}]";
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {"cfg.json", c, strlen(c)},
                              {"l0/layer.tar", layer, layer_size}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG && streq_ptr(why, "the image's config 'cfg.json' lists no rootfs.diff_ids"),
                   "a config without diff_ids is refused in one line (%d: %s)", r, why ?: "");
                why = mfree(why);
        }

        /* Older docker save: layers and config named by no digest; the diff_ids are checked, and
         * the image's ID is what the config hashes to. Its RepoTags are docker's short names. */
        {
                _cleanup_free_ char *c = NULL, *mf = NULL, *id = NULL;

                asprintf(&c, "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                         diff_id);
                mf = strdup("[{\"Config\":\"cfg.json\",\"RepoTags\":[\"plain:1\",\"localhost/plain\"],\"Layers\":[\"l0/"
                            "layer.tar\"]}]");
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {"cfg.json", c, strlen(c)},
                              {"l0/layer.tar", layer, layer_size}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == 0 && streq_ptr(name, "docker.io/library/plain:1 localhost/plain:latest"),
                   "docker save without digests in its names loads, tagged with every RepoTag (%d: %s)", r,
                   why ?: name ?: "");
                name = mfree(name);
                ok_eq_int(store_lookup(store, "docker.io/library/plain:1", &id, NULL), 0);
                ok(streq_ptr(id, sha256(c, strlen(c))), "  … its ID is its config's digest");
        }

        /* docker's own naming: the config as SHA256.json, its diff_ids the layers' sha256. */
        asprintf(&cfg,
                 "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                 diff_id);
        asprintf(&cfg_name, "%s.json", sha256(cfg, strlen(cfg)) + STRLEN("sha256:"));
        asprintf(&manifest, "[{\"Config\":\"%s\",\"RepoTags\":[\"good:1\"],\"Layers\":[\"l0/layer.tar\"]}]",
                 cfg_name);
        {
                Member m[] = {{"manifest.json", manifest, strlen(manifest)},
                              {cfg_name, cfg, strlen(cfg)},
                              {"l0/layer.tar", layer, layer_size}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == 0 && streq_ptr(name, "docker.io/library/good:1"), "docker save whose digests match loads (%d: %s)", r,
                   why ?: "");
                name = mfree(name);
        }

        /* The layer's content is not what the config's diff_id says. */
        {
                static const Member other_files[] = {{"hello", "HELLO\n", 6}};
                _cleanup_free_ char *other = NULL, *mf = NULL;
                size_t other_size;

                other = tar_bytes(other_files, 1, false, &other_size);
                asprintf(&mf,
                         "[{\"Config\":\"%s\",\"RepoTags\":[\"baddiff:1\"],\"Layers\":[\"l0/layer.tar\"]}]",
                         cfg_name);
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {cfg_name, cfg, strlen(cfg)},
                              {"l0/layer.tar", other, other_size}};

                why = mfree(why);
                free(layers_before);
                free(blobs_before);
                layers_before = listing("layers/sha256");
                blobs_before = listing("blobs/sha256");
                r = load(m, ELEMENTSOF(m), &name, &why);
                ok_eq_int(r, -EBADMSG);
                ok(why && startswith(why, "layer 0 (l0/layer.tar) does not match diff_id ") &&
                           strstr(why, diff_id),
                   "  … a layer that does not match its diff_id, in one line naming it (%s)", why ?: "");
        }

        /* A config whose name says another digest than its content has. */
        {
                _cleanup_free_ char *mf = NULL;

                asprintf(&bad_cfg_name, "%s.json", sha256("x", 1) + STRLEN("sha256:"));
                asprintf(&mf,
                         "[{\"Config\":\"%s\",\"RepoTags\":[\"badcfg:1\"],\"Layers\":[\"l0/layer.tar\"]}]",
                         bad_cfg_name);
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {bad_cfg_name, cfg, strlen(cfg)},
                              {"l0/layer.tar", layer, layer_size}};

                why = mfree(why);
                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG && why && startswith(why, "blob '") && strstr(why, bad_cfg_name) &&
                           strstr(why, "does not match its digest"),
                   "a config that is not what its name says is refused, naming it (%s)", why ?: "");
        }

        /* More diff_ids than layers: not this image's config. */
        {
                _cleanup_free_ char *c = NULL, *mf = NULL;

                asprintf(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}", diff_id,
                         diff_id);
                mf = strdup("[{\"Config\":\"c.json\",\"RepoTags\":[\"count:1\"],\"Layers\":[\"l0/"
                            "layer.tar\"]}]");
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {"c.json", c, strlen(c)},
                              {"l0/layer.tar", layer, layer_size}};

                why = mfree(why);
                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG &&
                           streq_ptr(why, "the image's config 'c.json' lists 2 diff_ids for 1 layers"),
                   "diff_ids that do not count the layers are refused (%s)", why ?: "");
        }
        /* More layers than an image may have: refused before any is read. */
        {
                _cleanup_free_ char *mf = NULL;
                size_t size = 128 + (STORE_IMAGE_LAYERS_MAX + 1) * 16, o;

                mf = malloc(size);
                o = (size_t) snprintf(mf, size, "[{\"Config\":\"c.json\",\"RepoTags\":[\"many:1\"],\"Layers\":[");
                for (unsigned i = 0; i <= STORE_IMAGE_LAYERS_MAX; i++)
                        o += (size_t) snprintf(mf + o, size - o, "%s\"l%u.tar\"", i ? "," : "", i);
                snprintf(mf + o, size - o, "]}]");
                Member m[] = {{"manifest.json", mf, strlen(mf)}};

                why = mfree(why);
                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG && streq_ptr(why, "manifest.json lists 129 layers, more than the 128 berth takes"),
                   "an image of more layers than berth takes is refused in one line (%s)", why ?: "");
        }
        ok(store_is("docker.io+library+good:1 docker.io+library+plain:1 localhost+plain:latest", layers_before, blobs_before),
           "nothing of the refused loads is stored, nothing left in tmp/");
}

/* An OCI layout: index.json → manifest → config and a gzip'd layer, each a blob named by its
 * digest. tamper: 1 changes the layer blob, 2 the manifest blob, 3 names a sha384 digest, 4 lists
 * the layer once more than an image may have. */
static int oci(int tamper, char **ret_name, char **ret_why) {
        _cleanup_free_ char *layer = NULL, *gz = NULL, *cfg = NULL, *manifest = NULL, *index = NULL,
                            *l_digest = NULL, *c_digest = NULL, *m_digest = NULL, *l_path = NULL,
                            *c_path = NULL, *m_path = NULL, *diff_id = NULL, *other = NULL;
        size_t layer_size, gz_size, other_size;
        static const Member other_files[] = {{"evil", "x", 1}};

        layer = tar_bytes(layer_files, 1, false, &layer_size);
        gz = tar_bytes(layer_files, 1, true, &gz_size);
        other = tar_bytes(other_files, 1, true, &other_size);
        diff_id = sha256(layer, layer_size);
        l_digest = sha256(gz, gz_size);
        asprintf(&cfg, "{\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", diff_id);
        c_digest = sha256(cfg, strlen(cfg));
        asprintf(&manifest,
                 "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},\"layers\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\"}]}",
                 c_digest, l_digest);
        if (tamper == 4) {
                /* The same layer over and over, once more than an image may have. */
                size_t size = 128 + (STORE_IMAGE_LAYERS_MAX + 1) * 96, o;

                free(manifest);
                manifest = malloc(size);
                o = (size_t) snprintf(manifest, size, "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},\"layers\":[",
                                      c_digest);
                for (unsigned i = 0; i <= STORE_IMAGE_LAYERS_MAX; i++)
                        o += (size_t) snprintf(manifest + o, size - o, "%s{\"digest\":\"%s\"}", i ? "," : "", l_digest);
                snprintf(manifest + o, size - o, "]}");
        }
        m_digest = sha256(manifest, strlen(manifest));
        if (tamper == 3)
                memcpy(m_digest, "sha384", 6);
        asprintf(&index,
                 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
                 "vnd.oci.image.manifest.v1+json\","
                 "\"digest\":\"%s\",\"annotations\":{\"io.containerd.image.name\":\"oci:%d\"}}]}",
                 m_digest, tamper);
        asprintf(&l_path, "blobs/sha256/%s", l_digest + 7);
        asprintf(&c_path, "blobs/sha256/%s", c_digest + 7);
        asprintf(&m_path, "blobs/sha256/%s", m_digest + 7);
        if (tamper == 2)
                manifest[strlen(manifest) - 1] = ' ';
        Member m[] = {{"oci-layout", "{}", 2},
                      {"index.json", index, strlen(index)},
                      {m_path, manifest, strlen(manifest)},
                      {c_path, cfg, strlen(cfg)},
                      {l_path, tamper == 1 ? other : gz, tamper == 1 ? other_size : gz_size}};

        return load(m, ELEMENTSOF(m), ret_name, ret_why);
}

static void test_oci(void) {
        _cleanup_free_ char *name = NULL, *why = NULL, *layers_before = NULL, *blobs_before = NULL, *manifest = NULL;
        int r;

        r = oci(4, &name, &why);
        ok(r == -EBADMSG && why && endswith(why, " lists 129 layers, more than the 128 berth takes"),
           "an OCI manifest of more layers than berth takes is refused in one line (%s)", why ?: "");
        why = mfree(why);

        r = oci(0, &name, &why);
        ok(r == 0 && streq_ptr(name, "docker.io/library/oci:0"), "an OCI layout whose digests match loads (%d: %s)", r,
           why ?: "");
        why = mfree(why);
        layers_before = listing("layers/sha256");
        blobs_before = listing("blobs/sha256");
        r = oci(1, &name, &why);
        ok(r == -EBADMSG && why && startswith(why, "layer 0: blob 'blobs/sha256/") &&
                   strstr(why, "does not match its digest"),
           "a layer blob that is not what its digest says is refused, naming it (%s)", why ?: "");
        why = mfree(why);
        r = oci(2, &name, &why);
        ok(r == -EBADMSG && why && startswith(why, "blob 'blobs/sha256/") &&
                   strstr(why, "does not match its digest"),
           "a manifest that is not what its digest says is refused, naming it (%s)", why ?: "");
        why = mfree(why);
        r = oci(3, &name, &why);
        ok(r == -EBADMSG && why && strstr(why, "an algorithm berth cannot check"),
           "a digest berth cannot check is refused (%s)", why ?: "");
        ok(store_is("docker.io+library+good:1 docker.io+library+oci:0 docker.io+library+plain:1 localhost+plain:latest",
                    layers_before, blobs_before),
           "nothing of the refused loads is stored");
        ok_eq_int(store_lookup(store, "docker.io/library/oci:0", NULL, &manifest), 0);
        ok(manifest && store_has_blob(store, manifest), "an OCI image keeps its manifest as a blob (%s)", manifest ?: "");
}

/* Two images on one base: the base layer is stored once, one directory for both. */
static void test_shared_base(void) {
        static const Member base_files[] = {{"base", "base\n", 5}}, a_files[] = {{"a", "a\n", 2}},
                            b_files[] = {{"b", "b\n", 2}};
        _cleanup_free_ char *base = NULL, *la = NULL, *lb = NULL, *d0 = NULL, *da = NULL, *db = NULL, *name = NULL,
                            *why = NULL, *layers_before = NULL, *layers_after = NULL, *p0 = NULL;
        _cleanup_strv_free_ char **lower_a = NULL, **lower_b = NULL;
        char chain[DIGEST_STRING_MAX];
        size_t n0, na, nb;
        struct stat sa, sb;
        int r;

        base = tar_bytes(base_files, 1, false, &n0);
        la = tar_bytes(a_files, 1, false, &na);
        lb = tar_bytes(b_files, 1, false, &nb);
        d0 = sha256(base, n0);
        da = sha256(la, na);
        db = sha256(lb, nb);
        layers_before = listing("layers/sha256");
        for (int i = 0; i < 2; i++) {
                _cleanup_free_ char *c = NULL, *mf = NULL;

                asprintf(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}", d0, i ? db : da);
                asprintf(&mf, "[{\"Config\":\"c.json\",\"RepoTags\":[\"shared:%c\"],\"Layers\":[\"0.tar\",\"1.tar\"]}]",
                         i ? 'b' : 'a');
                Member m[] = {{"manifest.json", mf, strlen(mf)}, {"c.json", c, strlen(c)}, {"0.tar", base, n0},
                              {"1.tar", i ? lb : la, i ? nb : na}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == 0, "image %d on the shared base loads (%s)", i, why ?: "");
                name = mfree(name);
        }
        ok_eq_int(store_lookup(store, "docker.io/library/shared:a", &name, NULL), 0);
        ok_eq_int(store_image_lowerdirs(store, name, &lower_a), 0);
        name = mfree(name);
        ok_eq_int(store_lookup(store, "docker.io/library/shared:b", &name, NULL), 0);
        ok_eq_int(store_image_lowerdirs(store, name, &lower_b), 0);
        ok(strv_length(lower_a) == 2 && strv_length(lower_b) == 2 && streq(lower_a[1], lower_b[1]) &&
                   !streq(lower_a[0], lower_b[0]),
           "both images' bottom layer is one path");
        ok(stat(lower_a[1], &sa) == 0 && stat(lower_b[1], &sb) == 0 && sa.st_ino == sb.st_ino, "  … one inode");
        digest_chain_id(NULL, d0, chain);
        p0 = store_layer_path(store, chain);
        ok(streq_ptr(p0, lower_a[1]), "  … named by its chain ID");
        layers_after = listing("layers/sha256");
        ok(words(layers_after) == words(layers_before) + 3, "three layers more for two images of two layers (%zu → %zu)",
           words(layers_before), words(layers_after));

        /* A base the store has is still checked: another content under its diff ID is refused. */
        {
                _cleanup_free_ char *c = NULL, *mf = NULL;

                asprintf(&c, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}", d0, db);
                mf = strdup("[{\"Config\":\"c.json\",\"RepoTags\":[\"shared:bad\"],\"Layers\":[\"0.tar\",\"1.tar\"]}]");
                Member m[] = {{"manifest.json", mf, strlen(mf)}, {"c.json", c, strlen(c)}, {"0.tar", la, na},
                              {"1.tar", lb, nb}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG && why && startswith(why, "layer 0 (0.tar) does not match diff_id ") && strstr(why, d0),
                   "a stored base's diff ID still checks the archive's layer (%s)", why ?: "");
        }
}

/* docker save A B: several images in one archive, loaded all or none; they share their base. */
static void test_several(void) {
        static const Member top_files[] = {{"b", "b\n", 2}};
        _cleanup_free_ char *l0 = NULL, *l1 = NULL, *d0 = NULL, *d1 = NULL, *ca = NULL, *cb = NULL, *mf = NULL,
                            *bad_mf = NULL, *name = NULL, *why = NULL, *refs_before = NULL, *layers_before = NULL,
                            *blobs_before = NULL, *ida = NULL, *idb = NULL;
        size_t n0, n1;
        int r;

        l0 = tar_bytes(layer_files, ELEMENTSOF(layer_files), false, &n0);
        l1 = tar_bytes(top_files, ELEMENTSOF(top_files), false, &n1);
        d0 = sha256(l0, n0);
        d1 = sha256(l1, n1);
        asprintf(&ca, "{\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", d0);
        asprintf(&cb, "{\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}", d0, d1);
        mf = strdup("[{\"Config\":\"a.json\",\"RepoTags\":[\"multa:1\"],\"Layers\":[\"l0.tar\"]},"
                    "{\"Config\":\"b.json\",\"RepoTags\":[\"multb:1\",\"multb:latest\"],\"Layers\":[\"l0.tar\",\"l1.tar\"]}]");
        /* The same, but the second image's top layer is not what its config says. */
        bad_mf = strdup("[{\"Config\":\"a.json\",\"RepoTags\":[\"multc:1\"],\"Layers\":[\"l0.tar\"]},"
                        "{\"Config\":\"b.json\",\"RepoTags\":[\"multd:1\"],\"Layers\":[\"l0.tar\",\"l0.tar\"]}]");
        {
                Member m[] = {{"manifest.json", mf, strlen(mf)}, {"a.json", ca, strlen(ca)}, {"b.json", cb, strlen(cb)},
                              {"l0.tar", l0, n0}, {"l1.tar", l1, n1}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == 0 && streq_ptr(name, "docker.io/library/multa:1 docker.io/library/multb:1 docker.io/library/multb:latest"),
                   "an archive of two images loads both, each with its tags (%d: %s)", r, why ?: name ?: "");
                ok(store_lookup(store, "docker.io/library/multa:1", &ida, NULL) == 0 && streq_ptr(ida, sha256(ca, strlen(ca))) &&
                           store_lookup(store, "docker.io/library/multb:latest", &idb, NULL) == 0 &&
                           streq_ptr(idb, sha256(cb, strlen(cb))),
                   "  … each under its own config's ID");
                why = mfree(why);
        }
        refs_before = listing("refs");
        layers_before = listing("layers/sha256");
        blobs_before = listing("blobs/sha256");
        {
                Member m[] = {{"manifest.json", bad_mf, strlen(bad_mf)}, {"a.json", ca, strlen(ca)},
                              {"b.json", cb, strlen(cb)}, {"l0.tar", l0, n0}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == -EBADMSG && why && strstr(why, "does not match diff_id"),
                   "a bad second image fails the load (%s)", why ?: "");
                ok(store_is(refs_before, layers_before, blobs_before), "  … and stores nothing of the first either");
                why = mfree(why);
        }
        {
                Member m[] = {{"manifest.json", mf, strlen(mf)}, {"a.json", ca, strlen(ca)}, {"b.json", cb, strlen(cb)},
                              {"l0.tar", l0, n0}, {"l1.tar", l1, n1}};
                _cleanup_close_ int fd = tar_fd(m, ELEMENTSOF(m), false);

                r = image_load(store, fd, "one", NULL, NULL, &why);
                ok(r == -EINVAL && streq_ptr(why, "the archive holds 2 images, and a NAME names one: load it without"),
                   "a NAME for an archive of two images is refused in one line (%s)", why ?: "");
                why = mfree(why);
        }
}

int main(void) {
        ok(digest_dlopen(NULL) == 0, "nettle opens");
        char tmpl[] = "/var/tmp/berth-test-image-load.XXXXXX";

        if (geteuid() != 0)
                tap_skip_all("needs root (layers keep owners)");
        ok(mkdtemp(tmpl) != NULL, "mkdtemp");
        root = path_join(tmpl, "store");
        ok_eq_int(store_open_at(root, NULL, &store, NULL), 0);

        test_docker();
        test_oci();
        test_shared_base();
        test_several();

        store = store_close(store);
        ok_eq_int(rm_rf(tmpl), 0);
        free(root);
        return tap_finish();
}
