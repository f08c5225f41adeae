/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "autostart.h"
#include "containers.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* berth restart NAME…: stop, then start (units_restart()). */
int verb_restart(int argc, char *argv[]) {
        int ret = 0;

        if (argc < 2) {
                log_error("restart needs a container name; see 'berth restart --help'");
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help")) {
                verb_help("restart", NULL);
                return 0;
        }
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *key = NULL;

                if (containers_require(argv[i], &key) < 0 || units_restart(key) < 0 || autostart_started(key) < 0)
                        ret = EXIT_BERTH_FAILED;
        }
        return ret;
}
