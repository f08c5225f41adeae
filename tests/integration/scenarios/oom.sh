# SPDX-License-Identifier: LGPL-2.1-or-later
# Out of memory (issue 17): the kernel killing a process of the container for memory is seen
# (cgroup v1's memory.oom_control eventfd, v2's memory.events), named from the kernel's log, and
# reported: one journal line naming the container and the process, inspect's oom_killed, list,
# status and wait's "exited (137, out of memory)" — also when only a child was killed and the
# payload runs on.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image ob "$BERTH_BUILD_DIR/tests/integration/memhog"
state() { berth list -a --no-legend | grep "^$1 " | sed -E 's/^[^ ]+ +(.*[^ ]) +ob .*$/\1/'; }

# The payload itself.
berth run -d --name om1 --memory 32M ob memhog 256 >/dev/null
on_exit 'berth rm -f om1'
code=$(timeout 60 berth wait om1 2>/tmp/om1.err)
check_eq "the payload allocating past --memory dies of SIGKILL" "$code" 137
check_eq "  … berth wait says why" "$(cat /tmp/om1.err)" "berth: container om1 exited (137, out of memory)"
rm -f /tmp/om1.err
check_eq "  … berth list" "$(state om1)" "exited (137, out of memory)"
check_match "  … berth status" "$(berth status om1 | grep State:)" "code 137, out of memory\)"
check_eq "  … berth inspect" "$(berth inspect om1 | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["oom_killed"], j["exit_code"])')" \
        "True 137"
line=$(journalctl -q -o cat CONTAINER_NAME=om1 BERTH_EVENT=oom)
check_match "  … one journal line naming the container and the process" "$line" \
        "^container om1: the kernel killed its payload, PID [0-9]+ \(memhog\) for memory$"
check_eq "  … one event with the process's name" \
        "$(journalctl -q -o export CONTAINER_NAME=om1 BERTH_EVENT=oom | grep -c '^BERTH_OOM_PROCESS=memhog$')" 1
check_eq "  … and a die event with BERTH_OOM=1" \
        "$(journalctl -q -o export CONTAINER_NAME=om1 BERTH_EVENT=die | grep -E '^BERTH_(EXIT_CODE|OOM)=' | tr '\n' ' ')" \
        "BERTH_EXIT_CODE=137 BERTH_OOM=1 "

# A child only: the payload survives, the kill is still reported.
berth run -d --name om2 --init --memory 32M ob sh -c 'memhog 256; echo memhog ended; exec sleep 1000' >/dev/null
on_exit 'berth rm -f om2'
wait_for 30 sh -c 'journalctl -q -o cat CONTAINER_NAME=om2 BERTH_EVENT=oom | grep -q memhog'
check_match "a child killed for memory: one journal line naming it" \
        "$(journalctl -q -o cat CONTAINER_NAME=om2 BERTH_EVENT=oom)" \
        "^container om2: the kernel killed process [0-9]+ \(memhog\) for memory$"
check_eq "  … the payload runs on" "$(systemctl is-active container@om2.service)" active
check_eq "  … and list says so" "$(state om2)" "running (out of memory)"
check_eq "  … inspect too" "$(berth inspect om2 | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["oom_killed"], j["exit_code"])')" \
        "True None"
berth stop om2 >/dev/null
check_match "  … and when it stopped" "$(state om2)" "^exited \(143, out of memory\)$"

# A container that stays within its limit: nothing.
berth run -d --name om3b --memory 64M ob true >/dev/null
on_exit 'berth rm -f om3b'
# (Ended: inactive, not deactivating, which lists as stopping.)
wait_for 10 sh -c 's=$(systemctl is-active container@om3b.service); [ "$s" = inactive ] || [ "$s" = failed ]'
check_eq "no kill, no word of memory" "$(state om3b)" "exited (0)"
check_eq "  … no oom event" "$(journalctl -q -o cat CONTAINER_NAME=om3b BERTH_EVENT=oom | wc -l)" 0

ev=$(berth events --since 10m --until 0s --filter container=om1 --filter event=oom --filter event=die --format json |
        python3 -c '
import json, sys
print(" ".join(json.loads(l)["Action"] + ("=" + json.loads(l)["Actor"]["Attributes"].get("exitCode", "")) for l in sys.stdin))')
check_eq "berth events: oom, then die with its exit code" "$ev" "oom= die=137"
