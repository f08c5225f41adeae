#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The registry harness on its own, with skopeo and curl as the clients: the registries registry.sh
# pulls from answer as they should, so that a failure there is berth's.
source "$BERTH_SOURCE_DIR/tests/integration/lib.sh"
source "$BERTH_SOURCE_DIR/tests/integration/registry-lib.sh"
registry_require

T=$REGISTRY_TMP
L=$T/layout
CA=$REGISTRY_CA_DIR/ca.crt

# --- images -----------------------------------------------------------------------------------
check "oci-image.py builds a two-layer image" oci_image build "$L" app busybox 'file:/etc/app=one,random:/data/blob=256K'
check "  … and one on the same base with a zstd layer" oci_image build "$L" zst busybox 'file:/etc/app=zstd,zstd'
check "  … and an arm64 one" oci_image build "$L" arm --platform linux/arm64 busybox 'file:/etc/berth-platform=arm64'
check "  … and an amd64 one" oci_image build "$L" amd --platform linux/amd64 busybox 'file:/etc/berth-platform=amd64'
check "  … and an index over both" oci_image index "$L" multi amd arm
check_eq "the images share their base blob" "$(oci_image show "$L" app layers | head -n 1)" "$(oci_image show "$L" zst layers | head -n 1)"
check_match "the zstd layer is one" "$(skopeo inspect --raw "oci:$L:zst")" 'tar\+zstd'
base=$(oci_image show "$L" app layers | head -n 1)
top=$(oci_image show "$L" app layers | tail -n 1)

# --- the registries answer --------------------------------------------------------------------
check_here "a TLS registry starts" registry_start tls tls
check_here "an htpasswd registry starts" registry_start basic htpasswd
check_here "a token registry starts, with its token server" registry_start tok token
check_here "a plain registry starts" registry_start plain plain
check_here "a fault proxy starts in front of the TLS registry" registry_fault_proxy flaky tls
check_here "a redirecting proxy starts in front of the htpasswd registry" registry_fault_proxy redir basic
check "the CA is only in certs.d" test -f "/etc/containers/certs.d/${REGISTRY[tls]}/ca.crt"
check_fails "  … not in the system's store" curl -sf "https://${REGISTRY[tls]}/v2/"
check_eq "the htpasswd registry wants credentials" \
        "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" "https://${REGISTRY[basic]}/v2/")" 401
check_eq "  … and takes the user's" \
        "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" "https://${REGISTRY[basic]}/v2/")" 200
check_eq "  … not a wrong password" \
        "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "$REGISTRY_USER:wrong" "https://${REGISTRY[basic]}/v2/")" 401

# --- pushed with skopeo, read back with skopeo -------------------------------------------------
for r in tls basic tok plain; do
        check "skopeo pushes to the $r registry" registry_push "$L" app "$r" test/app:1
        check_eq "  … it serves the manifest as built" "$(registry_digest "$r" test/app:1)" "$(oci_image show "$L" app manifest)"
done
check "skopeo pushes the zstd image" registry_push "$L" zst tls test/zst:1
check_eq "  … the registry keeps its manifest" "$(registry_digest tls test/zst:1)" "$(oci_image show "$L" zst manifest)"
check "skopeo pushes the two-platform index" registry_push "$L" multi tls test/multi:1
check_eq "  … the registry serves the index" "$(registry_digest tls test/multi:1)" "$(oci_image show "$L" multi manifest)"
check "skopeo copies arm64 out of the index" registry_skopeo tls copy --quiet --override-arch arm64 \
        "docker://${REGISTRY[tls]}/test/multi:1" "oci:$T/back:arm"
check_match "  … which is the arm64 image" "$(skopeo inspect --config --raw "oci:$T/back:arm")" '"architecture":"arm64"'
check "skopeo copies the zstd image back" registry_skopeo tls copy --quiet \
        "docker://${REGISTRY[tls]}/test/zst:1" "oci:$T/back:zst"
check "skopeo copies the image back from the token registry" registry_skopeo tok copy --quiet \
        "docker://${REGISTRY[tok]}/test/app:1" "oci:$T/back:app"

# The layers make a userland berth runs.
rootfs=$T/rootfs
mkdir -p "$rootfs"
for d in $(skopeo inspect --raw "oci:$T/back:app" | python3 -c 'import json,sys; print(" ".join(l["digest"] for l in json.load(sys.stdin)["layers"]))'); do
        tar -xzf "$T/back/blobs/sha256/${d#sha256:}" -C "$rootfs"
