# SPDX-License-Identifier: LGPL-2.1-or-later
# A container end to end: berth run in the foreground and as container@NAME.service, its scope,
# its journal, its defaults, stop, kill -9 of the helper, and bad input.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb

# --- exit codes -------------------------------------------------------------------------------
berth run --rm bb true; check_eq "exit code 0" "$?" 0
berth run --rm bb sh -c 'exit 7'; check_eq "exit code 7" "$?" 7
out=$(berth run --rm bb /etc/passwd 2>&1); rc=$?
check_eq "a command that cannot be executed exits 126" "$rc" 126
check_match "  … and says so in one line" "$out" "^berth: cannot run '/etc/passwd' in the container: Permission denied$"
out=$(berth run --rm bb no-such-command 2>&1); rc=$?
check_eq "a command that is not found exits 127" "$rc" 127
check_eq "  … and says so in one line" "$out" "berth: executable 'no-such-command' not found in the container's \$PATH"

# --- the inside ---------------------------------------------------------------------------------
check_eq "hostname defaults to the name" "$(berth run --rm --name hn1 bb hostname)" hn1
check_eq "-h sets the hostname" "$(berth run --rm -h other bb hostname)" other
check_eq "the payload is PID 1" "$(berth run --rm bb sh -c 'echo $$')" 1
check_eq "under --init the payload is PID 2" "$(berth run --rm --init bb sh -c 'echo $$')" 2
# A zombie: the orphaned child of a child that exits; init must reap it.
zombies=$(berth run --rm --init bb sh -c '(sh -c "sleep 0.2 &" ); sleep 0.5; ps -o stat= | grep -c Z')
check_eq "--init reaps zombies" "$zombies" 0
check_eq "--init passes the exit code" "$(berth run --rm --init bb sh -c 'exit 9'; echo $?)" 9
caps=$(berth run --rm bb cat /proc/self/status)
check_eq "CapEff is docker's default set" "$(echo "$caps" | awk '/^CapEff/ {print $2}')" 00000000a80425fb
check_eq "CapBnd is docker's default set" "$(echo "$caps" | awk '/^CapBnd/ {print $2}')" 00000000a80425fb
check_eq "CapInh is empty" "$(echo "$caps" | awk '/^CapInh/ {print $2}')" 0000000000000000
check_eq "CapAmb is empty" "$(echo "$caps" | awk '/^CapAmb/ {print $2}')" 0000000000000000
check_eq "--cap-add NET_ADMIN adds bit 12" \
        "$(berth run --rm --cap-add NET_ADMIN bb awk '/^CapEff/ {print $2}' /proc/self/status)" 00000000a80435fb
check_eq "--cap-drop CHOWN drops bit 0" \
        "$(berth run --rm --cap-drop CHOWN bb awk '/^CapEff/ {print $2}' /proc/self/status)" 00000000a80425fa
check_eq "a non-root user has no effective capabilities" \
        "$(berth run --rm -u user bb awk '/^CapEff/ {print $2}' /proc/self/status)" 0000000000000000
check_eq "-u user runs as uid 1000 with its groups" "$(berth run --rm -u user bb id)" \
        "uid=1000(user) gid=1000(user) groups=2000(extra)"
check_eq "HOME comes from the image's passwd" "$(berth run --rm -u user bb sh -c 'echo $HOME')" /home/user
check_eq "-u 1234:5678" "$(berth run --rm -u 1234:5678 bb sh -c 'id -u; id -g' | paste -sd:)" 1234:5678
out=$(berth run --rm -u nosuchuser bb true 2>&1); rc=$?
check_eq "an unknown user fails with 125" "$rc" 125
check_match "  … naming the user" "$out" "nosuchuser"
check_eq "-w sets the working directory" "$(berth run --rm -w /tmp bb pwd)" /tmp
check_eq "-e sets the environment" "$(berth run --rm -e FOO='a b' bb sh -c 'echo "$FOO"')" "a b"
printf 'A=1\n# comment\nB=two words\n' > /tmp/envfile
check_eq "--env-file" "$(berth run --rm --env-file /tmp/envfile bb sh -c 'echo $A-$B')" "1-two words"
check_eq "PATH is set" "$(berth run --rm bb sh -c 'echo $PATH')" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
check_eq "--entrypoint" "$(berth run --rm --entrypoint echo bb hello)" hello
check_fails "/proc/sys is read-only" berth run --rm bb sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
        [ -e "$p" ] || continue
        check_eq "$p is masked" "$(berth run --rm bb sh -c "wc -c < $p")" 0
