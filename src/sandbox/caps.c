/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"

static void cap_freep(cap_t *c) {
        if (*c)
                (void)cap_free(*c);
}

#define CAP_BIT(c) (UINT64_C(1) << (c))

uint64_t caps_default(void) {
        return CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_FOWNER) |
               CAP_BIT(CAP_MKNOD) | CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_SETUID) |
               CAP_BIT(CAP_SETFCAP) | CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_NET_BIND_SERVICE) |
               CAP_BIT(CAP_SYS_CHROOT) | CAP_BIT(CAP_KILL) | CAP_BIT(CAP_AUDIT_WRITE);
}

uint64_t caps_all(void) {
        /* cap_max_bits() asks the running kernel (/proc/sys/kernel/cap_last_cap), not our headers. */
        unsigned n = cap_max_bits();

        if (n == 0 || n > 64)
                n = CAP_LAST_CAP + 1;
        return n == 64 ? UINT64_MAX : CAP_BIT(n) - 1;
}

uint64_t caps_compute(uint64_t add, uint64_t drop, bool privileged) {
        uint64_t all = caps_all();

        if (privileged)
                return all;
        if ((add & all) == all)
                return all & ~drop;
        return ((caps_default() & ~drop) | add) & all;
}

int caps_permitted(uint64_t *ret) {
        _cleanup_(cap_freep) cap_t cur = NULL;
        uint64_t held = 0;

        cur = cap_get_proc();
        if (!cur)
                return -errno;
        for (unsigned i = 0; i < 64; i++) {
                cap_flag_value_t v;

                if (cap_get_flag(cur, (cap_value_t)i, CAP_PERMITTED, &v) >= 0 && v == CAP_SET)
                        held |= CAP_BIT(i);
        }
        *ret = held;
        return 0;
}

/* Sets effective = permitted = set, inheritable empty. */
static int caps_set_proc(uint64_t set) {
        _cleanup_(cap_freep) cap_t c = NULL;
        cap_value_t v[64];
        int n = 0;

        c = cap_init(); /* all three sets clear */
        if (!c)
                return -errno;
        for (unsigned i = 0; i < 64; i++)
                if (set & CAP_BIT(i))
                        v[n++] = (cap_value_t)i;
        if (n > 0 && (cap_set_flag(c, CAP_EFFECTIVE, n, v, CAP_SET) < 0 ||
                      cap_set_flag(c, CAP_PERMITTED, n, v, CAP_SET) < 0))
                return -errno;
        if (cap_set_proc(c) < 0)
                return -errno;
        return 0;
}

int caps_limit_effective(uint64_t effective) {
        _cleanup_(cap_freep) cap_t c = NULL;
        uint64_t permitted;
        cap_value_t v[64];
        int n = 0, r;

        r = caps_permitted(&permitted);
        if (r < 0)
                return r;
        c = cap_get_proc();
        if (!c)
                return -errno;
        if (cap_clear_flag(c, CAP_EFFECTIVE) < 0)
                return -errno;
        for (unsigned i = 0; i < 64; i++)
                if (effective & permitted & CAP_BIT(i))
                        v[n++] = (cap_value_t)i;
        if (n > 0 && cap_set_flag(c, CAP_EFFECTIVE, n, v, CAP_SET) < 0)
                return -errno;
        if (cap_set_proc(c) < 0)
                return -errno;
        return 0;
}

/* Runs in the container's child after pivot_root(): root with the helper's capabilities, about
 * to give up most of them for good. */
int caps_drop_to(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups) {
        uint64_t all = caps_all(), held = 0;
        int r;

        r = caps_permitted(&held);
        if (r < 0)
                return r;
        keep &= held; /* --privileged under a helper with a reduced bounding set */

        /* The bounding set first, while we still hold CAP_SETPCAP: it limits what any execve() in
         * the container can ever gain, file capabilities included. */
        for (unsigned i = 0; i < 64; i++) {
                if (!(all & CAP_BIT(i)) || (keep & CAP_BIT(i)))
                        continue;
                if (prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0 && errno != EINVAL)
                        return -errno;
        }
        /* EINVAL: a kernel before ambient capabilities (4.3) has none to clear. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return -errno;

        /* Groups before the uid: setgroups() and setresgid() need CAP_SETGID, which a non-root uid
         * no longer has in effect. */
        if (setgroups(n_groups, n_groups > 0 ? groups : NULL) < 0)
                return -errno;
        if (setresgid(gid, gid, gid) < 0)
                return -errno;

        /* Keep the permitted set across the uid change, so that the capset() below alone decides
         * what remains, whatever the uid. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return -errno;
        if (setresuid(uid, uid, uid) < 0) {
                r = -errno;
                (void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
                return r;
        }
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return -errno;

        return caps_set_proc(uid == 0 ? keep : 0);
}
