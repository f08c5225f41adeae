/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-helper: the main process of container@NAME.service.
 *
 *   berth-helper NAME            run the container (ExecStart=)
 *   berth-helper --cleanup NAME  undo what a run left behind (ExecStopPost=); idempotent
 *   berth-helper --health[-startup] NAME PID
 *                                run the health check once (berth-supervisor's child), with the
 *                                pidfd of the container's PID 1 as fd 3; the check's exit code
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "config.h"
#include "container.h"
#include "definition-name.h"
#include "definition.h"
#include "health-check.h"
#include "log.h"
#include "name.h"
#include "ready.h"
#include "string-util.h"
#include "teardown.h"
#include "volume.h"

int main(int argc, char *argv[]) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL, *unit = NULL;
        const char *name;
        bool cleanup = false;
        int r;

        log_open();

        if (argc == 4 && (streq(argv[1], "--health") || streq(argv[1], "--health-startup"))) {
                int pid;

                if (!name_is_valid(argv[2]) || safe_atoi(argv[3], &pid) < 0 || pid <= 0 || fcntl(3, F_GETFD) < 0) {
                        log_error("usage: berth-helper --health[-startup] NAME PID, with a pidfd as fd 3");
                        return 125;
                }
                return health_check_run(argv[2], (pid_t) pid, 3, streq(argv[1], "--health-startup"));
        }
        if (argc == 3 && streq(argv[1], "--cleanup")) {
                cleanup = true;
                name = argv[2];
        } else if (argc == 2 && argv[1][0] != '-')
                name = argv[1];
        else {
                log_error("usage: berth-helper [--cleanup] NAME");
                return 125;
        }
        if (!name_is_valid(name)) {
                log_error("invalid container name '%s': names must match " NAME_RULE, name);
                return 125;
        }
        unit = name_to_service(name);
        if (unit)
                log_set_container(name, unit);

        if (cleanup) {
                r = teardown_cleanup(name);
                if (r < 0)
                        log_warning_errno(r, "Failed to clean up after container %s, ignoring: %m", name);
                /* run -d --rm: the container goes once it stopped. A definition that no longer
                 * parses is left alone; so is the admin's in /etc. */
                if (definition_load(name, NULL, &d, &error) >= 0 && d->auto_remove) {
                        (void) volume_remove_anonymous(d); /* as docker's --rm */
                        r = teardown_remove(name, /* including_etc= */ false);
                        if (r < 0)
                                log_warning_errno(r, "Failed to remove container %s, ignoring: %m", name);
                }
                return 0;
        }

        r = definition_load(name, NULL, &d, &error);
        if (r < 0) {
                log_error("%s", error ?: "failed to load the definition");
                (void) ready_tell(name, READY_FAILED, log_last_error());
                return 125;
        }
        /* Issue 16: leftovers. Two containers known by one name: neither would be found by it. */
        free(error);
        error = NULL;
        r = definition_name_check(d, NULL, &error);
        if (r < 0) {
                log_error("%s: %s", name, error ?: strerror(-r));
                (void) ready_tell(name, READY_FAILED, log_last_error());
                return 125;
        }
        /* A definition's [Unit] and [Service] are in the generator's drop-in, which says so: an
         * instance of a template started by name only, or a file changed since the last
         * daemon-reload, runs without them, and should not do so in silence. */
        if ((d->unit_lines || d->service_lines) && !getenv("BERTH_DEFINITION_UNIT"))
                log_warning("%s runs without the [Unit] and [Service] keys of %s: the generator writes them for a "
                            "definition file (a template's for its DefaultInstance= only) at daemon-reload",
                            unit ?: name, d->path);
        /* Tty=yes (docker's -dt, -dit): a terminal nobody writes to, its output in the journal. */
        r = container_run(d, &(RunOptions) { .service = true, .tty = d->tty }, /* fg= */ NULL);
        /* Back here before READY=1 only when the start failed (after it, when supervising in
         * place). Whoever waits for the start hears it now, its reason already logged. */
        if (!ready_told_ok())
                (void) ready_tell(name, READY_FAILED, log_last_error());
        return r;
}
