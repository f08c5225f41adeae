/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth exec [-i] [-t] [-e K=V]… [-u USER] [-w DIR] NAME CMD…: a command in a running
 * container, with docker exec's exit codes. The runtime part is src/exec.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "env.h"
#include "exec.h"
#include "log.h"
#include "options.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "units.h"
#include "verbs.h"

static const char exec_options[] =
        "  -i, --interactive        pass stdin to the command\n"
        "  -t, --tty                allocate a terminal from the container's devpts\n"
        "  -e, --env K=V            set an environment variable (repeatable; K alone takes ours)\n"
        "  -u, --user USER[:GROUP]  user (name or uid) from the container's /etc/passwd\n"
        "  -w, --workdir DIR        working directory inside the container\n"
        "      --help               show this help\n";

/* The container's PID 1 as a pidfd, and its PID: looked up again once the pidfd is open, so
 * that a PID 1 that exited (and a PID reused) in between is never taken for it. */
static int open_container_init(const char *name, pid_t *ret_pid, int *ret_pidfd) {
        _cleanup_close_ int pidfd = -EBADF;
        pid_t pid, again;
        int r;

        r = containers_pid1(name, &pid);
        if (r < 0)
                return r;
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0 && errno == ESRCH)
                return log_error_errno(-ESRCH, "container %s is not running", name);
        if (pidfd < 0)
                return log_error_errno(-errno, "Failed to open a pidfd for PID %d: %m", (int) pid);
        r = containers_pid1(name, &again);
        if (r < 0)
                return r;
        if (again != pid || syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
                return log_error_errno(-ESRCH, "container %s is not running", name);
        *ret_pid = pid;
        *ret_pidfd = TAKE_FD(pidfd);
        return 0;
}

int verb_exec(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "interactive", no_argument, NULL, 'i' },
                { "tty", no_argument, NULL, 't' },
                { "env", required_argument, NULL, 'e' },
                { "user", required_argument, NULL, 'u' },
                { "workdir", required_argument, NULL, 'w' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_close_ int pidfd = -EBADF;
        ExecOptions o = {};
        const char *name;
        int c, r;

        /* "+": options end at NAME; what follows belongs to the command. */
        while ((c = options_next("exec", argc, argv, "+ite:u:w:", options)) >= 0)
                switch (c) {
                case 'i':
                        o.interactive = true;
                        break;
                case 't':
                        o.tty = true;
                        break;
                case 'e':
                        if (strchr(optarg, '=')) {
                                if (!env_assignment_is_valid(optarg)) {
                                        log_error("option -e: '%s' is not a valid K=V assignment", optarg);
                                        return EXIT_BERTH_FAILED;
                                }
                                r = env_set(&env, optarg);
                        } else if (!env_name_is_valid(optarg)) {
                                log_error("option -e: '%s' is not a valid variable name", optarg);
                                return EXIT_BERTH_FAILED;
                        } else if (getenv(optarg)) {
                                _cleanup_free_ char *kv = strjoin(optarg, "=", getenv(optarg));

                                r = kv ? env_set(&env, kv) : -ENOMEM;
                        } else
                                r = 0; /* docker: a bare K that we do not have is left out */
                        if (r < 0) {
                                log_oom();
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case 'u':
                        o.user = optarg;
                        break;
                case 'w':
                        if (!path_is_absolute(optarg)) {
                                log_error("option -w: '%s' is not an absolute path", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        o.working_dir = optarg;
                        break;
                case ARG_HELP:
                        verb_help("exec", exec_options);
                        return 0;
                case '?':
                        return EXIT_BERTH_FAILED;
                default:
                        log_error("unhandled option %s", argv[optind - 1]);
                        return EXIT_BERTH_FAILED;
                }

        if (argc - optind < 2) {
                log_error("exec needs a container name and a command; see 'berth exec --help'");
                return EXIT_BERTH_FAILED;
        }
        name = argv[optind];
        if (containers_load_definition(name, &d) < 0)
                return EXIT_BERTH_FAILED;
        name = d->name; /* Issue 16: leftovers. The key, when given the ContainerName=. */
        r = open_container_init(name, &o.pid, &pidfd);
        if (r < 0)
                return EXIT_BERTH_FAILED;

        r = image_config_read(d->image, &image);
        if (r < 0)
                return EXIT_BERTH_FAILED;

        o.def = d;
        o.image = &image;
        o.pidfd = pidfd;
        o.argv = argv + optind + 1;
        o.env = env;
        return exec_run(&o);
}
