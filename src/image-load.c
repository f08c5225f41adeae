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
#include "fd-util.h"
#include "image-config.h"
#include "image-load.h"
#include "image.h"
#include "layer.h"
#include "macro.h"
#include "mount.h"
#include "name.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

/* Manifests, indexes and configs are small; a bigger one is not one. */
#define JSON_SIZE_MAX (4U * 1024U * 1024U)
#define INDEX_DEPTH_MAX 2

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

typedef struct Loaded {
        int scratch_fd;
        char *config;  /* path of the config JSON inside scratch */
        char **layers; /* paths inside scratch, bottom first */
        char *tag;     /* the first tag, or NULL */
        char **why;
} Loaded;

static void loaded_done(Loaded *l) {
        free(l->config);
        strv_free(l->layers);
        free(l->tag);
}

/* A regular file inside the scratch directory, never outside it, whatever path says. */
static int open_member(int scratch_fd, const char *path, char **ret_why) {
        int fd = open_regular_in_root(scratch_fd, path);

        if (fd < 0)
                return reason(ret_why, -EBADMSG, "the archive has no file '%s' (%s)", path, strerror(-fd));
        return fd;
}

static int read_json(int scratch_fd, const char *path, json_object **ret, char **ret_why) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *text = NULL;
        enum json_tokener_error e;
        json_object *o;
        size_t n;
        int r;

        fd = open_member(scratch_fd, path, ret_why);
        if (fd < 0)
                return fd;
        r = read_full_fd(fd, JSON_SIZE_MAX, &text, &n);
        if (r < 0)
                return reason(ret_why, -EBADMSG, "'%s': %s", path, strerror(-r));
        o = json_tokener_parse_verbose(text, &e);
        if (!o)
                return reason(ret_why, -EBADMSG, "'%s' is not JSON: %s", path, json_tokener_error_desc(e));
        *ret = o;
        return 0;
}

static const char *get_string(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static json_object *get_array(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
                return NULL;
        return v;
}

/* "sha256:HEX" as blobs/sha256/HEX: an algorithm and an encoded part that cannot name a path. */
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
        if (asprintf(ret, "blobs/%.*s/%s", (int)alg, digest, colon + 1) < 0)
                return -ENOMEM;
        return 0;
}

/* docker save: manifest.json. */
static int parse_docker(Loaded *l, json_object *manifest) {
        json_object *m, *layers, *tags;
        const char *config;

        if (!json_object_is_type(manifest, json_type_array) || json_object_array_length(manifest) == 0)
                return reason(l->why, -EBADMSG, "manifest.json holds no image");
        if (json_object_array_length(manifest) > 1)
                return reason(l->why, -EBADMSG, "manifest.json holds %zu images; berth loads one at a time",
                              json_object_array_length(manifest));
        m = json_object_array_get_idx(manifest, 0);
        config = get_string(m, "Config");
        layers = get_array(m, "Layers");
        if (!config || !layers)
                return reason(l->why, -EBADMSG, "manifest.json has no Config or no Layers");
        l->config = strdup(config);
        if (!l->config)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(layers); i++) {
                json_object *p = json_object_array_get_idx(layers, i);

                if (!json_object_is_type(p, json_type_string))
                        return reason(l->why, -EBADMSG, "manifest.json: layer %zu is not a path", i);
                if (strv_extend(&l->layers, json_object_get_string(p)) < 0)
                        return -ENOMEM;
        }
        tags = get_array(m, "RepoTags");
        if (tags && json_object_array_length(tags) > 0 &&
            json_object_is_type(json_object_array_get_idx(tags, 0), json_type_string)) {
                l->tag = strdup(json_object_get_string(json_object_array_get_idx(tags, 0)));
                if (!l->tag)
                        return -ENOMEM;
        }
        return 0;
}

static const char *native_architecture(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#elif defined(__i386__)
        return "386";
#elif defined(__arm__)
        return "arm";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
        return "riscv64";
#else
        return "";
#endif
}

