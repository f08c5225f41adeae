/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options_next() (src/cli/options.c): whole long option names only, as docker and podman take
 * them, pflag's "-e=K=V", and one line for every bad option. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "options.h"
#include "tap.h"

enum { ARG_PIDS_LIMIT = 0x100, ARG_PID, ARG_RM, ARG_NAME, ARG_ENV_FILE, ARG_NET, ARG_NETWORK };

static const struct option options[] = {
        { "pids-limit", required_argument, NULL, ARG_PIDS_LIMIT },
        { "memory", required_argument, NULL, 'm' },
        { "privileged", no_argument, NULL, 'P' },
        { "rm", no_argument, NULL, ARG_RM },
        { "name", required_argument, NULL, ARG_NAME },
        { "env", required_argument, NULL, 'e' },
        { "env-file", required_argument, NULL, ARG_ENV_FILE },
        { "net", required_argument, NULL, ARG_NET },
        { "network", required_argument, NULL, ARG_NETWORK },
        { "detach", no_argument, NULL, 'd' },
        {}
};

static char last_error[512];

static void sink(int level, const char *message, void *userdata) {
        snprintf(last_error, sizeof(last_error), "%s", message);
}

/* Parses words (NULL-terminated, a verb's argv from the verb on); returns the options seen as
 * "c=value" separated by spaces into out, and the first '?' as "?". */
static void parse(const char *verb, char **words, char *out, size_t size) {
        char *argv[32];
        int argc = 0, c;

        while (words[argc])
                argv[argc] = words[argc], argc++;
        argv[argc] = NULL;
        optind = 0;
        *out = 0;
        last_error[0] = 0;
        while ((c = options_next(verb, argc, argv, "+dite:m:", options)) >= 0) {
                size_t n = strlen(out);

                if (c == '?') {
                        snprintf(out + n, size - n, "%s?", n ? " " : "");
                        return;
                }
                snprintf(out + n, size - n, "%s%d=%s", n ? " " : "", c, optarg ?: "");
        }
}

#define CHECK(verb, expected, error, ...)                                                          \
        ({                                                                                       \
                char *_words_[] = { (char *) verb, __VA_ARGS__, NULL };                              \
                char _o_[512];                                                                   \
                parse(verb, _words_, _o_, sizeof(_o_));                                              \
                ok_streq(_o_, expected);                                                         \
                ok_streq(last_error, error);                                                     \
        })

int main(void) {
        char want[128];

        log_set_sink(sink, NULL);

        /* Prefixes getopt_long() would complete: refused, by the name typed. */
        CHECK("run", "?", "unknown option --pid; see 'berth run --help'", "--pid", "100", "img");
        CHECK("run", "?", "unknown option --mem; see 'berth run --help'", "--mem", "64M", "img");
        CHECK("run", "?", "unknown option --mem; see 'berth run --help'", "--mem=64M", "img");
        CHECK("run", "?", "unknown option --priv; see 'berth run --help'", "--priv", "img");
        CHECK("stop", "?", "unknown option --na; see 'berth stop --help'", "--na", "x");
        CHECK("volume rm", "?", "unknown option --r; see 'berth volume rm --help'", "--r", "x");
        /* Ambiguous and unknown ones, the same way. */
        CHECK("run", "?", "unknown option --ne; see 'berth run --help'", "--ne", "host", "img");
        CHECK("run", "?", "unknown option --bogus; see 'berth run --help'", "--bogus", "img");
        CHECK("run", "100= ?", "unknown option -x; see 'berth run --help'", "-dx", "img");

        /* Whole names, and names that are the prefix of another. */
        snprintf(want, sizeof(want), "%d=100", ARG_PIDS_LIMIT);
        CHECK("run", want, "", "--pids-limit", "100", "img");
        snprintf(want, sizeof(want), "%d=100", ARG_PIDS_LIMIT);
        CHECK("run", want, "", "--pids-limit=100", "img");
        snprintf(want, sizeof(want), "%d=host %d=none", ARG_NET, ARG_NETWORK);
        CHECK("run", want, "", "--net", "host", "--network=none", "img");
        snprintf(want, sizeof(want), "101=A=1 %d=/f", ARG_ENV_FILE);
        CHECK("run", want, "", "--env", "A=1", "--env-file", "/f", "img");
        /* A value that looks like a prefix is a value. */
        snprintf(want, sizeof(want), "%d=--mem", ARG_NAME);
        CHECK("run", want, "", "--name", "--mem", "img");

        /* Short options combined, and values attached as pflag reads them. */
        CHECK("run", "100= 105= 116=", "", "-dit", "img");
        CHECK("run", "105= 116= 100=", "", "-itd", "img");
        CHECK("run", "101=K=V", "", "-e=K=V", "img");
        CHECK("run", "101=K=V", "", "-eK=V", "img");
        CHECK("run", "101=K=V", "", "-e", "K=V", "img");
        CHECK("run", "101==K", "", "-e", "=K", "img"); /* a separate value is taken as it is */
        CHECK("run", "100= 101=K=V", "", "-de=K=V", "img");
        CHECK("run", "109=64M", "", "-m=64M", "img");

        /* Values missing or not taken. */
        CHECK("run", "?", "option --name needs a value; see 'berth run --help'", "--name");
        CHECK("run", "?", "option -e needs a value; see 'berth run --help'", "-e");
        CHECK("run", "?", "option --rm: 'yes' is not true or false; see 'berth run --help'", "--rm=yes", "img");
        CHECK("run", "?", "option --rm: '' is not true or false; see 'berth run --help'", "--rm=", "img");
        /* docker's booleans with a value. */
        snprintf(want, sizeof(want), "%d= 100=", ARG_RM);
        CHECK("run", want, "", "--rm=true", "--detach=1", "--privileged=false", "img");
        CHECK("run", "80=", "", "--privileged=True", "--rm=FALSE", "img");
        CHECK("run", "?", "unknown option --r; see 'berth run --help'", "--r=yes", "img");
        CHECK("run", "?", "unknown option --na; see 'berth run --help'", "--na");

        return tap_finish();
}
