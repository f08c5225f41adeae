/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "autostart.h"
#include "run.h"
#include "units.h"
#include "verbs.h"

/* berth create: the definition only; `berth start` or `systemctl start container@NAME` runs it. */
int verb_create(int argc, char *argv[]) {
        _cleanup_(run_request_donep) RunRequest req = {};
        int r;

        r = run_request_parse("create", argc, argv, &req);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (run_replace(&req) < 0)
                return EXIT_BERTH_FAILED;
        if (run_write_request(&req, autostart_wanted(req.def)) < 0)
                return EXIT_BERTH_FAILED;
        /* So that the unit has the generator's Restart= by its first start. */
        if (req.def->restart != RESTART_NO && units_reload() < 0)
                return EXIT_BERTH_FAILED;
        printf("%s\n", req.name);
        return 0;
}
