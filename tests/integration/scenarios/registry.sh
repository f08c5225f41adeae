#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# berth pull against real registries (Debian's docker-registry, pushed to by skopeo; see
# registry-lib.sh): by tag and digest, short names through [Images], shared layers fetched once,
# docker schema 2 and OCI, indexes and --platform, zstd, pull policies in run and in definitions
# started by systemctl, credentials (basic, bearer tokens, every auth file, login/logout), CAs and
# client certificates through certs.d only, redirects, retries, docker's output on and off a
# terminal, parallel streamed layers, and every way a pull can fail or be cut short (a bad digest,
# a registry that stops, Ctrl-C, SIGTERM, kill -9): one line, exit 125, nothing visible.
source "$BERTH_SOURCE_DIR/tests/integration/lib.sh"
source "$BERTH_SOURCE_DIR/tests/integration/registry-lib.sh"
registry_require
pull_bin=$(sed -n 's/^#define BERTH_PULL_PATH "\(.*\)"$/\1/p' "$BERTH_BUILD_DIR/config.h" 2>/dev/null)
if [ -z "$pull_bin" ] || [ ! -x "$pull_bin" ]; then
        echo "ok - # SKIP this build has no berth-pull (BERTH_PULL_PATH: ${pull_bin:-not in config.h})"
        exit 0
fi

T=$REGISTRY_TMP
L=$T/layout
STORE=${BERTH_STATE_DIR:-/var/lib/berth}/store
unset BERTH_CONFIG REGISTRY_AUTH_FILE DOCKER_CONFIG
case $(uname -m) in
x86_64) native=amd64 other=arm64 ;;
aarch64) native=arm64 other=amd64 ;;
*) native=$(uname -m) other=amd64 ;;
esac

# ref_of REF: the store's "CONFIG MANIFEST" line for a full reference, or nothing
ref_of() { cat "$STORE/refs/$(printf '%s' "$1" | tr / +)" 2>/dev/null; }
# config_of REF: what the reference names, its image ID
config_of() { ref_of "$1" | cut -d' ' -f1; }
# chain_ids TAG: the chain IDs of an image in the layout, bottom first (OCI image spec)
chain_ids() {
        local d chain=""
        for d in $(oci_image show "$L" "$1" diff-ids); do
                if [ -z "$chain" ]; then chain=$d; else chain=sha256:$(printf '%s %s' "$chain" "$d" | sha256sum | cut -d' ' -f1); fi
                echo "$chain"
        done
}
layer_dir() { echo "$STORE/layers/sha256/${1#sha256:}"; }
has_layers() { # has_layers TAG: every layer of TAG is unpacked in the store
        local c
        for c in $(chain_ids "$1"); do [ -d "$(layer_dir "$c")" ] || return 1; done
}
staging() { ls -A "$STORE/tmp" 2>/dev/null; }
lines() { printf '%s\n' "$1" | grep -c .; }

# refused WHAT REGEX CMD…: CMD exits 125 with one line on stderr that matches REGEX
refused() {
        local what=$1 re=$2 err rc
        shift 2
        err=$("$@" 2>&1 >/dev/null); rc=$?
        if [ "$rc" = 125 ] && [ "$(lines "$err")" = 1 ] && grep -qE -- "$re" <<< "$err"; then
                pass "$what"
                echo "#   $err"
        else
                fail "$what"
                echo "#   exit $rc (want 125), stderr (want one line matching /$re/):"
                printf '%s\n' "$err" | sed 's/^/#     /'
        fi
}

# nothing_visible WHAT REF [CHAIN_ID]: no reference, no image, no layer CHAIN_ID, no staging left
nothing_visible() {
        local what=$1 ref=$2 chain=${3:-}
        check_eq "$what: no reference in the store" "$(ref_of "$ref")" ""
        check_fails "  … image inspect does not find it" berth image inspect "$ref"
        check_fails "  … image ls does not list it" sh -c "berth image ls | grep -qE '^${ref%:*} +${ref##*:} '"
        [ -n "$chain" ] && check_fails "  … its broken layer is not in layers/" test -e "$(layer_dir "$chain")"
        check_eq "  … nothing left in the store's tmp/" "$(staging)" ""
}

# --- registries and images --------------------------------------------------------------------
for r in "tls tls" "basic htpasswd" "tok token" "plain plain" "mtls mtls"; do
        set -- $r
        registry_start "$1" "$2" || { fail "registry $1 ($2) starts"; exit 1; }
done
registry_fault_proxy flaky tls || { fail "the fault proxy starts"; exit 1; }
registry_fault_proxy redir basic || { fail "the redirecting proxy starts"; exit 1; }
R=${REGISTRY[tls]}

