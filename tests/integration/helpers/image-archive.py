#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# image-archive.py docker|oci|rootfs OUT [EXTRA-LAYER-ENTRY…]: writes a test image archive.
#
# Two layers over a static busybox: the upper one removes /etc/removed (a whiteout), replaces
# /opt/old by an opaque directory holding only b, changes /etc/keep and adds /etc/added; its
# config sets Env, Cmd, WorkingDir and a volume at /var/www. "docker" is docker save's layout (manifest.json, tag
# example.org/team/app:1.2), "oci" an OCI image layout with gzip'd layers (tag ociapp:2),
# "rootfs" the lower layer alone, gzip'd, as docker export writes one.
# Hostile variants for the tests: docker-dotdot (a layer path ../../etc/passwd), docker-notag,
# outer-dotdot (an archive entry ../evil), docker-badvol (a volume under /proc).
# Storage (tag KIND:1 each, minus "docker-"): docker-digests (docker's own naming: the config as
# SHA256.json, rootfs.diff_ids filled in), docker-baddiffid and docker-badconfig (the same, with
# one digest that does not match), oci-badlayer and oci-badconfig (a blob whose content is not
# what its digest says), docker-immutable (entries with chattr +i/+a as libarchive writes them),
# docker-deep (a 1,100-level directory tree), docker-badopaque (an opaque marker inside a file),
# docker-manyenv (100,000 Env entries), docker-big (a 24 MiB file of random bytes).
# Health (issue 17): docker-health, a HEALTHCHECK that passes once /tmp/healthy exists, every second.
# Dialect (issue 16): docker-dialect, Labels, StopSignal SIGUSR1 and a user postgres in group ssl-cert.
# Store (issue 15): every docker kind lists its rootfs.diff_ids (the store names layers by them);
# docker-nodiff lists none; docker-shared-a and docker-shared-b (tags shared:a, shared:b) are two
# images on the same lower layer, each with an upper layer of its own.
import gzip, hashlib, io, json, os, sys, tarfile

kind, out = sys.argv[1], sys.argv[2]
APPLETS = ["sh", "cat", "ls", "test", "echo", "pwd", "env", "stat", "sleep", "true", "id"]


def add(t, name, data=None, mode=0o644, kind=tarfile.REGTYPE, uid=0, gid=0, link="", pax=None):
    i = tarfile.TarInfo(name)
    i.type, i.mode, i.uid, i.gid, i.mtime, i.linkname = kind, mode, uid, gid, 1700000000, link
    i.pax_headers = pax or {}
    if data is not None:
        i.size = len(data)
    t.addfile(i, io.BytesIO(data) if data is not None else None)


def layer(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            add(t, **e)
    return b.getvalue()


def d(name, mode=0o755, **kw):
    return dict(name=name, kind=tarfile.DIRTYPE, mode=mode, **kw)


busybox = open("/bin/busybox", "rb").read()
lower = [d("bin"), dict(name="bin/busybox", data=busybox, mode=0o755)]
lower += [dict(name="bin/" + a, kind=tarfile.SYMTYPE, link="busybox") for a in APPLETS]
lower += [d("etc"), dict(name="etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/sh\n"),
          dict(name="etc/group", data=b"root:x:0:\nwww:x:33:\n"),
          dict(name="etc/removed", data=b"gone soon\n"), dict(name="etc/keep", data=b"old\n"),
          d("opt"), d("opt/old"), dict(name="opt/old/a", data=b"a\n"),
          d("var"), d("var/www", uid=33, gid=33, mode=0o750), dict(name="var/www/index", data=b"www\n", uid=33, gid=33),
          d("proc"), d("sys"), d("dev"), d("tmp", mode=0o1777), d("root", mode=0o700)]
upper = [d("etc"), dict(name="etc/.wh.removed", data=b""), dict(name="etc/keep", data=b"new\n"),
         dict(name="etc/added", data=b"added\n"), d("opt"), d("opt/old"),
         dict(name="opt/old/.wh..wh..opq", data=b""), dict(name="opt/old/b", data=b"b\n")]
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": ["PATH=/bin", "FROM_IMAGE=yes"], "Cmd": ["sh", "-c", "echo image cmd in $(pwd)"],
                     "WorkingDir": "/opt", "Volumes": {"/var/www": {}}, "ExposedPorts": {"8080/tcp": {}}},
          "rootfs": {"type": "layers", "diff_ids": []}}


def write_outer(members):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            add(t, name, data)


if kind == "rootfs":
    with open(out, "wb") as f:
        f.write(gzip.compress(layer(lower)))
