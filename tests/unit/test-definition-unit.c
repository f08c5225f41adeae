/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Definition files as Quadlet reads them (definition-unit.h): specifiers, Quadlet's keys berth
 * refuses, [Unit]/[Service], Entrypoint='s JSON, drop-ins, templates, relative paths, references
 * to .volume and other unit files. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "definition-builder.h"
#include "definition-unit.h"
#include "definition.h"
#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define L(...) ((char *const[]) { __VA_ARGS__, NULL })

static char tmp[] = "/tmp/berth-test-definition-unit.XXXXXX";

static void put(const char *rel, const char *text) {
        _cleanup_free_ char *p = path_join(tmp, rel);
        _cleanup_free_ char *dir = strndup(p, strrchr(p, '/') - p);

        (void) mkdir_p(dir, 0755);
        if (write_string_file(p, text, 0644, /* atomic= */ false) < 0)
                ok(false, "write %s", p);
}

static Definition *parse(const char *text, const char *name, char **ret_error) {
        Definition *d = NULL;

        *ret_error = NULL;
        (void) definition_parse_string(text, "/x/web.container", name, &d, ret_error);
        return d;
}

static void expand_is(const char *s, const char *name, const char *want) {
        _cleanup_free_ char *got = NULL, *why = NULL;
        int r = definition_specifiers_expand(s, name, &got, &why);

        ok(r == 0 && streq_ptr(got, want), "%s for %s → %s (got %s%s)", s, name, want, got ?: "", why ?: "");
}

static void expand_bad(const char *s, const char *want_why) {
        _cleanup_free_ char *got = NULL, *why = NULL;
        int r = definition_specifiers_expand(s, "web", &got, &why);

        ok(r == -EINVAL && streq_ptr(why, want_why), "%s refused: %s (got %s)", s, want_why, why ?: "(null)");
}

static void test_specifiers(void) {
        _cleanup_free_ char *u = NULL;

        expand_is("%n %N", "web", "container@web.service container@web");
        expand_is("%p|%i|%I|%j|%f", "web", "web|||web|/web");
        expand_is("%p|%P|%i|%I|%j|%J|%f", "my-app@a-b", "my-app|my/app|a-b|a/b|app|app|/a/b");
        expand_is("%n", "web@1", "container@web@1.service");
        expand_is("%h %u %U %g %G %s", "web", "/root root 0 root 0 /bin/sh");
        expand_is("%t %S %C %L %E %T %V", "web", "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp");
        expand_is("100%% %%i", "web", "100% %i");
        expand_is("plain", "web", "plain");
        expand_bad("%o", "specifier '%o' is not supported by berth");
        expand_bad("a%Z", "'%Z' in 'a%Z' is not a specifier (a '%' is written '%%')");
        expand_bad("50%", "'50%' ends in '%', which starts a specifier (a '%' is written '%%')");

        /* In [Unit]/[Service] lines, only the ones that name the definition are resolved. */
        ok(definition_specifiers_for_unit("D=%p %i %I %n %% %t", "web@a-b", &u) == 0 && streq(u, "D=web a-b a/b %n %% %t"),
           "for the unit: %s", u ?: "");
        free(u);
        ok(definition_specifiers_for_unit("%i", "w@50%%", &u) == 0, "a '%%' in what it puts in is doubled");
}

