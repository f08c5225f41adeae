/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's references and what an image is made of: refs/, and a config's rootfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A reference is at most 255 characters of name, a tag of 128 and a digest: a file name has 255. */
#define REF_LINE_MAX 512U

char *store_ref_escape(const char *reference) {
        char *e;

        if (isempty(reference) || strchr(reference, '+') || string_has_control_chars(reference) ||
            reference[0] == '.' || strlen(reference) > 255)
                return NULL;
        e = strdup(reference);
        if (!e)
                return NULL;
        for (char *p = e; *p; p++)
                if (*p == '/')
                        *p = '+';
        return e;
}

char *store_ref_unescape(const char *name) {
        char *r;

        if (isempty(name) || strchr(name, '/') || name[0] == '.' || string_has_control_chars(name))
                return NULL;
        r = strdup(name);
        if (!r)
                return NULL;
        for (char *p = r; *p; p++)
                if (*p == '+')
                        *p = '/';
        return r;
}

static int parse_ref_line(char *text, char **ret_config, char **ret_manifest) {
        char *space;

        text[strcspn(text, "\n")] = 0;
        space = strchr(text, ' ');
        if (!space)
                return -EBADMSG;
        *space = 0;
        if (!digest_is_valid(text) || (!streq(space + 1, "-") && !digest_is_valid(space + 1)))
                return -EBADMSG;
        if (ret_config && !(*ret_config = strdup(text)))
                return -ENOMEM;
        if (ret_manifest) {
                *ret_manifest = NULL;
                if (!streq(space + 1, "-") && !(*ret_manifest = strdup(space + 1))) {
                        if (ret_config) {
                                free(*ret_config);
                                *ret_config = NULL;
                        }
                        return -ENOMEM;
                }
        }
        return 0;
}

int store_lookup(Store *s, const char *reference, char **ret_config, char **ret_manifest) {
        _cleanup_free_ char *esc = NULL, *path = NULL, *text = NULL;
        int r;

        esc = store_ref_escape(reference);
        if (!esc)
                return -ENOENT;
        path = path_join("refs", esc);
        if (!path)
                return -ENOMEM;
        r = read_full_file_at(s->root_fd, path, REF_LINE_MAX, &text, NULL);
        if (r == -EBADFD || r == -EISDIR || r == -ELOOP)
                return -ENOENT;
        if (r < 0)
                return r;
        r = parse_ref_line(text, ret_config, ret_manifest);
        return r == -EBADMSG ? -ENOENT : r;
}

int store_tag(Store *s, const char *reference, const char *config_digest, const char *manifest_digest,
              char **ret_why) {
        _cleanup_strv_free_ char **chains = NULL;
        _cleanup_free_ char *esc = NULL, *line = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        esc = store_ref_escape(reference);
        if (!esc)
                return reason(ret_why, -EINVAL, "'%s' cannot be stored as a reference", reference);
        if (!digest_is_valid(config_digest) || (manifest_digest && !digest_is_valid(manifest_digest)))
                return reason(ret_why, -EINVAL, "not a digest: %s", digest_is_valid(config_digest) ? manifest_digest : config_digest);
        /* The ref comes last: everything it names is there before it appears. */
        r = store_image_layers(s, config_digest, NULL, &chains);
        if (r == -ENOENT)
                return reason(ret_why, r, "image %s is not in the store", config_digest);
        if (r < 0)
                return reason(ret_why, r, "the config %s is not an image's: %s", config_digest, strerror(-r));
        STRV_FOREACH(c, chains)
                if (!store_has_layer(s, *c))
                        return reason(ret_why, -ENOENT, "layer %s of image %s is not in the store", *c, config_digest);
        if (manifest_digest && !store_has_blob(s, manifest_digest))
                return reason(ret_why, -ENOENT, "manifest %s is not in the store", manifest_digest);

        line = strjoin(config_digest, " ", manifest_digest ?: "-", "\n");
        if (!line)
                return -ENOMEM;
        r = store_open_dir(s, "refs", &dir_fd);
        if (r >= 0)
                r = store_write_file(s, dir_fd, esc, line, strlen(line), 0644, /* sync= */ true);
        if (r < 0)
                return reason(ret_why, r, "cannot write reference %s in %s: %s", reference, s->root, strerror(-r));
        return 0;
}

int store_untag(Store *s, const char *reference) {
        _cleanup_free_ char *esc = NULL, *path = NULL;
        _cleanup_close_ int dir_fd = -EBADF;

        esc = store_ref_escape(reference);
        if (!esc)
                return -ENOENT;
        path = path_join("refs", esc);
        if (!path)
                return -ENOMEM;
        if (unlinkat(s->root_fd, path, 0) < 0)
                return -errno;
        if (store_open_dir(s, "refs", &dir_fd) >= 0)
                (void) fsync(dir_fd);
        return 0;
}

void store_refs_free(StoreRef *refs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(refs[i].reference);
                free(refs[i].config_digest);
                free(refs[i].manifest_digest);
        }
        free(refs);
}

