/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <time.h>

/* Images on disk. Each lives in IMAGES_DIR/NAME (BERTH_STATE_DIR "/images" outside tests) as
 *
 *     NAME/layers/000/    the bottom layer, an overlayfs lower directory
 *     NAME/layers/001/    … further layers, each above the one before
 *
 * An image only ever appears under its name complete: it is built in IMAGES_DIR/.staging-NAME-*
 * and renamed into place, and removed by renaming it to IMAGES_DIR/.removing-NAME-* first.
 * Entries starting with a dot are never images. */

/* The image's layer directories, TOP FIRST, as overlayfs' lowerdir= lists them. -EINVAL for an
 * invalid name, -ENOENT if there is no such image, -EBADMSG if it has no layers or a layer that
 * is not a real directory. */
int image_resolve(const char *images_dir, const char *name, char ***ret_lowerdirs);

/* Copies the directory src_dir (owners, modes, times, xattrs, hard links, devices) as the single
 * layer of a new image. -EINVAL for an invalid name, -EEXIST if the image exists. On failure
 * nothing is left behind. Creates images_dir (0700) if missing. */
int image_import_dir(const char *images_dir, const char *src_dir, const char *name);

/* A tar archive read from archive_fd (any compression libarchive reads; docker export's kind) as
 * the single layer of a new image, unpacked as layer.h says, without whiteouts. Errors as
 * image_import_dir(); for a bad archive -EBADMSG with *ret_why one line. */
int image_import_archive(const char *images_dir, int archive_fd, const char *name, char **ret_why);

/* Building an image of one's own: build() fills the staging directory it is given, making each
 * layer with image_layer_new() (0 at the bottom) and putting anything else the image carries next
 * to layers/; then the staging directory is synced and renamed to name, or removed on any
 * failure. -EEXIST if name exists (checked before build() and again at the rename), -EBADMSG if
 * build() made no layer. */
typedef int (*ImageBuild)(int staging_fd, void *userdata);
int image_build(const char *images_dir, const char *name, ImageBuild build, void *userdata);
int image_layer_new(int staging_fd, unsigned index, int *ret_fd);

/* The names of all images, sorted. */
int image_list(const char *images_dir, char ***ret_names);

/* Removes an image. -ENOENT if there is none. Does not check whether a container uses it (see
 * image_users()). */
int image_remove(const char *images_dir, const char *name);

/* When the image was created (its directory's mtime) and its apparent size in bytes, du-style:
 * every inode counted once, symlinks not followed. */
int image_get_info(const char *images_dir, const char *name, struct timespec *ret_created,
                   uint64_t *ret_size);

/* The names of the containers whose definition files say Image=NAME, sorted. Scans
 * BERTH_SYSCONF_DIR/containers then BERTH_RUNTIME_DIR/containers, or the directories in
 * $BERTH_DEFINITION_PATH (space-separated); a file in an earlier directory hides one of the same
 * name in a later one, as in the generator. A deliberately cheap line scan, not the parser. */
int image_users(const char *name, char ***ret_containers);
