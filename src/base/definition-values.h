/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The checks of single values that definition.c's parsers share: names, signals, capabilities.
 * Pure; the parsers say why a value failed. (signal_*, network_mode_* and restart_policy_* are
 * declared in definition.h, for everyone.) */

#define HOSTNAME_MAX 64
#define USER_NAME_MAX 32
#define UNIT_NAME_MAX 255
/* The kernel's signals are 1…64 (_NSIG is 65 with glibc). */
#define SIGNAL_MAX 64

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
