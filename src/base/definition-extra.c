/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16's leftovers, the dialect (definition-extra.h): Retry=, RetryDelay=, LogOpt=. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "definition-extra.h"
#include "go-template.h"
#include "health.h"
#include "json-tree.h"
#include "json.h"
#include "macro.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

/* ---- Retry=, RetryDelay= ---- */

int pull_retry_count_parse(const char *s, int *ret, char **ret_why) {
        unsigned n;

        if (isempty(s) || safe_atou(s, &n) < 0 || n > PULL_RETRY_MAX)
                return reason(ret_why, -EINVAL, "'%s' is not a number of retries from 0 to %d", SHOWN(s ?: ""),
                              PULL_RETRY_MAX);
        *ret = (int) n;
        return 0;
}

int pull_retry_delay_parse(const char *s, uint64_t *ret_usec, char **ret_why) {
        _cleanup_free_ char *why = NULL;
        uint64_t u;

        if (health_duration_parse(s, &u, &why) < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a duration (10s, 500ms, 1m30s): %s", SHOWN(s ?: ""),
                              why ?: "invalid");
        if (u > PULL_RETRY_DELAY_MAX_USEC)
                return reason(ret_why, -EINVAL, "'%s' is longer than an hour, the longest wait between tries",
                              SHOWN(s));
        *ret_usec = u;
        return 0;
}

int pull_retry_delay_format(uint64_t usec, char **ret) {
        return health_duration_format(usec, ret);
}

void definition_extra_done(DefinitionExtra *e) {
        strv_free(e->log_opts);
        free(e->apparmor);
        free(e->label_type);
        free(e->label_level);
        free(e->label_file_type);
        free(e->rootfs);
        *e = DEFINITION_EXTRA_NULL;
}

bool definition_extra_equal(const DefinitionExtra *a, const DefinitionExtra *b) {
        return a->pull_retry.count == b->pull_retry.count && a->pull_retry.delay_usec == b->pull_retry.delay_usec &&
               strv_equal(a->log_opts, b->log_opts) && streq_ptr(a->apparmor, b->apparmor) &&
               a->label_disable == b->label_disable && a->label_nested == b->label_nested &&
               streq_ptr(a->label_type, b->label_type) && streq_ptr(a->label_level, b->label_level) &&
               streq_ptr(a->label_file_type, b->label_file_type) && streq_ptr(a->rootfs, b->rootfs);
}

bool definition_extra_wants_label(const DefinitionExtra *e) {
        return e->label_type || e->label_level || e->label_file_type || e->label_nested;
}

int definition_parse_retry(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        return pull_retry_count_parse(value, &((DefinitionExtra *) field)->pull_retry.count, ret_why);
}

int definition_parse_retry_delay(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why) {
        return pull_retry_delay_parse(value, &((DefinitionExtra *) field)->pull_retry.delay_usec, ret_why);
}

int definition_format_retry(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const PullRetry *p = &((const DefinitionExtra *) field)->pull_retry;

        if (p->count != PULL_RETRY_UNSET)
                fprintf(f, "%s=%d\n", key, p->count);
        return 0;
}

int definition_format_retry_delay(FILE *f, const char *key, const struct Definition *d, const void *field) {
        const PullRetry *p = &((const DefinitionExtra *) field)->pull_retry;
        _cleanup_free_ char *s = NULL;

        if (p->delay_usec == PULL_RETRY_DELAY_UNSET)
                return 0;
        if (pull_retry_delay_format(p->delay_usec, &s) < 0)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, s);
        return 0;
}

/* ---- LogOpt= ---- */

/* docker's log tag fields, for a template checked when it is read (a made-up container) and run
 * at the start (the container's own). */
