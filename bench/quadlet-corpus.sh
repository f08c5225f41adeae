#!/bin/bash
# Runs every .container file of Podman's Quadlet test suite through `berth verify`, as a new user
# would try them, and tallies what is accepted and, for each refused file, the key and why.
#
#   bench/quadlet-corpus.sh BUILD_DIR PODMAN_SOURCE_DIR [--raw]
#
# PODMAN_SOURCE_DIR is a checkout of github.com/containers/podman (its test/e2e/quadlet is read,
# never copied into berth). Without --raw, Image= values are first rewritten to a local image
# name, since registry references are issue 15's; with --raw the files are taken as they are.
# Needs no root and no testbed: verify only parses.
set -u
build=${1:?usage: $0 BUILD_DIR PODMAN_SOURCE_DIR [--raw]}
src=${2:?usage: $0 BUILD_DIR PODMAN_SOURCE_DIR [--raw]}
raw=${3:-}
dir="$src/test/e2e/quadlet"
[ -d "$dir" ] || { echo "no $dir" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ok=0 bad=0
for f in "$dir"/*.container; do
        b=$(basename "$f")
        if [ "$raw" = --raw ]; then
                cp "$f" "$work/$b"
        else
                sed -E 's/^Image=.*/Image=localimage/' "$f" > "$work/$b"
        fi
        # The directory's drop-ins travel with the file, as Quadlet reads them.
        [ -d "$f.d" ] && cp -r "$f.d" "$work/"
        if out=$("$build/src/cli/berth" verify "$work/$b" 2>&1); then
                ok=$((ok + 1))
        else
                bad=$((bad + 1))
                printf '%-40s %s\n' "$b" "$(printf '%s' "$out" | head -1 | sed "s|$work/||")"
        fi
done | tee "$work/refused"
ok=$(ls "$dir"/*.container | wc -l)
bad=$(wc -l < "$work/refused")
echo "accepted: $((ok - bad)) of $ok"
