/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "image.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Entries of dir other than "." and "..", joined by " ", for exact comparisons. */
static char *dir_entries(const char *dir) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return strdup("(missing)");
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        if (strv_extend(&l, de->d_name) < 0)
                                return NULL;
        if (!l)
                return strdup("");
        qsort(l, strv_length(l), sizeof(char *), cmp_str);
        return strv_join(l, " ");
}

static int make_source(const char *src) {
        _cleanup_free_ char *p = NULL;
        int r;

        r = mkdir_p(src, 0755);
        if (r < 0)
                return r;
        p = path_join(src, "etc");
        if (!p || mkdir(p, 0755) < 0)
                return -errno;
        free(p);
        p = path_join(src, "etc/hostname");
        if (!p)
                return -ENOMEM;
        r = write_string_file(p, "box\n", 0644, false);
        if (r < 0)
                return r;
        free(p);
        p = path_join(src, "sh");
        if (!p || symlink("/bin/busybox", p) < 0)
                return -errno;
        return 0;
}

/* ENOSPC in the middle of the copy: a 1 MiB tmpfs as images dir and a 4 MiB file. Runs in a child
 * with its own mount namespace so that the mount never shows on the host. */
static int enospc_child(const char *base) {
        _cleanup_free_ char *images = path_join(base, "small"), *src = path_join(base, "bigsrc"),
                            *big = path_join(base, "bigsrc/big"), *left = NULL, *s = NULL, *why = NULL;
        int r;

        if (!images || !src || !big)
                return 10;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
                return 11;
        if (mkdir(images, 0700) < 0 || mount("tmpfs", images, "tmpfs", 0, "size=1m") < 0)
                return 12;
        if (mkdir(src, 0755) < 0)
                return 13;
        s = calloc(1, 4U << 20);
        if (!s)
                return 14;
        memset(s, 'x', (4U << 20) - 1);
        if (write_string_file(big, s, 0644, false) < 0)
                return 15;

        r = image_import_dir(images, src, "big", &why);
        left = dir_entries(images);
        (void) umount2(images, MNT_DETACH);
        if (r != -ENOSPC)
                return 1;
        if (!left || !streq(left, ".lock"))
                return 2; /* neither big nor a .staging-big-* directory may remain */
        if (!why || !startswith(why, "the disk is full: no space left in ") || !strstr(why, images))
                return 3; /* one line that says so, naming the store */
        return 0;
}

/* An image as a load of a hostile archive leaves it: a 1,100-level tree, and a file that is
 * immutable. Neither may break ls (sizes) or rm. */
static void test_hostile_trees(const char *images) {
        _cleanup_free_ char *layer = path_join(images, "deep/layers/000"), *file = NULL;
        struct timespec created;
        uint64_t size = 0;
        int fd, flags = FS_IMMUTABLE_FL, r;

        ok_eq_int(mkdir_p(layer, 0755), 0);
        fd = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (unsigned i = 0; fd >= 0 && i < 1100; i++) {
                int sub = mkdirat(fd, "d", 0755) < 0 ? -1 : openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                close(fd);
                fd = sub;
        }
        ok(fd >= 0, "a 1,100-level tree in image deep");
        if (fd >= 0) {
                r = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                ok(r >= 0 && write(r, "12345", 5) == 5, "  … with a file at the bottom");
                close(r);
                flags = FS_IMMUTABLE_FL;
                r = openat(fd, "leaf", O_RDONLY | O_CLOEXEC);
                if (ioctl(r, FS_IOC_SETFLAGS, &flags) < 0)
                        ok(true, "# SKIP chattr +i is not possible here (%s)", strerror(errno));
                else
                        ok(true, "  … which is immutable");
                close(r);
                close(fd);
        }
        ok_eq_int(image_get_info(images, "deep", &created, &size), 0);
        /* Each level is one directory of the file system's size, plus the five bytes. */
        file = strjoin("test \"$(du -sb ", images, "/deep | cut -f1)\" = ");
        ok(file != NULL, "strjoin");
        {
                char cmd[4096];

                snprintf(cmd, sizeof(cmd), "%s%llu", file, (unsigned long long) size);
                ok(system(cmd) == 0, "  … its size is du's (%llu)", (unsigned long long) size);
        }
        ok_eq_int(image_remove(images, "deep"), 0);
        free(file);
        file = dir_entries(images);
        ok(file && streq(file, ".lock busybox"),
           "  … and image_remove() takes it all, immutable file included (left: %s)", file ?: "");
}