elif kind.startswith("docker"):
    sha = lambda b: hashlib.sha256(b).hexdigest()
    tag = kind[len("docker-"):] + ":1"
    if kind == "docker-immutable":
        upper += [dict(name="etc/locked", data=b"locked\n", pax={"SCHILY.fflags": "schg"}),
                  dict(name="etc/log", data=b"log\n", pax={"SCHILY.fflags": "sappnd"}),
                  d("etc/lockeddir", pax={"SCHILY.fflags": "schg"})]
    if kind == "docker-deep":
        upper += [d("/".join(["deep"] * (i + 1))) for i in range(1100)]
    if kind == "docker-badopaque":
        upper += [dict(name="etc/keep/.wh..wh..opq", data=b"")]
    if kind == "docker-manyenv":
        config["config"]["Env"] = ["VAR_%06d=value" % i for i in range(100000)]
    if kind == "docker-big":
        upper += [dict(name="big", data=os.urandom(24 << 20))]
    if kind == "docker-health":
        config["config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "test -f /tmp/healthy"], "Interval": 1000000000,
                                           "Timeout": 5000000000, "Retries": 2}
    if kind == "docker-dialect":
        config["config"]["Labels"] = {"org.image.only": "img", "org.shared": "from-image"}
        config["config"]["StopSignal"] = "SIGUSR1"
        upper += [dict(name="etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\npostgres:x:101:102::/var/lib/pg:/bin/sh\n"),
                  dict(name="etc/group", data=b"root:x:0:\nssl-cert:x:101:postgres\npostgres:x:102:\nstaff:x:50:\n")]
    if kind in ("docker-shared-a", "docker-shared-b"):
        upper = [d("etc"), dict(name="etc/which", data=kind[-1].encode() + b"\n")]
    if kind == "docker-two":
        upper = [d("etc"), dict(name="etc/which", data=b"a\n")]
    l0, l1 = layer(lower), layer(upper)
    cfg_name = "cfg.json"
    if kind != "docker-nodiff":
        config["rootfs"]["diff_ids"] = ["sha256:" + sha(l0), "sha256:" + sha(l1 + (b"\0" if kind == "docker-baddiffid" else b""))]
    if kind in ("docker-digests", "docker-baddiffid", "docker-badconfig"):
        cfg_name = sha(json.dumps(config).encode() + (b" " if kind == "docker-badconfig" else b"")) + ".json"
    if kind in ("docker-shared-a", "docker-shared-b"):
        tag = "shared:" + kind[-1]
    manifest = [{"Config": cfg_name, "RepoTags": ["example.org/team/app:1.2" if kind == "docker" else tag],
                 "Layers": ["l0/layer.tar", "l1/layer.tar"]}]
    if kind == "docker-dotdot":
        manifest[0]["Layers"] = ["l0/layer.tar", "../../../etc/passwd"]
    if kind == "docker-notag":
        del manifest[0]["RepoTags"]
    if kind == "docker-badvol":
        config["config"]["Volumes"] = {"/proc/sys": {}}
        manifest[0]["RepoTags"] = ["badvol:1"]
    extra = []
    if kind == "docker-two":
        # docker save two-a:1 two-b:1: a second image on the same base layer.
        l2 = layer([d("etc"), dict(name="etc/which", data=b"b\n")])
        config_b = json.loads(json.dumps(config))
        config_b["rootfs"]["diff_ids"] = ["sha256:" + sha(l0), "sha256:" + sha(l2)]
        manifest[0]["RepoTags"] = ["two-a:1"]
        manifest.append({"Config": "cfg-b.json", "RepoTags": ["two-b:1"], "Layers": ["l0/layer.tar", "l2/layer.tar"]})
        extra = [("cfg-b.json", json.dumps(config_b).encode()), ("l2/layer.tar", l2)]
    write_outer([("manifest.json", json.dumps(manifest).encode()), (cfg_name, json.dumps(config).encode()),
                 ("l0/layer.tar", l0), ("l1/layer.tar", l1)] + extra)
elif kind.startswith("oci"):
    blobs = {}

    def blob(data):
        h = hashlib.sha256(data).hexdigest()
        blobs["blobs/sha256/" + h] = data
        return "sha256:" + h

    plain = (layer(lower), layer(upper))
    config["rootfs"]["diff_ids"] = ["sha256:" + hashlib.sha256(x).hexdigest() for x in plain]
    layers = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gzip.compress(x, mtime=0))}
              for x in plain]
    cfg = blob(json.dumps(config).encode())
    # Tampered after the digest was taken: the blob keeps its name, its content changes.
    if kind == "oci-badlayer":
        blobs["blobs/sha256/" + layers[1]["digest"][7:]] = gzip.compress(layer(upper + [dict(name="evil", data=b"x")]))
    if kind == "oci-badconfig":
        blobs["blobs/sha256/" + cfg[7:]] = json.dumps(dict(config, author="someone else")).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg},
                           "layers": layers}).encode()
    m = blob(manifest)
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                "digest": m, "annotations": {"org.opencontainers.image.ref.name": "ociapp:2" if kind == "oci" else kind + ":1"}}]}
    write_outer([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(index).encode())]
                + sorted(blobs.items()))
elif kind == "outer-dotdot":
    write_outer([("manifest.json", b"[]"), ("../evil", b"x")])
else:
    sys.exit("unknown kind " + kind)
