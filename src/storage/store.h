/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* The content-addressed image store, STORE = $BERTH_STATE_DIR/store:
 *
 *     STORE/.lock               flock: LOCK_SH for every open handle (store_open()), LOCK_EX for
 *                               the sweep, which is skipped, not waited for, when it cannot get it
 *     STORE/blobs/sha256/HEX    configs, manifests, indexes as received, verified, 0644, immutable
 *     STORE/layers/sha256/HEX/  an unpacked layer (an overlayfs lower dir), named by its CHAIN ID
 *     STORE/refs/ESC            a reference (reference_to_string(), '/' written '+'): the line
 *                               "CONFIG_DIGEST MANIFEST_DIGEST\n" ("-" for no manifest); replaced
 *                               by rename(2), never rewritten in place
 *     STORE/pins/CONTAINER      "CONFIG_DIGEST\n": the image a container last started from
 *     STORE/tmp/KIND-XXXXXX     staging files and directories, flock()ed while used, reclaimed
 *                               when free
 *
 * An image IS its config blob: its ID is the config's digest, its layers the chain IDs of the
 * config's rootfs.diff_ids. Every write goes through tmp/ and a rename, the ref last: a crash
 * anywhere leaves only debris in tmp/ (reclaimed by store_open()) or blobs and layers nothing
 * reaches (swept).
 *
 * The old layout (STATE/images/NAME/layers/NNN, config.json) is migrated by the first
 * store_open(): each old image's layers are packed to learn their diff IDs, renamed into layers/,
 * a config written, and tagged localhost/NAME:latest; the old directory goes.
 *
 * Functions that take ret_why may give one line saying why (NULL when the code says it all).
 * Nothing here logs. */

typedef struct Store Store;

/* mkdir -p STORE, LOCK_SH on STORE/.lock, migrate the old layout, reclaim free debris in tmp/. */
int store_open(Store **ret, char **ret_why);
/* The same under another root (tests; the old layout is looked for in old_images_dir, NULL for
 * none). */
int store_open_at(const char *root, const char *old_images_dir, Store **ret, char **ret_why);
Store *store_close(Store *s); /* NULL-safe; returns NULL */
static inline void store_closep(Store **s) {
        *s = store_close(*s);
}
const char *store_root(Store *s);

/* ---- layers ---- */

/* The most layers one image may have: what a registry's manifest may list (MANIFEST_LAYERS_MAX),
 * well inside overlayfs' stack of 500 lower layers. */
#define STORE_IMAGE_LAYERS_MAX 128U

bool store_has_layer(Store *s, const char *chain_id);
/* STORE/layers/ALG/HEX of chain_id (whether or not it exists); NULL on OOM. */
char *store_layer_path(Store *s, const char *chain_id);

typedef struct StoreStaging StoreStaging;
/* A flocked staging directory for one layer; *ret_dir_fd is it, open O_DIRECTORY (the caller's to
 * close). */
int store_layer_stage(Store *s, StoreStaging **ret, int *ret_dir_fd, char **ret_why);
/* Syncs it and renames it into layers/ as chain_id. If that layer appeared meanwhile (another
 * pull), the staging directory is removed and 0 returned. Frees st, also on failure. */
int store_layer_commit(Store *s, StoreStaging *st, const char *chain_id, char **ret_why);
void store_staging_abort(StoreStaging *st); /* removes it; frees; NULL-safe */

/* ---- blobs ---- */

/* Writes data as blobs/ALG/HEX after checking it against digest: -EBADMSG with "DIGEST: content
 * does not match (it is ACTUAL)". Present already: 0. */
int store_blob_put(Store *s, const char *digest, const void *data, size_t size, char **ret_why);
/* -ENOENT when absent; the content is NUL-terminated past *ret_size. */
int store_blob_get(Store *s, const char *digest, char **ret_data, size_t *ret_size);
bool store_has_blob(Store *s, const char *digest);

/* ---- references ---- */

/* Points reference (a full one, reference_to_string()) at an image whose config blob and all
 * layers are present (else -ENOENT with why). manifest_digest NULL: none. */
int store_tag(Store *s, const char *reference, const char *config_digest, const char *manifest_digest,
              char **ret_why);
/* 0 with the config and manifest digest (NULL when "-") of reference; -ENOENT. Either ret may be
 * NULL. */
int store_lookup(Store *s, const char *reference, char **ret_config, char **ret_manifest);
/* Removes reference: -ENOENT when there is none. */
int store_untag(Store *s, const char *reference);

