/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go-template-private.h"
#include "go-template.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* ---- evaluation ---- */

typedef struct Val {
        const JsonValue *v; /* NULL: no value (a missing key) */
        JsonValue *owned;   /* what a function made, which v points to */
} Val;

static void val_done(Val *v) {
        json_tree_free(v->owned);
        *v = (Val) {};
}

typedef struct Variable {
        const char *name;
        const JsonValue *v;
} Variable;

typedef struct Exec {
        const JsonValue *root;
        Variable vars[GO_TEMPLATE_DEPTH_MAX * 2 + 2];
        size_t n_vars;
        char *out;
        size_t n, size;
        unsigned long steps;
        char **why;
} Exec;

static int out_add(Exec *e, const char *s, size_t n) {
        if (e->n + n + 1 > GO_TEMPLATE_OUTPUT_MAX)
                return reason(e->why, -E2BIG, "--format: the output would be larger than %u bytes", GO_TEMPLATE_OUTPUT_MAX);
        if (e->n + n + 1 > e->size) {
                size_t size = MAX(e->size * 2, e->n + n + 1);
                char *o = realloc(e->out, MAX(size, (size_t) 256));

                if (!o)
                        return -ENOMEM;
                e->out = o;
                e->size = MAX(size, (size_t) 256);
        }
        memcpy(e->out + e->n, s, n);
        e->n += n;
        e->out[e->n] = 0;
        return 0;
}

static int step(Exec *e) {
        if (++e->steps > GO_TEMPLATE_STEPS_MAX)
                return reason(e->why, -E2BIG, "--format: the template takes more than %u steps", GO_TEMPLATE_STEPS_MAX);
        return 0;
}

static int make_value(Val *ret, JsonType type, const char *text, size_t n) {
        JsonValue *v = calloc(1, sizeof(JsonValue));

        if (!v)
                return -ENOMEM;
        v->type = type;
        if (text) {
                v->text = strndup(text, n);
                if (!v->text) {
                        free(v);
                        return -ENOMEM;
                }
        }
        *ret = (Val) { .v = v, .owned = v };
        return 0;
}

static int make_string(Val *ret, const char *s, size_t n) {
        return make_value(ret, JSON_TYPE_STRING, s, n);
}

static int make_bool(Val *ret, bool b) {
        int r = make_value(ret, JSON_TYPE_BOOL, NULL, 0);

        if (r >= 0)
                ret->owned->boolean = b;
        return r;
}

static int make_number(Val *ret, int64_t i) {
        char buf[32];

        snprintf(buf, sizeof(buf), "%" PRIi64, i);
        return make_value(ret, JSON_TYPE_NUMBER, buf, strlen(buf));
}

static Val val_take(Val *v) {
        Val t = *v;

        *v = (Val) {};
        return t;
}

static bool truth(const JsonValue *v) {
        if (!v)
                return false;
        switch (v->type) {
        case JSON_TYPE_BOOL:
                return v->boolean;
        case JSON_TYPE_NUMBER:
                return strtod(v->text, NULL) != 0;
        case JSON_TYPE_STRING:
                return v->text[0] != 0;
        case JSON_TYPE_ARRAY:
        case JSON_TYPE_OBJECT:
                return v->n > 0;
        case JSON_TYPE_NULL:
        default:
                return false;
        }
}

static const char *type_name(const JsonValue *v) {
        static const char *const names[_JSON_TYPE_MAX] = {
                [JSON_TYPE_NULL] = "nil", [JSON_TYPE_BOOL] = "bool", [JSON_TYPE_NUMBER] = "number",
                [JSON_TYPE_STRING] = "string", [JSON_TYPE_ARRAY] = "array", [JSON_TYPE_OBJECT] = "map",
        };

        return !v ? "no value" : names[v->type];
}

/* The order of an object's items by key, as Go prints and ranges over a map. */
static const JsonValue *sort_object;
static int compare_keys(const void *a, const void *b) {
        return strcmp(sort_object->keys[*(const size_t *) a], sort_object->keys[*(const size_t *) b]);
}

static int sorted_keys(const JsonValue *o, size_t **ret) {
        size_t *idx = calloc(o->n + 1, sizeof(size_t));

        if (!idx)
                return -ENOMEM;
        for (size_t i = 0; i < o->n; i++)
                idx[i] = i;
        sort_object = o;
        qsort(idx, o->n, sizeof(size_t), compare_keys);
        sort_object = NULL;
        *ret = idx;
        return 0;
}

