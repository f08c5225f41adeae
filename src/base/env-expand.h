/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* '$' in definition values, as systemd expands it in ExecStart= (systemd.service(5), "Command
 * lines"; src/basic/env-util.c, replace_env_argv()), through which Podman Quadlet passes Exec=,
 * Entrypoint= and Environment= unescaped. A Definition keeps the values as written; they are
 * expanded where a container starts (and `berth exec` runs), from the environment that start has.
 *
 *   - "${NAME}" anywhere in a word is NAME's value (unset, or not a valid name: nothing), as part
 *     of the one word; "$$" is one '$'; '$' followed by anything else stays as it is, and so do
 *     a "${" without its '}' and a "${NAME:" (systemd's ":-" and ":+" are not for command
 *     lines); a bare $NAME inside a longer word is not expanded;
 *   - with ENV_EXPAND_SPLIT (Exec=), a word that is '$' and no '{' or '$' after it is replaced by
 *     the value of the name after the '$', split at blanks into zero or more words ('…', "…" and
 *     a backslash quote, and are removed, as systemd splits it); unset, or not a valid name:
 *     no word at all.
 *
 * Expansion cannot grow without bound: every function takes *budget, the bytes its words (each
 * with its NUL) may still take, and fails with -E2BIG, writing nothing, when they would take more. */

typedef enum EnvExpandFlags {
        ENV_EXPAND_SPLIT = 1 << 0, /* a word that is exactly $NAME becomes NAME's words */
} EnvExpandFlags;

/* word with "${NAME}" and "$$" expanded from env (K=V entries, the first K wins). -E2BIG,
 * -ENOMEM. */
int env_expand_word(const char *word, char *const *env, size_t *budget, char **ret);
/* The words (NULL: none) expanded, always a list (possibly empty). -E2BIG, -ENOMEM. */
int env_expand_words(char *const *words, char *const *env, EnvExpandFlags flags, size_t *budget, char ***ret);

/* Whether key's values are expanded so: Exec=, Entrypoint=, Environment=. */
bool env_expand_key(const char *key);

/* s with each '$' doubled: what reads back as s after expansion. NULL on OOM. */
char *env_dollar_escape(const char *s);
/* The words as a user reads them, each "$$" shown as '$' ("${X}" left as written); NULL stays
 * NULL. -ENOMEM. */
int env_dollar_unescape_words(char *const *words, char ***ret);
