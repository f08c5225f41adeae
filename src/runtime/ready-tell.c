/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helper's and the supervisor's side of ready.h: telling whoever waits. libc only. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "macro.h"
#include "ready.h"

static const char *const state_words[] = {
        [READY_OK] = "READY",
        [READY_FAILED] = "FAILED",
};

const char *ready_state_word(ReadyState s) {
        return s > READY_NONE && s < (ReadyState) ELEMENTSOF(state_words) ? state_words[s] : NULL;
}

int ready_sockaddr(const char *path, struct sockaddr_un *ret, socklen_t *ret_len) {
        size_t n = strlen(path);

        if (n >= sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        *ret = (struct sockaddr_un){.sun_family = AF_UNIX};
        memcpy(ret->sun_path, path, n + 1);
        *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
}

static bool told_ok = false;

bool ready_told_ok(void) {
        return told_ok;
}

int ready_tell_dir(const char *dir, ReadyState state, const char *reason) {
        _cleanup_free_ char *word = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct dirent *de;
        int told = 0;

        if (state <= READY_NONE || state >= (ReadyState)ELEMENTSOF(state_words))
                return -EINVAL;
        if (state == READY_OK)
                told_ok = true;
        if (asprintf(&word, "%s%s%.*s", state_words[state], reason ? "\n" : "", READY_REASON_MAX - 1,
                     reason ?: "") < 0)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        /* Two passes: the sockets of waiters that are gone first, then the word to the others. A
         * waiter returns as soon as it is told, and by then what it could list is already clean. */
        for (int pass = 0; pass < 2; pass++) {
                rewinddir(d);
                while ((de = readdir(d))) {
                        _cleanup_free_ char *path = NULL;
                        struct sockaddr_un sa;
                        socklen_t len;

                        if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0 ||
                            ready_sockaddr(path, &sa, &len) < 0)
                                continue;
                        if (pass == 0) {
                                _cleanup_close_ int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

                                if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, len) < 0 &&
                                    errno == ECONNREFUSED)
                                        (void)unlinkat(dirfd(d), de->d_name, 0); /* its waiter is gone */
                        } else if (sendto(fd, word, strlen(word), MSG_DONTWAIT | MSG_NOSIGNAL,
                                          (struct sockaddr *)&sa, len) >= 0)
                                told++;
                        else if (errno == ECONNREFUSED)
                                (void)unlinkat(dirfd(d), de->d_name, 0); /* gone since */
                }
        }
        return told;
}
