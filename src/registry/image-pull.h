/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>

#include "reference.h"
#include "registry.h"
#include "store.h"

/* berth pull's work: what a user wrote to a registry's reference (reference_candidates()), the
 * pull policy, the manifest (an index's entry for the platform), the config, the layers the store
 * lacks (blob-fetch.h), the manifests stored and the reference tagged, last. Until the tag,
 * nothing a user sees has changed. */

typedef enum PullPolicy {
        PULL_POLICY_MISSING, /* pull when no candidate is in the store (the default) */
        PULL_POLICY_ALWAYS,  /* ask the registry every time */
        PULL_POLICY_NEVER,   /* the store's, or fail */
        PULL_POLICY_NEWER,   /* ask; keep the store's when the registry cannot be reached */
        _PULL_POLICY_MAX,
        _PULL_POLICY_INVALID = -EINVAL,
} PullPolicy;

PullPolicy pull_policy_from_string(const char *s);

typedef struct PullOptions {
        PullPolicy policy;
        const char *platform;        /* "OS/ARCH[/VARIANT]"; NULL: this machine's */
        bool quiet;                  /* nothing on stdout */
        bool tty;                    /* stdout is a terminal: progress redrawn in place */
        const ImagesConfig *images;  /* [Images] of berth.conf */
        RegistryOptions registry;    /* its insecure list is taken from images */
} PullOptions;

/* 0 when what is in the store afterwards; otherwise a negative errno and *ret_why one line
 * naming the registry, the reference and what went wrong (-ECANCELED when the registry options'
 * cancel flag was set). */
int image_pull(Store *s, const char *what, const PullOptions *o, char **ret_why);
