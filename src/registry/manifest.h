/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a registry answers for a manifest: an image manifest (OCI, or docker's v2 schema 2) or a
 * list of them per platform (an OCI index, or docker's manifest list). Docker's schema 1 is
 * refused: no registry has served it as the default since 2017, and its layers have no digests
 * of their content to check. */

#define MEDIA_TYPE_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_TYPE_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_TYPE_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* What a manifest, index or config may weigh, and how many layers or platforms it may list. */
#define MANIFEST_SIZE_MAX (4U * 1024U * 1024U)
#define MANIFEST_LAYERS_MAX 128U
#define MANIFEST_ENTRIES_MAX 1024U

typedef enum LayerCompression {
        LAYER_PLAIN,
        LAYER_GZIP,
        LAYER_ZSTD,
} LayerCompression;

typedef struct Platform {
        char *os, *architecture, *variant; /* variant NULL when none */
} Platform;

typedef struct Descriptor {
        char *media_type;
        char *digest;
        uint64_t size;
        Platform platform; /* an index's entries only; os NULL when it says none */
        LayerCompression compression; /* layers only */
} Descriptor;

typedef struct Manifest {
        bool index;           /* an index or manifest list: entries; else config and layers */
        char *media_type;
        Descriptor config;
        Descriptor *items;    /* the layers bottom first, or the index's entries */
        size_t n_items;
} Manifest;

/* text (size bytes) as a manifest or index. content_type is the registry's Content-Type (NULL
 * when unsaid); the document's own mediaType counts when the header is missing or generic. Every
 * bad input is -EBADMSG with one line: schema 1, an unknown media type, a layer of a type berth
 * cannot unpack, an invalid digest, too many layers. */
int manifest_parse(const char *text, size_t size, const char *content_type, Manifest *ret, char **ret_why);
void manifest_done(Manifest *m);

/* "linux/arm64/v8", "linux/amd64": -EINVAL with a reason otherwise. Names as Go spells them. */
int platform_parse(const char *s, Platform *ret, char **ret_why);
/* linux and this machine's architecture (and arm's variant), as Go names them. */
int platform_host(Platform *ret);
void platform_done(Platform *p);
/* "linux/arm64/v8". New string. */
char *platform_to_string(const Platform *p);

/* The entry of index m for want: same os and architecture, and the variant want names (an arm64
 * entry without one counts as v8); when want names none, the first entry of the os and
 * architecture. -ENOENT with a reason listing what the index has. */
int manifest_pick(const Manifest *m, const Platform *want, const Descriptor **ret, char **ret_why);
