# SPDX-License-Identifier: LGPL-2.1-or-later
# Networking, side by side in one run:
#   1. berth run --rm IMAGE /bin/true on the bridge against --network none (target: ≤ 2 ms more),
#      and against systemd-nspawn --network-veth on the same tree (target: ≥ 4× faster);
#   2. networked containers started concurrently, per second (target: ≥ 100/s), each after the
#      floor: the same number of starts with no container in them (bench/floor.c);
#   3. 500 networked containers running at once, then all stopped: no veth, lease or nftables
#      element left.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-30}
CONCURRENT=${BENCH_CONCURRENT:-100 200 300}
CONCURRENT=${CONCURRENT//,/ } # commas too: TESTBED_ENV splits at spaces
MANY=${BENCH_MANY:-500}
tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null

# The bridge exists after the first container, as on any host that runs them.
berth run --rm benchimg /bin/true

# Bridge and none interleaved, run by run: the machine's drift over a block of runs (seen here
# at several ms) would otherwise land on one side of the difference.
pairs=$(mktemp)
for _ in $(seq "$N"); do
        echo "$(time_ms berth run --rm benchimg /bin/true) $(time_ms berth run --rm --network none benchimg /bin/true)"
done > "$pairs"
bridge_ms=$(awk '{ print $1 }' "$pairs" | median)
none_ms=$(awk '{ print $2 }' "$pairs" | median)
diff_ms=$(awk '{ print $1 - $2 }' "$pairs" | median)
rm -f "$pairs"
ports_ms=$(bench_n "$N" berth run --rm -p 18080:80 benchimg /bin/true)
nspawn_ms=$(bench_n "$N" systemd-nspawn -q --network-veth --register=no -D "$tree" /bin/true)
nspawn_reg_ms=$(bench_n "$N" systemd-nspawn -q --network-veth -D "$tree" /bin/true)

printf '%-58s %10s\n' "start to exit of /bin/true, median of $N" "ms"
printf '%-58s %10s\n' "berth run --rm (bridge: lease, veth, addresses)" "$bridge_ms"
printf '%-58s %10s\n' "berth run --rm -p 18080:80 (and a published port)" "$ports_ms"
printf '%-58s %10s\n' "berth run --rm --network none" "$none_ms"
printf '%-58s %10s\n' "systemd-nspawn -q --network-veth (registers)" "$nspawn_reg_ms"
printf '%-58s %10s\n' "systemd-nspawn -q --network-veth --register=no" "$nspawn_ms"
awk -v b="$bridge_ms" -v n="$none_ms" -v d="$diff_ms" -v s="$nspawn_reg_ms" 'BEGIN {
        printf "bridge - none = %.2f ms between the medians, %.2f ms median of the pairs (target ≤ 2)   nspawn --network-veth / berth = %.1f× (target ≥ 4)\n", b - n, d, s / b }'

veths() { ip -o link show type veth | grep -c ': vb' ; }
leases() { ls /run/berth/leases | wc -l; }
elements() { nft list map ip berth publish_any | grep -oE ': [0-9]+\.[0-9.]+ \. [0-9]+' | wc -l; }

# --- concurrent starts ---------------------------------------------------------------------------
# The namespaces go asynchronously after their last process: give the kernel a moment.
settle() { for _ in $(seq 50); do [ "$(veths)" = 0 ] && break; sleep 0.1; done; }

# The floor under it: the same detached starts with no container in them (bench/floor.c: a client
# that starts a Type=notify unit and waits for its job, whose process puts a sleeper into a
# transient scope with berth's scope properties). What systemd, dbus-daemon and two execs of
# libsystemd programs cost here; berth's namespaces, network, mounts, machined and supervisor
# come on top.
floor=${BERTH_BUILD_DIR:-}/bench/berth-floor
if [ -x "$floor" ]; then
        mkdir -p /run/systemd/system
        printf '[Service]\nType=notify\nNotifyAccess=main\nExecStart=%s service %%i\n' "$floor" \
                > /run/systemd/system/berth-floor@.service
        systemctl daemon-reload
