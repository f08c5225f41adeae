/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "proxy.h"
#include "string-util.h"

#define BUFFER_SIZE (16U * 1024U)
#define UDP_FLOWS_MAX 4096U
#define UDP_SWEEP_SEC 10
#define EVENTS_MAX 64

/* --- parsing ------------------------------------------------------------------------------------ */

int proxy_listener_parse(const char *s, ProxyListener *ret) {
        ProxyListener l = { .fd = -EBADF };
        const char *p, *colon, *port_s;
        char host[INET6_ADDRSTRLEN + 1], fd_s[16];
        unsigned port;
        int fd;

        if ((p = startswith(s, "tcp:")))
                l.protocol = IPPROTO_TCP;
        else if ((p = startswith(s, "udp:")))
                l.protocol = IPPROTO_UDP;
        else
                return -EINVAL;

        colon = strchr(p, ':');
        if (!colon || colon == p || (size_t) (colon - p) >= sizeof(fd_s))
                return -EINVAL;
        memcpy(fd_s, p, colon - p);
        fd_s[colon - p] = 0;
        if (safe_atoi(fd_s, &fd) < 0 || fd < 0)
                return -EINVAL;
        p = colon + 1;

        if (*p == '[') {
                const char *close = strchr(p, ']');

                if (!close || close[1] != ':' || (size_t) (close - p - 1) >= sizeof(host))
                        return -EINVAL;
                memcpy(host, p + 1, close - p - 1);
                host[close - p - 1] = 0;
                port_s = close + 2;
        } else {
                colon = strchr(p, ':');
                if (!colon || (size_t) (colon - p) >= sizeof(host))
                        return -EINVAL;
                memcpy(host, p, colon - p);
                host[colon - p] = 0;
                port_s = colon + 1;
        }
        if (safe_atou(port_s, &port) < 0 || port == 0 || port > 65535)
                return -EINVAL;

        if (inet_pton(AF_INET, host, &((struct sockaddr_in *) &l.target)->sin_addr) == 1 && p[0] != '[') {
                struct sockaddr_in *in = (struct sockaddr_in *) &l.target;

                in->sin_family = AF_INET;
                in->sin_port = htons((uint16_t) port);
                l.target_len = sizeof(*in);
        } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *) &l.target)->sin6_addr) == 1 && p[0] == '[') {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &l.target;

                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) port);
                l.target_len = sizeof(*in6);
        } else
                return -EINVAL;

        l.fd = fd;
        *ret = l;
        return 0;
}

/* --- the objects epoll knows ------------------------------------------------------------------- */

typedef enum HandleKind {
        HANDLE_TCP_LISTENER,
        HANDLE_UDP_LISTENER,
        HANDLE_TCP_SIDE,
        HANDLE_UDP_FLOW,
        HANDLE_TIMER,
} HandleKind;

typedef struct Handle {
        HandleKind kind;
} Handle;

typedef struct Proxy Proxy;
typedef struct Connection Connection;
typedef struct Flow Flow;

typedef struct Listener {
        Handle h;
        ProxyListener *l;
        bool paused; /* out of fds: accepting again once a connection is gone */
        Flow *flows;
        size_t n_flows;
} Listener;

/* One direction's bytes: read from one side, not yet written to the other. */
typedef struct Buffer {
        size_t start, end;
        char data[BUFFER_SIZE];
} Buffer;

typedef struct Side {
        Handle h;
        Connection *conn;
        int fd;
        bool read_eof;  /* its peer sent FIN */
        bool write_shut; /* we passed a FIN on to it */
        bool parked;     /* hung up with nothing to do for now: out of epoll, which reports a
                          * hang-up whatever it is asked to watch */
        uint32_t events; /* what epoll watches for now */
} Side;

/* side[0] the client, side[1] the container; buf[i] holds what side[i] sent. */
struct Connection {
        Side side[2];
        Buffer buf[2];
        bool connecting;
        bool dead;
        Connection *next_dead;
};

struct Flow {
        Handle h;
        Listener *listener;
        int fd; /* connected to the container */
        struct sockaddr_storage client;
        socklen_t client_len;
        time_t last_used;
        bool dead;
        Flow *next, *next_dead;
};

struct Proxy {
        int epoll_fd;
        Listener *listeners;
        size_t n_listeners;
        size_t n_paused;
        Connection *dead_connections;
        Flow *dead_flows;
        char datagram[65536];
};

static time_t now_sec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec;
}

static int watch(Proxy *p, int op, int fd, uint32_t events, Handle *h) {
        struct epoll_event ev = { .events = events, .data.ptr = h };

        return epoll_ctl(p->epoll_fd, op, fd, &ev) < 0 ? -errno : 0;
}

