/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* memhog MIB: allocates MIB MiB and touches every page, a MiB at a time, then sleeps: the
 * process the kernel kills for memory in the OOM tests. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 1024;

        for (long i = 0; i < mib; i++) {
                char *p = malloc(1 << 20);

                if (!p)
                        return 1;
                memset(p, 0x5a, 1 << 20);
        }
        for (;;)
                pause();
}
