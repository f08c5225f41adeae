/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AppArmor and SELinux: whether the host has them, and AppArmor's profile for an execve() (lsm.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "lsm.h"

#define SELINUX_MAGIC 0xf97cff8c

bool lsm_apparmor_enabled(void) {
        char buf[2] = "";
        _cleanup_close_ int fd = -EBADF;

        if (access("/sys/kernel/security/apparmor", F_OK) < 0)
                return false;
        fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
        return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'Y';
}

bool lsm_selinux_enabled(void) {
        struct statfs sfs;

        return statfs("/sys/fs/selinux", &sfs) == 0 && (unsigned long) sfs.f_type == SELINUX_MAGIC;
}

int lsm_apparmor_exec(const char *profile) {
        _cleanup_close_ int fd = -EBADF;
        char buf[8 + 1024 + 1];
        int n;

        n = snprintf(buf, sizeof(buf), "exec %s", profile);
        if (n < 0 || (size_t) n >= sizeof(buf))
                return -ENAMETOOLONG;
        /* The directory of AppArmor's own since Linux 5.8, where stacked modules each have one;
         * the shared attr/exec before. */
        fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (write(fd, buf, (size_t) n) != n)
                return errno > 0 ? -errno : -EIO;
        return 0;
}
