/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "child.h"
#include "cleanup.h"
#include "env.h"
#include "init.h"
#include "log.h"
#include "string-util.h"
#include "strv.h"

/* What docker gives a container whose image sets no PATH. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int child_exit_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 125;
}

int child_environment(const Definition *d, const ImageConfig *image, bool tty, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *hostname = NULL;
        int r;

        hostname = strjoin("HOSTNAME=", d->hostname ?: d->name);
        if (!hostname)
                return log_oom();
        if (env_set(&env, "PATH=" DEFAULT_PATH) < 0 || env_set(&env, hostname) < 0 ||
            env_set(&env, "container=berth") < 0)
                return log_oom();
        if (tty && env_set(&env, "TERM=xterm") < 0)
                return log_oom();
        /* The image's (its PATH too), under the definition's, as docker does. */
        if (image && env_merge(&env, image->env) < 0)
                return log_oom();

        /* Files first, then single assignments, as docker does. */
        STRV_FOREACH(f, d->environment_files) {
                _cleanup_strv_free_ char **add = NULL;
                unsigned line = 0;

                r = env_file_read(*f, &add, &line);
                if (r == -EINVAL)
                        return log_error_errno(r, "%s:%u: not a valid environment assignment", *f, line);
                if (r < 0)
                        return log_error_errno(r, "Failed to read environment file %s: %m", *f);
                if (env_merge(&env, add) < 0)
                        return log_oom();
        }
        if (env_merge(&env, d->environment) < 0)
                return log_oom();

        *ret = TAKE_PTR(env);
        return 0;
}

int child_report_error(const char *argv0, const SyncMessage *m) {
        if (m->type == SYNC_EXEC_FAILED) {
                if (exec_error_to_exit_code(m->error) == 127) {
                        log_error("executable '%s' not found in the container's $PATH", argv0);
                        return 127;
                }
                log_error_errno(-m->error, "cannot run '%s' in the container: %m", argv0);
                return 126;
        }
        if (m->message[0]) /* empty: the child logged it already */
                log_error("%s", m->message);
        return 125;
}
