/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mount=, AddDevice=, ShmSize=, Mask=, Unmask=, Timezone=, ReadOnlyTmpfs= (definition-mounts.h). */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "definition-mounts.h"
#include "mount-flags.h"
#include "name.h"
#include "path-util.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"

/* ---- Mount= ---- */

typedef struct MountWord {
        VolumeType type;
        bool type_given;
        const char *source, *destination;
        bool read_only;
        bool read_only_given; /* Issue 16: leftovers. type=image is read-only unless told */
        unsigned flags, flags_set; /* MOUNT_FLAG_*: asked, and which were named at all */
        const char *tmpfs_size, *tmpfs_mode;
        VolumeMount m; /* the options a bind or volume shares with Volume= */
} MountWord;

/* "key" alone or "key=BOOL": *ret the boolean; -EINVAL for anything else. */
static int option_bool(const char *value, bool *ret) {
        int r;

        if (!value) {
                *ret = true;
                return 0;
        }
        r = parse_boolean(value);
        if (r < 0)
                return -EINVAL;
        *ret = r;
        return 0;
}

static int mount_option(MountWord *w, char *o, char **ret_why) {
        static const struct {
                const char *name;
                unsigned flag;
                bool set;
        } flag_options[] = {
                {"noexec", MOUNT_FLAG_NOEXEC, true}, {"exec", MOUNT_FLAG_NOEXEC, false},
                {"nosuid", MOUNT_FLAG_NOSUID, true}, {"suid", MOUNT_FLAG_NOSUID, false},
                {"nodev", MOUNT_FLAG_NODEV, true},   {"dev", MOUNT_FLAG_NODEV, false},
        };
        char *eq = strchr(o, '=');
        const char *v = NULL;
        bool b;

        if (eq) {
                *eq = 0;
                v = eq + 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(flag_options); i++)
                if (!v && streq(o, flag_options[i].name)) {
                        w->flags = flag_options[i].set ? w->flags | flag_options[i].flag
                                                       : w->flags & ~flag_options[i].flag;
                        w->flags_set |= flag_options[i].flag;
                        return 0;
                }

        if (streq(o, "type")) {
                if (streq_ptr(v, "bind"))
                        w->type = VOLUME_BIND;
                else if (streq_ptr(v, "volume"))
                        w->type = VOLUME_NAMED;
                else if (streq_ptr(v, "tmpfs"))
                        w->type = VOLUME_TMPFS;
                else if (streq_ptr(v, "image")) /* Issue 16: leftovers. */
                        w->type = VOLUME_IMAGE;
                else if (streq_ptr(v, "artifact") || streq_ptr(v, "glob") || streq_ptr(v, "devpts") || streq_ptr(v, "ramfs"))
                        return reason(ret_why, -EINVAL,
                                      "type '%s' is podman-specific (its artifact store, globs of binds, its "
                                      "devpts and ramfs mounts): berth has bind, volume, tmpfs and image",
                                      SHOWN(v));
                else
                        return reason(ret_why, -EINVAL,
                                      "type '%s' is not supported by berth (bind, volume, tmpfs or image)",
                                      SHOWN(v ?: ""));
                w->type_given = true;
        } else if (streq(o, "source") || streq(o, "src")) {
                if (isempty(v))
                        return reason(ret_why, -EINVAL, "%s= needs a value", o);
                w->source = v;
        } else if (streq(o, "target") || streq(o, "destination") || streq(o, "dst")) {
                if (isempty(v))
                        return reason(ret_why, -EINVAL, "%s= needs a value", o);
                w->destination = v;
        } else if (streq(o, "readonly") || streq(o, "ro")) {
                if (option_bool(v, &w->read_only) < 0)
                        return reason(ret_why, -EINVAL, "%s='%s' is not a boolean", o, SHOWN(v));
                w->read_only_given = true;
        } else if (streq(o, "rw")) {
                if (option_bool(v, &b) < 0)
                        return reason(ret_why, -EINVAL, "rw='%s' is not a boolean", SHOWN(v));
                w->read_only = !b;
                w->read_only_given = true;
        } else if (streq(o, "bind-propagation")) {
                VolumePropagation p = volume_propagation_from_string(v);

                if (p == -EOPNOTSUPP)
                        return reason(
                                ret_why, -EINVAL,
                                "bind-propagation=%s is not supported: nothing mounted in a berth container "
                                "propagates back to the host (private, rprivate, slave or rslave)",
                                v);
                if (p < 0)
                        return reason(ret_why, -EINVAL,
                                      "bind-propagation='%s' is not private, rprivate, slave or rslave",
                                      SHOWN(v ?: ""));
                w->m.propagation = p;
        } else if (streq(o, "bind-nonrecursive")) {
                if (option_bool(v, &w->m.non_recursive) < 0)
                        return reason(ret_why, -EINVAL, "bind-nonrecursive='%s' is not a boolean", SHOWN(v));
        } else if (streq(o, "bind-recursive")) {
                /* readonly: what enabled is here already, since read-only covers the submounts
                 * (mount_setattr(AT_RECURSIVE)); writable, which would not, is refused. */
                if (streq_ptr(v, "enabled") || streq_ptr(v, "readonly"))
                        w->m.non_recursive = false;
                else if (streq_ptr(v, "disabled"))
                        w->m.non_recursive = true;
                else
                        return reason(ret_why, -EINVAL,
                                      "bind-recursive='%s' is not supported (enabled, disabled or readonly)",
                                      SHOWN(v ?: ""));
        } else if (streq(o, "volume-nocopy")) {
                if (option_bool(v, &w->m.no_copy) < 0)
                        return reason(ret_why, -EINVAL, "volume-nocopy='%s' is not a boolean", SHOWN(v));
        } else if (streq(o, "volume-driver")) {
                if (!streq_ptr(v, "local"))
                        return reason(ret_why, -EINVAL,
                                      "volume-driver='%s' is not supported (berth's volumes are local)",
                                      SHOWN(v ?: ""));
        } else if (streq(o, "tmpfs-size")) {
                if (isempty(v))
                        return reason(ret_why, -EINVAL, "tmpfs-size= needs a value");
                w->tmpfs_size = v;
        } else if (streq(o, "tmpfs-mode")) {
                if (isempty(v))
                        return reason(ret_why, -EINVAL, "tmpfs-mode= needs a value");
                w->tmpfs_mode = v;
        } else if (streq(o, "U") || streq(o, "chown")) {
                if (option_bool(v, &w->m.chown) < 0)
                        return reason(ret_why, -EINVAL, "%s='%s' is not a boolean", o, SHOWN(v));
        } else if (streq(o, "relabel")) {
                if (!streq_ptr(v, "shared") && !streq_ptr(v, "private"))
                        return reason(ret_why, -EINVAL, "relabel='%s' is not shared or private",
                                      SHOWN(v ?: ""));
                w->m.relabel = true;
        } else if (streq(o, "consistency")) {
                /* docker's: a hint for other systems, ignored on Linux. */
        } else if (streq(o, "idmap") || streq(o, "volume-opt") || streq(o, "volume-subpath") ||
                   streq(o, "subpath") || streq(o, "volume-label") || streq(o, "notmpcopyup") ||
                   streq(o, "tmpcopyup") || streq(o, "tmpfs-uid") || streq(o, "tmpfs-gid"))
                return reason(ret_why, -EINVAL, "option '%s' is not supported by berth", o);
        else
                return reason(ret_why, -EINVAL, "unknown option '%s'", SHOWN(o));
        return 0;
}

