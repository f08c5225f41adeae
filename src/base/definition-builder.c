/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's flags → definition text (definition-builder.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-builder.h"
#include "definition-quote.h"
#include "env-expand.h"
#include "string-util.h"
#include "strv.h"

/* What the parser calls the text it reads: its messages start "berth run:LINE:". */
#define BUILDER_PATH "berth run"

static const BuilderOption options[] = {
        { "-e", "Environment" },
        { "-w", "WorkingDir" },
        { "-u", "User" },
        { "-h", "HostName" },
        { "--entrypoint", "Entrypoint", .empty_unsets = true },
        { "--memory", "Memory" },
        { "--cpu-weight", "CPUWeight" },
        { "--pids-limit", "PidsLimit" },
        { "--cap-add", "AddCapability" },
        { "--cap-drop", "DropCapability" },
        { "--restart", "Restart" },
        { "--network", "Network" },
        { "-p", "PublishPort" },
        { "--expose", "ExposePort" },
        { "--link", "Link" },
        { "--ip", "IP" },
        { "--dns", "DNS" },
        { "--add-host", "AddHost" },
        { "-v", "Volume" },
        { "--volumes-from", "VolumesFrom" },
        { "--tmpfs", "Tmpfs" },
        { "--sysctl", "Sysctl" },
        { "--health-cmd", "HealthCmd" },
        { "--health-interval", "HealthInterval" },
        { "--health-retries", "HealthRetries" },
        { "--health-timeout", "HealthTimeout" },
        { "--health-start-period", "HealthStartPeriod" },
        { "--health-on-failure", "HealthOnFailure" },
        { "--health-startup-cmd", "HealthStartupCmd" },
        { "--health-startup-interval", "HealthStartupInterval" },
        { "--health-startup-retries", "HealthStartupRetries" },
        { "--health-startup-success", "HealthStartupSuccess" },
        { "--health-startup-timeout", "HealthStartupTimeout" },
        /* Issue 16, mounts and devices: */
        { "--mount", "Mount" },
        { "--device", "AddDevice" },
        { "--shm-size", "ShmSize" },
        { "--tz", "Timezone" },
        /* docker run's resources, namespaces and logging (issue 16, part D) */
        { "--cpuset-cpus", "AllowedCPUs" },
        { "--ipc", "IPC" },
        { "--uts", "UTS" },
        { "--pid", "PID" },
        { "--cgroupns", "CgroupNS" },
        { "--log-driver", "LogDriver" },
        { "--pull", "Pull" },
        /* Issue 16, engineer C (keys-process). */
        { "--label", "Label" },
        { "--annotation", "Annotation" },
        { "--ulimit", "Ulimit" },
        { "--group-add", "GroupAdd" },
        { "--dns-search", "DNSSearch" },
        { "--dns-option", "DNSOption" },
        { "--stop-signal", "StopSignal" },
        { "--stop-timeout", "StopTimeout" },
        { "--ip6", "IP6" },
        /* Issue 18: user namespaces. */
        { "--userns", "UserNS" },
        { "--uidmap", "UIDMap" },
        { "--gidmap", "GIDMap" },
        /* Issue 18, remap. */
        { "--subuidname", "SubUIDMap" },
        { "--subgidname", "SubGIDMap" },
        /* Issue 16: leftovers (dialect). */
        { "--retry", "Retry" },
        { "--retry-delay", "RetryDelay" },
        { "--log-opt", "LogOpt" },
        { "IMAGE", "Image" },
};

const BuilderOption *definition_builder_options(size_t *ret_n) {
        *ret_n = ELEMENTSOF(options);
        return options;
}

void definition_builder_done(DefinitionBuilder *b) {
        for (size_t i = 0; i < b->n; i++)
                free(b->lines[i].text);
        free(b->lines);
        *b = (DefinitionBuilder) {};
}

/* Adds "key=text", taking text over (freed on failure). */
static int add_line(DefinitionBuilder *b, const char *flag, const char *key, char *text) {
        char *line;

        if (!text)
                return -ENOMEM;
        line = strjoin(key, "=", text);
        free(text);
        if (!line)
                return -ENOMEM;
        if (b->n == b->allocated) {
                size_t a = b->allocated ? b->allocated * 2 : 16;
                BuilderLine *t = reallocarray(b->lines, a, sizeof(BuilderLine));

                if (!t) {
                        free(line);
                        return -ENOMEM;
                }
                b->lines = t;
                b->allocated = a;
        }
        b->lines[b->n++] = (BuilderLine) { .text = line, .flag = flag };
        return 0;
}

int definition_builder_add_key(DefinitionBuilder *b, const char *flag, const char *key, const char *value) {
        char *q = NULL;
        int r;

        r = definition_quote_value(key, value, &q);
        if (r < 0)
                return r;
        return add_line(b, flag, key, q);
}

