/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition.h"
#include "fd-util.h"
#include "mount.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"
#include "volume.h"

static char *mfree_str(char *s) {
        free(s);
        return NULL;
}

static void test_spec(const char *spec, VolumeType type, const char *source, const char *dst, bool ro) {
        _cleanup_(volume_mount_done) VolumeMount m = {};
        _cleanup_free_ char *why = NULL;
        int r;

        r = volume_spec_parse(spec, &m, &why);
        ok(r == 0, "'%s' parses (%s)", spec, why ?: "");
        if (r < 0)
                return;
        ok(m.type == type, "'%s': type %d", spec, (int) m.type);
        ok(streq_ptr(m.source, source), "'%s': source '%s'", spec, m.source ?: "(null)");
        ok_streq(m.destination, dst);
        ok(m.read_only == ro, "'%s': read_only %d", spec, ro);
}

static void test_bad_spec(const char *spec, const char *why_part) {
        _cleanup_free_ char *why = NULL;
        int r;

        r = volume_spec_parse(spec, NULL, &why);
        ok(r == -EINVAL && why && strstr(why, why_part), "'%s' is refused: %s", spec, why ?: "(no reason)");
}

static void test_specs(void) {
        char long_name[70];

        test_spec("/data", VOLUME_ANONYMOUS, NULL, "/data", false);
        test_spec("/data:ro", VOLUME_ANONYMOUS, NULL, "/data", true);
        test_spec("web:/var/www", VOLUME_NAMED, "web", "/var/www", false);
        test_spec("web:/var/www:ro", VOLUME_NAMED, "web", "/var/www", true);
        test_spec("web:/var/www:rw", VOLUME_NAMED, "web", "/var/www", false);
        test_spec("/srv/host:/srv", VOLUME_BIND, "/srv/host", "/srv", false);
        test_spec("/srv/host:/srv:ro", VOLUME_BIND, "/srv/host", "/srv", true);
        test_spec("/srv/host:/dev/x", VOLUME_BIND, "/srv/host", "/dev/x", false); /* Privileged= decides later */

        test_bad_spec("", "empty");
        test_bad_spec("../x:/data", "'../x' is neither an absolute host path nor a valid volume name");
        test_bad_spec("a/b:/data", "'a/b' is neither");
        test_bad_spec(":/data", "empty volume name");
        memset(long_name, 'x', 64);
        strcpy(long_name + 64, ":/d");
        test_bad_spec(long_name, "is neither");
        test_bad_spec("vol:data", "destination 'data' is not an absolute path");
        test_bad_spec("data", "destination 'data' is not an absolute path");
        test_bad_spec("vol:/", "destination '/' would hide");
        test_bad_spec("/", "destination '/' would hide");
        test_bad_spec("vol:/a/../b", "not normalised");
        test_bad_spec("vol:/a//b", "not normalised");
        test_bad_spec("vol:/a/", "not normalised");
        test_bad_spec("/x/../y:/data", "bind source '/x/../y' is not normalised");
        test_bad_spec("vol:/data:frob", "unknown option 'frob'");
        test_bad_spec("vol:/data:ro,rw", "both ro and rw");
        test_bad_spec("vol:/data:", "empty options");
        test_bad_spec("a:b:c:d", "too many ':'");
        test_bad_spec("vol:/da\tta", "control characters");
}

static void test_destination(void) {
        ok(volume_destination_check("/data", false, NULL) == 0, "/data is fine");
        ok(volume_destination_check("/proc/x", false, NULL) == -EINVAL, "/proc/x needs privileged");
        ok(volume_destination_check("/sys", false, NULL) == -EINVAL, "/sys needs privileged");
        ok(volume_destination_check("/dev/shm/x", false, NULL) == -EINVAL, "/dev/shm/x needs privileged");
        ok(volume_destination_check("/dev/x", true, NULL) == 0, "/dev/x with privileged");
        ok(volume_destination_check("/device", false, NULL) == 0, "/device is not under /dev");
        ok(volume_destination_check("/procx/y", false, NULL) == 0, "/procx is not under /proc");
}

