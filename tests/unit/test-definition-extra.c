/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16's leftovers, the dialect (definition-extra.h): Retry=, RetryDelay=; good and bad
 * values, the round trip through definition_to_string(), and berth run's flags for them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "definition-builder.h"
#include "definition-name.h"
#include "fd-util.h"
#include "definition-extra.h"
#include "definition.h"
#include "string-util.h"
#include "strv.h"
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

static void test_log_opt(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        const char *E = "/x/web.container:3: key 'LogOpt': ";
        char want[512];

        /* Quadlet's logopt.container, less what has no meaning for the journal. */
        d = try_keys("LogOpt=tag=\"{{.ImageName}}\"\nLogOpt=label=CONTAINER_LABEL=LabelValue\nLogOpt=labels=com.a,b\n"
                     "LogOpt=env=HOME_X\n",
                     "LogOpt=tag={{.ImageName}}\nLogOpt=label=CONTAINER_LABEL=LabelValue\nLogOpt=labels=com.a,b\n"
                     "LogOpt=env=HOME_X\n",
                     NULL);
        ok(d && strv_length(d->extra.log_opts) == 4, "four options");
        definition_free(try_keys("LogOpt=tag=web-{{.ID}}-{{.ImageID}}\nLogOpt=\nLogOpt=tag={{.DaemonName}}\n",
                                 "LogOpt=tag={{.DaemonName}}\n", NULL));

#define REFUSED(body, why)                                                      \
        do {                                                                    \
                snprintf(want, sizeof(want), "%s%s", E, why);                   \
                try_keys(body, NULL, want);                                     \
        } while (0)
        REFUSED("LogOpt=path=/var/log/some-logs.json\n",
                "'path=/var/log/some-logs.json': berth logs to the journal (whose size journald limits), where path= has "
                "no meaning");
        REFUSED("LogOpt=max-size=10mb\n",
                "'max-size=10mb': berth logs to the journal (whose size journald limits), where max-size= has no meaning");
        REFUSED("LogOpt=max-file=3\n",
                "'max-file=3': berth logs to the journal (whose size journald limits), where max-file= has no meaning");
        REFUSED("LogOpt=syslog-address=udp://x\n",
                "'syslog-address=udp://x' is not a log option berth has (tag=, label=, labels=, env=): berth logs to the "
                "journal (whose size journald limits), where it has no meaning");
        REFUSED("LogOpt=tag\n", "'tag' is not OPTION=VALUE");
        REFUSED("LogOpt=tag={{.Labels}}\n",
                "tag: '{{.Labels}}' names a field a log tag does not have (.ID, .FullID, .Name, .ImageID, .ImageFullID, "
                ".ImageName, .DaemonName)");
        REFUSED("LogOpt=tag={{.Name\n", "tag: '{{' without '}}'");
        REFUSED("LogOpt=label=lower=x\n",
                "label lower: 'lower' is not a journal field name (1 to 64 of A-Z, 0-9 and _, not a digit or _ first)");
        REFUSED("LogOpt=label=_PID=1\n",
                "label _PID: '_PID' is not a journal field name (1 to 64 of A-Z, 0-9 and _, not a digit or _ first)");
        REFUSED("LogOpt=label=SYSLOG_IDENTIFIER=x\n", "label SYSLOG_IDENTIFIER: the journal field SYSLOG_IDENTIFIER is one berth sets itself");
        REFUSED("LogOpt=label=BERTH_EVENT=die\n", "label BERTH_EVENT: the journal field BERTH_EVENT is one berth sets itself");
        REFUSED("LogOpt=label=NOVALUE\n", "'label=NOVALUE' is not label=KEY=VALUE");
        REFUSED("LogOpt=env=A,,B\n", "'env=A,,B' is not env=KEY[,KEY…]");
        REFUSED("LogOpt=env-regex=^A\n", "'env-regex=^A': docker's env-regex= is not supported; name the keys with env=");
        try_keys("LogOpt=labels=a,b,c,d,e\nLogOpt=env=f,g,h,i\n", NULL,
                 "/x/web.container:4: key 'LogOpt': more than 8 journal fields (label=, labels= and env= together)");
#undef REFUSED
}

