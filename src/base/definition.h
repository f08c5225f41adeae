/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "cleanup.h"
#include "definition-runtime.h"
#include "definition-extra.h" /* Issue 16: leftovers (dialect) */
#include "definition-process.h"
#include "definition-userns.h" /* Issue 18 */
#include "definition-values.h"
#include "health.h"

/* Container definition files: /etc/berth/containers/NAME.container (wins over
 * /run/berth/containers/NAME.container), INI like systemd unit files, keys named after Podman
 * Quadlet's. Keys are an allowlist (see the table in definition.c); every error is one line,
 * "FILE:LINE: key 'K': why", handed back to the caller, since the parser never logs.
 *
 * Conventions of the format:
 *   - "#" and ";" start comment lines (also between continuation lines); a line ending in an
 *     odd number of backslashes continues on the next, the backslash becoming a space;
 *   - values are quoted as definition-quote.h says, systemd's rules as Quadlet applies them:
 *     keys that take words split them as ExecStart= is split ('…', "…", C escapes); any other
 *     value is taken as written, less a surrounding "…" pair; then '%' specifiers
 *     (definition-unit.h);
 *   - [Unit] and [Service] lines are kept for the unit, drop-ins (the .conf files of NAME.container.d/, …)
 *     follow the file, and NAME@.container is a template (definition-unit.h);
 *   - a key given twice: the last one wins, except for the repeatable (list) keys;
 *   - an empty value resets a list key (Environment=, EnvironmentFile=, AddCapability=,
 *     DropCapability=, PublishPort=, ExposePort=, Link=, DNS=, AddHost=, Volume=, VolumesFrom=,
 *     Tmpfs=, Sysctl=, WantedBy=, RequiredBy=); Exec= and Entrypoint= with an empty value set an
 *     empty (non-NULL) command, Docker's --entrypoint ''; any other key with an empty value is
 *     an error, and so is a quoted empty value ("") of a key that does not take words.
 *
 * Parsing takes time linear in the size of the text, which is bounded, and so are the lists
 * whose entries cost the runtime or systemd more than their bytes. */

/* The largest definition, file or text: far beyond any real one (a few KiB), small enough that
 * the generator reads hundreds of hostile ones at boot in well under a second. */
#define DEFINITION_SIZE_MAX (256U * 1024U)
/* Volume=, Tmpfs=, Mount= and VolumesFrom= entries together: the runtime checks and orders mounts pairwise. */
#define DEFINITION_MOUNTS_MAX ((size_t) 1024)
/* Link=, WantedBy= and RequiredBy= entries together: each names a unit systemd loads. */
#define DEFINITION_UNITS_MAX ((size_t) 256)
/* PublishPort= entries, ranges counted port by port: each holds host sockets and nftables elements. */
#define DEFINITION_PORTS_MAX ((size_t) 1024)
/* Memory=: less, and the payload is OOM-killed before it runs (docker's minimum too). */
#define DEFINITION_MEMORY_MIN (UINT64_C(6) << 20)
#define DEFINITION_SUFFIX ".container"

