/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A registry's WWW-Authenticate header value, as auth_challenge_parse() reads it. */

#include "auth-challenge.h"
#include "cleanup.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *header = fuzz_string(data, size), *why = NULL;
        AuthChallenge c = AUTH_CHALLENGE_NULL;

        if (!header || auth_challenge_parse(header, &c, &why) < 0)
                return 0;
        auth_challenge_done(&c);
        return 0;
}
