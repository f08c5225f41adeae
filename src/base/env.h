/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Environment lists (K=V strings). */

bool env_name_is_valid(const char *k);
bool env_assignment_is_valid(const char *kv);

/* Sets K=V in *l, replacing an earlier K. */
int env_set(char ***l, const char *kv);
/* Appends all of add to *l, later ones replacing earlier same names. */
int env_merge(char ***l, char **add);
/* The value of K in l, or NULL. */
const char *env_get(char **l, const char *k);

/* Docker's --env-file format: one K=V per line, '#' comments and blank lines skipped, a bare
 * K takes K from the caller's environment (skipped if unset), no quoting. Regular files only,
 * at most 1 MiB. On a bad line, *ret_line is its number (1-based) and -EINVAL is returned. */
int env_file_read(const char *path, char ***ret, unsigned *ret_line);
