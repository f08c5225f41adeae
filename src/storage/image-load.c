/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "image-config.h"
#include "image-load.h"
#include "image.h"
#include "layer.h"
#include "macro.h"
#include "mount.h"
#include "name.h"
#include "path-util.h"
#include "store-private.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"

/* Manifests, indexes and configs are small; a bigger one is not one. */
#define JSON_SIZE_MAX (4U * 1024U * 1024U)
#define INDEX_DEPTH_MAX 2
/* The most images one docker save archive may hold (docker save IMAGE…). */
#define DOCKER_IMAGES_MAX 64U

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

typedef struct Loaded {
        int scratch_fd;
        char *config;          /* path of the config JSON inside scratch */
        char *config_digest;   /* what it must hash to; NULL where the archive does not say */
        char *config_text;     /* as read, and checked */
        size_t config_size;
        char **layers;         /* paths inside scratch, bottom first */
        char **layer_digests;  /* for each layer, what its blob must hash to; "" where unsaid */
        char **diff_ids;       /* the config's rootfs.diff_ids: what each layer's tar stream must
                                * hash to; NULL when the config lists none */
        char **tags;           /* RepoTags (or the OCI layout's image name), as written */
        char *manifest_digest; /* the OCI manifest picked, kept as a blob; NULL for docker save's */
        char *manifest_text;
        size_t manifest_size;
        char **references;     /* what it is tagged as once committed */
        StoreStaging **staged; /* each layer's staging directory, NULL where the store has it */
        size_t n_staged;
        char **why;
} Loaded;

static void loaded_done(Loaded *l) {
        free(l->config);
        free(l->config_digest);
        free(l->config_text);
        strv_free(l->layers);
        strv_free(l->layer_digests);
        strv_free(l->diff_ids);
        strv_free(l->tags);
        free(l->manifest_digest);
        free(l->manifest_text);
        strv_free(l->references);
        for (size_t i = 0; l->staged && i < l->n_staged; i++)
                store_staging_abort(l->staged[i]);
        free(l->staged);
}

/* A regular file inside the scratch directory, never outside it, whatever path says. */
static int open_member(int scratch_fd, const char *path, char **ret_why) {
        int fd = open_regular_in_root(scratch_fd, path);

        if (fd < 0)
                return reason(ret_why, -EBADMSG, "the archive has no file '%s' (%s)", path, strerror(-fd));
        return fd;
}

/* A blob whose name or descriptor gives its digest must hash to it: anything else was altered
 * on the way, or is another blob than the one named. */
static int check_digest(const char *path, const char *expected, const void *data, size_t size, char **ret_why) {
        char actual[DIGEST_STRING_MAX];

        if (!expected || digest_matches(expected, data, size, actual))
                return 0;
        return reason(ret_why, -EBADMSG, "blob '%s' does not match its digest %s: its content hashes to %s", path,
                      expected, actual);
}

/* A member of at most JSON_SIZE_MAX bytes, checked against expected (if not NULL). */
static int read_member(int scratch_fd, const char *path, const char *expected, char **ret, size_t *ret_size,
                       char **ret_why) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *text = NULL;
        size_t n;
        int r;

        fd = open_member(scratch_fd, path, ret_why);
        if (fd < 0)
                return fd;
        r = read_full_fd(fd, JSON_SIZE_MAX, &text, &n);
        if (r < 0)
                return reason(ret_why, -EBADMSG, "'%s': %s", path, strerror(-r));
        r = check_digest(path, expected, text, n, ret_why);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(text);
        if (ret_size)
                *ret_size = n;
        return 0;
}

static int read_json(int scratch_fd, const char *path, const char *expected, json_object **ret, char **ret_why) {
        _cleanup_free_ char *text = NULL;
        enum json_tokener_error e;
        json_object *o;
        int r;

        r = read_member(scratch_fd, path, expected, &text, NULL, ret_why);
        if (r < 0)
                return r;
        o = json_tokener_parse_verbose(text, &e);
        if (!o)
                return reason(ret_why, -EBADMSG, "'%s' is not JSON: %s", path, json_tokener_error_desc(e));
        *ret = o;
        return 0;
}