static void test_from(void) {
        _cleanup_free_ char *name = NULL, *why = NULL;
        bool ro = true;

        ok(volume_from_parse("web", &name, &ro, NULL) == 0 && streq(name, "web") && !ro, "VolumesFrom=web");
        name = mfree_str(name);
        ok(volume_from_parse("web:ro", &name, &ro, NULL) == 0 && streq(name, "web") && ro, "VolumesFrom=web:ro");
        name = mfree_str(name);
        ok(volume_from_parse("web:rw", &name, &ro, NULL) == 0 && !ro, "VolumesFrom=web:rw");
        ok(volume_from_parse("../web", NULL, NULL, &why) == -EINVAL && strstr(why, "not a valid container name"),
           "VolumesFrom=../web refused");
        why = mfree_str(why);
        ok(volume_from_parse("web:rx", NULL, NULL, &why) == -EINVAL && strstr(why, "unknown option 'rx'"),
           "VolumesFrom=web:rx refused");
}

static void test_tmpfs(void) {
        _cleanup_(volume_mount_done) VolumeMount m = {}, d = {};
        _cleanup_free_ char *why = NULL;

        ok(volume_tmpfs_parse("/run", &d, NULL) == 0, "Tmpfs=/run");
        ok(d.type == VOLUME_TMPFS && !d.tmpfs_options &&
                   d.tmpfs_flags == (MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC),
           "docker's defaults: nosuid,nodev,noexec, no size");
        ok(volume_tmpfs_parse("/run:size=64m,mode=1777,uid=1000,gid=5,nr_inodes=4k,exec,ro", &m, &why) == 0,
           "Tmpfs= with every option (%s)", why ?: "");
        ok_streq(m.tmpfs_options, "size=67108864,mode=1777,uid=1000,gid=5,nr_inodes=4k");
        ok(m.tmpfs_flags == (MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_RDONLY) && m.read_only, "exec, ro");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("/run:bogus", NULL, &why) == -EINVAL && strstr(why, "unknown tmpfs option 'bogus'"),
           "an unknown option is refused");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("/run:mode=999", NULL, &why) == -EINVAL, "a bad mode is refused");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("/run:size=lots", NULL, &why) == -EINVAL, "a bad size is refused");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("/run:uid=x", NULL, &why) == -EINVAL, "a bad uid is refused");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("/run:source=/etc", NULL, &why) == -EINVAL, "source= is not docker's, refused");
        why = mfree_str(why);
        ok(volume_tmpfs_parse("run", NULL, &why) == -EINVAL, "a relative destination is refused");
}

static void test_anonymous_name(void) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *l = NULL;
        char long_name[64];

        ok(volume_anonymous_name("web", "/data", &a) == 0 && name_is_valid(a) && startswith(a, "web-") &&
                   strlen(a) == 4 + VOLUME_ANONYMOUS_HASH_LEN,
           "anonymous name '%s'", a ?: "");
        ok(volume_anonymous_name("web", "/data", &b) == 0 && streq(a, b), "… the same for the same pair");
        ok(volume_anonymous_name("web", "/other", &c) == 0 && !streq(a, c), "… another for another destination");
        memset(long_name, 'n', 63);
        long_name[63] = 0;
        ok(volume_anonymous_name(long_name, "/data", &l) == 0 && name_is_valid(l), "… valid for a 63-character container name");
        ok(volume_anonymous_name("../x", "/data", &l) == -EINVAL, "… refused for an invalid container name");
}

