/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "bus.h"
#include "cleanup.h"
#include "containers.h"
#include "definition-name.h"
#include "definition.h"
#include "docker-view.h"
#include "format.h"
#include "freezer.h"
#include "history.h"
#include "image.h"
#include "json.h"
#include "list-format.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "ps-filter.h"
#include "scope.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"
#include "table.h"
#include "time-util.h"
#include "units.h"
#include "verbs.h"

/* berth list (ps): containers in the manner of `machinectl list`, from their definition files and
 * their units' properties; berth keeps no record of its own. It has to stay fast with hundreds of
 * definitions, so: one connection to systemd, one ListUnitsByPatterns for the states of every
 * container@*.service and container-*.scope, and per-container calls only for containers that
 * run (PID, start time, freezer) or, for JSON, whose service is loaded (exit status). */

typedef struct Row {
        char *name;
        char *path;          /* the definition file; NULL when there is none */
        Definition *def;     /* NULL when there is none or it does not parse */
        char *def_error;     /* why it does not parse */
        const char *service_state, *scope_state; /* ActiveState, pointing into the reply; NULL: not loaded */
        char *freezer;
        const char *state;
        pid_t pid;           /* 0: none */
        char **addresses;    /* read from its namespace; NULL: none */
        uint64_t started;    /* µs since the epoch; 0: unknown */
        uint64_t finished;
        int32_t exit_code;
        bool has_exit_code;
        const char *health;  /* "healthy", "unhealthy", "starting"; NULL: no health check */
        RunExit exit;        /* how the last run ended, from the journal */
        bool oom;            /* running: the kernel killed one of its processes for memory */
        uint32_t restarts;   /* NRestarts of its service */
        uint64_t created;    /* its definition's mtime, µs */
        char display[96];    /* the STATE cell: "running (healthy)", "exited (137, out of memory)" */
} Row;

static void row_done(Row *r) {
        free(r->name);
        free(r->path);
        definition_free(r->def);
        free(r->def_error);
        free(r->freezer);
        strv_free(r->addresses);
}

typedef struct Rows {
        Row *rows;
        size_t n;
} Rows;

static void rows_done(Rows *l) {
        for (size_t i = 0; i < l->n; i++)
                row_done(&l->rows[i]);
        free(l->rows);
}

static bool arg_all = false;
static sd_journal *journal = NULL; /* opened for the first container that needs it */
static bool arg_json = false;
static bool arg_legend = true;
static bool arg_quiet = false;
static PsFilter arg_filter = {};
static ListFormat arg_format = {};
static bool arg_docker = false; /* --format given: docker's rows */
static bool arg_no_trunc = false;

static int compare_row_name(const void *key, const void *row) {
        return strcmp(key, ((const Row *) row)->name);
}

/* The container a unit belongs to: "web" for container@web.service and container-web.scope. */
static char *unit_to_name(const char *unit, bool *ret_scope) {
        const char *p, *e;

        if ((p = startswith(unit, "container@")) && (e = endswith(p, ".service")))
                *ret_scope = false;
        else if ((p = startswith(unit, "container-")) && (e = endswith(p, ".scope")))
                *ret_scope = true;
        else
                return NULL;
        return *ret_scope ? name_from_scope_part(p, (size_t) (e - p)) : strndup(p, (size_t) (e - p));
}

/* One call for the states of all container units: running ones only, or all loaded ones. */
static int list_units(sd_bus *bus, sd_bus_message **ret_reply) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *running[] = { (char *) "active", (char *) "activating", (char *) "deactivating",
                            (char *) "reloading", NULL };
        char *patterns[] = { (char *) "container@*.service", (char *) "container-*.scope", NULL };
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, arg_all ? NULL : running);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, patterns);
        if (r < 0)
                return log_error_errno(r, "Failed to build the unit list request: %m");
        r = sd_bus_call(bus, m, 0, &error, ret_reply);
        if (r < 0)
                return log_error_errno(r, "Failed to list the container units: %s", bus_error_message(&error, r));
        return 0;
}

