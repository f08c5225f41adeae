/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Definition files as Quadlet reads them: specifiers, the keys berth refuses, [Unit] and
 * [Service], Entrypoint='s JSON form and drop-ins (definition-unit.h). */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition-unit.h"
#include "fd-util.h"
#include "json.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

/* ---- specifiers ---- */

typedef struct NameParts {
        char *prefix, *instance; /* instance "" for a plain name */
} NameParts;

static void name_parts_done(NameParts *p) {
        free(p->prefix);
        free(p->instance);
}

static int name_parts(const char *name, NameParts *ret) {
        const char *at = strchr(name, '@');

        ret->prefix = at ? strndup(name, (size_t) (at - name)) : strdup(name);
        ret->instance = strdup(at ? at + 1 : "");
        if (!ret->prefix || !ret->instance) {
                name_parts_done(ret);
                return -ENOMEM;
        }
        return 0;
}

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* systemd's unit_name_unescape(): "\xHH" is that byte, '-' a '/'. */
static char *unit_unescape(const char *s) {
        char *r = malloc(strlen(s) + 1), *p = r;

        if (!r)
                return NULL;
        for (; *s; s++) {
                if (*s == '-')
                        *p++ = '/';
                else if (s[0] == '\\' && s[1] == 'x' && hex_value(s[2]) >= 0 && hex_value(s[3]) >= 0 &&
                         (hex_value(s[2]) | hex_value(s[3])) != 0) {
                        *p++ = (char) (hex_value(s[2]) << 4 | hex_value(s[3]));
                        s += 3;
                } else
                        *p++ = *s;
        }
        *p = 0;
        return r;
}

static char *read_line_of(const char *path) {
        _cleanup_free_ char *text = NULL;
        size_t size;

        if (read_full_file_at(AT_FDCWD, path, 4096, &text, &size) < 0)
                return NULL;
        text[strcspn(text, "\n")] = 0;
        return TAKE_PTR(text);
}

/* The value of specifier c for the definition named by parts, allocated; NULL with *ret_r set
 * on failure (-EINVAL unknown, -EOPNOTSUPP not supported, -ENOMEM). */
static char *specifier_value(char c, const char *name, const NameParts *parts, int *ret_r) {
        const char *last_dash;
        struct utsname u;
        char host[256], *v = NULL;

        *ret_r = -ENOMEM;
        switch (c) {
        case '%':
                return strdup("%");
        case 'n':
                return strjoin("container@", name, ".service");
        case 'N':
                return strjoin("container@", name);
        case 'p':
                return strdup(parts->prefix);
        case 'P':
                return unit_unescape(parts->prefix);
        case 'i':
                return strdup(parts->instance);
        case 'I':
                return unit_unescape(parts->instance);
        case 'j':
        case 'J':
                last_dash = strrchr(parts->prefix, '-');
                last_dash = last_dash ? last_dash + 1 : parts->prefix;
                return c == 'j' ? strdup(last_dash) : unit_unescape(last_dash);
        case 'f': {
                _cleanup_free_ char *u_ = unit_unescape(*parts->instance ? parts->instance : parts->prefix);

                return u_ ? strjoin(u_[0] == '/' ? "" : "/", u_) : NULL;
        }
        case 'h':
                return strdup("/root");
        case 'u':
        case 'g':
                return strdup("root");
        case 'U':
        case 'G':
                return strdup("0");
        case 's':
                return strdup("/bin/sh");
        case 'H':
        case 'l':
                if (gethostname(host, sizeof(host)) < 0) {
                        *ret_r = -errno;
                        return NULL;
                }
                host[sizeof(host) - 1] = 0;
                if (c == 'l')
                        host[strcspn(host, ".")] = 0;
                return strdup(host);
        case 'm':
                v = read_line_of("/etc/machine-id");
                break;
        case 'b':
                v = read_line_of("/proc/sys/kernel/random/boot_id");
                if (v) {
                        char *w = v;

                        for (char *r = v; *r; r++)
                                if (*r != '-')
                                        *w++ = *r;
                        *w = 0;
                }
                break;
        case 'v':
                if (uname(&u) < 0) {
                        *ret_r = -errno;
                        return NULL;
                }
                return strdup(u.release);
        case 't':
                return strdup("/run");
        case 'S':
                return strdup("/var/lib");
        case 'C':
                return strdup("/var/cache");
        case 'L':
                return strdup("/var/log");
        case 'E':
                return strdup("/etc");
        case 'T':
                return strdup("/tmp");
        case 'V':
                return strdup("/var/tmp");
        case 'a':
        case 'A':
        case 'B':
        case 'd':
        case 'M':
        case 'o':
        case 'q':
        case 'w':
        case 'W':
        case 'y':
        case 'Y':
                *ret_r = -EOPNOTSUPP;
                return NULL;
        default:
                *ret_r = -EINVAL;
                return NULL;
        }
        if (!v)
                *ret_r = -ENOENT;
        return v;
}

