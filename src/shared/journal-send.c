/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "journal-send.h"

#define FIELDS_MAX 16

static int journal_fd = -1;

int journal_sendv(const char *socket_path, const JournalField *fields, size_t n) {
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
        }
        while (sendmsg(journal_fd, &mh, MSG_NOSIGNAL) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

int journal_send_line(const char *socket_path, const char *name, const char *unit, int priority,
                      const char *msg, size_t n) {
        char prio[2] = {(char)('0' + (priority & 7)), 0};
        JournalField f[] = {
                {"MESSAGE", msg, n},
                {"PRIORITY", prio, 1},
                {"SYSLOG_IDENTIFIER", name, strlen(name)},
                {"CONTAINER_NAME", name, strlen(name)},
                {"OBJECT_SYSTEMD_UNIT", unit, unit ? strlen(unit) : 0},
        };

        return journal_sendv(socket_path, f, unit ? 5 : 4);
}
