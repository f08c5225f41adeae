/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth login / berth logout: docker's, with the credentials in podman's file
 * ($REGISTRY_AUTH_FILE, else /run/containers/0/auth.json), which berth-pull checks against the
 * registry and writes; this executes it. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "options.h"
#include "string-util.h"
#include "verbs.h"

static int exec_pull(const char *const *args) {
        fflush(stdout);
        execv(BERTH_PULL_PATH, (char **) args);
        log_error_errno(-errno, "Failed to execute %s: %m", BERTH_PULL_PATH);
        return EXIT_BERTH_FAILED;
}

int verb_login(int argc, char *argv[]) {
        enum { ARG_PASSWORD_STDIN = 0x100, ARG_HELP };
        static const struct option options[] = {
                { "username", required_argument, NULL, 'u' },
                { "password", required_argument, NULL, 'p' },
                { "password-stdin", no_argument, NULL, ARG_PASSWORD_STDIN },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        const char *user = NULL, *password = NULL, *args[12];
        bool password_stdin = false;
        size_t n = 0;
        int c;

        while ((c = options_next("login", argc, argv, "u:p:", options)) >= 0)
                switch (c) {
                case 'u':
                        user = optarg;
                        break;
                case 'p':
                        password = optarg;
                        break;
                case ARG_PASSWORD_STDIN:
                        password_stdin = true;
                        break;
                case ARG_HELP:
                        verb_help("login", "  -u, --username USER     the user name (asked for on a "
                                           "terminal when not given)\n"
                                           "  -p, --password PASS     the password (insecure: other users "
                                           "see it; prefer --password-stdin)\n"
                                           "      --password-stdin    read the password from stdin\n"
                                           "      --help              show this help\n"
                                           "\nREGISTRY is HOST[:PORT], docker.io when not given. The "
                                           "credentials are checked against\n"
                                           "the registry, then written to $REGISTRY_AUTH_FILE or "
                                           "/run/containers/0/auth.json (0600).\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind + 1 < argc) {
                log_error("berth login takes at most one registry; see 'berth login --help'");
                return EXIT_BERTH_FAILED;
        }
        if (password && password_stdin) {
                log_error("--password and --password-stdin exclude each other");
                return EXIT_BERTH_FAILED;
        }
        if (password)
                log_warning(
                        "WARNING! Using --password via the command line is insecure. Use --password-stdin.");

        args[n++] = BERTH_PULL_PATH;
        args[n++] = "--login";
        if (user) {
                args[n++] = "--username";
                args[n++] = user;
        }
        if (password) {
                /* To berth-pull through a pipe as its stdin, not in its command line too. */
                int p[2];

                if (strlen(password) >= PIPE_BUF || pipe2(p, O_CLOEXEC) < 0 ||
                    write(p[1], password, strlen(password)) != (ssize_t) strlen(password) ||
                    dup2(p[0], STDIN_FILENO) < 0) {
                        log_error_errno(-EIO, "berth login: cannot hand the password over");
                        return EXIT_BERTH_FAILED;
                }
                (void) close(p[0]);
                (void) close(p[1]);
                password_stdin = true;
        }
        if (password_stdin)
                args[n++] = "--password-stdin";
        args[n++] = "--";
        if (optind < argc)
                args[n++] = argv[optind];
        args[n] = NULL;
        return exec_pull(args);
}

int verb_logout(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                {}
        };
        const char *args[6];
        size_t n = 0;
        int c;

        while ((c = options_next("logout", argc, argv, "", options)) >= 0)
                switch (c) {
                case 'H':
                        verb_help("logout", "      --help              show this help\n"
                                            "\nREGISTRY is HOST[:PORT], docker.io when not given.\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind + 1 < argc) {
                log_error("berth logout takes at most one registry; see 'berth logout --help'");
                return EXIT_BERTH_FAILED;
        }
        args[n++] = BERTH_PULL_PATH;
        args[n++] = "--logout";
        args[n++] = "--";
        if (optind < argc)
                args[n++] = argv[optind];
        args[n] = NULL;
        return exec_pull(args);
}
