/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Flags of a mount berth makes (a volume's, a tmpfs's): the values of the kernel's MOUNT_ATTR_*,
 * so that mount_setattr() takes them as they are. Parsed from definitions (volume-spec.h), applied
 * by the child (mount.h). */
#define MOUNT_FLAG_RDONLY 0x01U
#define MOUNT_FLAG_NOSUID 0x02U
#define MOUNT_FLAG_NODEV 0x04U
#define MOUNT_FLAG_NOEXEC 0x08U
