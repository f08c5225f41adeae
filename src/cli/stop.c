/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "autostart.h"
#include "cleanup.h"
#include "containers.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

int verb_stop(int argc, char *argv[]) {
        static const struct option options[] = {
                { "time", required_argument, NULL, 't' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        uint64_t timeout = UINT64_MAX;
        int c, ret = 0;

        while ((c = options_next("stop", argc, argv, "t:", options)) >= 0)
                switch (c) {
                case 't': {
                        uint64_t secs;
                        if (safe_atou64(optarg, &secs) < 0) {
                                log_error("option -t: '%s' is not a number of seconds", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        timeout = secs * 1000000;
                        break;
                }
                case 'H':
                        verb_help("stop", "  -t, --time SECS   seconds to wait before SIGKILL (default: StopTimeout=)\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind >= argc) {
                log_error("stop needs a container name; see 'berth stop --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *key = NULL;

                if (containers_require(argv[i], &key) < 0) {
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                /* A user's stop: an unless-stopped container stays stopped across a reboot. */
                if (units_stop(key, timeout) < 0 || autostart_stopped(key) < 0)
                        ret = EXIT_BERTH_FAILED;
        }
        return ret;
}
