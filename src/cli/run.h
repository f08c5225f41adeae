/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "container.h"
#include "definition.h"

/* What `berth run` and `berth create` share: docker's flags turned into a definition. */
typedef struct RunRequest {
        char *name;
        char *text;       /* the definition file's text */
        Definition *def;  /* … parsed by the one parser */
        RunOptions o;
        bool detach, rm;
        bool replace;     /* --replace: a container of that name goes first */
        bool quiet;       /* -q: a pull says nothing unless it fails */
        char *cidfile;    /* --cidfile: where the container's ID (its name) is written */
} RunRequest;

void run_request_donep(RunRequest *req);

/* 0: parsed; 1: --help was shown; < 0: an error, logged. */
int run_request_parse(const char *verb, int argc, char *argv[], RunRequest *ret);

/* --replace: removes the container of req's name if there is one. Logs its errors. */
int run_replace(const RunRequest *req);

/* The definition of req's container (run_write_definition()) and, with --cidfile, the container's
 * ID (berth's is its name) to a file that must not exist, as docker writes it: the file first, so
 * that a definition is never left behind by a file that appeared meanwhile; it goes again when the
 * definition cannot be written. Logs its error. */
int run_write_request(const RunRequest *req, bool persistent);

/* Creates /run/berth/containers/NAME.container (persistent: /etc/berth/containers/, see
 * autostart.h) only if no container of that name exists. */
int run_write_definition(const char *name, const char *text, bool persistent);
