/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth cp: docker cp, files between a container and the host, or a tar stream ("-").
 *
 *   berth cp [-a] [-L] NAME:SRC DEST|-      out of the container
 *   berth cp [-a] [-L] SRC|- NAME:DEST      into it
 *
 * Paths as docker cp has them: a directory is copied whole (or its contents, with SRC/.), into an
 * existing directory DEST under its own name, or as DEST when DEST does not exist; a file replaces
 * a file. Owners are reset to root's (the caller's) unless -a keeps the source's; -L follows SRC
 * when it is a symlink.
 *
 * The container's side is a tar archive (layer.h) packed or unpacked by a child that chroot()s
 * into the container's root and keeps only the capabilities a copy needs: whatever the container
 * has planted (symlinks, a race while it runs), every path the child resolves stays inside that
 * root, and nothing the container wrote can reach the host through it — the same guarantee
 * openat2(RESOLVE_IN_ROOT) gives the checks made here before, which resolve SRC and DEST in the
 * root without following a symlink out of it. libarchive is loaded (and iconv's configuration
 * read) before the chroot, so that the child never loads code from the container's files.
 *
 * A running container's root is its PID 1's (/proc/PID/root, checked to be still its PID 1 after
 * it was opened): what it sees, volumes included. A stopped one's is its overlay, mounted
 * detached under the container's lock (it cannot start meanwhile): its volumes are not mounted
 * then, and a path on one is refused. Copied out onto the host, device nodes are left out and
 * setuid and setgid bits cleared: a host user could use what the container chose. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <iconv.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <sched.h>
#include <unistd.h>

#include "bus.h"
#include "caps.h"
#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "fd-util.h"
#include "idmap.h"
#include "image-config.h"
#include "image.h"
#include "layer.h"
#include "lock.h"
#include "log.h"
#include "mount.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "scope.h"
#include "string-util.h"
#include "strv.h"
#include "verbs.h"
#include "volume-spec.h"

static bool arg_archive = false;
static bool arg_follow = false;

/* A container's root, open. */
typedef struct Root {
        int fd;
        int lock_fd; /* a stopped container's lock, held while we use its overlay */
        bool running;
        Definition *d;
        int userns_fd; /* Issue 18: a running container's user namespace, when it has one; else -EBADF */
} Root;

static void root_done(Root *r) {
        r->fd = safe_close(r->fd);
        r->userns_fd = safe_close(r->userns_fd);
        r->lock_fd = safe_close(r->lock_fd);
        r->d = definition_free(r->d);
}

/* "NAME:PATH" → the name and the path; 0 when arg is a host path (it has no ':' before any '/',
 * or starts with '/' or '.', as docker tells them apart). */
static int split_container_path(const char *arg, char **ret_name, char **ret_path) {
        const char *colon = strchr(arg, ':'), *slash = strchr(arg, '/');
        _cleanup_free_ char *name = NULL;

        if (!colon || arg[0] == '/' || arg[0] == '.' || (slash && slash < colon))
                return 0;
        name = strndup(arg, (size_t) (colon - arg));
        if (!name)
                return -ENOMEM;
        if (!name_is_valid(name))
                return log_error_errno(-EINVAL, "invalid container name '%s': names must match " NAME_RULE, name);
        if (isempty(colon + 1))
                return log_error_errno(-EINVAL, "%s: a path in the container is wanted after ':'", arg);
        *ret_path = strdup(colon + 1);
        if (!*ret_path)
                return -ENOMEM;
        *ret_name = TAKE_PTR(name);
        return 1;
}

/* The path absolute, as the container's root sees it ("a/b" is "/a/b": docker's paths are from
 * the root, its working directory aside). */
static char *container_path(const char *p) {
        return p[0] == '/' ? strdup(p) : strjoin("/", p);
}

static bool path_under(const char *p, const char *dst) {
        const char *rest = startswith(p, dst);

        return rest && (*rest == 0 || *rest == '/' || streq(dst, "/"));
}

/* The destination of the stopped container's volume, tmpfs or image volume that p (absolute) is
 * at or under, or NULL: what is mounted there only while it runs. */
