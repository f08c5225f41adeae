/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth-file.h"
#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "manifest.h"
#include "registry.h"
#include "string-util.h"
#include "strv.h"

/* The system's CA bundle, with which the registry's own CAs are trusted: at most this big. */
#define CA_BUNDLE_SIZE_MAX (8U * 1024U * 1024U)
/* A token service's answer. */
#define TOKEN_SIZE_MAX (1024U * 1024U)

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

void registry_response_done(RegistryResponse *r) {
        free(r->body);
        free(r->content_type);
        free(r->digest);
        *r = (RegistryResponse) {};
}

RegistryClient *registry_client_free(RegistryClient *c) {
        if (!c)
                return NULL;
        free(c->domain);
        free(c->repository);
        free(c->base);
        registry_certs_done(&c->certs);
        free(c->ca_blob);
        free(c->user);
        if (c->password)
                explicit_bzero(c->password, strlen(c->password));
        free(c->password);
        free(c->auth_file);
        free(c->token);
        auth_challenge_done(&c->challenge);
        free(c);
        return NULL;
}

/* The system's roots (curl's own bundle) and the registry's CAs, as one PEM blob: curl takes
 * either a file or a blob, and the registry's CAs are to be trusted besides the system's. */
static int build_ca_blob(RegistryClient *c, char **ret_why) {
        _cleanup_free_ char *system = NULL;
        const char *bundle = NULL;
        size_t size = 0;
        CURL *h;
        int r;

        h = curl_easy_init();
        if (!h)
                return -ENOMEM;
        if (curl_easy_getinfo(h, CURLINFO_CAINFO, &bundle) != CURLE_OK || !bundle)
                bundle = "/etc/ssl/certs/ca-certificates.crt";
        r = read_full_file_at(AT_FDCWD, bundle, CA_BUNDLE_SIZE_MAX, &system, &size);
        curl_easy_cleanup(h);
        if (r < 0 && r != -ENOENT)
                return reason(ret_why, r, "reading the system's CA bundle %s: %s", bundle, strerror(-r));
        c->ca_blob = malloc(size + c->certs.ca_size + 2);
        if (!c->ca_blob)
                return -ENOMEM;
        if (size > 0)
                memcpy(c->ca_blob, system, size);
        if (size > 0 && system[size - 1] != '\n')
                c->ca_blob[size++] = '\n';
        memcpy(c->ca_blob + size, c->certs.ca_pem, c->certs.ca_size);
        c->ca_blob_size = size + c->certs.ca_size;
        return 0;
}

