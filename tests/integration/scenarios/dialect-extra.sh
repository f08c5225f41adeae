#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16's leftovers (the dialect): LogOpt= (docker's and podman's --log-opt, for the journal:
# the tag and fields the payload's lines get, and berth logs and journalctl -u that still find
# them); Quadlet's Retry= and RetryDelay= and podman's --retry and --retry-delay, against a real
# registry (Debian's docker-registry) behind the fault proxy that answers a layer's GETs with 503
# (registry-lib.sh): how many tries a pull makes, from berth pull, berth run and a definition
# started by systemctl. The registry part comes last: without its tools it is skipped.
source "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

lines() { printf '%s\n' "$1" | grep -c .; }
# refused WHAT REGEX CMD…: CMD fails with one line on stderr that matches REGEX
refused() {
        local what=$1 re=$2 err
        shift 2
        if err=$("$@" 2>&1 >/dev/null); then
                fail "$what (unexpectedly succeeded)"
        elif [ "$(lines "$err")" = 1 ] && grep -qE -- "$re" <<< "$err"; then
                pass "$what"
                echo "#   $err"
        else
                fail "$what"
                printf '%s\n' "$err" | sed 's/^/#   /'
        fi
}

# unit_file NAME TEXT: /etc/berth/containers/NAME.container, for systemctl (taken away on exit)
unit_file() {
        mkdir -p /etc/berth/containers
        printf '%s' "$2" > "/etc/berth/containers/$1.container"
        on_exit "rm -f '/etc/berth/containers/$1.container'; systemctl daemon-reload"
        systemctl daemon-reload
}

# --- LogOpt= ---------------------------------------------------------------------------------------
make_image dxlog
# The value of FIELD in the journal entry of container NAME's line LINE (journalctl -o export).
field_of() { journalctl -q -o export CONTAINER_NAME="$1" MESSAGE="$2" | sed -n "s/^$3=//p" | tail -n 1; }
on_exit 'berth rm -f dxtag'
berth run -d --name dxtag --label com.example.team=blue -e APP_MODE=fast --log-opt 'tag=app-{{.Name}}' \
        --log-opt label=STAGE=prod-{{.ImageName}} --log-opt labels=com.example.team,absent --log-opt env=APP_MODE \
        dxlog sh -c 'echo hello-out; echo hello-err >&2; exec sleep 1000' >/dev/null
wait_for 10 sh -c 'journalctl -q -o cat -t app-dxtag | grep -qx hello-err'
check_eq "berth run --log-opt tag=app-{{.Name}}: journalctl -t app-dxtag has the payload's lines" \
        "$(journalctl -q -o cat -t app-dxtag | sort | tr '\n' ' ')" "hello-err hello-out "
check_eq "  … CONTAINER_TAG= too (docker's journald field)" "$(field_of dxtag hello-out CONTAINER_TAG)" app-dxtag
check_eq "  … and no more under the name" "$(journalctl -q -o cat -t dxtag | grep -c hello-out)" 0
check_eq "  … label=STAGE=prod-{{.ImageName}}: the field STAGE" "$(field_of dxtag hello-out STAGE)" prod-dxlog
check_eq "  … labels=com.example.team: docker's field COM_EXAMPLE_TEAM" "$(field_of dxtag hello-out COM_EXAMPLE_TEAM)" blue
check_eq "  … env=APP_MODE: the field APP_MODE" "$(field_of dxtag hello-out APP_MODE)" fast
check_eq "  … a label the container lacks: no field" "$(journalctl -q -o export CONTAINER_NAME=dxtag | grep -c '^ABSENT=')" 0
check_eq "berth logs still finds the tagged lines (stdout)" "$(berth logs -o cat dxtag 2>/dev/null)" hello-out
check_eq "  … and stderr's on stderr" "$(berth logs -o cat dxtag 2>&1 >/dev/null)" hello-err
check_match "journalctl -u container@dxtag.service too" "$(journalctl -q -o cat -u container@dxtag.service)" '^hello-out$'

check_eq "berth ps --format '{{.Label \"com.example.team\"}}' (docker's method)" \
        "$(berth ps --filter name=dxtag --format '{{.Names}} {{.Label "com.example.team"}}[{{.Label "absent"}}]')" "dxtag blue[]"

out=$(berth run --rm --name dxfg --log-opt 'tag=fg-{{.ID}}' dxlog echo fg-line 2>&1)
check_eq "a foreground run with a tag: its output on the terminal" "$out" fg-line
wait_for 10 sh -c 'journalctl -q -o cat -t fg-dxfg | grep -qx fg-line'
check_eq "  … and in the journal under the tag" "$(journalctl -q -o cat -t fg-dxfg)" fg-line

