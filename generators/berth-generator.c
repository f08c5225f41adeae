/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-generator: turns definition files into container@NAME.service drop-ins and .wants/
 * links; see berth-generator(8).
 *
 * systemd runs it at boot and at every daemon-reload with three output directories (normal,
 * early, late). It must be fast, must never fail the boot, and logs to /dev/kmsg because
 * nothing else is up yet when it runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "generator.h"
#include "paths.h"
#include "strv.h"

static int run(const char *dest, const char *dest_early, const char *dest_late) {
        /* $BERTH_DEFINITION_PATH (as for the helper) lets tests point the generator at temp dirs. */
        char *const *dirs = berth_definition_dirs();
        int r;

        if (!dirs)
                return -ENOMEM;
        r = generator_run(dest, dirs, BERTH_UNIT_DIR);
        return r < 0 ? r : 0;
}

int main(int argc, char *argv[]) {
        int r;

        /* Like systemd's generators: three directories, or none for a trial run into /tmp. */
        if (argc != 1 && argc != 2 && argc != 4) {
                fprintf(stderr, "berth-generator: expected three output directories\n");
                return EXIT_FAILURE;
        }
        generator_log_open();

        r = run(argc > 1 ? argv[1] : "/tmp", argc > 3 ? argv[2] : "/tmp", argc > 3 ? argv[3] : "/tmp");
        if (r < 0)
                generator_log(LOG_ERR, "Failed to generate units: %s", strerror(-r));
        /* Never fail the boot: every problem is logged and the rest carried on. */
        return EXIT_SUCCESS;
}
