/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image reference as a user or a file writes it: reference_parse(), then what the store
 * and the puller do with one (qualify, print, the candidates for a short name). */

#include "fuzz.h"
#include "reference.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        _cleanup_free_ char *s = fuzz_string(data, size), *why = NULL, *pull = NULL, *why2 = NULL, *printed = NULL,
                            *repo = NULL;
        _cleanup_strv_free_ char **local = NULL;

        if (!s)
                return 0;
        (void) reference_domain_is_valid(s);
        if (reference_candidates(s, NULL, &local, &pull, &why2) < 0)
                free(TAKE_PTR(why2));
        if (reference_parse(s, &r, &why) < 0)
                return 0;
        if (reference_qualify(&r, REFERENCE_DEFAULT_DOMAIN) < 0)
                return 0;
        printed = reference_to_string(&r);
        repo = reference_repository(&r);
        return 0;
}
