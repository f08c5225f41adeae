/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A harness's LLVMFuzzerTestOneInput() over every file of the directories (or files) given:
 * the checked-in seeds and the inputs that once crashed, replayed by `meson test` in every
 * build, with gcc too, so that the regressions stay covered without clang and libFuzzer.
 * TAP: one line per file; a crash is the test's failure. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned n_done;

static int replay_file(int dir_fd, const char *name, const char *shown) {
        uint8_t *data = NULL;
        size_t size = 0, allocated = 0;
        int fd;

        fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                printf("not ok %u - %s: %s\n", ++n_done, shown, strerror(errno));
                return -errno;
        }
        for (;;) {
                ssize_t k;

                if (size == allocated) {
                        uint8_t *p = realloc(data, allocated = allocated * 2 + 4096);

                        if (!p) {
                                free(data);
                                close(fd);
                                return -ENOMEM;
                        }
                        data = p;
                }
                k = read(fd, data + size, allocated - size);
                if (k < 0) {
                        printf("not ok %u - %s: %s\n", ++n_done, shown, strerror(errno));
                        free(data);
                        close(fd);
                        return -errno;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        close(fd);
        /* libFuzzer's copy is exactly size bytes long: so is this one, for ASan to see overreads. */
        uint8_t *exact = malloc(size > 0 ? size : 1);
        if (!exact) {
                free(data);
                return -ENOMEM;
        }
        memcpy(exact, data, size);
        free(data);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        printf("ok %u - %s\n", ++n_done, shown);
        return 0;
}

static int replay(const char *path) {
        struct dirent **names = NULL;
        struct stat st;
        int n, r = 0, dir_fd;

        if (stat(path, &st) < 0) {
                printf("not ok %u - %s: %s\n", ++n_done, path, strerror(errno));
                return -errno;
        }
        if (!S_ISDIR(st.st_mode))
                return replay_file(AT_FDCWD, path, path);
        dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        n = scandir(path, &names, NULL, alphasort); /* sorted: the same order every run */
        if (n < 0) {
                close(dir_fd);
                return -errno;
        }
        for (int i = 0; i < n; i++) {
                if (names[i]->d_name[0] != '.' && r >= 0)
                        r = replay_file(dir_fd, names[i]->d_name, names[i]->d_name);
                free(names[i]);
        }
        free(names);
        close(dir_fd);
        return r;
}

int main(int argc, char *argv[]) {
        int r = 0;

        for (int i = 1; i < argc; i++)
                if (replay(argv[i]) < 0)
                        r = 1;
        printf("1..%u\n", n_done);
        return r;
}
