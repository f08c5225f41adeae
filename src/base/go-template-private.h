/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* go-template.h's parsed form, shared by its parser (go-template.c) and its evaluator
 * (go-template-exec.c); nothing else includes it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
        FUNC_LABEL, /* docker ps's method .Label "KEY" (the dot's, or .A's for .A.Label "KEY") */
        _FUNC_MAX,
} Function;

typedef struct FunctionInfo {
        const char *name;
        unsigned min_args, max_args; /* UINT32_MAX: any */
} FunctionInfo;

extern const FunctionInfo go_template_functions[_FUNC_MAX];



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

