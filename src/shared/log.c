/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal-send.h"
#include "log.h"
#include "string-util.h"

static int max_level = LOG_INFO;
static const char *prefix = "berth";
static bool to_journal_stream = false;
static const char *container_name = NULL, *container_unit = NULL;
static char last_error[512];
static LogSink sink = NULL;
static void *sink_userdata = NULL;

void log_set_sink(LogSink s, void *userdata) {
        sink = s;
        sink_userdata = userdata;
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_prefix(const char *p) {
        prefix = p;
}

void log_set_container(const char *name, const char *unit) {
        container_name = name;
        container_unit = unit;
}

/* systemd sets JOURNAL_STREAM=DEV:INODE for the stream it connected to stdout/stderr; only if
 * our stderr still is that stream do we emit the "<N>" prefix journald understands. */
void log_open(void) {
        const char *e;
        unsigned long long dev, ino;
        struct stat st;

        e = getenv("BERTH_LOG_LEVEL");
        if (e) {
                if (strcmp(e, "debug") == 0)
                        max_level = LOG_DEBUG;
                else if (strcmp(e, "info") == 0)
                        max_level = LOG_INFO;
                else if (strcmp(e, "warning") == 0)
                        max_level = LOG_WARNING;
                else if (strcmp(e, "err") == 0 || strcmp(e, "error") == 0)
                        max_level = LOG_ERR;
        }

        to_journal_stream = false;
        e = getenv("JOURNAL_STREAM");
        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return;
        if (fstat(STDERR_FILENO, &st) < 0)
                return;
        to_journal_stream = (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *fmt, ...) {
        char raw[2048], buf[4096];
        va_list ap;
        int saved = errno;

        if (error < 0)
                error = -error;
        if (error > 0)
                errno = error; /* for %m */

        va_start(ap, fmt);
        (void) vsnprintf(raw, sizeof(raw), fmt, ap);
        va_end(ap);
        /* One message, one line: a name, path or value holding a newline or an escape sequence is
         * shown escaped, never split into two lines or sent to the terminal as a command. */
        escape_controls(raw, SIZE_MAX, buf, sizeof(buf));
        if ((level & LOG_PRIMASK) <= LOG_ERR) {
                size_t n = strnlen(buf, sizeof(last_error) - 1);

                memcpy(last_error, buf, n);
                last_error[n] = 0;
        }

        if (sink) {
                sink(level, buf, sink_userdata);
                errno = saved;
                return -error;
        }
        if (to_journal_stream && container_name &&
            journal_send_line(NULL, container_name, container_unit, level, buf, strlen(buf)) >= 0) {
                errno = saved;
                return -error;
        }
        if (to_journal_stream)
                (void) fprintf(stderr, "<%d>%s\n", level & LOG_PRIMASK, buf);
        else if (max_level >= LOG_DEBUG)
                (void) fprintf(stderr, "%s: %s (%s:%d %s)\n", prefix, buf, file, line, func);
        else
                (void) fprintf(stderr, "%s: %s\n", prefix, buf);

        errno = saved;
        return -error;
}

const char *log_last_error(void) {
        return last_error[0] ? last_error : NULL;
}
