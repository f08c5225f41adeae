/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"
#include "json.h"

/* A JSON document read into a tree (RFC 8259, strictly: json_parse_string_array()'s strings, no
 * trailing commas, nothing after the value), for go-template.h to walk. Objects keep their keys
 * in the document's order (a key given twice: the last one counts on lookup); numbers keep the
 * text they were written with. Nesting is bounded by JSON_TREE_DEPTH_MAX, so that a hostile
 * document cannot exhaust the stack; time is linear in its length. */

#define JSON_TREE_DEPTH_MAX 64

typedef enum JsonType {
        JSON_TYPE_NULL,
        JSON_TYPE_BOOL,
        JSON_TYPE_NUMBER,
        JSON_TYPE_STRING,
        JSON_TYPE_ARRAY,
        JSON_TYPE_OBJECT,
        _JSON_TYPE_MAX,
        _JSON_TYPE_INVALID = -EINVAL,
} JsonType;

typedef struct JsonValue JsonValue;
struct JsonValue {
        JsonType type;
        bool boolean;     /* BOOL */
        char *text;       /* STRING: the decoded string; NUMBER: as written */
        size_t n;         /* ARRAY, OBJECT: how many items */
        JsonValue *items; /* ARRAY, OBJECT: the values */
        char **keys;      /* OBJECT: their keys */
};

/* -EINVAL with a one-line reason saying where (byte N, counting from 1), -ENOMEM. */
int json_tree_parse(const char *s, JsonValue **ret, char **ret_why);

JsonValue *json_tree_free(JsonValue *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(JsonValue *, json_tree_free);

/* Frees what v holds (not v itself) and makes it null. */
void json_value_done(JsonValue *v);

/* The value of key in object o (the last, if given twice); NULL when o is not an object or has
 * no such key. */
const JsonValue *json_tree_get(const JsonValue *o, const char *key);

/* Writes v with the writer, as it was read (keys in their order). */
void json_tree_write(JsonWriter *w, const JsonValue *v);
