/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "macro.h"

/* The helper and its child (the container's, or berth exec's) talk over a SOCK_SEQPACKET pair,
 * one message per packet. The child's end is CLOEXEC: when the payload's execve() succeeds the
 * parent reads EOF, which is how it learns the payload runs.
 *
 * It is the child's one channel, as crun's sync socket is: from sync_log_to() on, every line the
 * child logs (a step's own, or a failure's) travels to the parent, which logs it once as its own
 * (to the journal in a service, to the terminal in a foreground run) and remembers the last error
 * for whoever waits for the start (ready.h). A failed step then says only that it failed. */

typedef enum SyncType {
        SYNC_GO,          /* parent → child: the scope holds you, go on */
        SYNC_LOG,         /* child → parent: a line the child logged; level and message set */
        SYNC_FAILED,      /* child → parent: a step failed with error; its line came as SYNC_LOG */
        SYNC_EXEC_FAILED, /* child → parent: execve failed; error set (the parent words it) */
        SYNC_PTY,         /* child → parent: the pty master, passed as fd */
        _SYNC_TYPE_MAX,
        _SYNC_TYPE_INVALID = -22,
} SyncType;

typedef struct SyncMessage {
        int type;
        int error;        /* positive errno */
        int level;        /* SYNC_LOG: its syslog level */
        char message[512];
} SyncMessage;

int sync_pair(int ret_fds[2]);

/* Sends a message; fd >= 0 is passed along with SCM_RIGHTS. */
int sync_send(int sock, SyncType type, int error, int fd, const char *message);

/* In the child: every line logged from now on goes to the parent over sock. */
void sync_log_to(int sock);

/* In the child: a step failed with error (positive or negative), and said why in a line it
 * logged. Tells the parent and exits 125. */
_noreturn_ void sync_fail(int sock, int error);

/* In the child: logs why a step failed (to the parent, see sync_log_to()) and fails. */
#define SYNC_FAIL(sock, r, ...)                                                                           \
        do {                                                                                              \
                int _r_ = (r);                                                                            \
                (void) log_error_errno(_r_, __VA_ARGS__);                                                 \
                sync_fail((sock), _r_);                                                                   \
        } while (0)

/* Receives one message: 0 on EOF (the peer exec'd or died), 1 with a message. *ret_fd gets a
 * passed descriptor or -EBADF. */
int sync_recv(int sock, SyncMessage *ret, int *ret_fd);

/* After GO: reads until EOF (the child's execve() closed its end: returns 0), logging the child's
 * lines as they come and taking a passed pty into *pty_fd on the way; SYNC_FAILED or
 * SYNC_EXEC_FAILED is returned as 1 with *ret filled. */
int sync_wait_exec(int sock, int *pty_fd, SyncMessage *ret);
