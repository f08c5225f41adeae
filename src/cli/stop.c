/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "autostart.h"
#include "cleanup.h"
#include "containers.h"
#include "each.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

static uint64_t stop_timeout = UINT64_MAX;

static int stop_one(const char *name) {
        _cleanup_free_ char *key = NULL;

        if (containers_require(name, &key) < 0)
                return -1;
        /* A user's stop: an unless-stopped container stays stopped across a reboot. */
        if (units_stop(key, stop_timeout) < 0 || autostart_stopped(key) < 0)
                return -1;
        return 0;
}

int verb_stop(int argc, char *argv[]) {
        static const struct option options[] = {
                { "time", required_argument, NULL, 't' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        uint64_t timeout = UINT64_MAX;
        int c;

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
        stop_timeout = timeout;
        return each_container(argv + optind, (size_t) (argc - optind), stop_one) < 0 ? EXIT_BERTH_FAILED : 0;
}
