/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The property berth run and berth create rely on: every value an option accepts is written into
 * the definition and read back by the one parser exactly as given, the lines around it
 * untouched; every value refused is refused with one line that names the option. Random values
 * for every option of definition_builder_options() (and the command's words), from an alphabet
 * heavy in what quoting must get right: \ " ' = ; # % $, blanks, control characters, UTF-8. A '$'
 * in Exec=, Entrypoint= and Environment= is expanded where the container starts: those values
 * must read back as given once expanded, whatever the environment. */
#include <stdio.h>
#include <stdlib.h>

#include "definition-builder.h"
#include "definition-process.h"
#include "definition-values.h"
#include "env-expand.h"
#include "health.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define ROUNDS 3000

static unsigned seed = 20240601;

static unsigned rnd(unsigned n) {
        seed = seed * 1103515245 + 12345;
        return (seed >> 8) % n;
}

/* Appends one random piece to f: mostly the nasty alphabet, some UTF-8, some other bytes. */
static void random_chars(FILE *f, unsigned max) {
        static const char nasty[] = "\\\\\\\"\"''==;;##%%$$  \t\t:://..-_aZz09";
        static const char *const utf8[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x90\xb3", "\xc2\xa0", "\xe2\x80\xa8" };
        unsigned n = rnd(max + 1);

        for (unsigned i = 0; i < n; i++) {
                unsigned k = rnd(20);

                if (k < 15)
                        fputc(nasty[rnd(sizeof(nasty) - 1)], f);
                else if (k < 18)
                        fputs(utf8[rnd(ELEMENTSOF(utf8))], f);
                else if (k < 19)
                        fputc("\n\r\x1b\x7f\x01"[rnd(5)], f);
                else
                        fputc(1 + rnd(255), f);
        }
}

static char *random_value(const char *key) {
        char *v = NULL;
        size_t size;
        FILE *f = open_memstream(&v, &size);
        unsigned shape = rnd(4);

        if (rnd(5) == 0)
                fputc(" \t"[rnd(2)], f); /* leading blanks */
        if (shape == 0)
                random_chars(f, 16); /* anything */
        else if (streq(key, "Environment")) {
                fprintf(f, "%sK%u=", rnd(2) ? "_" : "", rnd(1000));
                random_chars(f, 12);
        } else if (streq(key, "Sysctl")) {
                fprintf(f, "net.ipv4.x%u=", rnd(1000));
                random_chars(f, 8);
        } else if (streq(key, "Volume") || streq(key, "Tmpfs")) {
                if (rnd(2)) {
                        fputs(rnd(2) ? "/tmp" : "vol", f);
                        fputc(':', f);
                }
                fprintf(f, "/d%u", rnd(1000));
                random_chars(f, 6);
                if (rnd(3) == 0)
                        fputs(rnd(2) ? ":ro" : ":size=64m", f);
        } else if (streq(key, "Mount")) {
                fprintf(f, rnd(2) ? "type=tmpfs,dst=/d%u" : "type=bind,src=/tmp,target=/d%u", rnd(1000));
                random_chars(f, 4);
        } else if (streq(key, "AddDevice")) {
                fprintf(f, "%s/dev/d%u%s", rnd(4) ? "" : "-", rnd(1000), rnd(2) ? ":r" : "");
                random_chars(f, 2);
        } else if (streq(key, "ShmSize"))
                fprintf(f, "%u%s", rnd(100000), (const char *[]) { "", "k", "M", "g", " m" }[rnd(5)]);
        else if (streq(key, "Timezone")) {
                fputs((const char *[]) { "local", "UTC", "Europe/Berlin", "Etc/GMT+5", "../x" }[rnd(5)], f);
                random_chars(f, 2);
        } else if (streq(key, "WorkingDir") || streq(key, "EnvironmentFile")) {
                fputc('/', f);
                random_chars(f, 10);
        } else if (streq(key, "PublishPort"))
                fprintf(f, "%s%u:%u%s", rnd(2) ? "127.0.0.1:" : "", 1 + rnd(65535), 1 + rnd(65535), rnd(2) ? "/udp" : "");
        else if (streq(key, "Memory"))
                fprintf(f, "%u%s", rnd(100000), (const char *[]) { "", "k", "M", "g", " m" }[rnd(5)]);
        else if (streq(key, "Link") || streq(key, "VolumesFrom") || streq(key, "Image") || streq(key, "HostName") ||
                 streq(key, "User")) {
                fprintf(f, "c%u", rnd(100));
                random_chars(f, 3);
        } else if (streq(key, "Network"))
                fputs((const char *[]) { "host", "none", "bridge", "container:db", "container:" }[rnd(5)], f);
        else if (streq(key, "AddCapability") || streq(key, "DropCapability"))
                fputs((const char *[]) { "NET_ADMIN", "cap_sys_time", "ALL", "NET_ADMIN SYS_TIME" }[rnd(4)], f);
        else if (streq(key, "AddHost"))
                fprintf(f, rnd(2) ? "h%u:10.0.0.%u" : "h%u:fd00::%x", rnd(100), rnd(300));
        else if (streq(key, "DNS"))
                fprintf(f, rnd(2) ? "10.0.%u.1" : "fd00::%x", rnd(300));
        else if (streq(key, "IP"))
                fprintf(f, "10.88.%u.%u", rnd(300), rnd(256));
        else if (streq(key, "ExposePort"))
                fprintf(f, "%u%s", rnd(70000), rnd(2) ? "/udp" : "");
        else if (streq(key, "CPUWeight") || streq(key, "PidsLimit"))
                fprintf(f, "%u", rnd(12000));
        else if (streq(key, "Restart"))
                fputs((const char *[]) { "no", "always", "on-failure", "unless-stopped", "on-failure:3", "never" }[rnd(6)], f);
        else if (streq(key, "HealthCmd") || streq(key, "HealthStartupCmd")) {
                unsigned k = rnd(4);

                if (k == 0)
                        fputs((const char *[]) { "none", "NONE", "[\"NONE\"]", "[]", "[ -f /x ]", "[\"CMD\"]" }[rnd(6)], f);
                else if (k == 1)
                        random_chars(f, 12); /* a shell's string */
                else {
                        /* an array, sometimes a broken one */
                        fputs(k == 2 ? "[\"CMD\"," : "[", f);
                        for (unsigned i = 0, n = rnd(3); i <= n; i++) {
                                fputs(i ? ", \"" : "\"", f);
                                fputs((const char *[]) { "a", "\\\"", "\\u00e9", "\\ud83d\\ude00", "b c", "\\n", "\\x",
                                                         "\xc3\xa9", "\\u0000", "\\ud800" }[rnd(10)], f);
                                fputc('"', f);
                        }
                        fputs(rnd(8) ? "]" : rnd(2) ? "" : "] x", f);
                }
        } else if (streq(key, "HealthInterval") || streq(key, "HealthTimeout") || streq(key, "HealthStartPeriod") ||
                   streq(key, "HealthStartupInterval") || streq(key, "HealthStartupTimeout")) {
                if (rnd(6) == 0)
                        fputs((const char *[]) { "disable", "0", "-1s", "1h-1m", "1.5h", "3000000h" }[rnd(6)], f);
                else
                        for (unsigned i = 0, n = rnd(3); i <= n; i++)
                                fprintf(f, "%u%s%s", rnd(3000), rnd(4) ? "" : ".5",
                                        (const char *[]) { "", "s", "ms", "m", "h", "us", "\xc2\xb5s", "ns", "x" }[rnd(9)]);
        } else if (streq(key, "HealthRetries") || streq(key, "HealthStartupRetries") || streq(key, "HealthStartupSuccess"))
                fprintf(f, "%s%u", rnd(10) ? "" : "-", rnd(10) ? rnd(100) : rnd(2000000));
        else if (streq(key, "HealthOnFailure"))
                fputs((const char *[]) { "none", "kill", "restart", "stop", "Kill", "exit" }[rnd(6)], f);
        /* docker run's resources, namespaces and logging (issue 16, part D) */
        else if (streq(key, "AllowedCPUs"))
                fprintf(f, rnd(2) ? "%u" : "%u-%u", rnd(9000), rnd(9000));
        else if (streq(key, "IPC") || streq(key, "UTS") || streq(key, "PID"))
                fputs((const char *[]) { "host", "private", "shareable", "container:db", "container:", "none" }[rnd(6)], f);
        else if (streq(key, "CgroupNS"))
                fputs((const char *[]) { "host", "private", "Host", "none" }[rnd(4)], f);
        else if (streq(key, "LogDriver"))
                fputs((const char *[]) { "journald", "none", "json-file", "syslog" }[rnd(4)], f);
        else if (streq(key, "Pull"))
                fputs((const char *[]) { "missing", "always", "never", "newer", "Always", "true" }[rnd(6)], f);
        /* Issue 16, engineer C (keys-process). */
        else if (streq(key, "Label") || streq(key, "Annotation")) {
                fprintf(f, "org.k%u%s", rnd(100), rnd(4) ? "=" : "");
                random_chars(f, 10);
        } else if (streq(key, "Ulimit"))
                fprintf(f, "%s=%s%u%s", (const char *[]) { "nofile", "nproc", "core", "bogus", "" }[rnd(5)], rnd(8) ? "" : "-",
                        rnd(5000), (const char *[]) { "", ":4000", ":-1", ":x" }[rnd(4)]);
        /* Issue 18: user namespaces. */
        else if (streq(key, "UserNS"))
                fputs((const char *[]) { "host", "auto", "private", "auto:size=70000", "keep-id", "auto:size=0", "Auto" }[rnd(7)],
                      f);
        else if (streq(key, "UIDMap") || streq(key, "GIDMap"))
                fprintf(f, "%u:%u:%u", rnd(4) ? 0 : rnd(3), 100000 + rnd(100000), rnd(8) ? 1 + rnd(65536) : 0);
        /* Issue 18, remap. */
        else if (streq(key, "SubUIDMap") || streq(key, "SubGIDMap"))
                fputs((const char *[]) { "alice", "1000", "svc$", "al:ice", "-x", "a$b", "x.y_z-1" }[rnd(7)], f);
        else if (streq(key, "GroupAdd"))
                fputs((const char *[]) { "users", "1000", "keep-groups", "wheel:x", "-1" }[rnd(5)], f);
        else if (streq(key, "DNSSearch"))
                fputs((const char *[]) { "example.com", ".", "a.b.c.", "bad..name", "-x.org" }[rnd(5)], f);
        else if (streq(key, "DNSOption"))
                fputs((const char *[]) { "ndots:2", "edns0", "rotate", "bad option", ":x" }[rnd(5)], f);
        else if (streq(key, "StopSignal"))
                fputs((const char *[]) { "SIGUSR1", "INT", "15", "SIGBOGUS", "0", "64", "65" }[rnd(7)], f);
        else if (streq(key, "StopTimeout"))
                fprintf(f, "%s%u", rnd(10) ? "" : "-", rnd(1000));
        else if (streq(key, "IP6"))
                fprintf(f, rnd(4) ? "fd66::%x" : "10.0.0.%u", rnd(300));
        /* Issue 16: leftovers (dialect). */
        else if (streq(key, "Retry"))
                fprintf(f, "%s%u", rnd(10) ? "" : "-", rnd(120));
        else if (streq(key, "RetryDelay"))
                fprintf(f, "%u%s", rnd(5000), (const char *[]) { "", "s", "ms", "m", "h", "x" }[rnd(6)]);
        else if (streq(key, "LogOpt"))
                fputs((const char *[]) { "tag={{.Name}}", "tag=web-{{.ImageID}}", "label=APP=x", "labels=a,b", "env=A",
                                         "path=/x", "max-size=1m", "tag={{.Nope}}", "label=app=x", "x" }[rnd(10)], f);
        else
                random_chars(f, 12);
        if (rnd(5) == 0)
                fputc(" \t"[rnd(2)], f); /* trailing blanks */
        if (rnd(5) == 0)
                fputc('\\', f); /* the trailing backslash that joined lines */
        fclose(f);
        return v;
}

/* Whether d holds value for key as given; *ret_known false for a key this test does not know. */
/* Exec=, Entrypoint= and Environment= words as the payload gets them (env-expand.h), from an
 * environment where every name the random values can spell after a '$' is set: a '$' berth run
 * was given must mean itself. NULL for NULL. */
static char **expanded(char *const *l, EnvExpandFlags flags) {
        static char *const env[] = { "a=EXPANDED", "Z=EXPANDED", "z=EXPANDED", "_=EXPANDED", "K=EXPANDED", "_K=EXPANDED", NULL };
        size_t budget = SIZE_MAX;
        char **r = NULL;

        if (!l || env_expand_words(l, env, flags, &budget, &r) < 0)
                return NULL;
        return r;
}

static bool holds(const Definition *d, const char *key, const char *value, bool *ret_known) {
        uint64_t u;

        *ret_known = true;
        if (streq(key, "Image"))
                return streq_ptr(d->image, value);
        if (streq(key, "WorkingDir"))
                return streq_ptr(d->working_dir, value);
        if (streq(key, "User"))
                return streq_ptr(d->user, value);
        if (streq(key, "HostName"))
                return streq_ptr(d->hostname, value);
        if (streq(key, "IP"))
                return streq_ptr(d->ip, value);
        if (streq(key, "Timezone"))
                return streq_ptr(d->timezone, value);
        if (streq(key, "ShmSize"))
                return parse_size(value, &u) >= 0 && d->shm_size == u;
        if (streq(key, "Environment")) {
                _cleanup_strv_free_ char **l = expanded(d->environment, 0);

                return strv_contains(l, value);
        }
        if (streq(key, "Sysctl"))
                return strv_contains(d->sysctls, value);
        if (streq(key, "Entrypoint")) {
                _cleanup_strv_free_ char **l = expanded(d->entrypoint, 0);

                return l && (isempty(value) ? !l[0] : strv_equal(l, (char *const[]) { (char *) value, NULL }));
        }
        if (streq(key, "Network")) {
                const char *other = startswith(value, "container:");

                return other ? d->network == NETWORK_CONTAINER && streq_ptr(d->network_container, other)
                             : d->network == network_mode_from_string(value);
        }
        if (streq(key, "Memory"))
                return parse_size(value, &u) >= 0 && d->memory_max == u;
        if (streq(key, "CPUWeight"))
                return safe_atou64(value, &u) >= 0 && d->cpu_weight == u;
        if (streq(key, "PidsLimit"))
                return (safe_atou64(value, &u) >= 0 && d->pids_limit == u) ||
                       (d->pids_limit == UINT64_MAX && (streq(value, "-1") || streq(value, "infinity") || streq(value, "max")));
        if (streq(key, "AddCapability") || streq(key, "DropCapability"))
                return definition_capability_from_word(value, &u) >= 0 &&
                       (streq(key, "AddCapability") ? d->caps_add : d->caps_drop) == u;
        if (streq(key, "Restart"))
                return d->restart == restart_policy_from_string(value);
        if (streq(key, "HealthCmd") || streq(key, "HealthStartupCmd")) {
                _cleanup_strv_free_ char **test = NULL;
                char **field = streq(key, "HealthCmd") ? d->health_cmd : d->health_startup_cmd;

                if (health_cmd_parse(value, &test, NULL) < 0)
                        return false;
                if (streq(key, "HealthStartupCmd") && streq(test[0], "NONE"))
                        return !field;
                return field && strv_equal(field, test);
        }
        if (streq(key, "HealthInterval") && streq(value, "disable"))
                return d->health_interval_usec == 0;
        {
                static const struct {
                        const char *key;
                        size_t offset;
                } durations[] = {
                        { "HealthInterval", offsetof(Definition, health_interval_usec) },
                        { "HealthTimeout", offsetof(Definition, health_timeout_usec) },
                        { "HealthStartPeriod", offsetof(Definition, health_start_period_usec) },
                        { "HealthStartupInterval", offsetof(Definition, health_startup_interval_usec) },
                        { "HealthStartupTimeout", offsetof(Definition, health_startup_timeout_usec) },
                }, counts[] = {
                        { "HealthRetries", offsetof(Definition, health_retries) },
                        { "HealthStartupRetries", offsetof(Definition, health_startup_retries) },
                        { "HealthStartupSuccess", offsetof(Definition, health_startup_success) },
                };
                unsigned n;

                for (size_t i = 0; i < ELEMENTSOF(durations); i++)
                        if (streq(key, durations[i].key))
                                return health_duration_parse(value, &u, NULL) >= 0 &&
                                       *(const uint64_t *) ((const char *) d + durations[i].offset) == u;
                for (size_t i = 0; i < ELEMENTSOF(counts); i++)
                        if (streq(key, counts[i].key))
                                return safe_atou(value, &n) >= 0 && *(const unsigned *) ((const char *) d + counts[i].offset) == n;
        }
        if (streq(key, "HealthOnFailure"))
                return d->health_on_failure == health_on_failure_from_string(value);
        /* docker run's resources, namespaces and logging (issue 16, part D) */
        if (streq(key, "AllowedCPUs"))
                return streq_ptr(d->allowed_cpus, value);
        if (streq(key, "IPC") || streq(key, "UTS") || streq(key, "PID")) {
                const DefinitionNamespace *n = streq(key, "IPC") ? &d->ipc : streq(key, "UTS") ? &d->uts : &d->pid;
                const char *other = startswith(value, "container:");

                return other ? n->mode == NAMESPACE_CONTAINER && streq_ptr(n->container, other)
                             : n->mode == (streq(value, "host") ? NAMESPACE_HOST : NAMESPACE_PRIVATE);
        }
        if (streq(key, "CgroupNS"))
                return d->cgroupns_host == streq(value, "host");
        if (streq(key, "LogDriver"))
                return streq_ptr(log_driver_to_string(d->log_driver), value);
        if (streq(key, "Pull"))
                return streq_ptr(pull_policy_to_string(d->pull), value);
        /* Issue 18: user namespaces. */
        if (streq(key, "UserNS")) {
                _cleanup_free_ char *s = userns_mode_format(d->userns, d->userns_size);

                return d->userns_set && streq_ptr(s, value + strspn(value, " \t"));
        }
        if (streq(key, "UIDMap") || streq(key, "GIDMap")) {
                const IdMapEntry *m = streq(key, "UIDMap") ? d->uid_map : d->gid_map;
                char buf[64];

                if (d->n_uid_map != 1 || d->n_gid_map != 1)
                        return false;
                snprintf(buf, sizeof(buf), "%u:%u:%u", m[0].inside, m[0].outside, m[0].count);
                return streq(buf, value + strspn(value, " \t")) && memcmp(d->uid_map, d->gid_map, sizeof(IdMapEntry)) == 0;
        }
        /* Issue 18, remap: one name stands for both. */
        if (streq(key, "SubUIDMap") || streq(key, "SubGIDMap"))
                return streq_ptr(d->subuid_name, value + strspn(value, " \t")) && streq_ptr(d->subgid_name, d->subuid_name) &&
                       d->userns == USERNS_MAP;
        /* Issue 16: leftovers (dialect). */
        if (streq(key, "Retry")) {
                unsigned count;

                return safe_atou(value, &count) >= 0 && d->extra.pull_retry.count == (int) count;
        }
        if (streq(key, "LogOpt"))
                return strv_length(d->extra.log_opts) == 1 && streq(d->extra.log_opts[0], value);
        if (streq(key, "RetryDelay")) {
                uint64_t usec;

                return health_duration_parse(value, &usec, NULL) >= 0 && d->extra.pull_retry.delay_usec == usec;
        }
        {
                static const struct {
                        const char *key;
                        size_t offset;
                } lists[] = {
                        { "EnvironmentFile", offsetof(Definition, environment_files) },
                        { "PublishPort", offsetof(Definition, publish_ports) },
                        { "ExposePort", offsetof(Definition, expose_ports) },
                        { "Link", offsetof(Definition, links) },
                        { "DNS", offsetof(Definition, dns) },
                        { "AddHost", offsetof(Definition, add_hosts) },
                        { "Volume", offsetof(Definition, volumes) },
                        { "VolumesFrom", offsetof(Definition, volumes_from) },
                        { "Tmpfs", offsetof(Definition, tmpfs) },
                        { "Mount", offsetof(Definition, mounts) },
                        { "AddDevice", offsetof(Definition, devices) },
                };
                for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                        if (streq(key, lists[i].key)) {
                                char **l = *(char **const *) ((const char *) d + lists[i].offset);
                                size_t n = strv_length(l);

                                return n > 0 && streq(l[n - 1], value);
                        }
        }
        /* Issue 16, engineer C (keys-process). */
        if (streq(key, "Label"))
                return strv_contains(d->process.labels, value);
        if (streq(key, "Annotation"))
                return strv_contains(d->process.annotations, value);
        if (streq(key, "StopSignal"))
                return d->stop_signal == signal_from_string(value);
        if (streq(key, "StopTimeout"))
                return safe_atou64(value, &u) >= 0 && d->stop_timeout_usec == u * 1000000;
        if (streq(key, "IP6"))
                return streq_ptr(d->process.ip6, value);
        {
                static const struct {
                        const char *key;
                        size_t offset;
                } lists[] = {
                        { "Ulimit", offsetof(Definition, process.ulimits) },
                        { "GroupAdd", offsetof(Definition, process.group_add) },
                        { "DNSSearch", offsetof(Definition, process.dns_search) },
                        { "DNSOption", offsetof(Definition, process.dns_options) },
                };
                for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                        if (streq(key, lists[i].key)) {
                                char **l = *(char **const *) ((const char *) d + lists[i].offset);
                                size_t n = strv_length(l);

                                return n > 0 && streq(l[n - 1], value);
                        }
        }
        *ret_known = false;
        return false;
}

static bool one_line(const char *s) {
        return s && *s && !string_has_control_chars(s);
}

/* The lines around the value: one before, one after, both plain. */
static bool neighbours_intact(const Definition *d) {
        return strv_contains(d->environment, "BERTH_TEST_BEFORE=1") && strv_contains(d->environment, "BERTH_TEST_AFTER=2");
}

int main(void) {
        size_t n_options;
        const BuilderOption *options = definition_builder_options(&n_options);
        unsigned accepted = 0, refused = 0, wrong = 0, unknown = 0, commands = 0, never = 0;

        for (size_t o = 0; o < n_options; o++) {
                unsigned yes = 0;

                for (unsigned round = 0; round < ROUNDS; round++) {
                        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                        _cleanup_(definition_freep) Definition *d = NULL;
                        _cleanup_free_ char *value = random_value(options[o].key), *text = NULL, *error = NULL;
                        char shown[512];
                        bool known;
                        int r;

                        if (definition_builder_add(&b, "IMAGE", "img") < 0 ||
                            definition_builder_add(&b, "-e", "BERTH_TEST_BEFORE=1") < 0) {
                                wrong++;
                                continue;
                        }
                        r = definition_builder_add(&b, options[o].flag, value);
                        /* A unit file cannot hold a control character in a value that is not words:
                         * refused before any text is made (run.c says so of the option). */
                        if (r == -EINVAL && string_has_control_chars(value)) {
                                refused++;
                                continue;
                        }
                        if (r < 0 || definition_builder_add(&b, "-e", "BERTH_TEST_AFTER=2") < 0) {
                                if (wrong++ < 10)
                                        printf("# %s '%s' not added: %d\n", options[o].flag,
                                               escape_controls(value, SIZE_MAX, shown, sizeof(shown)), r);
                                continue;
                        }
                        r = definition_builder_parse(&b, "web", &text, &d, &error);
                        if (r >= 0) {
                                accepted++;
                                yes++;
                                if (!holds(d, options[o].key, value, &known) || !neighbours_intact(d)) {
                                        unknown += !known;
                                        if (wrong++ < 10)
                                                printf("# %s '%s' not read back as given from:\n# %s\n", options[o].flag,
                                                       escape_controls(value, SIZE_MAX, shown, sizeof(shown)),
                                                       escape_controls(text, SIZE_MAX, (char[4096]) {}, 4096));
                                }
                        } else {
                                _cleanup_free_ char *prefix = strjoin("option ", options[o].flag, ": ");

                                refused++;
                                if (!one_line(error) || !startswith(error, prefix)) {
                                        if (wrong++ < 10)
                                                printf("# %s '%s' refused with: %s\n", options[o].flag,
                                                       escape_controls(value, SIZE_MAX, shown, sizeof(shown)),
                                                       escape_controls(error ?: "(null)", SIZE_MAX, (char[1024]) {}, 1024));
                                }
                        }
                }
                if (yes == 0 && never++ < 5)
                        printf("# no value of %s was accepted\n", options[o].flag);
        }

        /* The command: any words, each read back as given. */
        for (unsigned round = 0; round < ROUNDS; round++) {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_strv_free_ char **words = NULL, **exec = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                unsigned n = 1 + rnd(4);

                words = calloc(n + 1, sizeof(char *));
                for (unsigned k = 0; k < n; k++)
                        words[k] = random_value("Exec");
                if (definition_builder_add(&b, "IMAGE", "img") < 0 ||
                    definition_builder_add_words(&b, "CMD", "Exec", words) < 0 ||
                    definition_builder_add(&b, "-e", "BERTH_TEST_BEFORE=1") < 0 ||
                    definition_builder_add(&b, "-e", "BERTH_TEST_AFTER=2") < 0 ||
                    definition_builder_parse(&b, "web", &text, &d, &error) < 0 ||
                    !strv_equal((exec = expanded(d->exec, ENV_EXPAND_SPLIT)), words) || !neighbours_intact(d)) {
                        if (wrong++ < 10)
                                printf("# command not read back: %s\n", error ?: "");
                } else
                        commands++;
        }

        ok(unknown == 0, "every option's key is checked here (%u not)", unknown);
        ok(wrong == 0, "%u values accepted and read back as given, %u refused with one line naming the option, %u commands; %u wrong",
           accepted, refused, commands, wrong);
        ok(never == 0 && accepted > ROUNDS * n_options / 5 && refused > ROUNDS * n_options / 5,
           "  … both in good numbers, for every option");

        /* The cases of the issue. */
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "-v", "/tmp:/data\\");
                definition_builder_add(&b, "-e", "FOO=bar");
                definition_builder_add(&b, "IMAGE", "img");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == 0 && strv_equal(d->volumes, (char *const[]) { "/tmp:/data\\", NULL }) &&
                           strv_equal(d->environment, (char *const[]) { "FOO=bar", NULL }),
                   "-v '/tmp:/data\\' -e FOO=bar: both (%s)", error ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "-v", "/tmp:/a");
                definition_builder_add(&b, "-v", "");
                definition_builder_add(&b, "IMAGE", "img");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == -EINVAL && streq_ptr(error, "option -v: empty value"), "-v '' is refused, not a reset (%s)",
                   error ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                bool good = true;
                int r;

                for (unsigned i = 0; i < 3000; i++) {
                        char e[32];

                        snprintf(e, sizeof(e), "V%u=%u", i, i);
                        good = good && definition_builder_add(&b, "-e", e) >= 0;
                }
                definition_builder_add(&b, "IMAGE", "img");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(good && r == 0 && strv_length(d->environment) == 3000 && streq(d->environment[2999], "V2999=2999"),
                   "3000 -e options (%s)", error ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL, *big = malloc(200 * 1024);
                int r;

                memset(big, 'x', 200 * 1024 - 1);
                big[200 * 1024 - 1] = 0;
                big[0] = 'A';
                big[1] = '=';
                definition_builder_add(&b, "-e", big);
                definition_builder_add(&b, "-e", big);
                definition_builder_add(&b, "IMAGE", "img");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == -EFBIG && error && startswith(error, "the options make a definition of ") &&
                           endswith(error, "more than the 262144 a definition may hold"),
                   "too large for a definition: one line (%s)", error ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "--entrypoint", "");
                definition_builder_add(&b, "--memory", "1k");
                definition_builder_add(&b, "IMAGE", "img");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == -EINVAL && streq_ptr(error, "option --memory: '1k' is less than 6M, the least memory a container can start with"),
                   "-m 1k (%s)", error ?: "");
                ok(definition_builder_add(&b, "--no-such", "x") == -ENOENT, "an unknown option");
        }
        /* Health checks: a bad value's line names its option; --no-healthcheck is HealthCmd=none
         * and conflicts with every --health-* option, in either order. */
        {
                static const struct {
                        const char *flag, *value, *error;
                } bad[] = {
                        { "--health-interval", "0", "option --health-interval: '0' is less than 1s, the least podman takes; "
                                                    "'disable' turns the automatic checks off" },
                        { "--health-interval", "1h-1m", "option --health-interval: '1h-1m' has an unknown unit 'h-' (ns, us, µs, ms, s, m, h)" },
                        { "--health-timeout", "500ms", "option --health-timeout: '500ms' is less than 1s, the least podman takes" },
                        { "--health-start-period", "-1s", "option --health-start-period: '-1s' is negative" },
                        { "--health-retries", "0", "option --health-retries: '0' is not a number in 1…1000000" },
                        { "--health-cmd", "", "option --health-cmd: empty value" },
                        { "--health-cmd", "[\"CMD\"", "option --health-cmd: '[\"CMD\"' is not a JSON array of strings: the array does not end" },
                        { "--health-cmd", "[\"CMD\"]", "option --health-cmd: '[\"CMD\"]': CMD without a command after it" },
                        { "--health-on-failure", "exit", "option --health-on-failure: 'exit' is not none, kill, restart or stop" },
                        { "--health-startup-cmd", "[]", "option --health-startup-cmd: '[]' is an empty array, not a command" },
                        { "--health-startup-interval", "disable", "option --health-startup-interval: 'disable' is not a duration (e.g. 30s, 1m30s, 500ms)" },
                        { "--health-startup-timeout", "0.5", "option --health-startup-timeout: '0.5' is less than 1s, the least podman takes" },
                        { "--health-startup-retries", "1000001", "option --health-startup-retries: '1000001' is not a number in 0…1000000" },
                        { "--health-startup-success", "x", "option --health-startup-success: 'x' is not a number in 0…1000000" },
                };
                for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                        _cleanup_(definition_freep) Definition *d = NULL;
                        _cleanup_free_ char *text = NULL, *error = NULL;
                        int r;

                        definition_builder_add(&b, "IMAGE", "img");
                        definition_builder_add(&b, bad[i].flag, bad[i].value);
                        r = definition_builder_parse(&b, "web", &text, &d, &error);
                        ok(r == -EINVAL && streq_ptr(error, bad[i].error), "%s '%s': %s (got %s)", bad[i].flag, bad[i].value,
                           bad[i].error, error ?: "(null)");
                }
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "IMAGE", "img");
                definition_builder_add(&b, "--health-timeout", " 5s");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == -EINVAL && streq_ptr(error, "option --health-timeout: ' 5s' is not a duration (e.g. 30s, 1m30s, 500ms)"),
                   "a blank is refused, given as the option's value (%s)", error ?: "");
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "IMAGE", "img");
                definition_builder_add(&b, "--health-cmd", "[\"CMD\", \"/bin/check\", \"a b\"]");
                definition_builder_add(&b, "--health-interval", "1m30s");
                definition_builder_add(&b, "--health-timeout", "5s");
                definition_builder_add(&b, "--health-start-period", "0");
                definition_builder_add(&b, "--health-retries", "3");
                definition_builder_add(&b, "--health-on-failure", "restart");
                definition_builder_add(&b, "--health-startup-cmd", " test -e /ready ");
                definition_builder_add(&b, "--health-startup-interval", "2s");
                definition_builder_add(&b, "--health-startup-timeout", "1s");
                definition_builder_add(&b, "--health-startup-retries", "10");
                definition_builder_add(&b, "--health-startup-success", "2");
                definition_builder_add_key(&b, "--sdnotify", "Notify", notify_mode_to_string(notify_mode_from_sdnotify("healthy")));
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == 0 && strv_equal(d->health_cmd, (char *const[]) { "CMD", "/bin/check", "a b", NULL }) &&
                           d->health_interval_usec == 90000000 && d->health_timeout_usec == 5000000 &&
                           d->health_start_period_usec == 0 && d->health_retries == 3 &&
                           d->health_on_failure == HEALTH_ON_FAILURE_RESTART &&
                           strv_equal(d->health_startup_cmd, (char *const[]) { "CMD-SHELL", " test -e /ready ", NULL }) &&
                           d->health_startup_interval_usec == 2000000 && d->health_startup_timeout_usec == 1000000 &&
                           d->health_startup_retries == 10 && d->health_startup_success == 2 && d->notify == NOTIFY_HEALTHY,
                   "every health option, and --sdnotify healthy (%s)", error ?: "");
        }
        {
                static const char *const others[] = { "--health-cmd", "--health-interval", "--health-retries", "--health-timeout",
                                                      "--health-start-period", "--health-on-failure", "--health-startup-cmd",
                                                      "--health-startup-interval", "--health-startup-retries",
                                                      "--health-startup-success", "--health-startup-timeout" };
                static const char *const values[] = { "true", "30s", "3", "5s", "0", "kill", "true", "1s", "1", "1", "1s" };

                for (size_t i = 0; i < ELEMENTSOF(others); i++)
                        for (int before = 0; before < 2; before++) {
                                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                                _cleanup_(definition_freep) Definition *d = NULL;
                                _cleanup_free_ char *text = NULL, *error = NULL, *want = NULL;
                                int r;

                                definition_builder_add(&b, "IMAGE", "img");
                                if (before)
                                        definition_builder_add(&b, others[i], values[i]);
                                definition_builder_add_key(&b, "--no-healthcheck", "HealthCmd", "none");
                                if (!before)
                                        definition_builder_add(&b, others[i], values[i]);
                                r = definition_builder_parse(&b, "web", &text, &d, &error);
                                want = strjoin("option --no-healthcheck: conflicts with the --health-* options (", others[i], ")");
                                ok(r == -EINVAL && !d && streq_ptr(error, want), "--no-healthcheck %s %s: %s", before ? "after" : "before",
                                   others[i], error ?: "(null)");
                        }
        }
        {
                _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                int r;

                definition_builder_add(&b, "IMAGE", "img");
                definition_builder_add_key(&b, "--no-healthcheck", "HealthCmd", "none");
                definition_builder_add_key(&b, "--sdnotify", "Notify", "yes");
                r = definition_builder_parse(&b, "web", &text, &d, &error);
                ok(r == 0 && strv_equal(d->health_cmd, (char *const[]) { "NONE", NULL }) && d->notify == NOTIFY_CONTAINER,
                   "--no-healthcheck is HealthCmd=none (%s)", error ?: "");
        }
        return tap_finish();
}