done
check_eq "/sys/firmware is masked" "$(berth run --rm bb ls /sys/firmware | wc -l)" 0
check_fails "/sys is read-only" berth run --rm bb touch /sys/kernel/x
check_fails "--read-only makes / read-only" berth run --rm --read-only bb touch /x
check "--privileged has all capabilities" \
        sh -c '[ "$(berth run --rm --privileged bb awk "/^CapEff/ {print \$2}" /proc/self/status)" = "$(awk "/^CapBnd/ {print \$2}" /proc/self/status)" ]'
check_eq "/dev is small" "$(berth run --rm bb ls /dev | paste -sd' ')" \
        "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero"
check_eq "only lo in --network none" "$(berth run --rm --network none bb ls /sys/class/net)" lo

# The same name again at once: the previous run's dead scope may not be collected yet.
ok_runs=0
for i in $(seq 10); do berth run --rm --name again bb true && ok_runs=$((ok_runs + 1)); done
check_eq "ten back-to-back runs of one name all start" "$ok_runs" 10

# --- terminals and stdin ------------------------------------------------------------------------
tty_out=$(script -qec "stty cols 91 rows 27; berth run --rm -t bb sh -c 'tty; stty size; echo \$TERM'" /dev/null | tr -d '\r')
check_eq "-t gives a pty of the container's own devpts" "$(echo "$tty_out" | sed -n 1p)" /dev/pts/0
check_eq "  … with our window size" "$(echo "$tty_out" | sed -n 2p)" "27 91"
sizes=$(for _ in $(seq 20); do script -qec "stty cols 91 rows 27; berth run --rm -t bb stty size" /dev/null; done | tr -d '\r' | sort | uniq -c | awk '{print $1, $2, $3}')
check_eq "  … set before the payload runs, not passed on after (twenty runs)" "$sizes" "20 27 91"
check_eq "  … and TERM" "$(echo "$tty_out" | sed -n 3p)" xterm
check_eq "-i passes stdin" "$(echo piped | berth run --rm -i bb cat)" piped
check_eq "without -i stdin is empty" "$(echo piped | berth run --rm bb cat)" ""
berth run --rm --name rmme bb true
check_fails "--rm removes the definition" test -e /run/berth/containers/rmme.container
check_fails "--rm removes the container's files" test -e /var/lib/berth/containers/rmme

berth run -d --rm --name rmd bb true >/dev/null
for _ in $(seq 50); do [ -e /run/berth/containers/rmd.container ] || break; sleep 0.1; done
check_fails "-d --rm removes the definition once the unit stopped" test -e /run/berth/containers/rmd.container
check_fails "  … and the container's files" test -e /var/lib/berth/containers/rmd

# --- the foreground container's journal --------------------------------------------------------
berth run --rm --name fg1 bb sh -c 'echo out-line; echo err-line >&2' >/dev/null 2>&1
journalctl --sync
check_eq "foreground stdout in the journal at priority 6" \
        "$(journalctl -o cat CONTAINER_NAME=fg1 PRIORITY=6 --no-pager | grep -c out-line)" 1
check_eq "foreground stderr in the journal at priority 3" \
        "$(journalctl -o cat CONTAINER_NAME=fg1 PRIORITY=3 --no-pager | grep -c err-line)" 1

# --- as a service -------------------------------------------------------------------------------
out=$(berth run -d --name svc1 --memory 64M --pids-limit 50 bb sh -c 'echo to-out; echo to-err >&2; exec sleep 1000')
check_eq "-d prints the name" "$out" svc1
check_eq "container@svc1.service is active" "$(systemctl is-active container@svc1.service)" active
check_eq "its scope is active" "$(systemctl is-active container-svc1.scope)" active
check_eq "the scope is in machine.slice" "$(systemctl show -P Slice container-svc1.scope)" machine.slice
check_eq "MemoryMax on the scope" "$(systemctl show -P MemoryMax container-svc1.scope)" 67108864
check_eq "TasksMax on the scope" "$(systemctl show -P TasksMax container-svc1.scope)" 50
check_eq "the limit reaches the memory cgroup" \
        "$(cat /sys/fs/cgroup/memory/machine.slice/container-svc1.scope/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/machine.slice/container-svc1.scope/memory.max)" 67108864
