/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "dlopen-util.h"
#include "fd-util.h"
#include "layer.h"
#include "macro.h"
#include "string-util.h"
#include "strv.h"

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER ".wh..wh..opq"
/* aufs' own bookkeeping (".wh..wh.plnk", ".wh..wh.aufs"): never content, skipped as docker does. */
#define WHITEOUT_META_PREFIX ".wh..wh."
#define OVERLAY_XATTR_PREFIX "trusted.overlay."

/* Everything a layer carries, and nothing that leaves the directory. Numeric owners as the
 * archive has them (no lookup of names in the host's passwd: they mean the image's users). Not
 * ARCHIVE_EXTRACT_UNLINK: with it, libarchive replaces a symlink in an entry's path by a
 * directory instead of refusing the entry. Not ARCHIVE_EXTRACT_FFLAGS: an immutable or
 * append-only file (chattr +i/+a) in a layer could never be removed with its image, and means
 * nothing to a read-only lower layer anyway. */
#define EXTRACT_FLAGS                                                                                  \
        (ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR | \
         ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |    \
         ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS)

/* libarchive, opened on first use (dlopen-util.h): starting a container reads no archive, and
 * libarchive brings libxml2, ICU and libstdc++ along. */
#define LIBARCHIVE_SONAME "libarchive.so.13"
static void *libarchive;
static typeof(archive_entry_filetype) *sym_archive_entry_filetype;
static typeof(archive_entry_free) *sym_archive_entry_free;
static typeof(archive_entry_hardlink) *sym_archive_entry_hardlink;
static typeof(archive_entry_linkify) *sym_archive_entry_linkify;
static typeof(archive_entry_linkresolver_free) *sym_archive_entry_linkresolver_free;
static typeof(archive_entry_linkresolver_new) *sym_archive_entry_linkresolver_new;
static typeof(archive_entry_linkresolver_set_strategy) *sym_archive_entry_linkresolver_set_strategy;
static typeof(archive_entry_mode) *sym_archive_entry_mode;
static typeof(archive_entry_set_gid) *sym_archive_entry_set_gid;
static typeof(archive_entry_set_gname) *sym_archive_entry_set_gname;
static typeof(archive_entry_set_mode) *sym_archive_entry_set_mode;
static typeof(archive_entry_set_uid) *sym_archive_entry_set_uid;
static typeof(archive_entry_set_uname) *sym_archive_entry_set_uname;
static typeof(archive_entry_new) *sym_archive_entry_new;
static typeof(archive_entry_pathname) *sym_archive_entry_pathname;
static typeof(archive_entry_set_fflags) *sym_archive_entry_set_fflags;
static typeof(archive_entry_set_filetype) *sym_archive_entry_set_filetype;
static typeof(archive_entry_set_hardlink) *sym_archive_entry_set_hardlink;
static typeof(archive_entry_set_pathname) *sym_archive_entry_set_pathname;
static typeof(archive_entry_set_perm) *sym_archive_entry_set_perm;
static typeof(archive_entry_set_rdev) *sym_archive_entry_set_rdev;
static typeof(archive_entry_set_size) *sym_archive_entry_set_size;
static typeof(archive_entry_set_symlink) *sym_archive_entry_set_symlink;
static typeof(archive_entry_size) *sym_archive_entry_size;
static typeof(archive_entry_xattr_add_entry) *sym_archive_entry_xattr_add_entry;
static typeof(archive_entry_xattr_clear) *sym_archive_entry_xattr_clear;
static typeof(archive_entry_xattr_next) *sym_archive_entry_xattr_next;
static typeof(archive_entry_xattr_reset) *sym_archive_entry_xattr_reset;
static typeof(archive_errno) *sym_archive_errno;
static typeof(archive_error_string) *sym_archive_error_string;
static typeof(archive_format) *sym_archive_format;
static typeof(archive_read_data) *sym_archive_read_data;
static typeof(archive_read_data_block) *sym_archive_read_data_block;
static typeof(archive_read_disk_can_descend) *sym_archive_read_disk_can_descend;
static typeof(archive_read_disk_descend) *sym_archive_read_disk_descend;
static typeof(archive_read_disk_new) *sym_archive_read_disk_new;
static typeof(archive_read_disk_open) *sym_archive_read_disk_open;
static typeof(archive_read_disk_set_behavior) *sym_archive_read_disk_set_behavior;
static typeof(archive_read_disk_set_symlink_physical) *sym_archive_read_disk_set_symlink_physical;
static typeof(archive_read_free) *sym_archive_read_free;
static typeof(archive_read_new) *sym_archive_read_new;
static typeof(archive_read_next_header) *sym_archive_read_next_header;
static typeof(archive_read_next_header2) *sym_archive_read_next_header2;
static typeof(archive_read_open) *sym_archive_read_open;
static typeof(archive_read_open_fd) *sym_archive_read_open_fd;
static typeof(archive_read_support_filter_all) *sym_archive_read_support_filter_all;
static typeof(archive_read_support_format_raw) *sym_archive_read_support_format_raw;
static typeof(archive_read_support_format_tar) *sym_archive_read_support_format_tar;
static typeof(archive_set_error) *sym_archive_set_error;
static typeof(archive_write_close) *sym_archive_write_close;
static typeof(archive_write_data) *sym_archive_write_data;
static typeof(archive_write_data_block) *sym_archive_write_data_block;
static typeof(archive_write_disk_new) *sym_archive_write_disk_new;
static typeof(archive_write_disk_set_options) *sym_archive_write_disk_set_options;
static typeof(archive_write_finish_entry) *sym_archive_write_finish_entry;
static typeof(archive_write_free) *sym_archive_write_free;
static typeof(archive_write_header) *sym_archive_write_header;
static typeof(archive_write_new) *sym_archive_write_new;
static typeof(archive_write_open_fd) *sym_archive_write_open_fd;
static typeof(archive_write_set_format_pax_restricted) *sym_archive_write_set_format_pax_restricted;

