/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

#define GENERATOR_DROPIN "50-berth.conf"
#define GENERATOR_TEMPLATE "container@.service"

/* Opens /dev/kmsg for the generator's messages; without it they go to stderr. */
void generator_log_open(void);
/* "berth-generator[PID]: …" at syslog level, to /dev/kmsg if open, else to stderr. */
void generator_log(int level, const char *fmt, ...) _printf_(2, 3);

/* For every NAME.container in dirs (the first directory holding a NAME wins, as for the
 * helper), writes container@NAME.service.d/GENERATOR_DROPIN into dest, and for the
 * definition's [Install] WantedBy=/RequiredBy= targets the links
 * dest/TARGET.wants|requires/container@NAME.service → unit_dir/GENERATOR_TEMPLATE.
 * A definition that does not parse still gets a drop-in, one that names the error. Problems
 * with single files are logged and skipped. Returns the number of definitions written. */
int generator_run(const char *dest, char *const *dirs, const char *unit_dir);