build() { oci_image build "$L" "$@" >/dev/null || { fail "oci-image.py build $1"; exit 1; }; }
build app1 busybox 'file:/etc/app=one,random:/data/one=512K' 'file:/etc/third=3,text:/data/t=256K'
build app2 busybox 'file:/etc/app=two'
build zst 'busybox,zstd' 'file:/etc/app=zstd,zstd'
build native --platform "linux/$native" busybox "file:/etc/berth-platform=$native"
build other --platform "linux/$other" busybox "file:/etc/berth-platform=$other"
oci_image index "$L" multi native other >/dev/null
build def busybox 'file:/etc/app=def'
build liar busybox 'file:/etc/app=liar' --wrong-diff-id
build badcfg busybox 'file:/etc/app=badcfg'
for i in $(seq 9); do build "big$i" busybox "file:/etc/app=big$i,random:/data/big=3M,seed:$i"; done
build par busybox 'random:/data/p1=1M' 'random:/data/p2=1M' 'random:/data/p3=1M'
build red busybox 'file:/etc/app=red,random:/data/red=1M'
build corrupt busybox 'file:/etc/app=corrupt,random:/data/c=300K,seed:0'
# A twin of corrupt's top layer: another valid gzip'd tar of the same size, so that only the
# digest can tell them apart.
corrupt_top=$(oci_image show "$L" corrupt layers | tail -n 1)
blob_file() { echo "$L/blobs/sha256/${1#sha256:}"; }
twin=""
for s in $(seq 1 60); do
        build twin busybox "file:/etc/app=corrupt,random:/data/c=300K,seed:$s"
        t=$(oci_image show "$L" twin layers | tail -n 1)
        if [ "$(stat -c %s "$(blob_file "$t")")" = "$(stat -c %s "$(blob_file "$corrupt_top")")" ]; then twin=$(blob_file "$t"); break; fi
done
[ -n "$twin" ] || fail "a layer of the same size as corrupt's top layer (60 seeds tried)"

push() { # push TAG NAME REPO:TAG [SKOPEO-ARGS…]
        registry_push "$L" "$@" || { fail "skopeo pushes $1 to $2 as $3"; exit 1; }
}
push app1 tls test/app:1
push app2 tls test/app2:1
push app1 tls test/moving:1
push zst tls test/zst:1
push multi tls test/multi:1
push multi tls test/multi:2
push multi tls test/multi:3
push app2 tls test/v2s2:1 --format v2s2
push app2 tls test/short:1
push app2 tls test/alias:1
push def tls test/def:1
push app1 tls test/defmove:1
push liar tls test/liar:1
push badcfg tls test/badcfg:1
push corrupt tls test/corrupt:1
for i in $(seq 9); do push "big$i" tls "test/big$i:1"; done
push par tls test/par:1
push app2 tls test/runpull:1
push app2 tls test/certs:1
push app2 tls test/dockercerts:1
for t in 1 2 3 4 5 6 7; do push app2 basic "test/app:$t"; done
push red basic test/redirect:1
push app2 tok test/app:1
push app2 tok private/app:1
push app2 plain test/app:1
push app2 mtls test/app:1

app1_manifest=$(oci_image show "$L" app1 manifest)
app1_config=$(oci_image show "$L" app1 config)
app2_config=$(oci_image show "$L" app2 config)
base=$(oci_image show "$L" app1 layers | head -n 1)

# --- by tag ---------------------------------------------------------------------------------------
out=$(berth pull "$R/test/app:1" 2>/dev/null); rc=$?
check_eq "berth pull REGISTRY/REPO:TAG" "$rc" 0
check_match "  … prints the manifest's digest, as docker does" "$out" "Digest: $app1_manifest"
check_eq "  … and the reference last" "$(printf '%s\n' "$out" | tail -n 1)" "$R/test/app:1"
for d in $(oci_image show "$L" app1 layers); do
        check_match "  … not on a terminal, a line when layer ${d:7:12} is done, as docker's" "$out" "^${d:7:12}: Pull complete$"
done
check_eq "  … the reference names its config and manifest" "$(ref_of "$R/test/app:1")" "$app1_config $app1_manifest"
check "  … its three layers are unpacked under their chain IDs" has_layers app1
check "  … its config and manifest are blobs" test -f "$STORE/blobs/sha256/${app1_config#sha256:}" -a -f "$STORE/blobs/sha256/${app1_manifest#sha256:}"
check_eq "  … nothing left in tmp/" "$(staging)" ""
check_eq "  … it runs, its layers stacked" "$(berth run --rm "$R/test/app:1" cat /etc/app /etc/third 2>&1)" "one
3"
check_match "  … image ls lists it: repository, tag, image ID (docker's columns)" "$(berth image ls 2>&1)" \
        "^$R/test/app +1 +${app1_config:7:12} "
inspect=$(berth image inspect "$R/test/app:1" 2>&1)
check_match "  … image inspect gives the config's digest as its Id" "$inspect" "\"Id\": *\"$app1_config\""
check_match "  … and the manifest's in RepoDigests" "$inspect" "\"$R/test/app@$app1_manifest\""
gets=$(registry_blob_gets tls "$base")
check "pulling it again" berth pull "$R/test/app:1"
check_eq "  … fetches no layer again" "$(registry_blob_gets tls "$base")" "$gets"

# --- by digest ------------------------------------------------------------------------------------
app2_manifest=$(oci_image show "$L" app2 manifest)
out=$(berth pull "$R/test/app2@$app2_manifest" 2>/dev/null); rc=$?
check_eq "berth pull REGISTRY/REPO@DIGEST" "$rc" 0
check_match "  … the base it shares with test/app: Already exists" "$out" "^${base:7:12}: Already exists$"
check_eq "  … the digest reference names the image" "$(ref_of "$R/test/app2@$app2_manifest")" "$app2_config $app2_manifest"
check_eq "  … it runs" "$(berth run --rm "$R/test/app2@$app2_manifest" cat /etc/app 2>&1)" two
refused "a digest the registry does not have: one line naming it" "sha256:0{64}" \
        berth pull "$R/test/app2@sha256:$(printf '0%.0s' $(seq 64))"

