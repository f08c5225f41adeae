/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The generator's work, apart from its main() so that the unit test can run it on temp dirs.
 *
 * One definition gives one drop-in, container@NAME.service.d/50-berth.conf: the Description
 * systemctl status shows first, SourcePath= (so systemd flags the unit when the definition
 * changes before a daemon-reload), the units of other containers it needs, and a stop timeout
 * that outlasts the helper's own. Its [Install] targets get .wants/.requires links to the
 * template, so the container starts at boot without `systemctl enable`.
 *
 * A definition that does not parse still gets its drop-in, whose Description carries the
 * parser's FILE:LINE message: systemctl status shows it in its first line, and starting the
 * unit runs the helper, which fails with the same message in the journal. Silence or "Unit not
 * found" would leave the admin guessing. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "definition-mounts.h"
#include "definition-name.h"
#include "definition-unit.h"
#include "definition.h"
#include "fd-util.h"
#include "generator.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "reference.h"
#include "string-util.h"
#include "strv.h"
#include "volume-unit.h"

#define USEC_PER_SEC UINT64_C(1000000)
/* systemd's stop timeout must not fire before the helper has SIGKILLed the payload and
 * cleaned up: it is the definition's StopTimeout= plus this. */
#define STOP_TIMEOUT_MARGIN_SEC UINT64_C(10)

static int kmsg_fd = -EBADF;

void generator_log_open(void) {
        if (kmsg_fd < 0)
                kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

void generator_log(int level, const char *fmt, ...) {
        char raw[1024], buf[2048];
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(raw, sizeof(raw), fmt, ap);
        va_end(ap);
        /* One message, one kmsg record and one line: names and values escaped, as log.c does. */
        escape_controls(raw, SIZE_MAX, buf, sizeof(buf));

        if (kmsg_fd >= 0 && dprintf(kmsg_fd, "<%d>berth-generator[%d]: %s\n", level, (int) getpid(), buf) > 0)
                return;
        fprintf(stderr, "berth-generator: %s\n", buf);
}

/* s as a unit file value that systemd shows as s: "%" starts a specifier and is written "%%";
 * a value cannot hold a newline, so control characters are shown escaped the C way, as berth's
 * log lines show them; a trailing backslash would continue the line, so it becomes '?'. NULL on
 * OOM. */
static char *unit_escape(const char *s) {
        size_t n = strlen(s);
        _cleanup_free_ char *shown = malloc(n * 4 + 4);
        char *r, *p;

        if (!shown)
                return NULL;
        escape_controls(s, SIZE_MAX, shown, n * 4 + 4);
        r = p = malloc(strlen(shown) * 2 + 1);
        if (!r)
                return NULL;
        for (const char *c = shown; *c; c++) {
                if (*c == '%')
                        *p++ = '%';
                *p++ = *c == '\\' && !c[1] ? '?' : *c;
        }
        *p = 0;
        return r;
}

/* ---- what a definition implies ---- */

static int add_container(char ***l, const Definition *d, const char *given) {
        _cleanup_free_ char *key = NULL;
        const char *name = given;
        int r;

        /* Issue 16: leftovers. Its unit is named by its key, also when given its ContainerName=. */
        if (given) {
                r = definition_find(given, NULL, &key, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0)
                        name = key;
        }
        if (!name || streq(name, d->name) || strv_contains(*l, name))
                return 0;
        return strv_extend(l, name);
}

/* The other containers this one needs running first: one line per key that names one (at most
 * DEFINITION_UNITS_MAX, so the lookups here stay cheap). */
static int definition_needs(const Definition *d, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = add_container(&l, d, d->network == NETWORK_CONTAINER ? d->network_container : NULL);
        if (r < 0)
                return r;
        STRV_FOREACH(link, d->links) {
                _cleanup_free_ char *name = strndup(*link, strcspn(*link, ":"));

                if (!name)
                        return -ENOMEM;
                r = add_container(&l, d, name);
                if (r < 0)
                        return r;
        }
        /* Not VolumesFrom=: as with docker, its source need not run, only exist; requiring it
         * would start it. */
        *ret = TAKE_PTR(l);
        return 0;
}

/* Quadlet's RequiresMountsFor= for every bind source (Volume=, Mount=, and a .volume's bind
 * Device=): a source on a file system mounted at boot is there before the container starts. Quoted for systemd (which unquotes the
 * word, a backslash taking the next character as it is), '%' doubled against specifiers. */
static int format_requires_mounts_for(FILE *f, const Definition *d) {
        size_t nv = strv_length(d->volumes), n = nv + strv_length(d->mounts);

        for (size_t i = 0; i < n; i++) {
                _cleanup_(volume_mount_done) VolumeMount m = {};
                int r;

                r = i < nv ? volume_spec_parse(d->volumes[i], &m, NULL) : definition_mount_parse(d->mounts[i - nv], &m, NULL);
                if (r < 0)
                        return r;
                /* A named volume that its .volume file makes a bind of a host directory: that
                 * directory, as Quadlet's volume unit has it. */
                if (m.type == VOLUME_NAMED) {
                        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;

                        r = volume_unit_find(m.source, (char *const *) berth_definition_dirs(), &u, NULL);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0 || !u->device || !streq(u->type, "bind"))
                                continue;
                        free(m.source);
                        m.source = strdup(u->device);
                        if (!m.source)
                                return -ENOMEM;
                } else if (m.type != VOLUME_BIND)
                        continue;
                fputs("RequiresMountsFor=\"", f);
                for (const char *c = m.source; *c; c++)
                        fputs(*c == '"' ? "\\\"" : *c == '\\' ? "\\\\" : *c == '%' ? "%%" : (char[]) { *c, 0 }, f);
                fputs("\"\n", f);
        }
        return 0;
}