/* podman reads --mount as one CSV record: fields split at ',', a field that begins with '"' quoted
 * up to its closing '"' (with "" for a quote), so that a path may hold a comma. */
static int split_csv(const char *s, char ***ret) {
        _cleanup_strv_free_ char **fields = NULL;
        _cleanup_free_ char *buf = malloc(strlen(s) + 1);
        const char *p = s;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                size_t n = 0;
                int r;

                if (*p == '"') {
                        for (p++;; p++) {
                                if (!*p)
                                        return -EINVAL; /* unterminated */
                                if (*p == '"' && p[1] == '"')
                                        buf[n++] = *p++;
                                else if (*p == '"')
                                        break;
                                else
                                        buf[n++] = *p;
                        }
                        p++;
                        if (*p && *p != ',')
                                return -EINVAL; /* text after the closing quote */
                } else
                        while (*p && *p != ',') {
                                if (*p == '"')
                                        return -EINVAL; /* a quote inside a field */
                                buf[n++] = *p++;
                        }
                buf[n] = 0;
                r = strv_extend(&fields, buf);
                if (r < 0)
                        return r;
                if (!*p)
                        break;
                p++;
        }
        *ret = TAKE_PTR(fields);
        return 0;
}

/* Issue 16: leftovers. podman's --mount type=image: an image (any reference the store resolves
 * at the start) mounted at the destination, read-only unless rw=true, then as an overlay whose
 * changes last one run (as Volume='s "O"). Its options are the mount flags alone. */
