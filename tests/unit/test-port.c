/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "port.h"
#include "string-util.h"
#include "tap.h"

static void good(const char *s, const char *canonical) {
        char buf[PORT_SPEC_STRING_MAX];
        PortSpec p;

        ok(port_spec_parse(s, &p) == 0, "parses %s", s);
        ok_streq(port_spec_to_string(&p, buf), canonical);
}

static void bad(const char *s) {
        PortSpec p;

        ok(port_spec_parse(s, &p) == -EINVAL, "refuses '%s'", s ?: "(null)");
}

static bool conflict(const char *a, const char *b) {
        PortSpec p, q;

        return port_spec_parse(a, &p) == 0 && port_spec_parse(b, &q) == 0 && port_spec_conflict(&p, &q) &&
               port_spec_conflict(&q, &p);
}

int main(void) {
        PortSpec p;
        char buf[PORT_SPEC_STRING_MAX];

        good("8080:80", "8080:80/tcp");
        good("8080:80/udp", "8080:80/udp");
        good("1:65535/tcp", "1:65535/tcp");
        good("127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp");
        good("0.0.0.0:8080:80", "8080:80/tcp");
        good("[::1]:8080:80/udp", "[::1]:8080:80/udp");
        good("[::]:8080:80", "[::]:8080:80/tcp");
        ok(port_spec_parse("[::1]:8080:80", &p) == 0 && p.family == AF_INET6 && p.host_port == 8080 &&
                   p.container_port == 80 && p.protocol == IPPROTO_TCP,
           "fields of [::1]:8080:80");

        bad(NULL);
        bad("");
        bad("80");
        bad("8080:");
        bad(":80");
        bad("0:80");
        bad("8080:0");
        bad("65536:80");
        bad("08080:80");
        bad("+80:80");
        bad("8080:80/sctp");
        bad("8080:80/");
        bad("8080:80:90");
        bad("1.2.3:8080:80");
        bad("::1:8080:80");
        bad("[::1:8080:80");
        bad("[::1]8080:80");
        bad("[1.2.3.4]:8080:80");
        bad("localhost:8080:80");
        bad("8080-8090:80");

        ok(port_expose_parse("80", &p) == 0 && p.container_port == 80 && p.protocol == IPPROTO_TCP, "expose 80");
        ok(port_expose_parse("53/udp", &p) == 0 && p.protocol == IPPROTO_UDP, "expose 53/udp");
        ok_streq(port_spec_to_string(&p, buf), "53/udp");
        ok(port_expose_parse("8080:80", &p) < 0, "expose refuses a mapping");
        ok(port_expose_parse("0", &p) < 0, "expose refuses 0");

        ok(conflict("8080:80", "8080:81"), "same host port");
        ok(conflict("8080:80", "127.0.0.1:8080:81"), "any and one address");
        ok(conflict("8080:80", "[::1]:8080:81"), "any and an IPv6 address");
        ok(conflict("127.0.0.1:8080:80", "127.0.0.1:8080:81"), "one address twice");
        ok(conflict("[::]:8080:80", "[::1]:8080:80"), "[::] and [::1]");
        ok(!conflict("8080:80/tcp", "8080:80/udp"), "tcp and udp");
        ok(!conflict("127.0.0.1:8080:80", "127.0.0.2:8080:80"), "two addresses");
        ok(!conflict("127.0.0.1:8080:80", "[::1]:8080:80"), "two families");
        ok(!conflict("8080:80", "8081:80"), "two ports");

        return tap_finish();
}
