/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* How `berth run -d` and `berth start` learn that a service's container runs without holding a
 * D-Bus connection for the whole start. With a few hundred containers starting at once,
 * dbus-daemon's 256 connections per user ran out while every CLI waited for its job, and the
 * rest fell back to systemd's private socket, where every signal goes to every connection:
 * 200 starts took 15 s instead of 3.
 *
 * The waiter binds a datagram socket at /run/berth/ready/NAME/PID before it asks systemd for the
 * start. The helper sends "READY" to every socket there once it has sent READY=1 to systemd, or
 * "FAILED", a newline and its last error line when it exits before that (the waiter needs no
 * journal for the reason); a socket whose waiter is gone is unlinked by the sender.
 * The directory is root's alone (0700). */

typedef enum ReadyState {
        READY_NONE,
        READY_OK,
        READY_FAILED,
} ReadyState;

typedef struct ReadyListener {
        int fd;
        char *path;
} ReadyListener;

#define READY_LISTENER_NULL ((ReadyListener){.fd = -EBADF})

/* /run/berth/ready/NAME, where the waiters of name bind their sockets; NULL on OOM. */
char *ready_dir(const char *name);

/* Binds the waiter's socket for container name. Negative errno; nothing is left on failure. */
int ready_listen(const char *name, ReadyListener *ret);

/* Closes and unlinks it, and the container's directory if it is empty then. */
void ready_listener_done(ReadyListener *l);

#define READY_REASON_MAX 512

/* Waits up to timeout_usec for the helper's word: 1 with *ret set, 0 when the time ran out. With
 * FAILED, reason (READY_REASON_MAX bytes) gets the helper's one line, or "" if it sent none. */
int ready_wait(const ReadyListener *l, uint64_t timeout_usec, ReadyState *ret, char *reason);

/* The helper's side: tells every waiter of name, with FAILED the reason (NULL for none). Returns
 * how many were told; never fails the caller's start (a waiter that misses it learns the state
 * from systemd, the reason from the journal). */
int ready_tell(const char *name, ReadyState state, const char *reason);

/* The same, to the waiters in dir (/run/berth/ready/NAME): berth-supervisor's, libc only. */
int ready_tell_dir(const char *dir, ReadyState state, const char *reason);

/* "READY", "FAILED"; NULL for anything else. */
const char *ready_state_word(ReadyState s);
/* The address of the socket at path; -ENAMETOOLONG when it does not fit. */
int ready_sockaddr(const char *path, struct sockaddr_un *ret, socklen_t *ret_len);

/* Whether this process told READY: a helper that exits without it tells FAILED. */
bool ready_told_ok(void);
