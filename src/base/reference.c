/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"

#define PATH_COMPONENT_RULE "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*"
#define TAG_RULE "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"

void reference_done(Reference *r) {
        if (!r)
                return;
        free(r->domain);
        free(r->path);
        free(r->tag);
        free(r->digest);
        *r = REFERENCE_NULL;
}

static bool is_lower_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c) {
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_hex_lower(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* over s[0..n). */
static bool path_component_is_valid(const char *s, size_t n) {
        size_t i = 0;

        for (;;) {
                size_t start = i;

                while (i < n && is_lower_alnum(s[i]))
                        i++;
                if (i == start)
                        return false; /* empty, or a separator where alphanumerics belong */
                if (i == n)
                        return true;
                if (s[i] == '.')
                        i++;
                else if (s[i] == '_')
                        i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
                else if (s[i] == '-')
                        while (i < n && s[i] == '-')
                                i++;
                else
                        return false;
        }
}

static bool has_upper(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] >= 'A' && s[i] <= 'Z')
                        return true;
        return false;
}

/* A host name component: [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? over s[0..n). */
static bool domain_component_is_valid(const char *s, size_t n) {
        if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '-')
                        return false;
        return true;
}

bool reference_domain_is_valid(const char *s) {
        const char *host_end, *colon;

        if (isempty(s))
                return false;
        if (s[0] == '[') {
                /* A bracketed IPv6 address, as docker takes it: [hex and colons]. */
                const char *close = strchr(s, ']');

                if (!close || close == s + 1)
                        return false;
                for (const char *c = s + 1; c < close; c++)
                        if (!(is_hex_lower(*c) || (*c >= 'A' && *c <= 'F') || *c == ':'))
                                return false;
                host_end = close + 1;
        } else {
                const char *c = s;

                host_end = s + strcspn(s, ":");
                while (c < host_end) {
                        size_t n = strcspn(c, ".:");

                        if (c + n > host_end)
                                n = host_end - c;
                        if (!domain_component_is_valid(c, n))
                                return false;
                        c += n;
                        if (c < host_end)
                                c++; /* the dot */
                        if (c == host_end && c[-1] == '.')
                                return false; /* a trailing dot */
                }
        }
        if (*host_end == 0)
                return true;
        if (*host_end != ':')
                return false;
        colon = host_end + 1;
        if (!*colon)
                return false;
        for (const char *c = colon; *c; c++)
                if (*c < '0' || *c > '9')
                        return false;
        return true;
}

static bool tag_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > REFERENCE_TAG_MAX || !(is_alnum(s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(s[i]) && !strchr("_.-", s[i]))
                        return false;
        return true;
}

/* sha256 and sha512 in lowercase hex of their length: the only digests the image spec registers,
 * and the only ones berth can check (storage/digest.c), so anything else is refused here rather
 * than found unusable later. */
static bool digest_string_is_valid(const char *s) {
        static const struct {
                const char *prefix;
                size_t hex;
        } algorithms[] = { { "sha256:", 64 }, { "sha512:", 128 } };

        for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++) {
                const char *hex = startswith(s, algorithms[i].prefix);

                if (!hex)
                        continue;
                if (strlen(hex) != algorithms[i].hex)
                        return false;
                for (const char *c = hex; *c; c++)
                        if (!is_hex_lower(*c))
                                return false;
                return true;
        }
        return false;
}

static bool is_hex64(const char *s) {
        if (strlen(s) != 64)
                return false;
        for (const char *c = s; *c; c++)
                if (!is_hex_lower(*c))
                        return false;
        return true;
}

_printf_(3, 4) static int invalid(char **ret_why, const char *s, const char *fmt, ...) {
        _cleanup_free_ char *why = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&why, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return reason(ret_why, -EINVAL, "'%s' is not a valid image reference: %s", SHOWN(s), why);
}

static int check_path(const char *path, const char *s, char **ret_why) {
        for (const char *c = path;;) {
                size_t n = strcspn(c, "/");

                if (n == 0)
                        return invalid(ret_why, s, "an empty path component");
                if (!path_component_is_valid(c, n)) {
                        _cleanup_free_ char *component = strndup(c, n);

                        if (!component)
                                return -ENOMEM;
                        if (has_upper(c, n))
                                return invalid(ret_why, s, "repository name must be lowercase ('%s')", SHOWN(component));
                        return invalid(ret_why, s, "path component '%s' does not match " PATH_COMPONENT_RULE,
                                       SHOWN(component));
                }
                c += n;
                if (!*c)
                        return 0;
                c++;
        }
}

