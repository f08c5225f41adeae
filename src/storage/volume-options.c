/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Volume= and Mount= options that act on the host before a mount (volume.h): "O"'s upper and
 * work directories, "U"'s chown and "z"/"Z"'s relabel of the source. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "log.h"
#include "path-util.h"
#include "string-util.h"
#include "volume.h"

#define SELINUX_MAGIC_NUMBER 0xf97cff8cU
/* The label podman's z gives, with no categories of a container's own: berth runs no container
 * with a label of its own, so Z's private label would be this one too. */
#define CONTAINER_FILE_LABEL "system_u:object_r:container_file_t:s0"

int volume_plan_prepare_overlays(VolumePlan *p, const char *container_dir) {
        _cleanup_free_ char *top = NULL;
        int r;

        top = path_join(container_dir, "overlays");
        if (!top)
                return log_oom();
        /* The last run's changes go: podman's "O" keeps them only while the container runs. */
        r = rm_rf(top);
        if (r < 0)
                return log_error_errno(r, "Failed to remove %s: %m", top);
        for (size_t i = 0; i < p->n; i++) {
                VolumeMount *m = &p->mounts[i];
                _cleanup_free_ char *dir = NULL;
                char n[24];

                if (!m->overlay)
                        continue;
                snprintf(n, sizeof(n), "%zu", i);
                dir = path_join(top, n);
                m->overlay_upper = dir ? path_join(dir, "upper") : NULL;
                m->overlay_work = dir ? path_join(dir, "work") : NULL;
                if (!m->overlay_upper || !m->overlay_work)
                        return log_oom();
                r = mkdir_p(m->overlay_upper, 0755);
                if (r >= 0)
                        r = mkdir_p(m->overlay_work, 0700);
                if (r < 0)
                        return log_error_errno(r, "Failed to create the overlay directories of %s in %s: %m",
                                               m->source, dir);
        }
        return 0;
}

/* Whether the host runs SELinux: selinuxfs at /sys/fs/selinux, as libselinux's
 * is_selinux_enabled() asks it. Never an error: without it, z and Z do nothing. */
static bool selinux_enabled(void) {
        struct statfs fs;

        return statfs("/sys/fs/selinux", &fs) >= 0 && (uint32_t)fs.f_type == SELINUX_MAGIC_NUMBER &&
               access("/sys/fs/selinux/enforce", F_OK) >= 0;
}

typedef struct OwnWalk {
        dev_t dev; /* the source's file system: nothing on another one is touched */
        bool chown, relabel;
        uid_t uid;
        gid_t gid;
} OwnWalk;

/* One entry, in the directory we hold, never following it: lchown() and lsetxattr() semantics, so
 * that a symlink the container planted changes itself, never what it points to. */
static int own_entry(const OwnWalk *w, int dir_fd, const char *name) {
        if (w->chown && fchownat(dir_fd, name, w->uid, w->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
                return -errno;
        if (w->relabel) {
                char p[STRLEN("/proc/self/fd/") + 12 + 1 + NAME_MAX + 1];
                struct stat st;

                /* No lsetxattrat() before Linux 6.13: the entry through our directory's fd, and
                 * through an O_PATH fd of it for anything but a symlink (whose own label lsetxattr
                 * sets). */
                if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return errno == ENOENT ? 0 : -errno;
                snprintf(p, sizeof(p), "/proc/self/fd/%i/%s", dir_fd, name);
                if (lsetxattr(p, "security.selinux", CONTAINER_FILE_LABEL, strlen(CONTAINER_FILE_LABEL), 0) <
                            0 &&
                    errno != ENOENT)
                        return -errno;
        }
        return 0;
}

static int own_walk(TreeWalkItem *item, void *userdata) {
        const OwnWalk *w = userdata;

        if (item->event != TREE_WALK_ENTRY)
                return 0;
        /* Another file system mounted below the source is not the source's. */
        if (item->st->st_dev != w->dev)
                return S_ISDIR(item->st->st_mode) ? TREE_WALK_SKIP : 0;
        return own_entry(w, item->dir_fd, item->name);
}

/* The tree at fd (an O_PATH fd of a directory or a file) and everything in it on its file system. */
static int own_tree(int fd, OwnWalk *w) {
        char p[STRLEN("/proc/self/fd/") + 12];
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        w->dev = st.st_dev;
        if (w->chown && fchownat(fd, "", w->uid, w->gid, AT_EMPTY_PATH) < 0)
                return -errno;
        snprintf(p, sizeof(p), "/proc/self/fd/%i", fd);
        if (w->relabel &&
            setxattr(p, "security.selinux", CONTAINER_FILE_LABEL, strlen(CONTAINER_FILE_LABEL), 0) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return 0;
        return tree_walk_at(fd, -EBADF, own_walk, w);
}

int volume_plan_own(const VolumePlan *p, uid_t uid, gid_t gid) {
        bool selinux = selinux_enabled();
        int r;

        for (size_t i = 0; i < p->n; i++) {
                const VolumeMount *m = &p->mounts[i];
                _cleanup_close_ int fd = -EBADF;
                OwnWalk w = {.chown = m->chown, .relabel = m->relabel && selinux, .uid = uid, .gid = gid};

                if (!w.chown && !w.relabel)
                        continue;
                if (m->type != VOLUME_BIND && m->type != VOLUME_NAMED && m->type != VOLUME_ANONYMOUS)
                        continue;
                /* The host's path as given (the admin's), as the mount takes it; a volume's _data
                 * never through a link. Below it, nothing is ever followed. */
                /* Issue 18: user namespaces. Through the idmapped mount, as the container sees it:
                 * uid and gid are the container's, and so are the IDs written on disk. */
                if (p->trees && p->trees[i] >= 0)
                        fd = fcntl(p->trees[i], F_DUPFD_CLOEXEC, 3);
                else
                        fd = open(m->type == VOLUME_BIND ? m->source : m->data_path,
                                  O_PATH | O_CLOEXEC | (m->type == VOLUME_BIND ? 0 : O_NOFOLLOW | O_DIRECTORY));
                if (fd < 0)
                        return log_error_errno(-errno, "Failed to open %s for %s: %m",
                                               m->type == VOLUME_BIND ? m->source : m->data_path,
                                               w.chown ? "U (chown)" : "z (relabel)");
                r = own_tree(fd, &w);
                if (r < 0)
                        return log_error_errno(
                                r, "Failed to %s %s for %s: %m", w.chown ? "chown" : "relabel",
                                m->type == VOLUME_BIND ? m->source : m->data_path, m->destination);
        }
        return 0;
}
