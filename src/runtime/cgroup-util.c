/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "cleanup.h"
#include "fd-util.h"
#include "string-util.h"

int proc_cgroup_parse(const char *text, const char *controller, char **ret_path, bool *ret_unified) {
        const char *unified = NULL, *p = text;
        size_t clen = strlen(controller);

        while (*p) {
                const char *eol = strchrnul(p, '\n'), *c1, *c2;

                c1 = memchr(p, ':', (size_t) (eol - p));
                c2 = c1 ? memchr(c1 + 1, ':', (size_t) (eol - c1 - 1)) : NULL;
                if (c2) {
                        if (c2 == c1 + 1 && c1 - p == 1 && p[0] == '0')
                                unified = c2 + 1;
                        /* controller among the comma-separated controllers. */
                        for (const char *t = c1 + 1; t < c2;) {
                                const char *comma = memchr(t, ',', (size_t) (c2 - t)), *te = comma ?: c2;

                                if ((size_t) (te - t) == clen && memcmp(t, controller, clen) == 0) {
                                        *ret_path = strndup(c2 + 1, (size_t) (eol - c2 - 1));
                                        if (!*ret_path)
                                                return -ENOMEM;
                                        *ret_unified = false;
                                        return 0;
                                }
                                t = te + 1;
                        }
                }
                p = *eol ? eol + 1 : eol;
        }
        if (!unified)
                return -ENOENT;
        *ret_path = strndup(unified, strcspn(unified, "\n"));
        if (!*ret_path)
                return -ENOMEM;
        *ret_unified = true;
        return 0;
}

int proc_cgroup_of(pid_t pid, const char *controller, char **ret_path, bool *ret_unified) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_proc_pid_file(pid, "cgroup", 64 * 1024, &text);
        if (r < 0)
                return r;
        return proc_cgroup_parse(text, controller, ret_path, ret_unified);
}

bool cgroup_pid_is_frozen(pid_t pid) {
        _cleanup_free_ char *cg = NULL, *file = NULL, *text = NULL;
        bool unified;

        if (proc_cgroup_of(pid, "freezer", &cg, &unified) < 0)
                return false;
        if (!unified && streq(cg, "/"))
                return false; /* in the v1 hierarchy's root: never paused by berth */
        if (asprintf(&file, "%s%s%s/%s", CGROUP_ROOT, unified ? "" : "/freezer", cg,
                     unified ? "cgroup.events" : "freezer.state") < 0)
                return false;
        if (read_full_file_at(AT_FDCWD, file, 4096, &text, NULL) < 0)
                return false;
        if (unified)
                return strstr(text, "frozen 1") != NULL;
        return !startswith(text, "THAWED");
}
