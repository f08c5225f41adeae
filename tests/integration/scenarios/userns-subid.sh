# SPDX-License-Identifier: LGPL-2.1-or-later
# User namespaces, issue 18 (remap): SubUIDMap=/SubGIDMap= (--subuidname/--subgidname) run a
# container on the ranges /etc/subuid and /etc/subgid list for a name; Quadlet's RemapUsers=
# auto|manual run as UserNS=auto and UIDMap=; the hosts files show as root's inside a range as
# without one; and the cgroup v1 release_agent escape fails with and without a range.
# Every container here says its UserNS= (or maps), so the suite's second pass changes nothing.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

if ! has_option run --subuidname; then
        echo "ok - # SKIP this build does not know --subuidname"
        exit 0
fi
STATE=/var/lib/berth
skip_unless_idmap "$STATE"

make_image sb

# pid_of NAME: the host PID of the container's PID 1.
pid_of() { berth top "$1" | awk '$2 == 1 { print $1 }'; }

# --- SubUIDMap=, SubGIDMap= -------------------------------------------------------------------
for f in subuid subgid; do
        if [ -e /etc/$f ]; then cp -a /etc/$f /etc/$f.berth-test; on_exit "mv -f /etc/$f.berth-test /etc/$f"
        else on_exit "rm -f /etc/$f"; fi
done
# Two ranges for the name, listed out of order: mapped sorted by host ID, as podman maps them; one
# for another name, and one under a UID.
printf 'other:3100000:65536\nbsub:3300000:1000\nbsub:3000000:65536\n4242:3400000:65536\n' > /etc/subuid
printf '# groups\nbsub:4000000:65536\n4242:4100000:65536\n' > /etc/subgid

berth run -d --name sub1 --subuidname bsub sb sleep 300 >/dev/null
on_exit "berth rm -f sub1"
pid=$(pid_of sub1)
check_eq "SubUIDMap=: the uid_map is /etc/subuid's ranges for the name, sorted, from container ID 0" \
        "$(awk '{ print $1, $2, $3 }' /proc/$pid/uid_map | tr '\n' ';')" "0 3000000 65536;65536 3300000 1000;"
check_eq "  … and SubGIDMap= is the same name's in /etc/subgid" \
        "$(awk '{ print $1, $2, $3 }' /proc/$pid/gid_map | tr '\n' ';')" "0 4000000 65536;"
check_eq "  … PID 1 runs as those host IDs" "$(awk '/^Uid:/ { print $2 } /^Gid:/ { print $2 }' /proc/$pid/status | tr '\n' ' ')" \
        "3000000 4000000 "
check_eq "  … and is root inside" "$(berth exec sub1 id -u):$(berth exec sub1 id -g)" "0:0"
check_eq "  … seeing its image's files as root's" "$(berth exec sub1 stat -c %u:%g /bin/busybox /etc)" "$(printf '0:0\n0:0')"
berth exec sub1 sh -c 'touch /dev/shm/made; chown 1000:1000 /dev/shm; touch /tmp/up' >/dev/null
check_eq "a file it makes on its own tmpfs shows the host IDs on the host" \
        "$(stat -c %u:%g /proc/$pid/root/dev/shm/made)" "3000000:4000000"
check_eq "  … and container ID 1000 is host ID 3001000" "$(stat -c %u:%g /proc/$pid/root/dev/shm)" "3001000:4001000"
check_eq "its upper directory holds container IDs (idmapped, nothing chowned)" \
        "$(stat -c %u:%g "$STATE/containers/sub1/upper/tmp/up")" "0:0"
check_match "inspect shows the map" "$(berth inspect sub1)" '0:3000000:65536'
check_match "  … and the names" "$(berth inspect sub1 | tr -d ' \n')" '"subuid_name":"bsub","subgid_name":"bsub"'
# Inside the pool the IDs are leased: no second container shares them, as with UIDMap=.
out=$(berth run --rm --subuidname bsub sb true 2>&1)
check_match "a second container on the same ranges in the pool is refused, naming the holder" "$out" \
        "take host IDs [0-9]+-[0-9]+, which container sub1 holds"
berth rm -f sub1 >/dev/null