/* Debris of killed operations: reclaimed when its owner is gone, never while it runs. */
static void test_reclaim(const char *images) {
        _cleanup_free_ char *dead = path_join(images, ".staging-x-AAAAAA"), *dead2 = path_join(images, ".removing-y-BBBBBB"),
                            *file = path_join(images, ".staging-x-AAAAAA/layers/000/f"), *live = NULL, *left = NULL;
        _cleanup_strv_free_ char **removed = NULL;
        int live_fd = -EBADF, pipefd[2], status;
        uint64_t bytes = 0;
        pid_t pid;
        char c;

        ok_eq_int(mkdir_p(file, 0755), 0);
        ok_eq_int(mkdir_p(dead2, 0700), 0);
        ok_eq_int(image_store_mkdtemp(images, ".load-", &live, &live_fd), 0);
        /* The live one's owner is another process, as it would be. */
        ok(pipe2(pipefd, O_CLOEXEC) == 0, "pipe");
        pid = fork();
        if (pid == 0) {
                close(pipefd[1]);
                (void) read(pipefd[0], &c, 1);
                _exit(0);
        }
        close(pipefd[0]);
        live_fd = safe_close(live_fd); /* the child holds the lock through its copy of the fd */

        ok_eq_int(image_reclaim(images, &removed, &bytes), 0);
        ok(strv_length(removed) == 2 && strv_contains(removed, ".staging-x-AAAAAA") &&
                   strv_contains(removed, ".removing-y-BBBBBB"),
           "the debris of dead processes is reclaimed");
        ok(bytes > 0, "  … and what it held is counted (%llu)", (unsigned long long) bytes);
        ok(access(live, F_OK) == 0, "  … but not a directory whose owner still runs");
        close(pipefd[1]);
        ok(waitpid(pid, &status, 0) == pid, "its owner exits");
        removed = strv_free(removed);
        ok_eq_int(image_reclaim(images, &removed, NULL), 0);
        ok(strv_length(removed) == 1 && access(live, F_OK) < 0, "  … after which it is reclaimed too");
        left = dir_entries(images);
        ok(left && !strstr(left, ".staging") && !strstr(left, ".load") && !strstr(left, ".removing"),
           "nothing of it is left (%s)", left ?: "");
}

