/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The keys of definition-process.h (issue 16): Label=, Annotation=, ContainerName=, Ulimit=,
 * Group=, GroupAdd=, EnvironmentHost=, DNSSearch=, DNSOption=, StopSignal= unset; good and bad
 * values, each error one line naming the key; the round trip through definition_to_string(); and
 * what the runtime builds on them: limits, the user spec, labels, GroupAdd= in an image's
 * /etc/group, resolv.conf's search and options lines, an image's Labels and StopSignal. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition-builder.h"
#include "definition-process.h"
#include "definition.h"
#include "fd-util.h"
#include "hosts.h"
#include "image-config.h"
#include "path-util.h"
#include "port.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"
#include "user.h"

#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })

static char *mfree_str(char *s) {
        free(s);
        return NULL;
}

static Definition *parse(const char *body, char **ret_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body);
        Definition *d = NULL;

        if (ret_error)
                *ret_error = NULL;
        if (definition_parse_string(text, "/etc/berth/containers/web.container", NULL, &d, ret_error) < 0)
                return NULL;
        return d;
}

/* A bad body: refused, in one line naming the key and saying why (contains want). */
static void refused(const char *body, const char *want) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(definition_freep) Definition *d = parse(body, &error);

        ok(!d && error && !strchr(error, '\n') && strstr(error, want), "refused: %s → %s", SHOWN(body), error ?: "(accepted)");
}

/* Parses, writes back, parses again: equal. */
static void round_trip(const char *body) {
        _cleanup_(definition_freep) Definition *d = parse(body, NULL), *e = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;

        ok(d && definition_to_string(d, &text) >= 0 &&
                   definition_parse_string(text, "/x/web.container", NULL, &e, &error) >= 0 && definition_equal(d, e),
           "round trip of: %s (%s)", SHOWN(body), SHOWN(error ?: text ?: ""));
}

static void test_labels(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = parse("Label=org.foo.Arg1=arg1 \"org.foo.Arg2=arg 2\" \\\n  org.foo.Arg3=arg3\n\nLabel=org.foo.Arg0=arg0\n", NULL);
        ok(d && strv_equal(d->process.labels, STRV_MAKE("org.foo.Arg1=arg1", "org.foo.Arg2=arg 2", "org.foo.Arg3=arg3",
                                                        "org.foo.Arg0=arg0")),
           "Quadlet's label.container: four labels, quoted words and a continuation");
        ok_streq(labels_get(d->process.labels, "org.foo.Arg2"), "arg 2");
        ok(!labels_get(d->process.labels, "org.foo"), "labels_get: a prefix is not a key");
        ok(labels_match(d->process.labels, "org.foo.Arg1"), "filter KEY: any value");
        ok(labels_match(d->process.labels, "org.foo.Arg1=arg1"), "filter KEY=VALUE");
        ok(!labels_match(d->process.labels, "org.foo.Arg1=arg"), "filter KEY=VALUE: another value does not match");
        ok(!labels_match(d->process.labels, "nope"), "filter: a key not there");
        d = definition_free(d);

        d = parse("Label=a=1 b=2\nLabel=a=3\nLabel=flag\nAnnotation=io.x=y\n", NULL);
        ok(d && strv_equal(d->process.labels, STRV_MAKE("a=3", "b=2", "flag")), "a key given again takes the new value in its place");
        ok(d && labels_match(d->process.labels, "flag") && streq(labels_get(d->process.labels, "flag"), ""),
           "docker's --label KEY: an empty value");
        ok(d && strv_equal(d->process.annotations, STRV_MAKE("io.x=y")), "Annotation=");
        d = definition_free(d);
        d = parse("Label=a=1\nLabel=\nLabel=b=2\n", NULL);
        ok(d && strv_equal(d->process.labels, STRV_MAKE("b=2")), "an empty Label= resets");

        refused("Label==x\n", "key 'Label': '=x' is not KEY=VALUE with a KEY");
        refused("Annotation=\"unterminated\n", "key 'Annotation': unterminated quote");
        round_trip("Label=a=1 \"b=two words\" 'c=$x' 'd=\\\\'\nAnnotation=k=v\nLabel=flag\n");

        {
                _cleanup_strv_free_ char **m = NULL;

                ok(labels_merge(STRV_MAKE("img=1", "shared=image"), STRV_MAKE("shared=mine", "own=2"), &m) >= 0 &&
                           strv_equal(m, STRV_MAKE("img=1", "shared=mine", "own=2")),
                   "labels_merge: the image's under the container's");
        }
}

