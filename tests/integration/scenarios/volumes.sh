# SPDX-License-Identifier: LGPL-2.1-or-later
# Volumes: binds, named and anonymous volumes filled from the image (copy-up), volumes-from,
# tmpfs, the volume verbs, rm -v and --rm, --read-only, hostile images, a full disk during
# copy-up, and bad input.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

VOLS=/var/lib/berth/volumes

make_image bb

# base_tree DIR: what make_image puts in an image, for images with content of their own.
base_tree() {
        local dir=$1
        mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,home/user}
        cp /bin/busybox "$dir/bin/busybox"
        for a in $("$dir/bin/busybox" --list); do [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"; done
        printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$dir/etc/passwd"
        printf 'root:x:0:\nuser:x:1000:\n' > "$dir/etc/group"
        echo image-etc > "$dir/etc/marker"
        chmod 1777 "$dir/tmp"
}

# The image with something in its volume path: a directory owned 33:33, mode 750, holding files
# with their own owners, modes, times and xattrs, hard links, symlinks that point out of the image
# (/etc/shadow, ../../../../etc/hostname), a FIFO and device nodes; plus destinations that are
# symlinks out of the root (/etclink → /etc, /escape → ../../..).
img=$(mktemp -d /tmp/image.XXXXXX)
base_tree "$img"
mkdir -p "$img/data/sub/deeper"
echo hello > "$img/data/file"
chown 1000:1000 "$img/data/file"; chmod 640 "$img/data/file"
touch -d @1000000000 "$img/data/file"
echo deep > "$img/data/sub/deeper/leaf"
echo linked > "$img/data/hl1"; ln "$img/data/hl1" "$img/data/hl2"
ln -s /etc/shadow "$img/data/shadow"
ln -s ../../../../etc/hostname "$img/data/up"
mkfifo "$img/data/fifo"
mknod "$img/data/null" c 1 3
mknod "$img/data/tty9" c 4 9
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.berth", b"kept")' "$img/data/file"
chown 33:33 "$img/data"; chmod 750 "$img/data"
touch -d @1100000000 "$img/data"
ln -s /etc "$img/etclink"
ln -s ../../.. "$img/escape"
berth image import "$img" vi >/dev/null
rm -rf "$img"
on_exit "berth image rm vi"

on_exit "rm -rf /tmp/hostdir /tmp/emptyhost /tmp/hostfile"
sum_shadow=$(sha256sum /etc/shadow)
sum_hostname=$(sha256sum /etc/hostname)

# --- copy-up ---------------------------------------------------------------------------------------
out=$(berth run --rm -v vol1:/data vi stat -c '%u:%g %a' /data)
check_eq "a new named volume takes the owner and mode of the image's directory (33:33 750)" "$out" "33:33 750"
D=$VOLS/vol1/_data
check_eq "  … its content is copied in" "$(cat $D/file $D/sub/deeper/leaf)" "hello
deep"
check_eq "  … owners and modes kept" "$(stat -c '%u:%g %a' $D/file)" "1000:1000 640"
check_eq "  … timestamps kept (file, volume root)" "$(stat -c %Y $D/file $D | paste -sd,)" "1000000000,1100000000"
check_eq "  … xattrs kept" "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.berth").decode())' $D/file)" kept
check_eq "  … hard links kept" "$(stat -c %i $D/hl1)" "$(stat -c %i $D/hl2)"
check_eq "  … a symlink to /etc/shadow is copied as a symlink, not followed" "$(readlink $D/shadow)" /etc/shadow
check_eq "  … so is one that climbs out with ../" "$(readlink $D/up)" ../../../../etc/hostname
check "  … a FIFO is recreated (and copy-up did not hang on it)" test -p $D/fifo
check_eq "  … device nodes recreated (1:3, 4:9)" "$(stat -c '%F %t:%T' $D/null $D/tty9 | paste -sd,)" \
        "character special file 1:3,character special file 4:9"
check_eq "  … and the container sees all of it" "$(berth run --rm -v vol1:/data vi sh -c 'cat /data/file; readlink /data/shadow')" "hello
/etc/shadow"
check_eq "the host's /etc/shadow is unchanged" "$(sha256sum /etc/shadow)" "$sum_shadow"
check_eq "the host's /etc/hostname is unchanged" "$(sha256sum /etc/hostname)" "$sum_hostname"
check_eq "nothing else appeared in the volume store" "$(ls -A $VOLS/vol1)" _data

