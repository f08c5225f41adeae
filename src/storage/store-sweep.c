/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's garbage collection: mark what the roots reach, remove the rest. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "path-util.h"
#include "store-private.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"

void store_sweep_result_done(StoreSweepResult *r) {
        r->removed = strv_free(r->removed);
}

static int mark_config(Store *s, const char *config, char ***blobs, char ***layers) {
        _cleanup_strv_free_ char **chains = NULL;
        int r;

        if (strv_contains(*blobs, config))
                return 0;
        r = strv_extend(blobs, config);
        if (r < 0)
                return r;
        r = store_image_layers(s, config, NULL, &chains);
        if (r == -ENOENT || r == -EBADMSG)
                return 0; /* a root whose config is gone or broken reaches nothing more */
        if (r < 0)
                return r;
        STRV_FOREACH(c, chains)
                if (!strv_contains(*layers, *c) && strv_extend(layers, *c) < 0)
                        return -ENOMEM;
        return 0;
}

/* A manifest reaches its config (OCI and docker schema 2 both say "config": {"digest"}). */
static int mark_manifest(Store *s, const char *manifest, char ***blobs, char ***layers) {
        _cleanup_free_ char *text = NULL;
        json_object *top, *config, *digest;
        int r;

        if (strv_contains(*blobs, manifest))
                return 0;
        r = strv_extend(blobs, manifest);
        if (r < 0)
                return r;
        if (store_blob_get(s, manifest, &text, NULL) < 0)
                return 0;
        top = json_tokener_parse(text);
        if (!top)
                return 0;
        r = 0;
        if (json_object_object_get_ex(top, "config", &config) && json_object_object_get_ex(config, "digest", &digest) &&
            json_object_is_type(digest, json_type_string) && digest_is_valid(json_object_get_string(digest)))
                r = mark_config(s, json_object_get_string(digest), blobs, layers);
        json_object_put(top);
        return r;
}

int store_mark(Store *s, char *const *config_digests, char *const *manifest_digests, char ***ret_blobs,
               char ***ret_layers) {
        _cleanup_strv_free_ char **blobs = NULL, **layers = NULL;
        int r;

        for (char *const *c = config_digests; c && *c; c++) {
                r = mark_config(s, *c, &blobs, &layers);
                if (r < 0)
                        return r;
        }
        for (char *const *m = manifest_digests; m && *m; m++) {
                r = mark_manifest(s, *m, &blobs, &layers);
                if (r < 0)
                        return r;
        }
        if ((!blobs && !(blobs = calloc(1, sizeof(char *)))) || (!layers && !(layers = calloc(1, sizeof(char *)))))
                return -ENOMEM;
        *ret_blobs = TAKE_PTR(blobs);
        *ret_layers = TAKE_PTR(layers);
        return 0;
}

static int note(StoreSweepResult *res, const char *what, const char *name, uint64_t size) {
        char *p = strjoin(what, "/", name);

        if (!p)
                return -ENOMEM;
        res->bytes += size;
        return strv_consume(&res->removed, p);
}

/* A layer taken out of layers/ into tmp/, locked by us until it is removed. */
typedef struct Doomed {
        char *name;
        int fd;
} Doomed;

/* Every entry of KIND/ALG (blobs or layers) whose digest is not in keep goes. A layer is renamed
 * into tmp/ and locked there, and removed only once the store is open to others again (*doomed):
 * a sweep killed midway leaves debris there, never half a layer under its name, and no start
 * waits for the removal of a big tree. */
