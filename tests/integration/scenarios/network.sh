# SPDX-License-Identifier: LGPL-2.1-or-later
# Networking: the bridge, a veth and an address per container, links, published ports (TCP and
# UDP, from 127.0.0.1, ::1 and another host), the modes none/host/container:, a full pool, and
# nothing left behind after stop, kill -9 of the helper and a crashed foreground run.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb
# busybox has no UDP server: a static one in an image of its own.
udp_dir=$(mktemp -d /tmp/udpimg.XXXXXX)
cat > "$udp_dir/udpecho.c" <<'C'
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) }, from;
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        char buf[512], out[600];
        if (bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0) return 1;
        for (;;) {
                socklen_t l = sizeof(from);
                ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *) &from, &l);
                if (n < 0) continue;
                buf[n] = 0;
                int m = snprintf(out, sizeof(out), "udp:%s", buf);
                sendto(fd, out, m, 0, (struct sockaddr *) &from, l);
        }
}
C
mkdir -p "$udp_dir/root/bin" "$udp_dir/root/etc"
gcc -static -O2 -o "$udp_dir/root/bin/udpecho" "$udp_dir/udpecho.c"
cp /bin/busybox "$udp_dir/root/bin/sh"
berth image import "$udp_dir/root" udpimg >/dev/null
rm -rf "$udp_dir"
on_exit berth image rm udpimg
udp_get() { python3 -c 'import socket,sys; f=socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET; s=socket.socket(f, socket.SOCK_DGRAM); s.settimeout(2); s.sendto(b"ping", (sys.argv[1], int(sys.argv[2]))); print(s.recv(100).decode())' "$@" 2>&1; }

# A TCP server in a container: answers every connection with a line. 'nc -ll' keeps listening
# between connections (a loop around 'nc -l' leaves a gap in which a connection is refused).
serve='trap "exit 0" TERM; nc -ll -p 80 -e sh -c "echo hello from \$(hostname)" & wait'
# What the bridge holds: veths, leases, published elements. Empty when nothing runs.
veths() { ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^vb' | sort | paste -sd' '; }
leases() { ls /run/berth/leases 2>/dev/null | paste -sd' '; }
count_elements() { nft list map ip berth "$1" 2>/dev/null | grep -oE ': [0-9]+\.[0-9.]+ \. [0-9]+' | wc -l; }
elements() { echo "$(count_elements publish_any) $(count_elements publish_addr)"; }
nothing_left() { [ -z "$(veths)" ] && [ -z "$(leases)" ] && [ "$(elements)" = "0 0" ]; }
stopped() { case "$(systemctl show -P ActiveState "$1")" in inactive|failed) return 0;; *) return 1;; esac; }
addr_of() { berth inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["addresses"][0])'; }
tcp_get() { timeout 3 busybox nc "$@" </dev/null 2>&1; }
# A server started with 'run -d' listens a moment after run returns: wait for its first answer.
serving() { wait_for 5 sh -c "[ -n \"\$(timeout 1 busybox nc $1 $2 </dev/null 2>/dev/null)\" ]"; }

# --- the default: the bridge -------------------------------------------------------------------
berth run -d --name srv1 bb sh -c "$serve" >/dev/null
on_exit berth rm -f srv1
check "container@srv1.service is active" systemctl is-active container@srv1.service
serving 10.88.0.2 80
check_eq "berth0 is a bridge with the gateway" "$(ip -o -4 addr show dev berth0 | awk '{print $4}')" 10.88.0.1/16
check_eq "the first container takes 10.88.0.2" "$(addr_of srv1)" 10.88.0.2
inside=$(berth exec srv1 ip -o -4 addr show dev eth0 | awk '{print $4}')
check_eq "  … on eth0 inside, /16" "$inside" 10.88.0.2/16
check_match "  … with a default route through the bridge" "$(berth exec srv1 ip route)" "default via 10.88.0.1 dev eth0"
check_eq "  … and lo up" "$(berth exec srv1 cat /sys/class/net/lo/operstate)" unknown
check_eq "  … its MAC made from the address, as Docker does" "$(berth exec srv1 cat /sys/class/net/eth0/address)" 02:42:0a:58:00:02
check_match "the host end of its veth is on berth0" "$(ip -o link show master berth0)" "vb[0-9a-f]{8}@"
check_eq "berth list shows the address" "$(berth list --no-legend | awk '$1 == "srv1" {print $4}')" 10.88.0.2
check_match "berth status shows it" "$(berth status srv1)" "Address: 10.88.0.2"
check_eq "the host reaches the container's address" "$(tcp_get 10.88.0.2 80)" "hello from srv1"

