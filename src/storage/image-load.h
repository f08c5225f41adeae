/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth image load: the image archives `docker save` and OCI tools write, as images of layers.
 *
 * The archive is unpacked into a scratch directory under images_dir first (the layers are read in
 * the manifest's order, not the archive's). Two layouts:
 *   - docker save: manifest.json, [{"Config": PATH, "RepoTags": [TAG…], "Layers": [PATH…]}];
 *   - OCI image layout: index.json → a manifest (through one image index at most, picking
 *     linux on this machine's architecture) → its config and layers, as blobs/ALG/HEX.
 * Each layer becomes layers/NNN (the first at the bottom), its whiteouts overlayfs' own
 * (layer.h). The image's configuration (docker's and OCI's config JSON) is kept as config.json
 * next to layers/. Every path the manifests name is resolved inside the scratch directory.
 *
 * name NULL: taken from the archive's first tag ("registry/path/repo:tag" gives "repo-tag", or
 * "repo" for the tag "latest"). On success *ret_name is the image's name. On failure nothing is
 * left behind; -EBADMSG (a bad archive or manifest), -EEXIST (the name exists) and -EINVAL (no
 * usable name) come with *ret_why, one line. */
int image_load(const char *images_dir, int archive_fd, const char *name, char **ret_name, char **ret_why);

/* The image name a tag gives, as above; NULL if it gives none that is valid. Exposed for tests. */
char *image_name_from_tag(const char *tag);
