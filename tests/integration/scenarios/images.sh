# SPDX-License-Identifier: LGPL-2.1-or-later
# Images from archives: `image import` of a tar (docker export's kind), `image load` of docker
# save's and OCI's layouts with their layers stacked under the overlay (whiteouts, opaque
# directories), and hostile or broken archives refused in one line with nothing left behind.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

mk="$BERTH_SOURCE_DIR/tests/integration/helpers/image-archive.py"
work=$(mktemp -d /var/tmp/images.XXXXXX)
on_exit "rm -rf $work"
for k in docker docker-two oci rootfs docker-dotdot docker-notag docker-badvol outer-dotdot; do python3 "$mk" $k "$work/$k.tar"; done
STORE=/var/lib/berth/store
APP=example.org/team/app:1.2
# What a load or import left behind in the store's tmp/.
leftovers() { ls -A "$STORE/tmp" | wc -l; }
# layer_dir IMAGE N: the directory of the image's layer N (0 the bottom), by its chain ID.
layer_dir() {
        berth image inspect "$1" | python3 -c '
import hashlib, json, sys
ids = json.load(sys.stdin)[0]["RootFS"]["Layers"][:int(sys.argv[1]) + 1]
chain = ids[0]
for d in ids[1:]:
    chain = "sha256:" + hashlib.sha256((chain + " " + d).encode()).hexdigest()
print("'"$STORE"'/layers/sha256/" + chain[7:])' "$2"
}

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
check_eq "image load of docker save's layout prints the reference of its tag" "$rc $out" "0 Loaded image: $APP"
on_exit "berth image rm $APP >/dev/null 2>&1"
check "  … two layers in the store, bottom first" test -d "$(layer_dir $APP 0)" -a -d "$(layer_dir $APP 1)" -a -f "$(layer_dir $APP 1)/etc/added"
check "  … and its config as a blob" test -s "$STORE/blobs/sha256/$(berth image inspect $APP | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Id"][7:])')"
check_match "image ls lists it" "$(berth image ls)" '^example\.org/team/app +1\.2 '
stacked() {
        berth run --rm "$1" sh -c 'cat /etc/keep /etc/added; test -e /etc/removed && echo removed-is-there; ls /opt/old | tr "\n" " "' 2>&1
}
check_eq "  … the upper layer wins, its whiteout hides a file, its opaque directory hides the lower's" \
        "$(stacked $APP)" "new
added
b "
check_eq "  … and the container's own changes go to its upper directory, not to a layer" \
        "$(berth run --rm $APP sh -c 'echo mine > /etc/keep; cat /etc/keep'; cat $(layer_dir $APP 1)/etc/keep)" \
        "mine
new"
n=$(ls $STORE/layers/sha256 | wc -l)
out=$(berth image load "$work/docker.tar" 2>&1); rc=$?
check_eq "loading it again tags it again, as docker" "$rc $out" "0 Loaded image: $APP"
check_eq "  … storing no layer twice" "$(ls $STORE/layers/sha256 | wc -l)" "$n"
check "  … a name given takes it under that name" sh -c "berth image load '$work/docker.tar' app2 | grep -qx \"Loaded image: localhost/app2:latest\""
on_exit "berth image rm app2 >/dev/null 2>&1"

# --- load: docker save A B, two images in one archive
n=$(ls $STORE/layers/sha256 | wc -l)
out=$(berth load -i "$work/docker-two.tar" 2>&1); rc=$?
check_eq "an archive of two images (docker save A B) loads both" "$rc $out" "0 Loaded image: docker.io/library/two-a:1
Loaded image: docker.io/library/two-b:1"
on_exit "berth image rm two-a:1 two-b:1 >/dev/null 2>&1"
check_eq "  … each runs its own" "$(berth run --rm two-a:1 cat /etc/which; berth run --rm two-b:1 cat /etc/which)" "a
b"
check_eq "  … on one base layer, the one of the image above: two layers more, not four" \
        "$(ls $STORE/layers/sha256 | wc -l)" $((n + 2))
out=$(berth load -i "$work/docker-two.tar" two 2>&1); rc=$?
check_eq "  … a NAME for both is refused in one line" "$rc $out" \
        "125 berth: Failed to load $work/docker-two.tar: the archive holds 2 images, and a NAME names one: load it without"