static void listeners_resume(Proxy *p) {
        if (p->n_paused == 0)
                return;
        for (size_t i = 0; i < p->n_listeners; i++)
                if (p->listeners[i].paused &&
                    watch(p, EPOLL_CTL_MOD, p->listeners[i].l->fd, EPOLLIN, &p->listeners[i].h) >= 0) {
                        p->listeners[i].paused = false;
                        p->n_paused--;
                }
}

/* --- TCP -------------------------------------------------------------------------------------- */

static void connection_kill(Proxy *p, Connection *c) {
        if (c->dead)
                return;
        c->dead = true;
        /* Closing takes the fds out of epoll; the memory goes after this round of events, which
         * may still name it. */
        for (int i = 0; i < 2; i++)
                c->side[i].fd = safe_close(c->side[i].fd);
        c->next_dead = p->dead_connections;
        p->dead_connections = c;
}

static bool buffer_empty(const Buffer *b) {
        return b->start == b->end;
}

/* What each side waits for follows from the buffers: read while there is room (and no FIN yet),
 * write while the other side's buffer holds bytes. */
static int connection_update(Proxy *p, Connection *c) {
        for (int i = 0; i < 2; i++) {
                Side *s = c->side + i;
                uint32_t want = 0;
                int r;

                if (c->connecting)
                        want = i == 1 ? EPOLLOUT : 0;
                else {
                        if (!s->read_eof && c->buf[i].end < BUFFER_SIZE)
                                want |= EPOLLIN;
                        if (!buffer_empty(c->buf + (1 - i)))
                                want |= EPOLLOUT;
                }
                if (s->parked) {
                        if (want == 0)
                                continue;
                        r = watch(p, EPOLL_CTL_ADD, s->fd, want, &s->h);
                        if (r < 0)
                                return r;
                        s->parked = false;
                        s->events = want;
                        continue;
                }
                if (want == s->events)
                        continue;
                r = watch(p, EPOLL_CTL_MOD, s->fd, want, &s->h);
                if (r < 0)
                        return r;
                s->events = want;
        }
        return 0;
}

/* Passes a FIN on once the side that sent it has nothing left in its buffer. */
static void connection_pass_eof(Connection *c, int from) {
        Side *to = c->side + (1 - from);

        if (c->side[from].read_eof && buffer_empty(c->buf + from) && !to->write_shut) {
                (void) shutdown(to->fd, SHUT_WR);
                to->write_shut = true;
        }
}

/* > 0 when something moved (bytes or a FIN), 0 when nothing could, < 0 on a failure. */
static int side_read(Connection *c, int i) {
        Buffer *b = c->buf + i;
        ssize_t n;

        if (buffer_empty(b))
                b->start = b->end = 0;
        n = recv(c->side[i].fd, b->data + b->end, BUFFER_SIZE - b->end, MSG_DONTWAIT);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        if (n == 0) {
                c->side[i].read_eof = true;
                connection_pass_eof(c, i);
                return 1;
        }
        b->end += (size_t) n;
        return 1;
}

static int side_write(Connection *c, int i) {
        Buffer *b = c->buf + (1 - i);
        ssize_t n;

        n = send(c->side[i].fd, b->data + b->start, b->end - b->start, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        b->start += (size_t) n;
        if (buffer_empty(b))
                b->start = b->end = 0;
        connection_pass_eof(c, 1 - i);
        return n > 0;
}

static void side_event(Proxy *p, Side *s, uint32_t events) {
        Connection *c = s->conn;
        int i = s == c->side ? 0 : 1, r = 0, moved = 0;

        if (c->dead)
                return;
        if (c->connecting) {
                int error = 0;
                socklen_t len = sizeof(error);

                if (i == 0) {
                        /* The client gave up before the container answered. */
                        if (events & (EPOLLHUP | EPOLLERR))
                                connection_kill(p, c);
                        return;
                }
                if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0) {
                        connection_kill(p, c); /* the container does not answer: neither do we */
                        return;
                }
                c->connecting = false;
        } else {
                if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && (s->events & EPOLLIN)) {
                        r = side_read(c, i);
                        moved |= r > 0;
                }
                if (r >= 0 && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) && (s->events & EPOLLOUT)) {
                        r = side_write(c, i);
                        moved |= r > 0;
                }
                if (r < 0 || (events & EPOLLERR)) {
                        connection_kill(p, c); /* a reset */
                        return;
                }
                if ((events & EPOLLHUP) && !moved) {
                        /* Hung up, and nothing to read or write now: out of epoll until the
                         * other side gives it something to do (a FIN, or bytes that will fail). */
                        if (watch(p, EPOLL_CTL_DEL, s->fd, 0, NULL) < 0) {
                                connection_kill(p, c);
                                return;
                        }
                        s->parked = true;
                        s->events = 0;
                }
        }
        if (c->side[0].write_shut && c->side[1].write_shut) {
                connection_kill(p, c); /* both ways done */
                return;
        }
        if (connection_update(p, c) < 0)
                connection_kill(p, c);
}

