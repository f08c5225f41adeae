# SPDX-License-Identifier: LGPL-2.1-or-later
# Readiness and health (issue 17): Notify=yes passes the payload's READY=1 and STATUS= on to
# systemd, so that a unit After= the container waits for it; a payload that never says READY
# fails its start as a service would; health checks move a container from starting to healthy
# to unhealthy, with each HealthOnFailure= action; a check past its timeout is killed; an image's
# own HEALTHCHECK applies unless --no-healthcheck; all of it in the journal, list and inspect.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image hb "$BERTH_BUILD_DIR/tests/integration/notify-send"
# The STATE cell of berth list: between the name and the image (hb, or $2).
state() { berth list -a --no-legend | grep "^$1 " | sed -E "s/^[^ ]+ +(.*[^ ]) +${2:-hb} .*\$/\1/"; }
health() { berth inspect "$1" | python3 -c 'import json,sys; h=json.load(sys.stdin)["health"]; print(h and h["status"])'; }
active() { systemctl is-active "container@$1.service"; }

# --- Notify=yes -----------------------------------------------------------------------------------
dir=$(mktemp -d /tmp/notify.XXXXXX)
on_exit "rm -rf $dir"
berth create --name nt --init --sdnotify container -v "$dir:/shared" hb \
        sh -c 'sleep 2; echo yes > /shared/marker; notify-send READY=1 "STATUS=Accepting connections"; exec sleep 1000' >/dev/null
on_exit 'berth rm -f nt'
cat > /run/systemd/system/after-nt.service <<UNIT
[Unit]
Requires=container@nt.service
After=container@nt.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'cat $dir/marker > $dir/seen 2>&1 || echo missing > $dir/seen'
UNIT
on_exit 'rm -f /run/systemd/system/after-nt.service; systemctl daemon-reload'
systemctl daemon-reload
check "a unit After= a Notify=yes container starts" systemctl start after-nt.service
check_eq "  … only once the payload said READY=1 (it saw what the payload wrote first)" "$(cat "$dir/seen")" yes
check_eq "  … the payload's STATUS= is the unit's" "$(systemctl show -P StatusText container@nt.service)" "Accepting connections"
check_eq "  … the payload's NOTIFY_SOCKET is podman's" \
        "$(berth exec nt sh -c 'for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/environ; done | grep ^NOTIFY_SOCKET= | sort -u')" \
        NOTIFY_SOCKET=/run/notify/notify.sock
check_eq "  … and read-only there" "$(berth exec nt sh -c 'touch /run/notify/x 2>&1 | grep -c Read-only')" 1
mainpid=$(systemctl show -P MainPID container@nt.service)
ns=NOTIFY_SOCKET=/run/notify/notify.sock
berth exec -e $ns nt notify-send MAINPID=1 "STATUS=pid games" >/dev/null
berth exec -e $ns nt notify-send --fd "STATUS=with a file" >/dev/null
wait_for 5 sh -c '[ "$(systemctl show -P StatusText container@nt.service)" = "with a file" ]'
check_eq "MAINPID= from inside is dropped, STATUS= passes" \
        "$(systemctl show -P MainPID container@nt.service) $(systemctl show -P StatusText container@nt.service)" \
        "$mainpid with a file"
check_eq "  … and no descriptor sent along stays with the supervisor" \
        "$(ls -l /proc/"$mainpid"/fd | grep -c ' -> /$')" 0
berth exec -e $ns nt notify-send --flood 20000 "STATUS=flood" >/dev/null 2>&1
check "a flood of datagrams: the container still stops at once" berth stop -t 5 nt
check_eq "  … and is gone" "$(active nt)" inactive

berth run -d --name nd --sdnotify container hb sh -c 'sleep 1; notify-send READY=1; exec sleep 1000' >/dev/null
on_exit 'berth rm -f nd'
check_eq "berth run -d --sdnotify container returns once READY=1 came" "$(active nd)" active
berth rm -f nd >/dev/null

berth create --name nr --sdnotify container --stop-timeout 1 hb sleep 1000 >/dev/null
on_exit 'berth rm -f nr; rm -rf /run/systemd/system/container@nr.service.d; systemctl daemon-reload'
mkdir -p /run/systemd/system/container@nr.service.d
printf '[Service]\nTimeoutStartSec=3\n' > /run/systemd/system/container@nr.service.d/timeout.conf
systemctl daemon-reload
out=$(berth start nr 2>&1); rc=$?
check_match "a payload that never says READY: the start fails at the unit's timeout" "$rc $out" '^125 berth: container nr'
check_eq "  … as a service's would (Result=timeout)" "$(systemctl show -P Result container@nr.service)" timeout
check_eq "  … and leaves no scope" "$(systemctl is-active container-nr.scope)" inactive
check "  … nor its notify socket" test ! -e /run/berth/nr/notify

