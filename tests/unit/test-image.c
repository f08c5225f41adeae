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
#include "digest.h"
#include "fd-util.h"
#include "image-config.h"
#include "image.h"
#include "layer.h"
#include "store.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static char *mfree_str(char *p) {
        free(p);
        return NULL;
}

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

/* ENOSPC in the middle of the copy: the store on a 1 MiB tmpfs and a 4 MiB file. Runs in a child
 * with its own mount namespace so that the mount never shows on the host. */
static int enospc_child(const char *base) {
        _cleanup_free_ char *root = path_join(base, "small"), *src = path_join(base, "bigsrc"),
                            *big = path_join(base, "bigsrc/big"), *left = NULL, *s = NULL, *why = NULL,
                            *layers = NULL, *refs = NULL, *tmp = NULL;
        Store *store = NULL;
        int r;

        if (!root || !src || !big)
                return 10;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
                return 11;
        if (mkdir(root, 0700) < 0 || mount("tmpfs", root, "tmpfs", 0, "size=1m") < 0)
                return 12;
        if (mkdir(src, 0755) < 0)
                return 13;
        s = calloc(1, 4U << 20);
        if (!s)
                return 14;
        memset(s, 'x', (4U << 20) - 1);
        if (write_string_file(big, s, 0644, false) < 0)
                return 15;
        if (store_open_at(root, NULL, &store, NULL) < 0)
                return 16;

        r = image_import_dir(store, src, "localhost/big:latest", NULL, &why);
        layers = path_join(root, "layers/sha256");
        refs = path_join(root, "refs");
        tmp = path_join(root, "tmp");
        left = strjoin(dir_entries(layers), "|", dir_entries(refs), "|", dir_entries(tmp));
        store_close(store);
        (void) umount2(root, MNT_DETACH);
        if (r != -ENOSPC)
                return 1;
        if (!left || !streq(left, "||"))
                return 2; /* neither a layer nor a ref nor a staging directory may remain */
        if (!why || !startswith(why, "the disk is full: no space left in ") || !strstr(why, root))
                return 3; /* one line that says so, naming the store */
        return 0;
}

/* A hostile tree, as a load of a hostile archive could leave one: 1,100 levels deep, and a file
 * that is immutable. Neither may break ls (sizes) or rm (the sweep). */
static void test_hostile_trees(Store *s, const char *base) {
        _cleanup_free_ char *src = path_join(base, "deep"), *id = NULL, *layer = NULL, *cmd = NULL;
        _cleanup_strv_free_ char **lower = NULL;
        _cleanup_(store_sweep_result_done) StoreSweepResult res = {};
        uint64_t size = 0;
        int fd, flags, r;

        ok_eq_int(mkdir_p(src, 0755), 0);
        fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (unsigned i = 0; fd >= 0 && i < 1100; i++) {
                int sub = mkdirat(fd, "d", 0755) < 0 ? -1 : openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                close(fd);
                fd = sub;
        }
        ok(fd >= 0, "a 1,100-level tree");
        if (fd >= 0) {
                r = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                ok(r >= 0 && write(r, "12345", 5) == 5, "  … with a file at the bottom");
                close(r);
                close(fd);
        }
        ok_eq_int(image_import_dir(s, src, "localhost/deep:latest", &id, NULL), 0);
        ok_eq_int(image_resolve(s, "deep", &lower, NULL, NULL), 0);
        layer = strv_length(lower) == 1 ? strdup(lower[0]) : NULL;
        {
                _cleanup_free_ char *leaf = NULL;
                char path[8192] = "";

                for (unsigned i = 0; i < 1100 && strlen(path) + 3 < sizeof(path); i++)
                        strcat(path, "d/");
                strcat(path, "leaf");
                fd = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                r = fd >= 0 ? openat(fd, path, O_RDONLY | O_CLOEXEC) : -1;
                flags = FS_IMMUTABLE_FL;
                if (r < 0 || ioctl(r, FS_IOC_SETFLAGS, &flags) < 0)
                        ok(true, "# SKIP chattr +i is not possible here (%s)", strerror(errno));
                else
                        ok(true, "  … whose file in the store is made immutable");
                if (r >= 0)
                        close(r);
                if (fd >= 0)
                        close(fd);
        }
        ok_eq_int(store_image_size(s, id, &size), 0);
        cmd = malloc(strlen(layer ?: "") + 64);
        (void) sprintf(cmd, "test \"$(du -sb %s | cut -f1)\" = %llu", layer ?: "/nonexistent", (unsigned long long) size);
        ok(system(cmd) == 0, "  … its size is du's (%llu)", (unsigned long long) size);
        ok_eq_int(store_untag(s, "localhost/deep:latest"), 0);
        ok_eq_int(store_sweep(s, NULL, NULL, &res), 0);
        ok(!res.skipped && layer && access(layer, F_OK) < 0 && !store_has_blob(s, id),
           "  … and the sweep takes it all once untagged, immutable file included");
}

