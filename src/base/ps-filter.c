/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "ps-filter.h"
#include "string-util.h"
#include "strv.h"

static const char *const statuses[] = { "created", "restarting", "running", "removing", "paused", "exited", "dead" };
static const char *const healths[] = { "starting", "healthy", "unhealthy", "none" };

/* A regular expression longer than this is refused: names are at most 63 characters. */
#define PS_FILTER_REGEX_MAX 256
/* glibc's regcomp() copies what a '+' or a {N,M} repeats (a+ is aa*), so nested repetitions
 * grow its automaton exponentially: "a" and 21 '+' take 3 GB. Go's regexps (docker's) compile
 * in linear size. regex_size() counts the atoms glibc would build; 32768 of them take ~20 MB. */
#define PS_FILTER_REGEX_ATOMS_MAX 32768U

static uint64_t size_add(uint64_t a, uint64_t b) {
        return MIN(a + b, (uint64_t) PS_FILTER_REGEX_ATOMS_MAX + 1);
}

/* The atoms of the ERE re once its repetitions are copied out, at most ATOMS_MAX + 1; or
 * UINT64_MAX for a repetition of a repetition ("a**", "a+{2}"), which Go refuses as "invalid
 * nested repetition operator" and glibc's matcher takes exponential time over: like Go, one '?'
 * may follow a repetition (Go's non-greedy mark; the same matches either way). */
static uint64_t regex_size(const char *re) {
        struct { uint64_t done, branch, last; } stack[PS_FILTER_REGEX_MAX / 2 + 2] = {}, *f = stack;
        enum { PLAIN, REPEATED, LAZY } state = PLAIN;

        for (const char *p = re; *p; p++) {
                uint64_t atom = 1, times = 1;
                bool repeat = false;

                switch (*p) {
                case '(':
                        if (f == stack + ELEMENTSOF(stack) - 1)
                                return PS_FILTER_REGEX_ATOMS_MAX + 1;
                        *++f = (typeof(*f)) {};
                        state = PLAIN;
                        continue;
                case ')':
                        if (f == stack)
                                break; /* a literal ')' */
                        atom = size_add(size_add(f->done, f->branch), 1);
                        f--;
                        break;
                case '|':
                        f->done = size_add(f->done, f->branch);
                        f->branch = f->last = 0;
                        state = PLAIN;
                        continue;
                case '*':
                case '?':
                        times = 0; /* one node more around the last atom */
                        repeat = true;
                        break;
                case '+':
                        times = 2;
                        repeat = true;
                        break;
                case '{': {
                        char *end;
                        unsigned long n = strtoul(p + 1, &end, 10), m = n;

                        if (!isdigit((unsigned char) p[1]))
                                break; /* a literal '{' */
                        if (*end == ',' && end[1] == '}') {
                                m = n + 1;
                                end++;
                        } else if (*end == ',' && isdigit((unsigned char) end[1]))
                                m = strtoul(end + 1, &end, 10);
                        if (*end != '}')
                                break; /* regcomp() refuses it */
                        times = MAX(MAX(n, m), 1UL);
                        repeat = true;
                        p = end;
                        break;
                }
                case '[': /* one atom: the set, with ']' first (or after '^') a member, [:class:] inside */
                        p++;
                        p += *p == '^';
                        p += *p == ']';
                        for (; *p && *p != ']'; p++)
                                if (p[0] == '[' && p[1] && strchr(":.=", p[1])) {
                                        const char *e = p + 2;

                                        while (*e && !(e[0] == p[1] && e[1] == ']'))
                                                e++;
                                        if (*e)
                                                p = e + 1;
                                }
                        if (!*p)
                                p--;
                        break;
                case '\\':
                        p += !!p[1];
                        break;
                default:
                        break;
                }
                if (repeat) {
                        if (state == REPEATED && *p == '?') {
                                state = LAZY;
                                continue;
                        }
                        if (state != PLAIN)
                                return UINT64_MAX;
                        state = REPEATED;
                } else
                        state = PLAIN;
                if (!repeat) {
                        f->branch = size_add(f->branch, atom);
                        f->last = atom;
                } else if (times == 0) {
                        f->branch = size_add(f->branch, 1);
                        f->last = size_add(f->last, 1);
                } else { /* the last atom, copied: times copies in all */
                        f->branch = size_add(f->branch, f->last * MIN(times - 1, (uint64_t) PS_FILTER_REGEX_ATOMS_MAX));
                        f->last = size_add(0, f->last * MIN(times, (uint64_t) PS_FILTER_REGEX_ATOMS_MAX));
                }
        }
        for (; f > stack; f--) /* groups left open: regcomp() refuses them, after building them */
                f[-1].branch = size_add(f[-1].branch, size_add(f->done, f->branch));
        return size_add(f->done, f->branch);
}