int layer_dlopen(char **ret_why) {
        static const DlopenSymbol symbols[] = {
                DLSYM(archive_entry_filetype),
                DLSYM(archive_entry_free),
                DLSYM(archive_entry_hardlink),
                DLSYM(archive_entry_linkify),
                DLSYM(archive_entry_linkresolver_free),
                DLSYM(archive_entry_linkresolver_new),
                DLSYM(archive_entry_linkresolver_set_strategy),
                DLSYM(archive_entry_mode),
                DLSYM(archive_entry_set_gid),
                DLSYM(archive_entry_set_gname),
                DLSYM(archive_entry_set_mode),
                DLSYM(archive_entry_set_uid),
                DLSYM(archive_entry_set_uname),
                DLSYM(archive_entry_new),
                DLSYM(archive_entry_pathname),
                DLSYM(archive_entry_set_fflags),
                DLSYM(archive_entry_set_filetype),
                DLSYM(archive_entry_set_hardlink),
                DLSYM(archive_entry_set_pathname),
                DLSYM(archive_entry_set_perm),
                DLSYM(archive_entry_set_rdev),
                DLSYM(archive_entry_set_size),
                DLSYM(archive_entry_set_symlink),
                DLSYM(archive_entry_size),
                DLSYM(archive_entry_xattr_add_entry),
                DLSYM(archive_entry_xattr_clear),
                DLSYM(archive_entry_xattr_next),
                DLSYM(archive_entry_xattr_reset),
                DLSYM(archive_errno),
                DLSYM(archive_error_string),
                DLSYM(archive_format),
                DLSYM(archive_read_data),
                DLSYM(archive_read_data_block),
                DLSYM(archive_read_disk_can_descend),
                DLSYM(archive_read_disk_descend),
                DLSYM(archive_read_disk_new),
                DLSYM(archive_read_disk_open),
                DLSYM(archive_read_disk_set_behavior),
                DLSYM(archive_read_disk_set_symlink_physical),
                DLSYM(archive_read_free),
                DLSYM(archive_read_new),
                DLSYM(archive_read_next_header),
                DLSYM(archive_read_next_header2),
                DLSYM(archive_read_open),
                DLSYM(archive_read_open_fd),
                DLSYM(archive_read_support_filter_all),
                DLSYM(archive_read_support_format_raw),
                DLSYM(archive_read_support_format_tar),
                DLSYM(archive_set_error),
                DLSYM(archive_write_close),
                DLSYM(archive_write_data),
                DLSYM(archive_write_data_block),
                DLSYM(archive_write_disk_new),
                DLSYM(archive_write_disk_set_options),
                DLSYM(archive_write_finish_entry),
                DLSYM(archive_write_free),
                DLSYM(archive_write_header),
                DLSYM(archive_write_new),
                DLSYM(archive_write_open_fd),
                DLSYM(archive_write_set_format_pax_restricted),
        };
        _cleanup_free_ char *why = NULL;
        int r;

        r = dlopen_symbols(&libarchive, LIBARCHIVE_SONAME, symbols, ELEMENTSOF(symbols), &why);
        if (r < 0)
                return reason(ret_why, r, "image archives need %s (Debian package libarchive13): %s", LIBARCHIVE_SONAME,
                              why);
        return digest_dlopen(ret_why);
}

static void archive_read_freep(struct archive **a) {
        if (*a)
                sym_archive_read_free(*a);
}

static void archive_entry_freep(struct archive_entry **e) {
        if (*e)
                sym_archive_entry_free(*e);
}

static void archive_write_freep(struct archive **a) {
        if (*a)
                sym_archive_write_free(*a);
}

/* overlayfs' own xattrs mean redirects and metacopy in a lower layer: never from an archive. The
 * others go through a spare entry, since clearing e's list frees what its iterator returned. */
