/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "store.h"

/* Images as users name them, over the content-addressed store (store.h). What a user writes — a
 * reference ("docker.io/library/nginx:1.25", "localhost/web"), a short name ("web", "nginx:1.25")
 * or an image ID ("sha256:HEX", or 12 or more of its hex digits) — is looked up in the store:
 * a reference or short name through reference_candidates() (the first of its local candidates
 * present wins, so a short "web" finds "localhost/web:latest"; REPO@DIGEST also finds the image a
 * ref of REPO came with under that manifest digest), an ID among the images the refs and pins
 * name.
 *
 * Where a function takes ret_why, a failure may come with one line saying why (NULL when the
 * error code says it all). */

/* The image what names: its ID (config digest) and the reference it was found under (NULL when
 * found by ID). -ENOENT when there is none (*ret_why then says which names were tried);
 * -EINVAL with *ret_why for what is not a reference; -EADDRINUSE for an ambiguous ID prefix. */
int image_lookup(Store *s, const char *what, char **ret_id, char **ret_reference, char **ret_why);

/* image_lookup(), then the image's layer directories, TOP FIRST, as overlayfs' lowerdir= lists
 * them. -EBADMSG when a layer is missing or not a real directory. ret_id may be NULL. */
int image_resolve(Store *s, const char *what, char ***ret_lowerdirs, char **ret_id, char **ret_why);

/* The reference a local image of name gets (image import, image load NAME, image tag DST): name
 * as written when it is fully qualified, else localhost/NAME, tag latest unless one is given. */
int image_local_reference(const char *name, char **ret, char **ret_why);

/* The reference an archive's tag names, as docker reads RepoTags: a short one is docker.io's
 * ("app:1.2" is docker.io/library/app:1.2), tag latest unless one is given. */
int image_tag_reference(const char *tag, char **ret, char **ret_why);

/* Copies the directory src_dir (owners, modes, times, xattrs, hard links, devices) as the single
 * layer of an image berth writes a config for, tagged reference (a full one). On failure nothing
 * is left behind but debris in tmp/. *ret_id (if not NULL) is the image's ID. */
int image_import_dir(Store *s, const char *src_dir, const char *reference, char **ret_id, char **ret_why);

/* A tar archive read from archive_fd (any compression libarchive reads; docker export's kind) as
 * the single layer of an image, unpacked as layer.h says, without whiteouts; as above. For a bad
 * archive -EBADMSG with *ret_why one line. */
int image_import_archive(Store *s, int archive_fd, const char *reference, char **ret_id, char **ret_why);

/* r as it is, but -ENOSPC/-EDQUOT with *ret_why rewritten to say the disk is full (or the quota
 * exhausted) in the store, what *ret_why said before in parentheses. */
int image_store_error(Store *s, int r, char **ret_why);

/* The names of the containers whose definition files say Image= something that resolves to the
 * image id, sorted. Scans BERTH_SYSCONF_DIR/containers then BERTH_RUNTIME_DIR/containers, or the
 * directories in $BERTH_DEFINITION_PATH (space-separated); a file in an earlier directory hides
 * one of the same name in a later one, as in the generator. A deliberately cheap line scan, not
 * the parser. */
int image_users(Store *s, const char *id, char ***ret_containers);
