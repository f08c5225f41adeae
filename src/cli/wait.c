/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "containers.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* berth wait NAME: blocks until the container stops, prints its exit code. */
int verb_wait(int argc, char *argv[]) {
        int code = 0;

        if (argc != 2) {
                log_error("wait needs one container name; see 'berth wait --help'");
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help")) {
                verb_help("wait", NULL);
                return 0;
        }
        if (containers_require(argv[1]) < 0 || units_wait(argv[1], &code) < 0)
                return EXIT_BERTH_FAILED;
        printf("%d\n", code);
        return 0;
}
