/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "definition-name.h"
#include "fd-util.h"
#include "lock.h"
#include "log.h"
#include "namespaces.h"
#include "scope.h"
#include "string-util.h"

unsigned long namespaces_clone_flags(const Definition *d, bool new_netns) {
        unsigned long flags = CLONE_NEWNS;

        if (d->pid.mode == NAMESPACE_PRIVATE)
                flags |= CLONE_NEWPID;
        if (d->uts.mode != NAMESPACE_HOST)
                flags |= CLONE_NEWUTS;
        if (d->ipc.mode != NAMESPACE_HOST)
                flags |= CLONE_NEWIPC;
        if (new_netns)
                flags |= CLONE_NEWNET;
        return flags;
}

/* A pidfd of the running container's PID 1, looked up again once open so that it names the PID 1
 * we found, not a process that took its number since. */
static int open_container_pid1(sd_bus **bus, const char *key, const char *given, int *ret) {
        _cleanup_close_ int pidfd = -EBADF;
        _cleanup_free_ char *found = NULL;
        const char *name = given;
        pid_t pid, again;
        int r;

        /* Issue 16: leftovers. The other may be named by its ContainerName=. */
        if (definition_find(given, NULL, &found, NULL) >= 0)
                name = found;

        if (lock_held(name) <= 0)
                return log_error_errno(-ESRCH, "%s container:%s: container %s is not running", key, name, name);
        if (!*bus) {
                r = bus_open_systemd(bus);
                if (r < 0)
                        return log_error_errno(r, "Failed to connect to systemd: %m");
        }
        r = scope_pid1(*bus, name, &pid);
        if (r < 0)
                return log_error_errno(r, "%s container:%s: cannot find its PID 1: %m", key, name);
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return log_error_errno(-errno, "%s container:%s: cannot open its PID 1: %m", key, name);
        if (scope_pid1(*bus, name, &again) < 0 || again != pid)
                return log_error_errno(-ESRCH, "%s container:%s: container %s stopped", key, name, name);
        *ret = TAKE_FD(pidfd);
        return 0;
}

int namespaces_open_joins(const Definition *d, int *ret_ipc_fd, int *ret_uts_fd, int *ret_pid_fd) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_close_ int ipc = -EBADF, uts = -EBADF, pid = -EBADF;
        int r;

        if (d->ipc.mode == NAMESPACE_CONTAINER) {
                r = open_container_pid1(&bus, "IPC", d->ipc.container, &ipc);
                if (r < 0)
                        return r;
        }
        if (d->uts.mode == NAMESPACE_CONTAINER) {
                r = open_container_pid1(&bus, "UTS", d->uts.container, &uts);
                if (r < 0)
                        return r;
        }
        if (d->pid.mode == NAMESPACE_CONTAINER) {
                r = open_container_pid1(&bus, "PID", d->pid.container, &pid);
                if (r < 0)
                        return r;
        }
        *ret_ipc_fd = TAKE_FD(ipc);
        *ret_uts_fd = TAKE_FD(uts);
        *ret_pid_fd = TAKE_FD(pid);
        return 0;
}

int namespaces_pid_enter(int pidfd, int *ret_own) {
        _cleanup_close_ int own = -EBADF;

        *ret_own = -EBADF;
        if (pidfd < 0)
                return 0;
        own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (own < 0)
                return log_error_errno(-errno, "Failed to open our pid namespace: %m");
        if (setns(pidfd, CLONE_NEWPID) < 0)
                return log_error_errno(-errno, "Failed to enter the pid namespace to join: %m");
        *ret_own = TAKE_FD(own);
        return 0;
}

int namespaces_pid_leave(int own) {
        int r = 0;

        if (own < 0)
                return 0;
        /* Our own pid namespace, which the kernel always lets us return to: the health checks
         * and everything else we fork are the host's. */
        if (setns(own, CLONE_NEWPID) < 0)
                r = log_error_errno(-errno, "Failed to return to our pid namespace: %m");
        safe_close(own);
        return r;
}
