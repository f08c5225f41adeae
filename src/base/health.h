/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdint.h>

/* Readiness and health checks (issue 17) in the words of those who say them: Quadlet's Notify=,
 * podman's --sdnotify, docker's HEALTHCHECK Test form (also podman's --health-cmd), Go's
 * durations (docker's and podman's --health-interval and the like). Pure, never logs: a bad
 * value is -EINVAL with a one-line reason that shows it. The runtime carries them out; what they
 * mean is in berth.container(5). */

/* HealthRetries=, HealthStartupRetries=, HealthStartupSuccess=: a million is weeks of checks at
 * the shortest interval, and no count the runtime keeps comes near overflowing. */
#define HEALTH_COUNT_MAX 1000000U

typedef enum NotifyMode {
        NOTIFY_CONMON,    /* default: ready once the payload's execve() succeeded (podman's "conmon") */
        NOTIFY_CONTAINER, /* Notify=yes / --sdnotify container: the payload's own READY=1 */
        NOTIFY_HEALTHY,   /* Notify=healthy / --sdnotify healthy: once the first health check passed */
        _NOTIFY_MODE_MAX,
        _NOTIFY_MODE_INVALID = -EINVAL,
} NotifyMode;

typedef enum HealthOnFailure {
        HEALTH_ON_FAILURE_NONE,
        HEALTH_ON_FAILURE_KILL,
        HEALTH_ON_FAILURE_RESTART,
        HEALTH_ON_FAILURE_STOP,
        _HEALTH_ON_FAILURE_MAX,
        _HEALTH_ON_FAILURE_INVALID = -EINVAL,
} HealthOnFailure;

/* "none", "kill", "restart", "stop" (podman's --health-on-failure), exactly. */
const char *health_on_failure_to_string(HealthOnFailure f);
HealthOnFailure health_on_failure_from_string(const char *s);

/* Notify= as Quadlet takes it: a boolean as parse_boolean() reads one (yes/true/on/1 …, any case)
 * → NOTIFY_CONTAINER or NOTIFY_CONMON, "healthy" (any case) → NOTIFY_HEALTHY. */
NotifyMode notify_mode_from_string(const char *s);
/* podman's --sdnotify: "container", "conmon", "healthy". "ignore" is refused with the rest: the
 * unit is Type=notify, and nothing else would ever say READY=1. */
NotifyMode notify_mode_from_sdnotify(const char *s);
/* For the definition writer: "no", "yes", "healthy". */
const char *notify_mode_to_string(NotifyMode m);

/* A health check command as docker's HEALTHCHECK Test and podman's --health-cmd take it, into
 * docker's Test form: {"CMD-SHELL", "the string"}, {"CMD", arg0, arg1, …} or {"NONE"}.
 *   "none" (any case)         → {"NONE"}
 *   a JSON array of strings   → as it is if its first element is "CMD", "CMD-SHELL" or "NONE"
 *                               (health_test_check()); otherwise {"CMD", elements…}, podman's
 *                               rule. Strict JSON: json_parse_string_array().
 *   anything else, not empty  → {"CMD-SHELL", s}
 * A value is taken for a JSON array when it begins with '[' (after JSON's blanks), except where
 * its first word is the shell's "[" or "[[" ("[ -f /tmp/ready ]", a blank after the bracket):
 * that is an array only if it reads as one, and otherwise the shell command it looks like.
 * -EINVAL with a reason for an empty string, an array that does not read, an empty array, a bad
 * Test form. */
int health_cmd_parse(const char *s, char ***ret, char **ret_why);
/* The inverse, for the definition writer: a string health_cmd_parse() reads back as test. The
 * shell's string as it is where it reads back, a JSON array otherwise. -EINVAL for a test that
 * is not a Test form or holds a string that is not UTF-8 where a JSON array must be written. */
int health_cmd_format(char *const *test, char **ret);
/* Whether test is a Test form: {"NONE"}, {"CMD-SHELL", s}, or {"CMD", arg0, …} (at least one
 * string after CMD). -EINVAL with a reason (which does not show test) otherwise. */
int health_test_check(char *const *test, char **ret_why);

/* Durations as podman and docker take them, Go's time.ParseDuration(): "30s", "1m30s", "1.5s",
 * "500ms", "2h45m", "1.5h"; units ns, us, µs (U+00B5 or U+03BC), ms, s, m, h; fractions; several
 * terms; a leading "+"; "0". Also a bare number of seconds, "30" or "1.5", as systemd and Quadlet
 * write them. Into µs, rounded down. Refused with a reason: empty, negative, an unknown or
 * missing unit, no digits, blanks, more than Go's longest duration (2^63-1 ns, about 292 years). */
int health_duration_parse(const char *s, uint64_t *ret_usec, char **ret_why);
/* usec as health_duration_parse() reads it back: "0s", "1h30m", "1m0.5s", "250ms", "1500us". */
int health_duration_format(uint64_t usec, char **ret);
