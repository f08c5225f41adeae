/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "table.h"

static void print_row(const char *const *cells, const size_t *width, size_t n_cols, size_t gap) {
        for (size_t c = 0; c < n_cols; c++)
                if (c + 1 < n_cols)
                        printf("%-*s%*s", (int) width[c], cells[c], (int) gap, "");
                else
                        printf("%s\n", cells[c]);
}

void table_print(const char *const *header, size_t n_cols, const char *const *cells, size_t n_rows, size_t gap,
                 bool legend) {
        _cleanup_free_ size_t *width = calloc(n_cols ? n_cols : 1, sizeof(size_t));

        if (!width)
                return;
        for (size_t c = 0; c < n_cols; c++)
                width[c] = legend ? strlen(header[c]) : 0;
        for (size_t r = 0; r < n_rows; r++)
                for (size_t c = 0; c < n_cols; c++) {
                        size_t l = strlen(cells[r * n_cols + c]);

                        if (l > width[c])
                                width[c] = l;
                }
        if (legend)
                print_row(header, width, n_cols, gap);
        for (size_t r = 0; r < n_rows; r++)
                print_row(cells + r * n_cols, width, n_cols, gap);
}
