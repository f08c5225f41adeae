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
#include "cgroup-util.h"
#include "cleanup.h"
#include "config.h"
#include "confine.h"
#include "container-network.h"
#include "container.h"
#include "definition-name.h"
#include "definition-process.h"
#include "env.h"
#include "event.h"
#include "fd-util.h"
#include "guard.h"
#include "health-check.h"
#include "image.h"
#include "init.h"
#include "lock.h"
#include "log.h"
#include "machine.h"
#include "name.h"
#include "namespaces.h"
#include "notify.h"
#include "path-util.h"
#include "paths.h"
#include "payload.h"
#include "pull-policy.h"
#include "ready.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "supervise.h"
#include "sync.h"
#include "teardown.h"
#include "userns.h" /* Issue 18 */
#include "lsm.h" /* Issue 16: leftovers (dialect) */

static void container_done(Container *c) {
        free(c->user_spec);
        c->user_spec = NULL;
        free(c->dir);
        free(c->upper);
        free(c->work);
        free(c->root);
        free(c->net_dir);
        free(c->notify_dir);
        strv_free(c->lowerdirs);
        strv_free(c->argv);
        strv_free(c->env);
        volume_plan_done(&c->volumes);
        c->stdin_fd = safe_close(c->stdin_fd);
        seccomp_program_done(&c->profile);
        c->init_fd = safe_close(c->init_fd);
        c->join_ipc_fd = safe_close(c->join_ipc_fd);
        c->join_uts_fd = safe_close(c->join_uts_fd);
        c->join_pid_fd = safe_close(c->join_pid_fd);
        image_config_done(&c->image);
        berth_config_done(&c->config);
        container_mounts_done(c);
        c->stdout_fd = safe_close(c->stdout_fd);
        c->stderr_fd = safe_close(c->stderr_fd);
        /* Issue 18: user namespaces. */
        free(c->uid_map);
        free(c->gid_map);
        c->uid_map = c->gid_map = NULL;
        c->root_mnt_fd = safe_close(c->root_mnt_fd);
        c->devices_mnt_fd = safe_close(c->devices_mnt_fd);
        /* Issue 16: leftovers (dialect). */
        free(c->log_tag);
        c->log_tag = NULL;
        c->log_fields = strv_free(c->log_fields);
}

/* LogOpt= (definition-extra.h): the tag and journal fields of the payload's lines, from the
 * container's labels (the image's under Label='s) and its environment. Needs c->image, c->env. */
static int container_log_opts(Container *c, const char *image_id) {
        const Definition *d = c->def;
        _cleanup_strv_free_ char **labels = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        if (strv_isempty(d->extra.log_opts))
                return 0;
        labels = strv_copy(c->image.labels);
        if (c->image.labels && !labels)
                return log_oom();
        STRV_FOREACH(l, d->process.labels)
                if (strv_extend(&labels, *l) < 0)
                        return log_oom();
        r = log_opts_evaluate(d->extra.log_opts,
                              &(LogTagData) { .name = d->name, .image_name = d->image ?: "", .image_id = image_id,
                                              .labels = labels, .env = c->env },
                              &c->log_tag, &c->log_fields, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "LogOpt=%s", why ?: "invalid");
        return 0;
}

/* AppArmor= and SecurityLabel*= against what the host has (lsm.h): podman's rules, a profile
 * where AppArmor is not enabled fails; a label where SELinux is not, has no effect; and as berth
 * does not label, a label where SELinux is enabled fails unless SecurityLabelDisable=true. */
static int container_check_lsm(const Definition *d) {
        const DefinitionExtra *e = &d->extra;

        if (e->apparmor && !streq(e->apparmor, "unconfined") && !lsm_apparmor_enabled())
                return log_error_errno(-EOPNOTSUPP,
                                       "AppArmor=%s: the AppArmor profile is specified, but AppArmor is not enabled on "
                                       "this host",
                                       e->apparmor);
        if (definition_extra_wants_label(e) && !e->label_disable && lsm_selinux_enabled())
                return log_error_errno(-EOPNOTSUPP,
                                       "SecurityLabel%s=: berth does not label containers, and this host has SELinux "
                                       "enabled; set SecurityLabelDisable=true to run it unlabelled",
                                       e->label_type ? "Type" : e->label_level ? "Level" : e->label_file_type ? "FileType" : "Nested");
        return 0;
}

