/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Readiness from inside the container (Notify=yes): the payload gets NOTIFY_SOCKET, a datagram
 * socket of the supervisor's, bind-mounted read-only at /run/notify (podman's path). Nothing that
 * arrives there goes on to systemd as it came: the supervisor keeps READY=1, STATUS=,
 * RELOADING=1, STOPPING=1, WATCHDOG=1|trigger, WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC=, ERRNO= and
 * MONOTONIC_USEC= with well-formed values and writes a message of its own. MAINPID= (a PID of
 * the container's namespace, or one of the host's that the container must not name), FDSTORE=,
 * BARRIER= and any descriptor are dropped: the container never hands systemd a process or a
 * file. libc only, for berth-supervisor. */

#define NOTIFY_CONTAINER_DIR "/run/notify"
#define NOTIFY_CONTAINER_SOCKET NOTIFY_CONTAINER_DIR "/notify.sock"
#define NOTIFY_SOCKET_NAME "notify.sock"

/* Longer datagrams are dropped whole; sd_notify()'s are a few dozen bytes. */
#define NOTIFY_DATAGRAM_MAX 4096U
/* STATUS= is cut here (at a character boundary): systemctl shows one line of it. */
#define NOTIFY_STATUS_MAX 512U

typedef struct NotifyMessage {
        bool ready, reloading, stopping;
        bool has_status;
        char status[NOTIFY_STATUS_MAX + 1];
        char text[NOTIFY_DATAGRAM_MAX]; /* what goes on to systemd, "K=V\n" lines; "" for nothing */
        size_t text_len;
} NotifyMessage;

/* Binds a datagram socket at dir/notify.sock (dir exists, is ours), which anyone may send to: the
 * payload's user may be any. Non-blocking, close-on-exec. */
int notify_socket_bind(const char *dir, int *ret_fd);

/* Reads one datagram: 1 with *ret filtered (notify_filter()), 0 when none is waiting. Descriptors
 * that came along are closed at once; a datagram that was cut short is dropped (0). */
int notify_receive(int fd, NotifyMessage *ret);

/* Pure: the fields of msg (n bytes, "K=V" lines) that go on, rebuilt into ret->text. */
void notify_filter(const char *msg, size_t n, NotifyMessage *ret);

/* sd_notify() with libc only: text to the socket named by socket_path (an absolute path, or '@'
 * for the abstract namespace), never blocking. 0 when socket_path is NULL or empty (nobody
 * listens), 1 when sent. */
int notify_send(const char *socket_path, const char *text);
