/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go-template.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

/* ---- the parsed form ---- */

typedef enum ArgType {
        ARG_FIELD,    /* .A.B on the dot; no fields: the dot itself */
        ARG_VARIABLE, /* $name.A.B; name "" is $ */
        ARG_STRING,
        ARG_NUMBER,
        ARG_BOOL,
        ARG_PIPELINE, /* (pipeline).A.B */
} ArgType;

typedef struct Pipeline Pipeline;

typedef struct Arg {
        ArgType type;
        char *var;
        char **fields;
        Pipeline *pipe; /* PIPELINE */
        char *string; /* STRING: decoded; NUMBER: as written */
        bool boolean;
} Arg;

typedef enum Function {
        FUNC_NONE, /* an operand alone */
        FUNC_JSON,
        FUNC_INDEX,
        FUNC_LEN,
        FUNC_JOIN,
        FUNC_SPLIT,
        FUNC_LOWER,
        FUNC_UPPER,
        FUNC_TITLE,
        FUNC_TRUNCATE,
        FUNC_PAD,
        FUNC_PRINT,
        FUNC_PRINTLN,
        FUNC_EQ,
        FUNC_NE,
        FUNC_NOT,
        FUNC_AND,
        FUNC_OR,
        _FUNC_MAX,
} Function;

static const struct {
        const char *name;
        unsigned min_args, max_args; /* UINT32_MAX: any */
} functions[_FUNC_MAX] = {
        [FUNC_JSON] = { "json", 1, 1 },        [FUNC_INDEX] = { "index", 2, 8 },
        [FUNC_LEN] = { "len", 1, 1 },          [FUNC_JOIN] = { "join", 2, 2 },
        [FUNC_SPLIT] = { "split", 2, 2 },      [FUNC_LOWER] = { "lower", 1, 1 },
        [FUNC_UPPER] = { "upper", 1, 1 },      [FUNC_TITLE] = { "title", 1, 1 },
        [FUNC_TRUNCATE] = { "truncate", 2, 2 }, [FUNC_PAD] = { "pad", 3, 3 },
        [FUNC_PRINT] = { "print", 0, UINT32_MAX }, [FUNC_PRINTLN] = { "println", 0, UINT32_MAX },
        [FUNC_EQ] = { "eq", 2, UINT32_MAX },   [FUNC_NE] = { "ne", 2, 2 },
        [FUNC_NOT] = { "not", 1, 1 },          [FUNC_AND] = { "and", 1, UINT32_MAX },
        [FUNC_OR] = { "or", 1, UINT32_MAX },
};

typedef struct Command {
        Function func;
        Arg *args;
        size_t n_args;
} Command;

struct Pipeline {
        char *vars[2]; /* range's $k, $v := (or $v :=); NULL when not declared */
        Command *cmds;
        size_t n_cmds;
        char *source; /* the action's text, for messages */
};

typedef enum NodeType {
        NODE_TEXT,
        NODE_ACTION,
        NODE_IF,
        NODE_WITH,
        NODE_RANGE,
} NodeType;

typedef struct Node Node;
typedef struct NodeList {
        Node *nodes;
        size_t n;
} NodeList;

struct Node {
        NodeType type;
        char *text;
        Pipeline pipe;
        NodeList list, else_list;
};

struct GoTemplate {
        NodeList root;
};

static void pipeline_done(Pipeline *p);

/* Recursion as deep as parentheses nest, which the parser bounds. */
static void arg_done(Arg *a) {
        if (a->pipe) {
                pipeline_done(a->pipe);
                free(a->pipe);
        }
        free(a->var);
        strv_free(a->fields);
        free(a->string);
}

static void pipeline_done(Pipeline *p) {
        for (size_t i = 0; i < p->n_cmds; i++) {
                for (size_t k = 0; k < p->cmds[i].n_args; k++)
                        arg_done(&p->cmds[i].args[k]);
                free(p->cmds[i].args);
        }
        free(p->cmds);
        free(p->vars[0]);
        free(p->vars[1]);
        free(p->source);
}

static void list_done(NodeList *l);

static void node_done(Node *n) {
        free(n->text);
        pipeline_done(&n->pipe);
        list_done(&n->list);
        list_done(&n->else_list);
}

