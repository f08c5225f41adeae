/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "copy.h"
#include "definition-mounts.h"
#include "definition-name.h"
#include "fd-util.h"
#include "idmap.h"
#include "image-config.h"
#include "image-mount.h"
#include "log.h"
#include "mount.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "volume-unit.h"
#include "volume.h"

#define VOLUME_DATA "_data"
#define VOLUME_STAGING_PREFIX ".staging-"
/* VolumesFrom= of a container that has VolumesFrom= itself: followed this deep. */
#define VOLUMES_FROM_DEPTH_MAX 8
/* ---- the store ---- */

char *volume_store_dir(void) {
        return path_join(berth_state_dir(), "volumes");
}

static int volume_dir(const char *name, char **ret) {
        _cleanup_free_ char *store = NULL;

        if (!name_is_plain(name))
                return -EINVAL;
        store = volume_store_dir();
        if (!store)
                return -ENOMEM;
        *ret = path_join(store, name);
        return *ret ? 0 : -ENOMEM;
}

int volume_create(const char *name) {
        _cleanup_free_ char *store = NULL, *dir = NULL;
        int r;

        r = volume_dir(name, &dir);
        if (r < 0)
                return r;
        store = volume_store_dir();
        if (!store)
                return -ENOMEM;
        r = mkdir_p(store, 0700);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) < 0)
                return errno == EEXIST ? 0 : -errno;
        return 1;
}

int volume_exists(const char *name, bool *ret_ready) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        r = volume_dir(name, &dir);
        if (r < 0)
                return r;
        fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        if (ret_ready)
                *ret_ready = fstatat(fd, VOLUME_DATA, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISDIR(st.st_mode);
        return 1;
}

/* Opens the volume's directory and takes its lock: copy-up and removal hold it. */
static int volume_lock(const char *dir, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (flock(fd, LOCK_EX) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int volume_remove(const char *name) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = volume_dir(name, &dir);
        if (r < 0)
                return r;
        r = volume_lock(dir, &fd);
        if (r == -ENOTDIR)
                return -ENOENT;
        if (r < 0)
                return r;
        return rm_rf(dir);
}

int volume_list(char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *store = NULL;
        struct dirent *de;
        int r;

        store = volume_store_dir();
        if (!store)
                return -ENOMEM;
        names = calloc(1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        d = opendir(store);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = TAKE_PTR(names);
                return 0;
        }
        while ((errno = 0, de = readdir(d))) {
                if (!name_is_plain(de->d_name) || de->d_type != DT_DIR)
                        continue;
                r = strv_extend(&names, de->d_name);
                if (r < 0)
                        return r;
        }
        if (errno > 0)
                return -errno;
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}

/* The volume name a Volume= line uses, NULL for a bind; the container's name makes anonymous ones. */
static int spec_volume_name(const char *container, const VolumeMount *m, char **ret) {
        switch (m->type) {
        case VOLUME_NAMED:
                *ret = strdup(m->source);
                return *ret ? 0 : -ENOMEM;
        case VOLUME_ANONYMOUS:
                return volume_anonymous_name(container, m->destination, ret);
        case VOLUME_BIND:
        case VOLUME_TMPFS:
        case _VOLUME_TYPE_MAX:
        case _VOLUME_TYPE_INVALID:
        default:
                *ret = NULL;
                return 0;
        }
}

/* The destinations of the Volumes d's image declares (docker's VOLUME), each checked as a
 * Volume= destination would be: from image when the caller has read it already, else read here.
 * Logs its error. */
static int image_volumes(const Definition *d, const ImageConfig *image, char ***ret) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        int r;

        if (!image) {
                r = image_config_read(d->image, &c);
                if (r < 0)
                        return r;
                image = &c;
        }
        STRV_FOREACH(v, image->volumes) {
                _cleanup_free_ char *why = NULL;

                r = volume_destination_check(*v, d->privileged, &why);
                if (r == -EINVAL)
                        return log_error_errno(r, "image %s declares the volume '%s': %s", d->image, *v,
                                               why ?: "not a valid destination");
                if (r < 0)
                        return log_oom();
        }
        *ret = strv_copy(image->volumes);
        return *ret ? 0 : log_oom();
}

/* Whether the definition's own Volume= or Tmpfs= lines mount something at dst. */
static bool definition_mounts(const Definition *d, const char *dst) {
        STRV_FOREACH(v, d->volumes) {
                _cleanup_(volume_mount_done) VolumeMount m = {};

                if (volume_spec_parse(*v, &m, NULL) >= 0 && streq(m.destination, dst))
                        return true;
        }
        STRV_FOREACH(t, d->tmpfs) {
                _cleanup_(volume_mount_done) VolumeMount m = {};

                if (volume_tmpfs_parse(*t, &m, NULL) >= 0 && streq(m.destination, dst))
                        return true;
        }
        STRV_FOREACH(t, d->mounts) {
                _cleanup_(volume_mount_done) VolumeMount m = {};

                if (definition_mount_parse(*t, &m, NULL) >= 0 && streq(m.destination, dst))
                        return true;
        }
        return false;
}

/* The i-th of d's Volume= lines, then of its Mount= words: what its own lines mount, bind or
 * volume or tmpfs. -ENOENT past the end. */
static int definition_mount_nth(const Definition *d, size_t i, VolumeMount *ret, const char **ret_key,
                                const char **ret_value, char **ret_why) {
        size_t nv = strv_length(d->volumes);

        if (i < nv) {
                *ret_key = "Volume";
                *ret_value = d->volumes[i];
                return volume_spec_parse(d->volumes[i], ret, ret_why);
        }
        if (i - nv >= strv_length(d->mounts))
                return -ENOENT;
        *ret_key = "Mount";
        *ret_value = d->mounts[i - nv];
        return definition_mount_parse(d->mounts[i - nv], ret, ret_why);
}