check_eq "DevicePolicy=closed" "$(systemctl show -P DevicePolicy container-svc1.scope)" closed
check_match "the scope is bound to the service" "$(systemctl show -P BindsTo container-svc1.scope)" container@svc1.service
check_match "the helper (now berth-supervisor) is the main PID" "$(cat /proc/$(systemctl show -P MainPID container@svc1.service)/comm)" "^berth-(helper|superviso)"
helper_pid=$(systemctl show -P MainPID container@svc1.service)
check_match "the helper supervises in a small footprint (PSS ≤ 256 KiB)" \
        "$(awk '/^Pss:/ {print ($2 <= 256) ? "small" : "big: " $2 " kB"}' /proc/$helper_pid/smaps_rollup)" '^small$'
sleep 0.3
journalctl --sync
check_eq "stdout in the journal at priority 6 under the service" \
        "$(journalctl -o cat -u container@svc1.service PRIORITY=6 --no-pager | grep -c to-out)" 1
check_eq "stderr at priority 3 under the service" \
        "$(journalctl -o cat -u container@svc1.service PRIORITY=3 --no-pager | grep -c to-err)" 1
check_eq "CONTAINER_NAME on the payload's lines" \
        "$(journalctl -o cat CONTAINER_NAME=svc1 --no-pager | grep -c to-out)" 1
check_eq "SYSLOG_IDENTIFIER is the name" \
        "$(journalctl -o export -u container@svc1.service --no-pager | grep -a -m1 -o '^SYSLOG_IDENTIFIER=svc1$')" SYSLOG_IDENTIFIER=svc1
out=$(berth run -d --name svc1 bb true 2>&1); rc=$?
check_eq "a name already running is refused" "$rc" 125
check_match "  … saying so" "$out" "container svc1 exists"
# Two foreground runs of one name at once: the loser learns it from the definition or from the
# lock its guard could not take, and leaves nothing behind.
for _ in 1 2 3; do
        berth run --rm --name dupx bb sleep 1 >/dev/null 2>&1 & a=$!
        berth run --rm --name dupx bb sleep 1 >/dev/null 2>&1 & b=$!
        wait $a; ra=$?; wait $b; rb=$?
        echo "$ra $rb" | tr ' ' '\n' | sort | paste -sd' '
done > /tmp/dupx.rc
check_eq "two runs of one name at once: one runs, the other is refused (three times)" "$(sort -u /tmp/dupx.rc)" "0 125"
check_eq "  … and nothing of either stays" "$(ls /run/berth/locks/dupx /run/berth/containers/dupx.container 2>/dev/null)" ""
rm -f /tmp/dupx.rc

# A start that fails in the helper: run -d says why, in one line, from the journal (the entry
# is found by CONTAINER_NAME=, even when journald reads it after the helper is gone).
on_exit "berth rm -f nostart1"
out=$(berth run -d --name nostart1 bb /no/such/program 2>&1); rc=$?
check_eq "run -d of a payload that cannot start: 125" "$rc" 125
check_eq "  … saying why in one line" "$out" \
        "berth: container nostart1 failed to start: executable '/no/such/program' not found in the container's \$PATH"
check_eq "  … and the service failed" "$(systemctl is-active container@nostart1.service)" failed
out=$(berth start nostart1 2>&1); rc=$?
check_eq "start again: 125 with the same reason, this run's" "$rc $out" \
        "125 berth: container nostart1 failed to start: executable '/no/such/program' not found in the container's \$PATH"