/* Calls fn(name, is_scope, active_state, userdata) for each container unit in the reply. */
static int foreach_unit(sd_bus_message *reply, int (*fn)(const char *, bool, const char *, void *), void *userdata) {
        int r;

        r = sd_bus_message_rewind(reply, true);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        if (r < 0)
                return r;
        for (;;) {
                const char *unit, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
                _cleanup_free_ char *name = NULL;
                uint32_t job_id;
                bool scope;

                r = sd_bus_message_read(reply, "(ssssssouso)", &unit, &description, &load, &active, &sub,
                                        &following, &path, &job_id, &job_type, &job_path);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                name = unit_to_name(unit, &scope);
                if (!name || !name_is_valid(name))
                        continue;
                r = fn(name, scope, active, userdata);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(reply);
}

static int add_name(const char *name, bool scope, const char *state, void *userdata) {
        return strv_extend(userdata, name);
}

static int set_state(const char *name, bool scope, const char *state, void *userdata) {
        Rows *l = userdata;
        Row *row = bsearch(name, l->rows, l->n, sizeof(Row), compare_row_name);

        if (row) {
                if (scope)
                        row->scope_state = state;
                else
                        row->service_state = state;
        }
        return 0;
}

/* Rows for the names, sorted, each once. */
static int make_rows(char **names, Rows *ret) {
        size_t n = strv_length(names);

        strv_sort(names);
        ret->rows = calloc(n + 1, sizeof(Row));
        if (!ret->rows)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (ret->n > 0 && streq(ret->rows[ret->n - 1].name, names[i]))
                        continue;
                ret->rows[ret->n].name = strdup(names[i]);
                if (!ret->rows[ret->n].name)
                        return -ENOMEM;
                ret->n++;
        }
        return 0;
}

/* What the table and JSON need beyond the unit states. Errors reading a property of one container
 * leave its field unknown: a unit can go away between the list and the call. */
static int fill_row(sd_bus *bus, Row *row) {
        _cleanup_free_ char *service = NULL, *scope = NULL;
        int r;

        service = name_to_service(row->name);
        scope = name_to_scope(row->name);
        if (!service || !scope)
                return -ENOMEM;

        r = containers_definition_path(row->name, &row->path);
        if (r < 0 && r != -ENOENT)
                return r;
        if (row->path) {
                struct stat st;

                r = definition_parse_file(row->path, row->name, &row->def, &row->def_error);
                if (r == -ENOMEM)
                        return r;
                if (stat(row->path, &st) >= 0)
                        row->created = (uint64_t) st.st_mtim.tv_sec * USEC_PER_SEC + (uint64_t) st.st_mtim.tv_nsec / 1000;
        }

        if (row->scope_state && !streq(row->scope_state, "inactive"))
                (void) freezer_state(bus, row->name, &row->freezer);
        row->state = containers_state(row->service_state, row->scope_state, row->freezer);

        if (containers_state_is_running(row->state)) {
                (void) scope_pid1(bus, row->name, &row->pid);
                (void) containers_addresses(row->def, row->pid, &row->addresses);
                if (row->scope_state)
                        (void) bus_get_unit_property_u64(bus, scope, "org.freedesktop.systemd1.Unit",
                                                         "ActiveEnterTimestamp", &row->started);
                else if (row->service_state)
                        (void) bus_get_unit_property_u64(bus, service, "org.freedesktop.systemd1.Service",
                                                         "ExecMainStartTimestamp", &row->started);
        }
        /* The journal's word, for what systemd does not keep: health, the last exit's reason. */
        if ((containers_state_is_running(row->state) || arg_all) && !journal && history_open(&journal) < 0)
                journal = NULL;
        if (journal && containers_state_is_running(row->state)) {
                (void) history_health(journal, row->name, &row->health, NULL, NULL);
                if (row->started > 0)
                        (void) history_oom_since(journal, row->name, row->started, &row->oom);
        } else if (journal) {
                (void) history_last_exit(journal, row->name, &row->exit);
                if (arg_docker && row->started == 0)
                        (void) history_last_start(journal, row->name, &row->started);
                if (row->service_state && streq_ptr(row->state, "failed"))
                        containers_exit_from_service(bus, row->name, &row->exit);
                row->state = containers_state_after_exit(row->state, row->exit.known);
        }
        if (row->service_state)
                (void) bus_get_unit_property_u32(bus, service, "org.freedesktop.systemd1.Service", "NRestarts",
                                                 &row->restarts);
        if (arg_json && row->service_state) {
                if (bus_get_unit_property_i32(bus, service, "org.freedesktop.systemd1.Service", "ExecMainStatus",
                                              &row->exit_code) >= 0)
                        row->has_exit_code = true;
                if (!containers_state_is_running(row->state)) {
                        (void) bus_get_unit_property_u64(bus, service, "org.freedesktop.systemd1.Service",
                                                         "ExecMainStartTimestamp", &row->started);
                        (void) bus_get_unit_property_u64(bus, service, "org.freedesktop.systemd1.Service",
                                                         "ExecMainExitTimestamp", &row->finished);
                }
        }
        return 0;
}