int registry_client_new(const char *domain, const char *repository, const RegistryOptions *o,
                        RegistryClient **ret, char **ret_why) {
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ char *key = NULL;
        const char *host;
        int r;

        c = calloc(1, sizeof(RegistryClient));
        if (!c)
                return -ENOMEM;
        c->scheme = _AUTH_SCHEME_INVALID;
        c->challenge = AUTH_CHALLENGE_NULL;
        c->cancel = o->cancel;
        c->tries = 1 + (unsigned) (o->retry && o->retry->count != PULL_RETRY_UNSET ? o->retry->count : PULL_RETRY_DEFAULT);
        c->retry_delay_usec = o->retry ? o->retry->delay_usec : PULL_RETRY_DELAY_UNSET;
        c->domain = strdup(domain);
        c->repository = strdup(repository);
        if (!c->domain || !c->repository)
                return -ENOMEM;
        /* Docker Hub's API is not at the name its images are known by. */
        host = streq(domain, "docker.io") ? "registry-1.docker.io" : domain;
        c->insecure = strv_contains(o->insecure, domain);
        c->base = strjoin(c->insecure ? "http://" : "https://", host);
        if (!c->base)
                return -ENOMEM;

        if (!c->insecure) {
                r = registry_certs_find(o->certs_dirs ?: CERTS_DIRS_DEFAULT, domain, &c->certs, ret_why);
                if (r < 0)
                        return r;
                if (c->certs.ca_pem) {
                        r = build_ca_blob(c, ret_why);
                        if (r < 0)
                                return r;
                }
        }

        if (o->user) {
                c->user = strdup(o->user);
                c->password = strdup(o->password ?: "");
                if (!c->user || !c->password)
                        return -ENOMEM;
        } else {
                if (!o->auth_files && !(files = auth_files_default()))
                        return -ENOMEM;
                key = auth_registry_key(domain);
                if (!key)
                        return -ENOMEM;
                r = auth_file_lookup(o->auth_files ?: files, key, &c->user, &c->password, &c->auth_file,
                                     ret_why);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

char *registry_url(RegistryClient *c, const char *kind, const char *ref) {
        return strjoin(c->base, "/v2/", c->repository, "/", kind, "/", ref);
}

bool registry_transient(CURLcode code, long status) {
        switch (code) {
        case CURLE_OK:
                return status == 429 || (status >= 500 && status != 501 && status != 505);
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
                return true;
        default:
                return false;
        }
}

uint64_t registry_retry_delay_usec(const RegistryClient *c, unsigned attempt) {
        if (c->retry_delay_usec != PULL_RETRY_DELAY_UNSET)
                return c->retry_delay_usec;
        return UINT64_C(250000) << MIN(attempt - 1, 4U);
}

static int xferinfo(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow) {
        volatile sig_atomic_t *cancel = userdata;

        return cancel && *cancel ? 1 : 0;
}

int registry_setup_handle(RegistryClient *c, CURL *h, const char *url, char *errbuf) {
        CURLcode e = CURLE_OK;

#define SET(opt, val)                                      \
        do {                                               \
                if (e == CURLE_OK)                         \
                        e = curl_easy_setopt(h, opt, val); \
        } while (0)

        SET(CURLOPT_URL, url);
        SET(CURLOPT_PROTOCOLS_STR, c->insecure ? "http,https" : "https");
        /* Blob storage elsewhere (S3, a CDN): redirects are followed, never down to plain http
         * from https, and the credentials are not sent along to another host (curl sends
         * CURLOPT_USERNAME's and the bearer token only to the host first asked, without
         * CURLOPT_UNRESTRICTED_AUTH). */
        SET(CURLOPT_REDIR_PROTOCOLS_STR, c->insecure ? "http,https" : "https");
        SET(CURLOPT_FOLLOWLOCATION, 1L);
        SET(CURLOPT_MAXREDIRS, 5L);
        SET(CURLOPT_UNRESTRICTED_AUTH, 0L);
        SET(CURLOPT_USERAGENT, "berth/" PACKAGE_VERSION);
        SET(CURLOPT_NOSIGNAL, 1L);
        SET(CURLOPT_CONNECTTIMEOUT, 30L);
        /* A registry that stops sending mid-body without closing: under 1 byte/s for 30 s. */
        SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
        SET(CURLOPT_LOW_SPEED_TIME, 30L);
        SET(CURLOPT_ERRORBUFFER, errbuf);
        SET(CURLOPT_NOPROGRESS, 0L);
        SET(CURLOPT_XFERINFOFUNCTION, xferinfo);
        SET(CURLOPT_XFERINFODATA, (void *) c->cancel);
        if (c->ca_blob) {
                struct curl_blob blob = {
                        .data = c->ca_blob, .len = c->ca_blob_size, .flags = CURL_BLOB_NOCOPY};

                SET(CURLOPT_CAINFO_BLOB, &blob);
        }
        if (c->certs.client_cert) {
                SET(CURLOPT_SSLCERT, c->certs.client_cert);
                SET(CURLOPT_SSLKEY, c->certs.client_key);
        }
        if (c->token) {
                SET(CURLOPT_HTTPAUTH, (long) CURLAUTH_BEARER);
                SET(CURLOPT_XOAUTH2_BEARER, c->token);
        } else if (c->scheme == AUTH_SCHEME_BASIC && c->user) {
                SET(CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
                SET(CURLOPT_USERNAME, c->user);
                SET(CURLOPT_PASSWORD, c->password);
        }
#undef SET
        return e == CURLE_OK ? 0 : e == CURLE_OUT_OF_MEMORY ? -ENOMEM : -EINVAL;
}

typedef struct Exchange {
        RegistryResponse *response;
        size_t max;
        bool too_big;
        char *www_authenticate;
} Exchange;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
        Exchange *x = userdata;
        RegistryResponse *r = x->response;
        size_t n = size * nmemb;
        char *p;

        if (r->size + n > x->max) {
                x->too_big = true;
                return 0;
        }
        p = realloc(r->body, r->size + n + 1);
        if (!p)
                return 0;
        r->body = p;
        memcpy(p + r->size, data, n);
        r->size += n;
        p[r->size] = '\0';
        return n;
}

/* "Name: value\r\n" into *slot, when the header is name. */
static void take_header(const char *line, size_t n, const char *name, char **slot) {
        size_t len = strlen(name);
        const char *v, *end = line + n;

        if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
                return;
        for (v = line + len + 1; v < end && (*v == ' ' || *v == '\t'); v++)
                ;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
                end--;
        free(*slot);
        *slot = strndup(v, (size_t) (end - v));
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata) {
        Exchange *x = userdata;
        size_t n = size * nmemb;

        /* A new response (after a redirect, or a 100): what the last one said is not this one's. */
        if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
                x->response->content_type = mfree(x->response->content_type);
                x->response->digest = mfree(x->response->digest);
                x->www_authenticate = mfree(x->www_authenticate);
                x->response->size = 0;
                return n;
        }
        if (n > AUTH_CHALLENGE_SIZE_MAX)
                return n;
        take_header(line, n, "Content-Type", &x->response->content_type);
        take_header(line, n, "Docker-Content-Digest", &x->response->digest);
        take_header(line, n, "WWW-Authenticate", &x->www_authenticate);
        return n;
}

/* One GET, no retries. *ret_code curl's. */
static int perform(RegistryClient *c, const char *url, const char *accept, const char *basic_user,
                   const char *basic_password, size_t max, RegistryResponse *ret,
                   char **ret_www_authenticate, CURLcode *ret_code) {
        _cleanup_(registry_response_done) RegistryResponse response = {};
        struct curl_slist *headers = NULL;
        _cleanup_free_ char *accept_header = NULL;
        Exchange x = { .response = &response, .max = max };
        CURLcode code;
        CURL *h;
        int r;

        h = curl_easy_init();
        if (!h)
                return -ENOMEM;
        c->error[0] = '\0';
        r = registry_setup_handle(c, h, url, c->error);
        if (r >= 0 && basic_user) {
                /* The token service: basic credentials, whatever the registry itself took. */
                curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
                curl_easy_setopt(h, CURLOPT_USERNAME, basic_user);
                curl_easy_setopt(h, CURLOPT_PASSWORD, basic_password);
        }
        if (r >= 0 && accept) {
                accept_header = strjoin("Accept: ", accept);
                if (!accept_header || !(headers = curl_slist_append(NULL, accept_header)))
                        r = -ENOMEM;
                else
                        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        }
        if (r >= 0) {
                curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
                curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
                curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
                curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
                code = curl_easy_perform(h);
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
                if (x.too_big)
                        r = -EFBIG;
                else if (c->cancel && *c->cancel)
                        r = -ECANCELED;
                *ret_code = code;
        }
        curl_slist_free_all(headers);
        curl_easy_cleanup(h);
        if (r < 0) {
                free(x.www_authenticate);
                return r;
        }
        if (!response.body && !(response.body = strdup("")))
                return -ENOMEM;
        *ret = response;
        response = (RegistryResponse) {};
        if (ret_www_authenticate)
                *ret_www_authenticate = x.www_authenticate;
        else
                free(x.www_authenticate);
        return 0;
}

/* The registry's own words on a failure: {"errors":[{"code":…,"message":…}]}. */
static char *registry_message(const char *body) {
        json_object *o, *errors, *first, *v;
        char *m = NULL;

        if (isempty(body) || !(o = json_tokener_parse(body)))
                return NULL;
        if (json_object_object_get_ex(o, "errors", &errors) &&
            json_object_is_type(errors, json_type_array) && json_object_array_length(errors) > 0 &&
            (first = json_object_array_get_idx(errors, 0)) &&
            json_object_object_get_ex(first, "message", &v) && json_object_is_type(v, json_type_string))
                m = strdup(SHOWN(json_object_get_string(v)));
        else if (json_object_object_get_ex(o, "details", &v) && json_object_is_type(v, json_type_string))
                m = strdup(SHOWN(json_object_get_string(v)));
        json_object_put(o);
        return m;
}

static const char *status_text(long status) {
        switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "";
        }
}

