/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "definition-list.h"

/* The keys of a container's process and its surroundings that Quadlet and docker users write
 * (issue 16): Label=, Annotation=, ContainerName=, Ulimit=, Group=, GroupAdd=,
 * EnvironmentHost=, DNSSearch=, DNSOption=, IP6=, PublishAll=, SeccompProfile=PATH. Their
 * parsers and formatters for definition.c's key table, the check across keys, and what the
 * runtime and the CLI need of them. Pure, never logs. */

/* The fields, one member of struct Definition (definition.h), so that this file needs nothing of
 * definition.h and definition.c can use it without a circle. */
typedef struct DefinitionProcess {
        char **labels;         /* Label=: K=V (K alone: empty value), a key given again takes the new value */
        char **annotations;    /* Annotation=: the same */
        char **ulimits;        /* Ulimit=: NAME=SOFT[:HARD], one per resource */
        char *group;           /* Group=: with User=, the group to run as; NULL when not set */
        char **group_add;      /* GroupAdd=: more supplementary groups, names or gids */
        bool environment_host; /* EnvironmentHost=: the starting process's environment under Environment= */
        char **dns_search;     /* DNSSearch=: domains for resolv.conf's search line ("." for none) */
        char **dns_options;    /* DNSOption=: resolv.conf options, "ndots:2" */
        char *seccomp_profile; /* SeccompProfile=PATH: a docker/OCI JSON profile (seccomp-profile.h); NULL: not one */
        bool publish_all;      /* PublishAll= (docker's -P): every exposed port on a free host port */
        char *ip6;             /* IP6=: the IPv6 address to take from the bridge's Subnet6=, NULL for any */
        /* Issue 16: leftovers. */
        char *container_name;  /* ContainerName=, NULL when not set: the file's name (definition-name.h) */
} DefinitionProcess;

struct Definition;

/* GroupAdd= entries: far more than anyone is in, few enough to look each up in /etc/group. */
#define DEFINITION_GROUP_ADD_MAX ((size_t) 256)

/* ---- parsers (definition.c's DefinitionParser) ---- */
/* Label=, Annotation= and Ulimit= need only the definition's name (its specifiers). */
int definition_parse_label(const char *name, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_container_name(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_ulimit(const char *name, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_group(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_group_add(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_dns_search(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_ip6(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);
int definition_parse_dns_option(struct Definition *d, void *field, ListState *list, const char *value, char **ret_why);

/* ContainerName=: written when set. */
int definition_format_container_name(FILE *f, const char *key, const struct Definition *d, const void *field);

/* What one line cannot tell (Group= may come before User=): -EINVAL with *ret_why "key 'K': why". */
int definition_process_check(const DefinitionProcess *p, const char *user, char **ret_why);
void definition_process_done(DefinitionProcess *p);
bool definition_process_equal(const DefinitionProcess *a, const DefinitionProcess *b);

/* ---- what the runtime and the CLI use ---- */

/* The user spec to resolve: User= (user) with Group= as USER:GROUP, else User= (NULL when unset,
 * then the image's user applies). -ENOMEM. *ret is NULL or allocated. */
int definition_user_spec(const char *user, const DefinitionProcess *p, char **ret);

/* docker's --ulimit names (and podman's "as"), RLIMIT_NOFILE for "nofile": -EINVAL if unknown. */
int ulimit_resource_from_name(const char *name);
/* "nofile=1024:2048", "nproc=-1", "core=0": the resource and its limits (RLIM_INFINITY for -1
 * or "unlimited"; the hard limit is the soft one when not given). -EINVAL with *ret_why. */
int ulimit_parse(const char *s, int *ret_resource, struct rlimit *ret, char **ret_why);

/* Whether labels (K=V entries) has one for the filter "KEY" (any value) or "KEY=VALUE" (docker's
 * `ps --filter label=`). */
bool labels_match(char *const *labels, const char *filter);
/* The value of the label key in labels (K=V entries; K alone is an empty value), or NULL. */
const char *labels_get(char *const *labels, const char *key);
/* docker's rule: the image's labels (under) with the container's (over) on top, a key of over
 * replacing under's. -ENOMEM. */
int labels_merge(char *const *under, char *const *over, char ***ret);
