/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth-file.h"
#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

#define PODMAN_AUTH_FILE "/run/containers/0/auth.json"

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t size) {
        const unsigned char *d = data;
        char *s = malloc((size + 2) / 3 * 4 + 1), *p = s;

        if (!s)
                return NULL;
        for (size_t i = 0; i < size; i += 3) {
                unsigned v = (unsigned) d[i] << 16 | (i + 1 < size ? (unsigned) d[i + 1] << 8 : 0) |
                             (i + 2 < size ? d[i + 2] : 0);

                *p++ = b64[v >> 18 & 63];
                *p++ = b64[v >> 12 & 63];
                *p++ = i + 1 < size ? b64[v >> 6 & 63] : '=';
                *p++ = i + 2 < size ? b64[v & 63] : '=';
        }
        *p = '\0';
        return s;
}

int base64_decode(const char *s, char **ret, size_t *ret_size) {
        size_t len = strlen(s), n = 0;
        _cleanup_free_ char *out = NULL;

        if (len % 4 != 0)
                return -EINVAL;
        out = malloc(len / 4 * 3 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < len; i += 4) {
                unsigned v = 0;
                int pad = 0;

                for (size_t j = 0; j < 4; j++) {
                        const char *c = s[i + j] ? strchr(b64, s[i + j]) : NULL;

                        if (s[i + j] == '=' && i + 4 == len && j >= 2) {
                                pad++;
                                v <<= 6;
                                continue;
                        }
                        if (!c || pad > 0)
                                return -EINVAL;
                        v = v << 6 | (unsigned) (c - b64);
                }
                out[n++] = (char) (v >> 16);
                if (pad < 2)
                        out[n++] = (char) (v >> 8 & 255);
                if (pad < 1)
                        out[n++] = (char) (v & 255);
        }
        out[n] = '\0';
        *ret = TAKE_PTR(out);
        if (ret_size)
                *ret_size = n;
        return 0;
}

char **auth_files_default(void) {
        _cleanup_strv_free_ char **l = NULL;
        const char *e, *home;

        e = secure_getenv("REGISTRY_AUTH_FILE");
        if (!isempty(e) && strv_extend(&l, e) < 0)
                return NULL;
        if (strv_extend(&l, PODMAN_AUTH_FILE) < 0)
                return NULL;
        e = secure_getenv("DOCKER_CONFIG");
        home = secure_getenv("HOME");
        if (!isempty(e)) {
                if (strv_consume(&l, path_join(e, "config.json")) < 0)
                        return NULL;
        } else if (!isempty(home) && strv_consume(&l, path_join(home, ".docker/config.json")) < 0)
                return NULL;
        return TAKE_PTR(l);
}

const char *auth_file_for_writing(void) {
        const char *e = secure_getenv("REGISTRY_AUTH_FILE");

        return isempty(e) ? PODMAN_AUTH_FILE : e;
}

char *auth_registry_key(const char *s) {
        const char *p = startswith(s, "https://") ?: startswith(s, "http://") ?: s;
        _cleanup_free_ char *host = strndup(p, strcspn(p, "/"));

        if (!host)
                return NULL;
        if (streq(host, "index.docker.io") || streq(host, "registry-1.docker.io") ||
            streq(host, "registry.hub.docker.com"))
                return strdup("docker.io");
        return TAKE_PTR(host);
}

/* The file's JSON object; *ret NULL when it does not exist. */
static int read_auth_json(const char *path, json_object **ret, char **ret_why) {
        _cleanup_free_ char *text = NULL;
        enum json_tokener_error e;
        json_object *o;
        int r;

        r = read_full_file_at(AT_FDCWD, path, AUTH_FILE_SIZE_MAX, &text, NULL);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return reason(ret_why, r, "%s: %s", path, strerror(-r));
        o = json_tokener_parse_verbose(text, &e);
        if (!o)
                return reason(ret_why, -EINVAL, "%s is not JSON: %s", path, json_tokener_error_desc(e));
        if (!json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return reason(ret_why, -EINVAL, "%s is not a JSON object", path);
        }
        *ret = o;
        return 0;
}

/* The key of auths that names registry: "registry" itself, or a docker-style URL of it. */
static const char *find_key(json_object *auths, const char *registry) {
        json_object_object_foreach(auths, k, v) {
                _cleanup_free_ char *key = auth_registry_key(k);

                (void) v;
                if (key && streq(key, registry))
                        return k;
        }
        return NULL;
}

