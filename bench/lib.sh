# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the benchmarks, run inside a testbed.

# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# time_ms CMD…: wall-clock milliseconds (3 decimals) of one run of CMD
time_ms() {
        local t0 t1
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1000000 }'
}

# bench_n N CMD…: median milliseconds of N runs (after one warm-up)
bench_n() {
        local n=$1; shift
        "$@" >/dev/null 2>&1 || true
        for _ in $(seq "$n"); do time_ms "$@"; done | median
}

# a busybox tree at $1
make_tree() {
        mkdir -p "$1"/{bin,etc,proc,sys,dev,tmp,root,usr/lib,var}
        cp /bin/busybox "$1/bin/busybox"
        for a in $("$1/bin/busybox" --list); do [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"; done
        echo 'root:x:0:0:root:/root:/bin/sh' > "$1/etc/passwd"
        echo 'root:x:0:' > "$1/etc/group"
        printf 'ID=bench\nNAME=bench\n' > "$1/etc/os-release"
        cp "$1/etc/os-release" "$1/usr/lib/os-release"
}
