/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd-util.h"
#include "macro.h"
#include "string-util.h"
#include "sysctl.h"

/* runc's list: what the IPC namespace holds besides fs.mqueue.*. */
static const char *const ipc_keys[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool key_is_well_formed(const char *key) {
        const char *p = key;

        if (strlen(key) > 200)
                return false;
        for (;;) {
                size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

                if (n == 0)
                        return false; /* an empty component, or a character outside the set */
                p += n;
                if (*p == 0)
                        return p != key && strchr(key, '.') != NULL;
                if (*p != '.')
                        return false;
                p++;
        }
}

int sysctl_namespace(const char *key) {
        if (!key_is_well_formed(key))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(ipc_keys); i++)
                if (streq(key, ipc_keys[i]))
                        return SYSCTL_IPC;
        if (startswith(key, "fs.mqueue."))
                return SYSCTL_IPC;
        if (streq(key, "kernel.domainname"))
                return SYSCTL_UTS;
        if (startswith(key, "net."))
                return SYSCTL_NET;
        return -EPERM;
}

int sysctl_check(const char *assignment) {
        const char *eq = strchr(assignment, '=');
        char key[256];

        if (!eq || (size_t)(eq - assignment) >= sizeof(key))
                return -EINVAL;
        if (strpbrk(eq + 1, "\n+") || eq[1] == 0)
                return -EINVAL;
        memcpy(key, assignment, eq - assignment);
        key[eq - assignment] = 0;
        return sysctl_namespace(key);
}

int sysctl_apply(char *const *assignments, const char **ret_failed) {
        for (char *const *a = assignments; a && *a; a++) {
                _cleanup_close_ int fd = -EBADF;
                const char *eq = strchr(*a, '=');
                char path[PATH_MAX];
                size_t len;
                ssize_t w;
                int n;

                *ret_failed = *a;
                if (!eq || sysctl_check(*a) < 0)
                        return -EINVAL;
                n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - *a), *a);
                if (n < 0 || (size_t)n >= sizeof(path))
                        return -ENAMETOOLONG;
                for (char *p = path + STRLEN("/proc/sys/"); *p; p++)
                        if (*p == '.')
                                *p = '/';
                fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
                if (fd < 0)
                        return -errno;
                len = strlen(eq + 1);
                w = write(fd, eq + 1, len);
                if (w < 0)
                        return -errno;
                if ((size_t)w != len)
                        return -EIO;
        }
        *ret_failed = NULL;
        return 0;
}
