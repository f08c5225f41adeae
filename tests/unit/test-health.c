/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "health.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define L(...) ((char *const[]) { __VA_ARGS__, NULL })
#define USEC(s) ((uint64_t) ((s) * 1000000.0 + 0.5))

static void test_names(void) {
        ok_streq(health_on_failure_to_string(HEALTH_ON_FAILURE_NONE), "none");
        ok_streq(health_on_failure_to_string(HEALTH_ON_FAILURE_KILL), "kill");
        ok_streq(health_on_failure_to_string(HEALTH_ON_FAILURE_RESTART), "restart");
        ok_streq(health_on_failure_to_string(HEALTH_ON_FAILURE_STOP), "stop");
        ok(!health_on_failure_to_string(_HEALTH_ON_FAILURE_INVALID), "no name for invalid");
        ok(!health_on_failure_to_string(_HEALTH_ON_FAILURE_MAX), "no name for MAX");
        ok_eq_int(health_on_failure_from_string("stop"), HEALTH_ON_FAILURE_STOP);
        ok_eq_int(health_on_failure_from_string("restart"), HEALTH_ON_FAILURE_RESTART);
        ok_eq_int(health_on_failure_from_string("Kill"), _HEALTH_ON_FAILURE_INVALID);
        ok_eq_int(health_on_failure_from_string(""), _HEALTH_ON_FAILURE_INVALID);
        ok_eq_int(health_on_failure_from_string(NULL), _HEALTH_ON_FAILURE_INVALID);

        static const char *const yes[] = { "yes", "YES", "true", "1", "on", "y", "True" };
        static const char *const no[] = { "no", "No", "false", "0", "off", "n" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                ok(notify_mode_from_string(yes[i]) == NOTIFY_CONTAINER, "Notify=%s: the payload's READY=1", yes[i]);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                ok(notify_mode_from_string(no[i]) == NOTIFY_CONMON, "Notify=%s: ready at execve()", no[i]);
        ok_eq_int(notify_mode_from_string("healthy"), NOTIFY_HEALTHY);
        ok_eq_int(notify_mode_from_string("Healthy"), NOTIFY_HEALTHY);
        ok_eq_int(notify_mode_from_string("container"), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_string(""), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_string(NULL), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_sdnotify("container"), NOTIFY_CONTAINER);
        ok_eq_int(notify_mode_from_sdnotify("conmon"), NOTIFY_CONMON);
        ok_eq_int(notify_mode_from_sdnotify("healthy"), NOTIFY_HEALTHY);
        ok_eq_int(notify_mode_from_sdnotify("ignore"), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_sdnotify("yes"), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_sdnotify("Container"), _NOTIFY_MODE_INVALID);
        ok_eq_int(notify_mode_from_sdnotify(NULL), _NOTIFY_MODE_INVALID);
        ok_streq(notify_mode_to_string(NOTIFY_CONMON), "no");
        ok_streq(notify_mode_to_string(NOTIFY_CONTAINER), "yes");
        ok_streq(notify_mode_to_string(NOTIFY_HEALTHY), "healthy");
        ok(!notify_mode_to_string(_NOTIFY_MODE_INVALID), "no name for invalid");
        for (NotifyMode m = 0; m < _NOTIFY_MODE_MAX; m++)
                ok(notify_mode_from_string(notify_mode_to_string(m)) == m, "Notify=%s reads back", notify_mode_to_string(m));
}

/* ---- commands ---- */

static void cmd_good(const char *in, char *const *want) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL, *text = NULL;
        _cleanup_strv_free_ char **back = NULL;
        char shown[256];
        int r = health_cmd_parse(in, &l, &why);

        ok(r == 0 && strv_equal(l, want) && strv_length(l) == strv_length(want), "%s reads (%d: %s)",
           escape_controls(in, 100, shown, sizeof(shown)), r, why ?: "");
        if (r < 0)
                return;
        r = health_cmd_format(l, &text);
        ok(r == 0 && health_cmd_parse(text, &back, NULL) == 0 && strv_equal(back, l), "  … formatted as %s, reads back (%d)",
           escape_controls(text ?: "(null)", 100, shown, sizeof(shown)), r);
}

static void cmd_bad(const char *in, const char *want_why) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *why = NULL;
        char shown[256];
        int r = health_cmd_parse(in, &l, &why);

        ok(r == -EINVAL && !l && streq_ptr(why, want_why), "%s refused: \"%s\" (got %d: \"%s\")",
           escape_controls(in ?: "(null)", 100, shown, sizeof(shown)), want_why, r, why ?: "(null)");
}