/* From an index's manifests: linux on this architecture, else the only one. */
static json_object *pick_manifest(json_object *manifests) {
        size_t n = json_object_array_length(manifests);

        for (size_t i = 0; i < n; i++) {
                json_object *m = json_object_array_get_idx(manifests, i), *platform;

                if (json_object_object_get_ex(m, "platform", &platform) &&
                    streq_ptr(get_string(platform, "os"), "linux") &&
                    streq_ptr(get_string(platform, "architecture"), native_architecture()))
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
                                      native_architecture());
                if (depth == 0 && json_object_object_get_ex(desc, "annotations", &annotations)) {
                        /* ref.name is often a bare tag ("latest"), which names no image. */
                        tag = get_string(annotations, "io.containerd.image.name");
                        if (!tag) {
                                tag = get_string(annotations, "org.opencontainers.image.ref.name");
                                if (tag && !strpbrk(tag, ":/"))
                                        tag = NULL;
                        }
                        if (tag && !l->tag && !(l->tag = strdup(tag)))
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
                r = read_json(l->scratch_fd, path, &inner, l->why);
                if (r < 0)
                        return r;
                index = inner;
        }

        r = read_json(l->scratch_fd, path, &manifest, l->why);
        if (r < 0)
                return r;
        layers = get_array(manifest, "layers");
        if (!json_object_object_get_ex(manifest, "config", &config) || !layers)
                return reason(l->why, -EBADMSG, "manifest %s has no config or no layers", path);
        r = digest_path(get_string(config, "digest"), &l->config, l->why);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(layers); i++) {
                char *p = NULL;

                r = digest_path(get_string(json_object_array_get_idx(layers, i), "digest"), &p, l->why);
                if (r < 0)
                        return r;
                r = strv_consume(&l->layers, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

char *image_name_from_tag(const char *tag) {
        _cleanup_free_ char *repo = NULL;
        const char *base, *colon;
        char *name;

        if (isempty(tag))
                return NULL;
        /* "registry:5000/path/repo:tag@sha256:…": the digest goes, the last path component stays. */
        repo = strndup(tag, strcspn(tag, "@"));
        if (!repo)
                return NULL;
        base = strrchr(repo, '/');
        base = base ? base + 1 : repo;
        colon = strchr(base, ':');
        if (!colon || streq(colon + 1, "latest"))
                name = strndup(base, colon ? (size_t)(colon - base) : strlen(base));
        else if (asprintf(&name, "%.*s-%s", (int)(colon - base), base, colon + 1) < 0)
                name = NULL;
        if (name && !name_is_valid(name)) {
                free(name);
                return NULL;
        }
        return name;
}

static int build_layers(int staging_fd, void *userdata) {
        Loaded *l = userdata;
        _cleanup_close_ int config_fd = -EBADF, out = -EBADF;
        _cleanup_free_ char *config = NULL;
        size_t n;
        unsigned i = 0;
        int r;

        STRV_FOREACH(p, l->layers) {
                _cleanup_close_ int fd = -EBADF, layer_fd = -EBADF;
                _cleanup_free_ char *w = NULL;

                fd = open_member(l->scratch_fd, *p, l->why);
                if (fd < 0)
                        return fd;
                r = image_layer_new(staging_fd, i, &layer_fd);
                if (r < 0)
                        return r;
                r = layer_unpack(fd, layer_fd, /* whiteouts= */ true, &w);
                if (r < 0 && w)
                        return reason(l->why, r, "layer %u (%s): %s", i, *p, w);
                if (r < 0)
                        return reason(l->why, r, "layer %u (%s): %s", i, *p, strerror(-r));
                i++;
        }
        if (i == 0)
                return reason(l->why, -EBADMSG, "the image has no layers");

        /* Kept as it came: the image's own configuration (Env, Entrypoint, Cmd, …). */
        config_fd = open_member(l->scratch_fd, l->config, l->why);
        if (config_fd < 0)
                return config_fd;
        r = read_full_fd(config_fd, JSON_SIZE_MAX, &config, &n);
        if (r < 0)
                return reason(l->why, -EBADMSG, "'%s': %s", l->config, strerror(-r));
        {
                /* Checked now, as every start will read it, rather than failing each start. */
                _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;

                r = image_config_parse(config, &c);
                if (r == -EBADMSG)
                        return reason(l->why, r, "the image's config '%s' is not an image configuration",
                                      l->config);
                if (r == -E2BIG)
                        return reason(l->why, -EBADMSG,
                                      "the image's config '%s' sets more than %u Env entries, more than berth takes",
                                      l->config, IMAGE_ENV_MAX);
                if (r < 0)
                        return r;
        }
        out = openat(staging_fd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (out < 0)
                return -errno;
        r = loop_write(out, config, n);
        if (r < 0)
                return reason(l->why, r, "writing the image's config: %s", strerror(-r));
        if (fsync(out) < 0 || close(TAKE_FD(out)) < 0)
                return reason(l->why, -errno, "writing the image's config: %s", strerror(errno));
        return 0;
}

int image_load(const char *images_dir, int archive_fd, const char *name, char **ret_name, char **ret_why) {
        _cleanup_(loaded_done) Loaded l = {.scratch_fd = -EBADF, .why = ret_why};
        _cleanup_free_ char *scratch = NULL, *derived = NULL;
        _cleanup_json_ json_object *manifest = NULL;
        _cleanup_close_ int scratch_fd = -EBADF;
        int r;

        if (name && !name_is_valid(name))
                return reason(ret_why, -EINVAL, "invalid image name '%s': names must match " NAME_RULE,
                              name);
        /* A name given that is taken: said before the archive is unpacked (image_build() checks
         * again, for a name from the archive and against a race). */
        if (name) {
                _cleanup_free_ char *p = path_join(images_dir, name);

                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0)
                        return reason(ret_why, -EEXIST, "image %s already exists", name);
        }
        (void) image_reclaim(images_dir, NULL, NULL);
        /* Locked for as long as it lives, so that a load killed here leaves debris the next
         * operation on the store knows to reclaim (image.h). */
        r = image_store_mkdtemp(images_dir, ".load-", &scratch, &scratch_fd);
        if (r < 0)
                return image_store_error(images_dir, r, ret_why);
        l.scratch_fd = scratch_fd;

        r = layer_unpack(archive_fd, scratch_fd, /* whiteouts= */ false, ret_why);
        if (r < 0)
                goto finish;

        if (faccessat(scratch_fd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0) {
                r = read_json(scratch_fd, "manifest.json", &manifest, ret_why);
                if (r >= 0)
                        r = parse_docker(&l, manifest);
        } else if (faccessat(scratch_fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) >= 0) {
                r = read_json(scratch_fd, "index.json", &manifest, ret_why);
                if (r >= 0)
                        r = parse_oci(&l, manifest);
        } else
                r = reason(ret_why, -EBADMSG,
                           "neither manifest.json (docker save) nor index.json (OCI) in the archive");
        if (r < 0)
                goto finish;

        if (!name) {
                derived = image_name_from_tag(l.tag);
                if (!derived) {
                        r = l.tag ? reason(ret_why, -EINVAL,
                                           "the archive's tag '%s' gives no valid image name; give NAME",
                                           l.tag)
                                  : reason(ret_why, -EINVAL, "the archive has no tag; give NAME");
                        goto finish;
                }
                name = derived;
        }

        r = image_build(images_dir, name, build_layers, &l, ret_why);
        if (r == -EEXIST)
                r = reason(ret_why, r, "image %s already exists", name);
        if (r >= 0) {
                *ret_name = strdup(name);
                if (!*ret_name)
                        r = -ENOMEM;
        }
finish:
        (void)rm_rf(scratch);
        return image_store_error(images_dir, r, ret_why);
}
