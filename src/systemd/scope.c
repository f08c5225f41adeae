/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "fd-util.h"
#include "log.h"
#include "name.h"
#include "path-util.h"
#include "scope.h"
#include "string-util.h"
#include "time-util.h"

/* The devices a container may open (SECURITY.md): systemd turns these into the devices cgroup
 * (v1) or a BPF program (v2). char-pts is every /dev/pts/N. */
static const char *const default_devices[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx",
        "char-pts",
};

ScopeSettings scope_settings_for(const Definition *d, const BerthConfig *config, pid_t pid, bool console,
                                 const char *bound_to) {
        return (ScopeSettings) {
                .name = d->name,
                .pid = pid,
                .memory_max = d->memory_max,
                .cpu_weight = d->cpu_weight,
                .tasks_max = d->pids_limit != 0                     ? d->pids_limit
                             : config->pids_limit != UINT64_MAX ? config->pids_limit
                                                                : 0,
                .privileged = d->privileged,
                .console = console,
                .stop_signal = d->stop_signal ?: SIGTERM, /* the runtime puts the image's in */
                .stop_timeout_usec = d->stop_timeout_usec,
                .bound_to = bound_to,
                .memory_swap_max = d->memory_swap_max,
                .cpu_quota_usec = d->cpu_quota_usec,
                .allowed_cpus = d->allowed_cpus,
        };
}

uint64_t scope_cpu_shares_to_weight(uint64_t shares) {
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        /* 1 + (shares - 2) * 9999 / 262142: 1024 → 39; docker/runc's conversion. */
        return 1 + ((shares - 2) * 9999) / 262142;
}

static int append_properties(sd_bus_message *m, const ScopeSettings *s) {
        _cleanup_free_ char *description = NULL;
        int r;

        if (asprintf(&description, "berth container %s", s->name) < 0)
                return -ENOMEM;

        /* Accounting on, so that berth stats and status have CPU, memory, tasks and IO to show. */
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
                                  "Description", "s", description,
                                  "Slice", "s", "machine.slice",
                                  "PIDs", "au", 1, (uint32_t) s->pid,
                                  "CollectMode", "s", "inactive-or-failed",
                                  "CPUAccounting", "b", 1,
                                  "MemoryAccounting", "b", 1,
                                  "TasksAccounting", "b", 1,
                                  "IOAccounting", "b", 1);
        if (r < 0)
                return r;

        /* When systemd stops the scope (its service went away, or `berth stop` of a foreground
         * container), it sends the container's stop signal and kills after its timeout; a
         * PID 1 without a handler ignores the signal, as with docker stop. */
        if (s->stop_signal > 0) {
                r = sd_bus_message_append(m, "(sv)(sv)", "KillSignal", "i", (int32_t) s->stop_signal,
                                          "TimeoutStopUSec", "t", s->stop_timeout_usec);
                if (r < 0)
                        return r;
        }

        if (s->memory_max != UINT64_MAX) {
                r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", s->memory_max);
                if (r < 0)
                        return r;
        }
        if (s->cpu_weight != 0) {
                r = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", s->cpu_weight);
                if (r < 0)
                        return r;
        }
        /* docker's --memory-swap, --cpus and --cpuset-cpus, as systemd has them (cgroup v2: on v1
         * systemd keeps MemorySwapMax= and AllowedCPUs= without applying them). */
        if (s->memory_swap_max != UINT64_MAX) {
                r = sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", s->memory_swap_max);
                if (r < 0)
                        return r;
        }
        if (s->cpu_quota_usec != 0) {
                r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", s->cpu_quota_usec);
                if (r < 0)
                        return r;
        }
        if (s->allowed_cpus) {
                _cleanup_free_ uint8_t *mask = NULL;
                size_t size = 0;

                r = definition_cpu_list_to_mask(s->allowed_cpus, &mask, &size);
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'r', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "AllowedCPUs");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "ay");
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'y', mask, size);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
        }
        if (s->tasks_max != 0) {
                r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", s->tasks_max);
                if (r < 0)
                        return r;
        }

        if (!s->privileged) {
                r = sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "closed");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'r', "sv");
                if (r < 0)
                        return r;
                r = sd_bus_message_append(m, "s", "DeviceAllow");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(m, 'a', "(ss)");
                if (r < 0)
                        return r;
                for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                        r = sd_bus_message_append(m, "(ss)", default_devices[i], "rwm");
                        if (r < 0)
                                return r;
                }
                if (s->console) {
                        r = sd_bus_message_append(m, "(ss)", "/dev/console", "rwm");
                        if (r < 0)
                                return r;
                }
                /* AddDevice=: systemd finds the node's numbers from the host's path. */
                for (size_t i = 0; i < s->n_devices; i++) {
                        r = sd_bus_message_append(m, "(ss)", s->devices[i].host, s->devices[i].perms);
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
        }

        if (s->bound_to) {
                /* A crashed helper must never leave a payload running: the scope goes with its
                 * service. Not After= as well: the service's start job lasts until READY=1,
                 * which waits for this scope, so the ordering would deadlock the start. */
                r = sd_bus_message_append(m, "(sv)", "BindsTo", "as", 1, s->bound_to);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Whether systemd lists any process in the unit (true when unsure: never step on a live one). */
static bool scope_has_processes(sd_bus *bus, const char *unit) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnitProcesses", NULL, &reply, "s", unit);
        if (r < 0)
                return false; /* no such unit any more */
        r = sd_bus_message_enter_container(reply, 'a', "(sus)");
        if (r < 0)
                return true;
        r = sd_bus_message_at_end(reply, false);
        return r <= 0;
}

