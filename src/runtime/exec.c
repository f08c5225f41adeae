/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth exec: a command in a running container.
 *
 * Three processes, in a row:
 *   the caller   (the berth CLI, on the host) forks the joiner, has systemd put it into the
 *                container's scope, then relays the terminal or just waits;
 *   the joiner   keeps only the descriptors it needs, enters all namespaces of the container's
 *                PID 1 at once through its pidfd, resolves the user, the working directory and
 *                the terminal inside the container's root (with the container's capabilities in
 *                effect), then takes on the container's seccomp filter, user and capabilities
 *                and forks: setns() into a pid namespace only counts for children. It stays in
 *                the host's pid namespace, invisible from inside, forwards signals and passes
 *                the exit status on;
 *   the command  the first process really inside, born with nothing more than the container's
 *                own powers: sets up its stdio and execs.
 * No process of the container can trace a process of ours that holds more than it has: the
 * joiner cannot be named from inside, and the command never holds anything the container's root
 * could not (with --cap-add SYS_PTRACE, a process inside could otherwise take a privileged
 * process's descriptors with pidfd_getfd() or make it run its code). Both are not dumpable until
 * the command's execve() (SECURITY.md, CVE-2019-5736). Errors cross the forks over the sync
 * socket with their message, and the caller logs them once. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bus.h"
#include "caps.h"
#include "child.h"
#include "cleanup.h"
#include "confine.h"
#include "definition-process.h"
#include "env.h"
#include "exec.h"
#include "fd-util.h"
#include "freezer.h"
#include "idmap.h"
#include "init.h"
#include "log.h"
#include "mount.h"
#include "name.h"
#include "path-util.h"
#include "rlimit.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "supervise.h"
#include "lsm.h" /* Issue 16: leftovers (dialect) */
#include "sync.h"
#include "user.h"

#define ALL_NAMESPACES (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

/* The payload's environment (child.c), then -e. */
/* The Environment= of container@NAME.service, as systemd has it, then the manager's environment
 * (which the service's start had under it); nothing for a foreground run. */
static int exec_service_environment(const char *name, char ***ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **env = NULL, **manager = NULL;
        _cleanup_free_ char *unit = name_to_service(name);
        int r;

        if (!unit)
                return -ENOMEM;
        r = bus_open_systemd(&bus);
        if (r < 0)
                return r;
        r = bus_get_unit_property_strv(bus, unit, "org.freedesktop.systemd1.Service", "Environment", &env);
        if (r < 0)
                return r;
        if (sd_bus_get_property_strv(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                     "org.freedesktop.systemd1.Manager", "Environment", &error, &manager) >= 0)
                STRV_FOREACH(e, manager)
                        if (strv_extend(&env, *e) < 0)
                                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

static int exec_build_env(const ExecOptions *o, char ***ret) {
        _cleanup_strv_free_ char **env = NULL, **service_env = NULL;
        int r;

        /* Not EnvironmentHost=, nor this caller's environment for Environment='s bare names and
         * its "${NAME}": the container's start had its service's, which systemd still knows. */
        STRV_FOREACH(e, o->def->environment)
                if (!strchr(*e, '=') || strchr(*e, '$')) {
                        (void) exec_service_environment(o->def->name, &service_env);
                        break;
                }
        r = child_environment(o->def, o->image, /* host_env= */ NULL, service_env, o->tty, &env);
        if (r < 0)
                return r;
        if (env_merge(&env, o->env) < 0)
                return log_oom();
        *ret = TAKE_PTR(env);
        return 0;
}

/* --- The command, inside ------------------------------------------------------------------------ */

/* A terminal from the container's own devpts: never the host's. Returns the master and the slave,
 * which the command makes its controlling terminal (it must be its session's leader for that). */
static int open_pty(int root_fd, uid_t uid, int *ret_master, int *ret_slave) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        struct statfs sfs;
        int unlock = 0;

        /* Not /dev/ptmx, a symlink the container may have changed: the devpts instance itself,
         * checked to be one. */
        master = open_in_root(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
        if (master < 0)
                return master;
        if (fstatfs(master, &sfs) < 0)
                return -errno;
        if (sfs.f_type != DEVPTS_SUPER_MAGIC)
                return -ENOTTY;
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return -errno;
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        /* The size of the caller's terminal (still our stdin) before the command runs: one that
         * asks at once (stty size) must not see 0 0 while the caller passes it on. */
        {
                struct winsize ws;

                if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) >= 0 && ws.ws_row > 0)
                        (void) ioctl(master, TIOCSWINSZ, &ws);
        }
        /* Ours, as docker does, so that a non-root user can reopen it (tty, /proc/self/fd/0). */
        if (fchown(slave, uid, (gid_t) -1) < 0)
                return -errno;
        *ret_master = TAKE_FD(master);
        *ret_slave = TAKE_FD(slave);
        return 0;
}