on_exit 'systemctl stop container@dxunit.service'
unit_file dxunit $'[Container]\nImage=dxlog\nLogOpt=tag="{{.ImageName}}-q"\nExec=sh -c "echo from-unit; exec sleep 1000"\n'
check "LogOpt=tag=\"{{.ImageName}}-q\" (Quadlet's quotes): systemctl start" systemctl start container@dxunit.service
wait_for 10 sh -c 'journalctl -q -o cat -t dxlog-q | grep -qx from-unit'
check_eq "  … journalctl -t dxlog-q has its line" "$(journalctl -q -o cat -t dxlog-q)" from-unit
check_eq "  … berth logs too" "$(berth logs -o cat dxunit)" from-unit
check_match "  … journalctl -u too" "$(journalctl -q -o cat -u container@dxunit.service)" '^from-unit$'

refused "--log-opt max-size=10m: refused in one line (berth logs to the journal)" \
        "max-size=10m.*berth logs to the journal \(whose size journald limits\)" berth run --rm --log-opt max-size=10m dxlog true
refused "--log-opt tag={{.Nope}}: refused in one line" "tag: '\{\{.Nope\}\}' names a field" \
        berth run --rm --log-opt 'tag={{.Nope}}' dxlog true
refused "--log-opt env=PRIORITY: refused at the start, in one line" "env=PRIORITY: the journal field PRIORITY is one berth sets" \
        berth run --rm -e PRIORITY=1 --log-opt env=PRIORITY dxlog true

# --- Rootfs= ----------------------------------------------------------------------------------------
RD=$(mktemp -d /run/dialect-rootfs.XXXXXX) # a tmpfs: idmapped mounts work there (UserNS=auto)
on_exit "rm -rf $RD"
berth create --name dxexp dxlog true >/dev/null && berth export dxexp | tar -x -C "$RD" && berth rm dxexp >/dev/null ||
        fail "a root directory made from an image (berth export)"
echo original > "$RD/etc/marker"
snapshot() { (cd "$RD" && find . -printf '%p %m %s %T@\n' | sort | sha256sum); }
before=$(snapshot)
on_exit 'systemctl stop container@dxroot.service; berth rm -f dxroot'
unit_file dxroot "[Container]
Rootfs=$RD:O
Exec=sh -c \"cat /etc/marker; echo changed > /etc/marker; touch /new; cat /etc/marker; exec sleep 1000\"
"
check "Rootfs=DIR:O: systemctl start runs the container from the directory" systemctl start container@dxroot.service
wait_for 10 sh -c 'journalctl -q -o cat CONTAINER_NAME=dxroot | grep -qx changed'
check_eq "  … it sees the directory's files, and writes" "$(journalctl -q -o cat CONTAINER_NAME=dxroot | grep -x -e original -e changed | tr '\n' ' ')" "original changed "
check_eq "  … into its own upper layer: the directory is as it was" "$(snapshot)" "$before"
check_eq "  … berth ps shows the directory as its image" "$(berth ps --filter name=dxroot --format '{{.Image}}')" "$RD"
check_eq "  … berth exec sees its writes" "$(berth exec dxroot cat /etc/marker 2>&1)" changed
systemctl stop container@dxroot.service
check "  … berth rm" berth rm dxroot
check_eq "  … leaves the directory as it was" "$(snapshot)" "$before"
check_eq "berth run --rm --rootfs DIR (podman's): runs from the directory" \
        "$(berth run --rm --rootfs "$RD" sh -c 'echo run > /etc/marker; cat /etc/marker' 2>&1)" run
check_eq "  … which stays as it was" "$(snapshot)" "$before"
refused "berth run --rootfs with a relative path: refused in one line" "option --rootfs: 'rel/dir' is not an absolute path" \
        berth run --rm --rootfs rel/dir true
check_eq "Image= and Rootfs= together: berth verify refuses them in one line" \
        "$(printf '[Container]\nImage=dxlog\nRootfs=%s\n' "$RD" > /tmp/dx-both.container; berth verify /tmp/dx-both.container 2>&1; rm -f /tmp/dx-both.container)" \
        "berth: /tmp/dx-both.container: keys 'Image' and 'Rootfs': a container runs from an image or from a directory, not both"
unit_file dxroot $'[Container]\nRootfs=/nonexistent/dialect-root\nExec=true\n'
check_fails "Rootfs= of a missing directory: the start fails" systemctl start container@dxroot.service
check_eq "  … saying so in one line" \
        "$(journalctl -q -o cat -u container@dxroot.service | grep -c 'Rootfs=/nonexistent/dialect-root: No such file or directory')" 1