done
check "the layers unpack to an importable image" berth image import "$rootfs" harnessimg
on_exit "berth image rm harnessimg"
check_eq "  … that berth runs" "$(berth run --rm harnessimg cat /etc/app 2>&1)" one

# A moved tag.
check "a tag moves with registry_retag" registry_retag tls test/zst:1 test/app:1
check_eq "  … the registry serves the other manifest" "$(registry_digest tls test/app:1)" "$(oci_image show "$L" zst manifest)"
check "  … and it moves back" registry_push "$L" app tls test/app:1

# --- the token flow ---------------------------------------------------------------------------
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' --cacert "$CA" "https://${REGISTRY[tok]}/v2/test/app/manifests/1")
check_eq "the token registry answers 401 without a token" "$code" 401
check_match "  … with a Bearer challenge naming the token server" "$(tr A-Z a-z < "$T/h")" 'www-authenticate: bearer realm="https://127\.0\.0\.1:[0-9]+/token",service="berth-test-registry",scope="repository:test/app:pull"'
realm=$(sed -n 's/^www-authenticate: Bearer realm="\([^"]*\)".*/\1/Ip' "$T/h")
token() { # token USERPASS|"" SCOPE
        curl -sf --cacert "$CA" ${1:+-u "$1"} "$realm?service=berth-test-registry&scope=$2" |
                python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
manifest_code() { # manifest_code TOKEN REPO
        curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -H "Authorization: Bearer $1" \
                -H 'Accept: application/vnd.oci.image.manifest.v1+json' "https://${REGISTRY[tok]}/v2/$2/manifests/1"
}
anon=$(token "" repository:test/app:pull)
check_match "an anonymous token is a signed JWT with an x5c header" "$(echo "${anon%%.*}==" | tr _- /+ | base64 -d 2>/dev/null)" '"alg": "RS256", "x5c"'
check_eq "  … which the registry accepts" "$(manifest_code "$anon" test/app)" 200
check "skopeo pushes a private repository as the user" registry_push "$L" app tok private/app:1
check_eq "an anonymous token does not open a private repository" \
        "$(manifest_code "$(token "" repository:private/app:pull)" private/app)" 401
check_eq "  … the user's does" \
        "$(manifest_code "$(token "$REGISTRY_USER:$REGISTRY_PASSWORD" repository:private/app:pull)" private/app)" 200
check_eq "the token server refuses a wrong password" \
        "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -u "$REGISTRY_USER:nope" "$realm?service=berth-test-registry&scope=repository:test/app:pull")" 401
check_eq "a forged token is refused" "$(manifest_code "${anon%.*}.AAAA" test/app)" 401
check_match "the token server logged the user" "$(cat "${REGISTRY_TOKEN_LOG[tok]}")" "user=$REGISTRY_USER scope=repository:private/app:pull granted=private/app:pull"

# --- the fault proxy --------------------------------------------------------------------------
blob() { # blob NAME DIGEST OUT: curl's exit code
        curl -s --cacert "$CA" -o "$3" "https://${REGISTRY[$1]}/v2/test/app/blobs/$2"
        echo $?
}
check_eq "the proxy passes a blob through" "$(blob flaky "$base" "$T/b0")" 0
check_eq "  … unchanged" "sha256:$(sha256sum < "$T/b0" | cut -d' ' -f1)" "$base"
check "the proxy takes a rule" registry_fault flaky "$top"
check_eq "the first GET of that blob is cut (curl: partial file)" "$(blob flaky "$top" "$T/b1")" 18
check_eq "  … after half of it" "$(stat -c %s "$T/b1")" "$(( $(stat -c %s "$(registry_blob_path tls "$top")") / 2 ))"
check_eq "the second GET completes" "$(blob flaky "$top" "$T/b2")" 0
check_eq "  … with the blob" "sha256:$(sha256sum < "$T/b2" | cut -d' ' -f1)" "$top"
check_eq "the proxy's log counts the GETs of the blob" "$(registry_blob_gets flaky "$top")" 2
check_eq "the registry's log counts them too" "$(registry_blob_gets tls "$top")" 2
check "every GET cut with times=0" registry_fault flaky "$top" cut 0
check_eq "  … the first" "$(blob flaky "$top" "$T/b3")" 18
check_eq "  … the second" "$(blob flaky "$top" "$T/b3")" 18
check "a stall rule" registry_fault flaky "$top" stall 1 1000
check_eq "  … holds the body after 1000 bytes (curl: timeout)" \
        "$(curl -s --cacert "$CA" -m 3 -o "$T/b4" "https://${REGISTRY[flaky]}/v2/test/app/blobs/$top"; echo $?)" 28
check_eq "  … 1000 bytes came" "$(stat -c %s "$T/b4")" 1000
check "a cut rule" registry_fault flaky "$top" cut 1
check_eq "  … cuts the first GET" "$(blob flaky "$top" "$T/b7")" 18
check_eq "  … a GET of the rest (a range) completes it" \
        "$(curl -s --cacert "$CA" -H "Range: bytes=$(stat -c %s "$T/b7")-" "https://${REGISTRY[flaky]}/v2/test/app/blobs/$top" >> "$T/b7"; echo $?)" 0
check_eq "  … to the blob" "sha256:$(sha256sum < "$T/b7" | cut -d' ' -f1)" "$top"
check "a stop rule" registry_fault flaky "$top" stop
check_eq "  … cuts the first GET" "$(blob flaky "$top" "$T/b8")" 18
check_eq "  … then answers nothing at all (curl: empty reply)" "$(blob flaky "$base" "$T/b8")" 52
check_eq "  … not even /v2/" "$(curl -s --cacert "$CA" -o /dev/null "https://${REGISTRY[flaky]}/v2/"; echo $?)" 52
check "rules off" registry_fault_off flaky
check_eq "  … the blob comes whole" "$(blob flaky "$top" "$T/b5")" 0

# A redirect to blob storage: another host name for the proxy, which takes no credentials there.
check "skopeo pushes to the htpasswd registry for the redirect" registry_push "$L" zst basic test/app:1
zst_top=$(oci_image show "$L" zst layers | tail -n 1)
check "a redirect rule" registry_fault redir "$zst_top" redirect 0
code=$(curl -s -o /dev/null -D "$T/h2" -w '%{http_code}' --cacert "$CA" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" \
        "https://${REGISTRY[redir]}/v2/test/app/blobs/$zst_top")
check_eq "  … answers 307" "$code" 307
check_match "  … to localhost" "$(cat "$T/h2")" "[Ll]ocation: https://localhost:${REGISTRY[redir]#*:}/_redirect/v2/test/app/blobs/$zst_top"
check_eq "curl -L follows it, not sending the credentials to another host" \
        "$(curl -sL --cacert "$CA" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" "https://${REGISTRY[redir]}/v2/test/app/blobs/$zst_top" | sha256sum | cut -d' ' -f1)" "${zst_top#sha256:}"
check_match "  … the proxy saw no credentials there" "$(grep -F "blobs/$zst_top 200" "${REGISTRY_LOG[redir]}")" 'auth=no$'
check "curl --location-trusted sends them" curl -sfL --location-trusted -o /dev/null --cacert "$CA" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" \
        "https://${REGISTRY[redir]}/v2/test/app/blobs/$zst_top"
check_match "  … the proxy logs that" "$(grep -F "blobs/$zst_top 200" "${REGISTRY_LOG[redir]}" | tail -n 1)" 'auth=yes$'

# --- a corrupted blob -------------------------------------------------------------------------
check "registry_corrupt replaces a blob's data" registry_corrupt tls "$top"
check_eq "  … the registry serves other bytes under its digest" "$(blob tls "$top" "$T/b6")" 0
check_eq "  … of the same size" "$(stat -c %s "$T/b6")" "$(stat -c %s "$T/b2")"
check_fails "  … which do not match it" test "sha256:$(sha256sum < "$T/b6" | cut -d' ' -f1)" = "$top"

# --- TLS only through certs.d -----------------------------------------------------------------
registry_untrust "${REGISTRY[tls]}"
check_fails "without the CA in certs.d skopeo refuses the registry" skopeo inspect --raw "docker://${REGISTRY[tls]}/test/zst:1"
registry_trust "${REGISTRY[tls]}"
check "with it, skopeo reads it" skopeo inspect --raw "docker://${REGISTRY[tls]}/test/zst:1"

check_here "registry_stop stops a registry" registry_stop plain
check_fails "  … it no longer answers" registry_answers "${REGISTRY[plain]}" 0