/* v as Go's fmt prints it (%v). Recursion as deep as the tree, which json-tree.h bounds. */
static int print_value(Exec *e, const JsonValue *v) {
        int r;

        r = step(e);
        if (r < 0)
                return r;
        if (!v)
                return out_add(e, "<no value>", 10);
        switch (v->type) {
        case JSON_TYPE_NULL:
                return out_add(e, "<nil>", 5);
        case JSON_TYPE_BOOL:
                return v->boolean ? out_add(e, "true", 4) : out_add(e, "false", 5);
        case JSON_TYPE_NUMBER:
        case JSON_TYPE_STRING:
                return out_add(e, v->text, strlen(v->text));
        case JSON_TYPE_ARRAY:
                r = out_add(e, "[", 1);
                for (size_t i = 0; r >= 0 && i < v->n; i++) {
                        if (i > 0)
                                r = out_add(e, " ", 1);
                        if (r >= 0)
                                r = print_value(e, &v->items[i]);
                }
                return r < 0 ? r : out_add(e, "]", 1);
        case JSON_TYPE_OBJECT: {
                _cleanup_free_ size_t *idx = NULL;

                r = sorted_keys(v, &idx);
                if (r < 0)
                        return r;
                r = out_add(e, "map[", 4);
                for (size_t i = 0; r >= 0 && i < v->n; i++) {
                        if (i > 0)
                                r = out_add(e, " ", 1);
                        if (r >= 0)
                                r = out_add(e, v->keys[idx[i]], strlen(v->keys[idx[i]]));
                        if (r >= 0)
                                r = out_add(e, ":", 1);
                        if (r >= 0)
                                r = print_value(e, &v->items[idx[i]]);
                }
                return r < 0 ? r : out_add(e, "]", 1);
        }
        default:
                return -EINVAL;
        }
}

static int value_to_json(Exec *e, const JsonValue *v, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        JsonWriter w;
        FILE *f;
        int r;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        json_init(&w, f, /* pretty= */ false);
        if (v)
                json_tree_write(&w, v);
        else
                json_null(&w);
        r = json_finish(&w);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (r < 0)
                return reason(e->why, r, "--format: json: the value cannot be written as JSON (nested too deep?)");
        if (size > 0 && buf[size - 1] == '\n')
                buf[--size] = 0;
        if (size > GO_TEMPLATE_OUTPUT_MAX)
                return reason(e->why, -E2BIG, "--format: the output would be larger than %u bytes", GO_TEMPLATE_OUTPUT_MAX);
        *ret = TAKE_PTR(buf);
        return 0;
}

/* The field chain on base; name says which action for messages. */
static int walk_fields(Exec *e, const JsonValue *base, char **fields, const Pipeline *pipe, Val *ret) {
        const JsonValue *v = base;

        STRV_FOREACH(f, fields) {
                if (!v)
                        break; /* a missing key has no fields either: <no value> */
                if (v->type == JSON_TYPE_NULL)
                        return reason(e->why, -EINVAL, "--format: '{{%s}}': nil pointer evaluating .%s", pipe->source, *f);
                if (v->type != JSON_TYPE_OBJECT)
                        return reason(e->why, -EINVAL, "--format: '{{%s}}': can't evaluate field %s in type %s",
                                      pipe->source, *f, type_name(v));
                v = json_tree_get(v, *f);
        }
        *ret = (Val) { .v = v };
        return 0;
}

static int eval_pipeline(Exec *e, const JsonValue *dot, const Pipeline *pipe, Val *ret);

