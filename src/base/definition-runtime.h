/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The keys of docker run's resource, namespace and logging flags (definition.c's table names
 * them): their values, parsers and formatters. Like definition-format.h, this sees fields alone,
 * never a Definition, so that definition.c can depend on it without a circle.
 *
 *   MemorySwapMax=SIZE|infinity   systemd's: swap alone (docker's --memory-swap is the total)
 *   CPUQuota=P%                   systemd's: CPU time per second of wall time, 100% one CPU
 *   AllowedCPUs=LIST              systemd's: "0-3,6"
 *   IPC=, UTS=, PID=  private|host|container:NAME   docker's --ipc, --uts, --pid
 *   CgroupNS=private|host         docker's --cgroupns
 *   LogDriver=journald|none       Quadlet's: the payload's output to the journal, or nowhere
 *   Pull=missing|always|never|newer  Quadlet's (docker's --pull): when a start fetches the image
 *                                 from its registry first (runtime/pull-policy.c) */

struct Definition;
struct ListState;

/* CPUQuota= in µs per second: 1% is 10000 µs; at most this many CPUs. */
#define DEFINITION_CPUS_MAX 65536
/* AllowedCPUs= names CPUs below this (the kernel's NR_CPUS is at most 8192). */
#define DEFINITION_CPU_INDEX_MAX 8192

typedef enum NamespaceMode {
        NAMESPACE_PRIVATE, /* its own (the default) */
        NAMESPACE_HOST,    /* the host's: none of its own */
        NAMESPACE_CONTAINER,
        _NAMESPACE_MODE_MAX,
        _NAMESPACE_MODE_INVALID = -EINVAL,
} NamespaceMode;

typedef struct DefinitionNamespace {
        NamespaceMode mode;
        char *container; /* set iff mode == NAMESPACE_CONTAINER: whose namespace it joins */
} DefinitionNamespace;

typedef enum LogDriver {
        LOG_DRIVER_JOURNALD, /* the default */
        LOG_DRIVER_NONE,
        _LOG_DRIVER_MAX,
        _LOG_DRIVER_INVALID = -EINVAL,
} LogDriver;

const char *log_driver_to_string(LogDriver d);

typedef enum PullPolicy {
        PULL_POLICY_MISSING, /* the default: only when no local image answers to the name */
        PULL_POLICY_ALWAYS,  /* ask the registry at every start */
        PULL_POLICY_NEVER,   /* a local image or nothing */
        PULL_POLICY_NEWER,   /* when the registry's differs; the local one if it cannot be asked */
        _PULL_POLICY_MAX,
        _PULL_POLICY_INVALID = -EINVAL,
} PullPolicy;

/* "missing", "always", "never", "newer" (berth-pull's --policy takes these). */
const char *pull_policy_to_string(PullPolicy p);
PullPolicy pull_policy_from_string(const char *s);

void definition_namespace_done(DefinitionNamespace *n);
bool definition_namespace_equal(const DefinitionNamespace *a, const DefinitionNamespace *b);

/* "0-3,6": each CPU below DEFINITION_CPU_INDEX_MAX, ranges ascending. */
bool definition_cpu_list_is_valid(const char *s);
/* The list as systemd's AllowedCPUs= bitmask (byte i bit j: CPU 8i+j); *ret_size bytes. */
int definition_cpu_list_to_mask(const char *s, uint8_t **ret, size_t *ret_size);

/* docker's --cpus: a decimal number of CPUs (at most 6 decimals), as µs of CPU time per second;
 * -EINVAL below 0.01 or above DEFINITION_CPUS_MAX. */
int definition_cpus_parse(const char *s, uint64_t *ret_usec);
/* The µs per second as CPUQuota= writes it: "150%", "12.5%". */
void definition_cpu_quota_format(uint64_t usec, char buf[static 32]);

/* Parsers of definition.c's table (its DefinitionParser). */
int definition_parse_memory_swap_max(struct Definition *d, void *field, struct ListState *list, const char *value,
                                     char **ret_why);
int definition_parse_cpu_quota(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why);
int definition_parse_allowed_cpus(struct Definition *d, void *field, struct ListState *list, const char *value,
                                  char **ret_why);
int definition_parse_namespace(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why);
int definition_parse_cgroupns(struct Definition *d, void *field, struct ListState *list, const char *value,
                              char **ret_why);
int definition_parse_log_driver(struct Definition *d, void *field, struct ListState *list, const char *value,
                                char **ret_why);
int definition_parse_pull(struct Definition *d, void *field, struct ListState *list, const char *value,
                          char **ret_why);

/* Formatters (definition-format.h's DefinitionFormatter): nothing at the default. */
int definition_format_memory_swap_max(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_cpu_quota(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_namespace(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_cgroupns(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_log_driver(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_pull(FILE *f, const char *key, const struct Definition *d, const void *field);