# --- a shared base is fetched once ----------------------------------------------------------------
check_eq "the base shared by test/app and test/app2 was fetched once" "$(registry_blob_gets tls "$base")" 1
check "  … one directory under its chain ID, for both images" test -d "$(layer_dir "$(chain_ids app2 | head -n 1)")"

# --- docker schema 2, zstd ------------------------------------------------------------------------
check_match "skopeo pushed test/v2s2 as docker's schema 2" "$(registry_skopeo tls inspect --raw "docker://$R/test/v2s2:1")" \
        'application/vnd.docker.distribution.manifest.v2\+json'
check "berth image pull (pull's other name) of a docker schema 2 manifest" berth image pull "$R/test/v2s2:1"
check_eq "  … runs" "$(berth run --rm "$R/test/v2s2:1" cat /etc/app 2>&1)" two
check_eq "  … the same image as the OCI one (its config)" "$(config_of "$R/test/v2s2:1")" "$app2_config"
check "berth pull of an image whose layers are zstd" berth pull "$R/test/zst:1"
check "  … both unpacked" has_layers zst
check_eq "  … it runs" "$(berth run --rm "$R/test/zst:1" cat /etc/app 2>&1)" zstd

# --- a two-platform index -------------------------------------------------------------------------
check "berth pull of a two-platform index" berth pull "$R/test/multi:1"
check_eq "  … picks this machine's ($native)" "$(config_of "$R/test/multi:1")" "$(oci_image show "$L" native config)"
check_eq "  … which runs" "$(berth run --rm "$R/test/multi:1" cat /etc/berth-platform 2>&1)" "$native"
check "berth pull --platform linux/$other" berth pull --platform "linux/$other" "$R/test/multi:2"
check_eq "  … picks the other" "$(config_of "$R/test/multi:2")" "$(oci_image show "$L" other config)"
check_eq "  … which runs" "$(berth run --rm "$R/test/multi:2" cat /etc/berth-platform 2>&1)" "$other"
refused "a platform the index lacks: one line naming it" "s390x" berth pull --platform linux/s390x "$R/test/multi:3"
nothing_visible "  … and" "$R/test/multi:3"

# --- short names through [Images] -----------------------------------------------------------------
conf=$T/berth.conf
printf '[Images]\nSearchRegistries=%s\nAlias=shorty=%s/test/alias:1\n' "$R" "$R" > "$conf"
check "a short name through SearchRegistries=" env BERTH_CONFIG="$conf" berth pull test/short:1
check_eq "  … is stored under the registry's name" "$(config_of "$R/test/short:1")" "$app2_config"
check_eq "  … and runs by its short name" "$(BERTH_CONFIG=$conf berth run --rm test/short:1 cat /etc/app 2>&1)" two
check "an Alias=" env BERTH_CONFIG="$conf" berth pull shorty
check_eq "  … is stored as what it stands for" "$(config_of "$R/test/alias:1")" "$app2_config"
printf '[Images]\nSearchRegistries=%s %s\n' "$R" "${REGISTRY[plain]}" > "$conf"
refused "two search registries: a short name is ambiguous, one line" "ambiguous" \
        env BERTH_CONFIG="$conf" berth pull test/app2:1
printf '[Images]\nSearchRegistries=\n' > "$conf"
refused "no search registries: a short name is not pulled, one line" "test/app2" \
        env BERTH_CONFIG="$conf" berth pull test/app2:1

# --- pull policies: a moved tag -------------------------------------------------------------------
check "pull test/moving:1" berth pull "$R/test/moving:1"
check "the tag moves in the registry" registry_retag tls test/app2:1 test/moving:1
check_eq "berth run (--pull missing) keeps the local image" "$(berth run --rm "$R/test/moving:1" cat /etc/app 2>&1)" one
check_eq "berth run --pull never too" "$(berth run --rm --pull never "$R/test/moving:1" cat /etc/app 2>&1)" one
# (A pull's progress goes to stderr, as docker's: stdout is the container's.)
check_eq "berth run --pull always sees the moved tag" "$(berth run --rm --pull always "$R/test/moving:1" cat /etc/app 2>/dev/null)" two
check_eq "  … the reference moved with it" "$(config_of "$R/test/moving:1")" "$app2_config"
check "the tag moves back" registry_push "$L" app1 tls test/moving:1
check_eq "berth run --pull newer sees it" "$(berth run --rm --pull newer "$R/test/moving:1" cat /etc/app 2>/dev/null)" one
check "the tag moves again" registry_retag tls test/app2:1 test/moving:1
check "berth pull, as docker pull, asks the registry" berth pull "$R/test/moving:1"
check_eq "  … and sees the moved tag" "$(config_of "$R/test/moving:1")" "$app2_config"
refused "berth run --pull never of an image not here: one line" "test/absent" \
        berth run --rm --pull never "$R/test/absent:1" true
