# SPDX-License-Identifier: LGPL-2.1-or-later
# Nothing of the host reaches a container, and no fault leaves anything behind: the attacks and
# accidents of issue 12, each as it was reproduced, run against the real thing.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

PROBE=$BERTH_BUILD_DIR/tests/integration/syscall-probe
make_image hb "$PROBE"
fds_of() { berth exec "$1" sh -c "ls /proc/$2/fd | sort -n | tr '\n' ' '"; }

# --- 1. descriptors: a process inside with CAP_SYS_PTRACE takes whatever PID 1 holds ----------
on_exit 'berth rm -f hs1 hs2 hs3 >/dev/null 2>&1'
berth run -d --init --cap-add SYS_PTRACE --name hs1 hb sleep 600 >/dev/null
check_eq "--init: pidfd_getfd() on PID 1 finds nothing but stdio" "$(berth exec hs1 syscall-probe getfd:1)" "getfd:1 none"
check_eq "  … PID 1 holds fds 0-2 only" "$(fds_of hs1 1)" "0 1 2 "
check_match "  … and runs from a sealed copy, no file of the host's" "$(berth exec hs1 readlink /proc/1/exe)" \
        '^/memfd:berth-init'
check_fails "  … which cannot be opened for writing" berth exec hs1 sh -c 'echo x >> /proc/1/exe'
check_eq "  … its payload holds fds 0-2 only" "$(fds_of hs1 "\$(pidof sleep)")" "0 1 2 "
# A long exec, looked at from a second one.
berth exec hs1 sleep 300 >/dev/null 2>&1 &
wait_for 5 berth exec hs1 sh -c '[ $(pidof sleep | wc -w) -ge 2 ]'
pid=$(berth exec hs1 sh -c 'for p in $(pidof sleep); do [ "$p" != 2 ] && echo $p; done | sort -n | tail -1')
check_eq "exec: pidfd_getfd() on an exec'd command finds nothing" "$(berth exec hs1 syscall-probe "getfd:$pid")" "getfd:$pid none"
check_eq "  … it holds fds 0-2 only" "$(fds_of hs1 "$pid")" "0 1 2 "
# While commands start, no process inside ever has more capabilities than the container.
# (Waiting for these 20 only: a bare `wait` also waited out the `sleep 300` above, five minutes.)
execs=()
for i in $(seq 1 20); do berth exec hs1 true & execs+=($!); done
caps=$(berth exec hs1 sh -c 'for i in $(seq 1 200); do cat /proc/[0-9]*/status 2>/dev/null | awk "/^CapEff/ {print \$2}"; done' | sort -u | tr '\n' ' ')
wait "${execs[@]}"
check_eq "  … and no process inside ever has more than the container's capabilities" "$caps" "00000000a80c25fb "
berth rm -f hs1 >/dev/null

check_eq "a foreground --init run: PID 1 holds nothing" \
        "$(berth run --rm --init --cap-add SYS_PTRACE hb sh -c 'syscall-probe getfd:1; true')" "getfd:1 none"
check_eq "  … nor without --init, with -d" \
        "$(berth run -d --cap-add SYS_PTRACE --name hs2 hb sleep 600 >/dev/null; fds_of hs2 1)" "0 1 2 "
check_eq "--network container: joins with nothing either" \
        "$(berth run --rm --network container:hs2 --cap-add SYS_PTRACE hb sh -c 'syscall-probe getfd:1; true')" \
        "getfd:1 none"
out=$(script -qec "berth run --rm -t --cap-add SYS_PTRACE hb sh -c 'ls -1 /proc/1/fd; true'" /dev/null | tr -d '\r' | tr -s '\n ' ' ')
check_eq "-t: PID 1 holds its terminal only" "$out" "0 1 2 "
berth rm -f hs2 >/dev/null

# --- 2. paths of a container opened with the host's privileges -----------------------------
dir=$(mktemp -d)
mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$dir/bin/"
for a in sh id sleep cat true echo; do ln -s busybox "$dir/bin/$a"; done
ln -s /proc/kmsg "$dir/etc/passwd"
ln -s /proc/kmsg "$dir/etc/group"
berth image import "$dir" hkmsg >/dev/null
rm -f "$dir/etc/passwd" "$dir/etc/group"
mkfifo "$dir/etc/passwd"
berth image import "$dir" hfifo >/dev/null
rm -rf "$dir"
on_exit 'berth image rm hkmsg hfifo'

