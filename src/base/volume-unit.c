/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Quadlet's .volume files (volume-unit.h): the [Volume] parser, finding the file that defines a
 * volume, and Volume=NAME.volume in a definition. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition-list.h"
#include "definition-mounts.h"
#include "definition-quote.h"
#include "definition-unit.h"
#include "fd-util.h"
#include "mount-flags.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "volume-unit.h"

#define VOLUME_SUFFIX ".volume"
#define VOLUME_UNIT_SIZE_MAX (64U * 1024U)

VolumeUnit *volume_unit_free(VolumeUnit *u) {
        if (!u)
                return NULL;
        free(u->path);
        free(u->name);
        strv_free(u->labels);
        free(u->device);
        free(u->type);
        free(u->options);
        free(u->fs_options);
        free(u);
        return NULL;
}

/* ---- the keys ---- */

/* A host user or group: a number, or a name in the host's /etc/passwd or /etc/group (Quadlet's
 * documentation says User= and Group= take both). */
static int parse_id(const char *key, const char *value, bool group, unsigned *ret, char **ret_why) {
        _cleanup_fclose_ FILE *f = NULL;
        unsigned id;

        if (safe_atou(value, &id) >= 0) {
                if (id == UINT32_MAX)
                        return reason(ret_why, -EINVAL, "%s=%s: not a valid id", key, value);
                *ret = id;
                return 0;
        }
        if (!name_is_plain(value))
                return reason(ret_why, -EINVAL, "%s='%s' is neither a number nor a %s name", key,
                              SHOWN(value), group ? "group" : "user");
        /* The host's files, not NSS: the generator reads .volume files at boot, when a
         * directory service may not answer. */
        f = fopen(group ? "/etc/group" : "/etc/passwd", "re");
        if (!f)
                return reason(ret_why, -EINVAL, "%s=%s: cannot read %s: %s", key, value,
                              group ? "/etc/group" : "/etc/passwd", strerror(errno));
        for (;;) {
                if (group) {
                        struct group *g = fgetgrent(f);

                        if (!g)
                                break;
                        if (streq(g->gr_name, value)) {
                                *ret = g->gr_gid;
                                return 0;
                        }
                } else {
                        struct passwd *p = fgetpwent(f);

                        if (!p)
                                break;
                        if (streq(p->pw_name, value)) {
                                *ret = p->pw_uid;
                                return 0;
                        }
                }
        }
        return reason(ret_why, -EINVAL, "%s=%s: no such %s in %s", key, value, group ? "group" : "user",
                      group ? "/etc/group" : "/etc/passwd");
        return 0;
}

static int parse_labels(VolumeUnit *u, const char *value, const char *base, char **ret_why) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                u->labels = strv_free(u->labels);
                return 0;
        }
        r = definition_words_parse(value, SPLIT_CUNESCAPE, base, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                size_t k = strcspn(*w, "=");
                bool replaced = false;

                if (k == 0 || !(*w)[k])
                        return reason(ret_why, -EINVAL, "Label='%s' is not KEY=VALUE", SHOWN(*w));
                if (string_has_control_chars(*w))
                        return reason(ret_why, -EINVAL, "Label='%s' has control characters", SHOWN(*w));
                STRV_FOREACH(l, u->labels)
                if (strncmp(*l, *w, k + 1) == 0) {
                        r = free_and_strdup(l, *w);
                        if (r < 0)
                                return r;
                        replaced = true;
                }
                if (!replaced) {
                        r = strv_extend(&u->labels, *w);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* A kernel file system type as /proc/filesystems names them: ext4, xfs, btrfs, vfat, f2fs, ... */
static bool fs_type_name_ok(const char *t) {
        size_t n = strlen(t);

        if (n == 0 || n > 32 || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= '0' && t[0] <= '9')))
                return false;
        for (const char *c = t; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("._+-", *c)))
                        return false;
        return true;
}

