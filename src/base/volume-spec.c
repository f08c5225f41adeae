/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mount-flags.h"
#include "name.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "volume-spec.h"

void volume_mount_done(VolumeMount *m) {
        free(m->source);
        free(m->destination);
        free(m->tmpfs_options);
        free(m->data_path);
        free(m->overlay_upper);
        free(m->overlay_work);
        free(m->device);
        free(m->device_type);
        strv_free(m->image_layers); /* Issue 16: leftovers. */
        *m = (VolumeMount) {};
}

/* ---- parsing ---- */

bool volume_is_api_path(const char *p) {
        return path_startswith(p, "/proc") || path_startswith(p, "/sys") || path_startswith(p, "/dev");
}

int volume_destination_check(const char *p, bool privileged, char **ret_why) {
        if (isempty(p))
                return reason(ret_why, -EINVAL, "empty destination");
        if (!path_is_absolute(p) || string_has_control_chars(p))
                return reason(ret_why, -EINVAL, "destination '%s' is not an absolute path", SHOWN(p));
        if (!path_is_normalized(p))
                return reason(ret_why, -EINVAL, "destination '%s' is not normalised (no '.', '..', '//' or trailing '/')",
                               SHOWN(p));
        if (streq(p, "/"))
                return reason(ret_why, -EINVAL, "destination '/' would hide the container's root");
        /* The kernel's file systems there are the runtime's to set up and to mask (SECURITY.md). */
        if (!privileged && volume_is_api_path(p))
                return reason(ret_why, -EINVAL, "destination '%s' is under /proc, /sys or /dev (allowed only with Privileged=yes)",
                               SHOWN(p));
        return 0;
}

/* "ro", "rw", or a comma-separated list of them. */
static int parse_mode_options(const char *opts, bool *ret_read_only, char **ret_why) {
        _cleanup_free_ char *copy = NULL;
        bool ro = false, rw = false;
        char *save = NULL;

        if (isempty(opts))
                return reason(ret_why, -EINVAL, "empty options after ':'");
        copy = strdup(opts);
        if (!copy)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                if (streq(o, "ro"))
                        ro = true;
                else if (streq(o, "rw"))
                        rw = true;
                else
                        return reason(ret_why, -EINVAL, "unknown option '%s' (ro or rw)", SHOWN(o));
        }
        if (ro && rw)
                return reason(ret_why, -EINVAL, "options '%s' say both ro and rw", SHOWN(opts));
        if (!ro && !rw)
                return reason(ret_why, -EINVAL, "empty options '%s'", SHOWN(opts));
        *ret_read_only = ro;
        return 0;
}

VolumePropagation volume_propagation_from_string(const char *s) {
        static const char *const table[_VOLUME_PROPAGATION_MAX] = {
                [VOLUME_PROPAGATION_PRIVATE] = "private",
                [VOLUME_PROPAGATION_RPRIVATE] = "rprivate",
                [VOLUME_PROPAGATION_SLAVE] = "slave",
                [VOLUME_PROPAGATION_RSLAVE] = "rslave",
        };

        if (streq_ptr(s, "shared") || streq_ptr(s, "rshared"))
                return -EOPNOTSUPP;
        for (int i = VOLUME_PROPAGATION_PRIVATE; i < _VOLUME_PROPAGATION_MAX; i++)
                if (streq_ptr(s, table[i]))
                        return (VolumePropagation) i;
        return _VOLUME_PROPAGATION_INVALID;
}

int volume_mount_check_options(const VolumeMount *m, const char *what, char **ret_why) {
        bool bind = m->type == VOLUME_BIND;

        if (m->type == VOLUME_TMPFS || m->type == VOLUME_IMAGE) /* Issue 16: leftovers. Its own checks. */
                return 0;
        if (!bind && (m->non_recursive || m->propagation != VOLUME_PROPAGATION_DEFAULT))
                return reason(ret_why, -EINVAL, "%s: bind and propagation options are for binds of host paths, not volumes",
                              what);
        if (m->no_copy && bind)
                return reason(ret_why, -EINVAL, "%s: nocopy is for volumes, not binds of host paths", what);
        if (m->overlay) {
                if (!bind)
                        return reason(ret_why, -EINVAL, "%s: O (an overlay) is for binds of host paths, not volumes", what);
                if (m->chown || m->non_recursive || m->propagation != VOLUME_PROPAGATION_DEFAULT)
                        return reason(ret_why, -EINVAL, "%s: O (an overlay) does not go with U, bind or propagation options",
                                      what);
                /* overlayfs splits lowerdir at ':' and ',', with '\\' as the escape. */
                if (m->source && strpbrk(m->source, ":,\\"))
                        return reason(ret_why, -EINVAL, "%s: O cannot overlay '%s': its path holds ':', ',' or '\\'", what,
                                      SHOWN(m->source));
        }
        return 0;
}

