/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mount=, AddDevice=, ShmSize=, Mask=, Unmask=, Timezone=, ReadOnlyTmpfs= and Volume='s options:
 * parsing, messages, and the round trip through definition_to_string(). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definition-builder.h"
#include "definition-mounts.h"
#include "definition.h"
#include "mount-flags.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define F "/x/web.container"

static Definition *parse_ok(const char *body) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        Definition *d = NULL;
        int r;

        text = strjoin("[Container]\nImage=img\n", body);
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == 0 && d, "parses: %s (got %d: %s)", body, r, error ?: "");
        return r == 0 ? d : NULL;
}

static void key_bad(const char *body, const char *expect) {
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;
        int r;

        text = strjoin("[Container]\nImage=img\n", body);
        r = definition_parse_string(text, F, "web", &d, &error);
        ok(r == -EINVAL && !d, "refused: %s (got %d)", body, r);
        ok(error && streq(error, expect), "message \"%s\" (got \"%s\")", expect, error ?: "(null)");
        ok(error && !strchr(error, '\n'), "one line: %s", body);
}

static void round_trip(const Definition *d, const char *what) {
        _cleanup_(definition_freep) Definition *back = NULL;
        _cleanup_free_ char *text = NULL, *text2 = NULL, *error = NULL;
        int r;

        r = definition_to_string(d, &text);
        ok(r == 0 && text, "%s: serialises (%d)", what, r);
        if (r < 0)
                return;
        r = definition_parse_string(text, "round-trip", d->name, &back, &error);
        ok(r == 0, "%s: reads back (%d: %s)", what, r, error ?: "");
        if (r < 0)
                return;
        ok(definition_equal(d, back), "%s: equal after the round trip", what);
        r = definition_to_string(back, &text2);
        ok(r == 0 && streq(text, text2), "%s: same text twice", what);
}

static void test_mount_parse(void) {
        VolumeMount m = {};
        char *why = NULL;

        ok_eq_int(definition_mount_parse("type=bind,source=/srv/a,destination=/a,ro", &m, &why), 0);
        ok(m.type == VOLUME_BIND && streq(m.source, "/srv/a") && streq(m.destination, "/a") && m.read_only,
           "bind with ro");
        ok(!m.non_recursive && m.propagation == VOLUME_PROPAGATION_DEFAULT, "bind: rbind and the default propagation");
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=bind,src=/srv/a,dst=/a,readonly=false,bind-propagation=rslave,"
                                         "bind-nonrecursive=true,U=true,relabel=private,noexec,nosuid,nodev",
                                         &m, &why),
                  0);
        ok(!m.read_only && m.propagation == VOLUME_PROPAGATION_RSLAVE && m.non_recursive && m.chown && m.relabel &&
                   m.flags == (MOUNT_FLAG_NOEXEC | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV),
           "bind with every option");
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=volume,source=data,target=/var/lib/x,volume-nocopy", &m, &why), 0);
        ok(m.type == VOLUME_NAMED && streq(m.source, "data") && m.no_copy, "named volume, nocopy");
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=volume,destination=/path/in/container,ro", &m, &why), 0);
        ok(m.type == VOLUME_ANONYMOUS && !m.source && m.read_only, "anonymous volume");
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=tmpfs,tmpfs-size=512M,tmpfs-mode=1770,destination=/t", &m, &why), 0);
        ok(m.type == VOLUME_TMPFS && streq(m.destination, "/t") && streq_ptr(m.tmpfs_options, "size=536870912,mode=1770") &&
                   m.tmpfs_flags == (MOUNT_FLAG_NOEXEC | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV),
           "tmpfs with size and mode, docker's nosuid,nodev,noexec (got %s, %x)", m.tmpfs_options ?: "", m.tmpfs_flags);
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=bind,src=/tmp,\"dst=/path,1\"", &m, &why), 0);
        ok(streq_ptr(m.destination, "/path,1") && streq_ptr(m.source, "/tmp"), "a CSV-quoted field holds a comma");
        volume_mount_done(&m);
        ok_eq_int(definition_mount_parse("type=bind,\"src=/a\"\"b\",dst=/x", &m, &why), 0);
        ok(streq_ptr(m.source, "/a\"b"), "\"\" is a quote inside a quoted field");
        volume_mount_done(&m);

        /* Issue 16: leftovers. type=image: read-only unless rw=true, then an overlay for one run. */
        ok_eq_int(definition_mount_parse("type=image,source=fedora,destination=/fedora-image", &m, &why), 0);
        ok(m.type == VOLUME_IMAGE && streq_ptr(m.source, "fedora") && streq(m.destination, "/fedora-image") &&
                   m.read_only && !m.overlay,
           "image: read-only by default");
        volume_mount_done(&m);
        ok_eq_int(definition_mount_parse("type=image,src=docker.io/library/nginx:1.25,dst=/n,rw=false,noexec", &m, &why), 0);
        ok(m.type == VOLUME_IMAGE && m.read_only && !m.overlay && m.flags == MOUNT_FLAG_NOEXEC,
           "image: rw=false, a full reference, noexec");
        volume_mount_done(&m);
        ok_eq_int(definition_mount_parse("type=image,source=fedora,destination=/fedora-image,rw=true", &m, &why), 0);
        ok(m.type == VOLUME_IMAGE && !m.read_only && m.overlay, "image: rw=true is an overlay (mount.container)");
        volume_mount_done(&m);

        ok_eq_int(definition_mount_parse("type=tmpfs,dst=/t,exec,ro", &m, &why), 0);
        ok(m.read_only && m.tmpfs_flags == (MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV), "tmpfs exec, ro");
        volume_mount_done(&m);
        free(why);
}

