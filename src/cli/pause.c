/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth pause|unpause NAME…: freeze and thaw every process of a container (freezer.h), each a
 * pause or unpause event. */
#include "containers.h"
#include "freezer.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

static int verb_pause_or_unpause(int argc, char *argv[], bool freeze) {
        const char *verb = freeze ? "pause" : "unpause";
        int ret = 0;

        if (argc >= 2 && streq(argv[1], "--help")) {
                verb_help(verb, NULL);
                return 0;
        }
        if (argc < 2) {
                log_error("%s needs a container name; see 'berth %s --help'", verb, verb);
                return EXIT_BERTH_FAILED;
        }
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *key = NULL;

                if (containers_require(argv[i], &key) < 0 || freezer_set_paused(key, freeze) < 0) {
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                units_event(key, freeze ? EVENT_PAUSE : EVENT_UNPAUSE);
        }
        return ret;
}

int verb_pause(int argc, char *argv[]) {
        return verb_pause_or_unpause(argc, argv, /* freeze= */ true);
}

int verb_unpause(int argc, char *argv[]) {
        return verb_pause_or_unpause(argc, argv, /* freeze= */ false);
}
