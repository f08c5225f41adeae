/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Events as journal entries, read back from a datagram socket of our own. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "event.h"
#include "tap.h"

static void expect(int fd, const char *want, const char *what) {
        char buf[2048];
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

        ok(n == (ssize_t) strlen(want) && memcmp(buf, want, (size_t) n) == 0, "%s", what);
}

int main(void) {
        char dir[] = "/tmp/berth-test-event.XXXXXX", path[128];
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        /* Names both ways; what is not an event is refused. */
        for (int e = 0; e < _EVENT_MAX; e++)
                ok_eq_int(event_from_string(event_to_string((ContainerEvent) e)), e);
        ok_streq(event_to_string(EVENT_HEALTH_STATUS), "health_status");
        ok_eq_int(event_from_string("Start"), _EVENT_INVALID);
        ok_eq_int(event_from_string(""), _EVENT_INVALID);
        ok_eq_int(event_from_string(NULL), _EVENT_INVALID);
        ok(event_to_string(_EVENT_MAX) == NULL && event_to_string(_EVENT_INVALID) == NULL, "out of range: NULL");

        ok(mkdtemp(dir) != NULL, "mkdtemp");
        snprintf(path, sizeof(path), "%s/socket", dir);
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ok(fd >= 0 && bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0, "bind %s", path);

        ok_eq_int(event_send(path, "web", "container@web.service", EVENT_DIE, LOG_INFO, "container web exited (3)",
                             (JournalField[]) { { "BERTH_EXIT_CODE", "3", 1 }, { "BERTH_IMAGE", "alpine", 6 } }, 2,
                             JOURNAL_SEND_TIMEOUT_MSEC),
                  0);
        expect(fd,
               "MESSAGE=container web exited (3)\nPRIORITY=6\nSYSLOG_IDENTIFIER=berth\nCONTAINER_NAME=web\n"
               "OBJECT_SYSTEMD_UNIT=container@web.service\nBERTH_EVENT=die\nBERTH_EXIT_CODE=3\nBERTH_IMAGE=alpine\n",
               "die: the common fields, then the event's own");

        ok_eq_int(event_send(path, "fg", NULL, EVENT_PAUSE, LOG_NOTICE, "container fg paused", NULL, 0, 0), 0);
        expect(fd,
               "MESSAGE=container fg paused\nPRIORITY=5\nSYSLOG_IDENTIFIER=berth\nCONTAINER_NAME=fg\n"
               "BERTH_EVENT=pause\n",
               "a foreground run's: no OBJECT_SYSTEMD_UNIT=");

        ok_eq_int(event_send(path, "x", NULL, _EVENT_MAX, LOG_INFO, "m", NULL, 0, 0), -EINVAL);
        ok_eq_int(event_send(path, "x", NULL, EVENT_STOP, LOG_INFO, NULL, NULL, 0, 0), -EINVAL);
        ok_eq_int(event_send(path, "x", NULL, EVENT_STOP, LOG_INFO, "m", NULL, EVENT_FIELDS_MAX + 1, 0), -EINVAL);
        {
                char buf[16];

                ok(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0, "nothing sent for refused events");
        }

        close(fd);
        unlink(path);
        rmdir(dir);
        return tap_finish();
}