/* The kernel's file systems that take no device and would hand the container a view of the host
 * (a cgroup hierarchy with its release_agent, sysfs, debugfs ...): never a volume. The start also
 * refuses any type /proc/filesystems marks nodev. */
static bool fs_type_is_pseudo(const char *t) {
        static const char *const pseudo[] = {
                "autofs",  "binfmt_misc", "bpf",      "cgroup",   "cgroup2", "configfs", "debugfs", "devpts",
                "devtmpfs", "efivarfs",   "fusectl",  "hugetlbfs", "mqueue", "nsfs",     "overlay", "pipefs",
                "proc",    "pstore",      "ramfs",    "rpc_pipefs", "securityfs", "sockfs", "sysfs", "tracefs",
        };

        for (size_t i = 0; i < ELEMENTSOF(pseudo); i++)
                if (streq(t, pseudo[i]))
                        return true;
        return false;
}

static int volume_key(VolumeUnit *u, const char *key, const char *raw, const char *base, char **ret_why) {
        static const char *const podman[] = {"ContainersConfModule", "GlobalArgs", "PodmanArgs"};
        _cleanup_free_ char *value = NULL;
        unsigned id;
        int r, b;

        for (size_t i = 0; i < ELEMENTSOF(podman); i++)
                if (streq(key, podman[i]))
                        return reason(ret_why, -EINVAL, "%s=: podman-specific, berth has no equivalent",
                                      key);
        if (streq(key, "ServiceName"))
                return reason(ret_why, -EINVAL,
                              "ServiceName=: berth makes no unit for a volume, it is created when a "
                              "container first uses it");
        if (streq(key, "Label"))
                return parse_labels(u, raw, base, ret_why);

        r = definition_value_parse(raw, base, &value, ret_why);
        if (r < 0)
                return r;
        if (streq(key, "VolumeName")) {
                if (!name_is_plain(value))
                        return reason(ret_why, -EINVAL,
                                      "VolumeName='%s' is not a volume name (" NAME_RULE ")", SHOWN(value));
                return free_and_strdup(&u->name, value);
        }
        if (streq(key, "Copy")) {
                b = parse_boolean(value);
                if (b < 0)
                        return reason(ret_why, -EINVAL, "Copy='%s' is not a boolean", SHOWN(value));
                u->copy = b;
                return 0;
        }
        if (streq(key, "User") || streq(key, "UID")) {
                r = parse_id(key, value, /* group= */ false, &id, ret_why);
                if (r >= 0)
                        u->uid = (uid_t) id;
                return r;
        }
        if (streq(key, "Group") || streq(key, "GID")) {
                r = parse_id(key, value, /* group= */ true, &id, ret_why);
                if (r >= 0)
                        u->gid = (gid_t) id;
                return r;
        }
        if (streq(key, "Device")) {
                if (isempty(value) || string_has_control_chars(value))
                        return reason(ret_why, -EINVAL, "Device='%s' is not a device", SHOWN(value));
                return free_and_strdup(&u->device, value);
        }
        if (streq(key, "Type")) {
                if (streq(value, "tmpfs") || streq(value, "bind"))
                        return free_and_strdup(&u->type, value);
                if (streq(value, "none"))
                        return reason(ret_why, -EINVAL,
                                      "Type=none: write Type=bind for a bind of a host directory");
                if (startswith(value, "nfs") || streq(value, "cifs") || streq(value, "smb3") ||
                    startswith(value, "fuse") || streq(value, "sshfs") || streq(value, "glusterfs") ||
                    streq(value, "ceph"))
                        return reason(ret_why, -EINVAL,
                                      "Type=%s needs a mount helper (mount.%s), which berth does not run",
                                      SHOWN(value), SHOWN(value));
                if (fs_type_is_pseudo(value))
                        return reason(ret_why, -EINVAL,
                                      "Type=%s is no file system of a block device (a file system on a "
                                      "block device, tmpfs or bind)",
                                      SHOWN(value));
                if (!fs_type_name_ok(value))
                        return reason(ret_why, -EINVAL, "Type=%s is not a file system type", SHOWN(value));
                return free_and_strdup(&u->type, value);
        }
        if (streq(key, "Options")) {
                if (string_has_control_chars(value))
                        return reason(ret_why, -EINVAL, "Options='%s' has control characters", SHOWN(value));
                if (isempty(value)) {
                        free(u->options);
                        u->options = NULL;
                        return 0;
                }
                return free_and_strdup(&u->options, value);
        }
        if (streq(key, "Driver")) {
                if (streq(value, "local"))
                        return 0;
                if (streq(value, "image"))
                        return reason(ret_why, -EINVAL, "Driver=image: image volumes are not supported yet");
                return reason(ret_why, -EINVAL, "Driver=%s: berth has the local driver only", SHOWN(value));
        }
        if (streq(key, "Image"))
                return reason(ret_why, -EINVAL,
                              "Image=: a volume of an image needs Driver=image, which berth does not "
                              "support yet");
        return reason(ret_why, -EINVAL, "%s=: unknown key in section [Volume]", SHOWN(key));
}

