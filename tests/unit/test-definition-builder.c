/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The property berth run and berth create rely on: every value an option accepts is written into
 * the definition and read back by the one parser exactly as given, the lines around it
 * untouched; every value refused is refused with one line that names the option. Random values
 * for every option of definition_builder_options() (and the command's words), from an alphabet
 * heavy in what quoting must get right: \ " ' = ; # % $, blanks, control characters, UTF-8. */
#include <stdio.h>
#include <stdlib.h>

#include "definition-builder.h"
#include "definition-values.h"
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
        if (streq(key, "Environment"))
                return strv_contains(d->environment, value);
        if (streq(key, "Sysctl"))
                return strv_contains(d->sysctls, value);
        if (streq(key, "Entrypoint"))
                return d->entrypoint &&
                       (isempty(value) ? !d->entrypoint[0] : strv_equal(d->entrypoint, (char *const[]) { (char *) value, NULL }));
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
                            definition_builder_add(&b, "-e", "BERTH_TEST_BEFORE=1") < 0 ||
                            definition_builder_add(&b, options[o].flag, value) < 0 ||
                            definition_builder_add(&b, "-e", "BERTH_TEST_AFTER=2") < 0) {
                                wrong++;
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
                _cleanup_strv_free_ char **words = NULL;
                _cleanup_free_ char *text = NULL, *error = NULL;
                unsigned n = 1 + rnd(4);

                words = calloc(n + 1, sizeof(char *));
                for (unsigned k = 0; k < n; k++)
                        words[k] = random_value("Exec");
                if (definition_builder_add(&b, "IMAGE", "img") < 0 ||
                    definition_builder_add_words(&b, "CMD", "Exec", words) < 0 ||
                    definition_builder_add(&b, "-e", "BERTH_TEST_BEFORE=1") < 0 ||
                    definition_builder_add(&b, "-e", "BERTH_TEST_AFTER=2") < 0 ||
                    definition_builder_parse(&b, "web", &text, &d, &error) < 0 || !strv_equal(d->exec, words) ||
                    !neighbours_intact(d)) {
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
        return tap_finish();
}