static int index_of(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (streq(table[i], s))
                        return (int) i;
        return -1;
}

static int add_regex(regex_t **l, size_t *n, const char *key, const char *re, char **ret_why) {
        uint64_t size;
        regex_t *t;
        int r;

        if (strlen(re) > PS_FILTER_REGEX_MAX)
                return reason(ret_why, -EINVAL, "--filter %s=: a regular expression longer than %d characters", key,
                              PS_FILTER_REGEX_MAX);
        /* Back-references take exponential time in glibc's matcher, and Go's regexps have none. */
        for (const char *p = re; *p; p++)
                if (p[0] == '\\' && p[1]) {
                        if (p[1] >= '1' && p[1] <= '9')
                                return reason(ret_why, -EINVAL, "--filter %s=%s: back-references are not supported", key,
                                              SHOWN(re));
                        p++;
                }
        size = regex_size(re);
        if (size == UINT64_MAX)
                return reason(ret_why, -EINVAL, "--filter %s=%s: invalid nested repetition operator", key, SHOWN(re));
        if (size > PS_FILTER_REGEX_ATOMS_MAX)
                return reason(ret_why, -EINVAL,
                              "--filter %s=%s: the regular expression repeats too much (nested + or {N,M})", key,
                              SHOWN(re));
        t = reallocarray(*l, *n + 1, sizeof(regex_t));
        if (!t)
                return -ENOMEM;
        *l = t;
        r = regcomp(&t[*n], re, REG_EXTENDED | REG_NOSUB);
        if (r == REG_ESPACE)
                return -ENOMEM;
        if (r != 0) {
                char msg[128];

                regerror(r, NULL, msg, sizeof(msg));
                return reason(ret_why, -EINVAL, "--filter %s=%s: not a regular expression: %s", key, SHOWN(re), msg);
        }
        (*n)++;
        return 0;
}