static void test_container_name(void) {
        _cleanup_(definition_freep) Definition *d = parse("ContainerName=web\n", NULL), *other = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL, *text2 = NULL;

        ok(d && streq(d->name, "web"), "ContainerName= equal to the file's name is taken");
        /* Issue 16: leftovers. Another name is the container's too; the file's name stays its key. */
        other = parse("ContainerName=foobar\n", NULL);
        ok(other && streq(other->name, "web") && streq_ptr(other->process.container_name, "foobar"),
           "ContainerName= that differs is kept beside the file's name");
        ok(other && definition_to_string(other, &text2) >= 0 && strstr(text2, "ContainerName=foobar\n") &&
                   definition_parse_string(text2, "web.container", NULL, &back, NULL) >= 0 &&
                   streq_ptr(back->process.container_name, "foobar"),
           "  … and written back as it reads");
        ok(d && definition_to_string(d, &text) >= 0, "  a definition with it formats");
        /* quotes.container: systemd's unquoting leaves a '"' that podman refuses in a name. */
        refused("ContainerName=\"RemoveQuotes\"Name\"\n",
                "key 'ContainerName': 'RemoveQuotes\"Name' is not a valid container name (names must match");
        refused("ContainerName=bad/name\n", "is not a valid container name");
        refused("ContainerName=web@x\n", "is not a valid container name");
        refused("ContainerName=\n", "empty value");
}

static void test_ulimit(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        struct rlimit rl;
        int res;

        d = parse("Ulimit=nproc=1234:5678\nUlimit=cpu=1234:5678\nUlimit=nofile=10\nUlimit=nofile=20:40\n", NULL);
        ok(d && strv_equal(d->process.ulimits, STRV_MAKE("nproc=1234:5678", "cpu=1234:5678", "nofile=20:40")),
           "Quadlet's ulimit.container; a resource given again takes the new limits");
        ok(ulimit_parse("nofile=1024:2048", &res, &rl, NULL) >= 0 && res == RLIMIT_NOFILE && rl.rlim_cur == 1024 &&
                   rl.rlim_max == 2048,
           "nofile=1024:2048");
        ok(ulimit_parse("core=-1", &res, &rl, NULL) >= 0 && res == RLIMIT_CORE && rl.rlim_cur == RLIM_INFINITY &&
                   rl.rlim_max == RLIM_INFINITY,
           "core=-1: unlimited, soft and hard");
        ok(ulimit_parse("stack=8192:unlimited", &res, &rl, NULL) >= 0 && rl.rlim_cur == 8192 && rl.rlim_max == RLIM_INFINITY,
           "stack=8192:unlimited");
        ok(ulimit_parse("memlock=-1:1024", &res, &rl, NULL) < 0, "unlimited soft over a finite hard limit");
        for (const char *const *n = (const char *const[]) { "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
                                                             "nice", "nofile", "nproc", "rss", "rtprio", "rttime",
                                                             "sigpending", "stack", "as", NULL };
             *n; n++)
                ok(ulimit_resource_from_name(*n) >= 0, "docker's limit %s", *n);
        refused("Ulimit=nofile=10:5\n", "key 'Ulimit': 'nofile=10:5': the soft limit is above the hard one");
        refused("Ulimit=files=10\n", "key 'Ulimit': 'files' is not a limit");
        refused("Ulimit=nofile=\n", "limits are numbers, or -1 for unlimited");
        refused("Ulimit=nofile=+5\n", "limits are numbers");
        refused("Ulimit=nofile=1 nproc=2\n", "key 'Ulimit': 'nofile=1 nproc=2' is not NAME=SOFT[:HARD]");
        refused("Ulimit=nofile\n", "is not NAME=SOFT[:HARD]");
        refused("Ulimit=nofile=18446744073709551615\n", "limits are numbers");
        round_trip("Ulimit=nofile=1024:2048\nUlimit=core=-1\nUlimit=cpu=unlimited\n");
}

