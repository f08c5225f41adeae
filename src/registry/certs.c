/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs.h"
#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

void registry_certs_done(RegistryCerts *c) {
        free(c->dir);
        free(c->ca_pem);
        free(c->client_cert);
        free(c->client_key);
        *c = (RegistryCerts) {};
}

/* The names in dir ending in suffix, sorted. */
static int names_with(DIR *d, const char *suffix, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        struct dirent *de;

        rewinddir(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && endswith(de->d_name, suffix) && strv_extend(&l, de->d_name) < 0)
                        return -ENOMEM;
        strv_sort(l);
        *ret = TAKE_PTR(l);
        return 0;
}

static int load_dir(const char *path, DIR *d, RegistryCerts *c, char **ret_why) {
        _cleanup_strv_free_ char **crts = NULL, **certs = NULL, **keys = NULL;
        int r;

        if (names_with(d, ".crt", &crts) < 0 || names_with(d, ".cert", &certs) < 0 ||
            names_with(d, ".key", &keys) < 0)
                return -ENOMEM;

        STRV_FOREACH(n, crts) {
                _cleanup_free_ char *text = NULL;
                size_t size;
                char *p;

                /* A regular file only: a FIFO there must not hang a pull. */
                r = read_full_file_at(dirfd(d), *n, CERTS_SIZE_MAX, &text, &size);
                if (r < 0)
                        return reason(ret_why, r, "%s/%s: %s", path, *n, strerror(-r));
                if (c->ca_size + size + 1 > CERTS_SIZE_MAX)
                        return reason(ret_why, -EFBIG, "%s: the CA files are over %u bytes together", path,
                                      CERTS_SIZE_MAX);
                p = realloc(c->ca_pem, c->ca_size + size + 2);
                if (!p)
                        return -ENOMEM;
                c->ca_pem = p;
                memcpy(p + c->ca_size, text, size);
                c->ca_size += size;
                if (size > 0 && p[c->ca_size - 1] != '\n')
                        p[c->ca_size++] = '\n';
                p[c->ca_size] = '\0';
        }

        STRV_FOREACH(n, certs) {
                _cleanup_free_ char *key = strjoin(strndupa(*n, strlen(*n) - STRLEN(".cert")), ".key");

                if (!key)
                        return -ENOMEM;
                if (!strv_contains(keys, key))
                        return reason(ret_why, -EINVAL, "%s/%s has no key %s next to it", path, *n, key);
                if (c->client_cert)
                        return reason(ret_why, -EINVAL, "%s holds more than one client certificate", path);
                c->client_cert = path_join(path, *n);
                c->client_key = path_join(path, key);
                if (!c->client_cert || !c->client_key)
                        return -ENOMEM;
        }
        STRV_FOREACH(n, keys) {
                _cleanup_free_ char *cert = strjoin(strndupa(*n, strlen(*n) - STRLEN(".key")), ".cert");

                if (!cert)
                        return -ENOMEM;
                if (!strv_contains(certs, cert))
                        return reason(ret_why, -EINVAL, "%s/%s has no certificate %s next to it", path, *n,
                                      cert);
        }
        return 0;
}

int registry_certs_find(char *const *dirs, const char *registry, RegistryCerts *ret, char **ret_why) {
        if (!filename_is_valid(registry))
                return reason(ret_why, -EINVAL, "'%s' is not a registry's name", SHOWN(registry));

        STRV_FOREACH(top, (char **) dirs) {
                _cleanup_(registry_certs_done) RegistryCerts c = {};
                _cleanup_closedir_ DIR *d = NULL;
                int r;

                c.dir = path_join(*top, registry);
                if (!c.dir)
                        return -ENOMEM;
                d = opendir(c.dir);
                if (!d) {
                        if (errno == ENOENT || errno == ENOTDIR)
                                continue;
                        return reason(ret_why, -errno, "%s: %m", c.dir);
                }
                r = load_dir(c.dir, d, &c, ret_why);
                if (r < 0)
                        return r;
                *ret = c;
                c = (RegistryCerts) {};
                return 0;
        }
        *ret = (RegistryCerts) {};
        return 0;
}