# --- the files ----------------------------------------------------------------------------------
hosts=$(berth exec srv1 cat /etc/hosts)
check_match "/etc/hosts has localhost" "$hosts" "^127.0.0.1	localhost"
check_match "/etc/hosts has the container's own line" "$hosts" "10.88.0.2	srv1"
check_eq "/etc/hostname" "$(berth exec srv1 cat /etc/hostname)" srv1
check "/etc/hosts is writable, as docker's and podman's" berth exec srv1 sh -c 'echo "10.9.9.9 added.example" >> /etc/hosts'
check_match "  … and the payload's line is there" "$(berth exec srv1 cat /etc/hosts)" "10.9.9.9 added.example"
check_eq "  … in the container's copy only: the helper's file is unchanged" \
        "$(grep -c added.example /run/berth/srv1/hosts)" 0
check_match "  … a copy on a tmpfs of the container's own, nosuid,nodev,noexec" \
        "$(berth exec srv1 grep ' /etc/hosts ' /proc/mounts)" "^tmpfs /etc/hosts tmpfs rw,nosuid,nodev,noexec"
check_match "  … which it cannot grow past its size" \
        "$(berth exec srv1 sh -c 'dd if=/dev/zero of=/etc/hosts bs=1k count=4096 2>&1 || true')" "No space left on device"
check_eq "  … nor has the host's /run grown" "$(stat -c %s /run/berth/srv1/hosts -L | awk '{print ($1 < 65536)}')" 1
check "/etc/resolv.conf is writable too" berth exec srv1 sh -c 'echo "options ndots:2" >> /etc/resolv.conf'
check "  … and /etc/hostname" berth exec srv1 sh -c 'echo srv1 > /etc/hostname'
check_eq "  … and the host's /run/berth/srv1 shows no tmpfs: it is in the container's mount namespace only" \
        "$(grep -c ' /run/berth/srv1/copies ' /proc/self/mounts)" 0
out=$(berth run --rm --dns 9.9.9.9 --add-host db.example:10.1.2.3 bb sh -c 'cat /etc/resolv.conf; cat /etc/hosts')
check_match "--dns writes the name server" "$out" "^nameserver 9.9.9.9"
check_match "--add-host adds a line" "$out" "10.1.2.3	db.example"

# --- links: two containers talk through a link name ---------------------------------------------
berth run -d --name db1 --expose 5432 -e PGUSER=app bb sh -c "$serve" >/dev/null
on_exit berth rm -f db1
db_addr=$(addr_of db1)
check_eq "a second container takes the next address" "$db_addr" 10.88.0.3
serving "$db_addr" 80
out=$(berth run --rm --link db1:db bb sh -c 'nc db 80 </dev/null; nc db1 80 </dev/null')
check_eq "a linked container is reached by its alias and its name" "$out" "hello from db1
hello from db1"
env=$(berth run --rm --link db1:db bb env | sort)
check_match "DB_NAME" "$env" "^DB_NAME=/[^/]+/db$"
check_match "DB_PORT" "$env" "^DB_PORT=tcp://$db_addr:5432$"
check_match "DB_PORT_5432_TCP" "$env" "^DB_PORT_5432_TCP=tcp://$db_addr:5432$"
check_match "DB_PORT_5432_TCP_ADDR" "$env" "^DB_PORT_5432_TCP_ADDR=$db_addr$"
check_match "DB_PORT_5432_TCP_PORT" "$env" "^DB_PORT_5432_TCP_PORT=5432$"
check_match "DB_PORT_5432_TCP_PROTO" "$env" "^DB_PORT_5432_TCP_PROTO=tcp$"
check_match "DB_ENV_ carries the linked container's environment" "$env" "^DB_ENV_PGUSER=app$"
out=$(berth run --rm --link nosuch bb true 2>&1); rc=$?
check_eq "a link to a container that does not exist: 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: link to nosuch: no such container"
berth create --name stopped1 bb true >/dev/null
on_exit berth rm -f stopped1
out=$(berth run --rm --link stopped1 bb true 2>&1); rc=$?
check_eq "a link to a container that is not running: 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: link to stopped1: container stopped1 is not running"

