/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The user namespace range allocator: leases in files, taken with link(2), as berth's address
 * leases are, so that hundreds of containers starting at once never get one block twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "fd-util.h"
#include "id-range.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "subid.h"
#include "userns-range.h"

/* A lease file is "NAME\n"; a name file "FIRST SIZE\n". */
#define LEASE_SIZE_MAX 4096
/* Attempts at a pick that another start took first: each loss marks that block taken, so this
 * many losses in a row mean the directory changes faster than we can read it. */
#define PICK_ATTEMPTS_MAX 4096

static int parse_u64(const char *s, uint64_t *ret) {
        return safe_atou64(s, ret);
}

static void *mfree(void *p) {
        free(p);
        return NULL;
}

/* ---- the host's own IDs ---- */

static int ranges_add(IdRange **ranges, size_t *n, size_t *allocated, uint64_t first, uint64_t last) {
        if (*n >= *allocated) {
                size_t a = *allocated ? *allocated * 2 : 64;
                IdRange *r = reallocarray(*ranges, a, sizeof(IdRange));

                if (!r)
                        return -ENOMEM;
                *ranges = r;
                *allocated = a;
        }
        (*ranges)[(*n)++] = (IdRange) { first, last };
        return 0;
}

/* passwd and group: field 3 of each line, an ID. subuid and subgid: NAME:FIRST:COUNT. A line that
 * does not parse takes nothing (it is not a user the system knows either). */
static int host_ids_read(const char *etc_dir, const char *file, bool subordinate, IdRange **ranges, size_t *n,
                         size_t *allocated) {
        _cleanup_free_ char *path = path_join(etc_dir, file);
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t line_size = 0;

        if (!path)
                return -ENOMEM;
        f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0 : -errno;
        while (getline(&line, &line_size, f) >= 0) {
                char *fields[4] = {}, *p = line;
                uint64_t a, b;
                size_t k = 0;
                int r;

                line[strcspn(line, "\n")] = 0;
                if (line[0] == '#')
                        continue;
                /* strsep keeps empty fields (passwd's password field may be empty). */
                while (k < ELEMENTSOF(fields) && (fields[k] = strsep(&p, ":")))
                        k++;
                if (subordinate) {
                        if (k < 3 || parse_u64(fields[1], &a) < 0 || parse_u64(fields[2], &b) < 0 || b == 0)
                                continue;
                        r = ranges_add(ranges, n, allocated, a, a + b - 1);
                } else {
                        if (k < 3 || parse_u64(fields[2], &a) < 0)
                                continue;
                        r = ranges_add(ranges, n, allocated, a, a);
                }
                if (r < 0)
                        return r;
        }
        return ferror(f) ? -EIO : 0;
}

/* ---- leases ---- */

static int lease_read_at(int dir_fd, const char *file, char **ret) {
        _cleanup_free_ char *s = NULL;
        int r = read_full_file_at(dir_fd, file, LEASE_SIZE_MAX, &s, NULL);

        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = 0;
        *ret = TAKE_PTR(s);
        return 0;
}

/* Each lease file's block, into ranges; with holder set, the blocks it holds are unlinked
 * instead (leases left by a pick cut short, or released). */
static int leases_scan(int blocks_fd, const char *holder, IdRange **ranges, size_t *n, size_t *allocated) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        /* A description of its own: a dup() would share the offset a scan before left at the end. */
        int r = opendir_at(blocks_fd, ".", &d);

        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                uint64_t first;

                if (de->d_name[0] == '.') {
                        /* A staging file of ours that a killed start left: ".tmp-NAME-PID" exactly
                         * (NAME-x's is another container's, which may be using it now). */
                        const char *rest = startswith(de->d_name, ".tmp-");
                        const char *pid = holder && rest && startswith(rest, holder) ? rest + strlen(holder) : NULL;

                        if (pid && pid[0] == '-' && pid[1] && strspn(pid + 1, "0123456789") == strlen(pid + 1))
                                (void) unlinkat(blocks_fd, de->d_name, 0);
                        continue;
                }
                if (parse_u64(de->d_name, &first) < 0)
                        continue;
                if (holder) {
                        _cleanup_free_ char *who = NULL;

                        if (lease_read_at(blocks_fd, de->d_name, &who) >= 0 && streq(who, holder) &&
                            unlinkat(blocks_fd, de->d_name, 0) < 0 && errno != ENOENT)
                                return -errno;
                        continue;
                }
                if (ranges_add(ranges, n, allocated, first, first + USERNS_BLOCK_SIZE - 1) < 0)
                        return -ENOMEM;
        }
        return errno > 0 ? -errno : 0;
}