int definition_builder_add_key_first(DefinitionBuilder *b, const char *flag, const char *key, const char *value) {
        BuilderLine last;
        int r;

        r = definition_builder_add_key(b, flag, key, value);
        if (r < 0)
                return r;
        last = b->lines[b->n - 1];
        memmove(b->lines + 1, b->lines, sizeof(BuilderLine) * (b->n - 1));
        b->lines[0] = last;
        return 0;
}

int definition_builder_add(DefinitionBuilder *b, const char *flag, const char *value) {
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (streq(options[i].flag, flag)) {
                        if (options[i].empty_unsets && isempty(value))
                                return add_line(b, options[i].flag, options[i].key, strdup(""));
                        return definition_builder_add_key(b, options[i].flag, options[i].key, value);
                }
        return -ENOENT;
}

int definition_builder_add_words(DefinitionBuilder *b, const char *flag, const char *key, char *const *words) {
        _cleanup_strv_free_ char **escaped = NULL;

        /* Each '$' as itself, not expanded at the start (env-expand.h): docker's words keep
         * their meaning. */
        if (env_expand_key(key))
                STRV_FOREACH(w, (char **) words)
                        if (strv_consume(&escaped, env_dollar_escape(*w)) < 0)
                                return -ENOMEM;
        return add_line(b, flag, key, definition_words_quote(escaped ?: words));
}

int definition_builder_text(const DefinitionBuilder *b, char **ret) {
        size_t len = STRLEN("[Container]\n") + 1;
        char *text, *p;

        for (size_t i = 0; i < b->n; i++)
                len += strlen(b->lines[i].text) + 1;
        text = malloc(len);
        if (!text)
                return -ENOMEM;
        p = stpcpy(text, "[Container]\n");
        for (size_t i = 0; i < b->n; i++) {
                p = stpcpy(p, b->lines[i].text);
                *p++ = '\n';
        }
        *p = 0;
        *ret = text;
        return 0;
}

/* The parser's message about the text, said of the option: "berth run:LINE: key 'K': why" names
 * the line the option wrote; a check across lines ("berth run: key 'K': why") the key, and so the
 * last option that set it. */
static char *option_error(const DefinitionBuilder *b, const char *msg) {
        const char *rest = startswith(msg, BUILDER_PATH ":"), *why;
        unsigned line;
        char *m = NULL;
        int n = 0;

        if (rest && sscanf(rest, "%u:%n", &line, &n) == 1 && n > 0 && line >= 2 && line - 2 < b->n) {
                why = strstr(rest + n, "': ");
                if (asprintf(&m, "option %s: %s", b->lines[line - 2].flag, why ? why + 3 : rest + n) < 0)
                        return NULL;
                return m;
        }
        for (size_t i = b->n; rest && i > 0; i--) {
                const char *t = b->lines[i - 1].text, *eq = strchr(t, '=');
                char key[64];

                snprintf(key, sizeof(key), " key '%.*s': ", (int) (eq - t), t);
                why = startswith(rest, key);
                if (why) {
                        if (asprintf(&m, "option %s: %s", b->lines[i - 1].flag, why) < 0)
                                return NULL;
                        return m;
                }
        }
        return strdup(msg);
}

/* docker's rule, which the keys cannot see: --no-healthcheck says there is no check, and every
 * --health-* option says something about one (HealthCmd=none with HealthInterval= in a file is
 * taken, as podman takes it, and the interval does nothing). */
static int check_conflicts(const DefinitionBuilder *b, char **ret_error) {
        const char *health = NULL;
        bool none = false;

        for (size_t i = 0; i < b->n; i++) {
                if (streq(b->lines[i].flag, "--no-healthcheck"))
                        none = true;
                else if (!health && startswith(b->lines[i].flag, "--health-"))
                        health = b->lines[i].flag;
        }
        if (none && health) {
                if (asprintf(ret_error, "option --no-healthcheck: conflicts with the --health-* options (%s)", health) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }
        return 0;
}

int definition_builder_parse(const DefinitionBuilder *b, const char *name, char **ret_text, Definition **ret,
                             char **ret_error) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;
        int r;

        r = check_conflicts(b, ret_error);
        if (r < 0)
                return r;
        r = definition_builder_text(b, &text);
        if (r < 0)
                return r;
        r = definition_parse_string(text, BUILDER_PATH, name, &d, &error);
        if (r == -EFBIG) {
                if (asprintf(ret_error,
                             "the options make a definition of %zu bytes, more than the %u a definition may hold",
                             strlen(text), DEFINITION_SIZE_MAX) < 0)
                        *ret_error = NULL;
                return r;
        }
        if (r < 0) {
                *ret_error = error ? option_error(b, error) : NULL;
                return r;
        }
        *ret_text = TAKE_PTR(text);
        *ret = TAKE_PTR(d);
        return 0;
}
