/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "definition.h"
#include "health-state.h"
#include "image-config.h"

/* A container's health check, from its definition (HealthCmd= and its companions) over its
 * image's HEALTHCHECK, docker's way: the definition's command replaces the image's, and each
 * setting the definition leaves out is the image's, then the default. */

/* The settings the supervisor runs the checks by; ret->enabled false when there is no check
 * (none anywhere, or HealthCmd=none / --no-healthcheck). */
void health_settings_resolve(const Definition *d, const ImageConfig *image, HealthSettings *ret);

/* The command of the check (startup: HealthStartupCmd=): CMD's words, or CMD-SHELL's string under
 * /bin/sh -c. -ENOENT when there is none. */
int health_check_argv(const Definition *d, const ImageConfig *image, bool startup, char ***ret);

/* berth-helper --health[-startup] NAME PID with the PID 1's pidfd as fd 3: runs the check once,
 * as `berth exec` runs a command, its output on our stdout and stderr; returns its exit code
 * (125 when berth failed, 126/127 when it could not run, as exec). */
int health_check_run(const char *name, pid_t pid, int pidfd, bool startup);
