# SPDX-License-Identifier: LGPL-2.1-or-later
# What starting berth's own processes costs, side by side in one run: `berth --version` and an exec
# of the helper (its usage line) against /bin/true and against berth-empty, a program that links
# only libsystemd and libc. Every start of a container execs the CLI (and, for a service, the
# helper): what they map that they do not use is paid each time.
# Target (issue 19): berth --version within 1.5× of berth-empty. Runs in a testbed.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-40}
empty=$BERTH_BUILD_DIR/bench/berth-empty
helper=$(dirname "$(command -v berth)")/../libexec/berth/berth-helper

rows=$(mktemp)
for _ in $(seq "$N"); do
        echo "$(time_ms /bin/true) $(time_ms "$empty") $(time_ms berth --version) $(time_ms "$helper")"
done > "$rows"
col() { awk -v c="$1" '{ print $c }' "$rows" | median; }
printf '%-58s %10s\n' "exec to exit, median of $N, interleaved" "ms"
printf '%-58s %10s\n' "/bin/true" "$(col 1)"
printf '%-58s %10s\n' "berth-empty (libsystemd and libc)" "$(col 2)"
printf '%-58s %10s\n' "berth --version" "$(col 3)"
printf '%-58s %10s\n' "berth-helper (its usage line)" "$(col 4)"
printf '%-58s %10s\n' "libraries berth maps" "$(ldd "$(command -v berth)" | grep -c '=>')"
awk -v b="$(col 3)" -v e="$(col 2)" 'BEGIN { printf "berth --version / berth-empty = %.2f (target ≤ 1.5)\n", b / e }'
rm -f "$rows"