# --- persistence, never twice, never into a non-empty volume ----------------------------------------
berth run --rm -v vol1:/data vi sh -c 'echo new > /data/new; rm /data/file'
check_eq "a volume persists across containers" "$(berth run --rm -v vol1:/data bb cat /data/new)" new
check_fails "  … and is never filled twice (a file deleted in it stays deleted)" \
        berth run --rm -v vol1:/data vi test -e /data/file
berth volume create pre >/dev/null
mkdir -p $VOLS/pre/_data && echo mine > $VOLS/pre/_data/mine
check_eq "a volume that is not empty is not touched" "$(berth run --rm -v pre:/data vi ls /data)" mine
berth run --rm -v used-empty:/nothing-here vi true
check_eq "a used volume that is empty stays empty" "$(berth run --rm -v used-empty:/data vi ls -A /data)" ""
check_eq "  … and is owned as docker makes it (root 755)" "$(stat -c '%u %a' $VOLS/used-empty/_data)" "0 755"

# --- binds ----------------------------------------------------------------------------------------------
mkdir -p /tmp/hostdir /tmp/emptyhost
echo on-host > /tmp/hostdir/f
berth run --rm -v /tmp/hostdir:/h vi sh -c 'echo from-ctr > /h/g'
check_eq "a bind is read-write by default" "$(cat /tmp/hostdir/g)" from-ctr
check_fails ":ro makes a bind read-only" berth run --rm -v /tmp/hostdir:/h:ro vi touch /h/x
mkdir -p /tmp/hostdir/sub && mount -t tmpfs -o size=1m sub /tmp/hostdir/sub
on_exit "umount /tmp/hostdir/sub"
check_eq "a bind takes the host's submounts along" "$(berth run --rm -v /tmp/hostdir:/h vi sh -c 'touch /h/sub/rw && echo ok')" ok
check_fails "  … and :ro covers them too" berth run --rm -v /tmp/hostdir:/h:ro vi touch /h/sub/x
berth run --rm -v /tmp/emptyhost:/data vi true
check_eq "nothing is ever copied into a bind of a host path" "$(ls -A /tmp/emptyhost)" ""
echo filebind > /tmp/hostfile
check_eq "a file can be bound onto a path the image lacks" "$(berth run --rm -v /tmp/hostfile:/etc/bound:ro vi cat /etc/bound)" filebind
check_fails ":ro makes a volume read-only" berth run --rm -v vol1:/data:ro vi touch /data/x

# --- anonymous volumes, rm -v, --rm --------------------------------------------------------------------------
berth run -d --name anon1 -v /data -v keepme:/keep vi sleep 1000 >/dev/null
anon=$(ls $VOLS | grep '^anon1-' || true)
check_match "an anonymous volume is named after its container" "$anon" '^anon1-[0-9a-f]{16}$'
check_eq "  … and filled from the image" "$(cat $VOLS/$anon/_data/file 2>/dev/null)" hello
berth exec anon1 sh -c 'echo kept > /data/mark'
berth stop anon1 >/dev/null; berth start anon1 >/dev/null
check_eq "  … the same one after a restart" "$(berth exec anon1 cat /data/mark)" kept
out=$(berth volume rm $anon 2>&1); rc=$?
check_eq "volume rm of a running container's volume is refused" "$rc" 125
check_eq "  … saying by whom" "$out" "berth: volume $anon is in use by running container anon1"
check_fails "  … even with -f" berth volume rm -f $anon
berth rm -f -v anon1 >/dev/null
check_fails "rm -v removes the anonymous volumes" test -e $VOLS/$anon
check "  … but not the named ones" test -d $VOLS/keepme
berth run --rm --name anon2 -v /data vi true
check_eq "run --rm removes the anonymous volumes" "$(ls $VOLS | grep -c '^anon2-')" 0
berth run -d --rm --name anon3 -v /data vi true >/dev/null
for _ in $(seq 50); do [ -e /run/berth/containers/anon3.container ] || break; sleep 0.1; done
check_eq "run -d --rm removes them once the unit stopped" "$(ls $VOLS | grep -c '^anon3-')" 0
berth run --name anon4 -v /data vi true
berth rm anon4
check_eq "rm without -v keeps them" "$(ls $VOLS | grep -c '^anon4-')" 1