check_eq "berth run of a registry image not here pulls it first" "$(berth run --rm "$R/test/runpull:1" cat /etc/app 2>/dev/null)" two
check_eq "  … and keeps it" "$(config_of "$R/test/runpull:1")" "$app2_config"
check_eq "run -q pulls with nothing on stderr" "$(berth run -q --rm --pull always "$R/test/runpull:1" cat /etc/app 2>&1)" two
refused "  … and a pull that fails still says why, in one line" "test/absent" berth run -q --rm "$R/test/absent:1" true

# --- refusals: one line, exit 125, nothing stored -------------------------------------------------
refused "an unknown repository: one line naming registry and repository" "$R.*test/nope|test/nope.*$R" \
        berth pull "$R/test/nope:1"
nothing_visible "  … and" "$R/test/nope:1"
refused "an unknown tag: one line naming it" "test/app:nope" berth pull "$R/test/app:nope"
port=$(registry_free_port)
refused "a registry nobody listens on: one line naming it" "127\.0\.0\.1:$port" berth pull "127.0.0.1:$port/test/app:1"
refused "an invalid reference: one line" "Test/App" berth pull "$R/Test/App:1"

registry_corrupt tls "$corrupt_top" "$twin"
refused "a layer whose content does not match its digest: one line naming the blob" "${corrupt_top:7:12}" \
        berth pull "$R/test/corrupt:1"
nothing_visible "  … and" "$R/test/corrupt:1" "$(chain_ids corrupt | tail -n 1)"
check "  … the base it shares with stored images is still there" test -d "$(layer_dir "$(chain_ids corrupt | head -n 1)")"

badcfg_config=$(oci_image show "$L" badcfg config)
registry_corrupt tls "$badcfg_config"
refused "a config whose content does not match its digest: one line naming it" "${badcfg_config:7:12}" \
        berth pull "$R/test/badcfg:1"
nothing_visible "  … and" "$R/test/badcfg:1"
check_fails "  … the config is not a blob" test -e "$STORE/blobs/sha256/${badcfg_config#sha256:}"

liar_top=$(oci_image show "$L" liar layers | tail -n 1)
refused "a layer that does not unpack to the config's diff ID: one line naming it" "${liar_top:7:12}|$(oci_image show "$L" liar diff-ids | tail -n 1 | cut -c8-19)" \
        berth pull "$R/test/liar:1"
nothing_visible "  … and" "$R/test/liar:1" "$(chain_ids liar | tail -n 1)"

# --- a registry that stops mid-layer --------------------------------------------------------------
F=${REGISTRY[flaky]}
big_top() { oci_image show "$L" "big$1" layers | tail -n 1; }
big_chain() { chain_ids "big$1" | tail -n 1; }
registry_fault flaky "$(big_top 1)" stop
refused "a registry that stops in the middle of a layer: the pull fails in one line" "$F" berth pull "$F/test/big1:1"
nothing_visible "  … and" "$F/test/big1:1" "$(big_chain 1)"
check "  … the proxy did cut it, then dropped what came" grep -q "blobs/$(big_top 1) 200 cut" "${REGISTRY_LOG[flaky]}"
registry_fault_off flaky
check "a second pull completes" berth pull "$F/test/big1:1"
check_eq "  … and runs" "$(berth run --rm "$F/test/big1:1" cat /etc/app 2>&1)" big1
check_eq "  … nothing left in tmp/" "$(staging)" ""

registry_fault flaky "$(big_top 2)" cut 1
check "one GET cut midway: the pull tries again and completes" berth pull "$F/test/big2:1"
check_eq "  … the layer was asked for twice" "$(registry_blob_gets flaky "$(big_top 2)")" 2
check_eq "  … and runs" "$(berth run --rm "$F/test/big2:1" cat /etc/app 2>&1)" big2

registry_fault flaky "$(big_top 5)" error 2 503
check "two 503 answers for a layer: the pull tries again and completes" berth pull "$F/test/big5:1"
check_eq "  … the proxy answered 503 twice" "$(grep -c "blobs/$(big_top 5) 503 error" "${REGISTRY_LOG[flaky]}")" 2
registry_fault flaky "$(big_top 6)" error 1 429
check "a 429 answer (too many requests): tried again too" berth pull "$F/test/big6:1"
registry_fault_off flaky

# On a terminal: a line per layer with its bytes and rate, redrawn (a layer sent at 1 MiB/s, so
# that there is something to watch).
registry_fault flaky "$(big_top 7)" slow 1
script -qec "berth pull '$F/test/big7:1'" /dev/null > "$T/tty.out" 2>&1
check_eq "on a terminal, berth pull" "$?" 0
registry_fault_off flaky
tty_out=$(tr '\r' '\n' < "$T/tty.out")
check_match "  … shows the slow layer's bytes as they come" "$tty_out" \
        "$(big_top 7 | cut -c8-19): .*[0-9][0-9.]* ?[kKMG]?i?B */ *[0-9][0-9.]* ?[kKMG]?i?B"