/* Recursion as deep as the blocks nest, which the parser bounds. */
static void list_done(NodeList *l) {
        for (size_t i = 0; i < l->n; i++)
                node_done(&l->nodes[i]);
        free(l->nodes);
        *l = (NodeList) {};
}

GoTemplate *go_template_free(GoTemplate *t) {
        if (!t)
                return NULL;
        list_done(&t->root);
        free(t);
        return NULL;
}

static int list_add(NodeList *l, Node **ret) {
        Node *n = reallocarray(l->nodes, l->n + 1, sizeof(Node));

        if (!n)
                return -ENOMEM;
        l->nodes = n;
        n[l->n] = (Node) {};
        *ret = &n[l->n++];
        return 0;
}

/* ---- parsing ---- */

typedef struct Parser {
        const char *s;   /* the template */
        size_t i;        /* where the next text starts */
        bool trim_next;  /* the last action ended in -}} */
        char **why;
} Parser;

typedef enum Keyword {
        KW_NONE, /* an action with a pipeline */
        KW_IF,
        KW_WITH,
        KW_RANGE,
        KW_ELSE,
        KW_END,
        KW_COMMENT,
} Keyword;

/* One action, read: its keyword and the text of its pipeline, [start, end) of p->s. */
typedef struct Action {
        Keyword kw;
        bool else_if;  /* {{else if …}} */
        size_t start, end;
} Action;

#define SHOWN_ACTION(p, a) (int) MIN((a)->end - (a)->start, (size_t) SHOWN_MAX), (p)->s + (a)->start

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_ident_char(char c) {
        return isalnum((unsigned char) c) || c == '_';
}

/* The end of the quoted literal starting at s[i] (its quote), past the closing quote; 0 when it
 * does not end on this line (a raw one may span lines). */
static size_t skip_literal(const char *s, size_t i) {
        char q = s[i];

        for (i++; s[i]; i++) {
                if (q == '"' && s[i] == '\\' && s[i + 1]) {
                        i++;
                        continue;
                }
                if (q == '"' && s[i] == '\n')
                        return 0;
                if (s[i] == q)
                        return i + 1;
        }
        return 0;
}

/* The word at s[i…end) if the action starts with it as a whole word. */
static bool starts_with_word(const char *s, size_t i, size_t end, const char *w) {
        size_t n = strlen(w);

        return end - i >= n && memcmp(s + i, w, n) == 0 && (end - i == n || !is_ident_char(s[i + n]));
}

/* Reads text up to the next action into a node of l, and the action after it into *ret; kw
 * KW_NONE with start == end == 0 and *ret_eof at the end of the template. */
