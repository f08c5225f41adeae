/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "definition.h"
#include "image-config.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static char *joined(char **l) {
        static char buf[256];
        size_t n = 0;

        buf[0] = 0;
        STRV_FOREACH(s, l)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "|" : "", *s);
        return buf;
}

static void argv_is(const ImageConfig *c, char **entrypoint, char **exec, const char *want) {
        _cleanup_(definition_freep) Definition *d = definition_new("x");
        _cleanup_strv_free_ char **argv = NULL;

        d->entrypoint = entrypoint ? strv_copy(entrypoint) : NULL;
        d->exec = exec ? strv_copy(exec) : NULL;
        ok(image_config_argv(c, d, &argv) == 0 && streq(joined(argv), want), "argv '%s' (got '%s')", want,
           joined(argv));
}

/* A config with n Env entries "VAR_000000=value"… */
static char *config_with_env(size_t n) {
        size_t size = 64 + n * 20;
        char *text = malloc(size), *p = text;

        if (!text)
                return NULL;
        p += sprintf(p, "{\"config\":{\"Env\":[");
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%s\"VAR_%06zu=value\"", i ? "," : "", i);
        strcpy(p, "]}}");
        return text;
}

/* 100,000 Env entries took 25 s to refuse (a walk of the list per entry, at load and at each
 * start): now bounded, and refused for what it is. */
static void test_env_count(void) {
        _cleanup_free_ char *many = config_with_env(100000), *max = config_with_env(IMAGE_ENV_MAX);
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        ImageConfig none = IMAGE_CONFIG_NULL;

        ok(many && max, "configs made");
        ok_eq_int(image_config_parse(many, &none), -E2BIG);
        ok(!none.env, "  … and nothing is returned");
        ok_eq_int(image_config_parse(max, &c), 0);
        ok(strv_length(c.env) == IMAGE_ENV_MAX && streq(c.env[IMAGE_ENV_MAX - 1], "VAR_004095=value"),
           "%u entries, berth's bound, parse in order", IMAGE_ENV_MAX);
}

int main(void) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        ImageConfig bad;

        ok(image_config_parse(
                   "{\"architecture\":\"amd64\",\"config\":{\"Env\":[\"PATH=/bin\",\"A=1\"],"
                   "\"Entrypoint\":[\"/init\"],\"Cmd\":[\"serve\",\"--port=80\"],"
                   "\"WorkingDir\":\"/srv\",\"User\":\"www:www\",\"ExposedPorts\":{\"80/tcp\":{}}}}",
                   &c) == 0,
           "a docker config parses");
        ok_streq(joined(c.env), "PATH=/bin|A=1");
        ok_streq(joined(c.entrypoint), "/init");
        ok_streq(joined(c.cmd), "serve|--port=80");
        ok_streq(c.working_dir, "/srv");
        ok_streq(c.user, "www:www");
        ok_streq(joined(c.exposed_ports), "80/tcp");

        argv_is(&c, NULL, NULL, "/init|serve|--port=80");
        argv_is(&c, NULL, (char *[]){"debug", NULL}, "/init|debug");
        argv_is(&c, (char *[]){"/bin/sh", NULL}, NULL, "/bin/sh");
        argv_is(&c, (char *[]){NULL}, (char *[]){"ls", NULL}, "ls");
        argv_is(&c, (char *[]){NULL}, NULL, "");

        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Env\":null,\"Cmd\":null,\"WorkingDir\":\"\",\"User\":\"\"}}",
                              &c) == 0 &&
                   !c.env && !c.cmd && !c.working_dir && !c.user,
           "null and empty values mean not set");
        image_config_done(&c);
        ok(image_config_parse("{\"rootfs\":{}}", &c) == 0 && !c.cmd,
           "a config without \"config\" says nothing");
        argv_is(&c, NULL, (char *[]){"true", NULL}, "true");

        ok(image_config_parse("not json", &bad) == -EBADMSG, "not JSON: -EBADMSG");
        ok(image_config_parse("[1]", &bad) == -EBADMSG, "not an object: -EBADMSG");
        ok(image_config_parse("{\"config\":{\"Cmd\":\"sh\"}}", &bad) == -EBADMSG,
           "Cmd not a list: -EBADMSG");
        ok(image_config_parse("{\"config\":{\"Env\":[\"NOEQUALS\"]}}", &bad) == -EBADMSG,
           "Env without '=': -EBADMSG");
        ok(image_config_parse("{\"config\":{\"Env\":[1]}}", &bad) == -EBADMSG,
           "Env with a number: -EBADMSG");
        ok(image_config_parse("{\"config\":{\"ExposedPorts\":[\"80/tcp\"]}}", &bad) == -EBADMSG,
           "ExposedPorts not an object: -EBADMSG");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Volumes\":{\"/b\":{},\"/a\":{}},"
                              "\"ExposedPorts\":{\"53/udp\":{},\"443/tcp\":{}}}}",
                              &c) == 0 &&
                   streq(joined(c.volumes), "/a|/b") && streq(joined(c.exposed_ports), "443/tcp|53/udp"),
           "Volumes and ExposedPorts: their keys, sorted");
        test_env_count();
        return tap_finish();
}