/* "running (healthy, 2 restarts)", "exited (137, out of memory)", or the state alone. */
static const char *row_display(Row *row) {
        char detail[64] = "";
        size_t n = 0;

#define ADD(...) n += (size_t) snprintf(detail + n, sizeof(detail) - n, __VA_ARGS__)
        if (containers_state_is_running(row->state)) {
                if (row->health)
                        ADD("%s", row->health);
                if (row->oom)
                        ADD("%sout of memory", n ? ", " : "");
        } else if (row->exit.known)
                ADD("%d%s", row->exit.code, row->exit.oom ? ", out of memory" : "");
        if (row->restarts > 0)
                ADD("%s%" PRIu32 " restart%s", n ? ", " : "", row->restarts, row->restarts == 1 ? "" : "s");
#undef ADD
        if (n == 0)
                return row->state;
        /* A payload that ran and exited: "exited (137, …)", also when systemd calls its unit
         * failed for the code; "failed" alone is a start that failed. */
        snprintf(row->display, sizeof(row->display), "%s (%s)",
                 !containers_state_is_running(row->state) && row->exit.known ? "exited" : row->state, detail);
        return row->display;
}

static const char *row_address(const Row *row) {
        return strv_isempty(row->addresses) ? NULL : row->addresses[0];
}

static DockerView row_view(const Row *row) {
        return (DockerView) {
                .name = row->name, .d = row->def, .state = row->state, .pid = row->pid, .addresses = row->addresses,
                .exit_known = row->exit.known, .exit_code = row->exit.code,
                .oom = containers_state_is_running(row->state) ? row->oom : row->exit.oom,
                .created = row->created, .started = row->started,
                .finished = row->exit.known ? row->exit.at : row->finished,
                .restarts = row->restarts, .health = row->health, .no_trunc = arg_no_trunc,
        };
}

/* ancestor=: the filter's images and each container's, as image IDs, through the store. NULL when
 * no ancestor= is asked for, or the store cannot be read (then the names alone are compared). */
static Store *ancestor_store = NULL;

static void ancestors_resolve(void) {
        _cleanup_free_ char *why = NULL;

        if (!arg_filter.ancestors || store_open(&ancestor_store, &why) < 0)
                return;
        STRV_FOREACH(a, arg_filter.ancestors) {
                _cleanup_free_ char *id = NULL;

                if (image_lookup(ancestor_store, *a, &id, NULL, NULL) >= 0 && strv_extend(&arg_filter.ancestor_ids, id) < 0)
                        return;
        }
}

