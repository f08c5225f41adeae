/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth run: flags become a definition file (definition-builder.c writes each value so that the
 * one parser reads it back as given, and parses it, so a flag and its key are checked alike),
 * written under /run/berth/containers; then either container@NAME.service starts (-d), or the
 * helper's code runs here in the foreground. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autostart.h"
#include "bus.h"
#include "cleanup.h"
#include "container.h"
#include "confine.h"
#include "containers.h"
#include "definition-builder.h"
#include "definition.h"
#include "env.h"
#include "fd-util.h"
#include "health.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "path-util.h"
#include "pull-policy.h"
#include "paths.h"
#include "run.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "units.h"
#include "verbs.h"
#include "volume.h"

static const char run_options[] =
        "      --name NAME          name the container (default: a generated one)\n"
        "  -d, --detach             start container@NAME.service and print the name\n"
        "      --rm                 remove the container when it exits\n"
        "  -i, --interactive        pass stdin to the container (with -d or create: only with -t)\n"
        "  -t, --tty                allocate a terminal from the container's devpts (Tty=); with -d,\n"
        "                           one nobody types on, its output in the journal (-dit)\n"
        "  -e, --env K=V            set an environment variable (repeatable); -e K: K's value here\n"
        "      --env-file FILE      read K=V lines (or K: its value here) from FILE now (repeatable)\n"
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
        "      --security-opt OPT   no-new-privileges[=true|false]; seccomp=unconfined to run\n"
        "                           without docker's default seccomp profile, or seccomp=PATH for\n"
        "                           a docker/OCI JSON profile of one's own; mask=PATH[:PATH…],\n"
        "                           unmask=PATTERN[:PATTERN…]|ALL, systempaths=unconfined (unmask=ALL);\n"
        "                           apparmor=PROFILE (AppArmor=), label=disable|nested|type:T|level:L|\n"
        "                           filetype:T (SecurityLabel*=: SELinux, without effect where it is off)\n"
        "      --read-only          mount the container's root read-only\n"
        "      --init               run berth's tiny init as PID 1\n"
        "      --network MODE       bridge (default), none, host or container:NAME\n"
        "  -p, --publish SPEC       publish a port: [[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|/udp],\n"
        "                           ports or ranges N-M; without HOSTPORT a free one (berth port NAME)\n"
        "      --expose PORT        a port for links' variables and -P: PORT[/tcp|/udp], or a range\n"
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
        "      --health-cmd CMD     a health check: a shell command, a JSON array [\"CMD\", \"prog\", \"arg\"],\n"
        "                           or none (the image's check is off)\n"
        "      --health-interval D  time between checks (e.g. 30s, 1m30s; at least 1s), or disable\n"
        "      --health-timeout D   how long a check may take before it counts as failed\n"
        "      --health-start-period D  failures in this time after the start are not counted\n"
        "      --health-retries N   consecutive failures that make the container unhealthy\n"
        "      --health-on-failure ACTION  none, kill, restart or stop, when it becomes unhealthy\n"
        "      --health-startup-cmd CMD  a check that runs first, until it passed\n"
        "      --health-startup-interval D, --health-startup-timeout D\n"
        "      --health-startup-retries N  failures of the startup check that restart the container\n"
        "      --health-startup-success N  passes of the startup check before the health check runs\n"
        "      --no-healthcheck     no health check, not even the image's (not with --health-*)\n"
        "      --sdnotify MODE      when the unit is ready: conmon (the command runs, default),\n"
        "                           container (it sends READY=1 itself) or healthy (its first\n"
        "                           passed health check)\n"
        "      --mount type=TYPE,source=SRC,target=DST[,OPTS]  docker's --mount: type bind (SRC must\n"
        "                           exist), volume (SRC a volume name, or none) or tmpfs (repeatable)\n"
        "      --device HOST[:CONTAINER][:PERMS]  the host's device node in the container's /dev,\n"
        "                           allowed in the scope with PERMS (rwm by default; repeatable)\n"
        "      --shm-size SIZE      the size of /dev/shm (default 64m)\n"
        "      --tz local|ZONE      /etc/localtime: the host's, or ZONE from /usr/share/zoneinfo\n"
        "      --read-only-tmpfs[=BOOL]  with --read-only, tmpfs on /tmp, /var/tmp and /run\n"
        "                           (default true)\n"
        "      --memory-swap SIZE   memory and swap together (docker's): MemorySwapMax= is SIZE less\n"
        "                           --memory, which it needs; -1 for unlimited swap\n"
        "      --cpus N             CPUs' worth of time (e.g. 1.5): CPUQuota= of the scope\n"
        "      --cpuset-cpus LIST   the CPUs it may run on (e.g. 0-3,6): AllowedCPUs= of the scope\n"
        "      --ipc MODE           private (default, or shareable), host or container:NAME\n"
        "      --uts MODE           private (default), host or container:NAME (not with --hostname)\n"
        "      --pid MODE           private (default), host or container:NAME: the pid namespace\n"
        "      --cgroupns MODE      private (default) or host\n"
        "      --log-driver DRIVER  journald (default) or none (the output is discarded)\n"
        "      --replace            remove a container of that --name first (podman's)\n"
        "      --pull POLICY        missing (default: pull the image when no local one answers to\n"
        "                           its name), always (at every start), never, or newer (when the\n"
        "                           registry's differs): Pull=; localhost/ images are never pulled\n"
        "  -l, --label K=V          a label, shown by inspect, for ps --filter label= (repeatable)\n"
        "      --label-file FILE    read K=V lines (# comments) from FILE now, each a --label\n"
        "      --cidfile FILE       write the container's ID (its name) to FILE, which must not exist\n"
        "  -q, --quiet              pull without progress (a failure still says why)\n"
        "      --sig-proxy[=true]   pass every signal on to the payload (docker's default, and\n"
        "                           the only way of a foreground run: =false is refused)\n"
        "      --annotation K=V     an annotation, shown by inspect (repeatable)\n"
        "      --ulimit NAME=SOFT[:HARD]  a resource limit of the payload and of exec: core, cpu,\n"
        "                           data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss,\n"
        "                           rtprio, rttime, sigpending, stack; -1 unlimited (repeatable)\n"
        "      --group-add GROUP    a supplementary group, a name from the image's /etc/group or a\n"
        "                           number (repeatable)\n"
        "      --env-host           the caller's environment, under -e and --env-file (taken now)\n"
        "      --dns-search DOMAIN  a search domain for the container's resolv.conf ('.': none)\n"
        "      --dns-option OPT     an option line entry for the container's resolv.conf (ndots:2)\n"
        "      --stop-signal SIG    the signal that stops the container (default: the image's, else SIGTERM)\n"
        "      --stop-timeout N     seconds between the stop signal and SIGKILL (default 10)\n"
        "  -P, --publish-all        publish every exposed port (--expose, the image's) on a free host port\n"
        "      --ip6 ADDRESS        take this IPv6 address from the bridge's Subnet6= (berth.conf)\n"
        /* Issue 18: user namespaces. */
        "      --userns MODE        host (default, unless berth.conf's UserNS= says otherwise),\n"
        "                           auto[:size=N] (a range of host IDs kept while the container\n"
        "                           exists) or private (one block of 65536): UserNS=\n"
        "      --uidmap C:H:N       map container UIDs C… to host UIDs H…, N of them (repeatable)\n"
        "      --gidmap C:H:N       the same for GIDs; either stands for both when alone\n"
        /* Issue 18, remap. */
        "      --subuidname NAME    map container UIDs 0… onto the ranges /etc/subuid lists for NAME\n"
        "      --subgidname NAME    the same from /etc/subgid; either names both when alone\n"
        /* Issue 16: leftovers (dialect). */
        "      --retry N            a pull of the image tries again N times (0 to 100, default 3)\n"
        "                           after a transient failure: Retry=\n"
        "      --retry-delay DURATION  the wait before each (default 250ms, doubled): RetryDelay=\n"
        "      --log-opt OPT        the journal's log options (LogOpt=, repeatable): tag=TEMPLATE (the\n"
        "                           lines' SYSLOG_IDENTIFIER, e.g. {{.Name}}), label=KEY=TEMPLATE,\n"
        "                           labels=K,… and env=K,… (journal fields)\n"
        "      --rootfs             IMAGE is a directory of the host, the container's read-only\n"
        "                           root under a writable layer of its own (podman's): Rootfs=\n"
        "      --help               show this help\n";

