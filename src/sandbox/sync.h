/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* The helper and its child talk over a SOCK_SEQPACKET pair, one message per packet. The
 * child's end is CLOEXEC: when the payload's execve() succeeds the parent reads EOF, which is
 * how it learns the payload runs. Errors cross the fork with their message, so that the parent
 * logs them once and undoes what it did. */

typedef enum SyncType {
        SYNC_GO,          /* parent → child: the scope holds you, go on */
        SYNC_ERROR,       /* child → parent: a step failed; error and message set */
        SYNC_EXEC_FAILED, /* child → parent: execve failed; error set */
        SYNC_PTY,         /* child → parent: the pty master, passed as fd */
        _SYNC_TYPE_MAX,
        _SYNC_TYPE_INVALID = -22,
} SyncType;

typedef struct SyncMessage {
        int type;
        int error;        /* positive errno */
        char message[512];
} SyncMessage;

int sync_pair(int ret_fds[2]);

/* Sends a message; fd >= 0 is passed along with SCM_RIGHTS. */
int sync_send(int sock, SyncType type, int error, int fd, const char *message);
int sync_send_errorf(int sock, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Receives one message: 0 on EOF (the peer exec'd or died), 1 with a message. *ret_fd gets a
 * passed descriptor or -EBADF. */
int sync_recv(int sock, SyncMessage *ret, int *ret_fd);

/* After GO: reads until EOF (the child's execve() closed its end: returns 0), taking a passed
 * pty into *pty_fd on the way; a child's error is returned as 1 with *ret filled. */
int sync_wait_exec(int sock, int *pty_fd, SyncMessage *ret);