static int build_start_message(sd_bus *bus, const ScopeSettings *s, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", unit, "fail");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        r = append_properties(m, s);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "a(sa(sv))", 0); /* no auxiliary units */
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int scope_cgroup_text_in_unit(char *text, const char *unit, bool unified, bool pids) {
        size_t k = strlen(unit);
        bool in = false;

        for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
                const char *controllers, *colon;
                bool wanted;
                size_t n;

                end = strchr(line, '\n');
                if (end)
                        *end = 0;
                controllers = strchr(line, ':');
                colon = controllers ? strchr(++controllers, ':') : NULL;
                if (!colon)
                        continue;
                wanted = (unified && startswith(line, "0::")) || startswith(controllers, "name=systemd:");
                /* "pids" among the comma-separated controllers of the line */
                for (const char *w = controllers; pids && !wanted && w < colon; w += strcspn(w, ",:") + 1)
                        wanted = strncmp(w, "pids", 4) == 0 && (w[4] == ',' || w[4] == ':');
                if (!wanted)
                        continue;
                n = strlen(line);
                if (!(n > k && line[n - k - 1] == '/' && streq(line + n - k, unit)))
                        return 0;
                in = true;
        }
        return in;
}

/* Whether systemd manages the unified hierarchy (unified or hybrid mode): mounted at
 * /sys/fs/cgroup or /sys/fs/cgroup/unified. In legacy mode the kernel still shows a "0::/" line
 * in which nothing ever moves. Asked once. */