/* Volume='s options: docker's and podman's -v. */
static int parse_volume_options(const char *opts, VolumeMount *m, char **ret_why) {
        static const struct {
                const char *name;
                unsigned flag;
                bool set;
        } flag_options[] = {
                { "noexec", MOUNT_FLAG_NOEXEC, true },  { "exec", MOUNT_FLAG_NOEXEC, false },
                { "nosuid", MOUNT_FLAG_NOSUID, true },  { "suid", MOUNT_FLAG_NOSUID, false },
                { "nodev", MOUNT_FLAG_NODEV, true },    { "dev", MOUNT_FLAG_NODEV, false },
        };
        _cleanup_free_ char *copy = NULL;
        bool ro = false, rw = false, recursive = false, propagation = false;
        char *save = NULL;

        if (isempty(opts))
                return reason(ret_why, -EINVAL, "empty options after ':'");
        copy = strdup(opts);
        if (!copy)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                VolumePropagation p;
                bool known = false;

                for (size_t i = 0; i < ELEMENTSOF(flag_options); i++)
                        if (streq(o, flag_options[i].name)) {
                                m->flags = flag_options[i].set ? m->flags | flag_options[i].flag
                                                               : m->flags & ~flag_options[i].flag;
                                known = true;
                        }
                if (known)
                        continue;
                if (streq(o, "ro"))
                        ro = true;
                else if (streq(o, "rw"))
                        rw = true;
                else if (streq(o, "U"))
                        m->chown = true;
                else if (streq(o, "z") || streq(o, "Z"))
                        m->relabel = true;
                else if (streq(o, "O"))
                        m->overlay = true;
                else if (streq(o, "nocopy"))
                        m->no_copy = true;
                else if (streq(o, "copy"))
                        m->no_copy = false;
                else if (streq(o, "rbind") || streq(o, "bind")) {
                        if (recursive)
                                return reason(ret_why, -EINVAL, "options '%s' say rbind or bind twice", SHOWN(opts));
                        recursive = true;
                        m->non_recursive = streq(o, "bind");
                } else if ((p = volume_propagation_from_string(o)) != _VOLUME_PROPAGATION_INVALID) {
                        if (p == -EOPNOTSUPP)
                                return reason(ret_why, -EINVAL, "option '%s' is not supported: nothing mounted in a berth container "
                                              "propagates back to the host (private, rprivate, slave or rslave)", o);
                        if (propagation)
                                return reason(ret_why, -EINVAL, "options '%s' give the propagation twice", SHOWN(opts));
                        propagation = true;
                        m->propagation = p;
                } else if (streq(o, "idmap") || startswith(o, "idmap=") || startswith(o, "upperdir=") ||
                           startswith(o, "workdir="))
                        return reason(ret_why, -EINVAL, "option '%s' is podman-specific and not supported by berth", SHOWN(o));
                else
                        return reason(ret_why, -EINVAL, "unknown option '%s' (ro, rw, U, z, Z, O, nocopy, [no]exec, [no]suid, "
                                      "[no]dev, rbind, bind, [r]private, [r]slave)", SHOWN(o));
        }
        if (ro && rw)
                return reason(ret_why, -EINVAL, "options '%s' say both ro and rw", SHOWN(opts));
        m->read_only = ro;
        return 0;
}