static char *on_volume(const Definition *d, const char *p) {
        _cleanup_(image_config_done) ImageConfig image = IMAGE_CONFIG_NULL;
        char **lists[] = { d->volumes, d->tmpfs };

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                STRV_FOREACH(s, lists[k]) {
                        _cleanup_(volume_mount_done) VolumeMount m = {};

                        if ((k == 0 ? volume_spec_parse(*s, &m, NULL) : volume_tmpfs_parse(*s, &m, NULL)) < 0)
                                continue;
                        if (path_under(p, m.destination))
                                return strdup(m.destination);
                }
        /* the image's declared volumes, anonymous volumes of the container's */
        if (image_config_read(d->image, &image) >= 0)
                STRV_FOREACH(v, image.volumes)
                        if (path_under(p, *v))
                                return strdup(*v);
        return NULL;
}

/* Refuses p when it is on a volume of the stopped container: logs the one line. */
static int check_not_on_volume(const Root *root, const char *name, const char *p) {
        _cleanup_free_ char *v = NULL;

        if (root->running)
                return 0;
        v = on_volume(root->d, p);
        if (v)
                return log_error_errno(-EBUSY, "%s is on volume %s of container %s, mounted only while it runs", p, v,
                                       name);
        return 0;
}

static int open_root(const char *given, bool writable, Root *ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(root_done) Root root = { .fd = -EBADF, .lock_fd = -EBADF, .userns_fd = -EBADF };
        _cleanup_close_ int pidfd = -EBADF;
        pid_t pid, again;
        int r;

        const char *name;

        if (containers_load_definition(given, &root.d) < 0)
                return -ENOENT;
        name = root.d->name; /* Issue 16: leftovers. The key, when given the ContainerName=. */
        r = bus_open_systemd(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd: %m");

        if (scope_pid1(bus, name, &pid) >= 0) {
                char path[64];
                struct pollfd p;

                /* Its PID 1's root; and it is still its PID 1 once that is open. */
                pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
                if (pidfd < 0)
                        return log_error_errno(-errno, "container %s stopped meanwhile", name);
                snprintf(path, sizeof(path), "/proc/%d/root", (int) pid);
                root.fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root.fd < 0)
                        return log_error_errno(-errno, "Failed to open the root of container %s: %m", name);
                p = (struct pollfd) { .fd = pidfd, .events = POLLIN };
                if (poll(&p, 1, 0) != 0 || scope_pid1(bus, name, &again) < 0 || again != pid)
                        return log_error_errno(-ESRCH, "container %s stopped meanwhile", name);
                root.running = true;
                /* Issue 18: user namespaces. The copy is made as the container's root in its own
                 * user namespace: owners read and written are the container's IDs, and files it
                 * creates land in the idmapped upper directory as the container's root. */
                r = idmap_of_process(pid, NULL, NULL);
                if (r > 0) {
                        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
                        root.userns_fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (root.userns_fd < 0)
                                r = -errno;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to open the user namespace of container %s: %m", name);
                *ret = root;
                root = (Root) { .fd = -EBADF, .lock_fd = -EBADF, .userns_fd = -EBADF };
                return 0;
        }

        /* Stopped: its overlay, under its lock, so that it does not start meanwhile. */
        {
                _cleanup_free_ char *dir = path_join(berth_state_dir(), "containers", name), *upper = NULL,
                                    *work = NULL, *why = NULL;
                _cleanup_(store_closep) Store *store = NULL;
                _cleanup_strv_free_ char **layers = NULL, **image_layers = NULL;

                if (!dir)
                        return log_oom();
                upper = path_join(dir, "upper");
                work = path_join(dir, "work");
                if (!upper || !work)
                        return log_oom();
                r = lock_take(name, &root.lock_fd);
                if (r == -EBUSY)
                        return log_error_errno(r, "container %s is starting or stopping; try again", name);
                if (r < 0)
                        return log_error_errno(r, "Failed to lock container %s: %m", name);
                r = store_open(&store, &why);
                if (r >= 0)
                        r = containers_layers(store, root.d, &image_layers, &why);
                if (r < 0)
                        return log_error_errno(r, "Failed to resolve image '%s': %s", definition_image_shown(root.d),
                                               why ?: strerror(-r));
                if (writable) {
                        /* As the container's start makes them; it finds them there. */
                        r = mkdir_p(dir, 0700);
                        if (r >= 0 && mkdir(upper, 0755) < 0 && errno != EEXIST)
                                r = -errno;
                        if (r >= 0 && mkdir(work, 0700) < 0 && errno != EEXIST)
                                r = -errno;
                        if (r < 0)
                                return log_error_errno(r, "Failed to create %s: %m", dir);
                        r = mount_overlay_detached_rw(image_layers, upper, work, &root.fd);
                } else {
                        if (access(upper, F_OK) >= 0 && strv_extend(&layers, upper) < 0)
                                return log_oom();
                        STRV_FOREACH(l, image_layers)
                                if (strv_extend(&layers, *l) < 0)
                                        return log_oom();
                        if (strv_length(layers) == 1) {
                                root.fd = open(layers[0], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                r = root.fd < 0 ? -errno : 0;
                        } else
                                r = mount_overlay_detached(layers, &root.fd);
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to mount the file system of container %s: %m", name);
        }
        *ret = root;
        root = (Root) { .fd = -EBADF, .lock_fd = -EBADF };
        return 0;
}

/* What p is in the container: its stat, following a last symlink only when follow; -ENOENT. The
 * path is resolved in the root (RESOLVE_IN_ROOT): symlinks in it never lead out. */
static int stat_in_root(int root_fd, const char *p, bool follow, struct stat *ret) {
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_close_ int fd = -EBADF;

        fd = (int) syscall(SYS_openat2, root_fd, p, &how, sizeof(how));
        if (fd < 0)
                return -errno;
        return fstat(fd, ret) < 0 ? -errno : 0;
}

/* Loaded now, from the host's files, so that the chroot()ed child never loads a library or reads
 * a configuration from the container's: libarchive (and what it links), iconv's module
 * configuration (read once per process, on first use), the conversions libarchive asks for. */
static int preload(void) {
        _cleanup_free_ char *why = NULL;
        const char *pairs[][2] = { { "UTF-8", "ANSI_X3.4-1968" }, { "ANSI_X3.4-1968", "UTF-8" } };
        int r;

        r = layer_dlopen(&why);
        if (r < 0)
                return log_error_errno(r, "%s", why);
        (void) caps_all(); /* libcap asks the kernel once */
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                iconv_t cd = iconv_open(pairs[i][0], pairs[i][1]);

                if (cd != (iconv_t) -1)
                        iconv_close(cd);
        }
        return 0;
}

/* SRC/. (or /): the directory's contents, not the directory. */
static bool ends_with_dot(const char *p) {
        return streq(p, ".") || endswith(p, "/.") || streq(p, "/");
}

static char *base_name(const char *p) {
        _cleanup_free_ char *t = strdup(p);
        char *b;

        if (!t)
                return NULL;
        b = basename(t);
        return strdup(streq(b, "") ? "." : b);
}

static char *dir_name(const char *p) {
        _cleanup_free_ char *t = strdup(p);

        return t ? strdup(dirname(t)) : NULL;
}

typedef struct ChildJob {
        bool pack;           /* out of the container; else into it */
        bool follow;         /* pack: what dir/path links to, when it is a symlink (-L) */
        const char *dir;     /* in the container: the directory packed from or unpacked into */
        const char *path;    /* pack: the entry in dir ("." for its contents) */
        LayerPackOptions o;  /* pack */
        int fd;              /* the archive: written (pack) or read (unpack) */
} ChildJob;

/* In the child, chroot()ed into the container's root with the capabilities of a copy only. Its
 * errors go to stderr, as berth's do. */
static int child_run(int root_fd, int userns_fd, const ChildJob *job) {
        _cleanup_free_ char *why = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const uint64_t keep = (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH) |
                              (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_MKNOD) |
                              (1ULL << CAP_SETFCAP);
        int keep_fds[] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, root_fd, job->fd, userns_fd };
        int r;

        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        (void) prctl(PR_SET_DUMPABLE, 0);
        r = close_all_fds_except(keep_fds, ELEMENTSOF(keep_fds));
        if (r < 0)
                return log_error_errno(r, "Failed to close file descriptors: %m");
        /* Issue 18: user namespaces. */
        if (userns_fd >= 0) {
                if (setns(userns_fd, CLONE_NEWUSER) < 0 || setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
                    setresuid(0, 0, 0) < 0)
                        return log_error_errno(-errno, "Failed to enter the container's user namespace: %m");
                userns_fd = safe_close(userns_fd);
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                (void) prctl(PR_SET_DUMPABLE, 0);
        }
        if (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
                return log_error_errno(-errno, "Failed to enter the container's root: %m");
        safe_close(root_fd);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "Failed to set no_new_privs: %m");
        r = caps_drop_to(keep, 0, 0, NULL, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to drop capabilities: %m");

        if (job->pack && job->follow && !streq(job->path, ".")) {
                /* resolved here, in the chroot: a symlink cannot lead out of it */
                _cleanup_free_ char *full = path_join(job->dir, job->path), *real = NULL, *d = NULL, *b = NULL;

                if (!full)
                        return log_oom();
                real = realpath(full, NULL);
                if (!real)
                        return log_error_errno(-errno, "%s in the container: %m", full);
                d = dir_name(real);
                b = base_name(real);
                if (!d || !b)
                        return log_oom();
                dir_fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0)
                        return log_error_errno(-errno, "%s in the container: %m", d);
                r = layer_pack_path(dir_fd, b, &job->o, job->fd, &why);
                goto done;
        }
        dir_fd = open(job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return log_error_errno(-errno, "%s in the container: %m", job->dir);
        if (job->pack)
                r = layer_pack_path(dir_fd, job->path, &job->o, job->fd, &why);
        else
                r = layer_unpack(job->fd, dir_fd, /* whiteouts= */ false, &why);
done:
        if (r < 0) {
                if (why)
                        log_error("Failed to copy: %s", why);
                else
                        log_error_errno(r, "Failed to copy: %m");
        }
        return r;
}

static int child_start(int root_fd, int userns_fd, const ChildJob *job, pid_t *ret) {
        pid_t pid;

        fflush(NULL);
        pid = fork();
        if (pid < 0)
                return log_error_errno(-errno, "Failed to fork: %m");
        if (pid == 0)
                _exit(child_run(root_fd, userns_fd, job) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        *ret = pid;
        return 0;
}

/* 0 when the child succeeded; it said why not. */
static int child_wait(pid_t pid) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(-errno, "Failed to wait for the copy: %m");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFSIGNALED(status))
                log_error("the copy was killed by signal %d", WTERMSIG(status));
        return -EIO;
}

/* Where the copy lands, docker's rules: the directory to unpack into and the name of the copy
 * in it, given what SRC is and what DEST is (dest_exists, dest_is_dir). */
static int target(const char *src, bool src_is_dir, const char *dest, bool dest_exists, bool dest_is_dir,
                  char **ret_dir, char **ret_prefix) {
        _cleanup_free_ char *dir = NULL, *prefix = NULL;

        if (dest_exists && dest_is_dir) {
                dir = strdup(dest);
                prefix = src_is_dir && ends_with_dot(src) ? strdup(".") : base_name(src);
        } else if (dest_exists) {
                if (src_is_dir)
                        return log_error_errno(-ENOTDIR, "cannot copy a directory onto the file %s", dest);
                dir = dir_name(dest);
                prefix = base_name(dest);
        } else {
                if (!src_is_dir && endswith(dest, "/"))
                        return log_error_errno(-ENOENT, "destination directory %s does not exist", dest);
                dir = dir_name(dest);
                prefix = base_name(dest);
        }
        if (!dir || !prefix)
                return log_oom();
        if (streq(prefix, "..") || (streq(prefix, ".") && !(dest_exists && dest_is_dir)))
                return log_error_errno(-EINVAL, "%s: not a name to copy to", dest);
        *ret_dir = TAKE_PTR(dir);
        *ret_prefix = TAKE_PTR(prefix);
        return 0;
}

/* The path SRC names in the container, as the child packs it: its directory and the entry in it. */
static int source_parts(const char *src, char **ret_dir, char **ret_entry) {
        if (streq(src, "/")) {
                *ret_dir = strdup("/");
                *ret_entry = strdup(".");
        } else if (ends_with_dot(src)) {
                *ret_dir = dir_name(src);
                *ret_entry = strdup(".");
        } else {
                *ret_dir = dir_name(src);
                *ret_entry = base_name(src);
        }
        return *ret_dir && *ret_entry ? 0 : log_oom();
}

static int copy_out(const char *name, const char *src_arg, const char *dest) {
        _cleanup_(root_done) Root root = { .fd = -EBADF, .lock_fd = -EBADF, .userns_fd = -EBADF };
        _cleanup_free_ char *src = container_path(src_arg), *src_dir = NULL, *entry = NULL, *dir = NULL,
                            *prefix = NULL, *why = NULL;
        _cleanup_close_ int pipe_r = -EBADF, pipe_w = -EBADF, dest_fd = -EBADF;
        struct stat st_src, st_dest;
        bool to_stdout = streq(dest, "-"), dest_exists;
        ChildJob job = {};
        pid_t pid;
        int fds[2], r, k;

        if (!src)
                return log_oom();
        if (to_stdout && isatty(STDOUT_FILENO))
                return log_error_errno(-EINVAL, "refusing to write an archive to a terminal; use a redirection");
        if (preload() < 0)
                return -EIO;
        r = open_root(name, /* writable= */ false, &root);
        if (r < 0)
                return r;
        r = check_not_on_volume(&root, name, src);
        if (r < 0)
                return r;
        r = stat_in_root(root.fd, src, arg_follow, &st_src);
        if (r < 0)
                return log_error_errno(r, "%s in container %s: %m", src, name);
        if (ends_with_dot(src) && !S_ISDIR(st_src.st_mode))
                return log_error_errno(-ENOTDIR, "%s in container %s: not a directory", src, name);

        /* With -L the symlink's target is packed, under SRC's name: the child resolves it in the
         * root, a symlink at a time, as its chroot has it. */
        r = source_parts(src, &src_dir, &entry);
        if (r < 0)
                return r;
        job = (ChildJob) { .pack = true, .follow = arg_follow, .dir = src_dir, .path = entry,
                           .o = { .reset_owner = !arg_archive, .host_safe = !to_stdout } };

        if (to_stdout) {
                _cleanup_free_ char *top = base_name(src);

                if (!top)
                        return log_oom();
                job.o.prefix = streq(entry, ".") ? "." : top;
                job.fd = STDOUT_FILENO;
                r = child_start(root.fd, root.userns_fd, &job, &pid);
                return r < 0 ? r : child_wait(pid);
        }

        dest_exists = stat(dest, &st_dest) >= 0;
        if (!dest_exists && errno != ENOENT)
                return log_error_errno(-errno, "%s: %m", dest);
        r = target(src, S_ISDIR(st_src.st_mode), dest, dest_exists, dest_exists && S_ISDIR(st_dest.st_mode), &dir, &prefix);
        if (r < 0)
                return r;
        dest_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dest_fd < 0)
                return log_error_errno(-errno, "%s: %m", dir);
        job.o.prefix = prefix;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "Failed to make a pipe: %m");
        pipe_r = fds[0];
        pipe_w = fds[1];
        job.fd = pipe_w;
        r = child_start(root.fd, root.userns_fd, &job, &pid);
        if (r < 0)
                return r;
        pipe_w = safe_close(pipe_w);
        /* Filtered here too, not only by the child that packs: it runs in the container's root. */
        r = layer_unpack_host(pipe_r, dest_fd, &why);
        pipe_r = safe_close(pipe_r);
        k = child_wait(pid);
        if (k < 0)
                return k;
        if (r < 0) {
                if (why)
                        return log_error_errno(r, "Failed to copy into %s: %s", dir, why);
                return log_error_errno(r, "Failed to copy into %s: %m", dir);
        }
        return 0;
}

