/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth-challenge.h"
#include "cleanup.h"
#include "string-util.h"

#define TOKEN_CHARS                                                                                   \
        "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

void auth_challenge_done(AuthChallenge *c) {
        free(c->realm);
        free(c->service);
        free(c->scope);
        *c = AUTH_CHALLENGE_NULL;
}

static const char *skip_space(const char *p) {
        return p + strspn(p, " \t");
}

/* A token68 or quoted-string value at *p (after '='): returned as a new string, *p past it. */
static int parse_value(const char **p, char **ret) {
        const char *s = *p;
        _cleanup_free_ char *v = NULL;
        size_t n = 0;

        if (*s != '"') {
                size_t len = strcspn(s, ", \t");

                v = strndup(s, len);
                if (!v)
                        return -ENOMEM;
                *p = s + len;
                *ret = TAKE_PTR(v);
                return 0;
        }
        v = malloc(strlen(s));
        if (!v)
                return -ENOMEM;
        for (s++; *s != '"'; s++) {
                if (*s == '\\' && s[1])
                        s++;
                else if (*s == '\0')
                        return -EINVAL;
                v[n++] = *s;
        }
        v[n] = '\0';
        *p = s + 1;
        *ret = TAKE_PTR(v);
        return 0;
}

int auth_challenge_parse(const char *header, AuthChallenge *ret, char **ret_why) {
        AuthChallenge found[_AUTH_SCHEME_MAX] = { AUTH_CHALLENGE_NULL, AUTH_CHALLENGE_NULL };
        const char *p = header;
        int r;

        if (!header || strlen(header) > AUTH_CHALLENGE_SIZE_MAX)
                return reason(ret_why, -EINVAL, "the registry's WWW-Authenticate header is %s",
                              header ? "too long" : "missing");

        while (*(p = skip_space(p))) {
                AuthScheme scheme = _AUTH_SCHEME_INVALID;
                size_t len;

                if (*p == ',') {
                        p++;
                        continue;
                }
                /* A challenge: the scheme, then its parameters up to the next scheme. */
                len = strspn(p, TOKEN_CHARS);
                if (len == 0)
                        goto bad;
                if (len == 5 && strncasecmp(p, "Basic", 5) == 0)
                        scheme = AUTH_SCHEME_BASIC;
                else if (len == 6 && strncasecmp(p, "Bearer", 6) == 0)
                        scheme = AUTH_SCHEME_BEARER;
                p += len;
                AuthChallenge c = AUTH_CHALLENGE_NULL;
                c.scheme = scheme;
                for (;;) {
                        const char *key, *q;
                        size_t klen;
                        _cleanup_free_ char *value = NULL;

                        p = skip_space(p);
                        if (*p == ',')
                                p = skip_space(p + 1);
                        key = p;
                        klen = strspn(p, TOKEN_CHARS);
                        q = skip_space(p + klen);
                        if (klen == 0 || *q != '=')
                                break; /* the end, or the next challenge's scheme */
                        q = skip_space(q + 1);
                        r = parse_value(&q, &value);
                        if (r == -ENOMEM) {
                                auth_challenge_done(&c);
                                goto fail;
                        }
                        if (r < 0) {
                                auth_challenge_done(&c);
                                goto bad;
                        }
                        p = q;
                        char **slot = klen == 5 && strncasecmp(key, "realm", 5) == 0     ? &c.realm
                                      : klen == 7 && strncasecmp(key, "service", 7) == 0 ? &c.service
                                      : klen == 5 && strncasecmp(key, "scope", 5) == 0   ? &c.scope
                                                                                          : NULL;
                        if (slot) {
                                free(*slot);
                                *slot = TAKE_PTR(value);
                        }
                }
                if (scheme >= 0 && found[scheme].scheme < 0)
                        found[scheme] = c;
                else
                        auth_challenge_done(&c);
        }

        for (int s = AUTH_SCHEME_BEARER; s >= 0; s--) {
                if (found[s].scheme < 0)
                        continue;
                if (s == AUTH_SCHEME_BEARER &&
                    (isempty(found[s].realm) ||
                     !(startswith(found[s].realm, "https://") || startswith(found[s].realm, "http://")))) {
                        r = reason(ret_why, -EINVAL, "the registry's Bearer challenge has no http(s) realm");
                        goto finish;
                }
                *ret = found[s];
                found[s] = AUTH_CHALLENGE_NULL;
                r = 0;
                goto finish;
        }
        r = reason(ret_why, -EINVAL,
                   "the registry asks for an authentication scheme berth does not speak: %s", SHOWN(header));
        goto finish;
bad:
        r = reason(ret_why, -EINVAL, "the registry's WWW-Authenticate header is malformed: %s",
                   SHOWN(header));
        goto finish;
fail:
        r = -ENOMEM;
finish:
        auth_challenge_done(&found[0]);
        auth_challenge_done(&found[1]);
        return r;
}
