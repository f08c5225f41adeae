/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "definition.h"
#include "fd-util.h"
#include "name.h"
#include "paths.h"
#include "port.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define F "/x/web.container"
#define CAP(n) (UINT64_C(1) << (n))

/* s with newlines shown as "\\n", for one-line TAP descriptions. */
static const char *oneline(const char *s, char *buf, size_t size) {
        size_t n = 0;

        for (; s && *s && n + 3 < size; s++) {
                if (*s == '\n') {
                        buf[n++] = '\\';
                        buf[n++] = 'n';
                } else
                        buf[n++] = *s;
        }
        buf[n] = 0;
        return buf;
}
#define ONELINE(s) oneline((s), (char[512]) {}, 512)

/* Parses "[Container]\nImage=img\n" + body, as web from F. */
static Definition *parse_ok(const char *body) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        Definition *d = NULL;
        int r;

        text = strjoin("[Container]\nImage=img\n", body);
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == 0 && d, "parses: %s (got %d: %s)", ONELINE(body), r, error ?: "");
        return r == 0 ? d : NULL;
}

/* Parses text and expects -EINVAL (or expect_r) with exactly expect_error. */
static void parse_bad_r(const char *text, const char *name, int expect_r, const char *expect_error) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        r = definition_parse_string(text, F, name, &d, &error);
        ok(r == expect_r && !d, "refused (%d, got %d): %s", expect_r, r, ONELINE(text));
        ok(error && streq(error, expect_error), "message \"%s\" (got \"%s\")", expect_error,
           error ?: "(null)");
}
#define parse_bad(text, expect) parse_bad_r(text, "web", -EINVAL, expect)

/* Body after "[Container]\nImage=img\n": the error is on line 3. */
static void key_bad(const char *body, const char *expect) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body);
        parse_bad(text, expect);
}

static void test_defaults(void) {
        _cleanup_(definition_freep) Definition *d = parse_ok("");

        if (!d)
                return;
        ok_streq(d->name, "web");
        ok_streq(d->path, F);
        ok_streq(d->image, "img");
        ok(!d->exec && !d->entrypoint && !d->environment && !d->environment_files, "lists unset");
        ok(!d->working_dir && !d->user && !d->hostname && !d->network_container, "strings unset");
        ok(d->memory_max == UINT64_MAX && d->cpu_weight == 0 && d->pids_limit == 0, "limits unset (PidsLimit= from berth.conf)");
        ok(d->caps_add == 0 && d->caps_drop == 0, "no capabilities");
        ok(!d->privileged && !d->read_only && !d->run_init, "booleans off");
        ok_eq_int(d->stop_signal, 0); /* unset: the image's, else SIGTERM */
        ok_eq_int(d->stop_timeout_usec, 10 * 1000000);
        ok_eq_int(d->network, NETWORK_BRIDGE);
        ok(!d->ip && !d->publish_ports && !d->expose_ports && !d->links && !d->dns && !d->add_hosts,
           "no network settings");
        ok(!d->wanted_by && !d->required_by, "no install");
        ok_eq_int(d->notify, NOTIFY_CONMON);
        ok(!d->health_cmd && !d->health_startup_cmd, "no health check of its own (the image's applies)");
        ok(d->health_interval_usec == UINT64_MAX && d->health_timeout_usec == UINT64_MAX &&
                   d->health_start_period_usec == UINT64_MAX && d->health_startup_interval_usec == UINT64_MAX &&
                   d->health_startup_timeout_usec == UINT64_MAX,
           "health durations unset");
        ok(d->health_retries == 0 && d->health_startup_retries == 0 && d->health_startup_success == 0, "health counts unset");
        ok_eq_int(d->health_on_failure, HEALTH_ON_FAILURE_NONE);
}

static void test_syntax(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *c = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        /* Comments, blanks, whitespace around '=', a continued line with a comment inside it,
         * and the name taken from the file name. */
        r = definition_parse_string("# comment\n"
                                    "; another\n"
                                    "\n"
                                    "[Container]\n"
                                    "  Image   =   img  \n"
                                    "Exec=/bin/sh -c \\\n"
                                    "# skipped inside a continuation\n"
                                    "   'echo hi'\n"
                                    "Environment=A=1 \\\n"
                                    "  B=2\n"
                                    "Exec2=x\n",
                                    "/etc/berth/containers/db.container", NULL, &d, &error);
        ok_eq_int(r, -EINVAL);
        ok_streq(error,
                 "/etc/berth/containers/db.container:11: key 'Exec2': unknown key in section [Container]");
        free(error);
        error = NULL;

        r = definition_parse_string("[Container]\r\n"
                                    "Image=img\r\n"
                                    "Exec=/bin/sh -c \\\n"
                                    "   'echo hi'\n"
                                    "Environment=A=1 \\\n"
                                    "\n"
                                    "Exec=echo \\\\\n"
                                    "[Install]\n"
                                    "WantedBy=a.target\n"
                                    "[Container]\n"
                                    "ReadOnly=yes\n"
                                    "Memory=16M \\",
                                    "/etc/berth/containers/db.container", NULL, &c, &error);
        ok(r == 0, "continuations parse (%d: %s)", r, error ?: "");
        if (r < 0)
                return;
        ok_streq(c->name, "db");
        ok(strv_equal(c->exec, (char *const[]) { "echo", "\\", NULL }), "even backslashes do not continue");
        ok(strv_equal(c->environment, (char *const[]) { "A=1", NULL }), "blank line ends a continuation");
        ok(c->read_only, "[Container] may come back");
        ok(strv_equal(c->wanted_by, (char *const[]) { "a.target", NULL }), "[Install]");
        ok_eq_int(c->memory_max, 16 << 20);

        /* The continuation line number is that of its first line. */
        parse_bad("[Container]\nImage=img\nExec=a \\\n b\nUser=a \\\n  b\n",
                  F ":5: key 'User': 'a    b' is not USER or USER:GROUP (names matching [a-z_][a-z0-9_-]*, "
                    "or numbers)");
}

