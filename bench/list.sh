# SPDX-License-Identifier: LGPL-2.1-or-later
# berth list -a with BENCH_DEFINITIONS (200) containers defined with `berth create`, BENCH_RUNNING
# (20) of them running, median wall-clock time of BENCH_N (20) runs; -o json and the running-only
# list alongside, and `machinectl list` where machined is there, for scale.
# Target (issue 4): berth list -a ≤ 100 ms. Runs in a testbed: bench/run BUILDDIR list.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-20}
DEFS=${BENCH_DEFINITIONS:-200}
RUNNING=${BENCH_RUNNING:-20}
TARGET_MS=100

tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null

for i in $(seq "$DEFS"); do
        berth create --name "l$i" benchimg sleep 100000 >/dev/null
done
for i in $(seq "$RUNNING"); do
        berth start "l$i"
done
# Some of the rest have run and stopped (their units loaded, inactive or failed), as on a host.
for i in $(seq $((RUNNING + 1)) $((RUNNING + 10))); do
        berth start "l$i" && berth stop "l$i"
done

rows=$(berth list -a --no-legend | wc -l)
running=$(berth list --no-legend | wc -l)
[ "$rows" = "$DEFS" ] || echo "warning: berth list -a shows $rows containers, not $DEFS" >&2
[ "$running" = "$RUNNING" ] || echo "warning: berth list shows $running running containers, not $RUNNING" >&2

all_ms=$(bench_n "$N" berth list -a)
json_ms=$(bench_n "$N" berth list -a -o json)
run_ms=$(bench_n "$N" berth list)

printf '%-58s %10s\n' "$DEFS defined, $RUNNING running; median of $N" "ms"
printf '%-58s %10s\n' "berth list -a" "$all_ms"
printf '%-58s %10s\n' "berth list -a -o json" "$json_ms"
printf '%-58s %10s\n' "berth list (running only)" "$run_ms"
if command -v machinectl >/dev/null && systemctl start systemd-machined >/dev/null 2>&1; then
        printf '%-58s %10s\n' "machinectl list" "$(bench_n "$N" machinectl list)"
fi
awk -v b="$all_ms" -v t="$TARGET_MS" 'BEGIN { printf "berth list -a: %.1f ms (target ≤ %d ms): %s\n", b, t, b <= t ? "met" : "MISSED" }'

for i in $(seq "$RUNNING"); do berth stop "l$i" >/dev/null 2>&1 & done
wait
