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
#include "definition-userns.h"
#include "fd-util.h"
#include "path-util.h"
#include "paths.h"
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

static void *mfree(void *p) {
        free(p);
        return NULL;
}

/* The test's idea of removed containers: the fillers. */
static bool filler_gone(const char *container) {
        return startswith(container, "fill") != NULL;
}

/* The test's idea of IDs the host's NSS knows: those of the blocks below 40. */
static bool nss_knows(uint32_t id) {
        return id < 40 * B;
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
        why = mfree(why);
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "full", B, NULL, &c, &why) == -ENOSPC && why &&
                   streq(why, "no free range of 65536 IDs in the pool 0x100000-0x2FFFFF"),
           "a full pool: %s", why ?: "");
        ok(!exists("names", "full") || userns_range_lookup_at(leases, "full", &c, &size) == -ENOENT, "full holds nothing");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "a", B, NULL, &a2, NULL) == 0 && a2 == a,
           "a still gets its own block in a full pool");
        ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "late", B, &(const UserNSHooks) { .gone = filler_gone }, &c, NULL) == 0 &&
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

        /* IDs the host knows otherwise: skipped by a new pick. */
        {
                UserNSHooks h = { .id_in_use = nss_knows };
                uint32_t f = 0;

                ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "k", B, &h, &f, NULL) == 0 && f >= 40 * B &&
                           f != a,
                   "a pick avoids the blocks the NSS knows (%u)", f / B);
                ok(userns_range_release_at(leases, "k") == 0, "  … released");
        }

        /* UIDMap=/GIDMap=: the pool's blocks they touch are leased; another's are refused. */
        {
                IdMapEntry mine[] = { { 0, 30 * B + 5, 2 * B } }; /* touches blocks 30, 31, 32 */
                IdMapEntry other[] = { { 0, 40 * B, B } };
                IdMapEntry outside[] = { { 0, 100 * B, B } };
                IdMapEntry theirs[] = { { 0, a, 10 } };
                uint32_t f, sz;

                why = mfree(why);
                ok(userns_range_claim_at(leases, POOL_FIRST, POOL_LAST, "m", mine, 1, outside, 1, &why) == 0 &&
                           block_exists(30 * B) && block_exists(31 * B) && block_exists(32 * B) && !block_exists(33 * B),
                   "a map's blocks in the pool are leased: %s", why ?: "");
                ok(userns_range_lookup_at(leases, "m", &f, &sz) == -ENOENT, "  … with no picked range");
                ok(userns_range_claim_at(leases, POOL_FIRST, POOL_LAST, "m", mine, 1, mine, 1, NULL) == 0 && count_blocks() == 4,
                   "  … again: the same");
                ok(userns_range_claim_at(leases, POOL_FIRST, POOL_LAST, "n", other, 1, theirs, 1, &why) == -EBUSY && why &&
                           strstr(why, "which container a holds") && !block_exists(40 * B),
                   "a map over a's range: refused, nothing taken: %s", why ?: "");
                ok(userns_range_claim_at(leases, POOL_FIRST, POOL_LAST, "m", other, 1, other, 1, NULL) == 0 &&
                           block_exists(40 * B) && !block_exists(30 * B) && count_blocks() == 2,
                   "another map: the old blocks go");
                ok(userns_range_acquire_at(leases, etc, POOL_FIRST, POOL_LAST, "m", B, NULL, &f, NULL) == 0 &&
                           (f == 40 * B || !block_exists(40 * B)) && block_exists(f) && count_blocks() == 2,
                   "then UserNS=auto: the map's leases go, a pick comes");
                ok(userns_range_release_at(leases, "m") == 0 && count_blocks() == 1, "released");
        }

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

        /* Staging files a killed start left: its own go with it, another container's stay. */
        {
                _cleanup_free_ char *mine = NULL, *theirs = NULL;

                ok(asprintf(&mine, "%s/blocks/.tmp-a-77", leases) > 0 && asprintf(&theirs, "%s/blocks/.tmp-a-x-78", leases) > 0 &&
                           write_string_file(mine, "a\n", 0644, false) >= 0 && write_string_file(theirs, "a-x\n", 0644, false) >= 0,
                   "two staging files");
                ok(userns_range_release_at(leases, "a") == 0 && access(mine, F_OK) < 0 && access(theirs, F_OK) == 0 &&
                           !block_exists(a),
                   "release of a: a's lease and staging file gone, a-x's kept");
        }

        /* The contract: userns_maps_acquire() and userns_maps_release(), with berth.conf and
         * STATE of the test's own (the host's /etc and NSS). */
        {
                _cleanup_free_ char *conf = path_join(dir, "berth.conf"), *state = path_join(dir, "state");
                IdMapEntry *u = NULL, *g = NULL;
                size_t nu = 9, ng = 9;
                uint32_t f1 = 0, f2, sz;
                Definition *d;

                setenv("BERTH_STATE_DIR", state, 1);
                setenv("BERTH_CONFIG", conf, 1);
                berth_paths_reset();
                (void) write_string_file(conf, "[Containers]\nUserNSPool=0x100000-0x1FFFFF\n", 0644, false);

                ok(definition_parse_string("[Container]\nImage=x\nUserNS=auto:size=70000\n", "c.container", "c", &d, NULL) == 0,
                   "a definition with UserNS=auto:size=70000");
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 1 && ng == 1 && u[0].inside == 0 &&
                           u[0].count == 70000 && u[0].outside >= 0x100000 && u[0].outside + 2 * B <= 0x200000 &&
                           memcmp(u, g, sizeof(*u)) == 0,
                   "acquire: one map, 0 to the range, the same for groups");
                f1 = u ? u[0].outside : 0;
                free(u), free(g);
                ok(userns_range_lookup(d->name, &f2, &sz) == 0 && f2 == f1 && sz == 70000, "  … leased under STATE");
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 1 && u[0].outside == f1,
                   "  … the same range at the next start");
                free(u), free(g);
                ok(userns_maps_release("c") == 0 && userns_range_lookup("c", &f2, &sz) == -ENOENT, "release");
                ok(userns_maps_release("c") == 0, "  … idempotent");
                definition_free(d);

                ok(definition_parse_string("[Container]\nImage=x\n", "p.container", "p", &d, NULL) == 0, "a plain definition");
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 0 && ng == 0 && !u && !g,
                   "host by default: no maps");
                (void) write_string_file(conf, "[Containers]\nUserNS=private\nUserNSPool=0x100000-0x1FFFFF\n", 0644, false);
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 1 && u[0].count == B,
                   "berth.conf's UserNS=private: one block");
                free(u), free(g);
                ok(userns_maps_release("p") == 0, "  … released");
                d->privileged = true;
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 0, "  … but not for a privileged container");
                definition_free(d);

                ok(definition_parse_string("[Container]\nImage=x\nUIDMap=0:5000000:10\n", "m.container", "m", &d, NULL) == 0,
                   "a definition with UIDMap=");
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, NULL) == 0 && nu == 1 && ng == 1 && u[0].outside == 5000000 &&
                           g[0].outside == 5000000,
                   "acquire: the maps as given");
                free(u), free(g);
                (void) userns_maps_release("m");
                definition_free(d);

                (void) write_string_file(conf, "[Containers]\nUserNSPool=0x100000-0x10FFFF\n", 0644, false);
                ok(definition_parse_string("[Container]\nImage=x\nUserNS=auto:size=131072\n", "b.container", "b", &d, NULL) == 0,
                   "a definition wanting two blocks");
                why = mfree(why);
                ok(userns_maps_acquire(d, &u, &nu, &g, &ng, &why) == -ENOSPC && why &&
                           streq(why, "no free range of 131072 IDs in the pool 0x100000-0x10FFFF"),
                   "a pool of one block: %s", why ?: "");
                definition_free(d);
        }

        (void) rm_rf(dir);
        return tap_finish();
}
