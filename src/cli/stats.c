/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "format.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "string-util.h"
#include "strv.h"
#include "table.h"
#include "units.h"
#include "verbs.h"

/* berth stats [NAME…]: `docker stats` from the properties systemd keeps for each
 * container-NAME.scope (CPUUsageNSec, MemoryCurrent, MemoryMax, TasksCurrent, IOReadBytes,
 * IOWriteBytes). CPU % is the growth of CPUUsageNSec over the wall-clock time between two
 * samples, so 200% is two CPUs' worth. What systemd does not account (UINT64_MAX: CPUAccounting=
 * or IOAccounting= off, or a cgroup v1 host without the controller) shows as "-". */

#define SCOPE_IFACE "org.freedesktop.systemd1.Scope"

typedef struct Sample {
        bool running;
        uint64_t at; /* CLOCK_MONOTONIC, ns */
        uint64_t cpu_nsec, memory, memory_max, tasks, io_read, io_write;
} Sample;

typedef struct Entry {
        char *name;
        Sample prev, cur;
} Entry;

typedef struct Table {
        Entry *entries;
        size_t n;
} Table;

static void table_done(Table *t) {
        for (size_t i = 0; i < t->n; i++)
                free(t->entries[i].name);
        free(t->entries);
        *t = (Table) {};
}

static uint64_t now_nsec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

/* MemTotal: the limit docker shows for a container without one. */
static uint64_t host_memory(void) {
        static uint64_t total = 0;
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t n = 0;

        if (total > 0)
                return total;
        f = fopen("/proc/meminfo", "re");
        if (!f)
                return UINT64_MAX;
        while (getline(&line, &n, f) > 0) {
                uint64_t kb;

                if (sscanf(line, "MemTotal: %" SCNu64 " kB", &kb) == 1) {
                        total = kb * 1024;
                        break;
                }
        }
        return total > 0 ? total : UINT64_MAX;
}

/* The running containers, from the active container-*.scope units, sorted. */
static int running_names(sd_bus *bus, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **names = NULL;
        char *states[] = { (char *) "active", (char *) "activating", (char *) "deactivating", (char *) "reloading", NULL };
        char *patterns[] = { (char *) "container-*.scope", NULL };
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, states);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, patterns);
        if (r < 0)
                return log_error_errno(r, "Failed to build the unit list request: %m");
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return log_error_errno(r, "Failed to list the container scopes: %s", bus_error_message(&error, r));
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        if (r < 0)
                return log_error_errno(r, "Failed to read the unit list: %m");
        for (;;) {
                const char *unit, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
                const char *p, *e;
                uint32_t job_id;
                char *name;

                r = sd_bus_message_read(reply, "(ssssssouso)", &unit, &description, &load, &active, &sub,
                                        &following, &path, &job_id, &job_type, &job_path);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the unit list: %m");
                if (r == 0)
                        break;
                p = startswith(unit, "container-");
                e = p ? endswith(p, ".scope") : NULL;
                if (!e)
                        continue;
                name = name_from_scope_part(p, (size_t) (e - p));
                if (!name || strv_consume(&names, name) < 0)
                        return log_oom();
        }
        if (!names) {
                names = calloc(1, sizeof(char *));
                if (!names)
                        return log_oom();
        }
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}

static void sample(sd_bus *bus, const char *name, Sample *s) {
        _cleanup_free_ char *scope = name_to_scope(name), *state = NULL;

        *s = (Sample) { .at = now_nsec(), .cpu_nsec = UINT64_MAX, .memory = UINT64_MAX, .memory_max = UINT64_MAX,
                        .tasks = UINT64_MAX, .io_read = UINT64_MAX, .io_write = UINT64_MAX };
        if (!scope)
                return;
        /* Reading a property loads a unit that is not loaded: ActiveState "inactive" then. */
        if (bus_get_unit_property_string(bus, scope, "org.freedesktop.systemd1.Unit", "ActiveState", &state) < 0 ||
            streq(state, "inactive") || streq(state, "failed"))
                return;
        s->running = true;
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "CPUUsageNSec", &s->cpu_nsec);
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "MemoryCurrent", &s->memory);
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "MemoryMax", &s->memory_max);
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "TasksCurrent", &s->tasks);
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "IOReadBytes", &s->io_read);
        (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "IOWriteBytes", &s->io_write);
}

/* Takes the names (all running containers when fixed is NULL) and a new sample of each, keeping
 * the previous sample of names it had already. */
static int refresh(sd_bus *bus, char **fixed, Table *t) {
        _cleanup_strv_free_ char **found = NULL;
        char **names = fixed;
        Table n = {};
        size_t count;
        int r;

        if (!names) {
                r = running_names(bus, &found);
                if (r < 0)
                        return r;
                names = found;
        }
        count = strv_length(names);
        n.entries = calloc(count + 1, sizeof(Entry));
        if (!n.entries)
                return log_oom();
        STRV_FOREACH(name, names) {
                Entry *e = &n.entries[n.n];

                e->name = strdup(*name);
                if (!e->name) {
                        table_done(&n);
                        return log_oom();
                }
                for (size_t i = 0; i < t->n; i++)
                        if (streq(t->entries[i].name, *name)) {
                                e->prev = t->entries[i].cur;
                                break;
                        }
                sample(bus, *name, &e->cur);
                n.n++;
        }
        table_done(t);
        *t = n;
        return 0;
}