static void test_definition(void) {
        static const char text[] = "[Container]\n"
                                   "Image=img\n"
                                   "Volume=/data\n"
                                   "Volume=web:/var/www:ro\n"
                                   "Volume=/srv/host:/srv\n"
                                   "VolumesFrom=other:ro\n"
                                   "Tmpfs=/run:size=1m\n";
        _cleanup_(definition_freep) Definition *d = NULL, *d2 = NULL;
        _cleanup_free_ char *s = NULL, *error = NULL;
        _cleanup_strv_free_ char **names = NULL;

        ok(definition_parse_string(text, "t.container", "c", &d, &error) == 0, "a definition with volumes (%s)", error ?: "");
        if (!d)
                return;
        ok(strv_length(d->volumes) == 3 && strv_length(d->volumes_from) == 1 && strv_length(d->tmpfs) == 1,
           "three Volume=, one VolumesFrom=, one Tmpfs=");
        ok(definition_to_string(d, &s) >= 0 && definition_parse_string(s, "t.container", "c", &d2, NULL) >= 0 &&
                   definition_equal(d, d2),
           "round-trips");
        ok(volume_names_of(d, &names) == 0 && strv_length(names) == 2 && startswith(names[0], "c-") &&
                   streq(names[1], "web"),
           "volume_names_of: the anonymous one and web");

#define BAD(t, part)                                                                                      \
        do {                                                                                              \
                _cleanup_(definition_freep) Definition *_d = NULL;                                        \
                _cleanup_free_ char *_e = NULL;                                                           \
                int _r = definition_parse_string("[Container]\nImage=img\n" t, "b.container", "b", &_d, &_e); \
                ok(_r == -EINVAL && _e && strstr(_e, part), "refused: %s", _e ?: "(no message)");         \
        } while (0)
        BAD("Volume=../x:/data\n", "b.container:3: key 'Volume': '../x' is neither");
        BAD("Volume=/h:/dev/x\n", "b.container: key 'Volume': destination '/dev/x' is under /proc, /sys or /dev");
        BAD("Volume=a:/data\nTmpfs=/data\n", "key 'Tmpfs': more than one mount on '/data'");
        BAD("Volume=a:/data\nVolume=b:/data\n", "key 'Volume': more than one mount on '/data'");
        BAD("VolumesFrom=b\n", "cannot take volumes from itself");
        BAD("Tmpfs=/t:nope\n", "b.container:3: key 'Tmpfs': unknown tmpfs option 'nope'");
#undef BAD
        {
                _cleanup_(definition_freep) Definition *p = NULL;

                ok(definition_parse_string("[Container]\nImage=img\nVolume=/h:/dev/x\nPrivileged=yes\n", "p.container",
                                           "p", &p, NULL) == 0,
                   "Privileged=yes after Volume=/h:/dev/x is fine");
        }
        {
                _cleanup_(definition_freep) Definition *e = NULL;

                ok(definition_parse_string("[Container]\nImage=img\nVolume=/a\nVolume=\nVolume=/b\n", "e.container", "e", &e,
                                           NULL) == 0 &&
                           strv_length(e->volumes) == 1 && streq(e->volumes[0], "/b"),
                   "an empty Volume= resets the list");
        }
}

/* Copy-up end to end, as root in a mount namespace of our own: a volume is filled from the image
 * (the top layer winning), marked ready, and never filled again. */
