# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16's mounts and devices, in real containers: --read-only-tmpfs (ReadOnlyTmpfs=), --shm-size
# (ShmSize=), --mount (Mount=), Volume='s options (U, z, O, noexec…, bind, propagation), --device
# (AddDevice=), --security-opt mask=/unmask= (Mask=, Unmask=), --tz (Timezone=); bad values and
# what a failed start leaves.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb

# An image with content where ReadOnlyTmpfs= copies up, a volume path with a file, and an
# /etc/localtime symlink into zone files it does not have.
img=$(mktemp -d /tmp/image.XXXXXX)
mkdir -p "$img"/{bin,etc,proc,sys,dev,tmp,root,run/app,var/tmp,data,home/user}
cp /bin/busybox "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$img/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' > "$img/etc/group"
echo keep > "$img/run/app/state"
echo image-data > "$img/data/file"
chmod 1777 "$img/tmp" "$img/var/tmp"
chmod 750 "$img/run/app"
ln -s ../usr/share/zoneinfo/Etc/UTC "$img/etc/localtime"
berth image import "$img" mi >/dev/null
rm -rf "$img"
on_exit "berth image rm mi"

H=/tmp/mounts-test
mkdir -p $H
on_exit "umount -R $H/rbind/sub $H/uh/sub 2>/dev/null; rm -rf $H"

# --- ReadOnly= with ReadOnlyTmpfs= (default yes) ---------------------------------------------------
out=$(berth run --rm --read-only mi sh -c 'touch /tmp/a /var/tmp/b /run/c && echo written')
check_eq "--read-only: /tmp, /var/tmp and /run are writable tmpfs (podman's --read-only-tmpfs)" "$out" written
check_fails "  … while the root stays read-only" berth run --rm --read-only mi touch /x
out=$(berth run --rm --read-only mi sh -c 'for d in /tmp /var/tmp /run; do grep " $d " /proc/mounts | cut -d" " -f3,4; done')
check_match "  … tmpfs, rw, nosuid, nodev, and not noexec" "$out" '^tmpfs rw,nosuid,nodev'
check_eq "  … all three" "$(echo "$out" | grep -c noexec)-$(echo "$out" | wc -l)" 0-3
check_eq "  … with the image's content copied up (tmpcopyup)" \
        "$(berth run --rm --read-only mi cat /run/app/state)" keep
check_eq "  … and its modes (1777, 750)" "$(berth run --rm --read-only mi stat -c %a /tmp /run/app | paste -sd,)" "1777,750"
check_eq "  … an image without /run gets one too" "$(berth run --rm --read-only bb sh -c 'touch /run/x && echo ok')" ok
check_fails "--read-only-tmpfs=false leaves /tmp read-only" berth run --rm --read-only --read-only-tmpfs=false mi touch /tmp/a
check_eq "  … and makes no tmpfs there" \
        "$(berth run --rm --read-only --read-only-tmpfs=false mi sh -c 'grep -c " /tmp " /proc/mounts')" 0
check_eq "without --read-only nothing is mounted on /tmp" "$(berth run --rm mi sh -c 'grep -c " /tmp " /proc/mounts')" 0
check_eq "a --tmpfs of one's own on /tmp wins" \
        "$(berth run --rm --read-only --tmpfs /tmp:size=1m mi sh -c 'df -k /tmp | tail -1' | awk '{print $2}')" 1024

# --- ShmSize= ---------------------------------------------------------------------------------------
check_eq "/dev/shm is 64m by default" "$(berth run --rm bb df -k /dev/shm | tail -1 | awk '{print $2}')" 65536
check_eq "--shm-size 128m" "$(berth run --rm --shm-size 128m bb df -k /dev/shm | tail -1 | awk '{print $2}')" 131072
out=$(berth run --rm --shm-size 0 bb true 2>&1)
check_eq "--shm-size 0 is refused with one line" "$out" "berth: option --shm-size: '0' is not a size greater than 0 (e.g. 64m, 1g)"