static int copy_in(const char *src, const char *name, const char *dest_arg) {
        _cleanup_(root_done) Root root = { .fd = -EBADF, .lock_fd = -EBADF, .userns_fd = -EBADF };
        _cleanup_free_ char *dest = container_path(dest_arg), *dir = NULL, *prefix = NULL, *src_dir = NULL,
                            *entry = NULL, *why = NULL;
        _cleanup_close_ int pipe_r = -EBADF, pipe_w = -EBADF, src_fd = -EBADF;
        struct stat st_src, st_dest;
        bool from_stdin = streq(src, "-"), dest_exists;
        ChildJob job = {};
        pid_t pid;
        int fds[2], r, k;

        if (!dest)
                return log_oom();
        if (from_stdin && isatty(STDIN_FILENO))
                return log_error_errno(-EINVAL, "refusing to read an archive from a terminal; use a redirection");
        if (!from_stdin && (arg_follow ? stat(src, &st_src) : lstat(src, &st_src)) < 0)
                return log_error_errno(-errno, "%s: %m", src);
        if (!from_stdin && ends_with_dot(src) && !S_ISDIR(st_src.st_mode))
                return log_error_errno(-ENOTDIR, "%s: not a directory", src);
        if (preload() < 0)
                return -EIO;
        r = open_root(name, /* writable= */ true, &root);
        if (r < 0)
                return r;
        r = check_not_on_volume(&root, name, dest);
        if (r < 0)
                return r;
        /* Running, the kernel says so where it is read-only (its volumes are not); stopped, its
         * whole file system is its root. */
        if (!root.running && root.d->read_only)
                return log_error_errno(-EROFS, "container %s's root file system is read-only (ReadOnly=yes)", name);
        r = stat_in_root(root.fd, dest, /* follow= */ true, &st_dest);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "%s in container %s: %m", dest, name);
        dest_exists = r >= 0;

        if (from_stdin) {
                /* docker's rule: the archive goes into a directory that exists */
                if (!dest_exists || !S_ISDIR(st_dest.st_mode))
                        return log_error_errno(-ENOTDIR, "%s in container %s: not a directory", dest, name);
                job = (ChildJob) { .pack = false, .dir = dest, .fd = STDIN_FILENO };
                r = child_start(root.fd, root.userns_fd, &job, &pid);
                return r < 0 ? r : child_wait(pid);
        }

        r = target(src, S_ISDIR(st_src.st_mode), dest, dest_exists, dest_exists && S_ISDIR(st_dest.st_mode), &dir, &prefix);
        if (r < 0)
                return r;
        r = stat_in_root(root.fd, dir, /* follow= */ true, &st_dest);
        if (r < 0 || !S_ISDIR(st_dest.st_mode))
                return log_error_errno(r < 0 ? r : -ENOTDIR, "%s in container %s: %s", dir, name,
                                       r < 0 ? strerror(-r) : "not a directory");
        if (arg_follow && !ends_with_dot(src)) {
                /* -L: what the symlink names (the host's own paths: no root to stay in), under
                 * its name */
                _cleanup_free_ char *real = realpath(src, NULL);

                if (!real)
                        return log_error_errno(-errno, "%s: %m", src);
                r = source_parts(real, &src_dir, &entry);
        } else
                r = source_parts(src, &src_dir, &entry);
        if (r < 0)
                return r;
        src_fd = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src_fd < 0)
                return log_error_errno(-errno, "%s: %m", src_dir);

        if (pipe2(fds, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "Failed to make a pipe: %m");
        pipe_r = fds[0];
        pipe_w = fds[1];
        job = (ChildJob) { .pack = false, .dir = dir, .fd = pipe_r };
        r = child_start(root.fd, root.userns_fd, &job, &pid);
        if (r < 0)
                return r;
        pipe_r = safe_close(pipe_r);
        {
                LayerPackOptions o = { .prefix = prefix, .reset_owner = !arg_archive };

                r = layer_pack_path(src_fd, entry, &o, pipe_w, &why);
        }
        pipe_w = safe_close(pipe_w);
        k = child_wait(pid);
        if (r < 0) {
                if (why)
                        return log_error_errno(r, "Failed to read %s: %s", src, why);
                return log_error_errno(r, "Failed to read %s: %m", src);
        }
        return k;
}

