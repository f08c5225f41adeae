/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "definition.h"
#include "json.h"

/* What docker calls a container's fields, for scripts written against docker: the part of
 * `docker inspect` that berth inspect adds to its own (State, Config, NetworkSettings, …), and a
 * row of `docker ps --format`, which --format templates (go-template.h) and ps's filters read.
 * A container's ID is its name: berth has no other. */

typedef struct DockerView {
        const char *name;
        const Definition *d; /* NULL: none, or it does not parse */
        const char *state;   /* berth's (containers_state_after_exit()) */
        pid_t pid;           /* 0: none */
        char *const *addresses;
        bool exit_known;
        int exit_code;
        bool oom;
        uint64_t created, started, finished; /* CLOCK_REALTIME µs, 0: unknown */
        uint32_t restarts;
        const char *health; /* "healthy", "unhealthy", "starting"; NULL: no health check */
        bool no_trunc;      /* ps's .Command whole, not cut to 20 characters */
        char *const *labels; /* the image's labels under the container's; NULL: docker_labels(d) */
} DockerView;

/* The definition's labels, K=V (NULL: none or no definition): what Config.Labels, ps's .Labels
 * and --filter label= read. */
char *const *docker_labels(const Definition *d);

/* What ps's filters look at of a definition (ps-filter.h): its network as docker names it
 * ("bridge", "host", "none", "container:NAME", in buf), its volumes' names and its mounts'
 * destinations, its published host ports and its container ports ("80/tcp"). */
const char *docker_network(const Definition *d, char buf[static 128]);
int docker_filter_lists(const Definition *d, char ***ret_volumes, char ***ret_published, char ***ret_exposed);

/* docker's State.Status: created, running, paused, restarting, exited. */
const char *docker_status(const DockerView *v);

/* ps's STATUS: "Up 2 minutes (healthy)", "Exited (137) 5 seconds ago", "Created". now: µs. */
int docker_status_text(const DockerView *v, uint64_t now, char **ret);

/* go-units' HumanDuration: "Less than a second", "About a minute", "3 hours", … */
const char *docker_human_duration(uint64_t usec, char buf[static 32]);

/* Writes docker inspect's fields into the open object: Id, Name, Created, Path, Args, State,
 * Image, RestartCount, Config, HostConfig, NetworkSettings. */
void docker_write_inspect(JsonWriter *w, const DockerView *v);

/* One row of docker ps as an object (its --format json): ID, Names, Image, Command, CreatedAt,
 * RunningFor, Ports, Status, State, Labels, Networks, Mounts. now: µs. */
int docker_write_ps_row(JsonWriter *w, const DockerView *v, uint64_t now);

/* The object a table's header is made with: each ps field's name as docker heads its column
 * ("ID" → "CONTAINER ID"). */
void docker_write_ps_header(JsonWriter *w);
