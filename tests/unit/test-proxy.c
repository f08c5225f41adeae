/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-proxy's relay against real sockets on the loopback: a proxy process between clients on
 * ::1 (127.0.0.1 where the host has no IPv6) and echo servers on 127.0.0.1, as between the
 * host's ::1 and a container's address. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "cleanup.h"
#include "proxy.h"
#include "tap.h"

static void parse_good(const char *s, int protocol, int fd, int family, const char *addr, unsigned port) {
        ProxyListener l;
        char buf[INET6_ADDRSTRLEN] = "";
        unsigned got_port = 0;

        if (!ok(proxy_listener_parse(s, &l) == 0, "parses %s", s))
                return;
        if (l.target.ss_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *) &l.target;

                inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
                got_port = ntohs(in->sin_port);
        } else {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &l.target;

                inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
                got_port = ntohs(in6->sin6_port);
        }
        ok(l.protocol == protocol && l.fd == fd && l.target.ss_family == family && strcmp(buf, addr) == 0 &&
                   got_port == port,
           "  … as %s fd %d → %s port %u (got fd %d → %s port %u)", protocol == IPPROTO_TCP ? "tcp" : "udp", fd,
           addr, port, l.fd, buf, got_port);
}

static void parse_bad(const char *s) {
        ProxyListener l;

        ok(proxy_listener_parse(s, &l) == -EINVAL, "refuses '%s'", s);
}

/* --- peers ------------------------------------------------------------------------------------- */

static pid_t children[8];
static size_t n_children;

static pid_t spawn(void) {
        pid_t pid = fork();

        if (pid > 0)
                children[n_children++] = pid;
        return pid;
}

static int socket_on(int family, int type, struct sockaddr_storage *ret, socklen_t *ret_len) {
        struct sockaddr_storage sa = {};
        socklen_t len;
        int fd, one = 1;

        fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (family == AF_INET6) {
                ((struct sockaddr_in6 *) &sa)->sin6_family = AF_INET6;
                ((struct sockaddr_in6 *) &sa)->sin6_addr = in6addr_loopback;
                len = sizeof(struct sockaddr_in6);
                (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        } else {
                ((struct sockaddr_in *) &sa)->sin_family = AF_INET;
                ((struct sockaddr_in *) &sa)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                len = sizeof(struct sockaddr_in);
        }
        if (bind(fd, (struct sockaddr *) &sa, len) < 0 || (type == SOCK_STREAM && listen(fd, 512) < 0) ||
            getsockname(fd, (struct sockaddr *) &sa, &len) < 0) {
                safe_close(fd);
                return -errno;
        }
        *ret = sa;
        *ret_len = len;
        return fd;
}

static unsigned port_of(const struct sockaddr_storage *sa) {
        return ntohs(sa->ss_family == AF_INET ? ((const struct sockaddr_in *) sa)->sin_port
                                              : ((const struct sockaddr_in6 *) sa)->sin6_port);
}

/* Echoes each connection until its EOF, then closes it. */
static void tcp_echo_server(int fd) {
        (void) signal(SIGCHLD, SIG_IGN);
        for (;;) {
                int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                char buf[65536];
                ssize_t n;

                if (c < 0)
                        continue;
                if (fork() != 0) {
                        close(c);
                        continue;
                }
                while ((n = read(c, buf, sizeof(buf))) > 0)
                        if (write(c, buf, (size_t) n) != n)
                                _exit(1);
                _exit(0);
        }
}

static void udp_echo_server(int fd) {
        for (;;) {
                struct sockaddr_storage from;
                socklen_t len = sizeof(from);
                char buf[2048], out[2100];
                ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *) &from, &len);
                int m;

                if (n < 0)
                        continue;
                buf[n] = 0;
                m = snprintf(out, sizeof(out), "udp:%s", buf);
                (void) sendto(fd, out, (size_t) m, 0, (struct sockaddr *) &from, len);
        }
}

static int connect_to(const struct sockaddr_storage *sa, socklen_t len, int type) {
        int fd = socket(sa->ss_family, type | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *) sa, len) < 0) {
                safe_close(fd);
                return -errno;
        }
        return fd;
}

/* Sends all of out, shuts down writing, and reads until EOF into in (at most in_size);
 * reading and writing interleaved, as a real client must with a peer that echoes. */
