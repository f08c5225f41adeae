/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Container and volume names: [A-Za-z0-9][A-Za-z0-9_.-]{0,62}. They become unit names, paths
 * under /var/lib/berth and interface-name suffixes, so nothing else is ever accepted. */
#define NAME_MAX_LEN 63
#define NAME_RULE "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}"

/* Container names also come as NAME@INSTANCE, an instance of the template definition
 * NAME@.container (definition-unit.h): both parts match the rule, 63 characters in all. Image
 * and volume names are plain. */
bool name_is_valid(const char *name);
bool name_is_plain(const char *name);
/* "NAME@": a template definition's name, which no container has. */
bool name_is_template(const char *name);

/* "container@NAME.service" and "container-NAME.scope"; NULL on OOM or an invalid name. */
char *name_to_service(const char *name);
char *name_to_scope(const char *name);
/* The container name of the n bytes between "container-" and ".scope" of a scope's name. NULL on OOM. */
char *name_from_scope_part(const char *s, size_t n);

/* prefix followed by n_bytes random bytes in hex ("berth-3f2a…", as docker makes names up): a
 * valid name as long as prefix is one (or empty) and the whole fits. */
int name_generate(const char *prefix, size_t n_bytes, char **ret);
