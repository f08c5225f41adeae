# SPDX-License-Identifier: LGPL-2.1-or-later
# Storage under hostile input and faults (issues 12 and 13): hostile images (chattr +i/+a, a
# 1,100-level tree, bad whiteouts, 100,000 Env entries, digests that do not match), a full disk
# (import, load, copy-up into a volume, a container's own writes), kill -9 of image load and import
# at several moments, and image prune / system prune. /var/lib/berth is a small tmpfs of this
# testbed's own for the whole scenario: nothing of the host's is touched.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

mk="$BERTH_SOURCE_DIR/tests/integration/helpers/image-archive.py"
work=$(mktemp -d /var/tmp/storage.XXXXXX)
on_exit "rm -rf $work"
STATE=/var/lib/berth
STORE=$STATE/store
mkdir -p $STATE
# Registered first, so it runs last: every image, volume and container is gone by then.
mount -t tmpfs -o size=20m,mode=755 berth-storage $STATE
on_exit "umount -l $STATE"
# What an operation left behind in the store's tmp/.
leftovers() { ls -A "$STORE/tmp" 2>/dev/null | wc -l; }
# The images' names, a local image's as it was imported ("base" for localhost/base:latest).
names() { berth image ls --no-legend | awk '{print $1 ":" $2}' | sed 's|^localhost/||; s|:latest$||'; }
# layer_dir IMAGE N: the directory of the image's layer N (0 the bottom), by its chain ID.
layer_dir() {
        berth image inspect "$1" | python3 -c '
import hashlib, json, sys
ids = json.load(sys.stdin)[0]["RootFS"]["Layers"][:int(sys.argv[1]) + 1]
chain = ids[0]
for d in ids[1:]:
    chain = "sha256:" + hashlib.sha256((chain + " " + d).encode()).hexdigest()
print("'"$STORE"'/layers/sha256/" + chain[7:])' "$2"
}
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" = 1 ]; }

make_image base
make_image spare
listed=$(names)

# --- a full disk: import and load -------------------------------------------------------------------------
mkdir -p "$work/bigdir"
head -c 24M /dev/urandom > "$work/bigdir/big"
tar -C "$work/bigdir" -cf "$work/big.tar" .
python3 "$mk" docker-big "$work/docker-big.tar"

out=$(berth image import "$work/big.tar" big 2>&1); rc=$?
check_eq "import of an archive larger than the disk: 125" "$rc" 125
check_match "  … saying the disk is full, naming the store and the entry" "$out" \
        "^berth: Failed to import $work/big.tar as image localhost/big:latest: the disk is full: no space left in $STORE \(entry '\./big': No space left on device\)$"
check "  … in one line" one_line "$out"
check_eq "  … leaving nothing" "$(leftovers) $(names | grep -c '^big$')" "0 0"
out=$(berth image import "$work/bigdir" bigd 2>&1); rc=$?
check_match "import of a directory larger than the disk: 125, the disk is full" "$rc $out" \
        "^125 berth: Failed to import $work/bigdir as image localhost/bigd:latest: the disk is full: no space left in $STORE$"
check_eq "  … leaving nothing" "$(leftovers) $(names | grep -c '^bigd$')" "0 0"
out=$(berth image load "$work/docker-big.tar" 2>&1); rc=$?
check_eq "load of an archive larger than the disk: 125" "$rc" 125
check_match "  … saying the disk is full (not that manifest.json is not JSON)" "$out" \
        "^berth: Failed to load $work/docker-big.tar: the disk is full: no space left in $STORE \("
check "  … in one line" one_line "$out"
check_eq "  … leaving nothing" "$(leftovers) $(names | grep -c 'big:1')" "0 0"
check_eq "the store lists what it listed before" "$(names)" "$listed"
check "  … every image still runs" berth run --rm spare true
check "  … and is removed" berth image rm spare
check_eq "  … for good" "$(names)" base

