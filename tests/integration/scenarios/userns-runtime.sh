# SPDX-License-Identifier: LGPL-2.1-or-later
# User namespaces, the runtime (issue 18): a container with a range of its own runs as root of a
# user namespace over idmapped layers, upper directory, volumes and binds — nothing chowned — and
# exec, top, cp, --user, a setuid binary, published ports, machined and the API file systems
# work inside it.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

if ! has_option run --userns; then
        echo "ok - # SKIP this build does not know --userns"
        exit 0
fi
STATE=/var/lib/berth
# The kernel and file system must idmap: a tmpfs or a real file system under /var/lib/berth.
skip_unless_idmap "$STATE"

make_image un "$BERTH_BUILD_DIR/tests/integration/notify-send"
# An image with a setuid-root binary (busybox's own setuid handling aside: a copy of id, mode 4755)
# and files of several owners.
img=$(mktemp -d /tmp/image.XXXXXX)
mkdir -p "$img"/{bin,etc,proc,sys,dev,tmp,root,home/user,data,usr/bin}
cp /bin/busybox "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$img/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' > "$img/etc/group"
chmod 1777 "$img/tmp"
echo mine > "$img/data/owned"; chown 1000:1000 "$img/data/owned"; chmod 600 "$img/data/owned"
chown 1000:1000 "$img/home/user"
if cc -static -o "$img/usr/bin/suid-id" -x c - <<'C' 2>/dev/null
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%d %d\n", (int) getuid(), (int) geteuid()); return 0; }
C
then
        chmod 4755 "$img/usr/bin/suid-id"
fi
berth image import "$img" unf >/dev/null
rm -rf "$img"
on_exit "berth image rm unf"

# --- The namespace and the root ---------------------------------------------------------------
out=$(berth run --rm --userns auto un sh -c 'id -u; cat /proc/self/uid_map')
check_match "root inside is uid 0" "$out" '^0$'
check_match "  … of a user namespace whose 0 is a host ID of the pool" "$out" '^ +0 +[0-9]{6,} +65536$'
check_eq "the image's files keep their owners" "$(berth run --rm --userns auto unf stat -c %u:%g /data/owned)" 1000:1000
check_eq "root inside reads a file of another owner (0600)" "$(berth run --rm --userns auto unf cat /data/owned)" mine
check_eq "a file written lands as container root" "$(berth run --rm --userns auto un sh -c 'touch /new && stat -c %u:%g /new')" 0:0
check_eq "chown inside works for IDs of the range" \
        "$(berth run --rm --userns auto un sh -c 'touch /f && chown 1000:1000 /f && stat -c %u:%g /f')" 1000:1000
check_fails "an ID outside the range cannot be given" berth run --rm --userns auto un chown 70000 /tmp

# A container that stays: its upper on disk holds the container's IDs, never shifted ones.
berth run -d --name ur1 --userns auto un sleep 300 >/dev/null
on_exit "berth rm -f ur1"
berth exec ur1 sh -c 'echo x > /root/file; chown 1000:1000 /root/file'
check_eq "the upper directory holds the container's IDs on disk" \
        "$(stat -c %u:%g "$STATE/containers/ur1/upper/root/file")" 1000:1000
