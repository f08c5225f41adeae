/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-init: the container's PID 1 for --init / RunInit=yes (src/init.c does the work).
 *
 *   berth-init -- COMMAND [ARG…]
 *
 * Static, so that it runs in any image, and executed by the container's child from a sealed
 * memfd copy, never from the host's file: a process inside that may trace its PID 1
 * (--cap-add SYS_PTRACE) finds neither the helper's descriptors nor memory in it, and its
 * /proc/1/exe leads to no file of the host that could be opened for writing (CVE-2019-5736). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "init.h"
#include "log.h"

extern char **environ;

int main(int argc, char *argv[]) {
        log_set_prefix("berth-init");
        if (argc < 3 || strcmp(argv[1], "--") != 0) {
                log_error("usage: berth-init -- COMMAND [ARG…]");
                return 125;
        }
        init_run(argv + 2, environ);
}
