/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "format.h"
#include "macro.h"

char *format_timespan(char buf[static FORMAT_MAX], uint64_t usec) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "d", 86400000000ULL },
                { "h", 3600000000ULL },
                { "min", 60000000ULL },
                { "s", 1000000ULL },
        };

        if (usec < 1000000) {
                snprintf(buf, FORMAT_MAX, "%" PRIu64 "ms", usec / 1000);
                return buf;
        }
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                uint64_t a, b;

                if (usec < table[i].usec)
                        continue;
                a = usec / table[i].usec;
                b = i + 1 < ELEMENTSOF(table) ? (usec % table[i].usec) / table[i + 1].usec : 0;
                if (b > 0)
                        snprintf(buf, FORMAT_MAX, "%" PRIu64 "%s %" PRIu64 "%s", a, table[i].suffix, b,
                                 table[i + 1].suffix);
                else
                        snprintf(buf, FORMAT_MAX, "%" PRIu64 "%s", a, table[i].suffix);
                break;
        }
        return buf;
}

char *format_bytes(char buf[static FORMAT_MAX], uint64_t bytes) {
        static const struct {
                const char *suffix;
                uint64_t factor;
        } table[] = {
                { "E", 1ULL << 60 }, { "P", 1ULL << 50 }, { "T", 1ULL << 40 },
                { "G", 1ULL << 30 }, { "M", 1ULL << 20 }, { "K", 1ULL << 10 },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (bytes >= table[i].factor) {
                        snprintf(buf, FORMAT_MAX, "%" PRIu64 ".%" PRIu64 "%s", bytes / table[i].factor,
                                 (bytes % table[i].factor) / (table[i].factor / 10), table[i].suffix);
                        return buf;
                }
        snprintf(buf, FORMAT_MAX, "%" PRIu64 "B", bytes);
        return buf;
}