berth run -d --name sub2 --subgidname 4242 sb sleep 300 >/dev/null
on_exit "berth rm -f sub2"
pid=$(pid_of sub2)
check_eq "SubGIDMap= alone, a UID: names both files' lines" \
        "$(awk '{ print $2 }' /proc/$pid/uid_map):$(awk '{ print $2 }' /proc/$pid/gid_map)" "3400000:4100000"
berth rm -f sub2 >/dev/null

# Outside the pool (useradd's ranges) several containers share the name's IDs, as with podman.
printf 'shared:200000:65536\n' >> /etc/subuid
printf 'shared:200000:65536\n' >> /etc/subgid
berth run -d --name sub3 --subuidname shared sb sleep 300 >/dev/null
on_exit "berth rm -f sub3"
check_eq "outside the pool two containers may share a name's ranges" \
        "$(berth run --rm --subuidname shared sb cat /proc/self/uid_map | awk '{ print $2 }')" "200000"
berth rm -f sub3 >/dev/null

# The refusals: one line each, nothing left running.
bad_run() { # WHAT EXPECTED ARGS…
        local what=$1 want=$2 out rc
        shift 2
        out=$(berth run --rm --name subbad "$@" sb true 2>&1); rc=$?
        check_match "refused: $what" "$rc $(printf '%s\n' "$out" | grep -c .) $out" "^125 1 .*$want"
}
bad_run "a name /etc/subuid does not list" "/etc/subuid lists no IDs for nobodyhere" --subuidname nobodyhere
bad_run "with --userns" "one or the other" --subuidname bsub --userns auto
bad_run "with --uidmap" "one or the other" --subuidname bsub --uidmap 0:3000000:65536
printf 'bsub:3000000:65536\nbroken line\n' > /etc/subuid
bad_run "a malformed line of /etc/subuid" "/etc/subuid:2: not NAME:FIRST:COUNT" --subuidname bsub
printf 'bsub:3000000:0\n' > /etc/subuid
bad_run "ranges of 0 IDs" "/etc/subuid lists no IDs for bsub" --subuidname bsub
check_fails "  … and nothing of it is left" berth inspect subbad

# --- RemapUsers= ------------------------------------------------------------------------------
mkdir -p /etc/berth/containers
cat > /etc/berth/containers/rmauto.container <<EOF
[Container]
Image=sb
Exec=sleep 300
RemapUsers=auto
RemapUidSize=131072
EOF
cat > /etc/berth/containers/rmman.container <<EOF
[Container]
Image=sb
Exec=sleep 300
RemapUsers=manual
RemapUid=0:3500000:65536
RemapGid=0:3600000:65536
EOF
on_exit "rm -f /etc/berth/containers/rmauto.container /etc/berth/containers/rmman.container; systemctl daemon-reload"
on_exit "systemctl stop container@rmauto.service container@rmman.service"
systemctl daemon-reload
systemctl start container@rmauto.service container@rmman.service
wait_for 10 sh -c 'berth top rmauto | grep -q " 1 " && berth top rmman | grep -q " 1 "'
pid=$(pid_of rmauto)
check_match "RemapUsers=auto runs with a picked range of RemapUidSize= IDs" "$(cat /proc/$pid/uid_map)" '^ +0 +[0-9]{6,} +131072$'
pid=$(pid_of rmman)
check_eq "RemapUsers=manual runs with RemapUid=/RemapGid=" \
        "$(awk '{ print $2 }' /proc/$pid/uid_map):$(awk '{ print $2 }' /proc/$pid/gid_map)" "3500000:3600000"
check_match "verify refuses Remap keys with explicit ones in Quadlet's words" \
        "$(printf '[Container]\nImage=sb\nRemapUsers=auto\nUserNS=auto\n' > /tmp/rmbad.container; berth verify /tmp/rmbad.container 2>&1)" \
        "deprecated Remap keys are set along with explicit mapping keys"
rm -f /tmp/rmbad.container
systemctl stop container@rmauto.service container@rmman.service