/* Adds the option's line; a failure (out of memory) is logged here. */
static int add(DefinitionBuilder *b, const char *flag, const char *value) {
        int r = definition_builder_add(b, flag, value);
        if (r == -EINVAL)
                return log_error_errno(r, "option %s: '%s' holds a control character, which a definition value cannot", flag,
                                       value);
        if (r < 0)
                return log_error_errno(r, "option %s: %m", flag);
        return 0;
}

static int add_key(DefinitionBuilder *b, const char *flag, const char *key, const char *value) {
        int r = definition_builder_add_key(b, flag, key, value);
        if (r == -EINVAL)
                return log_error_errno(r, "option %s: '%s' holds a control character, which a definition value cannot", flag,
                                       value);
        if (r < 0)
                return log_error_errno(r, "option %s: %m", flag);
        return 0;
}

/* Creates the definition file only if no container of that name exists: written unnamed and
 * link()ed into place (write_string_file_new()), so of two concurrent runs of one name exactly one
 * wins, and a run killed meanwhile leaves nothing. */
int run_write_definition(const char *name, const char *text, bool persistent) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *etc = NULL;
        int r;

        r = containers_definition_path(name, &etc);
        if (r >= 0)
                return log_error_errno(-EEXIST, "container %s exists (%s); choose another --name or 'berth rm %s'",
                                       name, etc, name);

        /* One that must come back after a reboot (autostart.h) in /etc, which the generator reads
         * at boot; any other in /run, which goes with the boot. */
        dir = path_join(persistent ? berth_config_dir() : berth_runtime_dir(), "containers");
        if (!dir || asprintf(&path, "%s/%s.container", dir, name) < 0)
                return log_oom();
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        /* Whole or not at all, whatever kills us, and never over another's. */
        r = write_string_file_new(path, text, 0644);
        if (r == -EEXIST)
                return log_error_errno(r, "container %s exists; choose another --name or 'berth rm %s'", name, name);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);
        return 0;
}

