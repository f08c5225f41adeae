/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker run's resource, namespace and logging keys (definition-runtime.h): good and bad values,
 * and the round trip through definition_to_string(). */
#include <stdio.h>
#include <stdlib.h>

#include "definition-runtime.h"
#include "definition.h"
#include "string-util.h"
#include "tap.h"

/* s with newlines as '|', for one-line TAP descriptions. */
static const char *oneline(const char *s, char *buf, size_t size) {
        size_t n = 0;

        for (; s && *s && n + 1 < size; s++)
                buf[n++] = *s == '\n' ? '|' : *s;
        buf[n] = 0;
        return buf;
}
#define ONELINE(s) oneline((s), (char[512]) {}, 512)

static Definition *parse(const char *body, char **ret_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body);
        Definition *d = NULL;

        *ret_error = NULL;
        if (definition_parse_string(text, "/x/web.container", "web", &d, ret_error) < 0)
                return NULL;
        return d;
}

/* Parses body; it reads back from its own text to an equal definition, whose text is want. */
static Definition *good(const char *body, const char *want) {
        _cleanup_free_ char *error = NULL, *text = NULL, *text2 = NULL, *error2 = NULL;
        _cleanup_(definition_freep) Definition *back = NULL;
        Definition *d = parse(body, &error);

        if (!ok(d, "parses: %s (%s)", ONELINE(body), error ?: ""))
                return NULL;
        ok(definition_to_string(d, &text) == 0, "serialises: %s", ONELINE(body));
        ok(text && strstr(text, want), "text of %s has %s (got %s)", ONELINE(body), ONELINE(want), ONELINE(text ?: ""));
        ok(text && definition_parse_string(text, "back", "web", &back, &error2) == 0 && definition_equal(d, back),
           "reads back equal: %s (%s)", ONELINE(body), error2 ?: "");
        ok(back && definition_to_string(back, &text2) == 0 && streq_ptr(text, text2), "same text twice: %s", ONELINE(body));
        return d;
}

static void bad(const char *body, const char *want) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(definition_freep) Definition *d = parse(body, &error);

        ok(!d, "refused: %s", ONELINE(body));
        ok(error && streq(error, want), "message \"%s\" (got \"%s\")", want, error ?: "(null)");
}

static void test_memory_swap(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL, *f = NULL;

        d = good("MemorySwapMax=512M\n", "MemorySwapMax=536870912\n");
        ok(d && d->memory_swap_max == (UINT64_C(512) << 20), "512M of swap");
        e = good("MemorySwapMax=0\n", "MemorySwapMax=0\n");
        ok(e && e->memory_swap_max == 0, "no swap");
        f = parse("MemorySwapMax=infinity\n", &(char *) { NULL });
        ok(f && f->memory_swap_max == UINT64_MAX, "infinity is the default");
        bad("MemorySwapMax=lots\n",
            "/x/web.container:3: key 'MemorySwapMax': 'lots' is not a size (e.g. 512M, 2G, 0 for none) or infinity");
        bad("MemorySwapMax=-1\n",
            "/x/web.container:3: key 'MemorySwapMax': '-1' is not a size (e.g. 512M, 2G, 0 for none) or infinity");
}

