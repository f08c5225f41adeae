/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* escape-probe ATTACK…: root inside a container trying to reach the host (issue 18's checks,
 * tests/integration/scenarios/userns.sh). Each attack prints one line, "ATTACK ok" when it got
 * through or "ATTACK ERRNONAME" at the step that stopped it (steps named where there are
 * several). Built static, to be copied into test images (busybox and nothing else). Each is
 * written to be harmless on the testbed when it gets through (the controls run it with the user
 * namespace off): devices are only read, sysctls written with the value they hold, files written
 * are the test's own.
 *
 *   mknod:PATH:b|c:MAJOR:MINOR   make a device node of the host's, then open it and read a byte
 *   module:PATH                  finit_module() of PATH (a file that is not a module: the loader
 *                                answers ENOEXEC or EKEYREJECTED when the call is let through)
 *   write:PATH:TEXT              open PATH for writing and write TEXT
 *   sysctl:PATH                  write PATH's own value back to it (a host sysctl, unchanged)
 *   procmount:DIR:SYSCTL         mount a fresh proc at DIR, unmasked, and sysctl: SYSCTL under it
 *   remount:PATH                 make the read-only mount at PATH writable
 *   handle:PATH                  (on the host) print PATH's file handle as TYPE:HEX
 *   byhandle:MNT:TYPE:HEX:TEXT   the "shocker" attack: open_by_handle_at() a file the container
 *                                was not given, from any file on the same file system (MNT), and
 *                                append TEXT to it
 *   setns:PATH                   join the namespace at PATH (a host namespace's nsfs file)
 *   ptrace:PID                   attach to PID and let it go again
 *   ids                          print "ids RUID EUID" (a setuid copy of the probe shows it works)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(void) {
        const char *e = strerrorname_np(errno);
        return e ? e : "?";
}

/* Splits s at ':' into at most n fields, in place; returns how many. */
static int fields(char *s, char **f, int n) {
        int i = 0;

        while (i < n) {
                f[i++] = s;
                s = strchr(s, ':');
                if (!s || i == n)
                        break;
                *s++ = 0;
        }
        return i;
}

static void do_mknod(const char *what, char *arg) {
        char *f[4], c;
        int fd;

        if (fields(arg, f, 4) != 4) {
                printf("%s usage\n", what);
                return;
        }
        (void)unlink(f[0]);
        if (mknod(f[0], (f[1][0] == 'b' ? S_IFBLK : S_IFCHR) | 0600, makedev(atoi(f[2]), atoi(f[3]))) < 0) {
                printf("%s mknod-%s\n", what, err());
                return;
        }
        fd = open(f[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                printf("%s open-%s\n", what, err());
        else if (read(fd, &c, 1) != 1)
                printf("%s read-%s\n", what, err());
        else
                printf("%s ok\n", what);
        if (fd >= 0)
                close(fd);
        (void)unlink(f[0]);
}

static int write_text(const char *path, const char *text, size_t n) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t l;

        if (fd < 0)
                return -1;
        l = write(fd, text, n);
        if (l < 0) {
                int e = errno;
                close(fd);
                errno = e;
                return -1;
        }
        close(fd);
        return 0;
}

/* A sysctl written back with the value it holds: the permission check is the whole attack. */
static int sysctl_same(const char *path) {
        char buf[256];
        ssize_t n;
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0) {
                errno = n < 0 ? errno : ENODATA;
                return -1;
        }
        return write_text(path, buf, (size_t)n);
}

static void do_procmount(const char *what, char *arg) {
        char *f[2], path[4096];

        if (fields(arg, f, 2) != 2) {
                printf("%s usage\n", what);
                return;
        }
        (void)mkdir(f[0], 0755);
        if (mount("proc", f[0], "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
                printf("%s mount-%s\n", what, err());
                return;
        }
        snprintf(path, sizeof(path), "%s/%s", f[0], f[1]);
        if (sysctl_same(path) < 0)
                printf("%s write-%s\n", what, err());
        else
                printf("%s ok\n", what);
        (void)umount2(f[0], MNT_DETACH);
}

static void do_handle(const char *what, const char *path) {
        struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
        int mount_id;

        h->handle_bytes = MAX_HANDLE_SZ;
        if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0) < 0) {
                printf("%s %s\n", what, err());
                free(h);
                return;
        }
        printf("%d:", h->handle_type);
        for (unsigned i = 0; i < h->handle_bytes; i++)
                printf("%02x", h->f_handle[i]);
        printf("\n");
        free(h);
}