# --- published ports ----------------------------------------------------------------------------
berth run -d --name web1 -p 8080:80 bb sh -c "$serve" >/dev/null
on_exit berth rm -f web1
berth run -d --name dns1 -p 5353:53/udp udpimg udpecho 53 >/dev/null
on_exit berth rm -f dns1
web_addr=$(addr_of web1)
serving 127.0.0.1 8080
check_eq "a published TCP port from the host's 127.0.0.1" "$(tcp_get 127.0.0.1 8080)" "hello from web1"
check_eq "  … again (the rule stays)" "$(tcp_get 127.0.0.1 8080)" "hello from web1"
# ::1 cannot be DNATed into the bridge: berth-proxy, a child of the helper, relays it.
check_eq "a published TCP port from the host's ::1" "$(tcp_get ::1 8080)" "hello from web1"
check_eq "  … again" "$(tcp_get ::1 8080)" "hello from web1"
web_proxy=$(pgrep -P "$(systemctl show -P MainPID container@web1.service)" -x berth-proxy)
check_match "  … through berth-proxy, in the container's service" "$web_proxy" '^[0-9]+$'
check_eq "  … which has no capabilities" "$(awk '/^Cap(Eff|Prm|Bnd)/ {print $2}' /proc/$web_proxy/status 2>/dev/null | sort -u)" \
        0000000000000000
check_eq "  … and no_new_privs" "$(awk '/^NoNewPrivs/ {print $2}' /proc/$web_proxy/status 2>/dev/null)" 1
# Another host: a network namespace on a veth of its own, routed through the testbed's host.
ip netns add other
on_exit ip netns del other
ip link add vother type veth peer name eth0 netns other
on_exit ip link del vother
ip addr add 192.168.77.1/24 dev vother
ip link set vother up
ip -n other addr add 192.168.77.2/24 dev eth0
ip -n other link set eth0 up
ip -n other link set lo up
ip -n other route add default via 192.168.77.1
check_eq "a published TCP port from another host" "$(ip netns exec other timeout 3 busybox nc 192.168.77.1 8080 </dev/null)" \
        "hello from web1"
check_eq "a published UDP port from another host" "$(ip netns exec other bash -c "$(declare -f udp_get); udp_get 192.168.77.1 5353")" "udp:ping"
check_eq "a published UDP port from the host's 127.0.0.1" "$(udp_get 127.0.0.1 5353)" "udp:ping"
check_eq "a published UDP port from the host's ::1" "$(udp_get ::1 5353)" "udp:ping"
check_match "the published elements point at the container" "$(nft list map ip berth publish_any)" \
        "tcp . 8080 : $web_addr . 80"
check_match "berth status shows the ports" "$(berth status dns1)" "Ports: 5353:53/udp"

# Conflicts: fail before the payload runs, naming the port, leaving nothing.
before_leases=$(leases)
out=$(berth run --rm --name clash1 -p 8080:81 bb echo payload-ran 2>&1); rc=$?
check_eq "a port another container publishes: 125" "$rc" 125
check_eq "  … naming the port, before the payload runs" "$out" "berth: port 8080:81/tcp is already in use on the host"
check_eq "  … and its lease is gone" "$(leases)" "$before_leases"
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", 9099)); s.listen(); time.sleep(30)' &
holder=$!
on_exit kill $holder
wait_for 3 sh -c 'ss -ltn | grep -q 127.0.0.1:9099'
out=$(berth run --rm -p 127.0.0.1:9099:80 bb echo payload-ran 2>&1); rc=$?
check_eq "a port a host process has bound: 125" "$rc" 125
check_eq "  … naming the port" "$out" "berth: port 127.0.0.1:9099:80/tcp is already in use on the host"
kill $holder
out=$(berth run --rm -p 80: bb true 2>&1); rc=$?
check_eq "a bad -p: 125" "$rc" 125
check_match "  … naming the option" "$out" "^berth: option -p: '80:' is not a published port"

berth stop web1 dns1 >/dev/null
check_eq "after stop no published elements" "$(elements)" "0 0"
check_fails "  … and 127.0.0.1:8080 answers nothing" sh -c '[ -n "$(tcp_get 127.0.0.1 8080)" ]'
check_fails "  … nor ::1:8080" sh -c '[ -n "$(tcp_get ::1 8080)" ]'
check_fails "  … and its berth-proxy is gone" kill -0 "$web_proxy"

