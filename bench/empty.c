/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-empty: the floor of a process start for bench/exec.sh, a program that links libsystemd
 * (and so maps it and what it brings, as berth does) and does nothing. */
#include <systemd/sd-bus.h>

int main(int argc, char *argv[]) {
        /* A reference, so that the linker keeps libsystemd; never reached. */
        if (argc > 1000)
                return sd_bus_default(NULL);
        return 0;
}