static int log_data_tree(const LogTagData *data, JsonValue **ret, char **ret_why) {
        _cleanup_free_ char *text = NULL;
        const char *image_id = data->image_id ?: "", *hex = startswith(image_id, "sha256:") ?: image_id;
        char short_id[13];
        size_t size = 0;
        JsonWriter w;
        FILE *f;
        int r;

        snprintf(short_id, sizeof(short_id), "%s", hex);
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        json_init(&w, f, /* pretty= */ false);
        json_begin_object(&w);
        json_key_string(&w, "ID", data->name);
        json_key_string(&w, "FullID", data->name);
        json_key_string(&w, "Name", data->name);
        json_key_string(&w, "ImageID", short_id);
        json_key_string(&w, "ImageFullID", image_id);
        json_key_string(&w, "ImageName", data->image_name);
        json_key_string(&w, "DaemonName", "berth");
        json_end_object(&w);
        r = json_finish(&w);
        if (fclose(f) != 0 || r < 0)
                return -ENOMEM;
        return json_tree_parse(text, ret, ret_why);
}

/* The template's output for doc, at most LOG_OPT_SIZE_MAX bytes, without control characters. */
static int log_template_run(const char *what, const char *text, const JsonValue *doc, char **ret, char **ret_why) {
        _cleanup_(go_template_freep) GoTemplate *t = NULL;
        _cleanup_free_ char *why = NULL, *out = NULL;
        size_t n = 0;
        int r;

        r = go_template_parse(text, &t, &why);
        if (r >= 0)
                r = go_template_execute(t, doc, &out, &n, &why);
        if (r == -ENOMEM)
                return r;
        if (r < 0) /* the parser's reason names --format, ps's and inspect's */
                return reason(ret_why, -EINVAL, "%s: %s", what,
                              startswith(why ?: "", "--format: ") ?: why ?: "the template fails");
        if (strstr(out, "<no value>"))
                return reason(ret_why, -EINVAL,
                              "%s: '%s' names a field a log tag does not have (.ID, .FullID, .Name, .ImageID, "
                              ".ImageFullID, .ImageName, .DaemonName)",
                              what, SHOWN(text));
        if (n > LOG_OPT_SIZE_MAX || strlen(out) != n || string_has_control_chars(out))
                return reason(ret_why, -EINVAL, "%s: '%s' gives more than %u bytes, or control characters", what,
                              SHOWN(text), LOG_OPT_SIZE_MAX);
        *ret = TAKE_PTR(out);
        return 0;
}

/* The fields berth's lines carry of their own (journal-send.h; BERTH_* are its events', event.h,
 * which `berth logs` passes over): a user's field must not hide or fake them. */
static bool log_field_is_berths(const char *k) {
        static const char *const own[] = { "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CONTAINER_NAME", "CONTAINER_TAG",
                                           "CONTAINER_ID_FULL" };

        for (size_t i = 0; i < ELEMENTSOF(own); i++)
                if (streq(k, own[i]))
                        return true;
        return startswith(k, "BERTH_") || startswith(k, "OBJECT_");
}

/* journald's rule for a field a client may set: 1 to 64 of A-Z, 0-9, '_', not a digit first, not
 * '_' first (journald's own, trusted fields). */
static int log_field_name_check(const char *what, const char *k, char **ret_why) {
        size_t n = strlen(k);

        if (n == 0 || n > 64 || k[0] == '_' || (k[0] >= '0' && k[0] <= '9') ||
            strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n)
                return reason(ret_why, -EINVAL,
                              "%s: '%s' is not a journal field name (1 to 64 of A-Z, 0-9 and _, not a digit or _ first)",
                              what, SHOWN(k));
        if (log_field_is_berths(k))
                return reason(ret_why, -EINVAL, "%s: the journal field %s is one berth sets itself", what, k);
        return 0;
}

