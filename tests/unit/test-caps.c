/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps_drop_to() is irreversible: it runs in fork()ed children, which send their
 * /proc/self/status back through a pipe. */
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/wait.h>

#include "caps.h"
#include "cleanup.h"
#include "fd-util.h"
#include "string-util.h"
#include "tap.h"

#define BIT(c) (UINT64_C(1) << (c))

/* The value of "Key:" in a /proc/self/status text, whitespace squeezed. */
static char *status_field(const char *status, const char *key, char *buf, size_t size) {
        const char *p = status;
        size_t n = 0;

        while (p && *p) {
                const char *v = startswith(p, key);
                if (v && *v == ':') {
                        v++;
                        while (*v && *v != '\n' && n + 1 < size) {
                                if (*v == ' ' || *v == '\t') {
                                        while (v[1] == ' ' || v[1] == '\t')
                                                v++;
                                        if (n > 0 && v[1] != '\n' && v[1])
                                                buf[n++] = ' ';
                                } else
                                        buf[n++] = *v;
                                v++;
                        }
                        break;
                }
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        buf[n] = 0;
        return buf;
}

static uint64_t status_mask(const char *status, const char *key) {
        char buf[64];

        return strtoull(status_field(status, key, buf, sizeof(buf)), NULL, 16);
}

static int read_pipe(int fd, char **ret) {
        char *buf = calloc(1, 1 << 16);
        size_t n = 0;
        ssize_t k;

        if (!buf)
                return -ENOMEM;
        while (n + 1 < (1 << 16) && (k = read(fd, buf + n, (1 << 16) - 1 - n)) > 0)
                n += (size_t)k;
        *ret = buf;
        return 0;
}

static int drop_in_child(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n, char **ret) {
        _cleanup_close_pair_ int p[2] = {-EBADF, -EBADF};
        int status;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                _cleanup_free_ char *s = NULL;
                int r = caps_drop_to(keep, uid, gid, groups, n);

                if (r < 0)
                        _exit(-r);
                if (read_full_file_at(AT_FDCWD, "/proc/self/status", 1 << 20, &s, NULL) < 0 ||
                    loop_write(p[1], s, strlen(s)) < 0)
                        _exit(255);
                _exit(0);
        }
        p[1] = safe_close(p[1]);
        if (read_pipe(p[0], ret) < 0 || waitpid(pid, &status, 0) < 0)
                return -EIO;
        return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
}

int main(void) {
        uint64_t def = caps_default(), all = caps_all();
        _cleanup_free_ char *last = NULL;

        ok(def == UINT64_C(0x00000000a80425fb), "caps_default() is docker's set (0x%llx)",
           (unsigned long long)def);
        ok(read_full_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", 64, &last, NULL) == 0 &&
                   all == (BIT(atoi(last) + 1) - 1),
           "caps_all() is what the kernel knows (0x%llx)", (unsigned long long)all);

        ok(caps_compute(0, 0, false) == def, "no changes: the default");
        ok(caps_compute(BIT(CAP_NET_ADMIN), BIT(CAP_CHOWN), false) ==
                   ((def & ~BIT(CAP_CHOWN)) | BIT(CAP_NET_ADMIN)),
           "--cap-add NET_ADMIN --cap-drop CHOWN");
        ok(caps_compute(BIT(CAP_NET_BIND_SERVICE), all, false) == BIT(CAP_NET_BIND_SERVICE),
           "--cap-drop ALL --cap-add NET_BIND_SERVICE");
        ok(caps_compute(BIT(CAP_KILL), BIT(CAP_KILL), false) == def, "an add wins over the same drop");
        ok(caps_compute(all, BIT(CAP_SYS_ADMIN), false) == (all & ~BIT(CAP_SYS_ADMIN)),
           "--cap-add ALL --cap-drop SYS_ADMIN");
        ok(caps_compute(0, all, true) == all && caps_compute(0, 0, true) == all, "--privileged: all");
        ok(caps_compute(UINT64_MAX, 0, false) == all, "unknown bits dropped");

        if (geteuid() != 0) {
                printf("# caps_drop_to() skipped: needs root\n");
                return tap_finish();
        }

        {
                _cleanup_free_ char *s = NULL;
                char buf[128];

                ok_eq_int(drop_in_child(def, 0, 0, NULL, 0, &s), 0);
                ok(s && status_mask(s, "CapBnd") == def, "root: bounding = default");
                ok(s && status_mask(s, "CapEff") == def && status_mask(s, "CapPrm") == def,
                   "root: effective = permitted = default");
                ok(s && status_mask(s, "CapInh") == 0 && status_mask(s, "CapAmb") == 0,
                   "root: inheritable, ambient empty");
                ok(s && streq(status_field(s, "Groups", buf, sizeof(buf)), ""),
                   "root: no supplementary groups");
        }
        {
                _cleanup_free_ char *s = NULL;
                const gid_t groups[] = {1000, 2000};
                char buf[128];

                ok_eq_int(drop_in_child(def, 1000, 1001, groups, 2, &s), 0);
                ok(s && streq(status_field(s, "Uid", buf, sizeof(buf)), "1000 1000 1000 1000"),
                   "uid 1000 (%s)", buf);
                ok(s && streq(status_field(s, "Gid", buf, sizeof(buf)), "1001 1001 1001 1001"),
                   "gid 1001 (%s)", buf);
                ok(s && streq(status_field(s, "Groups", buf, sizeof(buf)), "1000 2000"), "groups (%s)", buf);
                ok(s && status_mask(s, "CapBnd") == def, "non-root: bounding = default");
                ok(s && status_mask(s, "CapEff") == 0 && status_mask(s, "CapPrm") == 0,
                   "non-root: effective and permitted empty");
                ok(s && status_mask(s, "CapInh") == 0 && status_mask(s, "CapAmb") == 0,
                   "non-root: inheritable, ambient empty");
        }
        {
                _cleanup_free_ char *s = NULL, *self = NULL;
                uint64_t held;

                /* Everything we hold: a sandbox may already lack some. */
                ok(read_full_file_at(AT_FDCWD, "/proc/self/status", 1 << 20, &self, NULL) == 0,
                   "own status");
                held = self ? status_mask(self, "CapPrm") : 0;
                ok_eq_int(drop_in_child(all, 0, 0, NULL, 0, &s), 0);
                ok(s && status_mask(s, "CapEff") == (all & held) && status_mask(s, "CapBnd") == (all & held),
                   "privileged: everything we hold");
        }
        return tap_finish();
}
