# SPDX-License-Identifier: LGPL-2.1-or-later
# The content-addressed store (issue 15): two images on one base share its layer directory; a load
# whose config or layer is not what its digest says is refused in one line and stores nothing;
# kill -9 of a load midway leaves only debris that the next command reclaims; the old layout
# (STATE/images/NAME) is migrated on first use; image rm refuses an image a definition uses;
# tag, untag, and prune (which keeps what a container's pin holds).
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

mk="$BERTH_SOURCE_DIR/tests/integration/helpers/image-archive.py"
work=$(mktemp -d /var/tmp/image-store.XXXXXX)
on_exit "rm -rf $work"
STORE=/var/lib/berth/store
for k in docker-shared-a docker-shared-b docker-baddiffid docker-badconfig oci-badlayer oci-badconfig docker-nodiff; do
        python3 "$mk" $k "$work/$k.tar"
done
# Everything the store holds but its lock and pins, for exact comparisons.
listing() { (cd $STORE && find blobs layers refs tmp -mindepth 1 -maxdepth 2 | sort); }
pyj() { python3 -c 'import json, sys; j = json.load(sys.stdin)[0]; print(eval(sys.argv[1]))' "$1"; }

# --- two images on one base ---------------------------------------------------------------------------
out=$(berth image load "$work/docker-shared-a.tar" 2>&1); rc=$?
check_eq "image load prints the archive's RepoTag as a full reference" "$rc $out" "0 Loaded image: docker.io/library/shared:a"
on_exit "berth image rm docker.io/library/shared:a docker.io/library/shared:b"
base=$(berth image inspect shared:a | pyj 'j["RootFS"]["Layers"][0][7:]')
check "  … its bottom layer is stored by its chain ID (its diff ID)" test -d "$STORE/layers/sha256/$base"
inode=$(stat -c %i "$STORE/layers/sha256/$base")
layers=$(ls $STORE/layers/sha256 | wc -l)
berth image load "$work/docker-shared-b.tar" >/dev/null
check_eq "a second image on the same base adds one layer, not two" "$(ls $STORE/layers/sha256 | wc -l)" $((layers + 1))
check_eq "  … the base is the same directory (inode $inode)" "$(stat -c %i "$STORE/layers/sha256/$base")" "$inode"
check_eq "both run, each with its own top" "$(berth run --rm shared:a cat /etc/which /etc/keep; berth run --rm docker.io/library/shared:b cat /etc/which)" "a
old
b"
check_match "image ls: docker's columns" "$(berth image ls | head -1)" "^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$"
check_match "  … the full repository, the tag, the short ID, when, its size" "$(berth image ls)" \
        "^docker\.io/library/shared +a +[0-9a-f]{12} +(.* ago|N/A) +[0-9.]+[KMG]?B?$"
id=$(berth image inspect shared:a | pyj 'j["Id"]')
check_match "image inspect: Id, RepoTags, RootFS.Layers, Size" \
        "$(berth image inspect shared:a | pyj 'j["Id"], j["RepoTags"], len(j["RootFS"]["Layers"]), j["Size"] > 1000000')" \
        "^\('sha256:[0-9a-f]{64}', \['docker\.io/library/shared:a'\], 2, True\)$"
check_eq "  … found by its ID and by 12 hex digits of it" \
        "$(berth image inspect "$id" | pyj 'j["Id"]') $(berth image inspect "${id:7:12}" | pyj 'j["Id"]')" "$id $id"

# --- digests that do not match: one line, nothing stored ----------------------------------------------
before=$(listing)
for k in docker-baddiffid docker-badconfig oci-badlayer oci-badconfig; do
        out=$(berth image load "$work/$k.tar" 2>&1); rc=$?
        check_match "$k: 125 in one line naming the blob" "$rc $out" \
                "^125 berth: Failed to load $work/$k.tar: .*(blob '[^']+' does not match its digest sha256:[0-9a-f]{64}|does not match diff_id sha256:[0-9a-f]{64} of the image's config): its (content|tar stream) hashes to sha256:[0-9a-f]{64}$"
done
out=$(berth image load "$work/docker-nodiff.tar" 2>&1); rc=$?
check_eq "a config that lists no diff_ids: 125 in one line" "$rc $out" \
        "125 berth: Failed to load $work/docker-nodiff.tar: the image's config 'cfg.json' lists no rootfs.diff_ids"