static int drop_overlay_xattrs(struct archive_entry *e) {
        _cleanup_(archive_entry_freep) struct archive_entry *kept = NULL;
        const char *name;
        const void *value;
        size_t size;
        bool any = false;

        sym_archive_entry_xattr_reset(e);
        while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
                any = any || startswith(name, OVERLAY_XATTR_PREFIX);
        if (!any)
                return 0;

        kept = sym_archive_entry_new();
        if (!kept)
                return -ENOMEM;
        sym_archive_entry_xattr_reset(e);
        while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
                if (!startswith(name, OVERLAY_XATTR_PREFIX))
                        sym_archive_entry_xattr_add_entry(kept, name, value, size);
        sym_archive_entry_xattr_clear(e);
        sym_archive_entry_xattr_reset(kept);
        while (sym_archive_entry_xattr_next(kept, &name, &value, &size) == ARCHIVE_OK)
                sym_archive_entry_xattr_add_entry(e, name, value, size);
        return 0;
}

/* A ".wh.NAME" entry as overlayfs' whiteout of NAME: a character device 0:0, mode 0. */
static int make_whiteout(struct archive_entry *e, const char *path, const char *base, char **ret_why) {
        _cleanup_free_ char *target = NULL;
        const char *victim = base + STRLEN(WHITEOUT_PREFIX);

        if (isempty(victim) || streq(victim, ".") || streq(victim, "..") || strchr(victim, '/'))
                return reason(ret_why, -EBADMSG, "entry '%s': not a whiteout of a name", path);
        if (asprintf(&target, "%.*s%s", (int)(base - path), path, victim) < 0)
                return -ENOMEM;
        sym_archive_entry_set_pathname(e, target);
        sym_archive_entry_set_hardlink(e, NULL);
        sym_archive_entry_set_symlink(e, NULL);
        sym_archive_entry_set_filetype(e, AE_IFCHR);
        sym_archive_entry_set_perm(e, 0);
        sym_archive_entry_set_rdev(e, 0);
        sym_archive_entry_set_size(e, 0);
        sym_archive_entry_xattr_clear(e);
        return 0;
}

/* Errors of the disk under the layer rather than of the archive. */
static bool is_storage_error(int e) {
        return e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS || e == EFBIG;
}

/* A result of libarchive's disk writer as a negative errno, 0 when all is well. A full disk, a
 * quota or an I/O error fails the layer even where libarchive calls it a warning; other warnings
 * (an xattr or ACL the file system does not store, an owner it cannot set) do not, as with tar. */
static int write_result(struct archive *out, la_ssize_t r) {
        int e;

        if (r >= ARCHIVE_OK)
                return 0;
        e = sym_archive_errno(out);
        if (r < ARCHIVE_WARN)
                return e > 0 ? -e : -EIO;
        return is_storage_error(e) ? -e : 0;
}

static int copy_data(struct archive *in, struct archive *out, const char *path, char **ret_why) {
        for (;;) {
                const void *buf;
                size_t size;
                la_int64_t offset;
                int r = sym_archive_read_data_block(in, &buf, &size, &offset), e;

                if (r == ARCHIVE_EOF)
                        return 0;
                if (r < ARCHIVE_WARN)
                        return reason(ret_why, -EBADMSG, "entry '%s': %s", path,
                                      sym_archive_error_string(in) ?: "truncated");
                /* A failed write() is ARCHIVE_WARN to libarchive: here, any warning is lost data. */
                r = sym_archive_write_data_block(out, buf, size, offset);
                if (r != ARCHIVE_OK) {
                        e = sym_archive_errno(out) > 0 ? sym_archive_errno(out) : EIO;
                        return reason(ret_why, -e, "entry '%s': %s", path, strerror(e));
                }
        }
}

/* A directory a marker names, opened one component at a time without following symlinks:
 * ".wh..wh..opq" marks the directory it is in, and that is never a symlink's target. Missing
 * directories are made, as libarchive makes an entry's missing parents. */
static int open_marked_dir(int dir_fd, const char *dir, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *copy = strdup(dir);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (dir[0] == '/')
                return -EXDEV;
        fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int sub;

                if (streq(c, "."))
                        continue;
                if (streq(c, ".."))
                        return -EXDEV;
                if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST)
                        return -errno;
                sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        return errno == ELOOP ? -ENOTDIR : -errno;
                safe_close(fd);
                fd = sub;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* After the last entry, so that a directory made later in the archive is marked too. markers holds
 * the markers' paths, each ending in OPAQUE_MARKER. */