static void do_byhandle(const char *what, char *arg) {
        char *f[4];
        struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
        size_t n;
        int mfd, fd;

        if (fields(arg, f, 4) != 4 || strlen(f[2]) % 2 || strlen(f[2]) / 2 > MAX_HANDLE_SZ) {
                printf("%s usage\n", what);
                free(h);
                return;
        }
        h->handle_type = atoi(f[1]);
        h->handle_bytes = (unsigned)(strlen(f[2]) / 2);
        for (unsigned i = 0; i < h->handle_bytes; i++) {
                unsigned b;
                sscanf(f[2] + 2 * i, "%2x", &b);
                h->f_handle[i] = (unsigned char)b;
        }
        mfd = open(f[0], O_RDONLY | O_CLOEXEC);
        if (mfd < 0) {
                printf("%s mountfd-%s\n", what, err());
                free(h);
                return;
        }
        fd = open_by_handle_at(mfd, h, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0)
                printf("%s open-%s\n", what, err());
        else {
                n = strlen(f[3]);
                if (write(fd, f[3], n) != (ssize_t)n)
                        printf("%s write-%s\n", what, err());
                else
                        printf("%s ok\n", what);
                close(fd);
        }
        close(mfd);
        free(h);
}

static void do_ptrace(const char *what, const char *pid_s) {
        pid_t pid = atoi(pid_s);

        if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
                printf("%s %s\n", what, err());
                return;
        }
        (void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
        printf("%s ok\n", what);
}

int main(int argc, char *argv[]) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (int i = 1; i < argc; i++) {
                char *what = argv[i], *colon = strchr(what, ':'), *arg;
                size_t verb = colon ? (size_t)(colon - what) : strlen(what);

                arg = strdup(colon ? colon + 1 : "");
#define IS(v) (verb == strlen(v) && strncmp(what, v, verb) == 0)
                if (IS("mknod"))
                        do_mknod(what, arg);
                else if (IS("module")) {
                        int fd = open(arg, O_RDONLY | O_CLOEXEC);
                        if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
                                printf("%s %s\n", what, err());
                        else
                                printf("%s ok\n", what); /* not reached with a file that is no module */
                        if (fd >= 0)
                                close(fd);
                } else if (IS("write")) {
                        char *f[2];
                        if (fields(arg, f, 2) != 2)
                                printf("%s usage\n", what);
                        else
                                printf("%s %s\n", what, write_text(f[0], f[1], strlen(f[1])) < 0 ? err() : "ok");
                } else if (IS("sysctl"))
                        printf("%s %s\n", what, sysctl_same(arg) < 0 ? err() : "ok");
                else if (IS("procmount"))
                        do_procmount(what, arg);
                else if (IS("remount"))
                        printf("%s %s\n", what,
                               mount(NULL, arg, NULL, MS_REMOUNT | MS_BIND, NULL) < 0 ? err() : "ok");
                else if (IS("handle"))
                        do_handle(what, arg);
                else if (IS("byhandle"))
                        do_byhandle(what, arg);
                else if (IS("setns")) {
                        int fd = open(arg, O_RDONLY | O_CLOEXEC);
                        printf("%s %s\n", what, fd < 0 || setns(fd, 0) < 0 ? err() : "ok");
                        if (fd >= 0)
                                close(fd);
                } else if (IS("ids"))
                        printf("ids %u %u\n", (unsigned)getuid(), (unsigned)geteuid());
                else if (IS("ptrace"))
                        do_ptrace(what, arg);
                else
                        printf("%s unknown\n", what);
#undef IS
                free(arg);
        }
        return 0;
}
