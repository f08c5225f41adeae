/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "macro.h"
#include "sysctl.h"
#include "tap.h"

int main(void) {
        static const struct {
                const char *key;
                int want;
        } keys[] = {
                {"net.ipv4.ip_forward", SYSCTL_NET},
                {"net.ipv4.conf.eth0.rp_filter", SYSCTL_NET},
                {"net.ipv6.conf.all.disable_ipv6", SYSCTL_NET},
                {"net.ipv4.conf.veth-a.forwarding", SYSCTL_NET},
                {"kernel.shmmax", SYSCTL_IPC},
                {"kernel.shm_rmid_forced", SYSCTL_IPC},
                {"kernel.sem", SYSCTL_IPC},
                {"kernel.msgmnb", SYSCTL_IPC},
                {"fs.mqueue.msg_max", SYSCTL_IPC},
                {"kernel.domainname", SYSCTL_UTS},
                /* the host's */
                {"kernel.core_pattern", -EPERM},
                {"kernel.hostname", -EPERM},
                {"kernel.shmmaxx", -EPERM},
                {"vm.overcommit_memory", -EPERM},
                {"fs.file-max", -EPERM},
                {"fs.mqueue", -EPERM},
                {"netx.a", -EPERM},
                /* malformed */
                {"", -EINVAL},
                {"net", -EINVAL},
                {"net.", -EINVAL},
                {".net.ipv4", -EINVAL},
                {"net..ipv4", -EINVAL},
                {"net.ipv4/../../kernel/core_pattern", -EINVAL},
                {"net/ipv4/ip_forward", -EINVAL},
                {"net.ipv4.ip_forward+kernel.core_pattern", -EINVAL},
                {"net.ipv4.ip forward", -EINVAL},
                {"net.ipv4.ip_forward\n", -EINVAL},
        };
        static const struct {
                const char *assignment;
                int want;
        } assignments[] = {
                {"net.ipv4.ip_forward=1", SYSCTL_NET},
                {"net.ipv4.ip_local_port_range=1024 65000", SYSCTL_NET},
                {"kernel.domainname=example.org", SYSCTL_UTS},
                {"net.ipv4.ip_forward=", -EINVAL},
                {"net.ipv4.ip_forward", -EINVAL},
                {"=1", -EINVAL},
                {"net.ipv4.ip_forward=1+kernel.core_pattern=|/x", -EINVAL},
                {"net.ipv4.ip_forward=1\nkernel.core_pattern=|/x", -EINVAL},
                {"kernel.core_pattern=|/x", -EPERM},
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                ok(sysctl_namespace(keys[i].key) == keys[i].want, "key '%s' -> %d (got %d)", keys[i].key,
                   keys[i].want, sysctl_namespace(keys[i].key));
        for (size_t i = 0; i < ELEMENTSOF(assignments); i++)
                ok(sysctl_check(assignments[i].assignment) == assignments[i].want, "'%s' -> %d (got %d)",
                   assignments[i].assignment, assignments[i].want, sysctl_check(assignments[i].assignment));
        return tap_finish();
}
