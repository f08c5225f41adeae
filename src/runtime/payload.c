/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The child after clone(): builds the container's root and becomes the payload.
 *
 * Runs in new mount, pid, uts, ipc and net namespaces (and, once the scope holds it, a new
 * cgroup namespace), as root with all capabilities, not dumpable, with the helper's signal
 * mask reset. Every line it logs goes to the parent over the sync socket (sync_log_to()), and a
 * failed step exits: the parent logs the line once and undoes what it made. Nothing here touches
 * the host's mount namespace: mount_isolate() makes everything a slave first. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <grp.h>
#include <limits.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "confine.h"
#include "definition-name.h"
#include "env.h"
#include "fd-util.h"
#include "init.h"
#include "log.h"
#include "mount.h"
#include "notify.h"
#include "lsm.h" /* Issue 16: leftovers (dialect) */
#include "payload.h"
#include "shm.h"
#include "rlimit.h"
#include "string-util.h"
#include "strv.h"
#include "sync.h"
#include "sysctl.h"
#include "user.h"
#include "volume.h"

static int setup_stdio(const Container *c, unsigned pty_number) {
        if (c->tty) {
                char path[32];
                int fd;

                /* The pty's slave (also bound on /dev/console by mount_setup_console()), by its
                 * own name as docker does, so that tty(1) says /dev/pts/N: our own session with
                 * it as the controlling terminal. */
                if (setsid() < 0)
                        return -errno;
                snprintf(path, sizeof(path), "/dev/pts/%u", pty_number);
                fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                if (ioctl(fd, TIOCSCTTY, 0) < 0) {
                        safe_close(fd);
                        return -errno;
                }
                for (int i = 0; i < 3; i++)
                        if (dup2(fd, i) < 0) {
                                safe_close(fd);
                                return -errno;
                        }
                safe_close(fd);
                return 0;
        }
        /* A session of our own, as docker's containers have: ^C on the caller's terminal reaches
         * the helper only, which passes SIGINT on once (--sig-proxy), never the payload twice. */
        if (setsid() < 0)
                return -errno;
        /* dup2() clears CLOEXEC on the copies. */
        if (dup2(c->stdin_fd, STDIN_FILENO) < 0 || dup2(c->stdout_fd, STDOUT_FILENO) < 0 ||
            dup2(c->stderr_fd, STDERR_FILENO) < 0)
                return -errno;
        return 0;
}

