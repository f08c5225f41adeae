# SPDX-License-Identifier: LGPL-2.1-or-later
# create, start, stop, restart, kill, wait, rm; a running start; concurrent runs of one name.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb

check_eq "create prints the name" "$(berth create --name lc1 bb sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done')" lc1
check "create writes the definition" test -f /run/berth/containers/lc1.container
check_eq "a created container is not running" "$(systemctl is-active container@lc1.service)" inactive
check "start runs it" berth start lc1
check_eq "  … as its unit" "$(systemctl is-active container@lc1.service)" active
check "start of a running container succeeds" berth start lc1
pid_before=$(systemctl show -P MainPID container@lc1.service)
check_eq "  … without restarting it" "$(systemctl show -P MainPID container@lc1.service)" "$pid_before"
check "restart" berth restart lc1
check "  … gives a new helper" test "$(systemctl show -P MainPID container@lc1.service)" != "$pid_before"
check "kill -s TERM reaches the payload" berth kill -s TERM lc1
check_eq "wait prints the exit code" "$(berth wait lc1)" 3
out=$(berth kill -s NOPE lc1 2>&1); rc=$?
check_eq "a bad signal name is refused" "$rc" 125
check_match "  … saying so" "$out" "option -s: 'NOPE' is not a signal"

berth start lc1
out=$(berth rm lc1 2>&1); rc=$?
check_eq "rm of a running container is refused" "$rc" 125
check_match "  … saying why" "$out" "container lc1 is active; stop it first or use 'berth rm -f'"
check "rm -f removes it" berth rm -f lc1
check_fails "  … definition gone" test -e /run/berth/containers/lc1.container
check_fails "  … files gone" test -e /var/lib/berth/containers/lc1
check_eq "  … unit not failed" "$(systemctl is-failed container@lc1.service)" inactive
# A payload that ignores SIGTERM (sleep as PID 1 of its namespace): stop -t and rm -f keep their
# own timeouts, not the container's. Its StopTimeout= is 600 s, so a stop that waited for it
# would outlast the 120 s that `timeout` gives: what is checked is which timeout applied, not
# how fast the machine is.
berth run -d --name deaf --stop-timeout 600 bb sleep 1000 >/dev/null
check "stop -t 1 of a payload that ignores SIGTERM kills it, not waiting for its StopTimeout=600" \
        timeout 120 berth stop -t 1 deaf
check_fails "  … and it is stopped" systemctl is-active --quiet container@deaf.service
check_eq "  … killed, as docker reports it (137)" "$(systemctl show -P ExecMainStatus container@deaf.service)" 137
berth start deaf
check "rm -f kills at once, not waiting for its StopTimeout=600" timeout 120 berth rm -f deaf
check_fails "  … and removes it" test -e /run/berth/containers/deaf.container
berth run -d --name polite bb sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
check "stop -t 600 of a payload that exits on SIGTERM returns when it does, not after 600 s" \
        timeout 120 berth stop -t 600 polite
check_eq "  … with its exit code" "$(systemctl show -P ExecMainStatus container@polite.service)" 7
berth rm -f polite

out=$(berth stop lc1 2>&1); rc=$?
check_eq "an unknown name: exit 125" "$rc" 125
check_eq "  … one line" "$out" "berth: no such container lc1"

# Two concurrent runs of one name: exactly one wins, the other says the name exists.
for i in 1 2 3 4; do
        berth run -d --name race bb sleep 100 > /tmp/race.$i 2>&1 &
done
wait
won=$(grep -lx race /tmp/race.* | wc -l)
lost=$(grep -l 'container race exists' /tmp/race.* | wc -l)
check_eq "concurrent runs of one name: one wins" "$won" 1
check_eq "  … the others say it exists" "$lost" 3
berth rm -f race

# Through dbus-daemon systemd sends job signals only while someone is subscribed, and berth does
# not subscribe (logind and machined usually are): with neither running, berth asks for its jobs.
systemctl mask --runtime -q systemd-machined.service systemd-logind.service
on_exit systemctl unmask --runtime -q systemd-machined.service systemd-logind.service
systemctl stop systemd-machined.service systemd-logind.service
check "with nobody subscribed to systemd's signals, run -d still returns" timeout 20 berth run -d --name lonely bb sleep 100
check_eq "  … with the container running" "$(systemctl is-active container@lonely.service)" active
check "  … and stop -t 1 too" timeout 20 berth stop -t 1 lonely
check_fails "  … which stopped it" systemctl is-active --quiet container@lonely.service
check "  … and rm" timeout 20 berth rm lonely

# Several names at once are stopped at once, as docker's CLI does: each payload, on SIGTERM, waits
# for the other's mark in a shared directory before it exits. One after the other, the first
# would wait for a SIGTERM the second gets only once the first is gone, until its SIGKILL (137).
RDV=$(mktemp -d /tmp/lc-rdv.XXXXXX)
on_exit "berth rm -f par1 par2 >/dev/null 2>&1; rm -rf $RDV"
for n in 1 2; do
        o=$((3 - n))
        berth run -d --name par$n -v "$RDV:/rdv" bb sh -c \
                "trap 'touch /rdv/$n; while ! test -e /rdv/$o; do sleep 0.1; done; exit 0' TERM; while :; do sleep 0.1; done" >/dev/null
done
check "stop of two names" timeout 60 berth stop -t 30 par1 par2
check_eq "  … stops them at once: each saw the other's SIGTERM and exited 0" \
        "$(berth inspect -f '{{.State.ExitCode}}' par1) $(berth inspect -f '{{.State.ExitCode}}' par2)" "0 0"
check "restart of two names" timeout 60 berth restart par1 par2
check_eq "  … restarts both" "$(systemctl is-active container@par1.service container@par2.service | xargs)" "active active"
check_fails "stop of a name that is not there among others fails" berth stop -t 1 par1 nosuchcontainer par2
check_eq "  … and still stops the others" "$(systemctl is-active container@par1.service container@par2.service | xargs)" \
        "inactive inactive"
