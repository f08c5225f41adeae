/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-generator: turns definition files into container@NAME.service drop-ins.
 *
 * systemd runs it at boot and at every daemon-reload with three output directories
 * (normal, early, late). It must be fast, must never fail the boot, and logs to /dev/kmsg
 * because nothing else is up yet when it runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "generator.h"
#include "name.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

int main(int argc, char *argv[]) {
        const char *dirs_env;
        _cleanup_strv_free_ char **dirs = NULL;

        if (argc != 1 && argc != 2 && argc != 4) {
                fprintf(stderr, "berth-generator: expected three output directories\n");
                return EXIT_FAILURE;
        }
        generator_log_open();

        /* BERTH_DEFINITION_PATH lets tests point the generator at temp dirs. */
        dirs_env = getenv("BERTH_DEFINITION_PATH");
        if (dirs_env) {
                if (strv_split_quoted(dirs_env, &dirs) < 0)
                        return EXIT_FAILURE;
        } else {
                dirs = strv_copy((char *const[]) { BERTH_SYSCONF_DIR "/containers",
                                                   BERTH_RUNTIME_DIR "/containers", NULL });
                if (!dirs)
                        return EXIT_FAILURE;
        }

        /* Never fail the boot: every problem is logged and the rest carries on. */
        (void) generator_run(argc > 1 ? argv[1] : "/tmp", dirs);
        return EXIT_SUCCESS;
}
