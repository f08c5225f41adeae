/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pull= and --pull: whether to run berth-pull before a start, and running it (pull-policy.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "image.h"
#include "log.h"
#include "pull-policy.h"
#include "reference.h"
#include "string-util.h"

/* What berth-pull says that is kept to log: its last lines, enough for any one of them. */
#define PULL_OUTPUT_KEPT 8192

/* 1 when a local image answers to what the definition names (*ret_by_id: by its ID, not a
 * name), 0 when none does (*ret_why then says which names were tried). A name the store refuses or
 * an ambiguous ID prefix counts as present: the resolution of the start says what is wrong with
 * it, which a pull would hide. Logs its error. */
static int image_presence(const char *image, bool *ret_by_id, char **ret_why) {
        _cleanup_free_ char *why = NULL, *id = NULL, *reference = NULL;
        Store *s = NULL;
        int r;

        r = store_open(&s, &why);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
        r = image_lookup(s, image, &id, &reference, &why);
        s = store_close(s);
        *ret_by_id = false;
        if (r == -ENOENT) {
                *ret_why = TAKE_PTR(why);
                return 0;
        }
        if (r >= 0)
                *ret_by_id = !reference;
        return 1;
}

static bool image_is_local(const char *image) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;

        return reference_parse(image, &r, NULL) >= 0 && streq_ptr(r.domain, REFERENCE_LOCAL_DOMAIN);
}

/* A pull may take longer than the unit's TimeoutStartSec= (90 s by default): while berth-pull
 * runs, the helper asks systemd for this much more time, every PULL_KEEPALIVE_USEC, and says what
 * it does in the unit's status. berth-pull bounds its own waits on the network. Outside a service
 * (no $NOTIFY_SOCKET) sd_notify() does nothing. */
#define PULL_KEEPALIVE_USEC (10ULL * 1000000ULL)
#define PULL_EXTEND_USEC (30ULL * 1000000ULL)

static void keep_start_alive(void) {
        (void) sd_notifyf(/* unset_environment= */ false, "EXTEND_TIMEOUT_USEC=%llu", PULL_EXTEND_USEC);
}

/* Reads fd to its end, keeping its last PULL_OUTPUT_KEPT bytes in buf (NUL-terminated). */
static void read_tail(int fd, char buf[static PULL_OUTPUT_KEPT + 1]) {
        size_t n = 0;

        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;
                int r;

                r = poll(&p, 1, (int) (PULL_KEEPALIVE_USEC / 1000));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        break;
                if (r == 0) {
                        keep_start_alive();
                        continue;
                }
                if (n == PULL_OUTPUT_KEPT) {
                        memmove(buf, buf + PULL_OUTPUT_KEPT / 2, PULL_OUTPUT_KEPT / 2);
                        n = PULL_OUTPUT_KEPT / 2;
                }
                k = read(fd, buf + n, PULL_OUTPUT_KEPT - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
}

/* The last line of s that is not blank, cut out of s in place; NULL if none. */
static char *last_line(char *s) {
        char *line = NULL;

        for (char *p = strtok(s, "\n"); p; p = strtok(NULL, "\n"))
                if (!isempty(strstrip(p)))
                        line = p;
        return line;
}

static int spawn_pull(const char *path, char *const argv[], PullOutput output, int out_fd, pid_t *ret_pid) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        int r;

        /* The helper's signals are blocked later, for its signalfd, but a caller may have any
         * mask: berth-pull starts with none blocked and every handler the default. */
        sigemptyset(&none);
        sigfillset(&all);
        if (posix_spawn_file_actions_init(&fa) != 0)
                return -ENOMEM;
        if (posix_spawnattr_init(&attr) != 0) {
                posix_spawn_file_actions_destroy(&fa);
                return -ENOMEM;
        }
        r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        if (r == 0)
                r = posix_spawnattr_setsigmask(&attr, &none);
        if (r == 0)
                r = posix_spawnattr_setsigdefault(&attr, &all);
        if (r == 0 && output == PULL_OUTPUT_JOURNAL) {
                /* Its stdout and stderr both into the pipe we read; no stdin. */
                r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
                if (r == 0)
                        r = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
                if (r == 0)
                        r = posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO);
        } else if (r == 0)
                /* berth run: stdout is the container's (or -d's name); berth-pull's lines go with
                 * our messages, on stderr, as docker run prints its pull. */
                r = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
        if (r == 0)
                /* glibc reports the exec's own failure (a missing berth-pull) here. */
                r = posix_spawn(ret_pid, path, &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        return -r;
}

