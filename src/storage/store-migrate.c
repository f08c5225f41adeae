/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The old layout, STATE/images/NAME/{layers/NNN,config.json}, moved into the store once. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "layer.h"
#include "path-util.h"
#include "reference.h"
#include "store-private.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"

/* Left in an old image's directory once its config is in the store and before its layers move:
 * a migration killed while moving them finds the diff IDs there, since the layers already moved
 * can no longer be packed where they were. */
#define MIGRATING_MARK ".berth-migrating"

const char *store_architecture(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#elif defined(__i386__)
        return "386";
#elif defined(__arm__)
        return "arm";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
        return "riscv64";
#else
        return "unknown";
#endif
}

int store_config_make(char *const *diff_ids, const char *run_config_json, const struct timespec *created,
                      char **ret_text, char ret_digest[static DIGEST_STRING_MAX]) {
        json_object *top, *rootfs, *ids, *config = NULL;
        char when[64] = "1970-01-01T00:00:00Z";
        struct tm tm;
        const char *text;
        Digest d;

        if (run_config_json) {
                json_object *old = json_tokener_parse(run_config_json), *c;

                if (old && json_object_object_get_ex(old, "config", &c) && json_object_is_type(c, json_type_object))
                        config = json_object_get(c);
                json_object_put(old);
        }
        if (created && gmtime_r(&created->tv_sec, &tm))
                (void) strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        top = json_object_new_object();
        rootfs = json_object_new_object();
        ids = json_object_new_array();
        if (!top || !rootfs || !ids) {
                json_object_put(top);
                json_object_put(rootfs);
                json_object_put(ids);
                json_object_put(config);
                return -ENOMEM;
        }
        for (char *const *i = diff_ids; i && *i; i++)
                json_object_array_add(ids, json_object_new_string(*i));
        json_object_object_add(rootfs, "type", json_object_new_string("layers"));
        json_object_object_add(rootfs, "diff_ids", ids);
        json_object_object_add(top, "architecture", json_object_new_string(store_architecture()));
        json_object_object_add(top, "os", json_object_new_string("linux"));
        json_object_object_add(top, "created", json_object_new_string(when));
        if (config)
                json_object_object_add(top, "config", config);
        json_object_object_add(top, "rootfs", rootfs);
        text = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        *ret_text = text ? strdup(text) : NULL;
        json_object_put(top);
        if (!*ret_text)
                return -ENOMEM;
        digest_init(&d, DIGEST_SHA256);
        digest_update(&d, *ret_text, strlen(*ret_text));
        digest_final(&d, ret_digest);
        return 0;
}

static int write_mark(int dir_fd, const char *config) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = openat(dir_fd, MIGRATING_MARK, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, config, strlen(config));
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        return r;
}

static int old_layers(int image_fd, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(image_fd, "layers", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d)))
                if (strlen(de->d_name) == 3 && strspn(de->d_name, "0123456789") == 3 && strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        if (errno > 0)
                return -errno;
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}

/* localhost/NAME:latest, NAME lowercased (old names allowed uppercase, references do not). */
static int migrated_reference(const char *name, char **ret, char **ret_why) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *s = NULL, *why = NULL;
        int k;

        s = strjoin("localhost/", name, ":latest");
        if (!s)
                return -ENOMEM;
        for (char *p = s; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        k = reference_parse(s, &r, &why);
        if (k < 0)
                return reason(ret_why, k, "old image %s: its name makes no image reference (%s); it stays where it is",
                              name, why ?: "invalid");
        *ret = TAKE_PTR(s);
        return 0;
}

