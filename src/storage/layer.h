/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "digest.h"

/* Unpacks a tar archive (plain, gzip, xz, zstd, bzip2: whatever libarchive reads) into a
 * directory, with libarchive's disk writer: owners, modes, times, xattrs, ACLs, hard links,
 * symlinks, FIFOs and device nodes. Nothing lands outside the directory: absolute paths, ".."
 * and writes through a symlink are refused, for the whole archive.
 *
 * With whiteouts, the archive is an image layer (docker's and OCI's format) and its whiteouts
 * become overlayfs' own, so that the directory works as a lower layer: ".wh.NAME" becomes a
 * character device 0:0 named NAME, ".wh..wh..opq" marks its directory opaque
 * (trusted.overlay.opaque=y).
 *
 * archive_fd is read from its current offset. On failure *ret_why (if not NULL) is one line
 * naming the entry at fault, or NULL on -ENOMEM; what was unpacked stays, for the caller to
 * remove. -EBADMSG for a malformed archive or an entry refused. Changes and restores the
 * working directory: not for threaded callers. */
int layer_unpack(int archive_fd, int dir_fd, bool whiteouts, char **ret_why);

/* The same, computing digests on the way ("ALGORITHM:HEX", sha256 or sha512): of the archive as
 * read from archive_fd (an OCI blob's digest) when compressed is set, and of its decompressed tar
 * stream (a config's diff_id) when uncompressed is set, each in the algorithm of the digest given,
 * which the caller compares with what it got. The archive is read to its end, in one pass. An
 * algorithm berth does not compute is -EOPNOTSUPP. */
typedef struct LayerDigests {
        const char *compressed, *uncompressed;
        char compressed_actual[DIGEST_STRING_MAX], uncompressed_actual[DIGEST_STRING_MAX];
} LayerDigests;
int layer_unpack_digests(int archive_fd, int dir_fd, bool whiteouts, LayerDigests *digests, char **ret_why);

/* The digests alone, as layer_unpack_digests() computes them, of an archive read to its end and
 * unpacked nowhere: for a layer the store has already. */
int layer_digests(int archive_fd, LayerDigests *digests, char **ret_why);

/* Writes the tree at dir_fd as a tar archive (pax where plain tar cannot say it: long names,
 * xattrs) to out_fd: numeric owners (never names looked up on the host), modes, times, xattrs,
 * ACLs, hard links, symlinks as symlinks, devices and FIFOs as entries; entries named "./PATH";
 * no other file system is entered. The reverse of layer_unpack() without whiteouts. On failure
 * *ret_why (if not NULL) is one line. Changes and restores the working directory. */
int layer_pack(int dir_fd, int out_fd, char **ret_why);

/* The diff ID of the tree at dir_fd: the sha256 of layer_pack()'s archive of it, what an image
 * config's rootfs.diff_ids names for a layer that came without one (image import, the old
 * layout). Packs in a child process. */
int layer_diff_id(int dir_fd, char ret[static DIGEST_STRING_MAX], char **ret_why);

/* Opens libarchive and nettle, once (layer_unpack*() and layer_pack() do it themselves): 0, or
 * -EOPNOTSUPP with a reason that names the library and its Debian package. */
int layer_dlopen(char **ret_why);

/* layer_pack()'s archive of one file or tree, path (relative to dir_fd, not followed when it is a
 * symlink; "." for dir_fd's contents), its entries named with prefix in place of path: for berth
 * cp, as docker cp writes it. reset_owner: every entry owned by 0:0; host_safe: no device nodes
 * and no setuid or setgid bits, for an archive written out onto the host. Each mount's contents
 * stay out, but the one path is on. */
typedef struct LayerPackOptions {
        const char *prefix;
        bool reset_owner;
        bool host_safe;
} LayerPackOptions;
int layer_pack_path(int dir_fd, const char *path, const LayerPackOptions *o, int out_fd, char **ret_why);

/* layer_unpack() without whiteouts, of an archive whose content the host did not choose (berth cp
 * out of a container): device nodes are left out and setuid and setgid bits cleared. */
int layer_unpack_host(int archive_fd, int dir_fd, char **ret_why);
