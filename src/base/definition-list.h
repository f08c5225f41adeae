/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "hashmap.h"

/* The list keys' state while a definition is parsed (definition.c), shared with the parsers that
 * live in files of their own (definition-process.c): a list key's entries go into its strv in
 * place, with room to grow, and what a parser must find again (an Environment= name, a unit, a
 * host port) is found through an index, so that a file of many list lines parses in time linear
 * in its size. */
typedef struct ListState {
        size_t n, allocated; /* of the strv */
        Hashmap *index;      /* what the key's parser looks up: see each */
} ListState;

void list_reset(char ***l, ListState *ls);
/* Appends a copy of value / value itself (freed on failure). */
int list_extend(char ***l, ListState *ls, const char *value);
int list_consume(char ***l, ListState *ls, char *value);

/* Words split as systemd splits them (C escapes, the specifiers of the definition called name),
 * each checked by check(); set into *l as K=V, where a key given again takes the new value in the
 * old place (ls->index: K → its place). An empty value resets. */
int list_parse_assignments(const char *name, char ***l, ListState *ls, const char *value, char **ret_why,
                           int (*check)(const char *word, char **ret_why));
