/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's --format templates over a JSON tree (go-template.h), and the tree (json-tree.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "go-template.h"
#include "json-tree.h"
#include "string-util.h"
#include "tap.h"

/* A document shaped as `berth inspect` prints docker's part of it. */
static const char *const doc =
        "{\"Id\":\"web\",\"Name\":\"/web\",\"Image\":\"alpine\",\"RestartCount\":2,"
        "\"State\":{\"Status\":\"running\",\"Running\":true,\"Paused\":false,\"Pid\":4242,\"ExitCode\":0,\"Health\":null},"
        "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"tier\":\"front\",\"app\":\"shop\"},\"Empty\":{}},"
        "\"NetworkSettings\":{\"IPAddress\":\"10.88.0.5\",\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]},"
        "\"Networks\":{\"bridge\":{\"IPAddress\":\"10.88.0.5\"}}},"
        "\"Big\":18446744073709551615,\"Neg\":-3,\"Frac\":1.5e3}";

static JsonValue *tree;

/* The output for format, or "(error: why)". */
static char *run(const char *format) {
        static char out[8192];
        _cleanup_(go_template_freep) GoTemplate *t = NULL;
        char *why = NULL, *s = NULL;
        int r;

        r = go_template_parse(format, &t, &why);
        if (r >= 0)
                r = go_template_execute(t, tree, &s, NULL, &why);
        if (r < 0)
                snprintf(out, sizeof(out), "(error: %s)", why ? why : strerror(-r));
        else
                snprintf(out, sizeof(out), "%s", s);
        free(why);
        free(s);
        return out;
}

static bool refused(const char *format, const char *word) {
        const char *out = run(format);

        return strncmp(out, "(error: ", 8) == 0 && (!word || strstr(out, word));
}

static void test_tree(void) {
        _cleanup_(json_tree_freep) JsonValue *v = NULL;
        char *why = NULL;
        static const char *const bad[] = {
                "", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "1.", "-", "tru", "nul", "\"abc", "[1] 2",
                "{\"a\":\"\\u0000\"}", "\"\x01\"", "{1:2}", "[\"\\q\"]", "1e", "+1",
        };

        ok(json_tree_parse(" {\"a\" : [1, -2.5e+3, true, false, null, \"x\\n\\u00e9\"], \"b\":{}} ", &v, NULL) >= 0,
           "a document of every type parses");
        ok(v && v->type == JSON_TYPE_OBJECT && v->n == 2, "  … an object of two");
        ok(v && json_tree_get(v, "a")->n == 6, "  … an array of six");
        ok_streq(json_tree_get(v, "a")->items[1].text, "-2.5e+3");
        ok_streq(json_tree_get(v, "a")->items[5].text, "x\n\xc3\xa9");
        ok(json_tree_get(v, "a")->items[2].boolean && json_tree_get(v, "a")->items[4].type == JSON_TYPE_NULL,
           "  … true and null");
        ok(json_tree_get(v, "nope") == NULL && json_tree_get(json_tree_get(v, "a"), "x") == NULL,
           "json_tree_get: missing key, not an object");
        v = json_tree_free(v);
        ok(json_tree_parse("{\"k\":1,\"k\":2}", &v, NULL) >= 0 && streq(json_tree_get(v, "k")->text, "2"),
           "a key given twice: the last counts");
        v = json_tree_free(v);

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ok(json_tree_parse(bad[i], &v, &why) == -EINVAL && why, "refused: '%s' (%s)", bad[i], why ?: "");
                free(why);
                why = NULL;
        }

        /* written back as read: keys in order, numbers as written, strings escaped */
        {
                const char *in = "{\"b\":[1,-0,2.5E+3,true,null],\"a\":{\"x\":\"q\\\"\\n\\u00e9\"},\"e\":[],\"o\":{}}";
                char *buf = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&buf, &size);
                JsonWriter w;

                ok(json_tree_parse(in, &v, NULL) >= 0, "a document to write back parses");
                json_init(&w, f, /* pretty= */ false);
                json_tree_write(&w, v);
                ok(json_finish(&w) >= 0, "  … and is written back");
                fclose(f);
                ok_streq(buf, "{\"b\":[1,-0,2.5E+3,true,null],\"a\":{\"x\":\"q\\\"\\n\xc3\xa9\"},\"e\":[],\"o\":{}}\n");
                free(buf);
                v = json_tree_free(v);
        }

        /* hostile nesting: refused at the bound, without using the stack for it */
        {
                size_t n = 100000;
                char *deep = malloc(2 * n + 1);

                memset(deep, '[', n);
                memset(deep + n, ']', n);
                deep[2 * n] = 0;
                ok(json_tree_parse(deep, &v, &why) == -EINVAL && why && strstr(why, "nested deeper"),
                   "100000 nested arrays are refused: %s", why ?: "");
                free(why);
                why = NULL;
                deep[JSON_TREE_DEPTH_MAX] = 0;
                memset(deep + JSON_TREE_DEPTH_MAX / 2, ']', JSON_TREE_DEPTH_MAX / 2);
                ok(json_tree_parse(deep, &v, NULL) >= 0, "%u nested arrays are fine", JSON_TREE_DEPTH_MAX / 2);
                v = json_tree_free(v);
                free(deep);
        }
}

