/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker ps's --filter (ps-filter.h): each key, and how several combine. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ps-filter.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static const PsItem web = {
        .name = "web1", .image = "nginx", .labels = (char *[]) { (char *) "tier=front", (char *) "app=shop", NULL },
        .status = "running", .health = "healthy", .network = "bridge",
        .volumes = (char *[]) { (char *) "webdata", (char *) "/srv", NULL },
        .published = (char *[]) { (char *) "8080/tcp", NULL },
        .exposed = (char *[]) { (char *) "80/tcp", (char *) "53/udp", NULL },
};
static const PsItem db = {
        .name = "db", .image = "postgres:16", .labels = (char *[]) { (char *) "tier=back", (char *) "empty=", NULL },
        .status = "exited", .exited = true, .exit_code = 137, .network = "host",
        .volumes = (char *[]) { (char *) "/var/lib/postgresql", NULL },
};
static const PsItem fresh = { .name = "fresh", .image = "nginx:latest", .status = "created", .network = "container:web1" };

/* Which of web, db, fresh the filters let through, as "web1 db" */
static char *run(const char *const *specs) {
        static char out[256];
        PsFilter f = {};
        char *why = NULL;
        const PsItem *items[] = { &web, &db, &fresh };

        out[0] = 0;
        for (size_t i = 0; specs[i]; i++)
                if (ps_filter_add(&f, specs[i], &why) < 0) {
                        snprintf(out, sizeof(out), "(error: %s)", why);
                        free(why);
                        ps_filter_done(&f);
                        return out;
                }
        for (size_t i = 0; i < 3; i++)
                if (ps_filter_match(&f, items[i])) {
                        if (out[0])
                                strcat(out, " ");
                        strcat(out, items[i]->name);
                }
        ps_filter_done(&f);
        return out;
}
#define RUN(...) run((const char *const[]) { __VA_ARGS__, NULL })

/* ancestor= by image ID: the caller resolved the filter's images and each item's. */
static void test_ancestor_ids(void) {
        PsFilter f = {};
        PsItem a = { .name = "a", .image = "docker.io/library/nginx:latest", .image_id = "sha256:aaa" };
        PsItem b = { .name = "b", .image = "localhost/other", .image_id = "sha256:bbb" };
        PsItem c = { .name = "c", .image = "gone" };

        ok(ps_filter_add(&f, "ancestor=nginx", NULL) >= 0, "ancestor=nginx");
        ok(!ps_filter_match(&f, &a), "  … without IDs, docker.io/library/nginx:latest is another text");
        ok(strv_extend(&f.ancestor_ids, "sha256:aaa") >= 0, "  … resolved to sha256:aaa");
        ok(ps_filter_match(&f, &a), "  … with the ID nginx resolves to, it is the same image");
        ok(!ps_filter_match(&f, &b), "  … another image's ID is not");
        ok(!ps_filter_match(&f, &c), "  … nor an image of unknown ID");
        ps_filter_done(&f);
}