# run -d learns that the container runs from the helper (/run/berth/ready/NAME/PID), not by
# holding a D-Bus connection for the whole start: made slow here by an ExecStartPre= of 2 s.
# conns_of PID [PATTERN]: how many of process PID's sockets are connected to a socket whose path
# matches PATTERN (default: dbus-daemon's or systemd's private one)
conns_of() {
        local inodes
        inodes=$(ls -l /proc/"$1"/fd 2>/dev/null | grep -o 'socket:\[[0-9]*\]' | grep -o '[0-9]*' | paste -sd'|')
        [ -n "$inodes" ] || { echo 0; return; }
        ss -xp | grep -E "${2:-dbus/system_bus_socket|systemd/private}" | grep -cE " ($inodes) "
}
mkdir -p /run/systemd/system/container@slow1.service.d /run/systemd/system/container@early1.service.d
on_exit rm -rf /run/systemd/system/container@slow1.service.d /run/systemd/system/container@early1.service.d
printf '[Service]\nExecStartPre=/bin/sleep 2\n' > /run/systemd/system/container@slow1.service.d/slow.conf
printf '[Service]\nExecStartPre=/bin/false\n' > /run/systemd/system/container@early1.service.d/early.conf
systemctl daemon-reload
on_exit "berth rm -f slow1"
berth run -d --name slow1 bb sleep 1000 >/tmp/slow1.out 2>&1 &
cli=$!
# (Under load the CLI may take a moment to get there: poll, within the 2 s of the start.)
for _ in $(seq 15); do
        [ -S "/run/berth/ready/slow1/$cli" ] && [ "$(conns_of $cli)" = 0 ] && break
        sleep 0.1
done
check "while it starts, run -d waits on its socket in /run/berth/ready/slow1" test -S "/run/berth/ready/slow1/$cli"
check_eq "  … holding no D-Bus connection" "$(conns_of $cli)" 0
check_eq "  … while the unit is still starting" "$(systemctl show -P ActiveState container@slow1.service)" activating
check "  … and the CLI has not returned then" kill -0 $cli
wait $cli; rc=$?
check_eq "  … and returns 0 once it runs" "$rc $(systemctl is-active container@slow1.service)" "0 active"
check_fails "  … leaving no socket behind" test -e /run/berth/ready/slow1
out=$(berth start slow1 2>&1); rc=$?
check_eq "start of a running container: 0 at once" "$rc $out" "0 "
# A socket whose waiter is gone is unlinked by the next helper that tells.
mkdir -p /run/berth/ready/slow1
python3 -c 'import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/run/berth/ready/slow1/999999")'
berth stop -t 0 slow1 >/dev/null # sleep as PID 1 ignores SIGTERM
check "a waiter's socket left by a killed CLI" test -S /run/berth/ready/slow1/999999
check "  … does not stop the next start" berth start slow1
check_fails "  … and is gone after it" test -e /run/berth/ready/slow1/999999
# A unit that fails before the helper runs: systemd tells, within a second or two.
on_exit "berth rm -f early1"
berth create --name early1 bb true >/dev/null
out=$(berth start early1 2>&1); rc=$?
check_eq "a unit that fails before the helper runs: 125" "$rc" 125
check_match "  … saying so" "$out" "^berth: container early1 failed to start \(job failed, exit status [0-9]+\); see 'journalctl -u container@early1.service'$"
check_eq "  … told by the unit's own result, not by waiting" "$(systemctl show -P Result container@early1.service)" exit-code
berth rm -f slow1 early1 >/dev/null
rm -rf /run/systemd/system/container@slow1.service.d /run/systemd/system/container@early1.service.d
systemctl daemon-reload

# dbus-daemon at its 256 connections per user (a few hundred starts at once): berth waits for one
# to end instead of taking systemd's private socket, where every signal would go to it.
rm -f /tmp/hold.fifo; mkfifo /tmp/hold.fifo
"$BERTH_BUILD_DIR/tests/integration/hold-bus" 400 < /tmp/hold.fifo > /tmp/hold.out &
hold=$!
exec 7> /tmp/hold.fifo
on_exit "exec 7>&-; kill $hold"
wait_for 10 test -s /tmp/hold.out
check "the system bus is full ($(cat /tmp/hold.out) connections held)" test "$(cat /tmp/hold.out)" -lt 400
on_exit "berth rm -f full1"
berth run -d --name full1 bb sleep 1000 > /tmp/full1.out 2>&1 7>&- & # not holding the fifo open
cli=$!
sleep 1.5
check "  … run -d waits" kill -0 $cli
check_eq "  … on no connection to systemd's private socket" "$(conns_of $cli systemd/private)" 0
exec 7>&-
wait $cli; rc=$?
check_eq "  … and starts the container once connections are free again" \
        "$rc $(systemctl is-active container@full1.service)" "0 active"
wait $hold
berth rm -f full1 >/dev/null