static int names_of(const Definition *d, bool anonymous_only, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        names = calloc(1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        for (size_t i = 0;; i++) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                _cleanup_free_ char *name = NULL;
                const char *key, *value;

                r = definition_mount_nth(d, i, &m, &key, &value, NULL);
                if (r == -ENOENT)
                        break;
                if (r < 0)
                        return r;
                if (anonymous_only && m.type != VOLUME_ANONYMOUS)
                        continue;
                r = spec_volume_name(d->name, &m, &name);
                if (r < 0)
                        return r;
                if (!name || strv_contains(names, name))
                        continue;
                r = strv_consume(&names, TAKE_PTR(name));
                if (r < 0)
                        return r;
        }
        /* The image's own volumes, where the definition mounts nothing of its own. */
        {
                _cleanup_strv_free_ char **dsts = NULL;

                if (image_volumes(d, NULL, &dsts) >= 0)
                        STRV_FOREACH(dst, dsts) {
                                char *name = NULL;

                                if (definition_mounts(d, *dst))
                                        continue;
                                r = volume_anonymous_name(d->name, *dst, &name);
                                if (r < 0)
                                        return r;
                                if (strv_contains(names, name)) {
                                        free(name);
                                        continue;
                                }
                                r = strv_consume(&names, name);
                                if (r < 0)
                                        return r;
                        }
        }
        *ret = TAKE_PTR(names);
        return 0;
}

int volume_names_of(const Definition *d, char ***ret) {
        return names_of(d, /* anonymous_only= */ false, ret);
}

int volume_remove_anonymous(const Definition *d) {
        _cleanup_strv_free_ char **names = NULL;
        int r, ret = 0;

        r = names_of(d, /* anonymous_only= */ true, &names);
        if (r < 0)
                return log_error_errno(r, "Failed to find the anonymous volumes of container %s: %m", d->name);
        STRV_FOREACH(n, names) {
                r = volume_remove(*n);
                if (r < 0 && r != -ENOENT && ret == 0)
                        ret = log_error_errno(r, "Failed to remove volume %s of container %s: %m", *n, d->name);
        }
        return ret;
}

/* ---- the plan ---- */

void volume_plan_done(VolumePlan *p) {
        for (size_t i = 0; i < p->n; i++) {
                volume_mount_done(&p->mounts[i]);
                if (p->trees)
                        safe_close(p->trees[i]);
        }
        free(p->trees);
        free(p->mounts);
        *p = (VolumePlan) {};
}

/* Adds m (taking it over), replacing a mount at the same destination. */
static int plan_add(VolumePlan *p, VolumeMount *m) {
        VolumeMount *n;

        for (size_t i = 0; i < p->n; i++)
                if (streq(p->mounts[i].destination, m->destination)) {
                        volume_mount_done(&p->mounts[i]);
                        p->mounts[i] = *m;
                        *m = (VolumeMount) {};
                        return 0;
                }
        n = realloc(p->mounts, (p->n + 1) * sizeof(VolumeMount));
        if (!n)
                return -ENOMEM;
        p->mounts = n;
        p->mounts[p->n++] = *m;
        *m = (VolumeMount) {};
        return 0;
}

/* d's Volume= lines (all of them read-only when narrow), after the volumes of its VolumesFrom=
 * containers, so that its own lines win. chain holds the containers on the way, against loops. */
static int plan_add_definition(VolumePlan *p, const Definition *d, const ImageConfig *image, bool narrow,
                               char ***chain) {
        int r;

        if (strv_length(*chain) > VOLUMES_FROM_DEPTH_MAX)
                return log_error_errno(-ELOOP, "volumes-from: containers %s… take volumes from each other more than %d deep",
                                       (*chain)[0], VOLUMES_FROM_DEPTH_MAX);
        r = strv_extend(chain, d->name);
        if (r < 0)
                return log_oom();

        STRV_FOREACH(f, d->volumes_from) {
                _cleanup_(definition_freep) Definition *other = NULL;
                _cleanup_free_ char *name = NULL, *error = NULL, *key = NULL;
                bool ro = false;

                r = volume_from_parse(*f, &name, &ro, NULL);
                if (r < 0)
                        return log_error_errno(r, "container %s: VolumesFrom=%s is not valid", d->name, *f);
                if (strv_contains(*chain, name))
                        return log_error_errno(-ELOOP, "volumes-from: container %s takes volumes from %s, which takes them from it",
                                               d->name, name);
                /* Issue 16: leftovers. The other may be named by its ContainerName=. */
                r = definition_find(name, NULL, &key, NULL);
                if (r == -ENOMEM)
                        return log_oom();
                r = definition_load(key ?: name, NULL, &other, &error);
                if (r == -ENOENT)
                        return log_error_errno(r, "volumes-from: no such container %s", name);
                if (r < 0)
                        return log_error_errno(r, "volumes-from %s: %s", name, error ?: strerror(-r));
                r = plan_add_definition(p, other, /* image= */ NULL, narrow || ro, chain);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0;; i++) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                _cleanup_free_ char *why = NULL;
                const char *key, *value;

                r = definition_mount_nth(d, i, &m, &key, &value, &why);
                if (r == -ENOENT)
                        break;
                if (r < 0)
                        return log_error_errno(r, "container %s: %s=%s: %s", d->name, key, value, why ?: strerror(-r));
                /* Mount=type=tmpfs is the container's own, as Tmpfs= is: not for VolumesFrom=; so is
                 * Mount=type=image (docker's --volumes-from takes volumes and binds). */
                if ((m.type == VOLUME_TMPFS || m.type == VOLUME_IMAGE) && strv_length(*chain) > 1)
                        continue;
                /* What another container's lines ask of their own source (U, O) stays theirs. */
                if (strv_length(*chain) > 1)
                        m.chown = m.overlay = false;
                if (m.type == VOLUME_ANONYMOUS) {
                        r = volume_anonymous_name(d->name, m.destination, &m.source);
                        if (r < 0)
                                return log_oom();
                }
                m.read_only = m.read_only || narrow;
                r = plan_add(p, &m);
                if (r < 0)
                        return log_oom();
        }
        /* The image's volumes, as docker's VOLUME: anonymous ones where nothing else is mounted
         * (a Tmpfs= that comes later replaces one, as it does any mount at its destination). */
        {
                _cleanup_strv_free_ char **dsts = NULL;

                r = image_volumes(d, image, &dsts);
                if (r < 0)
                        return r;
                STRV_FOREACH(dst, dsts) {
                        _cleanup_(volume_mount_done) VolumeMount m = { .type = VOLUME_ANONYMOUS, .read_only = narrow };
                        bool taken = false;

                        for (size_t i = 0; i < p->n && !taken; i++)
                                taken = streq(p->mounts[i].destination, *dst);
                        if (taken)
                                continue;
                        m.destination = strdup(*dst);
                        if (!m.destination || volume_anonymous_name(d->name, *dst, &m.source) < 0 || plan_add(p, &m) < 0)
                                return log_oom();
                }
        }
        /* Off the chain again: two VolumesFrom= of one container are no loop. */
        {
                size_t n = strv_length(*chain);

                free((*chain)[n - 1]);
                (*chain)[n - 1] = NULL;
        }
        return 0;
}