static void test_groups(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *spec = NULL;

        d = parse("User=998\nGroup=999\n", NULL);
        ok(d && definition_user_spec(d->user, &d->process, &spec) >= 0 && streq_ptr(spec, "998:999"),
           "Quadlet's user.container: User=998 with Group=999 is --user 998:999");
        d = definition_free(d);
        spec = mfree_str(spec);
        d = parse("Group=staff\nUser=app\n", NULL);
        ok(d && definition_user_spec(d->user, &d->process, &spec) >= 0 && streq_ptr(spec, "app:staff"), "Group= before User=");
        d = definition_free(d);
        spec = mfree_str(spec);
        d = parse("", NULL);
        ok(d && definition_user_spec(d->user, &d->process, &spec) >= 0 && !spec, "neither: NULL, the image's user");
        d = definition_free(d);

        refused("Group=foobar\n", "key 'Group': Group set without User");
        refused("User=a:b\nGroup=c\n", "key 'Group': User=a:b names a group already");
        refused("User=a\nGroup=a:b\n", "key 'Group': 'a:b' is not a group");
        refused("User=a\nGroup=Bad Name\n", "is not a group");

        d = parse("GroupAdd=users\nGroupAdd=4242\n", NULL);
        ok(d && strv_equal(d->process.group_add, STRV_MAKE("users", "4242")), "GroupAdd= by name and number");
        d = definition_free(d);
        refused("GroupAdd=keep-groups\n", "key 'GroupAdd': 'keep-groups' is podman's");
        refused("GroupAdd=a b\n", "key 'GroupAdd': 'a b' is not a group");
        refused("GroupAdd=-1\n", "is not a group");
        {
                _cleanup_free_ char *body = NULL;
                size_t n = 0;
                FILE *f = open_memstream(&body, &n);

                for (unsigned i = 0; i <= DEFINITION_GROUP_ADD_MAX; i++)
                        fprintf(f, "GroupAdd=%u\n", i);
                fclose(f);
                refused(body, "key 'GroupAdd': more than 256 groups");
        }
        round_trip("User=app\nGroup=staff\nGroupAdd=users\nGroupAdd=10\n");
}

static void test_misc_keys(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = parse("EnvironmentHost=yes\nDNSSearch=foo.com\nDNSSearch=bar.com\nDNSOption=ndots:1\nDNSOption=color:blue\n", NULL);
        ok(d && d->process.environment_host, "Quadlet's env-host.container");
        ok(d && strv_equal(d->process.dns_search, STRV_MAKE("foo.com", "bar.com")), "Quadlet's dns-search.container");
        ok(d && strv_equal(d->process.dns_options, STRV_MAKE("ndots:1", "color:blue")), "Quadlet's dns-options.container");
        d = definition_free(d);
        d = parse("EnvironmentHost=no\nDNSSearch=.\nDNSSearch=a.b.c.\n", NULL);
        ok(d && !d->process.environment_host && strv_equal(d->process.dns_search, STRV_MAKE(".", "a.b.c.")),
           "env-host-false.container; '.' and a trailing dot");
        d = definition_free(d);
        refused("EnvironmentHost=maybe\n", "key 'EnvironmentHost': 'maybe' is not a boolean");
        refused("DNSSearch=bad..name\n", "key 'DNSSearch': 'bad..name' is not a domain");
        refused("DNSSearch=-x.org\n", "is not a domain");
        refused("DNSOption=a b\n", "key 'DNSOption': 'a b' is not a resolver option");
        refused("DNSOption=#x\n", "is not a resolver option");
        d = parse("IP6=fd46:db93:aa76:ac37::10\nIP=10.88.64.128\n", NULL);
        ok(d && streq_ptr(d->process.ip6, "fd46:db93:aa76:ac37::10") && streq_ptr(d->ip, "10.88.64.128"),
           "Quadlet's ip.container");
        d = definition_free(d);
        refused("IP6=10.0.0.1\n", "key 'IP6': '10.0.0.1' is not an IPv6 address");
        refused("IP6=fd00::g\n", "is not an IPv6 address");
        round_trip("IP6=fd66::5\n");
        round_trip("EnvironmentHost=yes\nDNSSearch=example.com\nDNSSearch=.\nDNSOption=ndots:2\nDNSOption=edns0\n");

        d = parse("SeccompProfile=/etc/berth/profile.json\n", NULL);
        ok(d && streq_ptr(d->process.seccomp_profile, "/etc/berth/profile.json") && !d->seccomp_unconfined,
           "SeccompProfile=PATH");
        d = definition_free(d);
        d = parse("SeccompProfile=/x.json\nSeccompProfile=unconfined\n", NULL);
        ok(d && !d->process.seccomp_profile && d->seccomp_unconfined, "  … unconfined after it replaces it");
        d = definition_free(d);
        d = parse("SeccompProfile=unconfined\nSeccompProfile=/x.json\n", NULL);
        ok(d && streq_ptr(d->process.seccomp_profile, "/x.json") && !d->seccomp_unconfined, "  … and the other way round");
        d = definition_free(d);
        refused("SeccompProfile=profile.json\n",
                "key 'SeccompProfile': 'profile.json' is not default, unconfined or the absolute path of a JSON profile");
        refused("SeccompProfile=/a/../b.json\n", "is not default, unconfined or the absolute path");
        round_trip("SeccompProfile=/etc/berth/my profile.json\n");
        round_trip("SeccompProfile=unconfined\n");

        /* StopSignal= unset is not SIGTERM: the image's STOPSIGNAL applies then. */
        d = parse("", NULL);
        ok(d && d->stop_signal == 0, "StopSignal= not given: unset");
        d = definition_free(d);
        d = parse("StopSignal=SIGTERM\n", NULL);
        ok(d && d->stop_signal == SIGTERM, "StopSignal=SIGTERM: set");
        d = definition_free(d);
        round_trip("StopSignal=SIGTERM\n");
        {
                _cleanup_free_ char *text = NULL;

                d = parse("StopSignal=TERM\n", NULL);
                ok(d && definition_to_string(d, &text) >= 0 && strstr(text, "StopSignal=SIGTERM\n"),
                   "StopSignal=SIGTERM is written back, so that it still wins over the image's");
        }
}

