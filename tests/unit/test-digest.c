/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "digest.h"
#include "tap.h"

int main(void) {
        ok(digest_dlopen(NULL) == 0, "nettle opens");
        char got[DIGEST_STRING_MAX];
        Digest d;

        /* FIPS 180-2's "abc". */
        ok(digest_matches("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc",
                          3, got),
           "sha256 of abc (%s)", got);
        ok(digest_matches("sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                          "abc", 3, got),
           "sha512 of abc");
        ok(!digest_matches("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abd",
                           3, got),
           "another content does not match");
        ok(!digest_matches("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", "abc",
                           3, got),
           "uppercase hex is not the digest (the image spec allows lowercase only)");
        ok(!digest_matches("md5:900150983cd24fb0d6963f7d28e17f72", "abc", 3, got),
           "an algorithm berth does not know never matches");

        digest_init(&d, DIGEST_SHA256);
        digest_update(&d, "a", 1);
        digest_update(&d, "bc", 2);
        digest_final(&d, got);
        ok_streq(got, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

        ok(digest_is_valid("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
           "valid");
        ok(!digest_is_valid("sha256:ba7816bf"), "too short");
        ok(!digest_is_valid("sha256:../../../../etc/passwd"), "not hex");
        ok(!digest_is_valid("sha384:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
           "unknown algorithm");
        ok(!digest_is_valid("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
           "no algorithm");
        ok_eq_int(digest_algorithm_of("sha512:x"), DIGEST_SHA512);
        ok_eq_int(digest_algorithm_of("sha25:x"), _DIGEST_ALGORITHM_INVALID);
        return tap_finish();
}
