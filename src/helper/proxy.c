/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-proxy: relays a container's published ports on the host's IPv6 addresses (::1
 * included) to the container; see src/proxy.h. berth-helper forks it once the payload runs,
 * handing it the sockets it bound and listened on:
 *
 *   berth-proxy tcp:FD:TARGET:PORT|udp:FD:TARGET:PORT…
 *
 * It lives in the container's service, dies with the helper (PR_SET_PDEATHSIG) and runs with
 * no capabilities and no_new_privs: it only moves bytes between sockets it already has and
 * sockets it connects. libc only. Not for humans: berth-helper is its only caller. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd-util.h"
#include "log.h"
#include "proxy.h"

/* Everything root could do beyond moving bytes goes: the bounding set, then the rest. */
static int drop_privileges(void) {
        struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct data[2] = {};

        for (int cap = 0; cap <= 63; cap++)
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                        return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        if (syscall(SYS_capset, &header, data) < 0)
                return -errno;
        return 0;
}

static int check_socket(const ProxyListener *l) {
        int type = 0;
        socklen_t len = sizeof(type);

        if (fcntl(l->fd, F_GETFD) < 0 || getsockopt(l->fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
                return -EBADF;
        if (type != (l->protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM))
                return -ESOCKTNOSUPPORT;
        return fd_set_cloexec(l->fd, true);
}

int main(int argc, char *argv[]) {
        ProxyListener *ls;
        struct rlimit rl;
        int r;

        log_set_prefix("berth");
        log_open();
        if (argc < 2) {
                log_error("berth-proxy is run by berth-helper only");
                return 125;
        }
        ls = calloc((size_t) argc - 1, sizeof(ProxyListener));
        if (!ls)
                return log_oom(), 125;
        for (int i = 1; i < argc; i++) {
                if (proxy_listener_parse(argv[i], ls + i - 1) < 0) {
                        log_error("berth-proxy: bad listener '%s'", argv[i]);
                        return 125;
                }
                r = check_socket(ls + i - 1);
                if (r < 0) {
                        log_error_errno(r, "berth-proxy: fd of '%s' is not a usable socket: %m", argv[i]);
                        return 125;
                }
        }

        /* Two fds a connection: as many as the hard limit allows. */
        if (getrlimit(RLIMIT_NOFILE, &rl) >= 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
        (void) signal(SIGPIPE, SIG_IGN);
        (void) signal(SIGTERM, SIG_DFL);
        r = drop_privileges();
        if (r < 0) {
                log_error_errno(r, "berth-proxy: cannot drop its privileges: %m");
                return 125;
        }
        r = proxy_run(ls, (size_t) argc - 1);
        return r < 0 ? 125 : 0;
}
