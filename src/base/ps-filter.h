/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* docker ps's --filter KEY=VALUE, as docker's daemon combines them: values of one key ORed (any
 * may match), keys ANDed, except label=, of which every one must match:
 *   name=RE      the name matches the regular expression (POSIX extended; docker's Go regexps
 *                agree on the common forms), anywhere in it, with or without docker's leading '/'
 *   id=RE        the same on the ID, which is the name in berth
 *   label=K, label=K=V   has the label, or has it with that value
 *   status=S     created, restarting, running, removing, paused, exited, dead; lists stopped
 *                containers too, as -a does
 *   ancestor=IMAGE   made from the image (IMAGE and IMAGE:latest are one)
 *   exited=N     a container that ran and exited with code N
 *   health=H     starting, healthy, unhealthy, none
 *   network=N    bridge, host, none, or container:NAME
 *   volume=V     mounts the named volume V, or something at the destination V
 *   publish=P, expose=P  publishes host port P, or exposes container port P (docker's PORT[/PROTO]
 *                or START-END[/PROTO], tcp when no protocol is given) */

typedef struct PsFilter {
        regex_t *names, *ids;
        size_t n_names, n_ids;
        char **labels;
        unsigned statuses; /* a bit per docker status */
        char **ancestors;
        char **ancestor_ids; /* the image IDs the caller resolved ancestors to (ps_filter_match() reads no store) */
        int *exited;
        size_t n_exited;
        unsigned health; /* a bit per health state */
        char **networks, **volumes;
        struct PsPortRange {
                unsigned start, end;
                char proto[4]; /* "tcp", "udp" */
        } *publish, *expose;
        size_t n_publish, n_expose;
} PsFilter;

/* What a filter looks at of a container. */
typedef struct PsItem {
        const char *name;
        const char *image;    /* NULL: unknown */
        char *const *labels;  /* K=V */
        const char *status;   /* docker's (docker_status()) */
        bool exited;          /* it ran and exited … */
        int exit_code;        /* … with this code */
        const char *health;   /* "starting", "healthy", "unhealthy"; NULL: no health check */
        const char *network;  /* "bridge", "host", "none", "container:NAME" */
        char *const *volumes; /* the names of its volumes and the destinations of its mounts */
        char *const *published; /* "8080/tcp": its published host ports */
        char *const *exposed;   /* "80/tcp": its container ports, published or exposed */
        /* Issue 16: leftovers. */
        const char *id; /* its key, the file's name, when name is its ContainerName=; NULL: name */
        const char *image_id; /* the ID ("sha256:…") of the image it names, NULL: unknown */
} PsItem;

/* Adds one "KEY=VALUE". -EINVAL with a one-line reason (when ret_why is not NULL) naming the
 * filter for an unknown key, a bad value or regular expression, no '='; -ENOMEM. */
int ps_filter_add(PsFilter *f, const char *spec, char **ret_why);

bool ps_filter_match(const PsFilter *f, const PsItem *c);

/* Whether stopped containers are listed without -a: a status= filter, as docker has it. */
bool ps_filter_wants_all(const PsFilter *f);

void ps_filter_done(PsFilter *f);
