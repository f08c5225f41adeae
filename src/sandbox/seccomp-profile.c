/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A docker or OCI JSON seccomp profile made into a BPF program (seccomp-profile.h). Runs on the
 * host side, before the container's child is cloned: the file is the user's, read with the
 * helper's privileges, and only the program reaches the child. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cleanup.h"
#include "definition-values.h"
#include "fd-util.h"
#include "macro.h"
#include "seccomp-profile.h"
#include "string-util.h"

static void json_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

static void filter_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

/* o[key] of type: 1 and *ret when there, 0 when absent or null, -EINVAL for another type. */
static int lookup(json_object *o, const char *key, json_type type, json_object **ret) {
        if (!json_object_object_get_ex(o, key, ret) || json_object_is_type(*ret, json_type_null))
                return 0;
        return json_object_is_type(*ret, type) ? 1 : -EINVAL;
}

static const struct {
        const char *name;
        uint32_t action; /* for ERRNO and TRACE: the base, the errno added */
        bool takes_errno;
} action_table[] = {
        { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
        { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
        { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
        { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
        { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
        { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
        { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
        { "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
};

/* An action by name; errno_ret (or EPERM, runc's default) for the ones that take it. */
static int action_from(const char *name, json_object *errno_ret, uint32_t *ret, const char *where, char **ret_why) {
        int64_t e = EPERM;

        if (streq(name, "SCMP_ACT_NOTIFY"))
                return reason(ret_why, -EINVAL, "%s: SCMP_ACT_NOTIFY needs a listener, which berth does not run", where);
        if (errno_ret) {
                if (!json_object_is_type(errno_ret, json_type_int))
                        return reason(ret_why, -EINVAL, "%s: errnoRet is not a number", where);
                e = json_object_get_int64(errno_ret);
                if (e < 0 || e > 0xffff)
                        return reason(ret_why, -EINVAL, "%s: errnoRet %lld is not an errno (0…65535)", where, (long long) e);
        }
        for (size_t i = 0; i < ELEMENTSOF(action_table); i++)
                if (streq(action_table[i].name, name)) {
                        *ret = action_table[i].takes_errno ? action_table[i].action | (uint32_t) e : action_table[i].action;
                        return 0;
                }
        return reason(ret_why, -EINVAL, "%s: '%s' is not an action (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, …)",
                      where, SHOWN(name));
}

/* "SCMP_ARCH_X86_64" → libseccomp's token. */
static int arch_from(const char *name, uint32_t *ret) {
        const char *n = startswith(name, "SCMP_ARCH_");
        char lower[32];
        size_t i;
        uint32_t a;

        if (!n || strlen(n) >= sizeof(lower))
                return -EINVAL;
        for (i = 0; n[i]; i++)
                lower[i] = (char) tolower((unsigned char) n[i]);
        lower[i] = 0;
        a = seccomp_arch_resolve_name(lower);
        if (a == 0)
                return -EINVAL;
        *ret = a;
        return 0;
}

/* Go's name of the native architecture, which docker's includes.arches and excludes.arches use. */
static const char *native_go_arch(void) {
        switch (seccomp_arch_native()) {
        case SCMP_ARCH_X86_64:
                return "amd64";
        case SCMP_ARCH_X86:
                return "386";
        case SCMP_ARCH_AARCH64:
                return "arm64";
        case SCMP_ARCH_ARM:
                return "arm";
        case SCMP_ARCH_S390X:
                return "s390x";
        case SCMP_ARCH_S390:
                return "s390";
        case SCMP_ARCH_PPC64LE:
                return "ppc64le";
        case SCMP_ARCH_RISCV64:
                return "riscv64";
        default:
                return "";
        }
}

static int add_arch(scmp_filter_ctx ctx, json_object *name, const char *where, char **ret_why) {
        uint32_t a;
        int r;

        if (!json_object_is_type(name, json_type_string) || arch_from(json_object_get_string(name), &a) < 0)
                return reason(ret_why, -EINVAL, "%s: '%s' is not an architecture (e.g. SCMP_ARCH_X86_64)", where,
                              SHOWN(json_object_get_string(name)));
        if (a == seccomp_arch_native())
                return 0;
        r = seccomp_arch_add(ctx, a);
        return r == -EEXIST ? 0 : r;
}

static int add_architectures(scmp_filter_ctx ctx, json_object *top, char **ret_why) {
        json_object *list, *map;
        int r;

        r = lookup(top, "architectures", json_type_array, &list);
        if (r < 0)
                return reason(ret_why, r, "architectures is not an array");
        for (size_t i = 0; r > 0 && i < json_object_array_length(list); i++) {
                char where[64];

                snprintf(where, sizeof(where), "architectures[%zu]", i);
                r = add_arch(ctx, json_object_array_get_idx(list, i), where, ret_why);
                if (r < 0)
                        return r;
                r = 1;
        }
        r = lookup(top, "archMap", json_type_array, &map);
        if (r < 0)
                return reason(ret_why, r, "archMap is not an array");
        for (size_t i = 0; r > 0 && i < json_object_array_length(map); i++) {
                json_object *e = json_object_array_get_idx(map, i), *arch, *subs;
                char where[64];
                uint32_t a;

                snprintf(where, sizeof(where), "archMap[%zu]", i);
                if (!json_object_is_type(e, json_type_object) || lookup(e, "architecture", json_type_string, &arch) <= 0 ||
                    arch_from(json_object_get_string(arch), &a) < 0)
                        return reason(ret_why, -EINVAL, "%s: not an architecture with its subArchitectures", where);
                /* docker's rule: only the entry of the architecture we run on counts. */
                if (a != seccomp_arch_native())
                        continue;
                r = lookup(e, "subArchitectures", json_type_array, &subs);
                if (r < 0)
                        return reason(ret_why, r, "%s: subArchitectures is not an array", where);
                for (size_t j = 0; r > 0 && j < json_object_array_length(subs); j++) {
                        r = add_arch(ctx, json_object_array_get_idx(subs, j), where, ret_why);
                        if (r < 0)
                                return r;
                        r = 1;
                }
                r = 1;
        }
        return 0;
}

/* "5.4" or "4.14.1" ≤ the running kernel. */
static int kernel_at_least(const char *min, bool *ret) {
        struct utsname u;
        unsigned a = 0, b = 0, x = 0, y = 0;

        if (sscanf(min, "%u.%u", &a, &b) != 2)
                return -EINVAL;
        if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &x, &y) != 2)
                return -errno ?: -EINVAL;
        *ret = x > a || (x == a && y >= b);
        return 0;
}

static bool string_in(json_object *list, const char *s) {
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *e = json_object_array_get_idx(list, i);

                if (json_object_is_type(e, json_type_string) && streq(json_object_get_string(e), s))
                        return true;
        }
        return false;
}

/* docker's includes/excludes: whether the entry applies to this container. */
static int entry_applies(json_object *entry, uint64_t caps, const char *where, bool *ret, char **ret_why) {
        json_object *inc, *exc, *l, *k;
        int r;

        *ret = true;
        r = lookup(entry, "includes", json_type_object, &inc);
        if (r < 0)
                return reason(ret_why, r, "%s: includes is not an object", where);
        if (r > 0) {
                if (lookup(inc, "caps", json_type_array, &l) > 0)
                        for (size_t i = 0; i < json_object_array_length(l); i++) {
                                json_object *c = json_object_array_get_idx(l, i);
                                uint64_t m;

                                if (!json_object_is_type(c, json_type_string) ||
                                    definition_capability_from_word(json_object_get_string(c), &m) < 0)
                                        return reason(ret_why, -EINVAL, "%s: includes.caps holds '%s', not a capability", where,
                                                      SHOWN(json_object_get_string(c)));
                                if ((caps & m) != m)
                                        *ret = false;
                        }
                if (lookup(inc, "arches", json_type_array, &l) > 0 && !string_in(l, native_go_arch()))
                        *ret = false;
                if (lookup(inc, "minKernel", json_type_string, &k) > 0) {
                        bool ok = true;

                        if (kernel_at_least(json_object_get_string(k), &ok) < 0)
                                return reason(ret_why, -EINVAL, "%s: includes.minKernel '%s' is not a kernel version", where,
                                              SHOWN(json_object_get_string(k)));
                        if (!ok)
                                *ret = false;
                }
        }
        r = lookup(entry, "excludes", json_type_object, &exc);
        if (r < 0)
                return reason(ret_why, r, "%s: excludes is not an object", where);
        if (r > 0) {
                if (lookup(exc, "caps", json_type_array, &l) > 0)
                        for (size_t i = 0; i < json_object_array_length(l); i++) {
                                json_object *c = json_object_array_get_idx(l, i);
                                uint64_t m;

                                if (!json_object_is_type(c, json_type_string) ||
                                    definition_capability_from_word(json_object_get_string(c), &m) < 0)
                                        return reason(ret_why, -EINVAL, "%s: excludes.caps holds '%s', not a capability", where,
                                                      SHOWN(json_object_get_string(c)));
                                if (caps & m)
                                        *ret = false;
                        }
                if (lookup(exc, "arches", json_type_array, &l) > 0 && string_in(l, native_go_arch()))
                        *ret = false;
        }
        return 0;
}

static const struct {
        const char *name;
        enum scmp_compare op;
} op_table[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE },       { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE },       { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE },       { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int arg_from(json_object *a, const char *where, struct scmp_arg_cmp *ret, char **ret_why) {
        json_object *index, *value, *two, *op;
        const char *ops;

        if (!json_object_is_type(a, json_type_object) || lookup(a, "index", json_type_int, &index) <= 0 ||
            lookup(a, "op", json_type_string, &op) <= 0)
                return reason(ret_why, -EINVAL, "%s: not an argument {index, value, valueTwo, op}", where);
        if (json_object_get_int64(index) < 0 || json_object_get_int64(index) > 5)
                return reason(ret_why, -EINVAL, "%s: index %lld is not 0…5", where, (long long) json_object_get_int64(index));
        if (lookup(a, "value", json_type_int, &value) < 0 || lookup(a, "valueTwo", json_type_int, &two) < 0)
                return reason(ret_why, -EINVAL, "%s: value and valueTwo are numbers", where);
        *ret = (struct scmp_arg_cmp) {
                .arg = (unsigned) json_object_get_int64(index),
                .datum_a = value ? (scmp_datum_t) json_object_get_uint64(value) : 0,
                .datum_b = two ? (scmp_datum_t) json_object_get_uint64(two) : 0,
        };
        ops = json_object_get_string(op);
        for (size_t i = 0; i < ELEMENTSOF(op_table); i++)
                if (streq(op_table[i].name, ops)) {
                        ret->op = op_table[i].op;
                        return 0;
                }
        return reason(ret_why, -EINVAL, "%s: '%s' is not a comparison (SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, …)", where, SHOWN(ops));
}

/* One entry of syscalls[]: its rule for each of its names. */
static int add_entry(scmp_filter_ctx ctx, json_object *entry, size_t i, uint64_t caps, uint32_t default_action,
                     char **ret_why) {
        struct scmp_arg_cmp args[6 * 4];
        json_object *names = NULL, *name = NULL, *action, *errno_ret = NULL, *arglist;
        unsigned n_args = 0, per_index[6] = {};
        bool applies, split = false;
        uint32_t act;
        char where[64];
        int r;

        snprintf(where, sizeof(where), "syscalls[%zu]", i);
        if (!json_object_is_type(entry, json_type_object))
                return reason(ret_why, -EINVAL, "%s is not an object", where);
        r = entry_applies(entry, caps, where, &applies, ret_why);
        if (r < 0 || !applies)
                return r;
        if (lookup(entry, "action", json_type_string, &action) <= 0)
                return reason(ret_why, -EINVAL, "%s: no action", where);
        (void) json_object_object_get_ex(entry, "errnoRet", &errno_ret);
        if (errno_ret && json_object_is_type(errno_ret, json_type_null))
                errno_ret = NULL;
        r = action_from(json_object_get_string(action), errno_ret, &act, where, ret_why);
        if (r < 0)
                return r;

        r = lookup(entry, "args", json_type_array, &arglist);
        if (r < 0)
                return reason(ret_why, r, "%s: args is not an array", where);
        if (r > 0) {
                if (json_object_array_length(arglist) > ELEMENTSOF(args))
                        return reason(ret_why, -EINVAL, "%s: more than %zu args", where, ELEMENTSOF(args));
                for (size_t k = 0; k < json_object_array_length(arglist); k++) {
                        char w[96];

                        snprintf(w, sizeof(w), "%s.args[%zu]", where, k);
                        r = arg_from(json_object_array_get_idx(arglist, k), w, &args[n_args], ret_why);
                        if (r < 0)
                                return r;
                        split = split || ++per_index[args[n_args].arg] > 1;
                        n_args++;
                }
        }

        r = lookup(entry, "names", json_type_array, &names);
        if (r < 0)
                return reason(ret_why, r, "%s: names is not an array", where);
        if (r == 0) {
                names = NULL;
                /* The old form: one "name". */
                r = lookup(entry, "name", json_type_string, &name);
                if (r <= 0)
                        return reason(ret_why, -EINVAL, "%s: no names", where);
        }
        for (size_t k = 0; k < (names ? json_object_array_length(names) : 1); k++) {
                json_object *n = names ? json_object_array_get_idx(names, k) : name;
                int nr;

                if (!json_object_is_type(n, json_type_string))
                        return reason(ret_why, -EINVAL, "%s: names[%zu] is not a string", where, k);
                /* A call libseccomp does not know (newer than it, another architecture's) is
                 * skipped, as runc skips it; one with the default action too. */
                nr = seccomp_syscall_resolve_name(json_object_get_string(n));
                if (nr == __NR_SCMP_ERROR || act == default_action)
                        continue;
                /* runc's rule: two conditions on one argument are each a rule of their own. */
                if (split)
                        for (unsigned a = 0; a < n_args; a++) {
                                r = seccomp_rule_add_array(ctx, act, nr, 1, &args[a]);
                                if (r < 0)
                                        return reason(ret_why, -EINVAL, "%s: libseccomp refuses the rule for %s: %s", where,
                                                      json_object_get_string(n), strerror(-r));
                        }
                else {
                        r = seccomp_rule_add_array(ctx, act, nr, n_args, args);
                        if (r < 0)
                                return reason(ret_why, -EINVAL, "%s: libseccomp refuses the rule for %s: %s", where,
                                              json_object_get_string(n), strerror(-r));
                }
        }
        return 0;
}

int seccomp_profile_export_text(const char *text, uint64_t caps, int fd, char **ret_why) {
        _cleanup_(filter_releasep) scmp_filter_ctx ctx = NULL;
        _cleanup_(json_putp) json_object *top = NULL;
        json_object *def, *def_errno = NULL, *syscalls, *flags;
        enum json_tokener_error jerr = json_tokener_success;
        uint32_t default_action;
        int r;

        top = json_tokener_parse_verbose(text, &jerr);
        if (!top)
                return reason(ret_why, -EINVAL, "not JSON: %s", json_tokener_error_desc(jerr));
        if (!json_object_is_type(top, json_type_object))
                return reason(ret_why, -EINVAL, "not a JSON object");
        if (lookup(top, "defaultAction", json_type_string, &def) <= 0)
                return reason(ret_why, -EINVAL, "no defaultAction");
        (void) json_object_object_get_ex(top, "defaultErrnoRet", &def_errno);
        if (def_errno && json_object_is_type(def_errno, json_type_null))
                def_errno = NULL;
        r = action_from(json_object_get_string(def), def_errno, &default_action, "defaultAction", ret_why);
        if (r < 0)
                return r;
        if (json_object_object_get_ex(top, "listenerPath", &flags) && !json_object_is_type(flags, json_type_null))
                return reason(ret_why, -EINVAL, "listenerPath: berth runs no seccomp listener");
        r = lookup(top, "flags", json_type_array, &flags);
        if (r < 0)
                return reason(ret_why, r, "flags is not an array");
        for (size_t i = 0; r > 0 && i < json_object_array_length(flags); i++) {
                json_object *f = json_object_array_get_idx(flags, i);

                /* TSYNC: every process berth starts in a container has one thread when it loads
                 * the filter. The others change how the kernel loads it, which berth does itself. */
                if (!json_object_is_type(f, json_type_string) || !streq(json_object_get_string(f), "SECCOMP_FILTER_FLAG_TSYNC"))
                        return reason(ret_why, -EINVAL, "flags: '%s' is not supported (only SECCOMP_FILTER_FLAG_TSYNC)",
                                      SHOWN(json_object_get_string(f)));
        }

        ctx = seccomp_init(default_action);
        if (!ctx)
                return -ENOMEM;
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        r = add_architectures(ctx, top, ret_why);
        if (r < 0)
                return r;
        r = lookup(top, "syscalls", json_type_array, &syscalls);
        if (r < 0)
                return reason(ret_why, r, "syscalls is not an array");
        for (size_t i = 0; r > 0 && i < json_object_array_length(syscalls); i++) {
                r = add_entry(ctx, json_object_array_get_idx(syscalls, i), i, caps, default_action, ret_why);
                if (r < 0)
                        return r;
                r = 1;
        }
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return reason(ret_why, r, "libseccomp cannot make the program: %s", strerror(-r));
        return 0;
}

int seccomp_profile_export(const char *path, uint64_t caps, int fd, char **ret_why) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, SECCOMP_PROFILE_SIZE_MAX, &text, &size);
        if (r == -EFBIG)
                return reason(ret_why, -EINVAL, "larger than %u bytes", SECCOMP_PROFILE_SIZE_MAX);
        if (r == -EBADFD)
                return reason(ret_why, -EINVAL, "not a regular file");
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return reason(ret_why, -EINVAL, "%s", strerror(-r));
        if (strlen(text) != size)
                return reason(ret_why, -EINVAL, "contains a NUL byte");
        return seccomp_profile_export_text(text, caps, fd, ret_why);
}
