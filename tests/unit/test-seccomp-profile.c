/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SeccompProfile=PATH: docker/OCI JSON profiles made into programs that do what they say, loaded
 * in a child (no_new_privs, so no privilege is needed); every bad profile one line saying what is
 * wrong. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "confine.h"
#include "fd-util.h"
#include "seccomp-profile.h"
#include "string-util.h"
#include "tap.h"

#define CAP(c) (UINT64_C(1) << (c))

static char *mfree_why(char *s) {
        free(s);
        return NULL;
}

/* Makes the program of text for caps, loads it in a child and runs probe there: its exit code,
 * or -1 when the profile was refused (*ret_why then says why). */
static int run_with(const char *text, uint64_t caps, int (*probe)(void), char **ret_why) {
        _cleanup_close_ int fd = memfd_create("test", MFD_CLOEXEC);
        int status;
        pid_t pid;

        if (seccomp_profile_export_text(text, caps, fd, ret_why) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || confine_load(fd) < 0)
                        _exit(99);
                _exit(probe());
        }
        if (waitpid(pid, &status, 0) < 0)
                return -2;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int probe_uname(void) {
        struct utsname u;

        return uname(&u) < 0 ? errno : 0;
}

static int probe_personality(void) {
        /* PER_LINUX32 refused by the rule on argument 0, asking for the current persona not */
        int a = personality(0x0008) < 0 ? errno : 0, b = personality(0xffffffff) < 0 ? errno : 0;

        return a * 10 + b;
}

static int probe_getppid(void) {
        return getppid() < 0 ? errno : 0;
}

static void bad(const char *text, const char *want) {
        _cleanup_free_ char *why = NULL;
        int r = run_with(text, 0, probe_uname, &why);

        ok(r == -1 && why && !strchr(why, '\n') && strstr(why, want), "refused: %s → %s", SHOWN(text), why ?: "(taken)");
}

int main(void) {
        _cleanup_free_ char *why = NULL;

        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\", \"no_such_call\"], "
                           "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42}]}",
                           0, probe_uname, &why),
                  42);
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"uname\", \"action\": \"SCMP_ACT_ERRNO\"}]}",
                           0, probe_uname, &why),
                  EPERM);
        /* An OCI profile: the default refuses, a list allows; architectures given. */
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"architectures\": "
                           "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_AARCH64\"], \"syscalls\": [{\"names\": "
                           "[\"exit\", \"exit_group\", \"rt_sigreturn\", \"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           0, probe_uname, &why),
                  38);
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"exit\", \"exit_group\", "
                           "\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           0, probe_getppid, &why),
                  0);
        /* Arguments: personality(PER_LINUX32) refused, personality(0xffffffff) not. */
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"personality\"], "
                           "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7, \"args\": [{\"index\": 0, \"value\": 8, "
                           "\"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           0, probe_personality, &why),
                  70);
        /* Two conditions on one argument: each its own rule (runc's). */
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"personality\"], "
                           "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7, \"args\": [{\"index\": 0, \"value\": 8, "
                           "\"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           0, probe_personality, &why),
                  77);
        /* docker's includes and excludes, against the capabilities the container keeps. */
        {
                const char *p = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                                "{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5, "
                                "\"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
                                "{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 6, "
                                "\"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}, \"includes\": {\"minKernel\": \"3.0\"}}]}";

                ok_eq_int(run_with(p, CAP(CAP_SYS_ADMIN), probe_uname, &why), 5);
                ok_eq_int(run_with(p, CAP(CAP_CHOWN), probe_uname, &why), 6);
        }
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\", \"errnoRet\": 9, \"includes\": {\"arches\": [\"no-such-arch\"]}}]}",
                           0, probe_uname, &why),
                  0);
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\", \"errnoRet\": 9, \"includes\": {\"minKernel\": \"99.0\"}}]}",
                           0, probe_uname, &why),
                  0);
        /* A rule with the default action says nothing (libseccomp would refuse it). */
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\"}]}",
                           0, probe_uname, &why),
                  0);
        ok_eq_int(run_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", "
                           "\"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}, {\"architecture\": "
                           "\"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}], \"flags\": "
                           "[\"SECCOMP_FILTER_FLAG_TSYNC\"], \"syscalls\": [{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", "
                           "\"errnoRet\": 3}]}",
                           0, probe_uname, &why),
                  3);

        bad("{\"defaultAction\": ", "not JSON");
        bad("[]", "not a JSON object");
        bad("{}", "no defaultAction");
        bad("{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", "defaultAction: 'SCMP_ACT_MAYBE' is not an action");
        bad("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY needs a listener");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}", "listenerPath");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}", "flags: 'SECCOMP_FILTER_FLAG_LOG'");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
            "architectures[0]: 'SCMP_ARCH_VAX' is not an architecture");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", "syscalls is not an array");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"]}]}", "syscalls[0]: no action");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}", "syscalls[0]: no names");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", "
            "\"errnoRet\": -1}]}",
            "syscalls[0]: errnoRet -1 is not an errno");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", "
            "\"args\": [{\"index\": 9, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
            "syscalls[0].args[0]: index 9 is not 0…5");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", "
            "\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ISH\"}]}]}",
            "syscalls[0].args[0]: 'SCMP_CMP_ISH' is not a comparison");
        bad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", "
            "\"includes\": {\"caps\": [\"CAP_NOPE\"]}}]}",
            "syscalls[0]: includes.caps holds 'CAP_NOPE', not a capability");

        {
                char path[] = "/tmp/test-seccomp-profile.XXXXXX";
                _cleanup_close_ int fd = mkstemp(path), out = memfd_create("test", MFD_CLOEXEC);

                why = mfree_why(why);
                ok(seccomp_profile_export("/nonexistent/profile.json", 0, out, &why) == -EINVAL && why &&
                           strstr(why, "No such file"),
                   "a missing file: %s", why ?: "");
                why = mfree_why(why);
                ok(seccomp_profile_export("/dev/null", 0, out, &why) == -EINVAL && why && streq(why, "not a regular file"),
                   "a device: %s", why ?: "");
                why = mfree_why(why);
                ok(fd >= 0 && write(fd, "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", 35) == 35 &&
                           seccomp_profile_export(path, 0, out, &why) >= 0,
                   "a file: %s", why ?: "");
                (void) unlink(path);
        }
        return tap_finish();
}
