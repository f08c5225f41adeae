/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Out-of-memory kills in a container, as the seed runtimes saw them (LXC's driver, libcontainer):
 * the memory cgroup of container-NAME.scope tells when the kernel killed one of its processes,
 * the kernel's log which one. cgroup v1: an eventfd registered for memory.oom_control through
 * cgroup.event_control, and its oom_kill counter; cgroup v2: memory.events, which polls with
 * POLLPRI when it changes, and its oom_kill counter. The counters count every kill, also those of
 * the host's own OOM killer, which v1 does not signal: the supervisor reads them once more when
 * the payload exits. The kernel's "oom-kill:…,task_memcg=PATH,task=COMM,pid=N" line names the
 * victim; it is read from /dev/kmsg, or with syslog(2) where there is no /dev/kmsg (the testbed),
 * and only lines logged after the watch began count. libc only, for berth-supervisor. */

typedef struct OomVictim {
        pid_t pid;     /* as the host sees it */
        char comm[64]; /* escaped: a name the container chose */
} OomVictim;

/* Where the kernel's log stood before the payload ran: only what comes after is about this run. */
typedef struct OomLog {
        int kmsg_fd;         /* /dev/kmsg, positioned at its end then, or -EBADF */
        bool klog;           /* no /dev/kmsg: syslog(2), and the timestamps after klog_after */
        uint64_t klog_after; /* µs since boot, the kernel's clock */
} OomLog;

#define OOM_LOG_NULL ((OomLog) { .kmsg_fd = -EBADF })
#define TAKE_OOM_LOG(l)                        \
        ({                                     \
                OomLog _l_ = (l);              \
                (l) = OOM_LOG_NULL;            \
                _l_;                           \
        })

/* Marks the kernel's log now: the helper calls it before GO, since a payload may be killed
 * before the supervisor runs. Best effort: without either log, the victims go unnamed. */
void oom_log_mark(OomLog *ret);
void oom_log_done(OomLog *l);

typedef struct OomWatch {
        int event_fd;   /* poll it for oom_watch_poll_events(); -EBADF: not watching */
        int counter_fd; /* memory.oom_control (v1) or memory.events (v2) */
        bool unified;
        char *cgroup;   /* the scope's memory cgroup, as /proc/PID/cgroup names it */
        uint64_t kills; /* the counter when last read; the scope's cgroup is new at each start */
        OomLog log;
} OomWatch;

#define OOM_WATCH_NULL ((OomWatch) { .event_fd = -EBADF, .counter_fd = -EBADF, .log = OOM_LOG_NULL })

/* Watches the memory cgroup of pid (cgroup, unified: as its /proc/PID/cgroup named it earlier; NULL
 * or another: read now), which must be scope (its last component): the counter of a container
 * without a memory cgroup of its own would count other processes' kills, so it gets the log alone
 * (below), where its kills' lines name another cgroup. Takes log over, also on failure. Kills
 * before the watch began count: call oom_watch_check() at once. */
/* 1 instead of 0 when the scope's cgroup cannot be watched (gone already, or no longer named by
 * the payload's /proc/PID/cgroup): a watch of the kernel's log alone, with no counter (counter_fd
 * -EBADF), for oom_watch_victims() at the end. */
int oom_watch_start(pid_t pid, const char *scope, const char *cgroup, bool unified, OomLog *log, OomWatch *ret);
void oom_watch_done(OomWatch *w);

/* What to poll the event fd for: POLLIN (v1's eventfd) or POLLPRI (v2's memory.events). */
short oom_watch_poll_events(const OomWatch *w);

/* Consumes the event and reads the counter: *ret_new kills since the last call. */
int oom_watch_check(OomWatch *w, uint64_t *ret_new);

/* The victims the kernel logged for this cgroup since the last call, oldest first, at most max. */
size_t oom_watch_victims(OomWatch *w, OomVictim *ret, size_t max);

/* Pure, for the tests. */
/* The "oom_kill N" line of memory.events or memory.oom_control. */
int oom_parse_counter(const char *text, uint64_t *ret);
/* Whether msg (n bytes, one kernel log message) is an oom-kill line for a cgroup whose path ends
 * in cgroup (the kernel names it from the hierarchy's root, /proc in a cgroup namespace from the
 * namespace's), and then the victim. */
bool oom_parse_kill_line(const char *msg, size_t n, const char *cgroup, OomVictim *ret);