static int mark_opaque(int dir_fd, char **markers, char **ret_why) {
        STRV_FOREACH(m, markers) {
                _cleanup_free_ char *dir = strndup(*m, strlen(*m) - STRLEN(OPAQUE_MARKER));
                _cleanup_close_ int fd = -EBADF;
                size_t len;
                int r;

                if (!dir)
                        return -ENOMEM;
                /* "/.wh..wh..opq" is absolute, whatever stripping its slash would make of it. */
                if ((*m)[0] == '/')
                        return reason(ret_why, -EBADMSG, "entry '%s': an opaque marker outside the layer", *m);
                len = strlen(dir);
                while (len > 0 && dir[len - 1] == '/')
                        dir[--len] = 0;
                r = open_marked_dir(dir_fd, dir, &fd);
                if (r == -EXDEV)
                        return reason(ret_why, -EBADMSG, "entry '%s': an opaque marker outside the layer", *m);
                if (r == -ENOTDIR)
                        return reason(ret_why, -EBADMSG,
                                      "entry '%s': an opaque marker in '%s', which is not a directory", *m,
                                      isempty(dir) ? "." : dir);
                if (r < 0)
                        return reason(ret_why, r, "entry '%s': %s", *m, strerror(-r));
                if (fsetxattr(fd, OVERLAY_XATTR_PREFIX "opaque", "y", 1, 0) < 0)
                        return reason(ret_why, -errno, "entry '%s': marking '%s' opaque: %s", *m,
                                      isempty(dir) ? "." : dir, strerror(errno));
        }
        return 0;
}

/* An entry the disk writer refused: a storage error as itself, anything else as a bad entry. */
static int header_refused(struct archive *out, const char *path, char **ret_why) {
        int e = sym_archive_errno(out);

        if (is_storage_error(e) || e == ENOMEM)
                return reason(ret_why, -e, "entry '%s': %s", path, strerror(e));
        return reason(ret_why, -EBADMSG, "entry '%s': %s", path, sym_archive_error_string(out) ?: "refused");
}