static void test_resolv_conf(void) {
        _cleanup_free_ char *out = NULL;
        const char *host = "nameserver 10.0.0.1\nsearch host.example\ndomain host.example\noptions rotate\n";

        ok(resolv_conf_override(host, STRV_MAKE("a.example", "b.example"), STRV_MAKE("ndots:2", "edns0"), &out) >= 0 &&
                   streq(out, "nameserver 10.0.0.1\nsearch a.example b.example\noptions ndots:2 edns0\n"),
           "search and options replace the host's lines (%s)", out ?: "");
        out = mfree_str(out);
        ok(resolv_conf_override(host, STRV_MAKE("."), NULL, &out) >= 0 &&
                   streq(out, "nameserver 10.0.0.1\noptions rotate\n"),
           "'.': no search line at all, the host's options kept (%s)", out ?: "");
        out = mfree_str(out);
        ok(resolv_conf_override(host, NULL, STRV_MAKE("ndots:5"), &out) >= 0 &&
                   streq(out, "nameserver 10.0.0.1\nsearch host.example\ndomain host.example\noptions ndots:5\n"),
           "options alone: the host's search kept (%s)", out ?: "");
}

static void test_image_config(void) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;

        ok(image_config_parse("{\"config\": {\"Labels\": {\"b\": \"2\", \"a\": \"1\"}, \"StopSignal\": \"SIGUSR1\"}}", &c) >= 0 &&
                   strv_equal(c.labels, STRV_MAKE("a=1", "b=2")) && c.stop_signal == SIGUSR1,
           "an image's Labels, sorted, and StopSignal");
        {
                _cleanup_(definition_freep) Definition *d = parse("Label=b=mine c=3\n", NULL);
                _cleanup_strv_free_ char **l = NULL;

                ok(d && image_config_labels(&c, d, &l) >= 0 && strv_equal(l, STRV_MAKE("a=1", "b=mine", "c=3")) &&
                           labels_match(l, "a=1") && labels_match(l, "b=mine") && !labels_match(l, "b=2"),
                   "image_config_labels: the image's under the container's, for ps --filter label=");
        }
        image_config_done(&c);
        ok(image_config_parse("{\"config\": {\"StopSignal\": \"10\"}}", &c) >= 0 && c.stop_signal == 10, "StopSignal as a number");
        image_config_done(&c);
        ok(image_config_parse("{\"config\": {}}", &c) >= 0 && !c.labels && c.stop_signal == 0, "neither: none");
        image_config_done(&c);
        ok(image_config_parse("{\"config\": {\"Labels\": {\"a\": 1}}}", &c) == -EBADMSG, "a label that is not a string");
        ok(image_config_parse("{\"config\": {\"StopSignal\": \"SIGNOPE\"}}", &c) == -EBADMSG, "a StopSignal that is none");
}

