/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-name.h"
#include "definition.h"
#include "log.h"
#include "options.h"
#include "paths.h"
#include "strv.h"
#include "verbs.h"

/* berth verify FILE…: parses each definition as the helper and the generator would (the name
 * from the file name), silent for good files, one "FILE:LINE: key 'K': why" line for each bad
 * one. Exit 0 if all are good, 1 if any is not, 125 on a usage error. */
/* Issue 16: leftovers. definition_name_check() against path's directory, then berth's. */
static int verify_name(const char *path, const Definition *d, char **ret_why) {
        _cleanup_strv_free_ char **dirs = NULL;
        _cleanup_free_ char *dir = NULL;
        char *const *defaults = berth_definition_dirs();
        const char *slash = strrchr(path, '/');

        dir = slash ? strndup(path, (size_t) (slash - path) ?: 1) : strdup(".");
        if (!dir || !defaults || strv_consume(&dirs, TAKE_PTR(dir)) < 0)
                return -ENOMEM;
        STRV_FOREACH(p, (char **) defaults)
                if (strv_extend(&dirs, *p) < 0)
                        return -ENOMEM;
        return definition_name_check(d, dirs, ret_why);
}

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
                        continue;
                }
                /* Issue 16: leftovers. Its name is its own, among the files beside it and berth's. */
                r = verify_name(argv[i], d, &error);
                if (r == -ENOMEM)
                        return log_oom(), EXIT_BERTH_FAILED;
                if (r < 0) {
                        log_error("%s: %s", argv[i], error);
                        ret = 1;
                }
        }
        return ret;
}