# --- load: OCI image layout, gzip'd layers
out=$(berth image load - < "$work/oci.tar" 2>&1); rc=$?
check_eq "image load of an OCI layout from stdin" "$rc $out" "0 Loaded image: docker.io/library/ociapp:2"
on_exit "berth image rm ociapp:2 >/dev/null 2>&1"
check_eq "  … stacks its layers the same way" "$(stacked ociapp:2)" "new
added
b "

# --- bad archives: one line, exit 125, nothing left
check_eq "nothing of the loads is left in the store's tmp/" "$(leftovers)" 0
out=$(berth image load "$work/docker-dotdot.tar" dotdot 2>&1); rc=$?
check_eq "a manifest naming ../../../etc/passwd as a layer: 125" "$rc" 125
check_match "  … in one line" "$out" "^berth: Failed to load .*: the archive has no file '\.\./\.\./\.\./etc/passwd'"
check_eq "  … leaving nothing" "$(leftovers) $(berth image ls | grep -c dotdot)" "0 0"
out=$(berth image load "$work/outer-dotdot.tar" 2>&1); rc=$?
check_eq "an archive entry ../evil: 125" "$rc $(echo "$out" | wc -l)" "125 1"
check_match "  … saying which" "$out" "entry '\.\./evil'"
check_fails "  … and writing nothing outside" test -e "$STORE/tmp/evil" -o -e "$STORE/evil"
out=$(berth image load "$work/docker-notag.tar" 2>&1); rc=$?
check_eq "an archive without a tag and no NAME: 125" "$rc $out" \
        "125 berth: Failed to load $work/docker-notag.tar: the archive has no tag; give NAME"
echo "not an archive" > "$work/junk"
out=$(berth image load "$work/junk" 2>&1); rc=$?
check_match "junk: 125 in one line" "$rc $out" "^125 berth: Failed to load .*: not a readable tar archive"
out=$(berth image import "$work/junk" junkimg 2>&1); rc=$?
check_match "  … also for import" "$rc $out" "^125 berth: Failed to import .* as image localhost/junkimg:latest: not a readable tar archive"
check_eq "  … and no half image stays" "$(leftovers) $(berth image ls | grep -c junkimg)" "0 0"
out=$(berth image load "$work/docker.tar" 'Bad/Name' 2>&1); rc=$?
check_match "a bad NAME: 125 in one line" "$rc $out" "^125 berth: Failed to load .*: 'Bad/Name' is not a valid image reference: .+$"

# --- the image's configuration, under the definition
check_eq "run without a command runs the image's Cmd, in its WorkingDir" "$(berth run --rm $APP)" "image cmd in /opt"
check_eq "  … with its Env" "$(berth run --rm $APP sh -c 'echo $FROM_IMAGE $PATH')" "yes /bin"
check_eq "  … under the definition's -e and -w" "$(berth run --rm -e FROM_IMAGE=no -w /etc $APP sh -c 'echo $FROM_IMAGE $(pwd)')" \
        "no /etc"
check_eq "--entrypoint '' with a command runs just the command" "$(berth run --rm --entrypoint '' $APP echo plain)" plain
berth run -d --name cfgd $APP sleep 1000 >/dev/null
on_exit 'berth rm -f -v cfgd >/dev/null 2>&1'
check_eq "exec gets the image's Env and WorkingDir too" "$(berth exec cfgd sh -c 'echo $FROM_IMAGE $(pwd)')" "yes /opt"
berth rm -f -v cfgd >/dev/null
out=$(berth run --rm tarimg 2>&1); rc=$?
check_eq "an image without a config still needs a command: 125" "$rc $out" \
        "125 berth: container $(echo "$out" | sed -n 's/.*container \([^ ]*\) has.*/\1/p') has no command: give one after the image, or set Exec="

# --- the image's volumes (docker's VOLUME): anonymous volumes, filled from the image
check_eq "no anonymous volume is left by the runs above (--rm, rm -v)" "$(berth volume ls -q | grep -- '-[0-9a-f]\{16\}$')" ""
berth run -d --name vold $APP sleep 1000 >/dev/null
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
        "$(berth run --rm -v mine:/var/www $APP sh -c 'ls /var/www'; berth volume ls -q | grep -c '^mine$'; berth volume rm mine >/dev/null)" "index