berth run -d --name hs3 hkmsg sleep 600 >/dev/null
check_eq "/etc/passwd → /proc/kmsg: exec as root needs no passwd" "$(timeout 20 berth exec hs3 id)" "uid=0 gid=0"
out=$(timeout 20 berth exec -u daemon hs3 id 2>&1); rc=$?
check_eq "  … a user by name is refused" "$rc" 125
check_eq "  … in one line that says why" "$out" \
        "berth: user 'daemon' in the container: /etc/passwd or /etc/group is not a regular file"
check_eq "  … and run as root works too" "$(timeout 20 berth run --rm hkmsg id)" "uid=0 gid=0"
berth rm -f hs3 >/dev/null
berth run -d --name hs3 hfifo sleep 600 >/dev/null
# (echo, not id: busybox's id would read the FIFO itself, which is the image's business)
check_eq "/etc/passwd a FIFO: exec as root does not hang" "$(timeout 20 berth exec hs3 echo ok)" ok
check_eq "  … nor does run" "$(timeout 20 berth run --rm hfifo echo ok)" ok
out=$(timeout 20 berth exec -u daemon hs3 echo ok 2>&1); rc=$?
check_eq "  … a user by name is refused in one line" "$rc:$out" \
        "125:berth: user 'daemon' in the container: /etc/passwd or /etc/group is not a regular file"
berth rm -f hs3 >/dev/null

# --- 3. a foreground run whose client goes away --------------------------------------------
out=$(berth run --rm --name hp1 hb seq 1 100000 | head -1)
check_eq "run --rm … | head -1: the first line" "$out" 1
wait_for 10 sh -c '! test -e /run/berth/containers/hp1.container'
check_fails "  … and the container is gone, although its reader went away" test -e /var/lib/berth/containers/hp1
check "  … so the name runs again" berth run --rm --name hp1 hb true

berth run --rm --name hk1 -p 8381:80 -v /data hb sleep 600 >/dev/null 2>&1 &
cli=$!
disown $cli
wait_for 10 sh -c 'nft list table ip berth | grep -q 8381'
kill -9 $cli
wait $cli 2>/dev/null
gone() { ! test -e /run/berth/containers/hk1.container && ! test -e /var/lib/berth/containers/hk1 &&
        ! test -e /run/berth/hk1 && ! test -e /run/berth/locks/hk1; }
check "kill -9 of a foreground run --rm: the container goes" wait_for 15 gone
check_eq "  … its published port is free" "$(nft list table ip berth | grep -c 8381)" 0
check_eq "  … its scope too" "$(systemctl is-active container-hk1.scope)" inactive
check_eq "  … and its anonymous volume" "$(berth volume ls -q | wc -l)" 0
check "  … another container publishes the port" berth run --rm --name hk2 -p 8381:80 hb true
check_eq "  … and its address was freed" "$(ls /run/berth/leases | wc -l)" 0

berth run --name hk3 -p 8382:80 hb sleep 600 >/dev/null 2>&1 &
cli=$!
disown $cli
wait_for 10 sh -c 'nft list table ip berth | grep -q 8382'
kill -9 $cli
wait $cli 2>/dev/null
check "kill -9 of a foreground run without --rm: its runtime state goes" \
        wait_for 15 sh -c '! test -e /run/berth/hk3 && ! nft list table ip berth | grep -q 8382'
check_eq "  … the container stays, stopped" "$(berth list -a --no-legend | awk '$1 == "hk3" {print $2}')" exited
check "  … and starts again" berth start hk3
check "  … and goes" berth rm -f hk3

# Killed at every moment of its start, before and while it makes the scope, the lease, the ports.
for ms in 0 1 2 3 5 8 10 20 40 80 160; do
        berth run --rm --name "hm$ms" -p 8383:80 hb sleep 600 >/dev/null 2>&1 &
        cli=$!
        disown $cli
        sleep "$(awk -v m=$ms 'BEGIN { printf "%.3f", m / 1000 }')"
        kill -9 $cli
