# SPDX-License-Identifier: LGPL-2.1-or-later
# A .volume's file system on a block device (Quadlet's Device= with Type=ext4 ...): a loop device
# with a fresh ext4 on it stands in for a disk. The file system is mounted for each start by the
# helper (detached, never on the host's tree), shared by two containers at once, read-only with
# Options=ro, kept between runs, and owned as the container's root sees it with and without a user
# namespace. A wrong type, a character device, a missing device, each one line and nothing left.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

# A loop device of our own: the testbed's /dev has only the nodes it binds, so the control node
# and the one device the kernel hands out are made here, and detached at the end.
if ! command -v mkfs.ext4 >/dev/null || ! command -v losetup >/dev/null || ! command -v python3 >/dev/null; then
        pass "a file system on a block device # SKIP needs mkfs.ext4, losetup and python3"
        exit 0
fi
[ -e /dev/loop-control ] || mknod /dev/loop-control c 10 237 2>/dev/null
N=$(python3 -c 'import fcntl, os; fd = os.open("/dev/loop-control", os.O_RDWR); print(fcntl.ioctl(fd, 0x4C82))' 2>/dev/null)
if [ -z "$N" ]; then
        pass "a file system on a block device # SKIP no loop devices here (/dev/loop-control)"
        exit 0
fi
LOOP=/dev/loop$N
[ -e "$LOOP" ] || mknod "$LOOP" b 7 "$N"
IMG=$(mktemp /var/tmp/vd-img.XXXXXX)
truncate -s 32M "$IMG"
mkfs.ext4 -q -F "$IMG"
if ! losetup "$LOOP" "$IMG" 2>/dev/null; then
        rm -f "$IMG"
        pass "a file system on a block device # SKIP losetup $LOOP fails here"
        exit 0
fi
on_exit "losetup -d $LOOP; rm -f $IMG"

make_image vdi
D=/etc/berth/containers
mkdir -p $D
on_exit "rm -f $D/vd-*.volume $D/vda.container; systemctl daemon-reload"
on_exit 'systemctl stop container@vda.service; berth rm -f vda vdb vdro'
on_exit 'berth volume rm -f systemd-vd-ext4 systemd-vd-ro systemd-vd-other systemd-vd-unknown systemd-vd-chr systemd-vd-none'

printf '[Volume]\nDevice=%s\nType=ext4\nCopy=no\n' "$LOOP" > $D/vd-ext4.volume
printf '[Volume]\nDevice=%s\nType=ext4\nOptions=ro\nCopy=no\n' "$LOOP" > $D/vd-ro.volume
# Another file system this kernel has, which the ext4 on the device is not.
OTHER=$(awk '$1 != "nodev" && $1 != "ext4" && $1 != "fuseblk" { print $1; exit }' /proc/filesystems)
printf '[Volume]\nDevice=%s\nType=%s\nCopy=no\n' "$LOOP" "${OTHER:-xfs}" > $D/vd-other.volume
printf '[Volume]\nDevice=%s\nType=nosuchfs\nCopy=no\n' "$LOOP" > $D/vd-unknown.volume
printf '[Volume]\nDevice=/dev/null\nType=ext4\nCopy=no\n' > $D/vd-chr.volume
printf '[Volume]\nDevice=/dev/no-such-disk\nType=ext4\nCopy=no\n' > $D/vd-none.volume
cat > $D/vda.container <<'DEF'
[Container]
Image=vdi
Volume=vd-ext4.volume:/data
Exec=sh -c 'echo from-a > /data/a; sleep 1000'
DEF
systemctl daemon-reload

check "a container with Device=LOOP, Type=ext4 starts with systemctl" systemctl start container@vda.service
wait_for 10 berth exec vda test -e /data/a
check_match "  … its /data is the ext4 of the device" "$(berth exec vda grep ' /data ' /proc/mounts)" \
        "^$LOOP /data ext4 rw,nosuid,nodev"
check_eq "  … written by the container's root, owned by root as it sees it" "$(berth exec vda stat -c %u:%g /data/a)" "0:0"
check_eq "  … and on the device itself, root's too: idmapped, never chowned" \
        "$(debugfs -R 'stat /a' "$LOOP" 2>/dev/null | sed -n 's/.*User: *\([0-9]*\) *Group: *\([0-9]*\).*/\1:\2/p')" "0:0"
check "  … the host's mount table does not have it (a detached mount)" \
        bash -c "! grep -q '^$LOOP ' /proc/self/mounts"

check_eq "a second container shares it while the first runs" \
        "$(berth run --rm --name vdb -v systemd-vd-ext4:/d vdi sh -c 'cat /d/a; echo from-b > /d/b')" "from-a"
check_eq "  … and the first sees what the second wrote" "$(berth exec vda cat /data/b)" "from-b"
out=$(berth run --rm --name vdro -v systemd-vd-ro:/d vdi sh -c 'cat /d/a; touch /d/x 2>&1 || true')
check_match "Options=ro: the file system, read" "$out" "^from-a"
check_match "  … and not written" "$out" "Read-only file system"
systemctl stop container@vda.service
check_eq "the file system keeps what was written for the next run" \
        "$(berth run --rm -v systemd-vd-ext4:/d vdi cat /d/a /d/b | tr '\n' ' ')" "from-a from-b "

out=$(berth run --rm -v systemd-vd-other:/d vdi true 2>&1)
check_match "Type=${OTHER:-xfs} on an ext4 device: one line naming the volume and the device" "$out" \
        "volume systemd-vd-other: Failed to mount Device=$LOOP \(Type=${OTHER:-xfs}\)"
check_eq "  … one line" "$(printf '%s\n' "$out" | grep -c .)" "1"
check_match "a type the kernel does not know: one line" "$(berth run --rm -v systemd-vd-unknown:/d vdi true 2>&1)" \
        "volume systemd-vd-unknown: Type=nosuchfs is not a file system this kernel knows"
check_match "Device=/dev/null: not a block device" "$(berth run --rm -v systemd-vd-chr:/d vdi true 2>&1)" \
        "Device=/dev/null is not a block device"
check_match "a missing device: one line" "$(berth run --rm -v systemd-vd-none:/d vdi true 2>&1)" \
        "Device=/dev/no-such-disk: No such file or directory"
check_eq "  … and nothing is left: no container" "$(berth ps -a --format '{{.Name}}' | grep -c '^vd' || true)" "0"
check "  … nor a mount of the device" bash -c "! grep -q '^$LOOP ' /proc/self/mounts"
