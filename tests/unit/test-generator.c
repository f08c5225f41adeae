/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs the generator on each case under tests/unit/generator/CASE/{etc,run} into a temp dir
 * and compares the result, file by file and link by link, with CASE/expected (where @DIR@
 * stands for the case's directory; links point to UNIT_DIR's template). A file, link or
 * directory the generator wrote that is not expected fails as well. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fd-util.h"
#include "generator.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

#define UNIT_DIR "/usr/lib/systemd/system"

static char *replace_all(const char *s, const char *what, const char *with) {
        size_t n = strlen(s) + 1, wl = strlen(what), xl = strlen(with);
        char *r, *p;

        for (const char *q = strstr(s, what); q; q = strstr(q + wl, what))
                n += xl;
        r = malloc(n);
        if (!r)
                return NULL;
        p = r;
        for (;;) {
                const char *q = strstr(s, what);
                if (!q) {
                        strcpy(p, s);
                        return r;
                }
                memcpy(p, s, (size_t) (q - s));
                p += q - s;
                p = stpcpy(p, with);
                s = q + wl;
        }
}

static const char *cur_expected, *cur_out, *cur_case;

static const char *kind(mode_t m) {
        return S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" : S_ISDIR(m) ? "directory" : "other";
}

/* Everything expected is there, of the same kind, with the same content or link target. */
static int compare_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        _cleanup_free_ char *want = NULL, *want_fixed = NULL, *got = NULL, *other = NULL;
        const char *rel = path + strlen(cur_expected);
        struct stat st2;

        if (ftw->level == 0)
                return 0;
        other = strjoin(cur_out, rel);
        if (!other || lstat(other, &st2) < 0) {
                ok(false, "generator wrote %s", rel);
                return 0;
        }
        if (!ok((st->st_mode & S_IFMT) == (st2.st_mode & S_IFMT), "%s is a %s", rel, kind(st->st_mode)))
                return 0;

        if (type == FTW_SL) {
                char a[PATH_MAX], b[PATH_MAX];
                ssize_t na = readlink(path, a, sizeof(a) - 1), nb = readlink(other, b, sizeof(b) - 1);

                if (!ok(na >= 0 && nb >= 0, "readlink %s", rel))
                        return 0;
                a[na] = b[nb] = 0;
                want_fixed = replace_all(a, "@DIR@", cur_case);
                if (!ok(want_fixed && streq(want_fixed, b), "%s links to the expected target", rel))
                        printf("# expected %s, got %s\n", want_fixed, b);
        } else if (type == FTW_F) {
                if (read_full_file_at(AT_FDCWD, path, 1 << 20, &want, NULL) < 0)
                        return ok(false, "read %s", path), 0;
                want_fixed = replace_all(want, "@DIR@", cur_case);
                if (read_full_file_at(AT_FDCWD, other, 1 << 20, &got, NULL) < 0)
                        return ok(false, "read %s", other), 0;
                if (!ok(want_fixed && streq(want_fixed, got), "%s matches", rel))
                        printf("# expected:\n%s# got:\n%s", want_fixed, got);
        }
        return 0;
}

/* And nothing else: no extra file, link or directory. */
static int check_extra(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        _cleanup_free_ char *other = NULL;
        struct stat st2;

        if (ftw->level == 0)
                return 0;
        other = strjoin(cur_expected, path + strlen(cur_out));
        if (!other || lstat(other, &st2) < 0)
                ok(false, "unexpected output %s", path + strlen(cur_out));
        return 0;
}

/* A definition over DEFINITION_SIZE_MAX is refused at once, and its unit says so in its
 * description; starting it runs the helper, which fails with the same line. Its [Install] is not
 * acted on. */
static void test_too_large(void) {
        char dir[] = "/tmp/berth-test-generator-big.XXXXXX", out[] = "/tmp/berth-test-generator-out.XXXXXX";
        _cleanup_free_ char *text = NULL, *path = NULL, *dropin = NULL, *got = NULL, *want = NULL, *link = NULL;
        _cleanup_strv_free_ char **dirs = NULL;
        size_t n = 0;
        int r;

        if (!ok(mkdtemp(dir) && mkdtemp(out), "mkdtemp"))
                return;
        text = malloc(400 * 1024 + 64);
        n = (size_t) sprintf(text, "[Install]\nWantedBy=multi-user.target\n[Container]\nImage=busybox\n");
        for (unsigned i = 0; n < 400 * 1024; i++)
                n += (size_t) sprintf(text + n, "Environment=V%u=%u\n", i, i);
        path = path_join(dir, "big.container");
        ok_eq_int(write_string_file(path, text, 0644, /* atomic= */ false), 0);
        dirs = strv_copy((char *const[]) { dir, NULL });

        r = generator_run(out, dirs, UNIT_DIR);
        ok_eq_int(r, 1);
        dropin = strjoin(out, "/container@big.service.d/50-berth.conf");
        ok(read_full_file_at(AT_FDCWD, dropin, 1 << 20, &got, NULL) >= 0, "the refused file has a drop-in");
        want = strjoin("# Automatically generated by berth-generator\n"
                       "[Unit]\n"
                       "Description=berth container big (bad definition: ", path,
                       ": larger than 262144 bytes, the most a definition may hold)\n"
                       "SourcePath=", path, "\n");
        if (!ok(got && streq(got, want), "… whose description is the one line"))
                printf("# got:\n%s", got ?: "(null)\n");
        link = strjoin(out, "/multi-user.target.wants/container@big.service");
        ok(access(link, F_OK) < 0, "… and no [Install] link");
        (void) rm_rf(dir);
        (void) rm_rf(out);
}

int main(int argc, char *argv[]) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (argc != 2)
                return EXIT_FAILURE;
        d = opendir(argv[1]);
        if (!d)
                return EXIT_FAILURE;
        while ((de = readdir(d))) {
                _cleanup_free_ char *casedir = NULL, *etc = NULL, *run = NULL, *expected = NULL;
                _cleanup_strv_free_ char **dirs = NULL;
                char out[] = "/tmp/berth-test-generator.XXXXXX";
                char abs[PATH_MAX];
                int n;

                if (de->d_name[0] == '.')
                        continue;
                casedir = path_join(argv[1], de->d_name);
                if (!realpath(casedir, abs))
                        return EXIT_FAILURE;
                etc = path_join(abs, "etc");
                run = path_join(abs, "run");
                expected = path_join(abs, "expected");
                dirs = strv_copy((char *const[]) { etc, run, NULL });
                ok(mkdtemp(out) != NULL, "mkdtemp");

                n = generator_run(out, dirs, UNIT_DIR);
                ok(n >= 0, "%s: generator ran (%d definitions)", de->d_name, n);

                cur_expected = expected;
                cur_out = out;
                cur_case = abs;
                ok(nftw(expected, compare_one, 16, FTW_PHYS) == 0, "%s: walk expected", de->d_name);
                ok(nftw(out, check_extra, 16, FTW_PHYS) == 0, "%s: walk output", de->d_name);
                (void) rm_rf(out);
        }
        test_too_large();
        return tap_finish();
}
