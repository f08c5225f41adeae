/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs.h"
#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "tap.h"

static char *dir;

static void put(const char *rel, const char *content) {
        _cleanup_free_ char *p = path_join(dir, rel), *d = strdup(p);

        *strrchr(d, '/') = '\0';
        mkdir_p(d, 0755);
        write_string_file(p, content, 0644, false);
}

int main(void) {
        char template[] = "/tmp/test-certs-XXXXXX";
        _cleanup_free_ char *why = NULL, *a = NULL, *b = NULL;
        RegistryCerts c;

        dir = mkdtemp(template);
        a = path_join(dir, "containers");
        b = path_join(dir, "docker");
        char *dirs[] = { a, b, NULL };

        ok(registry_certs_find(dirs, "reg:5000", &c, &why) == 0 && !c.dir && !c.ca_pem && !c.client_cert,
           "nothing anywhere: no certificates");

        /* Docker's directory alone. */
        put("docker/reg:5000/ca.crt", "DOCKER-CA");
        ok(registry_certs_find(dirs, "reg:5000", &c, &why) == 0 && c.ca_pem && strcmp(c.ca_pem, "DOCKER-CA\n") == 0,
           "/etc/docker/certs.d's CA: %s", c.ca_pem ?: "(none)");
        registry_certs_done(&c);

        /* containers' directory first, when it has one; CAs concatenated in name order. */
        put("containers/reg:5000/b.crt", "B\n");
        put("containers/reg:5000/a.crt", "A");
        put("containers/reg:5000/client.cert", "CERT");
        put("containers/reg:5000/client.key", "KEY");
        put("containers/reg:5000/README", "not a certificate");
        ok(registry_certs_find(dirs, "reg:5000", &c, &why) == 0, "found (%s)", why ?: "");
        ok(c.ca_pem && strcmp(c.ca_pem, "A\nB\n") == 0 && c.ca_size == 4, "A then B");
        ok(c.client_cert && c.client_key && strstr(c.client_cert, "containers/reg:5000/client.cert") &&
           strstr(c.client_key, "containers/reg:5000/client.key"), "the client pair");
        registry_certs_done(&c);

        /* Another port is another registry. */
        ok(registry_certs_find(dirs, "reg:5001", &c, &why) == 0 && !c.ca_pem, "reg:5001 has none");

        /* A certificate without its key, and a key without its certificate. */
        put("containers/lone:1/x.cert", "CERT");
        ok(registry_certs_find(dirs, "lone:1", &c, &why) == -EINVAL && why && strstr(why, "x.key"), "cert without key: %s", why);
        put("containers/lone2:1/y.key", "KEY");
        ok(registry_certs_find(dirs, "lone2:1", &c, &why) == -EINVAL && why && strstr(why, "y.cert"), "key without cert: %s", why);

        /* A name that would leave the directory. */
        ok(registry_certs_find(dirs, "..", &c, &why) == -EINVAL, "'..' refused");
        ok(registry_certs_find(dirs, "a/b", &c, &why) == -EINVAL, "'a/b' refused");

        /* A FIFO named like a CA does not hang the pull. */
        _cleanup_free_ char *fifo = path_join(dir, "containers/fifo:1/ca.crt");
        put("containers/fifo:1/x", "");
        ok(mkfifo(fifo, 0644) == 0, "fifo");
        ok(registry_certs_find(dirs, "fifo:1", &c, &why) < 0, "a FIFO as a CA is an error: %s", why ?: "");

        /* Too big. */
        char *big = malloc(CERTS_SIZE_MAX + 2);
        memset(big, 'x', CERTS_SIZE_MAX + 1);
        big[CERTS_SIZE_MAX + 1] = '\0';
        put("containers/big:1/ca.crt", big);
        free(big);
        ok(registry_certs_find(dirs, "big:1", &c, &why) < 0, "over the size limit: %s", why ?: "");

        rm_rf(dir);
        return tap_finish();
}