static void format_stop_timeout(FILE *f, uint64_t usec) {
        uint64_t sec = usec / USEC_PER_SEC;

        /* systemd refuses a time span it cannot hold in microseconds. */
        if (usec == UINT64_MAX || sec >= UINT64_MAX / USEC_PER_SEC - STOP_TIMEOUT_MARGIN_SEC)
                fputs("TimeoutStopSec=infinity\n", f);
        else
                fprintf(f, "TimeoutStopSec=%" PRIu64 "s\n", sec + STOP_TIMEOUT_MARGIN_SEC);
}

/* Quadlet's translation of a dependency on another definition: After=db.container means
 * container@db.service. */
static int translate_dependencies(const char *value, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t size = 0;
        _cleanup_fclose_ FILE *f = open_memstream(&out, &size);

        if (!f)
                return -ENOMEM;
        for (const char *p = value; *p;) {
                size_t blanks = strspn(p, " \t"), n;
                const char *w = p + blanks, *suffix;

                fwrite(p, 1, blanks, f);
                n = strcspn(w, " \t");
                suffix = n > strlen(DEFINITION_SUFFIX) ? w + n - strlen(DEFINITION_SUFFIX) : NULL;
                if (suffix && strncmp(suffix, DEFINITION_SUFFIX, strlen(DEFINITION_SUFFIX)) == 0)
                        fprintf(f, "container@%.*s.service", (int) (suffix - w), w);
                else
                        fwrite(w, 1, n, f);
                p = w + n;
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        f = safe_fclose(f);
        *ret = TAKE_PTR(out);
        return 0;
}

/* The definition's own [Unit] or [Service] lines, after berth's so that they win where a key
 * takes one value: the specifiers that name the definition resolved (definition-unit.h), and in
 * [Unit] the dependencies on NAME.container translated. */
/* One word of a command line as systemd reads ExecReload=: in double quotes, with '\\' and '"'
 * escaped, control characters as \xHH, and '%' and '$' doubled so that neither a specifier nor a
 * variable is expanded. */
static void write_exec_word(FILE *f, const char *w) {
        fputs(" \"", f);
        for (const unsigned char *c = (const unsigned char *) w; *c; c++) {
                if (*c == '\\' || *c == '"')
                        fprintf(f, "\\%c", *c);
                else if (*c == '%' || *c == '$')
                        fprintf(f, "%c%c", *c, *c);
                else if (*c < 0x20 || *c == 0x7f)
                        fprintf(f, "\\x%02x", *c);
                else
                        fputc(*c, f);
        }
        fputc('"', f);
}

/* Quadlet's ReloadCmd= and ReloadSignal=: what `systemctl reload` runs, `berth exec` of the
 * command in the container or `berth kill` with the signal, as Quadlet writes podman exec and
 * podman kill. */
static void format_exec_reload(FILE *f, const Definition *d) {
        if (strv_isempty(d->reload_cmd) && d->reload_signal == 0)
                return;
        fputs("ExecReload=" BERTH_BINARY_PATH, f);
        if (!strv_isempty(d->reload_cmd)) {
                write_exec_word(f, "exec");
                write_exec_word(f, d->name);
                STRV_FOREACH(w, d->reload_cmd)
                        write_exec_word(f, *w);
        } else {
                char num[16];
                const char *sig = signal_to_string(d->reload_signal);

                snprintf(num, sizeof(num), "%d", d->reload_signal);
                write_exec_word(f, "kill");
                write_exec_word(f, "--signal");
                write_exec_word(f, sig ?: num);
                write_exec_word(f, d->name);
        }
        fputc('\n', f);
}

/* Whether the definition's [Service] makes the unit Type=oneshot (the last Type= wins). */
static bool service_is_oneshot(const Definition *d) {
        bool oneshot = false;

        STRV_FOREACH(l, d->service_lines) {
                const char *v = startswith(*l, "Type=");

                if (v)
                        oneshot = streq(v, "oneshot");
        }
        return oneshot;
}

static int write_unit_lines(FILE *f, const Definition *d, char *const *lines, bool unit) {
        STRV_FOREACH(line, (char **) lines) {
                _cleanup_free_ char *key = strndup(*line, strcspn(*line, "=")), *value = NULL, *translated = NULL;
                const char *raw = strchr(*line, '=') + 1;
                int r;

                if (!key)
                        return -ENOMEM;
                r = definition_specifiers_for_unit(raw, d->name, &value);
                if (r < 0)
                        return r;
                if (unit && definition_unit_key_is_dependency(key)) {
                        r = translate_dependencies(value, &translated);
                        if (r < 0)
                                return r;
                }
                fprintf(f, "%s=%s\n", key, translated ?: value);
        }
        return 0;
}

/* Whether a start may fetch the image from a registry (Pull=, runtime/pull-policy.c), so that the
 * unit waits for the network at boot: an image that names its registry, unless Pull=never; a
 * short name only with Pull=always or newer. A short name with Pull=missing, and localhost/, are
 * taken for local images, which need no network: no container waits at boot for what it has. */
static bool image_may_be_pulled(const Definition *d) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;

        if (!d->image || d->pull == PULL_POLICY_NEVER || reference_parse(d->image, &r, NULL) < 0)
                return false;
        if (!r.domain)
                return d->pull == PULL_POLICY_ALWAYS || d->pull == PULL_POLICY_NEWER;
        return !streq(r.domain, REFERENCE_LOCAL_DOMAIN);
}

