/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>

/* A registry's WWW-Authenticate header (RFC 7235): `Bearer realm="…",service="…",scope="…"`
 * (the token flow of docker's distribution/registry/auth/token, which Docker Hub and ghcr.io
 * use) or `Basic realm="…"`. Several challenges in one header: the first Bearer one, else the
 * first Basic one; schemes berth does not speak are passed over. */

/* What a header may hold: more is not a registry's answer. */
#define AUTH_CHALLENGE_SIZE_MAX 8192

typedef enum AuthScheme {
        AUTH_SCHEME_BASIC,
        AUTH_SCHEME_BEARER,
        _AUTH_SCHEME_MAX,
        _AUTH_SCHEME_INVALID = -EINVAL,
} AuthScheme;

typedef struct AuthChallenge {
        AuthScheme scheme;
        char *realm;   /* Bearer: the token endpoint, an absolute http(s) URL */
        char *service; /* or NULL */
        char *scope;   /* or NULL */
} AuthChallenge;

#define AUTH_CHALLENGE_NULL ((AuthChallenge) { .scheme = _AUTH_SCHEME_INVALID })

/* -EINVAL with a one-line reason when the header has no challenge berth can answer, or a Bearer
 * one without a realm. */
int auth_challenge_parse(const char *header, AuthChallenge *ret, char **ret_why);
void auth_challenge_done(AuthChallenge *c);
