/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* Human forms for tables, as systemd prints them: "850ms", "42s", "2min 3s", "1h 2min", "3d 4h";
 * "512B", "1.5K", "64.0M". buf needs FORMAT_MAX bytes; returns buf. */
#define FORMAT_MAX 64
char *format_timespan(char buf[static FORMAT_MAX], uint64_t usec);
char *format_bytes(char buf[static FORMAT_MAX], uint64_t bytes);