static void test_log_opts_evaluate(void) {
        char *opts[] = { "labels=com.example.team,missing", "env=APP_MODE,com.example.team", "label=STAGE=prod-{{.Name}}",
                         "tag={{.Name}}/{{.ImageID}}", NULL };
        char *labels[] = { "com.example.team=blue", "other=x", NULL };
        char *env[] = { "PATH=/bin", "APP_MODE=fast", "com.example.team=red", NULL };
        LogTagData data = { .name = "web", .image_name = "nginx", .image_id = "sha256:aabbccddeeff00112233",
                            .labels = labels, .env = env };
        _cleanup_strv_free_ char **fields = NULL, **none = NULL;
        _cleanup_free_ char *tag = NULL, *why = NULL, *tag2 = NULL;

        ok(log_opts_evaluate(opts, &data, &tag, &fields, &why) == 0, "evaluates (%s)", why ?: "");
        ok(tag && streq(tag, "web/aabbccddeeff"), "tag web/aabbccddeeff (got %s)", tag ?: "(null)");
        _cleanup_free_ char *joined = strv_join(fields, " ");
        ok(joined && streq(joined, "COM_EXAMPLE_TEAM=red APP_MODE=fast STAGE=prod-web"),
           "docker's field names, env over labels, a missing key none (got %s)", joined ?: "(null)");

        char *bad[] = { "env=PRIORITY", NULL };
        char *prio_env[] = { "PRIORITY=7", NULL };
        data.env = prio_env;
        ok(log_opts_evaluate(bad, &data, &tag2, &none, &why) == -EINVAL && why &&
                   streq(why, "env=PRIORITY: the journal field PRIORITY is one berth sets itself"),
           "a variable that would be berth's own field: refused (%s)", why ?: "");
}

static void test_lsm_keys(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *z = NULL;
        const char *E = "/x/web.container:3: key '";

        /* Quadlet's apparmor.container and the label test files. */
        d = try_keys("AppArmor=my-profile\nSecurityLabelDisable=true\nSecurityLabelType=spc_t\n"
                     "SecurityLabelLevel=s0:c1,c2\nSecurityLabelFileType=usr_t\nSecurityLabelNested=true\n",
                     "AppArmor=my-profile\nSecurityLabelDisable=yes\nSecurityLabelType=spc_t\nSecurityLabelLevel=s0:c1,c2\n"
                     "SecurityLabelFileType=usr_t\nSecurityLabelNested=yes\n",
                     NULL);
        ok(d && streq_ptr(d->extra.apparmor, "my-profile") && d->extra.label_disable && d->extra.label_nested &&
                   definition_extra_wants_label(&d->extra),
           "the profile, and labels asked for");
        z = try_keys("AppArmor=unconfined\nSecurityLabelDisable=no\n", "AppArmor=unconfined\n", NULL);
        ok(z && !definition_extra_wants_label(&z->extra) && !z->extra.label_disable, "no label asked for");
        definition_free(try_keys("SecurityLabelLevel=s0-s0:c0.c1023\n", "SecurityLabelLevel=s0-s0:c0.c1023\n", NULL));
        definition_free(try_keys("AppArmor=/usr/bin/app\n", "AppArmor=/usr/bin/app\n", NULL));

        char want[256];
#define REFUSED(key, value, why)                                                                        \
        do {                                                                                            \
                snprintf(want, sizeof(want), "%s%s': '%s' %s", E, key, value, why);                       \
                try_keys(key "=" value "\n", NULL, want);                                               \
        } while (0)
        REFUSED("AppArmor", "two words", "is not an AppArmor profile name (1 to 1024 characters, no blanks)");
        REFUSED("SecurityLabelType", "container_t:x", "is not an SELinux type (letters, digits, _ . -)");
        REFUSED("SecurityLabelFileType", "a/b", "is not an SELinux type (letters, digits, _ . -)");
        REFUSED("SecurityLabelLevel", "c1", "is not an SELinux level (s0, s0:c1,c2, s0-s0:c0.c1023)");
        REFUSED("SecurityLabelDisable", "maybe", "is not a boolean (yes, no, true, false, on, off, 1, 0)");
        REFUSED("SecurityLabelNested", "2", "is not a boolean (yes, no, true, false, on, off, 1, 0)");
#undef REFUSED
        try_keys("AppArmor=\n", NULL, "/x/web.container:3: key 'AppArmor': '' is not an AppArmor profile name (1 to 1024 characters, no blanks)");
}

