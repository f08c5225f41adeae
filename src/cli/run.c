/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth run: flags become a definition file (parsed by the one parser, so a flag and its key
 * are checked alike), written under /run/berth/containers; then either container@NAME.service
 * starts (-d), or the helper's code runs here in the foreground. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "container.h"
#include "definition.h"
#include "fd-util.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "run.h"
#include "units.h"
#include "verbs.h"
#include "volume.h"

static const char run_options[] =
        "      --name NAME          name the container (default: a generated one)\n"
        "  -d, --detach             start container@NAME.service and print the name\n"
        "      --rm                 remove the container when it exits\n"
        "  -i, --interactive        pass stdin to the container\n"
        "  -t, --tty                allocate a terminal from the container's devpts\n"
        "  -e, --env K=V            set an environment variable (repeatable)\n"
        "      --env-file FILE      read K=V lines from FILE (repeatable)\n"
        "  -w, --workdir DIR        working directory inside the container\n"
        "  -u, --user USER[:GROUP]  user (name or uid) from the image's /etc/passwd\n"
        "  -h, --hostname HOST      host name (default: the container's name)\n"
        "      --entrypoint CMD     override the entrypoint\n"
        "  -m, --memory SIZE        MemoryMax= of the scope (e.g. 64M)\n"
        "      --cpu-weight N       CPUWeight= of the scope (1…10000)\n"
        "  -c, --cpu-shares N       docker's CPU shares, mapped to CPUWeight=\n"
        "      --pids-limit N       TasksMax= of the scope\n"
        "      --cap-add CAP        add a capability (repeatable, ALL for all)\n"
        "      --cap-drop CAP       drop a capability (repeatable, ALL for all)\n"
        "      --restart POLICY     no, on-failure, always or unless-stopped: systemd's Restart= (with -d)\n"
        "      --privileged         all capabilities, no masks, no seccomp, all devices\n"
        "      --security-opt OPT   no-new-privileges[=true|false], or seccomp=unconfined to run\n"
        "                           without docker's default seccomp profile\n"
        "      --read-only          mount the container's root read-only\n"
        "      --init               run berth's tiny init as PID 1\n"
        "      --network MODE       bridge (default), none, host or container:NAME\n"
        "  -p, --publish SPEC       publish a port: [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]\n"
        "      --expose PORT        a port for links' variables: PORT[/tcp|/udp]\n"
        "      --link NAME[:ALIAS]  reach a running container by name, with docker's variables\n"
        "      --ip ADDRESS         take this IPv4 address from the bridge's subnet\n"
        "      --dns ADDRESS        a name server for the container's resolv.conf\n"
        "      --add-host HOST:IP   an extra line for the container's /etc/hosts\n"
        "  -v, --volume SRC:DST[:ro|:rw]  bind a host path (absolute SRC) or mount the volume SRC\n"
        "                           (created on first use, filled from the image); -v DST: an\n"
        "                           anonymous volume (repeatable)\n"
        "      --volumes-from NAME[:ro|:rw]  the volumes of container NAME (repeatable)\n"
        "      --tmpfs DST[:OPTS]   a tmpfs on DST (nosuid,nodev,noexec; size=, mode=, …)\n"
        "      --sysctl KEY=VALUE   a setting of the container's own namespaces: net.*, fs.mqueue.*,\n"
        "                           kernel.domainname, kernel.msg*, kernel.sem, kernel.shm* (repeatable)\n"
        "      --help               show this help\n";

typedef struct Line {
        char *text;        /* "Key=value" */
        const char *flag;  /* the option it came from, for messages */
} Line;

typedef struct Builder {
        Line lines[256];
        size_t n;
} Builder;

static void builder_done(Builder *b) {
        for (size_t i = 0; i < b->n; i++)
                free(b->lines[i].text);
}

