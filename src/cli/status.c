/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "env-expand.h"
#include "format.h"
#include "freezer.h"
#include "history.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "units.h"
#include "verbs.h"

/* berth status NAME: `systemctl status` for a container — its state from container@NAME.service
 * and container-NAME.scope, what its definition says, what its scope uses, and its last journal
 * lines as `berth logs -n N NAME` prints them. */

#define SERVICE_IFACE "org.freedesktop.systemd1.Service"
#define SCOPE_IFACE "org.freedesktop.systemd1.Scope"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"

typedef struct Status {
        char *service_state, *scope_state, *freezer, *result;
        const char *state;
        pid_t pid;
        int32_t exit_code;
        bool has_exit_code;
        uint64_t since; /* when it entered the state shown; 0: unknown */
        uint64_t memory, memory_max, cpu_nsec, tasks, tasks_max;
        const char *health; /* the journal's word (history.h); NULL: no health check */
        bool oom;           /* the kernel killed one of its processes for memory, in this run or its last */
        uint32_t restarts;  /* NRestarts */
} Status;

static void status_done(Status *s) {
        free(s->service_state);
        free(s->scope_state);
        free(s->freezer);
        free(s->result);
}

static int read_status(sd_bus *bus, const char *name, Status *s) {
        _cleanup_free_ char *service = NULL, *scope = NULL;

        service = name_to_service(name);
        scope = name_to_scope(name);
        if (!service || !scope)
                return -ENOMEM;

        /* Reading a property loads a unit that is not loaded: a service then reads "inactive",
         * a scope that does not exist "inactive" too; both mean the same here. Each property is
         * read on its own and a failure leaves it unknown: units come and go meanwhile. */
        *s = (Status) { .memory = UINT64_MAX, .memory_max = UINT64_MAX, .cpu_nsec = UINT64_MAX,
                        .tasks = UINT64_MAX, .tasks_max = UINT64_MAX };
        (void) bus_get_unit_property_string(bus, service, UNIT_IFACE, "ActiveState", &s->service_state);
        (void) bus_get_unit_property_string(bus, scope, UNIT_IFACE, "ActiveState", &s->scope_state);
        if (s->scope_state && !streq(s->scope_state, "inactive"))
                (void) freezer_state(bus, name, &s->freezer);
        s->state = containers_state(s->service_state, s->scope_state, s->freezer);

        if (containers_state_is_running(s->state)) {
                (void) scope_pid1(bus, name, &s->pid);
                if (s->scope_state && !streq(s->scope_state, "inactive"))
                        (void) bus_get_unit_property_u64(bus, scope, UNIT_IFACE, "ActiveEnterTimestamp", &s->since);
                else
                        (void) bus_get_unit_property_u64(bus, service, UNIT_IFACE, "ActiveEnterTimestamp", &s->since);
                (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "MemoryCurrent", &s->memory);
                (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "MemoryMax", &s->memory_max);
                (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "CPUUsageNSec", &s->cpu_nsec);
                (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "TasksCurrent", &s->tasks);
                (void) bus_get_unit_property_u64(bus, scope, SCOPE_IFACE, "TasksMax", &s->tasks_max);
        } else if (s->service_state) {
                uint64_t exited = 0;

                (void) bus_get_unit_property_u64(bus, service, SERVICE_IFACE, "ExecMainExitTimestamp", &exited);
                if (exited > 0) {
                        s->since = exited;
                        s->has_exit_code = bus_get_unit_property_i32(bus, service, SERVICE_IFACE, "ExecMainStatus",
                                                                     &s->exit_code) >= 0;
                }
                (void) bus_get_unit_property_string(bus, service, SERVICE_IFACE, "Result", &s->result);
        }
        (void) bus_get_unit_property_u32(bus, service, SERVICE_IFACE, "NRestarts", &s->restarts);
        {
                sd_journal *j = NULL;

                if (history_open(&j) >= 0) {
                        if (containers_state_is_running(s->state)) {
                                (void) history_health(j, name, &s->health, NULL, NULL);
                                (void) history_oom_since(j, name, s->since, &s->oom);
                        } else {
                                RunExit x = {};

                                (void) history_last_exit(j, name, &x);
                                if (streq_ptr(s->state, "failed"))
                                        containers_exit_from_service(bus, name, &x);
                                s->state = containers_state_after_exit(s->state, x.known);
                                s->oom = x.known && x.oom;
                                /* Unloaded, systemd forgot the code; the journal did not. Killed
                                 * by a signal, systemd's code is the signal: 128 + it, as a shell
                                 * and docker say it. */
                                if (x.known && (!s->has_exit_code || streq_ptr(s->result, "signal") ||
                                                streq_ptr(s->result, "timeout") || streq_ptr(s->result, "core-dump"))) {
                                        s->exit_code = x.code;
                                        s->has_exit_code = true;
                                        if (s->since == 0)
                                                s->since = x.at;
                                }
                        }
                        sd_journal_close(j);
                }
        }
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* " since Mon 2024-01-02 10:00:00 UTC; 5min ago", as systemctl status says it. */
static void format_since(char *buf, size_t n, uint64_t usec) {
        char when[64] = "", ago[FORMAT_MAX];
        time_t t = (time_t) (usec / 1000000);
        uint64_t now = now_usec();
        struct tm tm;

        if (usec == 0) {
                *buf = 0;
                return;
        }
        if (localtime_r(&t, &tm))
                strftime(when, sizeof(when), "%a %Y-%m-%d %H:%M:%S %Z", &tm);
        snprintf(buf, n, " since %s; %s ago", when, format_timespan(ago, now > usec ? now - usec : 0));
}

/* CPU time as systemctl status shows it: "12ms", "1.234s", "2min 3.456s". */
static char *format_cpu(char buf[static FORMAT_MAX], uint64_t nsec) {
        uint64_t ms = nsec / 1000000;

        if (ms < 1000)
                snprintf(buf, FORMAT_MAX, "%" PRIu64 "ms", ms);
        else if (ms < 60000)
                snprintf(buf, FORMAT_MAX, "%" PRIu64 ".%03" PRIu64 "s", ms / 1000, ms % 1000);
        else
                snprintf(buf, FORMAT_MAX, "%" PRIu64 "min %" PRIu64 ".%03" PRIu64 "s", ms / 60000,
                         ms / 1000 % 60, ms % 1000);
        return buf;
}

/* Entrypoint and command as one shell-quoted line; NULL on OOM. */
static char *command_line(const Definition *d) {
        _cleanup_strv_free_ char **argv = NULL, **shown = NULL;

        STRV_FOREACH(a, d->entrypoint)
                if (strv_extend(&argv, *a) < 0)
                        return NULL;
        STRV_FOREACH(a, d->exec)
                if (strv_extend(&argv, *a) < 0)
                        return NULL;
        /* "$$" shown as the '$' it means (env-expand.h). */
        if (env_dollar_unescape_words(argv, &shown) < 0)
                return NULL;
        return shown ? strv_join_quoted(shown) : strdup("");
}

static void field(const char *label, const char *fmt, ...) _printf_(2, 3);
static void field(const char *label, const char *fmt, ...) {
        va_list ap;

        printf("%10s: ", label);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

static void print_status(const char *name, const char *path, const Definition *d, const char *def_error,
                         const Status *s) {
        bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        const char *on = "", *off = color ? "\033[0m" : "";
        char since[160], buf[FORMAT_MAX], buf2[FORMAT_MAX];
        _cleanup_free_ char *service = name_to_service(name), *command = NULL;

        if (color)
                on = streq(s->state, "running") ? "\033[0;1;32m" : streq(s->state, "failed") ? "\033[0;1;31m" : "";
        printf("%s●%s %s - berth container %s (%s)\n", on, off, name, name, d ? definition_image_shown(d) : "?");

        format_since(since, sizeof(since), s->since);
        if (streq(s->state, "paused"))
                field("State", "%spaused%s (running%s)", on, off, since);
        else if (streq(s->state, "running"))
                field("State", "%srunning%s%s%s%s%s", on, off, s->health ? " (" : "", s->health ?: "",
                      s->health ? ")" : "", since);
        else if (s->has_exit_code && !isempty(s->result) && !streq(s->result, "success"))
                field("State", "%s%s%s (Result: %s, code %d%s)%s", on, s->state, off, s->result,
                      (int) s->exit_code, s->oom ? ", out of memory" : "", since);
        else if (s->has_exit_code)
                field("State", "%s%s%s (code %d%s)%s", on, s->state, off, (int) s->exit_code,
                      s->oom ? ", out of memory" : "", since);
        else
                field("State", "%s%s%s%s", on, s->state, off, since);

        if (s->pid > 0)
                field("PID", "%d", (int) s->pid);
        if (s->oom && containers_state_is_running(s->state))
                field("OOM", "the kernel killed a process of it for memory");
        if (s->restarts > 0)
                field("Restarts", "%" PRIu32, s->restarts);
        if (d) {
                field("Image", "%s", definition_image_shown(d));
                command = command_line(d);
                field("Command", "%s", isempty(command) ? "-" : command);
                _cleanup_strv_free_ char **addresses = NULL;
                _cleanup_free_ char *joined = NULL;

                if (containers_state_is_running(s->state))
                        (void) containers_addresses(d, s->pid, &addresses);
                joined = strv_isempty(addresses) ? NULL : strv_join(addresses, ", ");
                field("Address", "%s", joined ?: "-");
                if (!strv_isempty(d->publish_ports)) {
                        _cleanup_free_ char *ports = strv_join(d->publish_ports, ", ");
                        field("Ports", "%s", ports ?: "-");
                }
        }
        if (containers_state_is_running(s->state)) {
                if (s->memory != UINT64_MAX) {
                        if (s->memory_max != UINT64_MAX)
                                field("Memory", "%s (max: %s)", format_bytes(buf, s->memory),
                                      format_bytes(buf2, s->memory_max));
                        else
                                field("Memory", "%s", format_bytes(buf, s->memory));
                }
                if (s->cpu_nsec != UINT64_MAX)
                        field("CPU", "%s", format_cpu(buf, s->cpu_nsec));
                if (s->tasks != UINT64_MAX) {
                        if (s->tasks_max != UINT64_MAX)
                                field("Tasks", "%" PRIu64 " (limit: %" PRIu64 ")", s->tasks, s->tasks_max);
                        else
                                field("Tasks", "%" PRIu64, s->tasks);
                }
        }
        field("Unit", "%s", service);
        if (def_error)
                field("Definition", "%s (%s)", path, def_error);
        else
                field("Definition", "%s", path);
}

int verb_status(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "lines", required_argument, NULL, 'n' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *path = NULL, *def_error = NULL, *key = NULL;
        _cleanup_(status_done) Status s = {};
        unsigned lines = 10;
        const char *name;
        int c, r;

        while ((c = options_next("status", argc, argv, "n:", options)) >= 0)
                switch (c) {
                case 'n':
                        if (safe_atou(optarg, &lines) < 0) {
                                log_error("option -n: '%s' is not a number of lines", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_HELP:
                        verb_help("status", "  -n, --lines N   journal lines to show (default: 10)\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 1) {
                log_error("status needs one container name; see 'berth status --help'");
                return EXIT_BERTH_FAILED;
        }
        if (containers_require(argv[optind], &key) < 0)
                return EXIT_BERTH_FAILED;
        name = key;
        r = containers_definition_path(name, &path);
        if (r < 0) {
                log_error_errno(r, "no such container %s", name);
                return EXIT_BERTH_FAILED;
        }
        r = definition_parse_file(path, name, &d, &def_error);
        if (r == -ENOMEM) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }

        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                return EXIT_BERTH_FAILED;
        }
        r = read_status(bus, name, &s);
        if (r < 0) {
                log_error_errno(r, "Failed to read the state of %s: %m", name);
                return EXIT_BERTH_FAILED;
        }
        print_status(name, path, d, def_error, &s);

        if (lines > 0) {
                char n[16];
                char *logs_argv[] = { (char *) "logs", (char *) "-n", n, (char *) name, NULL };

                snprintf(n, sizeof(n), "%u", lines);
                putchar('\n');
                fflush(stdout);
                optind = 0;
                return verb_logs(ELEMENTSOF(logs_argv) - 1, logs_argv);
        }
        return 0;
}