static void test_mount_keys(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = parse_ok("Mount=type=bind,source=/srv,destination=/a type=tmpfs,destination=/b\n"
                     "Mount=type=volume,source=data,destination=/c\n");
        ok(d && strv_length(d->mounts) == 3, "Mount= takes words, each a mount");
        definition_free(d);
        d = parse_ok("Mount=type=volume,source=data,destination=/c\nMount=\nMount=type=tmpfs,dst=/t\n");
        ok(d && strv_length(d->mounts) == 1, "an empty Mount= resets");

        /* Issue 16: leftovers. podman's type=image. */
        key_bad("Mount=type=image,destination=/path/in/container,ro\n",
                F ":3: key 'Mount': source parameter is required for mount type image");
        key_bad("Mount=type=image,source=Bad:Ref:x,destination=/x\n",
                F ":3: key 'Mount': 'Bad:Ref:x' is not a valid image reference: repository name must be lowercase ('Bad:Ref')");
        key_bad("Mount=type=image,source=fedora,destination=/x,U\n",
                F ":3: key 'Mount': type=image takes none of U, relabel, volume-* and bind-* options");
        key_bad("Mount=type=artifact,source=fedora,destination=/x\n",
                F ":3: key 'Mount': type 'artifact' is podman-specific (its artifact store, globs of binds, its devpts and ramfs mounts): berth has bind, volume, tmpfs and image");
        key_bad("Mount=type=bind,destination=/x\n", F ":3: key 'Mount': type=bind needs a source= (an absolute host path)");
        key_bad("Mount=type=bind,source=/a\n",
                F ":3: key 'Mount': 'type=bind,source=/a' has no destination (target=, destination= or dst=)");
        key_bad("Mount=source=/a,dst=/b\n", F ":3: key 'Mount': 'source=/a,dst=/b' has no type= (bind, volume, tmpfs or image)");
        key_bad("Mount=type=bind,source=./a,dst=/b\n", F ":3: key 'Mount': bind source './a' is not an absolute, normalised path");
        key_bad("Mount=type=bind,source=/a,dst=/b,bind-propagation=rshared\n",
                F ":3: key 'Mount': bind-propagation=rshared is not supported: nothing mounted in a berth container propagates "
                  "back to the host (private, rprivate, slave or rslave)");
        key_bad("Mount=type=tmpfs,source=/a,dst=/b\n", F ":3: key 'Mount': type=tmpfs takes no source");
        key_bad("Mount=type=tmpfs,dst=/b,tmpfs-size=lots\n", F ":3: key 'Mount': tmpfs size 'lots' is not a size (e.g. 64m)");
        key_bad("Mount=type=volume,source=data,dst=/b,tmpfs-size=1m\n",
                F ":3: key 'Mount': tmpfs-size= and tmpfs-mode= are for type=tmpfs");
        key_bad("Mount=type=volume,source=data,dst=/b,bind-propagation=rprivate\n",
                F ":3: key 'Mount': bind-* options are for type=bind");
        key_bad("Mount=type=bind,source=/a,dst=/b,idmap=uids=1-2-3\n", F ":3: key 'Mount': option 'idmap' is not supported by berth");
        key_bad("Mount=type=bind,source=/a,dst=/b,frob\n", F ":3: key 'Mount': unknown option 'frob'");
        key_bad("Mount=type=bind,source=/a,dst=/b,readonly,bind-recursive=writable\n",
                F ":3: key 'Mount': bind-recursive='writable' is not supported (enabled, disabled or readonly)");
        key_bad("Mount=type=bind,src=/tmp,\\\"dst=/x\n",
                F ":3: key 'Mount': 'type=bind,src=/tmp,\"dst=/x' is not a list of OPTION=VALUE fields (a '\"' must quote a whole field)");
        key_bad("Mount=type=bind,,src=/tmp,dst=/x\n", F ":3: key 'Mount': 'type=bind,,src=/tmp,dst=/x' has an empty field");
        {
                _cleanup_(definition_freep) Definition *q = parse_ok("Mount=type=bind,src=/tmp,\\\"dst=/path,1\\\"\n");
                ok(q && streq(q->mounts[0], "type=bind,src=/tmp,\"dst=/path,1\""), "podman's mount.container: \\\" in a word");
        }
        key_bad("Mount=type=volume,source=a/b,dst=/b\n",
                F ":3: key 'Mount': volume 'a/b' is not a valid volume name (names must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62})");
        key_bad("Mount=type=bind,source=/a,dst=/proc/x\n",
                F ": key 'Mount': destination '/proc/x' is under /proc, /sys or /dev (allowed only with Privileged=yes)");
        key_bad("Mount=type=bind,source=/a,dst=/x\nVolume=/b:/x\n", F ": key 'Mount': more than one mount on '/x'");
        key_bad("Mount=type=bind,source=/a,dst=/x,volume-nocopy\n", F ":3: key 'Mount': volume-nocopy is for type=volume");
}

