/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "definition.h"

/* docker's flags turned into definition text, for berth run and berth create: each option that
 * sets a key becomes one "Key=value" line, in the order given, the value written so that the one
 * parser hands the key exactly what the user gave (definition_quote_value()). The text is then
 * parsed like any file, so that a flag and its key are checked alike; an error names the option,
 * not the line of a file the user never saw. Pure, never logs: every error is one line in
 * *ret_error, "option FLAG: why". */

typedef struct BuilderOption {
        const char *flag; /* as messages name it: "-e", "--memory", "IMAGE" */
        const char *key;
        bool empty_unsets; /* --entrypoint '': "Entrypoint=" (none at all), not one empty word */
} BuilderOption;

/* The options whose value goes into a key as it is, in the order of run's help. */
const BuilderOption *definition_builder_options(size_t *ret_n);

typedef struct BuilderLine {
        char *text;       /* "Key=value" */
        const char *flag; /* the option it came from; static */
} BuilderLine;

typedef struct DefinitionBuilder {
        BuilderLine *lines;
        size_t n, allocated;
} DefinitionBuilder;

void definition_builder_done(DefinitionBuilder *b);

/* A line for the option flag of definition_builder_options() with value. -ENOENT for a flag not
 * in the table, -ENOMEM. */
int definition_builder_add(DefinitionBuilder *b, const char *flag, const char *value);
/* A line for key with value, from an option that is not a plain one (--security-opt,
 * --cpu-shares, --privileged …); flag must be static. -ENOENT for an unknown key, -ENOMEM. */
int definition_builder_add_key(DefinitionBuilder *b, const char *flag, const char *key, const char *value);
/* The same, as the first line: under every line the options wrote (a key given again takes the
 * later value). -ENOENT, -ENOMEM. */
int definition_builder_add_key_first(DefinitionBuilder *b, const char *flag, const char *key, const char *value);
/* key's words, each as one word (the command: "CMD", "Exec"). -ENOENT, -ENOMEM. */
int definition_builder_add_words(DefinitionBuilder *b, const char *flag, const char *key, char *const *words);

/* "[Container]\n" and the lines. -ENOMEM. */
int definition_builder_text(const DefinitionBuilder *b, char **ret);

/* Builds the text and parses it as container name's definition: *ret_text and *ret the text and
 * the definition; or -EINVAL (or -EFBIG, -ENOMEM) with *ret_error the parser's one line, naming
 * the option where it named a line or a key. Before that, docker's rule across options: a line
 * from "--no-healthcheck" (HealthCmd=none) conflicts with any from a "--health-*" option. */
int definition_builder_parse(const DefinitionBuilder *b, const char *name, char **ret_text, Definition **ret,
                             char **ret_error);
