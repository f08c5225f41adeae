/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SubUIDMap=, SubGIDMap= and Quadlet's deprecated Remap keys (issue 18, remap): good and bad
 * values, the round trip through definition_to_string(), the refusals across keys, the flags; and
 * the reader of /etc/subuid (subid.h), given a path. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition-builder.h"
#include "definition.h"
#include "fd-util.h"
#include "string-util.h"
#include "strv.h"
#include "subid.h"
#include "tap.h"

#define STRV_MAKE(...) ((char *const[]) { __VA_ARGS__, NULL })

static Definition *parse(const char *keys, char **ret_error) {
        _cleanup_free_ char *text = strjoin("[Container]\nImage=localhost/x\n", keys, "\n");
        Definition *d = NULL;

        if (definition_parse_string(text, "t.container", "t", &d, ret_error) < 0)
                return NULL;
        return d;
}

/* Parses keys, writes the result out and parses that: equal; *ret_text what was written. */
static bool round_trip(const char *keys, char **ret_text) {
        _cleanup_(definition_freep) Definition *a = parse(keys, NULL), *b = NULL;
        _cleanup_free_ char *text = NULL;

        if (!a || definition_to_string(a, &text) < 0)
                return false;
        if (definition_parse_string(text, "t.container", "t", &b, NULL) < 0)
                return false;
        if (ret_text)
                *ret_text = TAKE_PTR(text);
        return definition_equal(a, b);
}

static void refused(const char *keys, const char *why_part) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(definition_freep) Definition *d = parse(keys, &error);

        ok(!d && error && strstr(error, why_part) && !strchr(error, '\n'), "refused, one line: %s → %s", keys,
           error ?: "(accepted)");
}

/* The map read from a file holding text, for names. */
static int read_map_n(const char *text, size_t size, char *const *names, IdMapEntry **ret, size_t *ret_n, char **ret_why) {
        char path[] = "/tmp/test-subid-XXXXXX";
        int fd = mkstemp(path), r;

        if (fd < 0)
                return -errno;
        r = loop_write(fd, text, size);
        close(fd);
        if (r >= 0)
                r = subid_map_read(path, names, ret, ret_n, ret_why);
        unlink(path);
        return r;
}

static int read_map(const char *text, char *const *names, IdMapEntry **ret, size_t *ret_n, char **ret_why) {
        return read_map_n(text, strlen(text), names, ret, ret_n, ret_why);
}

static void read_refused_n(const char *text, size_t size, const char *why_part) {
        _cleanup_free_ IdMapEntry *m = NULL;
        _cleanup_free_ char *why = NULL;
        size_t n = 0;
        int r = read_map_n(text, size, STRV_MAKE("alice", "1000"), &m, &n, &why);

        ok(r == -EINVAL && why && strstr(why, why_part) && !strchr(why, '\n'), "file refused: %s → %s", text,
           why ?: "(accepted)");
}

/* A definition from `berth run`'s flags (pairs of flag and value, then NULL) and an image. */
static Definition *built(char **ret_error, ...) {
        _cleanup_(definition_builder_done) DefinitionBuilder b = {};
        _cleanup_free_ char *text = NULL;
        Definition *d = NULL;
        const char *flag;
        va_list ap;
        int r = definition_builder_add(&b, "IMAGE", "localhost/x");

        va_start(ap, ret_error);
        while (r >= 0 && (flag = va_arg(ap, const char *)))
                r = definition_builder_add(&b, flag, va_arg(ap, const char *));
        va_end(ap);
        if (r < 0 || definition_builder_parse(&b, "t", &text, &d, ret_error) < 0)
                return NULL;
        return d;
}

static void read_refused(const char *text, const char *why_part) {
        read_refused_n(text, strlen(text), why_part);
}

