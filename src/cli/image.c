/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth image import|ls|rm: a small table of sub-verbs over src/image.c. */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "format.h"
#include "image-config.h"
#include "image-load.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "subverb.h"
#include "verbs.h"

static int image_import(int argc, char *argv[]);
static int image_load_verb(int argc, char *argv[]);
static int image_ls(int argc, char *argv[]);
static int image_inspect(int argc, char *argv[]);
static int image_rm(int argc, char *argv[]);
static int image_prune_verb(int argc, char *argv[]);

static const SubVerb image_verbs[] = {
        { "import", NULL, image_import, "image import DIR|ARCHIVE|- NAME",
          "Make an image of one layer from a directory or a tar archive (- for stdin; any compression)",
          NULL },
        { "load", NULL, image_load_verb, "image load ARCHIVE|- [NAME]",
          "Load an image docker save or an OCI tool wrote (- for stdin), layer by layer; print its name",
          NULL },
        { "ls", "list", image_ls, "image ls [-q] [--no-legend]", "List images",
          "  -q, --quiet       print image names only\n"
          "      --no-legend   no header line\n" },
        { "inspect", NULL, image_inspect, "image inspect NAME…",
          "Show images' layers, size, configuration and containers as JSON", NULL },
        { "rm", "remove", image_rm, "image rm NAME…",
          "Remove images; an image a container definition names is kept", NULL },
        { "prune", NULL, image_prune_verb, "image prune [-a] [-f]",
          "Remove what killed imports, loads and removals left in the store; with -a, also every image "
          "no container definition names",
          "  -a, --all         also remove images no container definition names\n"
          "  -f, --force       accepted for docker's sake: berth does not ask\n" },
        { "pull", NULL, verb_pull, "image pull [--platform OS/ARCH[/VARIANT]] [--policy POLICY] [-q] IMAGE", "Pull an image from a registry", PULL_OPTIONS_HELP },
};

static const SubVerbGroup image_group = { "image", "Manage images", image_verbs, ELEMENTSOF(image_verbs) };

static char *images_dir(void) {
        return path_join(berth_state_dir(), "images");
}

/* Parses only --help (every sub-verb has it); returns 1 if it was given, 0 otherwise, or the
 * exit code to fail with. */
static int parse_help_only(const SubVerb *v, int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "", options)) >= 0)
                switch (c) {
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
        log_error("invalid image name '%s': names must match " NAME_RULE, name);
        return false;
}