# --- the hosts files inside a range -----------------------------------------------------------
files="/etc/hosts /etc/hostname /etc/resolv.conf"
ls_files() { berth run --rm "$@" sb sh -c "ls -ln $files" | awk '{ print $1, $3, $4, $NF }'; }
host_ls=$(ls_files --userns host)
check_match "UserNS=host: the hosts files are root's (0:0)" "$host_ls" '^-rw-r--r-- 0 0 /etc/hosts'
check_eq "UserNS=auto: the same owners and modes" "$(ls_files --userns auto)" "$host_ls"
check_eq "SubUIDMap=: the same" "$(printf 'bsub:3000000:65536\n' > /etc/subuid; ls_files --subuidname bsub)" "$host_ls"
write_hosts() { berth run --rm "$@" sb sh -c 'echo "10.9.9.9 added" >> /etc/hosts && grep -c added /etc/hosts' 2>&1 | tail -1; }
check_eq "writing /etc/hosts as root fares the same with a range as without" \
        "$(write_hosts --userns auto)" "$(write_hosts --userns host)"

# --- the release_agent escape (cgroup v1) -----------------------------------------------------
# Container root mounts a cgroup v1 hierarchy to set a release_agent that the host's root would
# run (CVE-2022-0492), directly or from a user, mount and cgroup namespace of its own (busybox's
# unshare has no -C: a static helper does what `unshare -UrmC mount -t cgroup` does).
helper=""
if cc -static -o /tmp/cg-unshare -x c - <<'C' 2>/dev/null
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
static void put(const char *path, const char *s) {
        int fd = open(path, O_WRONLY);
        if (fd >= 0) { (void) !write(fd, s, strlen(s)); close(fd); }
}
int main(void) {
        char map[64];
        unsigned uid = getuid(), gid = getgid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) < 0) { perror("unshare"); return 1; }
        put("/proc/self/setgroups", "deny");
        snprintf(map, sizeof(map), "0 %u 1", uid); put("/proc/self/uid_map", map);
        snprintf(map, sizeof(map), "0 %u 1", gid); put("/proc/self/gid_map", map);
        if (mount("cgroup", "/tmp/x", "cgroup", 0, "memory") < 0) { perror("mount"); return 1; }
        puts("mounted in a new user namespace");
        return 0;
}
C
then
        img=$(mktemp -d /tmp/image.XXXXXX)
        mkdir -p "$img"/{bin,etc,proc,sys,dev,tmp,usr/bin}
        cp /bin/busybox "$img/bin/busybox"
        for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
        printf 'root:x:0:0:root:/root:/bin/sh\n' > "$img/etc/passwd"
        printf 'root:x:0:\n' > "$img/etc/group"
        cp /tmp/cg-unshare "$img/usr/bin/cg-unshare"
        berth image import "$img" sbcg >/dev/null
        rm -rf "$img" /tmp/cg-unshare
        on_exit "berth image rm sbcg"
        helper=1
else
        echo "ok - # SKIP the unshare -UrmC variant: no static C compiler here"
        make_image sbcg
fi
escape='mkdir -p /tmp/x
for o in rdma memory pids none,name=x; do
        if mount -t cgroup -o $o cgroup /tmp/x 2>/dev/null; then echo "mounted $o"; umount /tmp/x; fi
done
for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/*/notify_on_release /sys/fs/cgroup/release_agent; do
        [ -e "$f" ] || continue
        if (echo /evil > "$f") 2>/dev/null; then echo "wrote $f"; fi
done
if unshare -Urm sh -c "mount -t cgroup -o memory cgroup /tmp/x" 2>/dev/null; then echo "mounted after unshare -Urm"; fi
if [ -x /usr/bin/cg-unshare ] && cg-unshare >/dev/null 2>&1; then echo "mounted after unshare -UrmC"; fi
echo done'
for mode in host auto; do
        check_eq "UserNS=$mode: no cgroup v1 mount, no release_agent, no unshare" \
                "$(berth run --rm --userns $mode sbcg sh -c "$escape" 2>&1)" "done"
done
check_eq "SubUIDMap=: the same" "$(berth run --rm --subuidname bsub sbcg sh -c "$escape" 2>&1)" "done"
# The control: the same script tells a success (a privileged container may mount a hierarchy).
control=$(berth run --rm --userns host --privileged sbcg sh -c "$escape" 2>&1)
check_match "control: --privileged mounts the memory hierarchy" "$control" "mounted memory"
[ -z "$helper" ] || check_match "control: --privileged unshares and mounts (the helper works)" "$control" \
        "mounted after unshare -UrmC"