enum { COL_NAME, COL_CPU, COL_MEM, COL_MEMP, COL_IO, COL_TASKS, _COL_MAX };

typedef struct Line {
        char cell[_COL_MAX][2 * FORMAT_MAX + 4];
} Line;

static void format_entry(const Entry *e, Line *l) {
        const Sample *p = &e->prev, *c = &e->cur;
        char a[FORMAT_MAX], b[FORMAT_MAX];
        uint64_t limit;

        snprintf(l->cell[COL_NAME], sizeof(l->cell[0]), "%s", e->name);
        for (size_t i = COL_CPU; i < _COL_MAX; i++)
                strcpy(l->cell[i], "-");
        if (!c->running)
                return;
        if (p->running && p->cpu_nsec != UINT64_MAX && c->cpu_nsec != UINT64_MAX && c->at > p->at &&
            c->cpu_nsec >= p->cpu_nsec)
                snprintf(l->cell[COL_CPU], sizeof(l->cell[0]), "%.2f%%",
                         100.0 * (double) (c->cpu_nsec - p->cpu_nsec) / (double) (c->at - p->at));
        limit = c->memory_max != UINT64_MAX ? c->memory_max : host_memory();
        if (c->memory != UINT64_MAX) {
                if (limit != UINT64_MAX) {
                        snprintf(l->cell[COL_MEM], sizeof(l->cell[0]), "%s / %s", format_bytes(a, c->memory),
                                 format_bytes(b, limit));
                        snprintf(l->cell[COL_MEMP], sizeof(l->cell[0]), "%.2f%%",
                                 100.0 * (double) c->memory / (double) limit);
                } else
                        snprintf(l->cell[COL_MEM], sizeof(l->cell[0]), "%s", format_bytes(a, c->memory));
        }
        if (c->io_read != UINT64_MAX && c->io_write != UINT64_MAX)
                snprintf(l->cell[COL_IO], sizeof(l->cell[0]), "%s / %s", format_bytes(a, c->io_read),
                         format_bytes(b, c->io_write));
        if (c->tasks != UINT64_MAX)
                snprintf(l->cell[COL_TASKS], sizeof(l->cell[0]), "%" PRIu64, c->tasks);
}

static int print_table(const Table *t, bool clear) {
        static const char *const header[_COL_MAX] = { "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "BLOCK I/O",
                                                      "TASKS" };
        _cleanup_free_ Line *lines = calloc(t->n + 1, sizeof(Line));
        _cleanup_free_ const char **cells = calloc((t->n + 1) * _COL_MAX, sizeof(char *));

        if (!lines || !cells)
                return log_oom();
        for (size_t i = 0; i < t->n; i++) {
                format_entry(&t->entries[i], &lines[i]);
                for (size_t c = 0; c < _COL_MAX; c++)
                        cells[i * _COL_MAX + c] = lines[i].cell[c];
        }
        if (clear)
                fputs("\033[H\033[2J", stdout);
        table_print(header, _COL_MAX, cells, t->n, /* gap= */ 3, /* legend= */ true);
        fflush(stdout);
        return 0;
}

/* Sleeps for usec; true when SIGINT or SIGTERM came (they are blocked, so they wait here). */
static bool interrupted_within(const sigset_t *mask, uint64_t usec) {
        struct timespec ts = { .tv_sec = (time_t) (usec / 1000000), .tv_nsec = (long) (usec % 1000000) * 1000 };

        for (;;) {
                int sig = sigtimedwait(mask, NULL, &ts);

                if (sig > 0)
                        return true;
                if (errno != EINTR)
                        return false; /* EAGAIN: the time is up */
        }
}

int verb_stats(int argc, char *argv[]) {
        enum { ARG_NO_STREAM = 0x100, ARG_HELP };
        static const struct option options[] = {
                { "no-stream", no_argument, NULL, ARG_NO_STREAM },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(table_done) Table t = {};
        _cleanup_strv_free_ char **keys = NULL;
        char **names = NULL;
        bool stream = true, clear = isatty(STDOUT_FILENO);
        sigset_t mask;
        int c, r;

        while ((c = options_next("stats", argc, argv, "", options)) >= 0)
                switch (c) {
                case ARG_NO_STREAM:
                        stream = false;
                        break;
                case ARG_HELP:
                        verb_help("stats",
                                  "      --no-stream   print one sample and exit (CPU % over half a second)\n"
                                  "\n"
                                  "Without names, all running containers. Without --no-stream, refreshes\n"
                                  "every second until interrupted.\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        for (int i = optind; i < argc; i++) {
                char *key = NULL;

                if (containers_require(argv[i], &key) < 0)
                        return EXIT_BERTH_FAILED;
                if (strv_consume(&keys, key) < 0)
                        return log_oom(), EXIT_BERTH_FAILED;
        }
        names = keys;

        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                return EXIT_BERTH_FAILED;
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        /* The first CPU % needs two samples: half a second apart, then a second. */
        if (refresh(bus, names, &t) < 0)
                return EXIT_BERTH_FAILED;
        for (uint64_t wait = 500000;; wait = 1000000) {
                if (interrupted_within(&mask, wait))
                        return 0;
                if (refresh(bus, names, &t) < 0 || print_table(&t, stream && clear) < 0)
                        return EXIT_BERTH_FAILED;
                if (!stream)
                        return 0;
        }
}