static void test_volume_options(void) {
        VolumeMount m = {};
        char *why = NULL;

        ok_eq_int(volume_spec_parse("/srv:/a:ro,U,z,noexec,nodev,nosuid,bind,rprivate", &m, &why), 0);
        ok(m.read_only && m.chown && m.relabel && m.non_recursive && m.propagation == VOLUME_PROPAGATION_RPRIVATE &&
                   m.flags == (MOUNT_FLAG_NOEXEC | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV),
           "Volume= options");
        volume_mount_done(&m);
        ok_eq_int(volume_spec_parse("/srv:/a:O,Z", &m, &why), 0);
        ok(m.overlay && m.relabel && !m.read_only, "O, Z");
        volume_mount_done(&m);
        ok_eq_int(volume_spec_parse("data:/a:nocopy,exec,suid,dev", &m, &why), 0);
        ok(m.no_copy && m.flags == 0, "nocopy and the positive flags");
        volume_mount_done(&m);
        ok_eq_int(volume_spec_parse("/a:U", &m, &why), 0);
        ok(m.type == VOLUME_ANONYMOUS && m.chown, "anonymous volume with U");
        volume_mount_done(&m);

        key_bad("Volume=/srv:/a:rshared\n",
                F ":3: key 'Volume': option 'rshared' is not supported: nothing mounted in a berth container propagates back "
                  "to the host (private, rprivate, slave or rslave)");
        key_bad("Volume=/srv:/a:O,U\n", F ":3: key 'Volume': options: O (an overlay) does not go with U, bind or propagation options");
        key_bad("Volume=data:/a:O\n", F ":3: key 'Volume': options: O (an overlay) is for binds of host paths, not volumes");
        key_bad("Volume=data:/a:bind\n",
                F ":3: key 'Volume': options: bind and propagation options are for binds of host paths, not volumes");
        key_bad("Volume=/srv:/a:nocopy\n", F ":3: key 'Volume': options: nocopy is for volumes, not binds of host paths");
        key_bad("Volume=/srv:/a:ro,rw\n", F ":3: key 'Volume': options 'ro,rw' say both ro and rw");
        key_bad("Volume=/srv:/a:idmap\n", F ":3: key 'Volume': option 'idmap' is podman-specific and not supported by berth");
        key_bad("Volume=/srv:/a:private,slave\n", F ":3: key 'Volume': options 'private,slave' give the propagation twice");
        key_bad("Volume=/srv:/a:frob\n",
                F ":3: key 'Volume': unknown option 'frob' (ro, rw, U, z, Z, O, nocopy, [no]exec, [no]suid, [no]dev, rbind, "
                  "bind, [r]private, [r]slave)");
        free(why);
}

