/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The user namespace range allocator (userns-range.h) in a directory of the test's own: leases,
 * the same block again for the same container, release, the host's IDs left alone, a full pool,
 * and many processes acquiring at once, none given a block another holds. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "tap.h"
#include "userns-range.h"

#define B 65536U
#define POOL_FIRST (16 * B)
#define POOL_LAST (48 * B - 1) /* 32 blocks */
#define TAKERS 64

static char dir[] = "/tmp/berth-test-userns.XXXXXX";
static char *leases, *etc;

static bool exists(const char *sub, const char *file) {
        _cleanup_free_ char *p = NULL;

        return asprintf(&p, "%s/%s/%s", leases, sub, file) >= 0 && access(p, F_OK) == 0;
}

static bool block_exists(uint32_t first) {
        char f[16];

        snprintf(f, sizeof(f), "%u", first);
        return exists("blocks", f);
}

static unsigned count_blocks(void) {
        _cleanup_free_ char *p = path_join(leases, "blocks");
        DIR *d = opendir(p);
        struct dirent *de;
        unsigned n = 0;

        if (!d)
                return 0;
        while ((de = readdir(d)))
                n += de->d_name[0] != '.';
        closedir(d);
        return n;
}

static void write_etc(const char *file, const char *content) {
        _cleanup_free_ char *p = path_join(etc, file);

        (void) write_string_file(p, content, 0644, false);
}

/* The test's idea of removed containers: the fillers. */
static bool filler_gone(const char *container) {
        return startswith(container, "fill") != NULL;
}

