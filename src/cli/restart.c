/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "autostart.h"
#include "containers.h"
#include "each.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* berth restart NAME…: stop, then start (units_restart()). */
static int restart_one(const char *name) {
        _cleanup_free_ char *key = NULL;

        if (containers_require(name, &key) < 0 || units_restart(key) < 0 || autostart_started(key) < 0)
                return -1;
        return 0;
}

int verb_restart(int argc, char *argv[]) {
        if (argc < 2) {
                log_error("restart needs a container name; see 'berth restart --help'");
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help")) {
                verb_help("restart", NULL);
                return 0;
        }
        return each_container(argv + 1, (size_t) (argc - 1), restart_one) < 0 ? EXIT_BERTH_FAILED : 0;
}
