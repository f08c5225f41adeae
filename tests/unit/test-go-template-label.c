/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker ps's {{.Label "KEY"}} (go-template.h): on a ps row, whose Labels is docker's "K=V,…"
 * string, on an object of labels, and what is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "go-template.h"
#include "json-tree.h"
#include "string-util.h"
#include "tap.h"

/* format over the JSON document data: its output, or "!" and the reason. */
static void expect(const char *data, const char *format, const char *want) {
        _cleanup_(json_tree_freep) JsonValue *doc = NULL;
        _cleanup_(go_template_freep) GoTemplate *t = NULL;
        _cleanup_free_ char *why = NULL, *out = NULL, *got = NULL;

        if (json_tree_parse(data, &doc, &why) < 0 || go_template_parse(format, &t, &why) < 0 ||
            go_template_execute(t, doc, &out, NULL, &why) < 0)
                got = strjoin("!", why ?: "?");
        else
                got = strdup(out);
        ok(got && streq(got, want), "%s gives '%s' (got '%s')", format, want, got ?: "(null)");
}

int main(void) {
        const char *row = "{\"ID\":\"web\",\"Names\":\"web\",\"Labels\":\"app=shop,tier=front,url=a=b,solo=\"}";
        const char *inspect = "{\"Id\":\"web\",\"Config\":{\"Labels\":{\"tier\":\"front\"}}}";

        expect(row, "{{.Label \"tier\"}}", "front");
        expect(row, "{{.Label \"app\"}}/{{.Label \"url\"}}", "shop/a=b");
        expect(row, "[{{.Label \"solo\"}}][{{.Label \"missing\"}}][{{.Label \"ap\"}}]", "[][][]");
        expect(row, "{{.Label \"app\" | upper}}", "SHOP");
        expect(row, "{{with .}}{{.Label `tier`}}{{end}}", "front");
        expect(row, "{{if eq (.Label \"tier\") \"front\"}}yes{{end}}", "yes");
        expect(inspect, "{{.Config.Label \"tier\"}}", "front");
        expect(row, "{{.Label \"a\" \"b\"}}",
               "!--format: '{{.Label \"a\" \"b\"}}': .Label takes 2 arguments, not 3");
        expect(row, "{{.Names \"x\"}}", "!--format: '{{.Names \"x\"}}': arguments to a field (a method call) are not supported");
        expect(inspect, "{{.Label \"tier\"}}",
               "!--format: '{{.Label \"tier\"}}': can't evaluate .Label here (docker ps's method, on a row with Labels)");
        expect(row, "{{.Label 3}}", "!--format: '{{.Label 3}}': arguments to a field (a method call) are not supported");
        return tap_finish();
}
