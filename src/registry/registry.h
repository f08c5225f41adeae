/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth-challenge.h"
#include "cleanup.h"
#include "certs.h"
#include "definition-extra.h"

/* One registry and one repository in it, spoken to over the OCI distribution API with libcurl:
 * https (http:// only for a registry listed as insecure), the registry's own CAs and client
 * certificate (certs.h), credentials from the auth files (auth-file.h) or given, and the
 * authentication its 401 asks for: a bearer token from its token service (anonymous, or with
 * the credentials), or basic. Transient failures (no connection, a dropped one, 5xx, 429) are
 * tried again: 3 times after 250 ms, doubled each time, or as the options' retry says (podman's
 * --retry and --retry-delay). */

typedef struct RegistryOptions {
        char *const *insecure;        /* HOST[:PORT] that are spoken to with plain http */
        char *const *certs_dirs;      /* NULL: CERTS_DIRS_DEFAULT */
        char *const *auth_files;      /* NULL: auth_files_default() */
        const char *user, *password;  /* instead of the files' (berth login) */
        volatile sig_atomic_t *cancel; /* set from a signal handler: every transfer stops */
        const PullRetry *retry;       /* NULL, or a field of it unset: the defaults */
} RegistryOptions;

typedef struct RegistryClient {
        char *domain;     /* as in the reference: "docker.io", "localhost:5000" */
        char *repository; /* "library/nginx" */
        char *base;       /* "https://registry-1.docker.io" */
        bool insecure;
        RegistryCerts certs;
        char *ca_blob;    /* the system's roots and the registry's CAs, or NULL for curl's own */
        size_t ca_blob_size;
        char *user, *password, *auth_file;
        char *token;      /* the bearer token, once had */
        AuthScheme scheme; /* what the registry asked for, once it did */
        AuthChallenge challenge; /* its Bearer challenge, once answered */
        volatile sig_atomic_t *cancel;
        unsigned tries;              /* of one transfer, the first included: retries + 1 */
        uint64_t retry_delay_usec;   /* PULL_RETRY_DELAY_UNSET: registry_retry_delay_usec()'s backoff */
        char error[CURL_ERROR_SIZE];
} RegistryClient;

typedef struct RegistryResponse {
        long status;
        char *body;          /* NUL-terminated */
        size_t size;
        char *content_type;  /* or NULL */
        char *digest;        /* Docker-Content-Digest, or NULL */
} RegistryResponse;

void registry_response_done(RegistryResponse *r);

int registry_client_new(const char *domain, const char *repository, const RegistryOptions *o,
                        RegistryClient **ret, char **ret_why);
RegistryClient *registry_client_free(RegistryClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(RegistryClient *, registry_client_free);

/* GET /v2/REPOSITORY/KIND/REF (kind "manifests" or "blobs"), authenticating as asked, the body
 * at most max bytes. A status other than 200 is an error: -ENOENT for 404, -EACCES for 401 and
 * 403, -EIO otherwise, with one line naming the registry and the status (and the registry's
 * own message). accept may be NULL. */
int registry_get(RegistryClient *c, const char *kind, const char *ref, const char *accept, size_t max,
                 RegistryResponse *ret, char **ret_why);

/* A new bearer token, as the last one was had: a token expires (Docker Hub's after 5 minutes)
 * while a long pull still needs it. -EACCES when the registry never asked for one. */
int registry_reauthenticate(RegistryClient *c, char **ret_why);

/* GET /v2/ with the client's credentials (berth login): 0 when the registry takes them,
 * -EACCES when it refuses them. */
int registry_check_login(RegistryClient *c, char **ret_why);

/* Sets up h for a GET of url as registry_get() does its own (TLS, credentials, the bearer token
 * once had, redirects, timeouts): for transfers driven elsewhere (blob-fetch.h). */
int registry_setup_handle(RegistryClient *c, CURL *h, const char *url, char *errbuf);
/* base/v2/REPOSITORY/KIND/REF. New string. */
char *registry_url(RegistryClient *c, const char *kind, const char *ref);

/* Whether a failed transfer may be tried again: no connection, a dropped one, a timeout; 429
 * and 5xx. */
bool registry_transient(CURLcode code, long status);
/* The wait after failed attempt n (1, 2, …) of c->tries: c->retry_delay_usec when set, else 250 ms
 * doubled each time, up to 4 s. */
uint64_t registry_retry_delay_usec(const RegistryClient *c, unsigned attempt);

/* One line for a failed transfer: curl's reason (errbuf, else its code's: TLS, connection) or the
 * HTTP status and what the registry's body says. New string. */
char *registry_describe_failure(RegistryClient *c, const char *errbuf, CURLcode code, long status,
                                const char *body);
