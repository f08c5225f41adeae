/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "cleanup.h"
#include "json-tree.h"

/* docker's --format templates (Go's text/template with docker's functions), the part of them that
 * `docker ps --format` and `docker inspect --format` are written with, evaluated over a JSON tree
 * (json-tree.h: what `berth inspect` prints, or a row of `berth list`):
 *
 *   text, and actions {{…}} ({{- and -}} trim the blanks beside them; a comment action, Go's
 *                             slash-star form, is skipped)
 *   {{.}} {{.A.B.C}}          the value, or a field of it (a key of an object)
 *   {{$}} {{$v.A}}            the whole document; a variable of range
 *   "…" `…` 12 -3 true false  literals (Go's escapes in "…")
 *   {{X | f a}}               a pipeline: X becomes f's last argument
 *   {{if X}}…{{else if Y}}…{{else}}…{{end}}   {{with X}}…{{else}}…{{end}}
 *   {{range X}}…{{else}}…{{end}}, {{range $v := X}}, {{range $k, $v := X}}  over an array, or an
 *                             object's values in the order of their keys
 *   functions: json, index, len, join, split, lower, upper, title, truncate, pad, print, println,
 *              eq, ne, not, and, or
 *
 * Values print as Go prints them: strings as they are, numbers as written, true/false, null as
 * <nil>, a missing key as <no value>, an array as [a b], an object as map[k:v k2:v2] with its keys
 * sorted. docker ps's one method, {{.Label "KEY"}} ({{X.Label "KEY"}} on a field), is the value of
 * label KEY in the object's Labels: a ps row's "K=V,K2=V2" string (docker's) or an object; "" when
 * there is none. Anything else (printf, variables outside range, template/define/block, another
 * method call with arguments) is refused when parsing, with one line naming it.
 *
 * Bounded for hostile templates: the text at most GO_TEMPLATE_SIZE_MAX bytes, blocks nested at
 * most GO_TEMPLATE_DEPTH_MAX deep (the parser and evaluator recurse only that deep), at most
 * GO_TEMPLATE_STEPS_MAX steps of evaluation and GO_TEMPLATE_OUTPUT_MAX bytes of output. */

#define GO_TEMPLATE_SIZE_MAX (64U * 1024U)
#define GO_TEMPLATE_DEPTH_MAX 32U
#define GO_TEMPLATE_STEPS_MAX 1000000U
#define GO_TEMPLATE_OUTPUT_MAX (16U * 1024U * 1024U)

typedef struct GoTemplate GoTemplate;

/* -EINVAL with a one-line reason naming the construct (when ret_why is not NULL), -E2BIG when
 * larger than GO_TEMPLATE_SIZE_MAX, -ENOMEM. */
int go_template_parse(const char *text, GoTemplate **ret, char **ret_why);
GoTemplate *go_template_free(GoTemplate *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(GoTemplate *, go_template_free);

/* The template's output for data in *ret (NUL-terminated; it may hold NULs of its own: *ret_n is
 * its length, when not NULL). -EINVAL with a reason for an error of execution (a field of a
 * string, index out of range, a function given the wrong type), -E2BIG when it would take more
 * than the bounds above, -ENOMEM. */
int go_template_execute(const GoTemplate *t, const JsonValue *data, char **ret, size_t *ret_n, char **ret_why);

/* docker's --format text before it is parsed, for `ps` and the other listings: the two characters
 * "\t" and "\n" become a tab and a newline, and blanks around the text go. A new string. */
char *go_template_unescape(const char *s);
