/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "notify.h"

int notify_socket_bind(const char *dir, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int n;

        n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" NOTIFY_SOCKET_NAME, dir);
        if (n < 0 || (size_t) n >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(sa.sun_path);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return -errno;
        /* connect() needs write access to the socket's inode; the directory above it is ours
         * (0755) and nobody inside can replace the inode. */
        if (chmod(sa.sun_path, 0666) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static bool is_number(const char *s, size_t n) {
        if (n == 0 || n > 20)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

/* The value of one kept line, checked; the text to pass on, or NULL to drop the line. */
static bool line_is_kept(const char *key, size_t klen, const char *v, size_t vlen, NotifyMessage *m) {
#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
#define VALUE_IS(s) (vlen == sizeof(s) - 1 && memcmp(v, s, vlen) == 0)
        if (KEY_IS("READY"))
                return VALUE_IS("1") ? (m->ready = true) : false;
        if (KEY_IS("RELOADING"))
                return VALUE_IS("1") ? (m->reloading = true) : false;
        if (KEY_IS("STOPPING"))
                return VALUE_IS("1") ? (m->stopping = true) : false;
        if (KEY_IS("WATCHDOG"))
                return VALUE_IS("1") || VALUE_IS("trigger");
        if (KEY_IS("WATCHDOG_USEC") || KEY_IS("EXTEND_TIMEOUT_USEC") || KEY_IS("MONOTONIC_USEC"))
                return is_number(v, vlen);
        if (KEY_IS("ERRNO"))
                return is_number(v, vlen) && vlen <= 5;
        return false;
#undef KEY_IS
#undef VALUE_IS
}

/* At most max bytes of s (n long) without cutting a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t n, size_t max) {
        if (n <= max)
                return n;
        while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
                max--;
        return max;
}

static void append(NotifyMessage *m, const char *s, size_t n) {
        if (m->text_len + n + 1 >= sizeof(m->text))
                return; /* cannot happen: the kept lines are shorter than what came */
        memcpy(m->text + m->text_len, s, n);
        m->text_len += n;
        m->text[m->text_len] = 0;
}

void notify_filter(const char *msg, size_t n, NotifyMessage *ret) {
        NotifyMessage m = {};
        const char *p = msg, *end = msg + n;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p)), *eol = nl ?: end, *eq;
                size_t klen, vlen;

                eq = memchr(p, '=', (size_t) (eol - p));
                if (eq && !memchr(p, 0, (size_t) (eol - p))) {
                        klen = (size_t) (eq - p);
                        vlen = (size_t) (eol - eq - 1);
                        if (klen == 6 && memcmp(p, "STATUS", 6) == 0) {
                                /* The last one wins, as with systemd; written once at the end. */
                                vlen = utf8_prefix(eq + 1, vlen, NOTIFY_STATUS_MAX);
                                memcpy(m.status, eq + 1, vlen);
                                m.status[vlen] = 0;
                                m.has_status = true;
                        } else if (line_is_kept(p, klen, eq + 1, vlen, &m)) {
                                append(&m, p, (size_t) (eol - p));
                                append(&m, "\n", 1);
                        }
                }
                p = eol + 1;
        }
        if (m.has_status) {
                append(&m, "STATUS=", 7);
                append(&m, m.status, strlen(m.status));
                append(&m, "\n", 1);
        }
        *ret = m;
}

int notify_receive(int fd, NotifyMessage *ret) {
        char buf[NOTIFY_DATAGRAM_MAX];
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int) * 253)];
        } control;
        struct iovec iov = { buf, sizeof(buf) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        ssize_t n;

        n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        /* Whatever descriptors came along: closed, never looked at. */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        int fds[253];

                        memcpy(fds, CMSG_DATA(c), k * sizeof(int));
                        for (size_t i = 0; i < k; i++)
                                safe_close(fds[i]);
                }
        if ((size_t) n > sizeof(buf) || (mh.msg_flags & MSG_TRUNC))
                return 0;
        notify_filter(buf, (size_t) n, ret);
        return 1;
}

int notify_send(const char *socket_path, const char *text) {
        static int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t plen;
        socklen_t salen;

        if (!socket_path || !socket_path[0])
                return 0;
        if (socket_path[0] != '/' && socket_path[0] != '@')
                return -EAFNOSUPPORT;
        plen = strlen(socket_path);
        if (plen >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, socket_path, plen);
        if (sa.sun_path[0] == '@')
                sa.sun_path[0] = 0;
        salen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + plen + (socket_path[0] == '/' ? 1 : 0));
        if (fd < 0) {
                fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        return -errno;
        }
        if (sendto(fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &sa, salen) < 0)
                return -errno;
        return 1;
}