/* Recursion as deep as parentheses nest, which the parser bounds. */
static int eval_arg(Exec *e, const JsonValue *dot, const Arg *a, const Pipeline *pipe, Val *ret) {
        switch (a->type) {
        case ARG_FIELD:
                return walk_fields(e, dot, a->fields, pipe, ret);
        case ARG_VARIABLE:
                if (isempty(a->var))
                        return walk_fields(e, e->root, a->fields, pipe, ret);
                for (size_t i = e->n_vars; i > 0; i--)
                        if (streq(e->vars[i - 1].name, a->var))
                                return walk_fields(e, e->vars[i - 1].v, a->fields, pipe, ret);
                return reason(e->why, -EINVAL, "--format: '{{%s}}': undefined variable $%s", pipe->source, a->var);
        case ARG_STRING:
                return make_string(ret, a->string, strlen(a->string));
        case ARG_NUMBER:
                return make_value(ret, JSON_TYPE_NUMBER, a->string, strlen(a->string));
        case ARG_BOOL:
                return make_bool(ret, a->boolean);
        case ARG_PIPELINE: {
                Val v = {};
                int r;

                r = eval_pipeline(e, dot, a->pipe, &v);
                if (r >= 0)
                        r = walk_fields(e, v.v, a->fields, pipe, ret);
                if (r < 0) {
                        val_done(&v);
                        return r;
                }
                ret->owned = TAKE_PTR(v.owned); /* what ret points into */
                return 0;
        }
        default:
                return -EINVAL;
        }
}

static int want_string(Exec *e, const Pipeline *pipe, const char *func, const Val *v) {
        if (!v->v || v->v->type != JSON_TYPE_STRING)
                return reason(e->why, -EINVAL, "--format: '{{%s}}': %s wants a string, not %s", pipe->source, func,
                              type_name(v->v));
        return 0;
}

static int want_int(Exec *e, const Pipeline *pipe, const char *func, const Val *v, int64_t min, int64_t max,
                    int64_t *ret) {
        char *end;
        long long i;

        if (!v->v || v->v->type != JSON_TYPE_NUMBER)
                return reason(e->why, -EINVAL, "--format: '{{%s}}': %s wants a number, not %s", pipe->source, func,
                              type_name(v->v));
        errno = 0;
        i = strtoll(v->v->text, &end, 10);
        if (errno != 0 || *end || i < min || i > max)
                return reason(e->why, -EINVAL, "--format: '{{%s}}': %s: %s is not a whole number from %" PRIi64 " to %" PRIi64,
                              pipe->source, func, v->v->text, min, max);
        *ret = i;
        return 0;
}

/* eq's comparison of two scalars: 1 equal, 0 not, <0 not comparable. */
static int scalar_equal(const JsonValue *a, const JsonValue *b) {
        if (!a || !b || a->type != b->type)
                return -EINVAL;
        switch (a->type) {
        case JSON_TYPE_STRING:
                return streq(a->text, b->text);
        case JSON_TYPE_NUMBER:
                return strtod(a->text, NULL) == strtod(b->text, NULL);
        case JSON_TYPE_BOOL:
                return a->boolean == b->boolean;
        case JSON_TYPE_NULL:
                return 1;
        default:
                return -EINVAL;
        }
}