/* Lenient, unlike the image configuration's: what a manifest has of another type is as if absent. */
static const char *get_string(json_object *o, const char *key) {
        json_object *v;

        return image_json_lookup(o, key, json_type_string, &v) > 0 ? json_object_get_string(v) : NULL;
}

static json_object *get_array(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
                return NULL;
        return v;
}

/* "sha256:HEX" as blobs/sha256/HEX: an algorithm and an encoded part that cannot name a path.
 * Only digests berth can check are taken (sha256 and sha512, the ones the image spec registers):
 * a blob that cannot be checked is not trusted. */
static int digest_path(const char *digest, char **ret, char **ret_why) {
        const char *colon = digest ? strchr(digest, ':') : NULL;
        size_t alg;

        if (!colon)
                return reason(ret_why, -EBADMSG, "'%s' is not a digest", digest ?: "(none)");
        alg = (size_t)(colon - digest);
        if (alg == 0 || strspn(digest, "abcdefghijklmnopqrstuvwxyz0123456789+._-") != alg ||
            isempty(colon + 1) ||
            strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-") !=
                    strlen(colon + 1))
                return reason(ret_why, -EBADMSG, "'%s' is not a digest", digest);
        if (digest_algorithm_of(digest) < 0)
                return reason(ret_why, -EBADMSG, "'%s' is a digest of an algorithm berth cannot check", digest);
        if (!digest_is_valid(digest))
                return reason(ret_why, -EBADMSG, "'%s' is not a digest", digest);
        if (asprintf(ret, "blobs/%.*s/%s", (int)alg, digest, colon + 1) < 0)
                return -ENOMEM;
        return 0;
}

/* What a member of a docker-save archive must hash to, by its name: "blobs/ALG/HEX" (docker 25
 * and later write an OCI layout next to manifest.json) or, for a config, "HEX.json" (sha256, as
 * docker names it). NULL when the name says nothing: older archives name layers "ID/layer.tar",
 * where ID is no digest of anything. */
static int digest_from_name(const char *path, bool config, char **ret) {
        const char *p = path, *slash;

        while (startswith(p, "./"))
                p += 2;
        if (startswith(p, "blobs/") && (slash = strchr(p + STRLEN("blobs/"), '/')) && !strchr(slash + 1, '/')) {
                _cleanup_free_ char *d = NULL;

                if (asprintf(&d, "%.*s:%s", (int) (slash - p - STRLEN("blobs/")), p + STRLEN("blobs/"), slash + 1) < 0)
                        return -ENOMEM;
                if (digest_is_valid(d)) {
                        *ret = TAKE_PTR(d);
                        return 0;
                }
        }
        if (config && strlen(p) == 64 + STRLEN(".json") && endswith(p, ".json") && strspn(p, "0123456789abcdef") == 64) {
                if (asprintf(ret, "sha256:%.64s", p) < 0)
                        return -ENOMEM;
                return 0;
        }
        *ret = NULL;
        return 0;
}

/* docker save: one image of manifest.json, m; what names it in messages ("manifest.json", or
 * "manifest.json's image 2" in an archive of several). */
