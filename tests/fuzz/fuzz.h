/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every harness under tests/fuzz/ shares: libFuzzer's entry point, which fuzz-replay.c
 * also calls for each file of a checked-in corpus, and the two ways a harness hands the
 * fuzzer's bytes to a parser: as a string, or as a file. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes as a C string: a parser of text reads up to the first NUL, as it would read a
 * file's or a header's. NULL on OOM. */
static inline char *fuzz_string(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);

        if (!s)
                return NULL;
        memcpy(s, data, size);
        s[size] = 0;
        return s;
}

/* The bytes as a regular file, for a parser that reads one by path: a memfd, named by
 * /proc/self/fd/N in ret_path. The fd, to close() afterwards, or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char ret_path[static 64]) {
        int fd = memfd_create("fuzz", MFD_CLOEXEC);

        if (fd < 0)
                return -1;
        if (size > 0 && write(fd, data, size) != (ssize_t) size) {
                close(fd);
                return -1;
        }
        snprintf(ret_path, 64, "/proc/self/fd/%d", fd);
        return fd;
}

/* Splits s at newlines in place, calling f on each line. */
#define FUZZ_FOREACH_LINE(line, s) \
        for (char *_save = NULL, *line = strtok_r((s), "\n", &_save); line; line = strtok_r(NULL, "\n", &_save))