static int sweep_kind(Store *s, const char *kind, char *const *keep, StoreSweepResult *res, Doomed **doomed,
                      size_t *n_doomed) {
        static const char *const algs[] = { "sha256", "sha512" };
        int r, ret = 0;

        for (size_t a = 0; a < ELEMENTSOF(algs); a++) {
                _cleanup_free_ char *sub = path_join(kind, algs[a]);
                _cleanup_closedir_ DIR *d = NULL;
                _cleanup_strv_free_ char **names = NULL;
                struct dirent *de;
                int k;

                if (!sub)
                        return -ENOMEM;
                k = opendir_at(s->root_fd, sub, &d);
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        continue;
                while ((errno = 0, de = readdir(d)))
                        if (de->d_name[0] != '.' && strv_extend(&names, de->d_name) < 0)
                                return -ENOMEM;
                STRV_FOREACH(n, names) {
                        _cleanup_free_ char *digest = strjoin(algs[a], ":", *n);
                        uint64_t size = 0;
                        struct stat st;

                        if (!digest)
                                return -ENOMEM;
                        if (strv_contains(keep, digest))
                                continue;
                        if (fstatat(dirfd(d), *n, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        if (S_ISDIR(st.st_mode)) {
                                _cleanup_free_ char *tmp = NULL;
                                _cleanup_close_ int tfd = -EBADF, tmp_fd = -EBADF, lfd = -EBADF;

                                lfd = openat(dirfd(d), *n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                if (lfd >= 0)
                                        (void) tree_size_at(lfd, &size);
                                r = store_tmp_make(s, "removing", /* dir= */ true, &tmp, &tfd);
                                if (r >= 0)
                                        r = store_open_dir(s, "tmp", &tmp_fd);
                                /* Onto the empty directory we hold locked: atomic, and ours to
                                 * remove, or the next reclaim's if we are killed. */
                                if (r >= 0 && renameat(dirfd(d), *n, tmp_fd, tmp) < 0)
                                        r = -errno;
                                if (r >= 0) {
                                        /* The lock we held was the empty directory's it replaced:
                                         * the moved layer gets one of its own. */
                                        Doomed *t = reallocarray(*doomed, *n_doomed + 1, sizeof(Doomed));
                                        int dfd;

                                        if (!t)
                                                return -ENOMEM;
                                        *doomed = t;
                                        dfd = openat(tmp_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                        if (dfd >= 0)
                                                (void) flock(dfd, LOCK_EX | LOCK_NB);
                                        (*doomed)[(*n_doomed)++] = (Doomed) { .name = TAKE_PTR(tmp), .fd = dfd };
                                } else if (tmp && tmp_fd >= 0)
                                        (void) unlinkat(tmp_fd, tmp, AT_REMOVEDIR);
                        } else {
                                size = (uint64_t) st.st_size;
                                r = unlinkat(dirfd(d), *n, 0) < 0 ? -errno : 0;
                        }
                        if (r >= 0)
                                r = note(res, sub, *n, size);
                        if (r < 0 && ret == 0)
                                ret = r;
                }
        }
        return ret;
}

int store_sweep(Store *s, StoreContainerExists exists, void *userdata, StoreSweepResult *ret) {
        _cleanup_(store_sweep_result_done) StoreSweepResult res = {};
        _cleanup_strv_free_ char **configs = NULL, **manifests = NULL, **containers = NULL, **pinned = NULL,
                                 **blobs = NULL, **layers = NULL;
        StoreRef *refs = NULL;
        Doomed *doomed = NULL;
        size_t n = 0, n_doomed = 0;
        int r, ret_r = 0;

        /* Alone in the store, or not at all: a pull or a start holding it may be about to tag
         * what looks unreferenced now. Our own shared lock goes first (flock() would convert it,
         * and not atomically); it comes back whatever happens. */
        if (flock(s->lock_fd, LOCK_UN) < 0)
                return -errno;
        if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
                r = errno == EWOULDBLOCK ? 0 : -errno;
                while (flock(s->lock_fd, LOCK_SH) < 0 && errno == EINTR)
                        ;
                if (r < 0)
                        return r;
                *ret = (StoreSweepResult) { .skipped = true };
                return 0;
        }

        /* What the opening of the store reclaimed already is this sweep's to report. */
        res.removed = TAKE_PTR(s->reclaimed);
        res.bytes = s->reclaimed_bytes;
        s->reclaimed_bytes = 0;

        r = store_refs(s, &refs, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                r = strv_extend(&configs, refs[i].config_digest);
                if (r >= 0 && refs[i].manifest_digest)
                        r = strv_extend(&manifests, refs[i].manifest_digest);
        }
        if (refs)
                store_refs_free(refs, n);
        if (r >= 0)
                r = store_pins(s, &containers, &pinned);
        for (size_t i = 0; r >= 0 && containers[i]; i++) {
                if (exists && exists(containers[i], userdata))
                        r = strv_extend(&configs, pinned[i]);
                else if (store_unpin(s, containers[i]) >= 0)
                        r = note(&res, "pins", containers[i], 0);
        }
        if (r >= 0) {
                _cleanup_strv_free_ char **migrating = NULL;

                r = store_migrating_configs(s->old_images_dir, &migrating);
                STRV_FOREACH(m, migrating)
                        if (r >= 0)
                                r = strv_extend(&configs, *m);
        }
        if (r >= 0)
                r = store_mark(s, configs, manifests, &blobs, &layers);
        if (r >= 0) {
                /* Blobs last: a layer is reached through its config, and a sweep killed between the
                 * two leaves a config whose layers are gone only when nothing reached it. */
                ret_r = sweep_kind(s, "layers", layers, &res, &doomed, &n_doomed);
                r = sweep_kind(s, "blobs", blobs, &res, &doomed, &n_doomed);
                if (ret_r == 0)
                        ret_r = r;
                r = store_tmp_reclaim(s, &res.removed, &res.bytes);
                if (ret_r == 0)
                        ret_r = r;
                r = 0;
        }
        while (flock(s->lock_fd, LOCK_SH) < 0 && errno == EINTR)
                ;
        /* Out of everyone's way now: the layers taken out are removed, however long it takes. */
        for (size_t i = 0; i < n_doomed; i++) {
                _cleanup_free_ char *path = path_join(s->root, "tmp", doomed[i].name);
                int k = path ? rm_rf(path) : -ENOMEM;

                if (k < 0 && ret_r == 0)
                        ret_r = k;
                free(doomed[i].name);
                safe_close(doomed[i].fd);
        }
        free(doomed);
        if (r < 0)
                return r;
        if (!res.removed && !(res.removed = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = res;
        res = (StoreSweepResult) {};
        return ret_r;
}