# --- a full disk: copy-up into a new volume ---------------------------------------------------------------
mkdir -p "$work/vimg/data"
cp -a "$work/bigdir/big" "$work/vimg/data/"
(cd "$work/vimg" && mkdir -p bin etc proc sys dev tmp && cp /bin/busybox bin/ && for a in sh cat wc true; do ln -s busybox bin/$a; done)
truncate -s 8M "$work/vimg/data/big"
mount -o remount,size=40m $STATE
berth image import "$work/vimg" vimg >/dev/null
on_exit "berth image rm vimg"
# Leave less room than the volume needs.
head -c $(( $(df --output=avail -B1 $STATE | tail -1) - (4 << 20) )) /dev/zero > $STATE/.ballast
out=$(berth run --rm --name cu -v cuvol:/data vimg true 2>&1); rc=$?
check_eq "copy-up into a new volume on a full disk: 125" "$rc" 125
check_eq "  … in one line saying the disk is full, naming the volume" "$out" \
        "berth: Failed to copy /data of the image into volume cuvol: the disk is full (No space left on device) in $STATE/volumes/cuvol; the volume stays empty and is filled at its next use"
check_eq "  … no half volume: neither _data nor a staging directory" "$(ls -A $STATE/volumes/cuvol)" ""
check_match "  … it is listed as new" "$(berth volume ls --no-legend | grep '^cuvol ')" '^cuvol +new '
rm -f $STATE/.ballast
check_eq "with room, the next start fills it" "$(berth run --rm -v cuvol:/data vimg sh -c 'cat /data/big | wc -c')" $((8 << 20))
berth volume rm cuvol >/dev/null

# --- a full disk: a container's own writes ----------------------------------------------------------------
out=$(berth run --rm --name writer base sh -c 'dd if=/dev/zero of=/fill bs=1M count=64; echo "rc=$?"' 2>&1); rc=$?
# (stdout and stderr are two pipes: their lines may come in either order)
check_eq "a container that fills the disk gets ENOSPC" "$rc $(printf '%s\n' "$out" | grep -c 'No space left on device')" "0 1"
check_match "  … and runs on" "$out" "^rc=1$"
check_eq "  … and with --rm nothing of it is left" "$(ls -A $STATE/containers 2>/dev/null; berth list -a --no-legend | grep -c writer)" 0
check "the store still lists its images" sh -c 'berth image ls | grep -q "^localhost/base "'

# --- kill -9 of load and import, at several moments -------------------------------------------------------
mount -o remount,size=200m $STATE
python3 - "$work/slow.tar" "$work/slow-layer.tar" <<'PY'
import io, json, os, sys, tarfile
def tar(members, path=None):
    b = io.BytesIO() if path is None else open(path, "wb")
    with tarfile.open(fileobj=b, mode="w:gz" if path is None else "w") as t:
        for name, data in members:
            i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    return b.getvalue() if path is None else None