static void test_fields(void) {
        ok_streq(run("{{.Name}}"), "/web");
        ok_streq(run("{{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}"), "running 4242 0");
        ok_streq(run("{{ .NetworkSettings.IPAddress }}"), "10.88.0.5");
        ok_streq(run("{{.State.Running}}/{{.State.Paused}}"), "true/false");
        ok_streq(run("{{.Config.Labels}}"), "map[app:shop tier:front]");
        ok_streq(run("{{.Config.Env}}"), "[A=1 B=2]");
        ok_streq(run("{{.Config.Empty}}"), "map[]");
        ok_streq(run("{{.State.Health}}"), "<nil>");
        ok_streq(run("{{.Nope}}"), "<no value>");
        ok_streq(run("{{.Nope.Deeper}}"), "<no value>");
        ok_streq(run("{{.Big}} {{.Neg}} {{.Frac}}"), "18446744073709551615 -3 1.5e3");
        ok_streq(run("{{.NetworkSettings.Ports}}"), "map[80/tcp:[map[HostIp:0.0.0.0 HostPort:8080]]]");
        ok_streq(run("text only\\t"), "text only\\t");
        ok_streq(run(""), "");
        ok_streq(run("{{$.Id}}"), "web");
        ok(refused("{{.State.Health.Status}}", "nil pointer evaluating .Status"), "a field of null: %s",
           run("{{.State.Health.Status}}"));
        ok(refused("{{.Name.First}}", "can't evaluate field First in type string"), "a field of a string: %s",
           run("{{.Name.First}}"));
}

static void test_functions(void) {
        ok_streq(run("{{json .Config.Labels}}"), "{\"tier\":\"front\",\"app\":\"shop\"}");
        ok_streq(run("{{json .Name}}"), "\"/web\"");
        ok_streq(run("{{json .Nope}}"), "null");
        ok_streq(run("{{.Config.Labels | json}}"), "{\"tier\":\"front\",\"app\":\"shop\"}");
        ok_streq(run("{{index .Config.Labels \"tier\"}}"), "front");
        ok_streq(run("{{index .Config.Labels \"nope\"}}"), "");
        ok_streq(run("{{index .Config.Env 1}}"), "B=2");
        ok_streq(run("{{index .NetworkSettings.Ports \"80/tcp\" 0 \"HostPort\"}}"), "8080");
        ok_streq(run("{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}"), "8080");
        ok_streq(run("{{(.State).Pid}} {{(len .Config.Env)}} {{(\"a)\")}}"), "4242 2 a)");
        ok_streq(run("{{range $p, $b := .NetworkSettings.Ports}}{{$p}}={{(index $b 0).HostPort}}{{end}}"), "80/tcp=8080");
        ok(refused("{{index .Config.Env 2}}", "index out of range: 2"), "index out of range");
        ok(refused("{{index .Name 0}}", "can't index item of type string"), "index of a string");
        ok(refused("{{index .State.Health \"x\"}}", "index of nil"), "index of null");
        ok_streq(run("{{join .Config.Env \",\"}}"), "A=1,B=2");
        ok_streq(run("{{len .Config.Env}} {{len .Config.Labels}} {{len .Name}}"), "2 2 4");
        ok_streq(run("{{split \"a:b::c\" \":\"}}"), "[a b  c]");
        ok_streq(run("{{upper .State.Status}} {{lower \"AbC\"}} {{title \"hello big-world\"}}"),
                 "RUNNING abc Hello Big-World");
        ok_streq(run("{{truncate .Image 3}}|{{pad .Image 1 2}}|"), "alp| alpine  |");
        ok_streq(run("{{println .Id 1 2}}"), "web 1 2\n");
        ok_streq(run("{{print 1 2 \"a\" \"b\"}}"), "1 2ab");
        ok_streq(run("{{eq .State.Status \"running\"}} {{ne .State.Pid 4242}} {{eq .State.Pid 1 4242}}"),
                 "true false true");
        ok_streq(run("{{not .State.Running}} {{and .State.Running .Id}} {{or .State.Paused \"\" .Image}}"),
                 "false web alpine");
        ok_streq(run("{{.Config.Env | join \"-\" | upper}}"), "(error: --format: '{{.Config.Env | join \"-\" | upper}}': join wants an array, not string)");
        ok_streq(run("{{\"a\\tb\\x41\\101\\\"\"}}|{{`raw\\t`}}"), "a\tbAA\"|raw\\t");
        ok(refused("{{eq .State \"x\"}}", "cannot be compared"), "eq of a map");
        ok(refused("{{upper .State.Pid}}", "upper wants a string, not number"), "upper of a number");
        ok(refused("{{pad .Image 99999 0}}", "pad"), "pad is bounded");
}

