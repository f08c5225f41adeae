/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image's config blob (OCI's or docker's, from a registry or an archive), as
 * image_config_parse() reads it; then what berth makes of it for a definition without Exec=. */

#include "fuzz.h"
#include "image-config.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_strv_free_ char **argv = NULL, **labels = NULL;
        _cleanup_free_ char *text = fuzz_string(data, size);

        if (!text || image_config_parse(text, &c) < 0)
                return 0;
        d = definition_new("fuzz");
        if (!d)
                return 0;
        (void) image_config_argv(&c, d, &argv);
        (void) image_config_labels(&c, d, &labels);
        return 0;
}
