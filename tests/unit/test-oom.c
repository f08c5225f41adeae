/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the memory cgroup and the kernel's oom-kill lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-util.h"
#include "oom.h"
#include "tap.h"

static bool kill_line(const char *line, const char *cgroup, OomVictim *v) {
        return oom_parse_kill_line(line, strlen(line), cgroup, v);
}

int main(void) {
        char *path = NULL;
        bool unified = true;
        uint64_t n = 0;
        OomVictim v;

        /* /proc/PID/cgroup, v1 (with the controllers in any order and grouped), hybrid, v2. */
        ok_eq_int(proc_cgroup_parse("12:pids:/machine.slice/container-web.scope\n"
                                    "5:memory:/machine.slice/container-web.scope\n"
                                    "1:name=systemd:/machine.slice/container-web.scope\n",
                                    "memory", &path, &unified),
                  0);
        ok(path && strcmp(path, "/machine.slice/container-web.scope") == 0 && !unified, "v1 memory: %s", path);
        free(path);
        ok_eq_int(proc_cgroup_parse("4:cpu,cpuacct:/x\n3:freezer:/machine.slice/container-a.scope\n", "freezer", &path,
                                    &unified),
                  0);
        ok_streq(path, "/machine.slice/container-a.scope");
        free(path);
        ok_eq_int(proc_cgroup_parse("4:cpu,cpuacct:/x\n", "cpuacct", &path, &unified), 0);
        ok_streq(path, "/x");
        free(path);
        ok_eq_int(proc_cgroup_parse("6:memory:/m\n0::/u\n", "memory", &path, &unified), 0);
        ok(strcmp(path, "/m") == 0 && !unified, "hybrid: v1's memory wins");
        free(path);
        ok_eq_int(proc_cgroup_parse("0::/machine.slice/container-b.scope\n", "memory", &path, &unified), 0);
        ok(strcmp(path, "/machine.slice/container-b.scope") == 0 && unified, "v2: the unified path");
        free(path);
        ok_eq_int(proc_cgroup_parse("1:name=systemd:/\n", "memory", &path, &unified), -ENOENT);
        ok_eq_int(proc_cgroup_parse("", "memory", &path, &unified), -ENOENT);
        ok_eq_int(proc_cgroup_parse("5:memoryx:/a\n5:xmemory:/b\n", "memory", &path, &unified), -ENOENT);
        ok_eq_int(proc_cgroup_parse("garbage without colons\n", "memory", &path, &unified), -ENOENT);

        /* The counters. */
        ok_eq_int(oom_parse_counter("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", &n), 0);
        ok_eq_int(n, 3);
        ok_eq_int(oom_parse_counter("low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 0\n", &n), 0);
        ok_eq_int(n, 2);
        ok_eq_int(oom_parse_counter("oom_kill_disable 0\nunder_oom 0\n", &n), -ENOENT);
        ok_eq_int(oom_parse_counter("oom_kill x\n", &n), -EBADMSG);

        /* The kernel's line. */
        ok(kill_line("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
                     "oom_memcg=/machine.slice/container-web.scope,task_memcg=/machine.slice/container-web.scope,"
                     "task=python3,pid=4242,uid=0",
                     "/machine.slice/container-web.scope", &v),
           "a memcg kill of ours");
        ok_eq_int(v.pid, 4242);
        ok_streq(v.comm, "python3");
        ok(kill_line("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
                     "task_memcg=/testbed.x/machine.slice/container-web.scope,task=stress,pid=7,uid=0",
                     "/machine.slice/container-web.scope", &v),
           "the host's OOM killer, and a path from a cgroup namespace's parent");
        ok_eq_int(v.pid, 7);
        ok(!kill_line("oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/machine.slice/container-webx.scope,"
                      "task_memcg=/machine.slice/container-webx.scope,task=a,pid=1,uid=0",
                      "/machine.slice/container-web.scope", &v),
           "another container's");
        ok(!kill_line("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/machine.slice/container-other.scope,"
                      "task=x,task_memcg=/machine.slice/container-web.scope,task=y,pid=9,uid=0",
                      "/machine.slice/container-web.scope", &v),
           "a name made to look like our path does not make the kill ours");
        ok(kill_line("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/machine.slice/container-web.scope,"
                     "task=a,pid=1,b,pid=66,uid=0",
                     "/machine.slice/container-web.scope", &v),
           "a name with ',pid=' in it");
        ok(v.pid == 66 && strcmp(v.comm, "a,pid=1,b") == 0, "the last ',pid=' is the kernel's: %d %s", v.pid, v.comm);
        ok(kill_line("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/c,task=\x1b[2Jx,pid=5,uid=0", "/c", &v),
           "an escape sequence in the name");
        ok_streq(v.comm, "\\x1b[2Jx");
        ok(!kill_line("Memory cgroup out of memory: Killed process 4242 (python3)", "/c", &v), "not the summary line");
        ok(!kill_line("oom-kill:task_memcg=/c,task=x,uid=0", "/c", &v), "no pid");
        ok(!kill_line("oom-kill:task_memcg=/c,task=x,pid=,uid=0", "/c", &v), "an empty pid");
        ok(!kill_line("oom-kill:", "/c", &v), "nothing after the prefix");
        return tap_finish();
}
