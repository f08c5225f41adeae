/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/ioctl.h>

#include "berth-conf.h"
#include "confine.h"
#include "definition-mounts.h"
#include "definition.h"
#include "image-config.h"
#include "volume.h"

/* The payload's side of a container's start: the child that clone() made, which builds the
 * container's root and becomes the payload (payload.c). */

/* Everything the child needs, computed by the parent before clone() so that the child does no
 * allocation it could fail at after the parent has moved on. */
typedef struct Container {
        const Definition *def;
        bool tty;           /* -t: a pty from the container's own devpts */
        struct winsize winsize; /* -t: our terminal's size, the pty's before the payload runs (0: none) */
        char *dir;          /* /var/lib/berth/containers/NAME */
        char *upper, *work, *root;
        char **lowerdirs;   /* top first */
        char **argv;        /* entrypoint + exec */
        char **env;         /* without HOME, which comes from the image's passwd */
        VolumePlan volumes; /* binds, volumes (filled and ready), tmpfs: mounted by the child */
        int stdin_fd, stdout_fd, stderr_fd;  /* what the payload gets, or -EBADF for a pty */
        int join_netns_fd;  /* Network=container:NAME: the namespace to join, else -EBADF */
        int join_ipc_fd, join_uts_fd; /* IPC=, UTS= container:NAME: a pidfd of its PID 1, else -EBADF */
        int join_pid_fd;    /* PID=container:NAME: the same, for the parent to clone() us into its namespace */
        char *net_dir;      /* /run/berth/NAME: hosts, hostname, resolv.conf to bind */
        char *notify_dir;   /* Notify=yes: /run/berth/NAME/notify, bound at /run/notify; else NULL */
        SeccompProgram profile; /* the seccomp profile to load (confine.h), in memory */
        int init_fd;        /* RunInit=yes: a sealed memfd copy of berth-init to execute, else -EBADF */
        ImageConfig image;  /* what the image says, under the definition */
        BerthConfig config; /* berth.conf: the defaults of every container */
        const char *user, *working_dir; /* the definition's, else the image's; NULL: root, / */
        /* Issue 16 (container-mounts.c): AddDevice='s nodes the host has, and Timezone='s copy
         * of the zone file to bind on /etc/localtime (NULL: none). */
        DeviceSpec *devices;
        size_t n_devices;
        char *localtime;
        char *user_spec;    /* User= with Group= (definition_user_spec()), what user points to, or NULL */
        int stop_signal;    /* StopSignal=, else the image's STOPSIGNAL, else SIGTERM */
        /* Issue 18: user namespaces (userns.c). With a range of its own, the maps ("INSIDE
         * OUTSIDE COUNT\n" lines: the child is cloned into a new user namespace and the parent
         * writes them), else NULL; the overlay root the parent made over idmapped layers (a
         * detached mount the child attaches), else -EBADF. */
        char *uid_map, *gid_map;
        int root_mnt_fd;
        int devices_mnt_fd; /* AddDevice='s nodes, copied for container root (userns.c), else -EBADF */
        /* Issue 16: leftovers (dialect). LogOpt='s tag (NULL: the name) and journal fields
         * ("KEY=VALUE"), for the payload's lines. */
        char *log_tag;
        char **log_fields;
} Container;

/* In the parent (container-mounts.c), once c->dir exists: the devices present on the host (a
 * missing one is an error unless optional), the time zone's file copied into c->dir, the
 * overlay directories of "O" mounts. Logs. */
int container_mounts_prepare(Container *c);
void container_mounts_done(Container *c);

/* In the child, before the root is made read-only: Timezone='s file bound on /etc/localtime
 * (an /etc/localtime symlink of the image removed first, as podman does). Logs. */
int container_mounts_timezone(const Container *c, int root_fd);

/* The child after clone(): never returns. Waits on sync_fd for the parent's GO, then builds the
 * root; every message it logs goes to the parent over sync_fd, which logs it once. */
_Noreturn void payload_main(const Container *c, int sync_fd);