check_match "  … and its rate" "$tty_out" "$(big_top 7 | cut -c8-19): .*[0-9][0-9.]* ?[kKMG]?i?B/s"
check_match "  … redrawn in place" "$(cat "$T/tty.out")" $'\033\\['
check_match "  … then done" "$tty_out" "$(big_top 7 | cut -c8-19): Pull complete"

# Layers in parallel: three new ones, each sent slowly, were downloaded at the same time.
registry_fault flaky '*' slow 0 524288
check "berth pull of three new layers, each sent at 512 KiB/s" berth pull "$F/test/par:1"
check_match "  … downloads them in parallel (the most the proxy sent at once)" "$(registry_fault_inflight flaky)" '^[2-9]$'
registry_fault_off flaky

# Ctrl-C and kill -9 while a layer hangs: berth-pull in a process group of its own, as a
# terminal's foreground job is.
interrupt() { # interrupt N SIGNAL: pull big N through a stalled layer, signal its group; sets rc
        local pid
        registry_fault flaky "$(big_top "$1")" stall 0
        setsid berth pull "$F/test/big$1:1" >/dev/null 2>&1 &
        pid=$!
        # (setsid(1) makes the group a moment after the fork: wait for it to have done so.)
        own_group() { [ "$(ps -o pgid= "$pid" | tr -d ' ')" = "$pid" ]; }
        wait_for 10 own_group || true
        check_eq "  (berth pull in a process group of its own)" "$(ps -o pgid= "$pid" | tr -d ' ')" "$pid"
        wait_for 30 grep -q "blobs/$(big_top "$1") 200 stalled" "${REGISTRY_LOG[flaky]}" ||
                fail "the layer of big$1 stalled"
        sleep 0.5
        if [ "$2" = INT ]; then
                check "  (a layer is unpacked while it streams: its first bytes are in the staging directory)" \
                        sh -c "find '$STORE/tmp' -path '*/data/big' -size +0 | grep -q ."
                check_eq "while a pull is midway its image is not visible" "$(ref_of "$F/test/big$1:1")" ""
                check_eq "  … a container starts meanwhile" "$(timeout 60 berth run --rm "$R/test/app:1" cat /etc/app 2>&1)" one
                check "  … image prune returns meanwhile" timeout 60 berth image prune -f
                check "  … and leaves the pull's staging directory alone" \
                        sh -c "find '$STORE/tmp' -path '*/data/big' -size +0 | grep -q ."
        fi
        kill "-$2" -- "-$pid"
        { wait "$pid"; } 2>/dev/null
        rc=$?
        registry_fault_off flaky
}
interrupt 3 INT
check_eq "Ctrl-C while a layer downloads: the pull fails, 130 (berth(1))" "$rc" 130
nothing_visible "  … and" "$F/test/big3:1" "$(big_chain 3)"
check "  … a second pull completes" berth pull "$F/test/big3:1"
interrupt 8 TERM
check_eq "SIGTERM while a layer downloads: the pull fails, 125 (berth(1))" "$rc" 125
nothing_visible "  … and" "$F/test/big8:1" "$(big_chain 8)"
interrupt 4 KILL
check_eq "kill -9 while a layer downloads" "$rc" 137
check_eq "  … no reference" "$(ref_of "$F/test/big4:1")" ""
check_fails "  … no layer" test -e "$(layer_dir "$(big_chain 4)")"
check "  … a second pull completes" berth pull "$F/test/big4:1"
check_eq "  … and the debris is gone from tmp/" "$(staging)" ""

# Two pulls of the same image at once: both succeed, one image, its layers once.
registry_fault flaky "$(big_top 9)" slow 0 1048576
berth pull "$F/test/big9:1" >/dev/null 2>"$T/pull-a.err" &
pa=$!
berth pull "$F/test/big9:1" >/dev/null 2>"$T/pull-b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
registry_fault_off flaky
check_eq "two pulls of one image at the same time both succeed" "$ra $rb" "0 0"
check_eq "  … one reference to it" "$(config_of "$F/test/big9:1")" "$(oci_image show "$L" big9 config)"
check "  … its layers are there" has_layers big9
check_eq "  … nothing left in tmp/" "$(staging)" ""
check_eq "  … it runs" "$(berth run --rm "$F/test/big9:1" cat /etc/app 2>&1)" big9

# --- TLS: the CA only in certs.d ------------------------------------------------------------------
check_fails "the TLS registry's CA is not in the system's store" curl -sf "https://$R/v2/"
registry_untrust "$R"
refused "without its CA the registry is refused: one line naming TLS" "$R.*([Tt][Ll][Ss]|[Cc]ertificate|SSL)|([Tt][Ll][Ss]|[Cc]ertificate|SSL).*$R" \
        berth pull "$R/test/certs:1"
nothing_visible "  … and" "$R/test/certs:1"
mkdir -p "/etc/docker/certs.d/$R"
on_exit "rm -rf '/etc/docker/certs.d/$R'"
cp "$REGISTRY_CA_DIR/ca.crt" "/etc/docker/certs.d/$R/ca.crt"
check "the CA in /etc/docker/certs.d serves too" berth pull "$R/test/dockercerts:1"
rm -rf "/etc/docker/certs.d/$R"
registry_trust "$R"
check "  … and back in /etc/containers/certs.d" berth pull "$R/test/certs:1"

