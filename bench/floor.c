/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-floor: what the shape of a detached start costs with no container in it, so that
 * bench/network.sh can print berth's concurrent starts next to the floor systemd sets here.
 *
 *   berth-floor client UNIT   StartUnit UNIT and wait for its JobRemoved (an AddMatch on arg2),
 *                             as any client can; `berth run -d` hears from its helper instead,
 *                             which at 100 at once costs the same within the noise
 *   berth-floor service NAME  the main process of a Type=notify unit, as berth-helper is:
 *                             forks a sleeper, puts it in a transient berth-floor-NAME.scope with
 *                             the properties berth gives its scopes (bound to the unit, as a
 *                             service's container is), waits for the move, sends
 *                             READY=1 and waits for the sleeper
 *
 * No namespaces, no network, no mounts, no machined, no supervisor: everything berth adds on
 * top of this is its own cost. Not installed; built for the benchmarks only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

typedef struct Wait {
        char *job;
        int result; /* 0 pending, 1 done, -1 anything else */
} Wait;

static int on_message(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *path, *unit, *result;
        Wait *w = userdata;
        uint32_t id;

        if (!sd_bus_message_is_signal(m, "org.freedesktop.systemd1.Manager", "JobRemoved") ||
            sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->job && strcmp(path, w->job) == 0)
                w->result = strcmp(result, "done") == 0 ? 1 : -1;
        return 0;
}

static int client(sd_bus *bus, const char *unit) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        Wait w = {};
        const char *job;
        char *match;
        int r;

        if (asprintf(&match,
                     "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1',"
                     "interface='org.freedesktop.systemd1.Manager',member='JobRemoved',arg2='%s'",
                     unit) < 0)
                return -ENOMEM;
        r = sd_bus_add_filter(bus, NULL, on_message, &w);
        if (r >= 0)
                r = sd_bus_call_method_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "AddMatch", NULL, NULL, "s", match);
        free(match);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StartUnit", &error, &reply, "ss", unit,
                               "replace");
        if (r < 0) {
                fprintf(stderr, "berth-floor: StartUnit %s: %s\n", unit, error.message ?: strerror(-r));
                sd_bus_error_free(&error);
                return r;
        }
        r = sd_bus_message_read(reply, "o", &job);
        if (r >= 0)
                w.job = strdup(job);
        sd_bus_message_unref(reply);
        if (!w.job)
                return -ENOMEM;
        while (w.result == 0) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r == 0)
                        r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0)
                        break;
        }
        free(w.job);
        return r < 0 ? r : w.result > 0 ? 0 : -EIO;
}

static int start_scope(sd_bus *bus, const char *unit, const char *service, pid_t pid) {
        static const char *const devices[] = {"/dev/null",   "/dev/zero",    "/dev/full",
                                              "/dev/random", "/dev/urandom", "/dev/tty"};
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", unit, "fail");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Slice", "s",
                                          "machine.slice", "PIDs", "au", 1, (uint32_t)pid, "CollectMode",
                                          "s", "inactive-or-failed", "CPUAccounting", "b", 1,
                                          "MemoryAccounting", "b", 1, "TasksAccounting", "b", 1,
                                          "IOAccounting", "b", 1, "DevicePolicy", "s", "closed");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)", "BindsTo", "as", 1, service);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "DeviceAllow");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < sizeof(devices) / sizeof(devices[0]); i++)
                r = sd_bus_message_append(m, "(ss)", devices[i], "rwm");
        for (int i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &error, NULL);
        if (r < 0)
                fprintf(stderr, "berth-floor: StartTransientUnit %s: %s\n", unit,
                        error.message ?: strerror(-r));
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        return r;
}

/* As berth-helper waits: /proc/PID/cgroup, with a backoff of 0.1 … 2 ms. */
static int wait_in_scope(pid_t pid, const char *unit) {
        char path[64], buf[4096];
        unsigned delay = 100;

        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
        for (int i = 0; i < 5000; i++) {
                FILE *f = fopen(path, "re");
                size_t n;

                if (!f)
                        return -errno;
                n = fread(buf, 1, sizeof(buf) - 1, f);
                fclose(f);
                buf[n] = 0;
                if (strstr(buf, unit))
                        return 0;
                usleep(delay);
                if (delay < 2000)
                        delay *= 2;
        }
        return -ETIMEDOUT;
}

static int service(sd_bus *bus, const char *name) {
        char unit[256], svc[256];
        pid_t pid;
        int r;

        snprintf(unit, sizeof(unit), "berth-floor-%s.scope", name);
        snprintf(svc, sizeof(svc), "berth-floor@%s.service", name);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                execl("/bin/sleep", "sleep", "100000", (char *)NULL);
                _exit(127);
        }
        r = start_scope(bus, unit, svc, pid);
        if (r >= 0)
                r = wait_in_scope(pid, unit);
        if (r < 0) {
                (void)kill(pid, SIGKILL);
                (void)waitpid(pid, NULL, 0);
                return r;
        }
        sd_bus_flush_close_unref(bus);
        (void)sd_notify(0, "READY=1");
        (void)waitpid(pid, NULL, 0);
        return 0;
}

int main(int argc, char *argv[]) {
        sd_bus *bus = NULL;
        int r;

        if (argc != 3 || (strcmp(argv[1], "client") != 0 && strcmp(argv[1], "service") != 0)) {
                fprintf(stderr, "usage: berth-floor client UNIT | service NAME\n");
                return 2;
        }
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "berth-floor: connecting to the system bus: %s\n", strerror(-r));
                return 1;
        }
        r = strcmp(argv[1], "client") == 0 ? client(bus, argv[2]) : service(bus, argv[2]);
        return r < 0 ? 1 : 0;
}
