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

static void healthcheck_bad(const char *healthcheck, const char *what) {
        _cleanup_free_ char *text = strjoin("{\"config\":{\"Healthcheck\":", healthcheck, "}}");
        ImageConfig bad = IMAGE_CONFIG_NULL;

        ok(image_config_parse(text, &bad) == -EBADMSG && !bad.healthcheck, "%s: -EBADMSG", what);
}

static void test_healthcheck(void) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;

        /* As docker build writes it. */
        ok(image_config_parse("{\"config\":{\"Cmd\":[\"serve\"],\"Healthcheck\":{\"Test\":[\"CMD-SHELL\","
                              "\"curl -f http://localhost/ || exit 1\"],\"Interval\":30000000000,\"Timeout\":"
                              "5000000000,\"StartPeriod\":1500000000,\"StartInterval\":2000000000,\"Retries\":4}}}",
                              &c) == 0,
           "a config with a Healthcheck parses");
        ok(strv_equal(c.healthcheck, (char *const[]) { "CMD-SHELL", "curl -f http://localhost/ || exit 1", NULL }),
           "Test as it is (%s)", joined(c.healthcheck));
        ok(c.healthcheck_interval_usec == 30000000 && c.healthcheck_timeout_usec == 5000000 &&
                   c.healthcheck_start_period_usec == 1500000 && c.healthcheck_retries == 4,
           "durations in µs, retries");
        image_config_done(&c);
        ok(!c.healthcheck && c.healthcheck_interval_usec == UINT64_MAX && c.healthcheck_timeout_usec == UINT64_MAX &&
                   c.healthcheck_start_period_usec == UINT64_MAX && c.healthcheck_retries == 0,
           "image_config_done() leaves IMAGE_CONFIG_NULL's values");

        ok(image_config_parse("{\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"/bin/check\",\"--quick\"],"
                              "\"Interval\":0,\"Timeout\":1,\"StartPeriod\":1999,\"Retries\":0}}}",
                              &c) == 0 &&
                   strv_equal(c.healthcheck, (char *const[]) { "CMD", "/bin/check", "--quick", NULL }) &&
                   c.healthcheck_interval_usec == UINT64_MAX && c.healthcheck_timeout_usec == 1 &&
                   c.healthcheck_start_period_usec == 2 && c.healthcheck_retries == 0,
           "0 is docker's 'inherit'; nanoseconds round up to µs");
        image_config_done(&c);

        ok(image_config_parse("{\"config\":{\"Healthcheck\":{\"Test\":[\"NONE\"],\"Interval\":1000000000}}}", &c) == 0 &&
                   !c.healthcheck && c.healthcheck_interval_usec == 1000000,
           "Test NONE: no check");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Healthcheck\":{\"Test\":[]}}}", &c) == 0 && !c.healthcheck &&
                   c.healthcheck_interval_usec == UINT64_MAX,
           "an empty Test: no check");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Healthcheck\":{}}}", &c) == 0 && !c.healthcheck, "no Test: no check");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Healthcheck\":null,\"Cmd\":[\"x\"]}}", &c) == 0 && !c.healthcheck &&
                   c.healthcheck_retries == 0 && c.healthcheck_timeout_usec == UINT64_MAX,
           "Healthcheck null: none");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Healthcheck\":{\"Test\":null,\"StartInterval\":\"x\",\"Other\":[1]}}}", &c) == 0 &&
                   !c.healthcheck,
           "StartInterval and keys berth does not know are left alone");
        image_config_done(&c);
        ok(image_config_parse("{\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"],\"Interval\":9223372036854775807,"
                              "\"Retries\":4294967295}}}",
                              &c) == 0 &&
                   c.healthcheck_interval_usec == UINT64_C(9223372036854776) && c.healthcheck_retries == 4294967295U,
           "the largest durations and counts");
        image_config_done(&c);
        ok(image_config_parse("{}", &c) == 0 && !c.healthcheck && c.healthcheck_interval_usec == UINT64_MAX,
           "a config without \"config\": IMAGE_CONFIG_NULL's values");

        healthcheck_bad("[\"CMD\",\"x\"]", "Healthcheck not an object");
        healthcheck_bad("\"CMD true\"", "Healthcheck a string");
        healthcheck_bad("{\"Test\":\"CMD-SHELL true\"}", "Test a string");
        healthcheck_bad("{\"Test\":[\"CMD\",1]}", "Test with a number");
        healthcheck_bad("{\"Test\":[\"CMD\",[\"x\"]]}", "Test with a list");
        healthcheck_bad("{\"Test\":[\"RUN\",\"x\"]}", "Test with an unknown first word");
        healthcheck_bad("{\"Test\":[\"cmd\",\"x\"]}", "Test's first word in lower case");
        healthcheck_bad("{\"Test\":[\"CMD\"]}", "CMD alone");
        healthcheck_bad("{\"Test\":[\"CMD-SHELL\",\"a\",\"b\"]}", "CMD-SHELL with two strings");
        healthcheck_bad("{\"Test\":[\"CMD-SHELL\"]}", "CMD-SHELL alone");
        healthcheck_bad("{\"Test\":[\"NONE\",\"x\"]}", "NONE with more");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"Interval\":\"30s\"}", "Interval a string");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"Timeout\":1.5}", "Timeout a fraction");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"StartPeriod\":-1}", "StartPeriod negative");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"Retries\":-3}", "Retries negative");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"Retries\":4294967296}", "Retries past 32 bits");
        healthcheck_bad("{\"Test\":[\"CMD\",\"x\"],\"Retries\":\"3\"}", "Retries a string");
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
        test_healthcheck();
        return tap_finish();
}