static void test_cpu_quota(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL, *f = NULL;
        uint64_t usec = 0;
        char buf[32];

        d = good("CPUQuota=150%\n", "CPUQuota=150%\n");
        ok(d && d->cpu_quota_usec == 1500000, "150%% is 1.5 s per second");
        e = good("CPUQuota=12.5%\n", "CPUQuota=12.5%\n");
        ok(e && e->cpu_quota_usec == 125000, "12.5%%");
        f = good("CPUQuota=0.0001%\n", "CPUQuota=0.0001%\n");
        ok(f && f->cpu_quota_usec == 1, "1 µs per second");
        bad("CPUQuota=150\n",
            "/x/web.container:3: key 'CPUQuota': '150' is not a percentage above 0% (100% is one CPU, e.g. 150%)");
        bad("CPUQuota=0%\n",
            "/x/web.container:3: key 'CPUQuota': '0%' is not a percentage above 0% (100% is one CPU, e.g. 150%)");
        bad("CPUQuota=1.00001%\n",
            "/x/web.container:3: key 'CPUQuota': '1.00001%' is not a percentage above 0% (100% is one CPU, e.g. 150%)");
        bad("CPUQuota=-5%\n",
            "/x/web.container:3: key 'CPUQuota': '-5%' is not a percentage above 0% (100% is one CPU, e.g. 150%)");

        /* docker's --cpus. */
        ok(definition_cpus_parse("1.5", &usec) == 0 && usec == 1500000, "--cpus 1.5");
        ok(definition_cpus_parse("0.01", &usec) == 0 && usec == 10000, "--cpus 0.01");
        ok(definition_cpus_parse("2", &usec) == 0 && usec == 2000000, "--cpus 2");
        ok(definition_cpus_parse("0.000001", &usec) == -EINVAL, "--cpus below 0.01");
        ok(definition_cpus_parse("0", &usec) == -EINVAL, "--cpus 0");
        ok(definition_cpus_parse("1.2345678", &usec) == -EINVAL, "--cpus with 7 decimals");
        ok(definition_cpus_parse("x", &usec) == -EINVAL, "--cpus x");
        ok(definition_cpus_parse("99999999999999999999", &usec) == -EINVAL, "--cpus huge");
        definition_cpu_quota_format(1234567, buf);
        ok_streq(buf, "123.4567%");
}

static void test_allowed_cpus(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ uint8_t *mask = NULL;
        size_t size = 0;

        d = good("AllowedCPUs=0-2,9\n", "AllowedCPUs=0-2,9\n");
        ok(d && streq_ptr(d->allowed_cpus, "0-2,9"), "the list kept");
        ok(definition_cpu_list_to_mask("0-2,9", &mask, &size) == 0 && size == 2 && mask[0] == 0x07 && mask[1] == 0x02,
           "as systemd's mask");
        bad("AllowedCPUs=3-1\n",
            "/x/web.container:3: key 'AllowedCPUs': '3-1' is not a list of CPUs (e.g. 0-3,6; each below 8192)");
        bad("AllowedCPUs=0,,1\n",
            "/x/web.container:3: key 'AllowedCPUs': '0,,1' is not a list of CPUs (e.g. 0-3,6; each below 8192)");
        bad("AllowedCPUs=8192\n",
            "/x/web.container:3: key 'AllowedCPUs': '8192' is not a list of CPUs (e.g. 0-3,6; each below 8192)");
        bad("AllowedCPUs=a\n",
            "/x/web.container:3: key 'AllowedCPUs': 'a' is not a list of CPUs (e.g. 0-3,6; each below 8192)");
}