/* One old image: its config in the store (and the mark), its layers moved, its ref, then it goes. */
static int migrate_one(Store *s, int images_fd, const char *name, char **ret_why) {
        _cleanup_strv_free_ char **layers = NULL, **diff_ids = NULL, **chains = NULL;
        _cleanup_free_ char *mark = NULL, *config_text = NULL, *old_config = NULL, *ref = NULL;
        _cleanup_close_ int image_fd = -EBADF, layers_fd = -EBADF;
        char config[DIGEST_STRING_MAX];
        struct stat st;
        int r;

        /* Its name first: an image that cannot be tagged is not moved at all. */
        r = migrated_reference(name, &ref, ret_why);
        if (r < 0)
                return r;
        image_fd = openat(images_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (image_fd < 0)
                return -errno;
        layers_fd = openat(image_fd, "layers", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (layers_fd < 0)
                return reason(ret_why, -EBADMSG, "old image %s has no layers", name);
        r = old_layers(image_fd, &layers);
        if (r < 0)
                return r;

        if (read_full_file_at(image_fd, MIGRATING_MARK, 256, &mark, NULL) >= 0) {
                mark[strcspn(mark, "\n")] = 0;
                snprintf(config, sizeof(config), "%s", mark);
                r = store_image_layers(s, config, &diff_ids, &chains);
                if (r < 0)
                        return reason(ret_why, r, "old image %s: its half-done migration names config %s, which is not in the store",
                                      name, config);
        } else {
                if (strv_isempty(layers))
                        return reason(ret_why, -EBADMSG, "old image %s has no layers", name);
                STRV_FOREACH(l, layers) {
                        _cleanup_close_ int lfd = openat(layers_fd, *l, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        char diff_id[DIGEST_STRING_MAX], chain[DIGEST_STRING_MAX];

                        if (lfd < 0)
                                return reason(ret_why, -errno, "old image %s: layer %s: %s", name, *l, strerror(errno));
                        r = layer_diff_id(lfd, diff_id, ret_why);
                        if (r < 0)
                                return r;
                        digest_chain_id(chains ? chains[strv_length(chains) - 1] : NULL, diff_id, chain);
                        if (strv_extend(&diff_ids, diff_id) < 0 || strv_extend(&chains, chain) < 0)
                                return -ENOMEM;
                }
                r = read_full_file_at(image_fd, "config.json", STORE_JSON_MAX, &old_config, NULL);
                if (r < 0 && r != -ENOENT)
                        return reason(ret_why, r, "old image %s: config.json: %s", name, strerror(-r));
                if (fstat(image_fd, &st) < 0)
                        return -errno;
                r = store_config_make(diff_ids, old_config, &st.st_mtim, &config_text, config);
                if (r < 0)
                        return r;
                r = store_blob_put(s, config, config_text, strlen(config_text), ret_why);
                if (r < 0)
                        return r;
                r = write_mark(image_fd, config);
                if (r < 0)
                        return r;
        }

        /* Renamed, not copied: the same inodes, now named by their chain IDs. */
        /* Each by its number: after a migration killed midway, the layers moved already are no
         * longer listed. */
        STRV_FOREACH(l, layers) {
                _cleanup_free_ char *rel = NULL;
                unsigned i;

                if (safe_atou(*l, &i) < 0 || i >= strv_length(chains))
                        return reason(ret_why, -EBADMSG, "old image %s: layer %s is not one of its config's", name, *l);
                if (store_has_layer(s, chains[i]))
                        continue; /* another image had it: this copy goes with the old directory */
                r = store_digest_path("layers", chains[i], &rel);
                if (r < 0)
                        return r;
                if (renameat2(layers_fd, *l, s->root_fd, rel, RENAME_NOREPLACE) < 0 && errno != EEXIST &&
                    errno != ENOTEMPTY)
                        return reason(ret_why, -errno, "old image %s: moving layer %s into the store: %s", name, *l,
                                      strerror(errno));
        }
        STRV_FOREACH(c, chains)
                if (!store_has_layer(s, *c))
                        return reason(ret_why, -EBADMSG, "old image %s: layer %s is missing", name, *c);
        (void) syncfs(s->root_fd);

        r = store_tag(s, ref, mark ?: config, NULL, ret_why);
        if (r < 0)
                return r;
        {
                _cleanup_free_ char *path = NULL;
                char proc[64];

                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", images_fd);
                path = path_join(proc, name);
                return path ? rm_rf(path) : -ENOMEM;
        }
}

int store_migrate(Store *s, const char *old_images_dir, char **ret_why) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r, ret = 0;

        d = opendir(old_images_dir);
        if (!d)
                return errno == ENOENT ? 0 : reason(ret_why, -errno, "cannot read %s: %m", old_images_dir);
        while ((errno = 0, de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *path = NULL, *why = NULL;

                if ((*n)[0] == '.') {
                        /* The old store's debris and lock: nobody uses them once we hold ours. */
                        path = path_join(old_images_dir, *n);
                        if (path)
                                (void) rm_rf(path);
                        continue;
                }
                r = migrate_one(s, dirfd(d), *n, &why);
                if (r < 0 && ret == 0) {
                        ret = r;
                        if (ret_why && !*ret_why)
                                *ret_why = TAKE_PTR(why);
                }
        }
        if (ret < 0) {
                /* What cannot move stays where it was, and is tried again next time. */
                if (ret_why && *ret_why) {
                        char *w = NULL;

                        if (asprintf(&w, "migrating the old image layout in %s: %s", old_images_dir, *ret_why) >= 0) {
                                free(*ret_why);
                                *ret_why = w;
                        }
                }
                return ret;
        }
        if (rmdir(old_images_dir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
                return reason(ret_why, -errno, "cannot remove %s: %m", old_images_dir);
        return 0;
}

int store_migrating_configs(const char *old_images_dir, char ***ret) {
        _cleanup_strv_free_ char **configs = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        d = old_images_dir ? opendir(old_images_dir) : NULL;
        while (d && (errno = 0, de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *mark = NULL;

                if (de->d_name[0] == '.')
                        continue;
                path = path_join(de->d_name, MIGRATING_MARK);
                if (!path)
                        return -ENOMEM;
                if (read_full_file_at(dirfd(d), path, 256, &mark, NULL) < 0)
                        continue;
                mark[strcspn(mark, "\n")] = 0;
                if (digest_is_valid(mark) && strv_consume(&configs, TAKE_PTR(mark)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(configs);
        return 0;
}
