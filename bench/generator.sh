# SPDX-License-Identifier: LGPL-2.1-or-later
# berth-generator on 1,000 definitions (half in an /etc-like, half in a /run-like directory, a
# tenth with [Install] WantedBy=, a tenth with Network=container:), each run into fresh output
# directories as systemd gives them — on tmpfs, like /run/systemd/generator: on a disk file
# system every mkdir and create costs a journal write and the numbers say nothing about boot —
# median wall-clock time of BENCH_N runs.
# Target (issue 4): ≤ 50 ms. Runs on the host: bash bench/generator.sh [BUILDDIR] (default:
# build; inside the testbed, with no build dir, the installed generator).
set -eu
repo=${BERTH_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
. "$repo/bench/lib.sh"
N=${BENCH_N:-20}
DEFS=${BENCH_DEFINITIONS:-1000}
TARGET_MS=50

gen=${1:-$repo/build}/generators/berth-generator
if [ ! -x "$gen" ] && [ $# = 0 ] && [ -x /usr/lib/systemd/system-generators/berth-generator ]; then
        gen=/usr/lib/systemd/system-generators/berth-generator
fi
[ -x "$gen" ] || { echo "no generator at $gen: build first (ninja -C BUILDDIR)" >&2; exit 1; }

tmp=$(mktemp -d)
outbase=
for d in /run /dev/shm; do
        if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && outbase=$(mktemp -d "$d/berth-bench.XXXXXX" 2>/dev/null); then
                break
        fi
        outbase=
done
if [ -z "$outbase" ]; then
        echo "warning: no writable tmpfs (/run, /dev/shm): writing to $tmp, timings will be off" >&2
        outbase=$tmp
fi
trap 'rm -rf "$tmp" "$outbase"' EXIT
mkdir -p "$tmp/etc" "$tmp/run"
for i in $(seq "$DEFS"); do
        dir=$tmp/run
        [ $((i % 2)) = 0 ] && dir=$tmp/etc
        {
                printf '[Container]\nImage=busybox\nExec=/bin/sh -c "sleep infinity"\n'
                printf 'Environment=A=%s B=two\nMemory=64M\nStopTimeout=%s\n' "$i" $((i % 30))
                [ $((i % 10)) = 3 ] && printf 'Network=container:c%s\n' $((i - 1))
                [ $((i % 10)) = 5 ] && printf '\n[Install]\nWantedBy=multi-user.target\n'
                true
        } > "$dir/c$i.container"
done

# One run: fresh output dirs (outside the timing), then the generator alone, timed without a
# fork for the clock. Prints milliseconds.
one_run() {
        local out t0 t1
        out=$(mktemp -d "$outbase/out.XXXXXX")
        mkdir "$out/normal" "$out/early" "$out/late"
        t0=$EPOCHREALTIME
        BERTH_DEFINITION_PATH="$tmp/etc $tmp/run" "$gen" "$out/normal" "$out/early" "$out/late"
        t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
        rm -rf "$out"
}

one_run >/dev/null # warm the page cache
out=$(mktemp -d "$outbase/check.XXXXXX")
BERTH_DEFINITION_PATH="$tmp/etc $tmp/run" "$gen" "$out" "$out" "$out"
dropins=$(find "$out" -name 50-berth.conf | wc -l)
[ "$dropins" = "$DEFS" ] || { echo "expected $DEFS drop-ins, got $dropins" >&2; exit 1; }
rm -rf "$out"

med=$(for _ in $(seq "$N"); do one_run; done | median)
echo "berth-generator, $DEFS definitions, median of $N runs: $med ms (target ≤ $TARGET_MS ms)"
awk -v m="$med" -v t="$TARGET_MS" 'BEGIN { exit !(m <= t) }' || { echo "over target" >&2; exit 1; }