static int container_prepare(Container *c) {
        const Definition *d = c->def;
        _cleanup_free_ char *image_id = NULL;
        int r;

        /* Issue 16: leftovers (dialect). Rootfs=: the directory is the one lower layer of the
         * overlay, read-only as an image's layers are; no store, no pin, no image config. */
        if (d->extra.rootfs) {
                _cleanup_free_ char *why = NULL;

                r = rootfs_check(d->extra.rootfs, &why);
                if (r < 0)
                        return log_error_errno(r, "%s", why ?: strerror(-r));
                if (strv_extend(&c->lowerdirs, d->extra.rootfs) < 0)
                        return log_oom();
        } else {
                /* The image, resolved and pinned under the store's shared lock, so that no sweep
                 * removes it between the two; the pin keeps it while the container exists (store.h). */
                _cleanup_free_ char *why = NULL, *id = NULL;
                Store *store = NULL;

                r = store_open(&store, &why);
                if (r < 0)
                        return log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
                r = image_resolve(store, d->image, &c->lowerdirs, &id, &why);
                if (r == -ENOENT)
                        log_error_errno(r, "%s; see 'berth image ls'", why ?: "image not found");
                else if (r < 0)
                        log_error_errno(r, "Failed to resolve image '%s': %s", d->image, why ?: strerror(-r));
                if (r >= 0) {
                        r = store_pin(store, d->name, id);
                        if (r < 0)
                                log_error_errno(r, "Failed to pin image %s for container %s: %m", id, d->name);
                }
                if (r >= 0)
                        r = image_config_read_id(store, id, &c->image);
                store_close(store);
                if (r < 0)
                        return r;
                image_id = TAKE_PTR(id); /* Issue 16: leftovers (dialect): for LogOpt= */
        }
        /* Bad volumes (a missing bind source, an unknown VolumesFrom=) fail before anything is made. */
        r = volume_plan_make(d, &c->image, &c->volumes);
        if (r < 0)
                return r;
        r = child_argv(d, &c->image, environ, &c->argv);
        if (r < 0)
                return r;
        if (strv_isempty(c->argv))
                return log_error_errno(-EINVAL, "container %s has no command: give one after the image, or set Exec=",
                                       d->name);
        /* User= with Group=, else the image's user; StopSignal=, else the image's, as docker. */
        if (definition_user_spec(d->user, &d->process, &c->user_spec) < 0)
                return log_oom();
        c->user = c->user_spec ?: c->image.user;
        c->stop_signal = d->stop_signal ?: c->image.stop_signal ?: SIGTERM;
        c->working_dir = d->working_dir ?: c->image.working_dir;

        r = child_environment(d, &c->image, d->process.environment_host ? environ : NULL, environ, c->tty,
                              &c->env);
        if (r < 0)
                return r;
        r = container_log_opts(c, image_id); /* Issue 16: leftovers (dialect). */
        if (r < 0)
                return r;
        r = container_check_lsm(d); /* Issue 16: leftovers (dialect). */
        if (r < 0)
                return r;
        /* berth.conf, read once: the defaults of every container, and the bridge's section for
         * the network (step 3). */
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
                r = init_open_sealed(BERTH_INIT_PATH, &c->init_fd);
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
        r = container_mounts_prepare(c);
        if (r < 0)
                return r;
        r = volume_plan_prepare(&c->volumes, c->lowerdirs, c->upper);
        if (r < 0)
                return r;
        /* Issue 18: user namespaces. The maps, the idmapped root and volumes (userns.h). */
        return container_userns_prepare(c);
}