static int unpack_entries(struct archive *in, struct archive *out, int dir_fd, bool whiteouts, bool host_safe,
                          char **ret_why) {
        _cleanup_strv_free_ char **opaque = NULL;
        struct archive_entry *e;
        int r;

        for (;;) {
                _cleanup_free_ char *path = NULL, *trimmed = NULL;
                const char *base;
                size_t len;

                r = sym_archive_read_next_header(in, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return reason(ret_why, -EBADMSG, "not a readable tar archive: %s",
                                      sym_archive_error_string(in) ?: "unknown error");
                path = strdup(sym_archive_entry_pathname(e) ?: "");
                if (!path)
                        return -ENOMEM;
                /* "d/.wh..wh..opq/" is still a marker, and "d/.wh.x/" still a whiteout. */
                len = strlen(path);
                while (len > 1 && path[len - 1] == '/')
                        len--;
                trimmed = strndup(path, len);
                if (!trimmed)
                        return -ENOMEM;
                base = strrchr(trimmed, '/');
                base = base ? base + 1 : trimmed;

                if (whiteouts && streq(base, OPAQUE_MARKER)) {
                        if (sym_archive_entry_filetype(e) != AE_IFREG)
                                return reason(ret_why, -EBADMSG, "entry '%s': an opaque marker that is not a file",
                                              path);
                        r = strv_extend(&opaque, path);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (whiteouts && startswith(base, WHITEOUT_META_PREFIX))
                        continue;
                if (whiteouts && startswith(base, WHITEOUT_PREFIX)) {
                        r = make_whiteout(e, trimmed, base, ret_why);
                        if (r < 0)
                                return r;
                } else {
                        r = drop_overlay_xattrs(e);
                        if (r < 0)
                                return r;
                }
                sym_archive_entry_set_fflags(e, 0, 0); /* never restored (EXTRACT_FLAGS): not even asked */
                if (host_safe) {
                        /* layer_unpack_host(): no device node, no setuid or setgid bit of the
                         * archive's choosing on the host */
                        mode_t type = sym_archive_entry_filetype(e);

                        if (type == AE_IFCHR || type == AE_IFBLK)
                                continue;
                        sym_archive_entry_set_mode(e, sym_archive_entry_mode(e) & ~(mode_t) (S_ISUID | S_ISGID));
                }

                r = sym_archive_write_header(out, e);
                if (write_result(out, r) < 0)
                        return header_refused(out, path, ret_why);
                if (sym_archive_entry_size(e) > 0) {
                        r = copy_data(in, out, path, ret_why);
                        if (r < 0)
                                return r;
                }
                r = sym_archive_write_finish_entry(out);
                if (write_result(out, r) < 0)
                        return header_refused(out, path, ret_why);
        }
        /* Directories' times and modes, which libarchive sets once their contents are in. */
        r = sym_archive_write_close(out);
        if (write_result(out, r) < 0) {
                int e2 = -write_result(out, r);

                return reason(ret_why, -e2, "finishing the directories: %s",
                              sym_archive_error_string(out) ?: strerror(e2));
        }
        return mark_opaque(dir_fd, opaque, ret_why);
}

#define READ_BLOCK (128U * 1024U)

/* Where the tar reader's bytes come from when digests are asked for: the archive as it is read
 * (hashed for LayerDigests.compressed), and, for LayerDigests.uncompressed, the decompressed
 * stream of a second reader in libarchive's "raw" format (hashed on its way to the tar reader).
 * One pass over the archive either way. */
typedef struct Source {
        int fd;
        bool hash_raw, hash_plain;
        Digest raw, plain;
        struct archive *decompress; /* NULL unless the uncompressed digest is asked for */
        char raw_buf[READ_BLOCK], plain_buf[READ_BLOCK];
} Source;

static la_ssize_t read_raw(struct archive *a, void *userdata, const void **ret_buf) {
        Source *s = userdata;
        ssize_t n;

        do
                n = read(s->fd, s->raw_buf, sizeof(s->raw_buf));
        while (n < 0 && errno == EINTR);
        if (n < 0) {
                sym_archive_set_error(a, errno, "reading the archive: %s", strerror(errno));
                return ARCHIVE_FATAL;
        }
        if (s->hash_raw)
                digest_update(&s->raw, s->raw_buf, (size_t) n);
        *ret_buf = s->raw_buf;
        return n;
}

static la_ssize_t read_plain(struct archive *a, void *userdata, const void **ret_buf) {
        Source *s = userdata;
        la_ssize_t n = sym_archive_read_data(s->decompress, s->plain_buf, sizeof(s->plain_buf));

        if (n < 0) {
                sym_archive_set_error(a, sym_archive_errno(s->decompress), "%s",
                                  sym_archive_error_string(s->decompress) ?: "cannot decompress the archive");
                return ARCHIVE_FATAL;
        }
        digest_update(&s->plain, s->plain_buf, (size_t) n);
        *ret_buf = s->plain_buf;
        return n;
}

/* What follows the tar stream's end-of-archive marker is part of the blob and of its digest. */
static int drain(Source *s) {
        const void *buf;
        la_ssize_t n;

        if (s->decompress)
                while ((n = read_plain(s->decompress, s, &buf)) > 0)
                        ;
        else
                n = 0;
        if (n < 0)
                return -EBADMSG;
        for (;;) {
                ssize_t k = read(s->fd, s->raw_buf, sizeof(s->raw_buf));

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return 0;
                if (s->hash_raw)
                        digest_update(&s->raw, s->raw_buf, (size_t) k);
        }
}

/* The hashes digests asks for, started on s: of the archive as read (compressed), and of its
 * decompressed stream (uncompressed), which a raw reader of its own gives. -EBADMSG (with what),
 * when that reader cannot make sense of the archive. */
static int start_hashes(Source *s, const LayerDigests *digests, const char *what, char **ret_why) {
        struct archive_entry *e;
        DigestAlgorithm a;

        if (digests && digests->compressed) {
                a = digest_algorithm_of(digests->compressed);
                if (a < 0)
                        return reason(ret_why, -EOPNOTSUPP, "the digest '%s' is of an algorithm berth does not know",
                                      digests->compressed);
                s->hash_raw = true;
                digest_init(&s->raw, a);
        }
        if (digests && digests->uncompressed) {
                a = digest_algorithm_of(digests->uncompressed);
                if (a < 0)
                        return reason(ret_why, -EOPNOTSUPP, "the digest '%s' is of an algorithm berth does not know",
                                      digests->uncompressed);
                s->hash_plain = true;
                digest_init(&s->plain, a);
                s->decompress = sym_archive_read_new();
                if (!s->decompress)
                        return -ENOMEM;
                sym_archive_read_support_filter_all(s->decompress);
                sym_archive_read_support_format_raw(s->decompress);
                if (sym_archive_read_open(s->decompress, s, NULL, read_raw, NULL) != ARCHIVE_OK ||
                    sym_archive_read_next_header(s->decompress, &e) < ARCHIVE_WARN)
                        return reason(ret_why, -EBADMSG, "not a readable %s: %s", what,
                                      sym_archive_error_string(s->decompress) ?: "unknown error");
        }
        return 0;
}

static int open_source(struct archive *in, Source *s, LayerDigests *digests, char **ret_why) {
        int r;

        r = start_hashes(s, digests, "tar archive", ret_why);
        if (r < 0)
                return r;
        if (s->decompress) {
                sym_archive_read_support_format_tar(in);
                if (sym_archive_read_open(in, s, NULL, read_plain, NULL) != ARCHIVE_OK)
                        return reason(ret_why, -EBADMSG, "not a readable tar archive: %s",
                                      sym_archive_error_string(in) ?: "unknown error");
                return 0;
        }
        sym_archive_read_support_filter_all(in);
        sym_archive_read_support_format_tar(in);
        if ((s->hash_raw ? sym_archive_read_open(in, s, NULL, read_raw, NULL)
                         : sym_archive_read_open_fd(in, s->fd, READ_BLOCK)) != ARCHIVE_OK)
                return reason(ret_why, -EBADMSG, "not a readable tar archive: %s",
                              sym_archive_error_string(in) ?: "unknown error");
        return 0;
}

static int unpack(int archive_fd, int dir_fd, bool whiteouts, bool host_safe, LayerDigests *digests, char **ret_why) {
        _cleanup_(archive_read_freep) struct archive *in = NULL;
        _cleanup_(archive_write_freep) struct archive *out = NULL;
        _cleanup_close_ int cwd = -EBADF;
        _cleanup_free_ Source *s = NULL;
        int r;

        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(Source));
        in = sym_archive_read_new();
        out = sym_archive_write_disk_new();
        if (!s || !in || !out)
                return -ENOMEM;
        s->fd = archive_fd;
        if (sym_archive_write_disk_set_options(out, EXTRACT_FLAGS) != ARCHIVE_OK)
                return -EINVAL;
        r = open_source(in, s, digests, ret_why);
        if (r < 0)
                goto finish;

        /* libarchive writes relative to the working directory. */
        cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cwd < 0) {
                r = -errno;
                goto finish;
        }
        if (fchdir(dir_fd) < 0) {
                r = -errno;
                goto finish;
        }
        r = unpack_entries(in, out, dir_fd, whiteouts, host_safe, ret_why);
        if (fchdir(cwd) < 0 && r >= 0)
                r = -errno;
        if (r >= 0 && (s->hash_raw || s->hash_plain)) {
                r = drain(s);
                if (r < 0)
                        r = reason(ret_why, r, "reading the archive to its end: %s", strerror(-r));
        }
        if (r >= 0 && s->hash_raw)
                digest_final(&s->raw, digests->compressed_actual);
        if (r >= 0 && s->hash_plain)
                digest_final(&s->plain, digests->uncompressed_actual);
finish:
        /* The tar reader before the one it reads from. */
        sym_archive_read_free(TAKE_PTR(in));
        if (s->decompress)
                sym_archive_read_free(s->decompress);
        return r;
}

