/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth's directories, in one place. Each is the build's (config.h) unless the environment of a
 * test moves it; the environment is read once, with secure_getenv(), so a setuid or otherwise
 * secure-execution caller never takes a path from it. Does not log.
 *
 *   berth_state_dir()    /var/lib/berth    $BERTH_STATE_DIR     images, volumes, containers' files
 *   berth_runtime_dir()  /run/berth        $BERTH_RUNTIME_DIR   definitions of runs, locks, leases …
 *   berth_config_dir()   /etc/berth        $BERTH_CONFIG_DIR    berth.conf, the admin's definitions
 *   berth_definition_dirs()                $BERTH_DEFINITION_PATH (words, quoted as in a definition)
 *                        where definitions are found, first wins: CONFIG/containers, RUNTIME/containers
 */

const char *berth_state_dir(void);
const char *berth_runtime_dir(void);
const char *berth_config_dir(void);

/* NULL-terminated; owned by this module. NULL on OOM. */
char *const *berth_definition_dirs(void);

/* For tests: forget what was read, so that the next call reads the environment again. */
void berth_paths_reset(void);
