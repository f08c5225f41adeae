/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Opening the store: its directories, its lock, and the old layout moved in once (store-migrate.c)
 * before anyone uses it. Apart from store.c so that the primitives there, which the migration
 * uses, do not call back into it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd-util.h"
#include "log.h"
#include "path-util.h"
#include "paths.h"
#include "store-private.h"
#include "store.h"
#include "string-util.h"

static const char *const store_dirs[] = {
        "blobs", "blobs/sha256", "blobs/sha512", "layers", "layers/sha256", "layers/sha512", "refs", "pins", "tmp",
};

static int flock_retry(int fd, int op) {
        while (flock(fd, op) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

static int open_root(const char *root, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        /* 0700: layers hold setuid binaries and device nodes no host user should reach. */
        r = mkdir_p(root, 0700);
        if (r < 0)
                return r;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (size_t i = 0; i < ELEMENTSOF(store_dirs); i++)
                if (mkdirat(fd, store_dirs[i], 0700) < 0 && errno != EEXIST)
                        return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int store_open_at(const char *root, const char *old_images_dir, Store **ret, char **ret_why) {
        Store *s;
        int r;

        /* Digests are the store's names: nettle, before anything. */
        r = digest_dlopen(ret_why);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(Store));
        if (!s)
                return -ENOMEM;
        s->root_fd = s->lock_fd = -EBADF;
        s->root = strdup(root);
        s->old_images_dir = old_images_dir ? strdup(old_images_dir) : NULL;
        if (!s->root || (old_images_dir && !s->old_images_dir)) {
                store_close(s);
                return -ENOMEM;
        }
        r = open_root(root, &s->root_fd);
        if (r >= 0) {
                s->lock_fd = openat(s->root_fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
                if (s->lock_fd < 0)
                        r = -errno;
        }
        if (r < 0) {
                store_close(s);
                return reason(ret_why, r, "cannot open the image store %s: %s", root, strerror(-r));
        }

        /* The old layout goes once, by whoever sees it first, alone; the others wait for it (at boot
         * after an upgrade, every start needs it done). An image it cannot move stays, said once
         * each time, and is tried again at the next opening. */
        if (old_images_dir && access(old_images_dir, F_OK) >= 0) {
                _cleanup_free_ char *why = NULL;

                r = flock_retry(s->lock_fd, LOCK_EX);
                if (r >= 0)
                        r = store_migrate(s, old_images_dir, &why);
                /* What could not move stays in the old directory and is tried again next time;
                 * the images that did move, and the store, are usable meanwhile. */
                if (r < 0)
                        log_warning_errno(r, "Failed to move every image of the old layout into the store: %s",
                                          why ?: strerror(-r));
        }
        r = flock_retry(s->lock_fd, LOCK_SH);
        if (r < 0) {
                store_close(s);
                return reason(ret_why, r, "cannot lock the image store %s: %s", root, strerror(-r));
        }
        (void) store_tmp_reclaim(s, &s->reclaimed, &s->reclaimed_bytes);
        *ret = s;
        return 0;
}

int store_open(Store **ret, char **ret_why) {
        _cleanup_free_ char *root = path_join(berth_state_dir(), "store"),
                            *old = path_join(berth_state_dir(), "images");

        if (!root || !old)
                return -ENOMEM;
        return store_open_at(root, old, ret, ret_why);
}