static int image_mount_check(MountWord *w, char **ret_why) {
        _cleanup_(reference_done) Reference ref = REFERENCE_NULL;
        int r;

        if (!w->source)
                return reason(ret_why, -EINVAL, "source parameter is required for mount type image");
        r = reference_parse(w->source, &ref, ret_why);
        if (r < 0)
                return r;
        if (w->m.chown || w->m.relabel || w->m.no_copy || w->m.non_recursive || w->m.propagation)
                return reason(ret_why, -EINVAL, "type=image takes none of U, relabel, volume-* and bind-* options");
        if (!w->read_only_given)
                w->read_only = true;
        w->m.overlay = !w->read_only;
        return 0;
}

int definition_mount_parse(const char *word, VolumeMount *ret, char **ret_why) {
        _cleanup_free_ char *tmpfs = NULL;
        _cleanup_strv_free_ char **fields = NULL;
        MountWord w = {.type = VOLUME_NAMED};
        int r;

        if (isempty(word))
                return reason(ret_why, -EINVAL, "empty value");
        if (string_has_control_chars(word))
                return reason(ret_why, -EINVAL, "'%s' contains control characters", SHOWN(word));
        r = split_csv(word, &fields);
        if (r == -EINVAL)
                return reason(ret_why, -EINVAL,
                              "'%s' is not a list of OPTION=VALUE fields (a '\"' must quote a whole field)",
                              SHOWN(word));
        if (r < 0)
                return r;
        STRV_FOREACH(o, fields) {
                if (isempty(*o))
                        return reason(ret_why, -EINVAL, "'%s' has an empty field", SHOWN(word));
                r = mount_option(&w, *o, ret_why);
                if (r < 0)
                        return r;
        }
        if (!w.type_given)
                return reason(ret_why, -EINVAL, "'%s' has no type= (bind, volume, tmpfs or image)", SHOWN(word));
        if (!w.destination)
                return reason(ret_why, -EINVAL, "'%s' has no destination (target=, destination= or dst=)",
                              SHOWN(word));
        if (w.type != VOLUME_TMPFS && (w.tmpfs_size || w.tmpfs_mode))
                return reason(ret_why, -EINVAL, "tmpfs-size= and tmpfs-mode= are for type=tmpfs");

        if (w.type == VOLUME_TMPFS) {
                VolumeMount m = {};

                if (w.source)
                        return reason(ret_why, -EINVAL, "type=tmpfs takes no source");
                if (w.m.chown || w.m.relabel || w.m.no_copy || w.m.non_recursive || w.m.propagation)
                        return reason(ret_why, -EINVAL,
                                      "type=tmpfs takes none of U, relabel, volume-* and bind-* options");
                /* As Tmpfs= would say it, so that both are checked and made alike. */
                if (asprintf(&tmpfs, "%s:%s%s%s%s%s%s%s%s", w.destination, w.read_only ? "ro" : "rw",
                             w.tmpfs_size ? ",size=" : "", w.tmpfs_size ?: "", w.tmpfs_mode ? ",mode=" : "",
                             w.tmpfs_mode ?: "",
                             (w.flags_set & MOUNT_FLAG_NOEXEC)
                                     ? ((w.flags & MOUNT_FLAG_NOEXEC) ? ",noexec" : ",exec")
                                     : "",
                             (w.flags_set & MOUNT_FLAG_NOSUID)
                                     ? ((w.flags & MOUNT_FLAG_NOSUID) ? ",nosuid" : ",suid")
                                     : "",
                             (w.flags_set & MOUNT_FLAG_NODEV)
                                     ? ((w.flags & MOUNT_FLAG_NODEV) ? ",nodev" : ",dev")
                                     : "") < 0)
                        return -ENOMEM;
                r = volume_tmpfs_parse(tmpfs, ret ? &m : NULL, ret_why);
                if (r < 0)
                        return r;
                if (ret)
                        *ret = m;
                return 0;
        }

        r = volume_destination_check(w.destination, /* privileged= */ true, ret_why);
        if (r < 0)
                return r;
        if (w.type == VOLUME_IMAGE) {
                r = image_mount_check(&w, ret_why);
                if (r < 0)
                        return r;
        } else if (w.type == VOLUME_BIND) {
                if (!w.source)
                        return reason(ret_why, -EINVAL, "type=bind needs a source= (an absolute host path)");
                if (!path_is_absolute(w.source) || !path_is_normalized(w.source))
                        return reason(ret_why, -EINVAL,
                                      "bind source '%s' is not an absolute, normalised path",
                                      SHOWN(w.source));
                if (w.m.no_copy)
                        return reason(ret_why, -EINVAL, "volume-nocopy is for type=volume");
        } else {
                if (w.source && !name_is_valid(w.source))
                        return reason(ret_why, -EINVAL,
                                      "volume '%s' is not a valid volume name (names must match " NAME_RULE
                                      ")",
                                      SHOWN(w.source));
                if (w.m.non_recursive || w.m.propagation)
                        return reason(ret_why, -EINVAL, "bind-* options are for type=bind");
                if (!w.source)
                        w.type = VOLUME_ANONYMOUS;
        }
        w.m.type = w.type;
        w.m.source = (char *)w.source;
        w.m.flags = w.flags;
        r = volume_mount_check_options(&w.m, "options", ret_why);
        if (r < 0)
                return r;

        if (ret) {
                VolumeMount m = w.m;

                m.read_only = w.read_only;
                m.source = w.source ? strdup(w.source) : NULL;
                m.destination = strdup(w.destination);
                if (!m.destination || (w.source && !m.source)) {
                        volume_mount_done(&m);
                        return -ENOMEM;
                }
                *ret = m;
        }
        return 0;
}

