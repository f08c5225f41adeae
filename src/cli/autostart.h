/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "definition.h"

/* docker's daemon starts containers with --restart always or unless-stopped again after a reboot
 * (those that ran before it; unless-stopped only if no user stopped it). berth has no daemon,
 * and keeps no state of its own: such a container's definition is written to
 * /etc/berth/containers (the generator reads it at boot, when /var may not be mounted yet, and
 * /run is empty), and its unit is enabled — wanted by machines.target, systemd's own state, kept
 * across reboots — from its first start on, and disabled again by a user's stop of an
 * unless-stopped one, or by rm. */

/* Restart=always or unless-stopped. */
bool autostart_wanted(const Definition *d);

/* After a start (run -d, start, restart) of NAME: enabled if its definition wants it. */
int autostart_started(const char *name);
/* After a user's stop of NAME: disabled if it is unless-stopped. */
int autostart_stopped(const char *name);
/* After rm of NAME: disabled, whatever its definition said. */
int autostart_removed(const char *name);