static void test_blocks(void) {
        ok_streq(run("{{range .Config.Env}}[{{.}}]{{end}}"), "[A=1][B=2]");
        ok_streq(run("{{range .Config.Labels}}{{.}};{{end}}"), "shop;front;");
        ok_streq(run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}"), "app=shop tier=front ");
        ok_streq(run("{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}"), "0:A=1 1:B=2 ");
        ok_streq(run("{{range $v := .Config.Env}}{{$v}}{{$.Id}}{{end}}"), "A=1webB=2web");
        ok_streq(run("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"), "10.88.0.5");
        ok_streq(run("{{range .Config.Empty}}x{{else}}none{{end}}"), "none");
        ok_streq(run("{{if .State.Running}}up{{else}}down{{end}}"), "up");
        ok_streq(run("{{if .State.Paused}}p{{else if eq .State.Status \"running\"}}r{{else}}x{{end}}"), "r");
        ok_streq(run("{{if .State.Paused}}p{{else if .Nope}}n{{else}}x{{end}}"), "x");
        ok_streq(run("{{with .NetworkSettings}}{{.IPAddress}}{{end}}"), "10.88.0.5");
        ok_streq(run("{{with .State.Health}}{{.Status}}{{else}}no health{{end}}"), "no health");
        ok_streq(run("a  {{- .Id -}}  b"), "awebb");
        ok_streq(run("a {{/* a comment */}}b{{- /* trimmed */ -}} c"), "a bc");
        ok_streq(run("{{-3}}"), "-3");
        ok(refused("{{range .Name}}{{end}}", "range can't iterate over a string"), "range over a string");
        ok(refused("{{$x}}", "undefined variable $x"), "an undefined variable");
}