static void test_words_and_keys(void) {
        char *error = NULL;
        Definition *d;

        /* Podman's escapes.container, as the container's argv. */
        d = parse("[Container]\nImage=img\nExec=/some/path \"an arg\" \"a;b\\nc\\td'e\" a;b\\nc\\td 'a\"b' '\\110ello \\127orld' %p\n",
                  "web", &error);
        ok(d && strv_equal(d->exec, L("/some/path", "an arg", "a;b\nc\td'e", "a;b\nc\td", "a\"b", "Hello World", "web")),
           "escapes.container's Exec= (%s)", error ?: "");
        definition_free(d);
        free(error);

        /* exec-unsupported-escape.container: Quadlet drops the Exec= with a warning, berth refuses. */
        d = parse("[Container]\nImage=img\nExec='test\\.com'\n", "web", &error);
        ok(!d && error && strstr(error, "key 'Exec': ''test\\.com'' has an escape systemd does not know"), "%s", error ?: "");
        free(error);

        /* Specifiers in values of every kind, for an instance. */
        d = parse("[Container]\nImage=img\nHostName=%p-%i\nEnvironment=INST=%i \"U=%n\"\nVolume=/srv/%i:/data\n", "web@two",
                  &error);
        ok(d && streq_ptr(d->hostname, "web-two") && strv_equal(d->environment, L("INST=two", "U=container@web@two.service")) &&
                   strv_equal(d->volumes, L("/srv/two:/data")),
           "specifiers in HostName=, Environment=, Volume= (%s)", error ?: "");
        definition_free(d);
        free(error);

        /* line-continuation-whitespace.container: blanks after the backslash still continue. */
        d = parse("[Container]\nImage=img\nExec=\"/some/binary file\" --arg1 \\ \t\n  \"arg 2\"\nPublishPort=80:80\n", "web", &error);
        ok(d && strv_equal(d->exec, L("/some/binary file", "--arg1", "arg 2")) && strv_equal(d->publish_ports, L("80:80")),
           "a continuation with trailing blanks (%s)", error ?: "");
        definition_free(d);
        free(error);

        /* Entrypoint=: one word, or JSON. */
        d = parse("[Container]\nImage=img\nEntrypoint=[\"/bin/sh\",\"-c\"]\n", "web", &error);
        ok(d && strv_equal(d->entrypoint, L("/bin/sh", "-c")), "Entrypoint= JSON (%s)", error ?: "");
        definition_free(d);
        free(error);
        d = parse("[Container]\nImage=img\nEntrypoint=/bin/sh -c\n", "web", &error);
        ok(d && strv_equal(d->entrypoint, L("/bin/sh -c")), "Entrypoint= one word, as podman's --entrypoint");
        definition_free(d);
        free(error);
        d = parse("[Container]\nImage=img\nEntrypoint=[\"a\",1]\n", "web", &error);
        ok(!d && error && strstr(error, "key 'Entrypoint': '[\"a\",1]' is not a JSON array of strings"), "%s", error ?: "");
        free(error);

        /* Quadlet's keys berth does not take: why, in one line; and a truly unknown one. */
        d = parse("[Container]\nImage=img\nPodmanArgs=--foo\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:3: key 'PodmanArgs': podman-specific, berth has no equivalent"), "%s", error);
        free(error);
        d = parse("[Container]\nImage=img\nContainersConfModule=/x.conf\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:3: key 'ContainersConfModule': podman-specific, berth has no equivalent"), "%s", error);
        free(error);
        d = parse("[Container]\nImage=img\nNetworkAlias=web\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:3: key 'NetworkAlias': a Quadlet key berth does not support yet"), "%s", error);
        free(error);
        d = parse("[Container]\nImage=img\nFoo=bar\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:3: key 'Foo': unknown key in section [Container]"), "%s", error);
        free(error);
        /* Issue 16: leftovers. [Quadlet] DefaultDependencies=. */
        d = parse("[Container]\nImage=img\n[Quadlet]\nDefaultDependencies=no\n", "web", &error);
        ok(d && d->no_default_dependencies, "[Quadlet] DefaultDependencies=no is read");
        {
                _cleanup_free_ char *text = NULL;
                Definition *back = NULL;

                ok(d && definition_to_string(d, &text) >= 0 && strstr(text, "\n[Quadlet]\nDefaultDependencies=no\n") &&
                           definition_parse_string(text, "/x/web.container", NULL, &back, NULL) >= 0 &&
                           definition_equal(d, back),
                   "  … and written back in its section");
                definition_free(back);
        }
        definition_free(d);
        d = parse("[Container]\nImage=img\n[Quadlet]\nDefaultDependencies=true\n", "web", &error);
        ok(d && !d->no_default_dependencies, "DefaultDependencies=true is the default");
        definition_free(d);
        d = parse("[Container]\nImage=img\n[Quadlet]\nDefaultDependencies=maybe\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:4: key 'DefaultDependencies': 'maybe' is not a boolean"), "%s", error);
        free(error);
        d = parse("[Container]\nImage=img\n[Quadlet]\nFoo=1\n", "web", &error);
        ok(!d && streq_ptr(error, "/x/web.container:4: key 'Foo': not a key of [Quadlet], whose only key is "
                                  "DefaultDependencies= (as Quadlet's)"),
           "%s", error);
        free(error);
        d = parse("[Quadlet]\nDefaultDependencies=no\n", "web", &error);
        ok(!d && error && strstr(error, "key 'Image': required"), "[Quadlet] alone is no definition: %s", error);
        free(error);
}

