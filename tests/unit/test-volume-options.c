/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volume='s U (chown) and z (relabel) on the host, and O's directories (volume-options.c): never
 * following a symlink planted in the source, never crossing into another file system. Needs root
 * (skipped otherwise); works in a mount namespace of its own. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fd-util.h"
#include "path-util.h"
#include "string-util.h"
#include "volume.h"
#include "tap.h"

static uid_t owner(const char *p) {
        struct stat st;

        return lstat(p, &st) < 0 ? (uid_t) -1 : st.st_uid;
}

static char *at(const char *dir, const char *p) {
        static char buf[8][512];
        static unsigned i;

        snprintf(buf[i % 8], sizeof(buf[0]), "%s/%s", dir, p);
        return buf[i++ % 8];
}

static void test_chown(void) {
        char tmp[] = "/tmp/test-volume-options.XXXXXX";
        VolumeMount m = { .type = VOLUME_BIND, .chown = true, .relabel = true };
        VolumePlan p = { .mounts = &m, .n = 1 };
        char *top;
        int fd;

        if (!mkdtemp(tmp)) {
                ok(false, "mkdtemp");
                return;
        }
        top = strdup(at(tmp, "src"));
        ok(mkdir(top, 0755) == 0 && mkdir(at(top, "dir"), 0755) == 0 && mkdir(at(top, "dir/deeper"), 0755) == 0 &&
                   mkdir(at(top, "sub"), 0755) == 0,
           "tree made");
        fd = open(at(top, "dir/deeper/file"), O_WRONLY | O_CREAT, 0644);
        close(fd);
        fd = open(at(tmp, "victim"), O_WRONLY | O_CREAT, 0644);
        close(fd);
        ok(symlink(at(tmp, "victim"), at(top, "abs")) == 0 && symlink("../../victim", at(top, "dir/rel")) == 0 &&
                   mkdir(at(tmp, "outside"), 0755) == 0 && symlink("../outside", at(top, "dirlink")) == 0,
           "symlinks planted: to a file outside, up with .., to a directory outside");
        ok(mount("none", at(top, "sub"), "tmpfs", 0, NULL) == 0, "another file system below the source");
        fd = open(at(top, "sub/other"), O_WRONLY | O_CREAT, 0644);
        close(fd);

        m.source = top;
        m.destination = (char *) "/d";
        ok_eq_int(volume_plan_own(&p, 1234, 5678), 0);
        ok(owner(top) == 1234 && owner(at(top, "dir")) == 1234 && owner(at(top, "dir/deeper")) == 1234 &&
                   owner(at(top, "dir/deeper/file")) == 1234,
           "the source and everything in it chowned");
        ok(owner(at(top, "abs")) == 1234 && owner(at(top, "dir/rel")) == 1234 && owner(at(top, "dirlink")) == 1234,
           "symlinks chowned themselves");
        ok(owner(at(tmp, "victim")) == 0 && owner(at(tmp, "outside")) == 0, "… never what they point to");
        ok(owner(at(top, "sub/other")) == 0, "another file system below is left alone");
        ok(owner(at(top, "sub")) == 0, "… its root too");
        /* No SELinux here: z and Z do nothing, and say nothing. */
        if (access("/sys/fs/selinux/enforce", F_OK) < 0)
                ok(getxattr(top, "security.selinux", NULL, 0) < 0, "z without SELinux sets no label");

        ok(umount(at(top, "sub")) == 0, "cleanup: umount");
        (void) rm_rf(tmp);
        free(top);
}

static void test_overlays(void) {
        char tmp[] = "/tmp/test-volume-options.XXXXXX";
        VolumeMount m[2] = {
                { .type = VOLUME_BIND, .source = (char *) "/srv", .destination = (char *) "/a" },
                { .type = VOLUME_BIND, .source = (char *) "/srv", .destination = (char *) "/b", .overlay = true },
        };
        VolumePlan p = { .mounts = m, .n = 2 };
        int fd;

        if (!mkdtemp(tmp)) {
                ok(false, "mkdtemp");
                return;
        }
        ok_eq_int(volume_plan_prepare_overlays(&p, tmp), 0);
        ok(!m[0].overlay_upper && streq_ptr(m[1].overlay_upper, at(tmp, "overlays/1/upper")) &&
                   streq_ptr(m[1].overlay_work, at(tmp, "overlays/1/work")),
           "O gets an upper and a work directory of its own");
        ok(access(m[1].overlay_upper, F_OK) == 0 && access(m[1].overlay_work, F_OK) == 0, "… made");
        fd = open(at(m[1].overlay_upper, "changed"), O_WRONLY | O_CREAT, 0644);
        close(fd);
        free(m[1].overlay_upper);
        free(m[1].overlay_work);
        m[1].overlay_upper = m[1].overlay_work = NULL;
        ok_eq_int(volume_plan_prepare_overlays(&p, tmp), 0);
        ok(access(at(m[1].overlay_upper, "changed"), F_OK) < 0, "the last run's changes are gone at the next");
        free(m[1].overlay_upper);
        free(m[1].overlay_work);
        (void) rm_rf(tmp);
}

int main(void) {
        if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                tap_skip_all("needs root");
        test_chown();
        test_overlays();
        return tap_finish();
}