int reference_parse(const char *s, Reference *ret, char **ret_why) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *name = NULL;
        const char *at, *last_slash, *colon, *slash;
        size_t name_len;

        if (isempty(s))
                return reason(ret_why, -EINVAL, "an empty image reference is not valid");
        if (string_has_control_chars(s))
                return invalid(ret_why, s, "control characters");

        at = strchr(s, '@');
        if (at) {
                if (!digest_string_is_valid(at + 1))
                        return invalid(ret_why, s,
                                       "digest '%s' is not sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>",
                                       SHOWN(at + 1));
                r.digest = strdup(at + 1);
                if (!r.digest)
                        return -ENOMEM;
                name = strndup(s, at - s);
        } else
                name = strdup(s);
        if (!name)
                return -ENOMEM;
        if (!*name)
                return invalid(ret_why, s, "no repository name before the digest");

        /* A ':' after the last '/' starts the tag; one before it is a registry's port. */
        last_slash = strrchr(name, '/');
        colon = strrchr(last_slash ?: name, ':');
        if (colon) {
                if (!tag_is_valid(colon + 1))
                        return invalid(ret_why, s, "tag '%s' does not match " TAG_RULE, SHOWN(colon + 1));
                r.tag = strdup(colon + 1);
                if (!r.tag)
                        return -ENOMEM;
                name[colon - name] = 0;
        }
        if (!*name)
                return invalid(ret_why, s, "no repository name before the tag");

        name_len = strlen(name);
        if (name_len > REFERENCE_NAME_MAX)
                return invalid(ret_why, s, "repository name must not be more than 255 characters");

        slash = strchr(name, '/');
        if (slash) {
                _cleanup_free_ char *first = strndup(name, slash - name);

                if (!first)
                        return -ENOMEM;
                if (strpbrk(first, ".:") || streq(first, REFERENCE_LOCAL_DOMAIN)) {
                        if (!reference_domain_is_valid(first))
                                return invalid(ret_why, s, "registry '%s' is not a host name with an optional :PORT",
                                               SHOWN(first));
                        r.domain = TAKE_PTR(first);
                }
        }
        r.path = strdup(r.domain ? slash + 1 : name);
        if (!r.path)
                return -ENOMEM;
        if (check_path(r.path, s, ret_why) < 0)
                return -EINVAL;
        /* docker's: a bare 64-digit hex string is an image ID, never a name. */
        if (!r.domain && is_hex64(r.path))
                return invalid(ret_why, s, "a 64-digit hexadecimal string is an image ID, not a repository name");

        *ret = r;
        r = REFERENCE_NULL;
        return 0;
}

int reference_qualify(Reference *r, const char *domain) {
        int k;

        if (!r->domain) {
                if (!domain)
                        return -EINVAL;
                k = free_and_strdup(&r->domain, domain);
                if (k < 0)
                        return k;
        }
        if (streq(r->domain, "index.docker.io")) {
                k = free_and_strdup(&r->domain, REFERENCE_DEFAULT_DOMAIN);
                if (k < 0)
                        return k;
        }
        if (streq(r->domain, REFERENCE_DEFAULT_DOMAIN) && !strchr(r->path, '/')) {
                char *p = strjoin("library/", r->path);

                if (!p)
                        return -ENOMEM;
                free(r->path);
                r->path = p;
        }
        if (!r->tag && !r->digest) {
                k = free_and_strdup(&r->tag, REFERENCE_DEFAULT_TAG);
                if (k < 0)
                        return k;
        }
        if (strlen(r->domain) + 1 + strlen(r->path) > REFERENCE_NAME_MAX)
                return -EINVAL;
        return 0;
}

char *reference_repository(const Reference *r) {
        return r->domain ? strjoin(r->domain, "/", r->path) : strdup(r->path);
}

char *reference_to_string(const Reference *r) {
        return strjoin(r->domain ?: "", r->domain ? "/" : "", r->path, r->tag ? ":" : "", r->tag ?: "",
                       r->digest ? "@" : "", r->digest ?: "");
}

static int qualified_string(const Reference *r, const char *domain, char **ret) {
        _cleanup_(reference_done) Reference q = REFERENCE_NULL;
        int k;

        q = (Reference) {
                .domain = r->domain ? strdup(r->domain) : NULL,
                .path = strdup(r->path),
                .tag = r->tag ? strdup(r->tag) : NULL,
                .digest = r->digest ? strdup(r->digest) : NULL,
        };
        if ((r->domain && !q.domain) || !q.path || (r->tag && !q.tag) || (r->digest && !q.digest))
                return -ENOMEM;
        k = reference_qualify(&q, domain);
        if (k < 0)
                return k;
        *ret = reference_to_string(&q);
        return *ret ? 0 : -ENOMEM;
}

static char *const search_registries_default[] = { (char *) REFERENCE_DEFAULT_DOMAIN, NULL };

char *const *images_config_search_registries(const ImagesConfig *c) {
        return c && c->search_registries ? c->search_registries : search_registries_default;
}

const char *images_config_alias(const ImagesConfig *c, const char *name) {
        if (!c)
                return NULL;
        for (char **a = c->aliases; a && a[0] && a[1]; a += 2)
                if (streq(a[0], name))
                        return a[1];
        return NULL;
}

bool images_config_is_insecure(const ImagesConfig *c, const char *domain) {
        return c && strv_contains(c->insecure_registries, domain);
}