int main(void) {
        /* ---- SubUIDMap=, SubGIDMap= ---- */
        {
                _cleanup_(definition_freep) Definition *d = parse("SubUIDMap=alice", NULL);

                ok(d && streq_ptr(d->subuid_name, "alice") && streq_ptr(d->subgid_name, "alice") &&
                           d->userns == USERNS_MAP && d->userns_set && d->n_uid_map == 0,
                   "SubUIDMap= alone names both, a map of its own");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("SubGIDMap=1000", NULL);

                ok(d && streq_ptr(d->subuid_name, "1000") && streq_ptr(d->subgid_name, "1000"),
                   "SubGIDMap= alone names both, a UID too");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("SubUIDMap=utest\nSubGIDMap=gtest", NULL);

                ok(d && streq_ptr(d->subuid_name, "utest") && streq_ptr(d->subgid_name, "gtest"), "both, each its own");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("SubUIDMap=alice\nSubUIDMap=", NULL);

                ok(d && !d->subuid_name && !d->userns_set, "an empty SubUIDMap= resets it");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("SubUIDMap=svc$", NULL);

                ok(d && streq_ptr(d->subuid_name, "svc$"), "a final '$' (a machine account)");
        }
        refused("SubUIDMap=al:ice", "not a user name or UID");
        refused("SubUIDMap=-alice", "not a user name or UID");
        refused("SubUIDMap=a\\nb", "not a user name or UID");
        refused("SubUIDMap=al$ice", "not a user name or UID");
        refused("SubUIDMap=\"al ice\"", "not a user name or UID");
        refused("SubUIDMap=alice\nUserNS=auto", "key 'SubUIDMap': UserNS=auto picks a range itself");
        refused("SubUIDMap=alice\nUserNS=host", "key 'SubUIDMap': UserNS=host keeps the host's IDs");
        refused("SubGIDMap=alice\nUserNS=private", "key 'SubGIDMap': UserNS=private");
        refused("SubUIDMap=alice\nUIDMap=0:100000:65536", "key 'SubUIDMap': maps the IDs /etc/subuid lists");
        refused("GIDMap=0:100000:65536\nSubGIDMap=alice", "GIDMap= gives others");
        refused("SubUIDMap=alice\nPrivileged=yes", "key 'SubUIDMap': Privileged=yes");
        refused("SubUIDMap=alice\nNetwork=host", "key 'SubUIDMap': Network=host");
        {
                _cleanup_free_ char *text = NULL;

                ok(round_trip("SubUIDMap=alice", &text) && strstr(text, "SubUIDMap=alice\nSubGIDMap=alice\n") &&
                           !strstr(text, "UserNS="),
                   "round trip: %s", text ?: "");
        }
        ok(round_trip("SubUIDMap=utest\nSubGIDMap=gtest", NULL), "round trip of two names");
        {
                _cleanup_free_ char *err = NULL;
                _cleanup_(definition_freep) Definition *d = built(&err, "--subuidname", "alice", "--subgidname", "staff", NULL);

                ok(d && streq_ptr(d->subuid_name, "alice") && streq_ptr(d->subgid_name, "staff"),
                   "--subuidname, --subgidname: %s", err ?: "");
        }
        {
                _cleanup_free_ char *err = NULL;
                _cleanup_(definition_freep) Definition *d = built(&err, "--userns", "auto", "--subuidname", "alice", NULL);

                ok(!d && err && strstr(err, "SubUIDMap"), "--userns auto --subuidname refused: %s", err ?: "");
        }

        /* ---- RemapUsers=, RemapUid=, RemapGid=, RemapUidSize= ---- */
        {
                _cleanup_(definition_freep) Definition *d = parse("RemapUsers=auto", NULL);

                ok(d && d->userns == USERNS_AUTO && d->userns_set && d->userns_size == 0 && !d->remap_users,
                   "RemapUsers=auto is UserNS=auto");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("RemapUsers=auto\nRemapUidSize=131072", NULL);

                ok(d && d->userns == USERNS_AUTO && d->userns_size == 131072, "RemapUidSize= is auto's size");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse(
                        "RemapUsers=manual\nRemapUid=0:10000:10\nRemapUid=10:20000:10\nRemapGid=0:10000:10 10:20000:10", NULL);

                ok(d && d->userns == USERNS_MAP && d->n_uid_map == 2 && d->n_gid_map == 2 && d->uid_map[1].outside == 20000 &&
                           d->gid_map[1].inside == 10 && !d->remap_uid && !d->remap_gid,
                   "RemapUsers=manual is UIDMap=/GIDMap= (words split as Quadlet splits them)");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("RemapUsers=manual\nRemapUid=0:100000:65536", NULL);

                ok(d && d->n_gid_map == 1 && d->gid_map[0].outside == 100000, "RemapUid= alone stands for both");
        }
        {
                _cleanup_free_ char *text = NULL;

                ok(round_trip("RemapUsers=auto\nRemapUidSize=131072", &text) && strstr(text, "UserNS=auto:size=131072\n") &&
                           !strstr(text, "Remap"),
                   "round trip, written as UserNS=: %s", text ?: "");
        }
        {
                _cleanup_free_ char *text = NULL;

                ok(round_trip("RemapUsers=manual\nRemapUid=0:100000:65536\nRemapGid=0:200000:65536", &text) &&
                           strstr(text, "UIDMap=0:100000:65536\n") && strstr(text, "GIDMap=0:200000:65536\n") &&
                           !strstr(text, "Remap"),
                   "round trip, written as UIDMap=/GIDMap=: %s", text ?: "");
        }
        {
                _cleanup_(definition_freep) Definition *d = parse("RemapUsers=auto\nRemapUsers=", NULL);

                ok(d && !d->userns_set, "an empty RemapUsers= is none (Quadlet's last)");
        }
        refused("RemapUsers=keep-id", "key 'RemapUsers': 'keep-id' is podman's rootless mode");
        refused("RemapUsers=nomap", "unsupported RemapUsers option 'nomap'");
        refused("RemapUsers=auto\nUserNS=auto", "deprecated Remap keys are set along with explicit mapping keys");
        refused("UIDMap=0:10000:10\nRemapUsers=auto", "deprecated Remap keys are set along with explicit mapping keys");
        refused("SubUIDMap=utest\nRemapUsers=auto", "deprecated Remap keys are set along with explicit mapping keys");
        refused("RemapUid=0:10000:10\nUserNS=host", "key 'RemapUid': deprecated Remap keys");
        refused("RemapUid=0:10000:10", "key 'RemapUid': UidMap set without RemapUsers");
        refused("RemapGid=0:10000:10", "key 'RemapGid': GidMap set without RemapUsers");
        refused("RemapUsers=auto\nRemapUid=0:10000:10", "key 'RemapUid': with RemapUsers=auto it is podman's auto:uidmapping=");
        refused("RemapUsers=auto\nRemapGid=0:10000:10", "key 'RemapGid': with RemapUsers=auto");
        refused("RemapUsers=manual", "key 'RemapUsers': manual maps the IDs RemapUid=/RemapGid= give, and none is given");
        refused("RemapUsers=manual\nRemapUid=0:10000", "key 'RemapUid': '0:10000' is not CONTAINER:HOST:SIZE");
        refused("RemapUsers=manual\nRemapUid=1:10000:10", "key 'RemapUid': no entry maps container ID 0");
        refused("RemapUsers=manual\nRemapUid=0:10000:10\nRemapUidSize=10", "key 'RemapUidSize': the size of RemapUsers=auto");
        refused("RemapUidSize=10", "key 'RemapUidSize': the size of RemapUsers=auto's range, and RemapUsers=auto is not set");
        refused("RemapUsers=auto\nRemapUidSize=-1", "key 'RemapUidSize': '-1' is not a number of IDs");
        refused("RemapUsers=auto\nRemapUidSize=4294967296", "not a number of IDs");
        refused("RemapUsers=auto\nPrivileged=yes", "key 'RemapUsers': Privileged=yes");
        refused("RemapUsers=manual\nRemapUid=0:10000:10\nPID=host", "key 'RemapUsers': PID=host");

        /* ---- /etc/subuid ---- */
        {
                _cleanup_free_ IdMapEntry *m = NULL;
                _cleanup_free_ char *why = NULL;
                size_t n = 0;
                int r = read_map("# comment\n\nbob:100000:65536\nalice:300000:65536\n  1000:200000:1000  \nalice:400000:0\n",
                                 STRV_MAKE("alice", "1000"), &m, &n, &why);

                ok(r == 0 && n == 2, "alice's two lines (by name and by UID, a range of 0 skipped): %s", why ?: "");
                ok(r == 0 && n == 2 && m[0].inside == 0 && m[0].outside == 200000 && m[0].count == 1000 &&
                           m[1].inside == 1000 && m[1].outside == 300000 && m[1].count == 65536,
                   "sorted by host ID as podman sorts them, container IDs one after the other");
        }
        read_refused("bob:100000:65536\n", "lists no IDs for alice");
        read_refused("alice:100000:0\n", "lists no IDs for alice");
        read_refused("bob:100000\nalice:100000:65536\n", ":1: not NAME:FIRST:COUNT");
        read_refused("alice:100000:65536\nbob:1:2:3\n", ":2: not NAME:FIRST:COUNT");
        read_refused(":1:2\n", ":1: not NAME:FIRST:COUNT");
        read_refused("alice:x:65536\n", ":1: FIRST and COUNT are not IDs");
        read_refused("alice:4294967295:1\n", "FIRST and COUNT are not IDs");
        read_refused("alice:100000:65536\nalice:100000:10\n", "map the same host IDs");
        read_refused_n("alice:1:2\0alice:3:4\n", 20, "NUL");
        {
                _cleanup_free_ IdMapEntry *m = NULL;
                _cleanup_free_ char *why = NULL;
                size_t n = 0;

                ok(subid_map_read("/nonexistent/subuid", STRV_MAKE("alice"), &m, &n, &why) == -ENOENT && why &&
                           strstr(why, "does not exist"),
                   "no file: %s", why ?: "");
                free(why);
                why = NULL;
                ok(subid_map_read("/tmp", STRV_MAKE("alice"), &m, &n, &why) == -EINVAL && why &&
                           strstr(why, "not a regular file"),
                   "a directory: %s", why ?: "");
        }
        {
                _cleanup_strv_free_ char **l = NULL;

                ok(subid_names("root", &l) == 0 && strv_contains(l, "root") && strv_contains(l, "0"), "root is 0 too");
                l = strv_free(l);
                ok(subid_names("0", &l) == 0 && strv_contains(l, "0") && strv_contains(l, "root"), "0 is root too");
                l = strv_free(l);
                ok(subid_names("no-such-user-here", &l) == 0 && strv_length(l) == 1, "an unknown name is itself only");
        }
        return tap_finish();
}