static void test_structure_errors(void) {
        parse_bad("[Container]\nImage=img\nFoo=bar\n",
                  F ":3: key 'Foo': unknown key in section [Container]");
        parse_bad("[Container]\nImage=img\nimage=x\n",
                  F ":3: key 'image': unknown key in section [Container]");
        parse_bad("[Container]\nImage=img\nWantedBy=a.target\n",
                  F ":3: key 'WantedBy': unknown key in section [Container]");
        parse_bad("[Install]\nImage=img\n", F ":2: key 'Image': unknown key in section [Install]");
        parse_bad("[Container]\nImage=img\n\n[Service]\nExecStart=/bin/evil\n",
                  F ":5: key 'ExecStart' in [Service]: set by berth's unit itself (its helper runs the container, as root), not by a definition");
        parse_bad("[Container]\nImage=img\n\n[Pod]\nPodName=x\n", F ":4: unknown section '[Pod]'");
        parse_bad("[Container\nImage=img\n", F ":1: unknown section '[Container'");
        parse_bad("[container]\nImage=img\n", F ":1: unknown section '[container]'");
        parse_bad("Image=img\n", F ":1: key 'Image': not in a section ([Container], [Unit], [Service] or [Install])");
        parse_bad("[Container]\nImage=img\nReadOnly\n", F ":3: key 'ReadOnly': missing '='");
        parse_bad("[Container]\n=x\n", F ":2: key '': missing key name");
        parse_bad("[Container]\nExec=/bin/true\n", F ": key 'Image': required");
        parse_bad("", F ": key 'Image': required");
        parse_bad("[Install]\nWantedBy=multi-user.target\n", F ": key 'Image': required");
        parse_bad("[Container]\nImage=\n", F ":2: key 'Image': empty value");
        parse_bad("[Container]\nImage=../etc\n",
                  F ":2: key 'Image': '../etc' is not a valid image reference: registry '..' is not a host name with "
                    "an optional :PORT");
        parse_bad("[Container]\nImage=a b\n",
                  F ":2: key 'Image': 'a b' is not a valid image reference: path component 'a b' does not match "
                    "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
        parse_bad("[Container]\nImage=Nginx\n",
                  F ":2: key 'Image': 'Nginx' is not a valid image reference: repository name must be lowercase ('Nginx')");
        parse_bad("[Container]\nImage=nginx:\n",
                  F ":2: key 'Image': 'nginx:' is not a valid image reference: tag '' does not match "
                    "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        {
                static const char *const refs[] = {
                        "nginx", "nginx:1.25", "docker.io/library/nginx:1.25", "registry:5000/team/app",
                        "localhost/app:dev",
                        "quay.io/p/x@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                };

                for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
                        _cleanup_free_ char *text = strjoin("[Container]\nImage=", refs[i], "\n");
                        _cleanup_(definition_freep) Definition *d = NULL;

                        ok(definition_parse_string(text, F, "c", &d, NULL) == 0 && d && streq(d->image, refs[i]),
                           "Image=%s accepted as written", refs[i]);
                }
        }
        parse_bad_r("[Container]\nImage=img\n", "-bad", -EINVAL,
                    F ": invalid container name '-bad': names must match " NAME_RULE);
}

static void test_name_from_path(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        r = definition_parse_string("[Container]\nImage=img\n", "/run/x/a_b.c.container", NULL, &d, &error);
        ok(r == 0 && d && streq(d->name, "a_b.c"), "name from file name");
        r = definition_parse_string("[Container]\nImage=img\n", "/run/x/@bad.container", NULL, &d, &error);
        ok_eq_int(r, -EINVAL);
        ok_streq(error, "/run/x/@bad.container: invalid container name '@bad': names must match " NAME_RULE);
        free(error);
        error = NULL;
        r = definition_parse_string("[Container]\nImage=img\n", "/run/x/web.conf", NULL, &d, &error);
        ok_eq_int(r, -EINVAL);
        ok_streq(error, "/run/x/web.conf: file name is not NAME.container");
}

static void test_keys(void) {
        Definition *d;

        /* Exec=, Entrypoint= */
        d = parse_ok("Exec=/bin/sh -c 'echo \"$HOME\"' a\\sb\nEntrypoint=[\"tini\", \"--\"]\n");
        if (d) {
                ok(strv_equal(d->exec, (char *const[]) { "/bin/sh", "-c", "echo \"$HOME\"", "a b", NULL }),
                   "Exec");
                ok(strv_equal(d->entrypoint, (char *const[]) { "tini", "--", NULL }), "Entrypoint, JSON");
        }
        definition_free(d);
        /* Quadlet's Entrypoint= is podman's --entrypoint: one word unless JSON. */
        d = parse_ok("Entrypoint=/opt/my app/run --x\n");
        if (d)
                ok(strv_equal(d->entrypoint, (char *const[]) { "/opt/my app/run --x", NULL }), "Entrypoint, one word");
        definition_free(d);
        d = parse_ok("Exec=a\nExec=b c\nEntrypoint=\n");
        if (d) {
                ok(strv_equal(d->exec, (char *const[]) { "b", "c", NULL }), "last Exec= wins");
                ok(d->entrypoint && !d->entrypoint[0], "empty Entrypoint= is an empty command");
        }
        definition_free(d);
        key_bad("Exec='unterminated\n",
                F ":3: key 'Exec': unterminated quote or trailing backslash in ''unterminated'");
        key_bad("Entrypoint=[\"x\n",
                F ":3: key 'Entrypoint': '[\"x' is not a JSON array of strings: the string at byte 2 does not end");

        /* Environment= */
        d = parse_ok("Environment=A=1 'B=two words' C=\nEnvironment=A=3 _x=\"q'q\"\nEnvironment=D=$HOME\n");
        if (d)
                ok(strv_equal(d->environment,
                              (char *const[]) { "A=3", "B=two words", "C=", "_x=q'q", "D=$HOME", NULL }),
                   "Environment: later wins, first order kept");
        definition_free(d);
        d = parse_ok("Environment=A=1\nEnvironment=\nEnvironment=B=2\n");
        if (d)
                ok(strv_equal(d->environment, (char *const[]) { "B=2", NULL }), "empty Environment= resets");
        definition_free(d);
        key_bad("Environment=A=1 1X=2\n", F ":3: key 'Environment': '1X=2' is not an assignment K=V, or a variable's name K, "
                                            "with K matching [A-Za-z_][A-Za-z0-9_]*");
        /* NOVALUE alone is podman's --env NOVALUE: test-definition-quadlet-keys.c. */
        key_bad("Environment=A-B=1\n", F ":3: key 'Environment': 'A-B=1' is not an assignment K=V, or a variable's name K, "
                                         "with K matching [A-Za-z_][A-Za-z0-9_]*");
        key_bad("Environment='A=1\n",
                F ":3: key 'Environment': unterminated quote or trailing backslash in ''A=1'");

        /* EnvironmentFile= */
        d = parse_ok("EnvironmentFile=/etc/a.env\nEnvironmentFile=/etc/b dir/b.env\n");
        if (d)
                ok(strv_equal(d->environment_files,
                              (char *const[]) { "/etc/a.env", "/etc/b dir/b.env", NULL }),
                   "EnvironmentFile");
        definition_free(d);
        /* Relative to the definition's directory, as Quadlet has it (F is /x/web.container). */
        d = parse_ok("EnvironmentFile=a.env\nEnvironmentFile=../b/./c.env\n");
        if (d)
                ok(strv_equal(d->environment_files, (char *const[]) { "/x/a.env", "/b/c.env", NULL }), "relative EnvironmentFile=");
        definition_free(d);

        /* WorkingDir= */
        d = parse_ok("WorkingDir=/srv/app\n");
        if (d)
                ok_streq(d->working_dir, "/srv/app");
        definition_free(d);
        key_bad("WorkingDir=srv\n", F ":3: key 'WorkingDir': 'srv' is not an absolute, normalised path");
        key_bad("WorkingDir=/srv/../etc\n",
                F ":3: key 'WorkingDir': '/srv/../etc' is not an absolute, normalised path");
        key_bad("WorkingDir=/srv/\n", F ":3: key 'WorkingDir': '/srv/' is not an absolute, normalised path");
        key_bad("WorkingDir=\n", F ":3: key 'WorkingDir': empty value");

        /* User= */
        const char *users_ok[] = {
                "www-data",       "_apt",    "0",      "1000:1000",
                "nobody:nogroup", "app:100", "samba$", "a23456789012345678901234567890ab"
        };
        for (size_t i = 0; i < ELEMENTSOF(users_ok); i++) {
                _cleanup_free_ char *body = strjoin("User=", users_ok[i], "\n");
                d = parse_ok(body);
                if (d)
                        ok_streq(d->user, users_ok[i]);
                definition_free(d);
        }
        const char *users_bad[] = { "Root", "a:b:c",      ":100",        "100:",
                                    "-x",   "4294967295", "99999999999", "a234567890123456789012345678901ab",
                                    "a$b",  "a b" };
        for (size_t i = 0; i < ELEMENTSOF(users_bad); i++) {
                _cleanup_free_ char *
                        body = strjoin("User=", users_bad[i], "\n"),
                       *msg = strjoin(
                               F ":3: key 'User': '", users_bad[i],
                               "' is not USER or USER:GROUP (names matching [a-z_][a-z0-9_-]*, or numbers)");
                key_bad(body, msg);
        }

        /* HostName= */
        d = parse_ok("HostName=web-1.example.org\n");
        if (d)
                ok_streq(d->hostname, "web-1.example.org");
        definition_free(d);
        const char *hosts_bad[] = { "-a",
                                    "a-",
                                    "a..b",
                                    "a.",
                                    "a_b",
                                    "a b",
                                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b" };
        for (size_t i = 0; i < ELEMENTSOF(hosts_bad); i++) {
                _cleanup_free_ char *body = strjoin("HostName=", hosts_bad[i], "\n"),
                                    *msg = strjoin(
                                            F ":3: key 'HostName': '", hosts_bad[i],
                                            "' is not a valid host name (RFC 1123, at most 64 characters)");
                key_bad(body, msg);
        }

        /* Memory=, CPUWeight=, PidsLimit= */
        d = parse_ok("Memory=256M\nCPUWeight=10000\nPidsLimit=100\n");
        if (d) {
                ok_eq_int(d->memory_max, 256 << 20);
                ok_eq_int(d->cpu_weight, 10000);
                ok_eq_int(d->pids_limit, 100);
        }
        definition_free(d);
        const char *unlimited[] = { "-1", "infinity", "max" };
        for (size_t i = 0; i < ELEMENTSOF(unlimited); i++) {
                _cleanup_free_ char *body = strjoin("PidsLimit=5\nPidsLimit=", unlimited[i], "\n");
                d = parse_ok(body);
                if (d)
                        ok(d->pids_limit == UINT64_MAX, "PidsLimit=%s is unlimited", unlimited[i]);
                definition_free(d);
        }
        key_bad("Memory=lots\n", F ":3: key 'Memory': 'lots' is not a size (e.g. 512M, 2G)");
        key_bad("Memory=-1\n", F ":3: key 'Memory': '-1' is not a size (e.g. 512M, 2G)");
        key_bad("Memory=0\n", F ":3: key 'Memory': '0' is less than 6M, the least memory a container can start with");
        key_bad("Memory=1k\n", F ":3: key 'Memory': '1k' is less than 6M, the least memory a container can start with");
        key_bad("Memory=6291455\n",
                F ":3: key 'Memory': '6291455' is less than 6M, the least memory a container can start with");
        d = parse_ok("Memory=6M\n");
        if (d)
                ok_eq_int(d->memory_max, 6 << 20);
        definition_free(d);
        key_bad("CPUWeight=0\n", F ":3: key 'CPUWeight': '0' is not a number in 1…10000");
        key_bad("CPUWeight=10001\n", F ":3: key 'CPUWeight': '10001' is not a number in 1…10000");
        key_bad("CPUWeight=+5\n", F ":3: key 'CPUWeight': '+5' is not a number in 1…10000");
        key_bad("PidsLimit=0\n", F ":3: key 'PidsLimit': '0' is not a positive number, -1, infinity or max");
        key_bad("PidsLimit=-2\n",
                F ":3: key 'PidsLimit': '-2' is not a positive number, -1, infinity or max");

        /* Booleans */
        d = parse_ok("Privileged=yes\nReadOnly=true\nRunInit=1\nRunInit=off\n");
        if (d)
                ok(d->privileged && d->read_only && !d->run_init, "booleans");
        definition_free(d);
        key_bad("ReadOnly=maybe\n", F ":3: key 'ReadOnly': 'maybe' is not a boolean (yes or no)");
        key_bad("Privileged=\n", F ":3: key 'Privileged': empty value");

        /* NoNewPrivileges=, SeccompProfile= */
        d = parse_ok("Image=x\n");
        if (d)
                ok(!d->no_new_privileges && !d->seccomp_unconfined, "no_new_privs off and docker's profile by default");
        definition_free(d);
        d = parse_ok("NoNewPrivileges=yes\nSeccompProfile=unconfined\n");
        if (d)
                ok(d->no_new_privileges && d->seccomp_unconfined, "NoNewPrivileges=yes, SeccompProfile=unconfined");
        definition_free(d);
        d = parse_ok("SeccompProfile=unconfined\nSeccompProfile=default\n");
        if (d)
                ok(!d->seccomp_unconfined, "SeccompProfile=default after unconfined: the last wins");
        definition_free(d);
        key_bad("NoNewPrivileges=sure\n", F ":3: key 'NoNewPrivileges': 'sure' is not a boolean (yes or no)");
        key_bad("SeccompProfile=profile.json\n",
                F ":3: key 'SeccompProfile': 'profile.json' is not default, unconfined or the absolute path of a JSON "
                  "profile");
        key_bad("SeccompProfile=\n", F ":3: key 'SeccompProfile': empty value");

        /* Restart= */
        {
                static const struct {
                        const char *value;
                        RestartPolicy want;
                        const char *unit;
                } policies[] = {
                        { "no", RESTART_NO, "no" },
                        { "on-failure", RESTART_ON_FAILURE, "on-failure" },
                        { "always", RESTART_ALWAYS, "always" },
                        { "unless-stopped", RESTART_UNLESS_STOPPED, "always" },
                };
                for (size_t i = 0; i < ELEMENTSOF(policies); i++) {
                        _cleanup_free_ char *body = strjoin("Restart=", policies[i].value, "\n");
                        d = parse_ok(body);
                        if (d)
                                ok(d->restart == policies[i].want &&
                                           streq(restart_policy_to_unit(d->restart), policies[i].unit),
                                   "Restart=%s -> unit's Restart=%s", policies[i].value, policies[i].unit);
                        definition_free(d);
                }
        }
        key_bad("Restart=sometimes\n",
                F ":3: key 'Restart': 'sometimes' is not a restart policy (no, on-failure, always or unless-stopped)");
        key_bad("Restart=on-failure:3\n",
                F ":3: key 'Restart': 'on-failure:3': a retry count is not supported; systemd's start limit applies "
                  "(StartLimitBurst=, 5 starts in 10 s)");
        key_bad("Restart=always\nAutoRemove=yes\n",
                F ": key 'Restart': a container that restarts is not removed when it exits (AutoRemove=yes)");

        /* Sysctl= */
        d = parse_ok("Sysctl=net.ipv4.ip_forward=1 \"net.ipv4.ip_local_port_range=1024 65000\"\n"
                     "Sysctl=kernel.shmmax=65536 net.ipv4.ip_forward=0\n");
        if (d)
                ok(strv_equal(d->sysctls, (char *const[]) { "net.ipv4.ip_forward=0",
                                                            "net.ipv4.ip_local_port_range=1024 65000",
                                                            "kernel.shmmax=65536", NULL }),
                   "Sysctl= words, quoted values, a key given again takes the new value");
        definition_free(d);
        d = parse_ok("Sysctl=kernel.shmmax=1\nSysctl=\n");
        if (d)
                ok(strv_isempty(d->sysctls), "an empty Sysctl= resets");
        definition_free(d);
        key_bad("Sysctl=kernel.core_pattern=|/tmp/x\n",
                F ":3: key 'Sysctl': 'kernel.core_pattern=|/tmp/x' is not a setting of the container's own "
                  "namespaces (net.*, fs.mqueue.*, kernel.domainname, kernel.msg*, kernel.sem, kernel.shm*)");
        key_bad("Sysctl=net.ipv4.ip_forward=1+kernel.core_pattern=x\n",
                F ":3: key 'Sysctl': 'net.ipv4.ip_forward=1+kernel.core_pattern=x' is not KEY=VALUE with a dotted "
                  "KEY ([A-Za-z0-9_-] between the dots) and a VALUE without newlines or '+'");
        key_bad("Sysctl=net.ipv4.ip_forward\n",
                F ":3: key 'Sysctl': 'net.ipv4.ip_forward' is not KEY=VALUE with a dotted KEY ([A-Za-z0-9_-] "
                  "between the dots) and a VALUE without newlines or '+'");
        key_bad("Sysctl=net.ipv4.ip_forward=1\nNetwork=host\n",
                F ": key 'Sysctl': 'net.ipv4.ip_forward=1' would change the host's network (Network=host)");
        d = parse_ok("Sysctl=kernel.shmmax=1\nNetwork=host\n");
        if (d)
                ok(d->network == NETWORK_HOST, "Network=host with an IPC sysctl is fine");
        definition_free(d);

        /* StopSignal=, StopTimeout= */
        const char *sigs[] = { "SIGINT", "INT", "sigint", "Int", "2" };
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++) {
                _cleanup_free_ char *body = strjoin("StopSignal=", sigs[i], "\n");
                d = parse_ok(body);
                if (d)
                        ok(d->stop_signal == SIGINT, "StopSignal=%s", sigs[i]);
                definition_free(d);
        }
        d = parse_ok("StopSignal=64\nStopTimeout=0\n");
        if (d) {
                ok_eq_int(d->stop_signal, 64);
                ok_eq_int(d->stop_timeout_usec, 0);
        }
        definition_free(d);
        const char *sigs_bad[] = { "0", "65", "SIG", "SIGFOO", "-1", "SIG15", "TERM KILL" };
        for (size_t i = 0; i < ELEMENTSOF(sigs_bad); i++) {
                _cleanup_free_ char *body = strjoin("StopSignal=", sigs_bad[i], "\n"),
                                    *msg = strjoin(F ":3: key 'StopSignal': '", sigs_bad[i],
                                                   "' is not a signal (e.g. SIGTERM, INT, 15)");
                key_bad(body, msg);
        }
        key_bad("StopTimeout=10s\n", F ":3: key 'StopTimeout': '10s' is not a number of seconds");
        key_bad("StopTimeout=-1\n", F ":3: key 'StopTimeout': '-1' is not a number of seconds");
        key_bad("StopTimeout=99999999999999999999\n",
                F ":3: key 'StopTimeout': '99999999999999999999' is not a number of seconds");

        /* Network= */
        d = parse_ok("Network=container:db\n");
        if (d) {
                ok_eq_int(d->network, NETWORK_CONTAINER);
                ok_streq(d->network_container, "db");
        }
        definition_free(d);
        d = parse_ok("Network=container:db\nNetwork=host\n");
        if (d)
                ok(d->network == NETWORK_HOST && !d->network_container, "Network=host after container:");
        definition_free(d);
        d = parse_ok("Network=none\n");
        if (d)
                ok_eq_int(d->network, NETWORK_NONE);
        definition_free(d);

        /* The bridge's keys. */
        d = parse_ok("IP=10.88.0.9\nPublishPort=8080:80\nPublishPort=127.0.0.1:8081:80/udp\n"
                     "PublishPort=[::1]:8082:80/tcp\nExposePort=5432\nExposePort=53/udp\nLink=db\nLink=cache:redis\n"
                     "DNS=1.1.1.1\nDNS=2606:4700::1111\nAddHost=gw:10.0.0.1\nAddHost=v6:fd00::1\n");
        if (d) {
                ok_streq(d->ip, "10.88.0.9");
                ok_eq_int(strv_length(d->publish_ports), 3);
                ok_eq_int(strv_length(d->expose_ports), 2);
                ok_streq(d->links[1], "cache:redis");
                ok_eq_int(strv_length(d->dns), 2);
                ok_streq(d->add_hosts[1], "v6:fd00::1");
        }
        definition_free(d);
        d = parse_ok("PublishPort=8080:80\nPublishPort=\nPublishPort=9090:90\n");
        if (d)
                ok(strv_length(d->publish_ports) == 1 && streq(d->publish_ports[0], "9090:90"), "PublishPort= resets");
        definition_free(d);
        d = parse_ok("PublishPort=8080:80/tcp\nPublishPort=8080:80/udp\nPublishPort=127.0.0.1:9090:1\n"
                     "PublishPort=127.0.0.2:9090:1\n");
        ok(d != NULL, "tcp and udp on one port, and one port on two addresses");
        definition_free(d);
        key_bad("PublishPort=8080:80\nPublishPort=127.0.0.1:8080:81\n",
                F ":4: key 'PublishPort': '127.0.0.1:8080:81' takes the same host port as '8080:80'");
        key_bad("PublishPort=80:\n", F ":3: key 'PublishPort': '80:' is not a published port "
                                     "[[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|/udp] (ports 1…65535 or ranges N-M, as long on both sides)");
        key_bad("PublishPort=0:80\n", F ":3: key 'PublishPort': '0:80' is not a published port "
                                       "[[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|/udp] (ports 1…65535 or ranges N-M, as long on both sides)");
        key_bad("PublishPort=8080:65536\n", F ":3: key 'PublishPort': '8080:65536' is not a published port "
                                             "[[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|/udp] (ports 1…65535 or ranges N-M, as long on both sides)");
        key_bad("ExposePort=80/sctp\n", F ":3: key 'ExposePort': '80/sctp' is not a port CONTAINERPORT[/tcp|/udp] (1…65535, or a range N-M)");
        key_bad("IP=10.88.0\n", F ":3: key 'IP': '10.88.0' is not an IPv4 address");
        key_bad("IP=\n", F ":3: key 'IP': empty value");
        key_bad("Link=../db\n", F ":3: key 'Link': '../db' is not NAME or NAME:ALIAS (a container name matching "
                                  NAME_RULE ", an alias that is a host name)");
        key_bad("Link=db:bad_alias\n", F ":3: key 'Link': 'db:bad_alias' is not NAME or NAME:ALIAS (a container "
                                         "name matching " NAME_RULE ", an alias that is a host name)");
        key_bad("DNS=dns.example\n", F ":3: key 'DNS': 'dns.example' is not an IPv4 or IPv6 address");
        key_bad("AddHost=gw\n", F ":3: key 'AddHost': 'gw' is not HOST:ADDRESS (a host name and an IP address)");
        key_bad("AddHost=gw:10.0.0.300\n",
                F ":3: key 'AddHost': 'gw:10.0.0.300' is not HOST:ADDRESS (a host name and an IP address)");
        key_bad("Network=container\n", F ":3: key 'Network': 'container' is not a network mode (none, host, "
                                         "bridge or container:NAME)");
        key_bad("Network=slirp\n",
                F ":3: key 'Network': 'slirp' is not a network mode (none, host, bridge or container:NAME)");
        key_bad("Network=container:../x\n", F
                ":3: key 'Network': '../x' is not a valid container name (names must match " NAME_RULE ")");

        /* [Install] */
        d = parse_ok("[Install]\nWantedBy=multi-user.target default.target\nWantedBy=multi-user.target\n"
                     "RequiredBy=foo@bar.service\n");
        if (d) {
                ok(strv_equal(d->wanted_by, (char *const[]) { "multi-user.target", "default.target", NULL }),
                   "WantedBy, no duplicates");
                ok(strv_equal(d->required_by, (char *const[]) { "foo@bar.service", NULL }), "RequiredBy");
        }
        definition_free(d);
        key_bad("[Install]\nWantedBy=multi-user\n",
                F ":4: key 'WantedBy': 'multi-user' is not a unit name (e.g. multi-user.target)");
        key_bad("[Install]\nRequiredBy=a.target b/c.target\n",
                F ":4: key 'RequiredBy': 'b/c.target' is not a unit name (e.g. multi-user.target)");
}

/* key=value parses, and the field it sets, read by get, is want. */
#define health_good(body, cond)                                                                   \
        ({                                                                                        \
                Definition *_d_ = parse_ok(body);                                                 \
                if (_d_) {                                                                        \
                        const Definition *d = _d_;                                                \
                        ok(cond, "%s: %s", ONELINE(body), #cond);                                 \
                }                                                                                 \
                definition_free(_d_);                                                             \
        })
#define L(...) ((char *const[]) { __VA_ARGS__, NULL })
#define SEC(n) ((uint64_t) (n) * 1000000)

static void test_health_keys(void) {
        /* Notify= */
        health_good("Notify=yes\n", d->notify == NOTIFY_CONTAINER);
        health_good("Notify=true\n", d->notify == NOTIFY_CONTAINER);
        health_good("Notify=On\n", d->notify == NOTIFY_CONTAINER);
        health_good("Notify=1\n", d->notify == NOTIFY_CONTAINER);
        health_good("Notify=no\n", d->notify == NOTIFY_CONMON);
        health_good("Notify=yes\nNotify=false\n", d->notify == NOTIFY_CONMON);
        health_good("Notify=healthy\n", d->notify == NOTIFY_HEALTHY);
        health_good("Notify=HEALTHY\n", d->notify == NOTIFY_HEALTHY);
        /* Not refused without a HealthCmd=: the image may have a health check. */
        health_good("Notify=healthy\nHealthCmd=none\n", d->notify == NOTIFY_HEALTHY);
        key_bad("Notify=container\n", F ":3: key 'Notify': 'container' is not yes, no or healthy");
        key_bad("Notify=ignore\n", F ":3: key 'Notify': 'ignore' is not yes, no or healthy");
        key_bad("Notify=\n", F ":3: key 'Notify': empty value");

        /* HealthCmd=: one string, not words */
        health_good("HealthCmd=curl -f http://localhost/ || exit 1\n",
                    strv_equal(d->health_cmd, L("CMD-SHELL", "curl -f http://localhost/ || exit 1")));
        health_good("HealthCmd=  pg_isready -U 'app user'  \n", strv_equal(d->health_cmd, L("CMD-SHELL", "pg_isready -U 'app user'")));
        health_good("HealthCmd=[ -f /tmp/ready ]\n", strv_equal(d->health_cmd, L("CMD-SHELL", "[ -f /tmp/ready ]")));
        health_good("HealthCmd=[\"CMD\", \"/bin/check\", \"--quick\"]\n",
                    strv_equal(d->health_cmd, L("CMD", "/bin/check", "--quick")));
        health_good("HealthCmd=[\"/bin/check\", \"a b\"]\n", strv_equal(d->health_cmd, L("CMD", "/bin/check", "a b")));
        health_good("HealthCmd=[\"CMD-SHELL\", \"exit 0\"]\n", strv_equal(d->health_cmd, L("CMD-SHELL", "exit 0")));
        health_good("HealthCmd=none\n", strv_equal(d->health_cmd, L("NONE")) && d->health_cmd);
        health_good("HealthCmd=NONE\n", strv_equal(d->health_cmd, L("NONE")) && d->health_cmd);
        health_good("HealthCmd=a\nHealthCmd=b\n", strv_equal(d->health_cmd, L("CMD-SHELL", "b")));
        health_good("HealthCmd=echo a\\necho b\n", strv_equal(d->health_cmd, L("CMD-SHELL", "echo a\\necho b")));
        health_good("HealthCmd=\"exit 0 \"\n", strv_equal(d->health_cmd, L("CMD-SHELL", "exit 0 ")));
        key_bad("HealthCmd=\n", F ":3: key 'HealthCmd': empty value");
        key_bad("HealthCmd=\"\"\n", F ":3: key 'HealthCmd': empty value");
        key_bad("HealthCmd=[]\n", F ":3: key 'HealthCmd': '[]' is an empty array, not a command");
        key_bad("HealthCmd=[\"CMD\"]\n", F ":3: key 'HealthCmd': '[\"CMD\"]': CMD without a command after it");
        key_bad("HealthCmd=[\"CMD-SHELL\", \"a\", \"b\"]\n",
                F ":3: key 'HealthCmd': '[\"CMD-SHELL\", \"a\", \"b\"]': CMD-SHELL with 2 strings after it, not one");
        key_bad("HealthCmd=[\"NONE\", \"a\"]\n", F ":3: key 'HealthCmd': '[\"NONE\", \"a\"]': NONE with something after it");
        key_bad("HealthCmd=[\"CMD\", \"x\"\n",
                F ":3: key 'HealthCmd': '[\"CMD\", \"x\"' is not a JSON array of strings: the array does not end");
        key_bad("HealthCmd=[[\"x\"]]\n",
                F ":3: key 'HealthCmd': '[[\"x\"]]' is not a JSON array of strings: element 1 is not a string (byte 2)");
        key_bad("HealthCmd=[\"x\", 1]\n",
                F ":3: key 'HealthCmd': '[\"x\", 1]' is not a JSON array of strings: element 2 is not a string (byte 7)");
        key_bad("HealthCmd=[\"x\"] y\n",
                F ":3: key 'HealthCmd': '[\"x\"] y' is not a JSON array of strings: something after the array at byte 7");

        /* HealthStartupCmd=: "none" is no startup check */
        health_good("HealthStartupCmd=test -e /run/app.ready\n",
                    strv_equal(d->health_startup_cmd, L("CMD-SHELL", "test -e /run/app.ready")));
        health_good("HealthStartupCmd=[\"/bin/ready\"]\n", strv_equal(d->health_startup_cmd, L("CMD", "/bin/ready")));
        health_good("HealthStartupCmd=x\nHealthStartupCmd=none\n", !d->health_startup_cmd);
        health_good("HealthStartupCmd=[\"NONE\"]\n", !d->health_startup_cmd);
        key_bad("HealthStartupCmd=\n", F ":3: key 'HealthStartupCmd': empty value");
        key_bad("HealthStartupCmd=[]\n", F ":3: key 'HealthStartupCmd': '[]' is an empty array, not a command");

        /* HealthInterval= */
        health_good("HealthInterval=30s\n", d->health_interval_usec == SEC(30));
        health_good("HealthInterval=1m30s\n", d->health_interval_usec == SEC(90));
        health_good("HealthInterval=1.5h\n", d->health_interval_usec == SEC(5400));
        health_good("HealthInterval=1s\n", d->health_interval_usec == SEC(1));
        health_good("HealthInterval=1000ms\n", d->health_interval_usec == SEC(1));
        health_good("HealthInterval=10\n", d->health_interval_usec == SEC(10));
        health_good("HealthInterval=disable\n", d->health_interval_usec == 0);
        health_good("HealthInterval=disable\nHealthInterval=5s\n", d->health_interval_usec == SEC(5));
        key_bad("HealthInterval=0\n", F ":3: key 'HealthInterval': '0' is less than 1s, the least podman takes; 'disable' "
                                      "turns the automatic checks off");
        key_bad("HealthInterval=999ms\n", F ":3: key 'HealthInterval': '999ms' is less than 1s, the least podman takes; "
                                          "'disable' turns the automatic checks off");
        key_bad("HealthInterval=-5s\n", F ":3: key 'HealthInterval': '-5s' is negative");
        key_bad("HealthInterval=5 min\n", F ":3: key 'HealthInterval': '5 min' has an unknown unit ' min' (ns, us, µs, ms, s, m, h)");
        key_bad("HealthInterval=1h-1m\n", F ":3: key 'HealthInterval': '1h-1m' has an unknown unit 'h-' (ns, us, µs, ms, s, m, h)");
        key_bad("HealthInterval=Disable\n", F ":3: key 'HealthInterval': 'Disable' is not a duration (e.g. 30s, 1m30s, 500ms)");
        key_bad("HealthInterval=3000000h\n", F ":3: key 'HealthInterval': '3000000h' is longer than the longest duration "
                                             "(2562047h47m16.854775807s)");
        key_bad("HealthInterval=\n", F ":3: key 'HealthInterval': empty value");

        /* HealthTimeout=, HealthStartupInterval=, HealthStartupTimeout=: at least a second, no disable */
        health_good("HealthTimeout=5s\nHealthStartupInterval=2s\nHealthStartupTimeout=1.5s\n",
                    d->health_timeout_usec == SEC(5) && d->health_startup_interval_usec == SEC(2) &&
                            d->health_startup_timeout_usec == 1500000);
        key_bad("HealthTimeout=0\n", F ":3: key 'HealthTimeout': '0' is less than 1s, the least podman takes");
        key_bad("HealthTimeout=500ms\n", F ":3: key 'HealthTimeout': '500ms' is less than 1s, the least podman takes");
        key_bad("HealthTimeout=disable\n", F ":3: key 'HealthTimeout': 'disable' is not a duration (e.g. 30s, 1m30s, 500ms)");
        key_bad("HealthStartupInterval=disable\n",
                F ":3: key 'HealthStartupInterval': 'disable' is not a duration (e.g. 30s, 1m30s, 500ms)");
        key_bad("HealthStartupInterval=0.5\n", F ":3: key 'HealthStartupInterval': '0.5' is less than 1s, the least podman takes");
        key_bad("HealthStartupTimeout=1x\n", F ":3: key 'HealthStartupTimeout': '1x' has an unknown unit 'x' (ns, us, µs, ms, s, m, h)");

        /* HealthStartPeriod=: 0 too */
        health_good("HealthStartPeriod=0\n", d->health_start_period_usec == 0);
        health_good("HealthStartPeriod=2m\n", d->health_start_period_usec == SEC(120));
        health_good("HealthStartPeriod=250ms\n", d->health_start_period_usec == 250000);
        key_bad("HealthStartPeriod=-1s\n", F ":3: key 'HealthStartPeriod': '-1s' is negative");
        key_bad("HealthStartPeriod=disable\n", F ":3: key 'HealthStartPeriod': 'disable' is not a duration (e.g. 30s, 1m30s, 500ms)");

        /* HealthRetries=: 1…1000000 */
        health_good("HealthRetries=3\n", d->health_retries == 3);
        health_good("HealthRetries=1\n", d->health_retries == 1);
        health_good("HealthRetries=1000000\n", d->health_retries == 1000000);
        key_bad("HealthRetries=0\n", F ":3: key 'HealthRetries': '0' is not a number in 1…1000000");
        key_bad("HealthRetries=1000001\n", F ":3: key 'HealthRetries': '1000001' is not a number in 1…1000000");
        key_bad("HealthRetries=99999999999999999999\n",
                F ":3: key 'HealthRetries': '99999999999999999999' is not a number in 1…1000000");
        key_bad("HealthRetries=-1\n", F ":3: key 'HealthRetries': '-1' is not a number in 1…1000000");
        key_bad("HealthRetries=3x\n", F ":3: key 'HealthRetries': '3x' is not a number in 1…1000000");
        key_bad("HealthRetries=\n", F ":3: key 'HealthRetries': empty value");

        /* HealthStartupRetries=, HealthStartupSuccess=: 0…1000000; without HealthStartupCmd= too
         * (podman ignores them then) */
        health_good("HealthStartupRetries=0\nHealthStartupSuccess=0\n",
                    d->health_startup_retries == 0 && d->health_startup_success == 0 && !d->health_startup_cmd);
        health_good("HealthStartupRetries=5\nHealthStartupSuccess=2\n",
                    d->health_startup_retries == 5 && d->health_startup_success == 2);
        key_bad("HealthStartupRetries=1000001\n", F ":3: key 'HealthStartupRetries': '1000001' is not a number in 0…1000000");
        key_bad("HealthStartupSuccess=two\n", F ":3: key 'HealthStartupSuccess': 'two' is not a number in 0…1000000");

        /* HealthOnFailure= */
        health_good("HealthOnFailure=none\n", d->health_on_failure == HEALTH_ON_FAILURE_NONE);
        health_good("HealthOnFailure=kill\n", d->health_on_failure == HEALTH_ON_FAILURE_KILL);
        health_good("HealthOnFailure=restart\n", d->health_on_failure == HEALTH_ON_FAILURE_RESTART);
        health_good("HealthOnFailure=stop\n", d->health_on_failure == HEALTH_ON_FAILURE_STOP);
        key_bad("HealthOnFailure=Kill\n", F ":3: key 'HealthOnFailure': 'Kill' is not none, kill, restart or stop");
        key_bad("HealthOnFailure=exit\n", F ":3: key 'HealthOnFailure': 'exit' is not none, kill, restart or stop");
        key_bad("HealthOnFailure=\n", F ":3: key 'HealthOnFailure': empty value");

        /* Not in [Install]. */
        parse_bad("[Container]\nImage=img\n[Install]\nHealthCmd=x\n", F ":4: key 'HealthCmd': unknown key in section [Install]");
}

static void test_capabilities(void) {
        Definition *d;

        d = parse_ok("AddCapability=CAP_NET_ADMIN sys_time\nAddCapability=Cap_Chown\nDropCapability=ALL\n");
        if (d) {
                ok(d->caps_add == (CAP(12) | CAP(25) | CAP(0)),
                   "NET_ADMIN is bit 12, SYS_TIME 25, CHOWN 0 (%#llx)", (unsigned long long) d->caps_add);
                ok(d->caps_drop == (CAP(CAP_LAST_CAP) | (CAP(CAP_LAST_CAP) - 1)),
                   "ALL is bits 0…CAP_LAST_CAP (%#llx)", (unsigned long long) d->caps_drop);
                ok(d->caps_drop & CAP(40), "ALL includes CAP_CHECKPOINT_RESTORE (40)");
        }
        definition_free(d);
        d = parse_ok("AddCapability=net_admin all\nDropCapability=NET_RAW\nDropCapability=\n");
        if (d) {
                ok_eq_int(d->caps_add, CAP(CAP_LAST_CAP + 1) - 1);
                ok_eq_int(d->caps_drop, 0);
        }
        definition_free(d);
        const char *bad[] = {
                "12", "NET_ADMIN,CHOWN", "CAP_", "NET", "CAP_CAP_CHOWN", "NET-ADMIN", "cap_foo"
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char
                        *body = strjoin("AddCapability=CHOWN ", bad[i], "\n"),
                        *msg = strjoin(F ":3: key 'AddCapability': '", bad[i],
                                       "' is not a capability name (e.g. NET_ADMIN, CAP_SYS_TIME, ALL)");
                key_bad(body, msg);
        }
}

/* Values of keys that do not take words: as written, or one quoted word (definition-quote.h). */
static void test_quoted_values(void) {
        Definition *d;

        /* The line ends in a quote, not in the value's backslash: the next key is its own. */
        d = parse_ok("Volume=\"/tmp:/data\\\"\nEnvironment=FOO=bar\n");
        if (d) {
                ok(strv_equal(d->volumes, (char *const[]) { "/tmp:/data\\", NULL }), "a trailing backslash, quoted");
                ok(strv_equal(d->environment, (char *const[]) { "FOO=bar", NULL }), "  … and the next line stays");
        }
        definition_free(d);
        /* Quadlet's Lookup(): a "…" pair around the value goes, nothing inside is unescaped. */
        d = parse_ok("Volume=\"/tmp:/a b \"\nVolume=\"/tmp:/c\\x20\"\nVolume=/tmp:/\"d\nVolume=/tmp:/'e'\n");
        if (d)
                ok(strv_equal(d->volumes, (char *const[]) { "/tmp:/a b ", "/tmp:/c\\x20", "/tmp:/\"d", "/tmp:/'e'", NULL }),
                   "quoted values: \"…\" as written inside; a quote in part as written");
        definition_free(d);
        key_bad("WorkingDir=\" /x\"\n", F ":3: key 'WorkingDir': ' /x' is not an absolute, normalised path");
        key_bad("Volume=\"\"\n", F ":3: key 'Volume': empty value");
        key_bad("Volume=/tmp:/a\nVolume=\"\"\n", F ":4: key 'Volume': empty value");
        key_bad("HostName=\"a\" \"b\"\n", F ":3: key 'HostName': 'a\" \"b' is not a valid host name (RFC 1123, at most 64 characters)");
        d = parse_ok("Volume=/tmp:/a\nVolume=\nVolume=/tmp:/b\n");
        if (d)
                ok(strv_equal(d->volumes, (char *const[]) { "/tmp:/b", NULL }), "an empty value still resets");
        definition_free(d);
        d = parse_ok("HostName=\"web\"\nUser=app:100\nImage=\"img2\"\n");
        if (d) {
                ok_streq(d->hostname, "web");
                ok_streq(d->user, "app:100");
                ok_streq(d->image, "img2");
        }
        definition_free(d);

        /* Words: systemd's C escapes, quoted or not. */
        d = parse_ok("Environment=\"A=1\\n2\" B=\\x41\\101\\t\\'\\\\ C=\"\\\"$\" D=\\033[0m\n");
        if (d)
                ok(strv_equal(d->environment, (char *const[]) { "A=1\n2", "B=AA\t'\\", "C=\"$", "D=\x1b[0m", NULL }),
                   "C escapes in words");
        definition_free(d);
        key_bad("Exec=echo \\x00\n", F ":3: key 'Exec': 'echo \\x00' has an escape for a NUL byte or no character, which no value can hold");
        key_bad("Exec=echo 'abc\n", F ":3: key 'Exec': unterminated quote or trailing backslash in 'echo 'abc'");
        key_bad("Exec='test\\.com'\n", F ":3: key 'Exec': ''test\\.com'' has an escape systemd does not know (\\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\' \\s \\xHH \\NNN \\uXXXX \\UXXXXXXXX)");
}

/* What one file can make the parser, the generator and the runtime do is bounded. */
static void test_limits(void) {
        _cleanup_free_ char *text = NULL, *error = NULL, *msg = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        size_t n;
        int r;

        /* The size: up to DEFINITION_SIZE_MAX, text as files. */
        text = malloc(DEFINITION_SIZE_MAX + 2);
        n = (size_t) sprintf(text, "[Container]\nImage=img\n");
        memset(text + n, '#', DEFINITION_SIZE_MAX - n);
        text[DEFINITION_SIZE_MAX] = 0;
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == 0, "a definition of DEFINITION_SIZE_MAX bytes parses (%d: %s)", r, error ?: "");
        d = definition_free(d);
        text[DEFINITION_SIZE_MAX] = '#';
        text[DEFINITION_SIZE_MAX + 1] = 0;
        r = definition_parse_string(text, "berth run", "web", &d, &error);
        ok_eq_int(r, -EFBIG);
        ok_streq(error, "berth run: larger than 262144 bytes, the most a definition may hold");
        free(error);
        error = NULL;
        free(text);

        /* Mounts: 1024 of the three keys together, then no more. */
        {
                FILE *f;
                size_t size;

                f = open_memstream(&text, &size);
                fputs("[Container]\nImage=img\n", f);
                for (unsigned i = 0; i < DEFINITION_MOUNTS_MAX; i++)
                        fprintf(f, i % 3 == 0 ? "Volume=/tmp:/v%u\n" : i % 3 == 1 ? "Tmpfs=/t%u\n" : "VolumesFrom=c%u\n", i);
                fclose(f);
        }
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == 0 && d && strv_length(d->volumes) + strv_length(d->tmpfs) + strv_length(d->volumes_from) == 1024,
           "1024 mounts (%d: %s)", r, error ?: "");
        d = definition_free(d);
        msg = strjoin(text, "Tmpfs=/last\n");
        free(text);
        text = NULL;
        r = definition_parse_string(msg, F, "web", &d, &error);
        ok_eq_int(r, -EINVAL);
        ok_streq(error, F ":1027: key 'Tmpfs': more than 1024 mounts (Volume=, Tmpfs=, Mount= and VolumesFrom= together)");
        free(error);
        error = NULL;
        free(msg);
        msg = NULL;

        /* Units named: Link=, WantedBy= and RequiredBy= together; a repeated unit counts once, and
         * an empty value that resets gives the room back. */
        {
                FILE *f;
                size_t size;

                f = open_memstream(&text, &size);
                fputs("[Container]\nImage=img\n", f);
                for (unsigned i = 0; i < 300; i++)
                        fprintf(f, "Link=gone%u\n", i);
                fputs("Link=\n", f);
                for (unsigned i = 0; i < 100; i++)
                        fprintf(f, "Link=c%u:alias%u\n", i, i);
                fputs("[Install]\n", f);
                for (unsigned i = 0; i < 100; i++)
                        fprintf(f, "WantedBy=t%u.target t%u.target\n", i, i);
                for (unsigned i = 0; i < 56; i++)
                        fprintf(f, "RequiredBy=r%u.service\n", i);
                fclose(f);
        }
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == -EINVAL && error && strstr(error, ":259: key 'Link': more than 256 units named"),
           "the 257th link is refused (%s)", error ?: "");
        free(error);
        error = NULL;
        /* Without the first 300 links: exactly 256. */
        {
                char *after = strstr(text, "Link=\n");

                msg = strjoin("[Container]\nImage=img\n", after);
        }
        r = definition_parse_string(msg, F, "web", &d, &error);
        ok(r == 0 && d && strv_length(d->links) == 100 && strv_length(d->wanted_by) == 100 &&
                   strv_length(d->required_by) == 56,
           "256 units named (%d: %s)", r, error ?: "");
        d = definition_free(d);
        free(text);
        text = strjoin(msg, "RequiredBy=one-more.target\n");
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == -EINVAL && error &&
                   endswith(error, "key 'RequiredBy': more than 256 units named (Link=, WantedBy=, RequiredBy=, UpheldBy= and Also= together)"),
           "the 257th unit is refused (%s)", error ?: "");
}