/* Options= against Type=, into u's fs_options, flags and recursive. */
static int check_options(VolumeUnit *u, char **ret_why) {
        static const struct {
                const char *name;
                unsigned flag;
                bool set;
        } flag_options[] = {
                { "ro", MOUNT_FLAG_RDONLY, true },     { "rw", MOUNT_FLAG_RDONLY, false },
                { "noexec", MOUNT_FLAG_NOEXEC, true }, { "exec", MOUNT_FLAG_NOEXEC, false },
                { "nosuid", MOUNT_FLAG_NOSUID, true }, { "suid", MOUNT_FLAG_NOSUID, false },
                { "nodev", MOUNT_FLAG_NODEV, true },   { "dev", MOUNT_FLAG_NODEV, false },
        };
        _cleanup_(volume_mount_done) VolumeMount m = {};
        _cleanup_free_ char *copy = NULL, *joined = NULL, *spec = NULL, *why = NULL;
        _cleanup_strv_free_ char **rest = NULL;
        bool bind = streq(u->type, "bind");
        char *save = NULL, id[32];
        int r;

        /* A volume's mount is nosuid and nodev unless Options= says otherwise, as podman's. */
        u->flags = MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV;
        u->recursive = false;
        copy = strdup(u->options ?: "");
        if (!copy)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                bool known = false;

                for (size_t i = 0; i < ELEMENTSOF(flag_options); i++)
                        if (streq(o, flag_options[i].name)) {
                                u->flags = flag_options[i].set ? u->flags | flag_options[i].flag
                                                               : u->flags & ~flag_options[i].flag;
                                known = true;
                        }
                if (known)
                        continue;
                if (bind) {
                        if (streq(o, "bind") || streq(o, "rbind")) {
                                u->recursive = streq(o, "rbind");
                                continue;
                        }
                        return reason(ret_why, -EINVAL,
                                      "Options=: '%s' is not an option of a bind (bind, rbind, ro, rw, "
                                      "[no]exec, [no]suid, [no]dev)",
                                      SHOWN(o));
                }
                r = strv_extend(&rest, o);
                if (r < 0)
                        return r;
        }
        if (bind)
                return 0;

        /* tmpfs and a device's file system: User= and Group= as uid= and gid= (podman's). */
        if (u->uid != (uid_t) -1) {
                snprintf(id, sizeof(id), "uid=%u", (unsigned) u->uid);
                if (strv_extend(&rest, id) < 0)
                        return -ENOMEM;
        }
        if (u->gid != (gid_t) -1) {
                snprintf(id, sizeof(id), "gid=%u", (unsigned) u->gid);
                if (strv_extend(&rest, id) < 0)
                        return -ENOMEM;
        }
        joined = rest ? strv_join(rest, ",") : strdup("");
        if (!joined)
                return -ENOMEM;
        if (!streq(u->type, "tmpfs")) {
                /* A device's file system: its options are the kernel's to check, at the start. */
                STRV_FOREACH(o, rest)
                        if ((*o)[0] == '=' || startswith(*o, "source=") || streq(*o, "source"))
                                return reason(ret_why, -EINVAL,
                                              "Options=: '%s' is not a mount option (the source is Device=)",
                                              SHOWN(*o));
                u->fs_options = *joined ? TAKE_PTR(joined) : NULL;
                return 0;
        }
        spec = strjoin("/v", *joined ? ":" : "", joined);
        if (!spec)
                return -ENOMEM;
        r = volume_tmpfs_parse(spec, &m, &why);
        if (r == -EINVAL)
                return reason(ret_why, r, "Options=: %s", why ?: "invalid");
        if (r < 0)
                return r;
        u->fs_options = TAKE_PTR(m.tmpfs_options);
        return 0;
}

