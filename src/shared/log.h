/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

/* berth's logging. Messages go to stderr as "berth: …" on a terminal; when stderr is the
 * journal stream systemd gave us (JOURNAL_STREAM matches), each line carries a "<N>" priority
 * prefix so journald files it at the right level, or, once log_set_container() named the
 * container, goes to journald directly. The log_*_errno() forms set errno from the
 * (negative) error code so that %m works, and return that code. */

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_prefix(const char *prefix);
void log_open(void);
/* In a container's service: log straight to journald with the container's fields, as its
 * output is (journal-send.h), rather than on the unit's stream. The strings must outlive
 * logging. */
void log_set_container(const char *name, const char *unit);

/* From now on every line goes to sink instead of stderr or the journal (NULL: back to them). A
 * container's child, before it executes the payload, hands its lines to its parent this way
 * (sync.h): one channel, and the parent logs each line once. The line is formatted and escaped
 * as it would be printed, without the prefix. */
typedef void (*LogSink)(int level, const char *message, void *userdata);
void log_set_sink(LogSink sink, void *userdata);

int log_internal(int level, int error, const char *file, int line, const char *func, const char *fmt, ...)
        _printf_(6, 7);

/* The text of the last message at LOG_ERR or worse this process logged, or NULL: the one line a
 * failed helper passes to whoever waits for its start (ready.h). */
const char *log_last_error(void);

#define log_full_errno(level, error, ...)                                                                 \
        ({                                                                                                \
                int _l_ = (level), _e_ = (error);                                                         \
                (log_get_max_level() >= _l_) ? log_internal(_l_, _e_, __FILE__, __LINE__, __func__,       \
                                                            __VA_ARGS__)                                  \
                                             : -(_e_ < 0 ? -_e_ : _e_);                                   \
        })

#define log_full(level, ...) (void) log_full_errno(level, 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, e, __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)

#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
