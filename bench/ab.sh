# SPDX-License-Identifier: LGPL-2.1-or-later
# Two builds of berth side by side in one testbed, run by run, so that the machine's drift lands on
# both: the one bench/run installed (A) and BENCH_B_BUILD (B), a build directory configured with
#   meson setup B --prefix=/opt/berth-b -Dsysconfdir=/etc -Dlocalstatedir=/var
# which is installed here, inside the testbed, with its own state and runtime directories.
# Rows: berth run --rm --network none IMAGE /bin/true, and the same on the bridge.
#   BENCH_B_BUILD=/path/to/B TESTBED_ENV="BENCH_B_BUILD=/path/to/B" bench/run BUILDDIR ab
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-40}
B=${BENCH_B_BUILD:?set BENCH_B_BUILD to a build directory configured with --prefix=/opt/berth-b}

meson install -C "$B" --no-rebuild --quiet >/dev/null
# B's state on a file system that can hold overlay upper directories, as A's has.
mkdir -p /var/lib/berth-b
mount -t tmpfs -o mode=0755 berth-b /var/lib/berth-b
b_env=(env BERTH_STATE_DIR=/var/lib/berth-b BERTH_RUNTIME_DIR=/run/berth-b)
bberth() { "${b_env[@]}" /opt/berth-b/bin/berth "$@"; }

tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null
bberth image import "$tree" benchimg >/dev/null
# The bridge and the seccomp cache exist before the first timed run, for both.
berth run --rm benchimg /bin/true
bberth run --rm benchimg /bin/true

rows=$(mktemp)
for _ in $(seq "$N"); do
        echo "$(time_ms berth run --rm --network none benchimg /bin/true)" \
             "$(time_ms bberth run --rm --network none benchimg /bin/true)" \
             "$(time_ms berth run --rm benchimg /bin/true)" \
             "$(time_ms bberth run --rm benchimg /bin/true)"
done > "$rows"
col() { awk -v c="$1" '{ print $c }' "$rows" | median; }
printf '%-58s %10s %10s\n' "start to exit of /bin/true, median of $N, interleaved" "A ms" "B ms"
printf '%-58s %10s %10s\n' "berth run --rm --network none" "$(col 1)" "$(col 2)"
printf '%-58s %10s %10s\n' "berth run --rm (bridge)" "$(col 3)" "$(col 4)"
awk '{ print $1 - $2 }' "$rows" | median | awk '{ printf "A - B, --network none, median of the pairs: %+.2f ms\n", $1 }'
awk '{ print $3 - $4 }' "$rows" | median | awk '{ printf "A - B, bridge, median of the pairs: %+.2f ms\n", $1 }'
rm -f "$rows"
