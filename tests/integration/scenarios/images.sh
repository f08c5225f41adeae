# SPDX-License-Identifier: LGPL-2.1-or-later
# Images from archives: `image import` of a tar (docker export's kind), `image load` of docker
# save's and OCI's layouts with their layers stacked under the overlay (whiteouts, opaque
# directories), and hostile or broken archives refused in one line with nothing left behind.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

mk="$BERTH_SOURCE_DIR/tests/integration/helpers/image-archive.py"
work=$(mktemp -d /var/tmp/images.XXXXXX)
on_exit "rm -rf $work"
for k in docker oci rootfs docker-dotdot docker-notag docker-badvol outer-dotdot; do python3 "$mk" $k "$work/$k.tar"; done
images=/var/lib/berth/images
# Dot entries other than the store's lock: what a load or import left behind.
leftovers() { ls -A "$images" | grep '^\.' | grep -cvx '\.lock' ; }

# --- import of a tar archive
check "image import of a gzip'd tar" berth image import "$work/rootfs.tar" tarimg
on_exit "berth image rm tarimg >/dev/null 2>&1"
check_eq "  … runs" "$(berth run --rm tarimg cat /etc/keep)" old
check_eq "  … with the archive's numeric owners and modes" "$(berth run --rm tarimg stat -c '%u:%g %a' /var/www /var/www/index)" \
        "33:33 750
33:33 644"
check_eq "  … and its symlinks" "$(berth run --rm tarimg sh -c 'ls -l /bin/cat' | sed 's/.*-> //')" busybox
check "image import - reads stdin" sh -c "berth image import - stdinimg < '$work/rootfs.tar'"
on_exit "berth image rm stdinimg >/dev/null 2>&1"
check_eq "  … and runs" "$(berth run --rm stdinimg cat /etc/removed)" "gone soon"

# --- load: docker save
out=$(berth image load "$work/docker.tar" 2>&1); rc=$?
check_eq "image load of docker save's layout prints the name from its tag" "$rc $out" "0 app-1.2"
on_exit "berth image rm app-1.2 >/dev/null 2>&1"
check_eq "  … two layers, bottom first" "$(ls $images/app-1.2/layers)" "000
001"
check "  … and its config next to them" test -s $images/app-1.2/config.json
check_match "image ls lists it" "$(berth image ls)" '^app-1\.2 '
stacked() {
        berth run --rm "$1" sh -c 'cat /etc/keep /etc/added; test -e /etc/removed && echo removed-is-there; ls /opt/old | tr "\n" " "' 2>&1
}
check_eq "  … the upper layer wins, its whiteout hides a file, its opaque directory hides the lower's" \
        "$(stacked app-1.2)" "new
added
b "
check_eq "  … and the container's own changes go to its upper directory, not to a layer" \
        "$(berth run --rm app-1.2 sh -c 'echo mine > /etc/keep; cat /etc/keep'; cat $images/app-1.2/layers/001/etc/keep)" \
        "mine
new"
out=$(berth image load "$work/docker.tar" 2>&1); rc=$?
check_eq "loading it again: 125" "$rc" 125
check_eq "  … saying it exists" "$out" "berth: Failed to load $work/docker.tar: image app-1.2 already exists"
check "  … a name given takes it under that name" sh -c "berth image load '$work/docker.tar' app2 | grep -qx app2"
on_exit "berth image rm app2 >/dev/null 2>&1"

# --- load: OCI image layout, gzip'd layers
out=$(berth image load - < "$work/oci.tar" 2>&1); rc=$?
check_eq "image load of an OCI layout from stdin" "$rc $out" "0 ociapp-2"
on_exit "berth image rm ociapp-2 >/dev/null 2>&1"
check_eq "  … stacks its layers the same way" "$(stacked ociapp-2)" "new
added
b "

# --- bad archives: one line, exit 125, nothing left
check_eq "nothing of the loads is left in the images directory" "$(leftovers)" 0
out=$(berth image load "$work/docker-dotdot.tar" dotdot 2>&1); rc=$?
check_eq "a manifest naming ../../../etc/passwd as a layer: 125" "$rc" 125
check_match "  … in one line" "$out" "^berth: Failed to load .*: the archive has no file '\.\./\.\./\.\./etc/passwd'"
check_eq "  … leaving nothing" "$(leftovers) $(berth image ls -q | grep -c dotdot)" "0 0"
out=$(berth image load "$work/outer-dotdot.tar" 2>&1); rc=$?
check_eq "an archive entry ../evil: 125" "$rc $(echo "$out" | wc -l)" "125 1"
check_match "  … saying which" "$out" "entry '\.\./evil'"
check_fails "  … and writing nothing outside" test -e "$images/../evil"
out=$(berth image load "$work/docker-notag.tar" 2>&1); rc=$?
check_eq "an archive without a tag and no NAME: 125" "$rc $out" \
        "125 berth: Failed to load $work/docker-notag.tar: the archive has no tag; give NAME"