static bool unified_managed(void) {
        static int cached = -1;
        struct statfs sfs;

        if (cached < 0)
                cached = (statfs("/sys/fs/cgroup", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) ||
                         (statfs("/sys/fs/cgroup/unified", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC);
        return cached;
}

/* Whether process pid is in unit's cgroup (scope_cgroup_text_in_unit()), by /proc/PID/cgroup. */
static int pid_in_unit(pid_t pid, const char *unit, bool pids) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_proc_pid_file(pid, "cgroup", 64 * 1024, &text);
        if (r < 0)
                return r;
        return scope_cgroup_text_in_unit(text, unit, unified_managed(), pids);
}

/* A TasksMax= of its own: systemd makes the scope's cgroup in the pids hierarchy. */
static bool scope_has_tasks_max(const ScopeSettings *s) {
        return s->tasks_max != 0 && s->tasks_max != UINT64_MAX;
}

/* Waits for the scope's job without hearing of it: systemd moves the PIDs into the scope when the
 * job runs, so the child's own cgroup says when it is done; the job object, asked only while the
 * PID is not there yet, says when it ended without. So a start needs no Subscribe (each
 * subscriber costs systemd a match rule in dbus-daemon, of which it has 512: with a few hundred
 * containers starting at once, systemd lost its bus), no JobRemoved for every other job, and no
 * match rule of its own (each costs dbus-daemon a comparison for every signal of systemd's). */
static int wait_in_scope(sd_bus *bus, const char *unit, const char *job, pid_t pid, bool pids) {
        /* Our own cgroup file is cheap to read; the job object costs systemd a D-Bus call, and
         * systemd runs its jobs at idle priority: many helpers asking often would starve the very
         * jobs they wait for. So the job is asked after 20 ms, then less and less often. */
        uint64_t waited = 0, next_ask = 20000, step;

        for (unsigned i = 0;; i++) {
                int r;

                r = pid_in_unit(pid, unit, pids);
                if (r != 0)
                        return r < 0 ? r : 0;
                if (waited >= next_ask) {
                        if (!bus_job_pending(bus, job)) {
                                /* Gone: done (and so every attach of it), or failed without
                                 * taking the PID. */
                                r = pid_in_unit(pid, unit, /* pids= */ false);
                                return r < 0 ? r : r > 0 ? 0 : -EIO;
                        }
                        next_ask = waited + MIN(next_ask, 500000U);
                }
                step = i < 10 ? 100U << (i / 2) : 2000U;
                (void) usleep((useconds_t) step);
                waited += step;
        }
}

/* StartTransientUnit, then the wait. */
static int start_scope(sd_bus *bus, sd_bus_message *m, const char *unit, pid_t pid, bool pids, sd_bus_error *error) {
        _cleanup_free_ char *job = NULL;
        int r;

        r = bus_call_for_job(bus, m, error, &job);
        if (r < 0)
                return r;
        return wait_in_scope(bus, unit, job, pid, pids);
}

/* Why the scope could not be made, for the caller's one line: systemd's reason if it gave one. */
static int scope_error(int r, const sd_bus_error *error, char **ret_error) {
        if (r >= 0 || !ret_error)
                return r;
        if (sd_bus_error_is_set(error))
                *ret_error = strdup(error->message ?: error->name);
        else if (r == -EIO)
                *ret_error = strdup("its start job ended without taking the container's processes");
        else
                *ret_error = strdup(strerror(-r));
        return r;
}

int scope_create(sd_bus *bus, const ScopeSettings *s, char **ret_error) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *private = NULL;
        _cleanup_free_ char *unit = NULL;
        int r;

        unit = name_to_scope(s->name);
        if (!unit)
                return -EINVAL;

        for (unsigned attempt = 0;; attempt++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
                _cleanup_free_ char *state = NULL;

                r = build_start_message(bus, s, unit, &m);
                if (r < 0)
                        return r;
                r = start_scope(bus, m, unit, s->pid, scope_has_tasks_max(s), &error);
                if (bus_refused(bus, r, &error) && !private && bus_open_private(&private) >= 0) {
                        bus = private; /* dbus-daemon is full: systemd's own socket */
                        sd_bus_error_free(&error);
                        continue;
                }
                if (r >= 0 || !sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists") || attempt >= 200)
                        break;
                /* The previous run of this name left its scope behind: dead but not yet
                 * collected (CollectMode= acts on systemd's next GC pass), or even still "active"
                 * because on cgroup v1 the empty-cgroup notice comes late. A scope with
                 * processes is a real conflict; an empty one we stop, and wait for it to go,
                 * up to ~1 s. */
                if (scope_has_processes(bus, unit))
                        break;
                if (bus_get_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState", &state) >= 0 &&
                    !streq(state, "inactive") && !streq(state, "failed"))
                        (void) bus_unit_job(bus, "StopUnit", unit, NULL, NULL);
                (void) sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                          "org.freedesktop.systemd1.Manager", "ResetFailedUnit", NULL, NULL, "s", unit);
                sd_bus_error_free(&error);
                usleep(5000);
        }
        return scope_error(r, &error, ret_error);
}

struct ScopeStart {
        sd_bus *bus;
        const ScopeSettings *settings;
        char *unit;
        sd_bus_slot *slot;
        sd_bus_message *reply;
        char *job;
};

static int on_start_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ScopeStart *st = userdata;
        const char *job;

        st->reply = sd_bus_message_ref(reply);
        if (!sd_bus_message_is_method_error(reply, NULL) && sd_bus_message_read(reply, "o", &job) >= 0)
                st->job = strdup(job);
        return 0;
}