static int next_action(Parser *p, NodeList *l, Action *ret, bool *ret_eof) {
        const char *open = strstr(p->s + p->i, "{{");
        size_t text_end = open ? (size_t) (open - p->s) : strlen(p->s), text_start = p->i, i, end;
        bool trim_before = false, trim_after = false;
        Action a = {};

        if (open && open[2] == '-' && is_blank(open[3]))
                trim_before = true;
        if (p->trim_next)
                while (text_start < text_end && is_blank(p->s[text_start]))
                        text_start++;
        if (trim_before)
                while (text_end > text_start && is_blank(p->s[text_end - 1]))
                        text_end--;
        if (text_end > text_start) {
                Node *n;
                int r = list_add(l, &n);

                if (r < 0)
                        return r;
                n->type = NODE_TEXT;
                n->text = strndup(p->s + text_start, text_end - text_start);
                if (!n->text)
                        return -ENOMEM;
        }
        if (!open) {
                p->i = strlen(p->s);
                *ret_eof = true;
                *ret = a;
                return 0;
        }
        *ret_eof = false;

        i = (size_t) (open - p->s) + 2 + (trim_before ? 2 : 0);
        /* A comment: slash-star to star-slash, and nothing else in the action. */
        while (is_blank(p->s[i]))
                i++;
        if (p->s[i] == '/' && p->s[i + 1] == '*') {
                const char *e = strstr(p->s + i + 2, "*/");

                if (!e)
                        return reason(p->why, -EINVAL, "--format: a comment that does not end");
                end = (size_t) (e - p->s) + 2;
                while (is_blank(p->s[end]))
                        end++;
                if (p->s[end] == '-' && strncmp(p->s + end + 1, "}}", 2) == 0)
                        trim_after = true, end++;
                if (strncmp(p->s + end, "}}", 2) != 0)
                        return reason(p->why, -EINVAL, "--format: a comment must be all of its action");
                p->i = end + 2;
                p->trim_next = trim_after;
                *ret = (Action) { .kw = KW_COMMENT };
                return 0;
        }
        /* The end: the first }} outside a literal. */
        for (end = i; p->s[end]; end++) {
                if (p->s[end] == '"' || p->s[end] == '`' || p->s[end] == '\'') {
                        size_t e = skip_literal(p->s, end);

                        if (e == 0)
                                return reason(p->why, -EINVAL, "--format: a quoted string that does not end");
                        end = e - 1;
                        continue;
                }
                if (p->s[end] == '}' && p->s[end + 1] == '}')
                        break;
        }
        if (!p->s[end])
                return reason(p->why, -EINVAL, "--format: '{{' without '}}'");
        p->i = end + 2;
        if (end >= i + 2 && p->s[end - 1] == '-' && is_blank(p->s[end - 2])) {
                trim_after = true;
                end--;
        }
        p->trim_next = trim_after;
        while (end > i && is_blank(p->s[end - 1]))
                end--;

        a.start = i;
        a.end = end;
        if (starts_with_word(p->s, i, end, "if"))
                a.kw = KW_IF, a.start = i + 2;
        else if (starts_with_word(p->s, i, end, "with"))
                a.kw = KW_WITH, a.start = i + 4;
        else if (starts_with_word(p->s, i, end, "range"))
                a.kw = KW_RANGE, a.start = i + 5;
        else if (starts_with_word(p->s, i, end, "end"))
                a.kw = KW_END, a.start = i + 3;
        else if (starts_with_word(p->s, i, end, "else")) {
                size_t k = i + 4;

                a.kw = KW_ELSE;
                while (k < end && is_blank(p->s[k]))
                        k++;
                if (starts_with_word(p->s, k, end, "if")) {
                        a.else_if = true;
                        k += 2;
                } else if (k < end)
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': only 'else' or 'else if' is supported",
                                      (int) MIN(end - i, (size_t) SHOWN_MAX), p->s + i);
                a.start = k;
        } else {
                static const char *const unsupported[] = { "template", "define", "block", "break", "continue" };

                for (size_t k = 0; k < ELEMENTSOF(unsupported); k++)
                        if (starts_with_word(p->s, i, end, unsupported[k]))
                                return reason(p->why, -EINVAL, "--format: '{{%s}}' is not supported", unsupported[k]);
        }
        while (a.start < end && is_blank(p->s[a.start]))
                a.start++;
        if ((a.kw == KW_END || (a.kw == KW_ELSE && !a.else_if)) && a.start != end)
                return reason(p->why, -EINVAL, "--format: '{{%.*s}}' takes nothing more", SHOWN_ACTION(p, &a));
        *ret = a;
        return 0;
}

