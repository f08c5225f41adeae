/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "sync.h"

int sync_pair(int ret_fds[2]) {
        return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ret_fds) < 0 ? -errno : 0;
}

static int sync_send_message(int sock, const SyncMessage *m, int fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (void *) m, .iov_len = sizeof(*m) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n;

        if (fd >= 0) {
                struct cmsghdr *c;

                mh.msg_control = &control;
                mh.msg_controllen = sizeof(control);
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == (ssize_t) sizeof(*m) ? 0 : -EIO;
}

int sync_send(int sock, SyncType type, int error, int fd, const char *message) {
        SyncMessage m = { .type = type, .error = error };

        if (message)
                (void) snprintf(m.message, sizeof(m.message), "%s", message);
        return sync_send_message(sock, &m, fd);
}

static void log_sink(int level, const char *message, void *userdata) {
        int sock = *(const int *) userdata;
        SyncMessage m = { .type = SYNC_LOG, .level = level };

        (void) snprintf(m.message, sizeof(m.message), "%s", message);
        (void) sync_send_message(sock, &m, -EBADF);
}

void sync_log_to(int sock) {
        static int log_sock;

        log_sock = sock;
        log_set_sink(log_sink, &log_sock);
}

void sync_fail(int sock, int error) {
        (void) sync_send(sock, SYNC_FAILED, error < 0 ? -error : error, -EBADF, NULL);
        _exit(125);
}

int sync_recv(int sock, SyncMessage *ret, int *ret_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = ret, .iov_len = sizeof(*ret) };
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof(control),
        };
        ssize_t n;

        if (ret_fd)
                *ret_fd = -EBADF;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return 0;
        if (n != (ssize_t) sizeof(*ret))
                return -EBADMSG;
        ret->message[sizeof(ret->message) - 1] = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        int fd;

                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                        if (ret_fd)
                                *ret_fd = fd;
                        else
                                safe_close(fd);
                }
        if (ret->type < 0 || ret->type >= _SYNC_TYPE_MAX)
                return -EBADMSG;
        return 1;
}

int sync_wait_exec(int sock, int *pty_fd, SyncMessage *ret) {
        for (;;) {
                int fd = -EBADF, r;

                r = sync_recv(sock, ret, &fd);
                if (r <= 0)
                        return r;
                if (ret->type == SYNC_PTY) {
                        safe_close(*pty_fd);
                        *pty_fd = fd;
                        continue;
                }
                if (ret->type == SYNC_LOG) {
                        safe_close(fd);
                        log_full(ret->level & LOG_PRIMASK, "%s", ret->message);
                        continue;
                }
                safe_close(fd);
                return 1;
        }
}
