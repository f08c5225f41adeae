/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "options.h"
#include "string-util.h"

/* The length of an option word's name: "--name=x" → 4 ("name"). */
static size_t long_name_length(const char *word) {
        return strcspn(word + 2, "=");
}

/* The option word getopt_long() just read: the one before the value when the value was the
 * next word ("--name x"), else the last one read ("--name=x", "--rm"). */
static const char *long_option_word(char *argv[], const struct option *o) {
        if (o->has_arg != no_argument && optarg && optind >= 2 && optarg == argv[optind - 1])
                return argv[optind - 2];
        return argv[optind - 1];
}

static bool is_option_name(const struct option *options, const char *name, size_t n) {
        for (const struct option *o = options; o->name; o++)
                if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
                        return true;
        return false;
}

/* pflag's booleans (Go's strconv.ParseBool): 1 true, 0 false, -EINVAL for anything else. */
static int parse_go_bool(const char *v) {
        static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" },
                                 *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (streq(v, yes[i]))
                        return 1;
                if (streq(v, no[i]))
                        return 0;
        }
        return -EINVAL;
}

/* docker's "--rm=true", "--privileged=false": a long option that takes no value, given one that
 * is a boolean. The option when true, nothing when false (every such flag is off unless given),
 * -EINVAL (logged) when not a boolean, -ENOENT when the word is no such thing. */
static int bool_value(const char *verb, const struct option *options, char *argv[], int argc) {
        const char *word = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : NULL;
        size_t n;
        int b;

        if (!word || !startswith(word, "--"))
                return -ENOENT;
        n = long_name_length(word);
        if (word[2 + n] != '=')
                return -ENOENT;
        for (const struct option *o = options; o->name; o++) {
                if (strlen(o->name) != n || strncmp(o->name, word + 2, n) != 0 || o->has_arg != no_argument || o->flag)
                        continue;
                b = parse_go_bool(word + 3 + n);
                if (b < 0) {
                        log_error("option --%.*s: '%s' is not true or false; see 'berth %s --help'", (int) n, word + 2,
                                  SHOWN(word + 3 + n), verb);
                        return -EINVAL;
                }
                return b ? o->val : 0;
        }
        return -ENOENT;
}

static int refuse(const char *verb, const char *optstring, const struct option *options, char *argv[], int argc) {
        const char *word = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : NULL;

        /* A long option: its name as typed, up to any "=". */
        if (word && startswith(word, "--") && word[2]) {
                size_t n = long_name_length(word);

                /* getopt_long() completed a prefix before it found the value missing or
                 * extra: the option typed is unknown all the same. */
                if (optopt == 0 || !is_option_name(options, word + 2, n))
                        log_error("unknown option --%.*s; see 'berth %s --help'", (int) n, word + 2, verb);
                else if (word[2 + n] == '=')
                        log_error("option --%.*s takes no value; see 'berth %s --help'", (int) n, word + 2, verb);
                else
                        log_error("option --%.*s needs a value; see 'berth %s --help'", (int) n, word + 2, verb);
                return '?';
        }
        if (optopt > 0 && optopt < 0x100 && optopt != ':' && strchr(optstring, optopt))
                log_error("option -%c needs a value; see 'berth %s --help'", optopt, verb);
        else if (optopt > 0 && optopt < 0x100)
                log_error("unknown option -%c; see 'berth %s --help'", optopt, verb);
        else
                log_error("unknown option %s; see 'berth %s --help'", word ? SHOWN(word) : "", verb);
        return '?';
}

int options_next(const char *verb, int argc, char *argv[], const char *optstring, const struct option *options) {
        int c, index = -1;

        opterr = 0;
        optopt = 0;
        c = getopt_long(argc, argv, optstring, options, &index);
        if (c == '?' && optopt != 0) {
                int v = bool_value(verb, options, argv, argc);

                if (v == -EINVAL)
                        return '?';
                if (v == 0) /* --flag=false: as if not given */
                        return options_next(verb, argc, argv, optstring, options);
                if (v > 0) {
                        optarg = NULL;
                        return v;
                }
        }
        if (c == '?' || c == ':')
                return refuse(verb, optstring, options, argv, argc);
        if (c < 0)
                return c;

        if (index >= 0) {
                const char *word = long_option_word(argv, &options[index]);
                size_t n = long_name_length(word);

                /* Whole names only (docker's and podman's rule): a prefix getopt completed is
                 * refused as the unknown option it is. */
                if (strlen(options[index].name) != n || strncmp(options[index].name, word + 2, n) != 0) {
                        log_error("unknown option --%.*s; see 'berth %s --help'", (int) n, word + 2, verb);
                        return '?';
                }
                return c;
        }

        /* pflag's "-e=K=V": the value after the '=', where it was written in the same word. */
        if (optarg && optind >= 1 && optarg != argv[optind - 1] && optarg[0] == '=')
                optarg++;
        return c;
}
