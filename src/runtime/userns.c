/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "idmap.h"
#include "log.h"
#include "rlimit.h"
#include "userns-range.h"
#include "userns.h"

/* "INSIDE OUTSIDE COUNT\n" lines, as /proc/PID/uid_map takes them. */
static char *map_text(const IdMapEntry *m, size_t n) {
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        if (!f)
                return NULL;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%u %u %u\n", m[i].inside, m[i].outside, m[i].count);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

/* AddDevice='s nodes: the host's, bound in, would open for container root only as for any user
 * of the host (it has no capability over the host's root-owned node: /dev/net/tun is 0600). It gets
 * copies owned by it instead, on a tmpfs of ours; the scope's DeviceAllow= still decides. */
static int make_devices(Container *c, uid_t root_uid, gid_t root_gid) {
        _cleanup_free_ char **hosts = NULL;
        int r;

        if (c->n_devices == 0)
                return 0;
        hosts = calloc(c->n_devices, sizeof(char *));
        if (!hosts)
                return log_oom();
        for (size_t i = 0; i < c->n_devices; i++)
                hosts[i] = c->devices[i].host;
        r = idmap_device_nodes(hosts, c->n_devices, root_uid, root_gid, &c->devices_mnt_fd);
        if (r < 0)
                return log_error_errno(r, "container %s: Failed to make its device nodes for its user namespace: %m",
                                       c->def->name);
        return 0;
}

int container_userns_prepare(Container *c) {
        const Definition *d = c->def;
        _cleanup_free_ IdMapEntry *uid = NULL, *gid = NULL;
        _cleanup_free_ char *why = NULL;
        _cleanup_close_ int userns_fd = -EBADF;
        size_t n_uid = 0, n_gid = 0;
        unsigned root_uid, root_gid;
        char msg[256] = "";
        int r;

        r = userns_maps_acquire(d, &uid, &n_uid, &gid, &n_gid, &why);
        if (r < 0)
                return log_error_errno(r, "container %s: %s", d->name, why ?: strerror(-r));
        if (n_uid == 0)
                return 0;
        c->uid_map = map_text(uid, n_uid);
        c->gid_map = map_text(gid, n_gid);
        if (!c->uid_map || !c->gid_map)
                return log_oom();
        if (idmap_to_host(c->uid_map, 0, &root_uid) < 0 || idmap_to_host(c->gid_map, 0, &root_gid) < 0)
                return log_error_errno(-EINVAL, "container %s: its UIDMap= and GIDMap= must map the container's root (0)",
                                       d->name);
        r = make_devices(c, root_uid, root_gid);
        if (r < 0)
                return r;
        r = idmap_userns_new(c->uid_map, c->gid_map, &userns_fd);
        if (r == -EPERM || r == -EINVAL)
                return log_error_errno(r, "container %s: the kernel refuses a user namespace with its maps (%m)", d->name);
        if (r < 0)
                return log_error_errno(r, "container %s: Failed to create a user namespace: %m", d->name);
        /* The root: the image's layers and the container's upper and work directories, each
         * idmapped, under an overlay made here. */
        r = idmap_overlay(userns_fd, c->lowerdirs, c->dir, "upper", "work", root_uid, root_gid, /* attr= */ 0, msg,
                          sizeof(msg), &c->root_mnt_fd);
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "container %s cannot have a user namespace here: the file system of %s does not "
                                          "support idmapped mounts; use UserNS=host",
                                       d->name, c->dir);
        if (r < 0)
                return log_error_errno(r, "container %s: Failed to mount its root over idmapped layers: %m%s%s", d->name,
                                       msg[0] ? ": " : "", msg);
        return volume_plan_idmap(&c->volumes, userns_fd, root_uid, root_gid);
}

unsigned long container_userns_clone_flag(const Container *c) {
        return c->uid_map ? CLONE_NEWUSER : 0;
}

int container_userns_write_maps(const Container *c, pid_t pid) {
        int r;

        if (!c->uid_map)
                return 0;
        r = idmap_write_maps(pid, c->uid_map, c->gid_map);
        if (r < 0)
                return log_error_errno(r, "Failed to write the user namespace maps of container %s: %m", c->def->name);
        /* Ulimit=: set on the child from here, which may raise a hard limit; its own
         * rlimit_apply() then sets the same values, which needs nothing. */
        {
                const char *failed = NULL;

                r = rlimit_apply_pid(pid, c->def->process.ulimits, &failed);
                if (r < 0)
                        return log_error_errno(r, "Failed to set the limit Ulimit=%s: %m", failed ?: "");
        }
        return 0;
}

int container_userns_own_net_files(const Container *c, const char *dir) {
        static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
        _cleanup_close_ int dir_fd = -EBADF;
        unsigned root_uid, root_gid;

        if (!c->uid_map)
                return 0;
        if (idmap_to_host(c->uid_map, 0, &root_uid) < 0 || idmap_to_host(c->gid_map, 0, &root_gid) < 0)
                return log_error_errno(-EINVAL, "container %s: its maps must map the container's root (0)", c->def->name);
        dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dir_fd < 0)
                return log_error_errno(-errno, "Failed to open %s: %m", dir);
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                /* Never through a symlink: the files were just written there by us, as regular files. */
                if (fchownat(dir_fd, files[i], root_uid, root_gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return log_error_errno(-errno, "Failed to give %s/%s to the root of container %s: %m", dir,
                                               files[i], c->def->name);
        return 0;
}
