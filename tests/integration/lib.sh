# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by every scenario; runs inside a testbed, as root, against the installed berth.
# Checks print TAP lines ("ok - what" / "not ok - what"); the runner counts them.
set -uo pipefail

SRC=${BERTH_SOURCE_DIR:?run scenarios through tests/integration/run}
FAILED=0
CLEANUPS=()

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }

# check WHAT CMD…: CMD succeeds
check() {
        local what=$1; shift
        local out
        if out=$("$@" 2>&1); then pass "$what"; else fail "$what"; echo "$out" | sed 's/^/#   /'; fi
}

# check_fails WHAT CMD…: CMD fails
check_fails() {
        local what=$1; shift
        if "$@" >/dev/null 2>&1; then fail "$what (unexpectedly succeeded)"; else pass "$what"; fi
}

# check_eq WHAT GOT WANT
check_eq() {
        if [ "$2" = "$3" ]; then pass "$1"; else fail "$1"; echo "#   got:  '$2'"; echo "#   want: '$3'"; fi
}

# check_match WHAT TEXT REGEX (the text from a process substitution, not a pipe: under pipefail a
# printf interrupted or cut short would fail the check whatever grep found)
check_match() {
        if grep -qE -- "$3" < <(printf '%s' "$2"); then pass "$1"; else fail "$1"; echo "#   '$2' does not match /$3/" ; fi
}

on_exit() { CLEANUPS+=("$*"); }

# has_option VERB OPTION: berth VERB --help names OPTION (a here-string, not a pipe into grep -q:
# under pipefail, a berth cut short by grep's early exit would make the answer no)
has_option() { grep -q -- "$2" <<<"$(berth "$1" --help 2>&1)"; }

# The suite's second pass (tests/integration/run with BERTH_TEST_USERNS=auto) runs with
# "[Containers] UserNS=auto" in /etc/berth/berth.conf. A scenario that writes its own berth.conf
# does it through berth_conf (the text on stdin; the pass's lines go after it, so that the line
# numbers berth reports are the scenario's) and takes it away with berth_conf_reset.
berth_conf() {
        mkdir -p /etc/berth
        {
                cat
                [ -z "${BERTH_TEST_USERNS:-}" ] || printf '\n[Containers]\nUserNS=%s\n' "$BERTH_TEST_USERNS"
        } > /etc/berth/berth.conf
}
berth_conf_reset() {
        if [ -n "${BERTH_TEST_USERNS:-}" ]; then berth_conf < /dev/null; else rm -f /etc/berth/berth.conf; fi
}
[ -z "${BERTH_TEST_USERNS:-}" ] || berth_conf_reset

# wait_for SECONDS CMD…: until CMD succeeds, or SECONDS pass
wait_for() {
        local i n=$(($1 * 10)); shift
        for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
        return 1
}

finish() {
        local i
        for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
        [ "$FAILED" = 0 ] || exit 1
}
trap finish EXIT

# make_image NAME [FILE…]: a throw-away image from the static busybox, with passwd/group and
# os-release; the FILEs (static binaries) go to /usr/bin.
make_image() {
        local name=$1 dir
        shift
        dir=$(mktemp -d /tmp/image.XXXXXX)
        mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/user,usr/bin,usr/sbin,var}
        cp /bin/busybox "$dir/bin/busybox"
        for a in $("$dir/bin/busybox" --list); do
                [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
        printf 'root:x:0:\nuser:x:1000:\nextra:x:2000:user\nnogroup:x:65534:\n' > "$dir/etc/group"
        printf 'ID=berthtest\nNAME="berth test image"\nVERSION_ID=1.0\n' > "$dir/etc/os-release"
        chown 1000:1000 "$dir/home/user"
        chmod 1777 "$dir/tmp"
        [ $# -gt 0 ] && cp "$@" "$dir/usr/bin/"
        berth image import "$dir" "$name" >/dev/null
        rm -rf "$dir"
        on_exit "berth image rm $name"
}

# skip_unless_idmap DIR: ends the scenario with a SKIP unless the kernel and the file system of
# DIR can make the trees idmapped mounts need (open_tree(OPEN_TREE_CLONE)): a tmpfs or a real
# file system, not the testbed's overlay of an older kernel.
skip_unless_idmap() {
        local probe
        probe=$(mktemp -d "$1/probe.XXXXXX")
        if ! python3 - "$probe" <<'PY' 2>/dev/null
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.syscall(428, -100, sys.argv[1].encode(), 1 | 0o2000000)  # open_tree(OPEN_TREE_CLONE)
sys.exit(0 if fd >= 0 else 1)
PY
        then
                rmdir "$probe"
                echo "ok - # SKIP open_tree() refused on $1"
                exit 0
        fi
        rmdir "$probe"
}
