# SPDX-License-Identifier: LGPL-2.1-or-later
# What a health check costs, run the two ways issue 17 allowed, interleaved:
#   supervisor  what berth does: berth-supervisor forks berth-helper --health NAME PID with the
#               PID 1's pidfd (here: a python parent doing the same fork and exec);
#   timer       what a systemd timer would do at each interval: start a oneshot service that
#               runs the check with berth exec (here: systemctl start of that service).
# Both run `true` in the same container: wall-clock ms (median, interleaved), and the CPU time the
# whole machine spent per check (over a block of each: systemd's own work included).
# And between checks: the tasks of a health-checked container's service and scope.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-30}

tree=/var/lib/bench-tree
make_tree "$tree"
berth image import "$tree" benchimg >/dev/null
berth run -d --name hbench --health-cmd true --health-interval 1h benchimg sleep 100000 >/dev/null
pid=$(systemctl show -P MainPID container@hbench.service)
pid1=$(berth inspect hbench | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
cat > /run/systemd/system/hbench-check.service <<UNIT
[Service]
Type=oneshot
CPUAccounting=yes
ExecStart=/usr/bin/berth exec hbench true
UNIT
systemctl daemon-reload

python3 - "$N" "$pid1" <<'PY'
import os, subprocess, sys, time

n, pid1 = int(sys.argv[1]), int(sys.argv[2])
helper = "/usr/libexec/berth/berth-helper"
for p in ("/usr/lib/berth/berth-helper", "/usr/local/libexec/berth/berth-helper"):
    if os.path.exists(p) and not os.path.exists(helper):
        helper = p

def busy_ms():
    """CPU time the whole machine spent, from /proc/stat: user, nice, system, irq, softirq."""
    f = open("/proc/stat").readline().split()
    return sum(int(x) for x in (f[1], f[2], f[3], f[6], f[7])) * 1000 / os.sysconf("SC_CLK_TCK")

def supervisor_way():
    fd = os.pidfd_open(pid1)
    if fd != 3:
        os.dup2(fd, 3, inheritable=True)
        os.close(fd)
    os.set_inheritable(3, True)
    t0 = time.monotonic()
    rc = subprocess.run([helper, "--health", "hbench", str(pid1)], pass_fds=(3,),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t1 = time.monotonic()
    os.close(3)
    assert rc == 0, rc
    return (t1 - t0) * 1000

def timer_way():
    t0 = time.monotonic()
    rc = subprocess.run(["systemctl", "start", "hbench-check.service"]).returncode
    t1 = time.monotonic()
    assert rc == 0, rc
    return (t1 - t0) * 1000

def median(xs):
    xs = sorted(xs)
    return (xs[len(xs) // 2] + xs[(len(xs) - 1) // 2]) / 2

def cpu_per_run(f):
    b0 = busy_ms()
    for _ in range(n):
        f()
    return (busy_ms() - b0) / n

supervisor_way(); timer_way()
rows = [(supervisor_way(), timer_way()) for _ in range(n)]
# CPU: the whole machine's, over n runs of one way, then of the other (each in a block of its own).
cpu = (cpu_per_run(supervisor_way), cpu_per_run(timer_way))
print(f"{'one health check of `true`, ' + str(n) + ' each':58} {'wall ms':>10} {'CPU ms':>10}")
print(f"{'supervisor: fork + exec berth-helper --health':58} {median([r[0] for r in rows]):10.1f} {cpu[0]:10.1f}")
print(f"{'systemd timer: start a oneshot running berth exec':58} {median([r[1] for r in rows]):10.1f} {cpu[1]:10.1f}")
PY
echo "between checks: service tasks $(systemctl show -P TasksCurrent container@hbench.service)," \
     "scope tasks $(systemctl show -P TasksCurrent container-hbench.scope) (the supervisor; the payload)"
rm -f /run/systemd/system/hbench-check.service
systemctl daemon-reload
berth rm -f hbench >/dev/null
berth image rm benchimg >/dev/null
