/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* '$' in Exec=, Entrypoint= and Environment=: systemd's expansion (env-expand.h), berth run's
 * escaping of docker's words, the definition's round trip, and the payload's argv and
 * environment made from them (child.h). */
#include <stdio.h>
#include <stdlib.h>

#include "child.h"
#include "definition-builder.h"
#include "definition.h"
#include "env-expand.h"
#include "env.h"
#include "image-config.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static char *const env[] = {
        "PORT=8080",         "ARGS=a  b\tc",  "QUOTED=x 'y z' \"w\\\"v\" back\\ slash 'open end",
        "EMPTY=",            "BLANKS= \t ",   "DOLLAR=$HOME ${PORT}", "PORT=second",
        "NOTIFY_SOCKET=/n",  "BERTH_X=1",      NULL,
};

static const char *joined(char *const *l) {
        static char buf[1024];
        size_t n = 0;

        buf[0] = 0;
        for (char *const *w = l; w && *w; w++)
                n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s[%s]", w == l ? "" : " ", *w);
        return buf;
}

static void word_is(const char *word, const char *want) {
        _cleanup_free_ char *got = NULL;
        size_t budget = 4096;
        int r;

        r = env_expand_word(word, env, &budget, &got);
        ok(r == 0 && streq(got, want), "'%s' -> '%s' (got '%s')", word, want, got ?: "(null)");
}

static void words_are(char *const *words, EnvExpandFlags flags, char *const *want) {
        _cleanup_strv_free_ char **got = NULL;
        _cleanup_free_ char *in = strv_join((char **) words, " ");
        size_t budget = 4096;
        int r;

        r = env_expand_words(words, env, flags, &budget, &got);
        ok(r == 0 && got && strv_equal(got, (char **) want), "%s%s -> %s", flags & ENV_EXPAND_SPLIT ? "split " : "",
           in, r == 0 ? joined(got) : "(error)");
}

/* What berth run writes for flag with value, and reads back. */
static Definition *built(const char *flag, const char *value, char *const *cmd, char **ret_text) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        Definition *d = NULL;
        _cleanup_free_ char *error = NULL;

        if (definition_builder_add(&b, "IMAGE", "img") < 0 || (flag && definition_builder_add(&b, flag, value) < 0) ||
            (cmd && definition_builder_add_words(&b, "CMD", "Exec", cmd) < 0) ||
            definition_builder_parse(&b, "web", ret_text, &d, &error) < 0) {
                printf("# %s\n", error ?: "not built");
                return NULL;
        }
        return d;
}

static bool round_trips(const Definition *d) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        _cleanup_(definition_freep) Definition *back = NULL;

        return definition_to_string(d, &text) == 0 &&
               definition_parse_string(text, "/etc/berth/containers/web.container", "web", &back, &error) == 0 &&
               definition_equal(d, back);
}