echo "not an archive" > "$work/junk"
out=$(berth image load "$work/junk" 2>&1); rc=$?
check_match "junk: 125 in one line" "$rc $out" "^125 berth: Failed to load .*: not a readable tar archive"
out=$(berth image import "$work/junk" junkimg 2>&1); rc=$?
check_match "  … also for import" "$rc $out" "^125 berth: Failed to import .* as image junkimg: not a readable tar archive"
check_eq "  … and no half image stays" "$(leftovers) $(berth image ls -q | grep -c junkimg)" "0 0"
out=$(berth image load "$work/docker.tar" 'bad/name' 2>&1); rc=$?
check_eq "a bad NAME: 125" "$rc $out" "125 berth: invalid image name 'bad/name': names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}"

# --- the image's configuration, under the definition
check_eq "run without a command runs the image's Cmd, in its WorkingDir" "$(berth run --rm app-1.2)" "image cmd in /opt"
check_eq "  … with its Env" "$(berth run --rm app-1.2 sh -c 'echo $FROM_IMAGE $PATH')" "yes /bin"
check_eq "  … under the definition's -e and -w" "$(berth run --rm -e FROM_IMAGE=no -w /etc app-1.2 sh -c 'echo $FROM_IMAGE $(pwd)')" \
        "no /etc"
check_eq "--entrypoint '' with a command runs just the command" "$(berth run --rm --entrypoint '' app-1.2 echo plain)" plain
berth run -d --name cfgd app-1.2 sleep 1000 >/dev/null
on_exit 'berth rm -f -v cfgd >/dev/null 2>&1'
check_eq "exec gets the image's Env and WorkingDir too" "$(berth exec cfgd sh -c 'echo $FROM_IMAGE $(pwd)')" "yes /opt"
berth rm -f -v cfgd >/dev/null
out=$(berth run --rm tarimg 2>&1); rc=$?
check_eq "an image without a config still needs a command: 125" "$rc $out" \
        "125 berth: container $(echo "$out" | sed -n 's/.*container \([^ ]*\) has.*/\1/p') has no command: give one after the image, or set Exec="

# --- the image's volumes (docker's VOLUME): anonymous volumes, filled from the image
check_eq "no anonymous volume is left by the runs above (--rm, rm -v)" "$(berth volume ls -q | grep -- '-[0-9a-f]\{16\}$')" ""
berth run -d --name vold app-1.2 sleep 1000 >/dev/null
on_exit 'berth rm -f -v vold >/dev/null 2>&1'
check "a declared volume is mounted" berth exec vold sh -c 'grep -q " /var/www " /proc/self/mountinfo'
check_eq "  … filled from the image, with its owner and mode" \
        "$(berth exec vold sh -c 'cat /var/www/index; stat -c "%u:%g %a" /var/www')" "www
33:33 750"
vol=$(berth volume ls -q | grep '^vold-')
check_match "  … as an anonymous volume of the container" "$vol" '^vold-[0-9a-f]{16}$'
berth exec vold sh -c 'echo kept > /var/www/mine'
berth restart vold >/dev/null
check_eq "  … which a restart keeps" "$(berth exec vold cat /var/www/mine)" kept
berth rm -f -v vold >/dev/null
check_fails "  … and rm -v removes" test -e "/var/lib/berth/volumes/$vol"
check_eq "-v NAME:/var/www replaces the image's volume" \
        "$(berth run --rm -v mine:/var/www app-1.2 sh -c 'ls /var/www'; berth volume ls -q | grep -c '^mine$'; berth volume rm mine >/dev/null)" "index
1"
check_eq "  … and no anonymous volume is made for it" "$(berth volume ls -q | grep -c -- '-[0-9a-f]\{16\}$')" 0
check_eq "--tmpfs /var/www replaces it too" "$(berth run --rm --tmpfs /var/www app-1.2 ls /var/www | wc -l)" 0
check_eq "run --rm removes the image's anonymous volume" \
        "$(berth run --rm app-1.2 true; berth volume ls -q | grep -c -- '-[0-9a-f]\{16\}$')" 0
