# SPDX-License-Identifier: LGPL-2.1-or-later
# User namespaces (issue 18), item 4 as attacks: root in a container with --userns auto, given
# every capability an attack needs (--cap-add, no seccomp filter, no masks), tries to open the
# host's disk through mknod, load a module, change a host sysctl (directly and through a fresh
# /proc), write a host file it was not given (open_by_handle_at, "shocker"), and, where the host's
# PID namespace is shared, ptrace the host's PID 1, join its namespaces and write through
# /proc/1/root. Each attack must fail, and each is also made the same way with --userns host, where
# it gets through (the testbed is a throwaway), so that no check here can pass because the attack
# never worked. Then what must keep working: host-side IDs, a setuid binary, --user, owners of
# layer, upper, volume and bind files seen the same with and without a range (no chown: the
# layers' owners and ctimes stay as they were), two ranges on one image.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

if ! has_option run --userns; then
        echo "ok - # SKIP user namespaces: this build's berth run has no --userns"
        exit 0
fi

PROBE=$BERTH_BUILD_DIR/tests/integration/escape-probe
T=$(mktemp -d /tmp/userns.XXXXXX)
on_exit "rm -rf $T"
STORE=/var/lib/berth/store
layer_state() { find "$STORE/layers" -xdev -printf '%U:%G %m %C@ %p\n' | sort; }

# The image: busybox, the probe, a setuid-root copy of the probe, files owned by others.
img=$T/img
mkdir -p "$img"/{bin,etc,proc,sys,dev,tmp,root,home/user,usr/bin,srv/data,var}
cp /bin/busybox "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$img/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' > "$img/etc/group"
cp "$PROBE" "$img/usr/bin/escape-probe"
cp "$PROBE" "$img/usr/bin/suid-probe"
chmod 4755 "$img/usr/bin/suid-probe"
echo image > "$img/srv/data/owned"
chown -R 1234:4321 "$img/srv/data"
chmod 0640 "$img/srv/data/owned"
chown 1000:1000 "$img/home/user"
chmod 1777 "$img/tmp"
berth image import "$img" uns >/dev/null
on_exit "berth image rm uns"
layers_before=$(layer_state)

ALL=(--cap-add SYS_ADMIN --cap-add SYS_MODULE --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH
     --cap-add SYS_RAWIO --security-opt seccomp=unconfined --security-opt systempaths=unconfined)
# attack MODE [RUN OPTIONS…] -- PROBE ARGS…: the probe's lines, joined by spaces
attack() {
        local mode=$1 opts=()
        shift
        while [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        berth run --rm --userns "$mode" "${ALL[@]}" "${opts[@]}" uns escape-probe "$@" 2>&1 | paste -sd' '
}

# --- the range, seen from the host
berth run -d --userns auto --name un1 uns sleep 1000 >/dev/null
on_exit 'berth rm -f un1'
pid=$(berth inspect --format '{{.State.Pid}}' un1)
read -r in base count < "/proc/$pid/uid_map"
# A base outside the pool (0: no user namespace at all) makes every check below that uses it fail.
in_pool() { [ "$1" -ge $((0x80000)) ] && [ "$1" -le $((0x6FFFFFFF - 65535)) ] && echo "$1" || echo "none ($1)"; }
check_eq "the payload's uid_map is one range that maps container root" "$in $count $(wc -l < "/proc/$pid/uid_map")" "0 65536 1"
check "  … a block of systemd's container range (0x80000-0x6FFFFFFF, 65,536 aligned)" \
        test "$(in_pool "$base")" = "$base" -a $((base % 65536)) = 0
base=$(in_pool "$base")
check_eq "  … and gid_map is the same block" "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")" "0 $base 65536"
check_eq "/proc/PID/status on the host shows the mapped IDs" \
        "$(awk '/^(Uid|Gid):/ {print $1, $2, $3, $4, $5}' "/proc/$pid/status" | paste -sd' ')" \
        "Uid: $base $base $base $base Gid: $base $base $base $base"
check_eq "  … inside, the same process is root" "$(berth exec un1 awk '/^Uid:/ {print $2}' /proc/1/status)" 0
check_fails "  … and the host's user namespace is not its own" \
        test "$(readlink "/proc/$pid/ns/user")" = "$(readlink /proc/self/ns/user)"