1"
check_eq "  … and no anonymous volume is made for it" "$(berth volume ls -q | grep -c -- '-[0-9a-f]\{16\}$')" 0
check_eq "--tmpfs /var/www replaces it too" "$(berth run --rm --tmpfs /var/www $APP ls /var/www | wc -l)" 0
check_eq "run --rm removes the image's anonymous volume" \
        "$(berth run --rm $APP true; berth volume ls -q | grep -c -- '-[0-9a-f]\{16\}$')" 0
check "an image declaring a volume under /proc loads" berth image load "$work/docker-badvol.tar"
on_exit "berth image rm badvol:1 >/dev/null 2>&1"
out=$(berth run --rm --name badv badvol:1 true 2>&1); rc=$?
check_eq "  … but its containers do not start: 125 in one line" "$rc $out" \
        "125 berth: image badvol:1 declares the volume '/proc/sys': destination '/proc/sys' is under /proc, /sys or /dev (allowed only with Privileged=yes)"

# --- export: the container's file system as a tar, which import reads back
berth run --name exp $APP sh -c 'echo changed > /etc/keep; rm /etc/added; mkdir -p /srv/new; echo n > /srv/new/file' >/dev/null
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
berth create --name expnew $APP true >/dev/null
on_exit 'berth rm -f expnew >/dev/null 2>&1'
check_eq "export of a container never started: the image's tree" \
        "$(berth export expnew | tar -tf - | grep -c '^\./etc/keep$')" 1
out=$(script -qec "berth export exp" /dev/null | tr -d '\r'); rc=$?
check_eq "export to a terminal is refused in one line" "$out" \
        "berth: refusing to write an archive to a terminal; use -o FILE or a redirection"

# --- image inspect
berth create --name insp $APP >/dev/null
on_exit 'berth rm -f insp >/dev/null 2>&1'
j=$(berth image inspect $APP)
pyj() { printf '%s' "$j" | python3 -c 'import json, sys; j = json.load(sys.stdin)[0]; print(eval(sys.argv[1]))' "$1"; }
# The OCI archive holds the same config: one image, under every name it was loaded as.
check_eq "image inspect: its names and layers" "$(pyj 'j["RepoTags"], len(j["RootFS"]["Layers"])')" \
        "(['docker.io/library/ociapp:2', '$APP', 'localhost/app2:latest'], 2)"
check_eq "  … its configuration" "$(pyj 'j["Config"]["Cmd"], j["Config"]["WorkingDir"], j["Config"]["Volumes"]')" \
        "(['sh', '-c', 'echo image cmd in \$(pwd)'], '/opt', ['/var/www'])"
check_eq "  … the containers that use it" "$(pyj '"insp" in j["Containers"]')" True
check "  … its size" test "$(pyj 'j["Size"]')" -gt 1000000
check_eq "  … an image without a config has none" "$(berth image inspect tarimg | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Config"]["Cmd"])')" None
out=$(berth image inspect nosuch 2>&1); rc=$?
check_match "  … no such image: 125" "$rc $out" "^125 berth: image 'nosuch' not found"

# --- the image's ExposedPorts in docker's link variables
berth run -d --name lnk $APP sleep 1000 >/dev/null
on_exit 'berth rm -f -v lnk >/dev/null 2>&1'
check_match "a link to a container of it gets the image's ExposedPorts" \
        "$(berth run --rm --link lnk:web tarimg env | grep '^WEB_PORT' | sort | tr '\n' ' ')" \
        "^WEB_PORT=tcp://10\.[0-9.]+:8080 WEB_PORT_8080_TCP=tcp://10\.[0-9.]+:8080 WEB_PORT_8080_TCP_ADDR=10\.[0-9.]+ WEB_PORT_8080_TCP_PORT=8080 WEB_PORT_8080_TCP_PROTO=tcp $"

# --- export of a running container: what it has written so far
berth run -d --name explive $APP sh -c 'echo live > /tmp/written; sleep 1000' >/dev/null
on_exit 'berth rm -f -v explive >/dev/null 2>&1'
wait_for 5 sh -c 'berth exec explive test -e /tmp/written'
check_eq "export of a running container has what it wrote" \
        "$(berth export explive | tar -xOf - ./tmp/written)" live
check_eq "  … and it keeps running" "$(systemctl is-active container@explive.service)" active