/* Opens the absolute, normalised host path p as O_PATH without following a symlink in any of its
 * components: a .volume's Device= of a bind is the admin's, but a link planted on the way by
 * someone else must not lead the container's mount elsewhere. */
static int open_nofollow(const char *p) {
        _cleanup_close_ int fd = -EBADF;

        fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (const char *c = p + strspn(p, "/"); *c;) {
                size_t n = strcspn(c, "/");
                _cleanup_free_ char *comp = strndup(c, n);
                int next;

                if (!comp)
                        return -ENOMEM;
                next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                safe_close(fd);
                fd = next;
                c += n;
                c += strspn(c, "/");
                if (*c) {
                        struct stat st;

                        if (fstat(fd, &st) < 0)
                                return -errno;
                        if (!S_ISDIR(st.st_mode))
                                return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
                }
        }
        {
                struct stat st;

                if (fstat(fd, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
        }
        return TAKE_FD(fd);
}

/* A .volume's Device= with a file system Type= (not tmpfs, not bind): a block device the parent
 * mounts, detached, for each start. */
static bool device_fs(const VolumeMount *m) {
        return m->device && !streq(m->device_type, "tmpfs") && !streq(m->device_type, "bind");
}

/* Whether /proc/filesystems lists type as one that takes no device ("nodev"): 1, 0, or 0 when it
 * does not list it at all (a module the kernel loads at the mount). */
static int fs_type_nodev(const char *type) {
        _cleanup_fclose_ FILE *f = fopen("/proc/filesystems", "re");
        char line[256];

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                char *name = strrchr(line, '\t');

                name = name ? name + 1 : line;
                name[strcspn(name, "\n")] = 0;
                if (streq(name, type))
                        return startswith(line, "nodev") != NULL;
        }
        return 0;
}

/* A named volume's settings, from the .volume file that defines it, if one does (volume-unit.h):
 * berth keeps no record of its own. */
static int plan_apply_unit(VolumeMount *m) {
        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        r = volume_unit_find(m->source, (char *const *) berth_definition_dirs(), &u, &why);
        if (r == -ENOENT)
                return 0;
        if (r == -EINVAL)
                return log_error_errno(r, "volume %s: %s", m->source, why ?: "invalid");
        if (r < 0)
                return log_error_errno(r, "Failed to read the .volume file of volume %s: %m", m->source);
        r = volume_unit_apply(u, m);
        if (r < 0)
                return log_oom();
        /* U and O work on a directory of berth's store; a device's mount is made per container. */
        if (m->device && (m->chown || m->overlay))
                return log_error_errno(-EINVAL, "volume %s (%s): the %s option does not apply to a volume of Device=%s",
                                       m->source, u->path, m->chown ? "U" : "O", m->device);
        if (device_fs(m)) {
                struct stat st;

                /* The admin's path, links and all (/dev/disk/by-label/...). */
                if (stat(m->device, &st) < 0)
                        return log_error_errno(-errno, "volume %s (%s): Device=%s: %m", m->source, u->path, m->device);
                if (!S_ISBLK(st.st_mode))
                        return log_error_errno(-ENOTBLK, "volume %s (%s): Device=%s is not a block device", m->source,
                                               u->path, m->device);
                if (fs_type_nodev(m->device_type) > 0)
                        return log_error_errno(-EINVAL, "volume %s (%s): Type=%s is a file system without a device",
                                               m->source, u->path, m->device_type);
        }
        if (m->device && streq(m->device_type, "bind")) {
                _cleanup_close_ int fd = open_nofollow(m->device);

                if (fd == -ELOOP)
                        return log_error_errno(fd, "volume %s (%s): Device=%s passes through a symlink, refusing", m->source,
                                               u->path, m->device);
                if (fd < 0)
                        return log_error_errno(fd, "volume %s (%s): Device=%s: %m", m->source, u->path, m->device);
        }
        return 0;
}

static size_t path_depth(const char *p) {
        size_t n = 0;

        for (; *p; p++)
                n += *p == '/';
        return n;
}

int volume_plan_make(const Definition *d, const ImageConfig *image, VolumePlan *ret) {
        _cleanup_(volume_plan_done) VolumePlan p = {};
        _cleanup_strv_free_ char **chain = NULL;
        _cleanup_free_ char *store = NULL;
        int r;

        r = plan_add_definition(&p, d, image, /* narrow= */ false, &chain);
        if (r < 0)
                return r;
        STRV_FOREACH(t, d->tmpfs) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                _cleanup_free_ char *why = NULL;

                r = volume_tmpfs_parse(*t, &m, &why);
                if (r < 0)
                        return log_error_errno(r, "container %s: Tmpfs=%s: %s", d->name, *t, why ?: strerror(-r));
                r = plan_add(&p, &m);
                if (r < 0)
                        return log_oom();
        }
        /* ReadOnly= with ReadOnlyTmpfs= (podman's default): writable tmpfs where programs expect
         * to write, with the image's content, where nothing else is mounted. podman's options:
         * rw, nosuid, nodev, tmpcopyup. */
        if (d->read_only && d->read_only_tmpfs) {
                static const char *const dirs[] = { "/tmp", "/var/tmp", "/run" };

                for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                        _cleanup_(volume_mount_done) VolumeMount m = {
                                .type = VOLUME_TMPFS,
                                .tmpfs_flags = MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV,
                                .copy_up = true,
                        };
                        bool taken = false;

                        for (size_t j = 0; j < p.n && !taken; j++)
                                taken = streq(p.mounts[j].destination, dirs[i]);
                        if (taken)
                                continue;
                        m.destination = strdup(dirs[i]);
                        if (!m.destination || plan_add(&p, &m) < 0)
                                return log_oom();
                }
        }

        store = volume_store_dir();
        if (!store)
                return log_oom();
        for (size_t i = 0; i < p.n; i++) {
                VolumeMount *m = &p.mounts[i];
                struct stat st;

                /* What came from another container was checked against its own Privileged=. */
                if (!d->privileged && volume_is_api_path(m->destination))
                        return log_error_errno(-EINVAL, "volume destination %s is under /proc, /sys or /dev (allowed only with --privileged)",
                                               m->destination);
                if (m->type == VOLUME_BIND) {
                        if (stat(m->source, &st) < 0) {
                                if (errno == ENOENT)
                                        return log_error_errno(-ENOENT, "bind source %s does not exist", m->source);
                                return log_error_errno(-errno, "bind source %s: %m", m->source);
                        }
                        if (m->overlay && !S_ISDIR(st.st_mode))
                                return log_error_errno(-ENOTDIR, "bind source %s: O (an overlay) needs a directory", m->source);
                } else if (m->type == VOLUME_NAMED || m->type == VOLUME_ANONYMOUS) {
                        m->data_path = path_join(store, m->source, VOLUME_DATA);
                        if (!m->data_path)
                                return log_oom();
                        if (m->type == VOLUME_NAMED) {
                                r = plan_apply_unit(m);
                                if (r < 0)
                                        return r;
                        }
                }
        }

        /* Issue 16: leftovers. The images of Mount=type=image, resolved and pinned. */
        r = image_mounts_resolve(d->name, p.mounts, p.n);
        if (r < 0)
                return r;

        /* Parents before what lies inside them: by depth, keeping the order otherwise. */
        for (size_t i = 1; i < p.n; i++)
                for (size_t j = i; j > 0 && path_depth(p.mounts[j - 1].destination) > path_depth(p.mounts[j].destination); j--) {
                        VolumeMount t = p.mounts[j];

                        p.mounts[j] = p.mounts[j - 1];
                        p.mounts[j - 1] = t;
                }

        *ret = p;
        p = (VolumePlan) {};
        return 0;
}