# --- ContainerName= in a template -------------------------------------------------------------------
on_exit "systemctl stop 'container@dxtpl@a.service' 'container@dxtpl@b.service'; berth rm -f dxtpl@a dxtpl@b dxfixed-a dxfixed-b"
unit_file dxtpl@ $'[Container]\nImage=dxlog\nContainerName=dxfixed\nExec=sleep 1000\n'
refused "ContainerName=dxfixed in template dxtpl@: berth verify refuses it in one line" \
        "'dxfixed' is the name of every instance of template dxtpl@.container" berth verify '/etc/berth/containers/dxtpl@.container'
check_fails "  … and an instance does not start" systemctl start 'container@dxtpl@a.service'
check_eq "  … saying so in one line" \
        "$(journalctl -q -o cat -u 'container@dxtpl@a.service' | grep -c "'dxfixed' is the name of every instance")" 1
unit_file dxtpl@ $'[Container]\nImage=dxlog\nContainerName=dxfixed-%i\nExec=sleep 1000\n'
check "ContainerName=dxfixed-%i: instance a starts" systemctl start 'container@dxtpl@a.service'
check "  … and instance b" systemctl start 'container@dxtpl@b.service'
check_eq "  … each known by its own name" "$(berth ps --filter name=dxfixed --format '{{.Names}}' | sort | tr '\n' ' ')" \
        "dxfixed-a dxfixed-b "
systemctl stop 'container@dxtpl@a.service' 'container@dxtpl@b.service'