/* docker's name for the field of a label or variable K (its journald driver's sanitizeKeyMod()). */
static char *log_field_name_docker(const char *k) {
        char *s = malloc(strlen(k) + 1), *p = s;

        if (!s)
                return NULL;
        for (; *k; k++) {
                char c = *k >= 'a' && *k <= 'z' ? (char) (*k - 'a' + 'A')
                         : (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ? *k
                                                                               : '_';
                if (p == s && c == '_')
                        continue;
                *p++ = c;
        }
        *p = 0;
        return s;
}

/* How many fields an option gives at most: label= one, labels=/env= one per key. */
static size_t log_opt_fields(const char *opt) {
        const char *v;
        size_t n = 1;

        if (startswith(opt, "label="))
                return 1;
        v = startswith(opt, "labels=") ?: startswith(opt, "env=");
        if (!v)
                return 0;
        for (; *v; v++)
                n += *v == ',';
        return n;
}

static const LogTagData log_sample = {
        .name = "web",
        .image_name = "docker.io/library/nginx:latest",
        .image_id = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};

/* opt ("tag=…" and the others, as written: checked here) into *ret, normalised. */
static int log_opt_check(const char *opt, char **ret, char **ret_why) {
        _cleanup_(json_tree_freep) JsonValue *doc = NULL;
        _cleanup_free_ char *name = NULL, *value = NULL, *out = NULL, *what = NULL;
        const char *eq = strchr(opt, '=');
        int r;

        if (strlen(opt) > LOG_OPT_SIZE_MAX)
                return reason(ret_why, -EINVAL, "longer than %u bytes", LOG_OPT_SIZE_MAX);
        if (!eq || eq == opt)
                return reason(ret_why, -EINVAL, "'%s' is not OPTION=VALUE", SHOWN(opt));
        name = strndup(opt, (size_t) (eq - opt));
        /* Quadlet's own test writes tag="{{.ImageName}}": its word splitting takes the quotes. */
        value = strlen(eq + 1) >= 2 && eq[1] == '"' && endswith(eq + 1, "\"") ? strndup(eq + 2, strlen(eq + 2) - 1)
                                                                                : strdup(eq + 1);
        if (!name || !value)
                return -ENOMEM;
        if (streq(name, "path") || streq(name, "max-size") || streq(name, "max-file") || streq(name, "size") ||
            streq(name, "compress") || streq(name, "mode") || streq(name, "max-buffer-size"))
                return reason(ret_why, -EINVAL,
                              "'%s': berth logs to the journal (whose size journald limits), where %s= has no meaning",
                              SHOWN(opt), name);
        if (streq(name, "labels-regex") || streq(name, "env-regex"))
                return reason(ret_why, -EINVAL, "'%s': docker's %s= is not supported; name the keys with %s=", SHOWN(opt),
                              name, streq(name, "env-regex") ? "env" : "labels");
        r = log_data_tree(&log_sample, &doc, ret_why);
        if (r < 0)
                return r;
        if (streq(name, "tag")) {
                r = log_template_run("tag", value, doc, &out, ret_why);
                if (r < 0)
                        return r;
        } else if (streq(name, "label")) {
                char *k_end = strchr(value, '=');

                if (!k_end)
                        return reason(ret_why, -EINVAL, "'%s' is not label=KEY=VALUE", SHOWN(opt));
                *k_end = 0;
                what = strjoin("label ", value);
                if (!what)
                        return -ENOMEM;
                r = log_field_name_check(what, value, ret_why);
                if (r >= 0)
                        r = log_template_run(what, k_end + 1, doc, &out, ret_why);
                if (r < 0)
                        return r;
                *k_end = '=';
        } else if (streq(name, "labels") || streq(name, "env")) {
                if (isempty(value) || value[0] == ',' || endswith(value, ",") || strstr(value, ",,") ||
                    string_has_control_chars(value))
                        return reason(ret_why, -EINVAL, "'%s' is not %s=KEY[,KEY…]", SHOWN(opt), name);
        } else
                return reason(ret_why, -EINVAL,
                              "'%s' is not a log option berth has (tag=, label=, labels=, env=): berth logs to the "
                              "journal (whose size journald limits), where it has no meaning",
                              SHOWN(opt));
        *ret = strjoin(name, "=", value);
        return *ret ? 0 : -ENOMEM;
}

int definition_parse_log_opt(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        char ***l = field; /* extra.log_opts */
        _cleanup_free_ char *opt = NULL;
        size_t fields = 0;
        int r;

        if (isempty(value)) {
                list_reset(l, list);
                return 0;
        }
        r = log_opt_check(value, &opt, ret_why);
        if (r < 0)
                return r;
        STRV_FOREACH(o, *l)
                fields += log_opt_fields(*o);
        if (fields + log_opt_fields(opt) > LOG_FIELDS_MAX)
                return reason(ret_why, -EINVAL, "more than %d journal fields (label=, labels= and env= together)",
                              LOG_FIELDS_MAX);
        return list_consume(l, list, TAKE_PTR(opt));
}

/* Sets KEY=value in *fields, in place of an earlier KEY's. */
static int log_field_set(char ***fields, const char *key, const char *value) {
        char *kv = strjoin(key, "=", value);
        size_t n = strlen(key);

        if (!kv)
                return -ENOMEM;
        STRV_FOREACH(f, *fields)
                if (strncmp(*f, key, n) == 0 && (*f)[n] == '=') {
                        free(*f);
                        *f = kv;
                        return 0;
                }
        return strv_consume(fields, kv);
}

/* The value of K in a K=V list, the last one's. */
static const char *log_kv_get(char *const *l, const char *k) {
        const char *found = NULL;
        size_t n = strlen(k);

        for (size_t i = 0; l && l[i]; i++)
                if (strncmp(l[i], k, n) == 0 && l[i][n] == '=')
                        found = l[i] + n + 1;
        return found;
}

/* labels=/env=: a field per key the container has. */
static int log_fields_from(const char *opt, const char *keys, char *const *kv, char ***fields, char **ret_why) {
        _cleanup_free_ char *copy = strdup(keys);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
                _cleanup_free_ char *field = NULL, *what = NULL;
                const char *v = log_kv_get(kv, k);
                int r;

                if (!v)
                        continue;
                field = log_field_name_docker(k);
                what = strjoin(opt, "=", k);
                if (!field || !what)
                        return -ENOMEM;
                r = log_field_name_check(what, field, ret_why);
                if (r < 0)
                        return r;
                if (strlen(v) > LOG_OPT_SIZE_MAX)
                        return reason(ret_why, -EINVAL, "%s: its value is longer than %u bytes", what, LOG_OPT_SIZE_MAX);
                r = log_field_set(fields, field, v);
                if (r < 0)
                        return r;
        }
        return 0;
}

