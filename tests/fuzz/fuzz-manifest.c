/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A registry's manifest or index, as manifest_parse() reads a response body; the first byte
 * picks the Content-Type the registry sent with it. What parses is picked from for a few
 * platforms, as berth pull does. Also platform_parse(), --platform's value. */

#include "fuzz.h"
#include "manifest.h"

static const char *const content_types[] = {
        NULL, "", MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_DOCKER_LIST, MEDIA_TYPE_DOCKER_MANIFEST,
        MEDIA_TYPE_DOCKER_SCHEMA1, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED, "application/json", "text/plain",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const wanted[] = { "linux/amd64", "linux/arm64/v8", "linux/arm/v7", "windows/amd64" };
        _cleanup_free_ char *text = NULL, *why = NULL, *why_platform = NULL, *shown = NULL;
        Manifest m = {};
        Platform p = {};

        if (size == 0)
                return 0;
        text = fuzz_string(data + 1, size - 1);
        if (!text)
                return 0;
        if (platform_parse(text, &p, &why_platform) >= 0) {
                shown = platform_to_string(&p);
                platform_done(&p);
        }
        if (manifest_parse(text, size - 1, content_types[data[0] % ELEMENTSOF(content_types)], &m, &why) < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(wanted); i++) {
                _cleanup_free_ char *why_pick = NULL;
                const Descriptor *d;
                Platform want = {};

                if (platform_parse(wanted[i], &want, NULL) < 0)
                        abort();
                (void) manifest_pick(&m, &want, &d, &why_pick);
                platform_done(&want);
        }
        manifest_done(&m);
        return 0;
}
