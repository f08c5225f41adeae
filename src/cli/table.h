/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A table as the verbs print it, in machinectl's manner: each column as wide as its widest cell
 * (the header's too, with legend), columns gap spaces apart, the last one not padded. cells holds
 * n_rows rows of n_cols cells each, row after row. */
void table_print(const char *const *header, size_t n_cols, const char *const *cells, size_t n_rows, size_t gap,
                 bool legend);
