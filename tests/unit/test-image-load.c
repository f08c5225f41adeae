/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_load() of docker-save and OCI archives written here: digests that match are accepted, one
 * that does not is refused in one line naming the blob, and an archive that gives none loads as
 * before. Needs root (layers keep owners). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "image-load.h"
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

static char *images;

static void *mfree(void *p) {
        free(p);
        return NULL;
}

/* Loads the archive; 0 or the error, *ret_why its reason. */
static int load(const Member *m, size_t n, char **ret_name, char **ret_why) {
        _cleanup_close_ int fd = tar_fd(m, n, false);

        return image_load(images, fd, NULL, ret_name, ret_why);
}

static bool store_is(const char *want) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_closedir_ DIR *d = opendir(images);
        _cleanup_free_ char *got = NULL;
        struct dirent *de;

        while (d && (de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        (void)strv_extend(&l, de->d_name);
        strv_sort(l);
        got = l ? strv_join(l, " ") : strdup("");
        if (!streq(got, want))
                printf("# the store holds '%s', not '%s'\n", got, want);
        return streq(got, want);
}

static const Member layer_files[] = {{"hello", "hello\n", 6}};

static void test_docker(void) {
        _cleanup_free_ char *layer = NULL, *diff_id = NULL, *cfg = NULL, *cfg_name = NULL,
                            *bad_cfg_name = NULL, *name = NULL, *why = NULL, *manifest = NULL;
        size_t layer_size;
        int r;

        layer = tar_bytes(layer_files, ELEMENTSOF(layer_files), false, &layer_size);
        diff_id = sha256(layer, layer_size);

        /* No digests at all, as older tools write: loaded as before. */
        {
                const char *c =
                        "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
                const char *mf = "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"plain:1\"],\"Layers\":[\"l0/"
                                 "layer.tar\"]}]";
                Member m[] = {{"manifest.json", mf, strlen(mf)},
                              {"cfg.json", c, strlen(c)},
                              {"l0/layer.tar", layer, layer_size}};

                r = load(m, ELEMENTSOF(m), &name, &why);
                ok(r == 0 && streq_ptr(name, "plain-1"), "docker save without digests loads (%d: %s)", r,
                   why ?: "");
                name = mfree(name);
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
                ok(r == 0 && streq_ptr(name, "good-1"), "docker save whose digests match loads (%d: %s)", r,
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
        ok(store_is(".lock good-1 plain-1"), "nothing of the refused loads is left");
}

/* An OCI layout: index.json → manifest → config and a gzip'd layer, each a blob named by its
 * digest. tamper: 1 changes the layer blob, 2 the manifest blob, 3 names a sha384 digest. */
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
        _cleanup_free_ char *name = NULL, *why = NULL;
        int r;

        r = oci(0, &name, &why);
        ok(r == 0 && streq_ptr(name, "oci-0"), "an OCI layout whose digests match loads (%d: %s)", r,
           why ?: "");
        why = mfree(why);
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
        ok(store_is(".lock good-1 oci-0 plain-1"), "nothing of the refused loads is left");
}

int main(void) {
        ok(digest_dlopen(NULL) == 0, "nettle opens");
        char tmpl[] = "/var/tmp/berth-test-image-load.XXXXXX";

        if (geteuid() != 0)
                tap_skip_all("needs root (layers keep owners)");
        ok(mkdtemp(tmpl) != NULL, "mkdtemp");
        images = path_join(tmpl, "images");

        ok_streq(image_name_from_tag("registry:5000/team/app:1.2@sha256:abc"), "app-1.2");
        test_docker();
        test_oci();

        ok_eq_int(rm_rf(tmpl), 0);
        free(images);
        return tap_finish();
}
