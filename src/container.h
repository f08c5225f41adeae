/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <errno.h>

#include "confine.h"
#include "definition.h"
#include "guard.h"
#include "image-config.h"
#include "netconf.h"
#include "sync.h"
#include "volume.h"

/* One container's life: definition → image → namespaces → scope → payload → exit status.
 * The helper runs it as the main process of container@NAME.service; `berth run` without -d
 * runs the same code in the foreground. */

typedef struct RunOptions {
        bool service;     /* main process of container@NAME.service: READY=1, BindsTo= */
        bool interactive; /* -i: the payload's stdin is ours */
        bool tty;         /* -t: a pty from the container's own devpts */
        bool remove;      /* --rm in the foreground: the container and its anonymous volumes go
                           * when it ends, whatever happens to us (guard.h) */
} RunOptions;

/* Everything the child needs, computed by the parent before clone() so that the child does no
 * allocation it could fail at after the parent has moved on. */
typedef struct Container {
        const Definition *def;
        const RunOptions *opts;
        char *dir;          /* /var/lib/berth/containers/NAME */
        char *upper, *work, *root;
        char **lowerdirs;   /* top first */
        char **argv;        /* entrypoint + exec */
        char **env;         /* without HOME, which comes from the image's passwd */
        VolumePlan volumes; /* binds, volumes (filled and ready), tmpfs: mounted by the child */
        int stdin_fd, stdout_fd, stderr_fd;  /* what the payload gets, or -EBADF for a pty */
        int join_netns_fd;  /* Network=container:NAME: the namespace to join, else -EBADF */
        char *net_dir;      /* /run/berth/NAME: hosts, hostname, resolv.conf to bind */
        SeccompProgram profile; /* the seccomp profile to load (confine.h), in memory */
        int init_fd;        /* RunInit=yes: a sealed memfd copy of berth-init to execute, else -EBADF */
        ImageConfig image;  /* what the image says, under the definition */
        BerthConfig config; /* berth.conf: the defaults of every container */
        const char *user, *working_dir; /* the definition's, else the image's; NULL: root, / */
} Container;

/* A foreground run begins before its definition is written: it takes the container's lock and
 * forks its guard (guard.h), so that from then on nothing it makes outlives it, whatever kills
 * it, the definition included. */
typedef struct ForegroundRun {
        int lock_fd;
        Guard guard;
} ForegroundRun;

#define FOREGROUND_RUN_NULL ((ForegroundRun) { .lock_fd = -EBADF, .guard = GUARD_NULL })

/* Logs its error. */
int container_foreground_begin(const Definition *d, bool remove, ForegroundRun *ret);
/* For a run that ends before container_run() (its definition could not be written): the guard
 * goes, and the lock. Idempotent. */
void container_foreground_end(ForegroundRun *f);

/* Returns the payload's exit code, or 125/126/127 as Docker does. Logs its own errors. fg: the
 * foreground run's lock and guard (taken over), or NULL for a service, which takes the lock
 * itself. */
int container_run(const Definition *d, const RunOptions *o, ForegroundRun *fg);

/* The child after clone(): never returns. In payload.c. */
_Noreturn void payload_main(const Container *c, int sync_fd);

/* The payload's environment: PATH, HOSTNAME, container=berth, TERM with a tty, then the
 * image's Env, then the definition's EnvironmentFile= and Environment= (HOME comes later, from
 * the image's passwd).
 * Logs its own errors. Shared by the payload and berth exec. */
int container_environment(const Definition *d, const ImageConfig *image, bool tty, char ***ret);

/* Logs what the child reported over the sync socket, once, and returns docker's exit code:
 * 127 not found, 126 cannot execute, 125 anything else. */
int container_child_error_to_exit(const char *argv0, const SyncMessage *m);

/* Exit status of a waited-for child as a shell would report it: the code, or 128+signal. */
int container_exit_code(int wait_status);

/* Removes what a container left in /run (ExecStopPost=); idempotent, -ENOENT is success. */
int container_cleanup(const char *name);

/* Removes a container: its files under /var/lib/berth/containers/NAME, then its definition under
 * /run (and /etc when asked), so that a definition gone means a container gone. Idempotent. */
int container_remove(const char *name, bool including_etc);

/* The lock file of a container that is gone, while we hold it in fd: nobody can be running it,
 * and a taker that opened it before the unlink sees that after its flock() and tries anew. */
void container_lock_forget(const char *name, int fd);

/* Whether a helper runs container name now (it holds /run/berth/locks/NAME): 1 yes, 0 no. */
int container_lock_held(const char *name);

/* /var/lib/berth (or $BERTH_STATE_DIR) and /run/berth (or $BERTH_RUNTIME_DIR). */
const char *container_state_dir(void);
const char *container_runtime_dir(void);