hostpid=$(berth top ur1 | awk '$2 == 1 { print $1 }')
hostuid=$(awk '/^Uid:/ { print $2 }' "/proc/$hostpid/status")
check_match "the host sees a mapped ID for PID 1" "$hostuid" '^[0-9]{6,}$'
check_eq "exec joins the user namespace" "$(berth exec ur1 cat /proc/self/uid_map | awk '{print $2}')" "$hostuid"
check_eq "exec runs as container root" "$(berth exec ur1 id -u)" 0
check_eq "exec --user" "$(berth exec --user 1000 ur1 id -u)" 1000
check_eq "exec -t --user: the terminal is the user's" "$(berth exec -t --user 1000 ur1 sh -c 'stat -c %u $(tty)' | tr -d '\r')" 1000
top=$(berth top ur1)
check_match "top shows the container's and the host's IDs" "$top" 'UID +HUID'
check_match "  … for PID 1: 0 and $hostuid" "$top" " 1 +0 +$hostuid "
# cp both ways, as the container's root.
echo hostfile > /tmp/un-cp
berth cp /tmp/un-cp ur1:/root/copied
check_eq "cp into it: the file is container root's" "$(berth exec ur1 stat -c %u:%g /root/copied)" 0:0
check_eq "  … and on disk the container's IDs" "$(stat -c %u "$STATE/containers/ur1/upper/root/copied")" 0
berth cp ur1:/root/file /tmp/un-out
check_eq "cp out of it" "$(cat /tmp/un-out)" x
rm -f /tmp/un-cp /tmp/un-out
check_eq "the range is kept across starts" "$(berth exec ur1 cat /proc/self/uid_map | awk '{print $2}')" "$hostuid"
berth stop ur1 >/dev/null 2>&1
berth start ur1 >/dev/null
check_eq "  … the same after a restart" "$(berth exec ur1 cat /proc/self/uid_map | awk '{print $2}')" "$hostuid"
check_eq "  … and the container's changes are there" "$(berth exec ur1 stat -c %u:%g /root/file)" 1000:1000

# --- The API file systems --------------------------------------------------------------------
out=$(berth run --rm --userns auto un sh -c 'ls /proc/1/status >/dev/null && echo proc; ls /sys/class/net | grep -q lo && echo sys; echo x > /dev/shm/a && echo shm; echo y > /dev/null && echo null; mount | grep -q " /sys/fs/cgroup" && echo cgroup; test -c /dev/pts/ptmx && echo pts')
check_eq "proc, sys, /dev/shm, /dev/null, cgroup, devpts inside" "$(echo $out)" "proc sys shm null cgroup pts"
check_eq "a tmpfs volume is container root's" "$(berth run --rm --userns auto --tmpfs /scratch un stat -c %u /scratch)" 0
check_eq "a terminal works" "$(berth run --rm -t --userns auto un tty | tr -d '\r')" /dev/pts/0
check_eq "hostname" "$(berth run --rm --userns auto --hostname uh un hostname)" uh
check_eq "sysctls of the UTS, IPC and network namespaces" \
        "$(berth run --rm --userns auto --sysctl kernel.domainname=example.org --sysctl kernel.shmmni=1024 \
                --sysctl net.ipv4.ip_forward=1 un sh -c 'cat /proc/sys/kernel/domainname /proc/sys/kernel/shmmni /proc/sys/net/ipv4/ip_forward' | tr '\n' ' ')" \
        "example.org 1024 1 "

# --- --user and setuid -----------------------------------------------------------------------
check_eq "--user 1000 inside" "$(berth run --rm --userns auto --user 1000 un id -u)" 1000
check_eq "--user user writes its home" "$(berth run --rm --userns auto --user user un sh -c 'touch /home/user/x && echo ok')" ok
if berth run --rm unf test -u /usr/bin/suid-id 2>/dev/null; then
        check_eq "a setuid-root binary works inside" "$(berth run --rm --userns auto --user 1000 unf /usr/bin/suid-id)" "1000 0"
else
        echo "ok - # SKIP no C compiler for the setuid binary"
fi

