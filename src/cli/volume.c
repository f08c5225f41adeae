/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth volume create|ls|inspect|rm|prune: a small table of sub-verbs over src/volume.c. Which
 * container uses a volume is read from the definitions (their Volume= lines), as everything else
 * berth shows: there is no record of it anywhere else. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "subverb.h"
#include "units.h"
#include "verbs.h"
#include "paths.h"
#include "volume-unit.h"
#include "volume.h"

static int volume_create_verb(int argc, char *argv[]);
static int volume_ls(int argc, char *argv[]);
static int volume_inspect(int argc, char *argv[]);
static int volume_rm(int argc, char *argv[]);
static int volume_prune(int argc, char *argv[]);

static const SubVerb volume_verbs[] = {
        { "create", NULL, volume_create_verb, "volume create [NAME]",
          "Create a volume (a generated name without NAME) and print its name; it is filled from the "
          "image on its first use",
          NULL },
        { "ls", "list", volume_ls, "volume ls [-q] [-o table|json] [--no-legend]", "List volumes",
          "  -q, --quiet          print volume names only\n"
          "  -o, --output FORMAT  table (default) or json\n"
          "      --no-legend      no header and footer\n" },
        { "inspect", NULL, volume_inspect, "volume inspect NAME…", "Show volumes' details as JSON", NULL },
        { "rm", "remove", volume_rm, "volume rm [-f] NAME…",
          "Remove volumes; one a container uses is kept (with -f, only while the container runs)",
          "  -f, --force          also remove volumes of stopped containers; no error for missing ones\n" },
        { "prune", NULL, volume_prune, "volume prune [-f]", "Remove all volumes no container uses",
          "  -f, --force          accepted for docker's sake: berth does not ask\n" },
};

static const SubVerbGroup volume_group = { "volume", "Manage volumes", volume_verbs, ELEMENTSOF(volume_verbs) };

/* Parses --help and, when force is not NULL, -f; 1 if --help was given, 0 otherwise, or the
 * exit code (negated) to fail with. */
static int parse_simple(const SubVerb *v, int argc, char *argv[], bool *force) {
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c;

        while ((c = subverb_options_next(&volume_group, v, argc, argv, force ? "f" : "", options)) >= 0)
                switch (c) {
                case 'f':
                        if (!force)
                                return -subverb_bad_option(&volume_group, v, argv);
                        *force = true;
                        break;
                case 'H':
                        subverb_help(v);
                        return 1;
                default:
                        return -EXIT_BERTH_FAILED;
                }
        return 0;
}

static bool check_name(const char *name) {
        if (name_is_plain(name))
                return true;
        log_error("invalid volume name '%s': names must match " NAME_RULE, name);
        return false;
}

/* --- Who uses what ----------------------------------------------------------------------------------- */

typedef struct Use {
        char *volume, *container;
} Use;

typedef struct Uses {
        Use *uses;
        size_t n;
} Uses;

static void uses_done(Uses *u) {
        for (size_t i = 0; i < u->n; i++) {
                free(u->uses[i].volume);
                free(u->uses[i].container);
        }
        free(u->uses);
}

/* Every (volume, container) pair the definitions hold. A definition that does not parse cannot
 * say what it uses: with strict (removing), that is an error, not a guess. */
static int uses_read(bool strict, Uses *ret) {
        _cleanup_strv_free_ char **containers = NULL;
        int r;

        r = containers_list_names(&containers);
        if (r < 0)
                return log_error_errno(r, "Failed to list the container definitions: %m");
        STRV_FOREACH(c, containers) {
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *path = NULL, *error = NULL;
                _cleanup_strv_free_ char **names = NULL;

                if (containers_definition_path(*c, &path) < 0)
                        continue; /* removed meanwhile */
                r = definition_parse_file(path, *c, &d, &error);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        if (strict)
                                return log_error_errno(r, "cannot tell which volumes container %s uses: %s", *c,
                                                       error ?: strerror(-r));
                        log_warning("cannot tell which volumes container %s uses: %s", *c, error ?: strerror(-r));
                        continue;
                }
                r = volume_names_of(d, &names);
                if (r < 0)
                        return log_oom();
                STRV_FOREACH(n, names) {
                        Use *u = realloc(ret->uses, (ret->n + 1) * sizeof(Use));

                        if (!u)
                                return log_oom();
                        ret->uses = u;
                        u[ret->n] = (Use) { .volume = strdup(*n), .container = strdup(*c) };
                        if (!u[ret->n].volume || !u[ret->n].container) {
                                free(u[ret->n].volume);
                                free(u[ret->n].container);
                                return log_oom();
                        }
                        ret->n++;
                }
        }
        return 0;
}