static void format_is(char *const *test, const char *want) {
        _cleanup_free_ char *text = NULL;
        int r = health_cmd_format(test, &text);

        ok(r == 0 && streq_ptr(text, want), "formatted as %s (got %d: %s)", want, r, text ?: "(null)");
}

static double seconds(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void test_cmd(void) {
        /* none, any case */
        cmd_good("none", L("NONE"));
        cmd_good("NONE", L("NONE"));
        cmd_good("None", L("NONE"));
        /* shell commands */
        cmd_good("curl -f http://localhost/ || exit 1", L("CMD-SHELL", "curl -f http://localhost/ || exit 1"));
        cmd_good("pg_isready", L("CMD-SHELL", "pg_isready"));
        cmd_good(" none", L("CMD-SHELL", " none"));
        cmd_good("none ", L("CMD-SHELL", "none "));
        cmd_good("nonesuch", L("CMD-SHELL", "nonesuch"));
        cmd_good("CMD /bin/true", L("CMD-SHELL", "CMD /bin/true"));
        cmd_good("echo a\necho b", L("CMD-SHELL", "echo a\necho b"));
        cmd_good("\"quoted\" 'words' \\ $X", L("CMD-SHELL", "\"quoted\" 'words' \\ $X"));
        cmd_good("exit 0 # \xc3\xa9", L("CMD-SHELL", "exit 0 # \xc3\xa9"));
        cmd_good("bad\xff", L("CMD-SHELL", "bad\xff"));
        /* the shell's tests */
        cmd_good("[ -f /tmp/ready ]", L("CMD-SHELL", "[ -f /tmp/ready ]"));
        cmd_good("[[ -f /tmp/ready ]]", L("CMD-SHELL", "[[ -f /tmp/ready ]]"));
        cmd_good("[ \"$(cat /tmp/state)\" = ok ]", L("CMD-SHELL", "[ \"$(cat /tmp/state)\" = ok ]"));
        cmd_good("[\t-e /x ] && [ -e /y ]", L("CMD-SHELL", "[\t-e /x ] && [ -e /y ]"));
        cmd_good("[ 1 ]", L("CMD-SHELL", "[ 1 ]"));
        cmd_good("[", L("CMD-SHELL", "["));
        cmd_good("[ \"CMD\", \"/bin/true\" ]", L("CMD", "/bin/true"));
        /* arrays: Test forms as they are */
        cmd_good("[\"CMD\",\"curl\",\"-f\",\"http://localhost/\"]", L("CMD", "curl", "-f", "http://localhost/"));
        cmd_good("[\"CMD-SHELL\", \"exit 0\"]", L("CMD-SHELL", "exit 0"));
        cmd_good("[\"CMD-SHELL\", \"none\"]", L("CMD-SHELL", "none"));
        cmd_good("[\"CMD-SHELL\", \"[\\\"a\\\"]\"]", L("CMD-SHELL", "[\"a\"]"));
        cmd_good("[\"CMD-SHELL\", \"\"]", L("CMD-SHELL", ""));
        cmd_good("[\"NONE\"]", L("NONE"));
        cmd_good("[\"CMD\", \"CMD\"]", L("CMD", "CMD"));
        /* arrays of a command: podman's rule */
        cmd_good("[\"/bin/check\", \"--quick\"]", L("CMD", "/bin/check", "--quick"));
        cmd_good("[\"/bin/true\"]", L("CMD", "/bin/true"));
        cmd_good("[\"cmd\", \"x\"]", L("CMD", "cmd", "x"));
        cmd_good("[\"none\"]", L("CMD", "none"));
        cmd_good("\n [\"a b\", \"\"] \t", L("CMD", "a b", ""));
        cmd_good("[\"\\u00e9\\ud83d\\ude00\", \"\\\"\\\\\\/\\n\"]", L("CMD", "\xc3\xa9\xf0\x9f\x98\x80", "\"\\/\n"));

        cmd_bad("", "an empty command");
        cmd_bad(NULL, "an empty command");
        cmd_bad("[]", "'[]' is an empty array, not a command");
        cmd_bad("[ ]", "'[ ]' is an empty array, not a command");
        cmd_bad("[\"CMD\"]", "'[\"CMD\"]': CMD without a command after it");
        cmd_bad("[\"CMD-SHELL\"]", "'[\"CMD-SHELL\"]': CMD-SHELL with 0 strings after it, not one");
        cmd_bad("[\"CMD-SHELL\", \"a\", \"b\"]", "'[\"CMD-SHELL\", \"a\", \"b\"]': CMD-SHELL with 2 strings after it, not one");
        cmd_bad("[\"NONE\", \"x\"]", "'[\"NONE\", \"x\"]': NONE with something after it");
        cmd_bad("[\"a\"", "'[\"a\"' is not a JSON array of strings: the array does not end");
        cmd_bad("  [\"a\",]", "'  [\"a\",]' is not a JSON array of strings: a ',' before the ']' at byte 8");
        cmd_bad("[\"a\"] && true", "'[\"a\"] && true' is not a JSON array of strings: something after the array at byte 7");
        cmd_bad("[[\"a\"]]", "'[[\"a\"]]' is not a JSON array of strings: element 1 is not a string (byte 2)");
        cmd_bad("[\"a\", [\"b\"]]", "'[\"a\", [\"b\"]]' is not a JSON array of strings: element 2 is not a string (byte 7)");
        cmd_bad("[\"a\", 1]", "'[\"a\", 1]' is not a JSON array of strings: element 2 is not a string (byte 7)");
        cmd_bad("[1]", "'[1]' is not a JSON array of strings: element 1 is not a string (byte 2)");
        cmd_bad("['a']", "'['a']' is not a JSON array of strings: element 1 is not a string (byte 2)");
        cmd_bad("[\"\\u0000\"]", "'[\"\\u0000\"]' is not a JSON array of strings: \\u0000 at byte 3: a string cannot hold a NUL");
        cmd_bad("[\"\\ud800\"]", "'[\"\\ud800\"]' is not a JSON array of strings: a high surrogate \\uD800 without its low half at byte 3");
        cmd_bad("[\"\xff\"]", "'[\"\xff\"]' is not a JSON array of strings: not UTF-8 at byte 3");
        cmd_bad("[\"a\nb\"]", "'[\"a\\nb\"]' is not a JSON array of strings: a control character (0x0a) in a string at byte 4");

        /* The other way: the shell's string as it is where it reads back, else an array. */
        format_is(L("NONE"), "none");
        format_is(L("CMD-SHELL", "exit 0"), "exit 0");
        format_is(L("CMD-SHELL", "[ -f /x ]"), "[ -f /x ]");
        format_is(L("CMD-SHELL", "none"), "[\"CMD-SHELL\",\"none\"]");
        format_is(L("CMD-SHELL", "[\"a\"]"), "[\"CMD-SHELL\",\"[\\\"a\\\"]\"]");
        format_is(L("CMD-SHELL", "[x"), "[\"CMD-SHELL\",\"[x\"]");
        format_is(L("CMD-SHELL", ""), "[\"CMD-SHELL\",\"\"]");
        format_is(L("CMD", "/bin/true"), "[\"CMD\",\"/bin/true\"]");
        format_is(L("CMD", "a\tb", "\xc3\xa9"), "[\"CMD\",\"a\\tb\",\"\xc3\xa9\"]");
        {
                _cleanup_free_ char *text = NULL;

                ok_eq_int(health_cmd_format(L("CMD", "\xff"), &text), -EINVAL);
                ok_eq_int(health_cmd_format(L("CMD"), &text), -EINVAL);
                ok_eq_int(health_cmd_format(L("CMD-SHELL", "a", "b"), &text), -EINVAL);
                ok_eq_int(health_cmd_format(L("NONE", "a"), &text), -EINVAL);
                ok_eq_int(health_cmd_format(L("RUN", "a"), &text), -EINVAL);
                ok_eq_int(health_cmd_format((char *const[]) { NULL }, &text), -EINVAL);
                ok_eq_int(health_cmd_format(NULL, &text), -EINVAL);
                ok(!text, "nothing written on failure");
        }
        {
                _cleanup_free_ char *why = NULL;

                ok_eq_int(health_test_check(L("CMD", "x"), NULL), 0);
                ok_eq_int(health_test_check(L("CMD-SHELL", "x"), NULL), 0);
                ok_eq_int(health_test_check(L("NONE"), NULL), 0);
                ok(health_test_check(L("cmd", "x"), &why) == -EINVAL && streq_ptr(why, "'cmd' is not CMD, CMD-SHELL or NONE"),
                   "the Test's first word, exactly (%s)", why ?: "");
        }

        /* Random values from an alphabet heavy in what the rules turn on: what is accepted reads
         * back through the writer as it was read. */
        {
                static const char *const pieces[] = { "[", "]", "[ ", "\"", "\\", ",", " ", "CMD", "CMD-SHELL", "NONE",
                                                      "none", "a", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9", "\n", "\xff", "'" };
                unsigned seed = 4242, accepted = 0, refused = 0, bad = 0;

                for (unsigned round = 0; round < 20000; round++) {
                        char in[128] = "";
                        unsigned n = 1 + ((seed = seed * 1103515245 + 12345) >> 8) % 8;
                        _cleanup_strv_free_ char **l = NULL, **back = NULL;
                        _cleanup_free_ char *why = NULL, *text = NULL;

                        for (unsigned k = 0; k < n; k++)
                                strcat(in, pieces[((seed = seed * 1103515245 + 12345) >> 8) % ELEMENTSOF(pieces)]);
                        if (health_cmd_parse(in, &l, &why) < 0) {
                                refused++;
                                bad += !why || string_has_control_chars(why);
                                continue;
                        }
                        accepted++;
                        if (health_test_check(l, NULL) < 0)
                                bad++;
                        else if (health_cmd_format(l, &text) < 0) {
                                /* only a string that is not UTF-8, where an array must be written */
                                bad += !strstr(in, "\xff");
                        } else if (health_cmd_parse(text, &back, NULL) < 0 || !strv_equal(back, l))
                                bad++;
                }
                ok(bad == 0 && accepted > 1000 && refused > 500,
                   "20000 random values: %u accepted and read back through the writer, %u refused in one line; %u wrong",
                   accepted, refused, bad);
        }

        /* Large values: linear. */
        {
                size_t n = 100000;
                char *big = malloc(n * 6 + 16), *p = big;
                _cleanup_strv_free_ char **l = NULL;
                double t = seconds();
                int r;

                p = stpcpy(p, "[\"CMD\"");
                for (size_t i = 0; i < n; i++)
                        p = stpcpy(p, ",\"ab\"");
                strcpy(p, "]");
                r = health_cmd_parse(big, &l, NULL);
                t = seconds() - t;
                ok(r == 0 && strv_length(l) == n + 1 && t < 1.0, "an array of 100000 strings (%.3f s)", t);
                free(big);
        }
}

/* ---- durations ---- */

static void duration_good(const char *in, uint64_t want) {
        _cleanup_free_ char *why = NULL;
        uint64_t u = 12345;
        int r = health_duration_parse(in, &u, &why);

        ok(r == 0 && u == want, "%s = %" PRIu64 " µs (got %d: %" PRIu64 " %s)", in, want, r, u, why ?: "");
}

static void duration_bad(const char *in, const char *want_why) {
        _cleanup_free_ char *why = NULL;
        uint64_t u = 12345;
        char shown[128];
        int r = health_duration_parse(in, &u, &why);

        ok(r == -EINVAL && u == 12345 && streq_ptr(why, want_why), "%s refused: \"%s\" (got %d: \"%s\")",
           escape_controls(in ?: "(null)", 60, shown, sizeof(shown)), want_why, r, why ?: "(null)");
}

static void test_durations(void) {
        /* Go's forms */
        duration_good("0", 0);
        duration_good("+0", 0);
        duration_good("0s", 0);
        duration_good("30s", USEC(30));
        duration_good("1m30s", USEC(90));
        duration_good("1.5s", USEC(1.5));
        duration_good("500ms", USEC(0.5));
        duration_good("2h45m", USEC(2 * 3600 + 45 * 60));
        duration_good("1.5h", USEC(5400));
        duration_good("1h1m1s1ms1us1ns", USEC(3661) + 1001);
        duration_good("1000us", 1000);
        duration_good("1000\xc2\xb5s", 1000); /* µ, U+00B5 */
        duration_good("1000\xce\xbcs", 1000); /* μ, U+03BC */
        duration_good("1500ns", 1);
        duration_good("999ns", 0);
        duration_good(".5s", USEC(0.5));
        duration_good("1.s", USEC(1));
        duration_good("+5s", USEC(5));
        duration_good("1m1m", USEC(120));
        duration_good("0.000001s", 1);
        duration_good("1.0000000000000000000000000000001s", USEC(1)); /* digits past 63 bits add nothing */
        duration_good("0.1h", USEC(360));
        duration_good("2562047h", UINT64_C(2562047) * 3600 * 1000000);
        duration_good("9223372036854775807ns", UINT64_C(9223372036854775));
        duration_good("2562047h47m16.854775807s", UINT64_C(9223372036854775));
        /* a bare number is seconds */
        duration_good("30", USEC(30));
        duration_good("1.5", USEC(1.5));
        duration_good("0.25", USEC(0.25));
        duration_good("007", USEC(7));

        duration_bad("", "an empty duration");
        duration_bad(NULL, "an empty duration");
        duration_bad("-1s", "'-1s' is negative");
        duration_bad("-0", "'-0' is negative");
        duration_bad("+", "'+' is not a duration (e.g. 30s, 1m30s, 500ms)");
        duration_bad("s", "'s' is not a duration (e.g. 30s, 1m30s, 500ms)");
        duration_bad(".", "'.' is not a duration (e.g. 30s, 1m30s, 500ms)");
        duration_bad(".s", "'.s' is not a duration (e.g. 30s, 1m30s, 500ms)");
        duration_bad(" 1s", "' 1s' is not a duration (e.g. 30s, 1m30s, 500ms)");
        duration_bad("1s ", "'1s ' has an unknown unit 's ' (ns, us, µs, ms, s, m, h)");
        duration_bad("1 s", "'1 s' has an unknown unit ' s' (ns, us, µs, ms, s, m, h)");
        duration_bad("1h-1m", "'1h-1m' has an unknown unit 'h-' (ns, us, µs, ms, s, m, h)");
        duration_bad("1d", "'1d' has an unknown unit 'd' (ns, us, µs, ms, s, m, h)");
        duration_bad("1S", "'1S' has an unknown unit 'S' (ns, us, µs, ms, s, m, h)");
        duration_bad("1sec", "'1sec' has an unknown unit 'sec' (ns, us, µs, ms, s, m, h)");
        duration_bad("1min", "'1min' has an unknown unit 'min' (ns, us, µs, ms, s, m, h)");
        duration_bad("1\xc2\xb5", "'1\xc2\xb5' has an unknown unit '\xc2\xb5' (ns, us, µs, ms, s, m, h)");
        duration_bad("1m30", "'1m30' has a number without a unit (ns, us, ms, s, m, h)");
        duration_bad("1.2.3s", "'1.2.3s' has a number without a unit (ns, us, ms, s, m, h)");
        duration_bad("1..5s", "'1..5s' has a number without a unit (ns, us, ms, s, m, h)");
        duration_bad("1e3s", "'1e3s' has an unknown unit 'e' (ns, us, µs, ms, s, m, h)");
        duration_bad("2562048h", "'2562048h' is longer than the longest duration (2562047h47m16.854775807s)");
        duration_bad("9223372036854775808ns", "'9223372036854775808ns' is longer than the longest duration (2562047h47m16.854775807s)");
        duration_bad("99999999999999999999s", "'99999999999999999999s' is longer than the longest duration (2562047h47m16.854775807s)");
        duration_bad("9223372036854775807", "'9223372036854775807' is longer than the longest duration (2562047h47m16.854775807s)");
        duration_bad("2562047h47m16.854775808s", "'2562047h47m16.854775808s' is longer than the longest duration (2562047h47m16.854775807s)");
        duration_bad("2000000h2000000h", "'2000000h2000000h' is longer than the longest duration (2562047h47m16.854775807s)");

        /* The writer's form reads back. */
        static const uint64_t values[] = { 0, 1, 999, 1000, 1500, 999999, 1000000, 1500000, 90000000, 3600000000,
                                           5400000000, 3661000001, 86400000000, UINT64_C(9223372036854775) };
        static const char *const texts[] = { "0s", "1us", "999us", "1ms", "1500us", "999999us", "1s", "1.5s", "1m30s",
                                             "1h", "1h30m", "1h1m1.000001s", "24h", "2562047h47m16.854775s" };
        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                _cleanup_free_ char *text = NULL;
                uint64_t back = 1;

                int r = health_duration_format(values[i], &text);

                ok(r == 0 && streq_ptr(text, texts[i]) && health_duration_parse(text, &back, NULL) == 0 && back == values[i],
                   "%" PRIu64 " µs is written %s and reads back (got %s)", values[i], texts[i], text ?: "(null)");
        }
        {
                unsigned seed = 99, bad = 0;

                for (unsigned i = 0; i < 100000; i++) {
                        _cleanup_free_ char *text = NULL;
                        uint64_t v, back = 0;

                        seed = seed * 1103515245 + 12345;
                        v = ((uint64_t) seed << 20 ^ (seed >> 3)) % (UINT64_C(1) << (seed % 54));
                        if (health_duration_format(v, &text) < 0 || health_duration_parse(text, &back, NULL) < 0 ||
                            back != v)
                                bad++;
                }
                ok(bad == 0, "100000 random durations read back as written (%u did not)", bad);
        }
}

int main(void) {
        test_names();
        test_cmd();
        test_durations();
        return tap_finish();
}