static void test_references(void) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

        ok_eq_int(image_local_reference("alpine", &a, NULL), 0);
        ok_streq(a, "localhost/alpine:latest");
        ok_eq_int(image_local_reference("web:2", &b, NULL), 0);
        ok_streq(b, "localhost/web:2");
        ok_eq_int(image_local_reference("reg.example:5000/team/app", &c, NULL), 0);
        ok_streq(c, "reg.example:5000/team/app:latest");
        ok_eq_int(image_tag_reference("app:1.2", &d, NULL), 0);
        ok_streq(d, "docker.io/library/app:1.2");
        ok_eq_int(image_tag_reference("team/app", &e, NULL), 0);
        ok_streq(e, "docker.io/team/app:latest");
}

/* The old layout, STATE/images/NAME/{layers/NNN,config.json}: moved into the store by the first
 * open, the same inodes, tagged localhost/NAME:latest, its config's "config" kept. */
static void test_migration(const char *base) {
        _cleanup_free_ char *old = path_join(base, "state/images"), *root = path_join(base, "state/store"),
                            *l0 = path_join(base, "state/images/web/layers/000"),
                            *l1 = path_join(base, "state/images/web/layers/001"), *f = NULL, *id = NULL, *why = NULL;
        _cleanup_strv_free_ char **lower = NULL;
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        struct stat before, after;
        Store *s = NULL;

        ok_eq_int(mkdir_p(l0, 0755), 0);
        ok_eq_int(mkdir_p(l1, 0755), 0);
        f = path_join(l0, "bottom");
        ok_eq_int(write_string_file(f, "0\n", 0644, false), 0);
        free(f);
        f = path_join(l1, "top");
        ok_eq_int(write_string_file(f, "1\n", 0644, false), 0);
        free(f);
        f = path_join(old, "web/config.json");
        ok_eq_int(write_string_file(f, "{\"config\":{\"Cmd\":[\"httpd\",\"-f\"],\"Env\":[\"A=1\"]}}", 0644, false), 0);
        free(f);
        f = path_join(old, ".staging-x-AAAAAA");
        ok_eq_int(mkdir_p(f, 0700), 0);
        ok(stat(l0, &before) == 0, "stat old layer");

        ok_eq_int(store_open_at(root, old, &s, &why), 0);
        ok(access(old, F_OK) < 0, "the old directory is gone");
        ok_eq_int(store_lookup(s, "localhost/web:latest", &id, NULL), 0);
        ok_eq_int(image_resolve(s, "web", &lower, NULL, NULL), 0);
        ok(strv_length(lower) == 2 && stat(lower[1], &after) == 0 && after.st_ino == before.st_ino,
           "its layers moved, not copied (the bottom keeps its inode)");
        free(f);
        f = lower ? path_join(lower[0], "top") : NULL;
        ok(f && access(f, F_OK) == 0, "  … top first");
        ok_eq_int(image_config_read_id(s, id, &c), 0);
        ok(strv_length(c.cmd) == 2 && streq(c.cmd[0], "httpd") && strv_length(c.env) == 1,
           "its config's Cmd and Env kept");
        store_close(s);
}

/* A migration killed after it moved some layers of an image: the next opening finds the config
 * named by the mark it left, and finishes. */