int definition_mount_check(const char *word, char **ret_why) {
        return definition_mount_parse(word, NULL, ret_why);
}

int definition_mounts_check(char **mounts, bool privileged, char ***seen, char **ret_why) {
        int r;

        STRV_FOREACH(v, mounts) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                _cleanup_free_ char *why = NULL;

                r = definition_mount_parse(*v, &m, &why);
                if (r >= 0)
                        r = volume_destination_check(m.destination, privileged, &why);
                if (r == -EINVAL)
                        return reason(ret_why, -EINVAL, "key 'Mount': %s", why ?: "invalid value");
                if (r < 0)
                        return r;
                if (strv_contains(*seen, m.destination))
                        return reason(ret_why, -EINVAL, "key 'Mount': more than one mount on '%s'",
                                      SHOWN(m.destination));
                r = strv_extend(seen, m.destination);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- AddDevice= ---- */

void device_spec_done(DeviceSpec *s) {
        free(s->host);
        free(s->container);
        *s = (DeviceSpec){};
}

static bool perms_parse(const char *s, char ret[static 4]) {
        static const char letters[] = "rwm";
        bool seen[3] = {};
        size_t n = 0;

        if (isempty(s) || strlen(s) > 3)
                return false;
        for (const char *p = s; *p; p++) {
                const char *i = strchr(letters, *p);

                if (!i || seen[i - letters])
                        return false;
                seen[i - letters] = true;
        }
        for (size_t i = 0; i < 3; i++)
                if (seen[i])
                        ret[n++] = letters[i];
        ret[n] = 0;
        return true;
}

int device_spec_parse(const char *word, DeviceSpec *ret, char **ret_why) {
        _cleanup_free_ char *copy = NULL;
        char *parts[4] = {}, perms[4] = "rwm";
        const char *host, *container;
        bool optional = false;
        size_t n = 0;

        if (isempty(word))
                return reason(ret_why, -EINVAL, "empty value");
        if (string_has_control_chars(word))
                return reason(ret_why, -EINVAL, "'%s' contains control characters", SHOWN(word));
        if (word[0] == '-') {
                optional = true;
                word++;
        }
        copy = strdup(word);
        if (!copy)
                return -ENOMEM;
        for (char *p = copy;;) {
                char *colon = strchr(p, ':');

                if (n == ELEMENTSOF(parts) - 1)
                        return reason(ret_why, -EINVAL,
                                      "'%s' is not HOST[:CONTAINER][:PERMS] (too many ':')", SHOWN(word));
                parts[n++] = p;
                if (!colon)
                        break;
                *colon = 0;
                p = colon + 1;
        }
        host = parts[0];
        container = host;
        if (n == 2 && !path_is_absolute(parts[1])) {
                if (!perms_parse(parts[1], perms))
                        return reason(ret_why, -EINVAL,
                                      "'%s' is neither a path in the container nor permissions (r, w, m)",
                                      SHOWN(parts[1]));
        } else if (n >= 2) {
                container = parts[1];
                if (n == 3 && !perms_parse(parts[2], perms))
                        return reason(ret_why, -EINVAL,
                                      "'%s' is not permissions (a combination of r, w and m)",
                                      SHOWN(parts[2]));
        }
        if (!path_is_absolute(host) || !path_is_normalized(host))
                return reason(ret_why, -EINVAL, "host device '%s' is not an absolute, normalised path",
                              SHOWN(host));
        if (!path_is_normalized(container) || !path_startswith(container, "/dev") ||
            streq(container, "/dev"))
                return reason(ret_why, -EINVAL,
                              "'%s' is not a normalised path under /dev, where berth makes device nodes",
                              SHOWN(container));
        if (ret) {
                DeviceSpec s = {.optional = optional};

                memcpy(s.perms, perms, sizeof(perms));
                s.host = strdup(host);
                s.container = strdup(container);
                if (!s.host || !s.container) {
                        device_spec_done(&s);
                        return -ENOMEM;
                }
                *ret = s;
        }
        return 0;
}

int device_spec_check(const char *word, char **ret_why) {
        return device_spec_parse(word, NULL, ret_why);
}

/* ---- Mask=, Unmask= ---- */

static int check_colon_list(const char *word, bool globs, char **ret_why) {
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;

        if (isempty(word) || string_has_control_chars(word))
                return reason(ret_why, -EINVAL, "'%s' is not a list of paths", SHOWN(word ?: ""));
        if (word[0] == ':' || word[strlen(word) - 1] == ':' || strstr(word, "::"))
                return reason(ret_why, -EINVAL, "'%s' has an empty path", SHOWN(word));
        copy = strdup(word);
        if (!copy)
                return -ENOMEM;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                if (!path_is_absolute(p) || (!globs && (!path_is_normalized(p) || streq(p, "/"))))
                        return reason(ret_why, -EINVAL, "'%s' is not an absolute, normalised path%s",
                                      SHOWN(p), globs ? " or pattern" : " (other than /)");
        }
        return 0;
}

