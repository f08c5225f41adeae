/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "journal-send.h"

#define FIELDS_MAX 16

static int journal_fd = -1;
static unsigned journal_fd_timeout = ~0U;

/* SO_SNDTIMEO bounds how long a datagram send waits for room in the receiver's queue. */
static int set_send_timeout(unsigned msec) {
        struct timeval tv = { .tv_sec = msec / 1000, .tv_usec = (msec % 1000) * 1000 };

        if (journal_fd_timeout == msec)
                return 0;
        if (setsockopt(journal_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        journal_fd_timeout = msec;
        return 0;
}

int journal_sendv(const char *socket_path, const JournalField *fields, size_t n, unsigned timeout_msec) {
        /* Per field: KEY "=" VALUE "\n", or, for a value with a newline in it,
         * KEY "\n" LE64-SIZE VALUE "\n". */
        struct iovec iov[FIELDS_MAX * 5];
        uint64_t sizes[FIELDS_MAX];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct msghdr mh = {.msg_name = &sa, .msg_iov = iov};
        size_t k = 0, plen;

        if (n > FIELDS_MAX)
                return -EINVAL;
        if (!socket_path)
                socket_path = JOURNAL_SOCKET;
        plen = strlen(socket_path);
        if (plen >= sizeof(sa.sun_path))
                return -EINVAL;
        memcpy(sa.sun_path, socket_path, plen + 1);
        mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);

        for (size_t i = 0; i < n; i++) {
                iov[k++] = (struct iovec){(void *)fields[i].key, strlen(fields[i].key)};
                if (!memchr(fields[i].value, '\n', fields[i].size))
                        iov[k++] = (struct iovec){(void *)"=", 1};
                else {
                        iov[k++] = (struct iovec){(void *)"\n", 1};
                        sizes[i] = htole64((uint64_t)fields[i].size);
                        iov[k++] = (struct iovec){&sizes[i], sizeof(sizes[i])};
                }
                iov[k++] = (struct iovec){(void *)fields[i].value, fields[i].size};
                iov[k++] = (struct iovec){(void *)"\n", 1};
        }
        mh.msg_iovlen = k;

        if (journal_fd < 0) {
                journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (journal_fd < 0)
                        return -errno;
                journal_fd_timeout = ~0U;
        }
        if (timeout_msec > JOURNAL_SEND_TIMEOUT_MSEC)
                timeout_msec = JOURNAL_SEND_TIMEOUT_MSEC;
        if (timeout_msec > 0) {
                int r = set_send_timeout(timeout_msec);
                if (r < 0)
                        return r;
        }
        while (sendmsg(journal_fd, &mh, MSG_NOSIGNAL | (timeout_msec == 0 ? MSG_DONTWAIT : 0)) < 0) {
                if (errno == EWOULDBLOCK)
                        return -EAGAIN;
                if (errno != EINTR)
                        return -errno;
        }
        return 0;
}

int journal_send_line(const char *socket_path, const char *name, const char *unit, int priority,
                      const char *msg, size_t n) {
        return journal_send_line_timeout(socket_path, name, unit, priority, msg, n, JOURNAL_SEND_TIMEOUT_MSEC);
}

int journal_send_line_timeout(const char *socket_path, const char *name, const char *unit, int priority,
                              const char *msg, size_t n, unsigned timeout_msec) {
        return journal_send_line_tagged(socket_path, name, NULL, unit, priority, msg, n, NULL, 0, timeout_msec);
}

int journal_send_line_tagged(const char *socket_path, const char *name, const char *tag, const char *unit,
                             int priority, const char *msg, size_t n, const JournalField *extra, size_t n_extra,
                             unsigned timeout_msec) {
        char prio[2] = {(char)('0' + (priority & 7)), 0};
        JournalField f[FIELDS_MAX];
        size_t k = 0;

        if (n_extra > JOURNAL_LINE_EXTRA_MAX)
                return -EINVAL;
        f[k++] = (JournalField){"MESSAGE", msg, n};
        f[k++] = (JournalField){"PRIORITY", prio, 1};
        f[k++] = (JournalField){"SYSLOG_IDENTIFIER", tag ?: name, strlen(tag ?: name)};
        f[k++] = (JournalField){"CONTAINER_NAME", name, strlen(name)};
        if (unit)
                f[k++] = (JournalField){"OBJECT_SYSTEMD_UNIT", unit, strlen(unit)};
        if (tag) {
                /* docker's journald fields; berth's container ID is its name. */
                f[k++] = (JournalField){"CONTAINER_TAG", tag, strlen(tag)};
                f[k++] = (JournalField){"CONTAINER_ID_FULL", name, strlen(name)};
        }
        for (size_t i = 0; i < n_extra; i++)
                f[k++] = extra[i];
        return journal_sendv(socket_path, f, k, timeout_msec);
}