/* Many entries, repeated names, long lines: the answers of the small cases, at scale. */
static void test_at_scale(void) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        FILE *f;
        size_t size;
        int r;

        /* 6000 Environment= lines over 1000 names: first places kept, last values. */
        f = open_memstream(&text, &size);
        fputs("[Container]\nImage=img\n", f);
        for (unsigned i = 0; i < 6000; i++)
                fprintf(f, "Environment=V%u=%u\n", (i * 7) % 1000, i);
        fputs("Sysctl=", f);
        for (unsigned i = 0; i < 3000; i++)
                fprintf(f, "net.x%u=%u ", i % 500, i);
        fputs("\nExec=", f);
        for (unsigned i = 0; i < 5000; i++)
                fprintf(f, "w%u \\\n#c\n", i);
        fputs("last\n", f);
        fclose(f);
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == 0, "parses (%d: %s)", r, error ?: "");
        if (r < 0)
                return;
        {
                bool good = strv_length(d->environment) == 1000;

                for (unsigned j = 0; good && j < 1000; j++) {
                        /* Name V((j*7)%1000) first appeared at i = j; its last value is the
                         * largest i < 6000 with (i*7)%1000 == (j*7)%1000, that is j + 5000. */
                        char want[64];

                        snprintf(want, sizeof(want), "V%u=%u", (j * 7) % 1000, j + 5000);
                        good = streq(d->environment[j], want);
                }
                ok(good, "Environment: 1000 names in first-seen order with their last values");
        }
        {
                bool good = strv_length(d->sysctls) == 500;

                for (unsigned j = 0; good && j < 500; j++) {
                        char want[64];

                        snprintf(want, sizeof(want), "net.x%u=%u", j, j + 2500);
                        good = streq(d->sysctls[j], want);
                }
                ok(good, "Sysctl: 500 keys, the last values");
        }
        {
                bool good = strv_length(d->exec) == 5001 && streq(d->exec[5000], "last");

                for (unsigned j = 0; good && j < 5000; j++) {
                        char want[32];

                        snprintf(want, sizeof(want), "w%u", j);
                        good = streq(d->exec[j], want);
                }
                ok(good, "Exec: 5000 continued lines with comments between them");
        }
}