static void test_unit_sections(void) {
        _cleanup_free_ char *text = NULL;
        char *error = NULL;
        Definition *d, *back = NULL;

        d = parse("[Unit]\nDescription=Web %i\nFoo=bar1\nFoo=bar2\nAfter=\n[Container]\nImage=img\n"
                  "[Service]\nRestart=always\nRestartSec=3\nType=notify\nKillMode=mixed\nExecStartPre=/bin/true\n"
                  "[X-Other]\nAnything=goes\n[Install]\nWantedBy=multi-user.target\nUpheldBy=a.target b.target\n"
                  "DefaultInstance=one\nAlso=other.service\n",
                  "web", &error);
        ok(d && strv_equal(d->unit_lines, L("Description=Web %i", "Foo=bar1", "Foo=bar2", "After=")) &&
                   strv_equal(d->service_lines, L("Restart=always", "RestartSec=3", "Type=notify", "KillMode=mixed",
                                                  "ExecStartPre=/bin/true")) &&
                   strv_equal(d->upheld_by, L("a.target", "b.target")) && streq_ptr(d->default_instance, "one") &&
                   strv_equal(d->also, L("other.service")),
           "[Unit], [Service], [Install] kept as written; [X-…] ignored (%s)", error ?: "");
        ok(d && definition_to_string(d, &text) == 0 && definition_parse_string(text, "/x/web.container", "web", &back, NULL) == 0 &&
                   definition_equal(d, back),
           "… and read back from definition_to_string()");
        definition_free(d);
        definition_free(back);
        free(error);

        static const struct {
                const char *line, *why;
        } bad[] = {
                { "ExecStart=/bin/sh", "key 'ExecStart' in [Service]: set by berth's unit itself (its helper runs the container, as root), not by a definition" },
                { "User=nobody", "key 'User' in [Service]: set by berth's unit itself (its helper runs the container, as root), not by a definition" },
                { "Type=simple", "key 'Type' in [Service]: 'simple': berth's unit is Type=notify, the helper tells systemd when the container runs (or Type=oneshot, for a container that runs to completion)" },
                { "KillMode=process", "key 'KillMode' in [Service]: 'process': berth's unit is KillMode=mixed, the helper stops the container" },
                { "ExecStopPost=", "key 'ExecStopPost' in [Service]: an empty value would drop what berth's unit sets" },
                { "NotifyAccess=all", "key 'NotifyAccess' in [Service]: set by berth's unit itself (its helper runs the container, as root), not by a definition" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *t = strjoin("[Container]\nImage=img\n[Service]\n", bad[i].line, "\n"), *want = NULL;

                want = strjoin("/x/web.container:4: ", bad[i].why);
                d = parse(t, "web", &error);
                ok(!d && streq_ptr(error, want), "%s refused: %s", bad[i].line, error ?: "(null)");
                definition_free(d);
                free(error);
        }
        d = parse("[Unit]\nDescription=backs up x.volume\n[Container]\nImage=img\n", "web", &error);
        ok(d, "a .volume in a key that is no dependency is just words (%s)", error ?: "");
        definition_free(d);
        free(error);
        d = parse("[Unit]\nRequires=data.volume\n[Container]\nImage=img\n", "web", &error);
        ok(!d && error && strstr(error, "key 'Requires' in [Unit]: 'data.volume' names a Quadlet .volume unit"), "%s", error ?: "");
        free(error);
        d = parse("[Container]\nImage=img\n[Install]\nAlias=other.service\n", "web", &error);
        ok(!d && error && streq(error, "/x/web.container:4: key 'Alias': 'other.service': berth's unit is container@NAME.service, an instance of container@.service, and systemd names an instance only by an instance of the same name: write Alias=other@web.service"), "%s", error ?: "");
        free(error);
        d = parse("[Container]\nImage=img\n[Install]\nAlias=other@db.service\n", "web", &error);
        ok(!d && error && streq(error, "/x/web.container:4: key 'Alias': 'other@db.service': systemd names container@web.service only by an instance of the same name: write Alias=other@web.service"), "%s", error ?: "");
        free(error);
        d = parse("[Container]\nImage=img\n[Install]\nAlias=container@web.service\n", "web", &error);
        ok(!d && error && strstr(error, "'container@web.service' is the name of berth's own units"), "%s", error ?: "");
        free(error);
        d = parse("[Container]\nImage=img\n[Install]\nAlias=in/a/dir@web.service\n", "web", &error);
        ok(!d && error && strstr(error, "is not a unit name"), "a path is no alias: %s", error ?: "");
        free(error);
        error = NULL;
        d = parse("[Container]\nImage=img\n[Install]\nAlias=web-app@web.service \"db@web.service\"\nAlias=other@%p.service\n",
                  "web", &error);
        ok(d && strv_equal(d->aliases, (char **) L("web-app@web.service", "db@web.service", "other@web.service")),
           "Alias=PREFIX@NAME.service, quoted, continued, with a specifier (%s)", error ?: "");
        if (d) {
                _cleanup_free_ char *written = NULL;
                ok(definition_to_string(d, &written) >= 0 && strstr(written, "Alias=web-app@web.service db@web.service other@web.service"),
                   "  … written back: %s", written ?: "");
        }
        definition_free(d);
        free(error);
        error = NULL;
}

static Definition *load(const char *name, char **ret_error) {
        _cleanup_free_ char *dir = path_join(tmp, "etc");
        Definition *d = NULL;

        *ret_error = NULL;
        (void) definition_load(name, (char **) L(dir), &d, ret_error);
        return d;
}

static void test_dropins_and_templates(void) {
        _cleanup_free_ char *envfile = NULL, *src = NULL;
        char *error = NULL;
        Definition *d;

        /* merged.container and merged-override.container of Podman's tests, plus container.d/
         * and a dash prefix, and one name masking a broader one. */
        put("etc/my-app.container", "[Container]\nImage=img\nEnvironment=MAIN=mainvalue\nHostName=h0\n");
        put("etc/my-app.container.d/10-first.conf", "[Container]\nEnvironment=FIRST=value\n");
        put("etc/my-app.container.d/20-second.conf", "[Container]\nEnvironment=\nEnvironment=SECOND=othervalue\n");
        put("etc/my-.container.d/15-prefix.conf", "[Container]\nHostName=h1\n");
        put("etc/my-.container.d/20-second.conf", "[Container]\nHostName=masked\n");
        put("etc/container.d/05-all.conf", "[Service]\nRestartSec=1\n");
        put("etc/container.d/not-a-conf", "[Container]\nBad=1\n");
        d = load("my-app", &error);
        ok(d && strv_equal(d->environment, L("SECOND=othervalue")) && streq_ptr(d->hostname, "h1") &&
                   strv_equal(d->service_lines, L("RestartSec=1")),
           "drop-ins merged in file name order, the most specific name wins (%s)", error ?: "");
        definition_free(d);
        free(error);

        put("etc/broken.container", "[Container]\nImage=img\n");
        put("etc/broken.container.d/x.conf", "Image=img2\n");
        d = load("broken", &error);
        ok(!d && error && endswith(error, "broken.container.d/x.conf:1: key 'Image': not in a section ([Container], [Unit], [Service] or [Install])"),
           "a drop-in's error names the drop-in (%s)", error ?: "");
        free(error);

        /* Templates: the instance's own file wins; else the template, with its instance. */
        put("etc/tpl@.container", "[Container]\nImage=img\nHostName=%p-%i\n[Install]\nDefaultInstance=def\n");
        put("etc/tpl@.container.d/10-env.conf", "[Container]\nEnvironment=FOO=bar\n");
        put("etc/tpl@special.container", "[Container]\nImage=img2\n");
        d = load("tpl@one", &error);
        ok(d && streq_ptr(d->name, "tpl@one") && streq_ptr(d->hostname, "tpl-one") && strv_equal(d->environment, L("FOO=bar")),
           "an instance from the template, with the template's drop-ins (%s)", error ?: "");
        definition_free(d);
        free(error);
        d = load("tpl@special", &error);
        ok(d && streq_ptr(d->image, "img2") && strv_equal(d->environment, L("FOO=bar")),
           "an instance's own file, with the template's drop-ins too (%s)", error ?: "");
        definition_free(d);
        free(error);
        {
                _cleanup_strv_free_ char **l = NULL;
                _cleanup_free_ char *tp = path_join(tmp, "etc/tpl@.container"), *all = path_join(tmp, "etc/container.d/05-all.conf"),
                                    *want = path_join(tmp, "etc/tpl@.container.d/10-env.conf");
                int r = definition_dropins_find(tp, &l, NULL);

                ok(r == 0 && strv_equal(l, L(all, want)), "the template's drop-ins, each once, by file name");
        }
        d = load("nope@x", &error);
        ok(!d && streq_ptr(error, "no such container nope@x (nor a template nope@.container)"), "%s", error ?: "");
        free(error);

        /* Relative paths: against the definition's directory. */
        put("etc/rel.container", "[Container]\nImage=img\nEnvironmentFile=conf/app.env\nVolume=./data/../data:/data:ro\n");
        d = load("rel", &error);
        envfile = path_join(tmp, "etc/conf/app.env");
        src = strjoin(tmp, "/etc/data:/data:ro");
        ok(d && strv_equal(d->environment_files, L(envfile)) && strv_equal(d->volumes, L(src)),
           "relative EnvironmentFile= and Volume= source (%s)", error ?: "");
        definition_free(d);
        free(error);

        /* .volume files. */
        put("etc/vol.container", "[Container]\nImage=img\nVolume=data.volume:/var/lib/x:ro\nVolume=named.volume:/n\n");
        put("etc/data.volume", "[Volume]\n# comment\nCopy=yes\n");
        put("etc/named.volume", "[Volume]\nVolumeName=shared-data\n[X-Extra]\nFoo=1\n");
        d = load("vol", &error);
        ok(d && strv_equal(d->volumes, L("systemd-data:/var/lib/x:ro", "shared-data:/n")),
           "Volume=NAME.volume is the volume it defines (%s)", error ?: "");
        definition_free(d);
        free(error);
        put("etc/vol1.container", "[Container]\nImage=img\nVolume=data.volume\n");
        d = load("vol1", &error);
        ok(!d && error && endswith(error, "key 'Volume': destination 'data.volume' is not an absolute path"),
           "Volume=X.volume alone is a destination, as for Quadlet (%s)", error ?: "");
        free(error);
        put("etc/vol2.container", "[Container]\nImage=img\nVolume=dev.volume:/d\n");
        put("etc/dev.volume", "[Volume]\nDriver=image\n");
        d = load("vol2", &error);
        ok(!d && error && strstr(error, "key 'Volume': 'dev.volume': ") &&
                   endswith(error, "dev.volume:2: Driver=image: image volumes are not supported yet"),
           "a [Volume] key berth lacks: %s", error ?: "");
        free(error);
        put("etc/vol3.container", "[Container]\nImage=img\nVolume=missing.volume:/d\n");
        d = load("vol3", &error);
        ok(!d && error && strstr(error, "'missing.volume': no such file next to the definition"), "%s", error ?: "");
        free(error);

        /* Network= references. */
        put("etc/net.container", "[Container]\nImage=img\nNetwork=db.container\n");
        d = load("net", &error);
        ok(d && d->network == NETWORK_CONTAINER && streq_ptr(d->network_container, "db"), "Network=db.container (%s)",
           error ?: "");
        definition_free(d);
        free(error);
        put("etc/net2.container", "[Container]\nImage=img\nNetwork=basic.network\n");
        d = load("net2", &error);
        ok(!d && error && strstr(error, "key 'Network': 'basic.network' names a Quadlet .network unit: berth has no named networks yet"),
           "%s", error ?: "");
        free(error);
        put("etc/img.container", "[Container]\nImage=basic.image\n");
        d = load("img", &error);
        ok(!d && error && strstr(error, "key 'Image': 'basic.image' names a Quadlet .image or .build unit"), "%s", error ?: "");
        free(error);
        error = NULL;
}

/* berth run's flags cannot make [Unit] or [Service] lines: a value is one value, or refused. */
static void test_builder_cannot_inject(void) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;
        int r;

        ok(definition_builder_add(&b, "IMAGE", "img") == 0 &&
                   definition_builder_add(&b, "-e", "A=1\n[Service]\nExecStartPre=/bin/evil") == 0,
           "an -e value with newlines is taken, quoted");
        ok_eq_int(definition_builder_add(&b, "-w", "/x\n[Service]\nExecStartPre=/bin/evil"), -EINVAL);
        r = definition_builder_parse(&b, "web", &text, &d, &error);
        ok(r == 0 && !d->service_lines && !d->unit_lines && strv_equal(d->environment, L("A=1\n[Service]\nExecStartPre=/bin/evil")),
           "  … as one environment variable, no [Service] line (%s)", error ?: "");
}

static void test_path_resolve(void) {
        static const struct {
                const char *dir, *rel, *want;
        } cases[] = {
                { "/etc/b", "x", "/etc/b/x" },       { "/etc/b", "./x/", "/etc/b/x" },  { "/etc/b", "../x", "/etc/x" },
                { "/etc/b", "../../../x", "/x" },    { "/", "a/./b//c", "/a/b/c" },     { "/etc/b", ".", "/etc/b" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *got = NULL;

                ok(definition_path_resolve(cases[i].dir, cases[i].rel, &got) == 0 && streq(got, cases[i].want), "%s + %s = %s (got %s)",
                   cases[i].dir, cases[i].rel, cases[i].want, got ?: "");
        }
}

int main(void) {
        if (!mkdtemp(tmp))
                return EXIT_FAILURE;
        test_specifiers();
        test_words_and_keys();
        test_unit_sections();
        test_dropins_and_templates();
        test_path_resolve();
        test_builder_cannot_inject();
        (void) rm_rf(tmp);
        return tap_finish();
}
