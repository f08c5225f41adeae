/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "config.h"
#include "log.h"
#include "name.h"

/* The helper runs one container's whole life as the main process of container@NAME.service. */
int main(int argc, char *argv[]) {
        log_set_prefix("berth-helper");
        log_open();

        if (argc != 2) {
                log_error("usage: berth-helper NAME");
                return 125;
        }
        if (!name_is_valid(argv[1])) {
                log_error("invalid container name '%s': names must match " NAME_RULE, argv[1]);
                return 125;
        }
        log_error("starting containers is not implemented yet (issue 3)");
        return 125;
}