int volume_spec_parse(const char *spec, VolumeMount *ret, char **ret_why) {
        _cleanup_free_ char *copy = NULL;
        const char *src = NULL, *dst, *opts = NULL;
        char *parts[4] = {};
        size_t n = 0;
        int r;

        if (isempty(spec))
                return reason(ret_why, -EINVAL, "empty value");
        if (string_has_control_chars(spec))
                return reason(ret_why, -EINVAL, "'%s' contains control characters", SHOWN(spec));
        copy = strdup(spec);
        if (!copy)
                return -ENOMEM;
        for (char *p = copy;;) {
                char *colon = strchr(p, ':');

                if (n == ELEMENTSOF(parts) - 1)
                        return reason(ret_why, -EINVAL, "'%s' is not SRC:DST[:OPTS] or DST[:OPTS] (too many ':')", SHOWN(spec));
                parts[n++] = p;
                if (!colon)
                        break;
                *colon = 0;
                p = colon + 1;
        }
        if (n == 1)
                dst = parts[0];
        else if (n == 2 && !path_is_absolute(parts[1]) && path_is_absolute(parts[0])) {
                /* "/data:ro": docker's anonymous volume with options. */
                dst = parts[0];
                opts = parts[1];
        } else {
                src = parts[0];
                dst = parts[1];
                opts = n == 3 ? parts[2] : NULL;
        }

        r = volume_destination_check(dst, /* privileged= */ true, ret_why);
        if (r < 0)
                return r;
        if (src) {
                if (isempty(src))
                        return reason(ret_why, -EINVAL, "empty volume name before '%s'", SHOWN(dst));
                if (path_is_absolute(src)) {
                        if (!path_is_normalized(src))
                                return reason(ret_why, -EINVAL, "bind source '%s' is not normalised (no '.', '..', '//' or trailing '/')",
                                               SHOWN(src));
                } else if (!name_is_plain(src))
                        return reason(ret_why, -EINVAL, "'%s' is neither an absolute host path nor a valid volume name (names must match " NAME_RULE ")",
                                       SHOWN(src));
        }
        {
                VolumeMount m = {
                        .type = !src ? VOLUME_ANONYMOUS : path_is_absolute(src) ? VOLUME_BIND : VOLUME_NAMED,
                        .source = (char *) src,
                };

                if (opts) {
                        r = parse_volume_options(opts, &m, ret_why);
                        if (r < 0)
                                return r;
                }
                r = volume_mount_check_options(&m, "options", ret_why);
                if (r < 0)
                        return r;
                if (!ret)
                        return 0;
                m.source = src ? strdup(src) : NULL; /* was only borrowed for the checks */
                m.destination = strdup(dst);
                if (!m.destination || (src && !m.source)) {
                        volume_mount_done(&m);
                        return -ENOMEM;
                }
                *ret = m;
        }
        return 0;
}

int volume_from_parse(const char *spec, char **ret_name, bool *ret_read_only, char **ret_why) {
        _cleanup_free_ char *name = NULL;
        const char *colon;
        bool ro = false;
        int r;

        if (isempty(spec))
                return reason(ret_why, -EINVAL, "empty value");
        colon = strchr(spec, ':');
        name = colon ? strndup(spec, (size_t) (colon - spec)) : strdup(spec);
        if (!name)
                return -ENOMEM;
        if (!name_is_valid(name))
                return reason(ret_why, -EINVAL, "'%s' is not a valid container name (names must match " NAME_RULE ")",
                               SHOWN(name));
        if (colon) {
                r = parse_mode_options(colon + 1, &ro, ret_why);
                if (r < 0)
                        return r;
        }
        if (ret_name)
                *ret_name = TAKE_PTR(name);
        if (ret_read_only)
                *ret_read_only = ro;
        return 0;
}

static bool is_number(const char *s, const char *suffixes) {
        size_t n = strspn(s, "0123456789");

        if (n == 0 || n > 19)
                return false;
        return !s[n] || (suffixes && strchr(suffixes, s[n]) && !s[n + 1]);
}

/* docker's --tmpfs options: size=, mode=, uid=, gid=, nr_inodes=, ro/rw, exec/noexec,
 * suid/nosuid, dev/nodev; docker's defaults nosuid, nodev, noexec. */