int definition_specifiers_expand(const char *s, const char *name, char **ret, char **ret_why) {
        _cleanup_(name_parts_done) NameParts parts = {};
        _cleanup_free_ char *out = NULL;
        size_t out_size = 0;
        _cleanup_fclose_ FILE *f = NULL;
        int r;

        if (!strchr(s, '%')) {
                char *c = strdup(s);

                if (!c)
                        return -ENOMEM;
                *ret = c;
                return 0;
        }
        r = name_parts(name ?: "", &parts);
        if (r < 0)
                return r;
        f = open_memstream(&out, &out_size);
        if (!f)
                return -ENOMEM;
        for (const char *p = s; *p; p++) {
                _cleanup_free_ char *v = NULL;

                if (*p != '%') {
                        fputc(*p, f);
                        continue;
                }
                if (!p[1])
                        return reason(ret_why, -EINVAL, "'%s' ends in '%%', which starts a specifier (a '%%' is written '%%%%')",
                                      SHOWN(s));
                p++;
                v = specifier_value(*p, name ?: "", &parts, &r);
                if (!v && r == -EOPNOTSUPP)
                        return reason(ret_why, -EINVAL, "specifier '%%%c' is not supported by berth", *p);
                if (!v && r == -EINVAL)
                        return reason(ret_why, -EINVAL, "'%%%c' in '%s' is not a specifier (a '%%' is written '%%%%')", *p,
                                      SHOWN(s));
                if (!v && r == -ENOMEM)
                        return r;
                if (!v)
                        return reason(ret_why, -EINVAL, "specifier '%%%c': cannot be resolved here: %s", *p, strerror(-r));
                fputs(v, f);
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        f = safe_fclose(f);
        *ret = TAKE_PTR(out);
        return 0;
}

int definition_specifiers_for_unit(const char *s, const char *name, char **ret) {
        _cleanup_(name_parts_done) NameParts parts = {};
        _cleanup_free_ char *out = NULL;
        size_t out_size = 0;
        _cleanup_fclose_ FILE *f = NULL;
        int r;

        r = name_parts(name, &parts);
        if (r < 0)
                return r;
        f = open_memstream(&out, &out_size);
        if (!f)
                return -ENOMEM;
        for (const char *p = s; *p; p++) {
                _cleanup_free_ char *v = NULL;

                if (*p != '%' || !p[1] || !strchr("pPiIjJf", p[1])) {
                        fputc(*p, f);
                        if (*p == '%' && p[1])
                                fputc(*++p, f); /* "%%" stays "%%", "%n" stays "%n" */
                        continue;
                }
                p++;
                v = specifier_value(*p, name, &parts, &r);
                if (!v)
                        return r;
                for (const char *c = v; *c; c++) {
                        if (*c == '%')
                                fputc('%', f);
                        fputc(*c, f);
                }
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        f = safe_fclose(f);
        *ret = TAKE_PTR(out);
        return 0;
}

/* ---- keys berth refuses ---- */

/* Quadlet's [Container] keys that berth's table does not have. The "not yet" rows are the lead's
 * to prune as keys land. */
static const struct {
        const char *key;
        bool podman; /* podman-specific: never */
} refused_keys[] = {
        /* podman's own machinery */
        { "Pod", true },
        { "StartWithPod", true },
        { "PodmanArgs", true },
        { "GlobalArgs", true },
        { "ContainersConfModule", true },
        { "ServiceName", true },
        { "AutoUpdate", true },
        { "CgroupsMode", true },
        { "HttpProxy", true },
        { "Secret", true },
        { "HealthLogDestination", true },
        { "HealthMaxLogCount", true },
        { "HealthMaxLogSize", true },
        /* not yet */
        { "NetworkAlias", false },
};

const char *definition_key_refusal(const char *section, const char *key) {
        /* Issue 16: leftovers. */
        if (streq(section, "Quadlet"))
                return "not a key of [Quadlet], whose only key is DefaultDependencies= (as Quadlet's)";
        if (!streq(section, "Container"))
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(refused_keys); i++)
                if (streq(refused_keys[i].key, key))
                        return refused_keys[i].podman ? "podman-specific, berth has no equivalent"
                                                      : "a Quadlet key berth does not support yet";
        return NULL;
}

/* ---- [Unit] and [Service] ---- */

bool definition_unit_key_is_dependency(const char *key) {
        static const char *const keys[] = {
                "After", "Before", "BindsTo", "Conflicts", "OnFailure", "OnSuccess", "PartOf", "PropagatesReloadTo",
                "PropagatesStopTo", "ReloadPropagatedFrom", "Requires", "Requisite", "StopPropagatedFrom", "Upholds", "Wants",
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(key, keys[i]))
                        return true;
        return false;
}

int definition_unit_line_check(bool service, const char *key, const char *value, char **ret_why) {
        static const char *const owned[] = { "ExecStart", "NotifyAccess", "Delegate", "User", "Group", "DynamicUser" };
        static const char *const reset[] = { "ExecStopPost", "SuccessExitStatus", "RestartForceExitStatus",
                                             "LogExtraFields" };

        for (const char *c = key; *c; c++)
                if ((unsigned char) *c <= ' ' || *c == 0x7f || *c == '[' || *c == ']')
                        return reason(ret_why, -EINVAL, "not a key name");
        for (const char *c = value; *c; c++)
                if (((unsigned char) *c < ' ' && *c != '\t') || *c == 0x7f)
                        return reason(ret_why, -EINVAL, "'%s' has control characters", SHOWN(value));
        if (!service && !definition_unit_key_is_dependency(key))
                return 0;
        if (!service) {
                /* Dependencies on Quadlet's other unit files: NAME.container is translated by the
                 * generator; the others make no unit in berth. */
                static const char *const others[] = { ".volume", ".network", ".pod", ".image", ".build", ".kube", ".artifact" };
                _cleanup_strv_free_ char **words = NULL;

                if (definition_words_split_full(value, 0, &words) < 0)
                        return 0; /* systemd's to judge */
                STRV_FOREACH(w, words)
                        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                                if (endswith(*w, others[i]))
                                        return reason(ret_why, -EINVAL, "'%s' names a Quadlet %s unit, which berth does not make%s",
                                                      SHOWN(*w), others[i],
                                                      streq(others[i], ".volume") ? " (Volume=NAME.volume makes the volume on first use)" : "");
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(owned); i++)
                if (streq(key, owned[i]))
                        return reason(ret_why, -EINVAL, "set by berth's unit itself (its helper runs the container, as root), "
                                      "not by a definition");
        /* oneshot, as Quadlet allows it: a container that runs to completion, whose start ends
         * when it exits (units After= it wait for that). */
        if (streq(key, "Type") && !streq(value, "notify") && !streq(value, "oneshot"))
                return reason(ret_why, -EINVAL, "'%s': berth's unit is Type=notify, the helper tells systemd when the "
                              "container runs (or Type=oneshot, for a container that runs to completion)",
                              SHOWN(value));
        if (streq(key, "KillMode") && !streq(value, "mixed"))
                return reason(ret_why, -EINVAL, "'%s': berth's unit is KillMode=mixed, the helper stops the container",
                              SHOWN(value));
        for (size_t i = 0; i < ELEMENTSOF(reset); i++)
                if (streq(key, reset[i]) && isempty(value))
                        return reason(ret_why, -EINVAL, "an empty value would drop what berth's unit sets");
        return 0;
}

/* ---- Entrypoint= ---- */

int definition_entrypoint_parse(const char *value, char ***ret, char **ret_why) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        if (value[0] == '[') {
                r = json_parse_string_array(value, &l, &why);
                if (r == -EINVAL)
                        return reason(ret_why, -EINVAL, "'%s' is not a JSON array of strings: %s", SHOWN(value),
                                      why ?: "invalid");
                if (r < 0)
                        return r;
        } else if (*value) {
                r = strv_extend(&l, value);
                if (r < 0)
                        return r;
        } else {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int definition_entrypoint_format(char *const *l, char **ret) {
        char *v;

        if (l && l[0] && !l[1] && l[0][0] != '[' && l[0][0]) {
                v = strdup(l[0]);
                if (!v)
                        return -ENOMEM;
                *ret = v;
                return 0;
        }
        return json_format_string_array(l, ret);
}

int definition_format_entrypoint(FILE *f, const char *key, const struct Definition *d, const void *field) {
        _cleanup_free_ char *v = NULL, *q = NULL;
        char *const *l = *(char **const *) field;
        int r;

        if (!l)
                return 0;
        r = definition_entrypoint_format(l, &v);
        if (r < 0)
                return r;
        if (string_has_control_chars(v))
                return -EINVAL;
        q = definition_value_quote(v);
        if (!q)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, *v ? q : "");
        return 0;
}

/* ---- drop-ins ---- */

/* The drop-in directory names for file, most specific first (Quadlet's GetUnitDropinPaths()). */
static int dropin_dir_names(const char *file, char ***ret) {
        _cleanup_strv_free_ char **broad = NULL, **l = NULL;
        _cleanup_free_ char *unit = NULL;
        const char *suffix = strrchr(file, '.'), *at;
        size_t n;
        int r;

        if (!suffix)
                return -EINVAL;
        unit = strndup(file, (size_t) (suffix - file));
        if (!unit)
                return -ENOMEM;
        at = strchr(unit, '@');
        if (at)
                unit[at - unit] = 0; /* the template's name */

        r = strv_consume(&broad, strjoin(suffix + 1, ".d"));
        for (char *dash = strchr(unit, '-'); r >= 0 && dash; dash = strchr(dash + 1, '-')) {
                _cleanup_free_ char *part = strndup(unit, (size_t) (dash - unit + 1));

                if (!part)
                        return -ENOMEM;
                r = strv_consume(&broad, strjoin(part, suffix, ".d"));
                if (r >= 0 && at)
                        r = strv_consume(&broad, strjoin(part, "@", suffix, ".d"));
        }
        if (r >= 0 && at && at[1] != '\0') /* an instance: its template's too */
                r = strv_consume(&broad, strjoin(unit, "@", suffix, ".d"));
        if (r >= 0)
                r = strv_consume(&broad, strjoin(file, ".d"));
        if (r < 0)
                return r;
        n = strv_length(broad);
        for (size_t i = n; i > 0; i--) {
                r = strv_extend(&l, broad[i - 1]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int compare_base(const void *a, const void *b) {
        const char *x = strrchr(*(char *const *) a, '/'), *y = strrchr(*(char *const *) b, '/');

        return strcmp(x, y);
}

int definition_dropins_find(const char *path, char ***ret, char **ret_why) {
        _cleanup_strv_free_ char **dirs = NULL, **names = NULL, **found = NULL, **seen = NULL;
        _cleanup_free_ char *own = NULL;
        const char *slash = strrchr(path, '/'), *file = slash ? slash + 1 : path;
        char *const *definition_dirs;
        size_t n = 0;
        int r = 0;

        own = slash ? strndup(path, (size_t) (slash - path)) : strdup(".");
        if (!own)
                return -ENOMEM;
        if (!*own) {
                free(own);
                own = strdup("/");
                if (!own)
                        return -ENOMEM;
        }
        /* In the definition directories' order (/etc before /run, as for definitions) when the
         * file is in one of them; else next to it only. */
        definition_dirs = berth_definition_dirs();
        if (definition_dirs && strv_contains(definition_dirs, own))
                dirs = strv_copy(definition_dirs);
        else
                r = strv_extend(&dirs, own);
        if (r < 0 || !dirs)
                return -ENOMEM;

        r = dropin_dir_names(file, &names);
        if (r < 0)
                return r;
        STRV_FOREACH(name, names)
                STRV_FOREACH(dir, dirs) {
                        _cleanup_free_ char *dp = path_join(*dir, *name);
                        _cleanup_closedir_ DIR *d = NULL;
                        struct dirent *de;

                        if (!dp)
                                return -ENOMEM;
                        d = opendir(dp);
                        if (!d) {
                                if (errno == ENOENT || errno == ENOTDIR)
                                        continue;
                                return reason(ret_why, -errno, "%s: %s", dp, strerror(errno));
                        }
                        while ((de = readdir(d))) {
                                const char *conf = endswith(de->d_name, ".conf");

                                if (!conf || conf == de->d_name || de->d_name[0] == '.' || strv_contains(seen, de->d_name))
                                        continue;
                                if (n >= DEFINITION_DROPINS_MAX)
                                        return reason(ret_why, -E2BIG, "%s: more than %d drop-ins", path, DEFINITION_DROPINS_MAX);
                                r = strv_extend(&seen, de->d_name);
                                if (r >= 0)
                                        r = strv_consume(&found, path_join(dp, de->d_name));
                                if (r < 0)
                                        return r;
                                n++;
                        }
                }
        if (!found) {
                found = calloc(1, sizeof(char *));
                if (!found)
                        return -ENOMEM;
        }
        qsort(found, n, sizeof(char *), compare_base);
        *ret = TAKE_PTR(found);
        return 0;
}

/* ---- words and values, read ---- */

int definition_words_parse(const char *value, SplitFlags flags, const char *name, char ***ret, char **ret_why) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        r = definition_words_split_full(value, flags, &words);
        if (r == -EINVAL)
                return reason(ret_why, -EINVAL, "unterminated quote or trailing backslash in '%s'", SHOWN(value));
        if (r == -EBADMSG)
                return reason(ret_why, -EINVAL, "'%s' has an escape systemd does not know (\\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\' "
                              "\\s \\xHH \\NNN \\uXXXX \\UXXXXXXXX)", SHOWN(value));
        if (r == -EILSEQ)
                return reason(ret_why, -EINVAL, "'%s' has an escape for a NUL byte or no character, which no value can hold",
                              SHOWN(value));
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                char *x;

                r = definition_specifiers_expand(*w, name, &x, ret_why);
                if (r < 0)
                        return r;
                free(*w);
                *w = x;
        }
        *ret = TAKE_PTR(words);
        return 0;
}

int definition_value_parse(const char *value, const char *name, char **ret, char **ret_why) {
        _cleanup_free_ char *u = NULL;
        int r;

        /* "Key=" resets a list; "Key=\"\"" is an empty value, which no such key takes. */
        if (streq(value, "\"\""))
                return reason(ret_why, -EINVAL, "empty value");
        r = definition_value_unquote(value, &u);
        if (r < 0)
                return r;
        return definition_specifiers_expand(u, name, ret, ret_why);
}

int definition_path_resolve(const char *dir, const char *rel, char **ret) {
        _cleanup_free_ char *joined = path_join(dir, rel);
        char *out, *o;

        if (!joined)
                return -ENOMEM;
        o = out = malloc(strlen(joined) + 2);
        if (!out)
                return -ENOMEM;
        *o++ = '/';
        for (const char *p = joined; *p;) {
                size_t n;

                p += strspn(p, "/");
                n = strcspn(p, "/");
                if (n == 0)
                        break;
                if (n == 1 && p[0] == '.') {
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (o > out + 1) {
                                o--; /* the '/' after the last component */
                                while (o > out + 1 && o[-1] != '/')
                                        o--;
                        }
                } else {
                        memcpy(o, p, n);
                        o += n;
                        *o++ = '/';
                }
                p += n;
        }
        if (o > out + 1)
                o--; /* no trailing '/' */
        *o = 0;
        *ret = out;
        return 0;
}

bool definition_instance_is_valid(const char *s) {
        return name_is_valid(s);
}

char *definition_dir_of(const char *path) {
        const char *slash = path ? strrchr(path, '/') : NULL;

        if (!path || !path_is_absolute(path))
                return NULL;
        return strndup(path, slash == path ? 1 : (size_t) (slash - path));
}

/* ---- references to Quadlet's other unit files ---- */

int definition_reference_resolve(const char *key, const char *value, const char *path, const char *name, char **ret,
                                 char **ret_why) {
        _cleanup_free_ char *file = NULL;
        size_t n;

        *ret = NULL;
        if (streq(key, "Image") && (endswith(value, ".image") || endswith(value, ".build")))
                return reason(ret_why, -EINVAL, "'%s' names a Quadlet .image or .build unit, which berth has not: write the image's "
                              "reference (Image=docker.io/library/nginx:1.25)", SHOWN(value));
        if (streq(key, "Network")) {
                const char *e = endswith(value, ".container");

                if (endswith(value, ".network"))
                        return reason(ret_why, -EINVAL, "'%s' names a Quadlet .network unit: berth has no named networks yet "
                                      "(none, host, bridge or container:NAME)", SHOWN(value));
                if (endswith(value, ".pod"))
                        return reason(ret_why, -EINVAL, "'%s' names a Quadlet .pod unit: pods are podman-specific", SHOWN(value));
                if (e && e > value) {
                        _cleanup_free_ char *other = strndup(value, (size_t) (e - value));

                        *ret = other ? strjoin("container:", other) : NULL;
                        return *ret ? 0 : -ENOMEM;
                }
                return 0;
        }
        if (!streq(key, "Volume"))
                return 0;
        n = strcspn(value, ":");
        if (!value[n])
                return 0; /* Volume=DST alone: no source */
        file = strndup(value, n);
        if (!file)
                return -ENOMEM;
        if (endswith(file, ".image") || endswith(file, ".artifact"))
                return reason(ret_why, -EINVAL, "'%s' names a Quadlet .image or .artifact unit, which berth has not", SHOWN(file));
        return 0;
}

/* ---- [Quadlet] (Issue 16: leftovers) ---- */

int definition_alias_check(const char *name, const char *alias, char **ret_why) {
        const char *at = strchr(alias, '@'), *suffix = endswith(alias, ".service");

        /* A template's file (NAME@): its instances' names come with them; the form only. */
        if (name && endswith(name, "@") && suffix && at && at != alias)
                return 0;
        if (!suffix || !at || at == alias || at + 1 >= suffix)
                return reason(ret_why, -EINVAL,
                              "'%s': berth's unit is container@NAME.service, an instance of container@.service, and "
                              "systemd names an instance only by an instance of the same name: write "
                              "Alias=%.*s@%s.service",
                              SHOWN(alias), (int) strcspn(alias, "@."), alias, name ?: "NAME");
        if (startswith(alias, "container@"))
                return reason(ret_why, -EINVAL, "'%s' is the name of berth's own units", SHOWN(alias));
        if (!name || ((size_t) (suffix - at - 1) == strlen(name) && strncmp(at + 1, name, strlen(name)) == 0))
                return 0;
        return reason(ret_why, -EINVAL,
                      "'%s': systemd names container@%s.service only by an instance of the same name: write "
                      "Alias=%.*s@%s.service",
                      SHOWN(alias), name, (int) (at - alias), alias, name);
}

int definition_parse_default_dependencies(struct Definition *d, void *field, struct ListState *list, const char *value,
                                          char **ret_why) {
        int r = parse_boolean(value);

        if (r < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a boolean", SHOWN(value));
        *(bool *) field = !r;
        return 0;
}

int definition_format_default_dependencies(FILE *f, const char *key, const struct Definition *d, const void *field) {
        if (*(const bool *) field)
                fprintf(f, "%s=no\n", key);
        return 0;
}
