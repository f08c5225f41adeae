/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>
#include <stddef.h>

/* Verbs with verbs of their own (berth image ls, berth volume rm …): a table each, and one way to
 * find, dispatch and explain them. */

typedef struct SubVerb {
        const char *name;
        const char *alias;     /* or NULL */
        int (*run)(int argc, char *argv[]);
        const char *synopsis;  /* "image ls [-q]" */
        const char *summary;   /* one line, no full stop */
        const char *options;   /* the option lines of --help, or NULL */
} SubVerb;

typedef struct SubVerbGroup {
        const char *name;      /* "image" */
        const char *summary;   /* "Manage images" */
        const SubVerb *verbs;
        size_t n_verbs;
} SubVerbGroup;

const SubVerb *subverb_find(const SubVerbGroup *g, const char *name);

/* A sub-verb's --help. */
void subverb_help(const SubVerb *v);

/* getopt's own message would name the sub-verb alone ("ls: …"): says it berth's way, naming the
 * option at argv[optind - 1]. Returns the exit code to fail with. */
int subverb_bad_option(const SubVerbGroup *g, const SubVerb *v, char *argv[]);

/* options_next() (options.h) for a sub-verb: whole option names only, and a bad option said once,
 * pointing at 'berth GROUP VERB --help'. */
int subverb_options_next(const SubVerbGroup *g, const SubVerb *v, int argc, char *argv[], const char *optstring,
                         const struct option *options);

/* berth GROUP VERB [ARGS…]: --help of the group, or the verb run with argv from VERB on. */
int subverb_dispatch(const SubVerbGroup *g, int argc, char *argv[]);