# --- volumes-from ----------------------------------------------------------------------------------------
berth create --name src1 -v vf:/data -v /tmp/hostdir:/h -v vfro:/ro:ro -v /anon vi true >/dev/null
berth run --rm --volumes-from src1 bb sh -c 'echo via-from > /data/x; echo via-from > /h/x'
check_eq "volumes-from mounts the other container's volumes" "$(cat $VOLS/vf/_data/x)" via-from
check_eq "  … and its binds" "$(cat /tmp/hostdir/x)" via-from
berth run --rm --volumes-from src1 bb sh -c 'echo via-from > /anon/x'
check_eq "  … and its anonymous volumes" "$(cat $VOLS/src1-*/_data/x)" via-from
check_fails "  … keeping a :ro volume read-only under :rw" berth run --rm --volumes-from src1:rw bb touch /ro/x
check_fails "volumes-from :ro narrows every volume (a volume)" berth run --rm --volumes-from src1:ro bb touch /data/y
check_fails "  … (a bind)" berth run --rm --volumes-from src1:ro bb touch /h/y
check_eq "  … (an anonymous volume)" "$(berth run --rm --volumes-from src1:ro bb sh -c 'touch /anon/y 2>/dev/null || echo refused')" refused
check_eq "a container's own -v wins over volumes-from at the same destination" \
        "$(berth run --rm --volumes-from src1 -v /tmp/emptyhost:/data bb ls -A /data)" ""
out=$(berth run --rm --name vfbad --volumes-from nosuch bb true 2>&1); rc=$?
check_eq "volumes-from an unknown container exits 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: volumes-from: no such container nosuch"
check_fails "  … and nothing is created" test -e /run/berth/containers/vfbad.container

# --- tmpfs ---------------------------------------------------------------------------------------------------
opts=$(berth run --rm --tmpfs /scratch:size=1m,mode=700 bb sh -c 'stat -c %a /scratch; grep " /scratch " /proc/mounts')
check_eq "--tmpfs mounts a tmpfs with the mode asked" "$(echo "$opts" | sed -n 1p)" 700
check_match "  … nosuid,nodev,noexec and the size asked" "$(echo "$opts" | sed -n 2p)" "^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,.*size=1024k"
check_fails "  … which is enforced" berth run --rm --tmpfs /scratch:size=1m bb dd if=/dev/zero of=/scratch/f bs=1M count=2
check_match "--tmpfs exec allows exec" "$(berth run --rm --tmpfs /t:exec bb grep ' /t ' /proc/mounts)" "^tmpfs /t tmpfs rw,nosuid,nodev,relatime"
out=$(berth run --rm --tmpfs /t:bogus bb true 2>&1); rc=$?
check_eq "an unknown tmpfs option exits 125" "$rc" 125
check_eq "  … naming it" "$out" "berth: option --tmpfs: unknown tmpfs option 'bogus'"
check "--privileged allows a mount under /dev" berth run --rm --privileged --tmpfs /dev/extra bb test -d /dev/extra

# --- --read-only --------------------------------------------------------------------------------------------
out=$(berth run --rm --read-only -v rovol:/newdir -v /tmp/hostdir:/also/new vi sh -c 'touch /newdir/x && echo vol-rw; touch /y 2>/dev/null || echo root-ro; test -e /also/new/f && echo bind')
check_eq "--read-only: volumes stay writable, the root does not, missing destinations are made" "$out" "vol-rw
root-ro
bind"

# --- hostile images ------------------------------------------------------------------------------------------
out=$(berth run --rm -v hv1:/etclink vi sh -c 'echo pwned > /etclink/pwned; cat /etc/marker; ls /etc/pwned')
check_eq "a destination that is a symlink to /etc resolves inside the root" "$out" "image-etc
/etc/pwned"
check_fails "  … the host's /etc is not written" test -e /etc/pwned
check_eq "  … the copy-up read the image's /etc, not the host's" "$(cat $VOLS/hv1/_data/marker)" image-etc
out=$(berth run --rm -v hv2:/escape vi true 2>&1); rc=$?
check_eq "a volume destination that is a symlink to ../../.. fails with 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: volume destination /escape resolves to the container's root in the image, refusing"
check_fails "  … and the volume is not marked ready" test -e $VOLS/hv2/_data
out=$(berth run --rm -v /tmp/hostdir:/escape vi true 2>&1); rc=$?
check_eq "  … the same for a bind" "$rc:$out" "125:berth: bind mount destination /escape resolves to the container's root, refusing"
out=$(berth run --rm -v /tmp/emptyhost:/etclink/newsub vi sh -c 'ls -d /etc/newsub')
check_eq "a destination below a symlink is made inside the root" "$out" /etc/newsub
check_fails "  … not on the host" test -e /etc/newsub
check_eq "  … and the host's /etc/shadow and /etc/hostname are unchanged" \
        "$(sha256sum /etc/shadow; sha256sum /etc/hostname)" "$sum_shadow