int main(void) {
        PsFilter f = {};

        test_ancestor_ids();
        ok_streq(run((const char *const[]) { NULL }), "web1 db fresh");
        ok_streq(RUN("name=web"), "web1");
        ok_streq(RUN("name=^db$"), "db");
        ok_streq(RUN("name=^/db$"), "db");
        ok_streq(RUN("name=e"), "web1 fresh");
        ok_streq(RUN("name=web", "name=db"), "web1 db");
        ok_streq(RUN("id=^fr"), "fresh");
        ok_streq(RUN("label=tier"), "web1 db");
        ok_streq(RUN("label=tier=front"), "web1");
        ok_streq(RUN("label=tier", "label=app"), "web1");
        ok_streq(RUN("label=tier=front", "label=tier=back"), "");
        ok_streq(RUN("label=empty="), "db");
        ok_streq(RUN("label=empty"), "db");
        ok_streq(RUN("status=running"), "web1");
        ok_streq(RUN("status=running", "status=created"), "web1 fresh");
        ok_streq(RUN("status=exited", "name=web"), "");
        ok_streq(RUN("ancestor=nginx"), "web1 fresh");
        ok_streq(RUN("ancestor=nginx:latest"), "web1 fresh");
        ok_streq(RUN("ancestor=postgres"), "");
        ok_streq(RUN("ancestor=postgres:16", "ancestor=nginx"), "web1 db fresh");
        ok_streq(RUN("exited=137"), "db");
        ok_streq(RUN("exited=0"), "");
        ok_streq(RUN("health=healthy"), "web1");
        ok_streq(RUN("health=none"), "db fresh");

        ok_streq(RUN("network=bridge"), "web1");
        ok_streq(RUN("network=host", "network=container:web1"), "db fresh");
        ok_streq(RUN("volume=webdata"), "web1");
        ok_streq(RUN("volume=/var/lib/postgresql", "volume=/srv"), "web1 db");
        ok_streq(RUN("volume=/nope"), "");
        ok_streq(RUN("publish=8080"), "web1");
        ok_streq(RUN("publish=8080/udp"), "");
        ok_streq(RUN("publish=8000-8100/tcp"), "web1");
        ok_streq(RUN("expose=53/udp"), "web1");
        ok_streq(RUN("expose=80"), "web1");
        ok_streq(RUN("expose=81", "publish=8080"), "web1");
        ok_streq(RUN("expose=81"), "");
        ok(strstr(RUN("publish=0"), "PORT[/PROTO]") != NULL, "publish=0 refused");
        ok(strstr(RUN("publish=90-80"), "PORT[/PROTO]") != NULL, "a backwards range refused");
        ok(strstr(RUN("expose=80/sctp"), "tcp or udp") != NULL, "a protocol berth has not");
        ok(strstr(RUN("network="), "a network is wanted") != NULL, "network= empty");
        ok(strstr(RUN("status=up"), "invalid filter 'status=up'") != NULL, "a status docker does not have: %s", RUN("status=up"));
        ok(strstr(RUN("health=ok"), "invalid filter 'health=ok'") != NULL, "a health docker does not have");
        ok(strstr(RUN("colour=red"), "invalid filter 'colour'") != NULL, "an unknown key: %s", RUN("colour=red"));
        ok(strstr(RUN("name"), "KEY=VALUE") != NULL, "no '='");
        ok(strstr(RUN("name=(a"), "not a regular expression") != NULL, "a bad regex: %s", RUN("name=(a"));
        ok(strstr(RUN("name=(a)\\1"), "back-references") != NULL, "back-references are refused");
        /* Found by tests/fuzz (fuzz-filter): glibc's regcomp() copies what + and {N,M} repeat, so
         * nested ones took gigabytes ("a" and 22 '+': 3 GB). Refused before regcomp() sees them. */
        ok(strstr(RUN("name=a++++++++++++++++++++++++++++++++"), "invalid nested repetition operator") != NULL,
           "a++++…: %s", RUN("name=a++++++++++++++++++++++++++++++++"));
        ok(strstr(RUN("name=lx????????????????????????++++++bet"), "invalid nested repetition operator") != NULL,
           "x???…+++ (minutes in regcomp())");
        ok(strstr(RUN("name=a+{2}"), "invalid nested repetition operator") != NULL, "a+{2}");
        ok_streq(RUN("name=^we*?b1?$"), "web1"); /* one '?' after a repetition: Go's non-greedy mark */
        ok(strstr(RUN("name=((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+"), "repeats too much") != NULL,
           "nested groups, each repeated");
        ok(strstr(RUN("name=((a{100}){100}){100}"), "repeats too much") != NULL, "nested counts");
        ok(strstr(RUN("name=((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+"), "repeats too much") != NULL,
           "a group left open counts too");
        ok(strstr(RUN("name=[[:alpha:]+]{2}(x|y+){300}[]+]+"), "repeats too much") == NULL, "sets and counts in reason: %s",
           RUN("name=[[:alpha:]+]{2}(x|y+){300}[]+]+"));
        ok_streq(RUN("name=^w(e|x)+b[0-9]{1,3}$"), "web1");
        ok(strstr(RUN("label="), "a label's key is wanted") != NULL, "label= without a key");
        ok(strstr(RUN("exited=x"), "an exit code is wanted") != NULL, "exited= not a number");

        ok(!ps_filter_wants_all(&f), "no filter: running ones only");
        ok(ps_filter_add(&f, "name=x", NULL) >= 0 && !ps_filter_wants_all(&f), "name=: running ones only");
        ok(ps_filter_add(&f, "status=exited", NULL) >= 0 && ps_filter_wants_all(&f), "status=: all, as docker");
        ps_filter_done(&f);
        return tap_finish();
}