void images_config_done(ImagesConfig *c) {
        if (!c)
                return;
        strv_free(c->search_registries);
        strv_free(c->aliases);
        strv_free(c->insecure_registries);
        *c = (ImagesConfig) {};
}

/* The alias of what the user wrote: an alias NAME with a tag matches that tag only, and its
 * reference is taken as it is; a NAME without one matches every tag of the name, and what the
 * user asked for (tag, digest) replaces the reference's own. */
static int alias_of(const Reference *r, const ImagesConfig *c, char **ret) {
        _cleanup_(reference_done) Reference a = REFERENCE_NULL;
        _cleanup_free_ char *with_tag = NULL;
        const char *target = NULL;
        int k;

        if (!c)
                return 0;
        if (r->tag && !r->digest) {
                with_tag = strjoin(r->path, ":", r->tag);
                if (!with_tag)
                        return -ENOMEM;
                target = images_config_alias(c, with_tag);
                if (target) {
                        *ret = strdup(target);
                        return *ret ? 1 : -ENOMEM;
                }
        }
        target = images_config_alias(c, r->path);
        if (!target)
                return 0;
        k = reference_parse(target, &a, NULL); /* checked when berth.conf was read */
        if (k < 0)
                return k;
        if (r->tag || r->digest) {
                free(a.tag);
                free(a.digest);
                a.tag = r->tag ? strdup(r->tag) : NULL;
                a.digest = r->digest ? strdup(r->digest) : NULL;
                if ((r->tag && !a.tag) || (r->digest && !a.digest))
                        return -ENOMEM;
        }
        k = reference_qualify(&a, NULL);
        if (k < 0)
                return k;
        *ret = reference_to_string(&a);
        return *ret ? 1 : -ENOMEM;
}

int reference_candidates(const char *s, const ImagesConfig *c, char ***ret_local, char **ret_pull,
                         char **ret_why) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_strv_free_ char **local = NULL;
        _cleanup_free_ char *pull = NULL, *why = NULL, *alias = NULL, *shown = NULL;
        char *const *search;
        char *q;
        int k;

        k = reference_parse(s, &r, ret_why);
        if (k < 0)
                return k;

        if (r.domain) {
                k = qualified_string(&r, NULL, &q);
                if (k == -EINVAL) /* docker.io's library/ made it too long */
                        return invalid(ret_why, s, "repository name must not be more than 255 characters");
                if (k < 0)
                        return k;
                k = strv_consume(&local, q);
                if (k < 0)
                        return k;
                if (streq(r.domain, REFERENCE_LOCAL_DOMAIN)) {
                        if (asprintf(&why, "'%s' is a local image (localhost/ names are never pulled)", SHOWN(s)) < 0)
                                return -ENOMEM;
                } else {
                        pull = strdup(q);
                        if (!pull)
                                return -ENOMEM;
                }
                goto done;
        }

        k = alias_of(&r, c, &alias);
        if (k < 0)
                return k;
        if (k > 0) {
                k = strv_extend(&local, alias);
                if (k < 0)
                        return k;
                pull = TAKE_PTR(alias);
                goto done;
        }

        k = qualified_string(&r, REFERENCE_LOCAL_DOMAIN, &q);
        if (k == -EINVAL)
                return invalid(ret_why, s, "repository name must not be more than 255 characters (as %s/…)",
                               REFERENCE_LOCAL_DOMAIN);
        if (k < 0)
                return k;
        k = strv_consume(&local, q);
        if (k < 0)
                return k;
        search = images_config_search_registries(c);
        for (char *const *d = search; d && *d; d++) {
                k = qualified_string(&r, *d, &q);
                if (k == -EINVAL)
                        continue; /* too long a name with this registry: not a candidate there */
                if (k < 0)
                        return k;
                if (strv_length(search) == 1) {
                        pull = strdup(q);
                        if (!pull) {
                                free(q);
                                return -ENOMEM;
                        }
                }
                k = strv_consume(&local, q);
                if (k < 0)
                        return k;
        }
        if (strv_length(search) == 1) {
                if (!pull && asprintf(&why, "'%s' makes a name longer than 255 characters on %s", SHOWN(s), search[0]) < 0)
                        return -ENOMEM;
        } else if (strv_isempty(search)) {
                if (asprintf(&why,
                             "short name '%s' names a local image only: [Images] in %s/berth.conf has no SearchRegistries=; write it in full or add an Alias= for it",
                             SHOWN(s), berth_config_dir()) < 0)
                        return -ENOMEM;
        } else {
                shown = strv_join(search, ", ");
                if (!shown || asprintf(&why,
                                       "short name '%s' is ambiguous: it could come from any of %s; write it in full or add an Alias= to [Images] in %s/berth.conf",
                                       SHOWN(s), shown, berth_config_dir()) < 0)
                        return -ENOMEM;
        }

done:
        if (ret_why) {
                free(*ret_why);
                *ret_why = pull ? NULL : TAKE_PTR(why);
        }
        *ret_local = TAKE_PTR(local);
        *ret_pull = TAKE_PTR(pull);
        return 0;
}
