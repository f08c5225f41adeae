/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "registry.h"
#include "tap.h"

int main(void) {
        char template[] = "/tmp/test-registry-XXXXXX";
        char *dir = mkdtemp(template);
        _cleanup_free_ char *certs = path_join(dir, "certs.d"), *ca = path_join(dir, "certs.d/reg:5000"),
                            *auth = path_join(dir, "auth.json"), *why = NULL;
        char *url;
        RegistryClient *c = NULL;

        /* What is tried again, and how long after. */
        ok(registry_transient(CURLE_COULDNT_CONNECT, 0), "no connection: transient");
        ok(registry_transient(CURLE_RECV_ERROR, 0) && registry_transient(CURLE_PARTIAL_FILE, 0),
           "a connection dropped: transient");
        ok(registry_transient(CURLE_OK, 503) && registry_transient(CURLE_OK, 502) && registry_transient(CURLE_OK, 429),
           "503, 502, 429: transient");
        ok(!registry_transient(CURLE_OK, 404) && !registry_transient(CURLE_OK, 401) && !registry_transient(CURLE_OK, 501),
           "404, 401, 501: not");
        ok(!registry_transient(CURLE_PEER_FAILED_VERIFICATION, 0) && !registry_transient(CURLE_SSL_CONNECT_ERROR, 0),
           "a TLS failure: not");
        ok(!registry_transient(CURLE_COULDNT_RESOLVE_HOST, 0), "an unknown host: not");

        /* Docker Hub's API host; https; an insecure registry's plain http. */
        char *none[] = { NULL };
        char *insecure[] = { "reg:5001", NULL };
        char *dirs[] = { certs, NULL };
        RegistryOptions o = { .insecure = insecure, .certs_dirs = dirs, .auth_files = none };
        ok(registry_client_new("docker.io", "library/nginx", &o, &c, &why) == 0, "docker.io (%s)", why ?: "");
        url = registry_url(c, "manifests", "1.25");
        ok_streq(url, "https://registry-1.docker.io/v2/library/nginx/manifests/1.25");
        ok(!c->ca_blob && !c->user, "no CA of its own, no credentials");
        ok(c->tries == 4 && registry_retry_delay_usec(c, 1) == 250000 && registry_retry_delay_usec(c, 2) == 500000 &&
           registry_retry_delay_usec(c, 3) == 1000000 && registry_retry_delay_usec(c, 9) == 4000000,
           "by default 4 tries, after 250, 500, 1000 ms, … up to 4 s");
        c = registry_client_free(c);
        free(url);
        /* Retry= and RetryDelay= (podman's --retry, --retry-delay). */
        PullRetry none_retry = { .count = 0, .delay_usec = PULL_RETRY_DELAY_UNSET }, five = { .count = 5, .delay_usec = 2000000 };
        o.retry = &none_retry;
        ok(registry_client_new("docker.io", "library/nginx", &o, &c, &why) == 0 && c->tries == 1, "Retry=0: one try");
        c = registry_client_free(c);
        o.retry = &five;
        ok(registry_client_new("docker.io", "library/nginx", &o, &c, &why) == 0 && c->tries == 6 &&
           registry_retry_delay_usec(c, 1) == 2000000 && registry_retry_delay_usec(c, 5) == 2000000,
           "Retry=5 RetryDelay=2s: six tries, 2 s apart");
        c = registry_client_free(c);
        o.retry = NULL;
        ok(registry_client_new("reg:5001", "a/b", &o, &c, &why) == 0 && c->insecure, "an insecure registry");
        url = registry_url(c, "blobs", "sha256:x");
        ok_streq(url, "http://reg:5001/v2/a/b/blobs/sha256:x");
        c = registry_client_free(c);
        free(url);

        /* certs.d's CA joins the system's; credentials from the auth file. */
        mkdir_p(ca, 0755);
        _cleanup_free_ char *crt = path_join(ca, "ca.crt");
        write_string_file(crt, "-----BEGIN CERTIFICATE-----\nBERTHTEST\n-----END CERTIFICATE-----\n", 0644, false);
        write_string_file(auth, "{\"auths\":{\"reg:5000\":{\"auth\":\"dTpw\"}}}", 0600, false);
        char *files[] = { auth, NULL };
        o.auth_files = files;
        ok(registry_client_new("reg:5000", "a/b", &o, &c, &why) == 0, "reg:5000 (%s)", why ?: "");
        ok(c && c->ca_blob && memmem(c->ca_blob, c->ca_blob_size, "BERTHTEST", 9), "its CA is in the blob");
        if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0)
                ok(c && c->ca_blob_size > 100, "after the system's roots (%zu bytes)", c ? c->ca_blob_size : 0);
        ok(c && c->user && strcmp(c->user, "u") == 0 && strcmp(c->password, "p") == 0, "credentials u:p");
        c = registry_client_free(c);

        /* Given credentials win over the files (berth login). */
        o.user = "alice";
        o.password = "pw";
        ok(registry_client_new("reg:5000", "", &o, &c, &why) == 0 && strcmp(c->user, "alice") == 0, "login's credentials");
        c = registry_client_free(c);

        /* A certs.d directory with a lone client certificate: one line. */
        _cleanup_free_ char *lone = path_join(ca, "client.cert");
        write_string_file(lone, "x", 0644, false);
        free(why);
        why = NULL;
        int r = registry_client_new("reg:5000", "a/b", &o, &c, &why);
        ok(r == -EINVAL && why && strstr(why, "client.key") && !c, "a certificate without its key: refused in one line");

        rm_rf(dir);
        return tap_finish();
}