static int connection_new(Proxy *p, Listener *l, int client_fd) {
        _cleanup_close_ int client = client_fd, up = -EBADF;
        Connection *c;
        int r;

        up = socket(l->l->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (up < 0)
                return -errno;
        r = connect(up, (struct sockaddr *) &l->l->target, l->l->target_len);
        if (r < 0 && errno != EINPROGRESS)
                return -errno;

        c = calloc(1, sizeof(Connection));
        if (!c)
                return -ENOMEM;
        c->connecting = r < 0;
        for (int i = 0; i < 2; i++)
                c->side[i] = (Side) { .h.kind = HANDLE_TCP_SIDE, .conn = c, .fd = -EBADF };
        r = watch(p, EPOLL_CTL_ADD, client, 0, &c->side[0].h);
        if (r >= 0)
                r = watch(p, EPOLL_CTL_ADD, up, 0, &c->side[1].h);
        if (r < 0) {
                free(c);
                return r;
        }
        c->side[0].fd = TAKE_FD(client);
        c->side[1].fd = TAKE_FD(up);
        if (connection_update(p, c) < 0)
                connection_kill(p, c);
        return 0;
}

/* Out of fds (level-triggered epoll would spin): stop accepting until a connection frees one. */
static void listener_pause(Proxy *p, Listener *l, int error) {
        if (l->paused || watch(p, EPOLL_CTL_MOD, l->l->fd, 0, &l->h) < 0)
                return;
        l->paused = true;
        p->n_paused++;
        log_warning_errno(error, "berth-proxy: cannot take more connections for now: %m");
}

static void tcp_accept(Proxy *p, Listener *l) {
        for (unsigned k = 0; k < 64; k++) {
                int fd = accept4(l->l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), r;

                if (fd < 0) {
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                                listener_pause(p, l, -errno);
                        return;
                }
                r = connection_new(p, l, fd);
                if (r == -EMFILE || r == -ENFILE)
                        listener_pause(p, l, r);
        }
}

/* --- UDP -------------------------------------------------------------------------------------- */

static void flow_kill(Proxy *p, Flow *f) {
        Listener *l = f->listener;

        if (f->dead)
                return;
        f->dead = true;
        f->fd = safe_close(f->fd);
        for (Flow **i = &l->flows; *i; i = &(*i)->next)
                if (*i == f) {
                        *i = f->next;
                        break;
                }
        l->n_flows--;
        f->next_dead = p->dead_flows;
        p->dead_flows = f;
}

static Flow *flow_find(Listener *l, const struct sockaddr_storage *from, socklen_t len) {
        for (Flow *f = l->flows; f; f = f->next)
                if (f->client_len == len && memcmp(&f->client, from, len) == 0)
                        return f;
        return NULL;
}

static Flow *flow_new(Proxy *p, Listener *l, const struct sockaddr_storage *from, socklen_t len) {
        _cleanup_close_ int fd = -EBADF;
        Flow *f;

        if (l->n_flows >= UDP_FLOWS_MAX)
                return NULL;
        fd = socket(l->l->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return NULL;
        if (connect(fd, (struct sockaddr *) &l->l->target, l->l->target_len) < 0)
                return NULL;
        f = calloc(1, sizeof(Flow));
        if (!f)
                return NULL;
        *f = (Flow) { .h.kind = HANDLE_UDP_FLOW, .listener = l, .fd = -EBADF, .client_len = len };
        memcpy(&f->client, from, len);
        if (watch(p, EPOLL_CTL_ADD, fd, EPOLLIN, &f->h) < 0) {
                free(f);
                return NULL;
        }
        f->fd = TAKE_FD(fd);
        f->next = l->flows;
        l->flows = f;
        l->n_flows++;
        return f;
}

/* Datagrams from clients: each client's to the container through its own flow. */
static void udp_receive(Proxy *p, Listener *l) {
        for (unsigned k = 0; k < 64; k++) {
                struct sockaddr_storage from;
                socklen_t len = sizeof(from);
                ssize_t n;
                Flow *f;

                n = recvfrom(l->l->fd, p->datagram, sizeof(p->datagram), MSG_DONTWAIT, (struct sockaddr *) &from, &len);
                if (n < 0)
                        return;
                f = flow_find(l, &from, len) ?: flow_new(p, l, &from, len);
                if (!f)
                        continue; /* dropped, as a full network would */
                f->last_used = now_sec();
                (void) send(f->fd, p->datagram, (size_t) n, MSG_DONTWAIT);
        }
}

/* Replies from the container go back to the client from the published socket. */
static void flow_event(Proxy *p, Flow *f) {
        if (f->dead)
                return;
        for (unsigned k = 0; k < 64; k++) {
                ssize_t n = recv(f->fd, p->datagram, sizeof(p->datagram), MSG_DONTWAIT);

                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return;
                        continue; /* ECONNREFUSED from an ICMP error: the flow stays */
                }
                f->last_used = now_sec();
                (void) sendto(f->listener->l->fd, p->datagram, (size_t) n, MSG_DONTWAIT,
                              (struct sockaddr *) &f->client, f->client_len);
        }
}

static void flows_sweep(Proxy *p, int timer_fd) {
        uint64_t ticks;
        time_t now = now_sec();

        (void) read(timer_fd, &ticks, sizeof(ticks));
        for (size_t i = 0; i < p->n_listeners; i++)
                for (Flow *f = p->listeners[i].flows, *next; f; f = next) {
                        next = f->next;
                        if (now - f->last_used >= PROXY_UDP_IDLE_SEC)
                                flow_kill(p, f);
                }
}

/* --- the loop -------------------------------------------------------------------------------- */

static void reap_dead(Proxy *p) {
        bool freed = p->dead_connections != NULL;

        while (p->dead_connections) {
                Connection *c = p->dead_connections;

                p->dead_connections = c->next_dead;
                free(c);
        }
        while (p->dead_flows) {
                Flow *f = p->dead_flows;

                p->dead_flows = f->next_dead;
                free(f);
        }
        if (freed)
                listeners_resume(p);
}

int proxy_run(ProxyListener *listeners, size_t n) {
        _cleanup_close_ int epoll_fd = -EBADF, timer_fd = -EBADF;
        _cleanup_free_ Listener *ls = NULL;
        _cleanup_free_ Proxy *p = NULL;
        Handle timer = { .kind = HANDLE_TIMER };
        struct itimerspec its = { .it_interval.tv_sec = UDP_SWEEP_SEC, .it_value.tv_sec = UDP_SWEEP_SEC };
        int r;

        p = calloc(1, sizeof(Proxy));
        ls = calloc(n, sizeof(Listener));
        if (!p || !ls)
                return log_oom();
        epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (epoll_fd < 0 || timer_fd < 0)
                return log_error_errno(-errno, "berth-proxy: cannot set up its event loop: %m");
        p->epoll_fd = epoll_fd;
        p->listeners = ls;
        p->n_listeners = n;

        for (size_t i = 0; i < n; i++) {
                ls[i] = (Listener) { .h.kind = listeners[i].protocol == IPPROTO_UDP ? HANDLE_UDP_LISTENER
                                                                                     : HANDLE_TCP_LISTENER,
                                     .l = listeners + i };
                /* accept4()'s SOCK_NONBLOCK is for the new socket; the loop must not block here. */
                if (fcntl(listeners[i].fd, F_SETFL, fcntl(listeners[i].fd, F_GETFL) | O_NONBLOCK) < 0)
                        return log_error_errno(-errno, "berth-proxy: cannot make fd %d non-blocking: %m", listeners[i].fd);
                r = watch(p, EPOLL_CTL_ADD, listeners[i].fd, EPOLLIN, &ls[i].h);
                if (r < 0)
                        return log_error_errno(r, "berth-proxy: cannot watch fd %d: %m", listeners[i].fd);
        }
        if (timerfd_settime(timer_fd, 0, &its, NULL) < 0)
                return log_error_errno(-errno, "berth-proxy: cannot arm its timer: %m");
        r = watch(p, EPOLL_CTL_ADD, timer_fd, EPOLLIN, &timer);
        if (r < 0)
                return log_error_errno(r, "berth-proxy: cannot watch its timer: %m");

        for (;;) {
                struct epoll_event ev[EVENTS_MAX];
                int k = epoll_wait(epoll_fd, ev, EVENTS_MAX, -1);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "berth-proxy: epoll_wait() failed: %m");
                }
                for (int i = 0; i < k; i++) {
                        Handle *h = ev[i].data.ptr;

                        switch (h->kind) {
                        case HANDLE_TCP_LISTENER:
                                tcp_accept(p, (Listener *) h);
                                break;
                        case HANDLE_UDP_LISTENER:
                                udp_receive(p, (Listener *) h);
                                break;
                        case HANDLE_TCP_SIDE:
                                side_event(p, (Side *) h, ev[i].events);
                                break;
                        case HANDLE_UDP_FLOW:
                                flow_event(p, (Flow *) h);
                                break;
                        case HANDLE_TIMER:
                                flows_sweep(p, timer_fd);
                                break;
                        default:
                                break;
                        }
                }
                reap_dead(p);
        }
}