# A client certificate from certs.d (NAME.cert with its NAME.key), for a registry that wants one.
M=${REGISTRY[mtls]}
refused "a registry that wants a client certificate, none in certs.d: one line" "$M" berth pull "$M/test/app:1"
registry_client_cert "$M"
check "  … client.cert and client.key in certs.d/HOST:PORT: it is pulled from" berth pull "$M/test/app:1"

# Plain http only for InsecureRegistries=.
P=${REGISTRY[plain]}
refused "a plain-http registry not listed as insecure is refused: one line" "$P" berth pull "$P/test/app:1"
check_match "  … which says where to list it" "$(berth pull "$P/test/app:1" 2>&1)" "InsecureRegistries="
printf '[Images]\nInsecureRegistries=%s\n' "$P" > "$conf"
check "  … listed in InsecureRegistries=, it is pulled from" env BERTH_CONFIG="$conf" berth pull "$P/test/app:1"

# --- basic auth and the auth files ----------------------------------------------------------------
B=${REGISTRY[basic]}
auth_json() { # auth_json FILE REGISTRY USER PASSWORD
        mkdir -p "$(dirname "$1")"
        printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$2" "$(printf '%s:%s' "$3" "$4" | base64 -w0)" > "$1"
}
refused "basic auth, no credentials: one line with the status" "$B.*401|401.*$B" berth pull "$B/test/app:1"
auth_json "$T/wrong.json" "$B" "$REGISTRY_USER" wrong
refused "wrong credentials: one line with the status" "$B.*401|401.*$B" \
        env REGISTRY_AUTH_FILE="$T/wrong.json" berth pull "$B/test/app:1"
nothing_visible "  … and" "$B/test/app:1"
auth_json "$T/auth.json" "$B" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
check "credentials from \$REGISTRY_AUTH_FILE" env REGISTRY_AUTH_FILE="$T/auth.json" berth pull "$B/test/app:1"
auth_json /run/containers/0/auth.json "$B" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
on_exit "rm -f /run/containers/0/auth.json"
check "credentials from /run/containers/0/auth.json (podman's)" berth pull "$B/test/app:2"
rm -f /run/containers/0/auth.json
auth_json "$T/home/.docker/config.json" "$B" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
check "credentials from ~/.docker/config.json (docker's)" env HOME="$T/home" berth pull "$B/test/app:3"
auth_json "$T/dc/config.json" "$B" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
check "  … and \$DOCKER_CONFIG/config.json" env DOCKER_CONFIG="$T/dc" berth pull "$B/test/app:4"

# A registry that sends the blob elsewhere: followed, without the credentials.
D=${REGISTRY[redir]}
red_top=$(oci_image show "$L" red layers | tail -n 1)
registry_fault redir "$red_top" redirect 0
auth_json "$T/redir.json" "$D" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
check "a blob redirected to another host (blob storage) is followed" \
        env REGISTRY_AUTH_FILE="$T/redir.json" berth pull "$D/test/redirect:1"
check_match "  … without the registry's credentials" "$(grep -F "blobs/$red_top 200" "${REGISTRY_LOG[redir]}")" 'auth=no$'
check_eq "  … it runs" "$(berth run --rm "$D/test/redirect:1" cat /etc/app 2>&1)" red
check_fails "  … never with them" grep -q 'auth=yes' "${REGISTRY_LOG[redir]}"

# --- login / logout -------------------------------------------------------------------------------
A=$T/login.json
out=$(printf '%s\n' wrong | REGISTRY_AUTH_FILE=$A berth login -u "$REGISTRY_USER" --password-stdin "$B" 2>&1); rc=$?
check_match "berth login with a wrong password fails" "$rc" '^[1-9]'
check_eq "  … in one line" "$(lines "$out")" 1
check_fails "  … storing nothing" grep -qF "$B" "$A"
out=$(printf '%s\n' "$REGISTRY_PASSWORD" | REGISTRY_AUTH_FILE=$A berth login -u "$REGISTRY_USER" --password-stdin "$B" 2>&1); rc=$?
check_eq "berth login --password-stdin" "$rc" 0
check_eq "  … writes \$REGISTRY_AUTH_FILE, mode 0600" "$(stat -c %a "$A" 2>&1)" 600
check_eq "  … the registry's auth" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"])' "$A" "$B" 2>&1)" \
        "$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64 -w0)"
check "  … which pulls use" env REGISTRY_AUTH_FILE="$A" berth pull "$B/test/app:5"
check "berth logout" env REGISTRY_AUTH_FILE="$A" berth logout "$B"
check_fails "  … removes it" grep -qF "$B" "$A"
refused "  … after which the registry refuses" "401" env REGISTRY_AUTH_FILE="$A" berth pull "$B/test/app:6"
check "berth login -p, to podman's file" berth login -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" "$B"
on_exit "rm -f /run/containers/0/auth.json"
check "  … /run/containers/0/auth.json has it" grep -qF "\"$B\"" /run/containers/0/auth.json
check "  … which pulls use" berth pull "$B/test/app:7"
check "  … berth logout there" berth logout "$B"
check_fails "  … removes it" grep -qF "\"$B\"" /run/containers/0/auth.json

