/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "env.h"
#include "fd-util.h"
#include "health.h"
#include "image-config.h"
#include "image.h"
#include "log.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"


void image_config_done(ImageConfig *c) {
        c->entrypoint = strv_free(c->entrypoint);
        c->cmd = strv_free(c->cmd);
        c->env = strv_free(c->env);
        c->volumes = strv_free(c->volumes);
        c->exposed_ports = strv_free(c->exposed_ports);
        free(c->working_dir);
        free(c->user);
        c->working_dir = c->user = NULL;
        c->healthcheck = strv_free(c->healthcheck);
        c->healthcheck_interval_usec = c->healthcheck_timeout_usec = c->healthcheck_start_period_usec = UINT64_MAX;
        c->healthcheck_retries = 0;
        c->labels = strv_free(c->labels);
        c->stop_signal = 0;
}

/* o's key: 1 and *ret when it is of type, 0 when absent or null, -EBADMSG for another type. */
int image_json_lookup(json_object *o, const char *key, int type, json_object **ret) {
        if (!o || !json_object_object_get_ex(o, key, ret) || json_object_is_type(*ret, json_type_null))
                return 0;
        return json_object_is_type(*ret, (json_type) type) ? 1 : -EBADMSG;
}

/* A list of at most max strings, or null/absent (*ret stays NULL); -E2BIG for more. Filled in one
 * allocation: appending one by one costs a walk of the list each time. */
static int get_strv(json_object *o, const char *key, size_t max, char ***ret) {
        json_object *v;
        size_t n;
        int r = image_json_lookup(o, key, json_type_array, &v);

        if (r <= 0)
                return r;
        n = json_object_array_length(v);
        if (n > max)
                return -E2BIG;
        *ret = calloc(n + 1, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(v, i);

                if (!json_object_is_type(s, json_type_string))
                        return -EBADMSG;
                (*ret)[i] = strdup(json_object_get_string(s));
                if (!(*ret)[i])
                        return -ENOMEM;
        }
        return 0;
}

/* {"/data": {}, …}: the keys, sorted, so that every start sees them in one order. */
static int get_keys(json_object *o, const char *key, char ***ret) {
        json_object *v;
        int r = image_json_lookup(o, key, json_type_object, &v);

        if (r <= 0)
                return r;
        json_object_object_foreach(v, k, val) {
                (void)val;
                if (strv_extend(ret, k) < 0)
                        return -ENOMEM;
        }
        strv_sort(*ret);
        return 0;
}

