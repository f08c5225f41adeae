#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A test run killed midway: kill -9 a testbed's launcher while two testbeds run at once; the
# other must be untouched, and the next launcher must reap what the killed one left
# (processes, cgroups, its /tmp directory). TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tb=$repo/tests/testbed
failed=0
# A launcher's state dir is the one whose lock it holds (other testbeds may run at the same
# time: tell ours apart by that, never by listing).
state_of() {
        local d
        for d in /tmp/berth-testbed.*; do
                if grep -qx -- "$1" <<<"$(fuser "$d/lock" 2>/dev/null | tr -s ' ' '\n')"; then echo "$d"; fi
        done
}
# A killed process may stay a zombie until its (re-)parent reaps it: that is gone too.
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi; }

"$tb" -- sleep 60 >/dev/null 2>&1 &
victim=$!
"$tb" -- sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.1; done; systemctl is-system-running' > /tmp/berth-reap-other.$$ 2>&1 &
other=$!

# wait until both have booted (each writes boot-ms into its state dir)
for _ in $(seq 1 200); do
        v=$(state_of "$victim"); o=$(state_of "$other")
        [ -n "$v" ] && [ -n "$o" ] && [ -e "$v/boot-ms" ] && [ -e "$o/boot-ms" ] && break
        sleep 0.05
done

vdir=$(state_of "$victim")
odir=$(state_of "$other")
ok "two testbeds boot at once" '[ -e "$vdir/boot-ms" ] && [ -e "$odir/boot-ms" ]'
# How long they took is the bench's business (a cold CI machine took 7.4 s): said, not checked.
for f in "$vdir/boot-ms" "$odir/boot-ms"; do
        echo "# booted in $(cat "$f" 2>/dev/null || echo '?') ms"
done
vname=berth-testbed-${vdir#/tmp/berth-testbed.}
vunshare=$(pgrep -f "testbed --stage2 $vdir" | head -1)
vpid1=$(cat /proc/$vunshare/task/*/children 2>/dev/null | awk '{print $1}')
ok "found the killed testbed's PID 1" 'alive "$vpid1"'
kill -9 "$victim"
wait "$victim" 2>/dev/null
ok "a killed launcher leaves its testbed behind" '[ -d /sys/fs/cgroup/pids/$vname ] || [ -d /sys/fs/cgroup/$vname ]'

"$tb" --reap
ok "reaping removes the killed testbed's cgroups" '! ls -d /sys/fs/cgroup/*/$vname >/dev/null 2>&1 && ! [ -d /sys/fs/cgroup/$vname ]'
ok "reaping removes its state directory" '[ ! -e "$vdir" ]'
# A namespace's PID 1 sleeps in the kernel while its namespace is torn down: allow for that.
for _ in $(seq 100); do alive "$vpid1" || alive "$vunshare" || break; sleep 0.05; done
ok "no process of it is left" '! alive "$vpid1" && ! alive "$vunshare"'
ok "the other testbed still runs" 'kill -0 $other'

# Let the other one finish; it must have been unaffected.
pid1=$(cat /proc/$(pgrep -f "testbed --stage2 $odir" | head -1)/task/*/children 2>/dev/null | awk '{print $1}')
[ -n "$pid1" ] && nsenter -t "$pid1" -m touch /tmp/stop
wait "$other"
rc=$?
ok "the other testbed finished normally" '[ $rc = 0 ] && grep -qE "running|degraded" /tmp/berth-reap-other.$$'
rm -f /tmp/berth-reap-other.$$
ok "no testbed directories left" '[ ! -e "$vdir" ] && [ ! -e "$odir" ]'
exit $failed
