/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "definition-list.h"

/* Quadlet's keys of issue 16's leftovers (dialect): Retry= and RetryDelay= (podman's --retry and
 * --retry-delay: how a pull of the image tries again); LogOpt= (docker's and podman's --log-opt,
 * what has a meaning for the journal, where berth logs). Their values, parsers and formatters for
 * definition.c's key table, and the journal fields LogOpt= gives a container's lines. Pure, never
 * logs.
 *
 * Like definition-process.h, this sees its fields, never a Definition (definition.c depends on
 * it). */

/* How berth-pull tries a transient failure (no connection, a dropped one, 429, 5xx) again. */
typedef struct PullRetry {
        int count;           /* retries after the first try; PULL_RETRY_UNSET: berth-pull's default */
        uint64_t delay_usec; /* the wait before each; PULL_RETRY_DELAY_UNSET: 250 ms, doubled each time */
} PullRetry;

#define PULL_RETRY_UNSET (-1)
#define PULL_RETRY_DELAY_UNSET UINT64_MAX
#define PULL_RETRY_NULL ((PullRetry) { .count = PULL_RETRY_UNSET, .delay_usec = PULL_RETRY_DELAY_UNSET })
/* podman's default, --retry 3: four tries in all. */
#define PULL_RETRY_DEFAULT 3
/* Bounds: a pull that retries more, or waits longer, is a pull that hangs a start. */
#define PULL_RETRY_MAX 100
#define PULL_RETRY_DELAY_MAX_USEC (UINT64_C(3600) * UINT64_C(1000000))

/* "0" to "100". -EINVAL with a reason otherwise. */
int pull_retry_count_parse(const char *s, int *ret, char **ret_why);
/* A Go duration or bare seconds (health_duration_parse()), at most one hour. */
int pull_retry_delay_parse(const char *s, uint64_t *ret_usec, char **ret_why);
/* What --retry-delay and RetryDelay= read back: "10s", "250ms". */
int pull_retry_delay_format(uint64_t usec, char **ret);

/* LogOpt=, one option a line, as docker's and podman's --log-opt with the journald driver:
 *
 *   tag=TEMPLATE       SYSLOG_IDENTIFIER= and CONTAINER_TAG= of the payload's lines (journalctl -t),
 *                      a Go template over docker's log tag fields: .ID .FullID .Name (the
 *                      container's name, which is its ID in berth), .ImageID (12 hex digits),
 *                      .ImageFullID, .ImageName (as Image= names it), .DaemonName ("berth")
 *   label=KEY=TEMPLATE podman's: a journal field KEY (A-Z, 0-9, _; not a field berth sets) on
 *                      each line, its value the template's
 *   labels=K1,K2…      docker's: the container's labels K1… (the image's under Label='s), each
 *   env=K1,K2…         as a journal field named as docker names it (upper case, other than
 *                      [A-Z0-9] as '_'); env's take precedence; a key the container lacks, none
 *
 * Anything else is refused: path=, max-size=, max-file= (berth logs to the journal, whose size
 * journald limits), the regex forms. At most LOG_FIELDS_MAX fields in all. */
#define LOG_FIELDS_MAX 8
#define LOG_OPT_SIZE_MAX 1024

/* AppArmor=PROFILE (docker's --security-opt apparmor=): the profile the payload (and exec's
 * commands) execute under where the host has AppArmor, "unconfined" for none; a profile on a host
 * without it fails the start (podman's rule). SecurityLabelType=, SecurityLabelLevel=,
 * SecurityLabelFileType=, SecurityLabelNested= (podman's --security-opt label=…): SELinux labels,
 * without effect where SELinux is not enabled (podman's rule); berth does not label, so on a host
 * where it is, they fail the start unless SecurityLabelDisable=true. */
#define APPARMOR_PROFILE_MAX 1024

/* Rootfs=PATH[:O] (podman's --rootfs), in place of Image=: the container's root is the host
 * directory PATH, as the read-only lower layer of its overlay, with a writable upper of the
 * container's own, as an image's layers are (podman's ":O"; berth never writes into PATH, so that
 * the directory, like an image, may serve several containers and outlives them). PATH absolute,
 * not "/", without ':' or ',' (overlayfs' separators); that it is a directory is checked at the
 * start (rootfs_check()). */
int rootfs_check(const char *path, char **ret_why);

/* The fields, one member of struct Definition (definition.h). */
typedef struct DefinitionExtra {
        PullRetry pull_retry; /* Retry=, RetryDelay= */
        char **log_opts;      /* LogOpt=: "tag=…", "label=K=…", "labels=…", "env=…", as checked */
        char *apparmor;       /* AppArmor=, NULL unset: none */
        bool label_disable, label_nested;                /* SecurityLabelDisable=, SecurityLabelNested= */
        char *label_type, *label_level, *label_file_type; /* SecurityLabelType=, …Level=, …FileType= */
        char *rootfs;         /* Rootfs=: the directory, without ":O"; NULL: Image= */
} DefinitionExtra;

/* What one line cannot tell: Image= or Rootfs=, one of them. *ret_why names the key. */
int definition_extra_check(const DefinitionExtra *e, const char *image, char **ret_why);

/* Whether e asks for an SELinux label (type, level, file type, nested), SecurityLabelDisable= aside. */
bool definition_extra_wants_label(const DefinitionExtra *e);

/* What a log tag's template sees. */
typedef struct LogTagData {
        const char *name;       /* the container's (its ID in berth) */
        const char *image_name; /* Image= */
        const char *image_id;   /* "sha256:…" */
        char *const *labels;    /* K=V, the container's */
        char *const *env;       /* K=V, the payload's */
} LogTagData;

/* The tag (NULL when there is no tag=) and the journal fields ("KEY=VALUE") that log_opts give a
 * container's lines for data. -EINVAL with a reason naming the option: a template that fails, a
 * value over LOG_OPT_SIZE_MAX, a field from labels=/env= that would be one berth sets. */
int log_opts_evaluate(char *const *log_opts, const LogTagData *data, char **ret_tag, char ***ret_fields,
                      char **ret_why);

#define DEFINITION_EXTRA_NULL ((DefinitionExtra) { .pull_retry = PULL_RETRY_NULL })

void definition_extra_done(DefinitionExtra *e);
bool definition_extra_equal(const DefinitionExtra *a, const DefinitionExtra *b);

struct Definition;

/* ---- parsers (definition.c's DefinitionParser) and formatters (DefinitionFormatter) ---- */
int definition_parse_retry(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_retry_delay(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why);
int definition_format_retry(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_retry_delay(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_parse_log_opt(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_apparmor(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_label_bool(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_label_type(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_label_level(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why);
int definition_parse_rootfs(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
