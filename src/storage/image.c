/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "berth-conf.h"
#include "copy.h"
#include "definition-mounts.h"
#include "digest.h"
#include "fd-util.h"
#include "image.h"
#include "layer.h"
#include "name.h"
#include "path-util.h"
#include "reference.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

/* A definition file larger than this is not one. */
#define DEFINITION_SIZE_MAX (1024U * 1024U)
/* docker's shortest ID prefix that berth takes: a shorter one would too easily name a name. */
#define ID_PREFIX_MIN 12U

/* berth.conf's [Images], read once per process: the search list and aliases a short name goes
 * through. A berth.conf that does not parse is said by whoever reads it for its own keys; here
 * the defaults stand in. */
static const ImagesConfig *images_config(void) {
        static BerthConfig config;
        static bool loaded;

        if (!loaded) {
                _cleanup_free_ char *error = NULL;

                if (berth_config_load(NULL, &config, &error) < 0)
                        berth_config_default(&config);
                loaded = true;
        }
        return &config.images;
}

/* What the store tries, in order, for what a user wrote (a reference or a short name). */
static int image_candidates(const char *what, char ***ret_local, char **ret_why) {
        _cleanup_free_ char *pull = NULL, *why = NULL;
        int r;

        r = reference_candidates(what, images_config(), ret_local, &pull, &why);
        if (r < 0 && ret_why)
                *ret_why = TAKE_PTR(why);
        return r;
}

static bool is_hex(const char *s) {
        return !isempty(s) && strspn(s, "0123456789abcdef") == strlen(s);
}

/* "sha256:HEX", or ID_PREFIX_MIN or more hex digits (of a sha256 ID, as docker prints them). */
static int lookup_id(Store *s, const char *what, char **ret_id) {
        _cleanup_strv_free_ char **ids = NULL;
        const char *hex = startswith(what, "sha256:") ?: what;
        char *found = NULL;
        int r;

        if (!is_hex(hex) || strlen(hex) < ID_PREFIX_MIN || strlen(hex) > 64)
                return -ENOENT;
        r = store_image_ids(s, &ids);
        if (r < 0)
                return r;
        STRV_FOREACH(id, ids) {
                if (!startswith(*id + STRLEN("sha256:"), hex) || !startswith(*id, "sha256:"))
                        continue;
                if (found)
                        return -EADDRINUSE;
                found = *id;
        }
        if (!found)
                return -ENOENT;
        *ret_id = strdup(found);
        return *ret_id ? 0 : -ENOMEM;
}

/* REPO@DIGEST without a ref of its own: the image that a ref of the same repository came with that
 * manifest. 1 found, 0 not. */
static int lookup_by_manifest(Store *s, const char *candidate, char **ret_id) {
        _cleanup_(reference_done) Reference want = REFERENCE_NULL;
        _cleanup_free_ char *repo = NULL;
        StoreRef *refs = NULL;
        size_t n = 0;
        int r, found = 0;

        if (reference_parse(candidate, &want, NULL) < 0 || !want.digest)
                return 0;
        repo = reference_repository(&want);
        if (!repo)
                return -ENOMEM;
        r = store_refs(s, &refs, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && !found; i++) {
                _cleanup_(reference_done) Reference got = REFERENCE_NULL;
                _cleanup_free_ char *got_repo = NULL;

                if (!streq_ptr(refs[i].manifest_digest, want.digest) || reference_parse(refs[i].reference, &got, NULL) < 0)
                        continue;
                got_repo = reference_repository(&got);
                if (streq_ptr(got_repo, repo)) {
                        *ret_id = strdup(refs[i].config_digest);
                        found = *ret_id ? 1 : -ENOMEM;
                }
        }
        store_refs_free(refs, n);
        return found;
}

int image_lookup(Store *s, const char *what, char **ret_id, char **ret_reference, char **ret_why) {
        _cleanup_strv_free_ char **candidates = NULL;
        _cleanup_free_ char *id = NULL, *tried = NULL;
        int r;

        if (isempty(what))
                return reason(ret_why, -EINVAL, "no image named");
        r = lookup_id(s, what, &id);
        if (r == -EADDRINUSE)
                return reason(ret_why, r, "image ID prefix '%s' is ambiguous: give more of it", what);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r >= 0) {
                if (ret_reference)
                        *ret_reference = NULL;
                *ret_id = TAKE_PTR(id);
                return 0;
        }
        /* A full "sha256:…" ID that is no image is not a reference either. */
        if (startswith(what, "sha256:"))
                return reason(ret_why, -ENOENT, "no image with ID %s", what);

        r = image_candidates(what, &candidates, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(c, candidates) {
                r = store_lookup(s, *c, &id, NULL);
                if (r == -ENOENT) {
                        r = lookup_by_manifest(s, *c, &id);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                continue;
                }
                if (r < 0)
                        return r;
                if (ret_reference) {
                        *ret_reference = strdup(*c);
                        if (!*ret_reference)
                                return -ENOMEM;
                }
                *ret_id = TAKE_PTR(id);
                return 0;
        }
        tried = strv_join(candidates, ", ");
        return reason(ret_why, -ENOENT, "image '%s' not found (tried %s)", what, tried ?: what);
}