static void test_group_add(void) {
        char tmp[] = "/tmp/test-definition-process.XXXXXX";
        _cleanup_close_ int root = -EBADF, fd = -EBADF;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_free_ char *etc = NULL, *path = NULL;
        const char *failed = NULL;
        size_t n = 0;

        if (!mkdtemp(tmp)) {
                ok(false, "mkdtemp");
                return;
        }
        etc = path_join(tmp, "etc");
        path = path_join(tmp, "etc", "group");
        ok(etc && mkdir(etc, 0755) >= 0 && write_string_file(path, "root:x:0:\nstaff:x:50:\nusers:x:100:\n", 0644, false) >= 0,
           "an image's /etc/group");
        root = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
        groups = malloc(sizeof(gid_t));
        groups[0] = 100;
        n = 1;
        ok(user_add_groups(root, STRV_MAKE("staff", "4242", "users"), &groups, &n, &failed) >= 0 && n == 3 &&
                   groups[0] == 100 && groups[1] == 50 && groups[2] == 4242,
           "GroupAdd=staff 4242 users: appended, each once");
        ok(user_add_groups(root, STRV_MAKE("nosuch"), &groups, &n, &failed) == -ESRCH && streq_ptr(failed, "nosuch"),
           "a name not there: -ESRCH, named");
        (void) unlink(path);
        ok(user_add_groups(root, STRV_MAKE("7"), &groups, &n, &failed) >= 0 && n == 4, "numbers need no /etc/group");
        ok(mkfifo(path, 0644) >= 0 && user_add_groups(root, STRV_MAKE("staff"), &groups, &n, &failed) == -EBADFD,
           "a FIFO for /etc/group is an error, not a hang");
        (void) unlink(path);
        (void) rmdir(etc);
        (void) rmdir(tmp);
}

/* port_publish_parse() of s: its ports as "HOST:CONT/proto" (HOST 0 when picked, "MIN-MAX" for a
 * range to pick from), with the family's letter first (U, 4, 6). */
static char *ports_of(const char *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        PortPublish pp;

        if (port_publish_parse(s, &pp) < 0) {
                fputs("refused", f);
                fclose(f);
                return buf;
        }
        for (unsigned i = 0; i < pp.n; i++) {
                PortSpec p;

                port_publish_get(&pp, i, &p);
                fprintf(f, "%s%c", i ? " " : "", p.family == AF_UNSPEC ? 'U' : p.family == AF_INET ? '4' : '6');
                if (p.host_port_min)
                        fprintf(f, "%u-%u", p.host_port_min, p.host_port_max);
                else
                        fprintf(f, "%u", p.host_port);
                fprintf(f, ":%u/%s", p.container_port, port_protocol_to_string(p.protocol));
        }
        fclose(f);
        return buf;
}

