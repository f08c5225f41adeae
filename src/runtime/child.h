/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "definition.h"
#include "image-config.h"
#include "sync.h"

/* What berth run and berth exec share about a process they start inside a container. */

/* The payload's environment: PATH, HOSTNAME, container=berth, TERM with a tty, then the
 * image's Env, then the definition's EnvironmentFile= and Environment= (HOME comes later, from
 * the image's passwd). Logs its own errors. */
int child_environment(const Definition *d, const ImageConfig *image, bool tty, char ***ret);

/* Logs what the child reported over the sync socket, once, and returns docker's exit code:
 * 127 not found, 126 cannot execute, 125 anything else. */
int child_report_error(const char *argv0, const SyncMessage *m);

/* Exit status of a waited-for child as a shell would report it: the code, or 128+signal. */
int child_exit_code(int wait_status);