/* ---- copy-up ---- */

/* Removes the volume's .staging-* directories; with ret_removed, lists them as NAME/ENTRY and
 * adds their sizes to *bytes. The caller holds the volume's lock: no copy-up is running in it. */
static int remove_stale_staging(int dir_fd, const char *dir, const char *name, char ***ret_removed,
                                uint64_t *bytes) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(dir_fd, ".", &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                _cleanup_free_ char *p = NULL;

                if (!startswith(de->d_name, VOLUME_STAGING_PREFIX))
                        continue;
                p = path_join(dir, de->d_name);
                if (!p)
                        return -ENOMEM;
                if (bytes) {
                        _cleanup_close_ int sfd = openat(dir_fd, de->d_name,
                                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        uint64_t size = 0;

                        if (sfd >= 0 && tree_size_at(sfd, &size) >= 0)
                                *bytes += size;
                }
                r = rm_rf(p);
                if (r < 0)
                        return r;
                if (ret_removed) {
                        r = strv_consume(ret_removed, strjoin(name, "/", de->d_name));
                        if (r < 0)
                                return r;
                }
        }
        return errno > 0 ? -errno : 0;
}

int volume_reclaim(char ***ret_removed, uint64_t *ret_bytes) {
        _cleanup_strv_free_ char **names = NULL, **removed = NULL;
        uint64_t bytes = 0;
        int r, ret = 0;

        r = volume_list(&names);
        if (r < 0)
                return r;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *dir = NULL;
                _cleanup_close_ int fd = -EBADF;

                r = volume_dir(*n, &dir);
                if (r < 0)
                        return r;
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        continue; /* removed meanwhile */
                /* Held by a copy-up or a removal in progress: what is in it is theirs. */
                if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                        continue;
                r = remove_stale_staging(fd, dir, *n, &removed, &bytes);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        if (ret < 0)
                return ret;
        if (!removed) {
                removed = calloc(1, sizeof(char *));
                if (!removed)
                        return -ENOMEM;
        }
        if (ret_removed)
                *ret_removed = TAKE_PTR(removed);
        if (ret_bytes)
                *ret_bytes = bytes;
        return 0;
}

