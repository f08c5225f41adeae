/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/klog.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "cleanup.h"
#include "fd-util.h"
#include "oom.h"
#include "string-util.h"

/* How much of the end of the kernel's log syslog(2) reads: where it stands now (the last
 * line's timestamp), and where the victims of the last kills are (after their memory report). */
#define KLOG_MARK_BYTES 4096U
#define KLOG_VICTIMS_BYTES (256U << 10)
#define KMSG_RECORD_MAX 8192U

int oom_parse_counter(const char *text, uint64_t *ret) {
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (startswith(p, "oom_kill ")) {
                        char *end;
                        unsigned long long v;

                        errno = 0;
                        v = strtoull(p + 9, &end, 10);
                        if (errno != 0 || end == p + 9 || (*end && *end != '\n'))
                                return -EBADMSG;
                        *ret = v;
                        return 0;
                }
        return -ENOENT;
}

/* "…,task_memcg=PATH,task=COMM,pid=N,uid=N": the kernel's fields come first, the name the
 * process chose (up to 15 bytes, any of them) near the end, so it is cut out between the first
 * ",task=" after the path and the last ",pid=". */
bool oom_parse_kill_line(const char *msg, size_t n, const char *cgroup, OomVictim *ret) {
        static const char memcg_key[] = ",task_memcg=", task_key[] = ",task=", pid_key[] = ",pid=";
        const char *end = msg + n, *path, *task, *pid = NULL;
        size_t plen, clen = strlen(cgroup);
        char num[16];
        size_t k;

        if (n < 9 || memcmp(msg, "oom-kill:", 9) != 0)
                return false;
        path = memmem(msg, n, memcg_key, sizeof(memcg_key) - 1);
        if (!path)
                return false;
        path += sizeof(memcg_key) - 1;
        task = memmem(path, (size_t) (end - path), task_key, sizeof(task_key) - 1);
        if (!task)
                return false;
        plen = (size_t) (task - path);
        /* The path ends in ours, at a component's start. */
        if (clen == 0 || plen < clen || memcmp(task - clen, cgroup, clen) != 0 ||
            (plen > clen && cgroup[0] != '/' && task[-(long) clen - 1] != '/'))
                return false;
        task += sizeof(task_key) - 1;
        for (const char *q = task; (q = memmem(q, (size_t) (end - q), pid_key, sizeof(pid_key) - 1)); q++)
                pid = q;
        if (!pid)
                return false;
        k = strspn(pid + 5, "0123456789");
        if (k == 0 || k >= sizeof(num) || pid + 5 + k > end)
                return false;
        memcpy(num, pid + 5, k);
        num[k] = 0;
        *ret = (OomVictim) { .pid = (pid_t) strtol(num, NULL, 10) };
        {
                char raw[32];
                size_t len = MIN((size_t) (pid - task), sizeof(raw) - 1);

                memcpy(raw, task, len);
                raw[len] = 0;
                escape_controls(raw, SIZE_MAX, ret->comm, sizeof(ret->comm));
        }
        return true;
}

static int read_small(int fd, char *buf, size_t size) {
        ssize_t n = pread(fd, buf, size - 1, 0);

        if (n < 0)
                return -errno;
        buf[n] = 0;
        return 0;
}

static int read_counter(OomWatch *w, uint64_t *ret) {
        char buf[1024];
        int r;

        r = read_small(w->counter_fd, buf, sizeof(buf));
        if (r < 0)
                return r;
        return oom_parse_counter(buf, ret);
}

/* The last max bytes of the kernel's log with syslog(2) (READ_ALL reads the end, and never
 * consumes): "<N>[  123.456789] text" lines. Calls f for each whole message with its timestamp in
 * µs (0 without one). */
