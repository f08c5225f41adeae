/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

void generator_log_open(void);

/* Writes drop-ins for every definition found in dirs (earlier dirs win on equal names) into
 * dest. Returns the number of definitions handled, or a negative errno if dest is unusable. */
int generator_run(const char *dest, char **dirs);