char *registry_describe_failure(RegistryClient *c, const char *errbuf, CURLcode code, long status,
                                const char *body) {
        _cleanup_free_ char *message = NULL;
        char *s;
        int n;

        if (code != CURLE_OK) {
                /* curl's own line, whole (a TLS failure names the certificate at fault, past
                 * SHOWN()'s 80 characters), its control characters escaped. */
                char shown[CURL_ERROR_SIZE * 4 + 4];
                const char *e = !isempty(errbuf) ? errbuf : curl_easy_strerror(code);

                n = asprintf(&s, "registry %s: %s%s", c->domain,
                             escape_controls(e, CURL_ERROR_SIZE, shown, sizeof(shown)),
                             /* OpenSSL's words for an https:// hello answered in plain HTTP. */
                             code == CURLE_SSL_CONNECT_ERROR && strstr(e, "wrong version number")
                                     ? " (it seems to speak plain http: list it in InsecureRegistries= "
                                       "of [Images] in berth.conf if that is meant)"
                                     : "");
        } else {
                message = registry_message(body);
                n = asprintf(&s, "registry %s answered %ld%s%s%s%s", c->domain, status,
                             *status_text(status) ? " " : "", status_text(status), message ? ": " : "",
                             message ?: "");
        }
        return n < 0 ? NULL : s;
}

