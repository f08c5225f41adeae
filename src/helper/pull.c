/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-pull: every network transfer of berth, and the one binary that links libcurl.
 *
 *   berth-pull [--policy missing|always|never|newer] [--platform OS/ARCH[/VARIANT]] [--quiet]
 *              [--retry N] [--retry-delay DURATION] REF
 *   berth-pull --login [--username USER] [--password PASSWORD | --password-stdin] [REGISTRY]
 *   berth-pull --logout REGISTRY
 *
 * `berth pull`, `berth image pull`, `berth login` and `berth logout` execute it, and so do
 * `berth run` and the helper when a pull policy asks for a pull. Exit 0 when REF is in the store
 * afterwards; 125 with one line on stderr otherwise; 130 when interrupted (SIGINT), 125 when
 * terminated (SIGTERM, SIGHUP): either way nothing was tagged and the staging directories are
 * gone. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth-file.h"
#include "berth-conf.h"
#include "cleanup.h"
#include "fd-util.h"
#include "image-pull.h"
#include "log.h"
#include "reference.h"
#include "registry.h"
#include "store.h"
#include "string-util.h"

#define EXIT_BERTH_FAILED 125
#define PASSWORD_SIZE_MAX 4096

static volatile sig_atomic_t cancelled;

static void on_signal(int sig) {
        cancelled = sig;
}

static void setup_signals(void) {
        struct sigaction sa = { .sa_handler = on_signal };

        sigemptyset(&sa.sa_mask);
        (void) sigaction(SIGINT, &sa, NULL);
        (void) sigaction(SIGTERM, &sa, NULL);
        /* The terminal gone (its emulator closed, ssh dropped): the same clean stop. */
        (void) sigaction(SIGHUP, &sa, NULL);
        (void) signal(SIGPIPE, SIG_IGN);
}

static int exit_code(int r) {
        if (r >= 0)
                return 0;
        return cancelled == SIGINT ? 130 : EXIT_BERTH_FAILED;
}

static void usage(FILE *f) {
        fprintf(f, "usage: berth-pull [--policy missing|always|never|newer] [--platform OS/ARCH[/VARIANT]] "
                   "[--quiet]\n"
                   "                  [--retry N] [--retry-delay DURATION] REF\n"
                   "       berth-pull --login [--username USER] [--password-stdin] [REGISTRY]\n"
                   "       berth-pull --logout REGISTRY\n");
}

static int do_pull(const char *what, PullPolicy policy, const char *platform, bool quiet, const PullRetry *retry) {
        _cleanup_free_ char *why = NULL;
        BerthConfig config;
        Store *s = NULL;
        int r;

        r = berth_config_load(NULL, &config, &why);
        if (r < 0) {
                if (why)
                        log_error_errno(r, "%s", why);
                else
                        log_error_errno(r, "Failed to read berth.conf: %m");
                return EXIT_BERTH_FAILED;
        }
        r = store_open(&s, &why);
        if (r < 0) {
                log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
                berth_config_done(&config);
                return EXIT_BERTH_FAILED;
        }
        PullOptions o = {
                .policy = policy,
                .platform = platform,
                .quiet = quiet,
                .tty = isatty(STDOUT_FILENO) > 0,
                .images = &config.images,
                .registry = { .cancel = &cancelled, .retry = retry },
        };
        r = image_pull(s, what, &o, &why);
        if (r < 0)
                log_error_errno(r, "%s", why ?: strerror(-r));
        store_close(s);
        berth_config_done(&config);
        return exit_code(r);
}