fi
# floor_once N, berth_once N: seconds for N detached starts at once (berth's then removed)
floor_once() {
        local n=$1 t0 t1 active
        t0=$(date +%s%N)
        for i in $(seq "$n"); do "$floor" client "berth-floor@f$i.service" & done
        wait
        t1=$(date +%s%N)
        active=$(systemctl list-units --no-legend --state=active 'berth-floor@*' | wc -l)
        systemctl stop 'berth-floor@*'
        sleep 2 # the kernel frees the cgroups after the units are gone
        [ "$active" = "$n" ] || { echo "floor: only $active of $n started" >&2; return 1; }
        awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e9 }'
}
berth_once() {
        local n=$1 t0 t1 running distinct
        t0=$(date +%s%N)
        for i in $(seq "$n"); do
                berth run -d --name "c$i" benchimg sleep 1000 >/dev/null &
        done
        wait
        t1=$(date +%s%N)
        running=$(berth list --no-legend | grep -c ' running ')
        distinct=$(berth list -o json | python3 -c 'import json,sys; a=[o["address"] for o in json.load(sys.stdin) if o["address"]]; print(len(set(a)), len(a))')
        for i in $(seq "$n"); do echo "c$i"; done | xargs -n 50 -P 4 berth rm -f >/dev/null
        settle
        echo "  $n started: $running running, distinct/listed addresses $distinct; after removing them: veths $(veths), leases $(leases), elements $(elements)" >&2
        awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e9 }'
}

# At the first size, ROUNDS times the floor and berth in turn (this machine drifts by ±10% from
# one round to the next); the floor only there: beyond about 120 at once, dbus-daemon's 256
# connections per user refuse its client and service (it has no fallback, berth has).
ROUNDS=${BENCH_ROUNDS:-3}
first=1
for n in $CONCURRENT; do
        if [ "$first" = 1 ] && [ -x "$floor" ]; then
                f_s=() b_s=()
                for _ in $(seq "$ROUNDS"); do
                        f_s+=("$(floor_once "$n")")
                        b_s+=("$(berth_once "$n")")
                done
                f=$(printf '%s\n' "${f_s[@]}" | median)
                b=$(printf '%s\n' "${b_s[@]}" | median)
                awk -v n="$n" -v f="$f" -v b="$b" -v r="$ROUNDS" -v fa="${f_s[*]}" -v ba="${b_s[*]}" 'BEGIN {
                        printf "floor: %d starts of a unit with a scope and no container, concurrently: %.2f s, %.0f/s (median of %d: %s s)\n", n, f, n / f, r, fa
                        printf "%d networked containers started concurrently: %.2f s, %.0f/s (target ≥ 100/s; median of %d: %s s), %.0f%% of the floor rate\n",
                               n, b, n / b, r, ba, 100 * f / b }'
        else
                b=$(berth_once "$n")
                awk -v n="$n" -v b="$b" 'BEGIN {
                        printf "%d networked containers started concurrently: %.2f s, %.0f/s (target ≥ 100/s)\n", n, b, n / b }'
        fi
        first=0
done
if [ -x "$floor" ]; then
        rm -f /run/systemd/system/berth-floor@.service
        systemctl daemon-reload
fi

# --- many at once ----------------------------------------------------------------------------------
t0=$(date +%s%N)
for i in $(seq "$MANY"); do
        berth run -d --name "m$i" -p "$((20000 + i)):80" benchimg sleep 1000 >/dev/null &
        (( i % 50 == 0 )) && wait
done
wait
t1=$(date +%s%N)
echo "$MANY containers, each with a published port, running: $(berth list --no-legend | grep -c ' running ') \
(started in $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }') s); veths $(veths), leases $(leases), elements $(elements)"
t0=$(date +%s%N)
for i in $(seq "$MANY"); do echo "m$i"; done | xargs -n 50 -P 4 berth rm -f >/dev/null
t1=$(date +%s%N)
settle
echo "all stopped and removed in $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }') s: veths $(veths), leases $(leases), elements $(elements) (target: 0 0 0)"