int verb_cp(int argc, char *argv[]) {
        static const struct option options[] = {
                { "archive", no_argument, NULL, 'a' },
                { "follow-link", no_argument, NULL, 'L' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        _cleanup_free_ char *name1 = NULL, *path1 = NULL, *name2 = NULL, *path2 = NULL;
        int c, r1, r2;

        while ((c = getopt_long(argc, argv, "aL", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        arg_archive = true;
                        break;
                case 'L':
                        arg_follow = true;
                        break;
                case 'H':
                        verb_help("cp",
                                  "  -a, --archive       keep the files' owners (default: root's)\n"
                                  "  -L, --follow-link   copy what SRC links to, when it is a symlink\n"
                                  "\nOne side is NAME:PATH, the other a host path or '-', a tar archive on\n"
                                  "standard input or output. A directory is copied whole, SRC/. its contents.\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 2) {
                log_error("cp needs a source and a destination; see 'berth cp --help'");
                return EXIT_BERTH_FAILED;
        }
        r1 = split_container_path(argv[optind], &name1, &path1);
        r2 = split_container_path(argv[optind + 1], &name2, &path2);
        if (r1 < 0 || r2 < 0)
                return r1 == -ENOMEM || r2 == -ENOMEM ? (log_oom(), EXIT_BERTH_FAILED) : EXIT_BERTH_FAILED;
        if (r1 > 0 && r2 > 0) {
                log_error("copying between containers is not supported; copy through the host");
                return EXIT_BERTH_FAILED;
        }
        if (r1 == 0 && r2 == 0) {
                log_error("cp needs NAME:PATH on one side; see 'berth cp --help'");
                return EXIT_BERTH_FAILED;
        }
        if (r1 > 0)
                return copy_out(name1, path1, argv[optind + 1]) < 0 ? EXIT_BERTH_FAILED : 0;
        return copy_in(argv[optind], name2, path2) < 0 ? EXIT_BERTH_FAILED : 0;
}