static int call(Exec *e, const Pipeline *pipe, Function f, Val *args, size_t n, Val *ret) {
        const char *name = go_template_functions[f].name;
        _cleanup_free_ char *s = NULL;
        int r;

        switch (f) {
        case FUNC_JSON:
                r = value_to_json(e, args[0].v, &s);
                if (r < 0)
                        return r;
                return make_string(ret, s, strlen(s));
        case FUNC_INDEX: {
                const JsonValue *v = args[0].v;

                for (size_t i = 1; i < n; i++) {
                        if (!v || v->type == JSON_TYPE_NULL)
                                return reason(e->why, -EINVAL, "--format: '{{%s}}': index of nil", pipe->source);
                        if (v->type == JSON_TYPE_OBJECT) {
                                r = want_string(e, pipe, name, &args[i]);
                                if (r < 0)
                                        return r;
                                v = json_tree_get(v, args[i].v->text);
                                if (!v) /* docker's maps give their zero value: "" */
                                        return make_string(ret, "", 0);
                        } else if (v->type == JSON_TYPE_ARRAY) {
                                int64_t k;

                                r = want_int(e, pipe, name, &args[i], 0, INT32_MAX, &k);
                                if (r < 0)
                                        return r;
                                if ((uint64_t) k >= v->n)
                                        return reason(e->why, -EINVAL, "--format: '{{%s}}': index out of range: %" PRIi64,
                                                      pipe->source, k);
                                v = &v->items[k];
                        } else
                                return reason(e->why, -EINVAL, "--format: '{{%s}}': can't index item of type %s",
                                              pipe->source, type_name(v));
                }
                /* v points into args[0]: keep what that owns */
                *ret = (Val) { .v = v, .owned = TAKE_PTR(args[0].owned) };
                return 0;
        }
        case FUNC_LEN: {
                const JsonValue *v = args[0].v;

                if (v && (v->type == JSON_TYPE_ARRAY || v->type == JSON_TYPE_OBJECT))
                        return make_number(ret, (int64_t) v->n);
                if (v && v->type == JSON_TYPE_STRING)
                        return make_number(ret, (int64_t) strlen(v->text));
                return reason(e->why, -EINVAL, "--format: '{{%s}}': len of %s", pipe->source, type_name(v));
        }
        case FUNC_JOIN: {
                const JsonValue *l = args[0].v;
                Exec sub = { .why = e->why, .steps = e->steps };

                if (!l || l->type != JSON_TYPE_ARRAY)
                        return reason(e->why, -EINVAL, "--format: '{{%s}}': join wants an array, not %s", pipe->source,
                                      type_name(l));
                r = want_string(e, pipe, name, &args[1]);
                for (size_t i = 0; r >= 0 && i < l->n; i++) {
                        if (i > 0)
                                r = out_add(&sub, args[1].v->text, strlen(args[1].v->text));
                        if (r >= 0)
                                r = print_value(&sub, &l->items[i]);
                }
                e->steps = sub.steps;
                if (r >= 0)
                        r = make_string(ret, sub.out ?: "", sub.n);
                free(sub.out);
                return r;
        }
        case FUNC_SPLIT: {
                const char *p, *sep;
                JsonValue *l;
                size_t allocated = 0;

                r = want_string(e, pipe, name, &args[0]);
                if (r >= 0)
                        r = want_string(e, pipe, name, &args[1]);
                if (r < 0)
                        return r;
                r = make_value(ret, JSON_TYPE_ARRAY, NULL, 0);
                if (r < 0)
                        return r;
                l = ret->owned;
                p = args[0].v->text;
                sep = args[1].v->text;
                for (;;) {
                        /* Go splits "" by a separator into one empty string, and by "" into
                         * characters; berth splits by "" into bytes */
                        const char *q = *sep ? strstr(p, sep) : (p[0] && p[1] ? p + 1 : NULL);
                        size_t len = q ? (size_t) (q - p) : strlen(p);
                        JsonValue *items;

                        r = step(e);
                        if (r < 0)
                                return r;
                        if (l->n >= allocated) {
                                allocated = MAX(allocated * 2, (size_t) 4);
                                items = reallocarray(l->items, allocated, sizeof(JsonValue));
                                if (!items)
                                        return -ENOMEM;
                                l->items = items;
                        }
                        l->items[l->n] = (JsonValue) { .type = JSON_TYPE_STRING, .text = strndup(p, len) };
                        if (!l->items[l->n++].text)
                                return -ENOMEM;
                        if (!q)
                                break;
                        p = q + strlen(sep);
                }
                return 0;
        }
        case FUNC_LOWER:
        case FUNC_UPPER:
        case FUNC_TITLE: {
                bool word_start = true;

                r = want_string(e, pipe, name, &args[0]);
                if (r < 0)
                        return r;
                r = make_string(ret, args[0].v->text, strlen(args[0].v->text));
                if (r < 0)
                        return r;
                for (char *c = ret->owned->text; *c; c++) {
                        if (f == FUNC_LOWER)
                                *c = (char) tolower((unsigned char) *c);
                        else if (f == FUNC_UPPER || word_start)
                                *c = (char) toupper((unsigned char) *c);
                        word_start = !isalnum((unsigned char) *c) && *c != '_' && !((unsigned char) *c & 0x80);
                }
                return 0;
        }
        case FUNC_TRUNCATE: {
                int64_t k;

                r = want_string(e, pipe, name, &args[0]);
                if (r >= 0)
                        r = want_int(e, pipe, name, &args[1], 0, INT32_MAX, &k);
                if (r < 0)
                        return r;
                return make_string(ret, args[0].v->text, MIN(strlen(args[0].v->text), (size_t) k));
        }
        case FUNC_PAD: {
                int64_t before, after;
                size_t len;

                r = want_string(e, pipe, name, &args[0]);
                if (r >= 0)
                        r = want_int(e, pipe, name, &args[1], 0, 4096, &before);
                if (r >= 0)
                        r = want_int(e, pipe, name, &args[2], 0, 4096, &after);
                if (r < 0)
                        return r;
                len = strlen(args[0].v->text);
                s = malloc((size_t) before + len + (size_t) after + 1);
                if (!s)
                        return -ENOMEM;
                memset(s, ' ', (size_t) before);
                memcpy(s + before, args[0].v->text, len);
                memset(s + before + len, ' ', (size_t) after);
                return make_string(ret, s, (size_t) before + len + (size_t) after);
        }
        case FUNC_PRINT:
        case FUNC_PRINTLN: {
                Exec sub = { .why = e->why, .steps = e->steps };

                r = 0;
                for (size_t i = 0; r >= 0 && i < n; i++) {
                        /* Sprint: a space between operands when neither is a string; Sprintln:
                         * always, and a newline */
                        bool str = args[i].v && args[i].v->type == JSON_TYPE_STRING,
                             prev = i > 0 && args[i - 1].v && args[i - 1].v->type == JSON_TYPE_STRING;

                        if (i > 0 && (f == FUNC_PRINTLN || (!str && !prev)))
                                r = out_add(&sub, " ", 1);
                        if (r >= 0)
                                r = print_value(&sub, args[i].v);
                }
                if (r >= 0 && f == FUNC_PRINTLN)
                        r = out_add(&sub, "\n", 1);
                e->steps = sub.steps;
                if (r >= 0)
                        r = make_string(ret, sub.out ?: "", sub.n);
                free(sub.out);
                return r;
        }
        case FUNC_EQ:
        case FUNC_NE: {
                bool equal = false;

                for (size_t i = 1; i < n; i++) {
                        int k = scalar_equal(args[0].v, args[i].v);

                        if (k < 0)
                                return reason(e->why, -EINVAL, "--format: '{{%s}}': %s: %s and %s cannot be compared",
                                              pipe->source, name, type_name(args[0].v), type_name(args[i].v));
                        equal = equal || k;
                }
                return make_bool(ret, f == FUNC_EQ ? equal : !equal);
        }
        case FUNC_NOT:
                return make_bool(ret, !truth(args[0].v));
        case FUNC_AND:
        case FUNC_OR:
                for (size_t i = 0; i < n; i++)
                        if (i == n - 1 || (f == FUNC_AND ? !truth(args[i].v) : truth(args[i].v))) {
                                *ret = val_take(&args[i]);
                                return 0;
                        }
                return -EINVAL;
        case FUNC_LABEL: {
                /* docker ps's .Label "KEY": the label's value, "" when the container has none. Its
                 * rows (docker-view.h) hold Labels as docker's "K=V,K2=V2" string, whose entries
                 * split at commas; an object of labels is looked up as it is. */
                const JsonValue *labels = args[0].v && args[0].v->type == JSON_TYPE_OBJECT ? json_tree_get(args[0].v, "Labels")
                                                                                         : NULL;
                const char *key, *p;
                size_t klen;

                r = want_string(e, pipe, name, &args[1]);
                if (r < 0)
                        return r;
                if (!labels || (labels->type != JSON_TYPE_STRING && labels->type != JSON_TYPE_OBJECT))
                        return reason(e->why, -EINVAL, "--format: '{{%s}}': can't evaluate .Label here (docker ps's method, on a row with Labels)",
                                      pipe->source);
                key = args[1].v->text;
                if (labels->type == JSON_TYPE_OBJECT) {
                        const JsonValue *v = json_tree_get(labels, key);

                        return v && v->type == JSON_TYPE_STRING ? make_string(ret, v->text, strlen(v->text))
                                                                : make_string(ret, "", 0);
                }
                klen = strlen(key);
                for (p = labels->text; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                        if (strncmp(p, key, klen) == 0 && (p[klen] == '=' || p[klen] == ',' || p[klen] == 0)) {
                                const char *v = p[klen] == '=' ? p + klen + 1 : p + klen;

                                return make_string(ret, v, strcspn(v, ","));
                        }
                return make_string(ret, "", 0);
        }
        case FUNC_NONE:
        default:
                return -EINVAL;
        }
}

#define ARGS_MAX 16

static int eval_pipeline(Exec *e, const JsonValue *dot, const Pipeline *pipe, Val *ret) {
        Val prev = {};
        int r = 0;

        for (size_t c = 0; c < pipe->n_cmds; c++) {
                const Command *cmd = &pipe->cmds[c];
                Val args[ARGS_MAX] = {};
                size_t n = 0;

                r = step(e);
                if (r < 0)
                        break;
                if (cmd->n_args + 1 > ARGS_MAX) {
                        r = reason(e->why, -EINVAL, "--format: '{{%s}}': more than %d arguments", pipe->source, ARGS_MAX - 1);
                        break;
                }
                for (size_t k = 0; r >= 0 && k < cmd->n_args; k++)
                        r = eval_arg(e, dot, &cmd->args[k], pipe, &args[n++]);
                if (r >= 0 && c > 0)
                        args[n++] = val_take(&prev);
                if (r >= 0) {
                        if (cmd->func == FUNC_NONE)
                                prev = val_take(&args[0]);
                        else
                                r = call(e, pipe, cmd->func, args, n, &prev);
                }
                for (size_t k = 0; k < n; k++)
                        val_done(&args[k]);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                val_done(&prev);
                return r;
        }
        *ret = prev;
        return 0;
}

static int exec_list(Exec *e, const JsonValue *dot, const NodeList *l);

static int exec_range(Exec *e, const Node *n, const JsonValue *dot) {
        _cleanup_free_ size_t *idx = NULL;
        Val v = {};
        size_t base = e->n_vars;
        int r;

        r = eval_pipeline(e, dot, &n->pipe, &v);
        if (r < 0)
                return r;
        if (!truth(v.v))
                r = exec_list(e, dot, &n->else_list);
        else if (v.v->type != JSON_TYPE_ARRAY && v.v->type != JSON_TYPE_OBJECT)
                r = reason(e->why, -EINVAL, "--format: '{{range %s}}': range can't iterate over a %s", n->pipe.source,
                           type_name(v.v));
        else if (v.v->type == JSON_TYPE_OBJECT)
                r = sorted_keys(v.v, &idx);
        for (size_t i = 0; r >= 0 && truth(v.v) && i < v.v->n; i++) {
                size_t k = idx ? idx[i] : i;
                Val key = {};

                e->n_vars = base;
                if (n->pipe.vars[0]) {
                        r = idx ? make_string(&key, v.v->keys[k], strlen(v.v->keys[k])) : make_number(&key, (int64_t) k);
                        if (r < 0)
                                break;
                        e->vars[e->n_vars++] = (Variable) { n->pipe.vars[0], key.v };
                }
                if (n->pipe.vars[1])
                        e->vars[e->n_vars++] = (Variable) { n->pipe.vars[1], &v.v->items[k] };
                r = exec_list(e, &v.v->items[k], &n->list);
                val_done(&key);
        }
        e->n_vars = base;
        val_done(&v);
        return r;
}

static int exec_node(Exec *e, const JsonValue *dot, const Node *n) {
        Val v = {};
        int r;

        r = step(e);
        if (r < 0)
                return r;
        switch (n->type) {
        case NODE_TEXT:
                return out_add(e, n->text, strlen(n->text));
        case NODE_ACTION:
                r = eval_pipeline(e, dot, &n->pipe, &v);
                if (r >= 0)
                        r = print_value(e, v.v);
                val_done(&v);
                return r;
        case NODE_IF:
        case NODE_WITH:
                r = eval_pipeline(e, dot, &n->pipe, &v);
                if (r >= 0) {
                        if (truth(v.v))
                                r = exec_list(e, n->type == NODE_WITH ? v.v : dot, &n->list);
                        else
                                r = exec_list(e, dot, &n->else_list);
                }
                val_done(&v);
                return r;
        case NODE_RANGE:
                return exec_range(e, n, dot);
        default:
                return -EINVAL;
        }
}

/* Recursion as deep as the blocks nest, which the parser bounds. */
static int exec_list(Exec *e, const JsonValue *dot, const NodeList *l) {
        for (size_t i = 0; i < l->n; i++) {
                int r = exec_node(e, dot, &l->nodes[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int go_template_execute(const GoTemplate *t, const JsonValue *data, char **ret, size_t *ret_n, char **ret_why) {
        Exec e = { .root = data, .why = ret_why };
        int r;

        r = exec_list(&e, data, &t->root);
        if (r >= 0 && !e.out) {
                e.out = strdup("");
                if (!e.out)
                        r = -ENOMEM;
        }
        if (r < 0) {
                free(e.out);
                return r;
        }
        if (ret_n)
                *ret_n = e.n;
        *ret = e.out;
        return 0;
}
