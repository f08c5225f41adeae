# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the registry scenarios after lib.sh: real registries (Debian's docker-registry) on
# 127.0.0.1 inside the testbed, the token server and the fault proxy of tests/integration/registry/,
# OCI image layouts built by oci-image.py and pushed with skopeo. Everything started here is
# stopped by PID, and everything written is removed, through on_exit.
#
#   registry_require                   skip the scenario (ok - # SKIP) without the tools
#   registry_start NAME MODE           MODE: plain | tls | htpasswd | token; sets REGISTRY[NAME]
#                                      to 127.0.0.1:PORT. TLS modes use a CA made on the spot,
#                                      installed only in /etc/containers/certs.d/ADDR/ca.crt
#   registry_fault_proxy NAME UPSTREAM a fault proxy in front of registry UPSTREAM (TLS if it is)
#   registry_fault NAME DIGEST [MODE [TIMES [AFTER]]]   break GETs of blob DIGEST (cut|stall), or
#                                      send them elsewhere (redirect: to localhost:PORT, see
#                                      fault-proxy.py; htpasswd upstreams only)
#   registry_fault_off NAME
#   registry_stop NAME
#   registry_trust ADDR / registry_untrust ADDR         the CA in certs.d, or not
#   oci_image build|index|show …       tests/integration/registry/oci-image.py
#   registry_push LAYOUT TAG NAME REPO:TAG [SKOPEO-ARGS…]   skopeo copy --all oci: → docker://
#   registry_retag NAME SRC_REPO:TAG DST_REPO:TAG       skopeo copy docker:// → docker:// (a moved tag)
#   registry_digest NAME REPO:TAG      the digest of the manifest the registry serves
#   registry_corrupt NAME DIGEST [FILE]   the blob's data file replaced by FILE, or by random bytes
#                                      of its size
#   registry_blob_gets NAME DIGEST     how many GETs of the blob NAME's access log shows
#   registry_skopeo NAME VERB ARGS…    skopeo with NAME's certificates and credentials (copy: as source)
#   check_here WHAT CMD…               lib.sh's check, with CMD run in this shell (not in $(…)), for
#                                      the functions above that start things or set REGISTRY

REGISTRY_HERE=$SRC/tests/integration/registry
REGISTRY_USER=berthtest
REGISTRY_PASSWORD=pw-Berth-15
REGISTRY_ISSUER=berth-test-issuer
REGISTRY_SERVICE=berth-test-registry
REGISTRY_TMP=$(mktemp -d /tmp/registry.XXXXXX)
on_exit "rm -rf $REGISTRY_TMP"
REGISTRY_CA_DIR=$REGISTRY_TMP/ca # ca.crt alone: skopeo's --*-cert-dir
declare -gA REGISTRY=() REGISTRY_MODE=() REGISTRY_ROOT=() REGISTRY_LOG=() REGISTRY_PID=() \
        REGISTRY_TOKEN_LOG=()

check_here() {
        local what=$1 err
        shift
        err=$(mktemp "$REGISTRY_TMP/err.XXXXXX")
        if "$@" 2>"$err"; then pass "$what"; else fail "$what"; sed 's/^/#   /' "$err"; fi
        rm -f "$err"
}

# Whole scenario skipped, as lib.sh's scenarios do, when a tool the harness needs is missing.
registry_require() {
        local t
        for t in docker-registry skopeo htpasswd openssl python3 curl zstd; do
                if ! command -v "$t" >/dev/null; then
                        echo "ok - # SKIP $t is not installed (.ci/install-deps installs it)"
                        exit 0
                fi
        done
}

registry_free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The CA, the server certificate every TLS service here uses (127.0.0.1), and the token signer.
registry_make_pki() {
        [ -f "$REGISTRY_CA_DIR/ca.crt" ] && return 0
        local d=$REGISTRY_TMP/pki
        mkdir -p "$d" "$REGISTRY_CA_DIR"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth test CA" \
                -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
                -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null || return 1
        openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$d/server.key" \
                -out "$d/server.csr" 2>/dev/null || return 1
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
                > "$d/server.ext"
        openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
                -days 2 -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null || return 1
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth test token signer" \
                -keyout "$d/signer.key" -out "$d/signer.crt" 2>/dev/null || return 1
        cp "$d/ca.crt" "$REGISTRY_CA_DIR/ca.crt"
}

registry_trust() {
        mkdir -p "/etc/containers/certs.d/$1"
        cp "$REGISTRY_CA_DIR/ca.crt" "/etc/containers/certs.d/$1/ca.crt"
        on_exit "rm -rf '/etc/containers/certs.d/$1'"
}

registry_untrust() { rm -rf "/etc/containers/certs.d/$1"; }

