/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What of a payload's sd_notify() goes on to systemd, and the socket it goes through. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"
#include "tap.h"

static void filter(const char *in, const char *want, const char *what) {
        NotifyMessage m;

        notify_filter(in, strlen(in), &m);
        ok(strcmp(m.text, want) == 0 && m.text_len == strlen(want), "%s: got '%.200s'", what, m.text);
}

static int send_to(const char *path, const void *buf, size_t n, int pass_fd) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct iovec iov = { (void *) buf, n };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };
        int fd, r;

        strcpy(sa.sun_path, path);
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
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        r = sendmsg(fd, &mh, 0) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int count_fds(void) {
        int n = 0;

        for (int fd = 0; fd < 1024; fd++)
                if (fcntl(fd, F_GETFD) >= 0)
                        n++;
        return n;
}

int main(void) {
        NotifyMessage m;

        /* What goes on, and how. */
        filter("READY=1", "READY=1\n", "READY=1");
        filter("READY=1\nSTATUS=Accepting connections", "READY=1\nSTATUS=Accepting connections\n", "READY and STATUS");
        filter("STATUS=one\nSTATUS=two", "STATUS=two\n", "the last STATUS= wins, written once");
        filter("RELOADING=1\nMONOTONIC_USEC=123456", "RELOADING=1\nMONOTONIC_USEC=123456\n", "RELOADING with its time");
        filter("STOPPING=1", "STOPPING=1\n", "STOPPING");
        filter("WATCHDOG=1", "WATCHDOG=1\n", "WATCHDOG=1");
        filter("WATCHDOG=trigger", "WATCHDOG=trigger\n", "WATCHDOG=trigger");
        filter("EXTEND_TIMEOUT_USEC=5000000\nERRNO=2", "EXTEND_TIMEOUT_USEC=5000000\nERRNO=2\n", "numbers");

        /* What never does. */
        filter("MAINPID=1", "", "MAINPID= names a process of the container's namespace, or the host's");
        filter("READY=1\nMAINPID=4242\nFDSTORE=1\nBARRIER=1", "READY=1\n", "MAINPID, FDSTORE, BARRIER dropped");
        filter("READY=2", "", "READY= other than 1");
        filter("WATCHDOG_USEC=-5", "", "a negative number");
        filter("WATCHDOG_USEC=12x", "", "not a number");
        filter("EXTEND_TIMEOUT_USEC=123456789012345678901", "", "a number too long");
        filter("ERRNO=123456", "", "an errno too large");
        filter("READY", "", "no '='");
        filter("", "", "empty");
        filter("ready=1", "", "keys are upper case");

        /* STATUS= is cut at a character boundary. */
        {
                char in[2000], want[700];

                memcpy(in, "STATUS=", 7);
                for (size_t i = 0; i < 600; i++)
                        memcpy(in + 7 + i * 2, "\xc3\xa9", 2); /* é */
                in[7 + 1200] = 0;
                notify_filter(in, strlen(in), &m);
                ok(strlen(m.status) <= NOTIFY_STATUS_MAX && strlen(m.status) % 2 == 0, "STATUS= cut whole: %zu bytes",
                   strlen(m.status));
                snprintf(want, sizeof(want), "STATUS=%s\n", m.status);
                ok(strcmp(m.text, want) == 0, "the cut STATUS= goes on");
        }
        /* A NUL inside a line drops the line. */
        {
                static const char in[] = "STATUS=a\0b\nREADY=1";

                notify_filter(in, sizeof(in) - 1, &m);
                ok(strcmp(m.text, "STATUS=a\nREADY=1\n") != 0 && m.ready, "a NUL in STATUS= does not smuggle: '%.200s'", m.text);
        }
        notify_filter("READY=1\nRELOADING=1\nSTOPPING=1", 30, &m);
        ok(m.ready && m.reloading && m.stopping, "the state flags");

        /* The socket: anyone may send; descriptors sent along are closed. */
        {
                char dir[] = "/tmp/berth-test-notify.XXXXXX", path[128];
                struct stat st;
                int fd = -1, before, devnull;

                ok(mkdtemp(dir) != NULL, "mkdtemp");
                ok_eq_int(notify_socket_bind(dir, &fd), 0);
                snprintf(path, sizeof(path), "%s/" NOTIFY_SOCKET_NAME, dir);
                ok(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0666, "socket, mode 0666");
                ok_eq_int(notify_receive(fd, &m), 0);

                ok_eq_int(send_to(path, "READY=1\nMAINPID=1", 17, -1), 0);
                ok_eq_int(notify_receive(fd, &m), 1);
                ok(strcmp(m.text, "READY=1\n") == 0, "READY=1 alone went on");

                devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
                before = count_fds();
                ok_eq_int(send_to(path, "STATUS=with a file", 18, devnull), 0);
                ok_eq_int(notify_receive(fd, &m), 1);
                ok(strcmp(m.text, "STATUS=with a file\n") == 0, "the message with a file");
                ok_eq_int(count_fds(), before);

                /* Too long: dropped whole. */
                {
                        char *big = malloc(NOTIFY_DATAGRAM_MAX + 100);

                        memset(big, 'x', NOTIFY_DATAGRAM_MAX + 100);
                        memcpy(big, "READY=1\nSTATUS=", 15);
                        ok_eq_int(send_to(path, big, NOTIFY_DATAGRAM_MAX + 100, -1), 0);
                        ok_eq_int(notify_receive(fd, &m), 0);
                        free(big);
                }

                /* notify_send() to it, and to nobody. */
                ok_eq_int(notify_send(path, "READY=1"), 1);
                ok_eq_int(notify_receive(fd, &m), 1);
                ok(m.ready, "notify_send() reached it");
                ok_eq_int(notify_send(NULL, "READY=1"), 0);
                ok_eq_int(notify_send("", "READY=1"), 0);
                ok_eq_int(notify_send("relative", "READY=1"), -EAFNOSUPPORT);

                close(fd);
                close(devnull);
                unlink(path);
                rmdir(dir);
        }
        return tap_finish();
}