/* The first process really inside: PID N of the container's pid namespace, born with the
 * container's user, capabilities, no_new_privs and seccomp filter (the joiner took them before
 * the fork), so that nothing inside ever sees a process of ours with more. It holds the sync
 * socket, its stdio and the read end of a pipe whose other end the joiner holds, nothing more. */
_noreturn_ static void command_main(const ExecOptions *o, char **env, int stdin_fd, int pty_slave, int wd_fd,
                                    int sock, int joiner_alive, const sigset_t *old_mask) {
        int r;

        /* The joiner is outside our pid namespace (getppid() says 0): its pipe's end tells
         * whether it died before PDEATHSIG was set (POLLHUP once it is gone). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
            poll(&(struct pollfd) { .fd = joiner_alive, .events = POLLIN }, 1, 0) != 0)
                _exit(125);
        safe_close(joiner_alive);
        /* Our own session: the caller's terminal, if our stdio is one, must not be ours to
         * TIOCSTI into; with -t, the container's pty becomes our controlling terminal. */
        if (setsid() < 0)
                SYNC_FAIL(sock, -errno, "Failed to create a session: %m");
        /* Whatever the caller ignored (a shell's background job ignores SIGINT) is not the
         * command's business: an ignored signal would stay ignored across execve(). */
        for (int sig = 1; sig < _NSIG; sig++)
                (void) signal(sig, SIG_DFL);
        (void) sigprocmask(SIG_SETMASK, old_mask, NULL);

        if (pty_slave >= 0) {
                if (ioctl(pty_slave, TIOCSCTTY, 0) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to make the terminal ours: %m");
                for (int i = 0; i < 3; i++)
                        if (dup2(pty_slave, i) < 0)
                                SYNC_FAIL(sock, -errno, "Failed to set up the terminal: %m");
        } else if (stdin_fd >= 0 && dup2(stdin_fd, STDIN_FILENO) < 0)
                SYNC_FAIL(sock, -errno, "Failed to set up stdin: %m");

        if (fchdir(wd_fd) < 0)
                SYNC_FAIL(sock, -errno, "Failed to enter the working directory: %m");

        /* The command sees fds 0–2 only; the sync socket closes at execve(). */
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                SYNC_FAIL(sock, -errno, "Failed to mark file descriptors close-on-exec: %m");

        r = init_exec(o->argv, env);
        (void) sync_send(sock, SYNC_EXEC_FAILED, -r, -EBADF, NULL);
        _exit(exec_error_to_exit_code(-r));
}

/* Runs on the host's side of the pid namespace (invisible from inside: no process of the
 * container can name it for ptrace(), pidfd_open() or kill()), in the container's scope (the
 * caller put it there before GO), not dumpable, with the forwarded signals blocked. It joins the
 * container's other namespaces, prepares what needs privilege, takes on the container's
 * confinement and only then forks the command. */
_noreturn_ static void joiner_main(const ExecOptions *o, char **env_base, int stdin_fd, const SeccompProgram *profile,
                                   int sock, pid_t caller, const sigset_t *forwarded, const sigset_t *old_mask) {
        const Definition *d = o->def;
        _cleanup_free_ char *user_spec = NULL; /* User= with Group= */
        const char *user;
        const char *wd = o->working_dir ?: d->working_dir ?: (o->image ? o->image->working_dir : NULL) ?: "/";
        uint64_t keep = caps_compute(d->caps_add, d->caps_drop, d->privileged);
        _cleanup_close_ int root_fd = -EBADF, wd_fd = -EBADF, master = -EBADF, slave = -EBADF;
        _cleanup_close_pair_ int alive[2] = { -EBADF, -EBADF };
        _cleanup_free_ char *home = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_strv_free_ char **env = NULL;
        size_t n_groups = 0;
        SyncMessage m;
        uid_t uid, pty_uid;
        gid_t gid;
        pid_t pid;
        int namespaces = ALL_NAMESPACES; /* Issue 18: and CLONE_NEWUSER with a range */
        int r;

        if (!o->user && definition_user_spec(d->user, &d->process, &user_spec) < 0)
                _exit(125);
        user = o->user ?: user_spec ?: (o->image ? o->image->user : NULL);

        /* The caller's descriptors (its D-Bus connection among them, if it had one) never come
         * along. */
        {
                const int fds[] = { sock, stdin_fd, o->pidfd };

                if (close_all_fds_except(fds, ELEMENTSOF(fds)) < 0)
                        _exit(125);
        }
        /* What we and the command log goes to the caller, which logs it once (sync.h). */
        sync_log_to(sock);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != caller)
                _exit(125);
        /* Signals from the caller's terminal reach the caller only, which forwards them: the
         * command gets each once. */
        (void) setpgid(0, 0);

        r = sync_recv(sock, &m, NULL);
        if (r <= 0 || m.type != SYNC_GO)
                _exit(125);

        /* The container's root as its PID 1 sees it, from here, the host's side: the host's /proc
         * is ours to reopen files through, and nothing inside can reach us while we read. The
         * pidfd, still not readable after the open, says the PID named that same process. */
        {
                char path[64];

                snprintf(path, sizeof(path), "/proc/%d/root", (int) o->pid);
                root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root_fd < 0 || poll(&(struct pollfd) { .fd = o->pidfd, .events = POLLIN }, 1, 0) != 0)
                        SYNC_FAIL(sock, -ESRCH, "container %s is not running", d->name);
        }
        /* The container's files are read with the container's capabilities in effect: a
         * /etc/passwd that is a symlink to /proc/kmsg gets what the container's root would get. */
        r = caps_limit_effective(keep);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to lower the capabilities in effect: %m");
        r = user_resolve(root_fd, user, &uid, &gid, &home, &groups, &n_groups);
        if (r == -ESRCH)
                SYNC_FAIL(sock, r, "user '%s' not found in the container's /etc/passwd and /etc/group", user);
        if (r < 0 && user_resolve_strerror(r))
                SYNC_FAIL(sock, r, "user '%s' in the container: %s", user ?: "root", user_resolve_strerror(r));
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to resolve user '%s' in the container: %m", user ?: "root");
        /* GroupAdd= holds for exec too, as docker's does, from the container's /etc/group. */
        {
                const char *failed = NULL;

                r = user_add_groups(root_fd, d->process.group_add, &groups, &n_groups, &failed);
                if (r == -ESRCH)
                        SYNC_FAIL(sock, r, "group '%s' (GroupAdd=) not found in the container's /etc/group", failed);
        }
        if (r < 0 && user_resolve_strerror(r))
                SYNC_FAIL(sock, r, "GroupAdd= in the container: %s", user_resolve_strerror(r));
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to resolve GroupAdd= in the container: %m");
        /* Inside the root, never through a magic link (/proc/self/cwd, /proc/1/root …); not
         * created: exec changes nothing in the container. */
        wd_fd = open_in_root(root_fd, wd, O_PATH | O_DIRECTORY, 0);
        if (wd_fd < 0)
                SYNC_FAIL(sock, wd_fd, "Failed to enter working directory %s: %m", wd);
        r = caps_limit_effective(UINT64_MAX);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to restore the capabilities in effect: %m");

        /* Issue 18: user namespaces. A container with a range of its own: its user namespace is
         * joined too, and the terminal is given to the host's ID of the user. */
        {
                _cleanup_free_ char *uid_map = NULL;
                unsigned host_uid = uid;

                r = idmap_of_process(o->pid, &uid_map, NULL);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to read the user namespace of container %s: %m", d->name);
                if (r > 0) {
                        namespaces |= CLONE_NEWUSER;
                        if (idmap_to_host(uid_map, uid, &host_uid) < 0)
                                SYNC_FAIL(sock, -ERANGE, "user %u is not mapped in the user namespace of container %s",
                                          (unsigned) uid, d->name);
                }
                pty_uid = host_uid;
        }
        if (o->tty) {
                r = open_pty(root_fd, pty_uid, &master, &slave);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set up a terminal in container %s: %m", d->name);
                r = sync_send(sock, SYNC_PTY, 0, master, NULL);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to pass the terminal on: %m");
                master = safe_close(master);
        }
        root_fd = safe_close(root_fd);

        /* Ulimit=: the container's limits, as the payload has them (docker's exec too): set before
         * joining, where raising a hard limit is ours to do (Issue 18: not in a user namespace). */
        {
                const char *failed = NULL;

                r = rlimit_apply(d->process.ulimits, &failed);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set the limit Ulimit=%s: %m", failed ?: "");
        }
        /* AppArmor= (lsm.h): the command's execve() enters the container's profile, as runc's exec
         * does; set here, while /proc/self is still ours to find, and inherited at fork(). */
        if (d->extra.apparmor && !streq(d->extra.apparmor, "unconfined") && lsm_apparmor_enabled()) {
                r = lsm_apparmor_exec(d->extra.apparmor);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set AppArmor profile %s (is it loaded?): %m", d->extra.apparmor);
        }
        /* All namespaces of the container's PID 1 at once, through its pidfd: the namespaces of
         * one process, never of a PID reused in between. Our root and working directory become
         * the container's: no path of the host is reachable from here on. */
        if (setns(o->pidfd, namespaces) < 0) {
                if (errno == ESRCH)
                        SYNC_FAIL(sock, -errno, "container %s is not running", d->name);
                SYNC_FAIL(sock, -errno, "Failed to join the namespaces of container %s: %m", d->name);
        }
        safe_close(o->pidfd);
        umask(0022);

        env = strv_copy(env_base);
        if (!env)
                SYNC_FAIL(sock, -ENOMEM, "Out of memory");
        if (!env_get(env, "HOME")) {
                _cleanup_free_ char *h = strjoin("HOME=", home ?: "/");

                if (!h || env_set(&env, h) < 0)
                        SYNC_FAIL(sock, -ENOMEM, "Out of memory");
        }

        /* The container's own confinement, as docker exec: its no_new_privs and seccomp profile
         * (while we still hold CAP_SYS_ADMIN, which loading it without no_new_privs needs), then
         * its user and capabilities, for good. The command inherits all of it at fork(). */
        r = confine_enter(d, profile, uid, gid, groups, n_groups);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to take on the container's no_new_privs, seccomp profile, user and capabilities: %m");
        /* Did the caller go before the parent-death signal was set again? */
        if (getppid() != caller)
                _exit(125);

        if (pipe2(alive, O_CLOEXEC) < 0)
                SYNC_FAIL(sock, -errno, "Failed to create a pipe: %m");
        pid = fork();
        if (pid < 0)
                SYNC_FAIL(sock, -errno, "Failed to start the command in container %s: %m", d->name);
        if (pid == 0) {
                alive[1] = safe_close(alive[1]);
                command_main(o, env, stdin_fd, slave, wd_fd, sock, TAKE_FD(alive[0]), old_mask);
        }
        alive[0] = safe_close(alive[0]);
        safe_close(sock);
        safe_close(stdin_fd);
        slave = safe_close(slave);
        wd_fd = safe_close(wd_fd);

        for (;;) {
                siginfo_t si;
                int status;

                if (sigwaitinfo(forwarded, &si) < 0)
                        continue;
                if (si.si_signo != SIGCHLD) {
                        (void) kill(pid, si.si_signo);
                        continue;
                }
                if (waitpid(pid, &status, WNOHANG) == pid)
                        _exit(child_exit_code(status));
        }
}

