/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "registry.h"
#include "store.h"

/* An image's layers, fetched in parallel and unpacked while they stream: each transfer (curl's
 * multi interface, one thread) writes into a pipe, and a forked unpacker reads it with
 * layer_unpack_digests() into a staging directory of the store. The blob is hashed as received,
 * here, and its tar stream as unpacked, there: two processors share the work. No temporary file; a full pipe
 * pauses its transfer (CURL_WRITEFUNC_PAUSE) until the unpacker catches up. A transfer that fails
 * transiently is taken up again where it stopped (a Range request; a registry that ignores it is read again
 * from the start and what was had already is dropped). A digest that does not match, a blob longer than its
 * descriptor, a failure that is not transient or a cancel: every transfer stops, every unpacker is killed,
 * every staging directory goes, and nothing was stored. A layer that unpacked and matched is committed under
 * its chain ID at once. */

typedef enum LayerState {
        LAYER_PRESENT,     /* in the store already: not fetched */
        LAYER_WAITING,
        LAYER_DOWNLOADING,
        LAYER_EXTRACTING,  /* all received; the unpacker finishing */
        LAYER_DONE,
        _LAYER_STATE_MAX,
} LayerState;

typedef struct LayerJob {
        const char *digest;   /* the blob's, from the manifest */
        uint64_t size;        /* the blob's, from the manifest */
        const char *diff_id;  /* its tar stream's, from the config */
        const char *chain_id;
        LayerState state;
        uint64_t received;

        /* The machinery's own. */
        CURL *handle;
        char error[CURL_ERROR_SIZE];
        int pipe_fd, result_fd;
        pid_t pid;
        StoreStaging *staging;
        char *pending;        /* received, not yet taken by the pipe */
        size_t pending_size, pending_offset;
        bool new_response, transfer_done, unpacker_gone, reauthenticated;
        uint64_t skip;        /* of a response restarted from byte 0, what was had already */
        unsigned attempt;
        uint64_t not_before;  /* CLOCK_MONOTONIC µs: a retry's wait */
        Digest hash;          /* of the blob as received: here, so that the unpacker has less to do */
        char *why;
} LayerJob;

/* Called after each round of the loop, for progress. */
typedef void (*LayerProgressFunc)(const LayerJob *jobs, size_t n, void *userdata);

/* Fetches every job in LAYER_WAITING, at most parallel at a time. 0 when each is LAYER_DONE;
 * otherwise a negative errno with one line (-ECANCELED when c's cancel flag was set). */
int layers_fetch(RegistryClient *c, Store *s, LayerJob *jobs, size_t n, unsigned parallel,
                 LayerProgressFunc progress, void *userdata, char **ret_why);
