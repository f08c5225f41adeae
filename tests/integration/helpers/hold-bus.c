/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hold-bus N: opens connections to the system bus until it holds N or dbus-daemon refuses one,
 * prints how many it holds, and keeps them until its standard input closes. For the scenarios
 * that fill dbus-daemon's connections per user. Not installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

int main(int argc, char *argv[]) {
        sd_bus **buses;
        int n, held = 0;
        char c;

        if (argc != 2 || (n = atoi(argv[1])) <= 0) {
                fprintf(stderr, "usage: hold-bus N\n");
                return 2;
        }
        buses = calloc((size_t)n, sizeof(sd_bus *));
        if (!buses)
                return 1;
        for (; held < n; held++) {
                const char *unique;

                if (sd_bus_open_system(&buses[held]) < 0)
                        break;
                if (sd_bus_get_unique_name(buses[held], &unique) < 0) {
                        buses[held] = sd_bus_flush_close_unref(buses[held]);
                        break;
                }
        }
        printf("%d\n", held);
        fflush(stdout);
        while (read(STDIN_FILENO, &c, 1) > 0)
                ;
        for (int i = 0; i < held; i++)
                sd_bus_flush_close_unref(buses[i]);
        free(buses);
        return 0;
}
