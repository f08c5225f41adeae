/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth rename OLD NEW: docker's rename, for a container that does not run.
 *
 * A container is its name in berth: its units (container@NAME.service, container-NAME.scope),
 * its definition (NAME.container), its files (/var/lib/berth/containers/NAME), its anonymous
 * volumes (named after it), its lock. systemd cannot rename a loaded unit, so a running container
 * is refused, where docker renames it in place; everything else is renamed, each with
 * renameat2(RENAME_NOREPLACE), the definition last: until then OLD is whole, and a failure undoes
 * what was done, in reverse. Both names' locks are held throughout, so that neither starts, nor
 * is NEW created, meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "event.h"
#include "lock.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "units.h"
#include "userns-range.h" /* Issue 18 */
#include "verbs.h"
#include "volume.h"

#define MOVES_MAX 64

typedef struct Move {
        char *from, *to;
} Move;

typedef struct Moves {
        Move m[MOVES_MAX];
        size_t n;
} Moves;

/* Renames from to to, unless to exists; remembered for undo. 0 also when from does not exist. */
static int move(Moves *moves, const char *from, const char *to) {
        char *f, *t;

        if (moves->n >= MOVES_MAX)
                return log_error_errno(-E2BIG, "Failed to rename: more than %d files", MOVES_MAX);
        if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) < 0) {
                if (errno == ENOENT && access(from, F_OK) < 0)
                        return 0;
                if (errno == EEXIST)
                        return log_error_errno(-EEXIST, "Failed to rename %s: %s exists", from, to);
                return log_error_errno(-errno, "Failed to rename %s to %s: %m", from, to);
        }
        f = strdup(from);
        t = strdup(to);
        moves->m[moves->n++] = (Move) { f, t };
        if (!f || !t)
                return log_oom(); /* undone with the rest: undo() renames back what it can name */
        return 0;
}

/* Puts back what move() did, last first. */
static void undo(Moves *moves) {
        for (size_t i = moves->n; i > 0; i--) {
                Move *m = &moves->m[i - 1];

                if (m->from && m->to && renameat2(AT_FDCWD, m->to, AT_FDCWD, m->from, RENAME_NOREPLACE) < 0)
                        log_error_errno(-errno, "Failed to rename %s back to %s: %m", m->to, m->from);
        }
}

static void moves_done(Moves *moves) {
        for (size_t i = 0; i < moves->n; i++) {
                free(moves->m[i].from);
                free(moves->m[i].to);
        }
        moves->n = 0;
}

/* Whether one of the name's units is loaded and not inactive or failed. */
static int units_running(const char *name) {
        _cleanup_free_ char *state = NULL;
        int r;

        r = units_active_state(name, &state);
        if (r < 0)
                return r;
        return !streq(state, "inactive") && !streq(state, "failed");
}

/* The renaming itself, with both locks held and both names' units not running. */
static int rename_locked(const char *old, const char *new, int old_lock) {
        _cleanup_(definition_freep) Definition *d = NULL, *renamed = NULL;
        _cleanup_strv_free_ char **old_volumes = NULL, **new_volumes = NULL;
        _cleanup_free_ char *error = NULL, *vdir = NULL;
        _cleanup_(moves_done) Moves moves = {};
        char *const *dirs = berth_definition_dirs();
        int r;

        r = definition_load(old, NULL, &d, &error);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) /* its files and volumes cannot be known: rename nothing */
                return log_error_errno(r, "cannot rename %s: %s", old, error ?: "its definition cannot be read");
        /* The same definition under the new name: its anonymous volumes' names follow. */
        r = definition_load(old, NULL, &renamed, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read the definition of %s: %m", old);
        free(renamed->name);
        renamed->name = strdup(new);
        if (!renamed->name)
                return log_oom();
        r = volume_anonymous_names_of(d, &old_volumes);
        if (r >= 0)
                r = volume_anonymous_names_of(renamed, &new_volumes);
        if (r < 0)
                return log_error_errno(r, "Failed to find the anonymous volumes of container %s: %m", old);
        if (strv_length(old_volumes) != strv_length(new_volumes))
                return log_error_errno(-EINVAL, "Failed to match the anonymous volumes of container %s", old);

        /* Its files, then its anonymous volumes, then the definitions: /run's, then /etc's, which
         * counts. */
        {
                _cleanup_free_ char *from = path_join(berth_state_dir(), "containers", old),
                                    *to = path_join(berth_state_dir(), "containers", new);

                if (!from || !to)
                        return log_oom();
                r = move(&moves, from, to);
                if (r < 0)
                        goto fail;
        }
        vdir = volume_store_dir();
        if (!vdir) {
                r = log_oom();
                goto fail;
        }
        for (size_t i = 0; old_volumes[i]; i++) {
                _cleanup_free_ char *from = path_join(vdir, old_volumes[i]), *to = path_join(vdir, new_volumes[i]);

                if (!from || !to) {
                        r = log_oom();
                        goto fail;
                }
                r = move(&moves, from, to);
                if (r < 0)
                        goto fail;
        }
        for (size_t i = strv_length(dirs); i > 0; i--) {
                _cleanup_free_ char *from = NULL, *to = NULL;

                if (asprintf(&from, "%s/%s%s", dirs[i - 1], old, DEFINITION_SUFFIX) < 0 ||
                    asprintf(&to, "%s/%s%s", dirs[i - 1], new, DEFINITION_SUFFIX) < 0) {
                        r = log_oom();
                        goto fail;
                }
                r = move(&moves, from, to);
                if (r < 0)
                        goto fail;
        }

        /* Done: what systemd still knows of OLD goes, as with rm. */
        {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;

                if (bus_open_systemd(&bus) >= 0) {
                        _cleanup_free_ char *service = name_to_service(old), *scope = name_to_scope(old);
                        const char *units[] = { service, scope };

                        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                                if (units[i])
                                        (void) sd_bus_call_method(bus, "org.freedesktop.systemd1",
                                                                  "/org/freedesktop/systemd1",
                                                                  "org.freedesktop.systemd1.Manager", "ResetFailedUnit",
                                                                  NULL, NULL, "s", units[i]);
                }
        }
        lock_forget(old, old_lock);
        /* Issue 18: user namespaces. A range is held by name: OLD's goes, NEW takes one at its
         * next start (its files keep their IDs on disk, which idmapped mounts show in any range). */
        r = userns_maps_release(old);
        if (r < 0)
                log_warning_errno(r, "Failed to release the user namespace range of %s, ignoring: %m", old);
        /* docker's rename event, under the new name, with the old one */
        {
                _cleanup_free_ char *old_name = strjoin("/", old), *message = NULL;
                JournalField f[2];
                size_t n = 0;

                if (!old_name || asprintf(&message, "container %s renamed to %s", old, new) < 0) {
                        message = NULL;
                        r = -ENOMEM;
                } else {
                        if (d->image)
                                f[n++] = (JournalField) { "BERTH_IMAGE", d->image, strlen(d->image) };
                        f[n++] = (JournalField) { "BERTH_OLD_NAME", old_name, strlen(old_name) };
                        r = event_send(NULL, new, NULL, EVENT_RENAME, LOG_INFO, message, f, n, JOURNAL_SEND_TIMEOUT_MSEC);
                }
                /* the rename is done: a lost event does not undo it */
                if (r < 0)
                        log_warning_errno(r, "Failed to write the rename event of container %s to the journal, ignoring: %m",
                                          new);
        }
        /* The generator's drop-in and [Install] links follow the definition at a reload, as rm
         * and create have it. */
        if ((d->restart != RESTART_NO || !strv_isempty(d->wanted_by) || !strv_isempty(d->required_by)) &&
            units_reload() < 0)
                return -EIO;
        return 0;

fail:
        undo(&moves);
        return r;
}