/* Rootfs= in place of Image= (try_keys()'s text has Image=img: these parse their own). */
static void test_rootfs(void) {
        const struct {
                const char *text, *error;
        } cases[] = {
                { "[Container]\nRootfs=/var/lib/foobar\nExec=true\n", NULL },
                { "[Container]\nRootfs=/var/lib/foobar:O\nExec=true\n", NULL },
                { "[Container]\nRootfs=rel/dir\n", "/x/web.container:2: key 'Rootfs': 'rel/dir' is not an absolute path" },
                { "[Container]\nRootfs=/\n", "/x/web.container:2: key 'Rootfs': '/' is the host's own root, not a container's" },
                { "[Container]\nRootfs=/:O\n", "/x/web.container:2: key 'Rootfs': '/' is the host's own root, not a container's" },
                { "[Container]\nRootfs=/a:idmap\n",
                  "/x/web.container:2: key 'Rootfs': '/a:idmap': the only option berth takes is :O (an overlay, as it always makes)" },
                { "[Container]\nRootfs=/a/../b\n",
                  "/x/web.container:2: key 'Rootfs': '/a/../b' is not a normalised path without ',', ':' and '\\'" },
                { "[Container]\nRootfs=/a,b\n",
                  "/x/web.container:2: key 'Rootfs': '/a,b' is not a normalised path without ',', ':' and '\\'" },
                { "[Container]\nImage=img\nRootfs=/a\n",
                  "/x/web.container: keys 'Image' and 'Rootfs': a container runs from an image or from a directory, not both" },
                { "[Container]\nExec=true\n", "/x/web.container: key 'Image': required" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(definition_freep) Definition *d = NULL, *back = NULL;
                _cleanup_free_ char *error = NULL, *text = NULL;
                int r = definition_parse_string(cases[i].text, "/x/web.container", "web", &d, &error);

                if (cases[i].error) {
                        ok(r < 0 && error && streq(error, cases[i].error), "refused: %s (got %s)", cases[i].error,
                           error ?: "(null)");
                        continue;
                }
                ok(r >= 0 && d->extra.rootfs && streq(d->extra.rootfs, "/var/lib/foobar") && !d->image,
                   "Rootfs=/var/lib/foobar%s: the directory (%s)", i == 1 ? ":O" : "", error ?: "");
                ok(d && streq_ptr(definition_image_shown(d), "/var/lib/foobar"), "  … shown as its image");
                ok(d && definition_to_string(d, &text) == 0 && strstr(text, "Rootfs=/var/lib/foobar\n") &&
                           !strstr(text, "Image=") && definition_parse_string(text, "back", "web", &back, NULL) == 0 &&
                           definition_equal(d, back),
                   "  … written back as Rootfs=/var/lib/foobar, and read back equal");
        }
        _cleanup_free_ char *why = NULL;
        ok(rootfs_check("/nonexistent/berth-rootfs", &why) == -ENOENT && why &&
                   streq(why, "Rootfs=/nonexistent/berth-rootfs: No such file or directory"),
           "a missing directory: -ENOENT (%s)", why ?: "");
        free(why);
        why = NULL;
        ok(rootfs_check("/etc/hostname", &why) == -ENOTDIR || access("/etc/hostname", F_OK) < 0, "a file: -ENOTDIR (%s)",
           why ?: "");
        free(why);
        why = NULL;
        ok(rootfs_check("/proc/self/root", &why) == -EINVAL, "a link to /: refused (%s)", why ?: "");
}

/* ContainerName= in a template: the same for every instance is two instances with one name. */
static void test_template_name(void) {
        char tmp[] = "/tmp/test-definition-extra.XXXXXX";
        const struct {
                const char *file, *text, *key, *error;
        } cases[] = {
                { "web@.container", "[Container]\nImage=img\nContainerName=fixed\n", "web@",
                  "key 'ContainerName': 'fixed' is the name of every instance of template web@.container, and two "
                  "instances cannot share a name: make it the instance's (%i)" },
                { "web@.container", "[Container]\nImage=img\nContainerName=fixed\n", "web@a",
                  "key 'ContainerName': 'fixed' is the name of every instance of template web@.container, and two "
                  "instances cannot share a name: make it the instance's (%i)" },
                { "web@.container", "[Container]\nImage=img\nContainerName=fixed-%i\n", "web@a", NULL },
                { "web@.container", "[Container]\nImage=img\nContainerName=%p\n", "web@a",
                  "key 'ContainerName': 'web' is the name of every instance of template web@.container, and two "
                  "instances cannot share a name: make it the instance's (%i)" },
                { "web@.container", "[Container]\nImage=img\n", "web@a", NULL },
        };

        if (!ok(mkdtemp(tmp) != NULL, "a directory"))
                return;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *path = strjoin(tmp, "/", cases[i].file), *why = NULL;
                char *dirs[] = { tmp, NULL };
                int r;

                /* The template itself as berth verify reads it; an instance as the helper does. */
                ok(path && write_string_file(path, cases[i].text, 0644, /* atomic= */ false) >= 0 &&
                           (endswith(cases[i].key, "@") ? definition_parse_file(path, NULL, &d, &why)
                                                        : definition_load(cases[i].key, dirs, &d, &why)) >= 0,
                   "%s as %s (%s)", cases[i].file, cases[i].key, why ?: "");
                free(why);
                why = NULL;
                r = d ? definition_name_check(d, dirs, &why) : -EIO;
                if (cases[i].error)
                        ok(r == -EEXIST && why && streq(why, cases[i].error), "  … refused: %s", why ?: "(none)");
                else
                        ok(r == 0, "  … accepted (%s)", why ?: "");
        }
        (void) rm_rf(tmp);
}

int main(void) {
        test_template_name();
        test_rootfs();
        test_lsm_keys();
        test_log_opt();
        test_log_opts_evaluate();
        test_retry();
        test_pull_retry_values();
        test_flags();
        return tap_finish();
}
