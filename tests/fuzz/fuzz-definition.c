/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A NAME.container file's text, as definition_parse_string() reads it; what parses must
 * round-trip through definition_to_string() to an equal Definition (definition.h's promise). */

#include "definition.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(definition_freep) Definition *d = NULL, *again = NULL;
        _cleanup_free_ char *text = fuzz_string(data, size), *error = NULL, *out = NULL, *error2 = NULL;

        if (!text || definition_parse_string(text, "/fuzz/fuzz.container", "fuzz", &d, &error) < 0)
                return 0;
        if (definition_to_string(d, &out) < 0)
                return 0; /* -EINVAL: d holds what cannot be written, which definition.h allows */
        if (definition_parse_string(out, "/fuzz/fuzz.container", "fuzz", &again, &error2) < 0) {
                fprintf(stderr, "definition_to_string() wrote what does not parse: %s\n---\n%s---\n", error2, out);
                abort();
        }
        if (!definition_equal(d, again)) {
                fprintf(stderr, "definition_to_string() wrote what parses to another definition:\n---\n%s---\n", out);
                abort();
        }
        return 0;
}
