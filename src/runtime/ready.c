/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "paths.h"
#include "ready.h"
#include "string-util.h"

static const char *const state_words[] = {
        [READY_OK] = "READY",
        [READY_FAILED] = "FAILED",
};

static char *ready_dir(const char *name) {
        char *p;

        if (asprintf(&p, "%s/ready/%s", berth_runtime_dir(), name) < 0)
                return NULL;
        return p;
}

static int sockaddr_at(const char *path, struct sockaddr_un *ret, socklen_t *ret_len) {
        size_t n = strlen(path);

        if (n >= sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        *ret = (struct sockaddr_un){.sun_family = AF_UNIX};
        memcpy(ret->sun_path, path, n + 1);
        *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
}

int ready_listen(const char *name, ReadyListener *ret) {
        _cleanup_free_ char *dir = NULL, *top = NULL, *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa;
        socklen_t len;
        int r;

        dir = ready_dir(name);
        top = path_join(berth_runtime_dir(), "ready");
        if (!dir || !top || asprintf(&path, "%s/%d", dir, (int)getpid()) < 0)
                return -ENOMEM;
        r = sockaddr_at(path, &sa, &len);
        if (r < 0)
                return r;
        r = mkdir_p(top, 0700);
        if (r < 0)
                return r;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void)unlink(path); /* an earlier process's of our PID */
        if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
                r = -errno;
                (void)rmdir(dir);
                return r;
        }
        *ret = (ReadyListener){.fd = TAKE_FD(fd), .path = TAKE_PTR(path)};
        return 0;
}

void ready_listener_done(ReadyListener *l) {
        char *slash;

        l->fd = safe_close(l->fd);
        if (!l->path)
                return;
        (void)unlink(l->path);
        slash = strrchr(l->path, '/');
        if (slash) {
                *slash = 0;
                (void)rmdir(l->path); /* ENOTEMPTY: another waiter's */
        }
        free(l->path);
        l->path = NULL;
}

int ready_wait(const ReadyListener *l, uint64_t timeout_usec, ReadyState *ret, char *reason) {
        struct pollfd p = {.fd = l->fd, .events = POLLIN};
        uint64_t ms = (timeout_usec + 999) / 1000;
        char buf[16 + READY_REASON_MAX];

        for (;;) {
                ssize_t n;
                int r;

                n = recv(l->fd, buf, sizeof(buf) - 1, 0);
                if (n >= 0) {
                        char *nl;

                        buf[n] = 0;
                        nl = strchr(buf, '\n');
                        if (nl)
                                *nl++ = 0;
                        for (size_t i = 0; i < ELEMENTSOF(state_words); i++)
                                if (state_words[i] && streq(buf, state_words[i])) {
                                        *ret = (ReadyState)i;
                                        if (reason)
                                                (void)snprintf(reason, READY_REASON_MAX, "%s", nl ?: "");
                                        return 1;
                                }
                        continue; /* not ours to understand */
                }
                if (errno != EAGAIN && errno != EINTR)
                        return -errno;
                r = poll(&p, 1, ms > INT32_MAX ? -1 : (int)ms);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r == 0)
                        return 0;
        }
}

static bool told_ok = false;

bool ready_told_ok(void) {
        return told_ok;
}

int ready_tell(const char *name, ReadyState state, const char *reason) {
        _cleanup_free_ char *dir = NULL, *word = NULL;
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
        dir = ready_dir(name);
        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                struct sockaddr_un sa;
                socklen_t len;

                if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0 ||
                    sockaddr_at(path, &sa, &len) < 0)
                        continue;
                if (sendto(fd, word, strlen(word), MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa,
                           len) >= 0)
                        told++;
                else if (errno == ECONNREFUSED)
                        (void)unlinkat(dirfd(d), de->d_name, 0); /* its waiter is gone */
        }
        return told;
}
