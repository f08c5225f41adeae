/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>

#include "autostart.h"
#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "log.h"
#include "options.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"
#include "volume.h"

int rm_container(const char *given, bool force, bool volumes, bool *reload) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *state = NULL, *error = NULL, *key = NULL;
        const char *name;

        if (containers_require(given, &key) < 0)
                return -EINVAL;
        name = key;
        if (units_active_state(name, &state) < 0) {
                log_error("Failed to read the state of container %s", name);
                return -EINVAL;
        }
        /* Read before it goes: it names the anonymous volumes, and says whether the generator
         * wrote a Restart=, which goes only at a reload. */
        (void) definition_load(name, NULL, &d, &error);
        if (!streq(state, "inactive") && !streq(state, "failed")) {
                if (!force) {
                        log_error("container %s is %s; stop it first or use 'berth rm -f'", name, state);
                        return -EBUSY;
                }
                if (units_stop(name, /* timeout_usec= */ 0) < 0)
                        return -EBUSY;
        }
        if (volumes && !d) {
                log_error("%s", error ?: "Failed to read the definition");
                return -EINVAL;
        }
        if (d && d->restart != RESTART_NO)
                *reload = true;
        if (units_remove_files(name) < 0 || (volumes && volume_remove_anonymous(d) < 0))
                return -EIO;
        /* Not wanted at boot any more (a definition that did not parse may have been). */
        if ((!d || autostart_wanted(d)) && autostart_removed(name) < 0)
                return -EIO;
        return 0;
}

/* berth rm [-f] [-v] NAME…: a running container is refused without -f. */
int verb_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                { "volumes", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        bool force = false, volumes = false, reload = false;
        int c, ret = 0;

        while ((c = options_next("rm", argc, argv, "fv", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'v':
                        volumes = true;
                        break;
                case 'H':
                        verb_help("rm", "  -f, --force     kill a running container first (SIGKILL, at once)\n"
                                        "  -v, --volumes   also remove its anonymous volumes (named ones stay)\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind >= argc) {
                log_error("rm needs a container name; see 'berth rm --help'");
                return EXIT_BERTH_FAILED;
        }
        for (int i = optind; i < argc; i++)
                if (rm_container(argv[i], force, volumes, &reload) < 0)
                        ret = EXIT_BERTH_FAILED;
        if (reload && units_reload() < 0)
                ret = EXIT_BERTH_FAILED;
        return ret;
}
