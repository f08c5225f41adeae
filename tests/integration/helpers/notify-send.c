/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* notify-send [--fd] [--flood N] LINE…: sd_notify() for test images that hold busybox and nothing
 * else. Sends the LINEs, one per line, as one datagram to $NOTIFY_SOCKET. --fd passes a
 * descriptor along (which the supervisor must close, never use); --flood N sends it N times. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char buf[8192];
        size_t n = 0;
        long flood = 1;
        int pass_fd = -1, fd, i = 1;

        for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++)
                if (strcmp(argv[i], "--fd") == 0)
                        pass_fd = open("/", O_RDONLY | O_DIRECTORY);
                else if (strcmp(argv[i], "--flood") == 0 && i + 1 < argc)
                        flood = strtol(argv[++i], NULL, 10);
        if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
                fprintf(stderr, "notify-send: no NOTIFY_SOCKET\n");
                return 2;
        }
        strcpy(sa.sun_path, path);
        for (; i < argc; i++) {
                size_t k = strlen(argv[i]);

                if (n + k + 1 >= sizeof(buf))
                        return 2;
                memcpy(buf + n, argv[i], k);
                n += k;
                buf[n++] = '\n';
        }
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return 1;
        for (long f = 0; f < flood; f++) {
                struct iovec iov = { buf, n };
                union {
                        struct cmsghdr h;
                        char c[CMSG_SPACE(sizeof(int))];
                } control = {};
                struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };

                if (pass_fd >= 0) {
                        struct cmsghdr *c;

                        mh.msg_control = &control;
                        mh.msg_controllen = sizeof(control);
                        c = CMSG_FIRSTHDR(&mh);
                        c->cmsg_level = SOL_SOCKET;
                        c->cmsg_type = SCM_RIGHTS;
                        c->cmsg_len = CMSG_LEN(sizeof(int));
                        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
                }
                if (sendmsg(fd, &mh, 0) < 0 && !(flood > 1 && (errno == EAGAIN || errno == ENOBUFS))) {
                        fprintf(stderr, "notify-send: %s\n", strerror(errno));
                        return 1;
                }
        }
        return 0;
}