# --- the bearer token flow ------------------------------------------------------------------------
K=${REGISTRY[tok]}
check "an anonymous pull through a bearer token" berth pull "$K/test/app:1"
check_match "  … the token server gave it a pull token" "$(cat "${REGISTRY_TOKEN_LOG[tok]}")" \
        'user=- scope=repository:test/app:pull granted=test/app:pull'
check_eq "  … it runs" "$(berth run --rm "$K/test/app:1" cat /etc/app 2>&1)" two
refused "a private repository, anonymously: one line with the status" "$K.*(401|403)|(401|403).*$K" berth pull "$K/private/app:1"
auth_json "$T/tok-wrong.json" "$K" "$REGISTRY_USER" wrong
refused "  … with a wrong password: one line" "$K|401" env REGISTRY_AUTH_FILE="$T/tok-wrong.json" berth pull "$K/private/app:1"
auth_json "$T/tok.json" "$K" "$REGISTRY_USER" "$REGISTRY_PASSWORD"
check "  … with the user's credentials" env REGISTRY_AUTH_FILE="$T/tok.json" berth pull "$K/private/app:1"
check_match "  … the token server checked them" "$(cat "${REGISTRY_TOKEN_LOG[tok]}")" \
        "user=$REGISTRY_USER scope=repository:private/app:pull granted=private/app:pull"
check "berth login to a token registry" sh -c "printf '%s\n' '$REGISTRY_PASSWORD' | REGISTRY_AUTH_FILE='$T/tok-login.json' berth login -u '$REGISTRY_USER' --password-stdin '$K'"
check_fails "  … not with a wrong password" sh -c "printf 'x\n' | REGISTRY_AUTH_FILE='$T/tok-login2.json' berth login -u '$REGISTRY_USER' --password-stdin '$K'"

# --- Image= in a definition, started by systemctl on a host without the image ----------------------
mkdir -p /etc/berth/containers
printf '[Container]\nImage=%s/test/def:1\nExec=sh -c "cat /etc/app; exec sleep 1000"\n' "$R" > /etc/berth/containers/regdef.container
printf '[Container]\nImage=%s/test/undef:1\nExec=true\n' "$R" > /etc/berth/containers/regbad.container
printf '[Container]\nImage=%s/test/def:1\nPull=never\nExec=true\n' "${REGISTRY[flaky]}" > /etc/berth/containers/regnever.container
printf '[Container]\nImage=%s/test/defmove:1\nPull=always\nStopTimeout=1\nExec=sh -c "cat /etc/app; exec sleep 1000"\n' "$R" > /etc/berth/containers/regalways.container
on_exit "rm -f /etc/berth/containers/regdef.container /etc/berth/containers/regbad.container /etc/berth/containers/regnever.container /etc/berth/containers/regalways.container; systemctl daemon-reload"
on_exit "systemctl stop container@regdef.service container@regbad.service container@regnever.service container@regalways.service"
systemctl daemon-reload
check_eq "the image is not here" "$(ref_of "$R/test/def:1")" ""
check_match "the generator orders the unit after network-online.target" "$(systemctl show -P After container@regdef.service)" 'network-online\.target'
check_match "  … and wants it" "$(systemctl show -P Wants container@regdef.service)" 'network-online\.target'
check "systemctl start container@regdef pulls the image and starts" systemctl start container@regdef.service
check_eq "  … it is active" "$(systemctl is-active container@regdef.service)" active
wait_for 10 sh -c "journalctl -q -o cat CONTAINER_NAME=regdef | grep -qx def"
check_match "  … its payload ran from the pulled image" "$(journalctl -q -o cat CONTAINER_NAME=regdef)" '^def$'
check_eq "  … which the store now has" "$(config_of "$R/test/def:1")" "$(oci_image show "$L" def config)"
check "Pull=always: systemctl start" systemctl start container@regalways.service
wait_for 10 sh -c "journalctl -q -o cat CONTAINER_NAME=regalways | grep -qx one"
check_eq "  … runs what the tag names" "$(journalctl -q -o cat CONTAINER_NAME=regalways | tail -n 1)" one
registry_retag tls test/app2:1 test/defmove:1
check "  … the tag moves; systemctl restart" systemctl restart container@regalways.service
wait_for 10 sh -c "journalctl -q -o cat CONTAINER_NAME=regalways | grep -qx two"
check_eq "  … runs the image it moved to" "$(journalctl -q -o cat CONTAINER_NAME=regalways | tail -n 1)" two
check_fails "a definition whose image the registry lacks fails to start" systemctl start container@regbad.service
check_match "  … its journal says why: registry, reference" "$(journalctl -q -o cat -u container@regbad.service)" \
        "$R.*test/undef|test/undef.*$R"
check_eq "  … in one line" "$(journalctl -q -o cat -u container@regbad.service | grep -c '^berth')" 1
journalctl -q -o cat -u container@regbad.service | sed 's/^/#   /'
check_fails "Pull=never with the image absent fails to start" systemctl start container@regnever.service
check_fails "  … without asking the registry" grep -q 'test/def/manifests' "${REGISTRY_LOG[flaky]}"

