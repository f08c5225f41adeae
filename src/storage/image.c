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
#include "config.h"
#include "copy.h"
#include "fd-util.h"
#include "image.h"
#include "layer.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

#define LAYERS_DIR "layers"
#define BOTTOM_LAYER "000"
/* A definition file larger than this is not one. */
#define DEFINITION_SIZE_MAX (1024U * 1024U)

/* An empty list rather than NULL, so that callers can always index it. */
static int strv_make_nonnull(char ***l) {
        if (*l)
                return 0;
        *l = calloc(1, sizeof(char *));
        return *l ? 0 : -ENOMEM;
}

static int open_image_dir(const char *images_dir, const char *name, int *ret_fd) {
        _cleanup_free_ char *p = NULL;
        int fd;

        if (!name_is_plain(name))
                return -EINVAL;
        p = path_join(images_dir, name);
        if (!p)
                return -ENOMEM;
        fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ELOOP || errno == ENOTDIR) /* something else sits there: not an image */
                        return -EBADMSG;
                return -errno;
        }
        *ret_fd = fd;
        return 0;
}

static bool layer_name_is_valid(const char *s) {
        /* Three digits, so that the names sort in layer order. */
        return strlen(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
               s[2] <= '9';
}

int image_resolve(const char *images_dir, const char *name, char ***ret_lowerdirs) {
        _cleanup_strv_free_ char **layers = NULL, **paths = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_close_ int fd = -EBADF, layers_fd = -EBADF;
        struct dirent *de;
        size_t n;
        int r;

        r = open_image_dir(images_dir, name, &fd);
        if (r < 0)
                return r;
        layers_fd = openat(fd, LAYERS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (layers_fd < 0)
                return errno == ENOENT || errno == ELOOP || errno == ENOTDIR ? -EBADMSG : -errno;
        d = fdopendir(layers_fd);
        if (!d)
                return -errno;
        TAKE_FD(layers_fd);

        for (;;) {
                struct stat st;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno > 0)
                                return -errno;
                        break;
                }
                if (de->d_name[0] == '.')
                        continue;
                /* A layer is mounted by its path: a symlink here would let the image name any
                 * directory of the host as its content. */
                if (!layer_name_is_valid(de->d_name))
                        return -EBADMSG;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode))
                        return -EBADMSG;
                r = strv_extend(&layers, de->d_name);
                if (r < 0)
                        return r;
        }
        n = strv_length(layers);
        if (n == 0)
                return -EBADMSG;
        strv_sort(layers);

        for (size_t i = n; i > 0; i--) {
                char *p = path_join(images_dir, name, LAYERS_DIR, layers[i - 1]);

                if (!p)
                        return -ENOMEM;
                r = strv_consume(&paths, p);
                if (r < 0)
                        return r;
        }
        *ret_lowerdirs = TAKE_PTR(paths);
        return 0;
}