static void test_copy_up(void) {
        char tmp[] = "/tmp/test-volume.XXXXXX";
        _cleanup_free_ char *state = NULL, *l1 = NULL, *l2 = NULL, *up = NULL, *data = NULL, *content = NULL;
        _cleanup_(volume_plan_done) VolumePlan plan = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        struct stat st;

        if (!mkdtemp(tmp))
                return (void) ok(false, "mkdtemp");
        state = path_join(tmp, "state");
        l1 = path_join(tmp, "l1");
        l2 = path_join(tmp, "l2");
        up = path_join(tmp, "upper");
        ok(mkdir(state, 0700) == 0 && mkdir(l1, 0755) == 0 && mkdir(l2, 0755) == 0 && mkdir(up, 0755) == 0, "dirs");
        setenv("BERTH_STATE_DIR", state, 1);
        berth_paths_reset();

        /* l2 (bottom): /data owned 33:33 0750 with a file; l1 (top): a newer version of it. */
        ok(mkdir_p(path_join(l2, "data"), 0750) == 0, "mkdir l2/data");
        ok(write_string_file(path_join(l2, "data/f"), "old\n", 0644, false) == 0, "write l2/data/f");
        ok(chown(path_join(l2, "data"), 33, 33) == 0 && chmod(path_join(l2, "data"), 0750) == 0, "chown l2/data");
        ok(mkdir_p(path_join(l1, "data"), 0750) == 0 && chown(path_join(l1, "data"), 33, 33) == 0 &&
                   chmod(path_join(l1, "data"), 0750) == 0,
           "mkdir l1/data");
        ok(write_string_file(path_join(l1, "data/f"), "new\n", 0644, false) == 0, "write l1/data/f");

        ok(definition_parse_string("[Container]\nImage=img\nVolume=vol:/data\n", "c.container", "c", &d, NULL) == 0, "parse");
        ok(volume_plan_make(d, /* image= */ NULL, &plan) == 0 && plan.n == 1, "plan");
        ok(volume_plan_prepare(&plan, (char *[]) { l1, l2, NULL }, up) == 0, "prepare fills the volume");
        data = path_join(state, "volumes/vol/_data");
        ok(stat(data, &st) == 0 && st.st_uid == 33 && st.st_gid == 33 && (st.st_mode & 07777) == 0750,
           "_data has the owner and mode of the image's /data");
        ok(read_full_file_at(AT_FDCWD, path_join(data, "f"), 1024, &content, NULL) == 0 && streq(content, "new\n"),
           "… and the top layer's file");

        ok(unlink(path_join(data, "f")) == 0, "remove f from the volume");
        ok(volume_plan_prepare(&plan, (char *[]) { l1, l2, NULL }, up) == 0, "prepare again");
        ok(access(path_join(data, "f"), F_OK) < 0, "… does not fill it twice");
        (void) rm_rf(tmp);
}

/* Copy-up onto a full disk: fails, leaves no half volume (no _data, no staging), and the next
 * start with room fills it. Runs in the mount namespace main() made. */