# --- modes ------------------------------------------------------------------------------------
check_eq "--network none: only lo" "$(berth run --rm --network none bb ls /sys/class/net | paste -sd' ')" lo
check_eq "--network host: the host's interfaces" \
        "$(berth run --rm --network host bb ls /sys/class/net | sort | paste -sd' ')" \
        "$(ls /sys/class/net | sort | paste -sd' ')"
check_eq "--network container:srv1 shares srv1's address" \
        "$(berth run --rm --network container:srv1 bb ip -o -4 addr show dev eth0 | awk '{print $4}')" 10.88.0.2/16
check_eq "  … and reaches srv1's server on localhost" "$(berth run --rm --network container:srv1 bb nc 127.0.0.1 80 </dev/null)" \
        "hello from srv1"
out=$(berth run --rm --network container:nosuch bb true 2>&1); rc=$?
check_eq "--network container: of a container that does not run: 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: network container:nosuch: container nosuch is not running"
out=$(berth run --rm --ip 10.88.0.2 bb true 2>&1); rc=$?
check_eq "--ip of a taken address: 125" "$rc" 125
check_eq "  … naming its holder" "$out" "berth: address 10.88.0.2 is already taken by container srv1"
check_eq "--ip takes that address" "$(berth run --rm --ip 10.88.7.7 bb ip -o -4 addr show dev eth0 | awk '{print $4}')" 10.88.7.7/16
berth run -d --name re1 --ip 10.88.9.9 bb sh -c "$serve" >/dev/null
serving 10.88.9.9 80
berth rm -f re1 >/dev/null
berth run -d --name re2 --ip 10.88.9.9 bb sh -c "$serve" >/dev/null
on_exit berth rm -f re2
check "an address taken again answers at once (the host's neighbour entry stays right)" \
        wait_for 2 sh -c '[ "$(timeout 1 busybox nc 10.88.9.9 80 </dev/null)" = "hello from re2" ]'
berth rm -f re2 >/dev/null
out=$(berth run --rm --ip 10.99.0.2 bb true 2>&1); rc=$?
check_eq "--ip outside the subnet: 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: address 10.99.0.2 is not one a container can take in subnet 10.88.0.0/16 (bridge berth0)"
out=$(berth run --rm --network none --ip 10.88.7.8 bb true 2>&1); rc=$?
check_eq "--ip without the bridge: 125, in one line" "$rc:$out" "125:berth: an address (--ip 10.88.7.8) needs the bridge network (not --network none)"

# --- kill -9 of the helper; a crashed foreground run ----------------------------------------------
berth run -d --name k9 -p 8181:80 bb sh -c "$serve" >/dev/null
on_exit berth rm -f k9
k9_addr=$(addr_of k9)
kill -9 "$(systemctl show -P MainPID container@k9.service)"
wait_for 10 stopped container@k9.service
check_fails "after kill -9 of the helper its lease is gone" test -e "/run/berth/leases/$k9_addr"
check_fails "  … and its published element" sh -c 'nft list map ip berth publish_any | grep -q 8181'
check "the same name starts again" berth start k9
check_eq "  … on the same address" "$(addr_of k9)" "$k9_addr"
wait_for 3 sh -c '[ -n "$(timeout 1 busybox nc 127.0.0.1 8181 </dev/null)" ]'
check_eq "  … and serves its published port" "$(tcp_get 127.0.0.1 8181)" "hello from k9"
check_eq "  … on ::1 too" "$(tcp_get ::1 8181)" "hello from k9"
k9_proxy=$(pgrep -P "$(systemctl show -P MainPID container@k9.service)" -x berth-proxy)
kill -9 "$(systemctl show -P MainPID container@k9.service)"
wait_for 10 stopped container@k9.service
check_fails "kill -9 of the helper takes its berth-proxy along" kill -0 "$k9_proxy"
check "  … and the name starts again, ::1 and all" berth start k9
wait_for 3 sh -c '[ -n "$(timeout 1 busybox nc ::1 8181 </dev/null)" ]'
check_eq "  … serving ::1" "$(tcp_get ::1 8181)" "hello from k9"
# Clients that wait for the server to close, as HTTP clients do: berth-proxy closes first, and
# its side of each connection waits in TIME_WAIT on [::1]:8181 for a minute, which must not keep
# the next start from taking the port.
python3 - <<'PY'
import socket, time
for _ in range(3):
    s = socket.create_connection(("::1", 8181))
    while s.recv(100):
        pass
    time.sleep(0.2)
    s.close()
