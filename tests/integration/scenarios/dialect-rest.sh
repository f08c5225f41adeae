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

# --- Mount=type=image (podman's --mount type=image) ------------------------------------------------
python3 "$BERTH_SOURCE_DIR/tests/integration/helpers/image-archive.py" docker-dialect /tmp/drest-image.tar
on_exit 'rm -f /tmp/drest-image.tar; berth image rm dialect:1 >/dev/null 2>&1'
berth image load /tmp/drest-image.tar >/dev/null
check_eq "--mount type=image: the image's layers as one tree (upper over lower)" \
        "$(berth run --rm --mount type=image,source=dialect:1,target=/img drest cat /img/etc/keep /img/var/www/index)" \
        "$(printf 'new\nwww')"
check_fails "  … its whiteouts hide what they remove" berth run --rm --mount type=image,source=dialect:1,target=/img drest \
        test -e /img/etc/removed
check_match "  … read-only" "$(berth run --rm --mount type=image,source=dialect:1,target=/img drest grep ' /img ' /proc/mounts)" \
        '^overlay /img overlay ro,'
check_fails "  … nothing can be written there" berth run --rm --mount type=image,source=dialect:1,target=/img drest \
        touch /img/etc/new
check_eq "a one-layer image is mounted too" \
        "$(berth run --rm --mount type=image,source=drest,target=/one,rw=false drest sh -c 'cat /one/etc/os-release | head -1; grep -c " /one .* ro," /proc/mounts')" \
        "$(printf 'ID=berthtest\n1')"
check_eq "rw=true: writable, for this run" \
        "$(berth run --rm --mount type=image,source=dialect:1,target=/img,rw=true drest sh -c 'echo x > /img/etc/keep; cat /img/etc/keep')" x
check_eq "  … the image is as it was" \
        "$(berth run --rm --mount type=image,source=dialect:1,target=/img drest cat /img/etc/keep)" new
out=$(berth run --rm --mount type=image,source=nothere,target=/x drest true 2>&1); rc=$?
check_eq "an image that is not there: exit 125" "$rc" 125
check_match "  … in one line" "$out" "^berth: image mount /x: .*nothere.*; see 'berth image ls'$"
out=$(berth run --rm --mount type=image,target=/x drest true 2>&1); rc=$?
check_eq "no source=: podman's line" "$out" "berth: option --mount: source parameter is required for mount type image"

# A definition's Mount=type=image pins its image while the container exists.
cat > $D/drimg.container <<'DEF'
[Container]
Image=drest
Mount=type=image,source=dialect:1,destination=/img
Exec=sh -c 'cat /img/etc/added; trap "exit 0" TERM; while :; do sleep 0.1; done'
DEF
on_exit "berth rm -f drimg >/dev/null 2>&1; rm -f $D/drimg.container"
systemctl daemon-reload
check "a definition with Mount=type=image starts" systemctl start container@drimg.service
wait_for 10 sh -c 'berth logs -o cat drimg | grep -q added'
check_eq "  … and reads the image" "$(berth logs -o cat drimg)" added
pin=/var/lib/berth/store/pins/drimg+image-0
check_match "  … pinned under a pin of its own" "$(cat $pin 2>&1)" '^sha256:[0-9a-f]{64}$'
check_match "  … the image's ID" "$(berth image inspect dialect:1)" "$(cut -d: -f2 $pin)"
out=$(berth image rm dialect:1 2>&1); rc=$?
check_fails "image rm refuses an image a Mount= uses" test "$rc" = 0
check_match "  … naming the container" "$out" "image dialect:1 is used by container drimg"
check "rm -f the container" berth rm -f drimg
berth image prune >/dev/null 2>&1
check_fails "  … its image mount's pin goes with it" test -e $pin

# --- [Quadlet] DefaultDependencies= ------------------------------------------------------------------
printf '[Container]\nImage=docker.io/library/nginx:1.25\n' > $D/drdeps.container
printf '[Container]\nImage=docker.io/library/nginx:1.25\n[Quadlet]\nDefaultDependencies=no\n' > $D/drnodeps.container
on_exit "rm -f $D/drdeps.container $D/drnodeps.container; systemctl daemon-reload"
systemctl daemon-reload
check_match "a registry's image: After=network-online.target by default" \
        "$(systemctl show -P After container@drdeps.service)" '(^| )network-online\.target( |$)'
check_match "the one with [Quadlet] is generated" "$(systemctl show -P SourcePath container@drnodeps.service)" \
        'drnodeps\.container$'
check_fails "  … not with [Quadlet] DefaultDependencies=no" \
        sh -c 'systemctl show -P After container@drnodeps.service | grep -q network-online'
