/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Image references as docker writes them (distribution/reference): [DOMAIN/]PATH[:TAG][@DIGEST].
 *
 *   DOMAIN  the first component when it contains '.' or ':' or is "localhost": host name
 *           components [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? joined by '.', or a bracketed IPv6
 *           address, and an optional :PORT
 *   PATH    components [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by '/' (uppercase is refused:
 *           "repository name must be lowercase")
 *   TAG     [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   DIGEST  sha256:<64 lowercase hex digits> or sha512:<128>, the two the image spec registers
 *
 * The whole name, DOMAIN/PATH, is at most 255 characters. Pure string work, unit tested
 * against docker's own test vectors. */

#define REFERENCE_NAME_MAX 255
#define REFERENCE_TAG_MAX 128
#define REFERENCE_DEFAULT_DOMAIN "docker.io"
#define REFERENCE_DEFAULT_TAG "latest"
#define REFERENCE_LOCAL_DOMAIN "localhost"

typedef struct Reference {
        char *domain; /* "docker.io", "localhost", "registry:5000"; NULL only before normalizing */
        char *path;   /* "library/nginx", "team/app" */
        char *tag;    /* NULL when there is a digest and no tag */
        char *digest; /* "sha256:…" or NULL */
} Reference;
#define REFERENCE_NULL ((Reference) {})
void reference_done(Reference *r);

/* Parses s as written; domain NULL when s has none (a short name). tag NULL when absent.
 * -EINVAL with *ret_why one line ("'X' is not a valid image reference: why"). */
int reference_parse(const char *s, Reference *ret, char **ret_why);
/* Fills in what docker fills in: the given domain for a short name (and "library/" before a
 * one-component path when the domain is docker.io), tag "latest" when neither tag nor digest.
 * "index.docker.io" becomes "docker.io", as docker writes it. -EINVAL when r has no domain and
 * domain is NULL, or when the name grows past 255 characters. */
int reference_qualify(Reference *r, const char *domain);
/* "docker.io/library/nginx:1.25", "reg:5000/a/b@sha256:…", "x/y:t@sha256:…" (both). NULL: -ENOMEM. */
char *reference_to_string(const Reference *r);
/* "docker.io/library/nginx" */
char *reference_repository(const Reference *r);

/* Whether s is a registry's DOMAIN as above (a host name or [IPv6], an optional :PORT). */
bool reference_domain_is_valid(const char *s);

/* [Images] of berth.conf (read by berth-conf.c, in BerthConfig.images): how what a user writes
 * for an image becomes a registry's reference (reference_candidates() below):
 *
 *   SearchRegistries=docker.io      space-separated registries a short name ("nginx") may come
 *                                   from, in order; the default docker.io; empty: short names
 *                                   are local images only. Repeated, it adds; empty resets.
 *   Alias=NAME=REFERENCE            repeatable: the one image a short NAME (with or without a
 *                                   tag) means; REFERENCE names its registry
 *   InsecureRegistries=HOST[:PORT]  space-separated: the registries spoken to over plain http://
 */
typedef struct ImagesConfig {
        char **search_registries;   /* NULL: the default, docker.io; empty: none */
        char **aliases;             /* pairs, NAME then REFERENCE */
        char **insecure_registries; /* HOST[:PORT] */
} ImagesConfig;

/* The list in effect: the default's when the file set none. Never NULL; c NULL: the default. */
char *const *images_config_search_registries(const ImagesConfig *c);
/* The REFERENCE of Alias=NAME=REFERENCE, or NULL. */
const char *images_config_alias(const ImagesConfig *c, const char *name);
/* Whether domain ("host:5000") is one of InsecureRegistries=. */
bool images_config_is_insecure(const ImagesConfig *c, const char *domain);
void images_config_done(ImagesConfig *c);

/* What the store and the registry client try, in order, for what a user wrote (s):
 * a fully qualified s: itself, qualified (tag latest) — and it is the one to pull, unless its
 * domain is "localhost": local images are never pulled (*ret_pull NULL, *ret_why says so);
 * a short s: its [Images] Alias= if any (that alone); else "localhost/S" then S in each
 * search registry — *ret_local lists all of those (the store looks them up in order, first
 * present wins); *ret_pull is the one to pull when none is present: the alias, or the single
 * search registry's; when SearchRegistries lists several (or none) *ret_pull is NULL and
 * *ret_why says "short name 'S' is ambiguous: …; write it in full or add an Alias= to [Images]
 * in /etc/berth/berth.conf" (or "no SearchRegistries= …"). Image IDs are not references:
 * callers handle "sha256:HEX" and 12+ hex digit prefixes themselves.
 * c NULL: the defaults (SearchRegistries=docker.io, no aliases). 0, or -EINVAL with *ret_why
 * when s is not a reference, -ENOMEM. */
int reference_candidates(const char *s, const ImagesConfig *c, char ***ret_local, char **ret_pull,
                         char **ret_why);