/* Go's interpreted string literal at s[i…end): its escapes decoded into *ret. */
static int unquote(Parser *p, const char *s, size_t i, size_t end, char **ret) {
        _cleanup_free_ char *out = malloc(end - i + 1);
        size_t o = 0;

        if (!out)
                return -ENOMEM;
        for (i++, end--; i < end; i++) {
                unsigned v = 0;
                int digits = 0, base = 0;

                if (s[i] != '\\') {
                        out[o++] = s[i];
                        continue;
                }
                i++;
                switch (s[i]) {
                case 'a': out[o++] = '\a'; continue;
                case 'b': out[o++] = '\b'; continue;
                case 'f': out[o++] = '\f'; continue;
                case 'n': out[o++] = '\n'; continue;
                case 'r': out[o++] = '\r'; continue;
                case 't': out[o++] = '\t'; continue;
                case 'v': out[o++] = '\v'; continue;
                case '\\': out[o++] = '\\'; continue;
                case '"': out[o++] = '"'; continue;
                case 'x': digits = 2, base = 16, i++; break;
                default:
                        if (s[i] >= '0' && s[i] <= '7') {
                                digits = 3, base = 8;
                                break;
                        }
                        return reason(p->why, -EINVAL, "--format: an unknown escape '\\%c' in a string", s[i] ?: '?');
                }
                for (int k = 0; k < digits; k++, i++) {
                        int d = isxdigit((unsigned char) s[i]) ? (isdigit((unsigned char) s[i]) ? s[i] - '0'
                                                                                               : tolower(s[i]) - 'a' + 10)
                                                               : 99;
                        if (i >= end || d >= base)
                                return reason(p->why, -EINVAL, "--format: a bad escape in a string");
                        v = v * (unsigned) base + (unsigned) d;
                }
                i--;
                if (v == 0 || v > 0xff)
                        return reason(p->why, -EINVAL, "--format: a NUL or a value above 0xff in a string's escape");
                out[o++] = (char) v;
        }
        out[o] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

/* A chain of fields, ".A.B", at s[*i]: appended to *fields, *i moved past it. */
static int parse_fields(Parser *p, const char *s, size_t *i, size_t end, char ***fields) {
        int r;

        while (*i < end && s[*i] == '.') {
                size_t k = *i + 1;

                while (k < end && is_ident_char(s[k]))
                        k++;
                if (k == *i + 1) {
                        /* "." alone is the dot; ".." or ". " in a chain is not */
                        if (*fields && **fields)
                                return reason(p->why, -EINVAL, "--format: a '.' without a field name");
                        *i = k;
                        if (!*fields) {
                                *fields = calloc(1, sizeof(char *));
                                if (!*fields)
                                        return -ENOMEM;
                        }
                        return 0;
                }
                r = strv_consume(fields, strndup(s + *i + 1, k - *i - 1));
                if (r < 0)
                        return r;
                *i = k;
        }
        if (!*fields) {
                *fields = calloc(1, sizeof(char *));
                if (!*fields)
                        return -ENOMEM;
        }
        return 0;
}

/* The pipeline in p->s[start, end), of the action a (for messages); declare: range's variables
 * may come first; depth: how deep in parentheses. */
static int parse_pipeline_at(Parser *p, const Action *a, size_t from, size_t end, bool declare, unsigned depth,
                             Pipeline *ret) {
        const char *s = p->s;
        size_t i = from;
        Command *cmd = NULL;
        int r;

        ret->source = strndup(s + from, end - from);
        if (!ret->source)
                return -ENOMEM;
        if (i >= end)
                return reason(p->why, -EINVAL, "--format: an action with nothing in it");

        /* range's variables: $v := or $k, $v := */
        if (declare && s[i] == '$') {
                size_t k = i, n = 0;
                char *names[2] = {};

                for (;;) {
                        size_t e = k + 1;

                        while (e < end && is_ident_char(s[e]))
                                e++;
                        if (n == 2 || e == k + 1)
                                break;
                        names[n++] = strndup(s + k + 1, e - k - 1);
                        k = e;
                        while (k < end && is_blank(s[k]))
                                k++;
                        if (k < end && s[k] == ',') {
                                k++;
                                while (k < end && is_blank(s[k]))
                                        k++;
                                if (k < end && s[k] == '$')
                                        continue;
                                break;
                        }
                        break;
                }
                if (n > 0 && k + 1 < end && s[k] == ':' && s[k + 1] == '=') {
                        if (!names[0] || (n == 2 && !names[1])) {
                                free(names[0]);
                                free(names[1]);
                                return -ENOMEM;
                        }
                        /* {{range $v := X}}: $v the value; {{range $k, $v := X}}: key and value */
                        ret->vars[0] = n == 2 ? names[0] : NULL;
                        ret->vars[1] = n == 2 ? names[1] : names[0];
                        i = k + 2;
                } else {
                        free(names[0]);
                        free(names[1]);
                }
        }

        for (bool piped = false;;) {
                Arg *arg;
                size_t start;

                while (i < end && is_blank(s[i]))
                        i++;
                if (i >= end) {
                        if (piped)
                                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a '|' with nothing after it",
                                              SHOWN_ACTION(p, a));
                        break;
                }
                piped = false;
                if (s[i] == '|') {
                        if (!cmd || (cmd->n_args == 0 && cmd->func == FUNC_NONE))
                                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a '|' with nothing before it",
                                              SHOWN_ACTION(p, a));
                        cmd = NULL;
                        piped = true;
                        i++;
                        continue;
                }
                if (!cmd) {
                        Command *c = reallocarray(ret->cmds, ret->n_cmds + 1, sizeof(Command));

                        if (!c)
                                return -ENOMEM;
                        ret->cmds = c;
                        cmd = &c[ret->n_cmds++];
                        *cmd = (Command) {};
                        /* a function's name first? */
                        start = i;
                        while (i < end && is_ident_char(s[i]))
                                i++;
                        if (i > start && !isdigit((unsigned char) s[start]) && !(i - start == 4 && memcmp(s + start, "true", 4) == 0) &&
                            !(i - start == 5 && memcmp(s + start, "false", 5) == 0)) {
                                if (i < end && !is_blank(s[i]) && s[i] != '|')
                                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': '%c' after '%.*s'",
                                                      SHOWN_ACTION(p, a), s[i], (int) MIN(i - start, (size_t) SHOWN_MAX),
                                                      s + start);
                                for (int f = 1; f < _FUNC_MAX; f++)
                                        if (strlen(functions[f].name) == i - start &&
                                            memcmp(functions[f].name, s + start, i - start) == 0)
                                                cmd->func = (Function) f;
                                if (cmd->func == FUNC_NONE)
                                        return reason(p->why, -EINVAL,
                                                      "--format: the function '%.*s' is not supported (berth knows json, index, "
                                                      "len, join, split, lower, upper, title, truncate, pad, print, println, eq, "
                                                      "ne, not, and, or)",
                                                      (int) MIN(i - start, (size_t) SHOWN_MAX), s + start);
                                continue;
                        }
                        i = start;
                } else if (cmd->func == FUNC_NONE && cmd->n_args > 0) {
                        const Arg *first = &cmd->args[0];

                        if (first->type == ARG_FIELD || first->type == ARG_VARIABLE)
                                return reason(p->why, -EINVAL,
                                              "--format: '{{%.*s}}': arguments to a field (a method call) are not supported",
                                              SHOWN_ACTION(p, a));
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a value where a function is due",
                                      SHOWN_ACTION(p, a));
                }

                arg = reallocarray(cmd->args, cmd->n_args + 1, sizeof(Arg));
                if (!arg)
                        return -ENOMEM;
                cmd->args = arg;
                arg = &arg[cmd->n_args++];
                *arg = (Arg) {};
                start = i;
                if (s[i] == '.') {
                        arg->type = ARG_FIELD;
                        r = parse_fields(p, s, &i, end, &arg->fields);
                        if (r < 0)
                                return r;
                } else if (s[i] == '$') {
                        size_t k = i + 1;

                        while (k < end && is_ident_char(s[k]))
                                k++;
                        arg->type = ARG_VARIABLE;
                        arg->var = strndup(s + i + 1, k - i - 1);
                        if (!arg->var)
                                return -ENOMEM;
                        i = k;
                        while (k < end && is_blank(s[k]))
                                k++;
                        if (k + 1 < end && s[k] == ':' && s[k + 1] == '=')
                                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': variables are declared only in {{range}}",
                                              SHOWN_ACTION(p, a));
                        if (i < end && s[i] == '.') {
                                r = parse_fields(p, s, &i, end, &arg->fields);
                                if (r < 0)
                                        return r;
                        } else {
                                arg->fields = calloc(1, sizeof(char *));
                                if (!arg->fields)
                                        return -ENOMEM;
                        }
                } else if (s[i] == '"' || s[i] == '`') {
                        size_t e = skip_literal(s, i);

                        if (e == 0 || e > end)
                                return reason(p->why, -EINVAL, "--format: a quoted string that does not end");
                        arg->type = ARG_STRING;
                        if (s[i] == '`')
                                arg->string = strndup(s + i + 1, e - i - 2);
                        else {
                                r = unquote(p, s, i, e, &arg->string);
                                if (r < 0)
                                        return r;
                        }
                        if (!arg->string)
                                return -ENOMEM;
                        i = e;
                } else if (isdigit((unsigned char) s[i]) || (s[i] == '-' && i + 1 < end && isdigit((unsigned char) s[i + 1]))) {
                        size_t k = i + 1;

                        while (k < end && isdigit((unsigned char) s[k]))
                                k++;
                        if (k - i > 18)
                                return reason(p->why, -EINVAL, "--format: the number '%.*s' is too large",
                                              (int) MIN(k - i, (size_t) SHOWN_MAX), s + i);
                        arg->type = ARG_NUMBER;
                        arg->string = strndup(s + i, k - i);
                        if (!arg->string)
                                return -ENOMEM;
                        i = k;
                } else if (starts_with_word(s, i, end, "true") || starts_with_word(s, i, end, "false")) {
                        arg->type = ARG_BOOL;
                        arg->boolean = s[i] == 't';
                        i += arg->boolean ? 4 : 5;
                } else if (s[i] == '(') {
                        size_t k, level = 0;

                        if (depth >= GO_TEMPLATE_DEPTH_MAX)
                                return reason(p->why, -EINVAL, "--format: parentheses nested deeper than %u",
                                              GO_TEMPLATE_DEPTH_MAX);
                        /* the matching ')', outside literals */
                        for (k = i; k < end; k++) {
                                if (s[k] == '"' || s[k] == '`' || s[k] == '\'') {
                                        size_t e = skip_literal(s, k);

                                        if (e == 0 || e > end)
                                                break;
                                        k = e - 1;
                                } else if (s[k] == '(')
                                        level++;
                                else if (s[k] == ')' && --level == 0)
                                        break;
                        }
                        if (k >= end || s[k] != ')')
                                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a '(' without its ')'",
                                              SHOWN_ACTION(p, a));
                        arg->type = ARG_PIPELINE;
                        arg->pipe = calloc(1, sizeof(Pipeline));
                        if (!arg->pipe)
                                return -ENOMEM;
                        r = parse_pipeline_at(p, a, i + 1, k, /* declare= */ false, depth + 1, arg->pipe);
                        if (r < 0)
                                return r;
                        i = k + 1;
                        if (i < end && s[i] == '.')
                                r = parse_fields(p, s, &i, end, &arg->fields);
                        else {
                                arg->fields = calloc(1, sizeof(char *));
                                r = arg->fields ? 0 : -ENOMEM;
                        }
                        if (r < 0)
                                return r;
                } else {
                        const char *what = s[i] == '\'' ? "a character constant" : NULL;

                        if (what)
                                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': %s are not supported",
                                              SHOWN_ACTION(p, a), what);
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': '%c' is not understood", SHOWN_ACTION(p, a),
                                      s[i]);
                }
                if (i < end && !is_blank(s[i]) && s[i] != '|')
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': '%c' after '%.*s'", SHOWN_ACTION(p, a), s[i],
                                      (int) MIN(i - start, (size_t) SHOWN_MAX), s + start);
        }
        if (ret->n_cmds == 0)
                return reason(p->why, -EINVAL, "--format: an action with nothing in it");
        if (ret->cmds[ret->n_cmds - 1].n_args == 0 && ret->cmds[ret->n_cmds - 1].func == FUNC_NONE)
                return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a '|' with nothing after it", SHOWN_ACTION(p, a));
        for (size_t k = 0; k < ret->n_cmds; k++) {
                const Command *c = &ret->cmds[k];
                size_t n = c->n_args + (k > 0); /* the piped value is one more */

                if (k > 0 && c->func == FUNC_NONE)
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': a value after '|' where a function is due",
                                      SHOWN_ACTION(p, a));
                if (c->func != FUNC_NONE && (n < functions[c->func].min_args || n > functions[c->func].max_args))
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': %s takes %u%s argument%s, not %zu",
                                      SHOWN_ACTION(p, a), functions[c->func].name, functions[c->func].min_args,
                                      functions[c->func].max_args == functions[c->func].min_args ? "" : " or more",
                                      functions[c->func].min_args == 1 ? "" : "s", n);
        }
        return 0;
}