/* The image's content at m->destination (resolved inside root_fd, never outside it) into a staging
 * directory of the volume, which then becomes its _data. Under the volume's lock: of two containers
 * starting with one new volume, one copies, the other finds it ready. */
static int volume_fill(const VolumeMount *m, const char *dir, int root_fd) {
        _cleanup_close_ int dir_fd = -EBADF, staging_fd = -EBADF, src_fd = -EBADF;
        _cleanup_free_ char *staging_path = NULL;
        char staging[STRLEN(VOLUME_STAGING_PREFIX) + 12];
        struct stat st, root_st;
        int r;

        r = volume_lock(dir, &dir_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to lock volume %s: %m", m->source);
        if (fstatat(dir_fd, VOLUME_DATA, &st, AT_SYMLINK_NOFOLLOW) >= 0)
                return 0;
        /* Whatever a crash left: never ready, thrown away. */
        r = remove_stale_staging(dir_fd, dir, m->source, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to remove a staging directory of volume %s: %m", m->source);

        snprintf(staging, sizeof(staging), VOLUME_STAGING_PREFIX "%d", (int) getpid());
        staging_path = path_join(dir, staging);
        if (!staging_path)
                return log_oom();
        if (mkdirat(dir_fd, staging, 0700) < 0)
                return log_error_errno(-errno, "Failed to create volume %s: %m", m->source);
        staging_fd = openat(dir_fd, staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (staging_fd < 0) {
                r = log_error_errno(-errno, "Failed to open volume %s: %m", m->source);
                goto fail;
        }

        /* nocopy: an empty volume, whatever the image holds there. */
        src_fd = m->no_copy ? -ENOENT : open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, 0);
        if (src_fd == -ENOENT) {
                /* Nothing there in the image: an empty volume, as docker makes it. */
                if (fchmod(staging_fd, 0755) < 0) {
                        r = log_error_errno(-errno, "Failed to set up volume %s: %m", m->source);
                        goto fail;
                }
        } else if (src_fd < 0) {
                if (src_fd == -ENOTDIR)
                        r = log_error_errno(src_fd, "volume destination %s is not a directory in the image", m->destination);
                else
                        r = log_error_errno(src_fd, "Failed to resolve volume destination %s in the image: %m", m->destination);
                goto fail;
        } else {
                if (fstat(src_fd, &st) < 0 || fstat(root_fd, &root_st) < 0) {
                        r = log_error_errno(-errno, "Failed to check %s in the image: %m", m->destination);
                        goto fail;
                }
                if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) {
                        r = log_error_errno(-ELOOP, "volume destination %s resolves to the container's root in the image, refusing",
                                            m->destination);
                        goto fail;
                }
                r = copy_tree_at(src_fd, staging_fd, COPY_ROOT_ATTRS | COPY_WRITEBACK);
                if (r == -ENOSPC || r == -EDQUOT) {
                        log_error_errno(r, "Failed to copy %s of the image into volume %s: the disk is full "
                                        "(%m) in %s; the volume stays empty and is filled at its next use",
                                        m->destination, m->source, dir);
                        goto fail;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to copy %s of the image into volume %s: %m", m->destination, m->source);
                        goto fail;
                }
        }

        /* The .volume's User= and Group=: the owner of the volume's root, whatever the image's. */
        if (m->own && fchown(staging_fd, m->owner_uid, m->owner_gid) < 0) {
                r = log_error_errno(-errno, "Failed to set the owner of volume %s: %m", m->source);
                goto fail;
        }

        /* On disk before it is called ready: a crash after the rename must not find it half
         * written. syncfs() also says what writeback failed to write (Linux >= 5.8). */
        if (syncfs(staging_fd) < 0) {
                r = -errno;
                if (r == -ENOSPC || r == -EDQUOT)
                        log_error_errno(r, "Failed to write volume %s to disk: the disk is full (%m) in %s; the "
                                        "volume stays empty and is filled at its next use", m->source, dir);
                else
                        log_error_errno(r, "Failed to write volume %s to disk: %m", m->source);
                goto fail;
        }
        if (renameat2(dir_fd, staging, dir_fd, VOLUME_DATA, RENAME_NOREPLACE) < 0) {
                r = log_error_errno(-errno, "Failed to mark volume %s ready: %m", m->source);
                goto fail;
        }
        return 0;

fail:
        staging_fd = safe_close(staging_fd);
        if (rm_rf(staging_path) < 0)
                log_warning("Failed to remove %s, ignoring", staging_path);
        return r;
}

static int plan_trees(VolumePlan *p) {
        if (p->trees)
                return 0;
        p->trees = malloc(p->n * sizeof(int));
        if (!p->trees)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                p->trees[i] = -EBADF;
        return 0;
}

/* Mount i's file system on its block device, detached, for the child to attach: made here, by the
 * host's root, because a container's own (in a user namespace of its own) may not mount a block
 * device; a fresh mount at each start, which closing the fd ends. */
static int mount_device_fs(VolumePlan *p, size_t i) {
        const VolumeMount *m = &p->mounts[i];
        _cleanup_free_ char *options = NULL;
        unsigned flags = (m->read_only ? MOUNT_FLAG_RDONLY : 0) | m->flags | m->tmpfs_flags;
        char msg[256] = "";
        int r;

        if (plan_trees(p) < 0)
                return log_oom();
        options = m->tmpfs_options ? strjoin("source=", m->device, ",", m->tmpfs_options) : strjoin("source=", m->device);
        if (!options)
                return log_oom();
        r = mount_fs_detached(m->device_type, options, flags, msg, sizeof(msg), &p->trees[i]);
        if (r == -ENODEV)
                return log_error_errno(r, "volume %s: Type=%s is not a file system this kernel knows", m->source,
                                       m->device_type);
        if (r < 0)
                return log_error_errno(r, "volume %s: Failed to mount Device=%s (Type=%s%s%s): %m%s%s", m->source, m->device,
                                       m->device_type, m->tmpfs_options ? ", Options=" : "", m->tmpfs_options ?: "",
                                       msg[0] ? ": " : "", msg);
        return 0;
}

int volume_plan_prepare(VolumePlan *p, char **lowerdirs, const char *upperdir) {
        _cleanup_close_ int root_fd = -EBADF;
        int r;

        for (size_t i = 0; i < p->n; i++) {
                const VolumeMount *m = &p->mounts[i];
                _cleanup_free_ char *dir = NULL;
                struct stat st;

                if (m->type != VOLUME_NAMED && m->type != VOLUME_ANONYMOUS)
                        continue;
                r = volume_create(m->source);
                if (r < 0)
                        return log_error_errno(r, "Failed to create volume %s: %m", m->source);
                if (device_fs(m)) {
                        r = mount_device_fs(p, i);
                        if (r < 0)
                                return r;
                }
                if (m->device)
                        continue; /* a mount of its device, made per start: nothing in the store */
                if (stat(m->data_path, &st) >= 0)
                        continue; /* used before: never filled twice */
                if (errno != ENOENT)
                        return log_error_errno(-errno, "Failed to check volume %s: %m", m->source);

                if (root_fd < 0) {
                        _cleanup_strv_free_ char **layers = NULL;

                        /* The container's upper directory on top: a volume new to a container
                         * that ran before gets what the container itself wrote there. */
                        r = strv_extend(&layers, upperdir);
                        STRV_FOREACH(l, lowerdirs)
                                if (r >= 0)
                                        r = strv_extend(&layers, *l);
                        if (r < 0)
                                return log_oom();
                        r = mount_overlay_detached(layers, &root_fd);
                        if (r < 0)
                                return log_error_errno(r, "Failed to open the image to fill volume %s: %m", m->source);
                }
                r = volume_dir(m->source, &dir);
                if (r < 0)
                        return log_oom();
                r = volume_fill(m, dir, root_fd);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- mounting, in the payload's child ---- */

/* An O_PATH fd of the file at path inside the root; an empty one created when missing, its
 * directories too. Only the last component is created here, with O_EXCL|O_NOFOLLOW. */
static int file_in_root(int root_fd, const char *path) {
        _cleanup_free_ char *parent = NULL;
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF;
        const char *slash;

        fd = open_in_root(root_fd, path, O_PATH, 0);
        if (fd != -ENOENT)
                return TAKE_FD(fd);
        slash = strrchr(path, '/');
        parent = strndup(path, (size_t) (slash - path));
        if (!parent)
                return -ENOMEM;
        dir_fd = isempty(parent) ? open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0) : mkdir_in_root(root_fd, parent, 0755);
        if (dir_fd < 0)
                return dir_fd;
        fd = openat(dir_fd, slash + 1, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0 && errno != EEXIST)
                return -errno;
        fd = safe_close(fd);
        return open_in_root(root_fd, path, O_PATH, 0);
}

static const char *volume_type_noun(VolumeType t) {
        switch (t) {
        case VOLUME_BIND:
                return "bind mount";
        case VOLUME_TMPFS:
                return "tmpfs";
        case VOLUME_IMAGE:
                return "image mount";
        case VOLUME_NAMED:
        case VOLUME_ANONYMOUS:
        case _VOLUME_TYPE_MAX:
        case _VOLUME_TYPE_INVALID:
        default:
                return "volume";
        }
}

static unsigned long propagation_flags(VolumePropagation p) {
        switch (p) {
        case VOLUME_PROPAGATION_PRIVATE:
        case VOLUME_PROPAGATION_RPRIVATE:
                return MS_PRIVATE;
        case VOLUME_PROPAGATION_SLAVE:
        case VOLUME_PROPAGATION_RSLAVE:
                return MS_SLAVE;
        case VOLUME_PROPAGATION_DEFAULT:
        case _VOLUME_PROPAGATION_MAX:
        case _VOLUME_PROPAGATION_INVALID:
        default:
                return 0;
        }
}

/* ReadOnlyTmpfs='s tmpcopyup: what the image holds at path (under the tmpfs just mounted on
 * target_fd, reached through the fd of the directory it covers) copied into it. The copy never
 * follows a symlink of the image nor writes outside the tmpfs (copy.h). */
static int tmpfs_copy_up(int root_fd, const char *path, int target_fd) {
        _cleanup_close_ int under_fd = -EBADF, dst_fd = -EBADF;

        /* target_fd was opened before the mount: it still is the image's directory. */
        under_fd = openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (under_fd < 0)
                return -errno;
        dst_fd = open_in_root(root_fd, path, O_RDONLY | O_DIRECTORY, 0);
        if (dst_fd < 0)
                return dst_fd;
        return copy_tree_at(under_fd, dst_fd, COPY_ROOT_ATTRS);
}

/* Issue 16: leftovers. Mount=type=image: the image's layers as an overlay (a single layer
 * read-only: a bind of it, since overlayfs wants two lower layers without an upper one), with
 * rw=true over the upper and work directories volume_plan_prepare_overlays() made. */
static int mount_image(const VolumeMount *m, int root_fd, int target_fd, unsigned flags, char *msg, size_t msg_size) {
        _cleanup_free_ char *lower = NULL, *options = NULL;

        if (!m->overlay && strv_length(m->image_layers) == 1) {
                _cleanup_close_ int src_fd = open(m->image_layers[0], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

                if (src_fd < 0)
                        return -errno;
                return mount_bind_in_root(root_fd, m->destination, target_fd, src_fd, flags | MOUNT_FLAG_RDONLY,
                                          /* recursive= */ false);
        }
        lower = strv_join(m->image_layers, ":");
        if (!lower)
                return -ENOMEM;
        if (m->overlay)
                options = strjoin("source=overlay,lowerdir=", lower, ",upperdir=", m->overlay_upper, ",workdir=",
                                  m->overlay_work);
        else
                options = strjoin("source=overlay,lowerdir=", lower);
        if (!options)
                return -ENOMEM;
        return mount_fs_in_root(root_fd, m->destination, target_fd, "overlay", options,
                                flags | (m->overlay ? 0U : MOUNT_FLAG_RDONLY), msg, msg_size);
}

/* *ret_is_root: the destination resolved to the root itself (a symlink to "/" or "../.."): mounting
 * there would cover the whole root. */
static int mount_one(const VolumeMount *m, int idmapped_fd, int root_fd, bool *ret_is_root, char *msg, size_t msg_size) {
        _cleanup_close_ int src_fd = -EBADF, target_fd = -EBADF;
        struct stat st, root_st;
        unsigned flags = m->read_only ? MOUNT_FLAG_RDONLY : 0;
        bool dir = true, copy_up = false;

        bool tmpfs = m->type == VOLUME_TMPFS || (m->device && streq(m->device_type, "tmpfs"));

        if (idmapped_fd >= 0) {
                /* Issue 18: the parent's idmapped tree; the host's path may not be ours to walk. */
                if (fstat(idmapped_fd, &st) < 0)
                        return -errno;
                dir = S_ISDIR(st.st_mode);
        } else if (m->device && !tmpfs) {
                /* A .volume's bind of a host directory: never through a symlink. */
                src_fd = open_nofollow(m->device);
                if (src_fd < 0)
                        return src_fd;
                if (fstat(src_fd, &st) < 0)
                        return -errno;
                dir = S_ISDIR(st.st_mode);
        } else if (!m->device && (m->type == VOLUME_BIND || m->type == VOLUME_NAMED || m->type == VOLUME_ANONYMOUS)) {
                /* The host's path as given (the admin's); a volume's _data never through a link. */
                src_fd = open(m->type == VOLUME_BIND ? m->source : m->data_path,
                              O_PATH | O_CLOEXEC | (m->type == VOLUME_BIND ? 0 : O_NOFOLLOW | O_DIRECTORY));
                if (src_fd < 0)
                        return -errno;
                if (fstat(src_fd, &st) < 0)
                        return -errno;
                dir = S_ISDIR(st.st_mode);
        }

        /* ReadOnlyTmpfs=: a copy of what the image has there, if it has anything. */
        if (m->copy_up) {
                _cleanup_close_ int fd = open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, 0);

                copy_up = fd >= 0;
        }
        /* Inside the root, symlinks the image holds stay inside it; what is missing is made. */
        target_fd = dir ? mkdir_in_root(root_fd, m->destination, 0755) : file_in_root(root_fd, m->destination);
        if (target_fd < 0)
                return target_fd;
        if (fstat(target_fd, &st) < 0 || fstat(root_fd, &root_st) < 0)
                return -errno;
        if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) {
                *ret_is_root = true;
                return -ELOOP;
        }

        if (tmpfs) {
                _cleanup_free_ char *options = NULL;
                const char *source = m->device ?: "tmpfs";
                int r;

                /* "tmpfs" (or the .volume's Device=) in /proc/mounts' first column, as docker's. */
                options = m->tmpfs_options ? strjoin("source=", source, ",", m->tmpfs_options) : strjoin("source=", source);
                if (!options)
                        return -ENOMEM;
                /* Filled before it is made read-only, if it is to be both. */
                r = mount_fs_in_root(root_fd, m->destination, target_fd, "tmpfs", options,
                                     (m->tmpfs_flags | flags) & ~(copy_up ? MOUNT_FLAG_RDONLY : 0U), msg, msg_size);
                if (r < 0 || !copy_up)
                        return r;
                r = tmpfs_copy_up(root_fd, m->destination, target_fd);
                if (r < 0 || !((m->tmpfs_flags | flags) & MOUNT_FLAG_RDONLY))
                        return r;
                {
                        /* A read-only bind of the filled tmpfs over itself. */
                        _cleanup_close_ int fd = open_in_root(root_fd, m->destination, O_PATH | O_DIRECTORY, 0);

                        if (fd < 0)
                                return fd;
                        return mount_bind_in_root(root_fd, m->destination, fd, fd, m->tmpfs_flags | flags,
                                                  /* recursive= */ false);
                }
        }
        flags |= m->flags;
        /* Issue 18: user namespaces. The parent's idmapped tree, its flags set already. */
        if (idmapped_fd >= 0)
                return mount_tree_in_root(root_fd, m->destination, target_fd, idmapped_fd, flags & MOUNT_FLAG_RDONLY,
                                          propagation_flags(m->propagation),
                                          m->propagation == VOLUME_PROPAGATION_RPRIVATE ||
                                                  m->propagation == VOLUME_PROPAGATION_RSLAVE);
        if (m->type == VOLUME_IMAGE)
                return mount_image(m, root_fd, target_fd, flags, msg, msg_size);
        if (m->overlay)
                return mount_overlay_in_root(root_fd, m->destination, target_fd, m->source, m->overlay_upper,
                                             m->overlay_work, flags, msg, msg_size);
        /* A bind takes the host's submounts along (docker's rbind), and :ro covers them too. */
        return mount_bind_in_root_propagation(
                root_fd, m->destination, target_fd, src_fd, m->device ? m->tmpfs_flags | flags : flags,
                /* recursive= */ (m->type == VOLUME_BIND || m->device) && !m->non_recursive, propagation_flags(m->propagation),
                /* propagation_recursive= */ m->propagation == VOLUME_PROPAGATION_RPRIVATE ||
                        m->propagation == VOLUME_PROPAGATION_RSLAVE);
}

int volume_mount_all(const VolumePlan *p, int root_fd, bool api_dirs) {
        int r;

        for (size_t i = 0; i < p->n; i++) {
                const VolumeMount *m = &p->mounts[i];
                bool is_root = false;
                char msg[256] = "";

                if (volume_is_api_path(m->destination) != api_dirs)
                        continue;
                r = mount_one(m, p->trees ? p->trees[i] : -EBADF, root_fd, &is_root, msg, sizeof(msg));
                if (is_root)
                        return log_error_errno(r, "%s destination %s resolves to the container's root, refusing",
                                               volume_type_noun(m->type), m->destination);
                if (r < 0)
                        return log_error_errno(r, "Failed to mount %s%s%s on %s in the container: %m%s%s",
                                               volume_type_noun(m->type), m->source ? " " : "", m->source ?: "",
                                               m->destination, msg[0] ? ": " : "", msg);
        }
        return 0;
}

/* Issue 18: user namespaces. */
int volume_plan_idmap(VolumePlan *p, int userns_fd, uid_t root_uid, gid_t root_gid) {
        int r;

        if (p->n == 0)
                return 0;
        /* Each is a descriptor the child keeps until it attached it (close_all_fds_except()). */
        if (p->n > VOLUME_IDMAPPED_MAX)
                return log_error_errno(-E2BIG, "A container with a user namespace can have at most %d volumes and binds, not %zu",
                                       VOLUME_IDMAPPED_MAX, p->n);
        if (plan_trees(p) < 0)
                return log_oom();
        for (size_t i = 0; i < p->n; i++) {
                const VolumeMount *m = &p->mounts[i];
                bool tmpfs = m->type == VOLUME_TMPFS || (m->device && streq(m->device_type, "tmpfs"));
                const char *source = m->device ?: m->type == VOLUME_BIND ? m->source : m->data_path;
                bool bind = m->type == VOLUME_BIND || m->device;
                unsigned flags = (m->read_only ? MOUNT_FLAG_RDONLY : 0) | m->flags | (m->device ? m->tmpfs_flags : 0);

                if (tmpfs)
                        continue;
                if (device_fs(m)) {
                        /* The file system volume_plan_prepare() mounted, detached: idmapped in place. */
                        r = idmap_mount(userns_fd, p->trees[i]);
                        if (r == -EOPNOTSUPP || r == -EINVAL)
                                return log_error_errno(r, "volume %s: Type=%s on Device=%s cannot be idmapped for the user "
                                                          "namespace of the container: the file system does not support "
                                                          "idmapped mounts",
                                                       m->source, m->device_type, m->device);
                        if (r < 0)
                                return log_error_errno(r, "volume %s: Failed to idmap Device=%s for the user namespace of the "
                                                          "container: %m",
                                                       m->source, m->device);
                        continue;
                }
                if (m->type == VOLUME_IMAGE && !m->overlay && strv_length(m->image_layers) == 1) {
                        /* Mount=type=image of one layer: that layer, idmapped, read-only. */
                        r = idmap_tree(userns_fd, AT_FDCWD, m->image_layers[0], flags | MOUNT_FLAG_RDONLY, false, true,
                                       &p->trees[i]);
                        if (r < 0)
                                return log_error_errno(r, "Failed to prepare image %s for the user namespace of the container: %m",
                                                       m->source);
                        continue;
                }
                if (m->overlay || m->type == VOLUME_IMAGE) {
                        /* "O": the source idmapped under the container's own upper and work, which
                         * are siblings in one directory (volume_plan_prepare_overlays()); an image's
                         * layers the same (read-only without "O"). */
                        _cleanup_free_ char *dir = m->overlay ? strndup(m->overlay_upper, strlen(m->overlay_upper) - STRLEN("/upper")) : NULL;
                        char *lower[] = { m->source, NULL };
                        char msg[256] = "";

                        if (m->overlay && !dir)
                                return log_oom();
                        r = idmap_overlay(userns_fd, m->type == VOLUME_IMAGE ? m->image_layers : lower, dir, "upper", "work",
                                          root_uid, root_gid, flags | (m->overlay ? 0U : MOUNT_FLAG_RDONLY), msg, sizeof(msg),
                                          &p->trees[i]);
                        if (r == -EOPNOTSUPP)
                                return log_error_errno(r, "%s cannot be idmapped for the user namespace of the container: its "
                                                          "file system does not support idmapped mounts", m->source);
                        if (r < 0)
                                return log_error_errno(r, "Failed to mount the overlay on %s for %s: %m%s%s", m->source,
                                                       m->destination, msg[0] ? ": " : "", msg);
                        continue;
                }
                /* A bind: the admin's path as given, its submounts along (docker's rbind); a
                 * volume's _data never through a link. */
                r = idmap_tree(userns_fd, AT_FDCWD, source, flags, /* recursive= */ bind && !m->non_recursive,
                               /* nofollow= */ !bind, &p->trees[i]);
                if (r == -EOPNOTSUPP)
                        return log_error_errno(r, "%s %s cannot be idmapped for the user namespace of the container: its file "
                                                  "system does not support idmapped mounts (or a mount below it does not)",
                                               volume_type_noun(m->type), source);
                if (r < 0)
                        return log_error_errno(r, "Failed to prepare %s %s for the user namespace of the container: %m",
                                               volume_type_noun(m->type), source);
        }
        return 0;
}

int volume_anonymous_names_of(const Definition *d, char ***ret) {
        return names_of(d, /* anonymous_only= */ true, ret);
}