check "an image declaring a volume under /proc loads" berth image load "$work/docker-badvol.tar"
on_exit "berth image rm badvol-1 >/dev/null 2>&1"
out=$(berth run --rm --name badv badvol-1 true 2>&1); rc=$?
check_eq "  … but its containers do not start: 125 in one line" "$rc $out" \
        "125 berth: image badvol-1 declares the volume '/proc/sys': destination '/proc/sys' is under /proc, /sys or /dev (allowed only with Privileged=yes)"

# --- export: the container's file system as a tar, which import reads back
berth run --name exp app-1.2 sh -c 'echo changed > /etc/keep; rm /etc/added; mkdir -p /srv/new; echo n > /srv/new/file' >/dev/null
on_exit 'berth rm -f exp >/dev/null 2>&1'
check "export -o FILE" berth export -o "$work/exp.tar" exp
check "  … imports as an image" berth image import "$work/exp.tar" expimg
on_exit "berth image rm expimg >/dev/null 2>&1"
check_eq "  … with the container's changes over the image's layers" \
        "$(berth run --rm expimg sh -c 'cat /etc/keep /srv/new/file; test -e /etc/added || echo added-gone; test -e /etc/removed || echo removed-gone; ls /opt/old')" \
        "changed
n
added-gone
removed-gone
b"
check_eq "  … its owners and modes" "$(berth run --rm expimg stat -c '%u:%g %a' /var/www/index /tmp)" "33:33 644
0:0 1777"
check "export to a pipe, into image import -" sh -c "berth export exp | berth image import - expimg2"
on_exit "berth image rm expimg2 >/dev/null 2>&1"
check_eq "  … the same tree" "$(berth run --rm expimg2 cat /etc/keep)" changed
berth create --name expnew app-1.2 true >/dev/null
on_exit 'berth rm -f expnew >/dev/null 2>&1'
check_eq "export of a container never started: the image's tree" \
        "$(berth export expnew | tar -tf - | grep -c '^\./etc/keep$')" 1
out=$(script -qec "berth export exp" /dev/null | tr -d '\r'); rc=$?
check_eq "export to a terminal is refused in one line" "$out" \
        "berth: refusing to write an archive to a terminal; use -o FILE or a redirection"

# --- image inspect
berth create --name insp app-1.2 >/dev/null
on_exit 'berth rm -f insp >/dev/null 2>&1'
j=$(berth image inspect app-1.2)
pyj() { printf '%s' "$j" | python3 -c 'import json, sys; j = json.load(sys.stdin)[0]; print(eval(sys.argv[1]))' "$1"; }
check_eq "image inspect: its layers, bottom first" "$(pyj '[l.rsplit("/", 1)[1] for l in j["layers"]]')" "['000', '001']"
check_eq "  … its configuration" "$(pyj 'j["config"]["cmd"], j["config"]["working_dir"], j["config"]["volumes"]')" \
        "(['sh', '-c', 'echo image cmd in \$(pwd)'], '/opt', ['/var/www'])"
check_eq "  … the containers that use it" "$(pyj '"insp" in j["containers"]')" True
check "  … its size" test "$(pyj 'j["size"]')" -gt 1000000
check_eq "  … an image without a config has none" "$(berth image inspect tarimg | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["config"]["cmd"])')" None
out=$(berth image inspect nosuch 2>&1); rc=$?
check_match "  … no such image: 125" "$rc $out" "^125 berth: no such image nosuch"

# --- the image's ExposedPorts in docker's link variables
berth run -d --name lnk app-1.2 sleep 1000 >/dev/null
on_exit 'berth rm -f -v lnk >/dev/null 2>&1'
check_match "a link to a container of it gets the image's ExposedPorts" \
        "$(berth run --rm --link lnk:web tarimg env | grep '^WEB_PORT' | sort | tr '\n' ' ')" \
        "^WEB_PORT=tcp://10\.[0-9.]+:8080 WEB_PORT_8080_TCP=tcp://10\.[0-9.]+:8080 WEB_PORT_8080_TCP_ADDR=10\.[0-9.]+ WEB_PORT_8080_TCP_PORT=8080 WEB_PORT_8080_TCP_PROTO=tcp $"

# --- export of a running container: what it has written so far
berth run -d --name explive app-1.2 sh -c 'echo live > /tmp/written; sleep 1000' >/dev/null
on_exit 'berth rm -f -v explive >/dev/null 2>&1'
wait_for 5 sh -c 'berth exec explive test -e /tmp/written'
check_eq "export of a running container has what it wrote" \
        "$(berth export explive | tar -xOf - ./tmp/written)" live
check_eq "  … and it keeps running" "$(systemctl is-active container@explive.service)" active
