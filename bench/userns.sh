# SPDX-License-Identifier: LGPL-2.1-or-later
# What a private user namespace costs a container's start (issue 18): berth run --rm --userns auto
# IMAGE /bin/true against the same without, run by run in one testbed so that the machine's drift
# lands on both; --network none and the bridge. Target: the median of the pairs at most 1 ms more.
# Then the image's layers: their owners and ctimes are what they were before the runs (no chown).
#   bench/run BUILDDIR userns
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-40}

if ! grep -q -- --userns <<<"$(berth run --help 2>&1)"; then
        echo "skipped: this build's berth run has no --userns"
        exit 0
fi

tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null
layers=/var/lib/berth/store/layers
owners() { find "$layers" -xdev -printf '%U:%G %C@ %p\n' 2>/dev/null | sort; }
before=$(owners)

# The bridge, the seccomp cache and the first lease of a range exist before the first timed run.
berth run --rm benchimg /bin/true
berth run --rm --userns auto benchimg /bin/true || { echo "berth run --userns auto fails here; no rows"; exit 1; }

rows=$(mktemp)
for _ in $(seq "$N"); do
        echo "$(time_ms berth run --rm --network none benchimg /bin/true)" \
             "$(time_ms berth run --rm --network none --userns auto benchimg /bin/true)" \
             "$(time_ms berth run --rm benchimg /bin/true)" \
             "$(time_ms berth run --rm --userns auto benchimg /bin/true)"
done > "$rows"
col() { awk -v c="$1" '{ print $c }' "$rows" | median; }
printf '%-58s %10s %10s\n' "start to exit of /bin/true, median of $N, interleaved" "host ms" "auto ms"
printf '%-58s %10s %10s\n' "berth run --rm --network none [--userns auto]" "$(col 1)" "$(col 2)"
printf '%-58s %10s %10s\n' "berth run --rm [--userns auto] (bridge)" "$(col 3)" "$(col 4)"
awk '{ print $2 - $1 }' "$rows" | median |
        awk '{ printf "auto - host, --network none, median of the pairs: %+.2f ms (target ≤ +1)\n", $1 }'
awk '{ print $4 - $3 }' "$rows" | median |
        awk '{ printf "auto - host, bridge, median of the pairs: %+.2f ms (target ≤ +1)\n", $1 }'
rm -f "$rows"

after=$(owners)
if [ "$before" = "$after" ]; then
        echo "image layers: owners and ctimes unchanged after $((4 * N + 2)) runs ($(echo "$after" | wc -l) inodes)"
else
        echo "image layers CHANGED (a chown?):"
        diff <(echo "$before") <(echo "$after") | head -20
        exit 1
fi
berth image rm benchimg >/dev/null