PY
check "connections over ::1 leave TIME_WAIT on the port" sh -c 'ss -Htan state time-wait "( sport = :8181 )" | grep -q .'
berth stop k9 >/dev/null
check "  … and a start right after takes the port all the same" berth start k9
berth stop k9 >/dev/null

berth run --name fg1 -p 8282:80 bb sh -c "$serve" >/dev/null 2>&1 &
wait_for 10 sh -c 'berth list --no-legend | grep -q "^fg1 .*running"'
# The run and its guard (a fork of it, same command line) both killed: nothing is left to clean
# up, and the next start must take what they left.
pkill -9 -f 'berth run --name [f]g1'
wait_for 10 sh -c '! systemctl is-active --quiet container-fg1.scope'
wait_for 10 sh -c '! pgrep -f "berth run --name [f]g1" >/dev/null'
check "a crashed foreground run and its guard leave their lease file" sh -c 'grep -lx fg1 /run/berth/leases/* >/dev/null'
on_exit berth rm -f fg1
check "the same name starts again" berth start fg1
wait_for 3 sh -c '[ -n "$(timeout 1 busybox nc 127.0.0.1 8282 </dev/null)" ]'
check_eq "  … taking its port back" "$(tcp_get 127.0.0.1 8282)" "hello from fg1"
berth stop fg1 >/dev/null
check_fails "  … and leaves no lease of fg1 after" sh -c 'grep -lx fg1 /run/berth/leases/* 2>/dev/null | grep -q .'

# --- everything stopped: nothing left -------------------------------------------------------------
berth stop srv1 db1 >/dev/null
wait_for 5 nothing_left
check_eq "after stop: no veths" "$(veths)" ""
check_eq "  … no leases" "$(leases)" ""
check_eq "  … no published elements" "$(elements)" "0 0"

# --- IPv6: Subnet6= gives each container a v6 address too ---------------------------------------
mkdir -p /etc/berth
on_exit berth_conf_reset
printf '[Network]\nBridge=berth6\nSubnet=10.66.0.0/24\nSubnet6=fd66::/64\n' | berth_conf
on_exit ip link del berth6
# Forwarding makes the host a router: interfaces with accept_ra=1 stop taking router
# advertisements. ra0 is one; its peer, with accept_ra=2, is not.
ip link add ra0 type veth peer name ra0p
on_exit ip link del ra0
sysctl -qw net.ipv6.conf.ra0p.accept_ra=2
check_eq "IPv6 forwarding is off before Subnet6=" "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 0
berth run -d --name v6srv -p 8484:80 bb sh -c "$serve" >/dev/null
on_exit berth rm -f v6srv
serving 10.66.0.2 80
check_eq "Subnet6: IPv6 forwarding is on" "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 1
ra_warning() { journalctl -q -o cat -u container@v6srv.service | grep 'IPv6 forwarding is on now'; }
wait_for 3 ra_warning
check_eq "  … which is said once" "$(ra_warning | wc -l)" 1
check_match "  … naming the interfaces that stop taking router advertisements" "$(ra_warning)" \
        "^IPv6 forwarding is on now, for Subnet6= of bridge berth6: ([a-z0-9]+, )*ra0(, [a-z0-9]+)* no longer takes? router advertisements \(accept_ra=1\); set accept_ra=2 there to keep SLAAC$"
check_fails "  … not those with accept_ra=2" sh -c 'journalctl -q -o cat -u container@v6srv.service | grep "IPv6 forwarding" | grep -q ra0p'
check_eq "Subnet6: the bridge has the v6 gateway" "$(ip -o -6 addr show dev berth6 scope global | awk '{print $4}')" fd66::1/64
check_eq "  … the container its v6 address, the same host number as its v4 one" \
        "$(berth exec v6srv ip -o -6 addr show dev eth0 scope global | awk '{print $4}')" fd66::2/64
check_match "  … and a v6 default route through the bridge" "$(berth exec v6srv ip -6 route)" "default via fd66::1 dev eth0"
check_eq "  … berth inspect lists both addresses" \
        "$(berth inspect v6srv | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["addresses"]))')" "10.66.0.2 fd66::2"
