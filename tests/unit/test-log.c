/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One error, one line: what log.c writes to stderr, read back through a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

/* Logs through fn with stderr on a pipe; returns what was written. */
static const char *captured(void (*fn)(void), char *buf, size_t size) {
        int p[2], saved;
        ssize_t n;

        if (pipe2(p, O_CLOEXEC) < 0 || (saved = dup(STDERR_FILENO)) < 0)
                return "(pipe)";
        dup2(p[1], STDERR_FILENO);
        close(p[1]);
        fn();
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        n = read(p[0], buf, size - 1);
        close(p[0]);
        buf[n > 0 ? n : 0] = 0;
        return buf;
}

static void log_name_with_newline(void) {
        log_error("invalid container name '%s': names must match …", "evil\nberth: fake second line\x1b[2J");
}

static void log_errno_value(void) {
        (void) log_error_errno(-ENOENT, "cannot open %s: %m", "a\tb");
}

int main(void) {
        char buf[1024];

        unsetenv("JOURNAL_STREAM");
        log_open();
        ok_streq(captured(log_name_with_newline, buf, sizeof(buf)),
                 "berth: invalid container name 'evil\\nberth: fake second line\\x1b[2J': names must match …\n");
        ok_streq(log_last_error(), "invalid container name 'evil\\nberth: fake second line\\x1b[2J': names must match …");
        ok_streq(captured(log_errno_value, buf, sizeof(buf)), "berth: cannot open a\\tb: No such file or directory\n");
        return tap_finish();
}