static int run_berth_pull(const char *image, PullPolicy policy, const PullRetry *retry, PullOutput output) {
        const char *path = secure_getenv("BERTH_PULL") ?: BERTH_PULL_PATH;
        _cleanup_free_ char *delay = NULL;
        char count[16];
        const char *argv[12];
        size_t n = 0;
        _cleanup_close_pair_ int pipe_fds[2] = { -EBADF, -EBADF };
        char out[PULL_OUTPUT_KEPT + 1] = "";
        pid_t pid;
        int r, status;

        argv[n++] = path;
        if (output == PULL_OUTPUT_JOURNAL)
                argv[n++] = "--quiet";
        argv[n++] = "--policy";
        argv[n++] = pull_policy_to_string(policy);
        /* Retry= and RetryDelay=, when set: berth-pull's defaults otherwise. */
        if (retry && retry->count != PULL_RETRY_UNSET) {
                (void) snprintf(count, sizeof(count), "%d", retry->count);
                argv[n++] = "--retry";
                argv[n++] = count;
        }
        if (retry && retry->delay_usec != PULL_RETRY_DELAY_UNSET) {
                if (pull_retry_delay_format(retry->delay_usec, &delay) < 0)
                        return log_oom();
                argv[n++] = "--retry-delay";
                argv[n++] = delay;
        }
        argv[n++] = "--";
        argv[n++] = image;
        argv[n] = NULL;

        if (output == PULL_OUTPUT_JOURNAL && pipe2(pipe_fds, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "Failed to make a pipe for %s: %m", path);
        r = spawn_pull(path, (char *const *) argv, output, pipe_fds[1], &pid);
        if (r < 0)
                return log_error_errno(r, "Failed to execute %s to pull image '%s': %m", path, image);
        if (output == PULL_OUTPUT_JOURNAL) {
                pipe_fds[1] = safe_close(pipe_fds[1]);
                (void) sd_notifyf(/* unset_environment= */ false, "STATUS=Pulling image %s", image);
                keep_start_alive();
                read_tail(pipe_fds[0], out);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(-errno, "Failed to wait for %s: %m", path);

        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                /* newer, with the registry out of reach: berth-pull keeps the local image and
                 * says so in a line, which is worth the journal's. */
                char *line = last_line(out);

                if (line)
                        log_notice("%s", line);
                return 0;
        }
        if (output == PULL_OUTPUT_JOURNAL) {
                char *line = last_line(out);

                if (line)
                        return log_error_errno(-EIO, "%s", line);
        } else if (WIFEXITED(status))
                return -EIO; /* its line is on the terminal already */
        if (WIFSIGNALED(status))
                return log_error_errno(-EIO, "%s, pulling image '%s', was killed by signal %s", path, image,
                                       strsignal(WTERMSIG(status)));
        return log_error_errno(-EIO, "%s failed to pull image '%s' (exit status %d) and said nothing", path, image,
                               WEXITSTATUS(status));
}

int pull_policy_apply(const char *image, PullPolicy policy, const PullRetry *retry, PullOutput output) {
        _cleanup_free_ char *why = NULL;
        bool by_id = false;
        int present;

        if (!image)
                return 0; /* Rootfs=: a directory, nothing to pull */
        if (image_is_local(image))
                return 0; /* localhost/…: nowhere to pull it from; resolved (or not found) next */
        present = image_presence(image, &by_id, &why);
        if (present < 0)
                return present;

        switch (policy) {
        case PULL_POLICY_NEVER:
                if (present)
                        return 0;
                return log_error_errno(-ENOENT, "%s, and the pull policy is never; see 'berth image ls'",
                                       why ?: "image not found");
        case PULL_POLICY_MISSING:
                if (present)
                        return 0;
                if (output == PULL_OUTPUT_TERMINAL)
                        fprintf(stderr, "Unable to find image '%s' locally\n", image);
                return run_berth_pull(image, policy, retry, output);
        case PULL_POLICY_ALWAYS:
        case PULL_POLICY_NEWER:
                /* An image ID names its content: there is nothing newer of it to fetch. */
                if (present && by_id)
                        return 0;
                return run_berth_pull(image, policy, retry, output);
        case _PULL_POLICY_MAX:
        case _PULL_POLICY_INVALID:
        default:
                return log_error_errno(-EINVAL, "image '%s': unknown pull policy %d", image, (int) policy);
        }
}