int log_opts_evaluate(char *const *log_opts, const LogTagData *data, char **ret_tag, char ***ret_fields,
                      char **ret_why) {
        _cleanup_(json_tree_freep) JsonValue *doc = NULL;
        _cleanup_strv_free_ char **fields = NULL;
        _cleanup_free_ char *tag = NULL;
        int r;

        r = log_data_tree(data, &doc, ret_why);
        if (r < 0)
                return r;
        /* docker's order: the labels, then the variables, which take precedence; podman's label=
         * fields after them, as the user wrote them. */
        for (int pass = 0; pass < 3; pass++)
                for (char *const *o = log_opts; o && *o; o++) {
                        const char *v;

                        if (pass == 0 && (v = startswith(*o, "labels=")))
                                r = log_fields_from("labels", v, data->labels, &fields, ret_why);
                        else if (pass == 1 && (v = startswith(*o, "env=")))
                                r = log_fields_from("env", v, data->env, &fields, ret_why);
                        else if (pass == 2 && (v = startswith(*o, "tag="))) {
                                free(tag);
                                tag = NULL;
                                r = log_template_run("tag", v, doc, &tag, ret_why);
                        } else if (pass == 2 && (v = startswith(*o, "label="))) {
                                _cleanup_free_ char *key = strndup(v, strcspn(v, "=")), *out = NULL;

                                if (!key)
                                        return -ENOMEM;
                                r = log_template_run(key, v + strlen(key) + 1, doc, &out, ret_why);
                                if (r >= 0)
                                        r = log_field_set(&fields, key, out);
                        } else
                                continue;
                        if (r < 0)
                                return r;
                }
        *ret_tag = isempty(tag) ? NULL : TAKE_PTR(tag);
        *ret_fields = TAKE_PTR(fields);
        return 0;
}

/* ---- AppArmor=, SecurityLabel*= ---- */

