/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "image-pull.h"
#include "pull-progress.h"
#include "tap.h"

#define D1 "sha256:1111111111112222222222222222222222222222222222222222222222222222"
#define D2 "sha256:3333333333334444444444444444444444444444444444444444444444444444"

static char *run(bool tty, LayerJob *jobs, size_t n, int rounds) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        PullProgress p;

        pull_progress_init(&p, f, tty, /* quiet= */ false, n);
        for (int i = 0; i < rounds; i++)
                pull_progress_update(jobs, n, &p);
        pull_progress_flush(&p, jobs, n);
        pull_progress_done(&p);
        fclose(f);
        return text;
}

int main(void) {
        char buf[16];

        /* docker's units: decimal, three significant digits or so. */
        ok_streq(pull_format_size(0, buf, sizeof(buf)), "0B");
        ok_streq(pull_format_size(999, buf, sizeof(buf)), "999B");
        ok_streq(pull_format_size(1000, buf, sizeof(buf)), "1.00kB");
        ok_streq(pull_format_size(31415926, buf, sizeof(buf)), "31.4MB");
        ok_streq(pull_format_size(218000000, buf, sizeof(buf)), "218MB");
        ok_streq(pull_format_size(5000000000ULL, buf, sizeof(buf)), "5.00GB");

        ok_eq_int(pull_policy_from_string("missing"), PULL_POLICY_MISSING);
        ok_eq_int(pull_policy_from_string("always"), PULL_POLICY_ALWAYS);
        ok_eq_int(pull_policy_from_string("never"), PULL_POLICY_NEVER);
        ok_eq_int(pull_policy_from_string("newer"), PULL_POLICY_NEWER);
        ok_eq_int(pull_policy_from_string("Always"), _PULL_POLICY_INVALID);
        ok_eq_int(pull_policy_from_string(NULL), _PULL_POLICY_INVALID);

        /* Off a terminal: a line per layer once done, each once, no control sequences. */
        LayerJob jobs[2] = {
                { .digest = D1, .size = 100, .state = LAYER_PRESENT },
                { .digest = D2, .size = 2000000, .received = 500000, .state = LAYER_DOWNLOADING },
        };
        _cleanup_free_ char *a = run(false, jobs, 2, 3);
        ok(strcmp(a, "111111111111: Already exists\n") == 0, "off a terminal: the layer present, once");
        jobs[1].state = LAYER_DONE;
        _cleanup_free_ char *b = run(false, jobs, 2, 3);
        ok(strcmp(b, "111111111111: Already exists\n333333333333: Pull complete\n") == 0,
           "  … then the one done");

        /* On a terminal: the block redrawn in place, bytes of the layer that downloads. */
        jobs[1].state = LAYER_DOWNLOADING;
        _cleanup_free_ char *c = run(true, jobs, 2, 1);
        ok(strstr(c, "\033[2K111111111111: Already exists\n") != NULL, "a line per layer, cleared first");
        ok(strstr(c, "333333333333: Downloading [") && strstr(c, "500kB/2.00MB"), "bytes of the total");
        ok(strstr(c, "\033[2A") != NULL, "the block is drawn again over itself");
        return tap_finish();
}
