/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "sync.h"
#include "tap.h"

int main(void) {
        int fds[2], pass, got = -EBADF;
        SyncMessage m;
        struct stat a, b;
        pid_t pid;

        ok_eq_int(sync_pair(fds), 0);
        ok_eq_int(sync_send_errorf(fds[1], -ENOENT, "no such thing %s: %m", "x"), 0);
        ok_eq_int(sync_recv(fds[0], &m, &got), 1);
        ok_eq_int(m.type, SYNC_ERROR);
        ok_eq_int(m.error, ENOENT);
        ok_streq(m.message, "no such thing x: No such file or directory");
        ok_eq_int(got, -EBADF);

        pass = open("/dev/null", O_RDONLY | O_CLOEXEC);
        ok_eq_int(sync_send(fds[1], SYNC_PTY, 0, pass, NULL), 0);
        ok_eq_int(sync_recv(fds[0], &m, &got), 1);
        ok_eq_int(m.type, SYNC_PTY);
        ok(got >= 0 && got != pass, "an fd was passed");
        ok(fstat(got, &a) == 0 && fstat(pass, &b) == 0 && a.st_rdev == b.st_rdev, "it is the same file");
        ok(fcntl(got, F_GETFD) & FD_CLOEXEC, "received CLOEXEC");
        safe_close(got);
        safe_close(pass);

        /* EOF when the peer's end closes at execve() (CLOEXEC). */
        pid = fork();
        if (pid == 0) {
                close(fds[0]);
                execl("/bin/true", "true", NULL);
                _exit(1);
        }
        close(fds[1]);
        ok_eq_int(sync_recv(fds[0], &m, &got), 0);
        waitpid(pid, NULL, 0);
        close(fds[0]);

        return tap_finish();
}