# WatchdogSec= of the unit: the payload gets WATCHDOG_USEC and pets it through us; one that stops
# is caught.
berth create --name nw --init --sdnotify container hb sh -c \
        'notify-send READY=1; while [ ! -e /tmp/stop ]; do notify-send WATCHDOG=1; sleep 0.3; done; exec sleep 1000' >/dev/null
on_exit 'berth rm -f nw; rm -rf /run/systemd/system/container@nw.service.d; systemctl daemon-reload'
mkdir -p /run/systemd/system/container@nw.service.d
printf '[Service]\nWatchdogSec=2\n' > /run/systemd/system/container@nw.service.d/watchdog.conf
systemctl daemon-reload
berth start nw >/dev/null
check_match "WatchdogSec=: the payload gets WATCHDOG_USEC" \
        "$(berth exec nw sh -c 'for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/environ; done | grep ^WATCHDOG_USEC= | sort -u')" \
        '^WATCHDOG_USEC=2000000$'
sleep 4
check_eq "  … and pets it: still active after twice its timeout" "$(active nw)" active
berth exec nw touch /tmp/stop
wait_for 10 sh -c '[ "$(systemctl is-active container@nw.service)" != active ]'
check_eq "  … a payload that stops petting it fails the unit (Result=watchdog)" \
        "$(systemctl show -P Result container@nw.service)" watchdog
berth rm -f nw >/dev/null

out=$(berth run -d --name nh --sdnotify healthy hb sleep 1000 2>&1); rc=$?
check_eq "Notify=healthy without a health check: one line" "$rc $out" \
        "125 berth: container nh failed to start: container nh: Notify=healthy needs a health check (HealthCmd=, or an image with a HEALTHCHECK)"
berth rm -f nh >/dev/null 2>&1

# --- health checks ----------------------------------------------------------------------------------
berth run -d --name hk --health-cmd 'test -f /tmp/ok' --health-interval 1s --health-retries 2 \
        --sdnotify healthy hb sh -c 'touch /tmp/ok; exec sleep 1000' >/dev/null
on_exit 'berth rm -f hk'
check_eq "Notify=healthy: run -d returns once the first check passed" "$(health hk)" healthy
check_eq "  … berth list says so" "$(state hk)" "running (healthy)"
check_eq "  … so does systemctl status (StatusText)" "$(systemctl show -P StatusText container@hk.service)" \
        "Container hk running (healthy)"
berth exec hk rm /tmp/ok
wait_for 10 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "hk" {print $3}'"'"')" = "(unhealthy)" ]'
check_eq "failing twice in a row: unhealthy" "$(state hk)" "running (unhealthy)"
check_eq "  … HealthOnFailure=none: it runs on" "$(active hk)" active
wait_for 10 sh -c '[ "$(journalctl -q -o cat CONTAINER_NAME=hk BERTH_EVENT=health_check | wc -l)" -ge 5 ]'
log=$(berth inspect hk | python3 -c '
import json, sys
h = json.load(sys.stdin)["health"]
print(len(h["log"]), h["log"][-1]["exit_code"], all(e["end"] >= e["start"] for e in h["log"]))')
check_eq "inspect: the last five results, the last a failure (exit 1), each with its times" "$log" "5 1 True"
check_eq "  … each change of state one journal line with CONTAINER_NAME=" \
        "$(journalctl -q -o cat CONTAINER_NAME=hk BERTH_EVENT=health_status | tr '\n' ' ')" \
        "container hk is starting container hk is healthy container hk is unhealthy "
berth exec hk touch /tmp/ok
wait_for 5 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "hk" {print $3}'"'"')" = "(healthy)" ]'
check_eq "a pass heals it" "$(state hk)" "running (healthy)"
berth pause hk >/dev/null
n=$(journalctl -q -o cat CONTAINER_NAME=hk BERTH_EVENT=health_check | wc -l)
sleep 3
check_eq "paused: no checks run (docker's rule), none fail" \
        "$(journalctl -q -o cat CONTAINER_NAME=hk BERTH_EVENT=health_check | wc -l) $(state hk)" "$n paused (healthy)"
berth unpause hk >/dev/null
wait_for 5 sh -c '[ "$(journalctl -q -o cat CONTAINER_NAME=hk BERTH_EVENT=health_check | wc -l)" -gt '"$n"' ]'
check_eq "  … unpaused: they go on, and it is still healthy" "$(state hk)" "running (healthy)"
pids_between=$(systemctl show -P TasksCurrent container@hk.service)
check_eq "between checks the container costs no process of its own (the supervisor alone)" "$pids_between" 1
berth rm -f hk >/dev/null

for action in kill stop restart; do
        berth run -d --name "hf$action" --init --health-cmd 'false' --health-interval 1s --health-retries 1 \
                --health-on-failure "$action" hb sleep 1000 >/dev/null
        on_exit "berth rm -f hf$action"