/* --- The caller ---------------------------------------------------------------------------------- */

/* Without a terminal: pass signals on to the joiner until it exits. */
static int wait_joiner(pid_t pid, int pidfd, int sigfd) {
        for (;;) {
                struct pollfd p[2] = {
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = pidfd, .events = POLLIN },
                };

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "poll() failed: %m");
                }
                if (p[0].revents) {
                        struct signalfd_siginfo si;

                        if (read(sigfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
                                (void) kill(pid, (int) si.ssi_signo);
                }
                if (p[1].revents) {
                        siginfo_t si = {};

                        if (waitid(P_PID, (id_t) pid, &si, WEXITED) < 0)
                                return log_error_errno(-errno, "Failed to wait for the command: %m");
                        return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
                }
        }
}

int exec_run(const ExecOptions *o) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_close_pair_ int sync_fds[2] = { -EBADF, -EBADF };
        _cleanup_close_ int sigfd = -EBADF, timerfd = -EBADF, pidfd = -EBADF, ptyfd = -EBADF, null_fd = -EBADF;
        _cleanup_(seccomp_program_done) SeccompProgram profile = SECCOMP_PROGRAM_NULL;
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *state = NULL;
        sigset_t mask, old_mask;
        int r, ret = 125;
        pid_t pid, caller = getpid();

        if (exec_build_env(o, &env) < 0)
                return 125;
        /* Here, on the host: the container's mount namespace has no /run/berth. */
        if (confine_prepare(o->def, &profile) < 0)
                return 125;
        if (!o->interactive && !o->tty) {
                null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (null_fd < 0) {
                        log_error_errno(-errno, "Failed to open /dev/null: %m");
                        return 125;
                }
        }
        r = sync_pair(sync_fds);
        if (r < 0) {
                log_error_errno(r, "Failed to create the sync socket: %m");
                return 125;
        }

        /* What we handle ourselves (through a signalfd), and the joiner passes on (child.h). */
        if (child_signals_block(&mask, &old_mask, &sigfd, &timerfd) < 0)
                return 125;

        /* Before any child of ours enters the container (SECURITY.md); the command's execve()
         * makes its own image dumpable again, ours never is. */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

        /* Forked before we talk to systemd, so that no copy of that connection ever comes near
         * the container. */
        pid = fork();
        if (pid < 0) {
                log_error_errno(-errno, "Failed to fork: %m");
                goto finish;
        }
        if (pid == 0) {
                sync_fds[0] = safe_close(sync_fds[0]);
                joiner_main(o, env, null_fd, &profile, sync_fds[1], caller, &mask, &old_mask);
        }
        sync_fds[1] = safe_close(sync_fds[1]);
        null_fd = safe_close(null_fd);
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
                log_error_errno(-errno, "Failed to open a pidfd: %m");
                goto kill_child;
        }

        /* The joiner waits for GO: it is in the scope before anything of it is in the
         * container. */
        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                goto kill_child;
        }
        /* A paused container would freeze the command as soon as it joined: say so instead. */
        if (freezer_state(bus, o->def->name, &state) >= 0 && !streq(state, "running")) {
                log_error("container %s is paused; 'berth unpause %s' first", o->def->name, o->def->name);
                goto kill_child;
        }
        r = scope_join(bus, o->def->name, o->pid, pid);
        if (r < 0)
                goto kill_child;
        bus = sd_bus_flush_close_unref(bus);
        r = sync_send(sync_fds[0], SYNC_GO, 0, -EBADF, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to start the command: %m");
                goto kill_child;
        }

        /* Until EOF (the command's execve() closed the last copy), errors, or the pty. */
        {
                SyncMessage m;

                r = sync_wait_exec(sync_fds[0], &ptyfd, &m);
                if (r < 0) {
                        log_error_errno(r, "Failed to talk to the command: %m");
                        goto kill_child;
                }
                if (r > 0) {
                        ret = child_report_error(o->argv[0], &m);
                        (void) waitpid(pid, NULL, 0);
                        goto finish;
                }
        }

        if (o->tty) {
                Supervisor s = {
                        .name = o->def->name,
                        .pid = pid,
                        .pidfd = pidfd,
                        .sigfd = sigfd,
                        .timerfd = timerfd,
                        .ptyfd = TAKE_FD(ptyfd),
                        .out_pipe = -EBADF,
                        .err_pipe = -EBADF,
                        .out_dest = STDOUT_FILENO,
                        .err_dest = STDERR_FILENO,
                        .interactive = o->interactive,
                        .stop_signal = SIGTERM,
                        .stop_timeout_usec = o->def->stop_timeout_usec,
                        SUPERVISOR_NO_FDS,
                };

                supervisor_init(&s);

                if (s.ptyfd < 0) {
                        log_error("the command's terminal did not arrive");
                        goto kill_child;
                }
                ret = supervise(&s);
                safe_close(s.ptyfd);
        } else
                ret = wait_joiner(pid, pidfd, sigfd);
        if (ret < 0)
                ret = 125;
        goto finish;

kill_child:
        /* The command, if there is one yet, dies with the joiner (PDEATHSIG). */
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        ret = 125;
finish:
        (void) sigprocmask(SIG_SETMASK, &old_mask, NULL);
        return ret;
}