/* A string, where "" means not set, as in docker's configs. */
static int get_string(json_object *o, const char *key, char **ret) {
        json_object *v;
        int r = image_json_lookup(o, key, json_type_string, &v);

        if (r <= 0 || isempty(json_object_get_string(v)))
                return r;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

/* Nanoseconds, where 0 means docker's "inherit": µs, rounded up so that no duration given becomes
 * 0; UINT64_MAX when 0 or absent. */
static int get_duration(json_object *o, const char *key, uint64_t *ret) {
        json_object *v;
        int64_t ns;
        int r = image_json_lookup(o, key, json_type_int, &v);

        if (r <= 0)
                return r;
        ns = json_object_get_int64(v);
        if (ns < 0)
                return -EBADMSG;
        *ret = ns == 0 ? UINT64_MAX : (uint64_t) (ns / 1000) + (ns % 1000 != 0);
        return 0;
}

/* {"Test": […], "Interval": ns, "Timeout": ns, "StartPeriod": ns, "Retries": n}; StartInterval
 * (docker's, for the start period) is not berth's and is left alone. */
static int get_healthcheck(json_object *config, ImageConfig *c) {
        _cleanup_strv_free_ char **test = NULL;
        json_object *h, *v;
        int r = image_json_lookup(config, "Healthcheck", json_type_object, &h);

        if (r <= 0)
                return r;
        r = get_strv(h, "Test", SIZE_MAX, &test);
        if (r < 0)
                return r;
        if (!strv_isempty(test)) {
                if (health_test_check(test, NULL) < 0)
                        return -EBADMSG;
                if (!streq(test[0], "NONE"))
                        c->healthcheck = TAKE_PTR(test);
        }
        r = get_duration(h, "Interval", &c->healthcheck_interval_usec);
        if (r >= 0)
                r = get_duration(h, "Timeout", &c->healthcheck_timeout_usec);
        if (r >= 0)
                r = get_duration(h, "StartPeriod", &c->healthcheck_start_period_usec);
        if (r >= 0)
                r = image_json_lookup(h, "Retries", json_type_int, &v);
        if (r > 0) {
                int64_t n = json_object_get_int64(v);

                if (n < 0 || n > UINT_MAX)
                        return -EBADMSG;
                c->healthcheck_retries = (unsigned) n;
        }
        return r < 0 ? r : 0;
}

/* {"K": "V", …}: "K=V", sorted, in one allocation. */
static int get_labels(json_object *o, char ***ret) {
        json_object *v;
        size_t n = 0;
        int r = image_json_lookup(o, "Labels", json_type_object, &v);

        if (r <= 0)
                return r;
        *ret = calloc((size_t) json_object_object_length(v) + 1, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        json_object_object_foreach(v, k, val) {
                if (!json_object_is_type(val, json_type_string))
                        return -EBADMSG;
                (*ret)[n] = strjoin(k, "=", json_object_get_string(val));
                if (!(*ret)[n++])
                        return -ENOMEM;
        }
        strv_sort(*ret);
        return 0;
}

/* "SIGUSR1", "USR1" or "10", as docker takes them. */
static int get_stop_signal(json_object *o, int *ret) {
        _cleanup_free_ char *s = NULL;
        int r = get_string(o, "StopSignal", &s);

        if (r < 0 || !s)
                return r;
        r = signal_from_string(s);
        if (r < 0)
                return -EBADMSG;
        *ret = r;
        return 0;
}

int image_config_parse(const char *text, ImageConfig *ret) {
        _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
        json_object *top, *config;
        int r = 0;

        top = json_tokener_parse(text);
        if (!top)
                return -EBADMSG;
        if (!json_object_is_type(top, json_type_object)) {
                json_object_put(top);
                return -EBADMSG;
        }
        if (json_object_object_get_ex(top, "config", &config) &&
            json_object_is_type(config, json_type_object)) {
                r = get_strv(config, "Entrypoint", SIZE_MAX, &c.entrypoint);
                if (r >= 0)
                        r = get_strv(config, "Cmd", SIZE_MAX, &c.cmd);
                if (r >= 0)
                        r = get_strv(config, "Env", IMAGE_ENV_MAX, &c.env);
                if (r >= 0)
                        r = get_string(config, "WorkingDir", &c.working_dir);
                if (r >= 0)
                        r = get_string(config, "User", &c.user);
                if (r >= 0)
                        r = get_keys(config, "Volumes", &c.volumes);
                if (r >= 0)
                        r = get_keys(config, "ExposedPorts", &c.exposed_ports);
                if (r >= 0)
                        r = get_healthcheck(config, &c);
                if (r >= 0)
                        r = get_labels(config, &c.labels);
                if (r >= 0)
                        r = get_stop_signal(config, &c.stop_signal);
        }
        json_object_put(top);
        if (r < 0)
                return r;
        STRV_FOREACH(e, c.env)
        if (!strchr(*e, '='))
                return -EBADMSG;
        *ret = c;
        c = IMAGE_CONFIG_NULL;
        return 0;
}

int image_config_read_id(Store *s, const char *id, ImageConfig *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        *ret = IMAGE_CONFIG_NULL;
        r = store_blob_get(s, id, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read the config %s of the image from %s: %m", id, store_root(s));
        r = image_config_parse(text, ret);
        if (r == -EBADMSG)
                return log_error_errno(r, "%s (in %s) is not an image configuration", id, store_root(s));
        if (r == -E2BIG)
                return log_error_errno(r, "%s (in %s) sets more than %u Env entries, more than berth takes", id,
                                       store_root(s), IMAGE_ENV_MAX);
        if (r < 0)
                return log_oom();
        return 0;
}

int image_config_read(const char *image, ImageConfig *ret) {
        _cleanup_free_ char *why = NULL, *id = NULL;
        Store *s = NULL;
        int r;

        *ret = IMAGE_CONFIG_NULL;
        if (!image)
                return 0; /* Rootfs= (definition-extra.h): a directory, no config */
        r = store_open(&s, &why);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
        /* An image that is not there says nothing, as one without a config: the start that needs
         * its layers says it is missing, and inspect, cp and exec of a container whose image went
         * still work. */
        r = image_lookup(s, image, &id, NULL, NULL);
        if (r == -ENOENT || r == -EINVAL)
                r = 0;
        else if (r < 0)
                log_error_errno(r, "Failed to look up image '%s': %m", image);
        else
                r = image_config_read_id(s, id, ret);
        store_close(s);
        return r;
}

int image_config_argv(const ImageConfig *c, const Definition *d, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        char *const *entrypoint = d->entrypoint ? d->entrypoint : c->entrypoint;
        char *const *cmd = d->exec ? d->exec : d->entrypoint ? NULL : c->cmd;

        argv = strv_copy(entrypoint);
        if (!argv)
                return -ENOMEM;
        for (char *const *a = cmd; a && *a; a++)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(argv);
        return 0;
}

int image_config_labels(const ImageConfig *c, const Definition *d, char ***ret) {
        return labels_merge(c->labels, d->process.labels, ret);
}