_Noreturn void payload_main(const Container *c, int sock) {
        const Definition *d = c->def;
        _cleanup_free_ char *home = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_close_ int root_fd = -EBADF, wd_fd = -EBADF, root_target_fd = -EBADF;
        char root_path[STRLEN("/proc/self/fd/") + 12];
        const char *root = c->root; /* Issue 18: /proc/self/fd/N of the overlay in a user namespace */
        static const char *const host_files[] = { "hosts", "hostname", "resolv.conf" };
        _cleanup_close_ int notify_dir_fd = -EBADF, localtime_fd = -EBADF;
        int host_file_fds[3] = { -EBADF, -EBADF, -EBADF };
        _cleanup_close_ int copies_fd = -EBADF;
        char src_path[PATH_MAX];
        DeviceSpec *devices = NULL; /* the child's: freed at execve() */
        _cleanup_strv_free_ char **env = NULL;
        size_t n_groups = 0;
        unsigned pty_number = 0;
        uint64_t keep_caps = caps_compute(d->caps_add, d->caps_drop, d->privileged); /* to read files with */
        SyncMessage m;
        uid_t uid;
        gid_t gid;
        int r;

        /* Of the helper's descriptors (its D-Bus connection, the container's lock, its lease,
         * signalfd, pidfd …) the child keeps only what it needs: from GO on, a process of the
         * container that may trace it must find nothing of the host here. */
        {
                /* Issue 18: and the idmapped mounts the parent made for us. */
                int keep[10 + c->volumes.n];
                size_t n = 0;

                keep[n++] = sock;
                keep[n++] = c->stdin_fd;
                keep[n++] = c->stdout_fd;
                keep[n++] = c->stderr_fd;
                keep[n++] = c->join_netns_fd;
                keep[n++] = c->join_ipc_fd;
                keep[n++] = c->join_uts_fd;
                keep[n++] = c->init_fd;
                keep[n++] = c->root_mnt_fd;
                keep[n++] = c->devices_mnt_fd;
                for (size_t i = 0; c->volumes.trees && i < c->volumes.n; i++)
                        keep[n++] = c->volumes.trees[i];
                if (close_all_fds_except(keep, n) < 0)
                        _exit(125);
        }
        /* Sync point 0: everything we log from here on, the parent logs (sync.h). */
        sync_log_to(sock);

        /* If the helper dies, so does the container: PID 1 of the namespace takes the rest. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                SYNC_FAIL(sock, -errno, "Failed to set the parent-death signal: %m");
        /* Whatever the helper ignores (systemd starts services with SIGPIPE ignored) is not the
         * payload's: an ignored signal stays ignored across execve(), and `yes | head -1` would
         * never end. */
        for (int sig = 1; sig < _NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) signal(sig, SIG_DFL);

        /* Sync point 1: GO, once the scope holds us: then a new cgroup namespace roots at the
         * scope. */
        r = sync_recv(sock, &m, NULL);
        if (r <= 0 || m.type != SYNC_GO)
                _exit(125);
        /* Issue 18: user namespaces. The parent wrote our maps before GO: become the container's
         * root (we were born as the host's, which the namespace does not map), keeping the
         * capabilities we have in it. The change of credentials cleared the parent-death signal. */
        if (c->uid_map) {
                /* The root's directory, while we are still the host's root by ID and so may walk
                 * /var/lib/berth: from now on only by fd. */
                root_target_fd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (root_target_fd < 0)
                        SYNC_FAIL(sock, -errno, "Failed to open the container root %s: %m", c->root);
                /* And the same for what we bind from the host's side: the hosts files, the notify
                 * socket's directory, the time zone's copy. */
                for (size_t i = 0; i < 3; i++) {
                        snprintf(src_path, sizeof(src_path), "%s/%s", c->net_dir, host_files[i]);
                        host_file_fds[i] = open(src_path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
                        if (host_file_fds[i] < 0)
                                SYNC_FAIL(sock, -errno, "Failed to open %s: %m", src_path);
                }
                snprintf(src_path, sizeof(src_path), "%s/copies", c->net_dir);
                copies_fd = open(src_path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (copies_fd < 0)
                        SYNC_FAIL(sock, -errno, "Failed to open %s: %m", src_path);
                if (c->notify_dir && (notify_dir_fd = open(c->notify_dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to open %s: %m", c->notify_dir);
                if (c->localtime && (localtime_fd = open(c->localtime, O_PATH | O_CLOEXEC | O_NOFOLLOW)) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to open %s: %m", c->localtime);
                if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to become root in the user namespace of container %s: %m", d->name);
                if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to set the parent-death signal: %m");
        }
        if (!d->cgroupns_host && unshare(CLONE_NEWCGROUP) < 0)
                SYNC_FAIL(sock, -errno, "Failed to create the cgroup namespace: %m");
        if (c->join_netns_fd >= 0 && setns(c->join_netns_fd, CLONE_NEWNET) < 0)
                SYNC_FAIL(sock, -errno, "Failed to join the network of container %s: %m", d->network_container);
        /* IPC=, UTS= container:NAME, before anything is mounted: /dev/mqueue is the IPC
         * namespace's of whoever mounts it. */
        if (c->join_ipc_fd >= 0 && setns(c->join_ipc_fd, CLONE_NEWIPC) < 0)
                SYNC_FAIL(sock, -errno, "Failed to join the IPC namespace of container %s: %m", d->ipc.container);
        if (c->join_uts_fd >= 0 && setns(c->join_uts_fd, CLONE_NEWUTS) < 0)
                SYNC_FAIL(sock, -errno, "Failed to join the UTS namespace of container %s: %m", d->uts.container);
        /* Now, through the host's /proc: sysctls resolve in the writer's namespaces, which are the
         * container's (the definition admits no key of the host's). */
        {
                _cleanup_free_ char **rest = NULL;
                const char *failed = NULL;
                size_t n = 0;

                /* Issue 18: user namespaces. The UTS namespace's files in the host's /proc stay the
                 * host root's, which container root may not write: its two names are set through
                 * their system calls, which it may. (The network's and IPC's files are owned by
                 * the namespace's root.) */
                rest = calloc(strv_length(d->sysctls) + 1, sizeof(char *));
                if (!rest)
                        SYNC_FAIL(sock, -ENOMEM, "Out of memory");
                STRV_FOREACH(a, d->sysctls) {
                        const char *v;

                        if (c->uid_map && (v = startswith(*a, "kernel.domainname=")))
                                r = setdomainname(v, strlen(v));
                        else if (c->uid_map && (v = startswith(*a, "kernel.hostname=")))
                                r = sethostname(v, strlen(v));
                        else {
                                rest[n++] = *a;
                                continue;
                        }
                        if (r < 0)
                                SYNC_FAIL(sock, -errno, "Failed to set sysctl %s: %m", *a);
                }
                r = sysctl_apply(rest, &failed);
                if (r == -ENOENT)
                        SYNC_FAIL(sock, r, "sysctl %.*s does not exist in the container's namespaces",
                             (int) strcspn(failed, "="), failed);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set sysctl %s: %m", failed);
        }

        /* Writable until the volumes' mount points are made, as docker makes them with --read-only. */
        if (c->root_mnt_fd >= 0) {
                /* Issue 18: user namespaces. The parent's overlay over idmapped layers. */
                r = mount_overlay_root_attach(c->root_mnt_fd, root_target_fd, c->root);
                snprintf(root_path, sizeof(root_path), "/proc/self/fd/%i", c->root_mnt_fd);
                root = root_path;
        } else
                r = mount_overlay_root(c->lowerdirs, c->upper, c->work, c->root, /* read_only= */ false);
        if (r < 0)
                sync_fail(sock, r);
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                SYNC_FAIL(sock, -errno, "Failed to open the root of container %s: %m", d->name);
        r = volume_mount_all(&c->volumes, root_fd, /* api_dirs= */ false);
        if (r < 0)
                sync_fail(sock, r);
        /* Notify=yes: the supervisor's socket, read-only, over what the volumes put at /run; its
         * mount point made while the root is still writable. */
        if (c->notify_dir) {
                if (notify_dir_fd >= 0)
                        snprintf(src_path, sizeof(src_path), "/proc/self/fd/%i", notify_dir_fd);
                r = mount_bind_dir(root_fd, notify_dir_fd >= 0 ? src_path : c->notify_dir, NOTIFY_CONTAINER_DIR);
                if (r < 0)
                        sync_fail(sock, r);
        }
        /* Timezone=: while the root is still writable. */
        if (localtime_fd >= 0) {
                /* Issue 18: the copy by its fd (a shallow copy of c, for this call only). */
                Container tz = *c;

                snprintf(src_path, sizeof(src_path), "/proc/self/fd/%i", localtime_fd);
                tz.localtime = src_path;
                r = container_mounts_timezone(&tz, root_fd);
        } else
                r = container_mounts_timezone(c, root_fd);
        if (r < 0)
                sync_fail(sock, r);
        if (d->read_only) {
                r = mount_root_read_only(root);
                if (r < 0)
                        sync_fail(sock, r);
        }

        /* The image's /etc/passwd and /etc/group are read with the container's own
         * capabilities in effect, never the host's (a symlink to /proc/kmsg needs CAP_SYSLOG). */
        r = caps_limit_effective(keep_caps);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to lower the capabilities in effect: %m");
        r = user_resolve(root_fd, c->user, &uid, &gid, &home, &groups, &n_groups);
        if (r == -ESRCH)
                SYNC_FAIL(sock, r, "user '%s' not found in the image's /etc/passwd and /etc/group", c->user);
        if (r < 0 && user_resolve_strerror(r))
                SYNC_FAIL(sock, r, "user '%s' in the image: %s", c->user ?: "root", user_resolve_strerror(r));
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to resolve user '%s' in the image: %m", c->user ?: "root");
        /* GroupAdd=: more supplementary groups, by name from the same /etc/group. */
        {
                const char *failed = NULL;

                r = user_add_groups(root_fd, d->process.group_add, &groups, &n_groups, &failed);
                if (r == -ESRCH)
                        SYNC_FAIL(sock, r, "group '%s' (GroupAdd=) not found in the image's /etc/group", failed);
        }
        if (r < 0 && user_resolve_strerror(r))
                SYNC_FAIL(sock, r, "GroupAdd= in the image: %s", user_resolve_strerror(r));
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to resolve GroupAdd= in the image: %m");
        r = caps_limit_effective(UINT64_MAX);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to restore the capabilities in effect: %m");
        /* U, z, Z: the sources on the host, now that the user is known; nothing there followed. */
        r = volume_plan_own(&c->volumes, uid, gid);
        if (r < 0)
                sync_fail(sock, r);

        /* Issue 18: user namespaces. AddDevice='s nodes from the parent's copies, owned by
         * container root (the scope's DeviceAllow= is the host's paths', unchanged). */
        if (c->devices_mnt_fd >= 0) {
                devices = calloc(c->n_devices, sizeof(DeviceSpec));
                if (!devices)
                        SYNC_FAIL(sock, -ENOMEM, "Out of memory");
                for (size_t i = 0; i < c->n_devices; i++) {
                        devices[i] = c->devices[i];
                        if (asprintf(&devices[i].host, "/proc/self/fd/%i/%zu", c->devices_mnt_fd, i) < 0)
                                SYNC_FAIL(sock, -ENOMEM, "Out of memory");
                }
        }
        r = mount_setup_root(root, &(MountOptions) { .privileged = d->privileged,
                                                         .shm_size = d->shm_size,
                                                         .unmasks = d->unmasks,
                                                         .masks = d->masks,
                                                         .devices = devices ?: c->devices,
                                                         .n_devices = c->n_devices });
        if (r < 0)
                sync_fail(sock, r);
        /* IPC=host or container:NAME: its /dev/shm with its IPC namespace, as docker shares them. */
        if (d->ipc.mode != NAMESPACE_PRIVATE) {
                r = shm_share(c->join_ipc_fd, root_fd);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to share /dev/shm of %s: %m",
                                  d->ipc.mode == NAMESPACE_HOST ? "the host" : d->ipc.container);
        }
        r = volume_mount_all(&c->volumes, root_fd, /* api_dirs= */ true);
        if (r < 0)
                sync_fail(sock, r);

        /* /etc/hosts, /etc/hostname, /etc/resolv.conf: writable, as docker's and podman's are (a
         * payload may add a line to /etc/hosts), yet never a way to fill the host's /run where the
         * helper wrote them: copies on a small tmpfs of the container's own (mount_bind_copies()),
         * made by its root, so also its root's inside a range. */
        {
                char src[3][PATH_MAX], dest[3][32];
                char *srcs[3], *dests[3];

                for (size_t i = 0; i < 3; i++) {
                        if (host_file_fds[i] >= 0)
                                snprintf(src[i], sizeof(src[i]), "/proc/self/fd/%i", host_file_fds[i]);
                        else
                                snprintf(src[i], sizeof(src[i]), "%s/%s", c->net_dir, host_files[i]);
                        snprintf(dest[i], sizeof(dest[i]), "/etc/%s", host_files[i]);
                        srcs[i] = src[i];
                        dests[i] = dest[i];
                }
                if (copies_fd < 0) {
                        snprintf(src_path, sizeof(src_path), "%s/copies", c->net_dir);
                        copies_fd = open(src_path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        if (copies_fd < 0)
                                SYNC_FAIL(sock, -errno, "Failed to open %s: %m", src_path);
                }
                r = mount_bind_copies(root_fd, copies_fd, srcs, dests, 3);
                if (r < 0)
                        sync_fail(sock, r);
        }

        if (c->tty) {
                _cleanup_close_ int master = -EBADF;

                r = mount_setup_console(root, &c->winsize, &master);
                if (r < 0)
                        sync_fail(sock, r);
                if (ioctl(master, TIOCGPTN, &pty_number) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to get the container's terminal: %m");
                r = sync_send(sock, SYNC_PTY, 0, master, NULL);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to pass the terminal on: %m");
        }

        if (c->working_dir) {
                /* Resolved inside the root, never through a magic link, and created like docker
                 * does when missing. */
                wd_fd = mkdir_in_root(root_fd, c->working_dir, 0755);
                if (wd_fd < 0)
                        SYNC_FAIL(sock, wd_fd, "Failed to enter working directory %s: %m", c->working_dir);
        }

        r = mount_pivot_root(root);
        if (r < 0)
                sync_fail(sock, r);

        /* UTS=host or container:NAME: that one's name, which is not ours to set. */
        if (d->uts.mode == NAMESPACE_PRIVATE) {
                const char *hn = d->hostname ?: definition_shown_name(d); /* Issue 16: leftovers. */
                if (sethostname(hn, strlen(hn)) < 0)
                        SYNC_FAIL(sock, -errno, "Failed to set the host name %s: %m", hn);
        }

        if (wd_fd >= 0 ? fchdir(wd_fd) < 0 : chdir("/") < 0)
                SYNC_FAIL(sock, -errno, "Failed to change to the working directory: %m");

        env = strv_copy(c->env);
        if (!env)
                SYNC_FAIL(sock, -ENOMEM, "Out of memory");
        if (!env_get(env, "HOME")) {
                _cleanup_free_ char *h = NULL;

                if (asprintf(&h, "HOME=%s", home ?: "/") < 0 || env_set(&env, h) < 0)
                        SYNC_FAIL(sock, -ENOMEM, "Out of memory");
        }

        r = setup_stdio(c, pty_number);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to set up the container's standard streams: %m");

        /* The payload sees fds 0–2 only; the sync socket closes at execve(). */
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                SYNC_FAIL(sock, -errno, "Failed to mark file descriptors close-on-exec: %m");

        {
                const char *failed = NULL;

                /* Ulimit=, while we still may raise a hard limit: the payload inherits them. */
                r = rlimit_apply(d->process.ulimits, &failed);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set the limit Ulimit=%s: %m", failed ?: "");
        }
        /* AppArmor= (lsm.h): for the payload's execve(), before no_new_privs and seccomp, as runc
         * applies it; the host's having AppArmor was checked by the parent. */
        if (d->extra.apparmor && !streq(d->extra.apparmor, "unconfined")) {
                r = lsm_apparmor_exec(d->extra.apparmor);
                if (r < 0)
                        SYNC_FAIL(sock, r, "Failed to set AppArmor profile %s (is it loaded?): %m", d->extra.apparmor);
        }
        r = confine_enter(d, &c->profile, uid, gid, groups, n_groups);
        if (r < 0)
                SYNC_FAIL(sock, r, "Failed to take on the container's no_new_privs, seccomp profile, user and capabilities: %m");
        /* Did the helper die before the parent-death signal was set again? (getppid() says 0
         * across the pid namespace; the sync socket says it.) */
        if (poll(&(struct pollfd) { .fd = sock, .events = POLLIN | POLLRDHUP }, 1, 0) != 0)
                _exit(125);

        if (c->init_fd >= 0) {
                _cleanup_strv_free_ char **argv = NULL;

                /* berth-init from its sealed copy; the payload's own exec errors are its to report
                 * (127, 126), and the parent learns that it runs from the EOF. */
                if (strv_extend(&argv, "berth-init") < 0 || strv_extend(&argv, "--") < 0)
                        SYNC_FAIL(sock, -ENOMEM, "Out of memory");
                STRV_FOREACH(a, c->argv)
                        if (strv_extend(&argv, *a) < 0)
                                SYNC_FAIL(sock, -ENOMEM, "Out of memory");
                (void) syscall(SYS_execveat, c->init_fd, "", argv, env, AT_EMPTY_PATH);
                SYNC_FAIL(sock, -errno, "Failed to execute berth-init: %m");
        }

        /* Sync point 2: the payload's execve() closes our end of the sync socket (CLOEXEC), and
         * the parent reads EOF. */
        r = init_exec(c->argv, env);
        (void) sync_send(sock, SYNC_EXEC_FAILED, -r, -EBADF, NULL);
        _exit(exec_error_to_exit_code(-r));
}