# --- Mount= ----------------------------------------------------------------------------------------
mkdir -p $H/mh && echo host > $H/mh/file
check_eq "--mount type=bind" "$(berth run --rm --mount type=bind,source=$H/mh,target=/m bb cat /m/file)" host
check_fails "  … readonly" berth run --rm --mount type=bind,src=$H/mh,dst=/m,readonly bb touch /m/x
out=$(berth run --rm --mount type=bind,source=$H/missing,target=/m bb true 2>&1)
check_eq "  … a source that does not exist is an error, as docker's --mount" "$out" "berth: bind source $H/missing does not exist"
check_eq "--mount type=volume fills a new volume from the image" \
        "$(berth run --rm --mount type=volume,source=mvol,target=/data mi cat /data/file)" image-data
on_exit "berth volume rm mvol nocp"
check_eq "  … volume-nocopy leaves it empty" \
        "$(berth run --rm --mount type=volume,source=nocp,target=/data,volume-nocopy mi ls -A /data)" ""
check_eq "--mount type=tmpfs,tmpfs-size=1m" \
        "$(berth run --rm --mount type=tmpfs,target=/t,tmpfs-size=1m bb df -k /t | tail -1 | awk '{print $2}')" 1024
check_match "  … nosuid,nodev,noexec as docker's" \
        "$(berth run --rm --mount type=tmpfs,target=/t bb grep ' /t ' /proc/mounts)" 'rw,nosuid,nodev,noexec'
# --mount type=image: dialect-rest.sh (issue 16's leftovers).
out=$(berth run --rm --mount type=bind,source=$H/mh,target=/m -v $H/mh:/m bb true 2>&1)
check_eq "--mount and -v on one destination" "$out" "berth: option --mount: more than one mount on '/m'"

# --- Volume= options -------------------------------------------------------------------------------
cp /bin/busybox $H/mh/busybox
check_eq "a bind may execute by default" "$(berth run --rm -v $H/mh:/m bb /m/busybox echo ran)" ran
check_fails "  … not with noexec" berth run --rm -v $H/mh:/m:noexec bb /m/busybox echo ran
check_match "  … nosuid, nodev show in the mount" "$(berth run --rm -v $H/mh:/m:nosuid,nodev,ro bb grep ' /m ' /proc/mounts)" \
        'ro,nosuid,nodev'
check "z and Z are accepted without SELinux, and do nothing" berth run --rm -v $H/mh:/m:z -v $H/mh:/n:Z bb cat /m/file /n/file

# rbind (docker's default) takes the host's submounts along; bind does not.
mkdir -p $H/rbind/sub && mount -t tmpfs none $H/rbind/sub && echo sub > $H/rbind/sub/file
check_eq "rbind (default) shows the source's submounts" "$(berth run --rm -v $H/rbind:/r bb cat /r/sub/file)" sub
check_eq "  … bind does not" "$(berth run --rm -v $H/rbind:/r:bind bb ls -A /r/sub)" ""
check_eq "rprivate and rslave are accepted" "$(berth run --rm -v $H/rbind:/r:rprivate -v $H/rbind:/s:rslave bb cat /r/sub/file /s/sub/file | paste -sd,)" sub,sub
# Propagation: with a source the host shares, a bind stays a slave of it by default (the host's
# later mounts below it show inside), as with rslave; rprivate cuts it off.
mkdir -p $H/shared && mount --bind $H/shared $H/shared && mount --make-shared $H/shared && mkdir -p $H/shared/a
on_exit "umount -R $H/shared"
for opt in "" :rslave :rprivate :private; do
        berth run -d --name prop -v $H/shared:/s$opt bb sleep 100 >/dev/null
        mount -t tmpfs none $H/shared/a && touch $H/shared/a/seen
        seen=$(berth exec prop ls /s/a)
        umount $H/shared/a
        berth rm -f prop >/dev/null
        case $opt in :rprivate|:private) want= ;; *) want=seen ;; esac
        check_eq "propagation '${opt#:}': a mount the host makes later below the source ${want:+shows}${want:-does not show}" "$seen" "$want"
