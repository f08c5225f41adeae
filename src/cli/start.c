/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "autostart.h"
#include "containers.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* berth start NAME…: starts container@NAME.service; a running container is left alone. */
int verb_start(int argc, char *argv[]) {
        int ret = 0;

        if (argc < 2) {
                log_error("start needs a container name; see 'berth start --help'");
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help")) {
                verb_help("start", NULL);
                return 0;
        }
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *key = NULL;

                if (containers_require(argv[i], &key) < 0 || units_start(key, /* fresh= */ false) < 0 ||
                    autostart_started(key) < 0)
                        ret = EXIT_BERTH_FAILED;
        }
        return ret;
}
