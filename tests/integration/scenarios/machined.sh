# SPDX-License-Identifier: LGPL-2.1-or-later
# systemd-machined: containers show in machinectl, with the image's os-release; machinectl
# terminate stops them cleanly; without machined (stopped, masked, no bus at all) berth runs as before.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb
on_exit systemctl unmask systemd-machined.service

machine_line() { machinectl list --no-legend --no-pager | awk -v n="$1" '$1 == n {print $1, $2, $3, $4, $5}'; }
has_machine() { [ -n "$(machine_line "$1")" ]; }
no_machine() { [ -z "$(machine_line "$1")" ]; }
not_active() { ! systemctl is-active --quiet "$1"; }
# ended UNIT: inactive or failed, its ExecStopPost= done (deactivating is not ended yet)
# (Not a pipe into grep: under pipefail, is-active's own exit 3 for inactive made it never true.)
ended() { local s; s=$(systemctl is-active "$1"); [ "$s" = inactive ] || [ "$s" = failed ]; }
# the container's PID 1 on the host: the only child of the helper
leader_of() { pgrep -P "$(systemctl show -P MainPID "container@$1.service")"; }

systemctl start systemd-machined.service
check_eq "machined runs" "$(systemctl is-active systemd-machined.service)" active

# --- a service container is registered --------------------------------------------------------
berth run -d --name mach1 bb sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
on_exit berth rm -f mach1
check_eq "machinectl list: class container, service berth, the image's OS and VERSION" \
        "$(machine_line mach1)" "mach1 container berth berthtest 1.0"
check_eq "its unit is the container's scope" "$(machinectl show --value -p Unit mach1)" container-mach1.scope
mstatus=$(machinectl status --no-pager mach1)
check_match "machinectl status shows the host end of its veth" "$mstatus" "Iface: vb[0-9a-f]{8}"
check_match "  … and its address, from its namespace" "$mstatus" "Address: 10\.88\.[0-9.]+"
leader=$(leader_of mach1)
check_eq "its leader is the container's PID 1" "$(machinectl show --value -p Leader mach1)" "$leader"
check_eq "its root directory is the container's" "$(machinectl show --value -p RootDirectory mach1)" \
        /var/lib/berth/containers/mach1/root
status=$(machinectl status --no-pager mach1)
check_match "machinectl status names the scope" "$status" "Unit: container-mach1\.scope"
check_match "machinectl status names the leader" "$status" "Leader: $leader \(sh\)"
check_match "machined reads the image's os-release through the leader" \
        "$(busctl call org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager \
                GetMachineOSRelease s mach1)" '"ID" "berthtest".*"VERSION_ID" "1.0"|"VERSION_ID" "1.0".*"ID" "berthtest"'
check_eq "machined made no scope of its own" \
        "$(systemctl list-units --all --no-legend --plain 'machine-*.scope' | wc -l)" 0

# --- machinectl terminate stops it cleanly -----------------------------------------------------
check "machinectl terminate mach1" machinectl terminate mach1
wait_for 10 ended container@mach1.service
check_match "the service ends" "$(systemctl is-active container@mach1.service)" "^(inactive|failed)$"
check_eq "  … with the payload's exit code" "$(systemctl show -P ExecMainStatus container@mach1.service)" 0
check_eq "  … its scope is gone" "$(systemctl is-active container-mach1.scope)" inactive
check_fails "  … and so is /run/berth/mach1" test -e /run/berth/mach1
wait_for 2 no_machine mach1
check_eq "  … and so is the machine" "$(machine_line mach1)" ""

# A payload that ignores SIGTERM (PID 1 without a handler) is killed after its StopTimeout.
mkdir -p /etc/berth/containers
printf '[Container]\nImage=bb\nExec=sleep 1000\nStopTimeout=1\n' > /etc/berth/containers/mach2.container
on_exit rm -f /etc/berth/containers/mach2.container
systemctl start container@mach2.service
wait_for 2 has_machine mach2
check_eq "a payload ignoring SIGTERM: its scope's stop timeout is StopTimeout=1" \
        "$(systemctl show -P TimeoutStopUSec container-mach2.scope)" 1s
