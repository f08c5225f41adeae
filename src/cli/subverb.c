/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "string-util.h"
#include "subverb.h"
#include "verbs.h"

const SubVerb *subverb_find(const SubVerbGroup *g, const char *name) {
        for (size_t i = 0; i < g->n_verbs; i++)
                if (streq(g->verbs[i].name, name) || streq_ptr(g->verbs[i].alias, name))
                        return &g->verbs[i];
        return NULL;
}

void subverb_help(const SubVerb *v) {
        printf("Usage: berth %s\n\n%s.\n\nOptions:\n%s      --help        show this help\n", v->synopsis, v->summary,
               v->options ?: "");
}

static void group_help(const SubVerbGroup *g) {
        int width = 0;

        for (size_t i = 0; i < g->n_verbs; i++)
                width = MAX(width, (int) strlen(g->verbs[i].name));
        printf("Usage: berth %s VERB [ARGS…]\n\n%s.\n\nVerbs:\n", g->name, g->summary);
        for (size_t i = 0; i < g->n_verbs; i++)
                printf("  %-*s  %s\n", width, g->verbs[i].name, g->verbs[i].summary);
        printf("\nRun 'berth %s VERB --help' for a verb's options.\n", g->name);
}

int subverb_bad_option(const SubVerbGroup *g, const SubVerb *v, char *argv[]) {
        log_error("unknown option '%s', see 'berth %s %s --help'", argv[optind - 1], g->name, v->name);
        return EXIT_BERTH_FAILED;
}

int subverb_options_next(const SubVerbGroup *g, const SubVerb *v, int argc, char *argv[], const char *optstring,
                         const struct option *options) {
        char verb[128];

        snprintf(verb, sizeof(verb), "%s %s", g->name, v->name);
        return options_next(verb, argc, argv, optstring, options);
}

int subverb_dispatch(const SubVerbGroup *g, int argc, char *argv[]) {
        const SubVerb *v;

        if (argc < 2) {
                group_help(g);
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                group_help(g);
                return 0;
        }
        v = subverb_find(g, argv[1]);
        if (!v) {
                log_error("unknown %s verb '%s', see 'berth %s --help'", g->name, argv[1], g->name);
                return EXIT_BERTH_FAILED;
        }
        optind = 0;
        return v->run(argc - 1, argv + 1);
}
