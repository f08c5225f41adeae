/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The list keys' state while a definition is parsed (definition-list.h): shared by definition.c
 * and the parsers in files of their own, so that none of them needs definition.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-list.h"
#include "definition-quote.h"
#include "definition-unit.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

void list_reset(char ***l, ListState *ls) {
        *l = strv_free(*l);
        ls->n = ls->allocated = 0;
        ls->index = hashmap_free(ls->index);
}

/* Appends value, taking it over (freed on failure). */
int list_consume(char ***l, ListState *ls, char *value) {
        if (!value)
                return -ENOMEM;
        if (ls->n + 1 >= ls->allocated) {
                size_t a = MAX(ls->allocated * 2, (size_t) 8);
                char **t = reallocarray(*l, a, sizeof(char *));

                if (!t) {
                        free(value);
                        return -ENOMEM;
                }
                *l = t;
                ls->allocated = a;
        }
        (*l)[ls->n++] = value;
        (*l)[ls->n] = NULL;
        return 0;
}

int list_extend(char ***l, ListState *ls, const char *value) {
        return list_consume(l, ls, strdup(value));
}

/* Quoted words, each checked by check(); set into *l as K=V, where a key given again takes the
 * new value in the old place. list->index: K → its place in *l. An empty value resets. */
int list_parse_assignments(const char *name, char ***l, ListState *list, const char *value, char **ret_why,
                           int (*check)(const char *word, char **ret_why)) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = definition_words_parse(value, SPLIT_CUNESCAPE, name, &words, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                r = check(*w, ret_why);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(w, words) {
                size_t k = strcspn(*w, "="), i;

                if (hashmap_get(list->index, *w, k, &i)) {
                        char *c = strdup(*w);

                        if (!c)
                                return -ENOMEM;
                        free((*l)[i]);
                        (*l)[i] = c;
                        continue;
                }
                r = hashmap_put(&list->index, *w, k, list->n);
                if (r < 0)
                        return r;
                r = list_extend(l, list, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}
