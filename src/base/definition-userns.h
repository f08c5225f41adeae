/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* User namespaces (issue 18): the keys, their values and the rules across keys.
 *
 *   UserNS=host|auto[:size=N]|private   Quadlet's key. host (the default): the host's IDs.
 *                                       auto: a range picked for the container from berth.conf's
 *                                       [Containers] UserNSPool= and kept while it exists
 *                                       (podman's auto; N IDs, default 65536); private:
 *                                       the same, one block of 65536 (systemd-nspawn's -U).
 *   UIDMap=CONTAINER:HOST:SIZE          podman's --uidmap, repeatable: given IDs, no pick.
 *   GIDMap=CONTAINER:HOST:SIZE          the same for groups; when only one of the two is
 *                                       given, the other is the same (podman's rule).
 *   SubUIDMap=NAME, SubGIDMap=NAME      podman's --subuidname/--subgidname: container IDs 0…
 *                                       onto the ranges /etc/subuid (/etc/subgid) lists for
 *                                       NAME, read at each start (storage/subid.h); either
 *                                       alone names both (podman's rule).
 *   RemapUsers=auto|manual, RemapUid=, RemapGid=, RemapUidSize=
 *                                       Quadlet's deprecated forms, read as the keys they
 *                                       mean by userns_fields_check(): auto is UserNS=auto
 *                                       (RemapUidSize= its size), manual is UIDMap=/GIDMap=
 *                                       from RemapUid=/RemapGid=.
 *
 * A definition that sets none of them takes berth.conf's [Containers] UserNS= where the
 * container can work with a range at all (userns_mode_effective()).
 *
 * Like definition-runtime.h, this sees fields, never a Definition (definition.c depends on it):
 * the keys' fields are one UserNSFields, which Definition holds under their own names too. */

struct Definition;
struct ListState;

typedef struct IdMapEntry {
        uint32_t inside, outside, count;
} IdMapEntry;

typedef enum UserNSMode {
        USERNS_HOST,
        USERNS_AUTO,
        USERNS_PRIVATE,
        USERNS_MAP,
        _USERNS_MODE_MAX,
        _USERNS_MODE_INVALID = -EINVAL,
} UserNSMode;

/* Definition's fields of the keys (definition.h: by these names, and as userns_fields). userns_set:
 * UserNS= (or a map) was given; when not, berth.conf's [Containers] UserNS= applies. */
#define USERNS_FIELDS                                                                                      \
        UserNSMode userns;     /* USERNS_HOST default */                                               \
        uint32_t userns_size;  /* auto's size=, 0: default */                                          \
        bool userns_set;                                                                               \
        IdMapEntry *uid_map, *gid_map;                                                                  \
        size_t n_uid_map, n_gid_map;                                                                    \
        char *subuid_name, *subgid_name; /* SubUIDMap=, SubGIDMap= */                                  \
        /* RemapUsers= (as given), RemapUid=, RemapGid=, RemapUidSize=: while parsing only */           \
        char *remap_users;                                                                              \
        char **remap_uid, **remap_gid;                                                                  \
        uint32_t remap_uid_size;                                                                        \
        bool remap_uid_size_set;

typedef struct UserNSFields {
        USERNS_FIELDS
} UserNSFields;

/* What of the rest of a definition decides whether it can have a range of its own
 * (definition_userns_peers(), definition.h). */
typedef struct UserNSPeers {
        bool privileged;
        bool network_host, pid_host, ipc_host, cgroupns_host; /* Network=, PID=, IPC=, CgroupNS= host */
        bool joins_container; /* Network=, PID=, IPC= or UTS= container:NAME */
} UserNSPeers;

/* The IDs of one block, the unit the allocator hands out (systemd's container range is made of
 * them, and 65536 is what nspawn -U and podman give a container). */
#define USERNS_BLOCK_SIZE UINT32_C(65536)
/* The kernel's limit on the lines of uid_map and gid_map (since Linux 4.15). */
#define USERNS_MAP_LINES_MAX 340

const char *userns_mode_to_string(UserNSMode m);

/* "host", "auto", "auto:size=N", "private" into *ret_mode and *ret_size (0: the default). The
 * podman forms berth cannot give (keep-id, nomap, auto:uidmapping=, ns:, container:) -EINVAL with
 * one line why. */
int userns_mode_parse(const char *s, UserNSMode *ret_mode, uint32_t *ret_size, char **ret_why);
/* What UserNS= says for the mode and size: "auto:size=131072". NULL on OOM. */
char *userns_mode_format(UserNSMode m, uint32_t size);

/* The longest name SubUIDMap=/SubGIDMap= take (shadow-utils' own limit is below it). */
#define SUBID_NAME_MAX 256
/* A name /etc/subuid may list: a user name as shadow-utils takes one, or a UID. */
bool subid_name_is_valid(const char *s);

/* One "CONTAINER:HOST:SIZE" entry. */
int idmap_entry_parse(const char *s, IdMapEntry *ret, char **ret_why);
/* The map as a whole: container 0 mapped, entries sorted by container ID, no two overlapping
 * inside or outside, at most USERNS_MAP_LINES_MAX. what names it in *ret_why ("UIDMap"). */
int idmap_check(const IdMapEntry *m, size_t n, const char *what, char **ret_why);
/* {"0:524288:65536", …}: each entry as UIDMap= takes it (podman's IDMappings too); NULL on OOM. */
char **idmap_to_strv(const IdMapEntry *m, size_t n);

/* Definition keys (definition.c's table): field is the UserNSFields. */
int definition_parse_userns(struct Definition *d, void *field, struct ListState *list, const char *value,
                            char **ret_why);
int definition_parse_uid_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                             char **ret_why);
int definition_parse_gid_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                             char **ret_why);
/* field: the char * of the name. */
int definition_parse_subid_name(struct Definition *d, void *field, struct ListState *list, const char *value,
                                char **ret_why);
/* field: the char * of RemapUsers=. */
int definition_parse_remap_users(struct Definition *d, void *field, struct ListState *list, const char *value,
                                 char **ret_why);
/* field: the strv of RemapUid= or RemapGid=. */
int definition_parse_remap_map(struct Definition *d, void *field, struct ListState *list, const char *value,
                               char **ret_why);
/* field: the UserNSFields. */
int definition_parse_remap_uid_size(struct Definition *d, void *field, struct ListState *list, const char *value,
                                    char **ret_why);
/* Writes nothing: the Remap keys are read as the keys they mean, which are written instead. */
int definition_format_nothing(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_userns(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_uid_map(FILE *f, const char *key, const struct Definition *d, const void *field);
int definition_format_gid_map(FILE *f, const char *key, const struct Definition *d, const void *field);

void userns_fields_done(UserNSFields *u);
bool userns_fields_equal(const UserNSFields *a, const UserNSFields *b);
/* The rules across keys, once the whole definition is read: GIDMap= from UIDMap= (and back),
 * UserNS=map when maps are given, and the combinations refused. -EINVAL with *ret_why
 * "key 'K': why". */
int userns_fields_check(UserNSFields *u, const UserNSPeers *p, char **ret_why);

/* Why a container with these peers cannot have a range of its own: a static line, or NULL when
 * it can. */
const char *userns_conflict(const UserNSPeers *p);

/* The mode a container runs with: its own when it sets one, else conf_mode (berth.conf's
 * default) — unless userns_conflict() says it cannot, then host. */
UserNSMode userns_mode_effective(const UserNSFields *u, const UserNSPeers *p, UserNSMode conf_mode, uint32_t conf_size,
                                 uint32_t *ret_size);
