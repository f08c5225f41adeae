/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "volume-spec.h"

/* Issue 16: leftovers. Mount=type=image (podman's --mount type=image): the images a container
 * mounts besides its own, resolved at its start and pinned in the store as its own image is
 * (store.h's pins), under a pin of their own each: CONTAINER+image-N, N the mount's place among
 * the container's image mounts ('+' is in no container name, so no container's own pin, an
 * instance's included, is ever one of these). A pin the container no longer needs goes at its next start, and with the container
 * (the sweep asks whether the owner exists: image_mount_pin_owner()). */

/* The pin of the container's n-th image mount; -EINVAL for an invalid container name. */
int image_mount_pin_name(const char *container, size_t n, char **ret);

/* The container an image mount's pin belongs to, in *ret_container: 1; 0 (and NULL) for a pin
 * that is not one (a container's own). */
int image_mount_pin_owner(const char *pin, char **ret_container);

/* Every type=image mount of mounts: its image resolved (image_resolve()) into image_layers and
 * pinned for container, under the store's shared lock; the pins of image mounts container no
 * longer has removed. Logs its one line (the image not found, say). */
int image_mounts_resolve(const char *container, VolumeMount *mounts, size_t n);
