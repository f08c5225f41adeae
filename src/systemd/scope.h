/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "berth-conf.h"
#include "definition-mounts.h"
#include "definition.h"

/* A container's processes live in container-NAME.scope in machine.slice: systemd does the
 * cgroup management, berth only asks. */
typedef struct ScopeSettings {
        const char *name;        /* the container's name */
        pid_t pid;               /* its PID 1, seen from here */
        uint64_t memory_max;     /* UINT64_MAX: not set */
        uint64_t cpu_weight;     /* 0: not set */
        uint64_t tasks_max;      /* 0: not set (systemd's default); UINT64_MAX: infinity */
        bool privileged;         /* all devices */
        bool console;            /* allow /dev/console (a terminal was asked for) */
        int stop_signal;         /* what systemd sends when it stops the scope itself */
        uint64_t stop_timeout_usec; /* … and how long it waits before SIGKILL */
        const char *bound_to;    /* BindsTo= this unit (container@NAME.service), or NULL */
        const DeviceSpec *devices; /* AddDevice='s nodes present on the host: DeviceAllow= HOST PERMS */
        size_t n_devices;
        uint64_t memory_swap_max; /* MemorySwapMax=; UINT64_MAX: not set */
        uint64_t cpu_quota_usec;  /* CPUQuotaPerSecUSec=; 0: not set */
        const char *allowed_cpus; /* AllowedCPUs= ("0-3,6"), or NULL */
} ScopeSettings;

/* What a container's definition and berth.conf ask of its scope: MemoryMax=, MemorySwapMax=,
 * CPUWeight=, CPUQuota=, AllowedCPUs=, TasksMax= (the definition's PidsLimit=, else berth.conf's, whose "none" leaves systemd's
 * default), all devices when privileged, the console with a terminal, its stop signal and
 * timeout, and BindsTo= bound_to (the service, or NULL for a foreground run). Pure: the strings
 * point into d and bound_to. */
ScopeSettings scope_settings_for(const Definition *d, const BerthConfig *config, pid_t pid, bool console,
                                 const char *bound_to);

/* StartTransientUnit of the scope, then waits for its job. On failure ret_error holds systemd's
 * reason ("Unit container-web.scope already exists.", or the job's result). */
int scope_create(sd_bus *bus, const ScopeSettings *s, char **ret_error);

/* Whether /proc/PID/cgroup's text (changed in place) puts the process in unit: on v1's
 * name=systemd line and, with unified (systemd manages that hierarchy: unified or hybrid mode; in
 * legacy mode the kernel shows a "0::/" line in which nothing moves), the unified line, each that
 * is there, the path ends in "/UNIT". With pids (the
 * scope has a TasksMax=, so systemd made it a cgroup in v1's pids hierarchy too), that line must
 * say so as well: systemd attaches a PID to name=systemd first and then to each controller's
 * hierarchy in turn, pids last, and a payload let go in between would unshare its cgroup
 * namespace rooted outside the scope and fork children that stay outside its task limit for good
 * (seen 4 times in 100 runs). 1 yes, 0 no. */
int scope_cgroup_text_in_unit(char *text, const char *unit, bool unified, bool pids);

/* The same in two steps, so that the caller can work while systemd makes the scope: begin sends
 * StartTransientUnit and returns; finish waits for the reply and the job, and falls back to
 * scope_create() where that would have retried (a scope left by an earlier run, a refused call).
 * s must live until finish. */
typedef struct ScopeStart ScopeStart;
int scope_start_begin(sd_bus *bus, const ScopeSettings *s, ScopeStart **ret);
int scope_start_finish(ScopeStart *st, char **ret_error);
ScopeStart *scope_start_free(ScopeStart *st);

/* After a failed start whose payload is gone: waits (up to 5 s) for systemd's answer to a
 * StartTransientUnit still in flight (st, or NULL), then stops container-NAME.scope if it exists
 * and forgets it if it failed. For a foreground run: no service takes its scope along, and on
 * cgroup v1 systemd may not notice for a long time that a scope has emptied. Best effort. */
void scope_discard(sd_bus *bus, const char *name, ScopeStart *st);
static inline void scope_start_freep(ScopeStart **st) {
        if (*st)
                scope_start_free(*st);
}

/* Docker's --cpu-shares (2…262144, default 1024) as systemd's CPUWeight (1…10000, default
 * 100), the mapping cgroup v2 uses for cpu.shares. */
uint64_t scope_cpu_shares_to_weight(uint64_t shares);

/* The PIDs in a unit (GetUnitProcesses); -ESRCH for no such unit. */
int scope_unit_pids(sd_bus *bus, const char *unit, pid_t **ret, size_t *ret_n);

/* The container's PID 1 (as the host sees it): the process of container-NAME.scope that is PID 1
 * of its own PID namespace. -ESRCH when the container does not run. */
int scope_pid1(sd_bus *bus, const char *name, pid_t *ret);

/* Puts pid (berth exec's joiner, not yet in any container namespace) into container-NAME.scope,
 * so that it and all it starts count against the scope's limits, meet its device policy and go
 * when the scope stops. AttachProcessesToUnit needs a delegated unit; the scope is not one, and
 * then pid joins the cgroups of pid1 (the container's PID 1) itself, in every hierarchy, as runc
 * exec does, after checking that pid1 is in the scope. Logs its error. */
int scope_join(sd_bus *bus, const char *name, pid_t pid1, pid_t pid);
