/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "definition.h"
#include "log.h"
#include "options.h"
#include "verbs.h"

/* berth verify FILE…: parses each definition as the helper and the generator would (the name
 * from the file name), silent for good files, one "FILE:LINE: key 'K': why" line for each bad
 * one. Exit 0 if all are good, 1 if any is not, 125 on a usage error. */
int verb_verify(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c, ret = 0;

        while ((c = options_next("verify", argc, argv, "", options)) >= 0)
                switch (c) {
                case 'H':
                        verb_help("verify", NULL);
                        printf("\nPrints nothing for a good file and one line for each bad one; exits 0 if\n"
                               "all files are good, 1 otherwise.\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind >= argc) {
                log_error("verify needs a definition file; see 'berth verify --help'");
                return EXIT_BERTH_FAILED;
        }

        for (int i = optind; i < argc; i++) {
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *error = NULL;
                int r;

                r = definition_parse_file(argv[i], /* name= */ NULL, &d, &error);
                if (r < 0) {
                        log_error("%s", error ?: strerror(-r));
                        ret = 1;
                }
        }
        return ret;
}
