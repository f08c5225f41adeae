/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#define USEC_PER_SEC UINT64_C(1000000)

/* CLOCK_REALTIME in µs, journald's and systemd's unit of time. */
uint64_t now_realtime_usec(void);
/* CLOCK_MONOTONIC in µs, for timeouts. */
uint64_t now_monotonic_usec(void);
