/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "hashmap.h"
#include "tap.h"

int main(void) {
        _cleanup_(hashmap_freep) Hashmap *h = NULL;
        size_t v = 0;
        bool good = true;

        ok(!hashmap_get(NULL, "a", 1, &v) && hashmap_size(NULL) == 0, "an unallocated map is empty");
        ok_eq_int(hashmap_put(&h, "a", 1, 1), 0);
        ok(h && hashmap_get(h, "a", 1, &v) && v == 1, "put, get");
        ok_eq_int(hashmap_put(&h, "a", 1, 7), 0);
        ok(hashmap_get(h, "a", 1, &v) && v == 7 && hashmap_size(h) == 1, "put again replaces");
        ok(!hashmap_get(h, "ab", 2, NULL) && !hashmap_get(h, "", 0, NULL), "a longer key and the empty key differ");
        ok_eq_int(hashmap_put(&h, "", 0, 3), 0);
        ok(hashmap_get(h, "", 0, &v) && v == 3, "the empty key");
        ok_eq_int(hashmap_put(&h, "x\0y", 3, 4), 0);
        ok(hashmap_get(h, "x\0y", 3, &v) && v == 4 && !hashmap_get(h, "x\0z", 3, NULL) && !hashmap_get(h, "x", 1, NULL),
           "keys are bytes, NUL and all");

        /* Through many growths: every key still found with its value, none that was not put. */
        for (size_t i = 0; i < 100000; i++) {
                char k[32];

                snprintf(k, sizeof(k), "key-%zu", i);
                if (hashmap_put(&h, k, strlen(k), i) < 0)
                        good = false;
        }
        ok(good, "100000 puts");
        for (size_t i = 0; i < 100000 && good; i++) {
                char k[32];

                snprintf(k, sizeof(k), "key-%zu", i);
                good = hashmap_get(h, k, strlen(k), &v) && v == i;
        }
        ok(good, "… each found");
        ok(!hashmap_get(h, "key-100000", 10, NULL), "… and no other");
        ok_eq_int(hashmap_size(h), 100000 + 3);
        return tap_finish();
}