static void test_migration_resumed(const char *base) {
        _cleanup_free_ char *old = path_join(base, "state2/images"), *root = path_join(base, "state2/store"),
                            *l0 = path_join(base, "state2/images/half/layers/000"),
                            *l1 = path_join(base, "state2/images/half/layers/001"), *f = NULL, *text = NULL,
                            *dst = NULL, *mark = NULL, *id = NULL;
        _cleanup_strv_free_ char **lower = NULL;
        char d0[DIGEST_STRING_MAX], d1[DIGEST_STRING_MAX], c1[DIGEST_STRING_MAX], config[DIGEST_STRING_MAX];
        Store *s = NULL;
        int fd;

        ok_eq_int(mkdir_p(l0, 0755), 0);
        ok_eq_int(mkdir_p(l1, 0755), 0);
        f = path_join(l1, "top");
        ok_eq_int(write_string_file(f, "1\n", 0644, false), 0);
        fd = open(l0, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok_eq_int(layer_diff_id(fd, d0, NULL), 0);
        close(fd);
        fd = open(l1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ok_eq_int(layer_diff_id(fd, d1, NULL), 0);
        close(fd);
        digest_chain_id(d0, d1, c1);
        /* What the killed migration did: the config stored, the mark left, the bottom layer moved. */
        ok_eq_int(store_open_at(root, NULL, &s, NULL), 0);
        ok_eq_int(store_config_make((char *[]) { d0, d1, NULL }, NULL, NULL, &text, config), 0);
        ok_eq_int(store_blob_put(s, config, text, strlen(text), NULL), 0);
        dst = store_layer_path(s, d0);
        ok(rename(l0, dst) == 0, "the bottom layer moved before the kill");
        store_close(s);
        mark = path_join(old, "half/.berth-migrating");
        ok_eq_int(write_string_file(mark, config, 0600, false), 0);

        /* A layer more than its config has: this migration fails too, and a sweep meanwhile keeps
         * what the half-done one moved. */
        {
                _cleanup_free_ char *bogus = path_join(old, "half/layers/009");
                _cleanup_(store_sweep_result_done) StoreSweepResult res = {};

                ok_eq_int(mkdir_p(bogus, 0755), 0);
                ok_eq_int(store_open_at(root, old, &s, NULL), 0);
                ok(access(mark, F_OK) == 0, "a migration that fails keeps its mark");
                ok_eq_int(store_sweep(s, NULL, NULL, &res), 0);
                ok(!res.skipped && store_has_blob(s, config) && store_has_layer(s, d0),
                   "  … and the sweep keeps the config and layer the mark names");
                store_close(s);
                ok(rmdir(bogus) == 0, "rmdir the extra layer");
        }
        ok_eq_int(store_open_at(root, old, &s, NULL), 0);
        ok(access(old, F_OK) < 0, "the next opening finishes the migration");
        ok_eq_int(store_lookup(s, "localhost/half:latest", &id, NULL), 0);
        ok(streq_ptr(id, config), "  … with the config its mark names");
        ok_eq_int(image_resolve(s, "half", &lower, NULL, NULL), 0);
        ok(strv_length(lower) == 2 && endswith(lower[0], c1 + STRLEN("sha256:")), "  … and both layers");
        store_close(s);
}

int main(void) {
        char tmpl[] = "/var/tmp/berth-test-image.XXXXXX";
        _cleanup_free_ char *root = NULL, *src = NULL, *etc = NULL, *run = NULL, *path_env = NULL, *junk = NULL,
                            *hostname = NULL, *id = NULL, *id2 = NULL, *why = NULL, *ref = NULL, *prefix = NULL,
                            *found = NULL;
        _cleanup_strv_free_ char **l = NULL;
        struct stat st;
        Store *s = NULL;
        int status;
        pid_t pid;

        if (geteuid() != 0)
                tap_skip_all("needs root (import keeps owners)");

        ok(mkdtemp(tmpl) != NULL, "mkdtemp %s", tmpl);

        /* ENOSPC mid-copy leaves neither a layer nor a ref nor a staging directory. First, before
         * this process allocates anything the child would inherit. */
        pid = fork();
        if (pid == 0)
                _exit(enospc_child(tmpl));
        ok(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "failed import leaves nothing (child said %d)",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);

        test_references();

        root = path_join(tmpl, "store");
        src = path_join(tmpl, "src");
        ok_eq_int(make_source(src), 0);
        ok(chown(src, 7, 8) == 0 && chmod(src, 0751) == 0, "chown+chmod source root");
        ok_eq_int(store_open_at(root, NULL, &s, NULL), 0);
        ok(stat(root, &st) == 0 && (st.st_mode & 07777) == 0700, "store made 0700");

        /* import, and resolution: by short name, reference, ID and ID prefix */
        ok_eq_int(image_import_dir(s, src, "localhost/alpine:latest", &id, NULL), 0);
        ok_eq_int(image_import_dir(s, "/nonexistent/berth", "localhost/nosrc:latest", NULL, NULL), -ENOENT);
        ok_eq_int(image_resolve(s, "alpine", &l, &found, NULL), 0);
        ok(streq_ptr(found, id), "a short name finds localhost/NAME:latest");
        ok(strv_length(l) == 1, "one layer: %s", l ? l[0] : "(none)");
        hostname = l ? path_join(l[0], "etc/hostname") : NULL;
        ok(hostname && stat(hostname, &st) == 0 && st.st_size == 4, "the layer holds the files");
        ok(l && stat(l[0], &st) == 0 && st.st_uid == 7 && st.st_gid == 8 && (st.st_mode & 07777) == 0751,
           "the layer's root has the source root's owner and mode");
        l = strv_free(l);
        found = mfree_str(found);
        ok_eq_int(image_lookup(s, "localhost/alpine", &found, &ref, NULL), 0);
        ok(streq_ptr(found, id) && streq_ptr(ref, "localhost/alpine:latest"), "the reference in full, tag implied");
        found = mfree_str(found);
        ok_eq_int(image_lookup(s, id, &found, NULL, NULL), 0);
        ok(streq_ptr(found, id), "by its ID");
        found = mfree_str(found);
        prefix = strndup(id + STRLEN("sha256:"), 12);
        ok_eq_int(image_lookup(s, prefix, &found, NULL, NULL), 0);
        ok(streq_ptr(found, id), "by 12 hex digits of it");
        found = mfree_str(found);
        prefix[11] = 0;
        ok_eq_int(image_lookup(s, prefix, &found, NULL, &why), -ENOENT);
        why = mfree_str(why);
        ok_eq_int(image_lookup(s, "nope", &found, NULL, &why), -ENOENT);
        ok(why && startswith(why, "image 'nope' not found (tried localhost/nope:latest"), "not found says what was tried (%s)", why ?: "");

        /* REPO@DIGEST finds the image a ref of REPO came with under that manifest */
        {
                const char *m = "{\"schemaVersion\":2}";
                char md[DIGEST_STRING_MAX];
                _cleanup_free_ char *by_digest = NULL, *wrong = NULL;

                (void) digest_matches("sha256:", m, strlen(m), md);
                ok_eq_int(store_blob_put(s, md, m, strlen(m), NULL), 0);
                ok_eq_int(store_tag(s, "reg.example/team/app:1", id, md, NULL), 0);
                by_digest = strjoin("reg.example/team/app@", md);
                wrong = strjoin("reg.example/team/other@", md);
                found = mfree_str(found);
                ok_eq_int(image_lookup(s, by_digest, &found, NULL, NULL), 0);
                ok(streq_ptr(found, id), "REPO@DIGEST finds the image its manifest came with");
                ok_eq_int(image_lookup(s, wrong, &found, NULL, NULL), -ENOENT);
                ok_eq_int(store_untag(s, "reg.example/team/app:1"), 0);
        }

        /* the same tree again, under another name: one image */
        ok_eq_int(image_import_dir(s, src, "localhost/busybox:latest", &id2, NULL), 0);
        ok_eq_int(image_resolve(s, "busybox", &l, NULL, NULL), 0);
        l = strv_free(l);

        /* A layer that is a symlink would let an image mount any host directory. */
        {
                _cleanup_strv_free_ char **chains = NULL;
                _cleanup_free_ char *p = NULL, *moved = NULL;

                ok_eq_int(store_image_layers(s, id, NULL, &chains), 0);
                p = store_layer_path(s, chains[0]);
                moved = strjoin(p, ".moved");
                ok(rename(p, moved) == 0 && symlink("/etc", p) == 0, "the layer replaced by a symlink");
                ok_eq_int(image_resolve(s, "alpine", &l, NULL, NULL), -EBADMSG);
                ok(unlink(p) == 0 && rename(moved, p) == 0, "  … and put back");
        }

        /* users: by what their Image= resolves to; the first directory wins for a file name */
        etc = path_join(tmpl, "etc");
        run = path_join(tmpl, "run");
        ok(mkdir(etc, 0755) == 0 && mkdir(run, 0755) == 0, "mkdir etc run");
        junk = path_join(etc, "web.container");
        ok_eq_int(write_string_file(junk, "[Container]\n# Image=other\n  Image = alpine  \n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "web.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=hidden\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "db.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=\"localhost/alpine:latest\"\nExec=sh\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "byid.container");
        {
                _cleanup_free_ char *text = strjoin("[Container]\nImage=", id, "\n");

                ok_eq_int(write_string_file(junk, text, 0644, false), 0);
        }
        free(junk);
        junk = path_join(run, "other.container");
        ok_eq_int(write_string_file(junk, "[Container]\nImage=nothere\n", 0644, false), 0);
        free(junk);
        junk = path_join(run, "fifo.container");
        ok(mkfifo(junk, 0644) == 0, "mkfifo fifo.container");
        path_env = strjoin(etc, " ", run);
        ok(setenv("BERTH_DEFINITION_PATH", path_env, 1) == 0, "setenv");
        berth_paths_reset();

        ok_eq_int(image_users(s, id, &l), 0);
        if (streq_ptr(id, id2))
                ok(true, "# the two imports gave one ID");
        ok(strv_length(l) == 3 && streq(l[0], "byid") && streq(l[1], "db") && streq(l[2], "web"),
           "alpine used by byid, db, web (%s)", l ? strv_join(l, ",") : "");
        l = strv_free(l);

        test_hostile_trees(s, tmpl);
        store_close(s);
        test_migration(tmpl);
        test_migration_resumed(tmpl);

        ok_eq_int(rm_rf(tmpl), 0);
        ok(stat(tmpl, &st) < 0 && errno == ENOENT, "temp tree removed");
        return tap_finish();
}