# berth's share of those connections: 192 lock files in /run/berth/bus-slots, one held per
# connection, so that machined and the rest of the system's root services always find some.
# With all of them taken a start waits, connecting to nothing; once one is free it goes on.
slots_all_free() {
        local k
        for k in $(seq 0 191); do flock -n "/run/berth/bus-slots/$k" true || return 1; done
}
mkdir -p /run/berth/bus-slots
rm -f /tmp/slots.fifo; mkfifo /tmp/slots.fifo
bash -c 'for k in $(seq 0 191); do exec {fd}>"/run/berth/bus-slots/$k"; flock -n "$fd" || exit 1; done
         echo held > /tmp/slots.out; read -r _' < /tmp/slots.fifo &
holder=$!
exec 8> /tmp/slots.fifo
on_exit "exec 8>&-; kill $holder"
wait_for 5 test -s /tmp/slots.out
on_exit "berth rm -f slots1"
berth run -d --name slots1 bb sleep 1000 > /tmp/slots1.out 2>&1 8>&- &
cli=$!
sleep 1.5
check "all bus slots taken: run -d waits" kill -0 $cli
check_eq "  … connected to no bus meanwhile" "$(conns_of $cli)" 0
exec 8>&-
wait $cli; rc=$?
check_eq "  … and starts the container once they are free" "$rc $(systemctl is-active container@slots1.service)" "0 active"
check "  … no slot stays held while it runs" slots_all_free
berth rm -f slots1 >/dev/null

# A foreground run lets go of D-Bus once its payload runs: it used to keep a connection (and
# would keep a slot) for as long as the container ran.
on_exit "berth rm -f fgbus1"
berth run --name fgbus1 bb sleep 1000 >/dev/null 2>&1 &
fgcli=$!
wait_for 10 sh -c 'berth list --no-legend | grep -q "^fgbus1 .*running"'
# (It lets go just after systemd lists the scope running: waited for, not raced.)
no_conns() { [ "$(conns_of "$1")" = 0 ]; }
check "a foreground run holds no D-Bus connection while its container runs" wait_for 10 no_conns $fgcli
check "  … nor a bus slot" slots_all_free
berth rm -f fgbus1 >/dev/null
wait $fgcli

# stop: a payload that handles SIGTERM stops at once
# (StopTimeout=600: a stop that waited for it would outlast timeout's 120 s.)
berth run -d --name term1 --stop-timeout 600 bb sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
check "systemctl stop of a payload that handles SIGTERM does not wait for its stop timeout" \
        timeout 120 systemctl stop container@term1.service
check_eq "  … and its scope is gone" "$(systemctl is-active container-term1.scope)" inactive
check_eq "  … ExecMainStatus is the payload's code" "$(systemctl show -P ExecMainStatus container@term1.service)" 0
# stop: one that ignores it is killed after StopTimeout
mkdir -p /etc/berth/containers
printf '[Container]\nImage=bb\nExec=sh -c "trap \\"\\" TERM; while :; do sleep 0.1; done"\nStopTimeout=1\n' \
        > /etc/berth/containers/stubborn.container
on_exit rm -f /etc/berth/containers/stubborn.container
systemctl start container@stubborn.service
check_eq "a payload ignoring SIGTERM: its scope's stop timeout is StopTimeout=1, not 10 s" \
        "$(systemctl show -P TimeoutStopUSec container-stubborn.scope)" 1s
check "  … and berth stop ends it" timeout 120 berth stop stubborn
check_eq "  … ExecMainStatus 137" "$(systemctl show -P ExecMainStatus container@stubborn.service)" 137

# --- kill -9 of the helper -------------------------------------------------------------------------
helper_pid=$(systemctl show -P MainPID container@svc1.service)
payload_pid=$(systemctl show -P ControlGroup container-svc1.scope)
kill -9 "$helper_pid"
# (Until the scope has gone through deactivating: under load that takes a moment.)
scope_settled() { case "$(systemctl is-active container-svc1.scope)" in active|deactivating) return 1;; esac; }
wait_for 30 scope_settled || true
check_eq "kill -9 of the helper: the scope goes with the service" "$(systemctl is-active container-svc1.scope)" inactive
check_eq "  … no sleep left running" "$(pgrep -x sleep | wc -l)" 0
check_fails "  … nothing left in /run/berth/svc1" test -e /run/berth/svc1
check "  … and a new start of the name works" systemctl start container@svc1.service
check_eq "  … running again" "$(systemctl is-active container-svc1.scope)" active
berth stop svc1
check_fails "berth stop stops the unit" systemctl is-active --quiet container@svc1.service
check_eq "berth stop of a SIGKILLed sleep: ExecMainStatus" "$(systemctl show -P ExecMainStatus container@svc1.service)" 137

