/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth pull / berth image pull: docker's pull, done by berth-pull (the one binary that speaks to
 * registries and links libcurl), which this executes. Unlike a pull that `berth run` asks for,
 * `berth pull` asks the registry every time, as docker pull does (--policy always), unless told
 * otherwise (podman's --policy). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "options.h"
#include "verbs.h"

/* verb: "pull" or "image pull", for its messages and --help. */
static int pull(const char *verb, int argc, char *argv[]) {
        enum { ARG_PLATFORM = 0x100, ARG_POLICY, ARG_HELP, ARG_RETRY, ARG_RETRY_DELAY };
        static const struct option options[] = {
                { "platform", required_argument, NULL, ARG_PLATFORM },
                { "policy", required_argument, NULL, ARG_POLICY },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, ARG_HELP },
                { "retry", required_argument, NULL, ARG_RETRY },
                { "retry-delay", required_argument, NULL, ARG_RETRY_DELAY },
                {}
        };
        const char *platform = NULL, *policy = "always", *retry = NULL, *retry_delay = NULL;
        const char *args[16];
        size_t n = 0;
        bool quiet = false;
        int c;

        while ((c = options_next(verb, argc, argv, "q", options)) >= 0)
                switch (c) {
                case ARG_PLATFORM:
                        platform = optarg;
                        break;
                case ARG_POLICY:
                        policy = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                /* Checked by berth-pull, whose one line says which. */
                case ARG_RETRY:
                        retry = optarg;
                        break;
                case ARG_RETRY_DELAY:
                        retry_delay = optarg;
                        break;
                case ARG_HELP:
                        printf("Usage: berth %s [--platform OS/ARCH[/VARIANT]] [--policy POLICY] [-q]\n"
                               "       [--retry N] [--retry-delay DURATION] IMAGE\n\n"
                               "Pull an image from a registry.\n\nOptions:\n" PULL_OPTIONS_HELP
                               "      --help                   show this help\n",
                               verb);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind + 1 != argc) {
                log_error("berth %s takes one image reference; see 'berth %s --help'", verb, verb);
                return EXIT_BERTH_FAILED;
        }

        args[n++] = BERTH_PULL_PATH;
        args[n++] = "--policy";
        args[n++] = policy;
        if (platform) {
                args[n++] = "--platform";
                args[n++] = platform;
        }
        if (quiet)
                args[n++] = "--quiet";
        if (retry) {
                args[n++] = "--retry";
                args[n++] = retry;
        }
        if (retry_delay) {
                args[n++] = "--retry-delay";
                args[n++] = retry_delay;
        }
        args[n++] = "--";
        args[n++] = argv[optind];
        args[n] = NULL;
        fflush(stdout);
        execv(BERTH_PULL_PATH, (char **) args);
        log_error_errno(-errno, "Failed to execute %s: %m", BERTH_PULL_PATH);
        return EXIT_BERTH_FAILED;
}

int verb_pull(int argc, char *argv[]) {
        return pull("pull", argc, argv);
}

int verb_image_pull(int argc, char *argv[]) {
        return pull("image pull", argc, argv);
}
