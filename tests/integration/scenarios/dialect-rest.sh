# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16's leftovers: ContainerName= apart from the file's name (the unit stays
# container@FILE.service; every verb, machined and the container's references take the name).
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image drest
mkdir -p /run/berth/containers
D=/run/berth/containers

# --- ContainerName= -------------------------------------------------------------------------------
cat > $D/drfile.container <<'DEF'
[Container]
Image=drest
ContainerName=drfront
Exec=sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done'
DEF
on_exit "berth rm -f drfile >/dev/null 2>&1; rm -f $D/drfile.container $D/drtwin.container $D/drtaker.container; systemctl daemon-reload"
systemctl start systemd-machined.service
systemctl daemon-reload
check "the unit is named by the file: container@drfile.service starts" systemctl start container@drfile.service
check_eq "berth ps shows the ContainerName" \
        "$(berth ps --format '{{.Names}}' --filter id=drfile)" drfront
check_eq "ps --filter name= takes it" "$(berth ps -q --filter name=drfront)" drfile
check_eq "inspect by that name: docker's Name" "$(berth inspect --format '{{.Name}}' drfront)" /drfront
check_eq "  … and by the file's name" "$(berth inspect --format '{{.Name}}' drfile)" /drfront
check_eq "exec by that name" "$(berth exec drfront echo hi)" hi
check_eq "its hostname is that name" "$(berth exec drfront hostname)" drfront
wait_for 10 sh -c 'berth logs -o cat drfront | grep -q started'
check_eq "logs by that name" "$(berth logs -o cat drfront)" started
check_match "machined knows it by that name" "$(machinectl list --no-legend --no-pager)" "^drfront +container +berth"
check_eq "  … its unit the file's scope" "$(machinectl show --value -p Unit drfront)" container-drfile.scope
check "top by that name" berth top drfront
out=$(berth run --name drfront drest true 2>&1); rc=$?
check_eq "run --name with a ContainerName= taken fails" "$rc" 125
check_match "  … saying which file holds it" "$out" "container drfront exists \(.*/drfile\.container\)"
out=$(berth rename drfront drother 2>&1); rc=$?
check_fails "rename refuses a name ContainerName= gives" test "$rc" = 0
check_match "  … saying where to change it" "$out" "container drfront is named by ContainerName= in .*drfile\.container"

# Two definitions known by one name: the second does not start, in one line.
printf '[Container]\nImage=drest\nContainerName=drfront\nExec=sleep 100\n' > $D/drtwin.container
systemctl daemon-reload
check_fails "a second ContainerName=drfront does not start" systemctl start container@drtwin.service
check_match "  … the journal says why in one line" "$(journalctl -b -u container@drtwin.service --no-pager -o cat)" \
        "drtwin: container name 'drfront' is given by drfile\.container too \(ContainerName=\)"
out=$(berth verify $D/drtwin.container 2>&1); rc=$?
check_eq "verify refuses it" "$rc" 1
check_match "  … in the same line" "$out" "drtwin\.container: container name 'drfront' is given by drfile\.container too"
out=$(berth stop drfront 2>&1); rc=$?
check_fails "a name two definitions give is refused by the verbs" test "$rc" = 0
check_match "  … naming both files" "$out" "given by drfile\.container and drtwin\.container"
rm -f $D/drtwin.container
printf '[Container]\nImage=drest\nContainerName=drfile\nExec=sleep 100\n' > $D/drtaker.container
check_fails "ContainerName= that is another file's name does not start" berth start drtaker
rm -f $D/drtaker.container
systemctl daemon-reload

check "stop by that name" berth stop drfront
check_eq "  … the file's unit stopped" "$(systemctl is-active container@drfile.service)" inactive
check "start by that name" berth start drfront
check "rm -f by that name" berth rm -f drfront
check_fails "  … the file is gone" test -e $D/drfile.container

# quotes.container: systemd's unquoting leaves a '"', which podman refuses in a name too.
printf '[Container]\nImage=drest\nContainerName="RemoveQuotes"Name"\n' > /tmp/drquotes.container
on_exit 'rm -f /tmp/drquotes.container'
check_match "a name podman refuses is refused" "$(berth verify /tmp/drquotes.container 2>&1)" \
        "key 'ContainerName': 'RemoveQuotes\"Name' is not a valid container name"
