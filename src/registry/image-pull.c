/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob-fetch.h"
#include "cleanup.h"
#include "digest.h"
#include "image-pull.h"
#include "log.h"
#include "manifest.h"
#include "pull-progress.h"
#include "string-util.h"
#include "strv.h"

/* docker pulls three layers at a time. */
#define PARALLEL_LAYERS 3

#define MANIFEST_ACCEPT                                                                                \
        MEDIA_TYPE_OCI_INDEX ", " MEDIA_TYPE_DOCKER_LIST ", " MEDIA_TYPE_OCI_MANIFEST ", "             \
        MEDIA_TYPE_DOCKER_MANIFEST ", " MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED ";q=0.1"

static const char *const policies[_PULL_POLICY_MAX] = {
        [PULL_POLICY_MISSING] = "missing",
        [PULL_POLICY_ALWAYS] = "always",
        [PULL_POLICY_NEVER] = "never",
        [PULL_POLICY_NEWER] = "newer",
};

PullPolicy pull_policy_from_string(const char *s) {
        for (int i = 0; i < _PULL_POLICY_MAX; i++)
                if (streq_ptr(s, policies[i]))
                        return (PullPolicy) i;
        return _PULL_POLICY_INVALID;
}

static void reference_donep(Reference *r) {
        reference_done(r);
}

/* docker's familiar form for its Status: line: "nginx:latest" for docker.io/library/nginx:latest. */
static const char *familiar(const char *full) {
        const char *p = startswith(full, "docker.io/");

        if (!p)
                return full;
        return startswith(p, "library/") ?: p;
}

/* A manifest by tag or digest, checked against the digest when there is one; *ret_digest its
 * digest (computed when fetched by tag: what the registry says is not trusted). */
static int fetch_manifest(RegistryClient *c, const char *ref, const char *digest, RegistryResponse *ret,
                          char **ret_digest, char **ret_why) {
        _cleanup_(registry_response_done) RegistryResponse m = {};
        char actual[DIGEST_STRING_MAX];
        int r;

        r = registry_get(c, "manifests", ref, MANIFEST_ACCEPT, MANIFEST_SIZE_MAX, &m, ret_why);
        if (r < 0)
                return r;
        if (!digest_matches(digest ?: "sha256:", m.body, m.size, actual) && digest)
                return reason(ret_why, -EBADMSG,
                              "registry %s: manifest %s does not match its digest (it is %s)", c->domain,
                              digest, actual);
        *ret_digest = strdup(actual);
        if (!*ret_digest)
                return -ENOMEM;
        *ret = m;
        m = (RegistryResponse) {};
        return 0;
}

/* The first of the candidates the store has. */
static int find_local(Store *s, char **local, char **ret_config) {
        STRV_FOREACH(l, local)
                if (store_lookup(s, *l, ret_config, NULL) >= 0)
                        return 1;
        return 0;
}

static void jobs_free(LayerJob *jobs, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(jobs[i].why);
        free(jobs);
}