static bool row_matches(const Row *row) {
        _cleanup_strv_free_ char **volumes = NULL, **published = NULL, **exposed = NULL;
        DockerView v = row_view(row);
        char net[128];
        PsItem item = {
                /* Issue 16: leftovers. */
                .name = row->def ? definition_shown_name(row->def) : row->name, .id = row->name,
                .image = row->def ? row->def->image : NULL,
                .labels = docker_labels(row->def), .status = docker_status(&v),
                .exited = !containers_state_is_running(row->state) && row->exit.known, .exit_code = row->exit.code,
                .health = containers_state_is_running(row->state) ? row->health : NULL,
                .network = docker_network(row->def, net),
        };

        _cleanup_free_ char *image_id = NULL;

        if (ancestor_store && row->def && row->def->image &&
            image_lookup(ancestor_store, row->def->image, &image_id, NULL, NULL) >= 0)
                item.image_id = image_id;
        /* on OOM the lists stay empty: those filters do not match */
        (void) docker_filter_lists(row->def, &volumes, &published, &exposed);
        item.volumes = volumes;
        item.published = published;
        item.exposed = exposed;
        return ps_filter_match(&arg_filter, &item);
}

static int print_docker(const Rows *l) {
        _cleanup_free_ DockerView *views = calloc(l->n + 1, sizeof(DockerView));
        size_t n = 0;

        if (!views)
                return log_oom();
        for (size_t i = 0; i < l->n; i++)
                if (l->rows[i].state)
                        views[n++] = row_view(&l->rows[i]);
        return list_format_print(&arg_format, views, n, now_realtime_usec(), arg_legend);
}

static int print_quiet(const Rows *l) {
        for (size_t i = 0; i < l->n; i++)
                if (l->rows[i].state)
                        printf("%s\n", l->rows[i].name);
        return fflush(stdout) == 0 ? 0 : -EIO;
}

enum { COL_NAME, COL_STATE, COL_IMAGE, COL_ADDRESS, COL_PID, COL_UPTIME, _COL_MAX };

typedef struct Line {
        const char *cell[_COL_MAX];
        char pid[16];
        char uptime[FORMAT_MAX];
} Line;

static int print_table(Rows *l) {
        static const char *const header[_COL_MAX] = { "NAME", "STATE", "IMAGE", "ADDRESS", "PID", "UPTIME" };
        _cleanup_free_ Line *lines = NULL;
        _cleanup_free_ const char **cells = NULL;
        uint64_t now = now_realtime_usec();
        size_t n = 0;

        lines = calloc(l->n + 1, sizeof(Line));
        cells = calloc((l->n + 1) * _COL_MAX, sizeof(char *));
        if (!lines || !cells)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                Row *row = &l->rows[i];
                Line *line = &lines[n];

                if (!row->state)
                        continue;
                line->cell[COL_NAME] = row->def ? definition_shown_name(row->def) : row->name; /* Issue 16: leftovers. */
                line->cell[COL_STATE] = row_display(row);
                line->cell[COL_IMAGE] = row->def ? definition_image_shown(row->def) : "-";
                line->cell[COL_ADDRESS] = row_address(row) ?: "-";
                if (row->pid > 0)
                        snprintf(line->pid, sizeof(line->pid), "%d", (int) row->pid);
                else
                        strcpy(line->pid, "-");
                line->cell[COL_PID] = line->pid;
                if (containers_state_is_running(row->state) && row->started > 0 && now >= row->started)
                        format_timespan(line->uptime, now - row->started);
                else
                        strcpy(line->uptime, "-");
                line->cell[COL_UPTIME] = line->uptime;
                memcpy(cells + n * _COL_MAX, line->cell, sizeof(line->cell));
                n++;
        }
        table_print(header, _COL_MAX, cells, n, /* gap= */ 1, arg_legend);
        if (arg_legend)
                printf("\n%zu containers listed.\n", n);
        return 0;
}