# --- Volumes and binds, idmapped -------------------------------------------------------------
mkdir -p /tmp/un-bind && echo b > /tmp/un-bind/f && chown 1000:1000 /tmp/un-bind/f
check_eq "a bind shows the host's owners" "$(berth run --rm --userns auto -v /tmp/un-bind:/b un stat -c %u /b/f)" 1000
berth run --rm --userns auto -v /tmp/un-bind:/b un sh -c 'echo w > /b/new'
check_eq "  … and what is written there is written as the container's IDs" "$(stat -c %u:%g /tmp/un-bind/new)" 0:0
check_fails "  … :ro holds" berth run --rm --userns auto -v /tmp/un-bind:/b:ro un touch /b/x
rm -rf /tmp/un-bind
berth run --rm --userns auto -v unvol:/data unf true
on_exit "berth volume rm unvol"
check_eq "a named volume is filled from the image with its owners" "$(stat -c %u "$STATE/volumes/unvol/_data/owned")" 1000
check_eq "  … and shows them inside" "$(berth run --rm --userns auto -v unvol:/data unf stat -c %u /data/owned)" 1000
berth run --rm --userns auto -v unvol:/data unf sh -c 'echo z > /data/z'
check_eq "  … the same volume in a container without a range" "$(berth run --rm -v unvol:/data unf stat -c %u:%g /data/z)" 0:0
check_eq "  … and in a container with another range" \
        "$(berth run --rm --userns auto -v unvol:/data unf sh -c 'cat /data/z; stat -c %u /data/owned' | tr '\n' ' ')" "z 1000 "
check_eq "an anonymous volume" "$(berth run --rm --userns auto -v /data unf stat -c %u /data/owned)" 1000
mkdir -p /tmp/un-o && echo lower > /tmp/un-o/l && chown 1000:1000 /tmp/un-o/l
check_eq "an O volume with a range shows the source with its owners" \
        "$(berth run --rm --userns auto -v /tmp/un-o:/o:O un sh -c 'stat -c %u /o/l; echo w > /o/new; cat /o/new' | tr '\n' ' ')" "1000 w "
check_eq "  … and what is written stays out of the source" "$(ls /tmp/un-o)" l
rm -rf /tmp/un-o
berth run --rm --userns auto --user 1000 -v unvolu:/data:U un sh -c 'touch /data/mine'
on_exit "berth volume rm unvolu"
check_eq "U chowns the volume to the container's user, as the container's ID on disk" \
        "$(stat -c %u:%g "$STATE/volumes/unvolu/_data" "$STATE/volumes/unvolu/_data/mine" | tr '\n' ' ')" "1000:1000 1000:1000 "

# AddDevice=: copies of the host's nodes owned by container root (the host's /dev/net/tun is 0600
# root's, which root of a user namespace could not open); the scope's DeviceAllow= still decides.
if [ -c /dev/net/tun ]; then
        check_match "a root-only device of the host opens inside with a range" \
                "$(berth run --rm --userns auto --device /dev/net/tun un sh -c 'cat /dev/net/tun 2>&1')" 'bad state'
        check_match "  … :r is still read-only by the scope's policy" \
                "$(berth run --rm --userns auto --device /dev/net/tun:/dev/tun:r un sh -c 'echo x > /dev/tun' 2>&1)" 'Operation not permitted'
        check_eq "  … and the node is the host's" "$(berth run --rm --userns auto --device /dev/net un stat -c %t:%T /dev/net/tun)" a:c8
fi

# Mount=type=image: the image's layers, idmapped.
check_eq "Mount=type=image with a range: one layer, with the image's owners" \
        "$(berth run --rm --userns auto --mount type=image,source=unf,target=/img un stat -c %u /img/data/owned)" 1000
check_fails "  … read-only" berth run --rm --userns auto --mount type=image,source=unf,target=/img un touch /img/x
check_eq "  … rw=true writes to the container's own upper" \
        "$(berth run --rm --userns auto --mount type=image,source=unf,target=/img,rw=true un sh -c 'echo w > /img/w; stat -c %u /img/w')" 0

# --- Layers are never chowned ----------------------------------------------------------------
before=$(find "$STATE/store/layers" -maxdepth 3 -printf '%u:%g %C@ %p\n' | sort | md5sum)
berth run --rm --userns auto unf true
after=$(find "$STATE/store/layers" -maxdepth 3 -printf '%u:%g %C@ %p\n' | sort | md5sum)
check_eq "no owner or ctime of a layer changed" "$after" "$before"