int auth_file_lookup(char *const *files, const char *registry, char **ret_user, char **ret_password,
                     char **ret_file, char **ret_why) {
        STRV_FOREACH(f, (char **) files) {
                _cleanup_json_ json_object *o = NULL;
                _cleanup_free_ char *plain = NULL;
                json_object *auths, *entry, *auth;
                const char *key, *colon;
                int r;

                r = read_auth_json(*f, &o, ret_why);
                if (r < 0)
                        return r;
                if (!o || !json_object_object_get_ex(o, "auths", &auths) ||
                    !json_object_is_type(auths, json_type_object))
                        continue;
                key = find_key(auths, registry);
                if (!key)
                        continue;
                entry = json_object_object_get(auths, key);
                if (!json_object_is_type(entry, json_type_object) ||
                    !json_object_object_get_ex(entry, "auth", &auth) ||
                    !json_object_is_type(auth, json_type_string))
                        continue; /* an entry a credential helper keeps: not ours to read */
                r = base64_decode(json_object_get_string(auth), &plain, NULL);
                if (r == -ENOMEM)
                        return r;
                colon = r < 0 ? NULL : strchr(plain, ':');
                if (!colon)
                        return reason(ret_why, -EINVAL,
                                      "%s: the \"auth\" of \"%s\" is not base64 of USER:PASSWORD", *f, key);
                _cleanup_free_ char *user = strndup(plain, (size_t) (colon - plain));
                _cleanup_free_ char *password = strdup(colon + 1);
                _cleanup_free_ char *file = strdup(*f);
                if (!user || !password || !file)
                        return -ENOMEM;
                *ret_user = TAKE_PTR(user);
                *ret_password = TAKE_PTR(password);
                if (ret_file)
                        *ret_file = TAKE_PTR(file);
                return 1;
        }
        return 0;
}

static int write_auth_json(const char *path, json_object *o, char **ret_why) {
        _cleanup_free_ char *dir = strdup(path), *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *text;
        char *slash;
        int r;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                r = mkdir_p(dir, 0700);
                if (r < 0)
                        return reason(ret_why, r, "creating %s: %s", dir, strerror(-r));
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        /* mkstemp's 0600, the mode of a file of secrets, from its first byte on. */
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return reason(ret_why, -errno, "creating a file next to %s: %m", path);
        r = loop_write(fd, text, strlen(text));
        if (r >= 0)
                r = loop_write(fd, "\n", 1);
        if (r >= 0 && fchmod(fd, 0600) < 0)
                r = -errno;
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                return reason(ret_why, r, "writing %s: %s", path, strerror(-r));
        }
        return 0;
}

int auth_file_store(const char *path, const char *registry, const char *user, const char *password,
                    char **ret_why) {
        _cleanup_json_ json_object *o = NULL;
        _cleanup_free_ char *plain = NULL, *encoded = NULL;
        json_object *auths, *entry;
        const char *old;
        int r;

        r = read_auth_json(path, &o, ret_why);
        if (r < 0)
                return r;
        if (!o && !(o = json_object_new_object()))
                return -ENOMEM;
        if (!json_object_object_get_ex(o, "auths", &auths) ||
            !json_object_is_type(auths, json_type_object)) {
                auths = json_object_new_object();
                if (!auths || json_object_object_add(o, "auths", auths) < 0)
                        return -ENOMEM;
        }
        /* One entry per registry: an old spelling of it goes. */
        while ((old = find_key(auths, registry)))
                json_object_object_del(auths, old);
        if (asprintf(&plain, "%s:%s", user, password) < 0)
                return -ENOMEM;
        encoded = base64_encode(plain, strlen(plain));
        entry = json_object_new_object();
        if (!encoded || !entry)
                return -ENOMEM;
        if (json_object_object_add(auths, registry, entry) < 0 ||
            json_object_object_add(entry, "auth", json_object_new_string(encoded)) < 0)
                return -ENOMEM;
        return write_auth_json(path, o, ret_why);
}

int auth_file_remove(const char *path, const char *registry, char **ret_why) {
        _cleanup_json_ json_object *o = NULL;
        json_object *auths;
        const char *old;
        bool found = false;
        int r;

        r = read_auth_json(path, &o, ret_why);
        if (r < 0)
                return r;
        if (!o || !json_object_object_get_ex(o, "auths", &auths) ||
            !json_object_is_type(auths, json_type_object))
                return -ENOENT;
        while ((old = find_key(auths, registry))) {
                json_object_object_del(auths, old);
                found = true;
        }
        if (!found)
                return -ENOENT;
        return write_auth_json(path, o, ret_why);
}
