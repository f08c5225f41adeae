/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init_run() runs in fork()ed children, as a subreaper; as root also as PID 1 of a new pid
 * namespace. The test process is a subreaper too and reaps everything before it ends. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <termios.h>

#include "cleanup.h"
#include "fd-util.h"
#include "init.h"
#include "path-util.h"
#include "tap.h"

static char *env_default[] = {(char *)"PATH=/usr/local/bin:/usr/bin:/bin", NULL};

/* Counts the zombies whose parent is init ($PPID) after the orphan has had time to die; the exit
 * code is 7 plus that count. */
/* An orphan: $(…) returns once the backgrounded sleep has exited (it held the pipe), leaving it
 * to init. 7 when init reaps it within 5 s, 8 when it stays (a zombie, with an init that does not
 * reap). Only this orphan is looked at: other zombies on the machine are none of the test's. */
#define ZOMBIE_SCRIPT                                                                                     \
        "p=$(sleep 0.1 & echo $!); i=0; "                                                                 \
        "while [ -e /proc/$p ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "                          \
        "[ -e /proc/$p ] && exit 8; exit 7"

typedef struct Run {
        pid_t pid;
        int ready_fd; /* reads what the payload writes to its fd 3 */
} Run;

static Run start(char **argv, char **envp, bool new_pidns, int tty_fd) {
        _cleanup_close_pair_ int p[2] = {-EBADF, -EBADF};
        Run run = {.pid = -1, .ready_fd = -EBADF};

        if (pipe2(p, O_CLOEXEC) < 0)
                return run;
        fflush(stdout);
        run.pid = fork();
        if (run.pid < 0)
                return run;
        if (run.pid == 0) {
                if (new_pidns) {
                        pid_t c;
                        int status;

                        if (unshare(CLONE_NEWPID) < 0)
                                _exit(250);
                        c = fork();
                        if (c < 0)
                                _exit(251);
                        if (c > 0) {
                                /* Pass signals on to the namespace's PID 1, the way the helper does. */
                                p[1] = safe_close(p[1]);
                                while (waitpid(c, &status, 0) < 0)
                                        if (errno != EINTR)
                                                _exit(252);
                                _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 253);
                        }
                        /* A /proc of the namespace, so that /proc/PID means its PIDs. */
                        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
                            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                                _exit(249);
                }
                if (tty_fd >= 0) {
                        if (setsid() < 0 || ioctl(tty_fd, TIOCSCTTY, 0) < 0 ||
                            dup2(tty_fd, STDIN_FILENO) < 0)
                                _exit(254);
                }
                if (dup2(p[1], 3) < 0)
                        _exit(255);
                init_run(argv, envp);
        }
        run.ready_fd = TAKE_FD(p[0]);
        return run;
}

static int finish(Run *run) {
        int status;

        safe_close(run->ready_fd);
        if (run->pid < 0 || waitpid(run->pid, &status, 0) < 0)
                return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

static int run_sh(const char *script, bool new_pidns) {
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};
        Run run = start(argv, env_default, new_pidns, -EBADF);

        return finish(&run);
}

static bool wait_ready(Run *run) {
        char c;

        return read(run->ready_fd, &c, 1) == 1;
}

static int signal_test(const char *script, int sig, bool new_pidns) {
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};
        Run run = start(argv, env_default, new_pidns, -EBADF);

        if (!wait_ready(&run)) {
                finish(&run);
                return -1;
        }
        /* With a pid namespace run.pid is its parent; reach PID 1 through the process tree. */
        if (new_pidns) {
                _cleanup_free_ char *children = NULL, *path = NULL;

                if (asprintf(&path, "/proc/%d/task/%d/children", run.pid, run.pid) < 0 ||
                    read_full_file_at(AT_FDCWD, path, 4096, &children, NULL) < 0 || atoi(children) <= 0)
                        (void)kill(run.pid, SIGKILL);
                else
                        (void)kill(atoi(children), sig);
        } else
                (void)kill(run.pid, sig);
        return finish(&run);
}