static int dropin_for_definition(const Definition *d, char **ret) {
        _cleanup_free_ char *image = NULL, *source = NULL, *text = NULL;
        _cleanup_strv_free_ char **needs = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        size_t size;
        int r;

        r = definition_needs(d, &needs);
        if (r < 0)
                return r;
        image = unit_escape(definition_image_shown(d));
        source = unit_escape(d->path);
        f = open_memstream(&text, &size);
        if (!image || !source || !f)
                return -ENOMEM;

        fprintf(f,
                "# Automatically generated by berth-generator\n"
                "[Unit]\n"
                "Description=berth container %s (%s)\n"
                "SourcePath=%s\n",
                d->name, image, source);
        STRV_FOREACH(n, needs)
                fprintf(f, "After=container@%s.service\nRequires=container@%s.service\n", *n, *n);
        /* Issue 16: leftovers. Not with [Quadlet] DefaultDependencies=no, as Quadlet. */
        if (image_may_be_pulled(d) && !d->no_default_dependencies)
                fputs("After=network-online.target\nWants=network-online.target\n", f);
        r = format_requires_mounts_for(f, d);
        if (r < 0)
                return r;
        r = write_unit_lines(f, d, d->unit_lines, /* unit= */ true);
        if (r < 0)
                return r;
        fputs("\n[Service]\n", f);
        format_stop_timeout(f, d->stop_timeout_usec);
        if (d->restart != RESTART_NO)
                fprintf(f, "Restart=%s\n", restart_policy_to_unit(d->restart));
        format_exec_reload(f, d);
        /* Type=oneshot (a container that runs to completion, as Quadlet allows): systemd refuses
         * such a service with RestartForceExitStatus=, which HealthOnFailure=restart needs. */
        if (service_is_oneshot(d))
                fputs("RestartForceExitStatus=\n", f);
        r = write_unit_lines(f, d, d->service_lines, /* unit= */ false);
        if (r < 0)
                return r;
        /* For the helper: this unit has them (it warns when it runs a definition that has
         * [Unit] or [Service] keys without them). */
        if (d->unit_lines || d->service_lines)
                fputs("Environment=BERTH_DEFINITION_UNIT=1\n", f);

        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        f = safe_fclose(f);
        *ret = TAKE_PTR(text);
        return 0;
}

