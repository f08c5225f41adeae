#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Launchers that start at the same moment: each reaps before it makes its own directory, and none
# may take another's directory for a dead one (a launcher between mkdir and flock looked dead to
# a reaper, which removed its directory and left it to exit 1 without a word). A directory with
# no lock file is a dead launcher's and is reaped. TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tb=$repo/tests/testbed
failed=0
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi; }

fails=0
for _ in 1 2 3; do
        pids=()
        for _ in $(seq 8); do "$tb" true >/dev/null 2>&1 & pids+=($!); done
        for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
done
ok "24 testbeds launched 8 at a time all succeed ($fails failed)" '[ $fails = 0 ]'

dead=/tmp/berth-testbed.000000dead00
mkdir -m 700 "$dead"
"$tb" --reap
ok "a directory without a lock file is reaped" '[ ! -e "$dead" ]'
rm -rf "$dead"
exit $failed
