/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What AddDevice=, Timezone= and Volume='s "O" need before the child runs (in the parent), and
 * Timezone='s mount (in the child): see payload.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "log.h"
#include "mount.h"
#include "path-util.h"
#include "payload.h"
#include "string-util.h"
#include "strv.h"

void container_mounts_done(Container *c) {
        for (size_t i = 0; i < c->n_devices; i++)
                device_spec_done(&c->devices[i]);
        free(c->devices);
        c->devices = NULL;
        c->n_devices = 0;
        free(c->localtime);
        c->localtime = NULL;
}

static int add_device(Container *c, DeviceSpec *s) {
        DeviceSpec *n = reallocarray(c->devices, c->n_devices + 1, sizeof(DeviceSpec));

        if (!n) {
                device_spec_done(s);
                return -ENOMEM;
        }
        c->devices = n;
        c->devices[c->n_devices++] = *s;
        *s = (DeviceSpec){};
        return 0;
}

typedef struct DeviceDirWalk {
        Container *c;
        const DeviceSpec *dir; /* host and container paths of the directory, the permissions */
} DeviceDirWalk;

/* docker's --device of a directory: every device node below it, at the same place below the
 * container's path; symlinks and everything else passed over. */
static int add_device_in_dir(TreeWalkItem *item, void *userdata) {
        const DeviceDirWalk *w = userdata;
        DeviceSpec s = {};
        int r;

        if (item->event != TREE_WALK_ENTRY || (!S_ISCHR(item->st->st_mode) && !S_ISBLK(item->st->st_mode)))
                return 0;
        memcpy(s.perms, w->dir->perms, sizeof(s.perms));
        s.host = isempty(item->dir_path) ? path_join(w->dir->host, item->name)
                                         : path_join(w->dir->host, item->dir_path, item->name);
        s.container = isempty(item->dir_path) ? path_join(w->dir->container, item->name)
                                              : path_join(w->dir->container, item->dir_path, item->name);
        if (!s.host || !s.container) {
                device_spec_done(&s);
                return -ENOMEM;
        }
        r = add_device(w->c, &s);
        return r;
}

static int prepare_devices(Container *c) {
        const Definition *d = c->def;
        int r;

        STRV_FOREACH(w, d->devices) {
                DeviceSpec s = {};
                struct stat st;

                r = device_spec_parse(*w, &s, NULL);
                if (r < 0)
                        return log_error_errno(r, "container %s: AddDevice=%s: %m", d->name, *w);
                if (stat(s.host, &st) < 0) {
                        r = -errno;
                        if (r == -ENOENT && s.optional) {
                                device_spec_done(&s);
                                continue; /* "-": only if the host has it */
                        }
                        device_spec_done(&s);
                        if (r == -ENOENT)
                                return log_error_errno(r, "AddDevice=%s: the host has no device %s", *w,
                                                       *w + (**w == '-'));
                        return log_error_errno(r, "AddDevice=%s: %m", *w);
                }
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int fd = open(s.host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        DeviceDirWalk walk = {.c = c, .dir = &s};
                        size_t before = c->n_devices;

                        r = fd < 0 ? -errno : tree_walk_at(fd, -EBADF, add_device_in_dir, &walk);
                        if (r >= 0 && c->n_devices == before)
                                r = -ENODEV;
                        device_spec_done(&s);
                        if (r == -ENODEV)
                                return log_error_errno(
                                        r, "AddDevice=%s: the host has no device nodes in that directory",
                                        *w);
                        if (r < 0)
                                return log_error_errno(r, "AddDevice=%s: %m", *w);
                        continue;
                }
                if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
                        log_error("AddDevice=%s: %s on the host is not a device node", *w, s.host);
                        device_spec_done(&s);
                        return -ENODEV;
                }
                r = add_device(c, &s);
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

/* The zone's file, checked to be one (a TZif file of bounded size), copied into c->dir: the copy
 * is what the child binds, so that nothing of the host's zone directory is visible inside. */
static int prepare_timezone(Container *c) {
        const char *zone = c->def->timezone;
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF, out = -EBADF;
        _cleanup_free_ char *data = NULL, *tmp = NULL;
        size_t size;
        int r;

        if (!zone)
                return 0;
        if (streq(zone, "local"))
                /* The host's own setting, where its symlink points (podman's EvalSymlinks). */
                fd = open("/etc/localtime", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        else {
                dir_fd = open(TIMEZONE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0)
                        return log_error_errno(-errno, "Timezone=%s: the host has no %s: %m", zone,
                                               TIMEZONE_DIR);
                /* Inside the zone directory only, whatever its symlinks say; regular files only. */
                fd = open_regular_in_root(dir_fd, zone);
        }
        if (fd == -ENOENT || fd == -EISDIR)
                return log_error_errno(-ENOENT, "Timezone=%s: no such time zone in %s", zone,
                                       streq(zone, "local") ? "/etc/localtime" : TIMEZONE_DIR);
        if (fd < 0)
                return log_error_errno(fd, "Timezone=%s: %m", zone);
        r = read_full_fd(fd, TIMEZONE_FILE_MAX, &data, &size);
        if (r == -EFBIG || (r >= 0 && (size < 4 || memcmp(data, "TZif", 4) != 0)))
                return log_error_errno(-EINVAL, "Timezone=%s: not a time zone file", zone);
        if (r < 0)
                return log_error_errno(r, "Timezone=%s: %m", zone);

        c->localtime = path_join(c->dir, "localtime");
        tmp = path_join(c->dir, ".localtime.tmp");
        if (!c->localtime || !tmp)
                return log_oom();
        (void)unlink(tmp);
        out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (out < 0)
                return log_error_errno(-errno, "Failed to create %s: %m", tmp);
        r = loop_write(out, data, size);
        if (r >= 0 && rename(tmp, c->localtime) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlink(tmp);
                return log_error_errno(r, "Failed to write %s: %m", c->localtime);
        }
        return 0;
}

int container_mounts_prepare(Container *c) {
        int r;

        r = prepare_devices(c);
        if (r < 0)
                return r;
        r = prepare_timezone(c);
        if (r < 0)
                return r;
        return volume_plan_prepare_overlays(&c->volumes, c->dir);
}

/* Runs in the child before pivot_root() (payload.c's namespaces and privileges). */
int container_mounts_timezone(const Container *c, int root_fd) {
        _cleanup_close_ int etc_fd = -EBADF;
        struct stat st;

        if (!c->localtime)
                return 0;
        etc_fd = mkdir_in_root(root_fd, "/etc", 0755);
        if (etc_fd < 0)
                return log_error_errno(etc_fd, "Failed to create /etc in the container: %m");
        /* An image's /etc/localtime is most often a symlink into its zone files: binding onto it
         * would change the zone file it names. Removed (in the container's upper dir), never
         * followed, as podman does. */
        if (fstatat(etc_fd, "localtime", &st, AT_SYMLINK_NOFOLLOW) >= 0 && !S_ISREG(st.st_mode) &&
            unlinkat(etc_fd, "localtime", S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
                return log_error_errno(-errno, "Failed to replace /etc/localtime in the container: %m");
        return mount_bind_file(root_fd, c->localtime, "/etc/localtime");
}