static void test_refused(void) {
        static const struct {
                const char *format, *word;
        } cases[] = {
                { "{{", "without '}}'" },
                { "{{.Name", "without '}}'" },
                { "{{end}}", "{{end}} without" },
                { "{{else}}", "{{else}} without" },
                { "{{if .A}}x", "without its {{end}}" },
                { "{{range .A}}x{{else}}y{{else}}z{{end}}", "a second {{else}}" },
                { "{{with .A}}{{else if .B}}{{end}}", "'else if' in a {{with}}" },
                { "{{printf \"%s\" .Name}}", "the function 'printf' is not supported" },
                { "{{template \"x\"}}", "'{{template}}' is not supported" },
                { "{{define \"x\"}}{{end}}", "'{{define}}' is not supported" },
                { "{{block \"x\" .}}{{end}}", "'{{block}}' is not supported" },
                { "{{(.Name}}", "a '(' without its ')'" },
                { "{{.Name)}}", "')' after '.Name'" },
                { "{{.Labels \"k\"}}", "a method call" }, /* .Label "k" is docker ps's one method */
                { "{{.Name .Id}}", "a method call" },
                { "{{\"a\" \"b\"}}", "a value where a function is due" },
                { "{{.Name | .Id}}", "where a function is due" },
                { "{{| json}}", "nothing before it" },
                { "{{.Name |}}", "nothing after it" },
                { "{{json}}", "json takes 1 argument, not 0" },
                { "{{json .A .B}}", "json takes 1 argument, not 2" },
                { "{{}}", "nothing in it" },
                { "{{\"abc}}", "does not end" },
                { "{{'a'}}", "character constant" },
                { "{{.A..B}}", "without a field name" },
                { "{{.A!}}", "'!' after" },
                { "{{\"\\q\"}}", "unknown escape" },
                { "{{\"\\x00\"}}", "NUL" },
                { "{{end x}}", "takes nothing more" },
                { "{{else x}}", "only 'else' or 'else if'" },
                { "{{/* no end }}", "comment that does not end" },
                { "{{/* c */ .A}}", "all of its action" },
                { "{{1234567890123456789012}}", "too large" },
                { "{{$x := .A}}", "declared only in {{range}}" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                ok(refused(cases[i].format, cases[i].word), "refused: %s → %s", cases[i].format, run(cases[i].format));
}

static void test_bounds(void) {
        size_t n = 8000;
        char *t = malloc(GO_TEMPLATE_SIZE_MAX + 64), *p = t;

        /* deep nesting: refused at the bound, not a stack overflow */
        for (size_t i = 0; i < n; i++)
                p = stpcpy(p, "{{if .}}");
        *p = 0;
        ok(refused(t, "nested deeper"), "8000 nested ifs are refused: %.60s", run(t));
        p = t;
        for (size_t i = 0; i < GO_TEMPLATE_DEPTH_MAX; i++)
                p = stpcpy(p, "{{if .}}");
        p = stpcpy(p, "deep");
        for (size_t i = 0; i < GO_TEMPLATE_DEPTH_MAX; i++)
                p = stpcpy(p, "{{end}}");
        *p = 0;
        ok_streq(run(t), "deep");

        /* parentheses nested past the bound */
        p = stpcpy(t, "{{");
        for (size_t i = 0; i < 40; i++)
                p = stpcpy(p, "(");
        p = stpcpy(p, ".Id");
        for (size_t i = 0; i < 40; i++)
                p = stpcpy(p, ")");
        p = stpcpy(p, "}}");
        ok(refused(t, "parentheses nested deeper"), "40 nested parentheses are refused");
        p = stpcpy(t, "{{");
        for (size_t i = 0; i < 20; i++)
                p = stpcpy(p, "(");
        p = stpcpy(p, ".Id");
        for (size_t i = 0; i < 20; i++)
                p = stpcpy(p, ")");
        p = stpcpy(p, "}}");
        ok_streq(run(t), "web");

        /* too large */
        memset(t, 'x', GO_TEMPLATE_SIZE_MAX + 1);
        t[GO_TEMPLATE_SIZE_MAX + 1] = 0;
        ok(refused(t, "larger than"), "a template larger than the bound is refused");

        /* too much work: ranges nested over the whole document, many times */
        p = t;
        for (size_t i = 0; i < 24; i++)
                p = stpcpy(p, "{{range $.Config.Env}}");
        p = stpcpy(p, "{{.}}");
        for (size_t i = 0; i < 24; i++)
                p = stpcpy(p, "{{end}}");
        *p = 0;
        ok(refused(t, "steps") || refused(t, "larger than"), "2^24 steps are stopped: %s", run(t));
        free(t);
}

static void test_unescape(void) {
        char *s = go_template_unescape("  table {{.Names}}\\t{{.Status}}\\n ");

        ok_streq(s, "table {{.Names}}\t{{.Status}}\n");
        free(s);
}

int main(void) {
        ok(json_tree_parse(doc, &tree, NULL) >= 0, "the document parses");
        test_tree();
        test_fields();
        test_functions();
        test_blocks();
        test_refused();
        test_bounds();
        test_unescape();
        tree = json_tree_free(tree);
        return tap_finish();
}
