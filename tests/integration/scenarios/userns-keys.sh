# SPDX-License-Identifier: LGPL-2.1-or-later
# User namespace keys and ranges (issue 18), what needs no runtime support: UserNS=, UIDMap=,
# GIDMap= and their flags checked by verify, create and run (one line each, exit 125 for run);
# inspect showing the keys and a container's range; a container's leases in STATE/userns going
# with `berth rm`; berth.conf's [Containers] UserNS= and UserNSPool= read and checked.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image unsk
STATE=${BERTH_STATE_DIR:-/var/lib/berth}
CONF=${BERTH_CONFIG_DIR:-/etc/berth}
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# ---- verify ----
printf '[Container]\nImage=unsk\nUserNS=auto:size=131072\n' > $tmp/auto.container
printf '[Container]\nImage=unsk\nUIDMap=0:200000:65536\nGIDMap=0:300000:65536\n' > $tmp/maps.container
check "verify: UserNS=auto:size=N" berth verify $tmp/auto.container
check "verify: UIDMap=, GIDMap=" berth verify $tmp/maps.container
refused() { # WHAT LINES PATTERN
        printf '[Container]\nImage=unsk\n%b\n' "$2" > $tmp/bad.container
        out=$(berth verify $tmp/bad.container 2>&1); rc=$?
        check_eq "verify refuses $1" "$rc $(printf '%s\n' "$out" | wc -l)" "1 1"
        check_match "  … saying why" "$out" "$3"
}
refused "keep-id" 'UserNS=keep-id' "podman's rootless mode"
refused "a map without container 0" 'UIDMap=1:200000:10' "no entry maps container ID 0"
refused "UIDMap= with UserNS=auto" 'UserNS=auto\nUIDMap=0:200000:10' "picks the range itself"
refused "a range with Privileged=" 'UserNS=private\nPrivileged=yes' "docker refuses --privileged"
refused "a range with Network=host" 'UserNS=auto\nNetwork=host' "Network=host"

# ---- the flags ----
out=$(berth run --rm --userns host --uidmap 0:200000:65536 unsk true 2>&1); rc=$?
check_eq "run --userns host --uidmap: exit 125, one line" "$rc $(printf '%s\n' "$out" | wc -l)" "125 1"
check_match "  … naming the option" "$out" "^berth: option --uidmap: .*one or the other"
out=$(berth run --rm --userns auto --pid host unsk true 2>&1); rc=$?
check_eq "run --userns auto --pid host: exit 125" "$rc" 125
check_match "  … why" "$out" "option --userns: .*PID=host"
out=$(berth create --userns auto:size=bad unsk true 2>&1); rc=$?
check_match "create --userns auto:size=bad: refused" "$rc $out" "^125 .*option --userns: .*size="

check "create --userns auto:size=131072" berth create --name unsa --userns auto:size=131072 unsk sleep 1000
on_exit "berth rm -f unsa"
check "create --uidmap, --gidmap" berth create --name unsm --uidmap 0:200000:65536 --gidmap 0:300000:65536 unsk true
on_exit "berth rm -f unsm"
check "create with none" berth create --name unsn unsk true
on_exit "berth rm -f unsn"

# ---- inspect ----
check_match "inspect: userns auto:size=131072" "$(berth inspect unsa)" '"userns": ?"auto:size=131072"'
check_eq "  … HostConfig.UsernsMode" "$(berth inspect --format '{{.HostConfig.UsernsMode}}' unsa)" "auto:size=131072"
check_match "  … no range held before its first start" "$(berth inspect unsa)" '"UsernsMode": ?"auto:size=131072"'
check_eq "  … no IDMappings" "$(berth inspect unsa | grep -c IDMappings)" 0
check_match "maps: inspect shows both" "$(berth inspect unsm | tr -d ' \n')" \
        '"userns":"map","uid_map":\["0:200000:65536"\],"gid_map":\["0:300000:65536"\]'
check_eq "  … IDMappings.GidMap" "$(berth inspect --format '{{index .HostConfig.IDMappings.GidMap 0}}' unsm)" "0:300000:65536"
check_eq "none: UsernsMode empty (docker's default)" "$(berth inspect --format '{{.HostConfig.UsernsMode}}' unsn)" ""

# ---- a range held, and released by rm ----
# The runtime takes the range at the first start (userns_maps_acquire()); here the leases are
# written as the allocator writes them, so that what rm and inspect do is checked on its own.
mkdir -p $STATE/userns/blocks $STATE/userns/names
echo unsa > $STATE/userns/blocks/1048576
echo unsa > $STATE/userns/blocks/1114112
echo "1048576 131072" > $STATE/userns/names/unsa
echo other > $STATE/userns/blocks/1179648
echo "1179648 65536" > $STATE/userns/names/other
on_exit "rm -f $STATE/userns/blocks/1179648 $STATE/userns/names/other"
check_eq "inspect: the range held" "$(berth inspect --format '{{index .HostConfig.IDMappings.UidMap 0}}' unsa)" \
        "0:1048576:131072"
check "rm" berth rm unsa
check_eq "  … its leases are gone" "$(ls $STATE/userns/blocks | sort | tr '\n' ' ')" "1179648 "
check_eq "  … and its name file" "$(ls $STATE/userns/names)" "other"
check "rm of a container that held none" berth rm unsn
# rename: the range is held by name; the old name's goes (the new one takes a range at its start).
check "create --userns private" berth create --name unsr --userns private unsk true
on_exit "berth rm -f unsr unsr2"
echo unsr > $STATE/userns/blocks/1245184
echo "1245184 65536" > $STATE/userns/names/unsr
check "rename" berth rename unsr unsr2
check_eq "  … the old name's lease is gone" "$(ls $STATE/userns/blocks | sort | tr '\n' ' ')" "1179648 "
check_eq "  … inspect of the new name: no range" "$(berth inspect unsr2 | grep -c IDMappings)" 0

# ---- berth.conf ----
mkdir -p $CONF
[ -f $CONF/berth.conf ] && cp $CONF/berth.conf $tmp/berth.conf.saved
on_exit "if [ -f $tmp/berth.conf.saved ]; then cp $tmp/berth.conf.saved $CONF/berth.conf; else rm -f $CONF/berth.conf; fi"
printf '[Containers]\nUserNS=auto\nUserNSPool=0x100000-0x1FFFFF\n' > $CONF/berth.conf
check "berth.conf UserNS=auto, UserNSPool=: create works" berth create --name unsd unsk true
on_exit "berth rm -f unsd"
check_eq "  … the definition says nothing (berth.conf's default applies at start)" \
        "$(berth inspect --format '{{.HostConfig.UsernsMode}}' unsd)" ""
printf '[Containers]\nUserNSPool=0x100001-0x1FFFFF\n' > $CONF/berth.conf
out=$(berth run --rm unsk true 2>&1); rc=$?
check_eq "a bad UserNSPool=: run fails" "$rc" 125
check_match "  … saying why" "$out" "UserNSPool.*multiples of 65536"
printf '[Containers]\nUserNS=keep-id\n' > $CONF/berth.conf
out=$(berth run --rm unsk true 2>&1); rc=$?
check_match "UserNS=keep-id in berth.conf: refused" "$rc $out" "^125 .*key 'UserNS'.*rootless"
