/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry per verb of the command line. A verb's function gets argv with argv[0] the verb's
 * name and returns the process exit code (0, the payload's code, or 125 when berth failed). */

#define EXIT_BERTH_FAILED 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

typedef int (*VerbFunction)(int argc, char *argv[]);

typedef struct Verb {
        const char *name;
        const char *alias;
        VerbFunction run;   /* NULL: not landed yet */
        const char *synopsis;
        const char *summary;
        unsigned issue;     /* the issue that brings it, while run is NULL */
} Verb;

const Verb *verb_find(const char *name);

/* Prints "Usage: berth SYNOPSIS" and the summary, for a verb's --help. */
void verb_help(const char *name, const char *options);

int verb_run(int argc, char *argv[]);
int verb_top(int argc, char *argv[]);
int verb_port(int argc, char *argv[]);
int verb_export(int argc, char *argv[]);
int verb_stop(int argc, char *argv[]);
int verb_image(int argc, char *argv[]);
/* berth pull and berth image pull (src/cli/pull.c), berth login and logout (login.c): they
 * execute berth-pull. */
int verb_pull(int argc, char *argv[]);
int verb_image_pull(int argc, char *argv[]);
int verb_login(int argc, char *argv[]);
int verb_logout(int argc, char *argv[]);
#define PULL_OPTIONS_HELP                                                                                  \
        "      --platform OS/ARCH[/VARIANT]  the platform to pick from a multi-platform image (this\n"        \
        "                               machine's by default), as linux/arm64/v8\n"                          \
        "      --policy POLICY          always (the default): ask the registry; missing: only when\n"       \
        "                               the image is not in the store; newer: ask, keep the store's\n"      \
        "                               when the registry cannot be reached; never: the store's only\n"     \
        "  -q, --quiet                  print nothing but errors\n"                                         \
        "      --retry N                tries again N times (0 to 100, default 3) after a transient\n"     \
        "                               failure (no connection, a dropped one, 429, 5xx)\n"                \
        "      --retry-delay DURATION   the wait before each (default 250ms, doubled each time)\n"
int verb_system(int argc, char *argv[]);

/* berth image prune's work, which berth system prune does too: removes the store's debris and,
 * with all, every image no container definition names, printing a line for each; *ret_bytes is
 * what they held. Logs its errors; a negative errno if any. */
int image_prune(bool all, uint64_t *ret_bytes);
int verb_volume(int argc, char *argv[]);
int verb_create(int argc, char *argv[]);
/* berth rm's work for one container: refused while it runs unless force; with volumes, its
 * anonymous volumes go too; *reload is set when systemd must reload for the generator's drop-in
 * to go. Logs its errors. */
int rm_container(const char *name, bool force, bool volumes, bool *reload);
int verb_start(int argc, char *argv[]);
int verb_restart(int argc, char *argv[]);
int verb_kill(int argc, char *argv[]);
int verb_rm(int argc, char *argv[]);
int verb_wait(int argc, char *argv[]);
int verb_verify(int argc, char *argv[]);
int verb_exec(int argc, char *argv[]);
int verb_pause(int argc, char *argv[]);
int verb_unpause(int argc, char *argv[]);
int verb_list(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_inspect(int argc, char *argv[]);
int verb_logs(int argc, char *argv[]);
int verb_events(int argc, char *argv[]);
int verb_stats(int argc, char *argv[]);
int verb_rename(int argc, char *argv[]);
int verb_cp(int argc, char *argv[]);
