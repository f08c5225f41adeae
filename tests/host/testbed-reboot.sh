#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Autostart across a reboot: the first boot of a testbed installs berth, imports an image and
# writes a definition with [Install] WantedBy=multi-user.target; the testbed goes down; a second
# boot over the same state (tests/testbed --state) must start the container by itself, through
# the generator, without systemctl enable or start. TAP lines on stdout.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BERTH_BUILD_DIR:-$repo/build}
state=$(mktemp -d "$build/testbed-reboot.XXXXXX")
trap 'rm -rf "$state"' EXIT
failed=0
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi; }

first=$("$repo/tests/testbed" --state "$state" --install "$build" -- sh -c '
        set -e
        d=$(mktemp -d); mkdir -p $d/bin; cp /bin/busybox $d/bin/
        for a in sh sleep; do ln -s busybox $d/bin/$a; done
        berth image import $d bb >/dev/null
        mkdir -p /etc/berth/containers
        printf "[Container]\nImage=bb\nExec=sh -c \"echo booted; exec sleep 1000\"\n\n[Install]\nWantedBy=multi-user.target\n" \
                > /etc/berth/containers/atboot.container
        systemctl is-active container@atboot.service || true' 2>&1)
ok "first boot: the definition is written, the container not started" '[ "$first" = inactive ]'

second=$("$repo/tests/testbed" --state "$state" -- sh -c '
        for i in $(seq 50); do [ "$(systemctl is-active container@atboot.service)" = active ] && break; sleep 0.1; done
        systemctl is-active container@atboot.service
        systemctl is-enabled container@atboot.service
        journalctl --sync; journalctl -o cat -u container@atboot.service --no-pager | grep -c booted' 2>&1)
ok "second boot: the container started at boot" '[ "$(echo "$second" | sed -n 1p)" = active ]'
ok "  … enabled by the generator alone" '[ "$(echo "$second" | sed -n 2p)" = enabled-runtime ]'
ok "  … and its output is in the journal" '[ "$(echo "$second" | sed -n 3p)" = 1 ]'
[ $failed = 0 ] || printf '# first: %s\n# second: %s\n' "$first" "$second"
exit $failed