done
out=$(berth run --rm -v $H/rbind:/r:rshared bb true 2>&1)
check_eq "rshared is refused with one line" "$out" "berth: option -v: option 'rshared' is not supported: nothing mounted in a berth container propagates back to the host (private, rprivate, slave or rslave)"

# U: the source, recursively, to the container's user; symlinks planted in it changed themselves,
# never their targets; another file system mounted below it left alone.
mkdir -p $H/uh/dir/deeper $H/uh/sub && touch $H/uh/dir/deeper/f
echo victim > $H/victim && chown 0:0 $H/victim
ln -s $H/victim $H/uh/link
ln -s ../../victim $H/uh/dir/uplink
mount -t tmpfs none $H/uh/sub && touch $H/uh/sub/other
berth run --rm -u 1000 -v $H/uh:/u:U bb true
check_eq "U chowns the source to the container's user, recursively" \
        "$(stat -c %u:%g $H/uh $H/uh/dir $H/uh/dir/deeper/f | sort -u)" 1000:1000
check_eq "  … a symlink in it changes itself" "$(stat -c %u $H/uh/link $H/uh/dir/uplink | sort -u)" 1000
check_eq "  … never what it points to" "$(stat -c %u:%g $H/victim)" 0:0
check_eq "  … nor another file system mounted below it" "$(stat -c %u $H/uh/sub/other)" 0
check_eq "  … the container's user owns it inside" "$(berth run --rm -u 1000 -v $H/uh:/u:U bb sh -c 'touch /u/mine && stat -c %u /u/mine')" 1000
check_eq "U on a named volume" "$(berth run --rm -u 1000:1000 -v uvol:/v:U bb stat -c %u:%g /v)" 1000:1000
on_exit "berth volume rm uvol"

# O: an overlay on the source, its changes the container's, gone at the next start.
mkdir -p $H/oh && echo lower > $H/oh/file
berth create --name ovl -v $H/oh:/o:O bb sh -c 'cat /o/file; ls /o | paste -sd+; echo changed > /o/file; touch /o/new' >/dev/null
on_exit "berth rm -f ovl"
berth start ovl >/dev/null && berth wait ovl >/dev/null
check_eq "O shows the source" "$(berth logs -o cat ovl 2>&1 | paste -sd,)" lower,file
check_eq "  … writes stay out of it" "$(cat $H/oh/file; ls $H/oh)" "lower
file"
berth start ovl >/dev/null && berth wait ovl >/dev/null
check_eq "  … and are gone at the next start" "$(berth logs -o cat ovl 2>&1 | tail -2 | paste -sd,)" lower,file
check_match "  … kept under the container's directory while it exists" "$(ls /var/lib/berth/containers/ovl/overlays 2>&1)" '^0$'
berth rm ovl >/dev/null
check_fails "  … and removed with it" test -e /var/lib/berth/containers/ovl
out=$(berth run --rm -v $H/oh/file:/o:O bb true 2>&1)
check_eq "O on a file is one line" "$out" "berth: bind source $H/oh/file: O (an overlay) needs a directory"
out=$(berth run --rm -v $H/oh:/o:O,U bb true 2>&1)
check_eq "O with U is refused" "$out" "berth: option -v: options: O (an overlay) does not go with U, bind or propagation options"

# --- AddDevice= ------------------------------------------------------------------------------------
check_fails "without --device, /dev/fuse is absent" berth run --rm bb test -e /dev/fuse
check_eq "--device /dev/fuse makes the node" "$(berth run --rm --device /dev/fuse bb stat -c '%F %t:%T' /dev/fuse)" \
        "character special file a:e5"
check_eq "--device HOST:CONTAINER" "$(berth run --rm --device /dev/zero:/dev/myzero bb sh -c 'head -c 3 /dev/myzero | od -An -tx1')" \
        " 00 00 00"
