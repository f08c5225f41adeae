/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

/* Single values of definitions and what they name: network modes, restart policies, signals,
 * capabilities, and the checks of names that definition.c's parsers share. Pure; the parsers
 * say why a value failed. */

#define HOSTNAME_MAX 64
#define USER_NAME_MAX 32
#define UNIT_NAME_MAX 255
/* The kernel's signals are 1…64 (_NSIG is 65 with glibc). */
#define SIGNAL_MAX 64
/* StopTimeout= when not given: docker's 10 s. */
#define DEFINITION_STOP_TIMEOUT_DEFAULT_USEC (UINT64_C(10) * 1000000)

/* USER or USER:GROUP: names by the shadow-utils rule, or numeric ids below (uid_t) -1. */
bool definition_user_is_valid(const char *s);
/* RFC 1123: dot-separated labels of [A-Za-z0-9-], 1…63 long, no '-' at either end. */
bool definition_hostname_is_valid(const char *s);
/* Something systemd could take for a unit name: "multi-user.target", "x@y.service". */
bool definition_unit_name_is_valid(const char *s);

/* Every capability the build's libcap headers know. */
uint64_t definition_capability_mask_all(void);
/* One word: "ALL", or a capability name with or without "CAP_", any case; -EINVAL otherwise. */
int definition_capability_from_word(const char *word, uint64_t *ret);

typedef enum NetworkMode {
        NETWORK_NONE,
        NETWORK_HOST,
        NETWORK_BRIDGE,
        NETWORK_CONTAINER,
        _NETWORK_MODE_MAX,
        _NETWORK_MODE_INVALID = -EINVAL,
} NetworkMode;

/* docker's --restart, carried out by systemd: the generator writes the unit's Restart=. */
typedef enum RestartPolicy {
        RESTART_NO,
        RESTART_ON_FAILURE,     /* Restart=on-failure: a non-zero exit, a signal, a timeout */
        RESTART_ALWAYS,         /* Restart=always */
        RESTART_UNLESS_STOPPED, /* Restart=always too: under systemd a stop is never undone */
        _RESTART_POLICY_MAX,
        _RESTART_POLICY_INVALID = -EINVAL,
} RestartPolicy;

const char *restart_policy_to_string(RestartPolicy p);
RestartPolicy restart_policy_from_string(const char *s);
/* The unit's Restart= for a policy: "no", "on-failure" or "always". */
const char *restart_policy_to_unit(RestartPolicy p);

const char *network_mode_to_string(NetworkMode m);
NetworkMode network_mode_from_string(const char *s);

/* "SIGTERM", "TERM", "sigterm" or "15" (1…64): the signal number; -EINVAL otherwise. */
int signal_from_string(const char *s);
/* "SIGTERM"; NULL for a number without a standard name (real-time signals). */
const char *signal_to_string(int sig);
