/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "hashmap.h"

typedef struct Entry {
        uint64_t hash;
        char *key; /* NULL: a free slot */
        size_t key_size;
        size_t value;
} Entry;

struct Hashmap {
        Entry *entries;
        size_t n_slots; /* a power of two */
        size_t n;
};

/* ---- SipHash-2-4 (Aumasson, Bernstein), 64-bit output ---- */

#define ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                                                          \
        do {                                                                                              \
                v0 += v1;                                                                                 \
                v1 = ROTL(v1, 13);                                                                        \
                v1 ^= v0;                                                                                 \
                v0 = ROTL(v0, 32);                                                                        \
                v2 += v3;                                                                                 \
                v3 = ROTL(v3, 16);                                                                        \
                v3 ^= v2;                                                                                 \
                v0 += v3;                                                                                 \
                v3 = ROTL(v3, 21);                                                                        \
                v3 ^= v0;                                                                                 \
                v2 += v1;                                                                                 \
                v1 = ROTL(v1, 17);                                                                        \
                v1 ^= v2;                                                                                 \
                v2 = ROTL(v2, 32);                                                                        \
        } while (0)

static uint64_t load_le64(const unsigned char *p) {
        uint64_t v = 0;

        for (int i = 7; i >= 0; i--)
                v = (v << 8) | p[i];
        return v;
}

static uint64_t siphash24(const void *data, size_t size, const uint64_t k[2]) {
        const unsigned char *p = data, *end = p + (size & ~(size_t) 7);
        uint64_t v0 = k[0] ^ UINT64_C(0x736f6d6570736575), v1 = k[1] ^ UINT64_C(0x646f72616e646f6d),
                 v2 = k[0] ^ UINT64_C(0x6c7967656e657261), v3 = k[1] ^ UINT64_C(0x7465646279746573);
        uint64_t b = (uint64_t) size << 56;

        for (; p < end; p += 8) {
                uint64_t m = load_le64(p);

                v3 ^= m;
                SIPROUND(v0, v1, v2, v3);
                SIPROUND(v0, v1, v2, v3);
                v0 ^= m;
        }
        for (size_t i = 0; i < (size & 7); i++)
                b |= (uint64_t) p[i] << (8 * i);
        v3 ^= b;
        SIPROUND(v0, v1, v2, v3);
        SIPROUND(v0, v1, v2, v3);
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 4; i++)
                SIPROUND(v0, v1, v2, v3);
        return v0 ^ v1 ^ v2 ^ v3;
}

/* One key per process, from the kernel's pool when it has one ready; if not (early boot, where
 * the generator runs), something no input can predict well enough to aim at. */
static const uint64_t *hash_key(void) {
        static uint64_t key[2];
        static bool initialized = false;

        if (!initialized) {
                if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t) sizeof(key)) {
                        struct timespec ts = {};

                        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
                        key[0] = (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 32) ^ (uint64_t) (uintptr_t) &ts;
                        key[1] = ((uint64_t) getpid() << 32) ^ (uint64_t) (uintptr_t) key ^ (uint64_t) time(NULL);
                }
                initialized = true;
        }
        return key;
}

/* ---- the table ---- */

Hashmap *hashmap_free(Hashmap *h) {
        if (!h)
                return NULL;
        for (size_t i = 0; i < h->n_slots; i++)
                free(h->entries[i].key);
        free(h->entries);
        free(h);
        return NULL;
}

size_t hashmap_size(const Hashmap *h) {
        return h ? h->n : 0;
}

static Entry *find(const Hashmap *h, uint64_t hash, const void *key, size_t key_size) {
        size_t mask = h->n_slots - 1;

        for (size_t i = hash & mask;; i = (i + 1) & mask) {
                Entry *e = h->entries + i;

                if (!e->key || (e->hash == hash && e->key_size == key_size && memcmp(e->key, key, key_size) == 0))
                        return e;
        }
}

static int grow(Hashmap *h) {
        Entry *old = h->entries, *n;
        size_t old_slots = h->n_slots, slots = old_slots ? old_slots * 2 : 16;

        if (slots > SIZE_MAX / sizeof(Entry))
                return -ENOMEM;
        n = calloc(slots, sizeof(Entry));
        if (!n)
                return -ENOMEM;
        h->entries = n;
        h->n_slots = slots;
        for (size_t i = 0; i < old_slots; i++)
                if (old[i].key)
                        *find(h, old[i].hash, old[i].key, old[i].key_size) = old[i];
        free(old);
        return 0;
}

int hashmap_put(Hashmap **hp, const void *key, size_t key_size, size_t value) {
        uint64_t hash = siphash24(key, key_size, hash_key());
        Hashmap *h = *hp;
        Entry *e;

        if (!h) {
                h = calloc(1, sizeof(Hashmap));
                if (!h)
                        return -ENOMEM;
                *hp = h;
        }
        /* At most half full, so that probes stay short. */
        if ((h->n + 1) * 2 > h->n_slots) {
                int r = grow(h);
                if (r < 0)
                        return r;
        }
        e = find(h, hash, key, key_size);
        if (!e->key) {
                char *copy = malloc(key_size ?: 1);

                if (!copy)
                        return -ENOMEM;
                memcpy(copy, key, key_size);
                *e = (Entry) { .hash = hash, .key = copy, .key_size = key_size };
                h->n++;
        }
        e->value = value;
        return 0;
}

bool hashmap_get(const Hashmap *h, const void *key, size_t key_size, size_t *ret_value) {
        Entry *e;

        if (!h || h->n == 0)
                return false;
        e = find(h, siphash24(key, key_size, hash_key()), key, key_size);
        if (!e->key)
                return false;
        if (ret_value)
                *ret_value = e->value;
        return true;
}