berth run -d --userns auto --user 1000 --name un2 uns sleep 1000 >/dev/null
on_exit 'berth rm -f un2'
pid2=$(berth inspect --format '{{.State.Pid}}' un2)
base2=$(in_pool "$(awk '{print $2}' "/proc/$pid2/uid_map")")
check_eq "--user 1000: the host sees its base + 1000, the container 1000" \
        "$(awk '/^Uid:/ {print $2}' "/proc/$pid2/status") $(berth exec un2 id -u)" "$([[ $base2 == none* ]] && echo "$base2" || echo $((base2 + 1000))) 1000"
check "two containers get two ranges" test "$base" != "$base2"
check_eq "  … and both see the image's owners" \
        "$(berth exec un1 stat -c %u:%g /srv/data/owned) $(berth exec un2 stat -c %u:%g /srv/data/owned)" "1234:4321 1234:4321"
check_eq "  … as does a container without one" \
        "$(berth run --rm --userns host uns stat -c %u:%g /srv/data/owned /home/user /bin/busybox | paste -sd' ')" \
        "1234:4321 1000:1000 0:0"
check_eq "  … and so do they for the whole tree" \
        "$(berth exec un1 stat -c %u:%g /srv/data/owned /home/user /bin/busybox | paste -sd' ')" \
        "1234:4321 1000:1000 0:0"
check_eq "a file owned by another user of the image is closed to --user 1000" \
        "$(berth exec un2 cat /srv/data/owned 2>&1 >/dev/null | grep -c 'Permission denied')" 1
check_eq "a setuid-root binary of the image works with --user 1000 (real 1000, effective 0)" \
        "$(berth run --rm --userns auto --user 1000 uns suid-probe ids)" "ids 1000 0"
berth rm -f un1 un2 >/dev/null

# --- attacks. mknod: a user namespace refuses every device node, whatever the device cgroup
# allows; /dev/zero's numbers (which the device cgroup lets a container have) show that it is the
# user namespace that refuses.
check_eq "mknod of a device (1:5, /dev/zero's): refused inside, for root with CAP_MKNOD" \
        "$(attack auto -- mknod:/tmp/zero:c:1:5)" "mknod:/tmp/zero:c:1:5 mknod-EPERM"
check_eq "  … control: with --userns host it is made, opened and read" \
        "$(attack host -- mknod:/tmp/zero:c:1:5)" "mknod:/tmp/zero:c:1:5 ok"
# The host's first whole disk, from /proc/partitions.
read -r maj min _ disk < <(awk 'NR > 2 && $4 !~ /[0-9]$|^loop|^ram|^zram/ {print $1, $2, $3, $4; exit}' /proc/partitions)
if [ -z "${disk:-}" ]; then
        echo "ok - # SKIP mknod of the host's disk: /proc/partitions names no disk"
else
        check_eq "mknod of the host's disk ($disk, $maj:$min): refused inside" \
                "$(attack auto -- "mknod:/tmp/disk:b:$maj:$min")" "mknod:/tmp/disk:b:$maj:$min mknod-EPERM"
        check_match "  … control: with --userns host --privileged the node is made" \
                "$(berth run --rm --userns host --privileged uns escape-probe "mknod:/tmp/disk:b:$maj:$min")" \
                "^mknod:/tmp/disk:b:$maj:$min (ok|open-E[A-Z]+|read-E[A-Z]+)$"
fi
check_match "the container's own /dev/null is usable" "$(berth run --rm --userns auto uns sh -c 'echo x > /dev/null && echo fine')" '^fine$'

host_module=$("$PROBE" module:/bin/busybox)
if [ "$host_module" = "module:/bin/busybox ENOSYS" ]; then
        echo "ok - # SKIP finit_module: this kernel loads no modules (ENOSYS on the host)"
else
        check_eq "finit_module(): refused inside, for root with CAP_SYS_MODULE" \
                "$(attack auto -- module:/bin/busybox)" "module:/bin/busybox EPERM"
        check_match "  … control: with --userns host the loader reads the file (and finds no module)" \
                "$(attack host -- module:/bin/busybox)" "^module:/bin/busybox (ENOEXEC|EKEYREJECTED|EBADMSG|ENOKEY)$"
fi

panic=$(cat /proc/sys/kernel/panic)
check_match "writing a host sysctl (kernel.panic, its own value) with /proc/sys unmasked: refused inside" \
        "$(attack auto -- sysctl:/proc/sys/kernel/panic)" "^sysctl:/proc/sys/kernel/panic E(ACCES|PERM|ROFS)$"
