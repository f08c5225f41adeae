/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "definition.h"
#include "store.h"

/* What an image says about running it: the "config" object of the config.json that `berth image
 * load` keeps (docker's and OCI's image configuration). An image without one (imported from a
 * directory or a tar) says nothing. The definition wins wherever it says something, with docker's
 * rules (image_config_argv()). */
typedef struct ImageConfig {
        char **entrypoint, **cmd; /* NULL when the image has none */
        char **env;               /* K=V */
        char *working_dir, *user; /* NULL when not set */
        char **volumes;           /* the destinations of its Volumes, sorted; NULL when none */
        char **exposed_ports;     /* its ExposedPorts, "80/tcp", sorted; NULL when none */
        /* Its Healthcheck (docker's HEALTHCHECK), under the definition's Health*= keys. The
         * durations are UINT64_MAX when absent or 0 (docker's "inherit"). */
        char **healthcheck; /* Test, a Test form (health.h); NULL when none: absent, empty or NONE */
        uint64_t healthcheck_interval_usec, healthcheck_timeout_usec, healthcheck_start_period_usec;
        unsigned healthcheck_retries; /* 0 when absent */
        /* Issue 16, engineer C (keys-process). */
        char **labels;   /* its Labels (docker's LABEL), "K=V", sorted; NULL when none */
        int stop_signal; /* its StopSignal (docker's STOPSIGNAL); 0 when none */
} ImageConfig;

#define IMAGE_CONFIG_NULL                                                                                        \
        ((ImageConfig){ .healthcheck_interval_usec = UINT64_MAX,                                                 \
                        .healthcheck_timeout_usec = UINT64_MAX,                                                  \
                        .healthcheck_start_period_usec = UINT64_MAX })

/* Reads the config of the image that image names (a reference, a short name, an ID: image.h)
 * from the store; an image that is not there gives an empty one, as an image without a config
 * would. Logs its error, one line. */
int image_config_read(const char *image, ImageConfig *ret);
/* (image NULL, a container's with Rootfs=: the empty one.) */
/* The same, of the image id in an open store. */
int image_config_read_id(Store *s, const char *id, ImageConfig *ret);
void image_config_done(ImageConfig *c);

/* More Env entries than any image needs, and fewer than make a start slow: each start merges
 * them, one by one, under the definition's. Real images set a few dozen. */
#define IMAGE_ENV_MAX 4096U

/* Parses the text of a config.json. -EBADMSG for one that is not JSON or holds the wrong types
 * (a Healthcheck's Test that is not a Test form too), -E2BIG for one with more than IMAGE_ENV_MAX
 * Env entries. The Healthcheck's durations are docker's nanoseconds, taken as µs rounded up. */
int image_config_parse(const char *text, ImageConfig *ret);

/* docker's rule: the definition's Entrypoint= (even empty) replaces the image's, and then the
 * image's Cmd no longer applies; the definition's Exec= replaces the image's Cmd. An empty list
 * when neither has a command. */
int image_config_argv(const ImageConfig *c, const Definition *d, char ***ret);

/* docker's Config.Labels of a container: the image's labels under the definition's Label=
 * (labels_merge()), for inspect and for ps --filter label= (labels_match()). -ENOMEM. */
int image_config_labels(const ImageConfig *c, const Definition *d, char ***ret);

/* o[key] for the readers of image JSON (configs, manifests, indexes): 1 with *ret when it is there
 * and of type (a json-c json_type; json-c's header stays out of this one, whose name clashes with
 * json.h's writer), 0 when absent or null, -EBADMSG when of another type. */
struct json_object;
int image_json_lookup(struct json_object *o, const char *key, int type, struct json_object **ret);