static int print_json(const Rows *l) {
        JsonWriter w;

        json_init(&w, stdout, /* pretty= */ false);
        json_begin_array(&w);
        for (size_t i = 0; i < l->n; i++) {
                const Row *row = &l->rows[i];
                _cleanup_free_ char *service = name_to_service(row->name), *scope = name_to_scope(row->name);

                if (!row->state)
                        continue;
                json_begin_object(&w);
                json_key_string(&w, "name", row->name);
                json_key_string(&w, "state", row->state);
                json_key_string(&w, "image", row->def ? definition_image_shown(row->def) : NULL);
                json_key_string(&w, "address", row_address(row));
                json_key_strv(&w, "addresses", row->addresses ?: (char *[]) { NULL });
                json_key(&w, "pid");
                if (row->pid > 0)
                        json_int(&w, row->pid);
                else
                        json_null(&w);
                json_key_string(&w, "unit", service);
                json_key_string(&w, "scope", scope);
                json_key(&w, "started");
                if (row->started > 0)
                        json_uint(&w, row->started);
                else
                        json_null(&w);
                json_key(&w, "finished");
                if (row->finished > 0)
                        json_uint(&w, row->finished);
                else
                        json_null(&w);
                json_key(&w, "exit_code");
                if (row->has_exit_code)
                        json_int(&w, row->exit_code);
                else if (row->exit.known)
                        json_int(&w, row->exit.code);
                else
                        json_null(&w);
                json_key_string(&w, "health", row->health);
                json_key_bool(&w, "oom_killed", containers_state_is_running(row->state) ? row->oom : row->exit.oom);
                json_key_uint(&w, "restarts", row->restarts);
                json_key_string(&w, "definition", row->path);
                if (row->def_error)
                        json_key_string(&w, "error", row->def_error);
                json_end_object(&w);
        }
        json_end_array(&w);
        return json_finish(&w);
}

static const char list_options[] =
        "  -a, --all             all defined containers, not only running ones\n"
        "  -o, --output FORMAT   table (default) or json\n"
        "      --no-legend       no header and footer\n"
        "  -q, --quiet           the names only, one per line (docker's IDs, which are the names);\n"
        "                        a --format TEMPLATE wins, as with docker\n"
        "  -f, --filter K=V      only containers that match, as docker ps's: name=RE, id=RE,\n"
        "                        label=KEY[=VALUE], status=created|restarting|running|paused|exited\n"
        "                        (lists stopped ones too), ancestor=IMAGE, exited=CODE,\n"
        "                        health=starting|healthy|unhealthy|none, network=NAME,\n"
        "                        volume=NAME|DEST, publish=PORT[/PROTO], expose=PORT[/PROTO];\n"
        "                        values of a key ORed,\n"
        "                        keys and label= ANDed\n"
        "      --format FORMAT   docker ps's: table, table TEMPLATE, json, or a Go TEMPLATE over\n"
        "                        .ID .Names .Image .Command .CreatedAt .RunningFor .Ports .Status\n"
        "                        .State .Labels .Networks .Mounts, {{.Label \"KEY\"}} (see berth(1))\n"
        "      --no-trunc        --format's .Command whole (default: cut to 20 characters)\n";

static void list_args_done(void) {
        ancestor_store = store_close(ancestor_store);
        ps_filter_done(&arg_filter);
        list_format_done(&arg_format);
}

