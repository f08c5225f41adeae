/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "manifest.h"
#include "string-util.h"
#include "tap.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define D4 "sha256:4444444444444444444444444444444444444444444444444444444444444444"

static const char docker_manifest[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":1469,\"digest\":\"" D1 "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":3401613,\"digest\":\"" D2 "\"},"
        "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":10,\"digest\":\"" D3 "\"}]}";

/* OCI's may leave mediaType out; a zstd layer. */
static const char oci_manifest[] =
        "{\"schemaVersion\":2,"
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":7,\"digest\":\"" D1 "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"size\":5,\"digest\":\"" D2 "\"},"
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":5,\"digest\":\"" D3 "\"}]}";

static const char oci_index[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"" D1 "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"" D2 "\",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"" D3 "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\"" D4 "\",\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}}]}";

static int parse(const char *text, const char *ct, Manifest *m, char **why) {
        return manifest_parse(text, strlen(text), ct, m, why);
}

static void refused(const char *text, const char *ct, const char *expect) {
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_free_ char *why = NULL;
        int r = parse(text, ct, &m, &why);

        ok(r == -EBADMSG && why && !strchr(why, '\n') && strstr(why, expect), "refused, '%s': %s", expect, why ?: "");
}

static const char *pick(const Manifest *m, const char *platform) {
        Platform p = {};
        const Descriptor *d = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        platform_parse(platform, &p, NULL);
        r = manifest_pick(m, &p, &d, &why);
        platform_done(&p);
        if (r < 0) {
                ok(r == -ENOENT && why && strstr(why, "linux/amd64"), "%s not there: %s", platform, why ?: "");
                return NULL;
        }
        return d->digest;
}

int main(void) {
        Manifest m = {};
        _cleanup_free_ char *why = NULL;

        ok(parse(docker_manifest, "application/vnd.docker.distribution.manifest.v2+json", &m, &why) == 0,
           "docker v2 schema 2 (%s)", why ?: "");
        ok(!m.index && m.n_items == 2 && strcmp(m.config.digest, D1) == 0 && m.items[0].size == 3401613 &&
           m.items[0].compression == LAYER_GZIP && strcmp(m.items[1].digest, D3) == 0, "its config and layers");
        manifest_done(&m);

        ok(parse(oci_manifest, "application/vnd.oci.image.manifest.v1+json; charset=utf-8", &m, &why) == 0,
           "OCI without mediaType, by the header");
        ok(!m.index && m.items[0].compression == LAYER_ZSTD && m.items[1].compression == LAYER_PLAIN, "zstd and plain layers");
        manifest_done(&m);
        ok(parse(oci_manifest, NULL, &m, &why) == 0 && !m.index, "OCI without any type: by its shape");
        manifest_done(&m);

        ok(parse(oci_index, "application/vnd.oci.image.index.v1+json", &m, &why) == 0 && m.index && m.n_items == 4,
           "an OCI index");
        ok_streq(pick(&m, "linux/amd64"), D1);
        ok_streq(pick(&m, "linux/arm/v7"), D2);
        ok_streq(pick(&m, "linux/arm64"), D3);     /* an arm64 entry without variant is v8 */
        ok_streq(pick(&m, "linux/arm64/v8"), D3);
        ok(pick(&m, "linux/arm/v6") == NULL, "no arm/v6");
        ok(pick(&m, "linux/s390x") == NULL, "no s390x");
        ok(pick(&m, "windows/amd64") == NULL, "no windows");
        Platform host = {};
        ok(platform_host(&host) == 0 && strcmp(host.os, "linux") == 0, "the host is linux");
#if defined(__x86_64__)
        const Descriptor *d = NULL;
        ok(manifest_pick(&m, &host, &d, NULL) == 0 && strcmp(d->digest, D1) == 0, "this machine's: amd64");
#endif
        platform_done(&host);
        manifest_done(&m);

        /* A docker manifest list says so in its header and document. */
        char list[4096];
        snprintf(list, sizeof(list),
                 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
                 "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" D2
                 "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":\"v3\"}},"
                 "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":1,\"digest\":\"" D3
                 "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}");
        ok(parse(list, "application/vnd.docker.distribution.manifest.list.v2+json", &m, &why) == 0 && m.index,
           "a docker manifest list");
        ok_streq(pick(&m, "linux/amd64"), D3);     /* the variant-less entry before a v3 one */
        ok_streq(pick(&m, "linux/amd64/v3"), D2);
        manifest_done(&m);

        /* Refusals, one line each. */
        refused("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                "schema 1");
        refused("{\"schemaVersion\":1}", NULL, "schema 1");
        refused("not json", NULL, "not JSON");
        refused("[1]", NULL, "not a JSON object");
        refused("{\"schemaVersion\":3,\"layers\":[]}", NULL, "schemaVersion");
        refused(docker_manifest, "application/vnd.oci.image.index.v1+json", "the registry that it is");
        refused("{\"schemaVersion\":2,\"mediaType\":\"application/x-other\"}", NULL, "not one berth reads");
        refused("{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[]}", NULL, "no layers");
        refused("{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"sha256:../../etc\"},\"layers\":[]}", NULL,
                "no valid digest");
        refused("{\"schemaVersion\":2,\"config\":{\"size\":-1,\"digest\":\"" D1 "\"},\"layers\":[]}", NULL, "no valid size");
        refused("{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[{\"mediaType\":"
                "\"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\",\"size\":1,\"digest\":\"" D2 "\"}]}",
                NULL, "cannot unpack");

        /* Limits: layers, and bytes. */
        size_t cap = 200 + (MANIFEST_LAYERS_MAX + 1) * 200;
        char *many = malloc(cap), *p = many;
        p += sprintf(p, "{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[");
        for (unsigned i = 0; i <= MANIFEST_LAYERS_MAX; i++)
                p += sprintf(p, "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":1,\"digest\":\"" D2 "\"}",
                             i ? "," : "");
        sprintf(p, "]}");
        refused(many, NULL, "more than the");
        free(many);
        char *huge = malloc(MANIFEST_SIZE_MAX + 2);
        memset(huge, ' ', MANIFEST_SIZE_MAX + 1);
        huge[MANIFEST_SIZE_MAX + 1] = '\0';
        refused(huge, NULL, "over");
        free(huge);
        ok(manifest_parse("{\"a\":1}\0x", 9, NULL, &m, &why) == -EBADMSG, "a NUL byte inside");

        /* Platforms as written. */
        Platform pl = {};
        ok(platform_parse("linux/arm64/v8", &pl, NULL) == 0 && strcmp(pl.architecture, "arm64") == 0 &&
           strcmp(pl.variant, "v8") == 0, "linux/arm64/v8");
        platform_done(&pl);
        const char *bad[] = { "linux", "linux/", "/amd64", "linux//v8", "linux/arm/", "a/b/c/d", "linux/amd\t64" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                why = NULL;
                ok(platform_parse(bad[i], &pl, &why) == -EINVAL && why, "refused: %s", SHOWN(bad[i]));
                free(why);
        }
        why = NULL;
        return tap_finish();
}
