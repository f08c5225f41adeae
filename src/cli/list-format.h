/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "docker-view.h"
#include "go-template.h"

/* berth list --format, as docker ps's: "table" (docker's columns), "table TEMPLATE" (a header
 * made by the template from the columns' names, then a row per container, cells split at tabs
 * and aligned as Go's tabwriter does), "json" (a row's object per line) or a TEMPLATE (its output
 * and a newline per container). "\t" and "\n" written as such are a tab and a newline. */

typedef struct ListFormat {
        bool table;
        bool bare_table; /* "table" alone: docker's columns, which -q overrides */
        bool json;
        GoTemplate *template; /* NULL with json */
} ListFormat;

/* Logs what is wrong with s, once. */
int list_format_parse(const char *s, ListFormat *ret);
void list_format_done(ListFormat *f);

/* The rows, each a DockerView; now: µs. legend: the table's header. Logs its errors. */
int list_format_print(const ListFormat *f, const DockerView *views, size_t n, uint64_t now, bool legend);