int image_layer_new(int staging_fd, unsigned index, int *ret_fd) {
        _cleanup_close_ int layers_fd = -EBADF;
        char layer[16];
        int fd;

        if (mkdirat(staging_fd, LAYERS_DIR, 0755) < 0 && errno != EEXIST)
                return -errno;
        layers_fd = openat(staging_fd, LAYERS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (layers_fd < 0)
                return -errno;
        snprintf(layer, sizeof(layer), "%03u", index);
        if (mkdirat(layers_fd, layer, 0755) < 0)
                return -errno;
        fd = openat(layers_fd, layer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* ---- the store's own bookkeeping: staging, loading and removing directories ---- */

#define STORE_LOCK ".lock"
static const char *const debris_prefixes[] = { ".staging-", ".load-", ".removing-" };

static int open_store(const char *images_dir, int *ret_fd) {
        int fd, r;

        /* 0700: images hold setuid binaries and device nodes that no host user should reach. */
        r = mkdir_p(images_dir, 0700);
        if (r < 0)
                return r;
        fd = open(images_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* The store's lock, images_dir/.lock: shared while a staging, loading or removing directory is made
 * and locked (image_store_mkdtemp(), image_remove()), exclusive while debris is looked for
 * (image_reclaim()), so that a reclaim never sees a directory between its making and its locking. */
static int store_lock(int images_fd, int operation, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;

        fd = openat(images_fd, STORE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, operation) < 0)
                if (errno != EINTR)
                        return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int image_store_mkdtemp(const char *images_dir, const char *prefix, char **ret_path, int *ret_fd) {
        _cleanup_close_ int images_fd = -EBADF, lock_fd = -EBADF, fd = -EBADF;
        _cleanup_free_ char *path = NULL;
        int r;

        r = open_store(images_dir, &images_fd);
        if (r < 0)
                return r;
        path = strjoin(images_dir, "/", prefix, "XXXXXX");
        if (!path)
                return -ENOMEM;
        r = store_lock(images_fd, LOCK_SH, &lock_fd);
        if (r < 0)
                return r;
        if (!mkdtemp(path))
                return -errno;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
                r = -errno;
                (void) rmdir(path);
                return r;
        }
        *ret_path = TAKE_PTR(path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static bool is_debris(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(debris_prefixes); i++)
                if (startswith(name, debris_prefixes[i]))
                        return true;
        return false;
}

typedef struct Claimed {
        char *name;
        int fd; /* its flock, held */
} Claimed;

/* Under the store's lock, taken exclusively: the debris directories whose owner is gone, each
 * locked by us so that no other reclaim takes it too. The lock is released before they are
 * removed: removing takes long, and holding them is all that is needed. */
static int claim_debris(int images_fd, Claimed **ret, size_t *ret_n) {
        _cleanup_close_ int lock_fd = -EBADF;
        _cleanup_closedir_ DIR *d = NULL;
        Claimed *claimed = NULL;
        size_t n = 0;
        struct dirent *de;
        int fd, r;

        r = store_lock(images_fd, LOCK_EX, &lock_fd);
        if (r < 0)
                return r;
        fd = openat(images_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        for (;;) {
                _cleanup_close_ int dfd = -EBADF;
                Claimed *t;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        r = errno > 0 ? -errno : 0;
                        break;
                }
                if (!is_debris(de->d_name))
                        continue;
                dfd = openat(images_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (dfd < 0)
                        continue; /* gone meanwhile, or not a directory: not ours to judge */
                if (flock(dfd, LOCK_EX | LOCK_NB) < 0)
                        continue; /* its owner still runs */
                t = reallocarray(claimed, n + 1, sizeof(Claimed));
                if (!t) {
                        r = -ENOMEM;
                        break;
                }
                claimed = t;
                claimed[n].name = strdup(de->d_name);
                if (!claimed[n].name) {
                        r = -ENOMEM;
                        break;
                }
                claimed[n++].fd = TAKE_FD(dfd);
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++) {
                        free(claimed[i].name);
                        safe_close(claimed[i].fd);
                }
                free(claimed);
                return r;
        }
        *ret = claimed;
        *ret_n = n;
        return 0;
}

int image_reclaim(const char *images_dir, char ***ret_removed, uint64_t *ret_bytes) {
        _cleanup_strv_free_ char **removed = NULL;
        _cleanup_close_ int images_fd = -EBADF;
        Claimed *claimed = NULL;
        uint64_t bytes = 0;
        size_t n = 0;
        int r, ret = 0;

        images_fd = open(images_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (images_fd < 0) {
                if (errno != ENOENT)
                        return -errno;
        } else {
                r = claim_debris(images_fd, &claimed, &n);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = path_join(images_dir, claimed[i].name);
                uint64_t size = 0;

                if (!p)
                        r = -ENOMEM;
                else {
                        (void) tree_size_at(claimed[i].fd, &size);
                        r = rm_rf(p);
                }
                if (r >= 0) {
                        bytes += size;
                        r = strv_consume(&removed, TAKE_PTR(claimed[i].name));
                }
                if (r < 0 && ret == 0)
                        ret = r; /* the first error; the others are still tried */
                free(claimed[i].name);
                safe_close(claimed[i].fd);
        }
        free(claimed);
        if (ret < 0)
                return ret;
        r = strv_make_nonnull(&removed);
        if (r < 0)
                return r;
        if (ret_removed)
                *ret_removed = TAKE_PTR(removed);
        if (ret_bytes)
                *ret_bytes = bytes;
        return 0;
}

int image_store_error(const char *images_dir, int r, char **ret_why) {
        _cleanup_free_ char *detail = NULL;

        if (r != -ENOSPC && r != -EDQUOT)
                return r;
        if (!ret_why)
                return r;
        detail = TAKE_PTR(*ret_why);
        if (r == -ENOSPC)
                return reason(ret_why, r, "the disk is full: no space left in %s%s%s%s", images_dir,
                              detail ? " (" : "", detail ?: "", detail ? ")" : "");
        return reason(ret_why, r, "the disk quota is exhausted: no space left for %s%s%s%s", images_dir,
                      detail ? " (" : "", detail ?: "", detail ? ")" : "");
}

/* Fills the staging directory and renames it to name; the caller removes it on failure. */
static int build_staged(int images_fd, int staging_fd, const char *staging, const char *name, ImageBuild build,
                        void *userdata) {
        const char *staging_name;
        int r;

        r = build(staging_fd, userdata);
        if (r < 0)
                return r;
        if (faccessat(staging_fd, LAYERS_DIR "/" BOTTOM_LAYER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return -EBADMSG; /* no layer: not an image */

        /* Data on disk before the name appears: after a crash an image is either absent or whole.
         * syncfs() also reports what writeback failed to write since the directory was opened
         * (ENOSPC, EIO, on Linux ≥ 5.8), which a write() that succeeded into the page cache did
         * not say. */
        if (syncfs(staging_fd) < 0)
                return -errno;
        /* The image directory's mtime says when the import completed (image_get_info()). */
        if (futimens(staging_fd, NULL) < 0)
                return -errno;

        staging_name = strrchr(staging, '/') + 1;
        /* RENAME_NOREPLACE: a plain rename() would silently replace an empty directory someone
         * made under that name meanwhile. */
        if (renameat2(images_fd, staging_name, images_fd, name, RENAME_NOREPLACE) < 0) {
                if (errno != EINVAL && errno != ENOSYS)
                        return -errno;
                /* A file system without RENAME_NOREPLACE: check, then rename. */
                if (faccessat(images_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                        return -EEXIST;
                if (renameat(images_fd, staging_name, images_fd, name) < 0)
                        return errno == ENOTEMPTY ? -EEXIST : -errno;
        }
        if (fsync(images_fd) < 0)
                return -errno;
        return 0;
}

int image_build(const char *images_dir, const char *name, ImageBuild build, void *userdata, char **ret_why) {
        _cleanup_free_ char *staging = NULL, *prefix = NULL;
        _cleanup_close_ int images_fd = -EBADF, staging_fd = -EBADF;
        int r;

        if (!name_is_plain(name))
                return -EINVAL;
        r = open_store(images_dir, &images_fd);
        if (r < 0)
                return image_store_error(images_dir, r, ret_why);
        /* Whatever killed operations left is reclaimed by the next one; what cannot go now stays
         * for the one after (or for 'berth image prune' to say why). */
        (void) image_reclaim(images_dir, NULL, NULL);

        /* Checked now to fail before a long copy; renameat2() has the last word. */
        if (faccessat(images_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return -EEXIST;
        if (errno != ENOENT)
                return -errno;

        prefix = strjoin(".staging-", name, "-");
        if (!prefix)
                return -ENOMEM;
        r = image_store_mkdtemp(images_dir, prefix, &staging, &staging_fd);
        if (r < 0)
                return image_store_error(images_dir, r, ret_why);

        r = build_staged(images_fd, staging_fd, staging, name, build, userdata);
        if (r < 0)
                (void) rm_rf(staging);
        return image_store_error(images_dir, r, ret_why);
}

static int build_from_dir(int staging_fd, void *userdata) {
        _cleanup_close_ int layer_fd = -EBADF;
        int r = image_layer_new(staging_fd, 0, &layer_fd);

        if (r < 0)
                return r;
        return copy_tree_at(*(int *) userdata, layer_fd, COPY_ROOT_ATTRS);
}

int image_import_dir(const char *images_dir, const char *src_dir, const char *name, char **ret_why) {
        _cleanup_close_ int src_fd = -EBADF;

        if (!name_is_plain(name))
                return -EINVAL;
        /* Following a symlink in src_dir is fine: it is a host path the administrator named. */
        src_fd = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src_fd < 0)
                return -errno;
        return image_build(images_dir, name, build_from_dir, &src_fd, ret_why);
}

typedef struct ArchiveImport {
        int fd;
        char **why;
} ArchiveImport;

static int build_from_archive(int staging_fd, void *userdata) {
        ArchiveImport *a = userdata;
        _cleanup_close_ int layer_fd = -EBADF;
        int r = image_layer_new(staging_fd, 0, &layer_fd);

        if (r < 0)
                return r;
        return layer_unpack(a->fd, layer_fd, /* whiteouts= */ false, a->why);
}

int image_import_archive(const char *images_dir, int archive_fd, const char *name, char **ret_why) {
        return image_build(images_dir, name, build_from_archive, &(ArchiveImport) { archive_fd, ret_why }, ret_why);
}

int image_list(const char *images_dir, char ***ret_names) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        d = opendir(images_dir);
        if (!d && errno != ENOENT)
                return -errno;

        while (d) {
                struct stat st;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno > 0)
                                return -errno;
                        break;
                }
                /* Dot entries are staging and removal directories, never images. */
                if (de->d_name[0] == '.' || !name_is_plain(de->d_name))
                        continue;
                if (de->d_type != DT_DIR) {
                        if (de->d_type != DT_UNKNOWN)
                                continue;
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        if (!S_ISDIR(st.st_mode))
                                continue;
                }
                r = strv_extend(&names, de->d_name);
                if (r < 0)
                        return r;
        }

        r = strv_make_nonnull(&names);
        if (r < 0)
                return r;
        strv_sort(names);
        *ret_names = TAKE_PTR(names);
        return 0;
}

int image_remove(const char *images_dir, const char *name) {
        _cleanup_free_ char *removing = NULL, *removing_name = NULL;
        _cleanup_close_ int images_fd = -EBADF, lock_fd = -EBADF, image_fd = -EBADF;
        int r;

        if (!name_is_plain(name))
                return -EINVAL;
        images_fd = open(images_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (images_fd < 0)
                return -errno;
        (void) image_reclaim(images_dir, NULL, NULL);

        image_fd = openat(images_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (image_fd < 0)
                return errno == ENOTDIR || errno == ELOOP ? -EBADMSG : -errno;
        /* Held while it is removed, under whatever name: a removal that is killed leaves a
         * .removing-* whose lock is free, which the next operation on the store reclaims. */
        while (flock(image_fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;

        /* mkdtemp() reserves a unique name; renaming a directory onto an empty directory replaces
         * it atomically. From then on the image is gone for everyone, however long rm_rf() takes
         * and even if it is interrupted. */
        removing_name = strjoin(".removing-", name, "-XXXXXX");
        if (!removing_name)
                return -ENOMEM;
        removing = path_join(images_dir, removing_name);
        if (!removing)
                return -ENOMEM;
        r = store_lock(images_fd, LOCK_SH, &lock_fd);
        if (r < 0)
                return r;
        if (!mkdtemp(removing))
                return -errno;
        if (renameat(images_fd, name, images_fd, strrchr(removing, '/') + 1) < 0) {
                r = -errno;
                (void) rmdir(removing);
                return r;
        }
        lock_fd = safe_close(lock_fd);
        return rm_rf(removing);
}

int image_get_info(const char *images_dir, const char *name, struct timespec *ret_created,
                   uint64_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t size = 0;
        struct stat st;
        int r;

        r = open_image_dir(images_dir, name, &fd);
        if (r < 0)
                return r;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (ret_size) {
                r = tree_size_at(fd, &size); /* any depth: an image's tree is the image's choice */
                if (r < 0)
                        return r;
        }
        if (ret_created)
                *ret_created = st.st_mtim;
        if (ret_size)
                *ret_size = size;
        return 0;
}

/* Whether the definition text has a line "Image=NAME" (blanks around '=' and the value allowed,
 * the value optionally quoted). */
static bool definition_names_image(char *text, const char *name) {
        char *line, *saveptr = NULL;

        for (line = strtok_r(text, "\n", &saveptr); line; line = strtok_r(NULL, "\n", &saveptr)) {
                const char *v;
                char *value;
                size_t n;

                line = strstrip(line);
                v = startswith(line, "Image");
                if (!v)
                        continue;
                v += strspn(v, " \t");
                if (*v != '=')
                        continue;
                value = strstrip((char *) v + 1);
                n = strlen(value);
                if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
                        value[n - 1] = 0;
                        value++;
                }
                if (streq(value, name))
                        return true;
        }
        return false;
}

int image_users(const char *name, char ***ret_containers) {
        _cleanup_strv_free_ char **seen = NULL, **users = NULL;
        char *const *dirs;
        int r;

        if (!name_is_plain(name))
                return -EINVAL;
        dirs = berth_definition_dirs();
        if (!dirs)
                return -ENOMEM;

        for (char *const *dir = dirs; *dir; dir++) {
                _cleanup_closedir_ DIR *d = NULL;
                struct dirent *de;

                d = opendir(*dir);
                if (!d) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                for (;;) {
                        _cleanup_free_ char *container = NULL, *text = NULL;
                        const char *suffix;

                        errno = 0;
                        de = readdir(d);
                        if (!de) {
                                if (errno > 0)
                                        return -errno;
                                break;
                        }
                        suffix = endswith(de->d_name, ".container");
                        if (!suffix || de->d_name[0] == '.')
                                continue;
                        container = strndup(de->d_name, (size_t) (suffix - de->d_name));
                        if (!container)
                                return -ENOMEM;
                        if (!name_is_valid(container) || strv_contains(seen, container))
                                continue; /* an earlier directory wins, as in the generator */
                        r = strv_extend(&seen, container);
                        if (r < 0)
                                return r;

                        r = read_full_file_at(dirfd(d), de->d_name, DEFINITION_SIZE_MAX, &text, NULL);
                        if (r == -ENOENT || r == -EBADFD || r == -EISDIR) /* gone, or not a file */
                                continue;
                        if (r < 0)
                                return r;
                        if (definition_names_image(text, name)) {
                                r = strv_consume(&users, TAKE_PTR(container));
                                if (r < 0)
                                        return r;
                        }
                }
        }

        r = strv_make_nonnull(&users);
        if (r < 0)
                return r;
        strv_sort(users);
        *ret_containers = TAKE_PTR(users);
        return 0;
}