static int parse_pipeline(Parser *p, const Action *a, bool declare, Pipeline *ret) {
        return parse_pipeline_at(p, a, a->start, a->end, declare, 0, ret);
}

/* Parses nodes into l until {{end}}, {{else}} or the end of the template, which *ret_stop says
 * (as the action that stopped it; KW_NONE at the end). depth: how deep the blocks around are. */
static int parse_list(Parser *p, unsigned depth, NodeList *l, Action *ret_stop);

/* The rest of an if, with or range whose pipeline was parsed into n: its list, an else, the end. */
static int parse_block(Parser *p, unsigned depth, Node *n, const char *what) {
        Action stop;
        int r;

        if (depth >= GO_TEMPLATE_DEPTH_MAX)
                return reason(p->why, -EINVAL, "--format: blocks nested deeper than %u", GO_TEMPLATE_DEPTH_MAX);
        r = parse_list(p, depth + 1, &n->list, &stop);
        if (r < 0)
                return r;
        if (stop.kw == KW_ELSE && stop.else_if) {
                Node *e;

                if (n->type != NODE_IF)
                        return reason(p->why, -EINVAL, "--format: 'else if' in a {{%s}}", what);
                r = list_add(&n->else_list, &e);
                if (r < 0)
                        return r;
                e->type = NODE_IF;
                r = parse_pipeline(p, &stop, /* declare= */ false, &e->pipe);
                if (r < 0)
                        return r;
                return parse_block(p, depth + 1, e, what); /* it ends with the same {{end}} */
        }
        if (stop.kw == KW_ELSE) {
                r = parse_list(p, depth + 1, &n->else_list, &stop);
                if (r < 0)
                        return r;
                if (stop.kw == KW_ELSE)
                        return reason(p->why, -EINVAL, "--format: a second {{else}} in a {{%s}}", what);
        }
        if (stop.kw != KW_END)
                return reason(p->why, -EINVAL, "--format: a {{%s}} without its {{end}}", what);
        return 0;
}