int layer_digests(int archive_fd, LayerDigests *digests, char **ret_why) {
        _cleanup_free_ Source *s = NULL;
        int r;

        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(Source));
        if (!s)
                return -ENOMEM;
        s->fd = archive_fd;
        r = start_hashes(s, digests, "archive", ret_why);
        if (r >= 0) {
                r = drain(s);
                if (r < 0)
                        r = reason(ret_why, r, "reading the archive to its end: %s", strerror(-r));
        }
        if (r >= 0 && s->hash_raw)
                digest_final(&s->raw, digests->compressed_actual);
        if (r >= 0 && s->hash_plain)
                digest_final(&s->plain, digests->uncompressed_actual);
        if (s->decompress)
                sym_archive_read_free(s->decompress);
        return r;
}

int layer_unpack_digests(int archive_fd, int dir_fd, bool whiteouts, LayerDigests *digests, char **ret_why) {
        return unpack(archive_fd, dir_fd, whiteouts, /* host_safe= */ false, digests, ret_why);
}

int layer_unpack(int archive_fd, int dir_fd, bool whiteouts, char **ret_why) {
        return unpack(archive_fd, dir_fd, whiteouts, /* host_safe= */ false, NULL, ret_why);
}

int layer_unpack_host(int archive_fd, int dir_fd, char **ret_why) {
        return unpack(archive_fd, dir_fd, /* whiteouts= */ false, /* host_safe= */ true, NULL, ret_why);
}

static void archive_entry_linkresolver_freep(struct archive_entry_linkresolver **l) {
        if (*l)
                sym_archive_entry_linkresolver_free(*l);
}