/* docker's --security-opt, as far as berth has it: the definition's key for each. */
static int add_security_opt(DefinitionBuilder *b, const char *opt) {
        const char *v;

        if (streq(opt, "no-new-privileges"))
                return add_key(b, "--security-opt", "NoNewPrivileges", "yes");
        v = startswith(opt, "no-new-privileges=") ?: startswith(opt, "no-new-privileges:");
        if (v)
                return add_key(b, "--security-opt", "NoNewPrivileges", v);
        v = startswith(opt, "seccomp=") ?: startswith(opt, "seccomp:");
        if (v && !isempty(v) && !streq(v, "default") && !streq(v, "unconfined")) {
                /* A profile file: its absolute path, which the helper reads at every start. */
                _cleanup_free_ char *abs = realpath(v, NULL);

                if (!abs)
                        return log_error_errno(-errno, "option --security-opt: seccomp profile %s: %m", v);
                return add_key(b, "--security-opt", "SeccompProfile", abs);
        }
        if (v)
                return add_key(b, "--security-opt", "SeccompProfile", v);
        /* Issue 16: podman's mask=/unmask=, and docker's systempaths=unconfined (unmask=ALL). */
        v = startswith(opt, "mask=");
        if (v)
                return add_key(b, "--security-opt", "Mask", v);
        v = startswith(opt, "unmask=");
        if (v)
                return add_key(b, "--security-opt", "Unmask", v);
        if (streq(opt, "systempaths=unconfined"))
                return add_key(b, "--security-opt", "Unmask", "ALL");
        /* Issue 16: leftovers (dialect): docker's apparmor= and label=, podman's label=filetype:
         * and label=nested. */
        v = startswith(opt, "apparmor=") ?: startswith(opt, "apparmor:");
        if (v)
                return add_key(b, "--security-opt", "AppArmor", v);
        if (streq(opt, "label=disable") || streq(opt, "label:disable"))
                return add_key(b, "--security-opt", "SecurityLabelDisable", "yes");
        if (streq(opt, "label=nested") || streq(opt, "label:nested"))
                return add_key(b, "--security-opt", "SecurityLabelNested", "yes");
        {
                static const struct {
                        const char *prefix, *key;
                } labels[] = {
                        { "label=type:", "SecurityLabelType" },
                        { "label=level:", "SecurityLabelLevel" },
                        { "label=filetype:", "SecurityLabelFileType" },
                };

                for (size_t i = 0; i < ELEMENTSOF(labels); i++)
                        if ((v = startswith(opt, labels[i].prefix)))
                                return add_key(b, "--security-opt", labels[i].key, v);
        }
        log_error("option --security-opt: '%s' is not one berth has (no-new-privileges[=BOOL], "
                  "seccomp=unconfined, seccomp=PATH, mask=PATHS, unmask=PATHS|ALL, systempaths=unconfined, "
                  "apparmor=PROFILE, label=disable|nested|type:T|level:L|filetype:T)",
                  opt);
        return -EINVAL;
}

/* -e K=V, or -e K: K's value in the caller's environment, and nothing if it has none (docker's
 * rule). */
static int env_from_flag(char ***l, const char *arg) {
        _cleanup_free_ char *kv = NULL;
        const char *v;

        if (strchr(arg, '='))
                return strv_extend(l, arg) < 0 ? log_oom() : 0;
        if (!env_name_is_valid(arg)) {
                log_error("option -e: '%s' is not K=V or the name of a variable ([A-Za-z_][A-Za-z0-9_]*)", SHOWN(arg));
                return -EINVAL;
        }
        v = getenv(arg);
        if (!v)
                return 0;
        kv = strjoin(arg, "=", v);
        if (!kv || strv_extend(l, kv) < 0)
                return log_oom();
        return 0;
}

/* --env-file FILE, read now, by the caller and with the caller's environment, as docker's CLI
 * reads it: the definition says the values, not a file the helper would read again at each start
 * with its own environment. */
static int env_from_file(char ***l, const char *path) {
        _cleanup_strv_free_ char **add = NULL;
        unsigned line = 0;
        int r;

        r = env_file_read(path, &add, &line);
        if (r == -EINVAL) {
                log_error("option --env-file: %s:%u: not K=V, a variable's name, or a # comment", path, line);
                return r;
        }
        if (r == -EBADFD) {
                log_error("option --env-file: %s: not a regular file", path);
                return r;
        }
        if (r < 0) {
                log_error_errno(r, "option --env-file: %s: %m", path);
                return -EINVAL;
        }
        STRV_FOREACH(kv, add)
                if (strv_extend(l, *kv) < 0)
                        return log_oom();
        return 0;
}

#define LABEL_FILE_MAX (1024U * 1024U)

/* docker's --label-file FILE, read now: K=V lines (a K alone is an empty label), blank lines and
 * # comments skipped, each line a --label. */
static int add_label_file(DefinitionBuilder *b, const char *path) {
        _cleanup_free_ char *text = NULL;
        struct stat st;
        unsigned line = 0;
        int r;

        if (stat(path, &st) >= 0 && !S_ISREG(st.st_mode)) {
                log_error("option --label-file: %s: not a regular file", path);
                return -EINVAL;
        }
        r = read_full_file_at(AT_FDCWD, path, LABEL_FILE_MAX, &text, NULL);
        if (r == -EFBIG) {
                log_error("option --label-file: %s: larger than %u bytes", path, LABEL_FILE_MAX);
                return -EINVAL;
        }
        if (r < 0) {
                log_error_errno(r, "option --label-file: %s: %m", path);
                return -EINVAL;
        }
        for (char *l = text, *end; l && *l; l = end ? end + 1 : NULL) {
                _cleanup_free_ char *label = NULL;
                const char *v;

                end = strchr(l, '\n');
                if (end)
                        *end = 0;
                line++;
                v = l + strspn(l, " \t");
                if (isempty(v) || v[0] == '#')
                        continue;
                /* A file written on Windows: its lines end in \r\n. */
                if (end && end > v && end[-1] == '\r')
                        end[-1] = 0;
                label = strchr(v, '=') ? strdup(v) : strjoin(v, "=");
                if (!label)
                        return log_oom();
                r = definition_builder_add(b, "--label", label);
                if (r == -EINVAL)
                        return log_error_errno(r, "option --label-file: %s:%u holds a control character, which a label cannot",
                                               path, line);
                if (r < 0)
                        return log_error_errno(r, "option --label-file: %m");
        }
        return 0;
}

