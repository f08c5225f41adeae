/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sync socket, and through it the child's one channel: what a child logs before it executes
 * its payload reaches the parent, which logs it once; a failed step says only that it failed. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "mount.h"
#include "strv.h"
#include "sync.h"
#include "tap.h"

/* What the parent logs, captured instead of printed. */
static char **lines = NULL;

static void capture(int level, const char *message, void *userdata) {
        char buf[600];

        snprintf(buf, sizeof(buf), "%d %s", level, message);
        (void) strv_extend(&lines, buf);
}

/* Forks a child that runs f(sock) with its log going over the socket; returns the parent's end. */
static int spawn(void (*f)(int sock), pid_t *ret_pid) {
        int fds[2];
        pid_t pid;

        if (sync_pair(fds) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                close(fds[0]);
                sync_log_to(fds[1]);
                f(fds[1]);
                _exit(0);
        }
        close(fds[1]);
        *ret_pid = pid;
        return fds[0];
}

/* A step of the child's that logs its own line (as the mount_*() functions do), then fails. */
static void child_mount_step(int sock) {
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r;

        log_info("building the root");
        r = mount_bind_file(root, "/nonexistent/berth-test-source", "/etc/hosts");
        sync_fail(sock, r);
}

/* A step that fails with its reason. */
static void child_fail_step(int sock) {
        SYNC_FAIL(sock, -EPERM, "Failed to set the host name %s: %m", "x\ny");
}

/* A child that makes it to execve(): the parent reads EOF. */
static void child_exec(int sock) {
        log_debug("not shown below the parent's level");
        execl("/bin/true", "true", NULL);
        _exit(1);
}

int main(void) {
        int fds[2], pass, got = -EBADF, pty = -EBADF, sock, status;
        SyncMessage m;
        struct stat a, b;
        pid_t pid;

        ok_eq_int(sync_pair(fds), 0);
        pass = open("/dev/null", O_RDONLY | O_CLOEXEC);
        ok_eq_int(sync_send(fds[1], SYNC_PTY, 0, pass, NULL), 0);
        ok_eq_int(sync_recv(fds[0], &m, &got), 1);
        ok_eq_int(m.type, SYNC_PTY);
        ok(got >= 0 && got != pass, "an fd was passed");
        ok(fstat(got, &a) == 0 && fstat(pass, &b) == 0 && a.st_rdev == b.st_rdev, "it is the same file");
        ok(fcntl(got, F_GETFD) & FD_CLOEXEC, "received CLOEXEC");
        safe_close(got);
        safe_close(pass);
        close(fds[0]);
        close(fds[1]);

        log_set_sink(capture, NULL);

        /* A child that fails in a mount step: the parent gets that step's own line, once, and
         * the failure with its errno and no second line. */
        sock = spawn(child_mount_step, &pid);
        ok_eq_int(sync_wait_exec(sock, &pty, &m), 1);
        ok_eq_int(m.type, SYNC_FAILED);
        ok_eq_int(m.error, ENOENT);
        ok_eq_int(strv_length(lines), 2);
        ok_streq(lines ? lines[0] : NULL, "6 building the root");
        ok_streq(lines && lines[0] ? lines[1] : NULL,
                 "3 Failed to open /nonexistent/berth-test-source: No such file or directory");
        ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 125, "the child exits 125");
        close(sock);
        lines = strv_free(lines);

        /* SYNC_FAIL: the reason, escaped into one line, then the failure. */
        sock = spawn(child_fail_step, &pid);
        ok_eq_int(sync_wait_exec(sock, &pty, &m), 1);
        ok_eq_int(m.type, SYNC_FAILED);
        ok_eq_int(m.error, EPERM);
        ok_eq_int(strv_length(lines), 1);
        ok_streq(lines ? lines[0] : NULL, "3 Failed to set the host name x\\ny: Operation not permitted");
        (void) waitpid(pid, NULL, 0);
        close(sock);
        lines = strv_free(lines);

        /* EOF when the child's end closes at execve() (CLOEXEC); a debug line under the parent's
         * level never crosses. */
        sock = spawn(child_exec, &pid);
        ok_eq_int(sync_wait_exec(sock, &pty, &m), 0);
        ok_eq_int(strv_length(lines), 0);
        (void) waitpid(pid, NULL, 0);
        close(sock);

        log_set_sink(NULL, NULL);
        return tap_finish();
}