static pid_t clone_payload(unsigned long namespaces, int *ret_pidfd) {
        struct clone_args args = {
                .flags = namespaces | CLONE_PIDFD,
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
        const int fds[] = { s->pidfd, s->sigfd, s->timerfd, s->out_pipe, s->err_pipe, lock_fd, s->notify_fd,
                            s->oom_log.kmsg_fd, s->ptyfd };
        char args[3 + ELEMENTSOF(fds) - 3][32];
        static char options[SUPERVISOR_OPTIONS_MAX][SUPERVISOR_OPTION_SIZE];
        char *argv[3 + ELEMENTSOF(args) + SUPERVISOR_OPTIONS_MAX + 1]; /* name, unit, args, options, NULL */
        size_t n = 0, n_options = 0;
        int r;

        r = supervisor_options_format(s, options, &n_options);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                if (fds[i] >= 0 && fd_set_cloexec(fds[i], false) < 0)
                        return -errno;
        argv[n++] = (char *) "berth-supervisor";
        argv[n++] = (char *) s->name;
        argv[n++] = (char *) s->unit;
        snprintf(args[0], sizeof(args[0]), "%d", (int) s->pid);
        snprintf(args[1], sizeof(args[1]), "%d", s->stop_signal);
        snprintf(args[2], sizeof(args[2]), "%llu", (unsigned long long) s->stop_timeout_usec);
        /* The fixed fds (-1: no pipes, with a terminal); the notify socket, /dev/kmsg and the
         * terminal go as options. */
        for (size_t i = 0; i + 3 < ELEMENTSOF(fds); i++)
                snprintf(args[3 + i], sizeof(args[0]), "%d", fds[i] >= 0 ? fds[i] : -1);
        for (size_t i = 0; i < ELEMENTSOF(args); i++)
                argv[n++] = args[i];
        for (size_t i = 0; i < n_options; i++)
                argv[n++] = options[i];
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
        int r;

        /* The guard takes the lock: from here on, a kill -9 of this run leaves the name to it,
         * and a lock file exists only once the guard is there to remove it. */
        r = guard_start(d, remove, &ret->guard, &ret->lock_fd);
        if (r == -EBUSY)
                return log_error_errno(r, "container %s is already running", d->name);
        if (r < 0)
                return log_error_errno(r, "Failed to take the name of container %s (its lock and guard): %m", d->name);
        ret->name = d->name;
        /* We hold the name: whatever an earlier run of it left (killed with no ExecStopPost=
         * after it) is stale. */
        (void) teardown_cleanup(d->name);
        /* We never die of a reader that went away (EPIPE instead). */
        (void) signal(SIGPIPE, SIG_IGN);
        return 0;
}

void container_foreground_defined(ForegroundRun *f) {
        guard_defined(&f->guard);
}

void container_foreground_end(ForegroundRun *f) {
        /* Still ours: the run ended before container_run(), with no definition written. */
        if (f->lock_fd >= 0 && f->name)
                lock_forget(f->name, f->lock_fd);
        guard_done(&f->guard);
        f->lock_fd = safe_close(f->lock_fd);
}

/* A start in progress: what the steps below make, and what run_done() undoes. */
typedef struct Run {
        const Definition *def;
        const RunOptions *opts;
        Container c;               /* what the child needs (payload.h) */
        ContainerNetwork net;
        Guard guard;               /* a foreground run's (guard.h) */
        int lock_fd;
        sd_bus *bus;
        char *service;             /* container@NAME.service */
        int sync_fds[2];           /* [0] ours, [1] the child's */
        int out_pipe[2], err_pipe[2];
        sigset_t mask, old_mask;   /* the signals we handle, and the mask to give the child */
        int sigfd, timerfd;
        pid_t pid;                 /* the payload's PID 1, once cloned */
        int pidfd;
        int ptyfd;                 /* -t: the pty master, from the child */
        ScopeSettings scope;
        ScopeStart *scope_start;   /* the StartTransientUnit in flight */
        HealthSettings health;     /* the health check, if any (health-check.h) */
        int notify_fd;             /* Notify=yes: the payload's NOTIFY_SOCKET (notify.h), else -EBADF */
        OomLog oom_log;            /* where the kernel's log stood at GO (oom.h) */
        char *memory_cgroup;       /* the payload's memory cgroup, read before GO (supervise.h) */
        bool memory_unified;
        bool scope_asked;
        MachineRegistration *machine;
} Run;

static void run_done(Run *run) {
        const Definition *d = run->def;

        container_network_done(&run->net);
        (void) teardown_cleanup(d->name);
        if (run->opts->remove && !run->opts->service) {
                (void) volume_remove_anonymous(d); /* as docker run --rm does */
                if (teardown_remove(d->name, /* including_config= */ false) >= 0)
                        lock_forget(d->name, run->lock_fd);
        }
        container_done(&run->c);
        run->machine = machine_registration_free(run->machine);
        run->scope_start = scope_start_free(run->scope_start);
        run->bus = sd_bus_flush_close_unref(run->bus);
        free(run->service);
        for (size_t i = 0; i < 2; i++) {
                run->sync_fds[i] = safe_close(run->sync_fds[i]);
                run->out_pipe[i] = safe_close(run->out_pipe[i]);
                run->err_pipe[i] = safe_close(run->err_pipe[i]);
        }
        run->sigfd = safe_close(run->sigfd);
        run->timerfd = safe_close(run->timerfd);
        run->pidfd = safe_close(run->pidfd);
        run->ptyfd = safe_close(run->ptyfd);
        run->notify_fd = safe_close(run->notify_fd);
        oom_log_done(&run->oom_log);
        free(run->memory_cgroup);
        guard_done(&run->guard);
        run->lock_fd = safe_close(run->lock_fd);
}

/* A step failed (and said why): the child, if there is one, dies, and with it its namespaces; a
 * foreground run's scope is stopped if systemd made it (a service's goes with the service,
 * BindsTo=). run_done() undoes the rest. */
static int run_failed(Run *run) {
        if (run->pid > 0) {
                (void) kill(run->pid, SIGKILL);
                (void) waitpid(run->pid, NULL, 0);
                run->pid = 0;
        }
        run->machine = machine_registration_abandon(run->machine);
        if (!run->opts->service && run->scope_asked && (run->bus || bus_open_systemd(&run->bus) >= 0))
                scope_discard(run->bus, run->def->name, run->scope_start);
        return 125;
}

/* 1. The name: a foreground run's lock and guard, taken before its definition was written, or
 *    ours; whatever an earlier run of the name left is stale then. */
static int run_take_name(Run *run, ForegroundRun *fg) {
        int r;

        if (fg) {
                run->lock_fd = TAKE_FD(fg->lock_fd);
                run->guard = fg->guard;
                fg->guard = GUARD_NULL;
                return 0;
        }
        r = container_lock(run->def->name, &run->lock_fd);
        if (r < 0)
                return r;
        (void) teardown_cleanup(run->def->name);
        return 0;
}

/* 2. (cont.) Readiness: the health check's settings; with Notify=yes, the socket the payload
 *    tells, bound at /run/notify inside, and its environment. */
static int run_prepare_readiness(Run *run) {
        const Definition *d = run->def;
        Container *c = &run->c;
        _cleanup_free_ char *kv = NULL;
        const char *watchdog;
        int r;

        health_settings_resolve(d, &c->image, &run->health);
        if (d->notify == NOTIFY_HEALTHY && !run->health.enabled)
                return log_error_errno(-EINVAL, "container %s: Notify=healthy needs a health check (HealthCmd=, or an "
                                                "image with a HEALTHCHECK)", d->name);
        if (d->notify != NOTIFY_CONTAINER)
                return 0;
        if (asprintf(&c->notify_dir, "%s/%s/notify", berth_runtime_dir(), d->name) < 0)
                return log_oom();
        r = mkdir_p(c->notify_dir, 0755);
        if (r >= 0)
                r = notify_socket_bind(c->notify_dir, &run->notify_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to create the notify socket in %s: %m", c->notify_dir);
        if (env_set(&c->env, "NOTIFY_SOCKET=" NOTIFY_CONTAINER_SOCKET) < 0)
                return log_oom();
        /* WatchdogSec= of the unit: the payload pets it, through us. */
        watchdog = getenv("WATCHDOG_USEC");
        if (watchdog && (kv = strjoin("WATCHDOG_USEC=", watchdog)) && env_set(&c->env, kv) < 0)
                return log_oom();
        return 0;
}

/* 3. The network's plan (its lease, ports, links, the hosts files), and what the child takes of
 *    it: docker's link variables, unless the definition sets the same name. */
static int run_plan_network(Run *run) {
        Container *c = &run->c;
        int r;

        r = container_network_prepare(&run->net, run->def, &run->c.config.network);
        if (r < 0)
                return r;
        STRV_FOREACH(kv, run->net.link_env) {
                _cleanup_free_ char *k = strndup(*kv, strcspn(*kv, "="));

                if (!k || (!env_get(c->env, k) && env_set(&c->env, *kv) < 0))
                        return log_oom();
        }
        c->join_netns_fd = run->net.join_netns_fd;
        /* IPC=, UTS=, PID= container:NAME: found now; joined by the child, or for PID= at its
         * clone(). */
        r = namespaces_open_joins(run->def, &c->join_ipc_fd, &c->join_uts_fd, &c->join_pid_fd);
        if (r < 0)
                return r;
        c->net_dir = strdup(run->net.dir);
        if (!c->net_dir)
                return log_oom();
        /* Where the child mounts the tmpfs of its writable copies of them (mount_bind_copies()),
         * in its own mount namespace: an empty directory, left empty here. */
        {
                _cleanup_free_ char *copies = path_join(c->net_dir, "copies");

                if (!copies)
                        return log_oom();
                if (mkdir(copies, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(-errno, "Failed to create %s: %m", copies);
        }
        /* Issue 18: the hosts files as root's inside a range too. */
        return container_userns_own_net_files(c, c->net_dir);
}

/* 4. The payload's stdio: pipes we relay to the journal (and our terminal), or the pty the child
 *    makes; stdin is ours with -i, else /dev/null. */
static int run_open_stdio(Run *run) {
        Container *c = &run->c;

        if (run->opts->tty) {
                /* Set by the child before the payload runs: a payload that asks at once (stty
                 * size) must not see 0 0 while we pass it on. Later changes come by SIGWINCH. */
                if (ioctl(STDIN_FILENO, TIOCGWINSZ, &c->winsize) < 0)
                        c->winsize = (struct winsize) {};
                return 0;
        }
        if (pipe2(run->out_pipe, O_CLOEXEC) < 0 || pipe2(run->err_pipe, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "Failed to create pipes: %m");
        c->stdout_fd = TAKE_FD(run->out_pipe[1]);
        c->stderr_fd = TAKE_FD(run->err_pipe[1]);
        c->stdin_fd = run->opts->interactive ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                             : open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (c->stdin_fd < 0)
                return log_error_errno(-errno, "Failed to set up stdin: %m");
        return 0;
}

/* 5. The sync socket and our signals: blocked, read through a signalfd (child.h). */
static int run_open_channels(Run *run) {
        int r;

        r = sync_pair(run->sync_fds);
        if (r < 0)
                return log_error_errno(r, "Failed to create the sync socket: %m");
        return child_signals_block(&run->mask, &run->old_mask, &run->sigfd, &run->timerfd);
}

/* 6. The child, in new namespaces; it waits for GO (sync point 1). Nothing of ours may be reached
 *    through /proc/PID of it while it runs our code inside them (CVE-2019-5736): not dumpable
 *    from here on; the payload's execve() makes its own image dumpable again. */
static int run_clone(Run *run) {
        Container *c = &run->c;
        int own_pidns = -EBADF;
        pid_t pid;

        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        /* PID=container:NAME: born in that pid namespace. */
        if (namespaces_pid_enter(c->join_pid_fd, &own_pidns) < 0)
                return -EINVAL;
        pid = clone_payload(namespaces_clone_flags(run->def, container_network_new_namespace(&run->net)) |
                                    container_userns_clone_flag(c), /* Issue 18: user namespaces. */
                            &run->pidfd);
        if (pid > 0 && namespaces_pid_leave(own_pidns) < 0) {
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                return -EINVAL;
        }
        if (pid < 0) {
                (void) namespaces_pid_leave(own_pidns);
                return log_error_errno(pid, "Failed to create the container's namespaces: %m");
        }
        if (pid == 0) {
                run->sync_fds[0] = safe_close(run->sync_fds[0]);
                (void) sigprocmask(SIG_SETMASK, &run->old_mask, NULL);
                payload_main(c, run->sync_fds[1]);
        }
        run->pid = pid;
        guard_payload(&run->guard, pid);
        /* Issue 18: user namespaces. The child's maps, before it does anything (it waits for GO);
         * the idmapped mounts are its now. */
        if (container_userns_write_maps(c, pid) < 0)
                return -EINVAL;
        c->root_mnt_fd = safe_close(c->root_mnt_fd);
        c->devices_mnt_fd = safe_close(c->devices_mnt_fd);
        for (size_t i = 0; c->volumes.trees && i < c->volumes.n; i++)
                c->volumes.trees[i] = safe_close(c->volumes.trees[i]);
        run->sync_fds[1] = safe_close(run->sync_fds[1]);
        c->stdout_fd = safe_close(c->stdout_fd);
        c->stderr_fd = safe_close(c->stderr_fd);
        c->stdin_fd = safe_close(c->stdin_fd);
        c->init_fd = safe_close(c->init_fd);
        c->join_ipc_fd = safe_close(c->join_ipc_fd);
        c->join_uts_fd = safe_close(c->join_uts_fd);
        c->join_pid_fd = safe_close(c->join_pid_fd);
        return 0;
}

/* 7. The scope asked for: systemd takes the child (and so all it will start) into
 *    container-NAME.scope, which takes it a few milliseconds. */
static int run_ask_scope(Run *run) {
        const Definition *d = run->def;
        int r;

        r = bus_open_systemd(&run->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");
        run->service = name_to_service(d->name);
        if (!run->service)
                return log_oom();
        run->scope = scope_settings_for(d, &run->c.config, run->pid, /* console= */ run->opts->tty,
                                        run->opts->service ? run->service : NULL);
        run->scope.devices = run->c.devices;
        run->scope.n_devices = run->c.n_devices;
        run->scope.stop_signal = run->c.stop_signal;
        guard_scope_asked(&run->guard);
        r = scope_start_begin(run->bus, &run->scope, &run->scope_start);
        if (r < 0)
                return log_error_errno(r, "Failed to create scope for container %s: %m", d->name);
        run->scope_asked = true;
        return 0;
}

/* 9. The scope made. On systemd's private socket every signal of every unit would reach us
 *    while we are connected, and we need nothing more from systemd: let go of it then. */
static int run_await_scope(Run *run) {
        _cleanup_free_ char *error = NULL;
        int r;

        r = scope_start_finish(run->scope_start, &error);
        run->scope_start = scope_start_free(run->scope_start);
        if (r < 0) {
                log_error("Failed to create scope for container %s: %s", run->def->name, error ?: strerror(-r));
                return r;
        }
        guard_scope_made(&run->guard);
        if (sd_bus_is_bus_client(run->bus) <= 0)
                run->bus = sd_bus_flush_close_unref(run->bus);
        return 0;
}

/* 10. GO (sync point 1), once machined heard of the scope, which it must before the payload can
 *     end it. */
static int run_go(Run *run) {
        int r;

        /* Issue 16: leftovers. machined knows it by its ContainerName=. */
        (void) machine_register_start(&(MachineSettings) { .name = definition_shown_name(run->def),
                                                           .leader = run->pid,
                                                           .root_directory = run->c.root,
                                                           .activate = run->opts->service,
                                                           .bus = run->bus,
                                                           .ifindices = &run->net.host_ifindex,
                                                           .n_ifindices = run->net.host_ifindex > 0 ? 1 : 0 },
                                      &run->machine);
        /* Kernel lines about the payload's OOM kills come after this (oom.h). */
        oom_log_mark(&run->oom_log);
        /* Its memory cgroup, while it is certainly alive and in the scope: a payload that the
         * kernel kills within milliseconds of GO no longer shows it by the time the supervisor
         * looks (an exited task's /proc/PID/cgroup is the root's). The scope's path as its
         * name=systemd line gives it, which wait_in_scope() saw end in the scope: systemd puts a
         * unit at the same path in every v1 hierarchy, and attaches the PID to them one after
         * another, so the memory line itself may still show the old place for a moment. On the
         * unified hierarchy, its one line. */
        if (proc_cgroup_of(run->pid, "name=systemd", &run->memory_cgroup, &run->memory_unified) < 0) {
                free(run->memory_cgroup);
                run->memory_cgroup = NULL;
        }
        r = sync_send(run->sync_fds[0], SYNC_GO, 0, -EBADF, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to start the container's payload: %m");
        return 0;
}

/* 11. Until the payload's execve() (sync point 2, the EOF of the child's end): the child's lines,
 *     logged as ours; its pty; or its failure, which is the start's. */
static int run_await_exec(Run *run, int *ret_code) {
        SyncMessage m;
        int r;

        r = sync_wait_exec(run->sync_fds[0], &run->ptyfd, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to talk to the container's payload: %m");
        if (r > 0) {
                *ret_code = child_report_error(run->c.argv[0], &m);
                return -ECHILD;
        }
        return 0;
}

/* 13. Ready: systemd (READY=1), machinectl, and whoever waits for the start (ready.h), now, or,
 *     with Notify=, once the payload says so or its first health check passed (the supervisor
 *     tells them then). The start event either way. */
static void run_tell_ready(Run *run) {
        const Definition *d = run->def;
        char msg[256];

        snprintf(msg, sizeof(msg), "container %s started", d->name);
        (void) event_send(NULL, d->name, run->opts->service ? run->service : NULL, EVENT_START, LOG_INFO, msg,
                          (JournalField[]) { { "BERTH_IMAGE", definition_image_shown(d), strlen(definition_image_shown(d)) } }, 1, JOURNAL_SEND_TIMEOUT_MSEC);
        if (!run->opts->service) {
                if (d->notify == NOTIFY_CONMON)
                        (void) notify_send(getenv("NOTIFY_SOCKET"), "READY=1");
                return;
        }
        (void) machine_register_wait(run->machine);
        if (d->notify != NOTIFY_CONMON) {
                (void) sd_notifyf(/* unset_environment= */ false, "STATUS=Container %s starting\nMAINPID=%d", d->name,
                                  (int) getpid());
                return;
        }
        (void) sd_notifyf(/* unset_environment= */ false, "READY=1\nSTATUS=Container %s running\nMAINPID=%d",
                          d->name, (int) getpid());
        (void) ready_tell(d->name, READY_OK, NULL);
}

/* 14. Supervise until the payload exits: as berth-supervisor in a service (libc only, the same
 *     PID, children and fds), else here. Nothing more comes over D-Bus while it runs: a
 *     foreground run that kept its connection held one of dbus-daemon's 256 per user. */
static int run_supervise(Run *run) {
        const Definition *d = run->def;
        const RunOptions *o = run->opts;
        int r, code;
        Supervisor s = {
                .name = d->name,
                .pid = run->pid,
                .pidfd = run->pidfd,
                .sigfd = run->sigfd,
                .timerfd = run->timerfd,
                .ptyfd = TAKE_FD(run->ptyfd),
                .out_pipe = TAKE_FD(run->out_pipe[0]),
                .err_pipe = TAKE_FD(run->err_pipe[0]),
                .out_dest = o->service ? -EBADF : STDOUT_FILENO,
                .err_dest = o->service ? -EBADF : STDERR_FILENO,
                .interactive = o->interactive,
                .service = o->service,
                .unit = o->service ? run->service : NULL,
                .stop_signal = run->c.stop_signal,
                .stop_timeout_usec = d->stop_timeout_usec,
                .payload = true,
                .image = definition_image_shown(d),
                .discard_output = d->log_driver == LOG_DRIVER_NONE,
                .oom_log = TAKE_OOM_LOG(run->oom_log),
                .memory_cgroup = run->memory_cgroup,
                .memory_unified = run->memory_unified,
                .notify_container = d->notify == NOTIFY_CONTAINER,
                .notify_healthy = d->notify == NOTIFY_HEALTHY,
                .notify_fd = run->notify_fd,
                .notify_socket = getenv("NOTIFY_SOCKET"),
                .ready = d->notify == NOTIFY_CONMON,
                .health = run->health,
                .helper_path = BERTH_HELPER_PATH,
        };
        _cleanup_free_ char *ready = o->service ? ready_dir(d->name) : NULL;

        supervisor_init(&s);
        s.ready_dir = ready;
        /* Issue 16: leftovers (dialect): LogOpt=; its fields alone tag the lines with the name.
         * Their keys and number were checked when the definition was read. */
        _Static_assert(LOG_FIELDS_MAX == JOURNAL_LINE_EXTRA_MAX, "LogOpt='s fields fit a journal line");
        s.log_tag = run->c.log_tag ?: run->c.log_fields ? d->name : NULL;
        STRV_FOREACH(f, run->c.log_fields)
                (void) supervisor_log_field(&s, *f);
        (void) machine_register_wait(run->machine);
        run->machine = machine_registration_free(run->machine);
        run->bus = sd_bus_flush_close_unref(run->bus);
        if (o->service && !secure_getenv("BERTH_NO_SUPERVISOR_EXEC")) {
                /* The lease and the held ports live as long as berth-supervisor; the rest of the
                 * network is undone by ExecStopPost= (teardown_cleanup()). */
                r = container_network_keep_fds(&run->net);
                if (r >= 0)
                        r = exec_supervisor(&s, run->lock_fd);
                log_warning_errno(r, "Failed to execute %s, supervising in place: %m", BERTH_SUPERVISOR_PATH);
        }
        code = supervise(&s);
        if (s.restart)
                supervise_exit_for_restart();
        safe_close(s.ptyfd);
        safe_close(s.out_pipe);
        safe_close(s.err_pipe);
        run->pid = 0;
        return code < 0 ? 125 : code;
}

int container_run(const Definition *d, const RunOptions *o, ForegroundRun *fg) {
        _cleanup_(run_done) Run run = {
                .def = d,
                .opts = o,
                .c = { .def = d, .tty = o->tty, .stdin_fd = -EBADF, .stdout_fd = -EBADF, .stderr_fd = -EBADF,
                       .join_netns_fd = -EBADF, .join_ipc_fd = -EBADF, .join_uts_fd = -EBADF,
                       .join_pid_fd = -EBADF, .init_fd = -EBADF,
                       .root_mnt_fd = -EBADF, .devices_mnt_fd = -EBADF /* Issue 18: user namespaces. */ },
                .net = CONTAINER_NETWORK_NULL,
                .guard = GUARD_NULL,
                .lock_fd = -EBADF,
                .sync_fds = { -EBADF, -EBADF },
                .out_pipe = { -EBADF, -EBADF },
                .err_pipe = { -EBADF, -EBADF },
                .sigfd = -EBADF,
                .timerfd = -EBADF,
                .pidfd = -EBADF,
                .ptyfd = -EBADF,
                .notify_fd = -EBADF,
                .oom_log = OOM_LOG_NULL,
        };
        int code = 125;

        /* 0. Pull= (pull-policy.c): the image fetched from its registry, when the definition's
         *    policy says so, before anything is resolved or made; berth-pull's one line fails the
         *    start. A foreground run's berth run did this already, on its terminal. */
        if (!fg && pull_policy_apply(d->image, d->pull, &d->extra.pull_retry, PULL_OUTPUT_JOURNAL) < 0)
                return 125;
        /* 1. The name (above). */
        if (run_take_name(&run, fg) < 0)
                return 125;
        /* 2. What the child needs: the image's layers and configuration, the volumes (filled on
         *    first use), argv, environment, the seccomp program, berth-init, the directories. */
        if (container_prepare(&run.c) < 0 || run_prepare_readiness(&run) < 0)
                return run_failed(&run);
        /* 3.-5. The network's plan, stdio, the sync socket and signals. */
        if (run_plan_network(&run) < 0 || run_open_stdio(&run) < 0 || run_open_channels(&run) < 0)
                return run_failed(&run);
        /* 6. The child, waiting for GO. */
        if (run_clone(&run) < 0)
                return run_failed(&run);
        /* 7. The scope asked for. */
        if (run_ask_scope(&run) < 0)
                return run_failed(&run);
        /* 8. Meanwhile, its veth, addresses and published ports. */
        if (container_network_attach(&run.net, run.pid) < 0)
                return run_failed(&run);
        /* 9. The scope made. */
        if (run_await_scope(&run) < 0)
                return run_failed(&run);
        /* 10. GO: the child builds the root and executes the payload (payload.c). */
        if (run_go(&run) < 0)
                return run_failed(&run);
        /* 11. Its execve(), or its failure. */
        if (run_await_exec(&run, &code) < 0) {
                (void) run_failed(&run);
                return code;
        }
        /* 12. berth-proxy for ports published on the host's IPv6 addresses. */
        if (container_network_start_proxy(&run.net) < 0)
                return run_failed(&run);
        /* 13. Ready. */
        run_tell_ready(&run);
        /* 14. Supervise; the payload's code is ours. */
        return run_supervise(&run);
}