# --- changes persist across restarts ----------------------------------------------------------------
berth run --name persist bb sh -c 'echo kept > /root/file' >/dev/null
check_eq "the upper layer survives the container" "$(cat /var/lib/berth/containers/persist/upper/root/file)" kept
systemctl start container@persist.service 2>/dev/null
bottom=$(berth image inspect bb | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["RootFS"]["Layers"][0][7:])')
check_eq "the image itself is untouched" "$(ls /var/lib/berth/store/layers/sha256/$bottom/root)" ""

# --- bad input: one line each, exit 125, nothing made -------------------------------------------------
out=$(berth run --name 'bad/name' bb true 2>&1); rc=$?
check_eq "a bad name exits 125" "$rc" 125
check_eq "  … with the rule" "$out" "berth: invalid container name 'bad/name': names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}"
out=$(berth run --rm --pull never nosuchimage true 2>&1); rc=$?
check_eq "a missing image, never pulled, exits 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: image 'nosuchimage' not found (tried localhost/nosuchimage:latest, docker.io/library/nosuchimage:latest), and the pull policy is never; see 'berth image ls'"
# The default (missing): docker's line, then berth-pull's one reason (no registry answers here).
out=$(berth run --rm nosuchimage true 2>&1); rc=$?
check_eq "a missing image to pull exits 125" "$rc" 125
check_eq "  … docker's line, then one line of why" \
        "$(printf '%s\n' "$out" | head -1) $(printf '%s\n' "$out" | wc -l)" "Unable to find image 'nosuchimage' locally 2"
out=$(berth run --rm --memory lots bb true 2>&1); rc=$?
check_eq "a bad value exits 125" "$rc" 125
check_match "  … naming the option" "$out" "^berth: option --memory: .*lots"
check_eq "  … in one line" "$(printf '%s\n' "$out" | wc -l)" 1
printf '[Container]\nImage=bb\nFrobnicate=yes\n' > /etc/berth/containers/badkey.container
on_exit rm -f /etc/berth/containers/badkey.container
systemctl start container@badkey.service 2>/dev/null
check_eq "an unknown key fails the unit" "$(systemctl is-active container@badkey.service)" failed
check_eq "  … with exit status 125" "$(systemctl show -P ExecMainStatus container@badkey.service)" 125
journalctl --sync
check_match "  … and FILE:LINE in the journal" \
        "$(journalctl -o cat -u container@badkey.service --no-pager)" "/etc/berth/containers/badkey.container:3: key 'Frobnicate': unknown key"
printf '[Container]\nImage=bb\nMemory=-5\n' > /etc/berth/containers/badval.container
on_exit rm -f /etc/berth/containers/badval.container
systemctl start container@badval.service 2>/dev/null
journalctl --sync
check_match "a bad value in a definition: FILE:LINE" \
        "$(journalctl -o cat -u container@badval.service --no-pager)" "/etc/berth/containers/badval.container:3: key 'Memory'"
check_eq "no scope was left by failed starts" "$(systemctl list-units --all --no-legend 'container-bad*' | wc -l)" 0

# --- values as given (issue 12, item 8): written into the definition and read back unchanged -------
# Through the file: run -d and create + start read the definition the helper reads.
mkdir -p /tmp/vals
on_exit rm -rf /tmp/vals
on_exit "berth rm -f vals1"
berth run -d --name vals1 -v /tmp/vals:/out -v '/tmp:/data\' -e FOO=bar -e $'NL=a\nb' \
        -e 'Q=it'\''s "$HOME" %s ; # \' -e 'U= héllo € ' -e 'E=' bb \
        sh -c 'printf %s "$FOO" > /out/foo; printf %s "$NL" > /out/nl; printf %s "$Q" > /out/q
               printf %s "$U" > /out/u; printf %s "${E-unset}" > /out/e; test -d "/data\\" && touch /out/vol
               printf "%s|" "$@" > /out/args; touch /out/done; exec sleep 1000' sh $'x\ny' ' z ' '' '\' >/dev/null