check_eq "  … the host reaches it over IPv6" "$(tcp_get fd66::2 80)" "hello from v6srv"
wait_for 3 sh -c '[ -n "$(timeout 1 busybox nc ::1 8484 </dev/null)" ]'
check_eq "  … a published port from ::1 reaches it" "$(tcp_get ::1 8484)" "hello from v6srv"
v6_proxy=$(pgrep -P "$(systemctl show -P MainPID container@v6srv.service)" -x berth-proxy)
check_match "  … relayed to its v6 address" "$(tr '\0' ' ' < /proc/$v6_proxy/cmdline 2>/dev/null)" "tcp:[0-9]+:\[fd66::2\]:80"
check_eq "  … and from 127.0.0.1 over nftables" "$(tcp_get 127.0.0.1 8484)" "hello from v6srv"
check_match "  … outbound v6 traffic is masqueraded" "$(nft list table ip6 berth 2>&1)" "ip6 saddr fd66::/64 oifname != \"berth6\" masquerade"
berth stop v6srv >/dev/null
wait_for 5 nothing_left
check_eq "  … and after stop nothing is left" "$(veths) $(leases) $(elements)" "  0 0"
berth_conf_reset

# --- a full pool: a tiny subnet on a bridge of its own ------------------------------------------
printf '[Network]\nBridge=berthtiny\nSubnet=10.77.0.0/30\n' | berth_conf
on_exit berth_conf_reset
on_exit ip link del berthtiny
berth run -d --name tiny1 bb sleep 1000 >/dev/null
on_exit berth rm -f tiny1
check_eq "the /30's one container address" "$(addr_of tiny1)" 10.77.0.2
out=$(berth run --rm --name tiny2 -p 8383:80 bb echo payload-ran 2>&1); rc=$?
check_eq "a full pool fails the start: 125" "$rc" 125
check_eq "  … naming the subnet" "$out" "berth: no free address left in subnet 10.77.0.0/30 (bridge berthtiny)"
check_eq "  … leaving no veth" "$(veths | wc -w)" 1
check_eq "  … and no port" "$(elements)" "0 0"
printf '[Network]\nSubnet=10.77.0.1/30\n' | berth_conf
out=$(berth run --rm bb true 2>&1); rc=$?
check_eq "a bad berth.conf: 125" "$rc" 125
check_eq "  … naming file, line and key" "$out" \
        "berth: /etc/berth/berth.conf:2: key 'Subnet': '10.77.0.1/30' is not an IPv4 subnet ADDRESS/8…30 with the host bits zero"
# A failure while systemd is already making the scope (the network is set up meanwhile): the
# bridge's name belongs to something else.
ip link add notbr0 type veth peer name notbr0p
on_exit ip link del notbr0
printf '[Network]\nBridge=notbr0\nSubnet=10.78.0.0/24\n' | berth_conf
before="$(leases) $(elements)"
out=$(berth run --rm --name nb1 -p 8385:80 bb echo payload-ran 2>&1); rc=$?
check_eq "a bridge name that is not a bridge: 125" "$rc" 125
check_eq "  … saying so" "$out" "berth: interface notbr0 exists and is not a bridge"
# When systemd had made the scope before the failure, it is left with no process, which systemd
# on cgroup v1 may not notice for a long time: the run stops it. It happened in 4 of 20 runs.
for i in $(seq 2 20); do berth run --rm --name nb$i -p 8385:80 bb true >/dev/null 2>&1; done
check_eq "  … leaving no scope, in 20 such runs" \
        "$(systemctl list-units --all --plain --no-legend 'container-nb*.scope' | wc -l)" 0
check_eq "  … no lease, no port" "$(leases) $(elements)" "$before"
berth run -d --name nb2 bb true >/dev/null 2>&1
wait_for 5 sh -c '[ "$(systemctl is-active container@nb2.service)" = failed ]'
on_exit berth rm -f nb2
check_eq "  … as a service too: failed" "$(systemctl is-active container@nb2.service)" failed
check_match "  … with the reason in its logs" "$(berth logs -o cat nb2 2>&1)" "interface notbr0 exists and is not a bridge"
check_fails "  … and no scope" sh -c 'systemctl list-units --all --plain --no-legend "container-nb2.scope" | grep -q .'
berth_conf_reset
berth stop tiny1 >/dev/null
