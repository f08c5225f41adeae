/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "scope.h"
#include "tap.h"

int main(void) {
        /* docker/runc's cgroup v2 conversion of cpu.shares to cpu.weight */
        ok_eq_int(scope_cpu_shares_to_weight(2), 1);
        ok_eq_int(scope_cpu_shares_to_weight(1024), 39);
        ok_eq_int(scope_cpu_shares_to_weight(262144), 10000);
        ok_eq_int(scope_cpu_shares_to_weight(1), 1);
        ok_eq_int(scope_cpu_shares_to_weight(1000000), 10000);
        return tap_finish();
}
