/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* The three files docker writes for a container and binds read-only into it: /etc/hosts,
 * /etc/hostname and /etc/resolv.conf. Pure text functions (unit tested) plus the writer of
 * /run/berth/NAME/{hosts,hostname,resolv.conf}. */

typedef struct HostsEntry {
        const char *address;
        const char *names; /* space-separated */
} HostsEntry;

/* localhost lines, then extra (--add-host, links, in that order), then address hostname (when
 * address is not NULL). */
int hosts_format(const char *address, const char *hostname, const HostsEntry *extra, size_t n_extra,
                 char **ret);

/* resolv.conf for a container from the host's text: with dns given, those name servers and the
 * host's search/options lines; else the host's lines, less loopback name servers (unreachable
 * from a container's own network), unless keep_loopback (host network). No name server left:
 * docker's fallback, 8.8.8.8 and 8.8.4.4. */
int resolv_conf_format(const char *host_text, char *const *dns, bool keep_loopback, char **ret);

/* docker's --dns-search and --dns-option on resolv_conf_format()'s text: search (when not empty)
 * replaces its search and domain lines, "." alone meaning none at all; options (when not empty)
 * its options lines. Both were checked by the definition's parser: no blanks, no newlines. */
int resolv_conf_override(const char *text, char *const *search, char *const *options, char **ret);

/* Writes hosts, hostname and resolv.conf into dir (created 0755), atomically each. */
int hosts_write_files(const char *dir, const char *hosts, const char *hostname, const char *resolv_conf);