/* docker's PORT[/PROTO] or START-END[/PROTO], tcp by default. */
static int add_ports(struct PsPortRange **l, size_t *n, const char *key, const char *value, char **ret_why) {
        struct PsPortRange p = { .proto = "tcp" }, *t;
        const char *slash = strchr(value, '/');
        _cleanup_free_ char *ports = strndup(value, slash ? (size_t) (slash - value) : strlen(value));
        char *dash;

        if (!ports)
                return -ENOMEM;
        if (slash) {
                if (!streq(slash + 1, "tcp") && !streq(slash + 1, "udp"))
                        return reason(ret_why, -EINVAL, "invalid filter '%s=%s': the protocol is tcp or udp", key,
                                      SHOWN(value));
                strcpy(p.proto, slash + 1);
        }
        dash = strchr(ports, '-');
        if (dash)
                *dash = 0;
        if (safe_atou(ports, &p.start) < 0 || p.start < 1 || p.start > 65535 ||
            (dash && (safe_atou(dash + 1, &p.end) < 0 || p.end < p.start || p.end > 65535)))
                return reason(ret_why, -EINVAL, "invalid filter '%s=%s': PORT[/PROTO] or START-END[/PROTO] is wanted",
                              key, SHOWN(value));
        if (!dash)
                p.end = p.start;
        t = reallocarray(*l, *n + 1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        *l = t;
        t[(*n)++] = p;
        return 0;
}

int ps_filter_add(PsFilter *f, const char *spec, char **ret_why) {
        _cleanup_free_ char *key = NULL;
        const char *eq = strchr(spec, '='), *value;
        int i;

        if (!eq)
                return reason(ret_why, -EINVAL, "--filter '%s': KEY=VALUE is wanted (name, id, label, status, ancestor, exited, health, network, volume, publish, expose)",
                              SHOWN(spec));
        key = strndup(spec, (size_t) (eq - spec));
        if (!key)
                return -ENOMEM;
        value = eq + 1;

        if (streq(key, "name"))
                return add_regex(&f->names, &f->n_names, key, value, ret_why);
        if (streq(key, "id"))
                return add_regex(&f->ids, &f->n_ids, key, value, ret_why);
        if (streq(key, "label")) {
                if (isempty(value) || *value == '=')
                        return reason(ret_why, -EINVAL, "--filter label=: a label's key is wanted, label=KEY or label=KEY=VALUE");
                return strv_extend(&f->labels, value);
        }
        if (streq(key, "status")) {
                i = index_of(statuses, ELEMENTSOF(statuses), value);
                if (i < 0)
                        return reason(ret_why, -EINVAL,
                                      "invalid filter 'status=%s': created, restarting, running, removing, paused, exited or dead",
                                      SHOWN(value));
                f->statuses |= 1U << i;
                return 0;
        }
        if (streq(key, "health")) {
                i = index_of(healths, ELEMENTSOF(healths), value);
                if (i < 0)
                        return reason(ret_why, -EINVAL, "invalid filter 'health=%s': starting, healthy, unhealthy or none",
                                      SHOWN(value));
                f->health |= 1U << i;
                return 0;
        }
        if (streq(key, "ancestor")) {
                if (isempty(value))
                        return reason(ret_why, -EINVAL, "--filter ancestor=: an image is wanted");
                return strv_extend(&f->ancestors, value);
        }
        if (streq(key, "exited")) {
                int code, *t;

                if (safe_atoi(value, &code) < 0)
                        return reason(ret_why, -EINVAL, "invalid filter 'exited=%s': an exit code is wanted", SHOWN(value));
                t = reallocarray(f->exited, f->n_exited + 1, sizeof(int));
                if (!t)
                        return -ENOMEM;
                f->exited = t;
                t[f->n_exited++] = code;
                return 0;
        }
        if (streq(key, "network")) {
                if (isempty(value))
                        return reason(ret_why, -EINVAL, "--filter network=: a network is wanted");
                return strv_extend(&f->networks, value);
        }
        if (streq(key, "volume")) {
                if (isempty(value))
                        return reason(ret_why, -EINVAL, "--filter volume=: a volume or a destination is wanted");
                return strv_extend(&f->volumes, value);
        }
        if (streq(key, "publish"))
                return add_ports(&f->publish, &f->n_publish, key, value, ret_why);
        if (streq(key, "expose"))
                return add_ports(&f->expose, &f->n_expose, key, value, ret_why);
        return reason(ret_why, -EINVAL,
                      "invalid filter '%s': berth filters by name, id, label, status, ancestor, exited, health, network, "
                      "volume, publish, expose",
                      SHOWN(key));
}

static bool any_regex(const regex_t *l, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (regexec(&l[i], s, 0, NULL, 0) == 0)
                        return true;
        return false;
}

/* label=K matches K=anything (and K alone); label=K=V exactly K=V. */
static bool has_label(char *const *labels, const char *want) {
        const char *eq = strchr(want, '=');
        size_t klen = eq ? (size_t) (eq - want) : strlen(want);
        bool found = false, match = false;

        for (char *const *l = labels; l && *l; l++) {
                size_t k = strcspn(*l, "=");

                if (k != klen || strncmp(*l, want, klen) != 0)
                        continue;
                /* the last one given counts, as in the definition */
                found = true;
                match = !eq || streq((*l)[k] == '=' ? *l + k + 1 : "", eq + 1);
        }
        return found && match;
}

static bool image_is(const char *image, const char *want) {
        size_t n = strlen(want);

        if (!image)
                return false;
        if (streq(image, want))
                return true;
        /* IMAGE and IMAGE:latest: one image */
        return (strncmp(image, want, n) == 0 && streq(image + n, ":latest")) ||
               (strncmp(want, image, strlen(image)) == 0 && streq(want + strlen(image), ":latest"));
}

/* Whether one of ports ("8080/tcp") lies in one of the ranges. */
static bool any_port(const struct PsPortRange *r, size_t n, char *const *ports) {
        for (char *const *p = ports; p && *p; p++) {
                const char *slash = strchr(*p, '/');
                unsigned port;
                _cleanup_free_ char *num = strndup(*p, slash ? (size_t) (slash - *p) : strlen(*p));

                if (!num || safe_atou(num, &port) < 0)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (port >= r[i].start && port <= r[i].end && streq(slash ? slash + 1 : "tcp", r[i].proto))
                                return true;
        }
        return false;
}

bool ps_filter_match(const PsFilter *f, const PsItem *c) {
        if (f->n_names > 0) {
                _cleanup_free_ char *slashed = strjoin("/", c->name);

                if (!any_regex(f->names, f->n_names, c->name) && !(slashed && any_regex(f->names, f->n_names, slashed)))
                        return false;
        }
        if (f->n_ids > 0 && !any_regex(f->ids, f->n_ids, c->id ?: c->name))
                return false;
        STRV_FOREACH(l, f->labels)
                if (!has_label(c->labels, *l))
                        return false;
        if (f->statuses) {
                int i = index_of(statuses, ELEMENTSOF(statuses), c->status ?: "");

                if (i < 0 || !(f->statuses & (1U << i)))
                        return false;
        }
        if (f->health) {
                int i = index_of(healths, ELEMENTSOF(healths), c->health ?: "none");

                if (i < 0 || !(f->health & (1U << i)))
                        return false;
        }
        if (f->ancestors) {
                bool any = false;

                STRV_FOREACH(a, f->ancestors)
                        any = any || image_is(c->image, *a);
                /* By ID, as docker's: "nginx", "docker.io/library/nginx:latest" and the ID's
                 * prefix are one image. */
                STRV_FOREACH(id, c->image_id ? f->ancestor_ids : NULL)
                        any = any || streq(c->image_id, *id);
                if (!any)
                        return false;
        }
        if (f->n_exited > 0) {
                bool any = false;

                for (size_t i = 0; i < f->n_exited; i++)
                        any = any || (c->exited && c->exit_code == f->exited[i]);
                if (!any)
                        return false;
        }
        if (f->networks) {
                bool any = false;

                STRV_FOREACH(n, f->networks)
                        any = any || streq_ptr(c->network, *n);
                if (!any)
                        return false;
        }
        if (f->volumes) {
                bool any = false;

                STRV_FOREACH(v, f->volumes)
                        any = any || strv_contains(c->volumes, *v);
                if (!any)
                        return false;
        }
        if ((f->n_publish > 0 || f->n_expose > 0) &&
            !any_port(f->publish, f->n_publish, c->published) && !any_port(f->expose, f->n_expose, c->exposed))
                return false; /* docker: publish= and expose= together, either will do */
        return true;
}

bool ps_filter_wants_all(const PsFilter *f) {
        return f->statuses != 0;
}

void ps_filter_done(PsFilter *f) {
        for (size_t i = 0; i < f->n_names; i++)
                regfree(&f->names[i]);
        for (size_t i = 0; i < f->n_ids; i++)
                regfree(&f->ids[i]);
        free(f->names);
        free(f->ids);
        strv_free(f->labels);
        strv_free(f->ancestors);
        strv_free(f->ancestor_ids);
        free(f->exited);
        strv_free(f->networks);
        strv_free(f->volumes);
        free(f->publish);
        free(f->expose);
        *f = (PsFilter) {};
}