static int rename_container(const char *given, const char *new) {
        _cleanup_free_ char *path = NULL, *key = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_close_ int old_lock = -EBADF, new_lock = -EBADF;
        const char *old;
        int r;

        if (!name_is_valid(new))
                return log_error_errno(-EINVAL, "invalid container name '%s': names must match " NAME_RULE, new);
        if (containers_require(given, &key) < 0)
                return -ENOENT;
        old = key;
        /* Issue 16: leftovers. A name ContainerName= gives is the file's to change. */
        if (containers_definition_path(old, &path) >= 0 && definition_parse_file(path, old, &d, NULL) >= 0 &&
            d->process.container_name)
                return log_error_errno(-EINVAL, "container %s is named by ContainerName= in %s; change it there",
                                       given, path);
        free(path);
        path = NULL;
        if (streq(old, new) || streq(given, new))
                return log_error_errno(-EINVAL, "container %s is already named %s", given, new);
        if (containers_definition_path(new, &path) >= 0)
                return log_error_errno(-EEXIST, "container %s exists (%s); choose another name", new, path);

        /* Held to the end: neither name starts, and NEW is not created, while files move. */
        r = lock_take(old, &old_lock);
        if (r == -EBUSY)
                return log_error_errno(r, "container %s is running; berth cannot rename a running container "
                                          "(its systemd units are named after it): stop it first", old);
        if (r < 0)
                return log_error_errno(r, "Failed to lock container %s: %m", old);
        r = lock_take(new, &new_lock);
        if (r == -EBUSY)
                return log_error_errno(r, "container %s is running; choose another name", new);
        if (r < 0)
                return log_error_errno(r, "Failed to lock container %s: %m", new);

        r = units_running(old);
        if (r < 0)
                log_error_errno(r, "Failed to read the state of container %s: %m", old);
        else if (r > 0)
                r = log_error_errno(-EBUSY, "container %s is running; berth cannot rename a running container "
                                            "(its systemd units are named after it): stop it first", old);
        if (r == 0) {
                r = units_running(new);
                if (r < 0)
                        log_error_errno(r, "Failed to read the state of container %s: %m", new);
                else if (r > 0)
                        r = log_error_errno(-EBUSY, "units of %s are still running; choose another name", new);
        }
        if (r == 0)
                r = rename_locked(old, new, old_lock);
        if (r < 0 && r != -EIO)
                lock_forget(new, new_lock); /* NEW is not a container: no lock file of it stays */
        return r;
}

int verb_rename(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        verb_help("rename", "      --help   show this help\n");
                        printf("\nA container that runs cannot be renamed (its systemd units are named after it):\n"
                               "stop it first. Its definition, files and anonymous volumes take the new name.\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 2) {
                log_error("rename needs the container's name and its new name; see 'berth rename --help'");
                return EXIT_BERTH_FAILED;
        }
        return rename_container(argv[optind], argv[optind + 1]) < 0 ? EXIT_BERTH_FAILED : 0;
}