typedef struct StoreRef {
        char *reference;       /* "docker.io/library/nginx:1.25" */
        char *config_digest;   /* the image's ID */
        char *manifest_digest; /* NULL when none */
} StoreRef;
/* Every reference, sorted by name; *ret_n entries. */
int store_refs(Store *s, StoreRef **ret, size_t *ret_n);
void store_refs_free(StoreRef *refs, size_t n);

/* The reference as a file name in refs/ ('/' as '+'), and back; NULL for a reference that cannot
 * be one (empty, '+' or a control character in it, ".", "..") or on OOM. */
char *store_ref_escape(const char *reference);
char *store_ref_unescape(const char *name);

/* ---- images ---- */

/* The diff IDs of the image whose config blob is config_digest (its rootfs.diff_ids, bottom
 * first), and their chain IDs. -ENOENT without the blob, -EBADMSG for a config without a valid
 * rootfs. Either ret may be NULL. */
int store_image_layers(Store *s, const char *config_digest, char ***ret_diff_ids, char ***ret_chain_ids);
/* The image's layer directories TOP FIRST, as overlayfs' lowerdir= lists them; -ENOENT when the
 * config or a layer is missing, -EBADMSG when a layer is not a real directory. */
int store_image_lowerdirs(Store *s, const char *config_digest, char ***ret_lowerdirs);
/* Every image ID (config digest) that has a blob and is a config, i.e. all configs that some ref
 * or pin names; sorted, unique. */
int store_image_ids(Store *s, char ***ret);
/* The config's "created", "architecture" and "os" as written (each NULL when absent). */
int store_image_info(Store *s, const char *config_digest, char **ret_created, char **ret_architecture,
                     char **ret_os);
/* The apparent size of the image's layers, du-style (each inode once). */
int store_image_size(Store *s, const char *config_digest, uint64_t *ret);

/* A config berth writes for an image that came without one (image import, the old layout): OCI's
 * architecture (this machine's), os, created, rootfs.diff_ids, and the "config" object of
 * run_config_json (a config.json of the old layout; NULL for none). Its text and sha256. */
struct timespec;
int store_config_make(char *const *diff_ids, const char *run_config_json, const struct timespec *created,
                      char **ret_text, char ret_digest[static DIGEST_STRING_MAX]);
/* This machine's architecture as OCI names it (GOARCH): "amd64", "arm64" … */
const char *store_architecture(void);

/* ---- pins ---- */

/* STORE/pins/CONTAINER: the image a container last started from; written through tmp/ and a
 * rename. -EINVAL for an invalid container name. */
int store_pin(Store *s, const char *container, const char *config_digest);
/* Removes the pin; 0 when there was none. */
int store_unpin(Store *s, const char *container);
/* The same without opening the store (a removal of a container, which must not wait for a
 * sweep): the pin is one file, and its unlinking atomic. */
int store_unpin_container(const char *container);
/* The pins: container names and their config digests, sorted by container. */
int store_pins(Store *s, char ***ret_containers, char ***ret_configs);

/* ---- the sweep ---- */

/* Whether the container of a pin still exists (a definition file, a loaded unit): the sweep's
 * caller knows, the store does not. */
typedef bool (*StoreContainerExists)(const char *container, void *userdata);

typedef struct StoreSweepResult {
        char **removed; /* "blobs/sha256/HEX", "layers/sha256/HEX", "pins/NAME", "tmp/…" */
        uint64_t bytes;
        bool skipped;   /* someone held the store: nothing was done */
} StoreSweepResult;
void store_sweep_result_done(StoreSweepResult *r);

/* Removes every blob and layer no root reaches, the pins of containers that are gone and free
 * debris in tmp/ (what store_open() reclaimed there is reported here too). Roots: all refs, and the pins whose container exists. A root reaches its config
 * blob, the layers of its rootfs and its manifest blob (and, for a manifest, its config). Takes
 * LOCK_EX with LOCK_NB on STORE/.lock through a second descriptor, having dropped s's LOCK_SH for
 * the time: when another process holds the store (a pull, a start), *ret says skipped and 0. */
int store_sweep(Store *s, StoreContainerExists exists, void *userdata, StoreSweepResult *ret);

/* The marking, exposed for tests: the set of blob digests and of chain IDs the given roots reach
 * (configs as digests; reading each through store_blob_get()). */
int store_mark(Store *s, char *const *config_digests, char *const *manifest_digests, char ***ret_blobs,
               char ***ret_layers);