check_eq "  … and the store is as it was: no blob, layer, ref or staging directory more" "$(listing)" "$before"

# --- kill -9 of a load midway -------------------------------------------------------------------------
python3 - "$work/slow.tar" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
def tar(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for name, data in members:
            i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    return b.getvalue()
plain = tar([("d%03d/f%03d" % (i // 100, i % 100), os.urandom(1024)) for i in range(20000)])
cfg = json.dumps({"config": {}, "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(plain).hexdigest()]}}).encode()
manifest = json.dumps([{"Config": "c.json", "RepoTags": ["slow:1"], "Layers": ["l/layer.tar.gz"]}]).encode()
with open(sys.argv[1], "wb") as f:
    f.write(tar([("manifest.json", manifest), ("c.json", cfg), ("l/layer.tar.gz", gzip.compress(plain, 1))]))
PY
debris=0
for d in 0.3 0.8 1.5; do
        timeout -s KILL $d berth image load "$work/slow.tar" >/dev/null 2>&1
        debris=$((debris + $(ls -A $STORE/tmp | wc -l)))
        berth image rm docker.io/library/slow:1 >/dev/null 2>&1 # when it finished before the kill
done 2>/dev/null
check "kill -9 of image load at 0.3, 0.8 and 1.5 s left debris in tmp/ ($debris entries)" test "$debris" -gt 0
check_eq "  … no reference to a half image" "$(berth image ls | grep -c slow)" 0
out=$(berth image load "$work/slow.tar" 2>&1); rc=$?
check_eq "a second load succeeds" "$rc $out" "0 Loaded image: docker.io/library/slow:1"
on_exit "berth image rm docker.io/library/slow:1"
check_eq "  … and no debris remains after it" "$(ls -A $STORE/tmp)" ""
check_eq "  … one layer more in the store" "$(ls $STORE/layers/sha256 | wc -l)" "$((layers + 2))"

# --- the old layout, migrated on first use -------------------------------------------------------------
old=/var/lib/berth/images/oldweb
mkdir -p "$old/layers/000/bin" "$old/layers/000/etc" "$old/layers/000/proc" "$old/layers/000/sys" "$old/layers/000/dev" \
        "$old/layers/000/tmp" "$old/layers/001/etc"
cp /bin/busybox "$old/layers/000/bin/busybox"
ln -s busybox "$old/layers/000/bin/sh"
ln -s busybox "$old/layers/000/bin/cat"
echo bottom > "$old/layers/000/etc/which"
echo top > "$old/layers/001/etc/which"
echo '{"config":{"Cmd":["cat","/etc/which"],"Env":["PATH=/bin"]}}' > "$old/config.json"
mkdir -p /var/lib/berth/images/.staging-x-AAAAAA
old_inode=$(stat -c %i "$old/layers/000")
check_match "image ls after an old layout appeared lists it as localhost/oldweb" "$(berth image ls)" \
        "^localhost/oldweb +latest +[0-9a-f]{12} "
on_exit "berth image rm oldweb"
check_fails "  … the old directory is gone" test -e /var/lib/berth/images
bottom=$(berth image inspect oldweb | pyj 'j["RootFS"]["Layers"][0][7:]')
check_eq "  … its layers moved, not copied (the bottom keeps its inode)" "$(stat -c %i "$STORE/layers/sha256/$bottom")" "$old_inode"
check_eq "  … and a container runs from it, with the old config's Cmd" "$(berth run --rm oldweb)" top

# --- image tag, image rm (untag), the definitions that use an image -------------------------------------
check "image tag SRC DST" berth image tag shared:a mine
check "  … by ID too" berth image tag "${id:7:12}" localhost/mine:v2
check_eq "  … both names list the same ID" \
        "$(berth image ls --no-legend | awk '$1 == "localhost/mine" {print $2, $3}' | sort | tr '\n' ' ')" \
        "latest ${id:7:12} v2 ${id:7:12} "
berth create --name user1 mine true >/dev/null
on_exit "berth rm -f user1"
out=$(berth image rm mine 2>&1); rc=$?
check_eq "image rm of an image a definition uses: 125 in one line" "$rc $out" "125 berth: image mine is used by container user1"
out=$(berth image rm docker.io/library/shared:a 2>&1); rc=$?
check_eq "  … by another of its names too" "$rc $out" "125 berth: image docker.io/library/shared:a is used by container user1"
out=$(berth image rm "${id:7:12}" 2>&1); rc=$?
check_eq "  … and by its ID" "$rc $out" "125 berth: image ${id:7:12} is used by container user1"
berth rm user1 >/dev/null
check_eq "once the container is gone, image rm untags" "$(berth image rm mine:v2)" "Untagged: localhost/mine:v2"
check "  … the image stays under its other names" test -d "$STORE/layers/sha256/$base"
out=$(berth image rm "${id:7:12}" 2>&1); rc=$?
check_eq "image rm ID of an image with two names wants -f" "$rc $out" \
        "125 berth: image ${id:7:12} has 2 references; remove them by name, or give -f"
out=$(berth image rm nosuch 2>&1); rc=$?
check_eq "image rm of no image: 125 in one line" "$rc $out" \
        "125 berth: image 'nosuch' not found (tried localhost/nosuch:latest, docker.io/library/nosuch:latest)"

# --- prune: a pinned image stays while its container exists -------------------------------------------
berth run --name pinned mine true >/dev/null
on_exit "berth rm -f pinned"
check "starting it pinned its image" test -e "$STORE/pins/pinned"
top_a=$(berth image inspect shared:a | pyj '__import__("hashlib").sha256((j["RootFS"]["Layers"][0] + " " + j["RootFS"]["Layers"][1]).encode()).hexdigest()')
check "  … whose top layer is stored by its chain ID" test -d "$STORE/layers/sha256/$top_a"
# The name moves to another image, as a pull of a newer one would move it: the old image's other
# name can go then (no definition resolves to it), but the pin still holds it.
check "image tag moves a name to another image" berth image tag docker.io/library/shared:b mine
check_eq "  … so the image pinned's definition named is free to untag" \
        "$(berth image rm docker.io/library/shared:a 2>&1)" "Untagged: docker.io/library/shared:a"
prune=$(berth image prune)
check "image prune keeps an untagged image a container's pin holds" test -d "$STORE/layers/sha256/$top_a"
check_match "  … image ls shows it as <none>" "$(berth image ls)" "<none> +<none> +${id:7:12} "
berth rm pinned >/dev/null
check_fails "berth rm removes the pin" test -e "$STORE/pins/pinned"
prune=$(berth image prune)
check_match "image prune then deletes the image" "$prune" "^Deleted: $id$"
check_fails "  … and its own top layer" test -e "$STORE/layers/sha256/$top_a"
check "  … but not the base, which shared:b still uses" test -d "$STORE/layers/sha256/$base"
check_match "  … saying what it reclaimed" "$prune" "^Total reclaimed space: [0-9.]+[KMG]?B?$"
berth image rm mine docker.io/library/shared:b >/dev/null
berth image prune >/dev/null
check_fails "with the last image on it gone, image prune removes the base" test -e "$STORE/layers/sha256/$base"
check_eq "  … leaving the other images" "$(berth image ls --no-legend | awk '{print $1 ":" $2}' | sort | tr '\n' ' ')" \
        "docker.io/library/slow:1 localhost/oldweb:latest "

# --- docker's top-level image verbs and load's -i -----------------------------------------------------
check_eq "berth load -i FILE (docker's form)" "$(berth load -i "$work/docker-shared-a.tar" 2>&1)" "Loaded image: docker.io/library/shared:a"
check_eq "berth load < FILE reads stdin, as docker load does" "$(berth load < "$work/docker-shared-b.tar" 2>&1)" \
        "Loaded image: docker.io/library/shared:b"
check_match "berth images lists them, as image ls" "$(berth images)" "docker.io/library/shared +b "
check_eq "berth tag SOURCE TARGET" "$(berth tag shared:a localhost/mytag:1 2>&1; berth images --no-legend | awk '$1 == "localhost/mytag" {print $2}')" "1"
check "berth rmi removes a name" berth rmi localhost/mytag:1 shared:a shared:b
check_eq "  … all three" "$(berth images --no-legend | grep -c 'shared\|mytag')" 0
check_match "berth help rmi is image rm's help" "$(berth help rmi)" "^Usage: berth image rm"
check_match "load of a terminal's stdin is refused in one line" "$(script -qec 'berth load' /dev/null | tr -d '\r')" \
        "reads the archive from stdin, which is a terminal"
check_match "two archives are refused" "$(berth load -i "$work/docker-shared-a.tar" "$work/docker-shared-b.tar" x 2>&1)" \
        "takes one archive and at most a name"
