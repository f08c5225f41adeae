/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A docker --format template: go_template_parse(), then go_template_execute() over a fixed
 * tree shaped like what `berth ps`/`inspect` hand it (strings, numbers, maps, lists, null). */

#include "fuzz.h"
#include "go-template.h"
#include "json-tree.h"

static const char data_json[] =
        "{\"ID\":\"0123456789ab\",\"Names\":\"web\",\"Image\":\"docker.io/library/nginx:1.25\","
        "\"Command\":\"\\\"nginx -g\\\"\",\"Size\":12345,\"Pid\":-1,\"Ratio\":0.5,\"Big\":1e300,"
        "\"Running\":true,\"Paused\":false,\"Nothing\":null,\"Empty\":\"\",\"EmptyList\":[],\"EmptyMap\":{},"
        "\"Labels\":{\"a\":\"1\",\"com.example.b\":\"x=y\",\"\":\"empty key\"},"
        "\"Ports\":[{\"HostPort\":8080,\"ContainerPort\":80,\"Protocol\":\"tcp\"},{\"HostPort\":53,\"Protocol\":\"udp\"}],"
        "\"Mounts\":[\"/data\",\"/cache\"],"
        "\"State\":{\"Status\":\"running\",\"ExitCode\":0,\"Health\":{\"Status\":\"healthy\",\"Log\":[{\"Output\":\"ok\\n\"}]}},"
        "\"Config\":{\"Env\":[\"PATH=/bin\",\"A=b\"],\"Cmd\":null,\"Entrypoint\":[\"/init\"]},"
        "\"Nested\":[[1,[2,[3,{\"deep\":[\"x\"]}]]]],"
        "\"Unicode\":\"\\u00e9\\u2028\\ud83d\\ude00\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static JsonValue *tree;
        _cleanup_(go_template_freep) GoTemplate *t = NULL;
        _cleanup_free_ char *text = fuzz_string(data, size), *why = NULL, *out = NULL, *why2 = NULL,
                            *unescaped = NULL;
        size_t n;

        if (!tree && json_tree_parse(data_json, &tree, NULL) < 0)
                abort();
        if (!text)
                return 0;
        unescaped = go_template_unescape(text);
        if (go_template_parse(text, &t, &why) < 0)
                return 0;
        (void) go_template_execute(t, tree, &out, &n, &why2);
        return 0;
}