static void test_exec(const char *tmp) {
        _cleanup_free_ char *dir = path_join(tmp, "bin"), *script = path_join(tmp, "bin/mycmd"),
                            *noexec = path_join(tmp, "bin/noexec"),
                            *noshebang = path_join(tmp, "bin/noshebang"), *penv = NULL;
        char *argv[] = {(char *)"mycmd", NULL};

        ok(mkdir(dir, 0755) == 0, "a PATH directory");
        ok(write_string_file(script, "#!/bin/sh\nexit 5\n", 0755, false) == 0, "a script");
        ok(write_string_file(noexec, "#!/bin/sh\nexit 0\n", 0644, false) == 0, "a file without x bit");
        ok(write_string_file(noshebang, "exit 3\n", 0755, false) == 0, "an executable without #!");
        ok(asprintf(&penv, "PATH=/nonexistent:%s", dir) > 0, "PATH");
        {
                char *envp[] = {penv, NULL};
                Run run = start(argv, envp, false, -EBADF);
                ok_eq_int(finish(&run), 5);
        }
        {
                char *envp[] = {(char *)"PATH=/nonexistent", NULL};
                Run run = start(argv, envp, false, -EBADF);
                ok(finish(&run) == 127, "the payload's PATH is used, not ours: not found is 127");
        }
        {
                char *a[] = {(char *)"/nonexistent/cmd", NULL};
                Run run = start(a, env_default, false, -EBADF);
                ok(finish(&run) == 127, "a missing absolute path is 127");
        }
        {
                char *a[] = {noexec, NULL};
                Run run = start(a, env_default, false, -EBADF);
                ok(finish(&run) == 126, "a file without x permission is 126");
        }
        {
                char *a[] = {(char *)"noexec", NULL}, *envp[] = {penv, NULL};
                Run run = start(a, envp, false, -EBADF);
                ok(finish(&run) == 126, "found in PATH but not executable is 126");
        }
        {
                char *a[] = {noshebang, NULL};
                Run run = start(a, env_default, false, -EBADF);
                ok(finish(&run) == 126, "no /bin/sh fallback for a file without #! (126)");
        }
        ok_eq_int(exec_error_to_exit_code(ENOENT), 127);
        ok_eq_int(exec_error_to_exit_code(EACCES), 126);
        ok_eq_int(exec_error_to_exit_code(ENOEXEC), 126);
}

static void test_tty(void) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        char *argv[] = {(char *)"sh", (char *)"-c",
                        (char *)"set -- $(cat /proc/$$/stat); [ \"$5\" = \"$$\" ] && [ \"$8\" = \"$$\" ]",
                        NULL};
        Run run;

        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
                printf("# no pty: terminal test skipped\n");
                return;
        }
        slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        ok(slave >= 0, "open the pty");
        run = start(argv, env_default, false, slave);
        ok(finish(&run) == 0, "with a terminal the payload leads its own process group, in the foreground");
}

int main(void) {
        char tmp[] = "/tmp/berth-test-init.XXXXXX";

        alarm(60);
        ok(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, "the test reaps what it starts");
        ok(mkdtemp(tmp) != NULL, "mkdtemp");

        ok_eq_int(run_sh("exit 7", false), 7);
        ok_eq_int(run_sh("sleep 0.1 & exec sh -c 'exit 9'", false), 9);
        ok_eq_int(run_sh("kill -9 $$", false), 128 + SIGKILL);
        ok(run_sh(ZOMBIE_SCRIPT, false) == 7, "orphans are reaped: no zombie left under init");

        ok(signal_test("echo >&3; exec sleep 10", SIGTERM, false) == 128 + SIGTERM,
           "SIGTERM is forwarded: the payload dies of it (143)");
        ok(signal_test("trap 'exit 42' TERM; echo >&3; while :; do sleep 0.05; done", SIGTERM, false) == 42,
           "SIGTERM reaches the payload's trap");
        ok(signal_test("trap 'exit 43' USR1; echo >&3; while :; do sleep 0.05; done", SIGUSR1, false) == 43,
           "SIGUSR1 is forwarded too");
        ok(signal_test("trap 'exit 44' HUP; echo >&3; while :; do sleep 0.05; done", SIGHUP, false) == 44,
           "SIGHUP is forwarded too");

        test_exec(tmp);
        test_tty();

        if (geteuid() == 0) {
                ok_eq_int(run_sh("[ $PPID = 1 ] && exit 7", true), 7);
                ok(run_sh(ZOMBIE_SCRIPT, true) == 7, "PID 1: orphans are reaped");
                ok(signal_test("echo >&3; exec sleep 10", SIGTERM, true) == 128 + SIGTERM,
                   "PID 1: SIGTERM from outside the namespace is forwarded (143)");
                ok(signal_test("trap 'exit 42' TERM; echo >&3; while :; do sleep 0.05; done", SIGTERM,
                               true) == 42,
                   "PID 1: SIGTERM reaches the payload's trap");
        } else
                printf("# PID 1 tests skipped: they need root\n");

        ok_eq_int(rm_rf(tmp), 0);
        while (wait(NULL) > 0 || errno == EINTR)
                ;
        return tap_finish();
}
