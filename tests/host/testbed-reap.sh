#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A test run killed midway: kill -9 a testbed's launcher while two testbeds run at once; the
# other must be untouched, and the next launcher must reap what the killed one left
# (processes, cgroups, its /tmp directory). TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tb=$repo/tests/testbed
failed=0
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi; }

before=$(ls -d /tmp/berth-testbed.* 2>/dev/null | sort)
"$tb" -- sleep 60 >/dev/null 2>&1 &
victim=$!
"$tb" -- sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.1; done; systemctl is-system-running' > /tmp/berth-reap-other.$$ 2>&1 &
other=$!

# wait until both have booted (each has a boot-ms file in its state dir)
for _ in $(seq 1 200); do
        [ "$(ls /tmp/berth-testbed.*/boot-ms 2>/dev/null | wc -l)" -ge 2 ] && break
        sleep 0.05
done
ok "two testbeds boot at once" '[ "$(ls /tmp/berth-testbed.*/boot-ms 2>/dev/null | wc -l)" -ge 2 ]'
for f in /tmp/berth-testbed.*/boot-ms; do
        ms=$(cat "$f")
        ok "boot in ≤ 5000 ms ($ms ms)" "[ $ms -le 5000 ]"
done

# The victim's state dir: the one whose lock is held by the victim launcher.
vdir=""
for d in /tmp/berth-testbed.*; do
        if [ "$(fuser "$d/lock" 2>/dev/null | tr -s ' ' '\n' | grep -x "$victim")" ]; then vdir=$d; fi
done
ok "found the victim's state" '[ -n "$vdir" ]'
vname=berth-testbed-${vdir#/tmp/berth-testbed.}
kill -9 "$victim"
wait "$victim" 2>/dev/null
ok "a killed launcher leaves its testbed behind" '[ -d /sys/fs/cgroup/pids/$vname ] || [ -d /sys/fs/cgroup/$vname ]'

"$tb" --reap
ok "reaping removes the killed testbed's cgroups" '! ls -d /sys/fs/cgroup/*/$vname >/dev/null 2>&1 && ! [ -d /sys/fs/cgroup/$vname ]'
ok "reaping removes its state directory" '[ ! -e "$vdir" ]'
ok "no process of it is left" '! ps -eo comm= | grep -qx "sleep 60"'
ok "the other testbed still runs" 'kill -0 $other'

# Let the other one finish; it must have been unaffected.
odir=$(ls -d /tmp/berth-testbed.* 2>/dev/null | head -1)
pid1=$(cat /proc/$(pgrep -f "testbed --stage2 $odir" | head -1)/task/*/children 2>/dev/null | awk '{print $1}')
[ -n "$pid1" ] && nsenter -t "$pid1" -m touch /tmp/stop
wait "$other"
rc=$?
ok "the other testbed finished normally" '[ $rc = 0 ] && grep -qE "running|degraded" /tmp/berth-reap-other.$$'
rm -f /tmp/berth-reap-other.$$
after=$(ls -d /tmp/berth-testbed.* 2>/dev/null | sort)
ok "no testbed directories left" '[ "$before" = "$after" ]'
exit $failed
