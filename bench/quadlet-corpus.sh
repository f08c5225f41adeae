#!/bin/bash
# Runs every .container file of Podman's Quadlet test suite through `berth verify`, as a new user
# would try them, and tallies what is accepted and, for each refused file, the key and why; then
# runs berth-generator on each accepted file and checks the `## assert-` lines that have a berth
# equivalent.
#
#   bench/quadlet-corpus.sh BUILD_DIR PODMAN_SOURCE_DIR [--raw]
#
# PODMAN_SOURCE_DIR is a checkout of github.com/containers/podman (its test/e2e/quadlet is read,
# never copied into berth). Without --raw, Image= values (in the file and its drop-ins) are first
# rewritten to a local image name; with --raw the files are taken as they are (since issue 15
# berth takes docker's references, so the two differ only in the .image/.build units --raw shows). Each file is tried alone in a directory of its own, with what Quadlet's
# test harness puts next to it: its drop-in directories (NAME.container.d/, and NAME@.container.d/
# for an instance) and the .volume files it names (Volume=, Mount='s source=).
#
# The asserts checked, against the drop-in berth-generator writes for the container's unit:
#   assert-key-is, assert-key-is-empty, assert-last-key-is-regex of a [Unit] or [Service] key the
#   file (or its drop-ins) sets itself — Quadlet's own keys (ExecStart=, KillMode=, ...) have no
#   berth equivalent —, and assert-symlink of a .wants/.requires/.upholds link (NAME.service is
#   container@NAME.service for berth).
# Needs no root and no testbed: verify only parses, and the generator writes into a temp dir.
set -u
build=${1:?usage: $0 BUILD_DIR PODMAN_SOURCE_DIR [--raw]}
src=${2:?usage: $0 BUILD_DIR PODMAN_SOURCE_DIR [--raw]}
raw=${3:-}
dir="$src/test/e2e/quadlet"
[ -d "$dir" ] || { echo "no $dir" >&2; exit 2; }
build=$(cd "$build" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

localise() { # FILE → stdout, Image= rewritten unless --raw
        if [ "$raw" = --raw ]; then cat "$1"; else sed -E 's/^Image=.*/Image=localimage/' "$1"; fi
}

total=0
: > "$work/refused"
: > "$work/asserts"
for f in "$dir"/*.container; do
        b=$(basename "$f")
        total=$((total + 1))
        case_dir="$work/case/$b"
        mkdir -p "$case_dir"
        localise "$f" > "$case_dir/$b"
        # The drop-ins, as quadlet_test.go copies them: NAME.container.d and, for NAME@INST,
        # NAME@.container.d.
        base=${b%.container}
        dropins=("$b.d")
        case "$base" in *@?*) dropins+=("${base%%@*}@.container.d") ;; esac
        for d in "${dropins[@]}"; do
                [ -d "$dir/$d" ] || continue
                mkdir -p "$case_dir/$d"
                for c in "$dir/$d"/*; do localise "$c" > "$case_dir/$d/$(basename "$c")"; done
        done
        # The .volume files it names, in Volume= and in Mount='s source= (or src=).
        for v in $(grep -oE '^Volume=[^:]+\.volume|^Mount=.*(source|src)=[^,]+\.volume' "$f" | sed -E 's/^Volume=//; s/.*(source|src)=//'); do
                [ -f "$dir/$v" ] && cp "$dir/$v" "$case_dir/"
        done
        if ! out=$("$build/src/cli/berth" verify "$case_dir/$b" 2>&1); then
                printf '%-40s %s\n' "$b" "$(printf '%s' "$out" | head -1 | sed "s|$case_dir/||g")" >> "$work/refused"
                continue
        fi
        # The generator, on that directory alone. A template runs as its DefaultInstance=.
        out_dir="$work/out/$b"
        mkdir -p "$out_dir"
        BERTH_DEFINITION_PATH="$case_dir" "$build/generators/berth-generator" "$out_dir" "$out_dir" "$out_dir" 2>/dev/null
        python3 - "$f" "$case_dir" "$out_dir" "$b" >> "$work/asserts" <<'PY'
import os, re, shlex, sys, glob
src, case_dir, out_dir, name = sys.argv[1:5]
base = name[:-len(".container")]

def parse(path):
    groups, g = {}, None
    with open(path) as fh:
        lines = fh.read().split("\n")
    cont = ""
    for raw in lines:
        line = raw.strip()
        if line.startswith("#") or line.startswith(";"):
            continue
        if line.endswith("\\"):
            cont += line[:-1] + " "
            continue
        line, cont = cont + line, ""
        if line.startswith("["):
            g = line[1:line.index("]")]
            groups.setdefault(g, [])
        elif "=" in line and g is not None:
            k, v = line.split("=", 1)
            groups[g].append((k.strip(), v.strip()))
    return groups

# The keys the test file itself sets in [Unit] and [Service], drop-ins included; and the units
# Quadlet calls NAME.service for a NAME.container named there, which are container@NAME.service.
own = {"Unit": set(), "Service": set()}
renamed = {}
for p in [os.path.join(case_dir, name)] + sorted(glob.glob(os.path.join(case_dir, "*.d", "*.conf"))):
    for g, kv in parse(p).items():
        if g in own:
            own[g].update(k for k, _ in kv)
            for _, v in kv:
                for w in v.split():
                    if w.endswith(".container"):
                        renamed[w[:-len(".container")] + ".service"] = "container@" + w[:-len(".container")] + ".service"

def berth_words(v):
    return " ".join(renamed.get(w, w) for w in v.split(" "))

unit_name = base
if base.endswith("@"):
    m = [v for k, v in parse(os.path.join(case_dir, name)).get("Install", []) if k == "DefaultInstance"]
    unit_name = base + (m[-1] if m else "")
dropin = os.path.join(out_dir, "container@%s.service.d" % unit_name, "50-berth.conf")
groups = parse(dropin) if os.path.exists(dropin) else {}

def values(g, k):
    vals = []
    for kk, v in groups.get(g, []):
        if kk == k:
            vals = [] if v == "" else vals + [v]
    return vals

def last(g, k):
    vals = [v for kk, v in groups.get(g, []) if kk == k]
    return vals[-1] if vals else None

checked = passed = 0
with open(src) as fh:
    for line in fh:
        if not line.startswith("##"):
            continue
        try:
            words = shlex.split(line[2:])
        except ValueError:
            continue
        if not words:
            continue
        op, args = words[0], [a.replace("\\n", "\n").replace("\\t", "\t") for a in words[1:]]
        invert = op.startswith("!")
        op = op.lstrip("!")
        ok = None
        if op in ("assert-key-is", "assert-key-is-empty", "assert-last-key-is-regex") and len(args) >= 2 \
                and args[0] in own and args[1] in own[args[0]]:
            g, k = args[0], args[1]
            if op == "assert-key-is":
                ok = values(g, k) == [berth_words(a) for a in args[2:]]
            elif op == "assert-key-is-empty":
                ok = values(g, k) == []
            else:
                v = last(g, k)
                ok = v is not None and re.search(args[2], v) is not None
        elif op == "assert-symlink" and len(args) == 2:
            link = args[0]
            m = re.match(r"^(.*\.(wants|requires|upholds))/(.*)\.service$", link)
            if m:
                ok = os.path.islink(os.path.join(out_dir, m.group(1), "container@%s.service" % m.group(3)))
        if ok is None:
            continue
        ok = ok != invert
        checked += 1
        passed += ok
        if not ok:
            print("FAIL %s: %s" % (name, line.strip()))
print("COUNT %d %d" % (checked, passed))
PY
done
sort "$work/refused"
echo
grep '^FAIL' "$work/asserts"
checked=$(awk '/^COUNT/ { c += $2; p += $3 } END { print c + 0, p + 0 }' "$work/asserts")
refused=$(wc -l < "$work/refused")
echo "accepted: $((total - refused)) of $total"
# Files Quadlet itself refuses (their "## assert-failed"): refusing them is right.
expected=0
while read -r f _; do
        grep -q '^## assert-failed' "$dir/$f" 2>/dev/null && expected=$((expected + 1))
done < "$work/refused"
echo "of the refused, $expected are refused by Quadlet too (## assert-failed)"
echo "asserts with a berth equivalent on the accepted files: ${checked#* } of ${checked% *} hold"
echo
echo "refused, by key:"
sed -E "s/^[^ ]+ +berth: [^:]+(:[0-9]+)?: //; s/^(key '[^']+'( in \[[A-Za-z]+\])?|section \[[A-Za-z]+\]|unknown section).*/\1/" "$work/refused" |
        sort | uniq -c | sort -rn