static void test_ports(void) {
        static const struct {
                const char *spec, *want;
        } cases[] = {
                /* Quadlet's ports.container and ports_ipv6.container */
                { "127.0.0.1:80:90", "480:90/tcp" },
                { "0.0.0.0:80:91", "U80:91/tcp" },
                { ":80:92", "U80:92/tcp" },
                { "127.0.0.1::93", "40:93/tcp" },
                { "0.0.0.0::94", "U0:94/tcp" },
                { "::95", "U0:95/tcp" },
                { "80:96", "U80:96/tcp" },
                { "97", "U0:97/tcp" },
                { "1234/udp", "U0:1234/udp" },
                { "1234:1234/udp", "U1234:1234/udp" },
                { "127.0.0.1:1234:1234/udp", "41234:1234/udp" },
                { "1234/tcp", "U0:1234/tcp" },
                { "[::1]:80:90", "680:90/tcp" },
                { "[::]:80:91", "680:91/tcp" },
                { "[2001:DB8::23]:80:91", "680:91/tcp" },
                { "[::1]::93", "60:93/tcp" },
                { "[2001:db8::42]::94", "60:94/tcp" },
                { "[::1]:1234:1234/udp", "61234:1234/udp" },
                /* ranges */
                { "8000-8002:80-82", "U8000:80/tcp U8001:81/tcp U8002:82/tcp" },
                { "8000-8010:80", "U8000-8010:80/tcp" },
                { "80-81", "U0:80/tcp U0:81/tcp" },
                { "127.0.0.1:9000-9001:90-91/udp", "49000:90/udp 49001:91/udp" },
                /* refused */
                { "${PORT}:${PORT}", "refused" },
                { "8000:80-82", "refused" },
                { "8000-8001:80-82", "refused" },
                { "82-80", "refused" },
                { "0", "refused" },
                { "80:", "refused" },
                { "1.2.3:80:90", "refused" },
                { "[::1]:80", "refused" },
                { "[::1]80:90", "refused" },
                { "80/icmp", "refused" },
                { "a:b:c:d", "refused" },
        };
        PortPublish pp;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *got = ports_of(cases[i].spec);

                ok(streq_ptr(got, cases[i].want), "-p %s: %s (got %s)", cases[i].spec, cases[i].want, got);
        }
        ok(port_publish_parse("80/sctp", &pp) == -EPROTONOSUPPORT, "sctp: its own error");
        refused("PublishPort=80/sctp\n", "key 'PublishPort': '80/sctp': sctp is not supported");
        refused("PublishPort=8000-8002:80-82\nPublishPort=8001:90\n",
                "key 'PublishPort': '8001:90' takes the same host port as '8000-8002:80-82'");
        refused("PublishPort=1-1024:1-1024\nPublishPort=2000-2001:80-81\n", "makes more than 1024 published ports");
        {
                _cleanup_(definition_freep) Definition *d = parse("PublishPort=80\nPublishPort=80\nPublishPort=127.0.0.1::80\n", NULL);

                ok(d && strv_length(d->publish_ports) == 3, "ports the runtime picks never conflict at parse time");
        }
        round_trip("PublishPort=80\nPublishPort=[::1]::93\nPublishPort=8000-8010:80/udp\nPublishAll=yes\n");

        /* ExposeHostPort=, Quadlet's name for ExposePort=, and ranges. */
        {
                _cleanup_(definition_freep) Definition *d = parse("ExposeHostPort=1000\nExposePort=2000-3000/udp\nExposeHostPort=2000-3000/tcp\n", NULL);
                _cleanup_free_ char *text = NULL;
                PortSpec e;
                unsigned n;

                ok(d && strv_equal(d->expose_ports, STRV_MAKE("1000", "2000-3000/udp", "2000-3000/tcp")),
                   "ExposeHostPort= and ExposePort= fill one list");
                ok(d && definition_to_string(d, &text) >= 0 && !strstr(text, "ExposeHostPort") &&
                           strstr(text, "ExposePort=2000-3000/tcp\n"),
                   "  … written back as ExposePort=");
                ok(port_expose_range_parse("2000-3000/udp", &e, &n) >= 0 && e.container_port == 2000 && n == 1001 &&
                           e.protocol == IPPROTO_UDP,
                   "a range of exposed ports");
        }
        refused("ExposeHostPort=3000-2000\n", "key 'ExposeHostPort': '3000-2000' is not a port");
}

static void test_builder_first(void) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;

        ok(definition_builder_add(&b, "IMAGE", "img") >= 0 && definition_builder_add(&b, "-e", "A=flag") >= 0 &&
                   definition_builder_add_key_first(&b, "--env-host", "Environment", "A=host") >= 0 &&
                   definition_builder_add_key_first(&b, "--env-host", "Environment", "B=host two") >= 0 &&
                   definition_builder_parse(&b, "web", &text, &d, &error) >= 0,
           "--env-host's lines first (%s)", error ?: "");
        ok(d && strv_equal(d->environment, STRV_MAKE("B=host two", "A=flag")), "  … so that -e wins");
}

int main(void) {
        test_labels();
        test_container_name();
        test_ulimit();
        test_groups();
        test_misc_keys();
        test_resolv_conf();
        test_image_config();
        test_group_add();
        test_ports();
        test_builder_first();
        return tap_finish();
}