static int status_errno(long status) {
        return status == 404 ? -ENOENT : status == 401 || status == 403 ? -EACCES : -EIO;
}

/* GET with the transient failures tried again. */
static int get_with_retries(RegistryClient *c, const char *url, const char *accept, const char *basic_user,
                            const char *basic_password, size_t max, RegistryResponse *ret,
                            char **ret_www_authenticate, CURLcode *ret_code) {
        for (unsigned attempt = 1;; attempt++) {
                int r = perform(c, url, accept, basic_user, basic_password, max, ret, ret_www_authenticate,
                                ret_code);

                if (r < 0 || attempt >= c->tries || !registry_transient(*ret_code, ret->status))
                        return r;
                registry_response_done(ret);
                if (ret_www_authenticate)
                        *ret_www_authenticate = mfree(*ret_www_authenticate);
                uint64_t us = registry_retry_delay_usec(c, attempt);
                (void)nanosleep(
                        &(struct timespec){.tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000L},
                        NULL);
                if (c->cancel && *c->cancel)
                        return -ECANCELED;
        }
}

static int url_escape(const char *s, char **ret) {
        char *e = curl_easy_escape(NULL, s, 0);

        if (!e)
                return -ENOMEM;
        *ret = strdup(e);
        curl_free(e);
        return *ret ? 0 : -ENOMEM;
}

/* The token flow: GET realm?service=…&scope=repository:REPO:pull, with basic credentials when
 * there are some; the answer's "token" (or OAuth's "access_token"). */
static int fetch_token(RegistryClient *c, const AuthChallenge *ch, char **ret_why) {
        _cleanup_(registry_response_done) RegistryResponse response = {};
        _cleanup_free_ char *url = NULL, *service = NULL, *scope = NULL, *scope_raw = NULL;
        json_object *o, *v;
        CURLcode code = CURLE_OK;
        const char *token = NULL;
        int r;

        /* berth login asks for /v2/ itself: a token for no repository, as docker login does. */
        if (!isempty(c->repository)) {
                scope_raw = strjoin("repository:", c->repository, ":pull");
                if (!scope_raw || url_escape(scope_raw, &scope) < 0)
                        return -ENOMEM;
        }
        if (ch->service && url_escape(ch->service, &service) < 0)
                return -ENOMEM;
        url = strjoin(ch->realm, strchr(ch->realm, '?') ? "&" : "?", scope ? "scope=" : "", scope ?: "",
                      scope && service ? "&" : "", service ? "service=" : "", service ?: "");
        if (!url)
                return -ENOMEM;
        r = get_with_retries(c, url, "application/json", c->user, c->password, TOKEN_SIZE_MAX, &response,
                             NULL, &code);
        if (r == -EFBIG)
                return reason(ret_why, r, "registry %s: its token service's answer is over %u bytes",
                              c->domain, TOKEN_SIZE_MAX);
        if (r < 0)
                return r;
        if (code != CURLE_OK || response.status != 200) {
                _cleanup_free_ char *d =
                        registry_describe_failure(c, c->error, code, response.status, response.body);

                return reason(ret_why, code == CURLE_OK ? status_errno(response.status) : -EIO,
                              "%s (its token service %s)%s", d ?: "registry failed", SHOWN(ch->realm),
                              response.status == 401 && c->user ? ": wrong user name or password" : "");
        }
        o = json_tokener_parse(response.body);
        if (o && json_object_object_get_ex(o, "token", &v) && json_object_is_type(v, json_type_string))
                token = json_object_get_string(v);
        else if (o && json_object_object_get_ex(o, "access_token", &v) &&
                 json_object_is_type(v, json_type_string))
                token = json_object_get_string(v);
        if (isempty(token) || string_has_control_chars(token)) {
                json_object_put(o);
                return reason(ret_why, -EBADMSG, "registry %s: its token service %s gave no token",
                              c->domain, SHOWN(ch->realm));
        }
        free(c->token);
        c->token = strdup(token);
        json_object_put(o);
        return c->token ? 0 : -ENOMEM;
}