check_eq "  … control: with --userns host it is written" \
        "$(attack host -- sysctl:/proc/sys/kernel/panic)" "sysctl:/proc/sys/kernel/panic ok"
check_match "a fresh /proc mounted to reach the same sysctl: refused inside" \
        "$(attack auto -- procmount:/tmp/p:sys/kernel/panic)" "^procmount:/tmp/p:sys/kernel/panic (mount|write)-E(ACCES|PERM|ROFS)$"
check_eq "  … control: with --userns host it is mounted and written" \
        "$(attack host -- procmount:/tmp/p:sys/kernel/panic)" "procmount:/tmp/p:sys/kernel/panic ok"
check_eq "  … and the host's value is what it was" "$(cat /proc/sys/kernel/panic)" "$panic"

# shocker: /tmp is one file system; the container is given $T/given and nothing else of it.
mkdir "$T/given"
echo secret > "$T/secret"
chmod 0644 "$T/secret"
handle=$("$PROBE" handle:"$T/secret")
if ! [[ $handle =~ ^[0-9]+:[0-9a-f]+$ ]]; then
        echo "ok - # SKIP open_by_handle_at(): the host cannot make a handle of a file in /tmp ($handle)"
else
        check_match "open_by_handle_at() of a host file outside the bind it was given: refused inside" \
                "$(attack auto -v "$T/given:/given" -- "byhandle:/given:$handle:pwned")" "^byhandle:\S+ open-E[A-Z]+$"
        check_eq "  … the file is unchanged" "$(cat "$T/secret")" secret
        check_eq "  … control: with --userns host the file is written" \
                "$(attack host -v "$T/given:/given" -- "byhandle:/given:$handle:pwned")" "byhandle:/given:$handle:pwned ok"
        check_eq "  … (it was)" "$(cat "$T/secret")" "secret
pwned"
fi

# The host's PID namespace shared: its PID 1 (the testbed's systemd) in sight.
echo host > "$T/hostfile"
out=$(berth run --rm --userns auto --pid host uns true 2>&1); rc=$?
if [ $rc = 125 ]; then
        check_eq "--pid host with a private range is refused in one line" "$(echo "$out" | wc -l)" 1
        echo "ok - # SKIP attacks on the host's PID 1: --pid host with a range is refused ($out)"
else
        check_eq "--pid host with a private range runs" "$rc" 0
        check_match "ptrace of the host's PID 1: refused inside, for root with CAP_SYS_PTRACE" \
                "$(attack auto --pid host -- ptrace:1)" "^ptrace:1 E(PERM|ACCES)$"
        check_eq "  … control: with --userns host it attaches" "$(attack host --pid host -- ptrace:1)" "ptrace:1 ok"
        check_match "setns() into the host's mount namespace: refused inside" \
                "$(attack auto --pid host -- setns:/proc/1/ns/mnt)" "^setns:/proc/1/ns/mnt E(PERM|ACCES)$"
        check_eq "  … control: with --userns host it joins" \
                "$(attack host --pid host -- setns:/proc/1/ns/mnt)" "setns:/proc/1/ns/mnt ok"
        check_match "writing a host file through /proc/1/root: refused inside" \
                "$(attack auto --pid host -- "write:/proc/1/root$T/hostfile:pwned")" "^write:\S+ E(PERM|ACCES)$"
        check_eq "  … the file is unchanged" "$(cat "$T/hostfile")" host
        check_eq "  … control: with --userns host it is written" \
                "$(attack host --pid host -- "write:/proc/1/root$T/hostfile:pwned")" "write:/proc/1/root$T/hostfile:pwned ok"
fi
# A namespace of the host's user namespace handed in as a file (ip netns's nsfs bind).
ip netns add unsns
on_exit 'ip netns del unsns'
out=$(attack auto -v /run/netns/unsns:/hostns -- setns:/hostns)
if [[ $out != "setns:/hostns "* ]]; then
        # nsfs has no idmapped mounts: berth refuses the bind rather than make it plain.
        check_match "a host namespace's file is not even bound into a container with a range" "$out" \
                "^berth: bind mount /run/netns/unsns .*idmap"
        check_eq "  … control: with --userns host it is, and setns() joins it" \
                "$(attack host -v /run/netns/unsns:/hostns -- setns:/hostns)" "setns:/hostns ok"