int definition_mask_check(const char *word, char **ret_why) {
        return check_colon_list(word, /* globs= */ false, ret_why);
}

int definition_unmask_check(const char *word, char **ret_why) {
        if (word && strcasecmp(word, "ALL") == 0)
                return 0;
        return check_colon_list(word, /* globs= */ true, ret_why);
}

bool definition_path_unmasked(char **unmasks, const char *path) {
        STRV_FOREACH(u, unmasks) {
                _cleanup_free_ char *copy = NULL;
                char *save = NULL;

                if (strcasecmp(*u, "ALL") == 0)
                        return true;
                copy = strdup(*u);
                if (!copy)
                        return false; /* masked: the safe answer */
                for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
                        if (fnmatch(p, path, FNM_PATHNAME) == 0)
                                return true;
        }
        return false;
}

/* ---- Timezone= ---- */

bool definition_timezone_is_valid(const char *s) {
        const char *p = s;

        if (isempty(s) || strlen(s) > 255)
                return false;
        if (streq(s, "local"))
                return true;
        /* A relative path below the zone directory, of plain components: never '.', '..', '//'. */
        for (;;) {
                size_t n = strcspn(p, "/");

                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                for (size_t i = 0; i < n; i++)
                        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-.",
                                    p[i]))
                                return false;
                if (!p[n])
                        return true;
                p += n + 1;
        }
}

