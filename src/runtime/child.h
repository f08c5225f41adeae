/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "definition.h"
#include "image-config.h"
#include "sync.h"

/* What berth run and berth exec share about a process they start inside a container. */

/* The payload's environment: PATH, HOSTNAME, container=berth, TERM with a tty, then the
 * image's Env, then host_env (EnvironmentHost=, podman's --env-host: the environment of the
 * process that starts the container; NULL for none), then the definition's EnvironmentFile= and
 * Environment= (HOME comes later, from the image's passwd). An Environment= entry K=V has its
 * "${NAME}" and "$$" expanded from starter_env (the environment the container's start had, less
 * what systemd or berth hand the starter for itself; NULL: none); one that is a bare name K
 * takes K's value from there, and is left out when that has none. Logs its own errors. */
int child_environment(const Definition *d, const ImageConfig *image, char *const *host_env, char *const *starter_env,
                      bool tty, char ***ret);

/* The payload's argv: the definition's Entrypoint= and Exec= with their '$' expanded from
 * starter_env as systemd expands a command line (env-expand.h), less what systemd or berth hand
 * the starter for itself; the image's Entrypoint and Cmd where the definition sets none
 * (image_config_argv()). Logs its own errors. */
int child_argv(const Definition *d, const ImageConfig *image, char *const *starter_env, char ***ret);

/* The exit code of a child that did not make it to its command, as docker's: 127 not found, 126
 * cannot execute (logged here, naming argv0), 125 for a step that failed (its line was logged as
 * it came over the sync socket). */
int child_report_error(const char *argv0, const SyncMessage *m);

/* Exit status of a waited-for child as a shell would report it: the code, or 128+signal. */
int child_exit_code(int wait_status);

/* Whether whoever supervises such a child takes sig through its signalfd (child.c says which
 * and why): every signal anyone can send, but those of our own faults and limits. */
bool child_signal_is_taken(int sig);

/* The signals whoever supervises such a child (the helper, berth-supervisor, berth exec's
 * caller and joiner) handles itself rather than dying of: SIGCHLD, SIGTERM (a stop), WINCH, and
 * every other one child_signal_is_taken() says, to pass on to the payload. Blocks them (the old
 * mask into *ret_old_mask) and makes a signalfd for them and a timerfd for the stop timeout, both
 * non-blocking. Logs its error. */
int child_signals_block(sigset_t *ret_mask, sigset_t *ret_old_mask, int *ret_sigfd, int *ret_timerfd);