else
        check_match "setns() into a host network namespace bound in: refused inside, for root with CAP_SYS_ADMIN" \
                "$out" "^setns:/hostns E(PERM|ACCES)$"
        check_eq "  … control: with --userns host it joins" \
                "$(attack host -v /run/netns/unsns:/hostns -- setns:/hostns)" "setns:/hostns ok"
fi
# Without --pid host, /proc/1 is the container's own init: its root is the container's.
check_eq "/proc/1/root inside is the container's root" \
        "$(berth run --rm --userns auto --init uns sh -c 'cat /proc/1/root/etc/passwd | head -1')" "root:x:0:0:root:/root:/bin/sh"

# --- files: upper directory, volumes, binds; the same from a container with a range and without
mkdir -p "$T/bind"
chown 4242:4243 "$T/bind"
berth run --name unf --userns auto -v unvol:/vol -v unvol2:/srv/data -v "$T/bind:/bind" uns sh -c \
        'echo upper > /root/made; echo vol > /vol/byroot; echo bind > /bind/byroot' >/dev/null
on_exit 'berth rm -f unf; berth volume rm unvol unvol2'
upper=$(find /var/lib/berth/containers/unf -path '*/upper/root/made' 2>/dev/null | head -1)
check_eq "a file root made in the upper directory is owned by root on the host (no shift)" \
        "$(stat -c %u:%g "$upper" 2>&1)" 0:0
check_eq "a named volume filled from the image keeps the image's owners on the host" \
        "$(stat -c %u:%g /var/lib/berth/volumes/unvol2/_data/owned 2>&1)" 1234:4321
check_eq "  … and root's file in a volume is root's on the host" \
        "$(stat -c %u:%g /var/lib/berth/volumes/unvol/_data/byroot 2>&1)" 0:0
check_eq "a bind mount's root-made file is root's on the host" "$(stat -c %u:%g "$T/bind/byroot" 2>&1)" 0:0
check_eq "  … and the bind's directory is seen with its host owner inside" \
        "$(berth run --rm --userns auto -v "$T/bind:/bind" uns stat -c %u:%g /bind)" 4242:4243
echo "by-host" > /var/lib/berth/volumes/unvol/_data/byhost
chown 1000:1000 /var/lib/berth/volumes/unvol/_data/byhost
shared() { berth run --rm --userns "$1" -v unvol:/vol -v unvol2:/srv/data uns sh -c \
        'stat -c "%n %u:%g" /vol/byroot /vol/byhost /srv/data/owned; echo $1 > /vol/w-$1; stat -c "%n %u:%g" /vol/w-*' sh "$1" |
        sort | paste -sd' '; }
in_auto=$(shared auto) in_host=$(shared host)
check_eq "the same volumes, used with a range and without, show the same owners in both" \
        "$(echo "$in_auto" | sed 's/ \/vol\/w-host [0-9:]*//')" "$(echo "$in_host" | sed 's/ \/vol\/w-host [0-9:]*//')"
check_match "  … which are the image's and the writers' own" "$in_host" \
        '^/srv/data/owned 1234:4321 /vol/byhost 1000:1000 /vol/byroot 0:0 /vol/w-auto 0:0 /vol/w-host 0:0$'
check_eq "  … and on the host" "$(stat -c %u:%g /var/lib/berth/volumes/unvol/_data/w-auto /var/lib/berth/volumes/unvol/_data/w-host | paste -sd' ')" "0:0 0:0"
check_eq "root in the container can change an owner in its volume (CAP_CHOWN inside): 1000 on the host" \
        "$(berth run --rm --userns auto -v unvol:/vol uns chown 1000:1000 /vol/w-auto; stat -c %u:%g /var/lib/berth/volumes/unvol/_data/w-auto)" 1000:1000
out=$(berth run --rm --userns auto -v unvol:/vol uns chown 70000 /vol/w-auto 2>&1); rc=$?
check "  … but not to an ID outside its range" test "$rc" != 0

check_eq "the image's layers: owners and ctimes unchanged after all of it (no chown)" "$(layer_state)" "$layers_before"
check_eq "  … and its files as they were" "$(stat -c %u:%g "$(find "$STORE/layers" -path '*/srv/data/owned' | head -1)")" 1234:4321
