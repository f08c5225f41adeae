/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Registry credentials in the files docker and podman write: a JSON object whose "auths" maps a
 * registry ("registry:5000", "docker.io", docker's "https://index.docker.io/v1/") to
 * {"auth": base64("USER:PASSWORD")}. Read in order, the first file that has the registry wins:
 * $REGISTRY_AUTH_FILE, /run/containers/0/auth.json (podman's, as root), $DOCKER_CONFIG/config.json
 * or ~/.docker/config.json. berth login writes $REGISTRY_AUTH_FILE, else
 * /run/containers/0/auth.json, as podman does. Credential helpers (credsStore) are not run. */

/* Each file is at most this big. */
#define AUTH_FILE_SIZE_MAX (1024U * 1024U)

/* The files to read, in order (NULL-terminated, to be freed); NULL on OOM. */
char **auth_files_default(void);
/* The file berth login writes and logout edits. */
const char *auth_file_for_writing(void);

/* "docker.io" for Docker Hub's many names, otherwise HOST[:PORT] as written with any scheme and
 * path taken off. New string; NULL on OOM. */
char *auth_registry_key(const char *s);

/* Credentials for registry (HOST[:PORT], docker.io for Docker Hub) from the first of files that
 * has an entry for it: 1 with user and password (and the file, if ret_file), 0 when none has.
 * A file that is missing is passed over; one that is not valid, or an entry whose "auth" is not
 * base64 of USER:PASSWORD, is -EINVAL with a reason naming the file. */
int auth_file_lookup(char *const *files, const char *registry, char **ret_user, char **ret_password,
                     char **ret_file, char **ret_why);

/* Sets registry's entry in path (created with mode 0600, its directory 0700; replaced by a
 * rename, with mode 0600), keeping every other key of the file. */
int auth_file_store(const char *path, const char *registry, const char *user, const char *password,
                    char **ret_why);
/* Removes registry's entry: -ENOENT when there is none. */
int auth_file_remove(const char *path, const char *registry, char **ret_why);

/* RFC 4648 base64, with padding. New strings; decoding refuses anything else (-EINVAL). */
char *base64_encode(const void *data, size_t size);
int base64_decode(const char *s, char **ret, size_t *ret_size);
