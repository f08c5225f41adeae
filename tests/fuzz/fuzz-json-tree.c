/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON text as json_tree_parse() reads it (what `berth inspect`'s templates and the records
 * read); what parses is written back with json_tree_write() and must parse again. Also
 * json_parse_string_array(), the strict reader of string arrays in berth's own files. */

#include "fuzz.h"
#include "json-tree.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(json_tree_freep) JsonValue *v = NULL, *again = NULL;
        _cleanup_free_ char *s = fuzz_string(data, size), *why = NULL, *why2 = NULL, *out = NULL, *why3 = NULL,
                            *formatted = NULL;
        _cleanup_strv_free_ char **l = NULL;
        size_t out_size = 0;
        JsonWriter w;
        FILE *f;
        int r;

        if (!s)
                return 0;
        if (json_parse_string_array(s, &l, &why3) >= 0 && json_format_string_array(l, &formatted) < 0) {
                fprintf(stderr, "json_parse_string_array() read strings json_format_string_array() refuses\n");
                abort();
        }
        if (json_tree_parse(s, &v, &why) < 0)
                return 0;
        f = open_memstream(&out, &out_size);
        if (!f)
                return 0;
        json_init(&w, f, /* pretty= */ size % 2);
        json_tree_write(&w, v);
        r = json_finish(&w);
        if (fclose(f) != 0 || r < 0)
                return 0; /* -EINVAL: deeper than the writer's JSON_DEPTH_MAX, which the reader allows */
        if (json_tree_parse(out, &again, &why2) < 0) {
                fprintf(stderr, "json_tree_write() wrote what does not parse: %s\n%s\n", why2, out);
                abort();
        }
        return 0;
}
