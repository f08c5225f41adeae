/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth top NAME: the processes of container-NAME.scope, as docker top lists them. */
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "containers.h"
#include "fd-util.h"
#include "idmap.h"
#include "log.h"
#include "options.h"
#include "process-util.h"
#include "string-util.h"
#include "units.h"
#include "verbs.h"

/* The value of "Key:" in /proc/PID/status: its first field, or its last when last. */
static void status_field(const char *status, const char *key, bool last, char *buf, size_t size) {
        const char *p = status;
        size_t k = strlen(key);

        snprintf(buf, size, "-");
        for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, key, k) == 0 && p[k] == ':') {
                        const char *v = p + k + 1, *end;

                        v += strspn(v, " \t");
                        end = v + strcspn(v, "\n");
                        if (last) {
                                /* NSpid: the last number is the PID in the innermost namespace. */
                                const char *w = end;
                                while (w > v && w[-1] != '\t' && w[-1] != ' ')
                                        w--;
                                v = w;
                        } else
                                end = v + strcspn(v, " \t\n");
                        snprintf(buf, size, "%.*s", (int)(end - v), v);
                        return;
                }
}

/* utime + stime, from after the ")" that ends comm (which may hold spaces and parentheses). */
static unsigned long long cpu_ticks(const char *stat) {
        const char *p = strrchr(stat, ')');
        unsigned long long utime = 0, stime = 0;

        if (!p ||
            sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
                return 0;
        return utime + stime;
}

/* Issue 18: user namespaces. uid_map: the container's (its uid_map as the host reads it) when it
 * has a range of its own; then UID is the container's ID and HUID the host's. */
static void print_one(pid_t pid, long hz, const char *uid_map) {
        _cleanup_free_ char *status = NULL, *stat = NULL, *cmdline = NULL;
        char path[64], uid[32], nspid[32];
        unsigned long long secs;
        size_t n = 0;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if (read_full_file_at(AT_FDCWD, path, 64 * 1024, &status, NULL) < 0)
                return; /* gone meanwhile */
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        (void)read_full_file_at(AT_FDCWD, path, 64 * 1024, &stat, NULL);
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        (void)read_full_file_at(AT_FDCWD, path, 64 * 1024, &cmdline, &n);

        status_field(status, "Uid", false, uid, sizeof(uid));
        status_field(status, "NSpid", true, nspid, sizeof(nspid));
        secs = stat ? cpu_ticks(stat) / (unsigned long long)hz : 0;
        for (size_t i = 0; cmdline && i + 1 < n; i++)
                if (cmdline[i] == 0)
                        cmdline[i] = ' ';
        if (cmdline && n == 0) { /* a kernel thread or a zombie: its name */
                char name[64];

                status_field(status, "Name", false, name, sizeof(name));
                free(cmdline);
                cmdline = strjoin("[", name, "]");
        }
        if (uid_map) {
                unsigned host = 0, inside = 0;
                char cuid[32] = "-";

                if (sscanf(uid, "%u", &host) == 1 && idmap_to_container(uid_map, host, &inside) >= 0)
                        snprintf(cuid, sizeof(cuid), "%u", inside);
                printf("%-8d %-8s %-6s %-10s %02llu:%02llu:%02llu %s\n", (int)pid, nspid, cuid, uid, secs / 3600,
                       secs / 60 % 60, secs % 60, cmdline ? cmdline : "");
                return;
        }
        printf("%-8d %-8s %-6s %02llu:%02llu:%02llu %s\n", (int)pid, nspid, uid, secs / 3600, secs / 60 % 60,
               secs % 60, cmdline ? cmdline : "");
}

int verb_top(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_free_ pid_t *pids = NULL;
        _cleanup_free_ char *key = NULL;
        size_t n = 0;
        long hz = sysconf(_SC_CLK_TCK);
        int c, r;

        while ((c = options_next("top", argc, argv, "", options)) >= 0)
                switch (c) {
                case 'H':
                        verb_help("top", NULL);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 1) {
                log_error("top needs one container name; see 'berth top --help'");
                return EXIT_BERTH_FAILED;
        }
        if (containers_require(argv[optind], &key) < 0)
                return EXIT_BERTH_FAILED;
        r = containers_scope_pids(key, &pids, &n);
        if (r == -ESRCH || (r >= 0 && n == 0)) {
                log_error("container %s is not running", key);
                return EXIT_BERTH_FAILED;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to list the processes of container %s: %m", key);
                return EXIT_BERTH_FAILED;
        }
        qsort(pids, n, sizeof(pid_t), pid_compare);
        /* The first is PID 1 of the container (or its supervisor's child): its user namespace is
         * the container's. */
        {
                _cleanup_free_ char *uid_map = NULL;

                for (size_t i = 0; i < n && !uid_map; i++)
                        if (idmap_of_process(pids[i], &uid_map, NULL) < 0)
                                continue;
                if (uid_map)
                        printf("%-8s %-8s %-6s %-10s %-8s %s\n", "PID", "CPID", "UID", "HUID", "TIME", "COMMAND");
                else
                        printf("%-8s %-8s %-6s %-8s %s\n", "PID", "CPID", "UID", "TIME", "COMMAND");
                for (size_t i = 0; i < n; i++)
                        print_one(pids[i], hz > 0 ? hz : 100, uid_map);
        }
        return 0;
}
