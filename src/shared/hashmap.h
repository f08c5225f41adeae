/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

/* A map from byte strings (copied) to size_t, for lookups that must stay linear over input of
 * any size: repeated Environment= names, ports, unit names. Open addressing, keyed SipHash-2-4
 * with a per-process random key, so that input chosen to collide (a definition, an image's
 * config) cannot turn lookups quadratic. Not thread-safe. */

typedef struct Hashmap Hashmap;

Hashmap *hashmap_free(Hashmap *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(Hashmap *, hashmap_free);

/* Sets key to value, replacing what it held. *h is allocated on first use. -ENOMEM. */
int hashmap_put(Hashmap **h, const void *key, size_t key_size, size_t value);
/* Whether key is there (h may be NULL); its value in *ret_value when ret_value is not NULL. */
bool hashmap_get(const Hashmap *h, const void *key, size_t key_size, size_t *ret_value);
size_t hashmap_size(const Hashmap *h);