wait_for 10 test -e /tmp/vals/done
check_eq "-v '/tmp:/data\\' -e FOO=bar: FOO reaches the payload" "$(cat /tmp/vals/foo)" bar
check "  … and the volume is at /data\\" test -e /tmp/vals/vol
check_eq "-e with a newline" "$(cat /tmp/vals/nl)" $'a\nb'
check_eq "-e with quotes, \$, %, ;, # and a trailing backslash" "$(cat /tmp/vals/q)" 'it'\''s "$HOME" %s ; # \'
check_eq "-e with surrounding blanks and UTF-8" "$(cat /tmp/vals/u)" ' héllo € '
check_eq "-e E= is set and empty" "$(cat /tmp/vals/e)" ""
check_eq "CMD words: a newline, blanks, empty, a backslash" "$(cat /tmp/vals/args)" $'x\ny| z ||\\|'
check "berth verify reads what run wrote" berth verify /run/berth/containers/vals1.container
berth rm -f vals1 >/dev/null 2>&1

args=()
for i in $(seq 300); do args+=(-e "V$i=$i"); done
check_eq "300 -e options" "$(berth run --rm "${args[@]}" bb sh -c 'echo $V1-$V150-$V300')" 1-150-300

out=$(berth run --rm -v /tmp:/a -v '' bb true 2>&1); rc=$?
check_eq "-v '' exits 125" "$rc" 125
check_eq "  … saying so, not dropping the -v before it" "$out" "berth: option -v: empty value"
out=$(berth run --rm --name $'two\nlines' bb true 2>&1); rc=$?
check_eq "a name with a newline exits 125" "$rc" 125
check_eq "  … in one line, the newline shown escaped" "$out" \
        "berth: invalid container name 'two\\nlines': names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}"
out=$(berth run --rm $'--no\nsuch' bb true 2>&1); rc=$?
check_eq "an unknown option with a newline: one line, escaped" "$rc $out" \
        "125 berth: unknown option --no\\nsuch; see 'berth run --help'"
out=$(berth run --rm -w $'/a\x1b[2Jb' bb true 2>&1); rc=$?
check_eq "a value with an escape sequence: one line, escaped" "$rc $out" \
        "125 berth: option -w: '/a\\x1b[2Jb' holds a control character, which a definition value cannot"

# --- memory below what a container can start with (issue 13, item 5) ---------------------------
out=$(berth run --rm -m 1k bb true 2>&1); rc=$?
check_eq "-m 1k exits 125" "$rc" 125
check_eq "  … naming the option and the minimum" "$out" \
        "berth: option --memory: '1k' is less than 6M, the least memory a container can start with"
check_eq "-m 6M runs" "$(berth run --rm -m 6M bb echo ran)" ran
printf '[Container]\nImage=bb\nMemory=1k\n' > /etc/berth/containers/smallmem.container
on_exit rm -f /etc/berth/containers/smallmem.container
systemctl start container@smallmem.service 2>/dev/null
check_eq "Memory=1k in a file fails the unit with 125" "$(systemctl show -P ExecMainStatus container@smallmem.service)" 125
journalctl --sync
check_match "  … FILE:LINE, key and minimum in the journal" "$(journalctl -o cat -u container@smallmem.service --no-pager)" \
        "/etc/berth/containers/smallmem.container:3: key 'Memory': '1k' is less than 6M"

# The reason of a failed start comes from the helper itself, on the socket run -d waits on: even
# with journald gone, and without waiting for it (the journal was the only source before).
journald_units="systemd-journald.socket systemd-journald-dev-log.socket systemd-journald.service"
on_exit systemctl start $journald_units
systemctl stop $journald_units
on_exit "berth rm -f nojournal1"
out=$(berth run -d --name nojournal1 bb /no/such/program 2>&1); rc=$?
systemctl start $journald_units
check_eq "with journald stopped, run -d of a payload that cannot start: 125" "$rc" 125
check_eq "  … still says why, in one line" "$out" \
        "berth: container nojournal1 failed to start: executable '/no/such/program' not found in the container's \$PATH"
