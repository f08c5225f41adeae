# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's --restart as systemd's Restart=: the generator writes it, run -d and create reload
# systemd so that it applies at once, systemd restarts the container, a stop is final, and rm
# takes it away again.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb
nrestarts() { systemctl show -P NRestarts "container@$1.service"; }

berth run -d --name rfail --restart on-failure bb sh -c 'sleep 0.3; exit 3' >/dev/null
on_exit 'berth rm -f rfail >/dev/null 2>&1'
check_eq "run -d --restart on-failure: the unit has Restart=on-failure at once" \
        "$(systemctl show -P Restart container@rfail.service)" on-failure
wait_for 10 sh -c '[ "$(systemctl show -P NRestarts container@rfail.service)" -ge 2 ]'
check "  … and systemd restarts it after it fails ($(nrestarts rfail) restarts)" test "$(nrestarts rfail)" -ge 2
berth stop rfail >/dev/null
n=$(nrestarts rfail)
sleep 1
# (failed, not inactive, when the stop came while a restart was pending after a failure)
check_match "  … berth stop is final" "$(systemctl is-active container@rfail.service) $(nrestarts rfail)" "^(inactive|failed) $n$"

berth run -d --name rok --restart on-failure bb true >/dev/null
on_exit 'berth rm -f rok >/dev/null 2>&1'
sleep 1
check_eq "on-failure: a payload that exits 0 is not restarted" "$(nrestarts rok) $(systemctl is-active container@rok.service)" "0 inactive"

berth run -d --name ralways --restart always bb sh -c 'sleep 0.2' >/dev/null
on_exit 'berth rm -f ralways >/dev/null 2>&1'
wait_for 10 sh -c '[ "$(systemctl show -P NRestarts container@ralways.service)" -ge 2 ]'
check "always: restarted after exit 0 too ($(nrestarts ralways) restarts)" test "$(nrestarts ralways)" -ge 2
check_eq "  … inspect says so" "$(berth inspect ralways | grep -o '"restart": "[a-z-]*"')" '"restart": "always"'
berth rm -f ralways >/dev/null
check_eq "rm takes the generator's Restart= away with the definition" \
        "$(systemctl show -P Restart container@ralways.service)" no

berth create --name rcreated --restart unless-stopped bb sleep 1000 >/dev/null
on_exit 'berth rm -f rcreated >/dev/null 2>&1'
check_eq "create --restart unless-stopped: Restart=always before the first start" \
        "$(systemctl show -P Restart container@rcreated.service)" always
berth rm -f rcreated >/dev/null

mkdir -p /etc/berth/containers
printf '[Container]\nImage=bb\nExec=sleep 1000\nRestart=always\n' > /etc/berth/containers/rfile.container
on_exit 'rm -f /etc/berth/containers/rfile.container; systemctl daemon-reload'
systemctl daemon-reload
check_eq "Restart= in a definition file, through the generator" "$(systemctl show -P Restart container@rfile.service)" always
systemctl start container@rfile.service
pid=$(systemctl show -P MainPID container@rfile.service)
kill -9 "$pid"
wait_for 10 sh -c '[ "$(systemctl is-active container@rfile.service)" = active ] && [ "$(systemctl show -P MainPID container@rfile.service)" != '"$pid"' ]'
check_eq "  … a killed helper is replaced by a new one" "$(systemctl is-active container@rfile.service)" active
check "  … with a new MainPID" test "$(systemctl show -P MainPID container@rfile.service)" != "$pid"
systemctl stop container@rfile.service

out=$(berth run --rm --restart always bb true 2>&1); rc=$?
check_eq "--restart with --rm: 125 in one line" "$rc $out" \
        "125 berth: --rm cannot be combined with --restart: a container that restarts is not removed when it exits"
out=$(berth run --restart always bb true 2>&1); rc=$?
check_match "--restart without -d: 125 in one line" "$rc $out" \
        "^125 berth: --restart needs -d: systemd restarts container@.*\.service, which a foreground run is not$"
out=$(berth run -d --restart sometimes bb true 2>&1); rc=$?
check_eq "a bad policy: 125 in one line" "$rc $out" \
        "125 berth: option --restart: 'sometimes' is not a restart policy (no, on-failure, always or unless-stopped)"
out=$(berth run -d --restart on-failure:3 bb true 2>&1); rc=$?
check_match "on-failure:N is refused, saying why" "$rc $out" "^125 berth: option --restart: 'on-failure:3': a retry count is not supported"