/* The containers that use volume, in a new strv. */
static char **uses_of(const Uses *u, const char *volume) {
        char **l = calloc(1, sizeof(char *));

        for (size_t i = 0; l && i < u->n; i++)
                if (streq(u->uses[i].volume, volume) && strv_extend(&l, u->uses[i].container) < 0)
                        l = strv_free(l);
        return l;
}

/* --- The verbs ------------------------------------------------------------------------------------- */

static int volume_create_verb(int argc, char *argv[]) {
        _cleanup_free_ char *generated = NULL;
        const char *name;
        int r;

        r = parse_simple(subverb_find(&volume_group, "create"), argc, argv, NULL);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (argc - optind > 1) {
                log_error("volume create takes at most one name; see 'berth volume create --help'");
                return EXIT_BERTH_FAILED;
        }
        if (optind < argc)
                name = argv[optind];
        else {
                r = name_generate("", 16, &generated);
                if (r < 0) {
                        log_error_errno(r, "Failed to make up a name: %m");
                        return EXIT_BERTH_FAILED;
                }
                name = generated;
        }
        if (!check_name(name))
                return EXIT_BERTH_FAILED;
        /* As docker: creating a volume that exists is no error. */
        r = volume_create(name);
        if (r < 0) {
                log_error_errno(r, "Failed to create volume %s: %m", name);
                return EXIT_BERTH_FAILED;
        }
        printf("%s\n", name);
        return 0;
}

static char *mountpoint_of(const char *name) {
        _cleanup_free_ char *store = volume_store_dir();

        return store ? path_join(store, name, "_data") : NULL;
}

