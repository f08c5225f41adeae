/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* A registry's own certificates, as docker and podman keep them: DIR/HOST[:PORT]/ with CAs in
 * *.crt (trusted besides the system's), and a client certificate NAME.cert with its key NAME.key.
 * The directories are searched in order and the first that has one for the registry is used
 * (containers/image does the same): /etc/containers/certs.d, then /etc/docker/certs.d. */

#define CERTS_DIRS_DEFAULT ((char *const[]) { "/etc/containers/certs.d", "/etc/docker/certs.d", NULL })
/* The CAs of one registry together: more is not a set of certificates. */
#define CERTS_SIZE_MAX (1024U * 1024U)

typedef struct RegistryCerts {
        char *dir;           /* the directory used, or NULL when there is none */
        char *ca_pem;        /* the *.crt files' PEM, concatenated in name order; NULL if none */
        size_t ca_size;
        char *client_cert;   /* paths; NULL if none */
        char *client_key;
} RegistryCerts;

/* registry is "HOST[:PORT]" (no '/', not "." or ".."). -EINVAL with a reason for a NAME.cert
 * without its NAME.key (or the other way round), or more than one pair. */
int registry_certs_find(char *const *dirs, const char *registry, RegistryCerts *ret, char **ret_why);
void registry_certs_done(RegistryCerts *c);