int definition_parse_timezone(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why) {
        char *c;

        /* Empty: the image's own, as Quadlet leaves --tz out for "Timezone=" (its basepodman test). */
        if (isempty(value)) {
                free(*(char **)field);
                *(char **)field = NULL;
                return 0;
        }
        if (!definition_timezone_is_valid(value))
                return reason(ret_why, -EINVAL,
                              "'%s' is neither local nor a time zone name below " TIMEZONE_DIR
                              " (e.g. Europe/Berlin, UTC)",
                              SHOWN(value));
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*(char **)field);
        *(char **)field = c;
        return 0;
}

/* ---- ShmSize= ---- */

int definition_parse_shm_size(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why) {
        uint64_t v;

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        /* The kernel's tmpfs takes sizes in pages; anything beyond 2^62 is no size at all. */
        if (parse_size(value, &v) < 0 || v == 0 || v > (UINT64_C(1) << 62))
                return reason(ret_why, -EINVAL, "'%s' is not a size greater than 0 (e.g. 64m, 1g)",
                              SHOWN(value));
        *(uint64_t *)field = v;
        return 0;
}

int definition_format_shm_size(FILE *f, const char *key, const struct Definition *d, const void *field) {
        uint64_t v = *(const uint64_t *)field;

        if (v != 0)
                fprintf(f, "%s=%" PRIu64 "\n", key, v);
        return 0;
}

int definition_format_bool_default_true(FILE *f, const char *key, const struct Definition *d,
                                        const void *field) {
        if (!*(const bool *)field)
                fprintf(f, "%s=no\n", key);
        return 0;
}

static int add_destination(char ***seen, const char *key, const char *dst, char **ret_why) {
        if (strv_contains(*seen, dst))
                return reason(ret_why, -EINVAL, "key '%s': more than one mount on '%s'", key, SHOWN(dst));
        return strv_extend(seen, dst);
}

/* The lines of key, each parsed by parse, its destination checked and not seen before. */
static int check_lines(char **lines, const char *key, int (*parse)(const char *, VolumeMount *, char **),
                       bool privileged, char ***seen, char **ret_why) {
        int r;

        STRV_FOREACH(v, lines) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                _cleanup_free_ char *why = NULL;

                r = parse(*v, &m, &why);
                if (r >= 0)
                        r = volume_destination_check(m.destination, privileged, &why);
                if (r == -EINVAL)
                        return reason(ret_why, -EINVAL, "key '%s': %s", key, why ?: "invalid value");
                if (r < 0)
                        return r;
                r = add_destination(seen, key, m.destination, ret_why);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Checks across the mount lines of a whole definition: the API directories against Privileged=,
 * one mount per destination, no VolumesFrom= of itself. *ret_why reads "key 'K': why". */
int definition_check_mounts(const DefinitionMountKeys *d, char **ret_why) {
        _cleanup_strv_free_ char **seen = NULL;
        int r;

        r = check_lines(d->volumes, "Volume", volume_spec_parse, d->privileged, &seen, ret_why);
        if (r >= 0)
                r = check_lines(d->tmpfs, "Tmpfs", volume_tmpfs_parse, d->privileged, &seen, ret_why);
        if (r < 0)
                return r;
        r = definition_mounts_check(d->mounts, d->privileged, &seen, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(v, d->volumes_from) {
                _cleanup_free_ char *name = NULL, *why = NULL;

                r = volume_from_parse(*v, &name, NULL, &why);
                if (r == -EINVAL)
                        return reason(ret_why, -EINVAL, "key 'VolumesFrom': %s", why ?: "invalid value");
                if (r < 0)
                        return r;
                if (streq_ptr(name, d->name))
                        return reason(ret_why, -EINVAL, "key 'VolumesFrom': container %s cannot take volumes from itself", name);
        }
        return 0;
}