static int volume_ls(int argc, char *argv[]) {
        enum { ARG_NO_LEGEND = 0x100, ARG_HELP };
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "output", required_argument, NULL, 'o' },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        const SubVerb *v = subverb_find(&volume_group, "ls");
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_(uses_done) Uses uses = {};
        bool quiet = false, legend = true, json = false;
        size_t width = STRLEN("NAME");
        int c, r;

        while ((c = subverb_options_next(&volume_group, v, argc, argv, "qo:", options)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'o':
                        if (streq(optarg, "json"))
                                json = true;
                        else if (streq(optarg, "table"))
                                json = false;
                        else {
                                log_error("option -o: '%s' is not an output format (table, json)", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_NO_LEGEND:
                        legend = false;
                        break;
                case ARG_HELP:
                        subverb_help(v);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("volume ls takes no arguments; see 'berth volume ls --help'");
                return EXIT_BERTH_FAILED;
        }

        r = volume_list(&names);
        if (r < 0) {
                log_error_errno(r, "Failed to list volumes: %m");
                return EXIT_BERTH_FAILED;
        }
        if (quiet) {
                STRV_FOREACH(n, names)
                        printf("%s\n", *n);
                return 0;
        }
        if (uses_read(/* strict= */ false, &uses) < 0)
                return EXIT_BERTH_FAILED;

        if (json) {
                JsonWriter w;

                json_init(&w, stdout, /* pretty= */ false);
                json_begin_array(&w);
                STRV_FOREACH(n, names) {
                        _cleanup_strv_free_ char **users = uses_of(&uses, *n);
                        _cleanup_free_ char *mp = mountpoint_of(*n);
                        bool ready = false;

                        if (!users || !mp)
                                return log_oom(), EXIT_BERTH_FAILED;
                        if (volume_exists(*n, &ready) <= 0)
                                continue;
                        json_begin_object(&w);
                        json_key_string(&w, "name", *n);
                        json_key_string(&w, "mountpoint", mp);
                        json_key_bool(&w, "ready", ready);
                        json_key_strv(&w, "containers", users);
                        json_end_object(&w);
                }
                json_end_array(&w);
                r = json_finish(&w);
                if (r < 0) {
                        log_error_errno(r, "Failed to print the list: %m");
                        return EXIT_BERTH_FAILED;
                }
                return 0;
        }

        STRV_FOREACH(n, names)
                width = MAX(width, strlen(*n));
        if (legend)
                printf("%-*s %-5s %s\n", (int) width, "NAME", "STATE", "CONTAINERS");
        size_t shown = 0;
        STRV_FOREACH(n, names) {
                _cleanup_strv_free_ char **users = uses_of(&uses, *n);
                _cleanup_free_ char *joined = NULL;
                bool ready = false;

                if (!users)
                        return log_oom(), EXIT_BERTH_FAILED;
                if (volume_exists(*n, &ready) <= 0)
                        continue;
                joined = strv_isempty(users) ? strdup("-") : strv_join(users, ",");
                if (!joined)
                        return log_oom(), EXIT_BERTH_FAILED;
                /* new: never used yet, the image's content goes in at the first start. */
                printf("%-*s %-5s %s\n", (int) width, *n, ready ? "ready" : "new", joined);
                shown++;
        }
        if (legend)
                printf("\n%zu volumes listed.\n", shown);
        return 0;
}

/* What the .volume file that defines the volume says (volume-unit.h), as docker's and podman's
 * inspect show a volume's driver, labels and options; berth keeps no record of them but that file. */
static void inspect_unit(JsonWriter *w, const char *name) {
        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
        _cleanup_free_ char *why = NULL;
        char id[16];
        int r;

        r = volume_unit_find(name, (char *const *) berth_definition_dirs(), &u, &why);
        if (r == -EINVAL)
                log_warning("volume %s: %s", name, why ?: "invalid");
        else if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "Failed to look for the .volume file of volume %s, ignoring: %m", name);
        json_key_string(w, "driver", "local");
        json_key_string(w, "definition", u ? u->path : NULL);
        json_key(w, "labels");
        json_begin_object(w);
        STRV_FOREACH(l, u ? u->labels : NULL) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));

                if (!k)
                        continue;
                json_key_string(w, k, *l + strlen(k) + 1);
        }
        json_end_object(w);
        json_key(w, "options");
        json_begin_object(w);
        if (u && u->device) {
                json_key_string(w, "device", u->device);
                json_key_string(w, "type", u->type);
        }
        if (u && u->options)
                json_key_string(w, "o", u->options);
        if (u && u->uid != (uid_t) -1) {
                snprintf(id, sizeof(id), "%u", (unsigned) u->uid);
                json_key_string(w, "uid", id);
        }
        if (u && u->gid != (gid_t) -1) {
                snprintf(id, sizeof(id), "%u", (unsigned) u->gid);
                json_key_string(w, "gid", id);
        }
        if (u && u->copy == 0)
                json_key_string(w, "nocopy", "");
        json_end_object(w);
}