int volume_tmpfs_parse(const char *spec, VolumeMount *ret, char **ret_why) {
        static const struct {
                const char *name;
                unsigned flag;
                bool set;
        } flag_options[] = {
                { "ro", MOUNT_FLAG_RDONLY, true },      { "rw", MOUNT_FLAG_RDONLY, false },
                { "noexec", MOUNT_FLAG_NOEXEC, true },  { "exec", MOUNT_FLAG_NOEXEC, false },
                { "nosuid", MOUNT_FLAG_NOSUID, true },  { "suid", MOUNT_FLAG_NOSUID, false },
                { "nodev", MOUNT_FLAG_NODEV, true },    { "dev", MOUNT_FLAG_NODEV, false },
        };
        _cleanup_free_ char *dst = NULL, *copy = NULL, *fs_options = NULL;
        unsigned flags = MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC;
        const char *colon;
        char *save = NULL;
        int r;

        if (isempty(spec))
                return reason(ret_why, -EINVAL, "empty value");
        if (string_has_control_chars(spec))
                return reason(ret_why, -EINVAL, "'%s' contains control characters", SHOWN(spec));
        colon = strchr(spec, ':');
        dst = colon ? strndup(spec, (size_t) (colon - spec)) : strdup(spec);
        if (!dst)
                return -ENOMEM;
        r = volume_destination_check(dst, /* privileged= */ true, ret_why);
        if (r < 0)
                return r;

        if (colon) {
                if (isempty(colon + 1))
                        return reason(ret_why, -EINVAL, "empty options after ':'");
                copy = strdup(colon + 1);
                if (!copy)
                        return -ENOMEM;
        }
        for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(o, '='), *add = NULL;
                const char *v = eq ? eq + 1 : NULL;
                bool known = false;

                for (size_t i = 0; i < ELEMENTSOF(flag_options); i++)
                        if (!eq && streq(o, flag_options[i].name)) {
                                flags = flag_options[i].set ? flags | flag_options[i].flag : flags & ~flag_options[i].flag;
                                known = true;
                        }
                if (known)
                        continue;
                if (!eq)
                        return reason(ret_why, -EINVAL, "unknown tmpfs option '%s'", SHOWN(o));
                *eq = 0;
                if (streq(o, "size")) {
                        uint64_t bytes;

                        if (parse_size(v, &bytes) < 0 || bytes == 0)
                                return reason(ret_why, -EINVAL, "tmpfs size '%s' is not a size (e.g. 64m)", SHOWN(v));
                        if (asprintf(&add, "size=%" PRIu64, bytes) < 0)
                                return -ENOMEM;
                } else if (streq(o, "mode")) {
                        if (strspn(v, "01234567") != strlen(v) || strlen(v) == 0 || strlen(v) > 4)
                                return reason(ret_why, -EINVAL, "tmpfs mode '%s' is not an octal mode (e.g. 1777)", SHOWN(v));
                } else if (streq(o, "uid") || streq(o, "gid")) {
                        unsigned id;

                        if (!is_number(v, NULL) || safe_atou(v, &id) < 0 || id == UINT32_MAX)
                                return reason(ret_why, -EINVAL, "tmpfs %s '%s' is not a number", o, SHOWN(v));
                } else if (streq(o, "nr_inodes")) {
                        if (!is_number(v, "kKmMgG"))
                                return reason(ret_why, -EINVAL, "tmpfs nr_inodes '%s' is not a number", SHOWN(v));
                } else
                        return reason(ret_why, -EINVAL, "unknown tmpfs option '%s'", SHOWN(o));
                if (!add && asprintf(&add, "%s=%s", o, v) < 0)
                        return -ENOMEM;
                {
                        char *j = fs_options ? strjoin(fs_options, ",", add) : strdup(add);

                        free(add);
                        if (!j)
                                return -ENOMEM;
                        free(fs_options);
                        fs_options = j;
                }
        }

        if (ret) {
                *ret = (VolumeMount) {
                        .type = VOLUME_TMPFS,
                        .destination = TAKE_PTR(dst),
                        .read_only = flags & MOUNT_FLAG_RDONLY,
                        .tmpfs_options = TAKE_PTR(fs_options),
                        .tmpfs_flags = flags,
                };
        }
        return 0;
}

/* FNV-1a, 64 bits: stable across builds and machines, which is all a name needs. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
        const unsigned char *p = data;

        for (size_t i = 0; i < n; i++) {
                h ^= p[i];
                h *= UINT64_C(0x100000001b3);
        }
        return h;
}

int volume_anonymous_name(const char *container, const char *destination, char **ret) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        size_t keep;

        if (!name_is_valid(container) || isempty(destination))
                return -EINVAL;
        h = fnv1a(h, container, strlen(container) + 1);
        h = fnv1a(h, destination, strlen(destination));
        keep = MIN(strlen(container), (size_t) (NAME_MAX_LEN - 1 - VOLUME_ANONYMOUS_HASH_LEN));
        if (asprintf(ret, "%.*s-%016" PRIx64, (int) keep, container, h) < 0)
                return -ENOMEM;
        return 0;
}