static int dropin_for_error(const char *name, const char *path, const char *error, char **ret) {
        _cleanup_free_ char *why = NULL, *source = NULL;
        char *text;

        why = unit_escape(error);
        source = unit_escape(path);
        if (!why || !source)
                return -ENOMEM;
        if (asprintf(&text,
                     "# Automatically generated by berth-generator\n"
                     "[Unit]\n"
                     "Description=berth container %s (bad definition: %s)\n"
                     "SourcePath=%s\n",
                     name, why, source) < 0)
                return -ENOMEM;
        *ret = text;
        return 0;
}

/* ---- output ---- */

static int mkdir_in(const char *dest, const char *name, const char *suffix, char **ret) {
        char *dir = strjoin(dest, "/", name, suffix);

        if (!dir)
                return -ENOMEM;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                free(dir);
                return -errno;
        }
        *ret = dir;
        return 0;
}

static int write_dropin(const char *dest, const char *unit, const char *text) {
        _cleanup_free_ char *dir = NULL, *file = NULL;
        int r;

        r = mkdir_in(dest, unit, ".d", &dir);
        if (r < 0)
                return r;
        file = path_join(dir, GENERATOR_DROPIN);
        if (!file)
                return -ENOMEM;
        return write_string_file(file, text, 0644, /* atomic= */ false);
}

/* dest/TARGET.wants/UNIT (or .requires) → the template, as `systemctl enable` would. */
static int link_install(const char *dest, const char *unit, const char *template_path, char **targets,
                        const char *suffix) {
        int r;

        STRV_FOREACH(t, targets) {
                _cleanup_free_ char *dir = NULL, *link = NULL;

                r = mkdir_in(dest, *t, suffix, &dir);
                if (r < 0)
                        return r;
                link = path_join(dir, unit);
                if (!link)
                        return -ENOMEM;
                if (symlink(template_path, link) < 0 && errno != EEXIST)
                        return -errno;
        }
        return 0;
}

/* dest/ALIAS → the template, for [Install] Alias=PREFIX@NAME.service (the parser checked the
 * name): systemd takes a symlink named as another instance of the same name as the unit's alias. */
static int link_aliases(const char *dest, const char *template_path, char **aliases) {
        STRV_FOREACH(a, aliases) {
                _cleanup_free_ char *link = path_join(dest, *a);

                if (!link)
                        return -ENOMEM;
                if (symlink(template_path, link) < 0 && errno != EEXIST)
                        return -errno;
        }
        return 0;
}

/* 1 if it wrote the unit's drop-in, 0 if there was nothing to write. */
static int generate_one(const char *dest, const char *template_path, const char *name, const char *path) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *unit = NULL, *error = NULL, *text = NULL;
        int r;

        unit = name_to_service(name);
        if (!unit)
                return -ENOMEM;

        r = definition_parse_file(path, name, &d, &error);
        if (r == -ENOMEM)
                return r;
        if (r == -ENOENT) {
                /* A dangling link, or a file gone since readdir(): like the helper, look no
                 * further here; a later directory may still hold NAME. */
                generator_log(LOG_WARNING, "%s, ignoring", error ?: path);
                return 0;
        }
        if (r < 0) {
                generator_log(LOG_ERR, "%s", error ?: strerror(-r));
                r = dropin_for_error(name, path, error ?: strerror(-r), &text);
        } else
                r = dropin_for_definition(d, &text);
        if (r < 0)
                return r;

        r = write_dropin(dest, unit, text);
        if (r < 0)
                return r;
        if (d) {
                r = link_install(dest, unit, template_path, d->wanted_by, ".wants");
                if (r < 0)
                        return r;
                r = link_install(dest, unit, template_path, d->required_by, ".requires");
                if (r < 0)
                        return r;
                r = link_install(dest, unit, template_path, d->upheld_by, ".upholds");
                if (r < 0)
                        return r;
                r = link_aliases(dest, template_path, d->aliases);
                if (r < 0)
                        return r;

        }
        return 1;
}

