# SPDX-License-Identifier: LGPL-2.1-or-later
# berth events and berth logs over a large journal: BENCH_EVENTS (200,000) events of BENCH_NAMES
# (100) containers and as many lines of other programs, then a few new events and lines. Median
# wall-clock time of BENCH_N (10) runs of:
#   berth events --since T --until now    T after the bulk: the journal seeks there, so the bulk
#                                         must cost next to nothing
#   berth events --until now -f container=NAME    one container's events, from the oldest
#   berth logs -n 10 NAME                 a container whose last lines lie behind BENCH_EVENTS/100
#                                         of its own events (health checks, say), which -n steps
#                                         back over
# and journalctl BERTH_EVENT=… alongside, for scale. Runs in a testbed: bench/run BUILDDIR events.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-10}
EVENTS=${BENCH_EVENTS:-200000}
NAMES=${BENCH_NAMES:-100}

# journald keeps everything the bench writes: no rate limit, room enough.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nRateLimitIntervalSec=0\nRateLimitBurst=0\nSystemMaxUse=4G\nRuntimeMaxUse=4G\n' \
        > /etc/systemd/journald.conf.d/bench.conf
systemctl restart systemd-journald

# The native protocol, one datagram per entry, as berth writes them (event.h).
python3 - "$EVENTS" "$NAMES" <<'PY'
import socket, sys, time
events, names = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
s.connect("/run/systemd/journal/socket")
def send(fields):
    data = "".join(f"{k}={v}\n" for k, v in fields).encode()
    while True:
        try:
            s.send(data)
            return
        except BlockingIOError:
            time.sleep(0.001)
        except OSError as e:
            if e.errno != 11:
                raise
            time.sleep(0.001)
send([("MESSAGE", "the last line"), ("SYSLOG_IDENTIFIER", "quiet"), ("CONTAINER_NAME", "quiet")] )
for i in range(events):
    c = f"c{i % names}"
    send([("MESSAGE", f"container {c}: health check"), ("PRIORITY", "6"), ("SYSLOG_IDENTIFIER", "berth"),
          ("CONTAINER_NAME", c), ("BERTH_EVENT", "health_check"), ("BERTH_HEALTH_EXIT", "0"),
          ("BERTH_IMAGE", "bench")])
    send([("MESSAGE", f"noise {i}"), ("SYSLOG_IDENTIFIER", "noise")])
    if i % names == 0:
        send([("MESSAGE", "container quiet: health check"), ("PRIORITY", "6"), ("SYSLOG_IDENTIFIER", "berth"),
              ("CONTAINER_NAME", "quiet"), ("BERTH_EVENT", "health_check"), ("BERTH_HEALTH_EXIT", "0")])
PY
journalctl --sync
sleep 1
mid=$(date +%s.%N)
for i in 1 2 3; do
        printf '%s\n' MESSAGE="container c1 paused" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=c1 BERTH_EVENT=pause | logger --journald
done
# `berth logs` needs a definition to look at.
mkdir -p /run/berth/containers
printf '[Container]\nImage=bench\nExec=true\n' > /run/berth/containers/quiet.container
journalctl --sync

entries=$(journalctl -q -o cat --no-pager | wc -l)
new=$(berth events --since "$mid" --until now | wc -l)
one=$(berth events --until now -f container=c1 -f event=health_check | wc -l)
[ "$new" = 3 ] || echo "warning: berth events --since after the bulk printed $new events, not 3" >&2
[ "$one" = $((EVENTS / NAMES)) ] || echo "warning: c1 has $one health checks, not $((EVENTS / NAMES))" >&2
[ "$(berth logs -n 10 -o cat quiet)" = "the last line" ] || echo "warning: berth logs -n 10 quiet is not its one line" >&2

printf '%-64s %10s\n' "$entries journal entries, $EVENTS events; median of $N" "ms"
printf '%-64s %10s\n' "berth events --since (after the bulk) --until now" "$(bench_n "$N" berth events --since "$mid" --until now)"
printf '%-64s %10s\n' "journalctl --since (the same) BERTH_EVENT=pause" "$(bench_n "$N" journalctl -q --since "@${mid%.*}" BERTH_EVENT=pause)"
printf '%-64s %10s\n' "berth events --until now -f container=c1 -f event=health_check" \
        "$(bench_n "$N" berth events --until now -f container=c1 -f event=health_check)"
printf '%-64s %10s\n' "journalctl CONTAINER_NAME=c1 BERTH_EVENT=health_check" \
        "$(bench_n "$N" journalctl -q -o cat CONTAINER_NAME=c1 BERTH_EVENT=health_check)"
printf '%-64s %10s\n' "berth logs -n 10 (behind $((EVENTS / NAMES)) events)" "$(bench_n "$N" berth logs -n 10 quiet)"
rm -f /run/berth/containers/quiet.container /etc/systemd/journald.conf.d/bench.conf