static void test_devices(void) {
        DeviceSpec s = {};
        char *why = NULL;

        ok_eq_int(device_spec_parse("/dev/fuse", &s, &why), 0);
        ok(!s.optional && streq(s.host, "/dev/fuse") && streq(s.container, "/dev/fuse") && streq(s.perms, "rwm"), "plain");
        device_spec_done(&s);
        ok_eq_int(device_spec_parse("/dev/loop0:r", &s, &why), 0);
        ok(streq(s.container, "/dev/loop0") && streq(s.perms, "r"), "HOST:PERMS");
        device_spec_done(&s);
        ok_eq_int(device_spec_parse("-/dev/null:/dev/test", &s, &why), 0);
        ok(s.optional && streq(s.container, "/dev/test") && streq(s.perms, "rwm"), "optional HOST:CONTAINER");
        device_spec_done(&s);
        ok_eq_int(device_spec_parse("/dev/sda:/dev/xvda:mr", &s, &why), 0);
        ok(streq(s.container, "/dev/xvda") && streq(s.perms, "rm"), "HOST:CONTAINER:PERMS, in rwm order");
        device_spec_done(&s);

        key_bad("AddDevice=/dev/a:x\n", F ":3: key 'AddDevice': 'x' is neither a path in the container nor permissions (r, w, m)");
        key_bad("AddDevice=/dev/a:/dev/b:rr\n", F ":3: key 'AddDevice': 'rr' is not permissions (a combination of r, w and m)");
        key_bad("AddDevice=dev/a\n", F ":3: key 'AddDevice': host device 'dev/a' is not an absolute, normalised path");
        key_bad("AddDevice=/dev/a:/srv/a\n",
                F ":3: key 'AddDevice': '/srv/a' is not a normalised path under /dev, where berth makes device nodes");
        key_bad("AddDevice=/dev/a:/dev/b:r:w\n", F ":3: key 'AddDevice': '/dev/a:/dev/b:r:w' is not HOST[:CONTAINER][:PERMS] (too many ':')");
        free(why);
}

static void test_masks(void) {
        _cleanup_(definition_freep) Definition *d = NULL;
        char *unmask_all[] = { (char *) "all", NULL }, *unmask_some[] = { (char *) "/proc/k*:/sys/firmware", NULL };

        d = parse_ok("Mask=/proc/sys/foo:/proc/sys/bar\nMask=/proc/sys/foobar\nUnmask=/proc/sys/*:/proc/kcore\nUnmask=ALL\n");
        ok(d && strv_length(d->masks) == 2 && strv_length(d->unmasks) == 2, "Mask=, Unmask= as in podman's test files");
        ok(definition_path_unmasked(unmask_all, "/proc/kcore"), "Unmask=all unmasks everything");
        ok(definition_path_unmasked(unmask_some, "/proc/kcore") && definition_path_unmasked(unmask_some, "/proc/keys") &&
                   definition_path_unmasked(unmask_some, "/sys/firmware"),
           "patterns and paths");
        ok(!definition_path_unmasked(unmask_some, "/proc/acpi") && !definition_path_unmasked(NULL, "/proc/kcore"),
           "what they do not name stays masked");
        key_bad("Mask=proc/x\n", F ":3: key 'Mask': 'proc/x' is not an absolute, normalised path (other than /)");
        key_bad("Mask=/a::/b\n", F ":3: key 'Mask': '/a::/b' has an empty path");
        key_bad("Mask=/a/../b\n", F ":3: key 'Mask': '/a/../b' is not an absolute, normalised path (other than /)");
        key_bad("Unmask=some\n", F ":3: key 'Unmask': 'some' is not an absolute, normalised path or pattern");
}