/* Whether an earlier directory holds NAME.container: it wins, as in definition_load(), which
 * takes the first that is not missing. */
static bool shadowed(char *const *dirs, char *const *until, const char *file) {
        for (char *const *d = dirs; *d && (!until || d < until); d++) {
                _cleanup_free_ char *p = path_join(*d, file);

                if (!p || access(p, F_OK) >= 0 || errno != ENOENT)
                        return true;
        }
        return false;
}

/* A template, NAME@.container: the instances systemd starts (container@NAME@INSTANCE.service) are
 * read by the helper from it; the generator makes the drop-in and [Install] links of its
 * DefaultInstance= only, as Quadlet does, unless that instance has a file of its own. */
static int generate_template(const char *dest, const char *template_path, char *const *dirs, char *const *until,
                             const char *name, const char *path) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL, *instance = NULL, *file = NULL;
        int r;

        if (shadowed(dirs, until, strrchr(path, '/') + 1))
                return 0;
        r = definition_parse_file(path, name, &d, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                /* Its instances fail with the same line when started. */
                generator_log(LOG_ERR, "%s", error ?: strerror(-r));
                return 0;
        }
        if (!d->default_instance)
                return 0;
        instance = strjoin(name, d->default_instance);
        file = instance ? strjoin(instance, DEFINITION_SUFFIX) : NULL;
        if (!file)
                return -ENOMEM;
        if (shadowed(dirs, NULL, file))
                return 0; /* NAME@INSTANCE.container is its own definition, generated as such */
        return generate_one(dest, template_path, instance, path);
}

int generator_run(const char *dest, char *const *dirs, const char *unit_dir) {
        _cleanup_free_ char *template_path = NULL;
        int n = 0;

        template_path = path_join(unit_dir, GENERATOR_TEMPLATE);
        if (!template_path)
                return -ENOMEM;

        for (char *const *d = dirs; d && *d; d++) {
                _cleanup_closedir_ DIR *dir = NULL;
                struct dirent *de;

                dir = opendir(*d);
                if (!dir) {
                        if (errno != ENOENT)
                                generator_log(LOG_WARNING, "Failed to open %s, ignoring: %m", *d);
                        continue;
                }
                while ((de = readdir(dir))) {
                        _cleanup_free_ char *name = NULL, *path = NULL;
                        const char *suffix = endswith(de->d_name, DEFINITION_SUFFIX);
                        int r;

                        if (!suffix || de->d_name[0] == '.')
                                continue;
                        name = strndup(de->d_name, (size_t) (suffix - de->d_name));
                        path = path_join(*d, de->d_name);
                        if (!name || !path)
                                return -ENOMEM;
                        if (name_is_template(name)) {
                                r = generate_template(dest, template_path, dirs, d, name, path);
                                if (r < 0)
                                        generator_log(LOG_ERR, "Failed to generate the default instance of %s, ignoring: %s",
                                                      path, strerror(-r));
                                n += r > 0;
                                continue;
                        }
                        if (!name_is_valid(name)) {
                                generator_log(LOG_ERR,
                                              "%s: invalid container name '%s': names must match " NAME_RULE
                                              ", ignoring",
                                              path, name);
                                continue;
                        }
                        if (shadowed(dirs, d, de->d_name))
                                continue;

                        r = generate_one(dest, template_path, name, path);
                        if (r < 0)
                                generator_log(LOG_ERR, "Failed to generate container@%s.service from %s, ignoring: %s",
                                              name, path, strerror(-r));
                        n += r > 0;
                }
        }
        return n;
}
