/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* store.h's types; whoever includes this includes store.h too (this header stays out of its
 * circle). */
typedef struct Store Store;
typedef struct StoreStaging StoreStaging;

/* What the store's files share: the handle, and the one way to make a file or directory in tmp/. */

struct Store {
        char *root;
        int root_fd;
        int lock_fd; /* STORE/.lock, LOCK_SH held (LOCK_EX for a sweep's time) */
        char *old_images_dir; /* the old layout's, or NULL */
        /* What store_open() reclaimed from tmp/, for the next sweep to report. */
        char **reclaimed;
        uint64_t reclaimed_bytes;
};

struct StoreStaging {
        char *name; /* "layer-XXXXXX", in STORE/tmp */
        int fd;     /* the directory, flock()ed */
        int tmp_fd;
};

/* Makes STORE/tmp/PREFIX-XXXXXX (a directory when dir, else a regular file of mode 0600), flock()ed
 * by *ret_fd (open O_DIRECTORY or O_RDWR), its name in *ret_name. A name reclaimed between its
 * making and its locking is never used: after flock() the name must still be the inode locked. */
int store_tmp_make(Store *s, const char *prefix, bool dir, char **ret_name, int *ret_fd);
/* Removes what is in tmp/ whose lock is free (its owner is gone), adding "tmp/NAME" to *removed
 * (if not NULL) and its size to *bytes (if not NULL). */
int store_tmp_reclaim(Store *s, char ***removed, uint64_t *bytes);
/* Opens a subdirectory of the store ("blobs/sha256"). */
int store_open_dir(Store *s, const char *sub, int *ret_fd);
/* Writes data to a locked tmp file and renames it to dir_fd/name (replacing); with sync, the file
 * before its rename and the directory after it. */
int store_write_file(Store *s, int dir_fd, const char *name, const void *data, size_t size, mode_t mode, bool sync);
/* "KIND/ALG/HEX" (KIND "blobs" or "layers") of a digest berth computes, relative to the root;
 * -EINVAL for anything else, so that no digest string can name another path. */
int store_digest_path(const char *kind, const char *digest, char **ret);

/* The old layout's migration (store-migrate.c), run by store_open() under LOCK_EX. */
int store_migrate(Store *s, const char *old_images_dir, char **ret_why);
/* The configs that half-done migrations of old images name (their marks): roots of the sweep,
 * or what those migrations moved already would go before they finish. */
int store_migrating_configs(const char *old_images_dir, char ***ret);

#define STORE_JSON_MAX (16U * 1024U * 1024U)
