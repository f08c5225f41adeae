# SPDX-License-Identifier: LGPL-2.1-or-later
# Volume copy-up, side by side in one run: filling a new volume from an image's /data, measured as
# `berth run --rm -v NEW:/data IMAGE true` minus the same run with a volume that is already filled,
# against `cp -a` of the same tree into the same file system as the volume store: from the image's
# layer directly, and through an overlay of it as copy-up reads it.
# Two trees: 10,000 small files, and 200 MB in large files. Target (issue 6): copy-up ≥ 0.9× cp -a.
# BENCH_STORE=DIR puts the volume store (and cp's target) on DIR's file system instead of the
# testbed's tmpfs /var/lib/berth.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-5}
vols=/var/lib/berth/volumes
mkdir -p $vols
if [ -n "${BENCH_STORE:-}" ]; then
        mkdir -p "$BENCH_STORE/volumes"
        mount --bind "$BENCH_STORE/volumes" $vols
        trap 'umount $vols' EXIT
fi
# Not a volume name, so berth leaves it alone; on the store's file system.
cpdst=$vols/.cp-bench
mkdir -p $cpdst

# small: 100 directories of 100 files of 1–4 KiB; large: 4 files of 50 MiB
tree=$(mktemp -d /var/lib/bench-small.XXXXXX)
make_tree "$tree"
python3 - "$tree/data" <<'PY'
import os, sys, random
root = sys.argv[1]
random.seed(1)
for d in range(100):
    p = os.path.join(root, "d%03d" % d)
    os.makedirs(p)
    for f in range(100):
        with open(os.path.join(p, "f%03d" % f), "wb") as fh:
            fh.write(os.urandom(random.randint(1024, 4096)))
PY
berth image import "$tree" small >/dev/null
rm -rf "$tree"
tree=$(mktemp -d /var/lib/bench-large.XXXXXX)
make_tree "$tree"
mkdir -p "$tree/data"
for i in 1 2 3 4; do head -c 50M /dev/urandom > "$tree/data/big$i"; done
berth image import "$tree" large >/dev/null
rm -rf "$tree"

# An image of one layer: its directory in the store is named by its diff ID.
layer0() { echo "/var/lib/berth/store/layers/sha256/$(berth image inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["RootFS"]["Layers"][0][7:])')"; }
declare -A L0
for img in small large; do L0[$img]=$(layer0 $img); done
i=0
fresh_run() { i=$((i + 1)); berth run --rm -v "cu$i:/data" "$1" true; }
ready_run() { berth run --rm -v "ready-$1:/data" "$1" true; }
cp_run() { i=$((i + 1)); cp -a "${L0[$1]}/data" "$cpdst/$i"; }
# The same tree as copy-up reads it: through a (read-only) overlay of the image's layer.
ovl=$(mktemp -d /var/lib/bench-ovl.XXXXXX)
mkdir -p "$ovl/empty" "$ovl/small" "$ovl/large"
for img in small large; do
        mount -t overlay -o "ro,lowerdir=${L0[$img]}:$ovl/empty" bench "$ovl/$img"
done
cp_ovl_run() { i=$((i + 1)); cp -a "$ovl/$1/data" "$cpdst/$i"; }

printf '%-34s %10s %10s %10s\n' "median of $N, ms" "copy-up" "cp -a" "cp -a ovl"
for img in small large; do
        bytes=$(du -sb "${L0[$img]}/data" | cut -f1)
        files=$(find "${L0[$img]}/data" | wc -l)
        base=$(bench_n "$N" ready_run "$img")
        fresh=$(bench_n "$N" fresh_run "$img")
        cp=$(bench_n "$N" cp_run "$img")
        cpo=$(bench_n "$N" cp_ovl_run "$img")
        # bench_n's warm-up made one more of each; the store is emptied between images.
        berth volume prune >/dev/null; rm -rf "${cpdst:?}"/*
        awk -v n="$img ($files entries, $((bytes / 1048576)) MB)" -v f="$fresh" -v b="$base" -v c="$cp" -v o="$cpo" 'BEGIN {
                u = f - b; if (u <= 0) u = 0.001
                printf "%-34s %10.1f %10.1f %10.1f\n", n, u, c, o
                printf "%-34s throughput copy-up / cp -a = %.2f, / cp -a of the overlay view = %.2f (target ≥ 0.9)\n", "", c / u, o / u }'
done
rm -rf "$cpdst"
umount "$ovl/small" "$ovl/large"; rm -rf "$ovl"