# --- Ports and machined ----------------------------------------------------------------------
berth run -d --name ur2 --userns auto -p 18080:8080 un sh -c 'echo hi > /tmp/index.html; httpd -f -p 8080 -h /tmp' >/dev/null
on_exit "berth rm -f ur2"
wait_for 10 wget -q -O /dev/null http://127.0.0.1:18080/index.html
check_eq "a published port reaches the container" "$(wget -q -O - http://127.0.0.1:18080/index.html)" hi
if command -v machinectl >/dev/null; then
        check_match "machined knows the container" "$(machinectl list --no-legend 2>/dev/null)" ur2
fi

# --- sd_notify, health checks, --read-only, --init ----------------------------------------------
berth create --name ur3 --userns auto --sdnotify container un sh -c 'notify-send READY=1 STATUS=up; exec sleep 1000' >/dev/null
on_exit "berth rm -f ur3"
check "Notify=yes: the payload tells systemd through the notify socket" timeout 30 systemctl start container@ur3.service
check_match "  … as its root, in its user namespace" "$(berth top ur3)" 'UID +HUID'
berth run -d --name ur4 --userns auto --health-cmd 'test -d /proc/1' --health-interval 1s un sleep 300 >/dev/null
on_exit "berth rm -f ur4"
wait_for 20 sh -c '[ "$(berth inspect ur4 --format "{{.State.Health.Status}}")" = healthy ]'
check_eq "a health check runs in the user namespace" "$(berth inspect ur4 --format '{{.State.Health.Status}}')" healthy
check_eq "--read-only with a range" "$(berth run --rm --userns auto --read-only un sh -c 'touch /x 2>/dev/null || echo ro')" ro
check_match "--init with a range" "$(berth run --rm --userns auto --init un ps)" 'berth-init'
berth run --name ur5 --userns auto un sh -c 'touch /made && chown 1000:1000 /made'
on_exit "berth rm -f ur5"
check_match "export shows the container's IDs" "$(berth export ur5 | tar -tvf - | grep made)" '1000/1000'

# Ulimit=: the helper sets them on the child (raising a hard limit needs CAP_SYS_RESOURCE of the
# host's user namespace, which the child does not have).
check_eq "Ulimit= with a range" "$(berth run --rm --userns auto --ulimit nofile=4096:4096 un sh -c 'ulimit -Hn')" 4096
berth run -d --name ur6 --userns auto --ulimit nofile=4096:4096 un sleep 300 >/dev/null
on_exit "berth rm -f ur6"
check_eq "  … and exec has it too" "$(berth exec ur6 sh -c 'ulimit -Hn')" 4096

# --- Nothing of the helper leaks into the payload ---------------------------------------------
check_eq "the payload holds fds 0-2 only" "$(berth run --rm --userns auto un ls /proc/self/fd | sort -n | tr '\n' ' ')" "0 1 2 3 "

# The allocator asks NSS about a range's first ID whenever NSS has more than /etc's files (here: a
# userdb drop-in record, as systemd-homed, nspawn's machined or an admin may leave): the record's
# UID is passed over. Its control: the same run without the record takes that very range (a name's
# first pick is where its name hashes to).
base_of() { berth run --rm --name unblk --userns auto un cat /proc/self/uid_map | awk '{print $2}'; }
free_base=$(base_of)
mkdir -p /run/userdb
on_exit 'rm -rf /run/userdb'
printf '{"userName":"berthblock","uid":%s,"gid":%s,"disposition":"regular"}\n' "$free_base" "$free_base" \
        > /run/userdb/berthblock.user
ln -sf berthblock.user "/run/userdb/$free_base.user"
check_eq "a userdb record of UID $free_base: NSS knows it (getent)" "$(getent passwd "$free_base" | cut -d: -f1)" berthblock
taken_base=$(base_of)
check "  … and the next range is another than $free_base" test -n "$taken_base" -a "$taken_base" != "$free_base"
rm -rf /run/userdb
check_eq "  … which it takes again once the record is gone (the control)" "$(base_of)" "$free_base"
exit 0
