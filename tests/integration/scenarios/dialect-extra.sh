#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16's leftovers (the dialect): Quadlet's Retry= and RetryDelay= and podman's --retry and
# --retry-delay, against a real registry (Debian's docker-registry) behind the fault proxy that
# answers a layer's GETs with 503 (registry-lib.sh): how many tries a pull makes, from berth pull,
# berth run and a definition started by systemctl.
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

# --- Retry=, RetryDelay= ---------------------------------------------------------------------------
source "$BERTH_SOURCE_DIR/tests/integration/registry-lib.sh"
registry_require
pull_bin=$(sed -n 's/^#define BERTH_PULL_PATH "\(.*\)"$/\1/p' "$BERTH_BUILD_DIR/config.h" 2>/dev/null)
if [ -z "$pull_bin" ] || [ ! -x "$pull_bin" ]; then
        echo "ok - # SKIP this build has no berth-pull (BERTH_PULL_PATH: ${pull_bin:-not in config.h})"
        exit 0
fi
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

mkdir -p /etc/berth/containers
printf '[Container]\nImage=%s/test/rt2:1\nRetry=0\nExec=true\n' "$F" > /etc/berth/containers/rtzero.container
printf '[Container]\nImage=%s/test/rt2:1\nRetry=5\nRetryDelay=100ms\nExec=sh -c "cat /etc/app; exec sleep 1000"\n' "$F" \
        > /etc/berth/containers/rtfive.container
on_exit "rm -f /etc/berth/containers/rtzero.container /etc/berth/containers/rtfive.container; systemctl daemon-reload"
on_exit "systemctl stop container@rtzero.service container@rtfive.service"
systemctl daemon-reload
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