/* PublishPort='s index against port_spec_conflict() asked of every pair: random sequences from a
 * small domain, so that conflicts are common. */
static void test_publish_port_conflicts(void) {
        static const char *const addrs[] = { "", "127.0.0.1:", "127.0.0.2:", "0.0.0.0:", "[::1]:", "[::]:", "[fd00::2]:" };
        static const char *const protos[] = { "", "/udp" };
        unsigned seed = 12345, mismatches = 0, refusals = 0;

        for (unsigned round = 0; round < 300; round++) {
                _cleanup_free_ char *text = NULL;
                _cleanup_strv_free_ char **accepted = NULL;
                FILE *f;
                size_t size;

                f = open_memstream(&text, &size);
                fputs("[Container]\nImage=img\n", f);
                fclose(f);
                for (unsigned k = 0; k < 12; k++) {
                        _cleanup_(definition_freep) Definition *d = NULL;
                        _cleanup_free_ char *error = NULL, *spec = NULL, *next = NULL;
                        PortSpec p;
                        bool conflict = false;

                        seed = seed * 1103515245 + 12345;
                        if (asprintf(&spec, "%s%u:80%s", addrs[(seed >> 8) % ELEMENTSOF(addrs)], 8000 + (seed >> 20) % 3,
                                     protos[(seed >> 16) % 2]) < 0)
                                return;
                        if (port_spec_parse(spec, &p) < 0) {
                                mismatches++;
                                continue;
                        }
                        STRV_FOREACH(a, accepted) {
                                PortSpec q;

                                if (port_spec_parse(*a, &q) >= 0 && port_spec_conflict(&p, &q))
                                        conflict = true;
                        }
                        next = strjoin(text, "PublishPort=", spec, "\n");
                        if (definition_parse_string(next, F, "web", &d, &error) >= 0) {
                                mismatches += conflict;
                                free(text);
                                text = TAKE_PTR(next);
                                strv_extend(&accepted, spec);
                        } else {
                                mismatches += !conflict || !strstr(error, "takes the same host port as");
                                refusals++;
                        }
                }
        }
        ok(mismatches == 0, "the index and the pairwise rule agree (%u mismatches, %u refusals)", mismatches, refusals);
        ok(refusals > 100, "  … on many conflicts (%u)", refusals);
        key_bad("PublishPort=127.0.0.1:8080:80\nPublishPort=8080:81\n",
                F ":4: key 'PublishPort': '8080:81' takes the same host port as '127.0.0.1:8080:80'");
        key_bad("PublishPort=[::1]:8080:80\nPublishPort=[::]:8080:81\n",
                F ":4: key 'PublishPort': '[::]:8080:81' takes the same host port as '[::1]:8080:80'");
        key_bad("PublishPort=0.0.0.0:8080:80\nPublishPort=127.0.0.1:8080:81\n",
                F ":4: key 'PublishPort': '127.0.0.1:8080:81' takes the same host port as '0.0.0.0:8080:80'");
}