# registry_answers ADDR TLS: /v2/ answers 200 or 401
registry_answers() {
        local scheme=http code
        [ "$2" = 1 ] && scheme=https
        code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$REGISTRY_CA_DIR/ca.crt" "$scheme://$1/v2/") || return 1
        [ "$code" = 200 ] || [ "$code" = 401 ]
}

# background NAME CMD…: CMD started with its output in $REGISTRY_TMP/NAME.out, stopped on exit
registry_background() {
        local name=$1 pid
        shift
        "$@" >"$REGISTRY_TMP/$name.out" 2>&1 &
        pid=$!
        on_exit "kill $pid; wait $pid"
        REGISTRY_PID[$name]=$pid
}

registry_start() {
        local name=$1 mode=$2 port dir auth="" tls="" tport
        case $mode in plain|tls|htpasswd|token) ;; *) echo "registry_start: no mode $mode" >&2; return 1 ;; esac
        registry_make_pki || { echo "registry_start: openssl failed" >&2; return 1; }
        port=$(registry_free_port)
        dir=$REGISTRY_TMP/$name
        mkdir -p "$dir/storage"
        if [ "$mode" != plain ]; then
                tls="  tls:
    certificate: $REGISTRY_TMP/pki/server.crt
    key: $REGISTRY_TMP/pki/server.key"
        fi
        case $mode in
        htpasswd)
                htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" > "$dir/htpasswd"
                auth="auth:
  htpasswd:
    realm: berth-test
    path: $dir/htpasswd"
                ;;
        token)
                tport=$(registry_free_port)
                REGISTRY_TOKEN_LOG[$name]=$dir/token.log
                registry_background "$name-token" python3 "$REGISTRY_HERE/token-server.py" \
                        --listen "127.0.0.1:$tport" \
                        --tls-cert "$REGISTRY_TMP/pki/server.crt" --tls-key "$REGISTRY_TMP/pki/server.key" \
                        --sign-cert "$REGISTRY_TMP/pki/signer.crt" --sign-key "$REGISTRY_TMP/pki/signer.key" \
                        --issuer "$REGISTRY_ISSUER" --service "$REGISTRY_SERVICE" \
                        --user "$REGISTRY_USER:$REGISTRY_PASSWORD" --log "$dir/token.log"
                registry_trust "127.0.0.1:$tport"
                wait_for 20 curl -sf --cacert "$REGISTRY_CA_DIR/ca.crt" \
                        "https://127.0.0.1:$tport/token?service=$REGISTRY_SERVICE" ||
                        { echo "registry_start: the token server did not answer" >&2; cat "$REGISTRY_TMP/$name-token.out" >&2; return 1; }
                auth="auth:
  token:
    realm: https://127.0.0.1:$tport/token
    service: $REGISTRY_SERVICE
    issuer: $REGISTRY_ISSUER
    rootcertbundle: $REGISTRY_TMP/pki/signer.crt"
                ;;
        esac
        cat > "$dir/config.yml" <<-EOC
	version: 0.1
	log:
	  level: info
	  formatter: text
	storage:
	  filesystem:
	    rootdirectory: $dir/storage
	  delete:
	    enabled: true
	  maintenance:
	    uploadpurging:
	      enabled: false
	http:
	  addr: 127.0.0.1:$port
	  secret: berth-test-$name
	$tls
	$auth
	EOC
        REGISTRY[$name]=127.0.0.1:$port
        REGISTRY_MODE[$name]=$mode
        REGISTRY_ROOT[$name]=$dir/storage
        REGISTRY_LOG[$name]=$REGISTRY_TMP/$name.out
        [ "$mode" = plain ] || registry_trust "127.0.0.1:$port"
        registry_background "$name" docker-registry serve "$dir/config.yml"
        if ! wait_for 20 registry_answers "127.0.0.1:$port" "$([ "$mode" = plain ] || echo 1)"; then
                echo "registry_start: $name did not answer on 127.0.0.1:$port" >&2
                cat "$REGISTRY_TMP/$name.out" >&2
                return 1
        fi
}

registry_stop() {
        local pid=${REGISTRY_PID[$1]:-}
        [ -n "$pid" ] || return 0
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        unset "REGISTRY_PID[$1]"
}

