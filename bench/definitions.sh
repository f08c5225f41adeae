# SPDX-License-Identifier: LGPL-2.1-or-later
# Definitions built to be slow to parse, through berth-generator and berth verify: each kind of
# list, line and value at just under the size limit (DEFINITION_SIZE_MAX, 256 KiB), a 400 KB file
# (refused by its size), and 1,000 files of all those kinds, smaller — what a boot or a
# daemon-reload meets when /etc/berth/containers is full of hostile or careless files. Each
# generator run writes into fresh output directories on tmpfs, like /run/systemd/generator
# (bench/generator.sh says why). Median wall-clock time of BENCH_N runs.
# Targets (issue 12, item 7): parsing is linear and bounded, so every file at the limit and the
# 400 KB one take the generator ≤ 100 ms, and 1,000 files of all kinds at an eighth of the limit
# (≈ 32 MB of definitions) ≤ 2 s.
# Runs on the host: bash bench/definitions.sh [BUILDDIR] (default: build; inside the testbed,
# with no build dir, the installed generator and berth).
set -eu
repo=${BERTH_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
. "$repo/bench/lib.sh"
N=${BENCH_N:-5}
LIMIT=262144
TARGET_ONE_MS=100
TARGET_MANY_MS=2000

build=${1:-$repo/build}
gen=$build/generators/berth-generator
berth=$build/src/cli/berth
if [ ! -x "$gen" ] && [ $# = 0 ] && [ -x /usr/lib/systemd/system-generators/berth-generator ]; then
        gen=/usr/lib/systemd/system-generators/berth-generator
        berth=$(command -v berth)
fi
[ -x "$gen" ] && [ -x "$berth" ] || { echo "no generator or berth under $build: build first (ninja -C BUILDDIR)" >&2; exit 1; }

tmp=$(mktemp -d)
outbase=
for d in /run /dev/shm; do
        if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && outbase=$(mktemp -d "$d/berth-bench.XXXXXX" 2>/dev/null); then
                break
        fi
        outbase=
done
[ -n "$outbase" ] || { echo "warning: no writable tmpfs (/run, /dev/shm): timings will be off" >&2; outbase=$tmp; }
trap 'rm -rf "$tmp" "$outbase"' EXIT

# kind SIZE: a definition of that kind, to stdout, of about SIZE bytes (never more).
kind() {
        awk -v kind="$1" -v size="$2" 'BEGIN {
                head = "[Container]\nImage=busybox\n"; n = length(head); printf "%s", head
                if (kind == "env-lines")        f = "Environment=V%d=%d\n"
                else if (kind == "env-same")    f = "Environment=V=%d\n"
                else if (kind == "crlf")        f = "Environment=V%d=%d\r\n"
                else if (kind == "sysctl")      f = "Sysctl=net.ipv4.x%d=%d\n"
                else if (kind == "ports")       f = "PublishPort=%d:80\n"
                else if (kind == "port-addrs")  f = "PublishPort=10.0.%d.%d:80:80\n"
                else if (kind == "dns")         f = "DNS=10.0.%d.%d\n"
                else if (kind == "env-files")   f = "EnvironmentFile=/e/%d/%d\n"
                else if (kind == "image")       f = "Image=busybox%d%d\n"
                else if (kind == "comments")    f = "# %d %d\n"
                if (f != "") {
                        for (i = 0; ; i++) {
                                l = sprintf(f, i % 65535 + 1, i % 251)
                                if (kind == "port-addrs" || kind == "dns") l = sprintf(f, int(i / 250) % 250, i % 250 + 1)
                                if (n + length(l) > size) break
                                printf "%s", l; n += length(l)
                        }
                        exit
                }
                if (kind == "env-words") {
                        printf "Environment="; n += 13
                        for (i = 0; n + 16 < size; i++) { l = sprintf("V%d=%d ", i % 9000, i); printf "%s", l; n += length(l) }
                        print ""
                } else if (kind == "exec-words") {
                        printf "Exec=/bin/true"; n += 15
                        for (i = 0; n + 20 < size; i++) { l = sprintf(" \"w %d\" $\047\\t%d\047", i, i); printf "%s", l; n += length(l) }
                        print ""
                } else if (kind == "long-value") {
                        printf "Environment=V="; n += 15
                        for (; n + 2 < size; n++) printf "x"
                        print ""
                } else if (kind == "continued") {
                        printf "Exec=/bin/true \\\n"; n += 17
                        for (i = 0; n + 20 < size; i++) { l = sprintf("#c\n  w%d \\\n", i); printf "%s", l; n += length(l) }
                        print "  end"
                } else if (kind == "mounts") {
                        for (i = 0; i < 1024; i++) printf "Volume=/tmp:/data/a/long/path/for/mount/%d\n", i
                } else if (kind == "units") {
                        for (i = 0; i < 128; i++) printf "Link=c%d:alias%d\n", i, i
                        print "[Install]"
                        for (i = 0; i < 128; i++) printf "WantedBy=t%d.target\n", i
                }
        }'
}
kinds="env-lines env-same env-words crlf sysctl ports port-addrs dns env-files image comments exec-words long-value continued mounts units"

mkdir -p "$tmp/400kB" "$tmp/many" "$tmp/small"
for k in $kinds; do
        mkdir -p "$tmp/$k"
        kind "$k" $((LIMIT - 64)) > "$tmp/$k/$k.container"
        kind "$k" $((LIMIT / 8)) > "$tmp/small/$k.container"
done
kind env-lines 409600 > "$tmp/400kB/big.container"
# 1,000 files, each of one kind at an eighth of the limit, the kinds in turn
i=0
while [ $i -lt 1000 ]; do
        for k in $kinds; do
                [ $i -lt 1000 ] && cp "$tmp/small/$k.container" "$tmp/many/$k-$i.container"
                i=$((i + 1))
        done
done

# gen_ms DIR: milliseconds of one generator run over DIR, into fresh output directories
gen_ms() {
        local out t0 t1
        out=$(mktemp -d "$outbase/out.XXXXXX")
        mkdir "$out/normal" "$out/early" "$out/late"
        t0=$EPOCHREALTIME
        BERTH_DEFINITION_PATH="$1" "$gen" "$out/normal" "$out/early" "$out/late" 2>/dev/null
        t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
        rm -rf "$out"
}
verify_ms() {
        local t0 t1
        t0=$EPOCHREALTIME
        "$berth" verify "$1" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
median_of() { local _; for _ in $(seq "$N"); do "$@"; done | median; }

over=0
report() { # WHAT MS TARGET
        local flag=
        awk -v m="$2" -v t="$3" 'BEGIN { exit !(m <= t) }' || { flag="  OVER TARGET"; over=1; }
        printf '%-44s %10s ms  (target ≤ %s ms)%s\n' "$1" "$2" "$3" "$flag"
}

gen_ms "$tmp/env-lines" >/dev/null # warm the page cache
echo "median of $N runs; each file just under $LIMIT bytes unless said"
for k in $kinds 400kB; do
        f=$(echo "$tmp/$k"/*.container)
        # A refused file is said so: it still costs the generator a unit, which fails saying why.
        why=$("$berth" verify "$f" 2>&1 | sed "s|^berth: $f[:0-9]* ||" | cut -c1-32) || true
        report "generator, $k${why:+ (refused: $why)}" "$(median_of gen_ms "$tmp/$k")" $TARGET_ONE_MS
        report "  berth verify" "$(median_of verify_ms "$f")" $TARGET_ONE_MS
done
mb=$(du -sm "$tmp/many" | cut -f1)
report "generator, 1,000 files of all kinds ($mb MB)" "$(median_of gen_ms "$tmp/many")" $TARGET_MANY_MS
[ $over = 0 ] || { echo "over target" >&2; exit 1; }