done
wait_for 15 sh -c '[ "$(systemctl is-active container@hfkill.service)" != active ]'
check_eq "HealthOnFailure=kill: the container dies of SIGKILL (137)" \
        "$(systemctl show -P ExecMainStatus container@hfkill.service)" 137
wait_for 15 sh -c '[ "$(systemctl is-active container@hfstop.service)" = inactive ]'
check_eq "HealthOnFailure=stop: stopped (its StopSignal), not failed" "$(active hfstop)" inactive
wait_for 20 sh -c '[ "$(systemctl show -P NRestarts container@hfrestart.service)" -ge 1 ]'
check "HealthOnFailure=restart: systemd restarts it, whatever Restart= says" \
        test "$(systemctl show -P NRestarts container@hfrestart.service)" -ge 1
wait_for 10 sh -c '[ "$(systemctl is-active container@hfrestart.service)" = active ]'
check_match "  … list shows the restarts" "$(state hfrestart)" '^running \((starting|unhealthy), [0-9]+ restarts?\)$'
check_match "  … inspect counts them" "$(berth inspect hfrestart | grep '"restart_count"')" '"restart_count": [1-9]'
berth rm -f hfkill hfstop hfrestart >/dev/null

berth run -d --name hhang --health-cmd 'sleep 100' --health-interval 1s --health-timeout 1s \
        --health-retries 1 hb sleep 1000 >/dev/null
on_exit 'berth rm -f hhang'
wait_for 15 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "hhang" {print $3}'"'"')" = "(unhealthy)" ]'
check_eq "a check that hangs past its timeout fails" "$(state hhang)" "running (unhealthy)"
check_match "  … inspect says so" "$(berth inspect hhang | python3 -c 'import json,sys; print(json.load(sys.stdin)["health"]["log"][-1])')" \
        "'exit_code': -1.*Health check exceeded timeout \(1s\)"
check_eq "  … and its command is killed, not left in the container" \
        "$(berth exec hhang ps -o args | grep -c '^sleep 100$')" 0
berth rm -f hhang >/dev/null

# The check runs as exec: the container's user, its environment, no shell needed for CMD.
berth run -d --name hcmd --user user -e SECRET=s3 --health-cmd '["sh", "-c", "test $(id -u) = 1000 && test $SECRET = s3"]' \
        --health-interval 1s hb sleep 1000 >/dev/null
on_exit 'berth rm -f hcmd'
wait_for 10 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "hcmd" {print $3}'"'"')" = "(healthy)" ]'
check_eq "a check in CMD form runs as the container's user with its environment" "$(state hcmd)" "running (healthy)"
berth rm -f hcmd >/dev/null

# Startup checks: the startup one first; then the regular one.
berth run -d --name hst --health-startup-cmd 'test -f /tmp/up' --health-startup-interval 1s \
        --health-cmd 'true' --health-interval 1s hb sh -c 'sleep 3; touch /tmp/up; exec sleep 1000' >/dev/null
on_exit 'berth rm -f hst'
sleep 1.5
check_eq "the startup check holds the container in starting" "$(state hst)" "running (starting)"
wait_for 15 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "hst" {print $3}'"'"')" = "(healthy)" ]'
check_eq "  … until it passed; then the regular check" "$(state hst)" "running (healthy)"
berth rm -f hst >/dev/null

# --- an image's HEALTHCHECK -------------------------------------------------------------------------
python3 "$SRC/tests/integration/helpers/image-archive.py" docker-health /tmp/health-image.tar
on_exit 'rm -f /tmp/health-image.tar; berth image rm health:1'
berth image load /tmp/health-image.tar >/dev/null
berth run -d --name himg health:1 sh -c 'echo > /tmp/healthy; exec sleep 1000' >/dev/null
on_exit 'berth rm -f himg'
wait_for 10 sh -c '[ "$(berth list --no-legend | awk '"'"'$1 == "himg" {print $3}'"'"')" = "(healthy)" ]'
check_eq "an image's HEALTHCHECK applies" "$(state himg health:1)" "running (healthy)"
berth run -d --name hnone --no-healthcheck health:1 sleep 1000 >/dev/null
on_exit 'berth rm -f hnone'
check_eq "  … --no-healthcheck turns it off" "$(state hnone health:1)" "running"
berth rm -f himg hnone >/dev/null

# --- events --------------------------------------------------------------------------------------------
ev=$(berth events --since 10m --until 0s --filter container=hk --format json | python3 -c '
import json, sys
print(" ".join(sorted({json.loads(l)["Action"].split(":")[0] for l in sys.stdin})))')
check_eq "berth events saw hk start, change health, pause, unpause, and rm -f kill and stop it" "$ev" "die health_status kill pause start stop unpause"