int main(void) {
        uint32_t a = 0, a2 = 0, b = 0, c = 0, size = 0;
        _cleanup_free_ char *why = NULL;

        ok(mkdtemp(dir) != NULL, "mkdtemp");
        leases = path_join(dir, "userns");
        etc = path_join(dir, "etc");
        ok(leases && etc && mkdir(etc, 0755) == 0, "etc");
        /* Host IDs in the pool: a user in block 17, a group in block 18, subordinate ranges over
         * blocks 19-20 (subuid) and 21 (subgid). Malformed lines take nothing. */
        write_etc("passwd", "root:x:0:0::/root:/bin/sh\nsvc:x:1114112:100::/:/bin/false\nbad line\n");
        write_etc("group", "root:x:0:\nteam:x:1179649:\n");
        write_etc("subuid", "alice:1245184:131072\nbroken:x:y\n");
        write_etc("subgid", "alice:1376256:65536\n");

        /* A container's first acquisition: block 16 is free, 17-21 are the host's. */
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "a", B, NULL, &a, &why) == 0, "a acquires: %s", why ?: "");
        ok(a >= POOL_FIRST && a <= POOL_LAST - B + 1 && a % B == 0, "a: an aligned block in the pool (%u)", a);
        ok(a < 17 * B || a > 21 * B, "a: none of the host's IDs");
        ok(block_exists(a) && exists("names", "a"), "a's lease and its name file");
        ok(userns_range_lookup_at(leases, "a", &a2, &size) == 0 && a2 == a && size == B, "lookup");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "a", B, NULL, &a2, NULL) == 0 && a2 == a,
           "a again: the same block");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "b", 3 * B, NULL, &b, NULL) == 0, "b: three blocks");
        ok(b + 3 * B <= a || b >= a + B, "b's run does not overlap a's");
        ok(block_exists(b) && block_exists(b + B) && block_exists(b + 2 * B), "b holds three leases");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "b", 100, NULL, &c, NULL) == 0 && count_blocks() == 2,
           "b with another size: a new range, the old leases gone");
        ok(userns_range_release_at(leases, "b") == 0 && !exists("names", "b") && count_blocks() == 1, "b released");
        ok(userns_range_release_at(leases, "b") == 0, "released again: nothing to do");
        ok(userns_range_release_at(leases, "never") == 0, "release of a container that held none");
        ok(userns_range_lookup_at(leases, "b", &c, &size) == -ENOENT, "b holds none");

        /* Fill the pool: 32 blocks, 5 of them the host's, 1 a's: 26 left. */
        {
                unsigned got = 0, host = 0;

                for (unsigned i = 0; i < 40; i++) {
                        char name[16];
                        uint32_t f;

                        snprintf(name, sizeof(name), "fill%u", i);
                        if (userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, name, B, NULL, &f, NULL) < 0)
                                break;
                        got++;
                        host += f >= 17 * B && f <= 21 * B;
                }
                ok(got == 26 && host == 0, "26 blocks handed out (%u), none of the host's", got);
        }
        free(why);
        why = NULL;
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "full", B, NULL, &c, &why) == -ENOSPC && why &&
                   streq(why, "no free range of 65536 IDs in the pool 0x100000-0x2FFFFF"),
           "a full pool: %s", why ?: "");
        ok(!exists("names", "full") || userns_range_lookup_at(leases, "full", &c, &size) == -ENOENT, "full holds nothing");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "a", B, NULL, &a2, NULL) == 0 && a2 == a,
           "a still gets its own block in a full pool");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "late", B, filler_gone, &c, NULL) == 0 &&
                   count_blocks() == 2 && exists("names", "late") && exists("names", "a") && !exists("names", "fill0"),
           "full, and the fillers gone: their leases are taken back, late gets one (%u leases)", count_blocks());
        (void) userns_range_release_at(leases, "late");
        for (unsigned i = 0; i < 40; i++) {
                char name[16];

                snprintf(name, sizeof(name), "fill%u", i);
                (void) userns_range_release_at(leases, name);
        }
        (void) userns_range_release_at(leases, "full");
        ok(count_blocks() == 1, "all released but a's");

        /* Many processes at once, each a container of its own, 2 blocks each: at most 13 fit in the
         * pool's 26 free blocks (fewer where single free blocks are left between runs); the
         * others find it full, and only that. No block twice. */
        {
                int fds[2];
                pid_t pids[TAKERS];
                uint32_t firsts[TAKERS];
                unsigned got = 0, clash = 0, failed = 0;

                ok(pipe(fds) == 0, "pipe");
                for (unsigned i = 0; i < TAKERS; i++) {
                        pids[i] = fork();
                        if (pids[i] == 0) {
                                char name[16];
                                uint32_t f = 0;
                                int r;

                                close(fds[0]);
                                snprintf(name, sizeof(name), "par%u", i);
                                r = userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, name, 2 * B, NULL, &f, NULL);
                                if (r == 0)
                                        (void) !write(fds[1], &f, sizeof(f));
                                _exit(r == 0 || r == -ENOSPC ? 0 : 1);
                        }
                }
                close(fds[1]);
                while (got < TAKERS && read(fds[0], &firsts[got], sizeof(uint32_t)) == sizeof(uint32_t))
                        got++;
                close(fds[0]);
                for (unsigned i = 0; i < TAKERS; i++) {
                        int status = 0;

                        (void) waitpid(pids[i], &status, 0);
                        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
                }
                for (unsigned i = 0; i < got; i++) {
                        clash += firsts[i] < a + B && a < firsts[i] + 2 * B;
                        clash += firsts[i] >= 17 * B - B && firsts[i] <= 21 * B;
                        for (unsigned j = i + 1; j < got; j++)
                                clash += firsts[i] < firsts[j] + 2 * B && firsts[j] < firsts[i] + 2 * B;
                }
                ok(got >= 1 && got <= 13 && failed == 0, "%u of %d parallel takers got a range, the others found the pool full",
                   got, TAKERS);
                ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "late", 2 * B, NULL, &c, NULL) == -ENOSPC,
                   "and it is full: no two free blocks in a row left");
                ok(clash == 0, "no block given twice, none of the host's (%u clashes)", clash);
                ok(count_blocks() == 1 + 2 * got, "one lease per block handed out (%u)", count_blocks());
        }

        /* Many processes at once for the same container: one range. */
        {
                int fds[2];
                pid_t pids[16];
                uint32_t f[16];
                unsigned got = 0, same = 0;

                for (unsigned i = 0; i < TAKERS; i++) {
                        char name[16];

                        snprintf(name, sizeof(name), "par%u", i);
                        (void) userns_range_release_at(leases, name);
                }
                ok(pipe(fds) == 0, "pipe");
                for (unsigned i = 0; i < 16; i++) {
                        pids[i] = fork();
                        if (pids[i] == 0) {
                                uint32_t x = 0;

                                close(fds[0]);
                                if (userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "one", B, NULL, &x, NULL) == 0)
                                        (void) !write(fds[1], &x, sizeof(x));
                                _exit(0);
                        }
                }
                close(fds[1]);
                while (got < 16 && read(fds[0], &f[got], sizeof(uint32_t)) == sizeof(uint32_t))
                        got++;
                close(fds[0]);
                for (unsigned i = 0; i < 16; i++)
                        (void) waitpid(pids[i], NULL, 0);
                for (unsigned i = 0; i < got; i++)
                        same += f[i] == f[0];
                ok(got == 16 && same == 16 && count_blocks() == 2, "16 starts of one container: one block (%u, %u)", got,
                   count_blocks());
        }

        (void) rm_rf(dir);
        return tap_finish();
}
