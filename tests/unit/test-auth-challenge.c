/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "auth-challenge.h"
#include "cleanup.h"
#include "tap.h"

static void check(const char *header, int scheme, const char *realm, const char *service, const char *scope) {
        AuthChallenge c = AUTH_CHALLENGE_NULL;
        _cleanup_free_ char *why = NULL;
        int r = auth_challenge_parse(header, &c, &why);

        ok(r == 0, "parses: %s (%s)", header, why ?: "");
        if (r < 0)
                return;
        ok_eq_int(c.scheme, scheme);
        ok(realm ? c.realm && strcmp(c.realm, realm) == 0 : !c.realm, "realm of %s: %s", header, c.realm ?: "(null)");
        ok(service ? c.service && strcmp(c.service, service) == 0 : !c.service, "service: %s", c.service ?: "(null)");
        ok(scope ? c.scope && strcmp(c.scope, scope) == 0 : !c.scope, "scope: %s", c.scope ?: "(null)");
        auth_challenge_done(&c);
}

static void refused(const char *header) {
        AuthChallenge c = AUTH_CHALLENGE_NULL;
        _cleanup_free_ char *why = NULL;
        int r = auth_challenge_parse(header, &c, &why);

        ok(r == -EINVAL && why && !strchr(why, '\n'), "refused with one line: %s → %s", header ?: "(null)", why ?: "");
        ok(c.scheme == _AUTH_SCHEME_INVALID && !c.realm, "nothing returned");
}

int main(void) {
        /* Docker Hub's, word for word. */
        check("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\"",
              AUTH_SCHEME_BEARER, "https://auth.docker.io/token", "registry.docker.io", "repository:library/nginx:pull");
        /* ghcr.io's, and spaces after commas. */
        check("Bearer realm=\"https://ghcr.io/token\", service=\"ghcr.io\", scope=\"repository:a/b:pull\"",
              AUTH_SCHEME_BEARER, "https://ghcr.io/token", "ghcr.io", "repository:a/b:pull");
        /* distribution's htpasswd. */
        check("Basic realm=\"Registry Realm\"", AUTH_SCHEME_BASIC, "Registry Realm", NULL, NULL);
        check("basic realm=x", AUTH_SCHEME_BASIC, "x", NULL, NULL);
        check("Basic", AUTH_SCHEME_BASIC, NULL, NULL, NULL);
        /* Escapes in a quoted string; token values; keys in any case. */
        check("Bearer REALM=\"http://a/t?x=\\\"1\\\"\",Service=svc", AUTH_SCHEME_BEARER, "http://a/t?x=\"1\"", "svc", NULL);
        /* Several challenges: Bearer wins over Basic whatever the order; unknown schemes skipped. */
        check("Basic realm=\"r\", Bearer realm=\"https://t/\",service=\"s\"", AUTH_SCHEME_BEARER, "https://t/", "s", NULL);
        check("Negotiate abc, Basic realm=\"r\"", AUTH_SCHEME_BASIC, "r", NULL, NULL);
        check("Digest realm=\"d\", nonce=\"n\", Basic realm=\"r\"", AUTH_SCHEME_BASIC, "r", NULL, NULL);

        refused(NULL);
        refused("");
        refused("Negotiate");
        refused("Digest realm=\"x\", nonce=\"y\"");
        refused("Bearer service=\"s\"");                       /* no realm */
        refused("Bearer realm=\"file:///etc/passwd\"");        /* not http(s) */
        refused("Bearer realm=\"https://unterminated");
        refused("=x");
        char *big = malloc(AUTH_CHALLENGE_SIZE_MAX + 100);
        memset(big, 'a', AUTH_CHALLENGE_SIZE_MAX + 99);
        memcpy(big, "Bearer realm=\"https://", 22);
        big[AUTH_CHALLENGE_SIZE_MAX + 99] = '\0';
        refused(big);
        free(big);
        return tap_finish();
}
