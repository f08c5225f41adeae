/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth's directories (paths.h) and container locks (lock.h). */
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fd-util.h"
#include "lock.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "tap.h"

static void test_paths(void) {
        char *const *dirs;

        unsetenv("BERTH_STATE_DIR");
        unsetenv("BERTH_RUNTIME_DIR");
        unsetenv("BERTH_CONFIG_DIR");
        unsetenv("BERTH_DEFINITION_PATH");
        berth_paths_reset();
        ok_streq(berth_state_dir(), BERTH_STATE_DIR);
        ok_streq(berth_runtime_dir(), BERTH_RUNTIME_DIR);
        ok_streq(berth_config_dir(), BERTH_SYSCONF_DIR);
        dirs = berth_definition_dirs();
        ok(dirs && strv_length((char **) dirs) == 2 && streq(dirs[0], BERTH_SYSCONF_DIR "/containers") &&
                   streq(dirs[1], BERTH_RUNTIME_DIR "/containers"),
           "definitions: the admin's first, then berth run's");

        /* Read once: a later change of the environment is not seen until a reset. */
        setenv("BERTH_STATE_DIR", "/tmp/s", 1);
        ok_streq(berth_state_dir(), BERTH_STATE_DIR);
        berth_paths_reset();
        ok_streq(berth_state_dir(), "/tmp/s");

        /* The definitions follow the directories they are in. */
        setenv("BERTH_RUNTIME_DIR", "/tmp/r", 1);
        setenv("BERTH_CONFIG_DIR", "/tmp/c", 1);
        berth_paths_reset();
        dirs = berth_definition_dirs();
        ok(dirs && streq(dirs[0], "/tmp/c/containers") && streq(dirs[1], "/tmp/r/containers") && !dirs[2],
           "… of $BERTH_CONFIG_DIR and $BERTH_RUNTIME_DIR");

        /* $BERTH_DEFINITION_PATH: words, quoted as in a definition. */
        setenv("BERTH_DEFINITION_PATH", "/a '/b c' /d", 1);
        berth_paths_reset();
        dirs = berth_definition_dirs();
        ok(dirs && strv_length((char **) dirs) == 3 && streq(dirs[1], "/b c"), "$BERTH_DEFINITION_PATH, quoted");
        setenv("BERTH_DEFINITION_PATH", "", 1);
        berth_paths_reset();
        ok_eq_int(strv_length((char **) berth_definition_dirs()), 2);

        unsetenv("BERTH_STATE_DIR");
        unsetenv("BERTH_CONFIG_DIR");
        unsetenv("BERTH_DEFINITION_PATH");
}

static void test_lock(const char *dir) {
        _cleanup_free_ char *path = path_join(dir, "locks", "web");
        int fd = -EBADF, fd2 = -EBADF;
        pid_t pid;

        setenv("BERTH_RUNTIME_DIR", dir, 1);
        berth_paths_reset();

        ok_eq_int(lock_held("web"), 0);
        ok_eq_int(lock_take("web", &fd), 0);
        ok_eq_int(lock_held("web"), 1);
        ok_eq_int(lock_take("web", &fd2), -EBUSY);
        ok_eq_int(lock_take("../etc", &fd2), -EINVAL);

        /* Forgotten while held: the file goes. */
        lock_forget("web", fd);
        ok(access(path, F_OK) < 0, "a removed container's lock file goes");
        fd = safe_close(fd);

        /* Removal races a taker: one that locked the file before it was unlinked tries anew and
         * ends up with the file the path names. */
        ok_eq_int(lock_take("web", &fd), 0);
        pid = fork();
        if (pid == 0) {
                int mine = -EBADF, r = lock_take("web", &mine); /* waits for nothing: -EBUSY, or ours */

                _exit(r == -EBUSY ? 0 : r == 0 ? 1 : 2);
        }
        {
                int status;

                ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                   "a second taker gets -EBUSY while the lock is held");
        }
        lock_forget("web", fd);
        fd = safe_close(fd);
        ok_eq_int(lock_take("web", &fd), 0);
        ok(access(path, F_OK) == 0, "  … and after the removal, a new lock file");
        fd = safe_close(fd);

        /* Nobody holds it: lock_forget_if_free() removes it; held by another, it stays. */
        lock_forget_if_free("web");
        ok(access(path, F_OK) < 0, "a free lock file of a removed container goes");
        ok_eq_int(lock_take("web", &fd), 0);
        pid = fork();
        if (pid == 0) {
                lock_forget_if_free("web");
                _exit(0);
        }
        (void) waitpid(pid, NULL, 0);
        ok(access(path, F_OK) == 0, "  … one held by a running container stays");
        safe_close(fd);
}

int main(void) {
        char dir[] = "/tmp/berth-test-paths.XXXXXX";

        ok(mkdtemp(dir) != NULL, "mkdtemp");
        test_paths();
        test_lock(dir);
        ok_eq_int(rm_rf(dir), 0);
        return tap_finish();
}
