/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <termios.h>
#include <unistd.h>

#include "berth-conf.h"
#include "bus.h"
#include "child.h"
#include "cleanup.h"
#include "confine.h"
#include "config.h"
#include "container-network.h"
#include "container.h"
#include "env.h"
#include "fd-util.h"
#include "guard.h"
#include "image.h"
#include "init.h"
#include "log.h"
#include "machine.h"
#include "name.h"
#include "payload.h"
#include "path-util.h"
#include "ready.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "supervise.h"
#include "sync.h"
#include "paths.h"
#include "lock.h"
#include "teardown.h"


/* The signals the helper handles itself (through a signalfd) rather than dying of. */
static const int handled_signals[] = {
        SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

static void container_done(Container *c) {
        free(c->dir);
        free(c->upper);
        free(c->work);
        free(c->root);
        free(c->net_dir);
        strv_free(c->lowerdirs);
        strv_free(c->argv);
        strv_free(c->env);
        volume_plan_done(&c->volumes);
        c->stdin_fd = safe_close(c->stdin_fd);
        seccomp_program_done(&c->profile);
        c->init_fd = safe_close(c->init_fd);
        image_config_done(&c->image);
        c->stdout_fd = safe_close(c->stdout_fd);
        c->stderr_fd = safe_close(c->stderr_fd);
}

/* berth-init as the container's PID 1 runs from a copy in a sealed memfd, as runc runs itself:
 * its /proc/1/exe is then that copy, which nobody can write to, and never the host's file, which
 * a process inside that may trace PID 1 could otherwise reopen for writing once the init ended
 * (CVE-2019-5736). The copy costs one sendfile() of a small static binary. */
static int init_open_sealed(int *ret_fd) {
        _cleanup_close_ int src = -EBADF, fd = -EBADF;
        struct stat st;
        off_t off = 0;

        src = open(BERTH_INIT_PATH, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (src < 0)
                return -errno;
        if (fstat(src, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        /* MFD_EXEC where the kernel knows it (6.3), so that vm.memfd_noexec=1 does not seal it
         * non-executable; older kernels refuse the flag, and there every memfd is executable. */
        fd = memfd_create("berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U /* MFD_EXEC */);
        if (fd < 0 && errno == EINVAL)
                fd = memfd_create("berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        while (off < st.st_size) {
                ssize_t n = sendfile(fd, src, &off, (size_t) (st.st_size - off));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int container_prepare(Container *c) {
        const Definition *d = c->def;
        _cleanup_free_ char *images = NULL;
        int r;

        images = path_join(berth_state_dir(), "images");
        if (!images)
                return log_oom();
        r = image_resolve(images, d->image, &c->lowerdirs);
        if (r == -ENOENT)
                return log_error_errno(r, "image '%s' not found (see 'berth image ls')", d->image);
        if (r < 0)
                return log_error_errno(r, "Failed to resolve image '%s': %m", d->image);
        r = image_config_read(d->image, &c->image);
        if (r < 0)
                return r;
        /* Bad volumes (a missing bind source, an unknown VolumesFrom=) fail before anything is made. */
        r = volume_plan_make(d, &c->image, &c->volumes);
        if (r < 0)
                return r;
        if (image_config_argv(&c->image, d, &c->argv) < 0)
                return log_oom();
        if (strv_isempty(c->argv))
                return log_error_errno(-EINVAL, "container %s has no command: give one after the image, or set Exec=",
                                       d->name);
        c->user = d->user ?: c->image.user;
        c->working_dir = d->working_dir ?: c->image.working_dir;

        r = child_environment(d, &c->image, c->tty, &c->env);
        if (r < 0)
                return r;
        /* berth.conf's defaults for every container (the bridge's section is read again by the
         * network, for containers on it). */
        {
                _cleanup_free_ char *error = NULL;

                r = berth_config_load(NULL, &c->config, &error);
                if (r == -EINVAL)
                        return log_error_errno(r, "%s", error);
                if (r < 0)
                        return log_error_errno(r, "Failed to read berth.conf: %m");
        }
        r = confine_prepare(d, &c->profile);
        if (r < 0)
                return r;
        if (d->run_init) {
                r = init_open_sealed(&c->init_fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to copy %s for --init: %m", BERTH_INIT_PATH);
        }

        c->dir = path_join(berth_state_dir(), "containers", d->name);
        if (!c->dir)
                return log_oom();
        c->upper = path_join(c->dir, "upper");
        c->work = path_join(c->dir, "work");
        c->root = path_join(c->dir, "root");
        if (!c->upper || !c->work || !c->root)
                return log_oom();
        r = mkdir_p(c->dir, 0700);
        if (r >= 0 && mkdir(c->upper, 0755) < 0 && errno != EEXIST)
                r = -errno;
        if (r >= 0 && mkdir(c->work, 0700) < 0 && errno != EEXIST)
                r = -errno;
        if (r >= 0 && mkdir(c->root, 0755) < 0 && errno != EEXIST)
                r = -errno;
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", c->dir);
        return volume_plan_prepare(&c->volumes, c->lowerdirs, c->upper);
}

static pid_t clone_payload(bool new_netns, int *ret_pidfd) {
        struct clone_args args = {
                .flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (new_netns ? CLONE_NEWNET : 0) |
                         CLONE_PIDFD,
                .exit_signal = SIGCHLD,
        };
        int pidfd = -EBADF;
        pid_t pid;

        args.pidfd = (uint64_t) (uintptr_t) &pidfd;
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && errno == ENOSYS) {
                pid = (pid_t) syscall(SYS_clone, (unsigned long) (args.flags & ~CLONE_PIDFD) | SIGCHLD, 0, 0, 0, 0);
                if (pid > 0)
                        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        }
        if (pid < 0)
                return -errno;
        if (pid > 0)
                *ret_pidfd = pidfd;
        return pid;
}

/* In a service, the helper becomes berth-supervisor (same PID, same children, same fds, same
 * blocked signals): what remains to do needs libc only. Returns only on failure. */
static int exec_supervisor(const Supervisor *s, int lock_fd) {
        const int fds[] = { s->pidfd, s->sigfd, s->timerfd, s->out_pipe, s->err_pipe, lock_fd };
        char args[9][32];
        char *argv[12];
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                if (fds[i] >= 0 && fd_set_cloexec(fds[i], false) < 0)
                        return -errno;
        argv[n++] = (char *) "berth-supervisor";
        argv[n++] = (char *) s->name;
        argv[n++] = (char *) s->unit;
        snprintf(args[0], sizeof(args[0]), "%d", (int) s->pid);
        snprintf(args[1], sizeof(args[1]), "%d", s->stop_signal);
        snprintf(args[2], sizeof(args[2]), "%llu", (unsigned long long) s->stop_timeout_usec);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                snprintf(args[3 + i], sizeof(args[0]), "%d", fds[i]);
        for (size_t i = 0; i < 3 + ELEMENTSOF(fds); i++)
                argv[n++] = args[i];
        argv[n] = NULL;
        execv(BERTH_SUPERVISOR_PATH, argv);
        return -errno;
}

/* Only one runs a name: the lock is held for the container's life (lock.h). */
static int container_lock(const char *name, int *ret_fd) {
        int r;

        r = lock_take(name, ret_fd);
        if (r == -EBUSY)
                return log_error_errno(r, "container %s is already running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to take the lock of container %s: %m", name);
        return 0;
}

int container_foreground_begin(const Definition *d, bool remove, ForegroundRun *ret) {
        _cleanup_close_ int lock_fd = -EBADF;
        int r;

        r = container_lock(d->name, &lock_fd);
        if (r < 0)
                return r;
        /* We hold the name: whatever an earlier run of it left (killed with no ExecStopPost=
         * after it) is stale. */
        (void) teardown_cleanup(d->name);
        /* We never die of a reader that went away (EPIPE instead). */
        (void) signal(SIGPIPE, SIG_IGN);
        r = guard_start(d, lock_fd, remove, &ret->guard);
        if (r < 0)
                return r;
        ret->lock_fd = TAKE_FD(lock_fd);
        return 0;
}

void container_foreground_end(ForegroundRun *f) {
        guard_done(&f->guard);
        f->lock_fd = safe_close(f->lock_fd);
}

int container_run(const Definition *d, const RunOptions *o, ForegroundRun *fg) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_close_pair_ int sync_fds[2] = { -EBADF, -EBADF };
        _cleanup_close_pair_ int out_pipe[2] = { -EBADF, -EBADF }, err_pipe[2] = { -EBADF, -EBADF };
        _cleanup_close_ int lock_fd = -EBADF, pidfd = -EBADF, sigfd = -EBADF, timerfd = -EBADF, ptyfd = -EBADF;
        _cleanup_free_ char *service = NULL, *scope_error = NULL;
        _cleanup_(machine_registration_freep) MachineRegistration *machine = NULL;
        _cleanup_(scope_start_freep) ScopeStart *scope_start = NULL;
        ScopeSettings scope_settings;
        Container c = { .def = d, .tty = o->tty, .stdin_fd = -EBADF, .stdout_fd = -EBADF, .stderr_fd = -EBADF,
                        .join_netns_fd = -EBADF, .init_fd = -EBADF };
        ContainerNetwork net = CONTAINER_NETWORK_NULL;
        Guard guard = GUARD_NULL;
        sigset_t mask, old_mask;
        bool scope_asked = false;
        int r, ret = 125;
        pid_t pid;

        if (fg) {
                /* A foreground run: the caller took the name and forked the guard before it wrote
                 * the definition. They are ours to end. */
                lock_fd = TAKE_FD(fg->lock_fd);
                guard = fg->guard;
                fg->guard = GUARD_NULL;
        } else {
                r = container_lock(d->name, &lock_fd);
                if (r < 0)
                        return 125;
                /* We hold the name: whatever an earlier helper of it left (killed with no
                 * ExecStopPost= after it) is stale. */
                (void) teardown_cleanup(d->name);
        }
        r = container_prepare(&c);
        if (r < 0)
                goto finish;
        r = container_network_prepare(&net, d);
        if (r < 0)
                goto finish;
        /* Docker's link variables, unless the definition sets the same name. */
        STRV_FOREACH(kv, net.link_env) {
                _cleanup_free_ char *k = strndup(*kv, strcspn(*kv, "="));

                if (!k || (!env_get(c.env, k) && env_set(&c.env, *kv) < 0)) {
                        log_oom();
                        goto finish;
                }
        }
        c.join_netns_fd = net.join_netns_fd;
        c.net_dir = strdup(net.dir);
        if (!c.net_dir) {
                log_oom();
                goto finish;
        }

        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                goto finish;
        }

        if (!o->tty) {
                if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
                        log_error_errno(-errno, "Failed to create pipes: %m");
                        goto finish;
                }
                c.stdout_fd = TAKE_FD(out_pipe[1]);
                c.stderr_fd = TAKE_FD(err_pipe[1]);
                c.stdin_fd = o->interactive ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                            : open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (c.stdin_fd < 0) {
                        log_error_errno(-errno, "Failed to set up stdin: %m");
                        goto finish;
                }
        }

        r = sync_pair(sync_fds);
        if (r < 0) {
                log_error_errno(r, "Failed to create the sync socket: %m");
                goto finish;
        }

        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++)
                sigaddset(&mask, handled_signals[i]);
        sigprocmask(SIG_BLOCK, &mask, &old_mask);
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (sigfd < 0 || timerfd < 0) {
                log_error_errno(-errno, "Failed to set up signal handling: %m");
                goto finish;
        }

        /* Nothing of ours may be reached through /proc/PID of the child while it runs our
         * code inside the container's namespaces (CVE-2019-5736): not dumpable from here on;
         * execve() of the payload resets it for the payload's own image. */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

        pid = clone_payload(container_network_new_namespace(&net), &pidfd);
        if (pid < 0) {
                log_error_errno(pid, "Failed to create the container's namespaces: %m");
                goto finish;
        }
        if (pid == 0) {
                sync_fds[0] = safe_close(sync_fds[0]);
                (void) sigprocmask(SIG_SETMASK, &old_mask, NULL);
                payload_main(&c, sync_fds[1]);
        }
        guard_payload(&guard, pid);
        sync_fds[1] = safe_close(sync_fds[1]);
        c.stdout_fd = safe_close(c.stdout_fd);
        c.stderr_fd = safe_close(c.stderr_fd);
        c.stdin_fd = safe_close(c.stdin_fd);
        c.init_fd = safe_close(c.init_fd);

        /* The child waits for GO; the scope takes it (and so everything it will start) before
         * it goes on. systemd takes a few milliseconds over that: meanwhile, the network. */
        service = name_to_service(d->name);
        if (!service) {
                log_oom();
                goto kill_child;
        }
        scope_settings = (ScopeSettings) {
                .name = d->name,
                .pid = pid,
                .memory_max = d->memory_max,
                .cpu_weight = d->cpu_weight,
                /* The definition's (UINT64_MAX: unlimited, --pids-limit -1), else berth.conf's,
                 * whose "none" leaves systemd's default. */
                .tasks_max = d->pids_limit != 0                   ? d->pids_limit
                             : c.config.pids_limit != UINT64_MAX ? c.config.pids_limit
                                                                 : 0,
                .privileged = d->privileged,
                .console = o->tty,
                .stop_signal = d->stop_signal,
                .stop_timeout_usec = d->stop_timeout_usec,
                .bound_to = o->service ? service : NULL,
        };
        guard_scope_asked(&guard);
        r = scope_start_begin(bus, &scope_settings, &scope_start);
        if (r < 0) {
                log_error_errno(r, "Failed to create scope for container %s: %m", d->name);
                goto kill_child;
        }
        scope_asked = true;

        /* While the child waits: its veth, addresses and published ports. */
        r = container_network_attach(&net, pid);
        if (r < 0)
                goto kill_child;

        r = scope_start_finish(scope_start, &scope_error);
        scope_start = scope_start_free(scope_start);
        if (r < 0) {
                log_error("Failed to create scope for container %s: %s", d->name, scope_error ?: strerror(-r));
                goto kill_child;
        }
        guard_scope_made(&guard);
        /* On systemd's private socket every signal of every unit reaches us while we are
         * connected, and we need nothing more from systemd: go now. */
        if (sd_bus_is_bus_client(bus) <= 0)
                bus = sd_bus_flush_close_unref(bus);
        /* Before GO: machined must hear of the scope before the payload can end it. */
        (void) machine_register_start(&(MachineSettings) { .name = d->name, .leader = pid,
                                                           .root_directory = c.root, .activate = o->service, .bus = bus,
                                                           .ifindices = &net.host_ifindex,
                                                           .n_ifindices = net.host_ifindex > 0 ? 1 : 0 },
                                      &machine);
        r = sync_send(sync_fds[0], SYNC_GO, 0, -EBADF, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to start the container's payload: %m");
                goto kill_child;
        }

        /* Until EOF (the payload's execve closed the child's end), the child reports errors
         * or hands us the pty. */
        {
                SyncMessage m;

                r = sync_wait_exec(sync_fds[0], &ptyfd, &m);
                if (r < 0) {
                        log_error_errno(r, "Failed to talk to the container's payload: %m");
                        goto kill_child;
                }
                if (r > 0) {
                        ret = child_report_error(c.argv[0], &m);
                        (void) waitpid(pid, NULL, 0);
                        machine = machine_registration_abandon(machine);
                        goto finish;
                }
        }

        r = container_network_start_proxy(&net);
        if (r < 0)
                goto kill_child;

        if (o->service) {
                (void) machine_register_wait(machine); /* so that machinectl knows it once we are up */
                (void) sd_notifyf(/* unset_environment= */ false, "READY=1\nSTATUS=Container %s running\nMAINPID=%d",
                                  d->name, (int) getpid());
                (void) ready_tell(d->name, READY_OK, NULL); /* `berth start` and `run -d`, waiting */
        }

        Supervisor s = {
                .name = d->name,
                .pid = pid,
                .pidfd = pidfd,
                .sigfd = sigfd,
                .timerfd = timerfd,
                .ptyfd = TAKE_FD(ptyfd),
                .out_pipe = TAKE_FD(out_pipe[0]),
                .err_pipe = TAKE_FD(err_pipe[0]),
                .out_dest = o->service ? -EBADF : STDOUT_FILENO,
                .err_dest = o->service ? -EBADF : STDERR_FILENO,
                .interactive = o->interactive,
                .service = o->service,
                .unit = o->service ? service : NULL,
                .stop_signal = d->stop_signal,
                .stop_timeout_usec = d->stop_timeout_usec,
        };
        /* Nothing more comes over D-Bus while the payload runs: a foreground run that kept its
         * connection held one of dbus-daemon's 256 per user for as long as the container ran. */
        (void) machine_register_wait(machine);
        machine = machine_registration_free(machine);
        bus = sd_bus_flush_close_unref(bus);
        if (o->service && !getenv("BERTH_NO_SUPERVISOR_EXEC")) {
                /* The lease and the held ports live as long as berth-supervisor; the rest of
                 * the network is undone by ExecStopPost= (teardown_cleanup()). */
                r = container_network_keep_fds(&net);
                if (r >= 0)
                        r = exec_supervisor(&s, lock_fd);
                log_warning_errno(r, "Failed to execute %s, supervising in place: %m", BERTH_SUPERVISOR_PATH);
        }
        ret = supervise(&s);
        safe_close(s.ptyfd);
        safe_close(s.out_pipe);
        safe_close(s.err_pipe);
        goto finish;

kill_child:
        /* SIGKILL of the namespace's PID 1 takes everything in it along. */
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        machine = machine_registration_abandon(machine);
        /* A service's scope goes with the service (BindsTo=); a foreground run's is ours to stop,
         * if systemd made it meanwhile. */
        if (!o->service && scope_asked && (bus || bus_open_systemd(&bus) >= 0))
                scope_discard(bus, d->name, scope_start);
        ret = 125;
finish:
        container_network_done(&net);
        (void) teardown_cleanup(d->name);
        if (o->remove && !o->service) {
                (void) volume_remove_anonymous(d); /* as docker run --rm does */
                if (teardown_remove(d->name, /* including_etc= */ false) >= 0)
                        lock_forget(d->name, lock_fd);
        }
        container_done(&c);
        guard_done(&guard);
        return ret;
}