static int pack_entries(struct archive *disk, struct archive *out, char **ret_why) {
        _cleanup_(archive_entry_linkresolver_freep) struct archive_entry_linkresolver *links = NULL;

        /* A file's second name as a hard link to its first, as tar does. */
        links = sym_archive_entry_linkresolver_new();
        if (!links)
                return -ENOMEM;
        sym_archive_entry_linkresolver_set_strategy(links, sym_archive_format(out));

        for (;;) {
                _cleanup_(archive_entry_freep) struct archive_entry *e = sym_archive_entry_new();
                struct archive_entry *deferred = NULL;
                int r;

                if (!e)
                        return -ENOMEM;
                r = sym_archive_read_next_header2(disk, e);
                if (r == ARCHIVE_EOF)
                        return 0;
                if (r < ARCHIVE_WARN)
                        return reason(ret_why, -EIO, "%s",
                                      sym_archive_error_string(disk) ?: "reading the tree failed");
                if (sym_archive_read_disk_can_descend(disk))
                        sym_archive_read_disk_descend(disk);
                if (streq_ptr(sym_archive_entry_pathname(e), "."))
                        continue; /* the top: its owner and mode are no file's */
                /* For tar's strategy nothing is deferred: e comes back, as a link when seen before. */
                sym_archive_entry_linkify(links, &e, &deferred);
                if (deferred)
                        sym_archive_entry_free(deferred);
                if (!e)
                        continue;
                r = sym_archive_write_header(out, e);
                if (r < ARCHIVE_WARN)
                        return reason(ret_why, -EIO, "entry '%s': %s", sym_archive_entry_pathname(e),
                                      sym_archive_error_string(out) ?: "refused");
                if (sym_archive_entry_filetype(e) == AE_IFREG && sym_archive_entry_size(e) > 0 &&
                    !sym_archive_entry_hardlink(e)) {
                        for (;;) {
                                const void *buf;
                                size_t size;
                                la_int64_t offset;

                                r = sym_archive_read_data_block(disk, &buf, &size, &offset);
                                if (r == ARCHIVE_EOF)
                                        break;
                                if (r < ARCHIVE_WARN)
                                        return reason(ret_why, -EIO, "reading '%s': %s",
                                                      sym_archive_entry_pathname(e),
                                                      sym_archive_error_string(disk) ?: "failed");
                                if (sym_archive_write_data(out, buf, size) < 0)
                                        return reason(ret_why, -EIO, "writing '%s': %s",
                                                      sym_archive_entry_pathname(e),
                                                      sym_archive_error_string(out) ?: "failed");
                        }
                }
        }
}

int layer_pack(int dir_fd, int out_fd, char **ret_why) {
        _cleanup_(archive_read_freep) struct archive *disk = NULL;
        _cleanup_(archive_write_freep) struct archive *out = NULL;
        _cleanup_close_ int cwd = -EBADF;
        int r;

        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        disk = sym_archive_read_disk_new();
        out = sym_archive_write_new();
        if (!disk || !out)
                return -ENOMEM;
        /* Symlinks as symlinks; one file system; hard links found and written once. */
        if (sym_archive_read_disk_set_symlink_physical(disk) != ARCHIVE_OK ||
            sym_archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS) != ARCHIVE_OK ||
            sym_archive_write_set_format_pax_restricted(out) != ARCHIVE_OK ||
            sym_archive_write_open_fd(out, out_fd) != ARCHIVE_OK)
                return -EINVAL;

        cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cwd < 0)
                return -errno;
        if (fchdir(dir_fd) < 0)
                return -errno;
        r = sym_archive_read_disk_open(disk, ".") == ARCHIVE_OK
                    ? pack_entries(disk, out, ret_why)
                    : reason(ret_why, -EIO, "%s", sym_archive_error_string(disk) ?: "cannot read the tree");
        if (r >= 0 && sym_archive_write_close(out) != ARCHIVE_OK)
                r = reason(ret_why, -EIO, "%s", sym_archive_error_string(out) ?: "finishing the archive failed");
        if (fchdir(cwd) < 0 && r >= 0)
                r = -errno;
        return r;
}

/* What layer_pack_path() changes of an entry: its name (path's own replaced by the prefix), its
 * owner (reset), what is dropped for a host that did not choose the file's content. */
static int pack_entry_adjust(struct archive_entry *e, const char *path, const LayerPackOptions *o) {
        const char *name = sym_archive_entry_pathname(e), *rest;
        _cleanup_free_ char *renamed = NULL;
        mode_t type;

        if (!name)
                return -EINVAL;
        rest = startswith(name, path);
        if (!rest || (*rest && *rest != '/'))
                return -EINVAL;
        renamed = strjoin(o->prefix, rest);
        if (!renamed)
                return -ENOMEM;
        sym_archive_entry_set_pathname(e, renamed);
        if (o->reset_owner) {
                sym_archive_entry_set_uid(e, 0);
                sym_archive_entry_set_gid(e, 0);
                sym_archive_entry_set_uname(e, NULL);
                sym_archive_entry_set_gname(e, NULL);
        }
        type = sym_archive_entry_filetype(e);
        if (o->host_safe) {
                /* No device node of the container's choosing on the host, and no setuid or
                 * setgid program it wrote: a host user could use them. */
                if (type == AE_IFCHR || type == AE_IFBLK)
                        return 0;
                sym_archive_entry_set_mode(e, sym_archive_entry_mode(e) & ~(mode_t) (S_ISUID | S_ISGID));
        }
        return 1;
}