/* What the keys mean together, once the file is read. */
static int check_unit(VolumeUnit *u, char **ret_why) {
        if (!name_is_plain(u->name))
                return reason(ret_why, -EINVAL,
                              "the volume's name '%s' is not a volume name (" NAME_RULE "): set VolumeName=",
                              SHOWN(u->name));
        if (u->type && !u->device)
                return reason(ret_why, -EINVAL, "Type= needs Device=, the device to mount");
        if (!u->device) {
                if (u->options)
                        return reason(ret_why, -EINVAL,
                                      "Options= are mount options of a Device=, which is not given");
                return 0;
        }
        if (!u->type)
                return reason(ret_why, -EINVAL,
                              "Device=%s needs Type= (a file system such as ext4, tmpfs or bind): berth "
                              "does not probe file systems",
                              SHOWN(u->device));
        if (streq(u->type, "bind")) {
                if (!path_is_absolute(u->device) || !path_is_normalized(u->device) || streq(u->device, "/"))
                        return reason(ret_why, -EINVAL,
                                      "Device=%s: a bind's device is an absolute, normalised host path "
                                      "other than /",
                                      SHOWN(u->device));
                if (u->uid != (uid_t) -1 || u->gid != (gid_t) -1)
                        return reason(ret_why, -EINVAL,
                                      "User=, Group=: a bind's owner is its host directory's");
                if (u->copy > 0)
                        return reason(ret_why, -EINVAL,
                                      "Copy=yes: berth never copies into a host directory");
        } else if (streq(u->type, "tmpfs")) {
                if (!name_is_plain(u->device))
                        return reason(ret_why, -EINVAL,
                                      "Device=%s: a tmpfs's device is a plain word (e.g. tmpfs)", SHOWN(u->device));
        } else {
                if (!path_is_absolute(u->device) || !path_is_normalized(u->device) || streq(u->device, "/") ||
                    strchr(u->device, ','))
                        return reason(ret_why, -EINVAL,
                                      "Device=%s: a file system's device is an absolute, normalised path of a "
                                      "block device (e.g. /dev/vdb1 or /dev/disk/by-label/data)",
                                      SHOWN(u->device));
                if (u->copy > 0)
                        return reason(ret_why, -EINVAL,
                                      "Copy=yes: berth does not copy an image's files onto a device's file "
                                      "system; write Copy=no");
        }
        return check_options(u, ret_why);
}

/* ---- the file ---- */

/* Whether the n bytes at l end in an unescaped backslash (systemd's rule). */
static bool ends_in_continuation(const char *l, size_t n) {
        size_t backslashes = 0;

        while (backslashes < n && l[n - 1 - backslashes] == '\\')
                backslashes++;
        return backslashes % 2 == 1;
}