int image_resolve(Store *s, const char *what, char ***ret_lowerdirs, char **ret_id, char **ret_why) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = image_lookup(s, what, &id, NULL, ret_why);
        if (r < 0)
                return r;
        r = store_image_lowerdirs(s, id, ret_lowerdirs);
        if (r == -ENOENT || r == -EBADMSG)
                return reason(ret_why, -EBADMSG, "image '%s' (%s) is incomplete in the store: %s", what, id,
                              r == -ENOENT ? "a layer is missing" : "a layer is not a directory");
        if (r < 0)
                return r;
        if (ret_id)
                *ret_id = TAKE_PTR(id);
        return 0;
}

/* what, parsed and qualified with domain when it has none. */
static int qualify(const char *what, const char *domain, char **ret, char **ret_why) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        int k;

        k = reference_parse(what, &r, ret_why);
        if (k < 0)
                return k;
        k = reference_qualify(&r, r.domain ? NULL : domain);
        if (k == -EINVAL)
                return reason(ret_why, k, "'%s' is not a valid image reference: the name is longer than %d characters",
                              what, REFERENCE_NAME_MAX);
        if (k < 0)
                return k;
        *ret = reference_to_string(&r);
        return *ret ? 0 : -ENOMEM;
}

int image_local_reference(const char *name, char **ret, char **ret_why) {
        return qualify(name, REFERENCE_LOCAL_DOMAIN, ret, ret_why);
}

int image_tag_reference(const char *tag, char **ret, char **ret_why) {
        return qualify(tag, REFERENCE_DEFAULT_DOMAIN, ret, ret_why);
}

int image_store_error(Store *s, int r, char **ret_why) {
        _cleanup_free_ char *detail = NULL;

        if (r != -ENOSPC && r != -EDQUOT)
                return r;
        if (!ret_why)
                return r;
        detail = TAKE_PTR(*ret_why);
        if (r == -ENOSPC)
                return reason(ret_why, r, "the disk is full: no space left in %s%s%s%s", store_root(s),
                              detail ? " (" : "", detail ?: "", detail ? ")" : "");
        return reason(ret_why, r, "the disk quota is exhausted: no space left for %s%s%s%s", store_root(s),
                      detail ? " (" : "", detail ?: "", detail ? ")" : "");
}

/* ---- import ---- */

typedef int (*LayerFill)(int dir_fd, void *userdata, char diff_id[static DIGEST_STRING_MAX], char **ret_why);

/* One layer made by fill() in a staging directory, committed by its chain ID, its config
 * written and the reference last. */
static int import_one(Store *s, const char *reference, LayerFill fill, void *userdata, char **ret_id,
                      char **ret_why) {
        _cleanup_free_ char *config_text = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        char diff_id[DIGEST_STRING_MAX], config[DIGEST_STRING_MAX];
        struct timespec now;
        StoreStaging *st = NULL;
        int r;

        r = store_layer_stage(s, &st, &dir_fd, ret_why);
        if (r < 0)
                return image_store_error(s, r, ret_why);
        r = fill(dir_fd, userdata, diff_id, ret_why);
        if (r < 0) {
                store_staging_abort(st);
                return image_store_error(s, r, ret_why);
        }
        /* One layer: its chain ID is its diff ID. */
        r = store_layer_commit(s, st, diff_id, ret_why);
        if (r < 0)
                return image_store_error(s, r, ret_why);
        (void) clock_gettime(CLOCK_REALTIME, &now);
        r = store_config_make((char *[]) { diff_id, NULL }, NULL, &now, &config_text, config);
        if (r < 0)
                return r;
        r = store_blob_put(s, config, config_text, strlen(config_text), ret_why);
        if (r >= 0)
                r = store_tag(s, reference, config, NULL, ret_why);
        if (r < 0)
                return image_store_error(s, r, ret_why);
        if (ret_id) {
                *ret_id = strdup(config);
                if (!*ret_id)
                        return -ENOMEM;
        }
        return 0;
}