static void test_copy_up_enospc(void) {
        char tmp[] = "/tmp/test-volume-enospc.XXXXXX";
        _cleanup_free_ char *state = NULL, *l1 = NULL, *up = NULL, *big = NULL, *vol = NULL, *left = NULL;
        _cleanup_(volume_plan_done) VolumePlan plan = {};
        _cleanup_(definition_freep) Definition *d = NULL;
        struct stat st;
        int r;

        if (!mkdtemp(tmp))
                return (void) ok(false, "mkdtemp");
        state = path_join(tmp, "state");
        l1 = path_join(tmp, "l1");
        up = path_join(tmp, "upper");
        ok(mkdir(state, 0700) == 0 && mkdir(l1, 0755) == 0 && mkdir(up, 0755) == 0, "dirs");
        ok(mount("tmpfs", state, "tmpfs", 0, "size=1m") == 0, "a 1 MiB disk for the state");
        setenv("BERTH_STATE_DIR", state, 1);
        berth_paths_reset();
        ok(mkdir_p(path_join(l1, "data"), 0755) == 0, "mkdir l1/data");
        big = malloc(4U << 20);
        memset(big, 'x', 4U << 20);
        big[(4U << 20) - 1] = 0;
        ok(write_string_file(path_join(l1, "data/big"), big, 0644, false) == 0, "a 4 MiB file in the image's /data");

        ok(definition_parse_string("[Container]\nImage=img\nVolume=full:/data\n", "c.container", "c", &d, NULL) == 0,
           "parse");
        ok(volume_plan_make(d, /* image= */ NULL, &plan) == 0 && plan.n == 1, "plan");
        r = volume_plan_prepare(&plan, (char *[]) { l1, NULL }, up);
        ok(r == -ENOSPC, "copy-up onto a full disk fails with ENOSPC (%d)", r);
        vol = path_join(state, "volumes/full");
        {
                _cleanup_closedir_ DIR *dir = opendir(vol);
                struct dirent *de;
                unsigned n = 0;

                while (dir && (de = readdir(dir)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                                n++;
                ok(dir && n == 0, "  … leaving the volume new and empty: no _data, no staging (%u entries)", n);
        }
        ok(mount(NULL, state, NULL, MS_REMOUNT, "size=16m") == 0, "room on the disk again");
        ok_eq_int(volume_plan_prepare(&plan, (char *[]) { l1, NULL }, up), 0);
        ok(stat(path_join(vol, "_data/big"), &st) == 0 && st.st_size == (4 << 20) - 1,
           "  … and the next start fills it whole");
        (void) umount2(state, MNT_DETACH);
        (void) rm_rf(tmp);
}

/* What copy-ups cut short leave: reclaimed, unless a copy-up holds the volume. */
static void test_reclaim(void) {
        char tmp[] = "/tmp/test-volume-reclaim.XXXXXX";
        _cleanup_free_ char *state = NULL, *busy = NULL;
        _cleanup_strv_free_ char **removed = NULL;
        int ready[2], go[2], status;
        uint64_t bytes = 0;
        pid_t pid;

        if (!mkdtemp(tmp))
                return (void) ok(false, "mkdtemp");
        state = path_join(tmp, "state");
        setenv("BERTH_STATE_DIR", state, 1);
        berth_paths_reset();
        ok(mkdir_p(path_join(state, "volumes/dead/.staging-4242/sub"), 0755) == 0 &&
                   write_string_file(path_join(state, "volumes/dead/.staging-4242/sub/f"), "half", 0644, false) == 0 &&
                   mkdir_p(path_join(state, "volumes/dead/_data"), 0755) == 0,
           "a volume with a staging directory of a dead copy-up");
        busy = path_join(state, "volumes/busy");
        ok(mkdir_p(path_join(busy, ".staging-1"), 0755) == 0, "a volume whose copy-up runs");
        ok(pipe2(ready, O_CLOEXEC) == 0 && pipe2(go, O_CLOEXEC) == 0, "pipes");
        pid = fork();
        if (pid == 0) {
                int fd = open(busy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                char c;

                (void) flock(fd, LOCK_EX);
                (void) write(ready[1], "x", 1);
                (void) read(go[0], &c, 1);
                _exit(0);
        }
        {
                char c;
                (void) read(ready[0], &c, 1);
        }
        ok_eq_int(volume_reclaim(&removed, &bytes), 0);
        ok(strv_length(removed) == 1 && streq(removed[0], "dead/.staging-4242") && bytes >= 4,
           "the dead copy-up's staging is reclaimed (%s, %llu bytes)", removed && removed[0] ? removed[0] : "-",
           (unsigned long long) bytes);
        ok(access(path_join(state, "volumes/dead/_data"), F_OK) == 0, "  … its _data stays");
        ok(access(path_join(busy, ".staging-1"), F_OK) == 0, "  … and a running copy-up's staging is not touched");
        (void) write(go[1], "x", 1);
        (void) waitpid(pid, &status, 0);
        close(ready[0]);
        close(ready[1]);
        close(go[0]);
        close(go[1]);
        (void) rm_rf(tmp);
}

int main(void) {
        test_specs();
        test_destination();
        test_from();
        test_tmpfs();
        test_anonymous_name();
        test_definition();

        /* Privileged: in a mount namespace of our own (the overlay is a detached mount anyway). */
        if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) == 0)
        {
                test_copy_up();
                test_copy_up_enospc();
                test_reclaim();
        } else
                printf("# skipping copy-up: needs root\n");
        return tap_finish();
}