/* NAME of .../NAME.volume; NULL on OOM or for a path that is no NAME.volume. */
static char *base_of(const char *path) {
        const char *file = strrchr(path, '/'), *suffix;

        file = file ? file + 1 : path;
        suffix = endswith(file, VOLUME_SUFFIX);
        if (!suffix || suffix == file)
                return NULL;
        return strndup(file, (size_t) (suffix - file));
}

static int parse_line(VolumeUnit *u, char *l, const char *base, bool *in_volume, char **ret_why) {
        char *eq;

        l = strstrip(l);
        if (!*l)
                return 0;
        if (*l == '[') {
                *in_volume = streq(l, "[Volume]");
                if (*in_volume || (startswith(l, "[X-") && endswith(l, "]")))
                        return 0;
                if (streq(l, "[Unit]") || streq(l, "[Service]") || streq(l, "[Install]") ||
                    streq(l, "[Quadlet]"))
                        return reason(ret_why, -EINVAL,
                                      "section %s: berth makes no unit for a volume (it is created when a "
                                      "container first uses it), so there is nothing to apply it to",
                                      l);
                return reason(ret_why, -EINVAL, "unknown section '%s'", SHOWN(l));
        }
        eq = strchr(l, '=');
        if (!eq)
                return reason(ret_why, -EINVAL, "'%s': missing '='", SHOWN(l));
        *eq = 0;
        if (!*in_volume) {
                if (isempty(strstrip(l)))
                        return reason(ret_why, -EINVAL, "missing key name");
                return 0; /* in an [X-…] section */
        }
        return volume_key(u, strstrip(l), strstrip(eq + 1), base, ret_why);
}

/* Issue 16: leftovers. instance: for a template NAME@.volume, the instance it is read for (NULL
 * as ""): Quadlet's default name systemd-NAME-INSTANCE, and %i in its values. */
static int parse_unit(const char *text, const char *path, const char *instance, VolumeUnit **ret, char **ret_why) {
        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
        _cleanup_free_ char *buf = NULL, *cont = NULL, *base = NULL, *why = NULL;
        unsigned line = 0, cont_line = 0;
        size_t cont_len = 0;
        bool in_volume = false, seen_section = false;
        int r;

        base = base_of(path);
        if (!base)
                return reason(ret_why, -EINVAL, "%s: not NAME" VOLUME_SUFFIX, path);
        u = calloc(1, sizeof(*u));
        buf = strdup(text);
        cont = malloc(strlen(text) + 1);
        if (!u || !buf || !cont)
                return -ENOMEM;
        *u = (VolumeUnit){.copy = -1, .uid = (uid_t) -1, .gid = (gid_t) -1};
        u->path = strdup(path);
        if (name_is_template(base)) {
                /* Issue 16: leftovers. As Quadlet names a template's resource: systemd-NAME-%i. */
                char *b = strjoin(base, instance ?: "");

                base[strlen(base) - 1] = 0; /* NAME */
                u->name = strjoin("systemd-", base, "-", instance ?: "");
                free(base);
                base = b;
        } else
                u->name = strjoin("systemd-", base);
        if (!u->path || !u->name || !base)
                return -ENOMEM;

        for (char *p = buf, *next; p; p = next) {
                const char *first;
                size_t n;
                bool continued;

                line++;
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                n = strlen(p);
                while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
                        p[--n] = 0;
                first = p + strspn(p, " \t");
                if (*first == '#' || *first == ';')
                        continue;
                continued = ends_in_continuation(p, n);
                if (continued)
                        p[n - 1] = ' ';
                if (cont_line == 0)
                        cont_line = line;
                memcpy(cont + cont_len, p, n + 1);
                cont_len += n;
                if (continued && next)
                        continue;
                if (!isempty(strstrip(cont)) && *strstrip(cont) == '[')
                        seen_section = true;
                else if (!isempty(strstrip(cont)) && !seen_section)
                        return reason(ret_why, -EINVAL, "%s:%u: a key outside any section ([Volume])", path,
                                      cont_line);
                r = parse_line(u, cont, base, &in_volume, &why);
                if (r == -EINVAL)
                        return reason(ret_why, r, "%s:%u: %s", path, cont_line, why ?: "invalid");
                if (r < 0)
                        return r;
                cont_len = 0;
                cont_line = 0;
        }
        r = check_unit(u, &why);
        if (r == -EINVAL)
                return reason(ret_why, r, "%s: %s", path, why ?: "invalid");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}