int layer_pack_path(int dir_fd, const char *path, const LayerPackOptions *o, int out_fd, char **ret_why) {
        _cleanup_(archive_read_freep) struct archive *disk = NULL;
        _cleanup_(archive_write_freep) struct archive *out = NULL;
        _cleanup_(archive_entry_linkresolver_freep) struct archive_entry_linkresolver *links = NULL;
        _cleanup_close_ int cwd = -EBADF;
        int r;

        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        disk = sym_archive_read_disk_new();
        out = sym_archive_write_new();
        links = sym_archive_entry_linkresolver_new();
        if (!disk || !out || !links)
                return -ENOMEM;
        if (sym_archive_read_disk_set_symlink_physical(disk) != ARCHIVE_OK ||
            sym_archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS) != ARCHIVE_OK ||
            sym_archive_write_set_format_pax_restricted(out) != ARCHIVE_OK ||
            sym_archive_write_open_fd(out, out_fd) != ARCHIVE_OK)
                return -EINVAL;
        sym_archive_entry_linkresolver_set_strategy(links, sym_archive_format(out));

        cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cwd < 0)
                return -errno;
        if (fchdir(dir_fd) < 0)
                return -errno;
        if (sym_archive_read_disk_open(disk, path) != ARCHIVE_OK)
                r = reason(ret_why, -EIO, "%s", sym_archive_error_string(disk) ?: "cannot read the tree");
        else
                for (;;) {
                        _cleanup_(archive_entry_freep) struct archive_entry *e = sym_archive_entry_new();
                        struct archive_entry *deferred = NULL;
                        int k;

                        if (!e) {
                                r = -ENOMEM;
                                break;
                        }
                        k = sym_archive_read_next_header2(disk, e);
                        if (k == ARCHIVE_EOF) {
                                r = 0;
                                break;
                        }
                        if (k < ARCHIVE_WARN) {
                                r = reason(ret_why, -EIO, "%s", sym_archive_error_string(disk) ?: "reading the tree failed");
                                break;
                        }
                        if (sym_archive_read_disk_can_descend(disk))
                                sym_archive_read_disk_descend(disk);
                        if (streq(path, ".") && streq(o->prefix, ".") && streq_ptr(sym_archive_entry_pathname(e), "."))
                                continue; /* the top of "DIR/." into a directory: its owner and mode are the destination's */
                        r = pack_entry_adjust(e, path, o);
                        if (r < 0) {
                                r = reason(ret_why, r, "entry '%s': cannot be named", sym_archive_entry_pathname(e) ?: "?");
                                break;
                        }
                        if (r == 0)
                                continue;
                        sym_archive_entry_linkify(links, &e, &deferred);
                        if (deferred)
                                sym_archive_entry_free(deferred);
                        if (!e)
                                continue;
                        k = sym_archive_write_header(out, e);
                        if (k < ARCHIVE_WARN) {
                                r = reason(ret_why, -EIO, "entry '%s': %s", sym_archive_entry_pathname(e),
                                           sym_archive_error_string(out) ?: "refused");
                                break;
                        }
                        r = 0;
                        if (sym_archive_entry_filetype(e) == AE_IFREG && sym_archive_entry_size(e) > 0 &&
                            !sym_archive_entry_hardlink(e))
                                for (;;) {
                                        const void *buf;
                                        size_t size;
                                        la_int64_t offset;

                                        k = sym_archive_read_data_block(disk, &buf, &size, &offset);
                                        if (k == ARCHIVE_EOF)
                                                break;
                                        if (k < ARCHIVE_WARN) {
                                                r = reason(ret_why, -EIO, "reading '%s': %s", sym_archive_entry_pathname(e),
                                                           sym_archive_error_string(disk) ?: "failed");
                                                break;
                                        }
                                        if (sym_archive_write_data(out, buf, size) < 0) {
                                                r = reason(ret_why, -EIO, "writing '%s': %s", sym_archive_entry_pathname(e),
                                                           sym_archive_error_string(out) ?: "failed");
                                                break;
                                        }
                                }
                        if (r < 0)
                                break;
                }
        if (r >= 0 && sym_archive_write_close(out) != ARCHIVE_OK)
                r = reason(ret_why, -EIO, "%s", sym_archive_error_string(out) ?: "finishing the archive failed");
        if (fchdir(cwd) < 0 && r >= 0)
                r = -errno;
        return r;
}

int layer_diff_id(int dir_fd, char ret[static DIGEST_STRING_MAX], char **ret_why) {
        _cleanup_close_pair_ int pipe_fds[2] = { -EBADF, -EBADF };
        uint8_t buf[64 * 1024];
        Digest d;
        pid_t pid;
        int r, status;

        r = layer_dlopen(ret_why);
        if (r < 0)
                return r;
        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -errno;
        /* The packer in a child of its own: layer_pack() changes the working directory, and the
         * archive streams through the pipe rather than onto the disk. */
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                pipe_fds[0] = safe_close(pipe_fds[0]);
                _exit(layer_pack(dir_fd, pipe_fds[1], NULL) < 0 ? 1 : 0);
        }
        pipe_fds[1] = safe_close(pipe_fds[1]);
        digest_init(&d, DIGEST_SHA256);
        for (;;) {
                ssize_t n = read(pipe_fds[0], buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                digest_update(&d, buf, (size_t) n);
        }
        pipe_fds[0] = safe_close(pipe_fds[0]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return reason(ret_why, -EIO, "packing the layer to compute its digest failed");
        digest_final(&d, ret);
        return 0;
}
