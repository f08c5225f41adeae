/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Runs fn on each of the n names; with more than one, all at once, a child process each, as
 * docker's and podman's CLIs stop and restart several containers in parallel: `berth stop a b c`
 * waits for the longest stop, not for the sum of them. fn logs its own failures. 0 if every one
 * returned >= 0, else -1. */
int each_container(char **names, size_t n, int (*fn)(const char *name));