static int builder_add(Builder *b, const char *flag, const char *key, const char *value, bool quote) {
        _cleanup_free_ char *q = NULL;

        if (b->n >= ELEMENTSOF(b->lines))
                return log_error_errno(-E2BIG, "too many options");
        if (strchr(value, '\n'))
                return log_error_errno(-EINVAL, "option %s: newlines are not allowed", flag);
        if (quote) {
                q = strv_join_quoted((char *const[]) { (char *) value, NULL });
                if (!q)
                        return log_oom();
                value = q;
        }
        b->lines[b->n].text = strjoin(key, "=", value);
        if (!b->lines[b->n].text)
                return log_oom();
        b->lines[b->n++].flag = flag;
        return 0;
}

static char *generate_name(void) {
        unsigned char r[6];
        char *s;
        int fd;

        fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, r, sizeof(r)) != sizeof(r)) {
                safe_close(fd);
                return NULL;
        }
        safe_close(fd);
        if (asprintf(&s, "berth-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]) < 0)
                return NULL;
        return s;
}

/* Creates the definition file only if no container of that name exists: written to a temp file
 * and link()ed into place, so of two concurrent runs of one name exactly one wins. */
int run_write_definition(const char *name, const char *text) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *tmp = NULL, *etc = NULL;
        int r;

        r = units_definition_path(name, &etc);
        if (r >= 0)
                return log_error_errno(-EEXIST, "container %s exists (%s); choose another --name or 'berth rm %s'",
                                       name, etc, name);

        dir = path_join(container_runtime_dir(), "containers");
        path = dir ? path_join(dir, name) : NULL;
        if (!path)
                return log_oom();
        free(path);
        if (asprintf(&path, "%s/%s.container", dir, name) < 0 || asprintf(&tmp, "%s/.%s.tmp-%d", dir, name, getpid()) < 0)
                return log_oom();
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        r = write_string_file(tmp, text, 0644, /* atomic= */ false);
        if (r < 0) {
                (void) unlink(tmp);
                return log_error_errno(r, "Failed to write %s: %m", tmp);
        }
        r = link(tmp, path) < 0 ? -errno : 0;
        (void) unlink(tmp);
        if (r == -EEXIST)
                return log_error_errno(r, "container %s exists; choose another --name or 'berth rm %s'", name, name);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);
        return 0;
}

/* docker's --security-opt, as far as berth has it: the definition's key for each. */
static int add_security_opt(Builder *b, const char *opt) {
        const char *v;

        if (streq(opt, "no-new-privileges"))
                return builder_add(b, "--security-opt", "NoNewPrivileges", "yes", false);
        v = startswith(opt, "no-new-privileges=") ?: startswith(opt, "no-new-privileges:");
        if (v)
                return builder_add(b, "--security-opt", "NoNewPrivileges", v, false);
        v = startswith(opt, "seccomp=") ?: startswith(opt, "seccomp:");
        if (v)
                return builder_add(b, "--security-opt", "SeccompProfile", v, false);
        log_error("option --security-opt: '%s' is not one berth has (no-new-privileges[=BOOL], "
                  "seccomp=unconfined)",
                  opt);
        return -EINVAL;
}

/* A parse error of the generated text names a line of it; say which option that was. */
static void log_option_error(const Builder *b, const char *msg) {
        const char *rest = startswith(msg, "berth run:");
        unsigned line;
        int n = 0;

        if (rest && sscanf(rest, "%u:%n", &line, &n) == 1 && line >= 2 && line - 2 < b->n) {
                const char *why = strstr(rest + n, "': ");
                log_error("option %s: %s", b->lines[line - 2].flag, why ? why + 3 : rest + n);
                return;
        }
        /* Checks across lines (a volume under /dev without --privileged) name the key only. */
        for (size_t i = 0; rest && i < b->n; i++) {
                const char *eq = strchr(b->lines[i].text, '=');
                char key[64];
                const char *why;

                snprintf(key, sizeof(key), " key '%.*s': ", (int) (eq - b->lines[i].text), b->lines[i].text);
                why = startswith(rest, key);
                if (why) {
                        log_error("option %s: %s", b->lines[i].flag, why);
                        return;
                }
        }
        log_error("%s", msg);
}