check_fails "  … nor Wants=" sh -c 'systemctl show -P Wants container@drnodeps.service | grep -q network-online'
printf '[Container]\nImage=drest\n[Quadlet]\nDefaultDependencies=no\nFoo=1\n' > /tmp/drquadlet.container
on_exit 'rm -f /tmp/drquadlet.container'
check_eq "any other key of [Quadlet] is refused in one line" "$(berth verify /tmp/drquadlet.container 2>&1)" \
        "berth: /tmp/drquadlet.container:5: key 'Foo': not a key of [Quadlet], whose only key is DefaultDependencies= (as Quadlet's)"

# --- template .volume files (NAME@.volume) -------------------------------------------------------------
printf '[Volume]\nLabel=inst=%%i\nUser=1000\n' > $D/drtv@.volume
cat > $D/drweb@.container <<'DEF'
[Container]
Image=drest
Volume=drtv@.volume:/data
Exec=sh -c 'stat -c %%u /data; echo %i > /data/who; trap "exit 0" TERM; while :; do sleep 0.1; done'
DEF
on_exit "berth rm -f drweb@1 drweb@2 >/dev/null 2>&1; rm -f $D/drtv@.volume $D/drweb@.container; berth volume rm systemd-drtv-1 systemd-drtv-2 >/dev/null 2>&1"
systemctl daemon-reload
check "an instance of a template using a template .volume starts" systemctl start container@drweb@1.service
check "  … and another" systemctl start container@drweb@2.service
wait_for 10 sh -c 'berth logs -o cat drweb@2 | grep -q 1000'
check_eq "each instance has its own volume, systemd-NAME-INSTANCE" \
        "$(berth volume ls -q | grep '^systemd-drtv-' | sort | tr '\n' ' ')" "systemd-drtv-1 systemd-drtv-2 "
check_eq "  … made as the template says (User=), read for the instance" "$(berth logs -o cat drweb@1)" 1000
check_match "  … whose %i is the instance" "$(berth volume inspect systemd-drtv-2)" '"inst": "2"'
check_eq "  … and holds that instance's data" "$(berth exec drweb@2 cat /data/who)" 2

# --- docker's --label-file, --cidfile --------------------------------------------------------------
printf '# the team'"'"'s labels\nteam=web\n\n  tier\nurl=http://x/?a=b\r\n' > /tmp/dr-labels
on_exit "berth rm -f drlf drcid drcid2 >/dev/null 2>&1; rm -f /tmp/dr-labels /tmp/dr-cid /tmp/dr-cid2"
check "create --label-file FILE" berth create --name drlf --label-file /tmp/dr-labels drest true
check_eq "  … each line a label; a name alone an empty one; comments, blank lines and CRs left out" \
        "$(berth inspect --format '{{json .Config.Labels}}' drlf)" '{"team":"web","tier":"","url":"http://x/?a=b"}'
out=$(berth create --name drlf2 --label-file /tmp/dr-nofile drest true 2>&1); rc=$?
check_match "a --label-file that does not exist: 125 in one line" "$rc $(echo "$out" | wc -l) $out" \
        "^125 1 berth: option --label-file: /tmp/dr-nofile: No such file"
out=$(berth create --name drlf2 --label-file /tmp drest true 2>&1); rc=$?
check_match "  … nor a directory" "$rc $out" "^125 berth: option --label-file: /tmp: not a regular file$"
check_fails "  … and no container was made" berth inspect drlf2

check_eq "run -d --cidfile FILE writes the container's ID" \
        "$(berth run -d --name drcid --cidfile /tmp/dr-cid drest sleep 100 >/dev/null; cat /tmp/dr-cid)" drcid
check_eq "  … by which the verbs take it" "$(berth inspect --format '{{.State.Status}}' "$(cat /tmp/dr-cid)")" running
out=$(berth run -d --name drcid2 --cidfile /tmp/dr-cid drest sleep 100 2>&1); rc=$?
check_match "  … a file that exists: 125 in one line, as docker refuses" "$rc $(echo "$out" | wc -l) $out" \
        "^125 1 berth: option --cidfile: /tmp/dr-cid exists"
check_fails "  … and no container was made" berth inspect drcid2
check_eq "create --cidfile too" "$(berth create --name drcid2 --cidfile /tmp/dr-cid2 drest true >/dev/null; cat /tmp/dr-cid2)" drcid2
check_eq "a foreground run too, while it runs" \
        "$(berth run --rm --name drcid3 --cidfile /tmp/dr-cid3 drest sh -c 'sleep 0.5' & sleep 0.3; wait_for 5 test -s /tmp/dr-cid3; cat /tmp/dr-cid3; wait; rm -f /tmp/dr-cid3)" drcid3
