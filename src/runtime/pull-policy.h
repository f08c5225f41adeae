/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "definition-extra.h"
#include "definition-runtime.h"

/* Pull= (Quadlet's) and --pull (docker's): whether a start fetches its image first. The
 * network is berth-pull's alone (BERTH_PULL_PATH, the only binary that links libcurl); this
 * decides whether to run it and runs it:
 *
 *   never    a local image or nothing: berth-pull is never run
 *   missing  berth-pull only when no local image answers to the name
 *   always   berth-pull --policy always at every start
 *   newer    berth-pull --policy newer: a new image when the registry's differs, the local one
 *            when the registry cannot be asked
 *
 * An image named localhost/… is local by definition and never pulled. $BERTH_PULL, when set,
 * replaces BERTH_PULL_PATH (as $BERTH_PROXY does berth-proxy's), for the tests. */

typedef enum PullOutput {
        PULL_OUTPUT_JOURNAL,  /* the helper: --quiet, and what berth-pull says logged by us */
        PULL_OUTPUT_TERMINAL, /* berth run: its progress and closing lines on our stderr */
} PullOutput;

/* Logs its error, in one line: -ENOENT for never and no local image; -EIO when berth-pull failed
 * (with PULL_OUTPUT_JOURNAL its last line is logged; on a terminal it said so itself); the errno
 * of a berth-pull that could not be executed. 0 when the image may now be resolved. retry (Retry=,
 * RetryDelay=; NULL or unset: berth-pull's defaults) is handed to berth-pull as --retry and
 * --retry-delay. */
int pull_policy_apply(const char *image, PullPolicy policy, const PullRetry *retry, PullOutput output);
/* (image NULL, a definition's with Rootfs=: nothing to pull, 0.) */
