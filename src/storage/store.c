/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "store-private.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"

int store_digest_path(const char *kind, const char *digest, char **ret) {
        const char *colon;

        if (!digest_is_valid(digest))
                return -EINVAL;
        colon = strchr(digest, ':');
        if (asprintf(ret, "%s/%.*s/%s", kind, (int) (colon - digest), digest, colon + 1) < 0)
                return -ENOMEM;
        return 0;
}

int store_open_dir(Store *s, const char *sub, int *ret_fd) {
        int fd = openat(s->root_fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int store_tmp_make(Store *s, const char *prefix, bool dir, char **ret_name, int *ret_fd) {
        _cleanup_close_ int tmp_fd = -EBADF;
        int r;

        r = store_open_dir(s, "tmp", &tmp_fd);
        if (r < 0)
                return r;
        for (unsigned attempt = 0; attempt < 64; attempt++) {
                _cleanup_free_ char *name = NULL;
                _cleanup_close_ int fd = -EBADF;
                _cleanup_free_ char *full = NULL;
                struct stat a, b;

                r = name_generate("", 6, &name);
                if (r < 0)
                        return r;
                full = strjoin(prefix, "-", name);
                if (!full)
                        return -ENOMEM;
                free(name);
                name = TAKE_PTR(full);
                if (dir) {
                        if (mkdirat(tmp_fd, name, 0700) < 0) {
                                if (errno == EEXIST)
                                        continue;
                                return -errno;
                        }
                        fd = openat(tmp_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                } else
                        fd = openat(tmp_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
                if (fd < 0) {
                        if (errno == EEXIST || errno == ENOENT) /* taken, or reclaimed already */
                                continue;
                        return -errno;
                }
                /* A reclaim may take a free entry between its making and our lock: it is then
                 * theirs, and removed, and we try another name. */
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                        if (errno == EWOULDBLOCK)
                                continue;
                        return -errno;
                }
                if (fstat(fd, &a) < 0)
                        return -errno;
                if (fstatat(tmp_fd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 || a.st_ino != b.st_ino ||
                    a.st_dev != b.st_dev)
                        continue;
                *ret_name = TAKE_PTR(name);
                *ret_fd = TAKE_FD(fd);
                return 0;
        }
        return -EBUSY;
}

int store_tmp_reclaim(Store *s, char ***removed, uint64_t *bytes) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r, ret = 0;

        r = opendir_at(s->root_fd, "tmp", &d);
        if (r < 0)
                return r;
        for (;;) {
                _cleanup_close_ int efd = -EBADF;
                _cleanup_free_ char *path = NULL;
                uint64_t size = 0;
                struct stat st;

                errno = 0;
                de = readdir(d);
                if (!de)
                        return errno > 0 ? -errno : ret;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                efd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
                if (efd < 0) {
                        if (errno == ELOOP) /* a symlink: never ours, and harmless to unlink */
                                (void) unlinkat(dirfd(d), de->d_name, 0);
                        continue;
                }
                if (flock(efd, LOCK_EX | LOCK_NB) < 0)
                        continue; /* its owner still works in it */
                if (fstat(efd, &st) < 0)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        (void) tree_size_at(efd, &size);
                        path = path_join(s->root, "tmp", de->d_name);
                        r = path ? rm_rf(path) : -ENOMEM;
                } else {
                        size = (uint64_t) st.st_size;
                        r = unlinkat(dirfd(d), de->d_name, 0) < 0 ? -errno : 0;
                }
                if (r < 0) {
                        if (ret == 0)
                                ret = r;
                        continue;
                }
                if (bytes)
                        *bytes += size;
                if (removed) {
                        char *p = strjoin("tmp/", de->d_name);

                        if (!p || strv_consume(removed, p) < 0)
                                return -ENOMEM;
                }
        }
}

Store *store_close(Store *s) {
        if (!s)
                return NULL;
        safe_close(s->lock_fd);
        safe_close(s->root_fd);
        strv_free(s->reclaimed);
        free(s->old_images_dir);
        free(s->root);
        free(s);
        return NULL;
}

const char *store_root(Store *s) {
        return s->root;
}

/* ---- files ---- */

int store_write_file(Store *s, int dir_fd, const char *name, const void *data, size_t size, mode_t mode, bool sync) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF, tmp_fd = -EBADF;
        int r;

        r = store_open_dir(s, "tmp", &tmp_fd);
        if (r < 0)
                return r;
        r = store_tmp_make(s, "file", /* dir= */ false, &tmp, &fd);
        if (r < 0)
                return r;
        r = loop_write(fd, data, size);
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = -errno;
        /* On disk before its name appears: after a crash a file is whole or absent. */
        if (r >= 0 && sync && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && renameat(tmp_fd, tmp, dir_fd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(tmp_fd, tmp, 0);
                return r;
        }
        if (sync && fsync(dir_fd) < 0)
                return -errno;
        return 0;
}

/* ---- blobs ---- */

int store_blob_put(Store *s, const char *digest, const void *data, size_t size, char **ret_why) {
        _cleanup_free_ char *path = NULL, *dir = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        char actual[DIGEST_STRING_MAX];
        const char *slash;
        int r;

        if (store_digest_path("blobs", digest, &path) < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a digest berth can check", digest);
        if (!digest_matches(digest, data, size, actual))
                return reason(ret_why, -EBADMSG, "%s: content does not match (it is %s)", digest, actual);
        if (faccessat(s->root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return 0;
        slash = strrchr(path, '/');
        dir = strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        r = store_open_dir(s, dir, &dir_fd);
        if (r >= 0)
                r = store_write_file(s, dir_fd, slash + 1, data, size, 0644, /* sync= */ true);
        if (r < 0)
                return reason(ret_why, r, "cannot write blob %s in %s: %s", digest, s->root, strerror(-r));
        return 0;
}

int store_blob_get(Store *s, const char *digest, char **ret_data, size_t *ret_size) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = store_digest_path("blobs", digest, &path);
        if (r < 0)
                return r;
        r = read_full_file_at(s->root_fd, path, STORE_JSON_MAX, ret_data, ret_size);
        if (r == -EBADFD || r == -EISDIR || r == -ELOOP)
                return -EBADMSG;
        return r;
}

bool store_has_blob(Store *s, const char *digest) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (store_digest_path("blobs", digest, &path) < 0)
                return false;
        return fstatat(s->root_fd, path, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISREG(st.st_mode);
}

/* ---- layers ---- */

char *store_layer_path(Store *s, const char *chain_id) {
        _cleanup_free_ char *rel = NULL;

        if (store_digest_path("layers", chain_id, &rel) < 0)
                return NULL;
        return path_join(s->root, rel);
}

bool store_has_layer(Store *s, const char *chain_id) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (store_digest_path("layers", chain_id, &path) < 0)
                return false;
        return fstatat(s->root_fd, path, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISDIR(st.st_mode);
}

int store_layer_stage(Store *s, StoreStaging **ret, int *ret_dir_fd, char **ret_why) {
        _cleanup_free_ StoreStaging *st = NULL;
        int r, fd = -EBADF;

        st = calloc(1, sizeof(StoreStaging));
        if (!st)
                return -ENOMEM;
        st->fd = st->tmp_fd = -EBADF;
        r = store_open_dir(s, "tmp", &st->tmp_fd);
        if (r >= 0)
                r = store_tmp_make(s, "layer", /* dir= */ true, &st->name, &st->fd);
        if (r >= 0 && fchmod(st->fd, 0755) < 0) /* the root of what the layer holds */
                r = -errno;
        if (r >= 0) {
                fd = openat(st->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        r = -errno;
        }
        if (r < 0) {
                store_staging_abort(TAKE_PTR(st));
                return reason(ret_why, r, "cannot make a staging directory in %s/tmp: %s", s->root, strerror(-r));
        }
        *ret_dir_fd = fd;
        *ret = TAKE_PTR(st);
        return 0;
}

void store_staging_abort(StoreStaging *st) {
        if (!st)
                return;
        if (st->name && st->tmp_fd >= 0) {
                _cleanup_free_ char *path = NULL;
                char proc[64];

                /* By the directory we hold, wherever tmp/ is. */
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", st->tmp_fd);
                path = path_join(proc, st->name);
                if (path)
                        (void) rm_rf(path);
        }
        safe_close(st->fd);
        safe_close(st->tmp_fd);
        free(st->name);
        free(st);
}

int store_layer_commit(Store *s, StoreStaging *st, const char *chain_id, char **ret_why) {
        _cleanup_free_ char *rel = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *slash;
        int r;

        r = store_digest_path("layers", chain_id, &rel);
        if (r < 0) {
                store_staging_abort(st);
                return reason(ret_why, -EINVAL, "'%s' is not a chain ID", chain_id);
        }
        slash = strrchr(rel, '/');
        {
                _cleanup_free_ char *dir = strndup(rel, (size_t) (slash - rel));

                r = dir ? store_open_dir(s, dir, &dir_fd) : -ENOMEM;
        }
        /* Every file of the layer on disk before its name appears; syncfs() also reports what
         * writeback failed to write (ENOSPC, EIO). */
        if (r >= 0 && syncfs(st->fd) < 0)
                r = -errno;
        if (r >= 0 && renameat2(st->tmp_fd, st->name, dir_fd, slash + 1, RENAME_NOREPLACE) < 0) {
                r = -errno;
                if (r == -EEXIST || r == -ENOTEMPTY) { /* another pull put it there meanwhile */
                        store_staging_abort(st);
                        return 0;
                }
        }
        if (r < 0) {
                store_staging_abort(st);
                return reason(ret_why, r, "cannot store layer %s in %s: %s", chain_id, s->root, strerror(-r));
        }
        (void) fsync(dir_fd);
        safe_close(st->fd);
        safe_close(st->tmp_fd);
        free(st->name);
        free(st);
        return 0;
}

/* ---- pins ---- */

/* A container's name, or CONTAINER+KIND for a pin a container holds besides its own image's
 * (image-mount.h): '+' is in no container name, so the two never meet. */
static bool pin_name_is_valid(const char *s) {
        const char *plus = strchr(s, '+');
        _cleanup_free_ char *owner = NULL;

        if (!plus)
                return name_is_valid(s);
        if (plus[1] == 0 || strlen(s) > 255 || strspn(plus + 1, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(plus + 1))
                return false;
        owner = strndup(s, (size_t) (plus - s));
        return owner && name_is_valid(owner);
}

int store_pin(Store *s, const char *container, const char *config_digest) {
        _cleanup_free_ char *line = NULL, *old = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        if (!pin_name_is_valid(container) || !digest_is_valid(config_digest))
                return -EINVAL;
        line = strjoin(config_digest, "\n");
        if (!line)
                return -ENOMEM;
        r = store_open_dir(s, "pins", &dir_fd);
        if (r < 0)
                return r;
        /* Most starts start what the last one did: nothing to write then. */
        if (read_full_file_at(dir_fd, container, 256, &old, NULL) >= 0 && streq(old, line))
                return 0;
        /* Not synced: it is written at every start, and a pin lost in a crash is written again at
         * the next; until then only the image's references keep it. */
        return store_write_file(s, dir_fd, container, line, strlen(line), 0644, /* sync= */ false);
}

int store_unpin(Store *s, const char *container) {
        _cleanup_free_ char *path = NULL;

        if (!pin_name_is_valid(container))
                return -EINVAL;
        path = path_join("pins", container);
        if (!path)
                return -ENOMEM;
        if (unlinkat(s->root_fd, path, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int store_unpin_container(const char *container) {
        _cleanup_free_ char *path = NULL;

        if (!pin_name_is_valid(container))
                return -EINVAL;
        path = path_join(berth_state_dir(), "store", "pins", container);
        if (!path)
                return -ENOMEM;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int store_pins(Store *s, char ***ret_containers, char ***ret_configs) {
        _cleanup_strv_free_ char **names = NULL, **containers = NULL, **configs = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(s->root_fd, "pins", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d)))
                if (pin_name_is_valid(de->d_name) && strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        if (errno > 0)
                return -errno;
        strv_sort(names);
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *text = NULL;

                r = read_full_file_at(dirfd(d), *n, 256, &text, NULL);
                if (r < 0)
                        continue; /* gone meanwhile, or not a pin */
                text[strcspn(text, "\n")] = 0;
                if (!digest_is_valid(text))
                        continue;
                if (strv_extend(&containers, *n) < 0 || strv_consume(&configs, TAKE_PTR(text)) < 0)
                        return -ENOMEM;
        }
        if ((!containers && !(containers = calloc(1, sizeof(char *)))) ||
            (!configs && !(configs = calloc(1, sizeof(char *)))))
                return -ENOMEM;
        if (ret_containers)
                *ret_containers = TAKE_PTR(containers);
        if (ret_configs)
                *ret_configs = TAKE_PTR(configs);
        return 0;
}