static int parse_list(Parser *p, unsigned depth, NodeList *l, Action *ret_stop) {
        for (;;) {
                Action a = {};
                bool eof = false;
                Node *n;
                int r;

                r = next_action(p, l, &a, &eof);
                if (r < 0)
                        return r;
                if (eof || a.kw == KW_END || a.kw == KW_ELSE) {
                        *ret_stop = a;
                        return 0;
                }
                if (a.kw == KW_COMMENT)
                        continue;
                r = list_add(l, &n);
                if (r < 0)
                        return r;
                n->type = a.kw == KW_IF ? NODE_IF : a.kw == KW_WITH ? NODE_WITH : a.kw == KW_RANGE ? NODE_RANGE
                                                                                                  : NODE_ACTION;
                r = parse_pipeline(p, &a, /* declare= */ a.kw == KW_RANGE, &n->pipe);
                if (r < 0)
                        return r;
                if (n->type != NODE_ACTION) {
                        r = parse_block(p, depth, n, a.kw == KW_IF ? "if" : a.kw == KW_WITH ? "with" : "range");
                        if (r < 0)
                                return r;
                }
        }
}

int go_template_parse(const char *text, GoTemplate **ret, char **ret_why) {
        _cleanup_(go_template_freep) GoTemplate *t = NULL;
        Parser p = { .s = text, .why = ret_why };
        Action stop;
        int r;

        if (strlen(text) > GO_TEMPLATE_SIZE_MAX)
                return reason(ret_why, -E2BIG, "--format: a template larger than %u bytes", GO_TEMPLATE_SIZE_MAX);
        t = calloc(1, sizeof(GoTemplate));
        if (!t)
                return -ENOMEM;
        r = parse_list(&p, 0, &t->root, &stop);
        if (r < 0)
                return r;
        if (stop.kw == KW_END || stop.kw == KW_ELSE)
                return reason(ret_why, -EINVAL, "--format: {{%s}} without an if, with or range", stop.kw == KW_END ? "end" : "else");
        *ret = TAKE_PTR(t);
        return 0;
}

char *go_template_unescape(const char *s) {
        _cleanup_free_ char *t = strdup(s);
        size_t k = 0;

        if (!t)
                return NULL;
        for (size_t i = 0; s[i]; i++)
                if (s[i] == '\\' && (s[i + 1] == 't' || s[i + 1] == 'n')) {
                        t[k++] = s[i + 1] == 't' ? '\t' : '\n';
                        i++;
                } else
                        t[k++] = s[i];
        t[k] = 0;
        /* docker trims spaces only (strings.Trim(format, " ")) */
        while (k > 0 && t[k - 1] == ' ')
                t[--k] = 0;
        k = strspn(t, " ");
        memmove(t, t + k, strlen(t + k) + 1);
        return TAKE_PTR(t);
}

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
        const char *name = functions[f].name;
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
