/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "payload.h"

/* Issue 18: a container's user namespace, the parent's side (userns.c).
 *
 * With a range (UserNS=auto|private, UIDMap=/GIDMap=): the maps from the allocator
 * (userns_maps_acquire()), a user namespace with them to idmap through, the overlay root made over
 * idmapped layers and an idmapped upper and work, and every volume and bind as an idmapped tree,
 * all detached, for the child to attach in its own namespaces. Call once the container's
 * directories exist and its volumes are filled (container_prepare()). Nothing is chowned. A start
 * that cannot have all of it fails here with one line; what was made so far goes with
 * container_done(). Logs. */
int container_userns_prepare(Container *c);

/* The clone() flag of the child: CLONE_NEWUSER with a range, else 0. */
unsigned long container_userns_clone_flag(const Container *c);

/* Right after clone(), before GO: the child's maps written. Logs. */
int container_userns_write_maps(const Container *c, pid_t pid);

/* The hosts files the network's plan wrote for the container (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf, in dir): given to the range's root, so that they show inside as root's 0:0 as
 * they do without a range (owned by the host's root they would show as nobody). They are the
 * container's own, made for this start, shared with nothing. No-op without a range. Logs. */
int container_userns_own_net_files(const Container *c, const char *dir);