int volume_unit_parse(const char *text, const char *path, VolumeUnit **ret, char **ret_why) {
        return parse_unit(text, path, /* instance= */ NULL, ret, ret_why);
}

/* Issue 16: leftovers. instance as parse_unit() takes it. */
static int read_unit(const char *path, const char *instance, VolumeUnit **ret, char **ret_why) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, VOLUME_UNIT_SIZE_MAX, &text, &size);
        if (r == -EFBIG)
                return reason(ret_why, -EINVAL, "%s: larger than %u bytes", path, VOLUME_UNIT_SIZE_MAX);
        if (r == -EBADFD)
                return reason(ret_why, -EINVAL, "%s: not a regular file", path);
        if (r < 0)
                return reason(ret_why, r == -ENOENT ? -ENOENT : -EINVAL, "%s: %s", path, strerror(-r));
        if (strlen(text) != size)
                return reason(ret_why, -EINVAL, "%s: contains a NUL byte", path);
        return parse_unit(text, path, instance, ret, ret_why);
}

int volume_unit_read(const char *path, VolumeUnit **ret, char **ret_why) {
        return read_unit(path, /* instance= */ NULL, ret, ret_why);
}

/* Issue 16: leftovers. Whether the template .volume at path defines name for some instance: the
 * file read for a stand-in instance shows where the instance goes in its name (systemd-NAME-%i, or
 * VolumeName='s %i), then read for the instance name holds there. 1 with *ret, 0 if it does not. */
#define INSTANCE_STAND_IN "0berth0instance0"
static int template_defines(const char *path, const char *name, VolumeUnit **ret) {
        _cleanup_(volume_unit_freep) VolumeUnit *probe = NULL, *u = NULL;
        _cleanup_free_ char *instance = NULL;
        const char *at;
        size_t pre, post;
        int r;

        r = read_unit(path, INSTANCE_STAND_IN, &probe, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        at = strstr(probe->name, INSTANCE_STAND_IN);
        if (!at) {
                /* No %i in its name: one volume for every instance. */
                if (!streq(probe->name, name))
                        return 0;
                *ret = TAKE_PTR(probe);
                return 1;
        }
        pre = (size_t) (at - probe->name);
        post = strlen(at + STRLEN(INSTANCE_STAND_IN));
        /* An empty instance too: a container that is no instance reads the template so (%i ""). */
        if (strlen(name) < pre + post || strncmp(name, probe->name, pre) != 0 ||
            !streq(name + strlen(name) - post, at + STRLEN(INSTANCE_STAND_IN)))
                return 0;
        instance = strndup(name + pre, strlen(name) - pre - post);
        if (!instance)
                return -ENOMEM;
        r = read_unit(path, instance, &u, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !streq(u->name, name))
                return 0;
        *ret = TAKE_PTR(u);
        return 1;
}

/* ---- which file defines a volume ---- */

/* Whether an earlier directory than until holds file: it hides this one. */
static bool hidden(char *const *dirs, char *const *until, const char *file) {
        for (char *const *d = dirs; *d && d < until; d++) {
                _cleanup_free_ char *p = path_join(*d, file);

                if (!p || access(p, F_OK) >= 0)
                        return true;
        }
        return false;
}

int volume_unit_find(const char *name, char *const *dirs, VolumeUnit **ret, char **ret_why) {
        for (char *const *d = dirs; d && *d; d++) {
                _cleanup_closedir_ DIR *dir = opendir(*d);
                struct dirent *de;

                if (!dir)
                        continue;
                while ((de = readdir(dir))) {
                        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
                        _cleanup_free_ char *path = NULL, *why = NULL, *base = NULL;
                        int r;

                        if (de->d_name[0] == '.' || !endswith(de->d_name, VOLUME_SUFFIX) ||
                            hidden(dirs, d, de->d_name))
                                continue;
                        path = path_join(*d, de->d_name);
                        base = base_of(de->d_name);
                        if (!path || !base)
                                return -ENOMEM;
                        /* Issue 16: leftovers. NAME@.volume: one volume per instance. */
                        if (name_is_template(base)) {
                                r = template_defines(path, name, &u);
                                if (r < 0)
                                        return r;
                                if (r > 0) {
                                        *ret = TAKE_PTR(u);
                                        return 0;
                                }
                                continue;
                        }
                        r = volume_unit_read(path, &u, &why);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                if (startswith(name, "systemd-") && streq(name + STRLEN("systemd-"), base))
                                        return reason(ret_why, -EINVAL, "%s", why ?: strerror(-r));
                                continue;
                        }
                        if (streq(u->name, name)) {
                                *ret = TAKE_PTR(u);
                                return 0;
                        }
                }
        }
        return -ENOENT;
}

