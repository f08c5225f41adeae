/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "child.h"
#include "cleanup.h"
#include "env-expand.h"
#include "env.h"
#include "fd-util.h"
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

/* What systemd or berth hand the starting process for itself (K or K=V): never the payload's. */
static bool env_is_starters_own(const char *e) {
        static const char *const own[] = { "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
                                           "INVOCATION_ID", "JOURNAL_STREAM" };
        size_t n = strcspn(e, "=");

        if (startswith(e, "BERTH_"))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(own); i++)
                if (strlen(own[i]) == n && strncmp(e, own[i], n) == 0)
                        return true;
        return false;
}

/* starter_env less what systemd or berth hand the starter for itself: what "${NAME}" and a bare
 * Environment= name may take. Borrowed strings. */
static int starter_vars(char *const *starter_env, char ***ret) {
        size_t n = 0;
        char **l;

        for (char *const *e = starter_env; e && *e; e++)
                n++;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        n = 0;
        for (char *const *e = starter_env; e && *e; e++)
                if (!env_is_starters_own(*e))
                        l[n++] = *e;
        *ret = l;
        return 0;
}

int child_argv(const Definition *d, const ImageConfig *image, char *const *starter_env, char ***ret) {
        _cleanup_free_ char **vars = NULL;
        _cleanup_strv_free_ char **entrypoint = NULL, **exec = NULL;
        size_t budget = DEFINITION_SIZE_MAX;
        int r;

        if (starter_vars(starter_env, &vars) < 0)
                return log_oom();
        /* Entrypoint= reaches systemd as one word, podman's --entrypoint=VALUE: no $NAME words. */
        r = d->entrypoint ? env_expand_words(d->entrypoint, vars, /* flags= */ 0, &budget, &entrypoint) : 0;
        if (r >= 0 && d->exec)
                r = env_expand_words(d->exec, vars, ENV_EXPAND_SPLIT, &budget, &exec);
        if (r == -E2BIG)
                return log_error_errno(r, "%s more than %u bytes with their variables expanded",
                                       !d->exec ? "Entrypoint= is" : !d->entrypoint ? "Exec= is" : "Entrypoint= and Exec= are",
                                       DEFINITION_SIZE_MAX);
        if (r < 0)
                return log_oom();
        /* The image's entrypoint and command where the definition sets none (image_config_argv()). */
        {
                const Definition expanded = { .entrypoint = entrypoint, .exec = exec };

                if (image_config_argv(image, &expanded, ret) < 0)
                        return log_oom();
        }
        return 0;
}

int child_environment(const Definition *d, const ImageConfig *image, char *const *host_env, char *const *starter_env,
                      bool tty, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *hostname = NULL;
        _cleanup_free_ char **vars = NULL;
        size_t budget = DEFINITION_SIZE_MAX;
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
        /* EnvironmentHost=: over the image's, under the definition's, as podman's --env-host. What
         * systemd or berth hand the starting process for itself stays out: the payload gets its own
         * NOTIFY_SOCKET and LISTEN_FDS when asked. */
        for (char *const *e = host_env; e && *e; e++)
                if (env_assignment_is_valid(*e) && !env_is_starters_own(*e) && env_set(&env, *e) < 0)
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
        /* K=V with its "${NAME}" and "$$" expanded from starter_env (the service's environment:
         * systemd expands podman's --env K=V words under Quadlet); K alone takes K's value there, as
         * podman's --env K takes podman's, and nothing when K has none. */
        if (starter_vars(starter_env, &vars) < 0)
                return log_oom();
        STRV_FOREACH(e, d->environment) {
                _cleanup_free_ char *kv = NULL;
                const char *v;

                if (strchr(*e, '=')) {
                        r = env_expand_word(*e, vars, &budget, &kv);
                        if (r == -E2BIG)
                                return log_error_errno(r, "Environment= is more than %u bytes with its variables expanded",
                                                       DEFINITION_SIZE_MAX);
                        if (r < 0 || env_set(&env, kv) < 0)
                                return log_oom();
                        continue;
                }
                v = env_get(vars, *e);
                if (!v)
                        continue;
                kv = strjoin(*e, "=", v);
                if (!kv || env_set(&env, kv) < 0)
                        return log_oom();
        }

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
        /* SYNC_FAILED: the child's line said why, and was logged as it came. */
        return 125;
}

/* Whether sig is one we take through the signalfd: every signal someone can send us, as docker's
 * --sig-proxy catches all of them, so that none (SIGALRM, SIGPWR, a real-time signal …) ends us
 * and leaves the payload to the guard, and none (SIGTSTP, SIGTTIN, SIGTTOU) stops us while the
 * payload runs on with nobody reading its output. Not: what cannot be caught; what the kernel
 * raises for our own faults and limits (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS,
 * SIGXCPU, SIGXFSZ), which blocked would be forced or lost; SIGPIPE, ignored (EPIPE instead);
 * SIGURG, of sockets; and glibc's own between 31 and SIGRTMIN. */
bool child_signal_is_taken(int sig) {
        switch (sig) {
        case SIGKILL: case SIGSTOP:
        case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGABRT: case SIGTRAP: case SIGSYS:
        case SIGXCPU: case SIGXFSZ:
        case SIGPIPE: case SIGURG:
                return false;
        default:
                return sig >= 1 && sig < _NSIG && (sig < 32 || sig >= SIGRTMIN);
        }
}

int child_signals_block(sigset_t *ret_mask, sigset_t *ret_old_mask, int *ret_sigfd, int *ret_timerfd) {
        _cleanup_close_ int sigfd = -EBADF, timerfd = -EBADF;
        sigset_t mask;

        sigemptyset(&mask);
        for (int sig = 1; sig < _NSIG; sig++)
                if (child_signal_is_taken(sig))
                        sigaddset(&mask, sig);
        if (sigprocmask(SIG_BLOCK, &mask, ret_old_mask) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m");
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (sigfd < 0 || timerfd < 0) {
                int r = -errno;

                (void) sigprocmask(SIG_SETMASK, ret_old_mask, NULL);
                return log_error_errno(r, "Failed to set up signal handling: %m");
        }
        *ret_mask = mask;
        *ret_sigfd = TAKE_FD(sigfd);
        *ret_timerfd = TAKE_FD(timerfd);
        return 0;
}