machinectl terminate mach2
wait_for 30 ended container@mach2.service
check_fails "  … and it ended" systemctl is-active --quiet container@mach2.service
check_eq "  … ExecMainStatus 137" "$(systemctl show -P ExecMainStatus container@mach2.service)" 137
check_fails "  … and /run/berth/mach2 is gone" test -e /run/berth/mach2

# --- a foreground container too, while it runs --------------------------------------------------
berth run --rm --name fg1 bb sleep 3 &
fg_pid=$!
wait_for 3 has_machine fg1
check_eq "a foreground container is registered" "$(machine_line fg1)" "fg1 container berth berthtest 1.0"
wait "$fg_pid"
check_eq "  … and exits 0" "$?" 0
wait_for 2 no_machine fg1
check_eq "  … and is forgotten when it ends" "$(machine_line fg1)" ""

# Short-lived containers leave no stale machines behind.
for i in 1 2 3 4 5; do berth run --rm --name short$i bb true; done
no_short() { ! grep -q short <<<"$(machinectl list --no-legend --no-pager)"; }
wait_for 2 no_short
check_eq "short-lived containers leave no machines" "$(machinectl list --no-legend --no-pager | grep -c short)" 0

# --- a service container starts machined when it is not running; a foreground one does not ------
systemctl stop systemd-machined.service
berth run --rm bb true
check_eq "a foreground container does not activate machined" \
        "$(systemctl is-active systemd-machined.service)" inactive
berth run -d --name mach3 bb sleep 1000 >/dev/null
on_exit berth rm -f mach3
# berth registers without waiting for machined's start to finish: what is checked is that the
# container brought it up, not how fast.
machined_active() { [ "$(systemctl is-active systemd-machined.service)" = active ]; }
wait_for 10 machined_active || true
check_eq "a service container activates machined" "$(systemctl is-active systemd-machined.service)" active
check_eq "  … and is registered" "$(machine_line mach3)" "mach3 container berth berthtest 1.0"
berth stop -t 1 mach3 >/dev/null
wait_for 2 no_machine mach3
check_eq "  … until berth stop" "$(machine_line mach3)" ""

# One name run again at once: machined forgets a machine only when it hears that its scope went,
# and refused the next registration of the name (MachineExists) until then. berth unregisters the
# earlier run's machine, which it knows by its service, and registers again.
out=$(for i in 1 2 3 4 5 6; do berth run --rm --name mrr bb sh -c 'sleep 0.1' 2>&1; done)
check_eq "berth run --rm --name X six times in a row: never 'already exists'" "$(printf '%s' "$out" | grep -c 'already exists')" 0
berth run -d --name mrr bb sleep 1000 >/dev/null
check_eq "  … and the name registers again at once" "$(machine_line mrr | cut -d' ' -f1-3)" "mrr container berth"
berth rm -f mrr >/dev/null

# --- without machined ------------------------------------------------------------------------------
systemctl stop systemd-machined.service
systemctl mask systemd-machined.service 2>/dev/null
check_fails "machined cannot be activated" \
        busctl call org.freedesktop.machine1 /org/freedesktop/machine1 org.freedesktop.machine1.Manager ListMachines
out=$(berth run --rm bb true 2>&1); rc=$?
check_eq "machined masked: berth run --rm bb true works" "$rc" 0
check_eq "  … silently" "$out" ""
check_eq "  … and a service container starts" "$(berth run -d --name mach4 bb sleep 1000)" mach4
on_exit berth rm -f mach4
check_eq "  … and runs" "$(systemctl is-active container@mach4.service)" active
check_eq "  … and its journal has no warning about machined" \
        "$(journalctl -u container@mach4.service -p warning -o cat --no-pager | grep -ci machine)" 0
berth stop -t 1 mach4 >/dev/null

systemctl stop dbus.socket dbus.service
out=$(berth run --rm bb true 2>&1); rc=$?
check_eq "no system bus at all: berth run --rm bb true works" "$rc" 0
check_eq "  … silently" "$out" ""
check_eq "  … and a service container starts" "$(berth run -d --name mach5 bb sleep 1000)" mach5
on_exit berth rm -f mach5
check_eq "  … and runs" "$(systemctl is-active container@mach5.service)" active
berth stop -t 1 mach5 >/dev/null
systemctl start dbus.socket