/* Answers a 401's challenge; -EACCES when there is nothing more to try. */
static int authenticate(RegistryClient *c, const char *www_authenticate, char **ret_why) {
        _cleanup_(auth_challenge_done) AuthChallenge ch = AUTH_CHALLENGE_NULL;
        int r;

        r = auth_challenge_parse(www_authenticate, &ch, ret_why);
        if (r < 0)
                return r == -ENOMEM ? r : -EACCES;
        c->scheme = ch.scheme;
        if (ch.scheme == AUTH_SCHEME_BEARER) {
                r = fetch_token(c, &ch, ret_why);
                if (r < 0)
                        return r;
                /* Kept, to ask again when the token expires during a long pull. */
                auth_challenge_done(&c->challenge);
                c->challenge = ch;
                ch = AUTH_CHALLENGE_NULL;
                return 0;
        }
        if (!c->user)
                return reason(ret_why, -EACCES,
                              "registry %s answered 401 Unauthorized: it wants a user name and password "
                              "(berth login %s)",
                              c->domain, c->domain);
        return 0;
}

static int get_authenticated(RegistryClient *c, const char *url, const char *accept, size_t max,
                             RegistryResponse *ret, char **ret_why) {
        _cleanup_(registry_response_done) RegistryResponse response = {};
        int r;

        for (int round = 0;; round++) {
                _cleanup_free_ char *challenge = NULL;
                CURLcode code = CURLE_OK;

                registry_response_done(&response);
                r = get_with_retries(c, url, accept, NULL, NULL, max, &response, &challenge, &code);
                if (r == -EFBIG)
                        return reason(ret_why, r, "registry %s: the answer to %s is over %zu bytes",
                                      c->domain, url, max);
                if (r < 0)
                        return r;
                /* A first 401, or one after a token that may have expired: ask anew, once. */
                if (code == CURLE_OK && response.status == 401 && round == 0) {
                        c->token = mfree(c->token);
                        r = authenticate(c, challenge, ret_why);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (code != CURLE_OK || response.status != 200) {
                        _cleanup_free_ char *d =
                                registry_describe_failure(c, c->error, code, response.status, response.body);

                        if (response.status == 401 && c->user)
                                return reason(ret_why, -EACCES, "%s: wrong user name or password%s%s",
                                              d ?: "registry failed", c->auth_file ? " in " : "",
                                              c->auth_file ?: "");
                        return reason(ret_why, code == CURLE_OK ? status_errno(response.status) : -EIO, "%s",
                                      d ?: "registry failed");
                }
                *ret = response;
                response = (RegistryResponse) {};
                return 0;
        }
}

int registry_reauthenticate(RegistryClient *c, char **ret_why) {
        if (c->challenge.scheme != AUTH_SCHEME_BEARER)
                return -EACCES;
        return fetch_token(c, &c->challenge, ret_why);
}

int registry_get(RegistryClient *c, const char *kind, const char *ref, const char *accept, size_t max,
                 RegistryResponse *ret, char **ret_why) {
        _cleanup_free_ char *url = registry_url(c, kind, ref);

        if (!url)
                return -ENOMEM;
        return get_authenticated(c, url, accept, max, ret, ret_why);
}

int registry_check_login(RegistryClient *c, char **ret_why) {
        _cleanup_(registry_response_done) RegistryResponse response = {};
        _cleanup_free_ char *url = strjoin(c->base, "/v2/");

        if (!url)
                return -ENOMEM;
        return get_authenticated(c, url, "application/json", MANIFEST_SIZE_MAX, &response, ret_why);
}