int main(void) {
        /* ${NAME} anywhere, one word; $$; anything else as it is. */
        word_is("", "");
        word_is("plain", "plain");
        word_is("${PORT}", "8080");
        word_is("port=${PORT}/tcp${PORT}", "port=8080/tcp8080");
        word_is("${ARGS}", "a  b\tc");
        word_is("$$", "$");
        word_is("$$$$", "$$");
        word_is("$$HOME", "$HOME");
        word_is("$${PORT}", "${PORT}");
        word_is("$$$${PORT}", "$${PORT}");
        word_is("$$${PORT}", "$8080");
        word_is("$PORT", "$PORT");
        word_is("x$PORT", "x$PORT");
        word_is("$", "$");
        word_is("a$", "a$");
        word_is("$1 $- $?", "$1 $- $?");
        word_is("${UNSET}x", "x");
        word_is("${EMPTY}", "");
        word_is("${DOLLAR}", "$HOME ${PORT}"); /* a value is not expanded again */
        word_is("${PORT", "${PORT");
        word_is("a${PORT", "a${PORT");
        word_is("${PORT}${", "8080${");
        word_is("${}", "");
        word_is("${1x}${a-b}${a b}", "");
        /* As systemd 252 runs them (checked in a unit's ExecStart=): */
        word_is("${PORT:-x}", "${PORT:-x}");
        word_is("${PORT:+x}${PORT}", "${PORT:+x}8080");
        word_is("${a:}$${PORT}", "${a:}${PORT}");
        word_is("${a b:}", "${a b:}");
        word_is("${A${PORT}}", "}");
        word_is("${NOTIFY_SOCKET}", "/n"); /* the caller leaves out what is not the payload's */

        /* Exec=: a word that is $NAME becomes NAME's words, split as systemd splits it. */
        words_are((char *const[]) { "echo", "$ARGS", "x", NULL }, ENV_EXPAND_SPLIT,
                  (char *const[]) { "echo", "a", "b", "c", "x", NULL });
        words_are((char *const[]) { "$QUOTED", NULL }, ENV_EXPAND_SPLIT,
                  (char *const[]) { "x", "y z", "w\"v", "back slash", "open end", NULL });
        words_are((char *const[]) { "a", "$UNSET", "$EMPTY", "$BLANKS", "b", NULL }, ENV_EXPAND_SPLIT,
                  (char *const[]) { "a", "b", NULL });
        words_are((char *const[]) { "$PORT", "${PORT}", "$$PORT", "x$PORT", "$PORT.x", "$", "$1", NULL }, ENV_EXPAND_SPLIT,
                  (char *const[]) { "8080", "8080", "$PORT", "x$PORT", NULL });
        words_are((char *const[]) { "$DOLLAR", NULL }, ENV_EXPAND_SPLIT, (char *const[]) { "$HOME", "${PORT}", NULL });
        words_are((char *const[]) { "sh", "-c", "echo ${PORT} $$HOME", "$ARGS", NULL }, ENV_EXPAND_SPLIT,
                  (char *const[]) { "sh", "-c", "echo 8080 $HOME", "a", "b", "c", NULL });
        /* Entrypoint=: no $NAME words (podman's --entrypoint=VALUE is one word). */
        words_are((char *const[]) { "$ARGS", "${PORT}", "$$", NULL }, 0, (char *const[]) { "$ARGS", "8080", "$", NULL });
        words_are(NULL, ENV_EXPAND_SPLIT, (char *const[]) { NULL });
        {
                char *const q[] = { "\\", "'", "\"", "a\\", "'a b", NULL };
                char *const want[][3] = { { "", NULL }, { "", NULL }, { "", NULL }, { "a", NULL }, { "a b", NULL } };

                for (size_t i = 0; q[i]; i++) {
                        _cleanup_free_ char *kv = strjoin("V=", q[i]);
                        _cleanup_strv_free_ char **got = NULL;
                        size_t budget = 100;
                        int r = env_expand_words((char *const[]) { "$V", NULL }, (char *const[]) { kv, NULL }, ENV_EXPAND_SPLIT,
                                                 &budget, &got);

                        ok(r == 0 && strv_equal(got, (char **) want[i]), "$V with V='%s': %s (relaxed, as systemd)", q[i],
                           joined(got));
                }
        }

        /* Bounded: a hostile value cannot blow the memory up. */
        {
                _cleanup_free_ char *big = malloc(64 * 1024 + 3), *kv = NULL;
                _cleanup_strv_free_ char **words = NULL, **got = NULL;
                _cleanup_free_ char *w = NULL;
                size_t budget = DEFINITION_SIZE_MAX;
                int r;

                memset(big, 'x', 64 * 1024);
                big[64 * 1024] = 0;
                kv = strjoin("BIG=", big);
                for (int i = 0; i < 5; i++)
                        strv_extend(&words, "${BIG}");
                r = env_expand_words(words, (char *const[]) { kv, NULL }, 0, &budget, &got);
                ok(r == -E2BIG && !got && budget == DEFINITION_SIZE_MAX,
                   "5 × ${BIG} of 64 KiB: -E2BIG past %u bytes, nothing made (%d)", DEFINITION_SIZE_MAX, r);
                budget = DEFINITION_SIZE_MAX;
                words = strv_free(words);
                for (int i = 0; i < 3; i++)
                        strv_extend(&words, "${BIG}");
                r = env_expand_words(words, (char *const[]) { kv, NULL }, 0, &budget, &got);
                ok(r == 0 && strv_length(got) == 3 && budget == DEFINITION_SIZE_MAX - 3 * (64 * 1024 + 1),
                   "3 × ${BIG}: fine, and charged to the budget");
                budget = 10;
                ok(env_expand_word("${PORT}ab", env, &budget, &w) == 0 && streq(w, "8080ab") && budget == 3,
                   "a word takes its bytes and its NUL");
                free(w);
                w = NULL;
                budget = 6;
                ok(env_expand_word("${PORT}ab", env, &budget, &w) == -E2BIG && !w && budget == 6,
                   "one byte short: -E2BIG");
                /* Many words from one value: counted too. */
                for (size_t i = 0; i < 64 * 1024; i += 2)
                        big[i] = ' ';
                free(kv);
                kv = strjoin("BIG=", big);
                got = strv_free(got);
                budget = 1000;
                ok(env_expand_words((char *const[]) { "$BIG", NULL }, (char *const[]) { kv, NULL }, ENV_EXPAND_SPLIT,
                                    &budget, &got) == -E2BIG && !got,
                   "$BIG of 32768 words, budget 1000: -E2BIG");
        }

        /* Escaping, and the shown value. */
        {
                _cleanup_free_ char *e = env_dollar_escape("a$b$$ ${c}");
                _cleanup_strv_free_ char **shown = NULL;

                ok(e && streq(e, "a$$b$$$$ $${c}"), "escape: %s", e);
                int r = env_dollar_unescape_words((char *const[]) { "a$$b$$$$ $${c}", "${X} $Y $", NULL }, &shown);

                ok(r == 0 && strv_equal(shown, (char *const[]) { "a$b$$ ${c}", "${X} $Y $", NULL }), "shown: %s", joined(shown));
                shown = strv_free(shown);
                ok(env_dollar_unescape_words(NULL, &shown) == 0 && !shown, "shown: NULL stays NULL");
                ok(env_expand_key("Exec") && env_expand_key("Entrypoint") && env_expand_key("Environment") &&
                           !env_expand_key("Label") && !env_expand_key("WorkingDir") && !env_expand_key("Volume"),
                   "Exec=, Entrypoint=, Environment= are expanded, nothing else");
        }

        /* berth run: docker's words keep their meaning, written with "$$". */
        {
                _cleanup_free_ char *text = NULL;
                _cleanup_(definition_freep) Definition *d =
                        built("-e", "GREETING=$HOME ${PORT} $$", (char *const[]) { "sh", "-c", "echo $HOME ${PORT} $$", "$ARGS", NULL }, &text);
                _cleanup_strv_free_ char **argv = NULL, **cenv = NULL;
                ImageConfig image = {};

                ok(d && strv_equal(d->exec, (char *const[]) { "sh", "-c", "echo $$HOME $${PORT} $$$$", "$$ARGS", NULL }) &&
                           strv_equal(d->environment, (char *const[]) { "GREETING=$$HOME $${PORT} $$$$", NULL }),
                   "run's $ written as $$");
                ok(d && round_trips(d), "  … and the definition round-trips through definition_to_string()");
                bool argv_made = d && child_argv(d, &image, env, &argv) == 0;
                bool env_made = d && child_environment(d, &image, NULL, env, false, &cenv) == 0;

                ok(argv_made && strv_equal(argv, (char *const[]) { "sh", "-c", "echo $HOME ${PORT} $$", "$ARGS", NULL }),
                   "  … the payload gets docker's words: %s", joined(argv));
                ok(env_made && streq_ptr(env_get(cenv, "GREETING"), "$HOME ${PORT} $$"), "  … and docker's environment: %s",
                   cenv ? env_get(cenv, "GREETING") : "");
        }
        {
                _cleanup_free_ char *text = NULL;
                _cleanup_(definition_freep) Definition *d = built("--entrypoint", "$ARGS", NULL, &text);
                _cleanup_strv_free_ char **argv = NULL;
                ImageConfig image = { .cmd = (char *[]) { "${PORT}", NULL } };

                bool made = d && child_argv(d, &image, env, &argv) == 0;

                ok(made && strv_equal(d->entrypoint, (char *const[]) { "$$ARGS", NULL }) && round_trips(d) &&
                           strv_equal(argv, (char *const[]) { "$ARGS", NULL }),
                   "--entrypoint '$ARGS': itself (%s)", joined(argv));
        }

        /* A definition file: raw in the Definition, expanded at the start. */
        {
                static const char text[] = "[Container]\n"
                                           "Image=img\n"
                                           "Entrypoint=[\"/bin/sh\",\"-c\",\"${PORT}\",\"$ARGS\"]\n"
                                           "Exec=echo ${PORT} $$HOME $ARGS \"$QUOTED\" '${UNSET}' $UNSET x$PORT %%\n"
                                           "Environment=A=${PORT}/$PORT B=$$C \"S=${ARGS}\" NOTIFY=${NOTIFY_SOCKET}${BERTH_X} PORT\n";
                _cleanup_(definition_freep) Definition *d = NULL;
                _cleanup_free_ char *error = NULL;
                _cleanup_strv_free_ char **argv = NULL, **cenv = NULL;
                ImageConfig image = { .entrypoint = (char *[]) { "${PORT}", NULL }, .cmd = (char *[]) { "$ARGS", NULL },
                                      .env = (char *[]) { "IMG=${PORT}", NULL } };

                int r = definition_parse_string(text, "/etc/berth/containers/web.container", "web", &d, &error);
                bool made;

                ok(r == 0 && strv_equal(d->exec, (char *const[]) { "echo", "${PORT}", "$$HOME", "$ARGS", "$QUOTED", "${UNSET}",
                                                                 "$UNSET", "x$PORT", "%", NULL }) &&
                           strv_equal(d->environment, (char *const[]) { "A=${PORT}/$PORT", "B=$$C", "S=${ARGS}",
                                                                        "NOTIFY=${NOTIFY_SOCKET}${BERTH_X}", "PORT", NULL }),
                   "the file's values kept as written (%s)", error ?: "");
                ok(d && round_trips(d), "  … and written back so");
                made = d && child_argv(d, &image, env, &argv) == 0;
                ok(made && strv_equal(argv, (char *const[]) { "/bin/sh", "-c", "8080", "$ARGS", "echo", "8080", "$HOME", "a",
                                                              "b", "c", "x", "y z", "w\"v", "back slash", "open end", "",
                                                              "x$PORT", "%", NULL }),
                   "the payload's argv: %s", joined(argv));
                ok(d && child_environment(d, &image, NULL, env, false, &cenv) == 0 &&
                           streq_ptr(env_get(cenv, "A"), "8080/$PORT") && streq_ptr(env_get(cenv, "B"), "$C") &&
                           streq_ptr(env_get(cenv, "S"), "a  b\tc") && streq_ptr(env_get(cenv, "NOTIFY"), "") &&
                           streq_ptr(env_get(cenv, "PORT"), "8080") && streq_ptr(env_get(cenv, "IMG"), "${PORT}"),
                   "the payload's environment: Environment= expanded, the starter's own left out, the image's as it is");
                argv = strv_free(argv);
                made = d && child_argv(d, &image, NULL, &argv) == 0;
                ok(made && strv_length(argv) == 10 && streq(argv[2], "") &&
                           streq(argv[5], ""),
                   "no environment: all unset (%s)", joined(argv));
        }
        /* Whatever berth run is given reads back as itself after expansion, in any environment. */
        {
                static const char alphabet[] = "$$$${{}}aZ_1 \t'\"\\:-%";
                unsigned seed = 16, bad = 0;

                for (unsigned round = 0; round < 2000; round++) {
                        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
                        _cleanup_(definition_freep) Definition *d = NULL;
                        _cleanup_strv_free_ char **words = NULL, **argv = NULL, **cenv = NULL;
                        _cleanup_free_ char *text = NULL, *error = NULL, *kv = NULL;
                        char *const vars[] = { "a=A A", "Z=Z", "_=__", "aZ_=x y", NULL };
                        ImageConfig image = {};
                        unsigned n;

                        seed = seed * 1103515245 + 12345;
                        n = 1 + (seed >> 16) % 3;
                        words = calloc(n + 1, sizeof(char *));
                        for (unsigned k = 0; k < n; k++) {
                                unsigned len;

                                seed = seed * 1103515245 + 12345;
                                len = (seed >> 16) % 10;
                                words[k] = calloc(len + 1, 1);
                                for (unsigned i = 0; i < len; i++) {
                                        seed = seed * 1103515245 + 12345;
                                        words[k][i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
                                }
                        }
                        kv = strjoin("V=", words[0]);
                        /* An entrypoint that is empty clears the image's; one with a tab or
                         * surrounding blanks cannot be a unit file's value: refused, not read back. */
                        if (!*words[n - 1] || strchr(words[n - 1], '\t') || strchr(" ", words[n - 1][0]) ||
                            strchr(" ", words[n - 1][strlen(words[n - 1]) - 1]))
                                continue;
                        if (definition_builder_add(&b, "IMAGE", "img") < 0 || definition_builder_add(&b, "-e", kv) < 0 ||
                            definition_builder_add(&b, "--entrypoint", words[n - 1]) < 0 ||
                            definition_builder_add_words(&b, "CMD", "Exec", words) < 0 ||
                            definition_builder_parse(&b, "web", &text, &d, &error) < 0 || !round_trips(d) ||
                            child_argv(d, &image, vars, &argv) < 0 || child_environment(d, &image, NULL, vars, false, &cenv) < 0 ||
                            !streq_ptr(argv[0], words[n - 1]) || !strv_equal(argv + 1, words) ||
                            !streq_ptr(env_get(cenv, "V"), words[0])) {
                                if (bad++ < 5)
                                        printf("# %s | %s | %s\n", words[0], words[n - 1], error ?: "");
                        }
                }
                ok(bad == 0, "2000 random commands, entrypoints and -e values of $ { } quotes: the payload gets them as given (%u not)",
                   bad);
        }
        return tap_finish();
}