static int parse_docker(Loaded *l, json_object *m, const char *what) {
        json_object *layers, *tags;
        const char *config;

        config = get_string(m, "Config");
        layers = get_array(m, "Layers");
        if (!config || !layers)
                return reason(l->why, -EBADMSG, "%s has no Config or no Layers", what);
        if (json_object_array_length(layers) > STORE_IMAGE_LAYERS_MAX)
                return reason(l->why, -EBADMSG, "%s lists %zu layers, more than the %u berth takes", what,
                              json_object_array_length(layers), STORE_IMAGE_LAYERS_MAX);
        l->config = strdup(config);
        if (!l->config)
                return -ENOMEM;
        if (digest_from_name(config, /* config= */ true, &l->config_digest) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(layers); i++) {
                json_object *p = json_object_array_get_idx(layers, i);
                char *d = NULL;

                if (!json_object_is_type(p, json_type_string))
                        return reason(l->why, -EBADMSG, "%s: layer %zu is not a path", what, i);
                if (strv_extend(&l->layers, json_object_get_string(p)) < 0 ||
                    digest_from_name(json_object_get_string(p), /* config= */ false, &d) < 0 ||
                    strv_consume(&l->layer_digests, d ?: strdup("")) < 0)
                        return -ENOMEM;
        }
        tags = get_array(m, "RepoTags");
        for (size_t i = 0; tags && i < json_object_array_length(tags); i++) {
                json_object *t = json_object_array_get_idx(tags, i);

                if (json_object_is_type(t, json_type_string) && strv_extend(&l->tags, json_object_get_string(t)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* From an index's manifests: linux on this architecture, else the only one. */
static json_object *pick_manifest(json_object *manifests) {
        size_t n = json_object_array_length(manifests);

        for (size_t i = 0; i < n; i++) {
                json_object *m = json_object_array_get_idx(manifests, i), *platform;

                if (json_object_object_get_ex(m, "platform", &platform) &&
                    streq_ptr(get_string(platform, "os"), "linux") &&
                    streq_ptr(get_string(platform, "architecture"), store_architecture()))
                        return m;
        }
        return n == 1 ? json_object_array_get_idx(manifests, 0) : NULL;
}

static bool is_index(const char *media_type) {
        return streq_ptr(media_type, "application/vnd.oci.image.index.v1+json") ||
               streq_ptr(media_type, "application/vnd.docker.distribution.manifest.list.v2+json");
}

/* The OCI image layout: index.json, then blobs. */
static int parse_oci(Loaded *l, json_object *index) {
        _cleanup_json_ json_object *inner = NULL, *manifest = NULL;
        _cleanup_free_ char *path = NULL;
        json_object *desc, *layers, *config, *annotations;
        const char *tag;
        int r;

        for (unsigned depth = 0;; depth++) {
                json_object *manifests = get_array(index, "manifests");

                if (!manifests || json_object_array_length(manifests) == 0)
                        return reason(l->why, -EBADMSG, "index.json names no manifest");
                desc = pick_manifest(manifests);
                if (!desc)
                        return reason(l->why, -EBADMSG, "the index has no manifest for linux/%s",
                                      store_architecture());
                if (depth == 0 && json_object_object_get_ex(desc, "annotations", &annotations)) {
                        /* ref.name is often a bare tag ("latest"), which names no image. */
                        tag = get_string(annotations, "io.containerd.image.name");
                        if (!tag) {
                                tag = get_string(annotations, "org.opencontainers.image.ref.name");
                                if (tag && !strpbrk(tag, ":/"))
                                        tag = NULL;
                        }
                        if (tag && strv_isempty(l->tags) && strv_extend(&l->tags, tag) < 0)
                                return -ENOMEM;
                }
                free(path);
                path = NULL;
                r = digest_path(get_string(desc, "digest"), &path, l->why);
                if (r < 0)
                        return r;
                if (!is_index(get_string(desc, "mediaType")))
                        break;
                if (depth + 1 >= INDEX_DEPTH_MAX)
                        return reason(l->why, -EBADMSG, "indexes nested deeper than %d", INDEX_DEPTH_MAX);
                json_object_put(inner);
                inner = NULL;
                r = read_json(l->scratch_fd, path, get_string(desc, "digest"), &inner, l->why);
                if (r < 0)
                        return r;
                index = inner;
        }

        r = read_member(l->scratch_fd, path, get_string(desc, "digest"), &l->manifest_text, &l->manifest_size,
                        l->why);
        if (r < 0)
                return r;
        manifest = json_tokener_parse(l->manifest_text);
        if (!manifest)
                return reason(l->why, -EBADMSG, "'%s' is not JSON", path);
        l->manifest_digest = strdup(get_string(desc, "digest"));
        if (!l->manifest_digest)
                return -ENOMEM;
        layers = get_array(manifest, "layers");
        if (!json_object_object_get_ex(manifest, "config", &config) || !layers)
                return reason(l->why, -EBADMSG, "manifest %s has no config or no layers", path);
        if (json_object_array_length(layers) > STORE_IMAGE_LAYERS_MAX)
                return reason(l->why, -EBADMSG, "manifest %s lists %zu layers, more than the %u berth takes", path,
                              json_object_array_length(layers), STORE_IMAGE_LAYERS_MAX);
        r = digest_path(get_string(config, "digest"), &l->config, l->why);
        if (r < 0)
                return r;
        l->config_digest = strdup(get_string(config, "digest"));
        if (!l->config_digest)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(layers); i++) {
                const char *digest = get_string(json_object_array_get_idx(layers, i), "digest");
                char *p = NULL;

                r = digest_path(digest, &p, l->why);
                if (r < 0)
                        return r;
                r = strv_consume(&l->layers, p);
                if (r >= 0)
                        r = strv_extend(&l->layer_digests, digest);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The config: read once, checked against its digest, validated as every start will read it
 * (rather than failing each start), and its rootfs.diff_ids kept for the layers. */
static int read_config(Loaded *l) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        json_object *top, *rootfs, *ids;
        size_t n_layers = strv_length(l->layers);
        int r;

        r = read_member(l->scratch_fd, l->config, l->config_digest, &l->config_text, &l->config_size, l->why);
        if (r < 0)
                return r;
        r = image_config_parse(l->config_text, &c);
        if (r == -EBADMSG)
                return reason(l->why, r, "the image's config '%s' is not an image configuration", l->config);
        if (r == -E2BIG)
                return reason(l->why, -EBADMSG,
                              "the image's config '%s' sets more than %u Env entries, more than berth takes",
                              l->config, IMAGE_ENV_MAX);
        if (r < 0)
                return r;

        top = json_tokener_parse(l->config_text);
        if (!top)
                return -EBADMSG; /* parsed just above */
        r = 0;
        /* The store names each layer by the chain of these: an image is its config and they. */
        if (!json_object_object_get_ex(top, "rootfs", &rootfs) || !(ids = get_array(rootfs, "diff_ids")) ||
            json_object_array_length(ids) == 0)
                r = reason(l->why, -EBADMSG, "the image's config '%s' lists no rootfs.diff_ids", l->config);
        else {
                /* A config that lists digests lists one per layer: a list that does not match the
                 * layers is not this image's. */
                if (json_object_array_length(ids) != n_layers)
                        r = reason(l->why, -EBADMSG, "the image's config '%s' lists %zu diff_ids for %zu layers",
                                   l->config, json_object_array_length(ids), n_layers);
                for (size_t i = 0; r >= 0 && i < n_layers; i++) {
                        json_object *d = json_object_array_get_idx(ids, i);

                        if (!json_object_is_type(d, json_type_string) || !digest_is_valid(json_object_get_string(d)))
                                r = reason(l->why, -EBADMSG,
                                           "the image's config '%s': diff_id %zu is not a digest berth can check",
                                           l->config, i);
                        else
                                r = strv_extend(&l->diff_ids, json_object_get_string(d));
                }
        }
        json_object_put(top);
        return r;
}

/* Every layer unpacked into a staging directory of its own and checked against both its blob
 * digest and its diff ID, all before any of them is committed: a load refused for any blob
 * stores nothing. */
static int stage_layers(Store *s, Loaded *l) {
        char chain[DIGEST_STRING_MAX] = "";
        size_t i = 0;
        int r;

        l->staged = calloc(strv_length(l->layers) + 1, sizeof(StoreStaging *));
        if (!l->staged)
                return -ENOMEM;
        l->n_staged = strv_length(l->layers);

        STRV_FOREACH(p, l->layers) {
                _cleanup_close_ int fd = -EBADF, layer_fd = -EBADF;
                _cleanup_free_ char *w = NULL;
                LayerDigests d = {
                        .compressed = isempty(l->layer_digests[i]) ? NULL : l->layer_digests[i],
                        .uncompressed = l->diff_ids[i],
                };

                fd = open_member(l->scratch_fd, *p, l->why);
                if (fd < 0)
                        return fd;
                digest_chain_id(i == 0 ? NULL : chain, l->diff_ids[i], chain);
                /* A layer the store has (the same content over the same base) is only checked:
                 * our shared lock keeps it there until the ref is written. */
                if (store_has_layer(s, chain))
                        r = layer_digests(fd, &d, &w);
                else {
                        r = store_layer_stage(s, &l->staged[i], &layer_fd, l->why);
                        if (r < 0)
                                return r;
                        r = layer_unpack_digests(fd, layer_fd, /* whiteouts= */ true, &d, &w);
                }
                if (r < 0 && w)
                        return reason(l->why, r, "layer %zu (%s): %s", i, *p, w);
                if (r < 0)
                        return reason(l->why, r, "layer %zu (%s): %s", i, *p, strerror(-r));
                if (d.compressed && !streq(d.compressed, d.compressed_actual))
                        return reason(l->why, -EBADMSG,
                                      "layer %zu: blob '%s' does not match its digest %s: its content hashes to %s", i,
                                      *p, d.compressed, d.compressed_actual);
                if (!streq(d.uncompressed, d.uncompressed_actual))
                        return reason(l->why, -EBADMSG,
                                      "layer %zu (%s) does not match diff_id %s of the image's config: its tar stream hashes to %s",
                                      i, *p, d.uncompressed, d.uncompressed_actual);
                i++;
        }
        if (i == 0)
                return reason(l->why, -EBADMSG, "the image has no layers");
        return 0;
}

/* The layers by chain ID, the config and manifest blobs, then the references, last. */
static int commit(Store *s, Loaded *l) {
        char chain[DIGEST_STRING_MAX] = "";
        int r;

        for (size_t i = 0; l->layers[i]; i++) {
                digest_chain_id(i == 0 ? NULL : chain, l->diff_ids[i], chain);
                if (!l->staged[i])
                        continue; /* in the store already */
                r = store_layer_commit(s, TAKE_PTR(l->staged[i]), chain, l->why);
                if (r < 0)
                        return r;
        }
        r = store_blob_put(s, l->config_digest, l->config_text, l->config_size, l->why);
        if (r >= 0 && l->manifest_digest)
                r = store_blob_put(s, l->manifest_digest, l->manifest_text, l->manifest_size, l->why);
        STRV_FOREACH(ref, l->references) {
                if (r < 0)
                        break;
                r = store_tag(s, *ref, l->config_digest, l->manifest_digest, l->why);
        }
        return r;
}

/* The config of l read and checked, its ID known, and the references it gets: name (for an archive
 * of one image), else its tags. what names it in messages. */
static int name_image(Loaded *l, const char *name, const char *what) {
        int r;

        r = read_config(l);
        if (r < 0)
                return r;
        if (!l->config_digest) {
                /* An old docker save names its config by no digest: its ID is what it hashes to. */
                char actual[DIGEST_STRING_MAX];

                (void) digest_matches("sha256:", l->config_text, l->config_size, actual);
                l->config_digest = strdup(actual);
                if (!l->config_digest)
                        return -ENOMEM;
        }
        if (name) {
                char *ref = NULL;

                r = image_local_reference(name, &ref, l->why);
                if (r < 0)
                        return r;
                return strv_consume(&l->references, ref);
        }
        STRV_FOREACH(t, l->tags) {
                char *ref = NULL;

                r = image_tag_reference(*t, &ref, l->why);
                if (r < 0)
                        return reason(l->why, -EINVAL, "the archive's tag '%s' is not a valid reference; give NAME", *t);
                r = strv_consume(&l->references, ref);
                if (r < 0)
                        return r;
        }
        if (strv_isempty(l->references))
                return reason(l->why, -EINVAL, "%s has no tag; give NAME", what);
        return 0;
}

int image_load(Store *s, int archive_fd, const char *name, char ***ret_references, char **ret_id, char **ret_why) {
        _cleanup_strv_free_ char **references = NULL;
        _cleanup_free_ char *scratch = NULL, *scratch_path = NULL;
        _cleanup_json_ json_object *manifest = NULL;
        _cleanup_close_ int scratch_fd = -EBADF;
        Loaded *images = NULL;
        size_t n_images = 0;
        int r;

        if (name) {
                /* Said before anything is unpacked. */
                _cleanup_free_ char *ref = NULL;

                r = image_local_reference(name, &ref, ret_why);
                if (r < 0)
                        return r;
        }
        /* Locked for as long as it lives, so that a load killed here leaves debris the next
         * opening of the store reclaims. */
        r = store_tmp_make(s, "load", /* dir= */ true, &scratch, &scratch_fd);
        if (r < 0)
                return image_store_error(s, r, ret_why);
        scratch_path = path_join(store_root(s), "tmp", scratch);
        if (!scratch_path)
                return -ENOMEM;

        r = layer_unpack(archive_fd, scratch_fd, /* whiteouts= */ false, ret_why);
        if (r < 0)
                goto finish;

        if (faccessat(scratch_fd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0) {
                /* docker save IMAGE…: one image or several, loaded all or none. */
                r = read_json(scratch_fd, "manifest.json", NULL, &manifest, ret_why);
                if (r < 0)
                        goto finish;
                if (!json_object_is_type(manifest, json_type_array) || json_object_array_length(manifest) == 0) {
                        r = reason(ret_why, -EBADMSG, "manifest.json holds no image");
                        goto finish;
                }
                n_images = json_object_array_length(manifest);
                if (n_images > DOCKER_IMAGES_MAX) {
                        r = reason(ret_why, -EBADMSG, "manifest.json holds %zu images, more than the %u berth loads at once",
                                   n_images, DOCKER_IMAGES_MAX);
                        goto finish;
                }
        } else if (faccessat(scratch_fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0) {
                r = read_json(scratch_fd, "index.json", NULL, &manifest, ret_why);
                if (r < 0)
                        goto finish;
                n_images = 1;
        } else {
                r = reason(ret_why, -EBADMSG, "neither manifest.json (docker save) nor index.json (OCI) in the archive");
                goto finish;
        }
        if (name && n_images > 1) {
                r = reason(ret_why, -EINVAL, "the archive holds %zu images, and a NAME names one: load it without", n_images);
                goto finish;
        }
        images = calloc(n_images, sizeof(Loaded));
        if (!images) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n_images; i++)
                images[i] = (Loaded) { .scratch_fd = scratch_fd, .why = ret_why };

        /* Every image parsed, checked and staged before anything is committed. */
        for (size_t i = 0; i < n_images; i++) {
                char what[64];

                if (n_images == 1)
                        snprintf(what, sizeof(what), "the archive");
                else
                        snprintf(what, sizeof(what), "manifest.json's image %zu", i + 1);
                if (json_object_is_type(manifest, json_type_array))
                        r = parse_docker(&images[i], json_object_array_get_idx(manifest, i),
                                         n_images == 1 ? "manifest.json" : what);
                else
                        r = parse_oci(&images[i], manifest);
                if (r >= 0)
                        r = name_image(&images[i], name, what);
                if (r >= 0)
                        r = stage_layers(s, &images[i]);
                if (r < 0 && n_images > 1 && ret_why && *ret_why && !startswith(*ret_why, what)) {
                        /* Which of them, in the one line. */
                        char *w = strjoin(what, ": ", *ret_why);

                        if (w) {
                                free(*ret_why);
                                *ret_why = w;
                        }
                }
                if (r < 0)
                        goto finish;
        }
        for (size_t i = 0; i < n_images; i++) {
                r = commit(s, &images[i]);
                if (r < 0)
                        goto finish;
                STRV_FOREACH(ref, images[i].references)
                        if (!strv_contains(references, *ref) && strv_extend(&references, *ref) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
        }
        if (ret_id) {
                *ret_id = strdup(images[0].config_digest);
                if (!*ret_id) {
                        r = -ENOMEM;
                        goto finish;
                }
        }
        if (ret_references)
                *ret_references = TAKE_PTR(references);
finish:
        for (size_t i = 0; images && i < n_images; i++)
                loaded_done(&images[i]);
        free(images);
        if (scratch_path)
                (void) rm_rf(scratch_path);
        return image_store_error(s, r, ret_why);
}
