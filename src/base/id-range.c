/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <stdlib.h>

#include "id-range.h"

static int range_compare(const void *a, const void *b) {
        const IdRange *x = a, *y = b;

        return x->first < y->first ? -1 : x->first > y->first ? 1 : 0;
}

size_t id_ranges_normalize(IdRange *ranges, size_t n) {
        size_t k = 0;

        if (n == 0)
                return 0;
        qsort(ranges, n, sizeof(IdRange), range_compare);
        for (size_t i = 1; i < n; i++)
                if (ranges[i].first <= ranges[k].last + 1) {
                        if (ranges[i].last > ranges[k].last)
                                ranges[k].last = ranges[i].last;
                } else
                        ranges[++k] = ranges[i];
        return k + 1;
}

/* The first range of taken whose last ID is at or after id (binary search), or n_taken. */
static size_t first_not_before(const IdRange *taken, size_t n_taken, uint64_t id) {
        size_t lo = 0, hi = n_taken;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (taken[mid].last < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

int id_range_overlaps(const IdRange *taken, size_t n_taken, uint64_t first, uint64_t last) {
        size_t i = first_not_before(taken, n_taken, first);

        return i < n_taken && taken[i].first <= last;
}

int id_range_pick(uint64_t pool_first, uint64_t pool_last, uint64_t block, uint64_t n_blocks, const IdRange *taken,
                  size_t n_taken, uint64_t hint, uint64_t *ret_first) {
        uint64_t blocks, start, b;

        if (block == 0 || n_blocks == 0 || pool_last < pool_first || pool_first % block != 0 ||
            (pool_last + 1) % block != 0)
                return -EINVAL;
        blocks = (pool_last - pool_first + 1) / block;
        if (n_blocks > blocks)
                return -ENOSPC;
        /* Candidates are the first blocks of a run that fits in the pool: 0 … blocks - n_blocks.
         * From the hint on, then from 0 up to it: each candidate looked at once, and a taken range
         * skips all the candidates it covers at one go. */
        start = hint % (blocks - n_blocks + 1);
        for (int pass = 0; pass < 2; pass++) {
                uint64_t end = pass == 0 ? blocks - n_blocks + 1 : start;

                for (b = pass == 0 ? start : 0; b < end;) {
                        uint64_t first = pool_first + b * block, last = first + n_blocks * block - 1;
                        size_t i = first_not_before(taken, n_taken, first);

                        if (i >= n_taken || taken[i].first > last) {
                                *ret_first = first;
                                return 0;
                        }
                        /* Next candidate: the first block after the taken range. */
                        b = (taken[i].last + 1 - pool_first + block - 1) / block;
                }
        }
        return -ENOSPC;
}

bool nsswitch_db_only(const char *text, const char *db, const char *const *allowed) {
        size_t n = strlen(db);

        for (const char *l = text; l && *l;) {
                const char *eol = strchrnul(l, '\n'), *p = l + strspn(l, " \t");

                if (strncmp(p, db, n) == 0 && p[n] == ':') {
                        /* Each word after the colon, up to a comment. */
                        for (p += n + 1; p < eol && *p != '#';) {
                                size_t w;
                                bool ok = false;

                                p += strspn(p, " \t");
                                if (p >= eol || *p == '#')
                                        break;
                                w = strcspn(p, " \t\n#");
                                if (*p == '[') {
                                        const char *close = memchr(p, ']', (size_t) (eol - p));

                                        if (!close)
                                                return false;
                                        p = close + 1;
                                        continue;
                                }
                                for (const char *const *a = allowed; *a; a++)
                                        ok = ok || (strlen(*a) == w && strncmp(*a, p, w) == 0);
                                if (!ok)
                                        return false;
                                p += w;
                        }
                        return true;
                }
                l = *eol ? eol + 1 : eol;
        }
        /* No line: glibc's default for the database, files. */
        for (const char *const *a = allowed; *a; a++)
                if (strcmp(*a, "files") == 0)
                        return true;
        return false;
}