static void run_request_done(RunRequest *req) {
        free(req->name);
        free(req->text);
        req->def = definition_free(req->def);
}

void run_request_donep(RunRequest *req) {
        run_request_done(req);
}

int run_request_parse(const char *verb, int argc, char *argv[], RunRequest *req) {
        enum {
                ARG_NAME = 0x100, ARG_RM, ARG_ENV_FILE, ARG_ENTRYPOINT, ARG_CPU_WEIGHT, ARG_PIDS_LIMIT,
                ARG_CAP_ADD, ARG_CAP_DROP, ARG_PRIVILEGED, ARG_READ_ONLY, ARG_INIT, ARG_NETWORK, ARG_HELP,
                ARG_EXPOSE, ARG_LINK, ARG_IP, ARG_DNS, ARG_ADD_HOST,
                ARG_VOLUMES_FROM, ARG_TMPFS, ARG_SECURITY_OPT, ARG_SYSCTL, ARG_RESTART,
        };
        static const struct option options[] = {
                { "name", required_argument, NULL, ARG_NAME },
                { "detach", no_argument, NULL, 'd' },
                { "rm", no_argument, NULL, ARG_RM },
                { "interactive", no_argument, NULL, 'i' },
                { "tty", no_argument, NULL, 't' },
                { "env", required_argument, NULL, 'e' },
                { "env-file", required_argument, NULL, ARG_ENV_FILE },
                { "workdir", required_argument, NULL, 'w' },
                { "user", required_argument, NULL, 'u' },
                { "hostname", required_argument, NULL, 'h' },
                { "entrypoint", required_argument, NULL, ARG_ENTRYPOINT },
                { "memory", required_argument, NULL, 'm' },
                { "cpu-weight", required_argument, NULL, ARG_CPU_WEIGHT },
                { "cpu-shares", required_argument, NULL, 'c' },
                { "pids-limit", required_argument, NULL, ARG_PIDS_LIMIT },
                { "cap-add", required_argument, NULL, ARG_CAP_ADD },
                { "cap-drop", required_argument, NULL, ARG_CAP_DROP },
                { "privileged", no_argument, NULL, ARG_PRIVILEGED },
                { "security-opt", required_argument, NULL, ARG_SECURITY_OPT },
                { "restart", required_argument, NULL, ARG_RESTART },
                { "read-only", no_argument, NULL, ARG_READ_ONLY },
                { "init", no_argument, NULL, ARG_INIT },
                { "network", required_argument, NULL, ARG_NETWORK },
                { "net", required_argument, NULL, ARG_NETWORK },
                { "publish", required_argument, NULL, 'p' },
                { "expose", required_argument, NULL, ARG_EXPOSE },
                { "link", required_argument, NULL, ARG_LINK },
                { "ip", required_argument, NULL, ARG_IP },
                { "dns", required_argument, NULL, ARG_DNS },
                { "add-host", required_argument, NULL, ARG_ADD_HOST },
                { "volume", required_argument, NULL, 'v' },
                { "volumes-from", required_argument, NULL, ARG_VOLUMES_FROM },
                { "tmpfs", required_argument, NULL, ARG_TMPFS },
                { "sysctl", required_argument, NULL, ARG_SYSCTL },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(builder_done) Builder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *name = NULL, *text = NULL, *error = NULL, *exec = NULL;
        RunOptions o = {};
        bool detach = false, rm = false;
        int c, r;

        *req = (RunRequest) {};

        while ((c = getopt_long(argc, argv, "+dite:w:u:h:m:c:p:v:", options, NULL)) >= 0) {
                const char *flag = argv[optind - 1];

                r = 0;
                switch (c) {
                case ARG_NAME:
                        if (!name_is_valid(optarg)) {
                                log_error("invalid container name '%s': names must match " NAME_RULE, optarg);
                                return -EINVAL;
                        }
                        free(name);
                        name = strdup(optarg);
                        if (!name)
                                return log_oom();
                        break;
                case 'd':
                        detach = true;
                        break;
                case ARG_RM:
                        rm = true;
                        break;
                case 'i':
                        o.interactive = true;
                        break;
                case 't':
                        o.tty = true;
                        break;
                case 'e':
                        r = builder_add(&b, "-e", "Environment", optarg, true);
                        break;
                case ARG_ENV_FILE: {
                        _cleanup_free_ char *abs = realpath(optarg, NULL);
                        if (!abs) {
                                log_error_errno(-errno, "option --env-file %s: %m", optarg);
                                return -EINVAL;
                        }
                        r = builder_add(&b, "--env-file", "EnvironmentFile", abs, false);
                        break;
                }
                case 'w':
                        r = builder_add(&b, "-w", "WorkingDir", optarg, false);
                        break;
                case 'u':
                        r = builder_add(&b, "-u", "User", optarg, false);
                        break;
                case 'h':
                        r = builder_add(&b, "-h", "HostName", optarg, false);
                        break;
                case ARG_ENTRYPOINT:
                        /* docker's --entrypoint '': no entrypoint at all (Entrypoint= empty), not
                         * one empty word. */
                        r = builder_add(&b, "--entrypoint", "Entrypoint", optarg, !isempty(optarg));
                        break;
                case 'm':
                        r = builder_add(&b, "--memory", "Memory", optarg, false);
                        break;
                case ARG_CPU_WEIGHT:
                        r = builder_add(&b, "--cpu-weight", "CPUWeight", optarg, false);
                        break;
                case 'c': {
                        uint64_t shares;
                        char w[32];

                        if (safe_atou64(optarg, &shares) < 0 || shares < 2 || shares > 262144) {
                                log_error("option --cpu-shares: '%s' is not a number in 2…262144", optarg);
                                return -EINVAL;
                        }
                        snprintf(w, sizeof(w), "%llu", (unsigned long long) scope_cpu_shares_to_weight(shares));
                        r = builder_add(&b, "--cpu-shares", "CPUWeight", w, false);
                        break;
                }
                case ARG_PIDS_LIMIT:
                        r = builder_add(&b, "--pids-limit", "PidsLimit", optarg, false);
                        break;
                case ARG_CAP_ADD:
                        r = builder_add(&b, "--cap-add", "AddCapability", optarg, false);
                        break;
                case ARG_CAP_DROP:
                        r = builder_add(&b, "--cap-drop", "DropCapability", optarg, false);
                        break;
                case ARG_PRIVILEGED:
                        r = builder_add(&b, "--privileged", "Privileged", "yes", false);
                        break;
                case ARG_RESTART:
                        r = builder_add(&b, "--restart", "Restart", optarg, false);
                        break;
                case ARG_SECURITY_OPT:
                        r = add_security_opt(&b, optarg);
                        break;
                case ARG_READ_ONLY:
                        r = builder_add(&b, "--read-only", "ReadOnly", "yes", false);
                        break;
                case ARG_INIT:
                        r = builder_add(&b, "--init", "RunInit", "yes", false);
                        break;
                case ARG_NETWORK:
                        r = builder_add(&b, "--network", "Network", optarg, false);
                        break;
                case 'p':
                        r = builder_add(&b, "-p", "PublishPort", optarg, false);
                        break;
                case ARG_EXPOSE:
                        r = builder_add(&b, "--expose", "ExposePort", optarg, false);
                        break;
                case ARG_LINK:
                        r = builder_add(&b, "--link", "Link", optarg, false);
                        break;
                case ARG_IP:
                        r = builder_add(&b, "--ip", "IP", optarg, false);
                        break;
                case ARG_DNS:
                        r = builder_add(&b, "--dns", "DNS", optarg, false);
                        break;
                case ARG_ADD_HOST:
                        r = builder_add(&b, "--add-host", "AddHost", optarg, false);
                        break;
                case 'v':
                        r = builder_add(&b, "-v", "Volume", optarg, false);
                        break;
                case ARG_VOLUMES_FROM:
                        r = builder_add(&b, "--volumes-from", "VolumesFrom", optarg, false);
                        break;
                case ARG_TMPFS:
                        r = builder_add(&b, "--tmpfs", "Tmpfs", optarg, false);
                        break;
                case ARG_SYSCTL:
                        r = builder_add(&b, "--sysctl", "Sysctl", optarg, true);
                        break;
                case ARG_HELP:
                        verb_help(verb, run_options);
                        return 1;
                case '?':
                        return -EINVAL;
                default:
                        log_error("unhandled option %s", flag);
                        return -EINVAL;
                }
                if (r < 0)
                        return -EINVAL;
        }

        if (optind >= argc) {
                log_error("%s needs an image; see 'berth %s --help'", verb, verb);
                return -EINVAL;
        }
        if (detach && (o.interactive || o.tty)) {
                log_error("-d cannot be combined with -i or -t");
                return -EINVAL;
        }
        if (detach && rm && builder_add(&b, "--rm", "AutoRemove", "yes", false) < 0)
                return -EINVAL;

        if (!name) {
                name = generate_name();
                if (!name)
                        return log_oom();
        }

        /* The image first, then the command, as the definition's own keys. */
        if (builder_add(&b, "IMAGE", "Image", argv[optind], false) < 0)
                return -EINVAL;
        if (optind + 1 < argc) {
                exec = strv_join_quoted(argv + optind + 1);
                if (!exec || builder_add(&b, "CMD", "Exec", exec, false) < 0)
                        return -EINVAL;
        }

        {
                size_t len = STRLEN("[Container]\n") + 1;
                char *p;

                for (size_t i = 0; i < b.n; i++)
                        len += strlen(b.lines[i].text) + 1;
                text = malloc(len);
                if (!text)
                        return log_oom();
                p = stpcpy(text, "[Container]\n");
                for (size_t i = 0; i < b.n; i++) {
                        p = stpcpy(p, b.lines[i].text);
                        *p++ = '\n';
                }
                *p = 0;
        }

        r = definition_parse_string(text, "berth run", name, &d, &error);
        if (r < 0) {
                log_option_error(&b, error ?: strerror(-r));
                return -EINVAL;
        }
        if (d->restart != RESTART_NO && rm) {
                log_error("--rm cannot be combined with --restart: a container that restarts is not removed when it exits");
                return -EINVAL;
        }
        if (d->restart != RESTART_NO && streq(verb, "run") && !detach) {
                log_error("--restart needs -d: systemd restarts container@%s.service, which a foreground run is not", name);
                return -EINVAL;
        }
        r = units_check_image(d->image);
        if (r < 0)
                return -EINVAL;
        {
                /* A missing bind source or VolumesFrom= container: said now, before anything is written. */
                _cleanup_(volume_plan_done) VolumePlan plan = {};

                if (volume_plan_make(d, /* image= */ NULL, &plan) < 0)
                        return -EINVAL;
        }

        req->name = TAKE_PTR(name);
        req->text = TAKE_PTR(text);
        req->def = TAKE_PTR(d);
        req->o = o;
        req->detach = detach;
        req->rm = rm;
        return 0;
}

int verb_run(int argc, char *argv[]) {
        _cleanup_(run_request_donep) RunRequest req = {};
        int r;

        r = run_request_parse("run", argc, argv, &req);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (run_write_definition(req.name, req.text) < 0)
                return EXIT_BERTH_FAILED;

        if (req.detach) {
                /* The generator's Restart= first, or systemd would not know it. */
                if (req.def->restart != RESTART_NO && units_reload() < 0)
                        return EXIT_BERTH_FAILED;
                if (units_start(req.name, /* fresh= */ true) < 0)
                        return EXIT_BERTH_FAILED;
                printf("%s\n", req.name);
                return 0;
        }

        req.o.remove = req.rm;
        return container_run(req.def, &req.o);
}
