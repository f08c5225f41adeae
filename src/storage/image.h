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
 * (image load unpacks its archive in IMAGES_DIR/.load-* first) and renamed into place, and removed
 * by renaming it to IMAGES_DIR/.removing-NAME-* first. Entries starting with a dot are never
 * images.
 *
 * Each of those directories is flock()ed by the process working in it, for as long as it does: a
 * process killed on the way (kill -9, a crash, a power cut) leaves one whose lock is free, and
 * the next import, load or removal reclaims it (image_reclaim()). IMAGES_DIR/.lock orders the
 * making of such a directory against a reclaim.
 *
 * Where a function takes ret_why, a failure may come with one line saying why (NULL when the
 * error code says it all); a full disk or quota (-ENOSPC, -EDQUOT) always comes with one that says
 * so and names IMAGES_DIR. */

/* The image's layer directories, TOP FIRST, as overlayfs' lowerdir= lists them. -EINVAL for an
 * invalid name, -ENOENT if there is no such image, -EBADMSG if it has no layers or a layer that
 * is not a real directory. */
int image_resolve(const char *images_dir, const char *name, char ***ret_lowerdirs);

/* Copies the directory src_dir (owners, modes, times, xattrs, hard links, devices) as the single
 * layer of a new image. -EINVAL for an invalid name, -EEXIST if the image exists. On failure
 * nothing is left behind. Creates images_dir (0700) if missing. */
int image_import_dir(const char *images_dir, const char *src_dir, const char *name, char **ret_why);

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
int image_build(const char *images_dir, const char *name, ImageBuild build, void *userdata, char **ret_why);
int image_layer_new(int staging_fd, unsigned index, int *ret_fd);

/* A directory images_dir/PREFIXxxxxxx, made and flock()ed (the fd in *ret_fd holds the lock;
 * keep it open while working in the directory, and remove the directory when done). */
int image_store_mkdtemp(const char *images_dir, const char *prefix, char **ret_path, int *ret_fd);

/* Removes the staging, loading and removing directories whose process is gone (their lock is
 * free); never one whose process still runs. *ret_removed (if not NULL) lists their names and
 * *ret_bytes what they held. Removal goes on past a failure and returns the first. */
int image_reclaim(const char *images_dir, char ***ret_removed, uint64_t *ret_bytes);

/* r as it is, but -ENOSPC/-EDQUOT with *ret_why rewritten to say the disk is full (or the quota
 * exhausted) in images_dir, what *ret_why said before in parentheses. */
int image_store_error(const char *images_dir, int r, char **ret_why);

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