# --- AppArmor=, SecurityLabel*= ----------------------------------------------------------------------
# What this host can show: podman's rules on a host without the module, the real thing with it.
apparmor_on=no
[ -d /sys/kernel/security/apparmor ] && grep -q '^Y' /sys/module/apparmor/parameters/enabled 2>/dev/null && apparmor_on=yes
selinux_on=no
[ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" = f97cff8c ] && selinux_on=yes
echo "# AppArmor enabled: $apparmor_on; SELinux enabled: $selinux_on"
check_eq "AppArmor=unconfined (--security-opt apparmor=unconfined): runs" \
        "$(berth run --rm --security-opt apparmor=unconfined dxlog echo ran 2>&1)" ran
if [ "$apparmor_on" = no ]; then
        refused "AppArmor=PROFILE where AppArmor is not enabled: the start fails in one line (podman's rule)" \
                "AppArmor=berth-test: .*AppArmor is not enabled on this host" \
                berth run --rm --security-opt apparmor=berth-test dxlog true
        echo "ok - # SKIP the profile applied for real: AppArmor is not enabled on this host"
else
        refused "AppArmor=PROFILE of a profile the kernel has not loaded: the start fails in one line" \
                "AppArmor profile berth-no-such-profile" berth run --rm --security-opt apparmor=berth-no-such-profile dxlog true
        if command -v apparmor_parser >/dev/null; then
                printf 'profile berth-test flags=(attach_disconnected,mediate_deleted) {\n  file,\n  capability,\n  network,\n  signal,\n  mount,\n  umount,\n  pivot_root,\n  ptrace,\n  unix,\n}\n' |
                        apparmor_parser -r && on_exit 'printf "profile berth-test {}\n" | apparmor_parser -R'
                check_eq "AppArmor=berth-test: the payload runs under the profile" \
                        "$(berth run --rm --security-opt apparmor=berth-test dxlog cat /proc/self/attr/current 2>&1)" \
                        "berth-test (enforce)"
        else
                echo "ok - # SKIP the profile applied for real: no apparmor_parser to load one"
        fi
fi
if [ "$selinux_on" = no ]; then
        check_eq "SecurityLabelType=, Level=, FileType=, Nested= where SELinux is not enabled: no effect, it runs (podman's rule)" \
                "$(berth run --rm --security-opt label=type:spc_t --security-opt label=level:s0:c1,c2 \
                        --security-opt label=filetype:usr_t --security-opt label=nested dxlog echo ran 2>&1)" ran
else
        refused "SecurityLabelType= where SELinux is enabled: refused in one line (berth does not label)" \
                "SecurityLabelType=: berth does not label" berth run --rm --security-opt label=type:spc_t dxlog true
fi
check_eq "  … and with SecurityLabelDisable=true (label=disable) it runs either way" \
        "$(berth run --rm --security-opt label=disable --security-opt label=type:spc_t dxlog echo ran 2>&1)" ran
refused "--security-opt label=user:x: refused in one line" "'label=user:x' is not one berth has" \
        berth run --rm --security-opt label=user:x dxlog true

# --- Retry=, RetryDelay= ---------------------------------------------------------------------------
source "$BERTH_SOURCE_DIR/tests/integration/registry-lib.sh"
registry_require
# berth pull executes berth-pull, which a build without libcurl lacks.
[ -x "$(sed -n 's/^#define BERTH_PULL_PATH "\(.*\)"$/\1/p' "$BERTH_BUILD_DIR/config.h" 2>/dev/null)" ] ||
        { echo "ok - # SKIP this build has no berth-pull"; exit 0; }
L=$REGISTRY_TMP/layout
registry_start tls tls || { fail "the registry starts"; exit 1; }
registry_fault_proxy flaky tls || { fail "the fault proxy starts"; exit 1; }
F=${REGISTRY[flaky]}
for i in 1 2 3; do
        oci_image build "$L" "rt$i" busybox "file:/etc/app=rt$i,random:/data/rt=64K,seed:$i" >/dev/null ||
                { fail "oci-image.py builds rt$i"; exit 1; }
        registry_push "$L" "rt$i" tls "test/rt$i:1" || { fail "skopeo pushes rt$i"; exit 1; }
done
top() { oci_image show "$L" "$1" layers | tail -n 1; }
# How many GETs of image $1's top layer the proxy answered 503.
errors() { grep -c "blobs/$(top "$1") 503 error" "${REGISTRY_LOG[flaky]}"; }

registry_fault flaky "$(top rt1)" error 1 503
refused "berth pull --retry 0: the first 503 fails the pull, in one line" "503" berth pull --retry 0 "$F/test/rt1:1"
check_eq "  … after one GET of the layer" "$(errors rt1)" 1
registry_fault flaky "$(top rt1)" error 4 503
check "berth pull --retry 4 --retry-delay 100ms: four 503s survived" berth pull -q --retry 4 --retry-delay 100ms "$F/test/rt1:1"
check_eq "  … the proxy answered 503 four more times" "$(errors rt1)" 5
registry_fault flaky "$(top rt2)" error 3 503
refused "berth pull --retry 2: a third 503 is one too many (3 would be the default's)" "503" \
        berth pull --retry 2 --retry-delay 10ms "$F/test/rt2:1"
check_eq "  … three GETs, three 503s" "$(errors rt2)" 3
registry_fault_off flaky
refused "berth pull --retry 101: refused in one line" "--retry: '101' is not a number of retries from 0 to 100" \
        berth pull --retry 101 "$F/test/rt2:1"
refused "berth run --retry-delay 2h: refused in one line" "--retry-delay.*longer than an hour" \
        berth run --rm --retry-delay 2h "$F/test/rt2:1" true

registry_fault flaky "$(top rt3)" error 1 503
out=$(berth run --rm --retry 0 "$F/test/rt3:1" true 2>&1); rc=$?
check_eq "berth run --retry 0: the pull it makes fails on the first 503" "$rc" 125
check_match "  … its last line says so (after docker's pull lines)" "$(tail -n 1 <<< "$out")" "^berth: .*503"
check_eq "  … after one GET of the layer" "$(errors rt3)" 1
registry_fault flaky "$(top rt3)" error 1 503
check_eq "berth run --retry 1: one 503 survived, the payload runs" \
        "$(berth run --rm --retry 1 --retry-delay 50ms "$F/test/rt3:1" cat /etc/app 2>/dev/null)" rt3
check_eq "  … after two 503s in all" "$(errors rt3)" 2

on_exit "systemctl stop container@rtzero.service container@rtfive.service"
unit_file rtzero "[Container]
Image=$F/test/rt2:1
Retry=0
Exec=true
"
unit_file rtfive "[Container]
Image=$F/test/rt2:1
Retry=5
RetryDelay=100ms
Exec=sh -c \"cat /etc/app; exec sleep 1000\"
"
registry_fault flaky "$(top rt2)" error 1 503
check_fails "Retry=0: systemctl start fails on the first 503" systemctl start container@rtzero.service
check_eq "  … after one GET of the layer" "$(errors rt2)" 4
check_eq "  … its journal says why in one line" \
        "$(journalctl -q -o cat -u container@rtzero.service | grep -c '503')" 1
registry_fault flaky "$(top rt2)" error 5 503
check "Retry=5 RetryDelay=100ms: five 503s survived, systemctl start succeeds" systemctl start container@rtfive.service
check_eq "  … after five more 503s" "$(errors rt2)" 9
wait_for 10 sh -c "journalctl -q -o cat CONTAINER_NAME=rtfive | grep -qx rt2"
check_eq "  … the payload runs from the pulled image" "$(journalctl -q -o cat CONTAINER_NAME=rtfive | tail -n 1)" rt2
registry_fault_off flaky
