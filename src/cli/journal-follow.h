/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-journal.h>

/* Reading the journal forward for `berth logs` and `berth events`: the entries of a span of time
 * that the caller's matches select, then new ones as they come. */

/* What to do with one entry (the journal's current one): a negative errno ends the reading. */
typedef int (*JournalEntryFunc)(sd_journal *j, void *userdata);

/* Hands on every entry from the current one (current) or the next one onwards whose time is at or
 * after since, up to the first one after until (UINT64_MAX: none), or to the end. Returns 1 when
 * it got past until, 0 at the end, or a negative errno. */
int journal_each(sd_journal *j, uint64_t since, uint64_t until, bool current, JournalEntryFunc f,
                 void *userdata);

/* Seeks to since (the head when 0), then journal_each() from there. */
int journal_each_since(sd_journal *j, uint64_t since, uint64_t until, JournalEntryFunc f, void *userdata);

/* After journal_each(): waits for new entries and hands them on the same way, flushing stdout
 * before each wait, until SIGINT or SIGTERM, or until the clock passed until (UINT64_MAX: never)
 * and a last look found no more; then 0. A negative errno if reading failed. */
int journal_follow(sd_journal *j, uint64_t since, uint64_t until, JournalEntryFunc f, void *userdata);
