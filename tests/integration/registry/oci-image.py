#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes OCI image layouts for the registry scenarios, to be pushed with skopeo.

  oci-image.py build OUT TAG [--platform OS/ARCH[/VARIANT]] [--env K=V]… [--cmd JSON]
                            [--wrong-diff-id] LAYER…
  oci-image.py index OUT TAG SRC_TAG…      an image index over images already in OUT
  oci-image.py show OUT TAG WHAT [PLATFORM] WHAT: manifest config layers diff-ids platform-manifest

OUT is an OCI image layout directory (made when missing; several tags may share it, and blobs
with the same content are stored once). TAG names the image in OUT's index.json.
`build` prints the manifest's digest. --wrong-diff-id writes a config whose last diff ID is not
the digest of the last layer's tar (a config that lies about its layers: a puller must refuse it).

Each LAYER is a comma-separated list of items:
  busybox              a working busybox userland (tests/integration/lib.sh's make_image)
  dir:HOSTDIR          HOSTDIR's contents at /
  file:/PATH=TEXT      a file holding TEXT and a newline
  random:/PATH=SIZE    SIZE (K, M suffixes) pseudo-random bytes: incompressible
  text:/PATH=SIZE      SIZE bytes of base64 text: compresses to about 3/4
  files:/DIR=NxSIZE    N text files of SIZE bytes each in DIR (DIR/00000 …)
  whiteout:/PATH       an OCI whiteout deleting PATH from the layers below
  seed:WORD            varies random/text content (default: the same spec gives the same bytes)
  gzip | zstd | plain  the layer's compression (default gzip; zstd through the zstd CLI)

Layers are deterministic: the same LAYER gives the same blob in every layout, so two images built
from the same first LAYERs share those blobs in a registry.
"""
import base64
import gzip
import hashlib
import io
import json
import os
import platform as host_platform
import random
import stat
import subprocess
import sys
import tarfile

MTIME = 1700000000
CREATED = "2023-11-14T22:13:20Z"
BUSYBOX = "/bin/busybox"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "plain": "application/vnd.oci.image.layer.v1.tar",
}
REF_NAME = "org.opencontainers.image.ref.name"


def die(msg):
    print(f"oci-image.py: {msg}", file=sys.stderr)
    sys.exit(1)


def native_arch():
    m = host_platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386",
            "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}.get(m, m)


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s and s[-1].upper() in mult:
        return int(s[:-1]) * mult[s[-1].upper()]
    return int(s)


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layout:
    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
        p = os.path.join(root, "oci-layout")
        if not os.path.exists(p):
            with open(p, "w") as f:
                json.dump({"imageLayoutVersion": "1.0.0"}, f)
        p = os.path.join(root, "index.json")
        if os.path.exists(p):
            with open(p) as f:
                self.index = json.load(f)
        else:
            self.index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": []}

    def put(self, data):
        d = sha256(data)
        p = os.path.join(self.root, "blobs", "sha256", d.split(":", 1)[1])
        if not os.path.exists(p):
            with open(p + ".tmp", "wb") as f:
                f.write(data)
            os.rename(p + ".tmp", p)
        return d

    def get(self, digest):
        with open(os.path.join(self.root, "blobs", "sha256", digest.split(":", 1)[1]), "rb") as f:
            return f.read()

    def tag(self, tag, desc):
        desc = dict(desc, annotations={REF_NAME: tag})
        self.index["manifests"] = [m for m in self.index["manifests"]
                                   if m.get("annotations", {}).get(REF_NAME) != tag] + [desc]
        p = os.path.join(self.root, "index.json")
        with open(p + ".tmp", "w") as f:
            json.dump(self.index, f, indent=2)
        os.rename(p + ".tmp", p)

    def lookup(self, tag):
        for m in self.index["manifests"]:
            if m.get("annotations", {}).get(REF_NAME) == tag:
                return m
        die(f"no tag '{tag}' in {self.root}")


class LayerTar:
    """A deterministic tar stream: fixed mtimes, entries in the order added, parents first."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.PAX_FORMAT)
        self.seen = set()

    def _info(self, path, kind, mode, uid=0, gid=0):
        ti = tarfile.TarInfo(path.lstrip("/"))
        ti.type = kind
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.uname = ti.gname = ""
        ti.mtime = MTIME
        return ti

    def _parents(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.dir("/" + "/".join(parts[:i]))

    def dir(self, path, mode=0o755, uid=0, gid=0):
        path = "/" + path.strip("/")
        if path in self.seen:
            return
        self._parents(path)
        self.seen.add(path)
        self.tar.addfile(self._info(path + "/", tarfile.DIRTYPE, mode, uid, gid))

    def file(self, path, data, mode=0o644, uid=0, gid=0):
        self._parents(path)
        self.seen.add(path)
        ti = self._info(path, tarfile.REGTYPE, mode, uid, gid)
        ti.size = len(data)
        self.tar.addfile(ti, io.BytesIO(data))

    def symlink(self, path, target, uid=0, gid=0):
        self._parents(path)
        self.seen.add(path)
        ti = self._info(path, tarfile.SYMTYPE, 0o777, uid, gid)
        ti.linkname = target
        self.tar.addfile(ti)

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


def add_busybox(t):
    for d in ("bin", "sbin", "etc", "proc", "sys", "dev", "root", "home", "usr", "usr/bin",
              "usr/sbin", "var"):
        t.dir(d)
    t.dir("tmp", mode=0o1777)
    t.dir("home/user", uid=1000, gid=1000)
    with open(BUSYBOX, "rb") as f:
        t.file("/bin/busybox", f.read(), mode=0o755)
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout
    for a in sorted(applets.split()):
        if a != "busybox":
            t.symlink("/bin/" + a, "busybox")
    t.file("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n"
           b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    t.file("/etc/group", b"root:x:0:\nuser:x:1000:\nextra:x:2000:user\nnogroup:x:65534:\n")
    t.file("/etc/os-release", b'ID=berthtest\nNAME="berth test image"\nVERSION_ID=1.0\n')


def add_dir(t, host):
    for top, dirs, files in os.walk(host):
        dirs.sort()
        rel = os.path.relpath(top, host)
        if rel != ".":
            st = os.lstat(top)
            t.dir("/" + rel, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            p = os.path.join(top, name)
            dest = "/" + os.path.normpath(os.path.join(rel, name))
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                t.symlink(dest, os.readlink(p), st.st_uid, st.st_gid)
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    t.file(dest, f.read(), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


def content(kind, path, size, seed):
    rng = random.Random(f"{kind}:{path}:{size}:{seed}")
    if kind == "random":
        return rng.randbytes(size)
    return base64.encodebytes(rng.randbytes(size * 3 // 4 + 3))[:size]


def make_layer(spec):
    t = LayerTar()
    compression = "gzip"
    seed = ""
    items = spec.split(",")
    for item in items:
        if item.startswith("seed:"):
            seed = item[5:]
    for item in items:
        kind, _, arg = item.partition(":")
        if item in MT_LAYER:
            compression = item
        elif item == "busybox":
            add_busybox(t)
        elif kind == "dir":
            add_dir(t, arg)
        elif kind == "file":
            path, _, text = arg.partition("=")
            t.file(path, text.encode() + b"\n")
        elif kind in ("random", "text"):
            path, _, size = arg.partition("=")
            t.file(path, content(kind, path, parse_size(size), seed))
        elif kind == "files":
            path, _, spec = arg.partition("=")
            n, _, size = spec.partition("x")
            width = len(str(int(n) - 1))
            for k in range(int(n)):
                p = f"{path.rstrip('/')}/{k:0{width}d}"
                t.file(p, content("text", p, parse_size(size), seed))
        elif kind == "whiteout":
            head, base = os.path.split(arg)
            t.file(os.path.join(head, ".wh." + base), b"")
        elif kind == "seed":
            pass
        else:
            die(f"unknown layer item '{item}'")
    tar = t.bytes()
    if compression == "gzip":
        out = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as g:
            g.write(tar)
        blob = out.getvalue()
    elif compression == "zstd":
        blob = subprocess.run(["zstd", "-q", "-c", "-3", "--no-check"], input=tar, check=True,
                              capture_output=True).stdout
    else:
        blob = tar
    return tar, blob, MT_LAYER[compression]


def parse_platform(s):
    parts = s.split("/")
    if len(parts) not in (2, 3):
        die(f"platform '{s}' is not OS/ARCH[/VARIANT]")
    p = {"os": parts[0], "architecture": parts[1]}
    if len(parts) == 3:
        p["variant"] = parts[2]
    return p


def cmd_build(args):
    out, tag, rest = args[0], args[1], args[2:]
    plat = {"os": "linux", "architecture": native_arch()}
    env = [PATH_ENV]
    cmd = ["/bin/sh"]
    labels = {}
    layers = []
    wrong_diff_id = False
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--wrong-diff-id":
            wrong_diff_id = True
            i += 1
        elif a in ("--platform", "--env", "--cmd", "--label"):
            if i + 1 >= len(rest):
                die(f"{a} needs a value")
            v = rest[i + 1]
            if a == "--platform":
                plat = parse_platform(v)
            elif a == "--env":
                env.append(v)
            elif a == "--cmd":
                cmd = json.loads(v)
            else:
                k, _, val = v.partition("=")
                labels[k] = val
            i += 2
        else:
            layers.append(a)
            i += 1
    if not layers:
        die("an image needs at least one layer")
    lay = Layout(out)
    descs, diff_ids, history = [], [], []
    for spec in layers:
        tar, blob, mt = make_layer(spec)
        descs.append({"mediaType": mt, "digest": lay.put(blob), "size": len(blob)})
        diff_ids.append(sha256(tar))
        history.append({"created": CREATED, "created_by": f"oci-image.py {spec}"})
    if wrong_diff_id:
        diff_ids[-1] = sha256(diff_ids[-1].encode())
    config = dict(plat)
    config.update({"created": CREATED,
                   "config": {"Env": env, "Cmd": cmd, "WorkingDir": "/"},
                   "rootfs": {"type": "layers", "diff_ids": diff_ids},
                   "history": history})
    if labels:
        config["config"]["Labels"] = labels
    cdata = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": {"mediaType": MT_CONFIG, "digest": lay.put(cdata), "size": len(cdata)},
                "layers": descs}
    mdata = json.dumps(manifest, indent=2).encode()
    mdigest = lay.put(mdata)
    lay.tag(tag, {"mediaType": MT_MANIFEST, "digest": mdigest, "size": len(mdata), "platform": plat})
    print(mdigest)


def cmd_index(args):
    out, tag, srcs = args[0], args[1], args[2:]
    if not srcs:
        die("an index needs at least one image")
    lay = Layout(out)
    manifests = []
    for s in srcs:
        d = lay.lookup(s)
        m = json.loads(lay.get(d["digest"]))
        c = json.loads(lay.get(m["config"]["digest"]))
        plat = {k: c[k] for k in ("architecture", "os", "variant") if k in c}
        manifests.append({"mediaType": d["mediaType"], "digest": d["digest"], "size": d["size"],
                          "platform": plat})
    idata = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": manifests},
                       indent=2).encode()
    idigest = lay.put(idata)
    lay.tag(tag, {"mediaType": MT_INDEX, "digest": idigest, "size": len(idata)})
    print(idigest)


def cmd_show(args):
    out, tag, what = args[0], args[1], args[2]
    lay = Layout(out)
    d = lay.lookup(tag)
    if what == "manifest":
        print(d["digest"])
        return
    if what == "platform-manifest":
        want = parse_platform(args[3])
        for m in json.loads(lay.get(d["digest"]))["manifests"]:
            if all(m["platform"].get(k) == v for k, v in want.items()):
                print(m["digest"])
                return
        die(f"no {args[3]} manifest in {tag}")
    m = json.loads(lay.get(d["digest"]))
    if "config" not in m:
        die(f"{tag} is an index")
    if what == "config":
        print(m["config"]["digest"])
    elif what == "layers":
        print("\n".join(x["digest"] for x in m["layers"]))
    elif what == "diff-ids":
        print("\n".join(json.loads(lay.get(m["config"]["digest"]))["rootfs"]["diff_ids"]))
    else:
        die(f"unknown field '{what}'")


def main():
    cmds = {"build": (cmd_build, 3), "index": (cmd_index, 3), "show": (cmd_show, 3)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 < cmds[sys.argv[1]][1]:
        sys.stderr.write(__doc__)
        sys.exit(2)
    cmds[sys.argv[1]][0](sys.argv[2:])


if __name__ == "__main__":
    main()
