/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16's leftovers, the dialect (definition-extra.h): Retry=, RetryDelay=; good and bad
 * values, the round trip through definition_to_string(), and berth run's flags for them. */
#include <stdio.h>
#include <stdlib.h>

#include "definition-builder.h"
#include "definition-extra.h"
#include "definition.h"
#include "string-util.h"
#include "tap.h"

/* Reads "[Container]\nImage=img\n" + body. want_text: a line the text written back holds, the text
 * reading back to an equal definition; NULL: refused, with want_error as its message. */
static Definition *try_keys(const char *body, const char *want_text, const char *want_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body), *error = NULL, *back_text = NULL,
                            *error2 = NULL;
        _cleanup_(definition_freep) Definition *d = NULL, *back = NULL;
        int r = definition_parse_string(text, "/x/web.container", "web", &d, &error);
        char shown[256];

        /* The lines as one, for TAP. */
        snprintf(shown, sizeof(shown), "%s", want_text ?: "");
        for (char *p = shown; *p; p++)
                if (*p == '\n')
                        *p = ' ';

        if (!want_text) {
                ok(r < 0 && !d, "refused: %s", want_error);
                ok(error && streq(error, want_error), "its message (got \"%s\")", error ?: "(null)");
                return NULL;
        }
        if (!ok(r >= 0, "parses: %s (%s)", shown, error ?: ""))
                return NULL;
        ok(definition_to_string(d, &back_text) == 0 && strstr(back_text, want_text), "written back as %s", shown);
        ok(back_text && definition_parse_string(back_text, "back", "web", &back, &error2) == 0 &&
                   definition_equal(d, back),
           "reads back equal: %s (%s)", shown, error2 ?: "");
        return TAKE_PTR(d);
}

static void test_retry(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL, *z = NULL;
        _cleanup_free_ char *text = NULL;

        /* Not set: berth-pull's defaults, and nothing written. */
        z = try_keys("", "Image=img\n", NULL);
        ok(z && z->extra.pull_retry.count == PULL_RETRY_UNSET && z->extra.pull_retry.delay_usec == PULL_RETRY_DELAY_UNSET,
           "unset by default");
        ok(z && definition_to_string(z, &text) == 0 && !strstr(text, "Retry"), "and not written");

        /* Quadlet's retry.container. */
        d = try_keys("Retry=5\nRetryDelay=10s\n", "Retry=5\nRetryDelay=10s\n", NULL);
        ok(d && d->extra.pull_retry.count == 5 && d->extra.pull_retry.delay_usec == 10000000, "5 retries, 10 s apart");
        e = try_keys("Retry=0\nRetryDelay=1m30s\n", "Retry=0\nRetryDelay=1m30s\n", NULL);
        ok(e && e->extra.pull_retry.count == 0 && e->extra.pull_retry.delay_usec == 90000000, "none, 90 s");
        definition_free(try_keys("RetryDelay=250ms\n", "RetryDelay=250ms\n", NULL));
        definition_free(try_keys("RetryDelay=2\n", "RetryDelay=2s\n", NULL));
        definition_free(try_keys("Retry=100\nRetryDelay=1h\n", "Retry=100\nRetryDelay=1h\n", NULL));

        try_keys("Retry=-1\n", NULL, "/x/web.container:3: key 'Retry': '-1' is not a number of retries from 0 to 100");
        try_keys("Retry=101\n", NULL, "/x/web.container:3: key 'Retry': '101' is not a number of retries from 0 to 100");
        try_keys("Retry=three\n", NULL,
                 "/x/web.container:3: key 'Retry': 'three' is not a number of retries from 0 to 100");
        try_keys("Retry=\n", NULL, "/x/web.container:3: key 'Retry': '' is not a number of retries from 0 to 100");
        try_keys("RetryDelay=61m\n", NULL,
                 "/x/web.container:3: key 'RetryDelay': '61m' is longer than an hour, the longest wait between tries");

}

static void test_pull_retry_values(void) {
        _cleanup_free_ char *why = NULL, *s = NULL;
        uint64_t u = 0;
        int n = -1;

        ok(pull_retry_count_parse("3", &n, NULL) == 0 && n == 3, "--retry 3");
        ok(pull_retry_count_parse("x", &n, &why) == -EINVAL && n == 3 && why, "--retry x refused, nothing written");
        ok(pull_retry_delay_parse("500ms", &u, NULL) == 0 && u == 500000, "--retry-delay 500ms");
        ok(pull_retry_delay_format(u, &s) == 0 && streq(s, "500ms"), "written back as 500ms");
        ok(pull_retry_delay_parse("-1s", &u, NULL) == -EINVAL && u == 500000, "a negative delay refused");
}

static void test_flags(void) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;

        ok(definition_builder_add(&b, "--retry", "2") == 0 && definition_builder_add(&b, "--retry-delay", "3s") == 0 &&
                   definition_builder_add(&b, "IMAGE", "img") == 0,
           "berth run --retry 2 --retry-delay 3s");
        ok(definition_builder_parse(&b, "web", &text, &d, &error) == 0, "parses (%s)", error ?: "");
        ok(d && d->extra.pull_retry.count == 2 && d->extra.pull_retry.delay_usec == 3000000, "Retry=2, RetryDelay=3s");
}

int main(void) {
        test_retry();
        test_pull_retry_values();
        test_flags();
        return tap_finish();
}
