/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Picking free blocks of IDs (id-range.h): first fit from the hint, wrapping, around taken
 * ranges, runs of several blocks, a full pool. */
#include <errno.h>

#include "id-range.h"
#include "tap.h"

#define B 65536ULL

/* nsswitch.conf: whether passwd/group name only sources berth reads itself (or that know nothing of
 * its pool). */
static void test_nsswitch(void) {
        static const char *const allowed[] = { "files", "systemd", NULL };

        ok(nsswitch_db_only("passwd:         files systemd\ngroup:          files systemd\n", "passwd", allowed),
           "Debian's default: files systemd");
        ok(nsswitch_db_only("passwd: files [SUCCESS=merge] systemd # comment sss\n", "passwd", allowed),
           "  … actions in brackets and a comment aside");
        ok(!nsswitch_db_only("passwd: files sss\n", "passwd", allowed), "sss is another source");
        ok(!nsswitch_db_only("passwd: files\ngroup: files ldap\n", "group", allowed), "ldap for groups");
        ok(!nsswitch_db_only("passwd: compat\n", "passwd", allowed), "compat (NIS) is another source");
        ok(nsswitch_db_only("hosts: files dns\n", "passwd", allowed), "no passwd line: glibc's default, files");
        ok(!nsswitch_db_only("passwdx: sss\npasswd: files winbind\n", "passwd", allowed), "  … passwdx: is another database");
        ok(!nsswitch_db_only("passwd: files [NOTFOUND=return\n", "passwd", allowed), "an unclosed bracket: not understood");
        ok(nsswitch_db_only("  passwd:\tfiles\n", "passwd", allowed), "leading blanks and tabs");
}

int main(void) {
        test_nsswitch();
        uint64_t first;
        IdRange r[8];
        size_t n;

        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, NULL, 0, 0, &first) == 0 && first == 8 * B, "empty pool: the first block");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, NULL, 0, 3, &first) == 0 && first == 11 * B, "from the hint");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, NULL, 0, 8 + 3, &first) == 0 && first == 11 * B, "hint modulo the pool");

        r[0] = (IdRange) { 8 * B, 9 * B - 1 };
        r[1] = (IdRange) { 9 * B + 5, 9 * B + 5 }; /* one host user in the second block */
        n = id_ranges_normalize(r, 2);
        ok(n == 2, "two separate ranges stay two");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, r, n, 0, &first) == 0 && first == 10 * B, "skips a leased block and a host ID");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 3, r, n, 0, &first) == 0 && first == 10 * B, "a run of three");

        /* Unsorted, overlapping, touching: merged. */
        r[0] = (IdRange) { 12 * B, 13 * B - 1 };
        r[1] = (IdRange) { 8 * B, 9 * B - 1 };
        r[2] = (IdRange) { 9 * B, 10 * B - 1 };
        r[3] = (IdRange) { 12 * B + 10, 12 * B + 20 };
        n = id_ranges_normalize(r, 4);
        ok(n == 2 && r[0].first == 8 * B && r[0].last == 10 * B - 1 && r[1].first == 12 * B && r[1].last == 13 * B - 1,
           "normalize: sorted, merged");
        ok(id_range_overlaps(r, n, 9 * B, 9 * B) && !id_range_overlaps(r, n, 10 * B, 12 * B - 1) &&
                   id_range_overlaps(r, n, 11 * B, 12 * B),
           "overlaps");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 2, r, n, 0, &first) == 0 && first == 10 * B, "a run of two fits between");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 3, r, n, 0, &first) == 0 && first == 13 * B, "a run of three after");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, r, n, 6, &first) == 0 && first == 14 * B, "from the hint, past taken");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 3, r, n, 5, &first) == 0 && first == 13 * B, "hint 5 is block 13");
        /* Hint near the end: wraps to the start. */
        r[0] = (IdRange) { 12 * B, 16 * B - 1 };
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, r, 1, 7, &first) == 0 && first == 8 * B, "wraps");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 5, r, 1, 0, &first) == -ENOSPC, "no room for five");
        ok(id_range_pick(8 * B, 16 * B - 1, B, 9, NULL, 0, 0, &first) == -ENOSPC, "more than the pool");
        r[0] = (IdRange) { 0, 20 * B };
        ok(id_range_pick(8 * B, 16 * B - 1, B, 1, r, 1, 0, &first) == -ENOSPC, "full");
        ok(id_range_pick(8 * B + 1, 16 * B - 1, B, 1, NULL, 0, 0, &first) == -EINVAL, "unaligned pool");
        /* Systemd's range, almost full: one free block at the very end. */
        r[0] = (IdRange) { 0x80000, 0x6FFEFFFF };
        ok(id_range_pick(0x80000, 0x6FFFFFFF, B, 1, r, 1, 12345, &first) == 0 && first == 0x6FFF0000, "the last block");
        return tap_finish();
}
