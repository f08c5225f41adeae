/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks of single definition values, and the names of signals, network modes and restart
 * policies (definition-values.h, definition.h). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "cleanup.h"
#include "definition-values.h"
#include "string-util.h"

/* ---- value checks ---- */

static bool is_all_digits(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

static bool user_part_is_valid(const char *s, size_t n) {
        if (n == 0)
                return false;
        if (strspn(s, "0123456789") >= n) {
                uint64_t v = 0;

                /* A uid or gid: it must fit, and (uid_t) -1 means "no change" to the kernel. */
                for (size_t i = 0; i < n; i++) {
                        v = v * 10 + (uint64_t) (s[i] - '0');
                        if (v >= UINT32_MAX)
                                return false;
                }
                return true;
        }
        /* The shadow-utils rule: [a-z_][a-z0-9_-]*[$]?, at most 32 characters. */
        if (n > USER_NAME_MAX || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++) {
                char c = s[i];

                if (c == '$' && i == n - 1)
                        break;
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
                        return false;
        }
        return true;
}

bool definition_user_is_valid(const char *s) {
        const char *colon = strchr(s, ':');

        if (!colon)
                return user_part_is_valid(s, strlen(s));
        return user_part_is_valid(s, (size_t) (colon - s)) &&
               user_part_is_valid(colon + 1, strlen(colon + 1));
}

/* RFC 1123: dot-separated labels of [A-Za-z0-9-], 1…63 long, no '-' at either end. */
bool definition_hostname_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > HOSTNAME_MAX)
                return false;
        for (const char *label = s;;) {
                size_t l = strcspn(label, ".");

                if (l == 0 || l > 63 || label[0] == '-' || label[l - 1] == '-')
                        return false;
                for (size_t i = 0; i < l; i++)
                        if (!isalnum((unsigned char) label[i]) && label[i] != '-')
                                return false;
                if (!label[l])
                        return true;
                label += l + 1;
        }
}

bool definition_unit_name_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > UNIT_NAME_MAX || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr(":_.@-", *p))
                        return false;
        return true;
}

/* ---- signals ---- */

static const struct {
        const char *name;
        int sig;
} signal_table[] = {
        { "SIGHUP", SIGHUP },       { "SIGINT", SIGINT },       { "SIGQUIT", SIGQUIT },
        { "SIGILL", SIGILL },       { "SIGTRAP", SIGTRAP },     { "SIGABRT", SIGABRT },
        { "SIGBUS", SIGBUS },       { "SIGFPE", SIGFPE },       { "SIGKILL", SIGKILL },
        { "SIGUSR1", SIGUSR1 },     { "SIGSEGV", SIGSEGV },     { "SIGUSR2", SIGUSR2 },
        { "SIGPIPE", SIGPIPE },     { "SIGALRM", SIGALRM },     { "SIGTERM", SIGTERM },
        { "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },     { "SIGCONT", SIGCONT },
        { "SIGSTOP", SIGSTOP },     { "SIGTSTP", SIGTSTP },     { "SIGTTIN", SIGTTIN },
        { "SIGTTOU", SIGTTOU },     { "SIGURG", SIGURG },       { "SIGXCPU", SIGXCPU },
        { "SIGXFSZ", SIGXFSZ },     { "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
        { "SIGWINCH", SIGWINCH },   { "SIGIO", SIGIO },         { "SIGPWR", SIGPWR },
        { "SIGSYS", SIGSYS },
};

int signal_from_string(const char *s) {
        int n;

        if (isempty(s))
                return -EINVAL;
        if (is_all_digits(s)) {
                if (safe_atoi(s, &n) < 0 || n < 1 || n > SIGNAL_MAX)
                        return -EINVAL;
                return n;
        }
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (strcasecmp(s, signal_table[i].name) == 0 || strcasecmp(s, signal_table[i].name + 3) == 0)
                        return signal_table[i].sig;
        return -EINVAL;
}

const char *signal_to_string(int sig) {
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i].sig == sig)
                        return signal_table[i].name;
        return NULL;
}

/* ---- network modes, restart policies ---- */

/* An enum's names: table[i] names value i. */
static const char *table_name(const char *const *table, int n, int i) {
        return i >= 0 && i < n ? table[i] : NULL;
}

static int table_value(const char *const *table, int n, const char *s) {
        for (int i = 0; i < n; i++)
                if (streq_ptr(s, table[i]))
                        return i;
        return -EINVAL;
}

static const char *const network_mode_table[_NETWORK_MODE_MAX] = {
        [NETWORK_NONE] = "none",
        [NETWORK_HOST] = "host",
        [NETWORK_BRIDGE] = "bridge",
        [NETWORK_CONTAINER] = "container",
};

static const char *const restart_policy_table[_RESTART_POLICY_MAX] = {
        [RESTART_NO] = "no",
        [RESTART_ON_FAILURE] = "on-failure",
        [RESTART_ALWAYS] = "always",
        [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *restart_policy_to_string(RestartPolicy p) {
        return table_name(restart_policy_table, _RESTART_POLICY_MAX, p);
}

RestartPolicy restart_policy_from_string(const char *s) {
        return (RestartPolicy) table_value(restart_policy_table, _RESTART_POLICY_MAX, s);
}

const char *restart_policy_to_unit(RestartPolicy p) {
        return p == RESTART_ALWAYS || p == RESTART_UNLESS_STOPPED ? "always" : p == RESTART_ON_FAILURE ? "on-failure" : "no";
}

const char *network_mode_to_string(NetworkMode m) {
        return table_name(network_mode_table, _NETWORK_MODE_MAX, m);
}

NetworkMode network_mode_from_string(const char *s) {
        return (NetworkMode) table_value(network_mode_table, _NETWORK_MODE_MAX, s);
}

/* ---- capabilities ---- */

uint64_t definition_capability_mask_all(void) {
        return CAP_LAST_CAP >= 63 ? UINT64_MAX : (UINT64_C(1) << (CAP_LAST_CAP + 1)) - 1;
}

/* One word: "ALL", or a capability name with or without "CAP_", any case. */
int definition_capability_from_word(const char *word, uint64_t *ret) {
        _cleanup_free_ char *full = NULL;
        cap_value_t v;
        char *canonical;
        bool same;

        if (strcasecmp(word, "ALL") == 0) {
                *ret = definition_capability_mask_all();
                return 0;
        }
        /* cap_from_name() also takes numbers, and prefixes followed by ',' or blanks: only
         * plain names get that far, and the name libcap gives back must be the one asked for. */
        if (isempty(word) || is_all_digits(word))
                return -EINVAL;
        for (const char *c = word; *c; c++)
                if (!isalnum((unsigned char) *c) && *c != '_')
                        return -EINVAL;
        full = strncasecmp(word, "cap_", 4) == 0 ? strdup(word) : strjoin("cap_", word);
        if (!full)
                return -ENOMEM;
        if (cap_from_name(full, &v) < 0 || v < 0 || v > 63)
                return -EINVAL;
        canonical = cap_to_name(v);
        if (!canonical)
                return -ENOMEM;
        same = strcasecmp(canonical, full) == 0;
        cap_free(canonical);
        if (!same)
                return -EINVAL;
        *ret = UINT64_C(1) << v;
        return 0;
}