files = [("d%03d/f%03d" % (i // 100, i % 100), os.urandom(1024)) for i in range(20000)]
layer = tar(files)
tar(files, sys.argv[2])
import hashlib
cfg = json.dumps({"config": {}, "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()]}}).encode()
manifest = json.dumps([{"Config": "c.json", "RepoTags": ["slow:1"], "Layers": ["l/layer.tar.gz"]}]).encode()
tar([("manifest.json", manifest), ("c.json", cfg), ("l/layer.tar.gz", layer)], sys.argv[1])
PY
python3 "$mk" rootfs "$work/small.tar"
python3 "$mk" docker "$work/docker.tar"
# Each kill, then the next operation: it must find and reclaim what the killed one left.
left=0 stayed=0
for d in 0.05 0.2 0.5; do
        for op in load import; do
                if [ $op = load ]; then
                        timeout -s KILL $d berth image load "$work/slow.tar" killed >/dev/null 2>&1
                else
                        timeout -s KILL $d berth image import "$work/slow-layer.tar" killed >/dev/null 2>&1
                fi
                left=$((left + $(leftovers)))
                if [ $op = load ]; then
                        berth image load "$work/docker.tar" next >/dev/null
                else
                        berth image import "$work/small.tar" next >/dev/null
                fi
                stayed=$((stayed + $(leftovers)))
                berth image rm next >/dev/null
                berth image rm killed >/dev/null 2>&1 # when it finished before the kill
        done
done 2>/dev/null
check "kill -9 of image load and import at 50, 200 and 500 ms left debris ($left directories in 6 kills)" \
        test "$left" -gt 0
check_eq "  … and the next load or import reclaimed it each time" "$stayed" 0
check_eq "  … leaving nothing" "$(leftovers) $(names | tr '\n' ' ')" "0 base vimg "

# A load whose process still runs is never reclaimed: its archive arrives slowly on stdin.
mkfifo "$work/fifo"
berth image load - live < "$work/fifo" >/dev/null 2>&1 &
loader=$!
exec 7>"$work/fifo"
head -c 10240 "$work/slow.tar" >&7
wait_for 5 sh -c "ls -A $STORE/tmp | grep -q '^load-'"
check "a load in progress has its load- directory in tmp/" sh -c "ls -A $STORE/tmp | grep -q '^load-'"
out=$(berth image prune)
check_eq "  … which image prune leaves alone" "$(leftovers) $(echo "$out" | grep -c '^reclaimed')" "1 0"
check "  … as the next import does" berth image import "$work/small.tar" during
check_eq "  … still there" "$(leftovers)" 1
kill -9 $loader; wait $loader 2>/dev/null; exec 7>&-
out=$(berth image prune)
check_match "once its process is gone, image prune reclaims it" "$out" "^reclaimed $STORE/tmp/load-[0-9a-f]{12}$"
check_match "  … and says how much" "$(echo "$out" | tail -1)" '^Total reclaimed space: [0-9.]+[BKMG]$'
check_eq "  … nothing left" "$(leftovers)" 0
berth image rm during >/dev/null

# --- image prune, system prune ----------------------------------------------------------------------------
mkdir -p $STORE/tmp/layer-gone01/etc $STORE/tmp/removing-old012
out=$(berth image prune)
check_eq "image prune removes debris, a line for each" "$(echo "$out" | grep '^reclaimed' | LC_ALL=C sort)" \
        "reclaimed $STORE/tmp/layer-gone01
reclaimed $STORE/tmp/removing-old012"
check_eq "  … all of it" "$(leftovers)" 0
berth image import "$work/small.tar" unused >/dev/null
berth create --name user1 base true >/dev/null
on_exit "berth rm -f user1"
out=$(berth image prune -a)
check_eq "image prune -a removes the images no container uses" "$(echo "$out" | grep '^Untagged')" "Untagged: localhost/unused:latest
Untagged: localhost/vimg:latest"
check_match "  … and deletes them" "$out" "^Deleted: sha256:[0-9a-f]{64}$"
check_eq "  … and keeps the one a container uses" "$(names)" base
berth image import "$work/small.tar" unused2 >/dev/null
berth volume create vx >/dev/null
mkdir -p $STATE/volumes/vx/.staging-999 && echo half > $STATE/volumes/vx/.staging-999/f
out=$(berth system prune)
check_match "system prune removes what a copy-up cut short left" "$out" "reclaimed volume vx/\.staging-999"
check_eq "  … but not the volume" "$(ls -A $STATE/volumes/vx)" ""
out=$(berth system prune -a --volumes)
check_match "system prune -a --volumes removes unused images and volumes" "$out" "^Untagged: localhost/unused2:latest$"
check "  … the volume too" sh -c "! test -e $STATE/volumes/vx"
check_eq "  … never an image a container uses, nor the container" \
        "$(names) $(berth list -a --no-legend | grep -c user1)" "base 1"
check "image prune --help" sh -c 'berth image prune --help | grep -q "^Usage: berth image prune"'
check "system prune --help" sh -c 'berth system prune --help | grep -q "^Usage: berth system prune"'
check "berth --help lists system" sh -c 'berth --help | grep -q "^  system "'
berth rm -f user1 >/dev/null

# --- hostile images ---------------------------------------------------------------------------------------
for k in docker-immutable docker-deep docker-badopaque docker-manyenv docker-digests docker-baddiffid \
        docker-badconfig oci-badlayer oci-badconfig; do
        python3 "$mk" $k "$work/$k.tar"
done
check_eq "an image with chattr +i/+a entries loads" "$(berth image load "$work/docker-immutable.tar")" "Loaded image: docker.io/library/immutable:1"
top=$(layer_dir immutable:1 1)
attrs=$(lsattr -d $top/etc/locked $top/etc/log $top/etc/lockeddir | cut -d' ' -f1 | tr '\n' ' ')
check_match "  … without the attributes ($attrs)" "$attrs" '^[^ia ]+ [^ia ]+ [^ia ]+ $' 
check "  … and is removed whole" berth image rm immutable:1
check_eq "  … leaving nothing" "$(leftovers) $(test -e $top && echo top-left)" "0 "
check_eq "an image with a 1,100-level tree loads" "$(berth image load "$work/docker-deep.tar")" "Loaded image: docker.io/library/deep:1"
check_match "  … image ls lists it and the others" "$(names | tr '\n' ' ')" "^docker.io/library/deep:1 base $"
check "  … image inspect gives its size" sh -c 'berth image inspect deep:1 | grep -q "\"Size\": [1-9]"'
check_eq "  … a volume at its top is filled with the whole tree" \
        "$(berth run --rm -v deepvol:/deep deep:1 true && find $STATE/volumes/deepvol/_data -type d | wc -l)" 1100
berth volume rm deepvol >/dev/null
berth create --name deepc deep:1 true >/dev/null
check_eq "  … export writes the whole tree" "$(berth export deepc | tar -tf - | grep -c '/deep/$')" 1100
berth rm -f deepc >/dev/null
check "  … and it is removed whole" berth image rm deep:1
check_eq "  … leaving nothing" "$(leftovers)" 0
out=$(berth image load "$work/docker-badopaque.tar" 2>&1); rc=$?
check_eq "a bad opaque marker: 125 in one line naming the archive, the layer and the entry" "$rc $out" \
        "125 berth: Failed to load $work/docker-badopaque.tar: layer 1 (l1/layer.tar): entry 'etc/keep/.wh..wh..opq': an opaque marker in 'etc/keep', which is not a directory"
out=$(berth image load "$work/docker-manyenv.tar" 2>&1); rc=$?
check_eq "100,000 Env entries: 125 in one line" "$rc $out" \
        "125 berth: Failed to load $work/docker-manyenv.tar: the image's config 'cfg.json' sets more than 4096 Env entries, more than berth takes"
check_eq "docker save with digests that match loads" "$(berth image load "$work/docker-digests.tar")" "Loaded image: docker.io/library/digests:1"
berth image rm digests:1 >/dev/null
for k in docker-baddiffid docker-badconfig oci-badlayer oci-badconfig; do
        out=$(berth image load "$work/$k.tar" 2>&1); rc=$?
        check_match "$k: refused in one line naming the blob" "$rc $out" \
                "^125 berth: Failed to load $work/$k.tar: .*(blob '[^']+' does not match its digest sha256:[0-9a-f]{64}|does not match diff_id sha256:[0-9a-f]{64} of the image's config): its (content|tar stream) hashes to sha256:[0-9a-f]{64}$"
done
check_eq "nothing of the refused loads is left" "$(leftovers) $(names | tr '\n' ' ')" "0 base "