/* Whether the lease of the block at first is held by container. */
static bool lease_is(int blocks_fd, uint64_t first, const char *container) {
        _cleanup_free_ char *who = NULL;
        char file[32];

        snprintf(file, sizeof(file), "%" PRIu64, first);
        return lease_read_at(blocks_fd, file, &who) >= 0 && streq(who, container);
}

/* Takes the n_blocks leases from first on, all or none: -EEXIST with *ret_lost the first block
 * another container holds. */
static int leases_take(int blocks_fd, const char *container, uint64_t first, uint64_t n_blocks, uint64_t *ret_lost) {
        _cleanup_free_ char *content = strjoin(container, "\n");
        char tmp[NAME_MAX + 1];
        uint64_t linked = 0;
        int fd, r = 0;

        if (!content)
                return -ENOMEM;
        /* The content written once to a staging file, then linked as each lease: a lease is never
         * seen empty or half written. */
        snprintf(tmp, sizeof(tmp), ".tmp-%s-%d", container, (int) getpid());
        fd = openat(blocks_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, content, strlen(content));
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        safe_close(fd);
        for (; r >= 0 && linked < n_blocks; linked++) {
                char file[32];

                snprintf(file, sizeof(file), "%" PRIu64, first + linked * USERNS_BLOCK_SIZE);
                if (linkat(blocks_fd, tmp, blocks_fd, file, 0) < 0) {
                        r = -errno;
                        if (r == -EEXIST)
                                *ret_lost = first + linked * USERNS_BLOCK_SIZE;
                        break;
                }
        }
        /* Undo: the leases linked so far are ours alone. */
        while (r < 0 && linked > 0) {
                char file[32];

                snprintf(file, sizeof(file), "%" PRIu64, first + --linked * USERNS_BLOCK_SIZE);
                (void) unlinkat(blocks_fd, file, 0);
        }
        (void) unlinkat(blocks_fd, tmp, 0);
        return r;
}

/* ---- a container's name file, locked ---- */