typedef struct Definition {
        char *name; /* from the file name */
        char *path; /* file it was read from */
        char *image;
        char **exec, **entrypoint; /* NULL when not set */
        char **environment;        /* K=V */
        char **environment_files;
        char *working_dir, *user, *hostname; /* NULL when not set */
        uint64_t memory_max;                 /* UINT64_MAX when not set */
        uint64_t cpu_weight;                 /* 0 when not set */
        uint64_t pids_limit;                 /* 0 when not set (berth.conf's default), UINT64_MAX unlimited */
        uint64_t caps_add, caps_drop;        /* bit (1ULL << CAP_x) */
        bool privileged, read_only, run_init;
        bool auto_remove;       /* AutoRemove=: docker's --rm, done by the unit's cleanup */
        bool no_new_privileges; /* NoNewPrivileges=: PR_SET_NO_NEW_PRIVS for the payload and exec */
        bool seccomp_unconfined; /* SeccompProfile=unconfined: no seccomp filter (confine.h) */
        RestartPolicy restart;      /* RESTART_NO default */
        int stop_signal;            /* 0 unset: the image's STOPSIGNAL applies, else SIGTERM */
        uint64_t stop_timeout_usec; /* 10 s default */
        NotifyMode notify; /* Notify=: NOTIFY_CONMON default */
        /* Health checks (health.h), Quadlet's keys; what the runtime does is berth.container(5)'s. */
        char **health_cmd;                     /* a Test form; NULL: the image's applies */
        uint64_t health_interval_usec;         /* UINT64_MAX unset, 0 disable, else ≥ 1 s */
        uint64_t health_timeout_usec;          /* UINT64_MAX unset, else ≥ 1 s */
        uint64_t health_start_period_usec;     /* UINT64_MAX unset */
        unsigned health_retries;               /* 0 unset, else 1…HEALTH_COUNT_MAX */
        HealthOnFailure health_on_failure;     /* HEALTH_ON_FAILURE_NONE default */
        char **health_startup_cmd;             /* a Test form, never NONE; NULL unset */
        uint64_t health_startup_interval_usec; /* UINT64_MAX unset, else ≥ 1 s */
        uint64_t health_startup_timeout_usec;  /* UINT64_MAX unset, else ≥ 1 s */
        unsigned health_startup_retries;       /* 0: never restart (default); ≤ HEALTH_COUNT_MAX */
        unsigned health_startup_success;       /* 0: one pass is enough (default); ≤ HEALTH_COUNT_MAX */
        NetworkMode network;     /* NETWORK_BRIDGE default */
        char *network_container; /* set iff network == NETWORK_CONTAINER */
        char *ip;                /* IP=: the IPv4 address to take from the subnet, NULL for any */
        char **publish_ports;    /* PublishPort=: [HOSTIP:]HOSTPORT:CONTAINERPORT[/PROTO] (port.h) */
        char **expose_ports;     /* ExposePort=: CONTAINERPORT[/PROTO], for links */
        char **links;            /* Link=: NAME or NAME:ALIAS */
        char **dns;              /* DNS=: name server addresses for resolv.conf */
        char **add_hosts;        /* AddHost=: HOST:ADDRESS lines for /etc/hosts */
        char **volumes;      /* Volume=: docker's -v, SRC:DST[:OPTS] or DST[:OPTS] (see volume.h) */
        char **volumes_from; /* VolumesFrom=: NAME[:ro|:rw] */
        char **tmpfs;        /* Tmpfs=: DST[:OPTS] */
        char **sysctls;      /* Sysctl=: KEY=VALUE of the container's namespaces (sysctl.h) */
        /* Issue 16, mounts and devices (definition-mounts.h): */
        char **mounts;         /* Mount=: docker's --mount type=bind|volume|tmpfs,…, one word each */
        char **devices;        /* AddDevice=: [-]HOST[:CONTAINER][:PERMS] */
        char **masks, **unmasks; /* Mask=, Unmask=: ':'-separated paths (patterns, ALL) */
        uint64_t shm_size;     /* ShmSize=: bytes of /dev/shm, 0 unset (64 MiB) */
        char *timezone;        /* Timezone=: local or a zone name, NULL unset (the image's) */
        bool read_only_tmpfs;  /* ReadOnlyTmpfs=: with ReadOnly=, tmpfs on /tmp, /var/tmp, /run; default true */
        /* docker run's resources, namespaces and logging (issue 16, part D; definition-runtime.h). */
        uint64_t memory_swap_max;     /* MemorySwapMax=: bytes of swap, UINT64_MAX when not set */
        uint64_t cpu_quota_usec;      /* CPUQuota=: µs of CPU time per second, 0 when not set */
        char *allowed_cpus;           /* AllowedCPUs=: "0-3,6", NULL when not set */
        DefinitionNamespace ipc, uts, pid; /* IPC=, UTS=, PID=: NAMESPACE_PRIVATE default */
        bool cgroupns_host;           /* CgroupNS=host */
        LogDriver log_driver;         /* LogDriver=: LOG_DRIVER_JOURNALD default */
        PullPolicy pull;              /* Pull=: PULL_POLICY_MISSING default (issue 15) */
        bool tty;                     /* Tty=: docker's -t, a terminal for the payload, also in a service */
        /* Issue 16, engineer C (keys-process): labels, ulimits, groups, DNS (definition-process.h). */
        DefinitionProcess process;
        /* quadlet-files: Quadlet's [Unit], [Service] and [Install] (definition-unit.h) */
        char **unit_lines, **service_lines; /* "Key=value" as written, in order, for the unit */
        char **upheld_by, **also;
        char *default_instance;
        char **aliases; /* [Install] Alias=: PREFIX@NAME.service, other names of the unit (definition-unit.h) */
        /* Issue 16: leftovers. [Quadlet] DefaultDependencies=no (definition-unit.h). */
        bool no_default_dependencies;
        /* Quadlet's ExecReload= keys, and its VolatileTmp= (read as the Tmpfs= it means). */
        char **reload_cmd;  /* ReloadCmd=: the command `systemctl reload` runs in the container */
        int reload_signal;  /* ReloadSignal=: the signal `systemctl reload` sends, 0 unset */
        bool volatile_tmp;  /* VolatileTmp=: true only while parsing */
        /* Issue 18: user namespaces (definition-userns.h): userns, userns_size, userns_set, uid_map,
         * gid_map, n_uid_map, n_gid_map; the same fields as one, userns_fields, for its parsers. */
        union {
                UserNSFields userns_fields;
                struct {
                        USERNS_FIELDS
                };
        };
        /* Issue 16: leftovers (dialect): Retry=, RetryDelay= (definition-extra.h). */
        DefinitionExtra extra;
        char **wanted_by, **required_by;
} Definition;

