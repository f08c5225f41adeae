/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Address leases under a runtime directory of the test's own: lowest free first, a wanted
 * address, the pool full, stale leases taken over, and many takers at once. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "berth-conf.h"
#include "cleanup.h"
#include "fd-util.h"
#include "lease.h"
#include "paths.h"
#include "string-util.h"
#include "tap.h"

static const char *ntoa(struct in_addr a) {
        static char buf[INET_ADDRSTRLEN];
        return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

int main(void) {
        char dir[] = "/tmp/berth-test-lease.XXXXXX";
        NetworkConfig c;
        Lease a = LEASE_NULL, b = LEASE_NULL, x = LEASE_NULL;
        _cleanup_free_ char *owner = NULL;

        ok(mkdtemp(dir) != NULL, "mkdtemp");
        setenv("BERTH_RUNTIME_DIR", dir, 1);
        berth_paths_reset();
        network_config_default(&c);
        ok(subnet4_parse("10.99.0.0/29", &c.subnet, &c.prefix) == 0, "a /29: hosts 2 to 6");

        ok_eq_int(lease_acquire(&c, "a", 0, &a, NULL), 0);
        ok_streq(ntoa(a.addr), "10.99.0.2");
        ok_eq_int(lease_acquire(&c, "b", 0, &b, NULL), 0);
        ok_streq(ntoa(b.addr), "10.99.0.3");
        ok(lease_owner(a.addr, &owner) == 1 && streq_ptr(owner, "a"), "a's lease is held, by a");

        /* A wanted address: taken, with its holder named; outside the subnet; free. */
        free(owner);
        owner = NULL;
        ok_eq_int(lease_acquire(&c, "x", 2, &x, &owner), -EADDRINUSE);
        ok_streq(owner, "a");
        ok_eq_int(lease_acquire(&c, "x", 7, &x, NULL), -EDOM);
        ok_eq_int(lease_acquire(&c, "x", 1, &x, NULL), -EDOM);
        ok_eq_int(lease_acquire(&c, "x", 5, &x, NULL), 0);
        ok_streq(ntoa(x.addr), "10.99.0.5");

        /* The lowest free after a release. */
        lease_release(&a);
        ok_eq_int(lease_owner(subnet4_host(c.subnet, 2), NULL), 0);
        ok_eq_int(lease_acquire(&c, "a2", 0, &a, NULL), 0);
        ok_streq(ntoa(a.addr), "10.99.0.2");

        /* Full: 2, 3, 5 held; 4 and 6 left. */
        {
                Lease l4 = LEASE_NULL, l6 = LEASE_NULL, none = LEASE_NULL;

                ok_eq_int(lease_acquire(&c, "c", 0, &l4, NULL), 0);
                ok_eq_int(lease_acquire(&c, "d", 0, &l6, NULL), 0);
                ok_eq_int(lease_acquire(&c, "e", 0, &none, NULL), -EADDRNOTAVAIL);
                lease_release(&l4);
                lease_release(&l6);
        }

        /* A lease whose holder died (its file is there, nobody holds it) is free. */
        {
                pid_t pid = fork();

                if (pid == 0) {
                        Lease l = LEASE_NULL;

                        _exit(lease_acquire(&c, "dead", 4, &l, NULL) == 0 ? 0 : 1); /* dies holding it */
                }
                ok(waitpid(pid, NULL, 0) == pid, "a holder of .4 died");
        }
        ok_eq_int(lease_owner(subnet4_host(c.subnet, 4), NULL), 0);
        ok_eq_int(lease_release_stale(subnet4_host(c.subnet, 4), "someone-else"), 0);
        {
                _cleanup_free_ char *path = NULL;

                ok(asprintf(&path, "%s/leases/10.99.0.4", dir) > 0 && access(path, F_OK) == 0,
                   "  … its file stays for another name's cleanup");
                ok_eq_int(lease_release_stale(subnet4_host(c.subnet, 4), "dead"), 0);
                ok(access(path, F_OK) < 0, "  … and goes with its own");
        }

        lease_release(&a);
        lease_release(&b);
        lease_release(&x);

        /* Many takers at once: each gets an address of its own. */
        {
                pid_t pids[5];
                int fds[2];
                char got[5][INET_ADDRSTRLEN] = {};
                bool distinct = true;

                ok(pipe(fds) == 0, "pipe");
                for (int i = 0; i < 5; i++) {
                        pids[i] = fork();
                        if (pids[i] == 0) {
                                Lease l = LEASE_NULL;
                                char name[16], out[INET_ADDRSTRLEN] = "";

                                close(fds[0]);
                                snprintf(name, sizeof(name), "m%d", i);
                                if (lease_acquire(&c, name, 0, &l, NULL) == 0)
                                        snprintf(out, sizeof(out), "%s", ntoa(l.addr));
                                (void) !write(fds[1], out, sizeof(out));
                                usleep(200 * 1000); /* hold it while the others take theirs */
                                _exit(0);
                        }
                }
                close(fds[1]);
                for (int i = 0; i < 5; i++)
                        (void) !read(fds[0], got[i], sizeof(got[i]));
                close(fds[0]);
                for (int i = 0; i < 5; i++) {
                        distinct = distinct && got[i][0];
                        for (int j = 0; j < i; j++)
                                distinct = distinct && !streq(got[i], got[j]);
                        (void) waitpid(pids[i], NULL, 0);
                }
                ok(distinct, "five takers at once, five addresses (%s %s %s %s %s)", got[0], got[1], got[2], got[3],
                   got[4]);
        }

        ok_eq_int(rm_rf(dir), 0);
        return tap_finish();
}
