/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#include "health-state.h"
#include "journal-send.h"
#include "macro.h"
#include "notify.h"
#include "oom.h"

/* The helper's life while the payload runs: relay its output, forward signals, stop it with
 * its stop signal and SIGKILL after its timeout, and return its exit status. libc only: in a
 * service the helper execs berth-supervisor, which links nothing else, so that supervising a
 * container costs little memory (libsystemd alone is ~400 KiB of PSS). */

/* Every line of the payload's becomes one journal entry (journal-send.h); a longer one is
 * split, at docker's 16 KiB. A line the journal does not take at once is dropped and counted,
 * and the count is logged once the journal takes entries again: the supervisor never waits for
 * journald, so a stopped journald neither stalls the payload (its pipe is always read) nor a
 * stop. The copy to a foreground run's terminal ends when the terminal's reader goes away
 * (EPIPE: `berth run … | head -1`); the container runs on, into the journal. */
#define SUPERVISE_LINE_MAX 16384

typedef struct Supervisor {
        const char *name;
        pid_t pid;                  /* the payload's PID 1 */
        int pidfd, sigfd, timerfd;
        int ptyfd;                  /* -t: the pty master, or -EBADF */
        int out_pipe, err_pipe;     /* read ends of the payload's stdout and stderr */
        int out_dest, err_dest;     /* copies go to our terminal too, or -EBADF in a service */
        bool interactive;           /* copy our stdin to the pty */
        bool service;               /* SIGINT is forwarded, not a stop */
        bool payload;               /* a container's payload (its OOM kills, health, events), not an exec */
        const char *unit;           /* the service's unit, for OBJECT_SYSTEMD_UNIT=, or NULL */
        int stop_signal;
        uint64_t stop_timeout_usec;
        const char *image;          /* for the events, or NULL */
        bool discard_output;        /* LogDriver=none: the payload's output to our terminal only, never the journal */

        /* Readiness (Notify=). Without either, the start was ready at the payload's execve(). */
        bool notify_container;      /* READY=1 comes from the payload, over notify_fd */
        bool notify_healthy;        /* READY=1 once the first health check passed */
        int notify_fd;              /* the payload's NOTIFY_SOCKET (notify.h), or -EBADF */
        const char *notify_socket;  /* systemd's ($NOTIFY_SOCKET), or NULL: nobody to tell */
        const char *ready_dir;      /* whoever waits for the start (ready.h), or NULL */

        /* Where the kernel's log stood before the payload ran (oom.h), to name OOM victims; the
         * supervisor takes it over. OOM_LOG_NULL: they go unnamed. */
        OomLog oom_log;
        /* The scope's memory cgroup as /proc/PID/cgroup named it while the payload was alive and in
         * it, before GO (NULL: read it from the payload's, which a payload killed at once no longer
         * shows), and whether it is the unified hierarchy's. */
        const char *memory_cgroup;
        bool memory_unified;

        /* Health checks (health-state.h), run by helper_path --health; health.enabled false: none. */
        HealthSettings health;
        const char *helper_path;

        /* Issue 16: leftovers (dialect). LogOpt= (journal-send.h): the payload's lines with
         * SYSLOG_IDENTIFIER=log_tag and these fields, or NULL: the name's. supervisor_log_field()
         * adds one. */
        const char *log_tag;
        JournalField log_fields[JOURNAL_LINE_EXTRA_MAX];
        char log_field_keys[JOURNAL_LINE_EXTRA_MAX][65];
        size_t n_log_fields;

        /* state */
        bool ready;                 /* READY=1 said, by us or by the helper before us */
        bool restart;               /* HealthOnFailure=restart: exit with supervise_exit_for_restart() */
        bool notify_status;         /* the payload set STATUS= itself: ours stays out of it */
        unsigned notify_budget;     /* datagrams passed on in this second */
        uint64_t notify_second;
        OomWatch oom;
        bool oom_killed;            /* the kernel killed one of the container's processes */
        uint64_t oom_unreported;    /* kills the kernel's log has not named yet */
        unsigned oom_retries;       /* looks at the log left before they go unnamed */
        char payload_comm[16];      /* the payload's name, read before it could be reaped */
        bool payload_sigkilled;     /* it was reaped, dead of SIGKILL */
        HealthState health_state;
        int health_timerfd;         /* the next check, or the running check's timeout */
        pid_t check_pid;            /* the running check's berth-helper, or 0 */
        int check_pidfd, check_out;
        bool check_startup, check_timed_out;
        uint64_t check_started;     /* CLOCK_REALTIME µs */
        char check_output[HEALTH_OUTPUT_MAX];
        size_t check_output_len;
        bool stopping;
        uint64_t dropped;           /* lines the journal did not take, not yet reported */
        char out_buf[SUPERVISE_LINE_MAX], err_buf[SUPERVISE_LINE_MAX];
        size_t out_len, err_len;
        struct termios saved_termios;
        bool termios_saved;
} Supervisor;

/* The state below the settings: no check running, nothing watched. Call it after filling in the
 * settings; a literal must set notify_fd and oom_log (SUPERVISOR_NO_FDS) if it sets nothing else
 * of them. */
void supervisor_init(Supervisor *s);
#define SUPERVISOR_NO_FDS .notify_fd = -EBADF, .oom_log = OOM_LOG_NULL

/* Runs until the payload exited and its output is drained; returns its exit status as a shell
 * reports it (128 + signal when a signal ended it). */
int supervise(Supervisor *s);

/* What berth-helper passes on to berth-supervisor beyond the fixed arguments: "KEY=VALUE" words
 * for image, ready, log, pty-fd, notify, notify-fd, ready-dir, memory-cgroup, kmsg-fd, klog-after,
 * health and health-startup, as set in s (ready and notify exclude each other). */
#define SUPERVISOR_OPTIONS_MAX (12 + JOURNAL_LINE_EXTRA_MAX)
#define SUPERVISOR_OPTION_SIZE 4200
int supervisor_options_format(const Supervisor *s, char ret[SUPERVISOR_OPTIONS_MAX][SUPERVISOR_OPTION_SIZE],
                              size_t *ret_n);
/* One such word into s (which keeps pointing into arg); -EINVAL, or -EBADF for a notify-fd that
 * is not open. */
int supervisor_option_parse(Supervisor *s, const char *arg);
/* A "KEY=VALUE" journal field for the payload's lines (s keeps pointing into kv); -EINVAL for a
 * key over 64 bytes or more than JOURNAL_LINE_EXTRA_MAX fields. */
int supervisor_log_field(Supervisor *s, const char *kv);

/* After supervise() with s->restart: dies of SIGUSR2, which container@.service's
 * RestartForceExitStatus= turns into a restart. */
_noreturn_ void supervise_exit_for_restart(void);