int definition_parse_apparmor(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        /* AppArmor's profile names may hold almost anything; what is written to attr/exec as
         * "exec NAME" must stay one name on one line. */
        if (isempty(value) || strlen(value) > APPARMOR_PROFILE_MAX || strpbrk(value, " \t") ||
            string_has_control_chars(value))
                return reason(ret_why, -EINVAL, "'%s' is not an AppArmor profile name (1 to %d characters, no blanks)",
                              SHOWN(value ?: ""), APPARMOR_PROFILE_MAX);
        return free_and_strdup(field, value);
}

int definition_parse_label_bool(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        int b = parse_boolean(value);

        if (b < 0)
                return reason(ret_why, -EINVAL, "'%s' is not a boolean (yes, no, true, false, on, off, 1, 0)",
                              SHOWN(value ?: ""));
        *(bool *) field = b;
        return 0;
}

/* An SELinux type (container_t, spc_t): identifier characters. */
int definition_parse_label_type(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        if (isempty(value) || strlen(value) > 255 ||
            strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(value))
                return reason(ret_why, -EINVAL, "'%s' is not an SELinux type (letters, digits, _ . -)", SHOWN(value ?: ""));
        return free_and_strdup(field, value);
}

/* An MLS/MCS level or range (s0, s0:c1,c2, s0-s0:c0.c1023). */
int definition_parse_label_level(struct Definition *d, void *field, ListState *list, const char *value,
                                 char **ret_why) {
        if (isempty(value) || strlen(value) > 255 || value[0] != 's' ||
            strspn(value, "sc0123456789:,.-") != strlen(value))
                return reason(ret_why, -EINVAL, "'%s' is not an SELinux level (s0, s0:c1,c2, s0-s0:c0.c1023)",
                              SHOWN(value ?: ""));
        return free_and_strdup(field, value);
}

/* ---- Rootfs= ---- */

int definition_parse_rootfs(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why) {
        _cleanup_free_ char *path = NULL;
        const char *colon = strrchr(value ?: "", ':');

        if (isempty(value))
                return reason(ret_why, -EINVAL, "empty value");
        /* podman's PATH:O, an overlay over PATH, is what berth always does. */
        path = colon && streq(colon, ":O") ? strndup(value, (size_t) (colon - value)) : strdup(value);
        if (!path)
                return -ENOMEM;
        if (colon && !streq(colon, ":O"))
                return reason(ret_why, -EINVAL, "'%s': the only option berth takes is :O (an overlay, as it always makes)",
                              SHOWN(value));
        if (!path_is_absolute(path))
                return reason(ret_why, -EINVAL, "'%s' is not an absolute path", SHOWN(value));
        if (!path_is_normalized(path) || strpbrk(path, ",:\\") || string_has_control_chars(path))
                return reason(ret_why, -EINVAL, "'%s' is not a normalised path without ',', ':' and '\\'", SHOWN(value));
        if (streq(path, "/"))
                return reason(ret_why, -EINVAL, "'/' is the host's own root, not a container's");
        free(*(char **) field);
        *(char **) field = TAKE_PTR(path);
        return 0;
}

int definition_extra_check(const DefinitionExtra *e, const char *image, char **ret_why) {
        if (e->rootfs && image)
                return reason(ret_why, -EINVAL, "keys 'Image' and 'Rootfs': a container runs from an image or from a "
                                                "directory, not both");
        if (!e->rootfs && !image)
                return reason(ret_why, -EINVAL, "key 'Image': required"); /* unless Rootfs= */
        return 0;
}

int rootfs_check(const char *path, char **ret_why) {
        _cleanup_free_ char *real = realpath(path, NULL);
        struct stat st;

        if (!real || stat(real, &st) < 0)
                return reason(ret_why, -errno, "Rootfs=%s: %s", path, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return reason(ret_why, -ENOTDIR, "Rootfs=%s: not a directory", path);
        if (streq(real, "/"))
                return reason(ret_why, -EINVAL, "Rootfs=%s: that is the host's own root, not a container's", path);
        return 0;
}