int volume_unit_apply(const VolumeUnit *u, VolumeMount *m) {
        if (u->copy == 0)
                m->no_copy = true;
        if (!u->device) {
                m->own = u->uid != (uid_t) -1 || u->gid != (gid_t) -1;
                m->owner_uid = u->uid;
                m->owner_gid = u->gid;
                return 0;
        }
        if (free_and_strdup(&m->device, u->device) < 0 || free_and_strdup(&m->device_type, u->type) < 0)
                return -ENOMEM;
        free(m->tmpfs_options);
        m->tmpfs_options = NULL;
        if (u->fs_options && !(m->tmpfs_options = strdup(u->fs_options)))
                return -ENOMEM;
        m->tmpfs_flags = u->flags;
        m->non_recursive = !u->recursive;
        /* A fresh tmpfs at each start: filled from the image each time, unless Copy=no. */
        m->copy_up = streq(u->type, "tmpfs") && !m->no_copy;
        return 0;
}

/* ---- Volume=NAME.volume ---- */

static int volume_file_find(const char *path, const char *file, char **ret) {
        _cleanup_free_ char *own = definition_dir_of(path);
        char *const *dirs = berth_definition_dirs();

        if (own) {
                char *p = path_join(own, file);

                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0) {
                        *ret = p;
                        return 0;
                }
                free(p);
        }
        STRV_FOREACH(d, (char **)dirs) {
                char *p = path_join(*d, file);

                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0) {
                        *ret = p;
                        return 0;
                }
                free(p);
        }
        return -ENOENT;
}

/* The volume name that file (NAME.volume) defines, for the definition at path, of the container
 * name. Issue 16: leftovers. A template NAME@.volume is read for the container's instance (none:
 * ""), as Quadlet's %i in the container's unit means; NAME@INSTANCE.volume without a file of its
 * own is the template's, read for INSTANCE, as systemd takes foo@.service for foo@bar.service. */
