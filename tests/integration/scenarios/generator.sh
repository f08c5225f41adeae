# SPDX-License-Identifier: LGPL-2.1-or-later
# The generator in a real systemd: drop-ins, dependencies, [Install] links, a bad file next to
# good ones, autostart when the boot target starts, berth verify.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb
mkdir -p /etc/berth/containers
on_exit 'rm -f /etc/berth/containers/gen-*.container; systemctl daemon-reload'

cat > /etc/berth/containers/gen-db.container <<'DEF'
[Container]
Image=bb
Exec=sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
StopTimeout=5

[Install]
WantedBy=multi-user.target
DEF
cat > /etc/berth/containers/gen-app.container <<'DEF'
[Container]
Image=bb
Exec=sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
Network=container:gen-db
DEF
printf '[Container]\nImage=bb\nMemory=50%%off\n' > /etc/berth/containers/gen-bad.container
systemctl daemon-reload

check_eq "Description names the image" "$(systemctl show -P Description container@gen-db.service)" "berth container gen-db (bb)"
check_eq "TimeoutStopSec = StopTimeout + 10 s" "$(systemctl show -P TimeoutStopUSec container@gen-db.service)" 15s
check_match "Network=container: gives Requires=" "$(systemctl show -P Requires container@gen-app.service)" "container@gen-db.service"
check_match "  … and After=" "$(systemctl show -P After container@gen-app.service)" "container@gen-db.service"
check_eq "WantedBy= enables it without systemctl enable" "$(systemctl is-enabled container@gen-db.service)" enabled-runtime
check_match "  … multi-user.target wants it" "$(systemctl show -P Wants multi-user.target)" "container@gen-db.service"

# A bad file next to good ones: the good ones start, the bad one fails showing FILE:LINE.
check_match "the bad file's error is the unit's description" \
        "$(systemctl show -P Description container@gen-bad.service)" "bad definition: /etc/berth/containers/gen-bad.container:3: key 'Memory'"
systemctl start container@gen-bad.service 2>/dev/null
check_eq "the bad one fails to start" "$(systemctl is-active container@gen-bad.service)" failed
check_eq "  … with 125" "$(systemctl show -P ExecMainStatus container@gen-bad.service)" 125
check_match "  … and FILE:LINE in systemctl status" "$(systemctl status --no-pager container@gen-bad.service 2>&1 | head -1)" \
        "gen-bad.container:3: key 'Memory'"
journalctl --sync
check_match "  … and in its journal" "$(journalctl -o cat -u container@gen-bad.service --no-pager)" \
        "/etc/berth/containers/gen-bad.container:3: key 'Memory'"

# Autostart: what starting the boot target does at boot.
systemctl start multi-user.target
check_eq "starting multi-user.target starts the WantedBy= container" "$(systemctl is-active container@gen-db.service)" active
check "a good container that depends on it starts" systemctl start container@gen-app.service
check_eq "  … and runs" "$(systemctl is-active container@gen-app.service)" active
check "stopping them" systemctl stop container@gen-app.service container@gen-db.service

check "berth verify of good files" berth verify /etc/berth/containers/gen-db.container /etc/berth/containers/gen-app.container
out=$(berth verify /etc/berth/containers/gen-bad.container 2>&1); rc=$?
check_eq "berth verify of a bad file exits 1" "$rc" 1
check_match "  … with FILE:LINE" "$out" "^berth: /etc/berth/containers/gen-bad.container:3: key 'Memory'"

# A definition over the size limit (issue 12, item 7): refused before it is parsed, and still a
# unit that fails with the one line, never dropped in silence nor a stalled daemon-reload.
{ printf '[Container]\nImage=bb\n'; seq 25000 | sed 's/.*/Environment=V&=&/'; printf '[Install]\nWantedBy=multi-user.target\n'; } \
        > /etc/berth/containers/gen-big.container
check "a 400 KB definition" test "$(stat -c %s /etc/berth/containers/gen-big.container)" -gt 400000
systemctl daemon-reload
big_why="/etc/berth/containers/gen-big.container: larger than 262144 bytes, the most a definition may hold"
check_eq "the too large file's unit says why" "$(systemctl show -P Description container@gen-big.service)" \
        "berth container gen-big (bad definition: $big_why)"
check_fails "  … its [Install] is not acted on" test -e /run/systemd/generator/multi-user.target.wants/container@gen-big.service
systemctl start container@gen-big.service 2>/dev/null
check_eq "  … starting it fails with 125" "$(systemctl show -P ExecMainStatus container@gen-big.service)" 125
journalctl --sync
check_match "  … and the same line in its journal" "$(journalctl -o cat -u container@gen-big.service --no-pager)" "$big_why"
out=$(berth verify /etc/berth/containers/gen-big.container 2>&1); rc=$?
check_eq "berth verify of it: exit 1 and the line" "$rc $out" "1 berth: $big_why"
# Just under the limit, every list long: parsed, and good.
{ printf '[Container]\nImage=bb\n'; seq 8000 | sed 's/.*/Environment=V&=&/'; seq 1024 | sed 's|.*|Volume=/v&|';
  printf 'Exec=sh -c true \\\n'; seq 2000 | sed 's/.*/# c\n  w& \\/'; echo '  end'; } > /etc/berth/containers/gen-long.container
check "a long definition under the limit" test "$(stat -c %s /etc/berth/containers/gen-long.container)" -lt 262144
check "  … is good" berth verify /etc/berth/containers/gen-long.container
systemctl daemon-reload
check_eq "  … and its unit is the ordinary one" "$(systemctl show -P Description container@gen-long.service)" "berth container gen-long (bb)"

rm -f /etc/berth/containers/gen-*.container
systemctl daemon-reload
check_fails "links go with the files" test -e /run/systemd/generator/multi-user.target.wants/container@gen-db.service
check_fails "drop-ins go with the files" test -e /run/systemd/generator/container@gen-db.service.d
