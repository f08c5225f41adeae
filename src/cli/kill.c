/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <signal.h>

#include "containers.h"
#include "definition.h"
#include "log.h"
#include "options.h"
#include "units.h"
#include "verbs.h"

/* berth kill [-s SIGNAL] NAME…: a signal to the container's PID 1 (default SIGKILL). */
int verb_kill(int argc, char *argv[]) {
        static const struct option options[] = {
                { "signal", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c, sig = SIGKILL, ret = 0;

        while ((c = options_next("kill", argc, argv, "s:", options)) >= 0)
                switch (c) {
                case 's':
                        sig = signal_from_string(optarg);
                        if (sig < 0) {
                                log_error("option -s: '%s' is not a signal (e.g. TERM, SIGHUP, 9)", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case 'H':
                        verb_help("kill", "  -s, --signal SIGNAL   signal to send (default: SIGKILL)\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind >= argc) {
                log_error("kill needs a container name; see 'berth kill --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *key = NULL;

                if (containers_require(argv[i], &key) < 0 || units_kill(key, sig) < 0)
                        ret = EXIT_BERTH_FAILED;
        }
        return ret;
}
