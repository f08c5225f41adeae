/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's lock: RUNTIME/locks/NAME, flock()ed by whoever runs the container (its helper,
 * then berth-supervisor, which inherits the fd; a foreground run and its guard). Only one runs a
 * name, and the lock goes with the process, whatever kills it. Does not log. */

/* Takes the lock of name: -EBUSY when someone holds it. The file of a removed container is
 * unlinked under its lock (lock_forget()), so a taker checks after flock() that the path still
 * names the file it locked, and otherwise tries anew. */
int lock_take(const char *name, int *ret_fd);

/* The lock file of name, opened without taking the lock: for lock_forget() by a process whose
 * child holds the lock (a foreground run's guard). -ENOENT when there is none. */
int lock_open(const char *name, int *ret_fd);

/* Whether someone holds the lock of name now: 1 yes, 0 no (or an invalid name). */
int lock_held(const char *name);

/* The lock file of a container that is gone, while we hold it in fd: unlinked, unless it is no
 * longer the one we hold. */
void lock_forget(const char *name, int fd);

/* The lock file of a container that is gone, if nobody holds it: a removal that does not hold
 * the lock itself (berth rm, ExecStopPost=). */
void lock_forget_if_free(const char *name);
