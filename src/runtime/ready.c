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

char *ready_dir(const char *name) {
        char *p;

        if (asprintf(&p, "%s/ready/%s", berth_runtime_dir(), name) < 0)
                return NULL;
        return p;
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
        r = ready_sockaddr(path, &sa, &len);
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
                        for (ReadyState i = READY_OK; i <= READY_FAILED; i++)
                                if (streq(buf, ready_state_word(i))) {
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

int ready_tell(const char *name, ReadyState state, const char *reason) {
        _cleanup_free_ char *dir = ready_dir(name);

        if (!dir)
                return -ENOMEM;
        return ready_tell_dir(dir, state, reason);
}
