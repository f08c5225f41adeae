/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A credentials file (auth.json, docker's config.json), as auth_file_lookup() reads it, looked
 * up for a few registries; and the pieces it uses on what a user or the file writes. */

#include "fuzz.h" /* first: auth-file.h takes size_t from it */
#include "auth-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const registries[] = { "docker.io", "quay.io", "localhost:5000", "[::1]:5000" };
        _cleanup_free_ char *s = fuzz_string(data, size), *key = NULL, *decoded = NULL, *encoded = NULL;
        char path[64];
        size_t n;
        int fd;

        if (!s)
                return 0;
        key = auth_registry_key(s);
        if (base64_decode(s, &decoded, &n) >= 0)
                encoded = base64_encode(decoded, n);
        fd = fuzz_memfd(data, size, path);
        if (fd < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(registries); i++) {
                _cleanup_free_ char *user = NULL, *password = NULL, *file = NULL, *why = NULL;

                (void) auth_file_lookup((char *[]) { path, NULL }, registries[i], &user, &password, &file, &why);
        }
        close(fd);
        return 0;
}
