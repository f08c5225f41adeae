# SPDX-License-Identifier: LGPL-2.1-or-later
# Quadlet's .volume files in a real systemd: a container started by systemctl uses volumes whose
# labels, owner, Copy=no, tmpfs device and bind of a host directory come from their .volume files;
# `berth volume inspect` shows them; a refused key gives its FILE:LINE in berth verify and in
# systemctl status.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image vfb
D=/etc/berth/containers
mkdir -p $D
SRC=$(mktemp -d /tmp/vf-bind.XXXXXX)
echo from-host > $SRC/hostfile
on_exit "rm -rf $D/vfa.container $D/vfbad.container $D/vf-lab.volume $D/vf-nocopy.volume $D/vf-tmp.volume \
        $D/vf-bind.volume $D/vf-bad.volume $D/vf-link.volume $SRC /tmp/vf-link; systemctl daemon-reload"
on_exit 'systemctl stop container@vfa.service container@vfbad.service'
on_exit 'berth rm -f vfa vfbad; berth volume rm -f systemd-vf-lab nocopy-data systemd-vf-tmp systemd-vf-bind systemd-vf-link'

cat > $D/vf-lab.volume <<'DEF'
[Volume]
# Quadlet's label.volume, and an owner
Label=org.foo.Arg1=arg1
Label=org.foo.Arg2=arg2 \
   "tier=back end"
User=1000
Group=2000
DEF
printf '[Volume]\nVolumeName=nocopy-data\nCopy=no\n' > $D/vf-nocopy.volume
printf '[Volume]\nDevice=tmpfs\nType=tmpfs\nOptions=size=2m,mode=0750\n' > $D/vf-tmp.volume
printf '[Volume]\nDevice=%s\nType=bind\nCopy=no\n' "$SRC" > $D/vf-bind.volume
cat > $D/vfa.container <<'DEF'
[Container]
Image=vfb
Volume=vf-lab.volume:/var/lab
Volume=vf-nocopy.volume:/home
Volume=vf-tmp.volume:/usr
Volume=vf-bind.volume:/mnt/b
Mount=type=volume,source=vf-lab.volume,destination=/var/lab2
Exec=sh -c 'echo written > /mnt/b/fromcontainer; sleep 1000'
DEF
systemctl daemon-reload
check "a container with four .volume files starts with systemctl" systemctl start container@vfa.service
wait_for 10 test -e $SRC/fromcontainer
check_eq "User=, Group=: the owner of the new volume's root" "$(berth exec vfa stat -c %u:%g /var/lab)" "1000:2000"
check "Mount=type=volume,source=NAME.volume: the same volume" berth exec vfa sh -c 'touch /var/lab/both; test -e /var/lab2/both'
check_eq "Copy=no: the image's /home is not copied in" "$(berth exec vfa ls -A /home)" ""
check_match "Device=tmpfs, Type=tmpfs, Options=: a tmpfs with those options" \
        "$(berth exec vfa grep ' /usr ' /proc/mounts)" "^tmpfs /usr tmpfs rw,nosuid,nodev.*size=2048k,mode=750"
check_eq "  … filled from the image (Copy= defaults to yes)" "$(berth exec vfa ls /usr | tr "\n" " ")" "bin sbin "
check_eq "Type=bind: the host directory, read" "$(berth exec vfa cat /mnt/b/hostfile)" "from-host"
check_eq "  … and written" "$(cat $SRC/fromcontainer)" "written"
check_match "  … which the unit requires mounted, as Quadlet's volume unit does" \
        "$(systemctl show -p RequiresMountsFor container@vfa.service)" "$SRC"

inspect=$(berth volume inspect systemd-vf-lab)
check_match "volume inspect shows the labels" "$inspect" '"org.foo.Arg2": "arg2"'
check_match "  … a quoted one" "$inspect" '"tier": "back end"'
check_match "  … the owner" "$inspect" '"uid": "1000"'
check_match "  … and the file" "$inspect" "\"definition\": \"$D/vf-lab.volume\""
inspect=$(berth volume inspect systemd-vf-tmp)
check_match "volume inspect shows a tmpfs volume's device" "$inspect" '"device": "tmpfs"'
check_match "  … and its options" "$inspect" '"o": "size=2m,mode=0750"'
check_match "volume inspect shows Copy=no" "$(berth volume inspect nocopy-data)" '"nocopy": ""'
check_match "a volume's settings go with its name: berth run -v systemd-vf-tmp:/x is the tmpfs" \
        "$(berth run --rm -v systemd-vf-tmp:/x vfb grep ' /x ' /proc/mounts)" "size=2048k"

check_eq "  … and with :ro, filled and then read-only" \
        "$(berth run --rm -v systemd-vf-tmp:/usr:ro vfb sh -c 'ls /usr | tr "\n" " "; touch /usr/x 2>/dev/null || echo ro')" "bin sbin ro"

check_match "U on a device volume is refused with one line" "$(berth run --rm -v systemd-vf-tmp:/x:U vfb true 2>&1)" \
        "the U option does not apply to a volume of Device=tmpfs"

# A symlink on the way to a bind's Device= is refused, not followed.
mkdir -p $SRC/real && ln -sfn $SRC/real /tmp/vf-link
printf '[Volume]\nDevice=/tmp/vf-link\nType=bind\n' > $D/vf-link.volume
check_match "a Device= through a symlink is refused" "$(berth run --rm -v systemd-vf-link:/x vfb true 2>&1)" \
        "Device=/tmp/vf-link passes through a symlink, refusing"

# A refused key: one line with FILE:LINE, in berth verify and systemctl status.
printf '[Volume]\nDevice=server:/export\nType=nfs\n' > $D/vf-bad.volume
printf '[Container]\nImage=vfb\nVolume=vf-bad.volume:/data\nExec=true\n' > $D/vfbad.container
systemctl daemon-reload
check_match "a refused [Volume] key: berth verify" "$(berth verify $D/vfbad.container 2>&1)" \
        "vf-bad.volume:3: Type=nfs needs a mount helper \(mount.nfs\), which berth does not run"
check_match "  … and systemctl status" "$(systemctl status container@vfbad.service 2>&1)" \
        "vf-bad.volume:3: Type=nfs needs a mount helper"
check_fails "  … and the container does not start" systemctl start container@vfbad.service
printf '[Volume]\nLabel=a=1\n[Install]\nWantedBy=default.target\n' > $D/vf-bad.volume
check_match "[Install] in a .volume is refused with one line" "$(berth verify $D/vfbad.container 2>&1)" \
        "vf-bad.volume:3: section \[Install\]: berth makes no unit for a volume"
rm $D/vfbad.container; systemctl daemon-reload

# Removal as for any named volume: kept while a container refers to it, gone with -f.
check "the container stops" systemctl stop container@vfa.service
check_fails "volume rm of a .volume's volume a container uses is refused" berth volume rm systemd-vf-lab
check "  … rm -f removes it" berth volume rm -f systemd-vf-lab
check_fails "  … and it is gone" berth volume inspect systemd-vf-lab
check "berth rm -v leaves named volumes" berth rm -v vfa
check "  … nocopy-data is still there" berth volume inspect nocopy-data
check "  … and removable" berth volume rm nocopy-data systemd-vf-tmp systemd-vf-bind
check_eq "a bind volume's removal leaves the host directory" "$(cat $SRC/hostfile)" "from-host"