static int image_import(int argc, char *argv[]) {
        _cleanup_free_ char *dir = NULL, *why = NULL;
        const char *src, *name;
        struct stat st;
        int r;

        r = parse_help_only(subverb_find(&image_group, "import"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (argc - optind != 2) {
                log_error("image import needs a directory or an archive, and a name; see 'berth image import --help'");
                return EXIT_BERTH_FAILED;
        }
        src = argv[optind];
        name = argv[optind + 1];

        if (!check_name(name))
                return EXIT_BERTH_FAILED;
        if (!streq(src, "-") && stat(src, &st) < 0) {
                log_error_errno(-errno, "Failed to access %s: %m", src);
                return EXIT_BERTH_FAILED;
        }
        if (!streq(src, "-") && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
                log_error("%s is neither a directory nor an archive file", src);
                return EXIT_BERTH_FAILED;
        }

        dir = images_dir();
        if (!dir) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        if (streq(src, "-") || S_ISREG(st.st_mode)) {
                _cleanup_close_ int fd = streq(src, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                                         : open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);

                if (fd < 0) {
                        log_error_errno(-errno, "Failed to open %s: %m", src);
                        return EXIT_BERTH_FAILED;
                }
                r = image_import_archive(dir, fd, name, &why);
        } else
                r = image_import_dir(dir, src, name, &why);
        if (r == -EEXIST) {
                log_error("image %s already exists", name);
                return EXIT_BERTH_FAILED;
        }
        if (r < 0 && why) {
                log_error("Failed to import %s as image %s: %s", streq(src, "-") ? "stdin" : src, name, why);
                return EXIT_BERTH_FAILED;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to import %s as image %s: %m", streq(src, "-") ? "stdin" : src, name);
                return EXIT_BERTH_FAILED;
        }
        return 0;
}

static int image_load_verb(int argc, char *argv[]) {
        _cleanup_free_ char *dir = NULL, *why = NULL, *loaded = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *src, *name;
        int r;

        r = parse_help_only(subverb_find(&image_group, "load"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (argc - optind < 1 || argc - optind > 2) {
                log_error("image load needs an archive and at most a name; see 'berth image load --help'");
                return EXIT_BERTH_FAILED;
        }
        src = argv[optind];
        name = argc - optind == 2 ? argv[optind + 1] : NULL;
        if (name && !check_name(name))
                return EXIT_BERTH_FAILED;

        fd = streq(src, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                log_error_errno(-errno, "Failed to open %s: %m", src);
                return EXIT_BERTH_FAILED;
        }
        dir = images_dir();
        if (!dir) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        r = image_load(dir, fd, name, &loaded, &why);
        if (r < 0) {
                if (why)
                        log_error("Failed to load %s: %s", streq(src, "-") ? "stdin" : src, why);
                else
                        log_error_errno(r, "Failed to load %s: %m", streq(src, "-") ? "stdin" : src);
                return EXIT_BERTH_FAILED;
        }
        printf("%s\n", loaded);
        return 0;
}

static int image_inspect(int argc, char *argv[]) {
        _cleanup_free_ char *dir = NULL;
        JsonWriter w;
        int r, ret = 0;

        r = parse_help_only(subverb_find(&image_group, "inspect"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind >= argc) {
                log_error("image inspect needs an image name; see 'berth image inspect --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++)
                if (!check_name(argv[i]))
                        return EXIT_BERTH_FAILED;
        dir = images_dir();
        if (!dir) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }

        json_init(&w, stdout, /* pretty= */ true);
        json_begin_array(&w);
        for (int i = optind; i < argc; i++) {
                _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
                _cleanup_strv_free_ char **layers = NULL, **users = NULL;
                struct timespec created = {};
                uint64_t size = 0;
                char when[64] = "";
                struct tm tm;

                r = image_resolve(dir, argv[i], &layers);
                if (r == -ENOENT) {
                        log_error("no such image %s", argv[i]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (r < 0 || image_get_info(dir, argv[i], &created, &size) < 0 ||
                    image_config_read(argv[i], &c) < 0 || image_users(argv[i], &users) < 0) {
                        log_error("Failed to read image %s", argv[i]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                /* Bottom first, as they were built; image_resolve() gives overlayfs' order. */
                for (size_t a = 0, n = strv_length(layers); a < n / 2; a++) {
                        char *t = layers[a];
                        layers[a] = layers[n - 1 - a];
                        layers[n - 1 - a] = t;
                }
                if (gmtime_r(&created.tv_sec, &tm))
                        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

                json_begin_object(&w);
                json_key_string(&w, "name", argv[i]);
                json_key_string(&w, "created", when[0] ? when : NULL);
                json_key_uint(&w, "size", size);
                json_key_strv(&w, "layers", layers);
                json_key(&w, "config");
                json_begin_object(&w);
                json_key_strv(&w, "entrypoint", c.entrypoint);
                json_key_strv(&w, "cmd", c.cmd);
                json_key_strv(&w, "env", c.env);
                json_key_string(&w, "working_dir", c.working_dir);
                json_key_string(&w, "user", c.user);
                json_key_strv(&w, "volumes", c.volumes);
                json_end_object(&w);
                json_key_strv(&w, "containers", users);
                json_end_object(&w);
        }
        json_end_array(&w);
        r = json_finish(&w);
        if (r < 0) {
                log_error_errno(r, "Failed to write JSON: %m");
                return EXIT_BERTH_FAILED;
        }
        return ret;
}

static int image_ls(int argc, char *argv[]) {
        enum { ARG_NO_LEGEND = 0x100, ARG_HELP };
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *dir = NULL;
        bool quiet = false, legend = true;
        size_t width = STRLEN("NAME");
        int c, r;

        while ((c = subverb_options_next(&image_group, subverb_find(&image_group, "ls"), argc, argv, "q", options)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case ARG_NO_LEGEND:
                        legend = false;
                        break;
                case ARG_HELP:
                        subverb_help(subverb_find(&image_group, "ls"));
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("image ls takes no arguments; see 'berth image ls --help'");
                return EXIT_BERTH_FAILED;
        }

        dir = images_dir();
        if (!dir) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        r = image_list(dir, &names);
        if (r < 0) {
                log_error_errno(r, "Failed to list images in %s: %m", dir);
                return EXIT_BERTH_FAILED;
        }

        if (quiet) {
                STRV_FOREACH(n, names)
                        printf("%s\n", *n);
                return 0;
        }

        STRV_FOREACH(n, names)
                width = MAX(width, strlen(*n));
        if (legend)
                printf("%-*s  %8s  %s\n", (int) width, "NAME", "SIZE", "CREATED");
        STRV_FOREACH(n, names) {
                struct timespec created;
                char size_str[FORMAT_MAX], created_str[64] = "-";
                uint64_t size;
                struct tm tm;

                r = image_get_info(dir, *n, &created, &size);
                if (r == -ENOENT) /* removed since we listed it */
                        continue;
                if (r < 0) {
                        /* One image that cannot be read hides none of the others. */
                        log_warning_errno(r, "Failed to read the size of image %s, listing it without: %m", *n);
                        strcpy(size_str, "-");
                } else {
                        format_bytes(size_str, size);
                        if (localtime_r(&created.tv_sec, &tm))
                                (void) strftime(created_str, sizeof(created_str), "%Y-%m-%d %H:%M:%S", &tm);
                }
                printf("%-*s  %8s  %s\n", (int) width, *n, size_str, created_str);
        }
        return 0;
}

static int image_rm(int argc, char *argv[]) {
        _cleanup_free_ char *dir = NULL;
        int r, ret = 0;

        r = parse_help_only(subverb_find(&image_group, "rm"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind >= argc) {
                log_error("image rm needs an image name; see 'berth image rm --help'");
                return EXIT_BERTH_FAILED;
        }

        dir = images_dir();
        if (!dir) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }

        for (int i = optind; i < argc; i++) {
                _cleanup_strv_free_ char **users = NULL;
                const char *name = argv[i];

                if (!check_name(name)) {
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                /* A definition that names the image would fail at its next start, or worse, pick
                 * up a different image imported later under the same name. */
                r = image_users(name, &users);
                if (r < 0) {
                        log_error_errno(r, "Failed to find the containers that use image %s: %m", name);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (!strv_isempty(users)) {
                        _cleanup_free_ char *list = strv_join(users, ", ");

                        log_error("image %s is used by container%s %s", name, users[1] ? "s" : "",
                                  list ? list : users[0]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }

                r = image_remove(dir, name);
                if (r == -ENOENT) {
                        log_error("no such image %s", name);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to remove image %s: %m", name);
                        ret = EXIT_BERTH_FAILED;
                }
        }
        return ret;
}

int image_prune(bool all, uint64_t *ret_bytes) {
        _cleanup_strv_free_ char **debris = NULL, **names = NULL;
        _cleanup_free_ char *dir = NULL;
        uint64_t bytes = 0;
        int r, ret = 0;

        dir = images_dir();
        if (!dir)
                return log_oom();
        r = image_reclaim(dir, &debris, &bytes);
        if (r < 0)
                ret = log_error_errno(r, "Failed to remove what killed operations left in %s: %m", dir);
        STRV_FOREACH(d, debris)
                printf("reclaimed %s/%s\n", dir, *d);

        if (!all)
                goto finish;
        r = image_list(dir, &names);
        if (r < 0) {
                ret = log_error_errno(r, "Failed to list images in %s: %m", dir);
                goto finish;
        }
        STRV_FOREACH(n, names) {
                _cleanup_strv_free_ char **users = NULL;
                uint64_t size = 0;

                /* Never an image a container names: its next start would fail, or find another
                 * image imported under the name later. */
                r = image_users(*n, &users);
                if (r < 0) {
                        ret = log_error_errno(r, "Failed to find the containers that use image %s, keeping it: %m", *n);
                        continue;
                }
                if (!strv_isempty(users))
                        continue;
                (void) image_get_info(dir, *n, NULL, &size);
                r = image_remove(dir, *n);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        ret = log_error_errno(r, "Failed to remove image %s: %m", *n);
                        continue;
                }
                bytes += size;
                printf("deleted image %s\n", *n);
        }
finish:
        if (ret_bytes)
                *ret_bytes = bytes;
        return ret;
}

static int image_prune_verb(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "all", no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        const SubVerb *v = subverb_find(&image_group, "prune");
        bool all = false;
        uint64_t bytes = 0;
        char size[FORMAT_MAX];
        int c, r;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "af", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f':
                        break;
                case ARG_HELP:
                        subverb_help(v);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("image prune takes no arguments; see 'berth image prune --help'");
                return EXIT_BERTH_FAILED;
        }
        r = image_prune(all, &bytes);
        format_bytes(size, bytes);
        printf("Total reclaimed space: %s\n", size);
        return r < 0 ? EXIT_BERTH_FAILED : 0;
}

int verb_image(int argc, char *argv[]) {
        return subverb_dispatch(&image_group, argc, argv);
}
