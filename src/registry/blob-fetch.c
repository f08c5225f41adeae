/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "blob-fetch.h"
#include "cleanup.h"
#include "fd-util.h"
#include "layer.h"
#include "string-util.h"

/* A pipe this big keeps a fast transfer going while the unpacker writes a file; the kernel caps
 * it at /proc/sys/fs/pipe-max-size. */
#define PIPE_SIZE (1024 * 1024)
/* curl's receive buffer for a layer, and so the most the write callback is handed at once. */
#define RECEIVE_BUFFER_SIZE (512 * 1024)
/* How long a transfer waits for its full pipe to drain before trying again. */
#define BACKLOG_WAIT_MS 2
/* What an unpacker says on failure. */
#define RESULT_SIZE_MAX 1024

static void *mfree_(void *p) {
        free(p);
        return NULL;
}

static void *memdup_(const void *p, size_t n) {
        void *q = malloc(n);

        return q ? memcpy(q, p, n) : NULL;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

static int fail(LayerJob *j, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(LayerJob *j, int r, const char *fmt, ...) {
        va_list ap;

        if (j->why)
                return r;
        va_start(ap, fmt);
        if (vasprintf(&j->why, fmt, ap) < 0)
                j->why = NULL;
        va_end(ap);
        return r;
}

/* The unpacker: a child of berth-pull on the host, as root, with nothing but the pipe, the
 * staging directory and the result pipe open; it dies with its parent. */
_noreturn_ static void unpacker(LayerJob *j, int in_fd, int dir_fd, int result_fd) {
        LayerDigests d = { .uncompressed = j->diff_id };
        _cleanup_free_ char *why = NULL;
        int keep[] = { in_fd, dir_fd, result_fd };
        int r;

        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
                _exit(1);
        (void) signal(SIGINT, SIG_IGN); /* the parent decides, and kills */
        (void) signal(SIGTERM, SIG_DFL);
        (void) close_all_fds_except(keep, ELEMENTSOF(keep));

        r = layer_unpack_digests(in_fd, dir_fd, /* whiteouts= */ true, &d, &why);
        if (r < 0) {
                _cleanup_free_ char *what = TAKE_PTR(why);

                (void) reason(&why, r, "layer %s: %s", j->digest, what ?: strerror(-r));
        } else if (!streq(d.uncompressed_actual, j->diff_id))
                r = reason(&why, -EBADMSG,
                           "layer %s: its content does not match the config's diff ID %s (it is %s)",
                           j->digest, j->diff_id, d.uncompressed_actual);
        if (r < 0 && why)
                (void) loop_write(result_fd, why, MIN(strlen(why), (size_t) RESULT_SIZE_MAX));
        _exit(r < 0 ? 1 : 0);
}

static int start_unpacker(Store *s, LayerJob *j, char **ret_why) {
        _cleanup_close_pair_ int data[2] = { -EBADF, -EBADF }, result[2] = { -EBADF, -EBADF };
        _cleanup_close_ int dir_fd = -EBADF;
        StoreStaging *staging = NULL;
        pid_t pid;
        int r;

        r = store_layer_stage(s, &staging, &dir_fd, ret_why);
        if (r < 0)
                return r;
        if (pipe2(data, O_CLOEXEC) < 0 || pipe2(result, O_CLOEXEC) < 0) {
                store_staging_abort(staging);
                return -errno;
        }
        (void) fcntl(data[1], F_SETPIPE_SZ, PIPE_SIZE);
        pid = fork();
        if (pid < 0) {
                store_staging_abort(staging);
                return -errno;
        }
        if (pid == 0)
                unpacker(j, data[0], dir_fd, result[1]);
        if (fcntl(data[1], F_SETFL, O_NONBLOCK) < 0 || fcntl(result[0], F_SETFL, O_NONBLOCK) < 0) {
                r = -errno;
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                store_staging_abort(staging);
                return r;
        }
        j->pid = pid;
        j->staging = staging;
        j->pipe_fd = TAKE_FD(data[1]);
        j->result_fd = TAKE_FD(result[0]);
        return 0;
}

/* Hands the pipe what it takes of the pending bytes; whether all went. */
static int flush_pending(LayerJob *j) {
        while (j->pending_offset < j->pending_size) {
                ssize_t w = write(j->pipe_fd, j->pending + j->pending_offset,
                                  j->pending_size - j->pending_offset);

                if (w < 0)
                        return errno == EAGAIN ? 0 : -errno;
                j->pending_offset += (size_t) w;
        }
        j->pending = mfree_(j->pending);
        j->pending_size = j->pending_offset = 0;
        return 1;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata) {
        LayerJob *j = userdata;
        size_t n = size * nmemb, off = 0;
        ssize_t w;

        if (j->pending)
                return CURL_WRITEFUNC_PAUSE; /* curl keeps data, and hands it again once resumed */

        if (j->new_response) {
                long status = 0;

                j->new_response = false;
                (void) curl_easy_getinfo(j->handle, CURLINFO_RESPONSE_CODE, &status);
                /* Asked for the rest, given the whole: what was had already is dropped. */
                j->skip = status == 206 ? 0 : j->received;
        }
        if (j->skip > 0) {
                off = (size_t) MIN((uint64_t) n, j->skip);
                j->skip -= off;
                if (off == n)
                        return n;
        }
        if (j->received + (n - off) > j->size) {
                (void)fail(j, -EBADMSG,
                           "layer %s: the registry sends more than the %" PRIu64 " bytes its manifest says",
                           j->digest, j->size);
                return 0;
        }
        digest_update(&j->hash, data + off, n - off);
        w = write(j->pipe_fd, data + off, n - off);
        if (w < 0 && errno != EAGAIN) {
                /* EPIPE: the unpacker is gone, and says why on its result pipe. */
                (void) fail(j, -errno, "layer %s: the unpacker stopped reading", j->digest);
                j->unpacker_gone = true;
                return 0;
        }
        if (w < 0)
                w = 0;
        j->received += n - off;
        if ((size_t) w < n - off) {
                j->pending = memdup_(data + off + w, n - off - (size_t) w);
                if (!j->pending) {
                        (void) fail(j, -ENOMEM, "out of memory");
                        return 0;
                }
                j->pending_size = n - off - (size_t) w;
                j->pending_offset = 0;
        }
        return n;
}

static int start_transfer(RegistryClient *c, CURLM *multi, LayerJob *j) {
        _cleanup_free_ char *url = registry_url(c, "blobs", j->digest);
        char range[32];
        int r;

        if (!url)
                return -ENOMEM;
        j->handle = curl_easy_init();
        if (!j->handle)
                return -ENOMEM;
        j->error[0] = '\0';
        r = registry_setup_handle(c, j->handle, url, j->error);
        if (r < 0)
                return r;
        curl_easy_setopt(j->handle, CURLOPT_FAILONERROR, 1L);
        /* One connection per layer, HTTP/1.1: a paused transfer then leaves the rest in the
         * socket (TCP's window), where HTTP/2 would have curl buffer up to its 32 MiB stream
         * window in memory. */
        curl_easy_setopt(j->handle, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
        /* Bigger pieces, fewer hand-overs between this process and the unpacker. */
        curl_easy_setopt(j->handle, CURLOPT_BUFFERSIZE, (long) RECEIVE_BUFFER_SIZE);
        curl_easy_setopt(j->handle, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(j->handle, CURLOPT_WRITEDATA, j);
        curl_easy_setopt(j->handle, CURLOPT_PRIVATE, j);
        if (j->received > 0) {
                snprintf(range, sizeof(range), "%" PRIu64 "-", j->received);
                curl_easy_setopt(j->handle, CURLOPT_RANGE, range);
        }
        j->new_response = true;
        if (curl_multi_add_handle(multi, j->handle) != CURLM_OK)
                return -ENOMEM;
        j->state = LAYER_DOWNLOADING;
        return 0;
}

static void stop_transfer(CURLM *multi, LayerJob *j) {
        if (!j->handle)
                return;
        (void) curl_multi_remove_handle(multi, j->handle);
        curl_easy_cleanup(j->handle);
        j->handle = NULL;
}

/* Everything of j goes: its transfer, its unpacker, its staging directory. */
static void job_abort(CURLM *multi, LayerJob *j) {
        stop_transfer(multi, j);
        j->pipe_fd = safe_close(j->pipe_fd);
        if (j->pid > 0) {
                (void) kill(j->pid, SIGKILL);
                (void) waitpid(j->pid, NULL, 0);
                j->pid = 0;
        }
        j->result_fd = safe_close(j->result_fd);
        store_staging_abort(TAKE_PTR(j->staging));
        j->pending = mfree_(j->pending);
        j->pending_size = j->pending_offset = 0;
}

/* Once the whole blob went into the pipe, its end: the unpacker sees the archive's end. */
static void close_when_sent(LayerJob *j) {
        if (j->transfer_done && !j->pending && j->pipe_fd >= 0) {
                j->pipe_fd = safe_close(j->pipe_fd);
                j->state = LAYER_EXTRACTING;
        }
}

/* The transfer ended: done (the pipe closed once its last bytes went, so the unpacker sees the
 * archive's end), to be tried again, or failed. */
static int transfer_ended(RegistryClient *c, CURLM *multi, LayerJob *j, CURLcode code) {
        long status = 0;

        (void) curl_easy_getinfo(j->handle, CURLINFO_RESPONSE_CODE, &status);
        stop_transfer(multi, j);
        if (j->why)
                return -EBADMSG;
        if (code == CURLE_OK) {
                char actual[DIGEST_STRING_MAX];

                if (j->received != j->size)
                        return fail(j, -EBADMSG,
                                    "layer %s: the registry sent %" PRIu64 " bytes of its %" PRIu64,
                                    j->digest, j->received, j->size);
                digest_final(&j->hash, actual);
                if (!streq(actual, j->digest))
                        return fail(j, -EBADMSG,
                                    "layer %s: its content does not match its digest (it is %s)", j->digest,
                                    actual);
                j->transfer_done = true;
                close_when_sent(j);
                return 0;
        }
        /* The token expired: a new one, and the same transfer again, once per layer. */
        if (code == CURLE_HTTP_RETURNED_ERROR && status == 401 && c->token && !j->reauthenticated) {
                _cleanup_free_ char *why = NULL;
                int r;

                j->reauthenticated = true;
                r = registry_reauthenticate(c, &why);
                if (r < 0)
                        return fail(j, r, "layer %s: %s", j->digest,
                                    why ?: "the registry refused a new token");
                j->state = LAYER_WAITING;
                j->not_before = 0;
                return 0;
        }
        if (code == CURLE_HTTP_RETURNED_ERROR ? registry_transient(CURLE_OK, status)
                                              : registry_transient(code, 0)) {
                if (++j->attempt < c->tries) {
                        j->state = LAYER_WAITING;
                        j->not_before = now_usec() + registry_retry_delay_usec(c, j->attempt);
                        return 0;
                }
        }
        if (c->cancel && *c->cancel)
                return -ECANCELED;
        _cleanup_free_ char *d =
                registry_describe_failure(c, code == CURLE_HTTP_RETURNED_ERROR ? "" : j->error,
                                          code == CURLE_HTTP_RETURNED_ERROR ? CURLE_OK : code, status, NULL);
        return fail(j, -EIO, "%s, fetching layer %s", d ?: "the registry failed", j->digest);
}

/* The unpacker finished (its result pipe's end): committed, or why not. */
static int unpacker_ended(Store *s, LayerJob *j) {
        char buf[RESULT_SIZE_MAX + 1];
        ssize_t k;
        int status = 0, r;

        k = read(j->result_fd, buf, RESULT_SIZE_MAX);
        if (k < 0 && errno == EAGAIN)
                return 0; /* not yet */
        buf[MAX(k, (ssize_t) 0)] = '\0';
        j->result_fd = safe_close(j->result_fd);
        if (waitpid(j->pid, &status, 0) < 0)
                return fail(j, -errno, "layer %s: waiting for its unpacker: %m", j->digest);
        j->pid = 0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return fail(j, -EBADMSG, "%s", buf[0] ? buf : "the unpacker of a layer failed");
        if (!j->transfer_done)
                return fail(j, -EBADMSG, "layer %s: its archive ended before its %" PRIu64 " bytes did",
                            j->digest, j->size);
        r = store_layer_commit(s, TAKE_PTR(j->staging), j->chain_id, &j->why);
        if (r < 0)
                return j->why ? r : fail(j, r, "layer %s: storing it: %s", j->digest, strerror(-r));
        j->state = LAYER_DONE;
        return 0;
}

int layers_fetch(RegistryClient *c, Store *s, LayerJob *jobs, size_t n, unsigned parallel,
                 LayerProgressFunc progress, void *userdata, char **ret_why) {
        _cleanup_free_ struct curl_waitfd *fds = NULL;
        CURLM *multi;
        LayerJob *failed = NULL;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                jobs[i].pipe_fd = jobs[i].result_fd = -EBADF;
        /* Opened once here, not in each unpacker. */
        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        fds = calloc(n + 1, sizeof(struct curl_waitfd));
        multi = curl_multi_init();
        if (!fds || !multi) {
                curl_multi_cleanup(multi);
                return -ENOMEM;
        }

        for (;;) {
                unsigned active = 0, n_fds = 0;
                bool all_done = true, backlog = false;
                uint64_t now = now_usec();
                CURLMsg *msg;
                int running, left;

                if (c->cancel && *c->cancel) {
                        r = -ECANCELED;
                        break;
                }
                for (size_t i = 0; i < n; i++)
                        if (jobs[i].state == LAYER_DOWNLOADING ||
                            (jobs[i].state == LAYER_WAITING && jobs[i].pid > 0))
                                active++;
                for (size_t i = 0; i < n && r >= 0; i++) {
                        LayerJob *j = &jobs[i];

                        if (j->state != LAYER_WAITING || j->not_before > now)
                                continue;
                        if (j->pid == 0) {
                                if (active >= parallel)
                                        continue;
                                digest_init(&j->hash, digest_algorithm_of(j->digest));
                                r = start_unpacker(s, j, &j->why);
                                if (r < 0) {
                                        (void) fail(j, r, "layer %s: %s", j->digest, strerror(-r));
                                        failed = j;
                                        break;
                                }
                                active++;
                        }
                        r = start_transfer(c, multi, j);
                        if (r < 0) {
                                (void)fail(j, r, "layer %s: starting its transfer: %s", j->digest,
                                           strerror(-r));
                                failed = j;
                        }
                }
                if (r < 0)
                        break;

                for (size_t i = 0; i < n; i++) {
                        LayerJob *j = &jobs[i];

                        if (j->state != LAYER_DONE && j->state != LAYER_PRESENT)
                                all_done = false;
                        if (j->pipe_fd >= 0 && j->pending)
                                backlog = true;
                        if (j->result_fd >= 0)
                                fds[n_fds++] =
                                        (struct curl_waitfd){.fd = j->result_fd, .events = CURL_WAIT_POLLIN};
                }
                if (all_done)
                        break;

                /* A full pipe is not polled for room: it has room as soon as the unpacker took a
                 * page, and refilling it page by page costs a wakeup of each process per page,
                 * time the unpacker needs on a busy machine. A short sleep lets it take a good
                 * part of the pipe's megabyte meanwhile (at some hundred MB/s, a few ms' worth). */
                if (curl_multi_poll(multi, fds, n_fds, backlog ? BACKLOG_WAIT_MS : 100, NULL) != CURLM_OK) {
                        r = -EIO;
                        break;
                }
                for (size_t i = 0; i < n && r >= 0; i++) {
                        LayerJob *j = &jobs[i];

                        if (j->pending && j->pipe_fd >= 0) {
                                r = flush_pending(j);
                                if (r < 0) {
                                        (void)fail(j, r, "layer %s: the unpacker stopped reading",
                                                   j->digest);
                                        j->unpacker_gone = true;
                                        /* Its result says why: read it below. */
                                        j->pending = mfree_(j->pending);
                                        j->pending_size = j->pending_offset = 0;
                                        r = 0;
                                } else if (r > 0 && j->handle) {
                                        r = 0;
                                        (void) curl_easy_pause(j->handle, CURLPAUSE_CONT);
                                } else
                                        r = 0;
                        }
                        close_when_sent(j);
                        if (j->result_fd >= 0) {
                                struct pollfd p = { .fd = j->result_fd, .events = POLLIN };

                                if (poll(&p, 1, 0) > 0) {
                                        /* An unpacker that ends while its transfer runs failed. */
                                        if (j->state == LAYER_DOWNLOADING)
                                                j->why = mfree_(j->why);
                                        r = unpacker_ended(s, j);
                                        if (r < 0 || j->why) {
                                                r = r < 0 ? r : -EBADMSG;
                                                failed = j;
                                        }
                                }
                        }
                }
                if (r < 0)
                        break;

                (void) curl_multi_perform(multi, &running);
                while ((msg = curl_multi_info_read(multi, &left)))
                        if (msg->msg == CURLMSG_DONE) {
                                LayerJob *j = NULL;

                                (void) curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &j);
                                r = transfer_ended(c, multi, j, msg->data.result);
                                if (r < 0) {
                                        failed = j;
                                        break;
                                }
                        }
                if (r < 0)
                        break;
                if (progress)
                        progress(jobs, n, userdata);
        }

        if (r < 0) {
                /* One layer's failure fails them all: nothing half-made stays. An unpacker that
                 * stopped reading says why itself. */
                if (failed && failed->unpacker_gone && failed->result_fd >= 0 && failed->pid > 0 &&
                    r != -ECANCELED) {
                        char buf[RESULT_SIZE_MAX + 1];
                        ssize_t k;

                        stop_transfer(multi, failed);
                        failed->pipe_fd = safe_close(failed->pipe_fd);
                        (void) fcntl(failed->result_fd, F_SETFL, 0);
                        k = read(failed->result_fd, buf, RESULT_SIZE_MAX);
                        if (k > 0) {
                                buf[k] = '\0';
                                free(failed->why);
                                failed->why = strdup(buf);
                        }
                }
                for (size_t i = 0; i < n; i++)
                        job_abort(multi, &jobs[i]);
                if (r == -ECANCELED)
                        (void) reason(ret_why, r, "cancelled");
                else
                        (void) reason(ret_why, r, "%s", failed && failed->why ? failed->why : strerror(-r));
        }
        curl_multi_cleanup(multi);
        return r;
}
