/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Container and volume names: [A-Za-z0-9][A-Za-z0-9_.-]{0,62}. They become unit names, paths
 * under /var/lib/berth and interface-name suffixes, so nothing else is ever accepted. */
#define NAME_MAX_LEN 63
#define NAME_RULE "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}"

bool name_is_valid(const char *name);

/* "container@NAME.service" and "container-NAME.scope"; NULL on OOM or an invalid name. */
char *name_to_service(const char *name);
char *name_to_scope(const char *name);