static void test_messages_one_line(void) {
        _cleanup_free_ char *long_value = NULL, *text = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        parse_bad("[Container]\nImage=img\nUser=a\tb\x1b[31m\n",
                  F ":3: key 'User': 'a\\tb\\x1b[31m' is not USER or USER:GROUP (names matching "
                    "[a-z_][a-z0-9_-]*, or numbers)");
        /* A control character a word can only get through an escape is shown escaped too. */
        parse_bad("[Container]\nImage=img\nEnvironment=\"A B=\\x01\"\n",
                  F ":3: key 'Environment': 'A B=\\x01' is not an assignment K=V, or a variable's name K, with K matching [A-Za-z_][A-Za-z0-9_]*");
        long_value = malloc(5001);
        memset(long_value, 'x', 5000);
        long_value[5000] = 0;
        text = strjoin("[Container]\nImage=", long_value, "\n");
        r = definition_parse_string(text, F, "web", &d, &error);
        ok_eq_int(r, -EINVAL);
        ok(error && strlen(error) < 250 && !strchr(error, '\n') && strstr(error, "xxx...'"),
           "long values are cut (%zu)", error ? strlen(error) : 0);
}

static void test_signals(void) {
        ok_eq_int(signal_from_string("SIGKILL"), SIGKILL);
        ok_eq_int(signal_from_string("kill"), SIGKILL);
        ok_eq_int(signal_from_string("sigRTmin"), -EINVAL);
        ok_eq_int(signal_from_string(""), -EINVAL);
        ok_eq_int(signal_from_string("1"), 1);
        ok_streq(signal_to_string(SIGTERM), "SIGTERM");
        ok_streq(signal_to_string(SIGPWR), "SIGPWR");
        ok(!signal_to_string(40), "no name for 40");
        ok_streq(network_mode_to_string(NETWORK_CONTAINER), "container");
        ok(!network_mode_to_string(_NETWORK_MODE_INVALID), "no name for invalid");
        ok_eq_int(network_mode_from_string("host"), NETWORK_HOST);
        ok_eq_int(network_mode_from_string("HOST"), _NETWORK_MODE_INVALID);
}