static int klog_each(size_t max, void (*f)(uint64_t ts, const char *msg, size_t n, void *userdata),
                     void *userdata) {
        _cleanup_free_ char *buf = NULL;
        int size, n;

        size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
        if (size <= 0)
                return size < 0 ? -errno : 0;
        size = MIN(size, (int) max);
        buf = malloc((size_t) size + 1);
        if (!buf)
                return -ENOMEM;
        n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        /* Cut at a line's start: the first may be the tail of one. */
        for (char *p = (size_t) n < (size_t) size ? buf : strchrnul(buf, '\n'); *p;) {
                if (*p == '\n') {
                        p++;
                        continue;
                }
                char *eol = strchrnul(p, '\n'), *m = p;
                uint64_t ts = 0;

                if (*m == '<')
                        m = strchr(m, '>') ? strchr(m, '>') + 1 : m;
                if (*m == '[') {
                        unsigned long long sec = 0, usec = 0;
                        int used = 0;

                        if (sscanf(m, "[%llu.%llu]%n", &sec, &usec, &used) == 2 && used > 0) {
                                ts = sec * 1000000ULL + usec;
                                m += used;
                                while (*m == ' ')
                                        m++;
                        }
                }
                if (m < eol)
                        f(ts, m, (size_t) (eol - m), userdata);
                p = *eol ? eol + 1 : eol;
        }
        return 0;
}

static void klog_last_ts(uint64_t ts, const char *msg, size_t n, void *userdata) {
        uint64_t *last = userdata;

        if (ts > *last)
                *last = ts;
}

void oom_log_mark(OomLog *ret) {
        OomLog l = OOM_LOG_NULL;

        l.kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (l.kmsg_fd >= 0)
                (void) lseek(l.kmsg_fd, 0, SEEK_END);
        else if (klog_each(KLOG_MARK_BYTES, klog_last_ts, &l.klog_after) >= 0)
                l.klog = true;
        *ret = l;
}

void oom_log_done(OomLog *l) {
        l->kmsg_fd = safe_close(l->kmsg_fd);
        l->klog = false;
}

int oom_watch_start(pid_t pid, const char *scope, const char *cgroup, bool unified, OomLog *log, OomWatch *ret) {
        _cleanup_(oom_watch_done) OomWatch w = OOM_WATCH_NULL;
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int cgfd = -EBADF;
        const char *last;
        uint64_t now;
        int r;

        w.log = *log;
        *log = OOM_LOG_NULL;
        /* The path the helper read before GO, if it names the scope: a start that does not wait
         * for the scope's job before GO may have read the PID's earlier place. */
        last = cgroup ? strrchr(cgroup, '/') : NULL;
        if (last && streq(last + 1, scope)) {
                w.cgroup = strdup(cgroup);
                if (!w.cgroup)
                        return -ENOMEM;
                w.unified = unified;
        } else {
                cgroup = NULL;
                r = proc_cgroup_of(pid, "memory", &w.cgroup, &w.unified);
                if (r < 0)
                        return r;
        }
        last = strrchr(w.cgroup, '/');
        if (!last || !streq(last + 1, scope)) {
                /* Neither names the scope (the payload gone, its file the root's): the kernel's
                 * log alone, its kill lines matched by the scope's name at the end of the memory
                 * cgroup they name. A scope without a memory cgroup of its own has none there. */
                free(w.cgroup);
                if (asprintf(&w.cgroup, "/%s", scope) < 0) {
                        w.cgroup = NULL;
                        return -ENOMEM;
                }
                *ret = w;
                w = OOM_WATCH_NULL;
                return 1;
        }
        if (asprintf(&dir, "%s%s%s", CGROUP_ROOT, w.unified ? "" : "/memory", w.cgroup) < 0)
                return -ENOMEM;
        cgfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cgfd < 0 && errno == ENOENT && cgroup) {
                /* Gone already (a payload killed at once, its scope removed): the kernel's log
                 * alone, read at the end (oom_watch_victims()). */
                *ret = w;
                w = OOM_WATCH_NULL;
                return 1;
        }
        if (cgfd < 0)
                return -errno;

        if (w.unified) {
                w.counter_fd = openat(cgfd, "memory.events", O_RDONLY | O_CLOEXEC);
                if (w.counter_fd < 0)
                        return -errno;
                w.event_fd = fcntl(w.counter_fd, F_DUPFD_CLOEXEC, 3);
                if (w.event_fd < 0)
                        return -errno;
        } else {
                _cleanup_close_ int control = -EBADF;
                char reg[32];

                w.counter_fd = openat(cgfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
                if (w.counter_fd < 0)
                        return -errno;
                control = openat(cgfd, "cgroup.event_control", O_WRONLY | O_CLOEXEC);
                if (control < 0)
                        return -errno;
                w.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (w.event_fd < 0)
                        return -errno;
                snprintf(reg, sizeof(reg), "%d %d", w.event_fd, w.counter_fd);
                if (write(control, reg, strlen(reg)) < 0)
                        return -errno;
        }
        /* A kernel without the counter (before 4.13) says nothing we could tell apart. The
         * baseline is 0: the scope's cgroup was made for this run. */
        r = read_counter(&w, &now);
        if (r < 0)
                return r;
        w.kills = 0;

        *ret = w;
        w = OOM_WATCH_NULL;
        return 0;
}

