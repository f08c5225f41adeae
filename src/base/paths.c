/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "config.h"
#include "definition-quote.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

static const char *state_dir, *runtime_dir, *config_dir;
static char **definition_dirs;

static const char *from_env(const char **cache, const char *variable, const char *fallback) {
        if (!*cache) {
                const char *e = secure_getenv(variable);

                *cache = isempty(e) ? fallback : e;
        }
        return *cache;
}

const char *berth_state_dir(void) {
        return from_env(&state_dir, "BERTH_STATE_DIR", BERTH_STATE_DIR);
}

const char *berth_runtime_dir(void) {
        return from_env(&runtime_dir, "BERTH_RUNTIME_DIR", BERTH_RUNTIME_DIR);
}

const char *berth_config_dir(void) {
        return from_env(&config_dir, "BERTH_CONFIG_DIR", BERTH_SYSCONF_DIR);
}

char *const *berth_definition_dirs(void) {
        const char *e;

        if (definition_dirs)
                return definition_dirs;
        e = secure_getenv("BERTH_DEFINITION_PATH");
        if (!isempty(e)) {
                if (definition_words_split(e, &definition_dirs) < 0)
                        definition_dirs = strv_free(definition_dirs);
                return definition_dirs;
        }
        if (strv_consume(&definition_dirs, path_join(berth_config_dir(), "containers")) < 0 ||
            strv_consume(&definition_dirs, path_join(berth_runtime_dir(), "containers")) < 0)
                definition_dirs = strv_free(definition_dirs);
        return definition_dirs;
}

void berth_paths_reset(void) {
        state_dir = runtime_dir = config_dir = NULL;
        definition_dirs = strv_free(definition_dirs);
}
