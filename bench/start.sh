# SPDX-License-Identifier: LGPL-2.1-or-later
# Container start, side by side in one run: berth run --rm --network none IMAGE /bin/true against
# systemd-nspawn -q --private-network -D TREE /bin/true and crun --systemd-cgroup run on the same
# tree; then the helper's memory while it supervises one container. berth and nspawn load a
# seccomp filter (docker's profile, nspawn's own); `crun spec` has none, and neither has berth's
# seccomp=unconfined row, which shows what the profile costs.
# Targets (issue 3): berth ≤ ¼ of nspawn, and no slower than crun --systemd-cgroup.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-30}
tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null

bundle=/var/lib/bench-bundle
mkdir -p "$bundle"
ln -s "$tree" "$bundle/rootfs"
(cd "$bundle" && crun spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
json.dump(c, open(p, "w"))
PY
i=0
crun_once() { i=$((i + 1)); crun --systemd-cgroup run --bundle "$bundle" "b$$-$i"; }
crun_plain() { i=$((i + 1)); crun run --bundle "$bundle" "p$$-$i"; }

berth_ms=$(bench_n "$N" berth run --rm --network none benchimg /bin/true)
berth_unconfined_ms=$(bench_n "$N" berth run --rm --network none --security-opt seccomp=unconfined benchimg /bin/true)
nspawn_ms=$(bench_n "$N" systemd-nspawn -q --private-network --register=no -D "$tree" /bin/true)
nspawn_reg_ms=$(bench_n "$N" systemd-nspawn -q --private-network -D "$tree" /bin/true)
crun_sd_ms=$(bench_n "$N" crun_once)
crun_ms=$(bench_n "$N" crun_plain)
unshare_ms=$(bench_n "$N" unshare --mount --pid --uts --ipc --net --fork true)

printf '%-58s %10s\n' "start to exit of /bin/true, median of $N" "ms"
printf '%-58s %10s\n' "berth run --rm --network none" "$berth_ms"
printf '%-58s %10s\n' "  … --security-opt seccomp=unconfined" "$berth_unconfined_ms"
printf '%-58s %10s\n' "systemd-nspawn -q --private-network (registers)" "$nspawn_reg_ms"
printf '%-58s %10s\n' "systemd-nspawn -q --private-network --register=no" "$nspawn_ms"
printf '%-58s %10s\n' "crun --systemd-cgroup run" "$crun_sd_ms"
printf '%-58s %10s\n' "crun run" "$crun_ms"
printf '%-58s %10s\n' "unshare (5 namespaces) + true" "$unshare_ms"
awk -v b="$berth_ms" -v n="$nspawn_reg_ms" -v c="$crun_sd_ms" 'BEGIN {
        printf "berth / nspawn = %.2f (target ≤ 0.25)   berth / crun --systemd-cgroup = %.2f (target ≤ 1)\n", b / n, b / c }'

berth run -d --name pss benchimg sleep 1000 >/dev/null
pid=$(systemctl show -P MainPID container@pss.service)
awk '/^(Rss|Pss):/ { printf "helper %s %s kB\n", $1, $2 }' "/proc/$pid/smaps_rollup"
berth stop pss >/dev/null
