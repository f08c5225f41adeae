/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "store.h"

/* berth image load: the image archives `docker save` and OCI tools write, into the store.
 *
 * The archive is unpacked into a scratch directory in the store's tmp/ first (the layers are read
 * in the manifest's order, not the archive's). Two layouts:
 *   - docker save: manifest.json, [{"Config": PATH, "RepoTags": [TAG…], "Layers": [PATH…]}];
 *   - OCI image layout: index.json → a manifest (through one image index at most, picking
 *     linux on this machine's architecture) → its config and layers, as blobs/ALG/HEX.
 * Every digest the manifests state is checked: the config's (by its descriptor, or its name
 * "HEX.json"), each layer's blob (by its descriptor or its name blobs/ALG/HEX) and each layer's
 * tar stream against the config's rootfs.diff_ids, which a config must list. Each layer becomes
 * a layer of the store under its chain ID (one already there is shared, not stored twice), its
 * whiteouts overlayfs' own (layer.h); the config (and the OCI manifest) become blobs. Every path
 * the manifests name is resolved inside the scratch directory.
 *
 * Nothing is committed before every layer is unpacked and checked: a refused load stores
 * nothing. The image is tagged with every RepoTag as a full reference (docker's: "app:1.2" is
 * docker.io/library/app:1.2), or with name (image_local_reference()) when given.
 * *ret_references (if not NULL) lists them, *ret_id (if not NULL) is the image's ID. -EBADMSG
 * (a bad archive, manifest or digest) and -EINVAL (no usable name) come with *ret_why, one line. */
int image_load(Store *s, int archive_fd, const char *name, char ***ret_references, char **ret_id, char **ret_why);
