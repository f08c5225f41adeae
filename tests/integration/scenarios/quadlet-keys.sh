# SPDX-License-Identifier: LGPL-2.1-or-later
# Quadlet's ReloadCmd= and ReloadSignal= (what `systemctl reload` does), VolatileTmp=, and
# Environment= with a bare name (its value from the service's environment), in a real systemd.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image qkb
D=/etc/berth/containers
mkdir -p $D
on_exit "rm -f $D/qkcmd.container $D/qksig.container $D/qktmp.container $D/qkro.container; systemctl daemon-reload"
on_exit 'systemctl stop container@qkcmd.service container@qksig.service container@qktmp.service container@qkro.service'

# ReloadCmd=: `systemctl reload` runs the command in the container, its words as written.
cat > $D/qkcmd.container <<'DEF'
[Container]
Image=qkb
Exec=sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
ReloadCmd=sh -c "echo 'reloaded 50%%' > /tmp/reload"
DEF
# ReloadSignal=: `systemctl reload` sends the signal to the payload.
cat > $D/qksig.container <<'DEF'
[Container]
Image=qkb
Exec=sh -c 'trap "echo hup >> /tmp/sig" HUP; trap "exit 0" TERM; while :; do sleep 0.1; done'
ReloadSignal=SIGHUP
Environment=FROM_SERVICE UNSET_HERE SET=1
[Service]
Environment=FROM_SERVICE=service-value
DEF
printf '[Container]\nImage=qkb\nExec=sleep 1000\nVolatileTmp=yes\n' > $D/qktmp.container
printf '[Container]\nImage=qkb\nExec=sleep 1000\nVolatileTmp=yes\nReadOnly=yes\n' > $D/qkro.container
systemctl daemon-reload

check "ReloadCmd=: the unit starts" systemctl start container@qkcmd.service
check_match "  … its ExecReload= is berth exec of the command" \
        "$(systemctl show -P ExecReload container@qkcmd.service)" "berth exec qkcmd sh -c"
check "  … systemctl reload runs" systemctl reload container@qkcmd.service
check_eq "  … the command, in the container" "$(berth exec qkcmd cat /tmp/reload)" "reloaded 50%"

check "ReloadSignal=: the unit starts" systemctl start container@qksig.service
check "  … systemctl reload runs" systemctl reload container@qksig.service
wait_for 5 sh -c 'berth exec qksig cat /tmp/sig 2>/dev/null | grep -q hup'
check_eq "  … the payload got SIGHUP" "$(berth exec qksig cat /tmp/sig)" "hup"
check_eq "  … and still runs" "$(systemctl is-active container@qksig.service)" active

# Environment=NAME: the value the service has (its [Service] Environment=, as podman's --env
# NAME under Quadlet takes podman's), nothing when it has none.
env_of() { berth exec qksig sh -c "echo \${$1-unset}"; }
check_eq "Environment=NAME takes the service's value" "$(env_of FROM_SERVICE)" "service-value"
check_eq "  … and is left out when the service has none" "$(env_of UNSET_HERE)" "unset"
check_eq "  … next to K=V" "$(env_of SET)" "1"

check "VolatileTmp=yes: the unit starts" systemctl start container@qktmp.service
check_match "  … /tmp is a tmpfs of 512M" "$(berth exec qktmp grep " /tmp " /proc/mounts)" "^tmpfs /tmp tmpfs rw,.*size=524288k"
check_eq "  … mode 1777" "$(berth exec qktmp stat -c %a /tmp)" 1777
check "with ReadOnly=yes: the unit starts" systemctl start container@qkro.service
check_match "  … /tmp is the read-only root's tmpfs, writable" \
        "$(berth exec qkro sh -c 'touch /tmp/x && grep " /tmp " /proc/mounts')" "tmpfs /tmp tmpfs rw"

# A definition with both is refused, in one line, by verify and at start.
bad=$(mktemp -d)
on_exit "rm -rf $bad"
printf '[Container]\nImage=qkb\nReloadCmd=/bin/true\nReloadSignal=SIGHUP\n' > $bad/both.container
out=$(berth verify $bad/both.container 2>&1); rc=$?
check_eq "ReloadCmd= and ReloadSignal= together: refused" "$rc" 1
check_match "  … saying why" "$out" "ReloadCmd and ReloadSignal are mutually exclusive but both are set"

# [Service] Type=oneshot, as Quadlet allows it: a container that runs to completion; its start
# ends when it exits, and a unit After= it starts only then.
on_exit "rm -f $D/qkjob.container $D/qkafter.container; systemctl daemon-reload"
on_exit 'systemctl stop container@qkjob.service container@qkafter.service'
printf '[Container]\nImage=qkb\nExec=sh -c "sleep 1; echo job-done"\n[Service]\nType=oneshot\nRemainAfterExit=yes\n' \
        > $D/qkjob.container
printf '[Unit]\nAfter=qkjob.container\nRequires=qkjob.container\n[Container]\nImage=qkb\nExec=sleep 1000\n' \
        > $D/qkafter.container
systemctl daemon-reload
check "Type=oneshot: systemctl start returns once the container ran" systemctl start container@qkjob.service
check_match "  … its output is in the journal" "$(berth logs qkjob 2>&1)" "job-done"
check_eq "  … and it succeeded" "$(systemctl show -P Result container@qkjob.service) $(systemctl show -P ExecMainStatus container@qkjob.service)" "success 0"
check "a unit After= it starts" systemctl start container@qkafter.service
check_eq "  … after the job's end" \
        "$(( $(systemctl show -P ActiveEnterTimestampMonotonic container@qkafter.service) >= $(systemctl show -P ExecMainExitTimestampMonotonic container@qkjob.service) ))" 1
