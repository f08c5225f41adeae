/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* journald's native protocol, read back from a datagram socket of our own. */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "journal-send.h"
#include "tap.h"

static ssize_t receive(int fd, char *buf, size_t size) {
        return recv(fd, buf, size, MSG_DONTWAIT);
}

/* The next datagram is exactly want. */
static void expect(int fd, const char *want, const char *what) {
        char buf[1024];
        ssize_t n = receive(fd, buf, sizeof(buf));

        ok(n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0, "%s", what);
}

int main(void) {
        char dir[] = "/tmp/berth-test-journal.XXXXXX", path[128], buf[65536];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        ssize_t n;
        int fd;

        ok(mkdtemp(dir) != NULL, "mkdtemp");
        snprintf(path, sizeof(path), "%s/socket", dir);
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ok(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s", path);

        /* Plain fields: KEY=VALUE lines. */
        ok_eq_int(journal_send_line(path, "web", "container@web.service", 3, "it failed", 9), 0);
        expect(fd,
               "MESSAGE=it failed\nPRIORITY=3\nSYSLOG_IDENTIFIER=web\nCONTAINER_NAME=web\n"
               "OBJECT_SYSTEMD_UNIT=container@web.service\n",
               "KEY=VALUE lines, the unit as OBJECT_SYSTEMD_UNIT=");

        ok_eq_int(journal_send_line(path, "fg", NULL, LOG_LOCAL0 | LOG_INFO, "x", 1), 0);
        expect(fd, "MESSAGE=x\nPRIORITY=6\nSYSLOG_IDENTIFIER=fg\nCONTAINER_NAME=fg\n",
               "no unit, no OBJECT_SYSTEMD_UNIT=; the priority's low bits");

        ok_eq_int(journal_send_line(path, "web", NULL, 6, "", 0), 0);
        expect(fd, "MESSAGE=\nPRIORITY=6\nSYSLOG_IDENTIFIER=web\nCONTAINER_NAME=web\n", "an empty MESSAGE=");

        /* A value with a newline: KEY, newline, its size as le64, the bytes, newline. */
        {
                JournalField f[] = {{"MESSAGE", "two\nlines", 9}, {"PRIORITY", "5", 1}};
                uint64_t size;

                ok_eq_int(journal_sendv(path, f, 2, JOURNAL_SEND_TIMEOUT_MSEC), 0);
                n = receive(fd, buf, sizeof(buf));
                ok_eq_int(n, 8 + 8 + 9 + 1 + 11);
                ok(memcmp(buf, "MESSAGE\n", 8) == 0, "binary form: the key and a newline");
                memcpy(&size, buf + 8, sizeof(size));
                ok_eq_int(le64toh(size), 9);
                ok(memcmp(buf + 16, "two\nlines\n", 10) == 0, "  … the value as it is, then a newline");
                ok(memcmp(buf + 26, "PRIORITY=5\n", 11) == 0, "  … and the next field plain");
        }

        /* A line of the supervisor's longest goes in one datagram. */
        {
                static char line[16384];

                memset(line, 'a', sizeof(line));
                ok_eq_int(journal_send_line(path, "web", "container@web.service", 6, line, sizeof(line)), 0);
                n = receive(fd, buf, sizeof(buf));
                ok(n > (ssize_t)sizeof(line) && memcmp(buf + 8, line, sizeof(line)) == 0,
                   "16 KiB in one entry");
        }

        /* A journald that takes nothing (stopped, or behind): the queue fills, and then a send
         * gives up instead of blocking the sender. Should it block, the alarm fails the test. */
        {
                int r = 0;

                alarm(20);
                for (unsigned i = 0; i < 100000 && r == 0; i++)
                        r = journal_send_line_timeout(path, "web", NULL, 6, "flood", 5, 0);
                ok_eq_int(r, -EAGAIN);
                ok_eq_int(journal_send_line_timeout(path, "web", NULL, 6, "more", 4, 0), -EAGAIN);
                ok_eq_int(journal_send_line(path, "web", NULL, 6, "waits a little, then gives up", 29), -EAGAIN);
                while (receive(fd, buf, sizeof(buf)) > 0)
                        ;
                ok_eq_int(journal_send_line_timeout(path, "web", NULL, 6, "back", 4, 0), 0);
                expect(fd, "MESSAGE=back\nPRIORITY=6\nSYSLOG_IDENTIFIER=web\nCONTAINER_NAME=web\n",
                       "once there is room again, entries go through");
                alarm(0);
        }

        /* Too many fields, and a socket nobody listens on. */
        {
                JournalField f[17];

                for (size_t i = 0; i < 17; i++)
                        f[i] = (JournalField){"K", "v", 1};
                ok_eq_int(journal_sendv(path, f, 17, 0), -EINVAL);
        }
        ok_eq_int(receive(fd, buf, sizeof(buf)), -1);
        close(fd);
        unlink(path);
        ok_eq_int(journal_send_line(path, "web", NULL, 6, "gone", 4), -ENOENT);
        ok(rmdir(dir) == 0, "rmdir");
        return tap_finish();
}
