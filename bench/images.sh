# SPDX-License-Identifier: LGPL-2.1-or-later
# Image load, side by side in one run: `berth image load` of a docker-save archive of two layers
# (10,000 small files, and 4 files of 50 MiB) against GNU tar unpacking the same outer archive and
# then each layer into the same file system, which is the least a load has to do.
. "$BERTH_SOURCE_DIR/bench/lib.sh"
set -u
N=${BENCH_N:-5}
work=$(mktemp -d /var/lib/berth/.bench-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$work/image.tar" <<'PY'
import hashlib, io, json, os, random, sys, tarfile
random.seed(1)

def layer(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            i = tarfile.TarInfo(name)
            i.size, i.mode = len(data), 0o644
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()

small = layer([("d%02d/f%03d" % (d, f), os.urandom(random.randint(1024, 4096))) for d in range(100) for f in range(100)])
large = layer([("big/%d" % i, os.urandom(50 << 20)) for i in range(4)])
cfg = json.dumps({"config": {"Cmd": ["true"]}, "rootfs": {"type": "layers", "diff_ids": [
        "sha256:" + hashlib.sha256(x).hexdigest() for x in (small, large)]}}).encode()
manifest = json.dumps([{"Config": "c.json", "RepoTags": ["bench:1"], "Layers": ["s/layer.tar", "l/layer.tar"]}]).encode()
with tarfile.open(sys.argv[1], "w") as t:
    for name, data in (("manifest.json", manifest), ("c.json", cfg), ("s/layer.tar", small), ("l/layer.tar", large)):
        i = tarfile.TarInfo(name)
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
PY

load_once() { berth image load "$work/image.tar" bench-img >/dev/null && berth image rm bench-img >/dev/null; }
tar_once() {
        local d=$work/tar
        mkdir -p "$d/outer" "$d/000" "$d/001"
        tar -xf "$work/image.tar" -C "$d/outer"
        tar -xpf "$d/outer/s/layer.tar" -C "$d/000" --numeric-owner --xattrs
        tar -xpf "$d/outer/l/layer.tar" -C "$d/001" --numeric-owner --xattrs
        sync -f "$d"
        rm -rf "$d"
}
# berth's load includes its rm (the images are not kept between runs); tar's includes its rm -rf.
load_ms=$(bench_n "$N" load_once)
tar_ms=$(bench_n "$N" tar_once)
size=$(stat -c %s "$work/image.tar")
printf '%-58s %10s\n' "a $((size >> 20)) MiB archive, 10,004 files in 2 layers, median of $N" "ms"
printf '%-58s %10s\n' "berth image load + image rm" "$load_ms"
printf '%-58s %10s\n' "tar -x of the archive and of each layer + rm -rf" "$tar_ms"
awk -v b="$load_ms" -v t="$tar_ms" 'BEGIN { printf "berth / tar = %.2f\n", b / t }'
