/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image layer: the bytes of a tar stream, plain or compressed (libarchive tells), unpacked as
 * image load and pull unpack one (with whiteouts, or without, as image import), or as berth cp
 * unpacks a container's files onto the host (layer_unpack_host()); the first byte picks which.
 * Whatever the archive says, nothing may be written outside the directory: the harness unpacks
 * into OUTER/a/b/t, next to a file OUTER/a/b/keep, and aborts if anything else appeared or
 * changed in OUTER, OUTER/a or OUTER/a/b (an entry or a link target that climbed out with ".."
 * or through a symlink).
 *
 * Run as root (owners, device nodes, xattrs) only where a write that escapes can do no harm: in
 * a testbed, whose root is an overlay (tests/fuzz/README.md). The replay of the checked-in
 * corpus, in every build, holds only archives the unit tests already unpack. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fd-util.h"
#include "fuzz.h"
#include "layer.h"
#include "path-util.h"

static char outer[] = "/tmp/berth-fuzz-layer.XXXXXX";
static int b_fd = -1;

/* The names in dir, sorted and joined by spaces, or NULL. */
static char *names_of(const char *dir) {
        struct dirent **list = NULL;
        char *s = NULL;
        size_t n = 0;
        int k = scandir(dir, &list, NULL, alphasort);

        if (k < 0)
                return NULL;
        for (int i = 0; i < k; i++) {
                const char *name = list[i]->d_name;

                if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
                        char *p = realloc(s, n + strlen(name) + 2);

                        if (!p)
                                abort();
                        s = p;
                        n += (size_t) sprintf(s + n, "%s ", name);
                }
                free(list[i]);
        }
        free(list);
        return s ?: strdup("");
}

static void cleanup(void) {
        (void) rm_rf(outer);
}

static void setup(void) {
        char path[PATH_MAX];
        int fd;

        if (b_fd >= 0)
                return;
        if (!mkdtemp(outer) || atexit(cleanup) != 0)
                abort();
        snprintf(path, sizeof(path), "%s/a/b", outer);
        if (mkdir_p(path, 0755) < 0)
                abort();
        snprintf(path, sizeof(path), "%s/a/b/keep", outer);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, "keep\n", 5) != 5)
                abort();
        close(fd);
        snprintf(path, sizeof(path), "%s/a/b", outer);
        b_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (b_fd < 0)
                abort();
}

/* OUTER holds a, OUTER/a holds b, OUTER/a/b holds keep (as it was) and t: nothing else. */
static void check_contained(void) {
        _cleanup_free_ char *top = NULL, *a = NULL, *b = NULL, *a_path = NULL, *b_path = NULL, *keep = NULL;
        _cleanup_free_ char *keep_path = NULL;

        a_path = path_join(outer, "a");
        b_path = path_join(outer, "a/b");
        keep_path = path_join(outer, "a/b/keep");
        top = names_of(outer);
        a = names_of(a_path);
        b = names_of(b_path);
        if (!top || !a || !b || strcmp(top, "a ") != 0 || strcmp(a, "b ") != 0 || strcmp(b, "keep t ") != 0) {
                fprintf(stderr, "written outside the layer's directory: '%s' | '%s' | '%s'\n", top ?: "?", a ?: "?",
                        b ?: "?");
                abort();
        }
        if (read_full_file_at(AT_FDCWD, keep_path, 64, &keep, NULL) < 0 || strcmp(keep, "keep\n") != 0) {
                fprintf(stderr, "a file next to the layer's directory changed\n");
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *why = NULL, *t_path = NULL;
        _cleanup_close_ int archive_fd = -EBADF, t_fd = -EBADF;
        char memfd_path[64];
        uint8_t mode;

        if (size == 0)
                return 0;
        setup();
        mode = data[0] % 3;
        archive_fd = fuzz_memfd(data + 1, size - 1, memfd_path);
        if (archive_fd < 0)
                return 0;
        if (mkdirat(b_fd, "t", 0755) < 0)
                abort();
        t_fd = openat(b_fd, "t", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (t_fd < 0)
                abort();
        if (mode == 2)
                (void) layer_unpack_host(archive_fd, t_fd, &why);
        else
                (void) layer_unpack(archive_fd, t_fd, /* whiteouts= */ mode == 0, &why);
        t_fd = safe_close(t_fd);
        check_contained();
        t_path = path_join(outer, "a/b/t");
        if (!t_path || rm_rf(t_path) < 0)
                abort();
        return 0;
}