static int open_dir(const char *dir, const char *sub, int *ret_fd) {
        _cleanup_free_ char *p = path_join(dir, sub);
        int fd, r;

        if (!p)
                return -ENOMEM;
        r = mkdir_p(p, 0755);
        if (r < 0)
                return r;
        fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* The name file of container, created if absent, flock()ed: a removal unlinks it under the lock,
 * so a taker checks afterwards that it is still there and otherwise tries anew. */
static int name_lock(int names_fd, const char *container, int *ret_fd) {
        for (;;) {
                _cleanup_close_ int fd = -EBADF;
                struct stat st;

                fd = openat(names_fd, container, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return -errno;
                if (flock(fd, LOCK_EX) < 0)
                        return -errno;
                if (fstat(fd, &st) < 0)
                        return -errno;
                if (st.st_nlink > 0) {
                        *ret_fd = TAKE_FD(fd);
                        return 0;
                }
        }
}

/* The leases' two directories in dir, and container's name file locked (name_lock()). */
static int leases_open(const char *dir, const char *container, int *ret_blocks_fd, int *ret_names_fd, int *ret_name_fd,
                       char **ret_why) {
        int r;

        r = open_dir(dir, "blocks", ret_blocks_fd);
        if (r >= 0)
                r = open_dir(dir, "names", ret_names_fd);
        if (r >= 0)
                r = name_lock(*ret_names_fd, container, ret_name_fd);
        if (r < 0)
                return reason(ret_why, r, "cannot open the user namespace leases in %s: %s", dir, strerror(-r));
        return 0;
}

static int name_read(int fd, uint64_t *ret_first, uint64_t *ret_size) {
        _cleanup_free_ char *s = NULL;
        char *space;
        int r;

        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        r = read_full_fd(fd, LEASE_SIZE_MAX, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = 0;
        space = strchr(s, ' ');
        if (!space)
                return -ENOENT;
        *space++ = 0;
        if (parse_u64(s, ret_first) < 0 || parse_u64(space, ret_size) < 0 || *ret_size == 0)
                return -ENOENT;
        return 0;
}

static int name_write(int fd, uint64_t first, uint64_t size) {
        char buf[64];
        int n = snprintf(buf, sizeof(buf), "%" PRIu64 " %" PRIu64 "\n", first, size);

        if (ftruncate(fd, 0) < 0)
                return -errno;
        if (pwrite(fd, buf, (size_t) n, 0) != n)
                return errno > 0 ? -errno : -EIO;
        return fsync(fd) < 0 ? -errno : 0;
}

static uint64_t name_hash(const char *s) {
        uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */

        for (; *s; s++)
                h = (h ^ (uint8_t) *s) * UINT64_C(1099511628211);
        return h;
}

/* What may not be handed out: the host's IDs and the leases, normalized. */
static int taken_collect(const char *etc_dir, int blocks_fd, IdRange **ret, size_t *ret_n, char **ret_why) {
        static const struct {
                const char *file;
                bool subordinate;
        } host_files[] = { { "passwd", false }, { "group", false }, { "subuid", true }, { "subgid", true } };
        _cleanup_free_ IdRange *taken = NULL;
        size_t n = 0, allocated = 0;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(host_files); i++) {
                r = host_ids_read(etc_dir, host_files[i].file, host_files[i].subordinate, &taken, &n, &allocated);
                if (r < 0)
                        return reason(ret_why, r, "cannot read %s/%s: %s", etc_dir, host_files[i].file, strerror(-r));
        }
        r = leases_scan(blocks_fd, NULL, &taken, &n, &allocated);
        if (r < 0)
                return reason(ret_why, r, "cannot read the user namespace leases: %s", strerror(-r));
        *ret_n = id_ranges_normalize(taken, n);
        *ret = TAKE_PTR(taken);
        return 0;
}

/* Releases the ranges of the holders gone() says are gone (never self's): how many. */
static int leases_reclaim(const char *dir, int blocks_fd, const char *self, bool (*gone)(const char *container)) {
        _cleanup_strv_free_ char **seen = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int n = 0, r;

        r = opendir_at(blocks_fd, ".", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                _cleanup_free_ char *who = NULL;
                uint64_t first;

                if (parse_u64(de->d_name, &first) < 0 || lease_read_at(blocks_fd, de->d_name, &who) < 0 ||
                    !name_is_valid(who) || streq(who, self) || strv_contains(seen, who))
                        continue;
                r = strv_extend(&seen, who);
                if (r < 0)
                        return r;
                if (!gone(who))
                        continue;
                r = userns_range_release_at(dir, who);
                if (r < 0)
                        return r;
                n++;
        }
        return errno > 0 ? -errno : n;
}

int userns_range_acquire_at(const char *dir, const char *etc_dir, uint32_t pool_first, uint32_t pool_last,
                            const char *container, uint32_t size, const UserNSHooks *hooks, uint32_t *ret_first,
                            char **ret_why) {
        bool (*gone)(const char *container) = hooks ? hooks->gone : NULL;
        _cleanup_close_ int blocks_fd = -EBADF, names_fd = -EBADF, name_fd = -EBADF;
        _cleanup_free_ IdRange *taken = NULL;
        size_t n_taken = 0, allocated = 0;
        uint64_t first, have_size, n_blocks;
        bool reclaimed = false;
        int r;

        if (!name_is_valid(container) || size == 0)
                return -EINVAL;
        n_blocks = ((uint64_t) size + USERNS_BLOCK_SIZE - 1) / USERNS_BLOCK_SIZE;
        r = leases_open(dir, container, &blocks_fd, &names_fd, &name_fd, ret_why);
        if (r < 0)
                return r;

        /* Started before: the same range again, as long as it is whole and of the size asked. */
        if (name_read(name_fd, &first, &have_size) >= 0 && have_size == size) {
                bool whole = true;

                for (uint64_t i = 0; whole && i < n_blocks; i++)
                        whole = lease_is(blocks_fd, first + i * USERNS_BLOCK_SIZE, container);
                if (whole) {
                        *ret_first = (uint32_t) first;
                        return 0;
                }
        }
        /* Else whatever it held goes (a size changed since, a pick cut short): it gets a new one. */
        r = leases_scan(blocks_fd, container, NULL, NULL, NULL);
        if (r < 0)
                return reason(ret_why, r, "cannot release the user namespace leases of %s: %s", container, strerror(-r));

        r = taken_collect(etc_dir, blocks_fd, &taken, &n_taken, ret_why);
        if (r < 0)
                return r;
        allocated = n_taken;

        for (unsigned attempt = 0;; attempt++) {
                uint64_t lost = 0;

                r = id_range_pick(pool_first, pool_last, USERNS_BLOCK_SIZE, n_blocks, taken, n_taken,
                                  name_hash(container), &first);
                if (r == -ENOSPC && gone && !reclaimed) {
                        /* Full: the leases of containers that are gone without a removal (their
                         * definitions deleted by hand) are taken back, once. */
                        reclaimed = true;
                        r = leases_reclaim(dir, blocks_fd, container, gone);
                        if (r < 0)
                                return reason(ret_why, r, "cannot reclaim user namespace leases in %s: %s", dir, strerror(-r));
                        if (r > 0) {
                                taken = mfree(taken);
                                r = taken_collect(etc_dir, blocks_fd, &taken, &n_taken, ret_why);
                                if (r < 0)
                                        return r;
                                allocated = n_taken;
                                continue;
                        }
                        r = -ENOSPC;
                }
                if (r == -ENOSPC)
                        return reason(ret_why, r, "no free range of %" PRIu32 " IDs in the pool 0x%" PRIX32 "-0x%" PRIX32,
                                      size, pool_first, pool_last);
                if (r < 0)
                        return reason(ret_why, r, "bad user namespace pool 0x%" PRIX32 "-0x%" PRIX32, pool_first, pool_last);
                /* Known to the host by other means: taken. */
                if (hooks && hooks->id_in_use) {
                        bool used = false;

                        for (uint64_t i = 0; !used && i < n_blocks; i++)
                                if (hooks->id_in_use((uint32_t) (first + i * USERNS_BLOCK_SIZE))) {
                                        used = true;
                                        lost = first + i * USERNS_BLOCK_SIZE;
                                }
                        if (used) {
                                if (attempt >= PICK_ATTEMPTS_MAX)
                                        return reason(ret_why, -ENOSPC, "no free range of %" PRIu32 " IDs in the pool 0x%" PRIX32
                                                      "-0x%" PRIX32, size, pool_first, pool_last);
                                if (ranges_add(&taken, &n_taken, &allocated, lost, lost + USERNS_BLOCK_SIZE - 1) < 0)
                                        return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
                                n_taken = id_ranges_normalize(taken, n_taken);
                                continue;
                        }
                }
                r = leases_take(blocks_fd, container, first, n_blocks, &lost);
                if (r >= 0)
                        break;
                if (r != -EEXIST || attempt >= PICK_ATTEMPTS_MAX)
                        return reason(ret_why, r, "cannot take a user namespace lease in %s: %s", dir, strerror(-r));
                /* Another start took that block meanwhile: it is taken, pick again. */
                if (ranges_add(&taken, &n_taken, &allocated, lost, lost + USERNS_BLOCK_SIZE - 1) < 0)
                        return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
                n_taken = id_ranges_normalize(taken, n_taken);
        }
        r = name_write(name_fd, first, size);
        if (r < 0) {
                (void) leases_scan(blocks_fd, container, NULL, NULL, NULL);
                return reason(ret_why, r, "cannot write the user namespace range of %s: %s", container, strerror(-r));
        }
        *ret_first = (uint32_t) first;
        return 0;
}

/* The blocks of the pool that maps touch, as normalized ranges of whole blocks. */
static int pool_blocks_of(uint32_t pool_first, uint32_t pool_last, const IdMapEntry *m, size_t n, IdRange **ranges,
                          size_t *n_ranges, size_t *allocated) {
        for (size_t i = 0; i < n; i++) {
                uint64_t a = m[i].outside, b = (uint64_t) m[i].outside + m[i].count - 1;

                if (b < pool_first || a > pool_last)
                        continue;
                a = a < pool_first ? pool_first : a;
                b = b > pool_last ? pool_last : b;
                if (ranges_add(ranges, n_ranges, allocated, a - a % USERNS_BLOCK_SIZE,
                               b - b % USERNS_BLOCK_SIZE + USERNS_BLOCK_SIZE - 1) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Own leases outside keep (normalized) unlinked. */
static int leases_prune(int blocks_fd, const char *container, const IdRange *keep, size_t n_keep) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(blocks_fd, ".", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                uint64_t first;

                if (parse_u64(de->d_name, &first) < 0 || id_range_overlaps(keep, n_keep, first, first) ||
                    !lease_is(blocks_fd, first, container))
                        continue;
                if (unlinkat(blocks_fd, de->d_name, 0) < 0 && errno != ENOENT)
                        return -errno;
        }
        return errno > 0 ? -errno : 0;
}

int userns_range_claim_at(const char *dir, uint32_t pool_first, uint32_t pool_last, const char *container,
                          const IdMapEntry *uid, size_t n_uid, const IdMapEntry *gid, size_t n_gid, char **ret_why) {
        _cleanup_close_ int blocks_fd = -EBADF, names_fd = -EBADF, name_fd = -EBADF;
        _cleanup_free_ IdRange *claim = NULL;
        _cleanup_free_ uint64_t *linked = NULL;
        _cleanup_free_ char *content = NULL, *holder = NULL;
        size_t n_claim = 0, allocated = 0, n_linked = 0, n_blocks = 0;
        uint64_t conflict = 0;
        char tmp[NAME_MAX + 1];
        int fd, r;

        if (!name_is_valid(container))
                return -EINVAL;
        if (pool_blocks_of(pool_first, pool_last, uid, n_uid, &claim, &n_claim, &allocated) < 0 ||
            pool_blocks_of(pool_first, pool_last, gid, n_gid, &claim, &n_claim, &allocated) < 0)
                return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
        n_claim = id_ranges_normalize(claim, n_claim);
        for (size_t i = 0; i < n_claim; i++)
                n_blocks += (claim[i].last - claim[i].first + 1) / USERNS_BLOCK_SIZE;

        r = leases_open(dir, container, &blocks_fd, &names_fd, &name_fd, ret_why);
        if (r < 0)
                return r;
        /* Its name file says no picked range: inspect and the next pick see none. */
        if (ftruncate(name_fd, 0) < 0)
                return reason(ret_why, -errno, "cannot write the user namespace range of %s: %s", container, strerror(errno));

        if (n_blocks > 0) {
                content = strjoin(container, "\n");
                linked = calloc(n_blocks, sizeof(uint64_t));
                if (!content || !linked)
                        return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
                snprintf(tmp, sizeof(tmp), ".tmp-%s-%d", container, (int) getpid());
                fd = openat(blocks_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return reason(ret_why, -errno, "cannot take a user namespace lease in %s: %s", dir, strerror(errno));
                r = loop_write(fd, content, strlen(content));
                safe_close(fd);
                for (size_t i = 0; r >= 0 && i < n_claim; i++)
                        for (uint64_t b = claim[i].first; r >= 0 && b < claim[i].last; b += USERNS_BLOCK_SIZE) {
                                char file[32];

                                snprintf(file, sizeof(file), "%" PRIu64, b);
                                if (linkat(blocks_fd, tmp, blocks_fd, file, 0) >= 0)
                                        linked[n_linked++] = b;
                                else if (errno != EEXIST)
                                        r = -errno;
                                else if (!lease_is(blocks_fd, b, container)) {
                                        r = -EBUSY;
                                        conflict = b;
                                        (void) lease_read_at(blocks_fd, file, &holder);
                                }
                        }
                (void) unlinkat(blocks_fd, tmp, 0);
                if (r < 0) {
                        while (n_linked > 0) {
                                char file[32];

                                snprintf(file, sizeof(file), "%" PRIu64, linked[--n_linked]);
                                (void) unlinkat(blocks_fd, file, 0);
                        }
                        if (r == -EBUSY)
                                return reason(ret_why, r,
                                              "the maps of %s (UIDMap=/GIDMap=, or SubUIDMap=/SubGIDMap='s "
                                              "/etc/subuid ranges) take host IDs %" PRIu64 "-%" PRIu64 ", which container %s "
                                              "holds from UserNSPool= 0x%" PRIX32 "-0x%" PRIX32
                                              ": give host IDs outside the pool, or UserNS=auto",
                                              container, conflict, conflict + USERNS_BLOCK_SIZE - 1, holder ?: "(unknown)",
                                              pool_first, pool_last);
                        return reason(ret_why, r, "cannot take a user namespace lease in %s: %s", dir, strerror(-r));
                }
        }
        /* What it held before and no longer maps (another map, or an earlier UserNS=auto) goes. */
        r = leases_prune(blocks_fd, container, claim, n_claim);
        if (r < 0)
                return reason(ret_why, r, "cannot release the user namespace leases of %s: %s", container, strerror(-r));
        return 0;
}

int userns_range_release_at(const char *dir, const char *container) {
        _cleanup_free_ char *blocks = NULL, *names = NULL;
        _cleanup_close_ int blocks_fd = -EBADF, names_fd = -EBADF, name_fd = -EBADF;
        int r;

        if (!name_is_valid(container))
                return -EINVAL;
        blocks = path_join(dir, "blocks");
        names = path_join(dir, "names");
        if (!blocks || !names)
                return -ENOMEM;
        names_fd = open(names, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (names_fd < 0)
                return errno == ENOENT ? 0 : -errno; /* never had one: nothing to release */
        /* Only a container that has (or had, cut short) a name file ever took a lease. */
        if (faccessat(names_fd, container, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        r = name_lock(names_fd, container, &name_fd);
        if (r < 0)
                return r;
        blocks_fd = open(blocks, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (blocks_fd >= 0) {
                r = leases_scan(blocks_fd, container, NULL, NULL, NULL);
                if (r < 0)
                        return r;
        } else if (errno != ENOENT)
                return -errno;
        /* Last, under the lock: a start waiting for it sees it gone and begins anew. */
        if (unlinkat(names_fd, container, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int userns_range_lookup_at(const char *dir, const char *container, uint32_t *ret_first, uint32_t *ret_size) {
        _cleanup_free_ char *names = path_join(dir, "names");
        _cleanup_close_ int fd = -EBADF;
        uint64_t first, size;
        int r;

        if (!names)
                return -ENOMEM;
        if (!name_is_valid(container))
                return -ENOENT;
        fd = openat(AT_FDCWD, names, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ENOENT : -errno;
        {
                int f = openat(fd, container, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

                if (f < 0)
                        return errno == ENOENT ? -ENOENT : -errno;
                /* Readers do not lock: the file is written whole by one pwrite(). */
                r = name_read(f, &first, &size);
                safe_close(f);
        }
        if (r < 0)
                return r;
        if (first > UINT32_MAX || size > UINT32_MAX)
                return -ENOENT;
        *ret_first = (uint32_t) first;
        *ret_size = (uint32_t) size;
        return 0;
}

/* ---- the contract ---- */

static const char *userns_dir(char **buf) {
        *buf = path_join(berth_state_dir(), "userns");
        return *buf;
}

int userns_range_lookup(const char *container, uint32_t *ret_first, uint32_t *ret_size) {
        _cleanup_free_ char *dir = NULL;

        if (!userns_dir(&dir))
                return -ENOMEM;
        return userns_range_lookup_at(dir, container, ret_first, ret_size);
}

/* A container whose definition is nowhere: removed without berth rm (its file deleted by hand). A
 * definition that does not parse still counts as there. */
static bool container_gone(const char *container) {
        _cleanup_(definition_freep) Definition *d = NULL;

        return definition_load(container, NULL, &d, NULL) == -ENOENT;
}

/* systemd's DynamicUser= IDs (61184–65519, fixed when systemd is built): only PID 1's userdb
 * service, io.systemd.DynamicUser, answers for them. */
#define DYNAMIC_UID_MIN 61184u
#define DYNAMIC_UID_MAX 65519u

static bool nss_knows(uint32_t id) {
        struct passwd pw, *pwp = NULL;
        struct group gr, *grp = NULL;
        char buf[4096];
        int r;

        /* ERANGE: an entry too large to read is still an entry. */
        r = getpwuid_r((uid_t) id, &pw, buf, sizeof(buf), &pwp);
        if ((r == 0 && pwp) || r == ERANGE)
                return true;
        r = getgrgid_r((gid_t) id, &gr, buf, sizeof(buf), &grp);
        return (r == 0 && grp) || r == ERANGE;
}

/* Whether NSS can know no user or group that berth's own reading of /etc/passwd and /etc/group
 * does not, for an ID outside DynamicUser='s: nsswitch.conf's passwd and group name only files and
 * systemd, and nss-systemd has nothing to ask but PID 1's io.systemd.DynamicUser (no other userdb
 * service socket, such as machined's records of nspawn ranges or userdbd's, and no userdb drop-in
 * directory). The same places nss-systemd looks, at a few stat()s; asked once per process. Where
 * anything else is there, NSS is asked (0.5 ms for the two lookups here, most of it loading
 * nss-systemd). */
static bool nss_adds_nothing(void) {
        static int cached = -1;
        static const char *const allowed[] = { "files", "systemd", NULL };
        static const char *const dropins[] = { "/etc/userdb", "/run/userdb", "/run/host/userdb", "/usr/local/lib/userdb",
                                               "/usr/lib/userdb", "/lib/userdb" };
        _cleanup_free_ char *text = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        struct stat st;

        if (cached >= 0)
                return cached;
        cached = 0;
        if (read_full_file_at(AT_FDCWD, "/etc/nsswitch.conf", 256 * 1024, &text, NULL) < 0 ||
            !nsswitch_db_only(text, "passwd", allowed) || !nsswitch_db_only(text, "group", allowed))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(dropins); i++)
                if (stat(dropins[i], &st) >= 0 || errno != ENOENT)
                        return false;
        d = opendir("/run/systemd/userdb");
        if (!d)
                return (cached = errno == ENOENT);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && !streq(de->d_name, "io.systemd.DynamicUser"))
                        return false;
        cached = 1;
        return true;
}

/* An ID the host's NSS knows as a user or a group: systemd-nspawn's -U ranges (its userdb
 * records), LDAP's, anything /etc does not list. Outside the DynamicUser= IDs, nss-systemd is told
 * ($SYSTEMD_BYPASS_USERDB) not to ask PID 1, which can know nothing of them and answers only after
 * what it is busy with: a bridge container's start waited ~6 ms there for the device units of the
 * last one's veth. Other userdb services (machined's, userdbd's) are still asked. */
static bool id_in_use_nss(uint32_t id) {
        bool dynamic = id >= DYNAMIC_UID_MIN && id <= DYNAMIC_UID_MAX;
        bool bypass = !dynamic && !getenv("SYSTEMD_BYPASS_USERDB");
        bool known;

        if (!dynamic && nss_adds_nothing())
                return false;

        if (bypass && setenv("SYSTEMD_BYPASS_USERDB", "io.systemd.DynamicUser", 1) < 0)
                bypass = false;
        known = nss_knows(id);
        if (bypass)
                (void) unsetenv("SYSTEMD_BYPASS_USERDB");
        return known;
}

static UserNSMode effective(const Definition *d, UserNSMode conf_mode, uint32_t conf_size, uint32_t *ret_size) {
        UserNSPeers peers = definition_userns_peers(d);

        return userns_mode_effective(&d->userns_fields, &peers, conf_mode, conf_size, ret_size);
}

static int maps_copy(const IdMapEntry *m, size_t n, IdMapEntry **ret) {
        IdMapEntry *c = NULL;

        if (n > 0) {
                c = calloc(n, sizeof(IdMapEntry));
                if (!c)
                        return -ENOMEM;
                memcpy(c, m, n * sizeof(IdMapEntry));
        }
        *ret = c;
        return 0;
}

/* An explicit map's entries: UIDMap=/GIDMap=, or what /etc/subuid and /etc/subgid list for
 * SubUIDMap=/SubGIDMap= now. */
static int maps_explicit(const Definition *d, IdMapEntry **ret_uid, size_t *ret_n_uid, IdMapEntry **ret_gid,
                         size_t *ret_n_gid, char **ret_why) {
        _cleanup_free_ IdMapEntry *uid = NULL, *gid = NULL;
        _cleanup_strv_free_ char **uid_names = NULL, **gid_names = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        if (!d->subuid_name) {
                if (maps_copy(d->uid_map, d->n_uid_map, &uid) < 0 || maps_copy(d->gid_map, d->n_gid_map, &gid) < 0)
                        return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
                *ret_uid = TAKE_PTR(uid);
                *ret_gid = TAKE_PTR(gid);
                *ret_n_uid = d->n_uid_map;
                *ret_n_gid = d->n_gid_map;
                return 0;
        }
        if (subid_names(d->subuid_name, &uid_names) < 0 || subid_names(d->subgid_name, &gid_names) < 0)
                return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
        r = subid_map_read(SUBUID_PATH, uid_names, &uid, ret_n_uid, &why);
        if (r < 0)
                return reason(ret_why, r, "SubUIDMap=%s: %s", d->subuid_name, why ?: strerror(-r));
        r = subid_map_read(SUBGID_PATH, gid_names, &gid, ret_n_gid, &why);
        if (r < 0)
                return reason(ret_why, r, "SubGIDMap=%s: %s", d->subgid_name, why ?: strerror(-r));
        *ret_uid = TAKE_PTR(uid);
        *ret_gid = TAKE_PTR(gid);
        return 0;
}

int userns_maps_acquire(const Definition *d, IdMapEntry **ret_uid, size_t *ret_n_uid, IdMapEntry **ret_gid,
                        size_t *ret_n_gid, char **ret_why) {
        _cleanup_(berth_config_done) BerthConfig conf = {};
        _cleanup_free_ char *error = NULL, *dir = NULL;
        _cleanup_free_ IdMapEntry *uid = NULL, *gid = NULL;
        UserNSMode mode;
        uint32_t size, first;
        size_t n, n_uid = 0, n_gid = 0;
        int r;

        r = berth_config_load(NULL, &conf, &error);
        if (r < 0)
                return reason(ret_why, r, "%s", error ?: strerror(-r));
        mode = effective(d, conf.userns, conf.userns_size, &size);
        switch (mode) {
        case USERNS_HOST:
                *ret_uid = *ret_gid = NULL;
                *ret_n_uid = *ret_n_gid = 0;
                return 0;
        case USERNS_MAP:
                /* Host IDs inside the pool are the allocator's: leased like a pick, so that no
                 * picked range shares them (and no other container's map). */
                if (!userns_dir(&dir))
                        return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
                r = maps_explicit(d, &uid, &n_uid, &gid, &n_gid, ret_why);
                if (r < 0)
                        return r;
                r = userns_range_claim_at(dir, conf.userns_pool_first, conf.userns_pool_last, d->name, uid, n_uid, gid,
                                          n_gid, ret_why);
                if (r < 0)
                        return r;
                *ret_uid = TAKE_PTR(uid);
                *ret_gid = TAKE_PTR(gid);
                *ret_n_uid = n_uid;
                *ret_n_gid = n_gid;
                return 0;
        case USERNS_AUTO:
        case USERNS_PRIVATE:
                break;
        case _USERNS_MODE_MAX:
        case _USERNS_MODE_INVALID:
        default:
                return reason(ret_why, -EINVAL, "container %s: invalid user namespace mode", d->name);
        }
        /* private is nspawn's -U: one block; auto's size defaults to the same (podman computes one
         * from the image's files, which berth does not walk at each start). */
        if (mode == USERNS_PRIVATE || size == 0)
                size = USERNS_BLOCK_SIZE;
        if (!userns_dir(&dir))
                return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
        r = userns_range_acquire_at(dir, "/etc", conf.userns_pool_first, conf.userns_pool_last, d->name, size,
                                    &(const UserNSHooks) { .gone = container_gone, .id_in_use = id_in_use_nss }, &first,
                                    ret_why);
        if (r < 0)
                return r;
        n = 1;
        uid = calloc(n, sizeof(IdMapEntry));
        gid = calloc(n, sizeof(IdMapEntry));
        if (!uid || !gid)
                return reason(ret_why, -ENOMEM, "%s", strerror(ENOMEM));
        uid[0] = gid[0] = (IdMapEntry) { .inside = 0, .outside = first, .count = size };
        *ret_uid = TAKE_PTR(uid);
        *ret_gid = TAKE_PTR(gid);
        *ret_n_uid = *ret_n_gid = n;
        return 0;
}

int userns_maps_release(const char *container) {
        _cleanup_free_ char *dir = NULL;

        if (!userns_dir(&dir))
                return -ENOMEM;
        return userns_range_release_at(dir, container);
}

int userns_inspect(const Definition *d, char **ret_mode, char ***ret_uid, char ***ret_gid) {
        _cleanup_free_ char *mode = NULL;
        _cleanup_strv_free_ char **uid = NULL, **gid = NULL;
        uint32_t first, size;
        bool leased = userns_range_lookup(d->name, &first, &size) >= 0;

        if (d->userns == USERNS_MAP) {
                _cleanup_free_ IdMapEntry *u = NULL, *g = NULL;
                size_t n_u = 0, n_g = 0;

                mode = strdup("private");
                /* SubUIDMap='s as the files say now; nothing when they no longer do. */
                if (maps_explicit(d, &u, &n_u, &g, &n_g, NULL) < 0)
                        n_u = n_g = 0;
                uid = idmap_to_strv(u, n_u);
                gid = idmap_to_strv(g, n_g);
                if (!uid || !gid)
                        return -ENOMEM;
        } else {
                if (d->userns_set)
                        mode = userns_mode_format(d->userns, d->userns_size);
                else if (leased) {
                        /* It took berth.conf's default when it started. */
                        _cleanup_(berth_config_done) BerthConfig conf = {};
                        uint32_t conf_size = 0;
                        UserNSMode m = berth_config_load(NULL, &conf, NULL) >= 0
                                               ? effective(d, conf.userns, conf.userns_size, &conf_size)
                                               : USERNS_AUTO;

                        mode = userns_mode_format(m == USERNS_HOST ? USERNS_AUTO : m, conf_size);
                } else
                        mode = strdup("");
                if (leased) {
                        IdMapEntry e = { 0, first, size };

                        uid = idmap_to_strv(&e, 1);
                        gid = idmap_to_strv(&e, 1);
                        if (!uid || !gid)
                                return -ENOMEM;
                }
        }
        if (!mode)
                return -ENOMEM;
        *ret_mode = TAKE_PTR(mode);
        *ret_uid = TAKE_PTR(uid);
        *ret_gid = TAKE_PTR(gid);
        return 0;
}
