#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's --restart always|unless-stopped across a real reboot (tests/testbed --state): the first
# boot runs containers with each policy and stops one, the second boot over the same state must
# have started exactly those docker's daemon would start: always, and unless-stopped unless a
# user stopped it; not one that was only created, not one without the policy. TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BERTH_BUILD_DIR:-$repo/build}
state=$(mktemp -d "$build/restart-reboot.XXXXXX")
trap 'rm -rf "$state"' EXIT
failed=0
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi; }

first=$("$repo/tests/testbed" --state "$state" --install "$build" -- sh -c '
        set -e
        d=$(mktemp -d); mkdir -p $d/bin; cp /bin/busybox $d/bin/
        for a in sh sleep echo; do ln -s busybox $d/bin/$a; done
        berth image import $d bb >/dev/null
        for n in alw uls uls2; do
                p=always; [ $n = alw ] || p=unless-stopped
                berth run -d --name $n --restart $p bb sh -c "echo booted-$n; exec sleep 1000" >/dev/null
        done
        berth run -d --name onf --restart on-failure bb sleep 1000 >/dev/null
        berth create --name never --restart always bb sleep 1000 >/dev/null
        berth stop -t 1 uls >/dev/null
        berth rm -f gone >/dev/null 2>&1 || true
        berth run -d --name gone --restart always bb sleep 1000 >/dev/null
        berth rm -f gone >/dev/null
        systemctl is-active container@alw.service container@uls2.service | tr "\n" " "' 2>&1)
ok "first boot: always and unless-stopped containers run" '[ "$first" = "active active " ]'

second=$("$repo/tests/testbed" --state "$state" -- sh -c '
        for i in $(seq 100); do
                [ "$(systemctl is-active container@alw.service container@uls2.service | xargs)" = "active active" ] && break
                sleep 0.1
        done
        systemctl is-active container@alw.service container@uls2.service container@uls.service \
                container@never.service container@onf.service container@gone.service | xargs
        systemctl is-enabled container@alw.service container@uls2.service container@uls.service \
                container@never.service container@gone.service | xargs
        berth list -a --no-legend | cut -d" " -f1 | sort | xargs' 2>&1)
ok "second boot: always and unless-stopped (not stopped by a user) are started, nothing else" \
        '[ "$(echo "$second" | sed -n 1p)" = "active active inactive inactive inactive inactive" ]'
ok "  … by their enablement, which a user's stop of unless-stopped and rm undid" \
        '[ "$(echo "$second" | sed -n 2p)" = "enabled enabled disabled disabled disabled" ]'
ok "  … berth knows the persistent ones; on-failure went with /run, as documented" \
        '[ "$(echo "$second" | sed -n 3p)" = "alw never uls uls2" ]'
[ $failed = 0 ] || printf '# first: %s\n# second: %s\n' "$first" "$second"
exit $failed