/* A line from the terminal, echoed or not. */
static int prompt(const char *what, bool echo, char **ret) {
        _cleanup_fclose_ FILE *tty = fopen("/dev/tty", "r+e");
        struct termios old, quiet;
        char buf[PASSWORD_SIZE_MAX];
        bool restore = false;

        if (!tty)
                return -errno;
        fprintf(tty, "%s: ", what);
        fflush(tty);
        if (!echo && tcgetattr(fileno(tty), &old) == 0) {
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t) ECHO;
                restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
        }
        char *line = fgets(buf, sizeof(buf), tty);
        if (restore) {
                (void) tcsetattr(fileno(tty), TCSAFLUSH, &old);
                fputc('\n', tty);
        }
        if (!line)
                return -EIO;
        buf[strcspn(buf, "\r\n")] = '\0';
        *ret = strdup(buf);
        explicit_bzero(buf, sizeof(buf));
        return *ret ? 0 : -ENOMEM;
}

/* The password on stdin (a pipe, a file), up to its first line's end. */
static int read_stdin(char **ret) {
        _cleanup_free_ char *buf = malloc(PASSWORD_SIZE_MAX + 1);
        size_t n = 0;

        if (!buf)
                return -ENOMEM;
        while (n < PASSWORD_SIZE_MAX) {
                ssize_t k = read(STDIN_FILENO, buf + n, PASSWORD_SIZE_MAX - n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        if (n == PASSWORD_SIZE_MAX)
                return -EFBIG;
        buf[n] = '\0';
        buf[strcspn(buf, "\r\n")] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

static int registry_argument(const char *arg, char **ret) {
        _cleanup_free_ char *key = auth_registry_key(arg ?: "docker.io");

        if (!key)
                return log_oom();
        if (!reference_domain_is_valid(key) && !streq(key, "docker.io"))
                return log_error_errno(-EINVAL, "'%s' is not a registry: write HOST[:PORT]", SHOWN(arg));
        *ret = TAKE_PTR(key);
        return 0;
}

static int do_login(const char *arg, const char *user_arg, const char *password_arg, bool password_stdin) {
        _cleanup_free_ char *registry = NULL, *user = NULL, *password = NULL, *why = NULL;
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        BerthConfig config;
        const char *file = auth_file_for_writing();
        int r;

        if (registry_argument(arg, &registry) < 0)
                return EXIT_BERTH_FAILED;
        user = user_arg ? strdup(user_arg) : NULL;
        if (user_arg && !user)
                return log_oom(), EXIT_BERTH_FAILED;
        if (!user && prompt("Username", /* echo= */ true, &user) < 0) {
                log_error("berth login %s: no user name given (-u USER), and no terminal to ask on",
                          registry);
                return EXIT_BERTH_FAILED;
        }
        if (password_stdin) {
                r = read_stdin(&password);
                if (r < 0) {
                        log_error_errno(r, "berth login %s: reading the password from stdin: %m", registry);
                        return EXIT_BERTH_FAILED;
                }
        } else if (password_arg) {
                password = strdup(password_arg);
                if (!password)
                        return log_oom(), EXIT_BERTH_FAILED;
        } else if (prompt("Password", /* echo= */ false, &password) < 0) {
                log_error("berth login %s: no password given (--password-stdin), and no terminal to ask on",
                          registry);
                return EXIT_BERTH_FAILED;
        }
        if (isempty(user) || isempty(password) || strchr(user, ':')) {
                log_error("berth login %s: %s", registry,
                          isempty(user)       ? "the user name is empty"
                          : isempty(password) ? "the password is empty"
                                              : "a user name cannot hold ':'");
                return EXIT_BERTH_FAILED;
        }

        r = berth_config_load(NULL, &config, &why);
        if (r < 0) {
                if (why)
                        log_error_errno(r, "%s", why);
                else
                        log_error_errno(r, "Failed to read berth.conf: %m");
                return EXIT_BERTH_FAILED;
        }
        RegistryOptions o = {
                .insecure = config.images.insecure_registries,
                .user = user,
                .password = password,
                .cancel = &cancelled,
        };
        r = registry_client_new(registry, "", &o, &c, &why);
        if (r >= 0)
                r = registry_check_login(c, &why);
        berth_config_done(&config);
        if (r < 0) {
                log_error_errno(r, "berth login %s: %s", registry, why ?: strerror(-r));
                return exit_code(r);
        }
        r = auth_file_store(file, registry, user, password, &why);
        explicit_bzero(password, strlen(password));
        if (r < 0) {
                log_error_errno(r, "berth login %s: %s", registry, why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        printf("Login Succeeded!\n");
        return 0;
}

static int do_logout(const char *arg) {
        _cleanup_free_ char *registry = NULL, *why = NULL;
        const char *file = auth_file_for_writing();
        int r;

        if (registry_argument(arg, &registry) < 0)
                return EXIT_BERTH_FAILED;
        r = auth_file_remove(file, registry, &why);
        if (r == -ENOENT) {
                log_error("not logged into %s (no credentials for it in %s)", registry, file);
                return EXIT_BERTH_FAILED;
        }
        if (r < 0) {
                log_error_errno(r, "berth logout %s: %s", registry, why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        printf("Removed login credentials for %s\n", registry);
        return 0;
}

int main(int argc, char *argv[]) {
        enum { ARG_POLICY = 0x100, ARG_PLATFORM, ARG_LOGIN, ARG_LOGOUT, ARG_PASSWORD_STDIN, ARG_RETRY, ARG_RETRY_DELAY };
        static const struct option options[] = {
                { "policy", required_argument, NULL, ARG_POLICY },
                { "platform", required_argument, NULL, ARG_PLATFORM },
                { "quiet", no_argument, NULL, 'q' },
                { "login", no_argument, NULL, ARG_LOGIN },
                { "logout", no_argument, NULL, ARG_LOGOUT },
                { "username", required_argument, NULL, 'u' },
                { "password", required_argument, NULL, 'p' },
                { "password-stdin", no_argument, NULL, ARG_PASSWORD_STDIN },
                { "retry", required_argument, NULL, ARG_RETRY },
                { "retry-delay", required_argument, NULL, ARG_RETRY_DELAY },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        PullPolicy policy = PULL_POLICY_MISSING;
        const char *platform = NULL, *user = NULL, *password = NULL;
        bool quiet = false, login = false, logout = false, password_stdin = false;
        PullRetry retry = PULL_RETRY_NULL;
        _cleanup_free_ char *why = NULL;
        int c;

        log_open();
        setup_signals();
        while ((c = getopt_long(argc, argv, "+hqu:p:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        usage(stdout);
                        return 0;
                case ARG_POLICY:
                        policy = pull_policy_from_string(optarg);
                        if (policy < 0) {
                                log_error("invalid pull policy '%s': use missing, always, never or newer",
                                          SHOWN(optarg));
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_PLATFORM:
                        platform = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case ARG_LOGIN:
                        login = true;
                        break;
                case ARG_LOGOUT:
                        logout = true;
                        break;
                case 'u':
                        user = optarg;
                        break;
                case 'p':
                        password = optarg;
                        break;
                case ARG_PASSWORD_STDIN:
                        password_stdin = true;
                        break;
                case ARG_RETRY:
                        if (pull_retry_count_parse(optarg, &retry.count, &why) < 0) {
                                log_error("--retry: %s", why);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_RETRY_DELAY:
                        if (pull_retry_delay_parse(optarg, &retry.delay_usec, &why) < 0) {
                                log_error("--retry-delay: %s", why);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                default:
                        usage(stderr);
                        return EXIT_BERTH_FAILED;
                }

        if (login) {
                if (optind + 1 < argc || (password && password_stdin)) {
                        usage(stderr);
                        return EXIT_BERTH_FAILED;
                }
                return do_login(optind < argc ? argv[optind] : NULL, user, password, password_stdin);
        }
        if (logout) {
                if (optind + 1 < argc) {
                        usage(stderr);
                        return EXIT_BERTH_FAILED;
                }
                return do_logout(optind < argc ? argv[optind] : NULL);
        }
        if (optind + 1 != argc) {
                usage(stderr);
                return EXIT_BERTH_FAILED;
        }
        return do_pull(argv[optind], policy, platform, quiet, &retry);
}