/* docker's --memory-swap: memory and swap together, so MemorySwapMax= is the difference; -1 is
 * unlimited swap, 0 is as if not given. */
static int add_memory_swap(DefinitionBuilder *b, const char *memory, const char *total) {
        uint64_t m, t;
        char swap[32];

        if (streq(total, "-1"))
                return add_key(b, "--memory-swap", "MemorySwapMax", "infinity");
        if (parse_size(total, &t) < 0 || t == UINT64_MAX) {
                log_error("option --memory-swap: '%s' is not a size (e.g. 1G) or -1", SHOWN(total));
                return -EINVAL;
        }
        if (t == 0)
                return 0;
        if (!memory) {
                log_error("option --memory-swap: needs --memory, which the swap comes on top of");
                return -EINVAL;
        }
        if (parse_size(memory, &m) < 0)
                return 0; /* the parser says what is wrong with --memory */
        if (t < m) {
                log_error("option --memory-swap: %s is less than --memory %s; it is memory and swap together", total,
                          memory);
                return -EINVAL;
        }
        snprintf(swap, sizeof(swap), "%llu", (unsigned long long) (t - m));
        return add_key(b, "--memory-swap", "MemorySwapMax", swap);
}

/* docker's --cpus, as CPUQuota=. */
static int add_cpus(DefinitionBuilder *b, const char *value) {
        uint64_t usec;
        char quota[32];

        if (definition_cpus_parse(value, &usec) < 0) {
                log_error("option --cpus: '%s' is not a number of CPUs from 0.01 to %d (at most 6 decimals)",
                          SHOWN(value), DEFINITION_CPUS_MAX);
                return -EINVAL;
        }
        definition_cpu_quota_format(usec, quota);
        return add_key(b, "--cpus", "CPUQuota", quota);
}

/* podman's --env-host: the caller's environment, under -e and --env-file, taken now, as podman
 * run and create take it: the definition's first Environment= lines, so that every -e comes after
 * them and wins. (EnvironmentHost=yes in a file is the environment of whatever starts the
 * container, the service's under systemd, as with Quadlet.) What systemd or berth hand a process
 * for itself stays out, as the runtime leaves it out (child.c). */
static int add_env_host(DefinitionBuilder *b) {
        static const char *const own[] = { "NOTIFY_SOCKET=", "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=",
                                           "INVOCATION_ID=", "JOURNAL_STREAM=", "BERTH_" };
        size_t n = 0;

        for (char **e = environ; e && *e; e++)
                n++;
        /* Backwards, each first: the lines keep the environment's order. */
        for (size_t i = n; i > 0; i--) {
                const char *e = environ[i - 1];
                bool skip = !env_assignment_is_valid(e);
                int r;

                for (size_t k = 0; !skip && k < ELEMENTSOF(own); k++)
                        skip = startswith(e, own[k]) != NULL;
                if (skip)
                        continue;
                r = definition_builder_add_key_first(b, "--env-host", "Environment", e);
                if (r < 0)
                        return log_error_errno(r, "option --env-host: %m");
        }
        return 0;
}

/* podman's --sdnotify, as Notify=. */
static int add_sdnotify(DefinitionBuilder *b, const char *value) {
        NotifyMode m = notify_mode_from_sdnotify(value);

        if (streq(value, "ignore")) {
                log_error("option --sdnotify: 'ignore' is not supported: the unit is Type=notify, and nothing else "
                          "would tell systemd the container is ready");
                return -EINVAL;
        }
        if (m < 0) {
                log_error("option --sdnotify: '%s' is not container, conmon or healthy", SHOWN(value));
                return -EINVAL;
        }
        return add_key(b, "--sdnotify", "Notify", notify_mode_to_string(m));
}