/* Multi-line text as TAP diagnostics. */
static void print_diagnostic(const char *text) {
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");

                printf("# %.*s\n", (int) n, p);
                p += n;
                if (*p)
                        p++;
        }
}

static void round_trip(const Definition *d, const char *what) {
        _cleanup_(definition_freep) Definition *back = NULL;
        _cleanup_free_ char *text = NULL, *text2 = NULL, *error = NULL;
        int r;

        r = definition_to_string(d, &text);
        ok(r == 0 && text, "%s: serialises (%d)", what, r);
        if (r < 0)
                return;
        r = definition_parse_string(text, "round-trip", d->name, &back, &error);
        if (!ok(r == 0, "%s: reads back (%d: %s)", what, r, error ?: "") ||
            !ok(definition_equal(d, back), "%s: equal after the round trip", what))
                print_diagnostic(text);
        if (r < 0)
                return;
        r = definition_to_string(back, &text2);
        ok(r == 0 && streq(text, text2), "%s: same text twice", what);
}

static void test_round_trip(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *m = NULL, *parsed = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;
        int r;

        /* The minimal one: just the image. */
        m = definition_new("min");
        m->image = strdup("img");
        round_trip(m, "minimal");
        r = definition_to_string(m, &text);
        ok(r == 0 && streq(text, "[Container]\nImage=img\n"), "minimal text (got %s)", ONELINE(text));
        free(text);
        text = NULL;

        /* Everything, with awkward strings. */
        d = definition_new("web");
        d->image = strdup("my-image_1.0");
        d->exec = strv_copy((char *const[]) { "/bin/sh", "-c", "echo \"it's $HOME\" \\ `id` ; exit 1", "",
                                             "  ", "a'b'c", "'", "\\", "\\\\", "#x", ";y", "tab\there",
                                             "end\\", NULL });
        d->entrypoint = strv_copy((char *const[]) { NULL });
        d->environment = strv_copy((char *const[]) { "A=it's", "B=$HOME \"q\"", "C=", "D=back\\slash\\",
                                                    "E= lead and trail ", "F=x=y", "G=\\", NULL });
        d->environment_files = strv_copy((char *const[]) { "/etc/a b.env", "/etc/c'd.env", "/x\\y", NULL });
        d->working_dir = strdup("/srv/my app/$x");
        d->user = strdup("app:100");
        d->hostname = strdup("web-1.example");
        d->memory_max = 1536ULL << 20;
        d->cpu_weight = 7;
        d->pids_limit = 42;
        d->caps_add = CAP(12) | CAP(0) | CAP(CAP_LAST_CAP);
        d->caps_drop = CAP(CAP_LAST_CAP + 1) - 1;
        d->privileged = d->read_only = d->run_init = true;
        d->no_new_privileges = d->seccomp_unconfined = true;
        d->restart = RESTART_UNLESS_STOPPED;
        d->stop_signal = 40;
        d->stop_timeout_usec = 0;
        d->network = NETWORK_CONTAINER;
        d->network_container = strdup("db");
        d->ip = strdup("10.88.1.2");
        d->publish_ports = strv_copy((char *const[]) { "8080:80", "[::1]:53:53/udp", NULL });
        d->expose_ports = strv_copy((char *const[]) { "5432/tcp", NULL });
        d->links = strv_copy((char *const[]) { "db", "cache:redis", NULL });
        d->dns = strv_copy((char *const[]) { "9.9.9.9", NULL });
        d->add_hosts = strv_copy((char *const[]) { "gw:fd00::1", NULL });
        d->sysctls = strv_copy((char *const[]) { "kernel.sem=250 32000 32 128", "fs.mqueue.msg_max=20", NULL });
        d->wanted_by = strv_copy((char *const[]) { "multi-user.target", "x@y.service", NULL });
        d->required_by = strv_copy((char *const[]) { "z.target", NULL });
        d->notify = NOTIFY_HEALTHY;
        d->health_cmd = strv_copy((char *const[]) { "CMD-SHELL", "curl -f http://localhost/ || exit 1", NULL });
        d->health_interval_usec = 90 * 1000000ULL;
        d->health_timeout_usec = 1500000;
        d->health_start_period_usec = 0;
        d->health_retries = 7;
        d->health_on_failure = HEALTH_ON_FAILURE_RESTART;
        d->health_startup_cmd = strv_copy((char *const[]) { "CMD", "/bin/ready", "it's \"ready\"", "", NULL });
        d->health_startup_interval_usec = 3661000001ULL;
        d->health_startup_timeout_usec = 1000000;
        d->health_startup_retries = 1000000;
        d->health_startup_success = 3;
        round_trip(d, "everything");

        d->stop_signal = SIGKILL;
        d->stop_timeout_usec = 3600 * 1000000ULL;
        d->network = NETWORK_HOST;
        free(d->network_container);
        d->network_container = NULL;
        strv_free(d->entrypoint);
        d->entrypoint = NULL;
        round_trip(d, "everything, host network");
        d->network = NETWORK_NONE;
        round_trip(d, "everything, no network");
        d->pids_limit = UINT64_MAX;
        round_trip(d, "everything, no task limit (not berth.conf's default)");

        /* Health checks, each way they can be written. */
        d->notify = NOTIFY_CONTAINER;
        d->health_interval_usec = 0;
        d->health_start_period_usec = 250000;
        d->health_on_failure = HEALTH_ON_FAILURE_KILL;
        round_trip(d, "everything, Notify=yes, HealthInterval=disable");
        {
                static const char *const shells[] = { "none", "NONE", " x ", "[ -f /x ]", "[\"a\"]", "[x", "", "echo a; echo b",
                                                      "'q' \"q\"", "x\\", "\"x\"", "$'x' 50%", "\xc3\xa9\xff", "# c", "; s" };
                for (size_t i = 0; i < ELEMENTSOF(shells); i++) {
                        char what[128];

                        strv_free(d->health_cmd);
                        d->health_cmd = strv_copy((char *const[]) { "CMD-SHELL", (char *) shells[i], NULL });
                        snprintf(what, sizeof(what), "HealthCmd= a shell's string, #%zu", i);
                        round_trip(d, what);
                }
                strv_free(d->health_cmd);
                d->health_cmd = strv_copy((char *const[]) { "CMD", "CMD", "[", "]", "\"", "\\", "\n\x01", "\xf0\x9f\x90\xb3", NULL });
                round_trip(d, "HealthCmd= a command of awkward words");
                strv_free(d->health_cmd);
                d->health_cmd = strv_copy((char *const[]) { "NONE", NULL });
                round_trip(d, "HealthCmd=none");
        }
        r = definition_to_string(d, &text);
        ok(r == 0 && strstr(text, "\nNotify=yes\nHealthCmd=none\nHealthInterval=disable\nHealthTimeout=1.5s\n"
                                  "HealthStartPeriod=250ms\nHealthRetries=7\nHealthOnFailure=kill\n"
                                  "HealthStartupCmd=[\"CMD\",\"/bin/ready\",\"it's \\\"ready\\\"\",\"\"]\n"
                                  "HealthStartupInterval=1h1m1.000001s\nHealthStartupTimeout=1s\n"
                                  "HealthStartupRetries=1000000\nHealthStartupSuccess=3\n"),
           "the health keys' text (%s)", ONELINE(text));
        free(text);
        text = NULL;

        /* What the parser would not take back cannot be written. */
        {
                static const struct {
                        size_t offset;
                        uint64_t value;
                } bad_durations[] = {
                        { offsetof(Definition, health_interval_usec), 999999 },
                        { offsetof(Definition, health_timeout_usec), 0 },
                        { offsetof(Definition, health_timeout_usec), 999999 },
                        { offsetof(Definition, health_startup_interval_usec), 0 },
                        { offsetof(Definition, health_startup_timeout_usec), 1 },
                };
                for (size_t i = 0; i < ELEMENTSOF(bad_durations); i++) {
                        uint64_t *field = (uint64_t *) ((uint8_t *) d + bad_durations[i].offset), old = *field;

                        *field = bad_durations[i].value;
                        ok(definition_to_string(d, &text) == -EINVAL && !text, "duration #%zu: %" PRIu64 " µs is not written",
                           i, bad_durations[i].value);
                        *field = old;
                }
        }
        d->health_retries = 1000001;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        d->health_retries = 3;
        d->health_startup_success = UINT_MAX;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        d->health_startup_success = 0;
        d->notify = _NOTIFY_MODE_MAX;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        d->notify = NOTIFY_CONMON;
        d->health_on_failure = _HEALTH_ON_FAILURE_MAX;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        d->health_on_failure = HEALTH_ON_FAILURE_NONE;
        strv_free(d->health_startup_cmd);
        d->health_startup_cmd = strv_copy((char *const[]) { "NONE", NULL });
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        strv_free(d->health_startup_cmd);
        d->health_startup_cmd = strv_copy((char *const[]) { "CMD", NULL });
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        strv_free(d->health_startup_cmd);
        d->health_startup_cmd = NULL;
        strv_free(d->health_cmd);
        d->health_cmd = strv_copy((char *const[]) { "CMD", "\xff", NULL });
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        strv_free(d->health_cmd);
        d->health_cmd = strv_copy((char *const[]) { NULL });
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        ok(!text, "nothing written on failure");
        strv_free(d->health_cmd);
        d->health_cmd = NULL;
        round_trip(d, "everything, health keys unset again");

        /* definition_equal() sees each health field. */
        {
                _cleanup_(definition_freep) Definition *a = definition_new("x"), *b = definition_new("x");

                ok(definition_equal(a, b), "fresh definitions are equal");
                b->health_cmd = strv_copy((char *const[]) { NULL });
                ok(!definition_equal(a, b), "HealthCmd= NULL and empty differ");
                b->health_cmd = strv_free(b->health_cmd);
                b->health_startup_cmd = strv_copy((char *const[]) { NULL });
                ok(!definition_equal(a, b), "HealthStartupCmd= NULL and empty differ");
                b->health_startup_cmd = strv_free(b->health_startup_cmd);
#define DIFFERS(field, v)                                                         \
        do {                                                                      \
                __typeof__(b->field) _old_ = b->field;                            \
                b->field = (v);                                                   \
                ok(!definition_equal(a, b), "definition_equal() sees " #field);   \
                b->field = _old_;                                                 \
        } while (0)
                DIFFERS(notify, NOTIFY_HEALTHY);
                DIFFERS(health_interval_usec, 0);
                DIFFERS(health_timeout_usec, 1);
                DIFFERS(health_start_period_usec, 1);
                DIFFERS(health_retries, 1);
                DIFFERS(health_on_failure, HEALTH_ON_FAILURE_STOP);
                DIFFERS(health_startup_interval_usec, 1);
                DIFFERS(health_startup_timeout_usec, 1);
                DIFFERS(health_startup_retries, 1);
                DIFFERS(health_startup_success, 1);
#undef DIFFERS
                ok(definition_equal(a, b), "and equal again");
        }

        /* And from a file, through definition_to_string(). */
        r = definition_parse_string("[Container]\nImage=img\nExec=echo 'a  b' \"c\\\"d\" e\\sf %%i\n"
                                    "Environment=\"X=1 2\" Y=\\n\nAddCapability=all\n[Unit]\nAfter=x.service\n"
                                    "[Service]\nRestartSec=5\n[Install]\nUpheldBy=a.target\nDefaultInstance=one\nAlso=b.service\n",
                                    F, "web", &parsed, &error);
        ok(r == 0, "parses (%s)", error ?: "");
        if (r == 0)
                round_trip(parsed, "parsed");

        /* Words with newlines and other control characters are written in $'…' and read back;
         * values of the other keys with a trailing backslash, surrounding blanks or a leading
         * quote are written quoted and read back. */
        strv_free(d->environment);
        d->environment = strv_copy((char *const[]) { "A=line1\nline2", "B=\x1b[31m\t\r\x7f'\\", "C=\xc3\xa9t\xc3\xa9", NULL });
        strv_free(d->exec);
        d->exec = strv_copy((char *const[]) { "sh", "-c", "echo a\necho b\n", "\x01", NULL });
        free(d->working_dir);
        d->working_dir = strdup("/a\\");
        d->volumes = strv_copy((char *const[]) { "/tmp:/data\\", "/tmp:/data2 ", "/tmp:/'q", "/tmp:/\"dq\"", "/tmp:/%$\xc3\xa9", NULL });
        d->tmpfs = strv_copy((char *const[]) { "/t \\", NULL });
        round_trip(d, "control characters, trailing backslashes, blanks, quotes");
        r = definition_to_string(d, &text);
        ok(r == 0 && strstr(text, "\nWorkingDir=\"/a\\\"\n") && strstr(text, "\nVolume=\"/tmp:/data\\\"\n") &&
                   strstr(text, "\nEnvironment=\"A=line1\\nline2\"\n") && strstr(text, "\nVolume=/tmp:/%%$\xc3\xa9\n"),
           "quoted only where needed (%s)", ONELINE(text));
        free(text);
        text = NULL;
        strv_free(d->volumes);
        d->volumes = NULL;
        strv_free(d->tmpfs);
        d->tmpfs = NULL;

        /* What no key of a path or name takes cannot be written for one. */
        free(d->working_dir);
        d->working_dir = strdup("/a\nb");
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        free(d->working_dir);
        d->working_dir = strdup("");
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        free(d->working_dir);
        d->working_dir = NULL;
        d->stop_timeout_usec = 1500000;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        d->stop_timeout_usec = 0;
        free(d->image);
        d->image = NULL;
        ok_eq_int(definition_to_string(d, &text), -EINVAL);
        ok(!text, "nothing written on failure");
}

static int write_file(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *p = strjoin(dir, "/", name);

        return p ? write_string_file(p, text, 0644, /* atomic= */ false) : -ENOMEM;
}

static void test_load(void) {
        char etc[] = "/tmp/test-definition-etc.XXXXXX", run[] = "/tmp/test-definition-run.XXXXXX";
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *error = NULL, *path = NULL, *env = NULL;
        char *dirs[3];
        int r;

        if (!mkdtemp(etc) || !mkdtemp(run)) {
                ok(false, "mkdtemp");
                return;
        }
        dirs[0] = etc;
        dirs[1] = run;
        dirs[2] = NULL;

        ok_eq_int(write_file(etc, "web.container", "[Container]\nImage=from-etc\n"), 0);
        ok_eq_int(write_file(run, "web.container", "[Container]\nImage=from-run\n"), 0);
        ok_eq_int(write_file(run, "db.container", "[Container]\nImage=db\n"), 0);
        ok_eq_int(write_file(run, "bad.container", "[Container]\nImage=img\nBogus=1\n"), 0);

        r = definition_load("web", dirs, &d, &error);
        ok(r == 0 && d && streq(d->image, "from-etc"), "/etc wins over /run");
        path = strjoin(etc, "/web.container");
        ok(d && streq(d->path, path), "path recorded");
        d = definition_free(d);

        r = definition_load("db", dirs, &d, &error);
        ok(r == 0 && d && streq(d->image, "db"), "found in the second directory");
        d = definition_free(d);

        r = definition_load("nope", dirs, &d, &error);
        ok_eq_int(r, -ENOENT);
        ok_streq(error, "no such container nope");
        free(error);
        error = NULL;

        r = definition_load("bad", dirs, &d, &error);
        ok_eq_int(r, -EINVAL);
        free(path);
        path = strjoin(run, "/bad.container:3: key 'Bogus': unknown key in section [Container]");
        ok_streq(error, path);
        free(error);
        error = NULL;

        r = definition_load("../etc/web", dirs, &d, &error);
        ok_eq_int(r, -EINVAL);
        ok_streq(error, "invalid container name '../etc/web': names must match " NAME_RULE
                        " (or NAME@INSTANCE for an instance of NAME@.container)");
        free(error);
        error = NULL;

        /* $BERTH_DEFINITION_PATH replaces the defaults; here /run comes first. */
        env = strjoin(run, " ", etc);
        setenv("BERTH_DEFINITION_PATH", env, 1);
        berth_paths_reset();
        r = definition_load("web", NULL, &d, &error);
        ok(r == 0 && d && streq(d->image, "from-run"), "BERTH_DEFINITION_PATH order");
        d = definition_free(d);
        setenv("BERTH_DEFINITION_PATH", "", 1);
        berth_paths_reset();
        r = definition_load("web", NULL, &d, &error);
        ok_eq_int(r, -ENOENT);
        free(error);
        error = NULL;
        unsetenv("BERTH_DEFINITION_PATH");
        berth_paths_reset();

        /* definition_parse_file(): missing, a directory, too big, NUL bytes. */
        free(path);
        path = strjoin(etc, "/missing.container");
        r = definition_parse_file(path, NULL, &d, &error);
        ok_eq_int(r, -ENOENT);
        {
                _cleanup_free_ char *msg = strjoin(path, ": No such file or directory");
                ok_streq(error, msg);
        }
        free(error);
        error = NULL;

        r = definition_parse_file(etc, "web", &d, &error);
        ok_eq_int(r, -EISDIR);
        free(error);
        error = NULL;

        {
                _cleanup_free_ char *big = malloc(DEFINITION_SIZE_MAX + 2), *msg = NULL;

                memset(big, '#', DEFINITION_SIZE_MAX + 1);
                big[DEFINITION_SIZE_MAX + 1] = 0;
                ok_eq_int(write_file(etc, "big.container", big), 0);
                free(path);
                path = strjoin(etc, "/big.container");
                r = definition_parse_file(path, NULL, &d, &error);
                ok_eq_int(r, -EFBIG);
                msg = strjoin(path, ": larger than 262144 bytes, the most a definition may hold");
                ok_streq(error, msg);
                free(error);
                error = NULL;
                (void) unlink(path);
        }
        {
                _cleanup_free_ char *msg = NULL;

                free(path);
                path = strjoin(etc, "/nul.container");
                ok_eq_int(write_string_file(path, "[Container]\nImage=img\n", 0644, false), 0);
                ok_eq_int(truncate(path, 30), 0);
                r = definition_parse_file(path, NULL, &d, &error);
                ok_eq_int(r, -EINVAL);
                msg = strjoin(path, ": contains a NUL byte");
                ok_streq(error, msg);
                free(error);
                error = NULL;
                (void) unlink(path);
        }

        free(path);
        path = strjoin(etc, "/web.container");
        r = definition_parse_file(path, NULL, &d, &error);
        ok(r == 0 && d && streq(d->name, "web"), "parse_file takes the name from the file");

        (void) rm_rf(etc);
        (void) rm_rf(run);
}

/* Found by tests/fuzz (fuzz-definition): text that parses, but whose definition_to_string() read
 * back as another definition. */
static void test_continuation_round_trips(void) {
        static const struct {
                const char *text, *what;
                char *const environment[3], *const unit[2], *const service[2];
        } cases[] = {
                /* A backslash and a form feed ended the line: it was kept, the form feed stripped,
                 * with a backslash at its end that was written as a continuation. Every blank
                 * strstrip() takes off is one before a continuation. */
                { "Environment=A=1 \\\f\n  B=2\n[Unit]\nDescription=x \\\v\n \f# comment\n y\n",
                  "a backslash before \\f or \\v continues", { "A=1", "B=2" }, { "Description=x   y" }, {} },
                /* An odd run of backslashes at a line's end once its continuation is joined and
                 * stripped: the line was written as it was, a continuation. */
                { "[Unit]\nDescription=a\\\\\\ \\\n\n[Service]\nEnvironment=B=\\\\\\\r\\",
                  "odd backslashes at a line's end", {}, { "Description=a\\\\\\" }, { "Environment=B=\\\\\\" } },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", cases[i].text),
                                    *error = NULL;
                int r;

                r = definition_parse_string(text, "/etc/berth/containers/db.container", NULL, &d, &error);
                if (!ok(r == 0, "%s (%d: %s)", cases[i].what, r, error ?: ""))
                        continue;
                ok(strv_equal(d->environment, cases[i].environment) && strv_equal(d->unit_lines, cases[i].unit) &&
                   strv_equal(d->service_lines, cases[i].service), "%s: the lines as joined", cases[i].what);
                round_trip(d, cases[i].what);
        }
}

int main(void) {
        test_defaults();
        test_syntax();
        test_structure_errors();
        test_name_from_path();
        test_keys();
        test_health_keys();
        test_capabilities();
        test_quoted_values();
        test_limits();
        test_at_scale();
        test_publish_port_conflicts();
        test_messages_one_line();
        test_signals();
        test_round_trip();
        test_continuation_round_trips();
        test_load();
        return tap_finish();
}
