/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* Content digests as OCI writes them, "ALGORITHM:HEX" (sha256 and sha512, the two the image spec
 * registers), computed with nettle: libarchive already links it on Debian, so checking a blob
 * costs no library at load time that was not there. */

typedef enum DigestAlgorithm {
        DIGEST_SHA256,
        DIGEST_SHA512,
        _DIGEST_ALGORITHM_MAX,
        _DIGEST_ALGORITHM_INVALID = -22, /* -EINVAL */
} DigestAlgorithm;

/* "sha512:" and 128 hex digits, and the NUL. */
#define DIGEST_STRING_MAX (STRLEN("sha512:") + 2 * SHA512_DIGEST_SIZE + 1)

typedef struct Digest {
        DigestAlgorithm algorithm;
        union {
                struct sha256_ctx sha256;
                struct sha512_ctx sha512;
        };
} Digest;

/* The algorithm a digest string names, if berth computes it; _DIGEST_ALGORITHM_INVALID otherwise. */
DigestAlgorithm digest_algorithm_of(const char *digest);

/* Whether s is "ALGORITHM:HEX" of an algorithm berth computes, with the lowercase hex of its
 * length (the only form the image spec allows for these two). */
bool digest_is_valid(const char *s);

void digest_init(Digest *d, DigestAlgorithm algorithm);
void digest_update(Digest *d, const void *data, size_t size);
/* "ALGORITHM:HEX" of what was fed; d is reset. */
void digest_final(Digest *d, char ret[static DIGEST_STRING_MAX]);

/* The digest of a buffer, in the algorithm that expected names, compared with it. */
bool digest_matches(const char *expected, const void *data, size_t size,
                    char ret_actual[static DIGEST_STRING_MAX]);

/* The chain ID of a layer over parent (NULL for the bottom), as the OCI image spec defines it:
 * ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). Needs nettle
 * open (digest_dlopen()). */
void digest_chain_id(const char *parent_chain, const char *diff_id, char ret[static DIGEST_STRING_MAX]);

/* Opens nettle, once: 0, or -EOPNOTSUPP with a reason that names the library and its Debian
 * package. The functions above need it open: layer_dlopen() opens it with libarchive. */
int digest_dlopen(char **ret_why);