int store_refs(Store *s, StoreRef **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        StoreRef *refs = NULL;
        struct dirent *de;
        size_t n = 0;
        int r;

        r = opendir_at(s->root_fd, "refs", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d)))
                if (de->d_name[0] != '.' && strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        if (errno > 0)
                return -errno;
        strv_sort(names);
        refs = calloc(strv_length(names) + 1, sizeof(StoreRef));
        if (!refs)
                return -ENOMEM;
        STRV_FOREACH(name, names) {
                _cleanup_free_ char *reference = store_ref_unescape(*name);

                if (!reference)
                        continue;
                r = store_lookup(s, reference, &refs[n].config_digest, &refs[n].manifest_digest);
                if (r == -ENOENT)
                        continue; /* gone meanwhile, or not a ref */
                if (r < 0) {
                        store_refs_free(refs, n);
                        return r;
                }
                refs[n++].reference = TAKE_PTR(reference);
        }
        *ret = refs;
        *ret_n = n;
        return 0;
}

/* ---- images ---- */

int store_image_layers(Store *s, const char *config_digest, char ***ret_diff_ids, char ***ret_chain_ids) {
        _cleanup_strv_free_ char **diff_ids = NULL, **chains = NULL;
        _cleanup_free_ char *text = NULL;
        json_object *top, *rootfs, *ids;
        int r;

        r = store_blob_get(s, config_digest, &text, NULL);
        if (r < 0)
                return r;
        top = json_tokener_parse(text);
        if (!top)
                return -EBADMSG;
        r = 0;
        if (!json_object_object_get_ex(top, "rootfs", &rootfs) || !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
            !json_object_is_type(ids, json_type_array) || json_object_array_length(ids) == 0)
                r = -EBADMSG;
        for (size_t i = 0; r >= 0 && i < json_object_array_length(ids); i++) {
                json_object *d = json_object_array_get_idx(ids, i);
                char chain[DIGEST_STRING_MAX];

                if (!json_object_is_type(d, json_type_string) || !digest_is_valid(json_object_get_string(d))) {
                        r = -EBADMSG;
                        break;
                }
                digest_chain_id(i == 0 ? NULL : chains[i - 1], json_object_get_string(d), chain);
                r = strv_extend(&diff_ids, json_object_get_string(d));
                if (r >= 0)
                        r = strv_extend(&chains, chain);
        }
        json_object_put(top);
        if (r < 0)
                return r;
        if (ret_diff_ids)
                *ret_diff_ids = TAKE_PTR(diff_ids);
        if (ret_chain_ids)
                *ret_chain_ids = TAKE_PTR(chains);
        return 0;
}

int store_image_lowerdirs(Store *s, const char *config_digest, char ***ret_lowerdirs) {
        _cleanup_strv_free_ char **chains = NULL, **paths = NULL;
        size_t n;
        int r;

        r = store_image_layers(s, config_digest, NULL, &chains);
        if (r < 0)
                return r;
        n = strv_length(chains);
        for (size_t i = n; i > 0; i--) {
                _cleanup_free_ char *rel = NULL;
                struct stat st;

                r = store_digest_path("layers", chains[i - 1], &rel);
                if (r < 0)
                        return r;
                /* A layer is mounted by its path: a symlink there would let anyone who wrote it name
                 * any directory of the host as the image's content. */
                if (fstatat(s->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return errno == ENOENT ? -ENOENT : -errno;
                if (!S_ISDIR(st.st_mode))
                        return -EBADMSG;
                r = strv_consume(&paths, path_join(s->root, rel));
                if (r < 0)
                        return r;
        }
        *ret_lowerdirs = TAKE_PTR(paths);
        return 0;
}

int store_image_ids(Store *s, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL, **pinned = NULL;
        StoreRef *refs = NULL;
        size_t n = 0;
        int r;

        r = store_refs(s, &refs, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; r >= 0 && i < n; i++)
                if (!strv_contains(ids, refs[i].config_digest))
                        r = strv_extend(&ids, refs[i].config_digest);
        store_refs_free(refs, n);
        if (r < 0)
                return r;
        r = store_pins(s, NULL, &pinned);
        if (r < 0)
                return r;
        STRV_FOREACH(p, pinned)
                if (!strv_contains(ids, *p) && store_has_blob(s, *p) && strv_extend(&ids, *p) < 0)
                        return -ENOMEM;
        if (!ids && !(ids = calloc(1, sizeof(char *))))
                return -ENOMEM;
        strv_sort(ids);
        *ret = TAKE_PTR(ids);
        return 0;
}

int store_image_size(Store *s, const char *config_digest, uint64_t *ret) {
        _cleanup_strv_free_ char **chains = NULL;
        uint64_t total = 0;
        int r;

        r = store_image_layers(s, config_digest, NULL, &chains);
        if (r < 0)
                return r;
        STRV_FOREACH(c, chains) {
                _cleanup_free_ char *rel = NULL;
                _cleanup_close_ int fd = -EBADF;
                uint64_t size = 0;

                r = store_digest_path("layers", *c, &rel);
                if (r < 0)
                        return r;
                fd = openat(s->root_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                r = tree_size_at(fd, &size);
                if (r < 0)
                        return r;
                total += size;
        }
        *ret = total;
        return 0;
}

static char *get_string(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return strdup(json_object_get_string(v));
}

int store_image_info(Store *s, const char *config_digest, char **ret_created, char **ret_architecture,
                     char **ret_os) {
        _cleanup_free_ char *text = NULL;
        json_object *top;
        int r;

        r = store_blob_get(s, config_digest, &text, NULL);
        if (r < 0)
                return r;
        top = json_tokener_parse(text);
        if (!top)
                return -EBADMSG;
        *ret_created = get_string(top, "created");
        *ret_architecture = get_string(top, "architecture");
        *ret_os = get_string(top, "os");
        json_object_put(top);
        return 0;
}