$sum_hostname"

# --- a crash, a full disk ---------------------------------------------------------------------------------------
# A copy-up cut short by a crash leaves a staging directory: never ready, thrown away at the next start.
mkdir -p $VOLS/crashed/.staging-4242 && echo half > $VOLS/crashed/.staging-4242/file
check_match "a volume with only a staging directory is listed as new" "$(berth volume ls --no-legend | grep '^crashed ')" '^crashed +new '
check_eq "  … the next start fills it from scratch" "$(berth run --rm -v crashed:/data vi cat /data/file)" hello
check_eq "  … and the staging directory is gone" "$(ls -A $VOLS/crashed)" _data

# A small file system as the volume store (tmpfs size=: no loop devices in the testbed's /dev).
big=$(mktemp -d /tmp/image.XXXXXX)
base_tree "$big"
mkdir -p "$big/data"
for i in 1 2 3 4; do head -c 3M /dev/urandom > "$big/data/blob$i"; done
berth image import "$big" bigimg >/dev/null
rm -rf "$big"
on_exit "berth image rm bigimg"
mkdir -p /tmp/smallfs && mount -t tmpfs -o size=4m smallfs /tmp/smallfs
on_exit "umount /tmp/smallfs; rmdir /tmp/smallfs"
mv $VOLS /tmp/vols-saved && mkdir $VOLS && mount --bind /tmp/smallfs $VOLS
on_exit "umount $VOLS; rmdir $VOLS; mv /tmp/vols-saved $VOLS"
out=$(berth run --rm --name full1 -v fullvol:/data bigimg true 2>&1); rc=$?
check_eq "ENOSPC during copy-up exits 125" "$rc" 125
check_eq "  … in one line saying the disk is full" "$out" \
        "berth: Failed to copy /data of the image into volume fullvol: the disk is full (No space left on device) in $VOLS/fullvol; the volume stays empty and is filled at its next use"
check_fails "  … the volume is not marked ready" test -e $VOLS/fullvol/_data
check_eq "  … and no half copy is left" "$(ls -A $VOLS/fullvol)" ""
mount -o remount,size=64m /tmp/smallfs
check_eq "with room, the next start fills it completely" \
        "$(berth run --rm -v fullvol:/data bigimg sh -c 'cat /data/blob* | wc -c')" $((12 * 1024 * 1024))
umount $VOLS && rmdir $VOLS && mv /tmp/vols-saved $VOLS

# --- the volume verbs ---------------------------------------------------------------------------------------------
check_eq "volume create prints the name" "$(berth volume create made)" made
check_eq "  … and again (it exists: no error)" "$(berth volume create made)" made
check_match "volume create without a name makes one" "$(berth volume create)" '^[0-9a-f]{32}$'
check_match "volume ls shows a new volume" "$(berth volume ls)" "made +new +-"
check_match "  … and one in use, with its containers" "$(berth volume ls)" "vf +ready +src1"
check_match "  … ends with a count" "$(berth volume ls | tail -1)" '^[0-9]+ volumes listed\.$'
check "volume ls -q lists names" sh -c 'berth volume ls -q | grep -qx made'
check_match "volume ls -o json" "$(berth volume ls -o json)" '\{"name":"vf","mountpoint":"/var/lib/berth/volumes/vf/_data","ready":true,"containers":\["src1"\]\}'
check_match "volume inspect" "$(berth volume inspect vf)" '"mountpoint": "/var/lib/berth/volumes/vf/_data"'
out=$(berth volume rm vf 2>&1); rc=$?
check_eq "volume rm of a volume a stopped container uses is refused" "$rc" 125
check_eq "  … saying so" "$out" "berth: volume vf is in use by container src1; remove it first or use 'berth volume rm -f'"
check "  … with -f it goes" berth volume rm -f vf
check_fails "  … really" test -e $VOLS/vf
out=$(berth volume rm nosuchvol 2>&1); rc=$?
check_eq "volume rm of a missing volume exits 125" "$rc:$out" "125:berth: no such volume nosuchvol"
check "  … but not with -f" berth volume rm -f nosuchvol
berth volume prune >/dev/null
check_fails "volume prune removes volumes no container uses" test -e $VOLS/made
check "  … and keeps those in use" test -d $VOLS/vfro
check "  … including anonymous ones of an existing container" test -d $VOLS/$(ls $VOLS | grep '^src1-')
out=$(berth volume inspect nosuchvol 2>&1); rc=$?
check_eq "volume inspect of a missing volume exits 125" "$rc" 125
check_eq "volume --help" "$(berth volume --help | head -1)" "Usage: berth volume VERB [ARGS…]"
for v in create ls inspect rm prune; do
        check_match "volume $v --help" "$(berth volume $v --help | head -1)" "^Usage: berth volume $v"
