/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fd-util.h"
#include "path-util.h"
#include "tap.h"

int main(void) {
        char tmpl[] = "/tmp/berth-test-fd.XXXXXX";
        _cleanup_free_ char *f = NULL, *fifo = NULL, *deep = NULL, *s = NULL, *big = NULL;
        size_t n = 0;
        struct stat st;

        ok(mkdtemp(tmpl) != NULL, "mkdtemp");
        f = path_join(tmpl, "file");
        fifo = path_join(tmpl, "fifo");
        deep = path_join(tmpl, "a/b/c");

        ok_eq_int(write_string_file(f, "hello\n", 0600, /* atomic= */ true), 0);
        ok(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "mode kept on atomic write");
        ok_eq_int(read_full_file_at(AT_FDCWD, f, 1024, &s, &n), 0);
        ok_streq(s, "hello\n");
        ok_eq_int(n, 6);
        ok_eq_int(read_full_file_at(AT_FDCWD, f, 3, &big, NULL), -EFBIG);

        /* A FIFO must be refused at once, never block. */
        ok(mkfifo(fifo, 0600) == 0, "mkfifo");
        ok_eq_int(read_full_file_at(AT_FDCWD, fifo, 1024, &big, NULL), -EBADFD);
        ok_eq_int(read_full_file_at(AT_FDCWD, tmpl, 1024, &big, NULL), -EISDIR);

        ok_eq_int(mkdir_p(deep, 0755), 0);
        ok(stat(deep, &st) == 0 && S_ISDIR(st.st_mode), "mkdir_p made a/b/c");
        ok_eq_int(mkdir_p(deep, 0755), 0);

        ok_eq_int(rm_rf(tmpl), 0);
        ok(stat(tmpl, &st) < 0 && errno == ENOENT, "rm_rf removed the tree");
        ok_eq_int(rm_rf(tmpl), 0);

        return tap_finish();
}
