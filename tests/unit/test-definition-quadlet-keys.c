/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Quadlet's ReloadCmd=, ReloadSignal=, VolatileTmp= and Environment='s bare names: good and bad
 * values, what they are read as, and the round trip through definition_to_string(). */
#include <stdio.h>
#include <stdlib.h>

#include "definition.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static Definition *parse(const char *body, char **ret_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body);
        Definition *d = NULL;

        *ret_error = NULL;
        if (definition_parse_string(text, "/x/web.container", "web", &d, ret_error) < 0)
                return NULL;
        return d;
}

/* Parses body; its text reads back to an equal definition. */
static Definition *good(const char *body) {
        _cleanup_free_ char *error = NULL, *text = NULL, *error2 = NULL;
        _cleanup_(definition_freep) Definition *back = NULL;
        Definition *d = parse(body, &error);

        if (!ok(d, "parses: %s (%s)", body, error ?: ""))
                return NULL;
        ok(definition_to_string(d, &text) == 0, "serialises: %s", body);
        ok(text && definition_parse_string(text, "back", "web", &back, &error2) == 0 && definition_equal(d, back),
           "reads back equal: %s (%s)", body, error2 ?: "");
        return d;
}

static void bad(const char *body, const char *want) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(definition_freep) Definition *d = parse(body, &error);

        ok(!d, "refused: %s", body);
        ok(error && strstr(error, want), "message has \"%s\" (got \"%s\")", want, error ?: "(null)");
}

static void test_reload(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL;

        d = good("ReloadCmd=\"/some/binary file\" --arg1 \"arg 2\"\n");
        ok(d && strv_length(d->reload_cmd) == 3 && streq(d->reload_cmd[0], "/some/binary file") &&
                   streq(d->reload_cmd[2], "arg 2"),
           "ReloadCmd= is words, quoted as systemd quotes them");
        e = good("ReloadSignal=SIGHUP\n");
        ok(e && e->reload_signal == 1, "ReloadSignal=SIGHUP is signal 1");
        bad("ReloadSignal=SIGNOPE\n", "'SIGNOPE' is not a signal");
        bad("ReloadCmd=/usr/bin/command\nReloadSignal=SIGHUP\n",
            "ReloadCmd and ReloadSignal are mutually exclusive but both are set");
        bad("ReloadSignal=SIGHUP\nReloadCmd=/usr/bin/command\n", "mutually exclusive");
}

static void test_volatile_tmp(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL, *f = NULL, *g = NULL;

        d = good("VolatileTmp=yes\n");
        ok(d && strv_equal(d->tmpfs, (char *[]) { (char *) "/tmp:rw,size=512M,mode=1777", NULL }),
           "VolatileTmp=yes is Quadlet's tmpfs on /tmp, 512M, mode 1777");
        e = good("VolatileTmp=yes\nReadOnly=yes\n");
        ok(e && strv_isempty(e->tmpfs), "… none with ReadOnly=yes, whose tmpfs /tmp covers it (Quadlet's rule)");
        f = good("VolatileTmp=no\n");
        ok(f && strv_isempty(f->tmpfs), "VolatileTmp=no: none");
        g = good("Tmpfs=/tmp:size=1M\nVolatileTmp=yes\n");
        ok(g && strv_equal(g->tmpfs, (char *[]) { (char *) "/tmp:size=1M", NULL }), "… nor over a Tmpfs= of /tmp of one's own");
        bad("VolatileTmp=maybe\n", "VolatileTmp");
}

static void test_environment_names(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        /* podman's test file env.container */
        d = good("Environment=FOO1=foo1 \"FOO2=foo2 \" FOO3=foo3 REPLACE=replace\n"
                 "Environment=REPLACE=replaced 'FOO4=foo\\nfoo' FOO5\n");
        ok(d && strv_equal(d->environment, (char *[]) { (char *) "FOO1=foo1", (char *) "FOO2=foo2 ", (char *) "FOO3=foo3",
                                                      (char *) "REPLACE=replaced", (char *) "FOO4=foo\nfoo",
                                                      (char *) "FOO5", NULL }),
           "a bare name is kept, for its value where the container starts");
        bad("Environment=5FOO\n", "'5FOO' is not an assignment K=V, or a variable's name K");
        bad("Environment=A-B\n", "is not an assignment");
}

/* A key that takes '%' as its own (CPUQuota=, as systemd's) is written as given, so that
 * berth run --cpus 1.5 reads back as 150%, not as a specifier. */
static void test_literal_percent(void) {
        _cleanup_free_ char *q = NULL, *error = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;

        ok(definition_quote_value("CPUQuota", "150%", &q) == 0 && streq_ptr(q, "150%"), "CPUQuota=150%% is written as is");
        d = parse("CPUQuota=150%\n", &error);
        ok(d && d->cpu_quota_usec == 1500000, "… and reads back as 1.5 s a second (%s)", error ?: "");
}

/* [Service] Type=oneshot (Quadlet allows it, for a container that runs to completion). */
static void test_oneshot(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = good("Exec=true\n[Service]\nType=oneshot\nRemainAfterExit=yes\n");
        ok(d && strv_contains(d->service_lines, "Type=oneshot"), "Type=oneshot is taken");
        bad("HealthCmd=true\nHealthOnFailure=restart\n[Service]\nType=oneshot\n",
            "key 'HealthOnFailure': restart needs a unit systemd may restart, not Type=oneshot");
        bad("[Service]\nType=forking\n", "'forking': berth's unit is Type=notify");
}

int main(void) {
        test_oneshot();
        test_literal_percent();
        test_reload();
        test_volatile_tmp();
        test_environment_names();
        return tap_finish();
}