static int reference_name(const char *file, const char *path, const char *name, char **ret, char **ret_why) {
        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
        _cleanup_free_ char *vpath = NULL, *why = NULL, *template = NULL, *prefix = NULL, *own_instance = NULL;
        const char *at = strchr(file, '@'), *instance = NULL;
        int r;

        if (strchr(file, '/') || streq(file, VOLUME_SUFFIX))
                return reason(ret_why, -EINVAL, "'%s' is not NAME.volume", SHOWN(file));
        r = volume_file_find(path, file, &vpath);
        if (at && streq(at, "@" VOLUME_SUFFIX)) {
                const char *own = name ? strchr(name, '@') : NULL;

                instance = own ? own + 1 : "";
        } else if (at && r == -ENOENT) {
                prefix = strndup(file, (size_t) (at - file + 1));
                template = prefix ? strjoin(prefix, VOLUME_SUFFIX) : NULL;
                own_instance = strndup(at + 1, strlen(at + 1) - STRLEN(VOLUME_SUFFIX));
                if (!template || !own_instance)
                        return -ENOMEM;
                instance = own_instance;
                r = volume_file_find(path, template, &vpath);
        }
        if (r == -ENOENT)
                return reason(ret_why, -EINVAL,
                              "'%s': no such file next to the definition or in the definition directories",
                              SHOWN(file));
        if (r < 0)
                return r;
        r = read_unit(vpath, instance, &u, &why);
        if (r == -EINVAL || r == -ENOENT)
                return reason(ret_why, -EINVAL, "'%s': %s", SHOWN(file), why);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u->name);
        return 0;
}

/* One Mount= word with a source=NAME.volume of type=volume (docker's default type) as the volume
 * NAME.volume defines. */
static int mount_word_resolve(const char *word, const char *path, const char *name, char **ret, char **ret_why) {
        _cleanup_strv_free_ char **fields = NULL;
        bool volume = true;
        char **source = NULL;
        int r;

        for (const char *p = word; *p;) {
                size_t n = strcspn(p, ",");

                r = strv_consume(&fields, strndup(p, n));
                if (r < 0)
                        return r;
                p += n + (p[n] == ',');
        }
        STRV_FOREACH(f, fields) {
                if (startswith(*f, "type="))
                        volume = streq(*f, "type=volume");
                else if ((startswith(*f, "source=") || startswith(*f, "src=")) &&
                         endswith(*f, VOLUME_SUFFIX))
                        source = f;
        }
        if (!volume || !source) {
                *ret = strdup(word);
                return *ret ? 0 : -ENOMEM;
        }
        {
                _cleanup_free_ char *vname = NULL;
                const char *eq = strchr(*source, '=');
                char *n;

                r = reference_name(eq + 1, path, name, &vname, ret_why);
                if (r < 0)
                        return r;
                n = strjoin("source=", vname);
                if (!n)
                        return -ENOMEM;
                free(*source);
                *source = n;
        }
        *ret = strv_join(fields, ",");
        return *ret ? 0 : -ENOMEM;
}

int volume_mount_words_parse(const char *name, const char *path, char ***l, ListState *list,
                             const char *value, char **ret_why) {
        _cleanup_strv_free_ char **words = NULL, **resolved = NULL;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = definition_words_parse(value, SPLIT_CUNESCAPE, name, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                char *m = NULL;

                r = mount_word_resolve(*w, path, name, &m, ret_why);
                if (r >= 0)
                        r = strv_consume(&resolved, m);
                if (r >= 0)
                        r = definition_mount_check(resolved[strv_length(resolved) - 1], ret_why);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(w, resolved) {
                r = list_extend(l, list, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

int volume_reference_resolve(const char *key, const char *value, const char *path, const char *name,
                             char **ret, char **ret_why) {
        _cleanup_free_ char *file = NULL, *vname = NULL;
        size_t n;
        int r;

        if (!streq(key, "Volume"))
                return definition_reference_resolve(key, value, path, name, ret, ret_why);
        *ret = NULL;
        n = strcspn(value, ":");
        if (!value[n])
                return 0; /* Volume=DST alone: no source */
        file = strndup(value, n);
        if (!file)
                return -ENOMEM;
        if (!endswith(file, VOLUME_SUFFIX))
                return definition_reference_resolve(key, value, path, name, ret, ret_why);
        r = reference_name(file, path, name, &vname, ret_why);
        if (r < 0)
                return r;
        *ret = strjoin(vname, value + n);
        return *ret ? 0 : -ENOMEM;
}
