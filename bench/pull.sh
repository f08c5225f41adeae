# SPDX-License-Identifier: LGPL-2.1-or-later
# berth pull, side by side in one testbed against the same local registry (Debian's
# docker-registry with TLS, tests/integration/registry-lib.sh): a 5-layer image of ~200 MB
# (random bytes and base64 text, 3,000 small files: gzip gets little out of it, as out of real
# binaries) pulled from an empty store by
#   - berth pull;
#   - skopeo copy docker://… oci:DIR, then tar -x of each layer into one directory: the least a
#     pull has to do, by two tools run one after the other;
#   - podman pull, where podman is installed;
# BENCH_N (3) runs each, interleaved, medians; then a second image that shares 4 of the 5 layers,
# pulled with the first present; and the peak memory of berth pull (the largest process, from
# /usr/bin/time -v, and the sampled anonymous memory of its whole scope). Skips until the build
# has berth-pull. Runs in a testbed: bench/run BUILDDIR pull.
set -u
source "$BERTH_SOURCE_DIR/bench/lib.sh"
source "$BERTH_SOURCE_DIR/tests/integration/lib.sh"
source "$BERTH_SOURCE_DIR/tests/integration/registry-lib.sh"
N=${BENCH_N:-3}

pull_bin=$(sed -n 's/^#define BERTH_PULL_PATH "\(.*\)"$/\1/p' "$BERTH_BUILD_DIR/config.h" 2>/dev/null)
if [ -z "$pull_bin" ] || [ ! -x "$pull_bin" ]; then
        echo "pull: skipped: this build has no berth-pull (BERTH_PULL_PATH: ${pull_bin:-not in config.h})"
        exit 0
fi
for t in docker-registry skopeo openssl python3 curl; do
        command -v "$t" >/dev/null || { echo "pull: skipped: $t is not installed"; exit 0; }
done
[ -x /usr/bin/time ] || { echo "pull: skipped: /usr/bin/time is not installed (package time)"; exit 0; }

STORE=${BERTH_STATE_DIR:-/var/lib/berth}/store
T=$REGISTRY_TMP
L=$T/layout
registry_start reg tls || { echo "pull: the registry did not start"; exit 1; }
R=${REGISTRY[reg]}

layers=(
        'busybox,files:/usr/share/many=3000x4K,random:/data/1=28M'
        'random:/data/2=24M,text:/data/2t=16M'
        'random:/data/3=24M,text:/data/3t=16M'
        'random:/data/4=24M,text:/data/4t=16M'
)
oci_image build "$L" one "${layers[@]}" 'random:/data/5=24M,text:/data/5t=16M' >/dev/null
oci_image build "$L" two "${layers[@]}" 'random:/data/5=24M,text:/data/5t=16M,seed:two' >/dev/null
registry_push "$L" one reg bench/one:1 || { echo "pull: skopeo could not push"; exit 1; }
registry_push "$L" two reg bench/two:1 || { echo "pull: skopeo could not push"; exit 1; }
size=$(du -sb "$L/blobs" | cut -f1)
echo "image: 5 layers, $((size / 1048576)) MiB compressed in the layout (both images), registry at $R"

# podman's overlay driver refuses an overlayfs below it (the testbed's root): its storage on a
# tmpfs of its own.
have_podman=0
if command -v podman >/dev/null; then
        mkdir -p "$T/podman"
        mount -t tmpfs bench-podman "$T/podman" && on_exit "umount -l $T/podman" && have_podman=1
fi
podman() { command podman --root "$T/podman/root" --runroot "$T/podman/run" --storage-driver overlay "$@"; }

ms() { awk -v d="$1" 'BEGIN { printf "%.0f\n", d / 1000000 }'; }
now() { date +%s%N; }

empty_store() { rm -rf "$STORE"; }

# berth pull REF under /usr/bin/time -v, in a scope whose anonymous memory is sampled; prints
# "MS MAXRSS_KIB SCOPE_ANON_PEAK_KIB"
berth_pull() {
        local ref=$1 unit t0 t1 rss peak=0 cg sampler
        unit=bench-pull-$RANDOM
        t0=$(now)
        systemd-run --quiet --scope --unit "$unit" -p MemoryAccounting=yes \
                /usr/bin/time -v -o "$T/time.out" berth pull "$ref" >/dev/null 2>"$T/pull.err" &
        local pid=$!
        (
                p=0
                while kill -0 "$pid" 2>/dev/null; do
                        for f in "/sys/fs/cgroup/memory/system.slice/$unit.scope/memory.stat" \
                                 "/sys/fs/cgroup/system.slice/$unit.scope/memory.stat"; do
                                [ -r "$f" ] || continue
                                v=$(awk '$1 == "total_rss" || $1 == "anon" { print int($2 / 1024) }' "$f" | head -n 1)
                                [ -n "$v" ] && [ "$v" -gt "$p" ] && p=$v
                        done
                        sleep 0.02
                done
                echo "$p" > "$T/peak.out"
        ) &
        sampler=$!
        wait "$pid" || { echo "pull: berth pull $ref failed: $(cat "$T/pull.err")" >&2; wait "$sampler"; return 1; }
        t1=$(now)
        wait "$sampler"
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$T/time.out")
        peak=$(cat "$T/peak.out")
        echo "$(ms $((t1 - t0))) $rss $peak"
}

