# SPDX-License-Identifier: LGPL-2.1-or-later
# Load, and what it leaves: BENCH_SEQ (1000) sequential `berth run --rm IMAGE true`, then
# BENCH_CYCLES (200) cycles of `berth run -d -p` + `berth rm -f`, with the counts of mounts, links,
# nftables elements, cgroups, files under /run/berth and open fds of systemd and dbus-daemon
# before and after (they must be equal; /run/berth/bus-slots, a fixed pool of 192 lock files made
# as first needed, and the seccomp cache are not counted); then BENCH_IDLE (1000) idle containers on the bridge
# (`sleep infinity`), started BENCH_PARALLEL (4) at a time, listed and removed, with what each
# costs: its supervisor's PSS and the kernel's share (MemAvailable before and after, divided).
# Runs in a testbed: bench/run BUILDDIR load.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
SEQ=${BENCH_SEQ:-1000}
CYCLES=${BENCH_CYCLES:-200}
IDLE=${BENCH_IDLE:-1000}
PAR=${BENCH_PARALLEL:-4}

tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" loadimg >/dev/null

# What the counts count, for a diff when they differ.
inventory() {
        find /run/berth 2>/dev/null | grep -v -e '/seccomp/' -e '/bus-slots/' | sort
        find /sys/fs/cgroup -type d 2>/dev/null | sort
        ls -l /proc/1/fd /proc/"$(pidof dbus-daemon | awk '{print $1}')"/fd 2>/dev/null | awk '{print $NF}' | sort
}

counts() {
        local dbus
        dbus=$(pidof dbus-daemon | awk '{print $1}')
        printf 'mounts=%s links=%s nft-elements=%s cgroups=%s run-berth-files=%s systemd-fds=%s dbus-fds=%s\n' \
                "$(wc -l < /proc/self/mountinfo)" \
                "$(ip -o link | wc -l)" \
                "$(nft -a list table ip berth 2>/dev/null | grep -c ' : ' || true)" \
                "$(find /sys/fs/cgroup -type d 2>/dev/null | wc -l)" \
                "$(find /run/berth 2>/dev/null | grep -v -e '/seccomp/' -e '/bus-slots/' | wc -l)" \
                "$(ls /proc/1/fd | wc -l)" \
                "$(ls /proc/"$dbus"/fd 2>/dev/null | wc -l)"
}
mem_available_kib() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }

# Once each, so that what the first start makes for good exists before the snapshot: the bridge,
# its nftables table, the seccomp cache, /run/berth/ready, system-container.slice, and
# systemd-machined (started on first use, with its D-Bus connection and cgroups).
berth run --rm -p 18999:80 loadimg true
berth run -d --name warmup -p 18999:80 loadimg sleep 100 >/dev/null
berth rm -f warmup >/dev/null
sleep 2
before=$(counts)
inventory > /tmp/inventory.before

t0=$(date +%s%N)
for i in $(seq "$SEQ"); do berth run --rm loadimg true || echo "run $i failed" >&2; done
t1=$(date +%s%N)
for i in $(seq "$CYCLES"); do
        berth run -d --name "cyc$i" -p 18080:80 loadimg sleep 100 >/dev/null || echo "run -d $i failed" >&2
        berth rm -f "cyc$i" >/dev/null || echo "rm -f $i failed" >&2
done
t2=$(date +%s%N)
sleep 2
after=$(counts)

echo "$SEQ × run --rm: $(( (t1 - t0) / 1000000 )) ms ($(( (t1 - t0) / 1000 / SEQ )) µs each)"
echo "$CYCLES × run -d -p + rm -f: $(( (t2 - t1) / 1000000 )) ms"
echo "before: $before"
echo "after:  $after"
if [ "$before" = "$after" ]; then
        echo "left behind: nothing"
else
        echo "left behind: THE COUNTS DIFFER"
        inventory | diff /tmp/inventory.before - | head -40
fi

# --- idle containers
avail0=$(mem_available_kib)
t0=$(date +%s%N)
seq "$IDLE" | xargs -P "$PAR" -I{} sh -c 'berth run -d --name idle{} loadimg sleep infinity >/dev/null || echo "start {} failed" >&2'
t1=$(date +%s%N)
sleep 5
running=$(berth list --no-legend | wc -l)
avail1=$(mem_available_kib)
pss=$(for p in $(pgrep -f "^berth-supervisor "); do awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup; done | awk '{s += $1} END {print s + 0}')
nsup=$(pgrep -cf "^berth-supervisor ")
list_ms=$(bench_n 5 berth list)
lista_ms=$(bench_n 5 berth list -a)
echo "$IDLE idle containers started $PAR at a time in $(( (t1 - t0) / 1000000 )) ms; $running running"
echo "berth list at $running: $list_ms ms; berth list -a: $lista_ms ms (median of 5)"
echo "per container: supervisor PSS $(( pss / (nsup > 0 ? nsup : 1) )) KiB; all memory (MemAvailable drop) $(( (avail0 - avail1) / (running > 0 ? running : 1) )) KiB"
t0=$(date +%s%N)
berth list -a --no-legend | awk '{print $1}' | xargs -P "$PAR" -n 20 berth rm -f >/dev/null
t1=$(date +%s%N)
echo "removed in $(( (t1 - t0) / 1000000 )) ms"
sleep 2
echo "after all: $(counts)"
