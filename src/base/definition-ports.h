/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "definition-list.h"

struct Definition;

/* One PublishPort= value into the list field (an empty value resets it), at most max_ports
 * ports in all; -EINVAL with *ret_why for a bad form, a host port taken twice, or too many. */
int definition_parse_publish_port(struct Definition *d, void *field, ListState *list, const char *value, size_t max_ports,
                                  char **ret_why);