check_eq "  … under a directory of its own" "$(berth run --rm --device /dev/zero:/dev/sub/z bb stat -c %t:%T /dev/sub/z)" 1:5
out=$(berth run --rm --device /dev/net/tun:/dev/net/tun bb sh -c 'cat /dev/net/tun 2>&1')
check_match "  … the scope allows it (tun answers, not EPERM)" "$out" 'bad state'
out=$(berth run --rm --device /dev/net/tun:/dev/tun:r bb sh -c 'cat /dev/tun; echo x > /dev/tun' 2>&1 | paste -sd,)
check_match "  … :r lets it be opened for reading, not writing (the scope's DeviceAllow=)" "$out" 'bad state.*Operation not permitted'
out=$(berth run --rm --device /dev/nosuchdevice bb true 2>&1)
check_eq "a missing device is one line" "$out" "berth: AddDevice=/dev/nosuchdevice: the host has no device /dev/nosuchdevice"
check "  … unless optional (-)" berth run --rm --device=-/dev/nosuchdevice bb true
check_eq "a directory of devices gives every node in it, as docker's" \
        "$(berth run --rm --device /dev/net bb stat -c %t:%T /dev/net/tun)" a:c8
check_eq "  … at the container's path" "$(berth run --rm --device /dev/net:/dev/vnet bb stat -c %t:%T /dev/vnet/tun)" a:c8
mkdir -p $H/nodev && touch $H/file
out=$(berth run --rm --device $H/nodev:/dev/x bb true 2>&1)
check_eq "  … one without any is one line" "$out" "berth: AddDevice=$H/nodev:/dev/x: the host has no device nodes in that directory"
out=$(berth run --rm --device $H/file:/dev/x bb true 2>&1)
check_eq "a file is not a device" "$out" "berth: AddDevice=$H/file:/dev/x: $H/file on the host is not a device node"
out=$(berth run --rm --device /dev/fuse:/fuse bb true 2>&1)
check_eq "the container's path must be under /dev" "$out" \
        "berth: option --device: '/fuse' is not a normalised path under /dev, where berth makes device nodes"

# --- Mask=, Unmask= --------------------------------------------------------------------------------
check_eq "/proc/keys and /proc/timer_list are masked by default" \
        "$(berth run --rm bb stat -c %F /proc/keys /proc/timer_list | paste -sd,)" "character special file,character special file"
check_eq "unmask=/proc/keys unmasks it, and only it" \
        "$(berth run --rm --security-opt unmask=/proc/keys bb stat -c %F /proc/keys /proc/timer_list | paste -sd,)" \
        "regular empty file,character special file"
check_eq "unmask patterns" "$(berth run --rm --security-opt 'unmask=/proc/t*:/nothing' bb stat -c %F /proc/keys /proc/timer_list | paste -sd,)" \
        "character special file,regular empty file"
out=$(berth run --rm --security-opt unmask=ALL bb sh -c 'stat -c %F /proc/keys; grep -c " /proc/sys " /proc/mounts')
check_eq "unmask=ALL: no masks, no read-only /proc/sys" "$(echo "$out" | paste -sd,)" "regular empty file,0"
check_eq "systempaths=unconfined is unmask=ALL" \
        "$(berth run --rm --security-opt systempaths=unconfined bb stat -c %F /proc/keys)" "regular empty file"
check_eq "mask=/etc/os-release:/home masks a file and a directory" \
        "$(berth run --rm --security-opt mask=/etc/os-release:/home bb sh -c 'wc -c < /etc/os-release; ls -A /home; touch /home/x 2>/dev/null || echo ro')" \
        "0
ro"
check "  … a path the container lacks is skipped" berth run --rm --security-opt mask=/nonexistent bb true
out=$(berth run --rm --security-opt mask=etc bb true 2>&1)
check_eq "  … a relative one refused" "$out" "berth: option --security-opt: 'etc' is not an absolute, normalised path (other than /)"

# --- Timezone= -------------------------------------------------------------------------------------
Z=/usr/share/zoneinfo
check_eq "--tz Europe/Berlin binds that zone on /etc/localtime" \
        "$(berth run --rm --tz Europe/Berlin mi md5sum /etc/localtime | cut -d' ' -f1)" "$(md5sum < $Z/Europe/Berlin | cut -d' ' -f1)"