static int fill_from_dir(int dir_fd, void *userdata, char diff_id[static DIGEST_STRING_MAX], char **ret_why) {
        int r;

        r = copy_tree_at(*(int *) userdata, dir_fd, COPY_ROOT_ATTRS);
        if (r < 0)
                return r;
        return layer_diff_id(dir_fd, diff_id, ret_why);
}

int image_import_dir(Store *s, const char *src_dir, const char *reference, char **ret_id, char **ret_why) {
        _cleanup_close_ int src_fd = -EBADF;
        int r;

        /* Following a symlink in src_dir is fine: it is a host path the administrator named. */
        src_fd = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src_fd < 0)
                return -errno;
        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        return import_one(s, reference, fill_from_dir, &src_fd, ret_id, ret_why);
}

static int fill_from_archive(int dir_fd, void *userdata, char diff_id[static DIGEST_STRING_MAX], char **ret_why) {
        /* The digest of the decompressed tar stream is the layer's diff ID, as the image spec
         * defines it; "sha256:" asks for it in that algorithm. */
        LayerDigests d = { .uncompressed = "sha256:" };
        int r;

        r = layer_unpack_digests(*(int *) userdata, dir_fd, /* whiteouts= */ false, &d, ret_why);
        if (r < 0)
                return r;
        snprintf(diff_id, DIGEST_STRING_MAX, "%s", d.uncompressed_actual);
        return 0;
}

int image_import_archive(Store *s, int archive_fd, const char *reference, char **ret_id, char **ret_why) {
        return import_one(s, reference, fill_from_archive, &archive_fd, ret_id, ret_why);
}

/* ---- users ---- */

/* Issue 16: leftovers. The source= of a "Mount=type=image,…" value, in *ret (NULL for another
 * Mount=): its fields as the parser splits them (definition-mounts.h). */
static int mount_image_source(const char *value, char **ret) {
        _cleanup_(volume_mount_done) VolumeMount m = {};

        *ret = NULL;
        if (definition_mount_parse(value, &m, NULL) < 0 || m.type != VOLUME_IMAGE)
                return 0;
        *ret = TAKE_PTR(m.source);
        return 0;
}

/* Each "Image=VALUE" line of a definition text (blanks around '=' and the value allowed, the value
 * optionally quoted), and each Mount=type=image's source (Issue 16: leftovers). */
static int definition_images(char *text, char ***ret) {
        char *line, *saveptr = NULL;

        for (line = strtok_r(text, "\n", &saveptr); line; line = strtok_r(NULL, "\n", &saveptr)) {
                const char *v;
                char *value;
                size_t n;
                bool mount = false;

                line = strstrip(line);
                v = startswith(line, "Image");
                if (!v && (v = startswith(line, "Mount")))
                        mount = true;
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
                if (mount) {
                        char *source = NULL;

                        if (mount_image_source(value, &source) < 0 || (source && strv_consume(ret, source) < 0))
                                return -ENOMEM;
                        continue;
                }
                if (strv_extend(ret, value) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int image_users(Store *s, const char *id, char ***ret_containers) {
        _cleanup_strv_free_ char **seen = NULL, **users = NULL;
        char *const *dirs;
        int r;

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
                        _cleanup_strv_free_ char **images = NULL;
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
                        if (!(name_is_valid(container) || name_is_template(container)) ||
                            strv_contains(seen, container))
                                continue; /* an earlier directory wins, as in the generator */
                        r = strv_extend(&seen, container);
                        if (r < 0)
                                return r;

                        r = read_full_file_at(dirfd(d), de->d_name, DEFINITION_SIZE_MAX, &text, NULL);
                        if (r == -ENOENT || r == -EBADFD || r == -EISDIR) /* gone, or not a file */
                                continue;
                        if (r < 0)
                                return r;
                        r = definition_images(text, &images);
                        if (r < 0)
                                return r;
                        STRV_FOREACH(image, images) {
                                _cleanup_free_ char *found = NULL;

                                /* By what it resolves to now: "web", "localhost/web" and the ID all
                                 * name one image. */
                                if (image_lookup(s, *image, &found, NULL, NULL) < 0 || !streq(found, id))
                                        continue;
                                r = strv_extend(&users, container);
                                if (r < 0)
                                        return r;
                                break;
                        }
                }
        }

        if (!users && !(users = calloc(1, sizeof(char *))))
                return -ENOMEM;
        strv_sort(users);
        *ret_containers = TAKE_PTR(users);
        return 0;
}