void oom_watch_done(OomWatch *w) {
        w->event_fd = safe_close(w->event_fd);
        w->counter_fd = safe_close(w->counter_fd);
        oom_log_done(&w->log);
        free(w->cgroup);
        w->cgroup = NULL;
}

short oom_watch_poll_events(const OomWatch *w) {
        return w->unified ? POLLPRI : POLLIN;
}

int oom_watch_check(OomWatch *w, uint64_t *ret_new) {
        uint64_t now = 0;
        int r;

        *ret_new = 0;
        if (w->counter_fd < 0)
                return 0;
        if (!w->unified) {
                uint64_t x;

                (void) read(w->event_fd, &x, sizeof(x));
        }
        r = read_counter(w, &now);
        if (r < 0)
                return r;
        if (now > w->kills)
                *ret_new = now - w->kills;
        w->kills = now;
        return 0;
}

typedef struct VictimList {
        const OomWatch *w;
        OomVictim *v;
        size_t max, n;
        uint64_t after, last;
} VictimList;

/* Keeps the newest max: older ones slide out. */
static void victim_add(VictimList *l, const OomVictim *v) {
        if (l->max == 0)
                return;
        if (l->n == l->max) {
                memmove(l->v, l->v + 1, (l->max - 1) * sizeof(OomVictim));
                l->n--;
        }
        l->v[l->n++] = *v;
}

static void klog_victim(uint64_t ts, const char *msg, size_t n, void *userdata) {
        VictimList *l = userdata;
        OomVictim v;

        if (ts > l->last)
                l->last = ts;
        if (ts <= l->after && ts != 0)
                return;
        if (oom_parse_kill_line(msg, n, l->w->cgroup, &v))
                victim_add(l, &v);
}

size_t oom_watch_victims(OomWatch *w, OomVictim *ret, size_t max) {
        VictimList l = { .w = w, .v = ret, .max = max, .after = w->log.klog_after };

        if (w->log.kmsg_fd >= 0) {
                char rec[KMSG_RECORD_MAX];

                for (;;) {
                        ssize_t n = read(w->log.kmsg_fd, rec, sizeof(rec) - 1);
                        char *m;
                        OomVictim v;

                        if (n < 0 && errno == EPIPE)
                                continue; /* overwritten before we read it: on to the next */
                        if (n <= 0)
                                break;
                        rec[n] = 0;
                        /* "PRIO,SEQ,TS,FLAGS;message\n" and continuation lines. */
                        m = strchr(rec, ';');
                        if (!m)
                                continue;
                        m++;
                        if (oom_parse_kill_line(m, strcspn(m, "\n"), w->cgroup, &v))
                                victim_add(&l, &v);
                }
        } else if (w->log.klog) {
                (void) klog_each(KLOG_VICTIMS_BYTES, klog_victim, &l);
                w->log.klog_after = MAX(w->log.klog_after, l.last);
        }
        return l.n;
}