check_match "  … which the C library reads" "$(berth run --rm --tz Europe/Berlin bb date +%Z)" '^CES?T$'
check_eq "  … over the image's symlink, which is replaced, not followed" \
        "$(berth run --rm --tz Europe/Berlin mi sh -c 'test -L /etc/localtime || echo file')" file
check_eq "--tz UTC" "$(berth run --rm --tz UTC bb date +%Z)" UTC
if [ -e /etc/localtime ]; then
        check_eq "--tz local: the host's" "$(berth run --rm --tz local bb md5sum /etc/localtime | cut -d' ' -f1)" \
                "$(md5sum < /etc/localtime | cut -d' ' -f1)"
fi
check "--tz with a read-only root" berth run --rm --read-only --tz UTC bb test -s /etc/localtime
out=$(berth run --rm --tz Nowhere/Else bb true 2>&1)
check_eq "an unknown zone is one line" "$out" "berth: Timezone=Nowhere/Else: no such time zone in /usr/share/zoneinfo"
out=$(berth run --rm --tz ../../etc/shadow bb true 2>&1)
check_eq "  … a path out of the zone directory is refused" "$out" \
        "berth: option --tz: '../../etc/shadow' is neither local nor a time zone name below /usr/share/zoneinfo (e.g. Europe/Berlin, UTC)"

# --- inspect --------------------------------------------------------------------------------------
berth create --name insp --shm-size 1m --tz UTC --device /dev/fuse --mount type=tmpfs,dst=/t \
        --security-opt mask=/a --security-opt unmask=ALL --read-only-tmpfs=false bb true >/dev/null
on_exit "berth rm -f insp"
out=$(berth inspect insp | tr -d ' \n')
check_match "berth inspect shows what the flags set" "$out" \
        '"mounts":\["type=tmpfs,dst=/t"\],"devices":\["/dev/fuse"\],"shm_size":1048576,"mask":\["/a"\],"unmask":\["ALL"\],"timezone":"UTC","read_only_tmpfs":false'

# --- a definition file and a failed start ----------------------------------------------------------
mkdir -p /etc/berth/containers
cat > /etc/berth/containers/mfile.container <<EOF
[Container]
Image=mi
ReadOnly=yes
ReadOnlyTmpfs=no
ShmSize=2m
Mount=type=tmpfs,destination=/scratch,tmpfs-size=1m
AddDevice=-/dev/nosuchdevice /dev/zero:/dev/z
Mask=/etc/passwd
Unmask=/proc/keys
Volume="$H/with space:/ws:ro"
Timezone=UTC
Exec=sh -c 'df -k /dev/shm | tail -1 | awk "{print \\\\\$2}"; touch /tmp/x 2>/dev/null || echo ro; test -c /dev/z && echo dev; wc -c < /etc/passwd; stat -c %%F /proc/keys; date +%%Z'
EOF
# (Exec= is split as systemd splits it: a doubled backslash is one, "%%" one percent sign.)
on_exit "rm -f /etc/berth/containers/mfile.container"
mkdir -p "$H/with space"
systemctl daemon-reload
check_match "the generator gives bind sources RequiresMountsFor=, as Quadlet" \
        "$(systemctl show -P RequiresMountsFor container@mfile.service)" "^\"$H/with space\"\$"
systemctl start container@mfile.service
wait_for 10 sh -c '! systemctl is-active -q container@mfile.service'
check_eq "a definition file's keys do the same as the flags" "$(berth logs -o cat mfile 2>&1 | paste -sd,)" "2048,ro,dev,0,regular empty file,UTC"

out=$(berth run --rm --name half --device /dev/zero:/dev/z --tz Nowhere/Else bb true 2>&1)
check_eq "a failed start says why once" "$(echo "$out" | wc -l)" 1
check_fails "  … and leaves no container" berth inspect half
check_fails "  … nor its directory" test -e /var/lib/berth/containers/half/localtime