# engineer C ---------------------------------------------------------------------------------------
# berth-pull's own contract (the policies as run and the helper use them), docker's output on and
# off a terminal, berth image pull, logout of a registry not logged into, peak memory.
build cout busybox 'file:/etc/app=cout,random:/data/cout=1M'
build cbig busybox 'file:/etc/app=cbig,random:/data/cbig=24M,seed:7'
push cout tls test/cout:1
push cout tls test/cpol:1
push cbig tls test/cbig:1
n_cout=$(oci_image show "$L" cout layers | wc -l)
check "  (the base layer is in the store)" berth pull -q "$R/test/app:1"
out=$(berth pull "$R/test/cout:1" 2>&1); rc=$?
check_eq "engineer C: off a terminal, berth pull prints a line per layer when it is done" "$rc" 0
check_eq "  … 'Already exists' for the base the store has" "$(grep -c ': Already exists$' <<< "$out")" 1
check_eq "  … 'Pull complete' for the others" "$(grep -c ': Pull complete$' <<< "$out")" "$((n_cout - 1))"
check_match "  … 'Status: Downloaded newer image'" "$out" "^Status: Downloaded newer image for $R/test/cout:1\$"
check_fails "  … and no terminal control sequence" grep -q $'\e' <<< "$out"
out=$(berth image pull "$R/test/cout:1" 2>&1); rc=$?
check_eq "berth image pull, again" "$rc" 0
check_match "  … the image is up to date" "$out" "^Status: Image is up to date for $R/test/cout:1\$"
check_eq "  … every layer already exists" "$(grep -c ': Already exists$' <<< "$out")" "$n_cout"
check_eq "berth pull -q prints nothing" "$(berth pull -q "$R/test/cout:1" 2>&1)" ""

manifest_gets() { grep -c "GET /v2/$1/manifests/" "${REGISTRY_LOG[tls]}"; }
refused "berth-pull --policy never, image absent: one line" "test/cpol" "$pull_bin" --policy never "$R/test/cpol:1"
check_eq "  … without asking the registry" "$(manifest_gets test/cpol)" 0
check "berth-pull --policy missing pulls an absent image" "$pull_bin" --quiet --policy missing "$R/test/cpol:1"
check_eq "  … asking the registry once" "$(manifest_gets test/cpol)" 1
check "berth-pull --policy missing with the image here" "$pull_bin" --policy missing "$R/test/cpol:1"
check "berth-pull (missing is the default)" "$pull_bin" "$R/test/cpol:1"
check "berth-pull --policy never with the image here" "$pull_bin" --policy never "$R/test/cpol:1"
check_eq "  … none of them asked the registry" "$(manifest_gets test/cpol)" 1
check "berth-pull --policy newer asks" "$pull_bin" --quiet --policy newer "$R/test/cpol:1"
check_eq "  … once more" "$(manifest_gets test/cpol)" 2
registry_untrust "$R"
out=$("$pull_bin" --quiet --policy newer "$R/test/cpol:1" 2>&1); rc=$?
check_eq "berth-pull --policy newer, the registry unreachable (no CA): the store's image stays" "$rc" 0
check_match "  … saying so in one line" "$out" "keeping the image in the store"
refused "berth-pull --policy always, the registry unreachable: one line" "$R" "$pull_bin" --quiet --policy always "$R/test/cpol:1"
registry_trust "$R"
refused "berth-pull --policy sometimes: one line" "sometimes" "$pull_bin" --policy sometimes "$R/test/cpol:1"
refused "berth pull --platform linux: one line" "linux" berth pull --platform linux "$R/test/cpol:1"
refused "berth logout of a registry not logged into: one line" "not logged into" \
        env REGISTRY_AUTH_FILE="$T/c-none.json" berth logout "$R"

peak=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' berth pull "$R/test/cbig:1")
check "berth pull of a 24 MB layer peaks under 32 MiB ($peak KiB)" test "${peak:-999999}" -lt 32768

# On a terminal: a line per layer, redrawn in place, with bytes and rate while it downloads.
registry_fault flaky "$(oci_image show "$L" cbig layers | tail -n 1)" stall 0
berth image rm "$R/test/cbig:1" >/dev/null 2>&1
rm -rf "$(layer_dir "$(chain_ids cbig | tail -n 1)")"
setsid script -qec "berth pull $F/test/cbig:1" /dev/null > "$T/c-tty.out" 2>&1 &
pid=$!
wait_for 30 grep -q "blobs/$(oci_image show "$L" cbig layers | tail -n 1) 200 stalled" "${REGISTRY_LOG[flaky]}" ||
        fail "  (the layer of cbig stalled)"
sleep 1
kill -INT -- "-$pid"
wait "$pid"
registry_fault_off flaky
tty_out=$(cat "$T/c-tty.out")
check_match "on a terminal, lines are redrawn in place" "$tty_out" $'\e\\[[0-9]+A'
check_match "  … a layer's progress shows bytes and rate" "$tty_out" 'Downloading \[=*>? *\] +[0-9.]+[kM]?B/[0-9.]+MB +[0-9.]+[kM]?B/s'
check_match "  … the base, already here, says so" "$tty_out" 'Already exists'
check_eq "  … Ctrl-C left no reference" "$(ref_of "$F/test/cbig:1")" ""
check_eq "  … and nothing in tmp/" "$(staging)" ""