registry_fault_proxy() {
        local name=$1 up=$2 port tls=()
        port=$(registry_free_port)
        if [ "${REGISTRY_MODE[$up]}" != plain ]; then
                tls=(--tls-cert "$REGISTRY_TMP/pki/server.crt" --tls-key "$REGISTRY_TMP/pki/server.key"
                     --upstream-ca "$REGISTRY_CA_DIR/ca.crt")
                registry_trust "127.0.0.1:$port"
                registry_trust "localhost:$port" # where mode redirect sends clients
        fi
        [ "${REGISTRY_MODE[$up]}" = htpasswd ] && tls+=(--upstream-creds "$REGISTRY_USER:$REGISTRY_PASSWORD")
        REGISTRY[$name]=127.0.0.1:$port
        REGISTRY_MODE[$name]=${REGISTRY_MODE[$up]}
        REGISTRY_ROOT[$name]=${REGISTRY_ROOT[$up]}
        REGISTRY_LOG[$name]=$REGISTRY_TMP/$name.log
        : > "${REGISTRY_LOG[$name]}"
        registry_background "$name" python3 "$REGISTRY_HERE/fault-proxy.py" --listen "127.0.0.1:$port" \
                --upstream "${REGISTRY[$up]}" "${tls[@]}" --log "${REGISTRY_LOG[$name]}"
        if ! wait_for 20 registry_answers "127.0.0.1:$port" "$([ ${#tls[@]} = 0 ] || echo 1)"; then
                echo "registry_fault_proxy: $name did not answer" >&2
                cat "$REGISTRY_TMP/$name.out" >&2
                return 1
        fi
}

registry_url() {
        if [ "${REGISTRY_MODE[$1]}" = plain ]; then echo "http://${REGISTRY[$1]}"; else echo "https://${REGISTRY[$1]}"; fi
}

registry_fault() {
        curl -sf --cacert "$REGISTRY_CA_DIR/ca.crt" \
                "$(registry_url "$1")/_fault/set?digest=$2&mode=${3:-cut}&times=${4:-1}${5:+&after=$5}" >/dev/null
}

registry_fault_off() { curl -sf --cacert "$REGISTRY_CA_DIR/ca.crt" "$(registry_url "$1")/_fault/off" >/dev/null; }

# The skopeo options that reach registry NAME: PREFIX "src-", "dest-" or "" (inspect).
registry_skopeo_opts() {
        local name=$1 p=$2
        REGISTRY_OPTS=()
        case ${REGISTRY_MODE[$name]} in
        plain) REGISTRY_OPTS=("--${p}tls-verify=false") ;;
        tls) REGISTRY_OPTS=("--${p}cert-dir" "$REGISTRY_CA_DIR") ;;
        *) REGISTRY_OPTS=("--${p}cert-dir" "$REGISTRY_CA_DIR" "--${p}creds" "$REGISTRY_USER:$REGISTRY_PASSWORD") ;;
        esac
}

registry_skopeo() {
        local name=$1 verb=$2
        shift 2
        registry_skopeo_opts "$name" "$([ "$verb" = copy ] && echo src-)"
        skopeo "$verb" "${REGISTRY_OPTS[@]}" "$@"
}

oci_image() { python3 "$REGISTRY_HERE/oci-image.py" "$@"; }

registry_push() {
        local layout=$1 tag=$2 name=$3 dest=$4
        shift 4
        registry_skopeo_opts "$name" dest-
        skopeo copy --quiet --all "${REGISTRY_OPTS[@]}" "$@" "oci:$layout:$tag" "docker://${REGISTRY[$name]}/$dest"
}

registry_retag() {
        local name=$1 src dst
        registry_skopeo_opts "$name" src-
        src=("${REGISTRY_OPTS[@]}")
        registry_skopeo_opts "$name" dest-
        dst=("${REGISTRY_OPTS[@]}")
        skopeo copy --quiet --all "${src[@]}" "${dst[@]}" "docker://${REGISTRY[$name]}/$2" "docker://${REGISTRY[$name]}/$3"
}

registry_digest() {
        local raw
        raw=$(mktemp "$REGISTRY_TMP/raw.XXXXXX")
        registry_skopeo "$1" inspect --raw "docker://${REGISTRY[$1]}/$2" > "$raw" || { rm -f "$raw"; return 1; }
        echo "sha256:$(sha256sum < "$raw" | cut -d' ' -f1)"
        rm -f "$raw"
}

registry_blob_path() {
        local hex=${2#sha256:}
        echo "${REGISTRY_ROOT[$1]}/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

registry_corrupt() {
        local f size
        f=$(registry_blob_path "$1" "$2")
        [ -f "$f" ] || { echo "registry_corrupt: no blob $2 in ${REGISTRY_ROOT[$1]}" >&2; return 1; }
        if [ -n "${3:-}" ]; then
                cp "$3" "$f.new"
        else
                size=$(stat -c %s "$f")
                head -c "$size" /dev/urandom > "$f.new"
        fi
        mv "$f.new" "$f"
}

# The registry's access log has '"GET /v2/REPO/blobs/DIGEST HTTP/1.1" 200'; the proxy's log
# 'GET /v2/REPO/blobs/DIGEST 200'. Both count a GET the registry answered.
registry_blob_gets() {
        grep -cE "\"?GET /v2/[^ ]+/blobs/$2( HTTP/[0-9.]+\")? (200|206)" "${REGISTRY_LOG[$1]}"
}