int main(void) {
        char tmpl[] = "/var/tmp/berth-test-image.XXXXXX";
        _cleanup_free_ char *images = NULL, *src = NULL, *etc = NULL, *run = NULL, *path_env = NULL,
                            *entries = NULL, *extra = NULL, *junk = NULL, *expect = NULL, *hostname = NULL,
                            *cmd = NULL, *alpine = NULL;
        _cleanup_strv_free_ char **l = NULL;
        struct timespec created;
        uint64_t size = 0;
        struct stat st;
        int status;
        pid_t pid;

        if (geteuid() != 0)
                tap_skip_all("needs root (import keeps owners)");

        ok(mkdtemp(tmpl) != NULL, "mkdtemp %s", tmpl);

        /* ENOSPC mid-copy leaves neither the image nor a staging directory. First, before this
         * process allocates anything the child would inherit. */
        pid = fork();
        if (pid == 0)
                _exit(enospc_child(tmpl));
        ok(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "failed import leaves nothing (child said %d)",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);

        images = path_join(tmpl, "images");
        src = path_join(tmpl, "src");
        alpine = path_join(images, "alpine");
        ok_eq_int(make_source(src), 0);
        ok(chown(src, 7, 8) == 0 && chmod(src, 0751) == 0, "chown+chmod source root");

        /* import */
        ok_eq_int(image_import_dir(images, src, "alpine", NULL), 0);
        ok(stat(images, &st) == 0 && (st.st_mode & 07777) == 0700, "images dir made 0700");
        ok_eq_int(image_import_dir(images, src, "alpine", NULL), -EEXIST);
        ok_eq_int(image_import_dir(images, src, ".hidden", NULL), -EINVAL);
        ok_eq_int(image_import_dir(images, src, "../escape", NULL), -EINVAL);
        ok_eq_int(image_import_dir(images, src, "", NULL), -EINVAL);
        ok_eq_int(image_import_dir(images, "/nonexistent/berth", "nosrc", NULL), -ENOENT);
        ok_eq_int(image_import_dir(images, src, "busybox", NULL), 0);
        entries = dir_entries(images);
        ok_streq(entries, ".lock alpine busybox");

        /* resolve */
        ok_eq_int(image_resolve(images, "alpine", &l), 0);
        expect = path_join(images, "alpine/layers/000");
        ok(strv_length(l) == 1 && streq(l[0], expect), "one layer: %s", l ? l[0] : "(none)");
        hostname = path_join(expect, "etc/hostname");
        ok(stat(hostname, &st) == 0 && st.st_size == 4, "layer holds the files");
        ok(stat(expect, &st) == 0 && st.st_uid == 7 && st.st_gid == 8 && (st.st_mode & 07777) == 0751,
           "layer root has the source root's owner and mode");
        l = strv_free(l);
        ok_eq_int(image_resolve(images, "nope", &l), -ENOENT);
        ok_eq_int(image_resolve(images, "../images", &l), -EINVAL);

        /* A second layer comes first: overlayfs wants the top one first. */
        extra = path_join(images, "alpine/layers/001");
        ok(mkdir(extra, 0755) == 0, "mkdir layer 001");
        ok_eq_int(image_resolve(images, "alpine", &l), 0);
        ok(strv_length(l) == 2 && streq(l[0], extra) && streq(l[1], expect), "layers top first");
        l = strv_free(l);
        ok(rmdir(extra) == 0, "rmdir layer 001");
        /* A layer that is a symlink would let an image mount any host directory. */
        free(extra);
        extra = path_join(images, "alpine/layers/002");
        ok(symlink("/etc", extra) == 0, "symlink layer 002");
        ok_eq_int(image_resolve(images, "alpine", &l), -EBADMSG);
        ok(unlink(extra) == 0, "unlink layer 002");

        /* info */
        ok_eq_int(image_get_info(images, "alpine", &created, &size), 0);
        ok(created.tv_sec > 0 && size > 4, "created and size (%llu)", (unsigned long long) size);
        cmd = malloc(strlen(alpine) + 64);
        ok(cmd != NULL, "malloc");
        (void) sprintf(cmd, "test \"$(du -sb %s | cut -f1)\" = %llu", alpine, (unsigned long long) size);
        ok(system(cmd) == 0, "size matches du -sb");
        ok_eq_int(image_get_info(images, "nope", &created, &size), -ENOENT);

        /* list: dot entries and non-directories are not images */
        junk = path_join(images, ".staging-junk-123456");
        ok(mkdir(junk, 0700) == 0, "mkdir staging junk");
        free(junk);
        junk = path_join(images, "file");
        ok_eq_int(write_string_file(junk, "", 0644, false), 0);
        ok_eq_int(image_list(images, &l), 0);
        ok(strv_length(l) == 2 && streq(l[0], "alpine") && streq(l[1], "busybox"),
           "list sorted, junk skipped");
        l = strv_free(l);
        ok(unlink(junk) == 0, "unlink file");
        free(junk);
        junk = path_join(images, ".staging-junk-123456");
        ok(rmdir(junk) == 0, "rmdir staging junk");

        /* remove */
        ok_eq_int(image_remove(images, "alpine"), 0);
        ok_eq_int(image_remove(images, "alpine"), -ENOENT);
        ok_eq_int(image_remove(images, "../src"), -EINVAL);
        free(entries);
        entries = dir_entries(images);
        ok_streq(entries, ".lock busybox");
        ok_eq_int(image_list(images, &l), 0);
        ok(strv_length(l) == 1 && streq(l[0], "busybox"), "list after rm");
        l = strv_free(l);
        ok(stat(src, &st) == 0, "source untouched");

        /* a missing images dir is an empty list */
        free(extra);
        extra = path_join(tmpl, "no-images");
        ok_eq_int(image_list(extra, &l), 0);
        ok(l && !l[0], "empty list");
        l = strv_free(l);

        test_hostile_trees(images);
        test_reclaim(images);

        /* users: the first directory wins for a file name, as in the generator */
        etc = path_join(tmpl, "etc");
        run = path_join(tmpl, "run");
        ok(mkdir(etc, 0755) == 0 && mkdir(run, 0755) == 0, "mkdir etc run");
        free(junk);
        junk = path_join(etc, "web.container");
        ok_eq_int(write_string_file(junk, "[Container]\n# Image=busybox\n  Image = busybox  \n", 0644,
                                    /* atomic= */ false),
                  0);
        free(junk);
        junk = path_join(run, "web.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=hidden\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "db.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=\"busybox\"\nExec=sh\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "other.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=busybox2\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "fifo.container");
        ok(mkfifo(junk, 0644) == 0, "mkfifo fifo.container");
        path_env = strjoin(etc, " ", run);
        ok(setenv("BERTH_DEFINITION_PATH", path_env, 1) == 0, "setenv");
        berth_paths_reset();

        ok_eq_int(image_users("busybox", &l), 0);
        ok(strv_length(l) == 2 && streq(l[0], "db") && streq(l[1], "web"), "busybox used by db, web");
        l = strv_free(l);
        ok_eq_int(image_users("hidden", &l), 0);
        ok(strv_length(l) == 0, "a hidden definition does not count");
        l = strv_free(l);
        ok_eq_int(image_users("busybox2", &l), 0);
        ok(strv_length(l) == 1 && streq(l[0], "other"), "busybox2 used by other");
        l = strv_free(l);
        ok_eq_int(image_users("busy", &l), 0);
        ok(strv_length(l) == 0, "no prefix matches");
        l = strv_free(l);

        ok_eq_int(rm_rf(tmpl), 0);
        ok(stat(tmpl, &st) < 0 && errno == ENOENT, "temp tree removed");
        return tap_finish();
}