int verb_list(int argc, char *argv[]) {
        enum { ARG_NO_LEGEND = 0x100, ARG_HELP, ARG_FORMAT, ARG_NO_TRUNC };
        static const struct option options[] = {
                { "all", no_argument, NULL, 'a' },
                { "output", required_argument, NULL, 'o' },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "quiet", no_argument, NULL, 'q' },
                { "filter", required_argument, NULL, 'f' },
                { "format", required_argument, NULL, ARG_FORMAT },
                { "no-trunc", no_argument, NULL, ARG_NO_TRUNC },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_(rows_done) Rows rows = {};
        int c, r;

        atexit(list_args_done);
        while ((c = options_next("list", argc, argv, "ao:qf:", options)) >= 0)
                switch (c) {
                case 'a':
                        arg_all = true;
                        break;
                case 'o':
                        if (streq(optarg, "json"))
                                arg_json = true;
                        else if (streq(optarg, "table"))
                                arg_json = false;
                        else {
                                log_error("option -o: '%s' is not an output format (table, json)", optarg);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                case ARG_NO_LEGEND:
                        arg_legend = false;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case 'f': {
                        _cleanup_free_ char *why = NULL;

                        r = ps_filter_add(&arg_filter, optarg, &why);
                        if (r == -ENOMEM)
                                return log_oom(), EXIT_BERTH_FAILED;
                        if (r < 0) {
                                log_error("%s", why);
                                return EXIT_BERTH_FAILED;
                        }
                        break;
                }
                case ARG_FORMAT:
                        list_format_done(&arg_format);
                        arg_docker = false;
                        if (isempty(optarg))
                                break; /* as docker: the default output */
                        if (list_format_parse(optarg, &arg_format) < 0)
                                return EXIT_BERTH_FAILED;
                        arg_docker = true;
                        break;
                case ARG_NO_TRUNC:
                        arg_no_trunc = true;
                        break;
                case ARG_HELP:
                        verb_help("list", list_options);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("list takes no arguments; see 'berth list --help'");
                return EXIT_BERTH_FAILED;
        }
        if (arg_docker && arg_json) {
                log_error("--format and -o json do not go together");
                return EXIT_BERTH_FAILED;
        }
        if (ps_filter_wants_all(&arg_filter))
                arg_all = true;
        ancestors_resolve();
        /* docker: -q prints the IDs, unless a template of one's own says what to print */
        if (arg_quiet && arg_docker && !arg_format.bare_table)
                arg_quiet = false;

        if (arg_all) {
                r = containers_list_names(&names);
                if (r < 0) {
                        log_error_errno(r, "Failed to list the container definitions: %m");
                        return EXIT_BERTH_FAILED;
                }
        }
        r = bus_open_systemd(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to systemd: %m");
                return EXIT_BERTH_FAILED;
        }
        if (list_units(bus, &reply) < 0)
                return EXIT_BERTH_FAILED;
        r = foreach_unit(reply, add_name, &names);
        if (r >= 0)
                r = make_rows(names, &rows);
        if (r >= 0)
                r = foreach_unit(reply, set_state, &rows);
        if (r < 0) {
                log_error_errno(r, "Failed to read the container units: %m");
                return EXIT_BERTH_FAILED;
        }

        for (size_t i = 0; i < rows.n; i++) {
                Row *row = &rows.rows[i];

                r = fill_row(bus, row);
                if (r < 0) {
                        log_error_errno(r, "Failed to read container %s: %m", row->name);
                        return EXIT_BERTH_FAILED;
                }
                /* Without -a only running containers; and a unit still loaded (failed, or just
                 * stopped) whose definition is gone is no container any more. */
                if (!containers_state_is_running(row->state) && (!arg_all || !row->path))
                        row->state = NULL;
                if (row->state && !row_matches(row))
                        row->state = NULL;
        }

        if (arg_docker && !arg_quiet) {
                r = print_docker(&rows); /* logs its errors */
                sd_journal_close(journal);
                journal = NULL;
                return r < 0 ? EXIT_BERTH_FAILED : 0;
        }
        r = arg_quiet ? print_quiet(&rows) : arg_json ? print_json(&rows) : print_table(&rows);
        sd_journal_close(journal);
        journal = NULL;
        if (r < 0) {
                log_error_errno(r, "Failed to print the list: %m");
                return EXIT_BERTH_FAILED;
        }
        return 0;
}
