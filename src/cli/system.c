/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth system prune: what docker's system prune means, as far as berth can do it safely. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "format.h"
#include "log.h"
#include "options.h"
#include "string-util.h"
#include "strv.h"
#include "verbs.h"
#include "volume.h"

static const char prune_options[] =
        "  -a, --all         also remove every image no container definition names\n"
        "      --volumes     also remove every volume no container uses (berth volume prune)\n"
        "  -f, --force       accepted for docker's sake: berth does not ask\n"
        "      --help        show this help\n";

static void system_help(void) {
        printf("Usage: berth system VERB [ARGS…]\n\nThe whole of berth's state.\n\nVerbs:\n"
               "  prune   Remove what killed or crashed operations left behind, and with -a and\n"
               "          --volumes, unused images and volumes\n"
               "\nRun 'berth system VERB --help' for a verb's options.\n");
}

static void prune_help(void) {
        printf("Usage: berth system prune [-a] [--volumes] [-f]\n\n"
               "Remove what killed or crashed operations left behind: the staging, loading and removing\n"
               "directories of image imports, loads and removals whose process no longer runs, and the\n"
               "staging directories of volume copy-ups cut short. With -a, also every image no container\n"
               "definition names; with --volumes, also every volume no container uses. Containers are\n"
               "never removed, running or not: a container is its definition, which only 'berth rm'\n"
               "removes.\n\nOptions:\n%s",
               prune_options);
}

static int volumes_prune(void) {
        char *argv[] = {(char *)"volume", (char *)"prune", NULL};

        optind = 0;
        return verb_volume(2, argv);
}

static int system_prune(int argc, char *argv[]) {
        enum { ARG_VOLUMES = 0x100, ARG_HELP };
        static const struct option options[] = {{"all", no_argument, NULL, 'a'},
                                                {"force", no_argument, NULL, 'f'},
                                                {"volumes", no_argument, NULL, ARG_VOLUMES},
                                                {"help", no_argument, NULL, ARG_HELP},
                                                {}};
        _cleanup_strv_free_ char **staging = NULL;
        bool all = false, volumes = false;
        uint64_t bytes = 0, more = 0;
        int c, r, ret = 0;
        char size[FORMAT_MAX];

        while ((c = options_next("system prune", argc, argv, "af", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f':
                        break;
                case ARG_VOLUMES:
                        volumes = true;
                        break;
                case ARG_HELP:
                        prune_help();
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("system prune takes no arguments; see 'berth system prune --help'");
                return EXIT_BERTH_FAILED;
        }

        if (image_prune(all, &bytes) < 0)
                ret = EXIT_BERTH_FAILED;

        r = volume_reclaim(&staging, &more);
        if (r < 0) {
                log_error_errno(r, "Failed to remove what cut-short copy-ups left in volumes: %m");
                ret = EXIT_BERTH_FAILED;
        }
        STRV_FOREACH(s, staging)
        printf("reclaimed volume %s\n", *s);
        bytes += more;

        if (volumes && volumes_prune() != 0)
                ret = EXIT_BERTH_FAILED;

        format_bytes(size, bytes);
        printf("Total reclaimed space: %s%s\n", size, volumes ? " (besides the volumes removed)" : "");
        return ret;
}

int verb_system(int argc, char *argv[]) {
        if (argc < 2) {
                system_help();
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                system_help();
                return 0;
        }
        if (!streq(argv[1], "prune")) {
                log_error("unknown system verb '%s', see 'berth system --help'", argv[1]);
                return EXIT_BERTH_FAILED;
        }
        optind = 0;
        return system_prune(argc - 1, argv + 1);
}