static int pull_reference(Store *s, const Reference *ref, const char *full, const PullOptions *o,
                          char **ret_why) {
        _cleanup_(registry_response_done) RegistryResponse top = {}, image = {}, config = {};
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        _cleanup_(manifest_done) Manifest top_m = {}, image_m = {};
        _cleanup_(platform_done) Platform want = {};
        _cleanup_free_ char *top_digest = NULL, *image_digest = NULL, *old_manifest = NULL,
                            *old_config = NULL, *why = NULL;
        _cleanup_strv_free_ char **diff_ids = NULL, **chain_ids = NULL;
        _cleanup_(pull_progress_done) PullProgress progress = {};
        RegistryOptions ro = o->registry;
        const Manifest *m;
        LayerJob *jobs = NULL;
        bool have_old, fetched = false;
        size_t n;
        int r;

        ro.insecure = o->images ? o->images->insecure_registries : NULL;
        have_old = store_lookup(s, full, &old_config, &old_manifest) >= 0;

        if (o->platform)
                r = platform_parse(o->platform, &want, ret_why);
        else
                r = platform_host(&want);
        if (r < 0)
                return r;

        r = registry_client_new(ref->domain, ref->path, &ro, &c, &why);
        if (r < 0)
                return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));

        r = fetch_manifest(c, ref->digest ?: ref->tag, ref->digest, &top, &top_digest, &why);
        if (r < 0 && r != -ENOMEM && r != -ECANCELED && o->policy == PULL_POLICY_NEWER && have_old) {
                log_warning("%s: %s; keeping the image in the store", full, why ?: strerror(-r));
                return 0;
        }
        if (r < 0)
                return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));

        if (!o->quiet)
                printf("%s: Pulling from %s\n", ref->tag ?: ref->digest, ref->path);

        r = manifest_parse(top.body, top.size, top.content_type, &top_m, &why);
        if (r < 0)
                return reason(ret_why, r, "%s: %s", full, why);
        m = &top_m;
        if (top_m.index) {
                const Descriptor *d;

                r = manifest_pick(&top_m, &want, &d, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: %s", full, why);
                r = fetch_manifest(c, d->digest, d->digest, &image, &image_digest, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));
                r = manifest_parse(image.body, image.size, image.content_type, &image_m, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: %s", full, why);
                if (image_m.index)
                        return reason(ret_why, -EBADMSG, "%s: the index's entry %s is an index itself", full,
                                      d->digest);
                m = &image_m;
        }

        /* The config: the image itself. */
        if (!store_has_blob(s, m->config.digest)) {
                if (m->config.size > MANIFEST_SIZE_MAX)
                        return reason(ret_why, -EBADMSG, "%s: its config is over %u bytes", full,
                                      MANIFEST_SIZE_MAX);
                r = registry_get(c, "blobs", m->config.digest, NULL, MANIFEST_SIZE_MAX, &config, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: config %s: %s", full, m->config.digest,
                                      why ?: strerror(-r));
                /* store_blob_put()'s line names the digest itself. */
                r = store_blob_put(s, m->config.digest, config.body, config.size, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: config %s", full, why ?: strerror(-r));
        }
        r = store_image_layers(s, m->config.digest, &diff_ids, &chain_ids);
        if (r < 0)
                return reason(ret_why, r, "%s: config %s has no valid rootfs.diff_ids", full,
                              m->config.digest);
        n = strv_length(diff_ids);
        if (n != m->n_items)
                return reason(ret_why, -EBADMSG, "%s: the manifest lists %zu layers, its config %zu", full,
                              m->n_items, n);

        jobs = calloc(n, sizeof(LayerJob));
        if (!jobs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                jobs[i] = (LayerJob) {
                        .digest = m->items[i].digest,
                        .size = m->items[i].size,
                        .diff_id = diff_ids[i],
                        .chain_id = chain_ids[i],
                        .state = store_has_layer(s, chain_ids[i]) ? LAYER_PRESENT : LAYER_WAITING,
                        .pipe_fd = -EBADF,
                        .result_fd = -EBADF,
                };
                fetched = fetched || jobs[i].state == LAYER_WAITING;
        }
        r = pull_progress_init(&progress, stdout, o->tty, o->quiet, n);
        if (r >= 0) {
                pull_progress_update(jobs, n, &progress);
                r = layers_fetch(c, s, jobs, n, PARALLEL_LAYERS, pull_progress_update, &progress, &why);
                pull_progress_flush(&progress, jobs, n);
        }
        jobs_free(jobs, n);
        if (r == -ECANCELED)
                return reason(ret_why, r, "%s: interrupted, the image was not tagged", full);
        if (r < 0)
                return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));

        /* The manifests as received, then the reference: from here on the image is visible. */
        if (image_digest) {
                r = store_blob_put(s, image_digest, image.body, image.size, &why);
                if (r < 0)
                        return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));
        }
        r = store_blob_put(s, top_digest, top.body, top.size, &why);
        if (r >= 0)
                r = store_tag(s, full, m->config.digest, top_digest, &why);
        if (r < 0)
                return reason(ret_why, r, "%s: %s", full, why ?: strerror(-r));

        if (!o->quiet) {
                bool same = !fetched && have_old && streq_ptr(old_config, m->config.digest) &&
                            streq_ptr(old_manifest, top_digest);

                printf("Digest: %s\nStatus: %s for %s\n%s\n", top_digest,
                       same ? "Image is up to date" : "Downloaded newer image", familiar(full), full);
                fflush(stdout);
        }
        return 0;
}

/* An image ID ("sha256:HEX") or a prefix of 12 or more of its hex digits, as docker takes them,
 * that names an image in the store: 1. Such IDs are not references and are never pulled. */
static int find_image_id(Store *s, const char *what) {
        _cleanup_strv_free_ char **ids = NULL;
        const char *hex = startswith(what, "sha256:") ?: what;
        size_t n = strlen(hex);

        if (n < 12 || n > 64 || strspn(hex, "0123456789abcdef") != n)
                return 0;
        if (store_image_ids(s, &ids) < 0)
                return 0;
        STRV_FOREACH(id, ids)
                if (strncmp(*id + STRLEN("sha256:"), hex, n) == 0 && startswith(*id, "sha256:"))
                        return 1;
        return 0;
}

int image_pull(Store *s, const char *what, const PullOptions *o, char **ret_why) {
        _cleanup_strv_free_ char **local = NULL;
        _cleanup_free_ char *pull = NULL, *why = NULL, *full = NULL;
        _cleanup_(reference_donep) Reference ref = REFERENCE_NULL;
        int r;

        if (find_image_id(s, what) > 0)
                return 0;
        r = reference_candidates(what, o->images, &local, &pull, &why);
        if (r < 0)
                return reason(ret_why, r, "%s", why ?: strerror(-r));

        if (o->policy == PULL_POLICY_MISSING || o->policy == PULL_POLICY_NEVER) {
                r = find_local(s, local, NULL);
                if (r > 0)
                        return 0;
                if (o->policy == PULL_POLICY_NEVER)
                        return reason(ret_why, -ENOENT,
                                      "image '%s' is not in the store, and the pull policy is never",
                                      SHOWN(what));
        }
        if (!pull)
                return reason(ret_why, -EINVAL, "%s", why ?: "no registry to pull it from");

        r = reference_parse(pull, &ref, &why);
        if (r >= 0)
                r = reference_qualify(&ref, REFERENCE_DEFAULT_DOMAIN);
        if (r < 0)
                return reason(ret_why, r, "%s", why ?: strerror(-r));
        full = reference_to_string(&ref);
        if (!full)
                return -ENOMEM;
        return pull_reference(s, &ref, full, o, ret_why);
}
