/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json-tree.h"
#include "macro.h"
#include "string-util.h"

void json_value_done(JsonValue *v) {
        if (!v)
                return;
        free(v->text);
        for (size_t i = 0; i < v->n; i++) {
                json_value_done(&v->items[i]);
                if (v->keys)
                        free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
        *v = (JsonValue) { .type = JSON_TYPE_NULL };
}

JsonValue *json_tree_free(JsonValue *v) {
        json_value_done(v);
        free(v);
        return NULL;
}

static size_t skip_blanks(const char *s, size_t i) {
        while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
                i++;
        return i;
}

/* A number as RFC 8259 has it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(const char *s, size_t i, size_t *ret_end) {
        size_t start = i;

        if (s[i] == '-')
                i++;
        if (s[i] == '0')
                i++;
        else if (s[i] >= '1' && s[i] <= '9')
                while (s[i] >= '0' && s[i] <= '9')
                        i++;
        else
                return -EINVAL;
        if (s[i] == '.') {
                i++;
                if (!(s[i] >= '0' && s[i] <= '9'))
                        return -EINVAL;
                while (s[i] >= '0' && s[i] <= '9')
                        i++;
        }
        if (s[i] == 'e' || s[i] == 'E') {
                i++;
                if (s[i] == '+' || s[i] == '-')
                        i++;
                if (!(s[i] >= '0' && s[i] <= '9'))
                        return -EINVAL;
                while (s[i] >= '0' && s[i] <= '9')
                        i++;
        }
        *ret_end = i;
        return i > start ? 0 : -EINVAL;
}

/* Appends a null item (and, for an object, a NULL key) to v; the new item in *ret. */
static int add_item(JsonValue *v, size_t *allocated, JsonValue **ret) {
        if (v->n >= *allocated) {
                size_t a = MAX(*allocated * 2, (size_t) 4);
                JsonValue *items = reallocarray(v->items, a, sizeof(JsonValue));

                if (!items)
                        return -ENOMEM;
                v->items = items;
                if (v->type == JSON_TYPE_OBJECT) {
                        char **keys = reallocarray(v->keys, a, sizeof(char *));

                        if (!keys)
                                return -ENOMEM;
                        v->keys = keys;
                }
                *allocated = a;
        }
        v->items[v->n] = (JsonValue) { .type = JSON_TYPE_NULL };
        if (v->type == JSON_TYPE_OBJECT)
                v->keys[v->n] = NULL;
        *ret = &v->items[v->n++];
        return 0;
}

/* The value at s[i] into *v (null on entry), *ret_end after it. Recursion is bounded by depth. */
static int parse_value(const char *s, size_t i, unsigned depth, JsonValue *v, size_t *ret_end, char **ret_why) {
        size_t allocated = 0, end;
        int r;

        i = skip_blanks(s, i);
        switch (s[i]) {
        case '{':
        case '[': {
                char close = s[i] == '{' ? '}' : ']';

                if (depth >= JSON_TREE_DEPTH_MAX)
                        return reason(ret_why, -EINVAL, "nested deeper than %u at byte %zu", JSON_TREE_DEPTH_MAX, i + 1);
                v->type = s[i] == '{' ? JSON_TYPE_OBJECT : JSON_TYPE_ARRAY;
                i = skip_blanks(s, i + 1);
                if (s[i] == close) {
                        *ret_end = i + 1;
                        return 0;
                }
                for (;;) {
                        JsonValue *item;
                        char *key = NULL;

                        if (v->type == JSON_TYPE_OBJECT) {
                                if (s[i] != '"')
                                        return reason(ret_why, -EINVAL, "no key at byte %zu", i + 1);
                                r = json_parse_string_at(s, i, &key, &i, ret_why);
                                if (r < 0)
                                        return r;
                                i = skip_blanks(s, i);
                                if (s[i] != ':') {
                                        free(key);
                                        return reason(ret_why, -EINVAL, "no ':' at byte %zu", i + 1);
                                }
                                i++;
                        }
                        r = add_item(v, &allocated, &item);
                        if (r < 0) {
                                free(key);
                                return r;
                        }
                        if (key)
                                v->keys[v->n - 1] = key;
                        r = parse_value(s, i, depth + 1, item, &i, ret_why);
                        if (r < 0)
                                return r;
                        i = skip_blanks(s, i);
                        if (s[i] == close)
                                break;
                        if (s[i] != ',')
                                return reason(ret_why, -EINVAL, "no ',' or '%c' at byte %zu", close, i + 1);
                        i = skip_blanks(s, i + 1);
                }
                *ret_end = i + 1;
                return 0;
        }
        case '"':
                v->type = JSON_TYPE_STRING;
                return json_parse_string_at(s, i, &v->text, ret_end, ret_why);
        case 't':
        case 'f':
        case 'n': {
                static const char *const words[] = { "true", "false", "null" };

                for (size_t k = 0; k < ELEMENTSOF(words); k++)
                        if (strncmp(s + i, words[k], strlen(words[k])) == 0) {
                                v->type = k == 2 ? JSON_TYPE_NULL : JSON_TYPE_BOOL;
                                v->boolean = k == 0;
                                *ret_end = i + strlen(words[k]);
                                return 0;
                        }
                return reason(ret_why, -EINVAL, "an unknown word at byte %zu", i + 1);
        }
        default:
                if (!s[i])
                        return reason(ret_why, -EINVAL, "the document ends where a value is due");
                if (parse_number(s, i, &end) < 0)
                        return reason(ret_why, -EINVAL, "no value at byte %zu", i + 1);
                v->type = JSON_TYPE_NUMBER;
                v->text = strndup(s + i, end - i);
                if (!v->text)
                        return -ENOMEM;
                *ret_end = end;
                return 0;
        }
}

int json_tree_parse(const char *s, JsonValue **ret, char **ret_why) {
        _cleanup_(json_tree_freep) JsonValue *v = calloc(1, sizeof(JsonValue));
        size_t end;
        int r;

        if (!v)
                return -ENOMEM;
        r = parse_value(s, 0, 0, v, &end, ret_why);
        if (r < 0)
                return r;
        end = skip_blanks(s, end);
        if (s[end])
                return reason(ret_why, -EINVAL, "something after the value at byte %zu", end + 1);
        *ret = TAKE_PTR(v);
        return 0;
}

const JsonValue *json_tree_get(const JsonValue *o, const char *key) {
        if (!o || o->type != JSON_TYPE_OBJECT)
                return NULL;
        for (size_t i = o->n; i > 0; i--)
                if (streq(o->keys[i - 1], key))
                        return &o->items[i - 1];
        return NULL;
}

/* Recursion is bounded: a tree is never deeper than JSON_TREE_DEPTH_MAX, the writer's depth
 * (JSON_DEPTH_MAX) smaller still, and beyond it the writer records an error. */
static void write_value(JsonWriter *w, const JsonValue *v, unsigned depth) {
        switch (v->type) {
        case JSON_TYPE_NULL:
                json_null(w);
                break;
        case JSON_TYPE_BOOL:
                json_bool(w, v->boolean);
                break;
        case JSON_TYPE_NUMBER:
                json_number_text(w, v->text);
                break;
        case JSON_TYPE_STRING:
                json_string(w, v->text);
                break;
        case JSON_TYPE_ARRAY:
        case JSON_TYPE_OBJECT:
                if (depth >= JSON_TREE_DEPTH_MAX) {
                        json_null(w);
                        break;
                }
                if (v->type == JSON_TYPE_ARRAY)
                        json_begin_array(w);
                else
                        json_begin_object(w);
                for (size_t i = 0; i < v->n; i++) {
                        if (v->type == JSON_TYPE_OBJECT)
                                json_key(w, v->keys[i]);
                        write_value(w, &v->items[i], depth + 1);
                }
                if (v->type == JSON_TYPE_ARRAY)
                        json_end_array(w);
                else
                        json_end_object(w);
                break;
        default:
                json_null(w);
        }
}

void json_tree_write(JsonWriter *w, const JsonValue *v) {
        write_value(w, v, 0);
}