ScopeStart *scope_start_free(ScopeStart *st) {
        if (!st)
                return NULL;
        sd_bus_slot_unref(st->slot);
        sd_bus_message_unref(st->reply);
        free(st->job);
        sd_bus_unref(st->bus);
        free(st->unit);
        free(st);
        return NULL;
}

int scope_start_begin(sd_bus *bus, const ScopeSettings *s, ScopeStart **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(scope_start_freep) ScopeStart *st = NULL;
        int r;

        st = calloc(1, sizeof(*st));
        if (!st)
                return -ENOMEM;
        st->bus = sd_bus_ref(bus);
        st->settings = s;
        st->unit = name_to_scope(s->name);
        if (!st->unit)
                return -EINVAL;
        r = build_start_message(bus, s, st->unit, &m);
        if (r < 0)
                return r;
        r = sd_bus_call_async(bus, &st->slot, m, on_start_reply, st, 0);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(st);
        return 0;
}

int scope_start_finish(ScopeStart *st, char **ret_error) {
        int r;

        while (!st->reply) {
                r = sd_bus_process(st->bus, NULL);
                if (r < 0)
                        break;
                if (r == 0 && sd_bus_wait(st->bus, UINT64_MAX) < 0)
                        break;
        }
        if (st->reply && st->job)
                return scope_error(wait_in_scope(st->bus, st->unit, st->job, st->settings->pid, scope_has_tasks_max(st->settings)), NULL, ret_error);
        if (st->reply && sd_bus_message_is_method_error(st->reply, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(st->reply);
                int err = -(sd_bus_message_get_errno(st->reply) ?: EIO);

                if (!sd_bus_error_has_name(e, "org.freedesktop.systemd1.UnitExists") && !bus_refused(st->bus, err, e))
                        return scope_error(err, e, ret_error);
        }
        /* A scope left by an earlier run, a refused call, a lost connection: scope_create()
         * knows what to do about each. */
        return scope_create(st->bus, st->settings, ret_error);
}

void scope_discard(sd_bus *bus, const char *name, ScopeStart *st) {
        _cleanup_free_ char *unit = name_to_scope(name);
        uint64_t until = now_monotonic_usec() + 5 * USEC_PER_SEC;

        while (st && !st->reply) {
                uint64_t now = now_monotonic_usec();
                int r = sd_bus_process(st->bus, NULL);

                if (r < 0 || now >= until)
                        break;
                if (r == 0 && sd_bus_wait(st->bus, until - now) < 0)
                        break;
        }
        if (!unit)
                return;
        (void) bus_unit_job(bus, "StopUnit", unit, NULL, NULL);
        (void) sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", "ResetFailedUnit", NULL, NULL, "s", unit);
}

int scope_unit_pids(sd_bus *bus, const char *unit, pid_t **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnitProcesses", &error, &reply, "s", unit);
        if (r < 0)
                return sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit") ? -ESRCH : r;
        r = sd_bus_message_enter_container(reply, 'a', "(sus)");
        if (r < 0)
                return r;
        for (;;) {
                const char *path, *cmd;
                uint32_t pid;
                pid_t *t;

                r = sd_bus_message_read(reply, "(sus)", &path, &pid, &cmd);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                t = realloc(pids, sizeof(pid_t) * (n + 1));
                if (!t)
                        return -ENOMEM;
                pids = t;
                pids[n++] = (pid_t) pid;
        }
        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

static bool is_namespace_init(pid_t pid) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        char path[64];
        size_t n = 0;

        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return false;
        while (getline(&line, &n, f) > 0) {
                const char *v = startswith(line, "NSpid:");
                int outer, inner;
                char more;

                if (v)
                        return sscanf(v, "%d %d %c", &outer, &inner, &more) == 2 && inner == 1;
        }
        return false;
}

/* When a process started, in clock ticks since boot (/proc/PID/stat's 22nd field); UINT64_MAX when
 * it is gone. */
static uint64_t start_time(pid_t pid) {
        _cleanup_free_ char *text = NULL;
        unsigned long long t;
        const char *p;

        if (read_proc_pid_file(pid, "stat", 4096, &text) < 0)
                return UINT64_MAX;
        /* After the command's ")" (which may hold anything): state is field 3, starttime 22. */
        p = strrchr(text, ')');
        if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                         &t) != 1)
                return UINT64_MAX;
        return (uint64_t) t;
}