static ssize_t exchange(int fd, const char *out, size_t out_size, char *in, size_t in_size) {
        size_t sent = 0, got = 0;
        bool shut = false;

        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN | (shut ? 0 : POLLOUT) };
                ssize_t n;

                if (poll(&p, 1, 5000) <= 0)
                        return -ETIMEDOUT;
                if ((p.revents & POLLOUT) && !shut) {
                        n = send(fd, out + sent, out_size - sent > 65536 ? 65536 : out_size - sent,
                                 MSG_DONTWAIT | MSG_NOSIGNAL);
                        if (n < 0 && errno != EAGAIN)
                                return -errno;
                        if (n > 0)
                                sent += (size_t) n;
                        if (sent == out_size) {
                                shutdown(fd, SHUT_WR);
                                shut = true;
                        }
                }
                if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                        n = recv(fd, in + got, in_size - got, MSG_DONTWAIT);
                        if (n < 0 && errno != EAGAIN)
                                return -errno;
                        if (n == 0)
                                return (ssize_t) got;
                        if (n > 0)
                                got += (size_t) n;
                        if (got == in_size)
                                return (ssize_t) got;
                }
        }
}

static pid_t start_proxy(ProxyListener *ls, size_t n) {
        pid_t pid = spawn();

        if (pid == 0) {
                (void) signal(SIGPIPE, SIG_IGN);
                _exit(proxy_run(ls, n) < 0 ? 2 : 0);
        }
        return pid;
}

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void) {
        struct sockaddr_storage echo_sa, udp_sa, closed_sa, pub_sa, pub_udp_sa, pub_closed_sa;
        socklen_t echo_len, udp_len, closed_len, pub_len, pub_udp_len, pub_closed_len;
        int echo_fd, udp_fd, closed_fd, pub_fd, pub_udp_fd, pub_closed_fd, family = AF_INET6;
        char spec[3][128];
        ProxyListener ls[3];

        parse_good("tcp:5:10.88.0.2:80", IPPROTO_TCP, 5, AF_INET, "10.88.0.2", 80);
        parse_good("udp:12:[fd88::2]:53", IPPROTO_UDP, 12, AF_INET6, "fd88::2", 53);
        parse_good("tcp:3:[::1]:65535", IPPROTO_TCP, 3, AF_INET6, "::1", 65535);
        parse_bad("sctp:3:10.0.0.1:80");
        parse_bad("tcp::10.0.0.1:80");
        parse_bad("tcp:-1:10.0.0.1:80");
        parse_bad("tcp:x:10.0.0.1:80");
        parse_bad("tcp:3:10.0.0.1");
        parse_bad("tcp:3:10.0.0.1:0");
        parse_bad("tcp:3:10.0.0.1:65536");
        parse_bad("tcp:3:10.0.0.1:80x");
        parse_bad("tcp:3:[10.0.0.1]:80");
        parse_bad("tcp:3:fd88::2:80");
        parse_bad("tcp:3:[fd88::2]80");
        parse_bad("tcp:3:[fd88::2");
        parse_bad("tcp:3:host.example:80");
        parse_bad("");

        /* The container's side: echo servers on 127.0.0.1, and a port nobody listens on. */
        echo_fd = socket_on(AF_INET, SOCK_STREAM, &echo_sa, &echo_len);
        udp_fd = socket_on(AF_INET, SOCK_DGRAM, &udp_sa, &udp_len);
        closed_fd = socket_on(AF_INET, SOCK_STREAM, &closed_sa, &closed_len);
        if (echo_fd < 0 || udp_fd < 0 || closed_fd < 0)
                tap_skip_all("no loopback sockets here");
        safe_close(closed_fd); /* its port, now refused */
        if (spawn() == 0)
                tcp_echo_server(echo_fd);
        if (spawn() == 0)
                udp_echo_server(udp_fd);

        /* The host's side: the published sockets, bound and listening as the helper leaves them. */
        pub_fd = socket_on(AF_INET6, SOCK_STREAM, &pub_sa, &pub_len);
        if (pub_fd < 0) {
                family = AF_INET;
                pub_fd = socket_on(AF_INET, SOCK_STREAM, &pub_sa, &pub_len);
        }
        pub_udp_fd = socket_on(family, SOCK_DGRAM, &pub_udp_sa, &pub_udp_len);
        pub_closed_fd = socket_on(family, SOCK_STREAM, &pub_closed_sa, &pub_closed_len);
        ok(pub_fd >= 0 && pub_udp_fd >= 0 && pub_closed_fd >= 0, "published sockets on %s",
           family == AF_INET6 ? "::1" : "127.0.0.1 (no IPv6 here)");
        snprintf(spec[0], sizeof(spec[0]), "tcp:%d:127.0.0.1:%u", pub_fd, port_of(&echo_sa));
        snprintf(spec[1], sizeof(spec[1]), "udp:%d:127.0.0.1:%u", pub_udp_fd, port_of(&udp_sa));
        snprintf(spec[2], sizeof(spec[2]), "tcp:%d:127.0.0.1:%u", pub_closed_fd, port_of(&closed_sa));
        for (int i = 0; i < 3; i++)
                ok(proxy_listener_parse(spec[i], ls + i) == 0, "parses %s", spec[i]);
        start_proxy(ls, 3);

        /* A short exchange, with half-close: the FIN we send reaches the echo server, whose
         * FIN comes back after the echo. */
        {
                int fd = connect_to(&pub_sa, pub_len, SOCK_STREAM);
                char in[64] = "";
                ssize_t n = fd >= 0 ? exchange(fd, "hello", 5, in, sizeof(in) - 1) : fd;

                ok(n == 5 && memcmp(in, "hello", 5) == 0, "tcp: a line and a FIN come back through the proxy (%zd)", n);
                safe_close(fd);
        }

        /* 16 MiB both ways at once, far more than the proxy's buffers: every byte in order. */
        {
                size_t size = 16U << 20;
                _cleanup_free_ char *out = malloc(size), *in = malloc(size);
                int fd = connect_to(&pub_sa, pub_len, SOCK_STREAM);
                double t0 = now_ms();
                ssize_t n;

                for (size_t i = 0; i < size; i += 4096)
                        (void) getrandom(out + i, 4096, 0);
                n = fd >= 0 ? exchange(fd, out, size, in, size) : fd;
                ok(n == (ssize_t) size && memcmp(in, out, size) == 0, "tcp: 16 MiB through and back, intact (%zd bytes, %.0f ms)",
                   n, now_ms() - t0);
                safe_close(fd);
        }

        /* 200 connections open at once, each with its own bytes. */
        {
                int fds[200];
                size_t good = 0;

                for (int i = 0; i < 200; i++)
                        fds[i] = connect_to(&pub_sa, pub_len, SOCK_STREAM);
                for (int i = 0; i < 200; i++) {
                        char msg[32], in[32] = "";
                        int m = snprintf(msg, sizeof(msg), "client %d", i);
                        ssize_t n = fds[i] >= 0 ? exchange(fds[i], msg, (size_t) m, in, sizeof(in) - 1) : -1;

                        good += n == m && memcmp(in, msg, (size_t) m) == 0;
                        safe_close(fds[i]);
                }
                ok_eq_int(good, 200);
        }

        /* A container that does not answer: the client is let go at once, not left hanging. */
        {
                int fd = connect_to(&pub_closed_sa, pub_closed_len, SOCK_STREAM);
                char in[8];
                double t0 = now_ms();
                ssize_t n = fd >= 0 ? exchange(fd, "x", 1, in, sizeof(in)) : fd;

                ok((n == 0 || n == -ECONNRESET) && now_ms() - t0 < 2000,
                   "tcp: a refused container connection closes the client's (%zd, %.0f ms)", n, now_ms() - t0);
                safe_close(fd);
        }

        /* UDP: two clients, each gets its own replies. */
        {
                int a = connect_to(&pub_udp_sa, pub_udp_len, SOCK_DGRAM), b = connect_to(&pub_udp_sa, pub_udp_len, SOCK_DGRAM);
                char in_a[64] = "", in_b[64] = "";
                struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };
                ssize_t n;

                ok(a >= 0 && b >= 0, "udp: two clients");
                (void) send(a, "ping-a", 6, 0);
                (void) send(b, "ping-b", 6, 0);
                n = poll(p, 1, 3000) == 1 ? recv(a, in_a, sizeof(in_a) - 1, 0) : -1;
                ok(n == 10 && strcmp(in_a, "udp:ping-a") == 0, "udp: client a's reply (%s)", in_a);
                n = poll(p + 1, 1, 3000) == 1 ? recv(b, in_b, sizeof(in_b) - 1, 0) : -1;
                ok(n == 10 && strcmp(in_b, "udp:ping-b") == 0, "udp: client b's reply (%s)", in_b);
                (void) send(a, "again", 5, 0);
                n = poll(p, 1, 3000) == 1 ? recv(a, in_a, sizeof(in_a) - 1, 0) : -1;
                in_a[n > 0 ? n : 0] = 0;
                ok(n == 9 && strcmp(in_a, "udp:again") == 0, "udp: a second datagram on the same flow (%s)", in_a);
                safe_close(a);
                safe_close(b);
        }

        for (size_t i = 0; i < n_children; i++) {
                (void) kill(children[i], SIGKILL);
                (void) waitpid(children[i], NULL, 0);
        }
        return tap_finish();
}