done
left() { ls /run/berth/leases; ls -d /run/berth/hm* /run/berth/locks/hm* /var/lib/berth/containers/hm* \
        /run/berth/containers/hm* /run/berth/containers/.hm* 2>/dev/null; systemctl list-units --no-legend --plain 'container-hm*' | grep -v inactive; }
for _ in $(seq 200); do [ -z "$(left)" ] && break; sleep 0.1; done
check_eq "kill -9 of runs in their first milliseconds: no lease, scope or file of them stays" "$(left)" ""
check_eq "  … nor a published port" "$(nft list table ip berth | grep -c 8383)" 0

berth run --rm --name hi1 hb sh -c 'trap "echo got INT; exit 3" INT; sleep 30 & wait' > /tmp/hi1.out &
cli=$!
wait_for 10 sh -c 'systemctl is-active -q container-hi1.scope' && sleep 0.3
kill -INT $cli
wait $cli; rc=$?
check_eq "SIGINT to a foreground run reaches the payload (--sig-proxy)" "$(cat /tmp/hi1.out)" "got INT"
check_eq "  … which decides: exit 3" "$rc" 3
rm -f /tmp/hi1.out

# Every signal someone can send a foreground run goes on to the payload, as docker's --sig-proxy
# takes them all: SIGALRM, SIGPWR or a real-time signal no longer end berth (leaving the payload to
# the guard), and SIGTSTP no longer stops it while the payload runs on.
berth run --rm --name hsig hb sh -c 'for s in 14 30 20 37; do trap "echo got-$s" $s; done; echo ready; while :; do sleep 0.1; done' \
        > /tmp/hsig.out 2>&1 &
cli=$!
wait_for 10 grep -q ready /tmp/hsig.out
for s in ALRM PWR TSTP RTMIN+3; do kill -s "$s" "$cli"; sleep 0.2; done
wait_for 10 sh -c '[ "$(grep -c "^got-" /tmp/hsig.out)" = 4 ]'
check_eq "SIGALRM, SIGPWR, SIGTSTP and SIGRTMIN+3 to a foreground run reach the payload" \
        "$(grep '^got-' /tmp/hsig.out | sort | paste -sd' ')" "got-14 got-20 got-30 got-37"
check "  … and berth runs on, not stopped" sh -c "kill -0 $cli && ! grep -q '^State:.*T' /proc/$cli/status"
kill -TERM "$cli"
wait "$cli" 2>/dev/null
rm -f /tmp/hsig.out
check_eq "--sig-proxy and --sig-proxy=true (docker's default) are taken" \
        "$(berth run --rm --sig-proxy hb echo a; berth run --rm --sig-proxy=true hb echo b)" "a
b"
out=$(berth run --rm --sig-proxy=false hb true 2>&1); rc=$?
check_match "  … =false is refused in one line: 125" "$rc $(echo "$out" | wc -l) $out" "^125 1 berth: option --sig-proxy=false: "

berth run -d --name hsp hb sleep 600 >/dev/null
check_eq "a service's payload does not inherit systemd's ignored SIGPIPE" \
        "$(berth exec hsp awk '/^SigIgn/ {print $2}' /proc/1/status)" 0000000000000000
berth rm -f hsp >/dev/null
check_eq "  … so 'yes | head -1' ends" "$(timeout 20 berth run --rm hb sh -c 'yes | head -1')" y

# --- 4. fork bombs -----------------------------------------------------------------------------
berth run -d --name hb1 hb sleep 600 >/dev/null
check_eq "a container's tasks are limited by default (berth.conf, podman's 2048)" \
        "$(systemctl show -P TasksMax container-hb1.scope)" 2048
berth rm -f hb1 >/dev/null
mkdir -p /etc/berth
on_exit berth_conf_reset
printf '[Containers]\nPidsLimit=300\n' | berth_conf
berth run -d --name hb1 hb sleep 600 >/dev/null
check_eq "  … berth.conf's [Containers] PidsLimit= sets the default" "$(systemctl show -P TasksMax container-hb1.scope)" 300
berth rm -f hb1 >/dev/null
berth run -d --name hb1 --pids-limit 50 hb sleep 600 >/dev/null
check_eq "  … --pids-limit wins over it" "$(systemctl show -P TasksMax container-hb1.scope)" 50
berth rm -f hb1 >/dev/null
berth run -d --name hb1 --pids-limit -1 hb sleep 600 >/dev/null
check_eq "  … and --pids-limit -1 lifts it" "$(systemctl show -P TasksMax container-hb1.scope)" infinity
berth rm -f hb1 >/dev/null