static bool same_mount_namespace(pid_t a, pid_t b) {
        char pa[64], pb[64];
        struct stat sa, sb;

        snprintf(pa, sizeof(pa), "/proc/%d/ns/mnt", (int) a);
        snprintf(pb, sizeof(pb), "/proc/%d/ns/mnt", (int) b);
        return stat(pa, &sa) >= 0 && stat(pb, &sb) >= 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* The service's main process (the helper, or berth-supervisor) has the payload's PID 1 as its
 * child: one property and one small file, where asking systemd for the scope's processes makes
 * it read the command line of each (thousands, with a fork bomb inside). */
static int pid1_of_service(sd_bus *bus, const char *name, pid_t *ret) {
        _cleanup_free_ char *service = NULL, *children = NULL;
        char path[96];
        uint32_t main_pid = 0;
        int r;

        service = name_to_service(name);
        if (!service)
                return -ENOMEM;
        r = bus_get_unit_property_u32(bus, service, "org.freedesktop.systemd1.Service", "MainPID", &main_pid);
        if (r < 0)
                return r;
        if (main_pid == 0)
                return -ESRCH;
        snprintf(path, sizeof(path), "/proc/%" PRIu32 "/task/%" PRIu32 "/children", main_pid, main_pid);
        r = read_full_file_at(AT_FDCWD, path, 64 * 1024, &children, NULL);
        if (r < 0)
                return r;
        {
                pid_t first = 0;
                uint64_t first_start = UINT64_MAX;

                for (const char *p = children; *p;) {
                        char *end;
                        long pid = strtol(p, &end, 10);
                        uint64_t t;

                        if (end == p)
                                break;
                        p = end;
                        if (pid <= 0)
                                continue;
                        if (is_namespace_init((pid_t) pid)) {
                                *ret = (pid_t) pid;
                                return 0;
                        }
                        /* PID=host or container:NAME: the payload is no namespace's init. It is the
                         * child in the container's mounts (a health check's helper is in ours),
                         * and the first one started. */
                        t = start_time((pid_t) pid);
                        if (t < first_start && !same_mount_namespace((pid_t) pid, (pid_t) main_pid)) {
                                first = (pid_t) pid;
                                first_start = t;
                        }
                }
                if (first > 0) {
                        *ret = first;
                        return 0;
                }
        }
        return -ESRCH;
}

int scope_pid1(sd_bus *bus, const char *name, pid_t *ret) {
        _cleanup_free_ char *scope = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r;

        if (pid1_of_service(bus, name, ret) >= 0)
                return 0;
        /* A foreground run: no service. */
        scope = name_to_scope(name);
        if (!scope)
                return -ENOMEM;
        r = scope_unit_pids(bus, scope, &pids, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (is_namespace_init(pids[i])) {
                        *ret = pids[i];
                        return 0;
                }
        /* PID=host or container:NAME: the scope's first process, which its PIDs= named; whatever
         * joined it (berth exec) or the payload started came later. */
        {
                uint64_t first_start = UINT64_MAX;
                pid_t first = 0;

                for (size_t i = 0; i < n; i++) {
                        uint64_t t = start_time(pids[i]);

                        if (t < first_start) {
                                first = pids[i];
                                first_start = t;
                        }
                }
                if (first > 0) {
                        *ret = first;
                        return 0;
                }
        }
        return -ESRCH;
}

/* --- A process of ours into the scope (berth exec) ----------------------------------------------- */

/* The directory of a hierarchy named in /proc/PID/cgroup ("memory", "cpu,cpuacct",
 * "name=systemd", or "" for the unified one), where systemd mounts it. NULL when it is not
 * mounted there. */
static char *hierarchy_dir(const char *controllers) {
        const char *sub = startswith(controllers, "name=") ?: controllers;
        struct statfs sfs;
        char *dir;

        if (isempty(sub))
                dir = strdup(statfs("/sys/fs/cgroup", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC
                                     ? "/sys/fs/cgroup"
                                     : "/sys/fs/cgroup/unified");
        else
                dir = path_join("/sys/fs/cgroup", sub);
        if (dir && (statfs(dir, &sfs) < 0 || (sfs.f_type != CGROUP_SUPER_MAGIC && sfs.f_type != CGROUP2_SUPER_MAGIC))) {
                free(dir);
                return NULL;
        }
        return dir;
}

/* Whether a path from /proc/PID/cgroup is below scope_cgroup (or is it). */
static bool cgroup_is_below(const char *path, const char *scope_cgroup) {
        const char *rest = startswith(path, scope_cgroup);

        return rest && (*rest == 0 || *rest == '/');
}

/* Calls f for every line "ID:CONTROLLERS:PATH" of /proc/PID/cgroup. */
static int for_each_cgroup(pid_t pid, int (*f)(const char *controllers, const char *path, void *userdata),
                           void *userdata) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_proc_pid_file(pid, "cgroup", 64 * 1024, &text);
        if (r == -ENOENT)
                return -ESRCH;
        if (r < 0)
                return r;
        for (char *line = text, *next; line && *line; line = next) {
                char *controllers, *path;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                controllers = strchr(line, ':');
                path = controllers ? strchr(controllers + 1, ':') : NULL;
                if (!path)
                        return -EBADMSG;
                *path++ = 0;
                controllers++;
                r = f(controllers, path, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

typedef struct JoinContext {
        const char *scope_cgroup;
        pid_t pid;
        bool check_only;  /* a first pass: write nothing, only see that PID 1 is in the scope */
        bool in_scope;    /* … in its name=systemd (v1) or unified cgroup */
} JoinContext;

/* The joiner goes where PID 1 is, in every hierarchy: those systemd set up for the scope
 * (devices, memory, pids …) and those it does not use on v1 (freezer, net_cls …) alike. */
static int join_one(const char *controllers, const char *path, void *userdata) {
        JoinContext *j = userdata;
        _cleanup_free_ char *dir = NULL, *procs = NULL;
        _cleanup_close_ int fd = -EBADF;
        char buf[32];
        int n;

        /* "/.." is how a cgroup outside our cgroup namespace shows: never ours to write. */
        if (!path_is_absolute(path) || strstr(path, "/.."))
                return -EBADMSG;
        if (isempty(controllers) || streq(controllers, "name=systemd")) {
                if (!cgroup_is_below(path, j->scope_cgroup))
                        return -EBADMSG;
                j->in_scope = true;
        }
        if (j->check_only)
                return 0;
        dir = hierarchy_dir(controllers);
        if (!dir)
                return 0; /* not mounted where systemd mounts it: systemd manages nothing there */
        procs = path_join(dir, path, "cgroup.procs");
        if (!procs)
                return -ENOMEM;
        fd = open(procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof(buf), "%d\n", (int) j->pid);
        if (write(fd, buf, (size_t) n) != n)
                return -errno;
        return 0;
}

int scope_join(sd_bus *bus, const char *name, pid_t pid1, pid_t pid) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *cg = NULL, *scope = NULL;
        JoinContext j = { .pid = pid, .check_only = true };
        int r;

        scope = name_to_scope(name);
        if (!scope)
                return log_oom();

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "AttachProcessesToUnit", &error, NULL, "ssau",
                               scope, "", 1, (uint32_t) pid);
        if (r >= 0)
                return 0;
        if (!sd_bus_error_has_name(&error, SD_BUS_ERROR_INVALID_ARGS))
                return log_error_errno(r, "Failed to move the command into %s: %s", scope, bus_error_message(&error, r));
        log_debug("AttachProcessesToUnit: %s; joining the cgroups of PID 1 instead", bus_error_message(&error, r));

        r = bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Scope", "ControlGroup", &cg);
        if (r < 0 || isempty(cg) || !path_is_absolute(cg))
                return log_error_errno(r < 0 ? r : -EBADMSG, "Failed to read the control group of %s: %m", scope);
        j.scope_cgroup = cg;
        r = for_each_cgroup(pid1, join_one, &j);
        if (r >= 0 && !j.in_scope)
                r = -EBADMSG;
        if (r >= 0) {
                j.check_only = false;
                r = for_each_cgroup(pid1, join_one, &j);
        }
        if (r == -ESRCH)
                return log_error_errno(r, "container %s is not running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to move the command into the cgroups of %s: %m", scope);
        return 0;
}