/* Issue 16: leftovers (dialect). What d runs from, for messages and listings: its Image=, else its
 * Rootfs= directory. */
static inline const char *definition_image_shown(const Definition *d) {
        return d->image ?: d->extra.rootfs;
}

/* Issue 18: what of d decides whether it can have a user namespace range of its own. */
static inline UserNSPeers definition_userns_peers(const Definition *d) {
        return (UserNSPeers) {
                .privileged = d->privileged,
                .network_host = d->network == NETWORK_HOST,
                .pid_host = d->pid.mode == NAMESPACE_HOST,
                .ipc_host = d->ipc.mode == NAMESPACE_HOST,
                .cgroupns_host = d->cgroupns_host,
                .joins_container = d->network == NETWORK_CONTAINER || d->pid.mode == NAMESPACE_CONTAINER ||
                                   d->ipc.mode == NAMESPACE_CONTAINER || d->uts.mode == NAMESPACE_CONTAINER,
        };
}

/* Defaults filled in; name may be NULL. NULL on OOM. */
Definition *definition_new(const char *name);
Definition *definition_free(Definition *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Definition *, definition_free);

/* On failure, *ret_error (if ret_error is not NULL) receives an allocated one-line message, or
 * NULL on -ENOMEM; on success it is left alone. name NULL means: take it from the file name
 * (NAME.container); either way it must be a valid container name. -EINVAL for a bad definition,
 * -ENOENT for a missing file, -EFBIG for a file or text larger than DEFINITION_SIZE_MAX, other
 * negative errno for a file that cannot be read (-EBADFD if not a regular file). */
int definition_parse_file(const char *path, const char *name, Definition **ret, char **ret_error);
int definition_parse_string(const char *text, const char *path_for_messages, const char *name,
                            Definition **ret, char **ret_error);

/* The definition made of texts[0], the file at paths[0], and its drop-ins texts[1…] (at
 * paths[1…]), in that order: what definition_parse_file() reads. */
int definition_parse_texts(char *const *texts, char *const *paths, size_t n_texts, const char *name, Definition **ret,
                           char **ret_error);

/* Finds NAME.container in dirs (NULL = $BERTH_DEFINITION_PATH, space-separated, if set, else
 * {"/etc/berth/containers", "/run/berth/containers"}), first wins, and parses it. -ENOENT with
 * message "no such container NAME" when absent from all. */
int definition_load(const char *name, char **dirs, Definition **ret, char **ret_error);

/* Serialises d into definition-file text that definition_parse_string() reads back to an equal
 * Definition. Only non-default values are written, quoted where they must be. -EINVAL if d holds
 * something that would not read back: an empty string or one with control characters where a
 * path, name or address goes (no such key takes either), a stop timeout that is not whole
 * seconds, a capability libcap cannot name. */
int definition_to_string(const Definition *d, char **ret);

/* The text to write after "KEY=" so that the parser hands key's parser exactly value: for a key
 * that takes words, value as one word; for any other, value itself, quoted when it must be.
 * -ENOENT for a key that is not in the table. */
int definition_quote_value(const char *key, const char *value, char **ret);

/* Field by field; path is not compared. Exec=/Entrypoint= NULL and empty differ. */
bool definition_equal(const Definition *a, const Definition *b);