static int volume_inspect(int argc, char *argv[]) {
        _cleanup_(uses_done) Uses uses = {};
        JsonWriter w;
        int r, ret = 0;

        r = parse_simple(subverb_find(&volume_group, "inspect"), argc, argv, NULL);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind >= argc) {
                log_error("volume inspect needs a volume name; see 'berth volume inspect --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++)
                if (!check_name(argv[i]))
                        return EXIT_BERTH_FAILED;
        if (uses_read(/* strict= */ false, &uses) < 0)
                return EXIT_BERTH_FAILED;

        json_init(&w, stdout, /* pretty= */ true);
        json_begin_array(&w);
        for (int i = optind; i < argc; i++) {
                const char *name = argv[i];
                _cleanup_strv_free_ char **users = uses_of(&uses, name);
                _cleanup_free_ char *mp = mountpoint_of(name), *store = volume_store_dir(), *dir = NULL;
                char created[64] = "";
                struct statx sx;
                bool ready = false;

                if (!users || !mp || !store)
                        return log_oom(), EXIT_BERTH_FAILED;
                r = volume_exists(name, &ready);
                if (r == 0) {
                        log_error("no such volume %s", name);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to read volume %s: %m", name);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                dir = path_join(store, name);
                if (dir && statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, STATX_BTIME | STATX_CTIME, &sx) >= 0) {
                        time_t t = (sx.stx_mask & STATX_BTIME) ? (time_t) sx.stx_btime.tv_sec : (time_t) sx.stx_ctime.tv_sec;
                        struct tm tm;

                        if (gmtime_r(&t, &tm))
                                strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
                }
                json_begin_object(&w);
                json_key_string(&w, "name", name);
                json_key_string(&w, "mountpoint", mp);
                json_key_string(&w, "created", created[0] ? created : NULL);
                json_key_bool(&w, "ready", ready);
                json_key_strv(&w, "containers", users);
                inspect_unit(&w, name);
                json_end_object(&w);
        }
        json_end_array(&w);
        r = json_finish(&w);
        if (r < 0) {
                log_error_errno(r, "Failed to print volumes: %m");
                return EXIT_BERTH_FAILED;
        }
        return ret;
}

/* Whether one of the containers runs now (or is starting or stopping): its volumes are mounted. */
static const char *first_running(char **containers) {
        STRV_FOREACH(c, containers) {
                _cleanup_free_ char *state = NULL;

                if (units_active_state(*c, &state) < 0 || (!streq(state, "inactive") && !streq(state, "failed")))
                        return *c;
        }
        return NULL;
}

static int volume_rm(int argc, char *argv[]) {
        _cleanup_(uses_done) Uses uses = {};
        bool force = false;
        int r, ret = 0;

        r = parse_simple(subverb_find(&volume_group, "rm"), argc, argv, &force);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind >= argc) {
                log_error("volume rm needs a volume name; see 'berth volume rm --help'");
                return EXIT_BERTH_FAILED;
        }
        if (uses_read(/* strict= */ true, &uses) < 0)
                return EXIT_BERTH_FAILED;

        for (int i = optind; i < argc; i++) {
                const char *name = argv[i], *running;
                _cleanup_strv_free_ char **users = NULL;

                if (!check_name(name)) {
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                users = uses_of(&uses, name);
                if (!users)
                        return log_oom(), EXIT_BERTH_FAILED;
                /* docker's rule: a volume a container refers to stays, running or not; -f lets a
                 * stopped container's go (it gets a new, empty one at its next start). A running
                 * container's (or one we cannot ask about) stays whatever is given. */
                running = first_running(users);
                if (running || (!force && !strv_isempty(users))) {
                        _cleanup_free_ char *list = strv_join(users, ", ");

                        if (running)
                                log_error("volume %s is in use by running container %s", name, running);
                        else
                                log_error("volume %s is in use by container%s %s; remove %s first or use 'berth volume rm -f'",
                                          name, users[1] ? "s" : "", list ?: users[0], users[1] ? "them" : "it");
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                r = volume_remove(name);
                if (r == -ENOENT) {
                        if (!force) {
                                log_error("no such volume %s", name);
                                ret = EXIT_BERTH_FAILED;
                        }
                        continue;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to remove volume %s: %m", name);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                printf("%s\n", name);
        }
        return ret;
}

static int volume_prune(int argc, char *argv[]) {
        _cleanup_(uses_done) Uses uses = {};
        _cleanup_strv_free_ char **names = NULL;
        bool force = false;
        int r, ret = 0;

        r = parse_simple(subverb_find(&volume_group, "prune"), argc, argv, &force);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind < argc) {
                log_error("volume prune takes no arguments; see 'berth volume prune --help'");
                return EXIT_BERTH_FAILED;
        }
        if (uses_read(/* strict= */ true, &uses) < 0)
                return EXIT_BERTH_FAILED;
        r = volume_list(&names);
        if (r < 0) {
                log_error_errno(r, "Failed to list volumes: %m");
                return EXIT_BERTH_FAILED;
        }
        STRV_FOREACH(n, names) {
                _cleanup_strv_free_ char **users = uses_of(&uses, *n);

                if (!users)
                        return log_oom(), EXIT_BERTH_FAILED;
                if (!strv_isempty(users))
                        continue;
                r = volume_remove(*n);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        log_error_errno(r, "Failed to remove volume %s: %m", *n);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                printf("%s\n", *n);
        }
        return ret;
}

int verb_volume(int argc, char *argv[]) {
        return subverb_dispatch(&volume_group, argc, argv);
}
