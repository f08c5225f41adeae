/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "containers.h"
#include "history.h"
#include "log.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* berth wait NAME: blocks until the container stops, prints its exit code, as docker wait does;
 * and, on stderr, why when the kernel killed a process of it for memory (the journal's die
 * event, history.h). */
int verb_wait(int argc, char *argv[]) {
        _cleanup_free_ char *key = NULL;
        int code = 0;

        if (argc != 2) {
                log_error("wait needs one container name; see 'berth wait --help'");
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help")) {
                verb_help("wait", NULL);
                return 0;
        }
        if (containers_require(argv[1], &key) < 0 || units_wait(key, &code) < 0)
                return EXIT_BERTH_FAILED;
        printf("%d\n", code);
        {
                sd_journal *j = NULL;
                RunExit x = {};

                /* journald may take a moment to write the supervisor's last entry. */
                if (history_open(&j) >= 0) {
                        for (int i = 0; i < 20 && !x.known; i++) {
                                if (i > 0) {
                                        (void) usleep(50000);
                                        (void) sd_journal_process(j);
                                }
                                (void) history_last_exit(j, key, &x);
                        }
                        sd_journal_close(j);
                }
                if (x.known && x.oom)
                        log_notice("container %s exited (%d, out of memory)", argv[1], x.code);
        }
        return 0;
}
