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

const FunctionInfo go_template_functions[_FUNC_MAX] = {
        [FUNC_JSON] = { "json", 1, 1 },        [FUNC_INDEX] = { "index", 2, 8 },
        [FUNC_LEN] = { "len", 1, 1 },          [FUNC_JOIN] = { "join", 2, 2 },
        [FUNC_SPLIT] = { "split", 2, 2 },      [FUNC_LOWER] = { "lower", 1, 1 },
        [FUNC_UPPER] = { "upper", 1, 1 },      [FUNC_TITLE] = { "title", 1, 1 },
        [FUNC_TRUNCATE] = { "truncate", 2, 2 }, [FUNC_PAD] = { "pad", 3, 3 },
        [FUNC_PRINT] = { "print", 0, UINT32_MAX }, [FUNC_PRINTLN] = { "println", 0, UINT32_MAX },
        [FUNC_EQ] = { "eq", 2, UINT32_MAX },   [FUNC_NE] = { "ne", 2, 2 },
        [FUNC_NOT] = { "not", 1, 1 },          [FUNC_AND] = { "and", 1, UINT32_MAX },
        [FUNC_OR] = { "or", 1, UINT32_MAX },
        /* Not a name a template can call: only .Label "KEY" parses into it. */
        [FUNC_LABEL] = { ".Label", 2, 2 },
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
                                        if (strlen(go_template_functions[f].name) == i - start &&
                                            memcmp(go_template_functions[f].name, s + start, i - start) == 0)
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
                        size_t nf = first->type == ARG_FIELD ? strv_length(first->fields) : 0;

                        /* docker ps's one method with an argument: .Label "KEY", on the dot or a field. */
                        if (cmd->n_args == 1 && nf > 0 && streq(first->fields[nf - 1], "Label") && s[i] && strchr("\"`$", s[i])) {
                                free(first->fields[nf - 1]);
                                first->fields[nf - 1] = NULL;
                                cmd->func = FUNC_LABEL;
                        } else if (first->type == ARG_FIELD || first->type == ARG_VARIABLE)
                                return reason(p->why, -EINVAL,
                                              "--format: '{{%.*s}}': arguments to a field (a method call) are not supported",
                                              SHOWN_ACTION(p, a));
                        else
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
                if (c->func != FUNC_NONE && (n < go_template_functions[c->func].min_args || n > go_template_functions[c->func].max_args))
                        return reason(p->why, -EINVAL, "--format: '{{%.*s}}': %s takes %u%s argument%s, not %zu",
                                      SHOWN_ACTION(p, a), go_template_functions[c->func].name, go_template_functions[c->func].min_args,
                                      go_template_functions[c->func].max_args == go_template_functions[c->func].min_args ? "" : " or more",
                                      go_template_functions[c->func].min_args == 1 ? "" : "s", n);
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