# skopeo's layout and tree on the file system berth's store is on (the testbed's root), as fair
W=$(mktemp -d /var/lib/bench-pull.XXXXXX)
on_exit "rm -rf $W"
skopeo_tar() { # skopeo copy to an OCI layout, then tar -x of its layers, in order
        local dir=$W/skopeo-oci root=$W/skopeo-root t0 t1 d
        rm -rf "$dir" "$root"
        mkdir -p "$root"
        t0=$(now)
        skopeo copy --quiet "docker://$R/$1" "oci:$dir:img" >/dev/null || return 1
        for d in $(python3 -c 'import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
m = json.load(open(sys.argv[1] + "/blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
print(" ".join(l["digest"][7:] for l in m["layers"]))' "$dir"); do
                tar -xzf "$dir/blobs/sha256/$d" -C "$root" || return 1
        done
        t1=$(now)
        rm -rf "$dir" "$root"
        ms $((t1 - t0))
}

podman_pull() {
        local t0 t1
        t0=$(now)
        podman pull -q "$R/$1" >/dev/null 2>"$T/podman.err" || { echo "pull: podman pull failed: $(tail -n 1 "$T/podman.err")" >&2; return 1; }
        t1=$(now)
        ms $((t1 - t0))
}
podman_clean() { podman rmi -af >/dev/null 2>&1; }

# Warm-up: each tool once, so that the first measured run does not pay for first-use costs.
empty_store
berth pull "$R/bench/one:1" >/dev/null 2>&1
skopeo_tar bench/one:1 >/dev/null
[ $have_podman = 1 ] && { podman_clean; podman_pull bench/one:1 >/dev/null; }

: > "$T/res-berth1" ; : > "$T/res-berth2" ; : > "$T/res-rss" ; : > "$T/res-anon" ; : > "$T/res-skopeo" ; : > "$T/res-podman1" ; : > "$T/res-podman2"
for i in $(seq "$N"); do
        empty_store
        read -r t rss anon < <(berth_pull "$R/bench/one:1") || exit 1
        echo "$t" >> "$T/res-berth1"; echo "$rss" >> "$T/res-rss"; echo "$anon" >> "$T/res-anon"
        read -r t rss anon < <(berth_pull "$R/bench/two:1") || exit 1
        echo "$t" >> "$T/res-berth2"; echo "$rss" >> "$T/res-rss"; echo "$anon" >> "$T/res-anon"
        skopeo_tar bench/one:1 >> "$T/res-skopeo" || { echo "pull: skopeo copy + tar failed"; exit 1; }
        if [ $have_podman = 1 ]; then
                podman_clean
                podman_pull bench/one:1 >> "$T/res-podman1" || have_podman=2
                podman_pull bench/two:1 >> "$T/res-podman2" || have_podman=2
        fi
done
empty_store
podman_clean

b1=$(median < "$T/res-berth1")
b2=$(median < "$T/res-berth2")
sk=$(median < "$T/res-skopeo")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "berth pull, empty store:                    ${b1} ms   (runs: $(xargs < "$T/res-berth1"))"
echo "skopeo copy + tar -x of the layers:         ${sk} ms   berth/this = $(ratio "$b1" "$sk") (issue: ≤ 0.8)"
case $have_podman in
1)
        echo "  (podman's storage on a tmpfs: its overlay driver refuses the testbed's overlayfs root)"
        p1=$(median < "$T/res-podman1")
        p2=$(median < "$T/res-podman2")
        echo "podman pull, empty storage:                 ${p1} ms   berth/this = $(ratio "$b1" "$p1") (issue: ≤ 0.7)"
        echo "podman pull of the second image:            ${p2} ms" ;;
2) echo "podman pull: failed here (see above)" ;;
*) echo "podman pull: podman is not installed" ;;
esac
echo "berth pull, second image sharing 4 layers:  ${b2} ms   = $(ratio "$b2" "$b1") of the first (issue: ≤ 0.3)"
echo "berth pull peak memory: largest process $(( $(sort -n "$T/res-rss" | tail -n 1) / 1024 )) MiB (time -v), whole scope's anonymous memory $(( $(sort -n "$T/res-anon" | tail -n 1) / 1024 )) MiB sampled every 20 ms (issue: < 32 MiB)"
