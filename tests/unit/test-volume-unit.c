/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Quadlet's .volume files (volume-unit.h): every [Volume] key, good and bad, and finding the file
 * that defines a volume. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "definition.h"
#include "fd-util.h"
#include "mount-flags.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"
#include "volume-unit.h"

#define L(...) ((char *[]){__VA_ARGS__, NULL})

static char tmp[] = "/tmp/berth-test-volume-unit.XXXXXX";

static VolumeUnit *parse(const char *text, char **ret_why) {
        VolumeUnit *u = NULL;

        *ret_why = NULL;
        if (volume_unit_parse(text, "/etc/berth/containers/data.volume", &u, ret_why) < 0)
                return NULL;
        return u;
}

/* text is refused with a message that ends in want. */
static void bad(const char *text, const char *want) {
        _cleanup_free_ char *why = NULL;
        VolumeUnit *u = parse(text, &why);

        ok(!u && why && endswith(why, want), "refused: %s (got %s)", want, why ?: "(accepted)");
        volume_unit_free(u);
}

static void test_good(void) {
        _cleanup_free_ char *why = NULL;
        VolumeUnit *u;

        u = parse("[Volume]\n", &why);
        ok(u && streq(u->name, "systemd-data") && u->copy == -1 && u->uid == (uid_t) -1 && !u->device &&
                   !u->labels,
           "an empty [Volume]: systemd-NAME, defaults (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("# c\n[Volume]\nVolumeName=shared\nCopy=no\n", &why);
        ok(u && streq(u->name, "shared") && u->copy == 0, "VolumeName=, Copy=no (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("[Volume]\nVolumeName=%p-x\n", &why);
        ok(u && streq(u->name, "data-x"), "specifiers resolve for the file's NAME (%s)", u ? u->name : why);
        u = volume_unit_free(u);

        u = parse("[Volume]\nLabel=org.foo.Arg1=arg1\nLabel=org.foo.Arg2=arg2 \\\n   "
                  "org.foo.Arg3=arg3\nLabel=\"a=b c\" org.foo.Arg1=new\n",
                  &why);
        ok(u && strv_equal(u->labels,
                           L("org.foo.Arg1=new", "org.foo.Arg2=arg2", "org.foo.Arg3=arg3", "a=b c")),
           "Label=, continued, quoted, a key given twice (%s)", why ?: "");
        u = volume_unit_free(u);
        u = parse("[Volume]\nLabel=a=1\nLabel=\n", &why);
        ok(u && !u->labels, "Label= empties the list (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("[Volume]\nUser=root\nGroup=11\n", &why);
        ok(u && u->uid == 0 && u->gid == 11, "User=root, Group=11 (%s)", why ?: "");
        u = volume_unit_free(u);
        u = parse("[Volume]\nUID=1234\nGID=5678\n", &why);
        ok(u && u->uid == 1234 && u->gid == 5678, "UID=, GID= (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("[Volume]\nDevice=tmpfs\nType=tmpfs\nOptions=size=2m,mode=0700,noexec\nUser=7\nGroup=8\n",
                  &why);
        ok(u && streq(u->device, "tmpfs") && streq(u->type, "tmpfs") &&
                   streq_ptr(u->fs_options, "size=2097152,mode=0700,uid=7,gid=8") &&
                   u->flags == (MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC),
           "a tmpfs volume with options (%s%s)", u ? u->fs_options : "", why ?: "");
        u = volume_unit_free(u);

        u = parse("[Volume]\nDevice=/srv/data\nType=bind\nOptions=rbind,ro\nCopy=no\nDriver=local\n", &why);
        ok(u && streq(u->device, "/srv/data") && streq(u->type, "bind") && u->recursive &&
                   (u->flags & MOUNT_FLAG_RDONLY),
           "a bind volume (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("[Volume]\nUser=root\nGroup=11\nDevice=/dev/vda1\nType=btrfs\nOptions=rw,compress=zstd,noexec\n"
                  "Copy=no\n",
                  &why);
        ok(u && streq(u->device, "/dev/vda1") && streq(u->type, "btrfs") &&
                   streq_ptr(u->fs_options, "compress=zstd,uid=0,gid=11") &&
                   u->flags == (MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC),
           "a file system on a block device, Quadlet's device.volume (%s%s)", u ? u->fs_options : "", why ?: "");
        u = volume_unit_free(u);
        u = parse("[Volume]\nDevice=/dev/disk/by-label/data\nType=ext4\n", &why);
        ok(u && streq(u->type, "ext4") && !u->fs_options && u->copy == -1,
           "ext4 by label, no options (%s)", why ?: "");
        u = volume_unit_free(u);

        u = parse("[X-Mine]\nFoo=1\n[Volume]\nCopy=yes\n[X-Other]\nBar=2\n", &why);
        ok(u && u->copy == 1, "[X-…] sections are ignored (%s)", why ?: "");
        u = volume_unit_free(u);
}

static void test_bad(void) {
        bad("[Volume]\nVolumeName=a/b\n",
            "data.volume:2: VolumeName='a/b' is not a volume name ([A-Za-z0-9][A-Za-z0-9_.-]{0,62})");
        bad("[Volume]\nCopy=maybe\n", "data.volume:2: Copy='maybe' is not a boolean");
        bad("[Volume]\nLabel=novalue\n", "data.volume:2: Label='novalue' is not KEY=VALUE");
        bad("[Volume]\nLabel==x\n", "data.volume:2: Label='=x' is not KEY=VALUE");
        bad("[Volume]\nUser=no-such-user-here\n",
            "data.volume:2: User=no-such-user-here: no such user in /etc/passwd");
        bad("[Volume]\nGroup=no-such-group-here\n",
            "data.volume:2: Group=no-such-group-here: no such group in /etc/group");
        bad("[Volume]\nUID=a b\n", "data.volume:2: UID='a b' is neither a number nor a user name");
        bad("[Volume]\nGID=4294967295\n", "data.volume:2: GID=4294967295: not a valid id");
        bad("[Volume]\nDevice=\n", "data.volume:2: Device='' is not a device");
        bad("[Volume]\nDevice=/dev/vda1\nType=cgroup\n",
            "data.volume:3: Type=cgroup is no file system of a block device (a file system on a block device, "
            "tmpfs or bind)");
        bad("[Volume]\nDevice=/dev/vda1\nType=sysfs\n",
            "data.volume:3: Type=sysfs is no file system of a block device (a file system on a block device, "
            "tmpfs or bind)");
        bad("[Volume]\nDevice=/dev/vda1\nType=Ext4\n", "data.volume:3: Type=Ext4 is not a file system type");
        bad("[Volume]\nDevice=/dev/vda1\nType=ext4;rm\n", "data.volume:3: Type=ext4;rm is not a file system type");
        bad("[Volume]\nDevice=vda1\nType=ext4\n",
            "data.volume: Device=vda1: a file system's device is an absolute, normalised path of a block device "
            "(e.g. /dev/vdb1 or /dev/disk/by-label/data)");
        bad("[Volume]\nDevice=/dev/a,b\nType=ext4\n",
            "data.volume: Device=/dev/a,b: a file system's device is an absolute, normalised path of a block "
            "device (e.g. /dev/vdb1 or /dev/disk/by-label/data)");
        bad("[Volume]\nDevice=/dev/vda1\nType=btrfs\nCopy=yes\n",
            "data.volume: Copy=yes: berth does not copy an image's files onto a device's file system; write "
            "Copy=no");
        bad("[Volume]\nDevice=/dev/vda1\nType=ext4\nOptions=source=/dev/vdb\n",
            "data.volume: Options=: 'source=/dev/vdb' is not a mount option (the source is Device=)");
        bad("[Volume]\nDevice=srv:/x\nType=nfs\n",
            "data.volume:3: Type=nfs needs a mount helper (mount.nfs), which berth does not run");
        bad("[Volume]\nDevice=/x\nType=none\n",
            "data.volume:3: Type=none: write Type=bind for a bind of a host directory");
        bad("[Volume]\nType=tmpfs\n", "data.volume: Type= needs Device=, the device to mount");
        bad("[Volume]\nDevice=/dev/vda1\n",
            "data.volume: Device=/dev/vda1 needs Type= (a file system such as ext4, tmpfs or bind): berth does "
            "not probe file systems");
        bad("[Volume]\nOptions=rw\n",
            "data.volume: Options= are mount options of a Device=, which is not given");
        bad("[Volume]\nDevice=tmpfs\nType=tmpfs\nOptions=size=lots\n",
            "data.volume: Options=: tmpfs size 'lots' is not a size (e.g. 64m)");
        bad("[Volume]\nDevice=tmpfs\nType=tmpfs\nOptions=compress=zstd\n",
            "data.volume: Options=: unknown tmpfs option 'compress'");
        bad("[Volume]\nDevice=a/b\nType=tmpfs\n",
            "data.volume: Device=a/b: a tmpfs's device is a plain word (e.g. tmpfs)");
        bad("[Volume]\nDevice=srv/x\nType=bind\n",
            "data.volume: Device=srv/x: a bind's device is an absolute, normalised host path other than /");
        bad("[Volume]\nDevice=/srv/../etc\nType=bind\n",
            "data.volume: Device=/srv/../etc: a bind's device is an absolute, normalised host path other "
            "than /");
        bad("[Volume]\nDevice=/\nType=bind\n",
            "data.volume: Device=/: a bind's device is an absolute, normalised host path other than /");
        bad("[Volume]\nDevice=/srv\nType=bind\nOptions=size=1m\n",
            "data.volume: Options=: 'size=1m' is not an option of a bind (bind, rbind, ro, rw, [no]exec, "
            "[no]suid, [no]dev)");
        bad("[Volume]\nDevice=/srv\nType=bind\nUser=1\n",
            "data.volume: User=, Group=: a bind's owner is its host directory's");
        bad("[Volume]\nDevice=/srv\nType=bind\nCopy=yes\n",
            "data.volume: Copy=yes: berth never copies into a host directory");
        bad("[Volume]\nDriver=image\nImage=x\n",
            "data.volume:2: Driver=image: image volumes are not supported yet");
        bad("[Volume]\nDriver=nfsplugin\n",
            "data.volume:2: Driver=nfsplugin: berth has the local driver only");
        bad("[Volume]\nImage=localhost/img\n", "data.volume:2: Image=: a volume of an image needs "
                                               "Driver=image, which berth does not support yet");
        bad("[Volume]\nPodmanArgs=--foo\n",
            "data.volume:2: PodmanArgs=: podman-specific, berth has no equivalent");
        bad("[Volume]\nGlobalArgs=--log-level=debug\n",
            "data.volume:2: GlobalArgs=: podman-specific, berth has no equivalent");
        bad("[Volume]\nContainersConfModule=/etc/c.conf\n",
            "data.volume:2: ContainersConfModule=: podman-specific, berth has no equivalent");
        bad("[Volume]\nServiceName=x\n", "data.volume:2: ServiceName=: berth makes no unit for a volume, it "
                                         "is created when a container first uses it");
        bad("[Volume]\nSize=1g\n", "data.volume:2: Size=: unknown key in section [Volume]");
        bad("[Volume]\nno equals\n", "data.volume:2: 'no equals': missing '='");
        bad("Copy=yes\n[Volume]\n", "data.volume:1: a key outside any section ([Volume])");
        bad("[Volume]\n[Unit]\nDescription=x\n",
            "data.volume:2: section [Unit]: berth makes no unit for a volume (it is created when a "
            "container first uses it), so there is nothing to apply it to");
        bad("[Service]\nDynamicUser=foobar\n",
            "data.volume:1: section [Service]: berth makes no unit for a volume (it is created when a "
            "container first uses it), so there is nothing to apply it to");
        bad("[Install]\nWantedBy=default.target\n",
            "data.volume:1: section [Install]: berth makes no unit for a volume (it is created when a "
            "container first uses it), so there is nothing to apply it to");
        bad("[Volumes]\n", "data.volume:1: unknown section '[Volumes]'");
        {
                _cleanup_free_ char *why = NULL;
                VolumeUnit *u = NULL;

                /* Issue 16: leftovers. A template (t@.volume) is read now; an instance's own file is not. */
                ok(volume_unit_parse("[Volume]\n", "/x/t@i.volume", &u, &why) == -EINVAL && why &&
                           streq(why, "/x/t@i.volume: the volume's name 'systemd-t@i' is not a volume name "
                                      "([A-Za-z0-9][A-Za-z0-9_.-]{0,62}): set VolumeName="),
                   "a name that is no volume name: %s", why ?: "");
                volume_unit_free(u);
        }
}

static void put(const char *rel, const char *text) {
        _cleanup_free_ char *p = path_join(tmp, rel);

        if (write_string_file(p, text, 0644, /* atomic= */ false) < 0)
                ok(false, "write %s", p);
}

static void test_find(void) {
        _cleanup_free_ char *a = path_join(tmp, "a"), *b = path_join(tmp, "b"), *why = NULL;
        char *dirs[] = {a, b, NULL};
        VolumeMount m = {};
        VolumeUnit *u = NULL;
        int r;

        (void)mkdir(a, 0755);
        (void)mkdir(b, 0755);
        put("a/one.volume", "[Volume]\nLabel=x=1\n");
        put("b/one.volume", "[Volume]\nLabel=x=2\n");
        put("b/two.volume", "[Volume]\nVolumeName=shared\nUser=5\nCopy=no\n");
        put("b/broken.volume", "[Volume]\nNope=1\n");
        put("b/tmp.volume", "[Volume]\nDevice=tmpfs\nType=tmpfs\nOptions=size=1m\n");

        r = volume_unit_find("systemd-one", dirs, &u, &why);
        ok(r == 0 && u && strv_equal(u->labels, L("x=1")), "the first directory's file wins (%d %s)", r,
           why ?: "");
        u = volume_unit_free(u);
        r = volume_unit_find("shared", dirs, &u, &why);
        ok(r == 0 && u && endswith(u->path, "/b/two.volume"), "found by VolumeName= (%d %s)", r, why ?: "");
        ok(u && volume_unit_apply(u, &m) == 0 && m.own && m.owner_uid == 5 && m.owner_gid == (gid_t) -1 &&
                   m.no_copy && !m.device,
           "applied: the owner, nocopy");
        volume_mount_done(&m);
        u = volume_unit_free(u);
        r = volume_unit_find("systemd-tmp", dirs, &u, &why);
        ok(r == 0 && u && volume_unit_apply(u, &m) == 0 && streq_ptr(m.device_type, "tmpfs") && m.copy_up &&
                   streq_ptr(m.tmpfs_options, "size=1048576"),
           "applied: a tmpfs device, filled from the image (%d %s)", r, why ?: "");
        volume_mount_done(&m);
        u = volume_unit_free(u);
        r = volume_unit_find("nobody-defines-this", dirs, &u, &why);
        ok(r == -ENOENT && !u, "no file defines it: -ENOENT (%d)", r);
        r = volume_unit_find("systemd-broken", dirs, &u, &why);
        ok(r == -EINVAL && why && endswith(why, "broken.volume:2: Nope=: unknown key in section [Volume]"),
           "the file named for it does not parse: its error (%s)", why ?: "");

        /* References from a definition next to the files. */
        {
                _cleanup_free_ char *def = path_join(a, "m.container"), *error = NULL;
                Definition *d = NULL;

                r = definition_parse_string("[Container]\nImage=img\nVolume=one.volume:/v:ro\n"
                                            "Mount=type=volume,source=one.volume,destination=/d,ro\n"
                                            "Mount=type=bind,src=/srv/x.volume,dst=/b\n",
                                            def, "m", &d, &error);
                ok(r == 0 && d && strv_equal(d->volumes, L("systemd-one:/v:ro")) &&
                           strv_equal(d->mounts, L("type=volume,source=systemd-one,destination=/d,ro",
                                                   "type=bind,src=/srv/x.volume,dst=/b")),
                   "Volume=NAME.volume and Mount=type=volume,source=NAME.volume; a bind's path stays (%s)",
                   error ?: "");
                definition_free(d);
                d = NULL;
                free(error);
                error = NULL;
                r = definition_parse_string(
                        "[Container]\nImage=img\nMount=type=volume,src=nope.volume,dst=/d\n", def, "m", &d,
                        &error);
                ok(r == -EINVAL && error &&
                           endswith(error, "key 'Mount': 'nope.volume': no such file next to the definition "
                                           "or in the definition directories"),
                   "Mount= of a missing .volume: %s", error ?: "");
                definition_free(d);
        }
}

/* Issue 16: leftovers. Template .volume files (NAME@.volume), as Quadlet instantiates them. */
static void test_template(void) {
        _cleanup_free_ char *a = path_join(tmp, "t"), *why = NULL;
        char *dirs[] = {a, NULL};
        VolumeUnit *u = NULL;
        int r;

        (void) mkdir(a, 0755);
        put("t/tv@.volume", "[Volume]\nLabel=inst=%i\n");
        put("t/named@.volume", "[Volume]\nVolumeName=data-%i-x\nUser=7\n");
        put("t/one@.volume", "[Volume]\nVolumeName=same\n");
        put("t/tv@own.volume", "[Volume]\nVolumeName=own-file\n");

        r = volume_unit_find("systemd-tv-7", dirs, &u, &why);
        ok(r == 0 && u && endswith(u->path, "/t/tv@.volume") && strv_equal(u->labels, L("inst=7")),
           "systemd-NAME-INSTANCE is the template's, read for INSTANCE (%d %s)", r, why ?: "");
        u = volume_unit_free(u);
        r = volume_unit_find("data-web-x", dirs, &u, &why);
        ok(r == 0 && u && streq(u->name, "data-web-x") && u->uid == 7, "VolumeName= with %%i (%d %s)", r, why ?: "");
        u = volume_unit_free(u);
        r = volume_unit_find("same", dirs, &u, &why);
        ok(r == 0 && u && endswith(u->path, "/t/one@.volume"), "a VolumeName= without %%i: one volume for all (%d)", r);
        u = volume_unit_free(u);
        r = volume_unit_find("data--x", dirs, &u, &why);
        ok(r == 0 && u && u->uid == 7, "an empty instance, as a container that is no instance names it (%d)", r);
        u = volume_unit_free(u);
        r = volume_unit_find("systemd-tv-", dirs, &u, &why);
        ok(r == 0 && u && endswith(u->path, "/t/tv@.volume"), "  … in the default name too (%d)", r);
        u = volume_unit_free(u);
        r = volume_unit_find("systemd-tv", dirs, &u, &why);
        ok(r == -ENOENT, "  … not without its '-' (%d)", r);

        {
                _cleanup_free_ char *def = path_join(a, "web@.container"), *error = NULL;
                Definition *d = NULL;

                r = definition_parse_string("[Container]\nImage=img\nVolume=tv@.volume:/v\n"
                                            "Mount=type=volume,source=named@.volume,destination=/d,ro=true\n"
                                            "Volume=tv@9.volume:/n\nVolume=tv@own.volume:/o\n",
                                            def, "web@1", &d, &error);
                ok(r == 0 && d && strv_equal(d->volumes, L("systemd-tv-1:/v", "systemd-tv-9:/n", "own-file:/o")) &&
                           strv_equal(d->mounts, L("type=volume,source=data-1-x,destination=/d,ro=true")),
                   "an instance's NAME@.volume is its instance's; NAME@I.volume I's, or its own file's (%s)",
                   error ?: "");
                definition_free(d);
                d = NULL;
                free(error);
                error = NULL;
                r = definition_parse_string("[Container]\nImage=img\nVolume=named@.volume:/v\n", def, "plain", &d,
                                            &error);
                ok(r == 0 && d && strv_equal(d->volumes, L("data--x:/v")),
                   "a container that is no instance reads it with an empty %%i, as systemd (%s)", error ?: "");
                definition_free(d);
        }
}

int main(void) {
        if (!mkdtemp(tmp))
                return EXIT_FAILURE;
        test_good();
        test_bad();
        test_find();
        test_template();
        (void)rm_rf(tmp);
        return tap_finish();
}