done

# --- bad input: one line, exit 125, nothing created ------------------------------------------------------------------
before=$(ls $VOLS | sort)
long=$(printf 'x%.0s' $(seq 64))
bad() { # bad WHAT EXPECTED-MESSAGE -v SPEC…
        local what=$1 want=$2 out rc; shift 2
        out=$(berth run --rm --name badvol "$@" bb true 2>&1); rc=$?
        check_eq "$what exits 125 in one line" "$rc:$out" "125:berth: $want"
        if [ -e /run/berth/containers/badvol.container ]; then fail "  … but left a definition"; berth rm badvol >/dev/null 2>&1; fi
}
bad "a volume name with ../" "option -v: '../x' is neither an absolute host path nor a valid volume name (names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62})" -v ../x:/data
bad "a volume name with /" "option -v: 'a/b' is neither an absolute host path nor a valid volume name (names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62})" -v a/b:/data
bad "an empty volume name" "option -v: empty volume name before '/data'" -v :/data
bad "a volume name over 63 characters" "option -v: '$long' is neither an absolute host path nor a valid volume name (names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62})" -v "$long:/data"
bad "a relative destination" "option -v: destination 'data' is not an absolute path" -v vol:data
bad "the destination /" "option -v: destination '/' would hide the container's root" -v vol:/
bad "a destination with .." "option -v: destination '/a/../b' is not normalised (no '.', '..', '//' or trailing '/')" -v vol:/a/../b
bad "a destination under /proc" "option -v: destination '/proc/x' is under /proc, /sys or /dev (allowed only with Privileged=yes)" -v vol:/proc/x
bad "a destination under /sys" "option -v: destination '/sys/x' is under /proc, /sys or /dev (allowed only with Privileged=yes)" -v vol:/sys/x
bad "a destination under /dev" "option -v: destination '/dev/x' is under /proc, /sys or /dev (allowed only with Privileged=yes)" -v /tmp/hostdir:/dev/x
bad "a missing bind source" "bind source /nonexistent does not exist" -v /nonexistent:/data
bad "an unknown option" "option -v: unknown option 'frob' (ro, rw, U, z, Z, O, nocopy, [no]exec, [no]suid, [no]dev, rbind, bind, [r]private, [r]slave)" -v vol:/data:frob
bad "two mounts on one destination" "option -v: more than one mount on '/data'" -v a:/data -v /tmp/hostdir:/data
check_eq "  … and no volume was created" "$(ls $VOLS | sort)" "$before"
printf '[Container]\nImage=bb\nExec=true\nVolume=/tmp/hostdir:/dev/x\nPrivileged=yes\n' > /tmp/priv.container
check "Privileged=yes after a Volume= under /dev is fine" berth verify /tmp/priv.container
printf '[Container]\nImage=bb\nExec=true\nVolume=a/b:/data\n' > /tmp/badvol.container
out=$(berth verify /tmp/badvol.container 2>&1)
check_match "a bad Volume= in a file names FILE:LINE" "$out" "/tmp/badvol.container:4: key 'Volume': 'a/b' is neither"
# In a file, a source that starts with '.' is relative to the file's directory, as Quadlet has it.
printf '[Container]\nImage=bb\nExec=true\nVolume=../x:/data\n' > /tmp/badvol.container
check "  … and ../x is a path next to the file's directory" berth verify /tmp/badvol.container
rm -f /tmp/priv.container /tmp/badvol.container