# The payload is let go only once systemd has put it in the scope in every hierarchy, the task
# limit's last: let go earlier, it rooted its cgroup namespace outside the scope there (its pids
# line read /machine.slice/container-….scope, 2 runs in 150), and children it forked at once
# stayed outside the limit.
outside=0
for _ in $(seq 100); do
        cg=$(berth run --rm -m 64m --cpus 1 hb cat /proc/self/cgroup)
        if grep -qv ':/$' <<<"$cg"; then outside=$((outside + 1)); echo "# $(grep -v ':/$' <<<"$cg" | paste -sd' ')"; fi
done
check_eq "every hierarchy roots a payload's cgroup namespace in its scope (100 runs)" "$outside" 0

bomb='b() { b | b & }; b; sleep 1000'
berth run -d --name hb2 hb sh -c "$bomb" >/dev/null
wait_for 20 sh -c '[ "$(systemctl show -P TasksCurrent container-hb2.scope)" -ge 290 ]'
check "a fork bomb reaches the limit" test "$(systemctl show -P TasksCurrent container-hb2.scope)" -ge 290
check "  … berth stop -t 1 ends it" timeout 60 berth stop -t 1 hb2
check_eq "  … all of it" "$(systemctl is-active container-hb2.scope)" inactive
berth start hb2
wait_for 20 sh -c '[ "$(systemctl show -P TasksCurrent container-hb2.scope)" -ge 290 ]'
check "  … berth kill ends it too" timeout 60 berth kill hb2
check "  … and its service with it" wait_for 30 sh -c '! systemctl is-active -q container@hb2.service'
berth start hb2
wait_for 20 sh -c '[ "$(systemctl show -P TasksCurrent container-hb2.scope)" -ge 290 ]'
check "  … and rm -f" timeout 60 berth rm -f hb2
check_fails "  … leaving nothing" test -e /run/berth/hb2
berth_conf_reset

# --- 5. a stopped journald ------------------------------------------------------------------
berth run -d --name hj1 hb sh -c 'trap "exit 0" TERM; while :; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done' >/dev/null
sleep 1
jpid=$(systemctl show -P MainPID systemd-journald.service)
kill -STOP "$jpid"
sleep 2
timeout 60 berth stop -t 5 hj1; rc=$?
kill -CONT "$jpid"
check_eq "a chatty container stops while journald is stopped" "$rc" 0
check_eq "  … it stopped on SIGTERM, its own way" "$(systemctl show -P ExecMainStatus container@hj1.service)" 0
check "  … and the journal says how many lines it lost" wait_for 10 sh -c \
        'journalctl -q CONTAINER_NAME=hj1 -o cat | grep -q "lines* of container hj1.s output dropped"'
berth rm -f hj1 >/dev/null

# --- 6. nothing of a name stays once it is gone ----------------------------------------------
before=$(ls /run/berth/locks | sort | tr '\n' ' ')
# Four streams at once, so that the runs race each other for the locks, leases and directories
# as well as running one after another.
for s in 1 2 3 4; do
        for i in $(seq 1 75); do berth run --rm --name "hc$s-$i" hb true || echo "run hc$s-$i failed"; done &
done
wait
for i in $(seq 1 10); do berth run -d --name "hd$i" -p 8390:80 hb true >/dev/null; berth rm -f "hd$i" >/dev/null; done
check_eq "a churn of 300 runs, four at a time, and 10 publishing cycles leaves no lock files behind" "$(ls /run/berth/locks | sort | tr '\n' ' ')" "$before"
check_eq "  … nor leases" "$(ls /run/berth/leases | wc -l)" 0
check_eq "  … nor runtime directories" "$(ls -d /run/berth/h* 2>/dev/null | wc -l)" 0
