/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a container's definition and berth.conf ask of its scope (scope_settings_for()). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "definition.h"
#include "scope.h"
#include "string-util.h"
#include "tap.h"

static Definition *parse(const char *body) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=img\n", body), *error = NULL;
        Definition *d = NULL;

        if (!text || definition_parse_string(text, "test", "web", &d, &error) < 0) {
                ok(false, "parse: %s", error ?: "?");
                return NULL;
        }
        return d;
}

static void test_mapping(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        BerthConfig conf;
        ScopeSettings s;

        berth_config_default(&conf);

        /* Nothing set: systemd's defaults, berth.conf's task limit, docker's stop. */
        d = parse("");
        if (!d)
                return;
        s = scope_settings_for(d, &conf, 42, /* console= */ false, NULL);
        ok(streq(s.name, "web") && s.pid == 42, "name and PID 1");
        ok(s.memory_max == UINT64_MAX && s.cpu_weight == 0, "no MemoryMax=, no CPUWeight=");
        ok_eq_int(s.tasks_max, 2048);
        ok(!s.privileged && !s.console && !s.bound_to, "devices closed, no console, bound to nothing (foreground)");
        ok(s.stop_signal == SIGTERM && s.stop_timeout_usec == 10ULL * 1000000, "SIGTERM, 10 s");
        definition_free(d);

        /* The definition's limits, stop and privileges. */
        d = parse("Memory=256M\nCPUWeight=500\nPidsLimit=64\nStopSignal=SIGUSR1\nStopTimeout=3\nPrivileged=yes\n");
        if (!d)
                return;
        s = scope_settings_for(d, &conf, 7, /* console= */ true, "container@web.service");
        ok_eq_int(s.memory_max, 256ULL << 20);
        ok_eq_int(s.cpu_weight, 500);
        ok_eq_int(s.tasks_max, 64);
        ok(s.stop_signal == SIGUSR1 && s.stop_timeout_usec == 3ULL * 1000000, "StopSignal=, StopTimeout=");
        ok(s.privileged && s.console, "all devices, and the console with a terminal");
        ok(streq_ptr(s.bound_to, "container@web.service"), "a service's scope is bound to it");
        definition_free(d);

        /* PidsLimit=: the definition's wins, -1 lifts it, and berth.conf's "none" leaves systemd's. */
        d = parse("PidsLimit=-1\n");
        if (!d)
                return;
        ok(scope_settings_for(d, &conf, 1, false, NULL).tasks_max == UINT64_MAX, "PidsLimit=-1: TasksMax=infinity");
        definition_free(d);
        d = parse("");
        if (!d)
                return;
        conf.pids_limit = 300;
        ok_eq_int(scope_settings_for(d, &conf, 1, false, NULL).tasks_max, 300);
        conf.pids_limit = UINT64_MAX;
        ok_eq_int(scope_settings_for(d, &conf, 1, false, NULL).tasks_max, 0);
}

/* docker's --memory-swap, --cpus, --cpuset-cpus (issue 16). */
static void test_resources(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        BerthConfig conf;
        ScopeSettings s;

        berth_config_default(&conf);
        d = parse("MemorySwapMax=128M\nCPUQuota=150%\nAllowedCPUs=0-1\n");
        if (!d)
                return;
        s = scope_settings_for(d, &conf, 1, false, NULL);
        ok_eq_int(s.memory_swap_max, 128ULL << 20);
        ok_eq_int(s.cpu_quota_usec, 1500000);
        ok_streq(s.allowed_cpus, "0-1");
        definition_free(d);
        d = parse("");
        if (!d)
                return;
        s = scope_settings_for(d, &conf, 1, false, NULL);
        ok(s.memory_swap_max == UINT64_MAX && s.cpu_quota_usec == 0 && !s.allowed_cpus, "none of them by default");
}

/* /proc/PID/cgroup of a payload while systemd attaches it, hierarchy by hierarchy. */
static int in_unit(const char *text, bool pids) {
        _cleanup_free_ char *t = strdup(text);

        return scope_cgroup_text_in_unit(t, "container-x.scope", /* unified= */ true, pids);
}

static void test_in_unit(void) {
        static const char *const before =
                "8:pids:/user.slice\n4:memory:/user.slice\n2:cpu,cpuacct:/user.slice\n"
                "1:name=systemd:/user.slice/session-1.scope\n0::/user.slice/session-1.scope\n";
        static const char *const systemd_only =
                "8:pids:/user.slice\n4:memory:/user.slice\n2:cpu,cpuacct:/user.slice\n"
                "1:name=systemd:/machine.slice/container-x.scope\n0::/machine.slice/container-x.scope\n";
        static const char *const unified_only =
                "8:pids:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n0::/machine.slice/container-x.scope\n";
        static const char *const all =
                "8:pids:/machine.slice/container-x.scope\n4:memory:/machine.slice\n"
                "2:cpu,cpuacct:/machine.slice/container-x.scope\n6:freezer:/\n"
                "1:name=systemd:/machine.slice/container-x.scope\n0::/machine.slice/container-x.scope\n";
        static const char *const joined = "3:cpu,pids:/machine.slice/container-x.scope\n1:name=systemd:/machine.slice/container-x.scope\n";
        static const char *const joined_not = "3:cpu,pids:/user.slice\n1:name=systemd:/machine.slice/container-x.scope\n";

        ok_eq_int(in_unit(before, false), 0);
        ok_eq_int(in_unit(systemd_only, false), 1);
        ok_eq_int(in_unit(systemd_only, true), 0);
        ok_eq_int(in_unit(unified_only, false), 0); /* one of the two lines is not enough */
        ok_eq_int(in_unit(all, true), 1);
        ok_eq_int(in_unit(joined, true), 1);
        ok_eq_int(in_unit(joined_not, true), 0);
        ok_eq_int(in_unit("0::/machine.slice/container-x.scope\n", true), 1); /* unified: its one line */
        ok_eq_int(in_unit("0::/machine.slice/xcontainer-x.scope\n", false), 0);
        ok_eq_int(in_unit("", false), 0);
        ok_eq_int(in_unit("garbage\n", true), 0);
        {
                /* Legacy mode: a "0::/" line nothing ever moves in. */
                char legacy[] = "8:pids:/machine.slice/container-x.scope\n1:name=systemd:/machine.slice/container-x.scope\n0::/\n";
                char legacy_not[] = "8:pids:/user.slice\n1:name=systemd:/machine.slice/container-x.scope\n0::/\n";

                ok_eq_int(scope_cgroup_text_in_unit(legacy, "container-x.scope", /* unified= */ false, true), 1);
                ok_eq_int(scope_cgroup_text_in_unit(legacy_not, "container-x.scope", /* unified= */ false, true), 0);
        }
}

int main(void) {
        /* docker/runc's cgroup v2 conversion of cpu.shares to cpu.weight */
        ok_eq_int(scope_cpu_shares_to_weight(2), 1);
        ok_eq_int(scope_cpu_shares_to_weight(1024), 39);
        ok_eq_int(scope_cpu_shares_to_weight(262144), 10000);
        ok_eq_int(scope_cpu_shares_to_weight(1), 1);
        ok_eq_int(scope_cpu_shares_to_weight(1000000), 10000);
        test_mapping();
        test_resources();
        test_in_unit();
        return tap_finish();
}
