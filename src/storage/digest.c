/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "digest.h"
#include "dlopen-util.h"
#include "macro.h"
#include "string-util.h"

/* nettle, opened on first use with libarchive (layer.h): only image verbs hash. */
#define LIBNETTLE_SONAME "libnettle.so.8"
static void *libnettle;
static typeof(nettle_sha256_init) *sym_nettle_sha256_init;
static typeof(nettle_sha256_update) *sym_nettle_sha256_update;
static typeof(nettle_sha256_digest) *sym_nettle_sha256_digest;
static typeof(nettle_sha512_init) *sym_nettle_sha512_init;
static typeof(nettle_sha512_update) *sym_nettle_sha512_update;
static typeof(nettle_sha512_digest) *sym_nettle_sha512_digest;

int digest_dlopen(char **ret_why) {
        static const DlopenSymbol symbols[] = {
                DLSYM(nettle_sha256_init), DLSYM(nettle_sha256_update), DLSYM(nettle_sha256_digest),
                DLSYM(nettle_sha512_init), DLSYM(nettle_sha512_update), DLSYM(nettle_sha512_digest),
        };
        _cleanup_free_ char *why = NULL;
        int r;

        r = dlopen_symbols(&libnettle, LIBNETTLE_SONAME, symbols, ELEMENTSOF(symbols), &why);
        if (r < 0)
                return reason(ret_why, r, "image digests need %s (Debian package libnettle8): %s", LIBNETTLE_SONAME, why);
        return 0;
}

static const struct {
        const char *name;
        size_t size;
} algorithms[_DIGEST_ALGORITHM_MAX] = {
        [DIGEST_SHA256] = {"sha256", SHA256_DIGEST_SIZE},
        [DIGEST_SHA512] = {"sha512", SHA512_DIGEST_SIZE},
};

DigestAlgorithm digest_algorithm_of(const char *digest) {
        const char *colon = digest ? strchr(digest, ':') : NULL;

        if (!colon)
                return _DIGEST_ALGORITHM_INVALID;
        for (int a = 0; a < _DIGEST_ALGORITHM_MAX; a++)
                if (strlen(algorithms[a].name) == (size_t)(colon - digest) &&
                    strncmp(digest, algorithms[a].name, (size_t)(colon - digest)) == 0)
                        return (DigestAlgorithm)a;
        return _DIGEST_ALGORITHM_INVALID;
}

bool digest_is_valid(const char *s) {
        DigestAlgorithm a = digest_algorithm_of(s);
        const char *hex;

        if (a < 0)
                return false;
        hex = strchr(s, ':') + 1;
        return strlen(hex) == 2 * algorithms[a].size && strspn(hex, "0123456789abcdef") == strlen(hex);
}

void digest_init(Digest *d, DigestAlgorithm algorithm) {
        d->algorithm = algorithm;
        if (algorithm == DIGEST_SHA512)
                sym_nettle_sha512_init(&d->sha512);
        else
                sym_nettle_sha256_init(&d->sha256);
}

void digest_update(Digest *d, const void *data, size_t size) {
        if (d->algorithm == DIGEST_SHA512)
                sym_nettle_sha512_update(&d->sha512, size, data);
        else
                sym_nettle_sha256_update(&d->sha256, size, data);
}

void digest_final(Digest *d, char ret[static DIGEST_STRING_MAX]) {
        uint8_t raw[SHA512_DIGEST_SIZE];
        size_t n = algorithms[d->algorithm].size;
        char *p = ret;

        if (d->algorithm == DIGEST_SHA512)
                sym_nettle_sha512_digest(&d->sha512, n, raw);
        else
                sym_nettle_sha256_digest(&d->sha256, n, raw);
        p += sprintf(p, "%s:", algorithms[d->algorithm].name);
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%02x", raw[i]);
}

bool digest_matches(const char *expected, const void *data, size_t size,
                    char ret_actual[static DIGEST_STRING_MAX]) {
        DigestAlgorithm a = digest_algorithm_of(expected);
        Digest d;

        digest_init(&d, a < 0 ? DIGEST_SHA256 : a);
        digest_update(&d, data, size);
        digest_final(&d, ret_actual);
        return a >= 0 && streq(expected, ret_actual);
}

void digest_chain_id(const char *parent_chain, const char *diff_id, char ret[static DIGEST_STRING_MAX]) {
        Digest d;

        if (!parent_chain) {
                snprintf(ret, DIGEST_STRING_MAX, "%s", diff_id);
                return;
        }
        digest_init(&d, DIGEST_SHA256);
        digest_update(&d, parent_chain, strlen(parent_chain));
        digest_update(&d, " ", 1);
        digest_update(&d, diff_id, strlen(diff_id));
        digest_final(&d, ret);
}