static void run_request_done(RunRequest *req) {
        free(req->cidfile);
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
                ARG_HEALTH_CMD, ARG_HEALTH_INTERVAL, ARG_HEALTH_RETRIES, ARG_HEALTH_TIMEOUT, ARG_HEALTH_START_PERIOD,
                ARG_HEALTH_ON_FAILURE, ARG_HEALTH_STARTUP_CMD, ARG_HEALTH_STARTUP_INTERVAL,
                ARG_HEALTH_STARTUP_RETRIES, ARG_HEALTH_STARTUP_SUCCESS, ARG_HEALTH_STARTUP_TIMEOUT,
                ARG_NO_HEALTHCHECK, ARG_SDNOTIFY,
                ARG_MOUNT, ARG_DEVICE, ARG_SHM_SIZE, ARG_TZ, ARG_READ_ONLY_TMPFS,
                ARG_MEMORY_SWAP, ARG_CPUS, ARG_CPUSET_CPUS, ARG_IPC, ARG_UTS, ARG_PID, ARG_CGROUPNS, ARG_LOG_DRIVER, ARG_REPLACE,
                ARG_PULL, /* issue 15 */
                /* Issue 16, engineer C (keys-process). */
                ARG_LABEL, ARG_ANNOTATION, ARG_ULIMIT, ARG_GROUP_ADD, ARG_ENV_HOST, ARG_DNS_SEARCH,
                ARG_DNS_OPTION, ARG_STOP_SIGNAL, ARG_STOP_TIMEOUT, ARG_PUBLISH_ALL, ARG_IP6,
                ARG_USERNS, ARG_UIDMAP, ARG_GIDMAP, /* Issue 18: user namespaces. */
                ARG_SUBUIDNAME, ARG_SUBGIDNAME,     /* Issue 18, remap. */
                ARG_RETRY, ARG_RETRY_DELAY, ARG_LOG_OPT, ARG_ROOTFS, /* Issue 16: leftovers (dialect). */
                ARG_LABEL_FILE, ARG_CIDFILE, ARG_SIG_PROXY,
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
                { "health-cmd", required_argument, NULL, ARG_HEALTH_CMD },
                { "health-interval", required_argument, NULL, ARG_HEALTH_INTERVAL },
                { "health-retries", required_argument, NULL, ARG_HEALTH_RETRIES },
                { "health-timeout", required_argument, NULL, ARG_HEALTH_TIMEOUT },
                { "health-start-period", required_argument, NULL, ARG_HEALTH_START_PERIOD },
                { "health-on-failure", required_argument, NULL, ARG_HEALTH_ON_FAILURE },
                { "health-startup-cmd", required_argument, NULL, ARG_HEALTH_STARTUP_CMD },
                { "health-startup-interval", required_argument, NULL, ARG_HEALTH_STARTUP_INTERVAL },
                { "health-startup-retries", required_argument, NULL, ARG_HEALTH_STARTUP_RETRIES },
                { "health-startup-success", required_argument, NULL, ARG_HEALTH_STARTUP_SUCCESS },
                { "health-startup-timeout", required_argument, NULL, ARG_HEALTH_STARTUP_TIMEOUT },
                { "no-healthcheck", no_argument, NULL, ARG_NO_HEALTHCHECK },
                { "sdnotify", required_argument, NULL, ARG_SDNOTIFY },
                { "mount", required_argument, NULL, ARG_MOUNT },
                { "device", required_argument, NULL, ARG_DEVICE },
                { "shm-size", required_argument, NULL, ARG_SHM_SIZE },
                { "tz", required_argument, NULL, ARG_TZ },
                { "read-only-tmpfs", optional_argument, NULL, ARG_READ_ONLY_TMPFS },
                { "memory-swap", required_argument, NULL, ARG_MEMORY_SWAP },
                { "cpus", required_argument, NULL, ARG_CPUS },
                { "cpuset-cpus", required_argument, NULL, ARG_CPUSET_CPUS },
                { "ipc", required_argument, NULL, ARG_IPC },
                { "uts", required_argument, NULL, ARG_UTS },
                { "pid", required_argument, NULL, ARG_PID },
                { "cgroupns", required_argument, NULL, ARG_CGROUPNS },
                { "log-driver", required_argument, NULL, ARG_LOG_DRIVER },
                { "replace", no_argument, NULL, ARG_REPLACE },
                { "pull", required_argument, NULL, ARG_PULL },
                /* Issue 16, engineer C (keys-process). */
                { "label", required_argument, NULL, ARG_LABEL },
                { "annotation", required_argument, NULL, ARG_ANNOTATION },
                { "ulimit", required_argument, NULL, ARG_ULIMIT },
                { "group-add", required_argument, NULL, ARG_GROUP_ADD },
                { "env-host", no_argument, NULL, ARG_ENV_HOST },
                { "dns-search", required_argument, NULL, ARG_DNS_SEARCH },
                { "dns-option", required_argument, NULL, ARG_DNS_OPTION },
                { "dns-opt", required_argument, NULL, ARG_DNS_OPTION },
                { "stop-signal", required_argument, NULL, ARG_STOP_SIGNAL },
                { "stop-timeout", required_argument, NULL, ARG_STOP_TIMEOUT },
                { "publish-all", no_argument, NULL, ARG_PUBLISH_ALL },
                { "ip6", required_argument, NULL, ARG_IP6 },
                /* Issue 18: user namespaces. */
                { "userns", required_argument, NULL, ARG_USERNS },
                { "uidmap", required_argument, NULL, ARG_UIDMAP },
                { "gidmap", required_argument, NULL, ARG_GIDMAP },
                /* Issue 18, remap. */
                { "subuidname", required_argument, NULL, ARG_SUBUIDNAME },
                { "subgidname", required_argument, NULL, ARG_SUBGIDNAME },
                /* Issue 16: leftovers (dialect). */
                { "retry", required_argument, NULL, ARG_RETRY },
                { "retry-delay", required_argument, NULL, ARG_RETRY_DELAY },
                { "log-opt", required_argument, NULL, ARG_LOG_OPT },
                { "rootfs", no_argument, NULL, ARG_ROOTFS },
                { "label-file", required_argument, NULL, ARG_LABEL_FILE },
                { "cidfile", required_argument, NULL, ARG_CIDFILE },
                { "quiet", no_argument, NULL, 'q' },
                { "sig-proxy", optional_argument, NULL, ARG_SIG_PROXY },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        static const char optstring[] = "+dite:w:u:h:m:c:p:v:l:Pq";
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *name = NULL, *text = NULL, *error = NULL, *cidfile = NULL;
        _cleanup_strv_free_ char **env_files = NULL, **env_flags = NULL;
        const char *memory = NULL, *memory_swap = NULL;
        RunOptions o = {};
        bool detach = false, rm = false, replace = false, env_host = false, quiet = false;
        bool rootfs = false; /* Issue 16: leftovers (dialect): --rootfs, IMAGE is a directory */
        int c, r;

        *req = (RunRequest) {};

        while ((c = options_next(verb, argc, argv, optstring, options)) >= 0) {
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
                        r = add_key(&b, "-t", "Tty", "yes");
                        break;
                case 'e':
                        r = env_from_flag(&env_flags, optarg);
                        break;
                case ARG_ENV_FILE:
                        r = env_from_file(&env_files, optarg);
                        break;
                case 'w':
                        r = add(&b, "-w", optarg);
                        break;
                case 'u':
                        r = add(&b, "-u", optarg);
                        break;
                case 'h':
                        r = add(&b, "-h", optarg);
                        break;
                case ARG_ENTRYPOINT:
                        /* docker's --entrypoint '': no entrypoint at all (the table says so). */
                        r = add(&b, "--entrypoint", optarg);
                        break;
                case 'm':
                        memory = optarg;
                        r = add(&b, "--memory", optarg);
                        break;
                case ARG_CPU_WEIGHT:
                        r = add(&b, "--cpu-weight", optarg);
                        break;
                case 'c': {
                        uint64_t shares;
                        char w[32];

                        if (safe_atou64(optarg, &shares) < 0 || shares < 2 || shares > 262144) {
                                log_error("option --cpu-shares: '%s' is not a number in 2…262144", optarg);
                                return -EINVAL;
                        }
                        snprintf(w, sizeof(w), "%llu", (unsigned long long) scope_cpu_shares_to_weight(shares));
                        r = add_key(&b, "--cpu-shares", "CPUWeight", w);
                        break;
                }
                case ARG_PIDS_LIMIT:
                        r = add(&b, "--pids-limit", optarg);
                        break;
                case ARG_CAP_ADD:
                        r = add(&b, "--cap-add", optarg);
                        break;
                case ARG_CAP_DROP:
                        r = add(&b, "--cap-drop", optarg);
                        break;
                case ARG_PRIVILEGED:
                        r = add_key(&b, "--privileged", "Privileged", "yes");
                        break;
                case ARG_RESTART:
                        r = add(&b, "--restart", optarg);
                        break;
                case ARG_SECURITY_OPT:
                        r = add_security_opt(&b, optarg);
                        break;
                case ARG_READ_ONLY:
                        r = add_key(&b, "--read-only", "ReadOnly", "yes");
                        break;
                case ARG_INIT:
                        r = add_key(&b, "--init", "RunInit", "yes");
                        break;
                case ARG_NETWORK:
                        r = add(&b, "--network", optarg);
                        break;
                case 'p':
                        r = add(&b, "-p", optarg);
                        break;
                case ARG_EXPOSE:
                        r = add(&b, "--expose", optarg);
                        break;
                case ARG_LINK:
                        r = add(&b, "--link", optarg);
                        break;
                case ARG_IP:
                        r = add(&b, "--ip", optarg);
                        break;
                case ARG_DNS:
                        r = add(&b, "--dns", optarg);
                        break;
                case ARG_ADD_HOST:
                        r = add(&b, "--add-host", optarg);
                        break;
                case 'v':
                        r = add(&b, "-v", optarg);
                        break;
                case ARG_VOLUMES_FROM:
                        r = add(&b, "--volumes-from", optarg);
                        break;
                case ARG_TMPFS:
                        r = add(&b, "--tmpfs", optarg);
                        break;
                case ARG_SYSCTL:
                        r = add(&b, "--sysctl", optarg);
                        break;
                case ARG_HEALTH_CMD:
                        r = add(&b, "--health-cmd", optarg);
                        break;
                case ARG_HEALTH_INTERVAL:
                        r = add(&b, "--health-interval", optarg);
                        break;
                case ARG_HEALTH_RETRIES:
                        r = add(&b, "--health-retries", optarg);
                        break;
                case ARG_HEALTH_TIMEOUT:
                        r = add(&b, "--health-timeout", optarg);
                        break;
                case ARG_HEALTH_START_PERIOD:
                        r = add(&b, "--health-start-period", optarg);
                        break;
                case ARG_HEALTH_ON_FAILURE:
                        r = add(&b, "--health-on-failure", optarg);
                        break;
                case ARG_HEALTH_STARTUP_CMD:
                        r = add(&b, "--health-startup-cmd", optarg);
                        break;
                case ARG_HEALTH_STARTUP_INTERVAL:
                        r = add(&b, "--health-startup-interval", optarg);
                        break;
                case ARG_HEALTH_STARTUP_RETRIES:
                        r = add(&b, "--health-startup-retries", optarg);
                        break;
                case ARG_HEALTH_STARTUP_SUCCESS:
                        r = add(&b, "--health-startup-success", optarg);
                        break;
                case ARG_HEALTH_STARTUP_TIMEOUT:
                        r = add(&b, "--health-startup-timeout", optarg);
                        break;
                case ARG_NO_HEALTHCHECK:
                        r = add_key(&b, "--no-healthcheck", "HealthCmd", "none");
                        break;
                case ARG_SDNOTIFY:
                        r = add_sdnotify(&b, optarg);
                        break;
                case ARG_MOUNT:
                        r = add(&b, "--mount", optarg);
                        break;
                case ARG_DEVICE:
                        r = add(&b, "--device", optarg);
                        break;
                case ARG_SHM_SIZE:
                        r = add(&b, "--shm-size", optarg);
                        break;
                case ARG_TZ:
                        r = add(&b, "--tz", optarg);
                        break;
                case ARG_READ_ONLY_TMPFS:
                        r = add_key(&b, "--read-only-tmpfs", "ReadOnlyTmpfs", optarg ?: "yes");
                        break;
                case ARG_MEMORY_SWAP:
                        memory_swap = optarg;
                        break;
                case ARG_CPUS:
                        r = add_cpus(&b, optarg);
                        break;
                case ARG_CPUSET_CPUS:
                        r = add(&b, "--cpuset-cpus", optarg);
                        break;
                case ARG_IPC:
                        r = add(&b, "--ipc", optarg);
                        break;
                case ARG_UTS:
                        r = add(&b, "--uts", optarg);
                        break;
                case ARG_PID:
                        r = add(&b, "--pid", optarg);
                        break;
                case ARG_CGROUPNS:
                        r = add(&b, "--cgroupns", optarg);
                        break;
                case ARG_LOG_DRIVER:
                        r = add(&b, "--log-driver", optarg);
                        break;
                case ARG_REPLACE:
                        replace = true;
                        break;
                case ARG_PULL:
                        r = add(&b, "--pull", optarg);
                        break;
                /* Issue 16, engineer C (keys-process). */
                case 'l':
                case ARG_LABEL:
                        r = add(&b, "--label", optarg);
                        break;
                case ARG_LABEL_FILE:
                        r = add_label_file(&b, optarg);
                        break;
                case ARG_CIDFILE:
                        /* docker's refusal, before anything is made. */
                        if (access(optarg, F_OK) >= 0) {
                                log_error("option --cidfile: %s exists: another container may have written it; remove it first",
                                          optarg);
                                return -EINVAL;
                        }
                        free(cidfile);
                        cidfile = strdup(optarg);
                        if (!cidfile)
                                return log_oom();
                        break;
                case 'q':
                        quiet = true;
                        break;
                case ARG_SIG_PROXY:
                        /* docker's default, and berth's only way: a foreground run is the
                         * container's supervisor, and passes every signal on. */
                        if (!optarg || streq(optarg, "true") || streq(optarg, "1"))
                                break;
                        if (streq(optarg, "false") || streq(optarg, "0"))
                                log_error("option --sig-proxy=false: a foreground run supervises its container, and a "
                                          "signal it did not pass on would end both; run it with -d and use "
                                          "'berth kill', or leave the option out");
                        else
                                log_error("option --sig-proxy: '%s' is not true or false", optarg);
                        return -EINVAL;
                case ARG_ANNOTATION:
                        r = add(&b, "--annotation", optarg);
                        break;
                case ARG_ULIMIT:
                        r = add(&b, "--ulimit", optarg);
                        break;
                case ARG_GROUP_ADD:
                        r = add(&b, "--group-add", optarg);
                        break;
                case ARG_ENV_HOST:
                        env_host = true;
                        break;
                case ARG_DNS_SEARCH:
                        r = add(&b, "--dns-search", optarg);
                        break;
                case ARG_DNS_OPTION:
                        r = add(&b, "--dns-option", optarg);
                        break;
                case ARG_STOP_SIGNAL:
                        r = add(&b, "--stop-signal", optarg);
                        break;
                case ARG_STOP_TIMEOUT:
                        r = add(&b, "--stop-timeout", optarg);
                        break;
                case 'P':
                case ARG_PUBLISH_ALL:
                        r = add_key(&b, "--publish-all", "PublishAll", "yes");
                        break;
                case ARG_IP6:
                        r = add(&b, "--ip6", optarg);
                        break;
                /* Issue 18: user namespaces. */
                case ARG_USERNS:
                        r = add(&b, "--userns", optarg);
                        break;
                case ARG_UIDMAP:
                        r = add(&b, "--uidmap", optarg);
                        break;
                case ARG_GIDMAP:
                        r = add(&b, "--gidmap", optarg);
                        break;
                /* Issue 18, remap. */
                case ARG_SUBUIDNAME:
                        r = add(&b, "--subuidname", optarg);
                        break;
                case ARG_SUBGIDNAME:
                        r = add(&b, "--subgidname", optarg);
                        break;
                /* Issue 16: leftovers (dialect). */
                case ARG_RETRY:
                        r = add(&b, "--retry", optarg);
                        break;
                case ARG_RETRY_DELAY:
                        r = add(&b, "--retry-delay", optarg);
                        break;
                case ARG_LOG_OPT:
                        r = add(&b, "--log-opt", optarg);
                        break;
                case ARG_ROOTFS:
                        rootfs = true;
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
        /* The files' variables first, then -e's, whatever their order: docker's rule. The
         * definition holds the values, read here with the caller's environment. */
        STRV_FOREACH(kv, env_files)
                if (add_key(&b, "--env-file", "Environment", *kv) < 0)
                        return -EINVAL;
        STRV_FOREACH(kv, env_flags)
                if (add(&b, "-e", *kv) < 0)
                        return -EINVAL;
        if (memory_swap && add_memory_swap(&b, memory, memory_swap) < 0)
                return -EINVAL;
        /* docker's -dit and -dt: the service's payload gets a terminal (Tty=yes) that nobody types
         * on, so that a shell waits on it; a stdin to hold open without one (-di) it has not. */
        if ((detach || streq(verb, "create")) && o.interactive && !o.tty) {
                log_error("option -i: with %s, only with -t (the container's terminal is its stdin, which stays open)",
                          detach ? "-d" : "create");
                return -EINVAL;
        }
        /* A container the service runs (-d, or create's, started later) is removed by the unit's
         * cleanup, as AutoRemove= says; a foreground run removes its own (RunOptions.remove). */
        if ((detach || streq(verb, "create")) && rm && add_key(&b, "--rm", "AutoRemove", "yes") < 0)
                return -EINVAL;
        if (env_host && add_env_host(&b) < 0)
                return -EINVAL;

        if (!name) {
                r = name_generate("berth-", 6, &name);
                if (r < 0)
                        return log_error_errno(r, "Failed to make up a name: %m");
        }

        /* The image first, then the command, as the definition's own keys; with --rootfs, the
         * directory (Issue 16: leftovers, dialect). */
        if (rootfs ? add_key(&b, "--rootfs", "Rootfs", argv[optind]) < 0 : add(&b, "IMAGE", argv[optind]) < 0)
                return -EINVAL;
        if (optind + 1 < argc) {
                r = definition_builder_add_words(&b, "CMD", "Exec", argv + optind + 1);
                if (r < 0)
                        return log_error_errno(r, "CMD: %m");
        }

        r = definition_builder_parse(&b, name, &text, &d, &error);
        if (r < 0) {
                log_error_errno(r, "%s", error ?: strerror(-r));
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
        if (d->health_on_failure == HEALTH_ON_FAILURE_RESTART && streq(verb, "run") && !detach) {
                log_error("--health-on-failure restart needs -d: systemd restarts container@%s.service, which a "
                          "foreground run is not", name);
                return -EINVAL;
        }
        /* The image as --pull (Pull=) says, fetched here on the caller's terminal before anything is
         * made, as docker run pulls; a pull that fails has said why in one line. */
        r = pull_policy_apply(d->image, d->pull, &d->extra.pull_retry, quiet ? PULL_OUTPUT_JOURNAL : PULL_OUTPUT_TERMINAL);
        if (r < 0)
                return -EINVAL;
        r = containers_check_image(d);
        if (r < 0)
                return -EINVAL;
        if (d->process.seccomp_profile) {
                /* A profile that cannot be read or parsed: said now, in one line, as docker does. */
                _cleanup_(seccomp_program_done) SeccompProgram p = SECCOMP_PROGRAM_NULL;

                if (confine_prepare(d, &p) < 0)
                        return -EINVAL;
        }
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
        req->replace = replace;
        req->quiet = quiet;
        req->cidfile = TAKE_PTR(cidfile);
        return 0;
}

int run_write_request(const RunRequest *req, bool persistent) {
        int r;

        if (req->cidfile) {
                r = write_string_file_new(req->cidfile, req->name, 0644);
                if (r == -EEXIST)
                        return log_error_errno(r, "option --cidfile: %s exists: another container may have written it; remove it first",
                                               req->cidfile);
                if (r < 0)
                        return log_error_errno(r, "option --cidfile: Failed to write %s: %m", req->cidfile);
        }
        r = run_write_definition(req->name, req->text, persistent);
        if (r < 0 && req->cidfile)
                (void) unlink(req->cidfile);
        return r;
}

/* podman's --replace: a container of that name, running or not, goes first (its anonymous
 * volumes stay, as podman leaves them). */
int run_replace(const RunRequest *req) {
        _cleanup_free_ char *path = NULL;
        bool reload = false;

        if (!req->replace || containers_definition_path(req->name, &path) < 0)
                return 0;
        if (rm_container(req->name, /* force= */ true, /* volumes= */ false, &reload) < 0 ||
            (reload && units_reload() < 0))
                return -EINVAL;
        return 0;
}

int verb_run(int argc, char *argv[]) {
        _cleanup_(run_request_donep) RunRequest req = {};
        int r;

        r = run_request_parse("run", argc, argv, &req);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (run_replace(&req) < 0)
                return EXIT_BERTH_FAILED;
        if (!req.detach) {
                _cleanup_(container_foreground_end) ForegroundRun fg = FOREGROUND_RUN_NULL;
                _cleanup_free_ char *path = NULL;

                /* Said before the name is locked, so that a container of that name that runs
                 * gets this message, not "already running". */
                if (containers_definition_path(req.name, &path) >= 0) {
                        log_error("container %s exists (%s); choose another --name or 'berth rm %s'", req.name, path,
                                  req.name);
                        return EXIT_BERTH_FAILED;
                }
                /* The lock and the guard first: killed at any moment from here on, nothing of this
                 * run stays, its definition included. */
                if (container_foreground_begin(req.def, req.rm, &fg) < 0 ||
                    run_write_request(&req, /* persistent= */ false) < 0)
                        return EXIT_BERTH_FAILED;
                container_foreground_defined(&fg);
                req.o.remove = req.rm;
                return container_run(req.def, &req.o, &fg);
        }

        if (run_write_request(&req, autostart_wanted(req.def)) < 0)
                return EXIT_BERTH_FAILED;
        /* The generator's Restart= first, or systemd would not know it. */
        if (req.def->restart != RESTART_NO && units_reload() < 0)
                return EXIT_BERTH_FAILED;
        if (units_start(req.name, /* fresh= */ true) < 0 || autostart_started(req.name) < 0)
                return EXIT_BERTH_FAILED;
        printf("%s\n", req.name);
        return 0;
}