static void test_namespaces(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL, *f = NULL;
        _cleanup_free_ char *error = NULL;

        d = good("IPC=host\nUTS=container:db\n", "IPC=host\nUTS=container:db\n");
        ok(d && d->ipc.mode == NAMESPACE_HOST && d->uts.mode == NAMESPACE_CONTAINER && streq_ptr(d->uts.container, "db"),
           "IPC=host, UTS=container:db");
        e = good("IPC=container:db\nCgroupNS=host\n", "IPC=container:db\nCgroupNS=host\n");
        ok(e && e->cgroupns_host && streq_ptr(e->ipc.container, "db"), "CgroupNS=host");
        f = parse("IPC=host\nIPC=shareable\nUTS=container:x\nUTS=private\nCgroupNS=private\n", &error);
        ok(f && f->ipc.mode == NAMESPACE_PRIVATE && f->uts.mode == NAMESPACE_PRIVATE && !f->uts.container &&
           !f->cgroupns_host, "the last one wins, private is the default");
        bad("IPC=none\n", "/x/web.container:3: key 'IPC': 'none' is not private, host or container:NAME");
        bad("UTS=container:-x\n",
            "/x/web.container:3: key 'UTS': '-x' is not a valid container name (names must match "
            "[A-Za-z0-9][A-Za-z0-9_.-]{0,62})");
        bad("CgroupNS=yes\n", "/x/web.container:3: key 'CgroupNS': 'yes' is not private or host");
        bad("UTS=host\nHostName=h\n",
            "/x/web.container: key 'HostName': a container with UTS=host has the host name of the host, not one of its own");
        bad("IPC=container:web\n", "/x/web.container: key 'IPC': container web cannot join its own namespace");
        bad("PID=container:web\n", "/x/web.container: key 'PID': container web cannot join its own namespace");
        bad("Sysctl=kernel.shmmax=1000\nIPC=host\n",
            "/x/web.container: key 'Sysctl': 'kernel.shmmax=1000' would change the IPC namespace of the host (IPC=)");
        bad("IPC=container:db\nSysctl=fs.mqueue.msg_max=20\n",
            "/x/web.container: key 'Sysctl': 'fs.mqueue.msg_max=20' would change the IPC namespace of container db (IPC=)");
        bad("UTS=host\nSysctl=kernel.domainname=x\n",
            "/x/web.container: key 'Sysctl': 'kernel.domainname=x' would change the UTS namespace of the host (UTS=)");
        {
                _cleanup_(definition_freep) Definition *s = good("UTS=host\nSysctl=kernel.shmmax=1000\n", "UTS=host\n");

                ok(s, "a sysctl of a namespace of its own is fine");
        }
        {
                _cleanup_(definition_freep) Definition *p = good("PID=host\n", "PID=host\n"),
                                                       *q = good("PID=container:db\n", "PID=container:db\n");

                ok(p && p->pid.mode == NAMESPACE_HOST, "PID=host");
                ok(q && q->pid.mode == NAMESPACE_CONTAINER && streq_ptr(q->pid.container, "db"), "PID=container:db");
        }
}

static void test_log_driver(void) {
        _cleanup_(definition_freep) Definition *d = NULL, *e = NULL;
        _cleanup_free_ char *error = NULL;

        d = good("LogDriver=none\n", "LogDriver=none\n");
        ok(d && d->log_driver == LOG_DRIVER_NONE, "none");
        e = parse("LogDriver=none\nLogDriver=journald\n", &error);
        ok(e && e->log_driver == LOG_DRIVER_JOURNALD, "journald is the default");
        bad("LogDriver=k8s-file\n",
            "/x/web.container:3: key 'LogDriver': 'k8s-file' is not a log driver berth has (journald, or none to "
            "discard the output; berth's logs are the journal's)");
}

static void test_pull(void) {
        static const char *const policies[] = { "always", "never", "newer" };
        _cleanup_(definition_freep) Definition *e = NULL;
        _cleanup_free_ char *error = NULL, *text = NULL;

        for (size_t i = 0; i < ELEMENTSOF(policies); i++) {
                _cleanup_free_ char *body = strjoin("Pull=", policies[i], "\n");
                _cleanup_(definition_freep) Definition *d = good(body, body);

                ok(d && streq_ptr(pull_policy_to_string(d->pull), policies[i]), "Pull=%s", policies[i]);
        }
        e = parse("Pull=always\nPull=missing\n", &error);
        ok(e && e->pull == PULL_POLICY_MISSING, "Pull=missing, the last one, wins");
        ok(e && definition_to_string(e, &text) == 0 && !strstr(text, "Pull="), "missing, the default, is not written");
        bad("Pull=sometimes\n", "/x/web.container:3: key 'Pull': 'sometimes' is not a pull policy (missing, always, never or newer)");
        bad("Pull=\n", "/x/web.container:3: key 'Pull': '' is not a pull policy (missing, always, never or newer)");
        ok(pull_policy_from_string("Always") == _PULL_POLICY_INVALID, "policies are lowercase");
}

static void test_tty(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = good("Tty=yes\n", "Tty=yes\n");
        ok(d && d->tty, "Tty=yes");
        bad("Tty=maybe\n", "/x/web.container:3: key 'Tty': 'maybe' is not a boolean (yes or no)");
}

int main(void) {
        test_memory_swap();
        test_cpu_quota();
        test_allowed_cpus();
        test_namespaces();
        test_log_driver();
        test_pull();
        test_tty();
        return tap_finish();
}
