/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json-tree.h"
#include "list-format.h"
#include "log.h"
#include "string-util.h"
#include "strv.h"

/* docker ps's default table, as a template: what --format table means. */
#define DOCKER_PS_TABLE "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

int list_format_parse(const char *s, ListFormat *ret) {
        _cleanup_free_ char *text = go_template_unescape(s), *why = NULL;
        ListFormat f = {};
        const char *t;
        int r;

        if (!text)
                return log_oom();
        if (streq(text, "json")) {
                f.json = true;
                *ret = f;
                return 0;
        }
        t = text;
        if (startswith(text, "table") && (text[5] == 0 || text[5] == ' ' || text[5] == '\t' || text[5] == '\n')) {
                f.table = true;
                t = text + 5;
                t += strspn(t, " ");
                if (isempty(t)) {
                        t = DOCKER_PS_TABLE;
                        f.bare_table = true;
                }
        }
        r = go_template_parse(t, &f.template, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_error("%s", why);
                return r;
        }
        *ret = f;
        return 0;
}

void list_format_done(ListFormat *f) {
        f->template = go_template_free(f->template);
}

/* The JSON of what write() writes, read back as a tree for the template. */
static int to_tree(const DockerView *v, uint64_t now, JsonValue **ret) {
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
                r = docker_write_ps_row(&w, v, now);
        else {
                docker_write_ps_header(&w);
                r = 0;
        }
        if (r >= 0)
                r = json_finish(&w);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (r < 0)
                return r;
        return json_tree_parse(buf, ret, NULL);
}

/* The width of s as a terminal shows it: its UTF-8 characters. */
static size_t text_width(const char *s, size_t n) {
        size_t w = 0;

        for (size_t i = 0; i < n; i++)
                if (((unsigned char) s[i] & 0xC0) != 0x80)
                        w++;
        return w;
}

/* Go's tabwriter as docker sets it up (minwidth 10, padding 3, blanks): the lines' cells, ended
 * by tabs, aligned in columns as wide as their widest cell and 3 more, at least 10; the text
 * after a line's last tab is not a cell and is written as it is. */
static void print_tabbed(char **lines) {
        _cleanup_free_ size_t *width = NULL;
        size_t n_cols = 0;

        STRV_FOREACH(l, lines) {
                size_t c = 0;

                for (const char *p = *l, *t; (t = strchr(p, '\t')); p = t + 1)
                        c++;
                n_cols = MAX(n_cols, c);
        }
        width = calloc(n_cols + 1, sizeof(size_t));
        if (!width)
                return;
        STRV_FOREACH(l, lines) {
                size_t c = 0;

                for (const char *p = *l, *t; (t = strchr(p, '\t')); p = t + 1, c++)
                        width[c] = MAX(width[c], MAX(text_width(p, (size_t) (t - p)) + 3, (size_t) 10));
        }
        STRV_FOREACH(l, lines) {
                size_t c = 0;
                const char *p = *l, *t;

                for (; (t = strchr(p, '\t')); p = t + 1, c++)
                        printf("%.*s%*s", (int) (t - p), p, (int) (width[c] - text_width(p, (size_t) (t - p))), "");
                /* Go's tabwriter drops the blanks that end a line: none here */
                printf("%s\n", p);
        }
}

/* Appends the output's lines to *lines. */
static int add_lines(char ***lines, const char *out) {
        const char *p = out;

        for (;;) {
                const char *nl = strchr(p, '\n');
                int r;

                r = strv_consume(lines, nl ? strndup(p, (size_t) (nl - p)) : strdup(p));
                if (r < 0)
                        return r;
                if (!nl || !nl[1])
                        return 0;
                p = nl + 1;
        }
}

static int run_template(const GoTemplate *t, const JsonValue *tree, char **ret) {
        _cleanup_free_ char *why = NULL;
        int r;

        r = go_template_execute(t, tree, ret, NULL, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s", why);
        return 0;
}

int list_format_print(const ListFormat *f, const DockerView *views, size_t n, uint64_t now, bool legend) {
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        if (f->table && legend) {
                _cleanup_(json_tree_freep) JsonValue *header = NULL;
                _cleanup_free_ char *out = NULL;

                r = to_tree(NULL, now, &header);
                if (r < 0)
                        return log_error_errno(r, "Failed to make the table's header: %m");
                r = run_template(f->template, header, &out);
                if (r < 0)
                        return r;
                r = add_lines(&lines, out);
                if (r < 0)
                        return log_oom();
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_(json_tree_freep) JsonValue *tree = NULL;
                _cleanup_free_ char *out = NULL;

                if (f->json) {
                        JsonWriter w;

                        json_init(&w, stdout, /* pretty= */ false);
                        r = docker_write_ps_row(&w, &views[i], now);
                        if (r >= 0)
                                r = json_finish(&w);
                        if (r < 0)
                                return log_error_errno(r, "Failed to write JSON: %m");
                        continue;
                }
                r = to_tree(&views[i], now, &tree);
                if (r < 0)
                        return log_error_errno(r, "Failed to read container %s: %m", views[i].name);
                r = run_template(f->template, tree, &out);
                if (r < 0)
                        return r;
                if (f->table) {
                        r = add_lines(&lines, out);
                        if (r < 0)
                                return log_oom();
                } else
                        printf("%s\n", out);
        }
        if (f->table)
                print_tabbed(lines);
        return fflush(stdout) == 0 ? 0 : log_error_errno(-EIO, "Failed to write the list: %m");
}