static void test_scalars(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = parse_ok("ShmSize=5g\nTimezone=Europe/Berlin\nReadOnlyTmpfs=no\n");
        ok(d && d->shm_size == (UINT64_C(5) << 30) && streq_ptr(d->timezone, "Europe/Berlin") && !d->read_only_tmpfs,
           "ShmSize=, Timezone=, ReadOnlyTmpfs=");
        definition_free(d);
        d = parse_ok("Timezone=local\n");
        ok(d && d->read_only_tmpfs && d->shm_size == 0, "defaults: ReadOnlyTmpfs=yes, ShmSize= unset");
        definition_free(d);
        d = parse_ok("Timezone=UTC\nTimezone=\n");
        ok(d && !d->timezone, "an empty Timezone= is unset, the image's own (Quadlet's basepodman.container)");
        ok(definition_timezone_is_valid("Etc/GMT+5") && definition_timezone_is_valid("UTC") &&
                   !definition_timezone_is_valid("../etc/shadow") && !definition_timezone_is_valid("/etc/localtime") &&
                   !definition_timezone_is_valid("Europe//Berlin") && !definition_timezone_is_valid("a b"),
           "time zone names");
        key_bad("ShmSize=0\n", F ":3: key 'ShmSize': '0' is not a size greater than 0 (e.g. 64m, 1g)");
        key_bad("ShmSize=big\n", F ":3: key 'ShmSize': 'big' is not a size greater than 0 (e.g. 64m, 1g)");
        key_bad("Timezone=../../etc/shadow\n",
                F ":3: key 'Timezone': '../../etc/shadow' is neither local nor a time zone name below /usr/share/zoneinfo (e.g. "
                  "Europe/Berlin, UTC)");
        key_bad("ReadOnlyTmpfs=maybe\n", F ":3: key 'ReadOnlyTmpfs': 'maybe' is not a boolean (yes or no)");
}

static void test_round_trip(void) {
        _cleanup_(definition_freep) Definition *d = NULL;

        d = parse_ok("Mount=type=bind,source=/srv,destination=/a,ro type=tmpfs,destination=/b,tmpfs-size=1m\n"
                     "Mount='type=bind,src=/path/on/host with spaces,dst=/path'\n"
                     "AddDevice=/dev/fuse -/dev/null:/dev/test:r\n"
                     "ShmSize=128m\nMask=/proc/a:/proc/b\nUnmask=ALL\nTimezone=America/New_York\nReadOnlyTmpfs=false\n"
                     "Volume=/srv:/c:ro,U,z\nVolume=/srv:/d:O\nMount=type=bind,src=/tmp,\\\"dst=/path,1\\\"\n");
        ok(d && strv_length(d->mounts) == 4 && streq(d->mounts[2], "type=bind,src=/path/on/host with spaces,dst=/path"),
           "a quoted Mount= word keeps its blanks");
        if (d)
                round_trip(d, "every mount key");
}

static void test_builder(void) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *text = NULL, *error = NULL;

        ok_eq_int(definition_builder_add(&b, "--mount", "type=bind,source=/srv,target=/a"), 0);
        ok_eq_int(definition_builder_add(&b, "--device", "/dev/fuse"), 0);
        ok_eq_int(definition_builder_add(&b, "--shm-size", "1g"), 0);
        ok_eq_int(definition_builder_add(&b, "--tz", "UTC"), 0);
        ok_eq_int(definition_builder_add(&b, "IMAGE", "img"), 0);
        ok_eq_int(definition_builder_parse(&b, "web", &text, &d, &error), 0);
        ok(d && strv_length(d->mounts) == 1 && strv_length(d->devices) == 1 && d->shm_size == (UINT64_C(1) << 30) &&
                   streq_ptr(d->timezone, "UTC"),
           "the flags give their keys");
        definition_builder_done(&b);
        d = definition_free(d);
        free(error);
        error = NULL;
        text = NULL;
        ok_eq_int(definition_builder_add(&b, "--shm-size", "0"), 0);
        ok_eq_int(definition_builder_add(&b, "IMAGE", "img"), 0);
        ok_eq_int(definition_builder_parse(&b, "web", &text, &d, &error), -EINVAL);
        ok_streq(error, "option --shm-size: '0' is not a size greater than 0 (e.g. 64m, 1g)");
}

int main(void) {
        test_mount_parse();
        test_mount_keys();
        test_volume_options();
        test_devices();
        test_masks();
        test_scalars();
        test_round_trip();
        test_builder();
        return tap_finish();
}
