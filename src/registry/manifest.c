/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "digest.h"
#include "manifest.h"
#include "string-util.h"

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

void platform_done(Platform *p) {
        free(p->os);
        free(p->architecture);
        free(p->variant);
        *p = (Platform) {};
}

static void descriptor_done(Descriptor *d) {
        free(d->media_type);
        free(d->digest);
        platform_done(&d->platform);
        *d = (Descriptor) {};
}

void manifest_done(Manifest *m) {
        free(m->media_type);
        descriptor_done(&m->config);
        for (size_t i = 0; i < m->n_items; i++)
                descriptor_done(&m->items[i]);
        free(m->items);
        *m = (Manifest) {};
}

static const char *get_string(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static int dup_or_null(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

/* The layer media types berth unpacks: tar, plain or compressed as libarchive reads it. The
 * "nondistributable" ones (Windows' foreign layers) name URLs elsewhere, which berth does not
 * fetch. */
static int layer_compression(const char *media_type, LayerCompression *ret) {
        static const struct {
                const char *type;
                LayerCompression c;
        } types[] = {
                { "application/vnd.oci.image.layer.v1.tar", LAYER_PLAIN },
                { "application/vnd.oci.image.layer.v1.tar+gzip", LAYER_GZIP },
                { "application/vnd.oci.image.layer.v1.tar+zstd", LAYER_ZSTD },
                { "application/vnd.docker.image.rootfs.diff.tar.gzip", LAYER_GZIP },
                { "application/vnd.docker.image.rootfs.diff.tar", LAYER_PLAIN },
                { "application/vnd.docker.image.rootfs.diff.tar.zstd", LAYER_ZSTD },
        };

        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (streq(media_type, types[i].type)) {
                        *ret = types[i].c;
                        return 0;
                }
        return -EBADMSG;
}

static int parse_descriptor(json_object *o, const char *what, Descriptor *ret, char **ret_why) {
        Descriptor d = {};
        const char *type, *digest;
        json_object *v, *p;
        int64_t size;
        int r;

        if (!json_object_is_type(o, json_type_object))
                return reason(ret_why, -EBADMSG, "the manifest's %s is not an object", what);
        type = get_string(o, "mediaType");
        digest = get_string(o, "digest");
        if (!digest || !digest_is_valid(digest))
                return reason(ret_why, -EBADMSG, "the manifest's %s has no valid digest (%s)", what,
                              digest ? SHOWN(digest) : "none");
        if (!json_object_object_get_ex(o, "size", &v) || !json_object_is_type(v, json_type_int) ||
            (size = json_object_get_int64(v)) < 0)
                return reason(ret_why, -EBADMSG, "the manifest's %s %s has no valid size", what, digest);
        d.size = (uint64_t) size;
        r = dup_or_null(type, &d.media_type);
        if (r >= 0)
                r = dup_or_null(digest, &d.digest);
        if (r >= 0 && json_object_object_get_ex(o, "platform", &p) &&
            json_object_is_type(p, json_type_object)) {
                r = dup_or_null(get_string(p, "os"), &d.platform.os);
                if (r >= 0)
                        r = dup_or_null(get_string(p, "architecture"), &d.platform.architecture);
                if (r >= 0)
                        r = dup_or_null(get_string(p, "variant"), &d.platform.variant);
        }
        if (r < 0) {
                descriptor_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

static bool is_index_type(const char *t) {
        return streq_ptr(t, MEDIA_TYPE_OCI_INDEX) || streq_ptr(t, MEDIA_TYPE_DOCKER_LIST);
}

static bool is_manifest_type(const char *t) {
        return streq_ptr(t, MEDIA_TYPE_OCI_MANIFEST) || streq_ptr(t, MEDIA_TYPE_DOCKER_MANIFEST);
}

int manifest_parse(const char *text, size_t size, const char *content_type, Manifest *ret, char **ret_why) {
        _cleanup_json_ json_object *o = NULL;
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_free_ char *ct = NULL;
        enum json_tokener_error e;
        json_object *v, *items;
        const char *type;
        size_t n;
        int r;

        if (size > MANIFEST_SIZE_MAX)
                return reason(ret_why, -EBADMSG, "the manifest is over %u bytes", MANIFEST_SIZE_MAX);
        if (strlen(text) != size)
                return reason(ret_why, -EBADMSG, "the manifest holds a NUL byte");
        o = json_tokener_parse_verbose(text, &e);
        if (!o)
                return reason(ret_why, -EBADMSG, "the manifest is not JSON: %s", json_tokener_error_desc(e));
        if (!json_object_is_type(o, json_type_object))
                return reason(ret_why, -EBADMSG, "the manifest is not a JSON object");

        /* The header without its parameters ("; charset=utf-8"). */
        if (content_type) {
                ct = strndup(content_type, strcspn(content_type, ";"));
                if (!ct)
                        return -ENOMEM;
                strstrip(ct);
        }
        if (json_object_object_get_ex(o, "schemaVersion", &v) && json_object_is_type(v, json_type_int) &&
            json_object_get_int(v) == 1)
                return reason(ret_why, -EBADMSG,
                              "the image has a docker schema 1 manifest, which berth does not read: push it "
                              "again with a current client");
        if (streq_ptr(ct, MEDIA_TYPE_DOCKER_SCHEMA1) || streq_ptr(ct, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED))
                return reason(ret_why, -EBADMSG,
                              "the image has a docker schema 1 manifest, which berth does not read: push it "
                              "again with a current client");
        if (!json_object_object_get_ex(o, "schemaVersion", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int(v) != 2)
                return reason(ret_why, -EBADMSG, "the manifest's schemaVersion is not 2");

        /* Which it is: the document's mediaType, else the header's, else its shape (OCI's are
         * allowed to leave mediaType out). The two must not disagree. */
        type = get_string(o, "mediaType");
        if (type && ct && (is_index_type(ct) || is_manifest_type(ct)) && !streq(type, ct))
                return reason(ret_why, -EBADMSG, "the manifest says it is %s, the registry that it is %s",
                              SHOWN(type), SHOWN(ct));
        if (!type && ct && (is_index_type(ct) || is_manifest_type(ct)))
                type = ct;
        if (!type)
                type = json_object_object_get_ex(o, "manifests", &v) ? MEDIA_TYPE_OCI_INDEX
                                                                     : MEDIA_TYPE_OCI_MANIFEST;
        if (!is_index_type(type) && !is_manifest_type(type))
                return reason(ret_why, -EBADMSG, "the manifest's media type %s is not one berth reads",
                              SHOWN(type));
        m.media_type = strdup(type);
        if (!m.media_type)
                return -ENOMEM;
        m.index = is_index_type(type);

        if (!m.index) {
                if (!json_object_object_get_ex(o, "config", &v))
                        return reason(ret_why, -EBADMSG, "the manifest has no config");
                r = parse_descriptor(v, "config", &m.config, ret_why);
                if (r < 0)
                        return r;
        }
        if (!json_object_object_get_ex(o, m.index ? "manifests" : "layers", &items) ||
            !json_object_is_type(items, json_type_array))
                return reason(ret_why, -EBADMSG, "the manifest has no %s array",
                              m.index ? "manifests" : "layers");
        n = json_object_array_length(items);
        if (n > (m.index ? MANIFEST_ENTRIES_MAX : MANIFEST_LAYERS_MAX))
                return reason(ret_why, -EBADMSG, "the manifest lists %zu %s, more than the %u berth takes",
                              n, m.index ? "manifests" : "layers",
                              m.index ? MANIFEST_ENTRIES_MAX : MANIFEST_LAYERS_MAX);
        if (!m.index && n == 0)
                return reason(ret_why, -EBADMSG, "the manifest lists no layers");
        m.items = calloc(n ?: 1, sizeof(Descriptor));
        if (!m.items)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char what[32];
                Descriptor *d = &m.items[i];

                snprintf(what, sizeof(what), m.index ? "entry %zu" : "layer %zu", i + 1);
                r = parse_descriptor(json_object_array_get_idx(items, i), what, d, ret_why);
                if (r < 0)
                        return r;
                m.n_items++;
                if (m.index)
                        continue;
                if (!d->media_type || layer_compression(d->media_type, &d->compression) < 0)
                        return reason(ret_why, -EBADMSG,
                                      "layer %s has media type %s, which berth cannot unpack", d->digest,
                                      d->media_type ? SHOWN(d->media_type) : "(none)");
        }
        *ret = m;
        m = (Manifest) {};
        return 0;
}

int platform_parse(const char *s, Platform *ret, char **ret_why) {
        _cleanup_(platform_done) Platform p = {};
        const char *a, *v;

        a = strchr(s, '/');
        v = a ? strchr(a + 1, '/') : NULL;
        if (!a || a == s || a[1] == '\0' || a + 1 == v || (v && (v[1] == '\0' || strchr(v + 1, '/'))) ||
            string_has_control_chars(s) || strlen(s) > 64)
                return reason(ret_why, -EINVAL,
                              "'%s' is not a platform: write OS/ARCH[/VARIANT], as linux/arm64/v8",
                              SHOWN(s));
        p.os = strndup(s, (size_t) (a - s));
        p.architecture = v ? strndup(a + 1, (size_t) (v - a - 1)) : strdup(a + 1);
        if (!p.os || !p.architecture || (v && !(p.variant = strdup(v + 1))))
                return -ENOMEM;
        *ret = p;
        p = (Platform) {};
        return 0;
}

int platform_host(Platform *ret) {
        const char *arch, *variant = NULL;

        /* The architecture this binary runs as, which is what its images must be built for. */
#if defined(__x86_64__)
        arch = "amd64";
#elif defined(__aarch64__)
        arch = "arm64";
        variant = "v8";
#elif defined(__arm__)
        arch = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 7
        variant = "v7";
#elif defined(__ARM_ARCH) && __ARM_ARCH == 6
        variant = "v6";
#else
        variant = "v5";
#endif
#elif defined(__i386__)
        arch = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        arch = "ppc64le";
#elif defined(__s390x__)
        arch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
        arch = "riscv64";
#elif defined(__loongarch64)
        arch = "loong64";
#else
        arch = "unknown";
#endif
        *ret = (Platform){.os = strdup("linux"),
                          .architecture = strdup(arch),
                          .variant = variant ? strdup(variant) : NULL};
        if (!ret->os || !ret->architecture || (variant && !ret->variant)) {
                platform_done(ret);
                return -ENOMEM;
        }
        return 0;
}

char *platform_to_string(const Platform *p) {
        char *s;

        if (asprintf(&s, "%s/%s%s%s", p->os ?: "?", p->architecture ?: "?", p->variant ? "/" : "",
                     p->variant ?: "") < 0)
                return NULL;
        return s;
}

/* An arm64 entry without a variant is a v8 one (containerd's normalization). */
static const char *variant_of(const Platform *p) {
        if (!p->variant && streq_ptr(p->architecture, "arm64"))
                return "v8";
        return p->variant;
}

int manifest_pick(const Manifest *m, const Platform *want, const Descriptor **ret, char **ret_why) {
        _cleanup_free_ char *listed = NULL, *w = NULL;
        size_t len = 0;

        for (int strict = 1; strict >= 0; strict--)
                for (size_t i = 0; i < m->n_items; i++) {
                        const Platform *p = &m->items[i].platform;

                        if (!streq_ptr(p->os, want->os) || !streq_ptr(p->architecture, want->architecture))
                                continue;
                        if (!is_manifest_type(m->items[i].media_type) && m->items[i].media_type)
                                continue;
                        /* With a variant asked for, only it; the host's own variant first, then
                         * any entry of the architecture that names none. */
                        if (strict ? !streq_ptr(variant_of(p), variant_of(want))
                                   : (want->variant && p->variant))
                                continue;
                        *ret = &m->items[i];
                        return 0;
                }

        for (size_t i = 0; i < m->n_items && len < 400; i++) {
                _cleanup_free_ char *s = platform_to_string(&m->items[i].platform);
                char *n;

                if (!s || !(n = realloc(listed, len + strlen(s) + 3)))
                        return -ENOMEM;
                listed = n;
                len += (size_t) sprintf(listed + len, "%s%s", len ? ", " : "", s);
        }
        w = platform_to_string(want);
        if (!w)
                return -ENOMEM;
        return reason(ret_why, -ENOENT, "no image for %s in the index (it has %s)", w, listed ?: "none");
}
