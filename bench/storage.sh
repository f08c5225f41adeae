# SPDX-License-Identifier: LGPL-2.1-or-later
# The image store, timed. Hostile images: how long berth takes to load, run or refuse an image
# whose config holds 100,000 Env entries (issue 12: 25 s to refuse) and one at berth's bound
# (4,096), and to list and remove an image holding a 1,100-level directory tree. Prints each
# command's exit code with its time: the answer matters as much as the speed. Then what checking
# digests costs: image load of one 200 MiB docker-save archive of two layers, with the layers'
# diff_ids only (which the store needs) and with docker's naming too (the config as SHA256.json),
# median of BENCH_N runs.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
work=$(mktemp -d /var/tmp/bench-storage.XXXXXX)
trap 'rm -rf "$work"; berth image rm manyenv:1 maxenv:1 deep:1 >/dev/null 2>&1' EXIT
python3 - "$work" <<'PY'
import hashlib, io, json, sys, tarfile
work = sys.argv[1]

def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, kind in entries:
            i = tarfile.TarInfo(name)
            i.type = kind
            i.mode = 0o755
            i.size = len(data or b"")
            t.addfile(i, io.BytesIO(data) if data else None)
    return b.getvalue()

busybox = open("/bin/busybox", "rb").read()
base = [("bin", None, tarfile.DIRTYPE), ("bin/busybox", busybox, tarfile.REGTYPE),
        ("bin/true", None, tarfile.SYMTYPE)]
def image(path, tag, env, extra=()):
    layer = tar(base + list(extra))
    cfg = json.dumps({"config": {"Env": env, "Cmd": ["/bin/busybox", "true"]},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
    manifest = json.dumps([{"Config": "c.json", "RepoTags": [tag], "Layers": ["l/layer.tar"]}]).encode()
    with open(path, "wb") as f:
        f.write(tar([("manifest.json", manifest, tarfile.REGTYPE), ("c.json", cfg, tarfile.REGTYPE),
                     ("l/layer.tar", layer, tarfile.REGTYPE)]))

image(work + "/manyenv.tar", "manyenv:1", ["VAR_%06d=value" % i for i in range(100000)])
image(work + "/maxenv.tar", "maxenv:1", ["VAR_%06d=value" % i for i in range(4096)])
deep = [("/".join(["d"] * (i + 1)), None, tarfile.DIRTYPE) for i in range(1100)]
image(work + "/deep.tar", "deep:1", ["PATH=/bin"], deep)
PY
timed() {
        local t0 t1 rc
        t0=$(date +%s%N)
        "$@" >/dev/null 2>"$work/err"; rc=$?
        t1=$(date +%s%N)
        printf '%-48s rc %3d %10.1f ms  %s\n' "$*" "$rc" "$(awk -v d=$((t1 - t0)) 'BEGIN { print d / 1e6 }')" \
                "$(head -c 150 "$work/err")"
}
timed berth image load "$work/manyenv.tar"
timed berth run --rm manyenv:1
timed berth image load "$work/maxenv.tar"
timed berth run --rm maxenv:1
timed berth run --rm maxenv:1
timed berth image load "$work/deep.tar"
timed berth image ls
timed berth image rm deep:1

N=${BENCH_N:-5}
python3 - "$work" <<'PY'
import hashlib, io, json, os, sys, tarfile
work = sys.argv[1]
def tar(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for name, data in members:
            i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    return b.getvalue()
layers = [tar([("s/%04d" % i, os.urandom(4096)) for i in range(5000)]),
          tar([("big/%d" % i, os.urandom(45 << 20)) for i in range(4)])]
for digests in (False, True):
    cfg = {"config": {"Cmd": ["true"]}, "rootfs": {"type": "layers", "diff_ids": []}}
    name = "c.json"
    cfg["rootfs"]["diff_ids"] = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    if digests:
        name = hashlib.sha256(json.dumps(cfg).encode()).hexdigest() + ".json"
    manifest = [{"Config": name, "RepoTags": ["bench:1"], "Layers": ["0/layer.tar", "1/layer.tar"]}]
    with open(work + ("/digests.tar" if digests else "/plain.tar"), "wb") as f:
        f.write(tar([("manifest.json", json.dumps(manifest).encode()), (name, json.dumps(cfg).encode()),
                     ("0/layer.tar", layers[0]), ("1/layer.tar", layers[1])]))
PY
load_rm() { berth image load "$1" bench-digests >/dev/null && berth image rm bench-digests >/dev/null; }
plain_ms=$(bench_n "$N" load_rm "$work/plain.tar")
digests_ms=$(bench_n "$N" load_rm "$work/digests.tar")
printf '%-58s %10s\n' "image load + rm of a $(( $(stat -c %s "$work/plain.tar") >> 20 )) MiB archive, median of $N" ms
printf '%-58s %10s\n' "  diff_ids checked, config named c.json" "$plain_ms"
printf '%-58s %10s\n' "  diff_ids and the config's name (docker's) checked" "$digests_ms"
