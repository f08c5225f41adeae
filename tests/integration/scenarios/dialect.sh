# SPDX-License-Identifier: LGPL-2.1-or-later
# Quadlet's and docker's words for a container's process and its surroundings (issue 16):
# Label=/--label, Annotation=, ContainerName=, Ulimit=/--ulimit, Group=, GroupAdd=/--group-add,
# the user's groups from the image's /etc/group, an image's STOPSIGNAL, --stop-signal,
# --stop-timeout, EnvironmentHost=/--env-host, DNSSearch=/--dns-search, DNSOption=/--dns-option.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"
SRC=$BERTH_SOURCE_DIR

make_image dl
python3 "$SRC/tests/integration/helpers/image-archive.py" docker-dialect /tmp/dialect-image.tar
on_exit 'rm -f /tmp/dialect-image.tar; berth image rm dialect:1'
berth image load /tmp/dialect-image.tar >/dev/null

inspect() { berth inspect "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps($2, sort_keys=True))"; }

# --- labels and annotations --------------------------------------------------------------------
berth create --name dlab -l org.a=1 --label 'org.b=two words' --label org.shared=mine --annotation io.x=y \
        dialect:1 sleep 1 >/dev/null
on_exit 'berth rm -f dlab'
check_eq "inspect shows the labels, the image's under the container's" "$(inspect dlab 'd["labels"]')" \
        '{"org.a": "1", "org.b": "two words", "org.image.only": "img", "org.shared": "mine"}'
check_eq "  … and the annotations" "$(inspect dlab 'd["annotations"]')" '{"io.x": "y"}'
check_eq "  … and the definition keeps its own" "$(inspect dlab 'd["definition"]["labels"]')" \
        '["org.a=1", "org.b=two words", "org.shared=mine"]'

# --- ContainerName= --------------------------------------------------------------------------------
mkdir -p /run/berth/containers
printf '[Container]\nImage=dl\nContainerName=dcn\nExec=true\n' > /run/berth/containers/dcn.container
on_exit 'rm -f /run/berth/containers/dcn.container /run/berth/containers/dother.container'
check "ContainerName= equal to the file's name is taken" berth verify /run/berth/containers/dcn.container
printf '[Container]\nImage=dl\nContainerName=foobar\nExec=true\n' > /run/berth/containers/dother.container
# Issue 16: leftovers. Another name is the container's too (dialect-rest.sh runs one).
check "ContainerName= that differs is taken" berth verify /run/berth/containers/dother.container

# --- Ulimit= ---------------------------------------------------------------------------------------
check_eq "--ulimit nofile=1024:2048 sets both limits" \
        "$(berth run --rm --ulimit nofile=1024:2048 dl sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)')" "1024 2048"
check_eq "--ulimit core=-1 is unlimited" "$(berth run --rm --ulimit core=-1 dl sh -c 'ulimit -Hc')" "unlimited"
check_eq "--ulimit nproc=77 sets soft and hard" \
        "$(berth run --rm --ulimit nproc=77 dl awk '/processes/ {print $3, $4}' /proc/self/limits)" "77 77"
berth run -d --name dul --ulimit nofile=512:1024 dl sleep 1000 >/dev/null
on_exit 'berth rm -f dul'
check_eq "  … exec has the container's limits too" "$(berth exec dul sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)')" "512 1024"
check_eq "  … even as another user" "$(berth exec -u user dul sh -c 'ulimit -Hn')" "1024"
berth rm -f dul >/dev/null
out=$(berth run --rm --ulimit nofile=10:5 dl true 2>&1); rc=$?
check_eq "a soft limit above the hard one is refused" "$rc $out" \
        "125 berth: option --ulimit: 'nofile=10:5': the soft limit is above the hard one"
out=$(berth run --rm --ulimit files=10 dl true 2>&1); rc=$?
check_match "an unknown limit is refused, naming the option" "$rc $out" "^125 berth: option --ulimit: 'files' is not a limit"

# --- the user's groups, Group=, GroupAdd= ------------------------------------------------------------
check_eq "-u postgres: its groups from the image's /etc/group (docker's 101 102)" \
        "$(berth run --rm -u postgres dialect:1 id -G | tr ' ' '\n' | sort -n | paste -sd' ')" "101 102"
check_eq "-u 101 (a uid with a passwd entry): the same" \
        "$(berth run --rm -u 101 dialect:1 id -G | tr ' ' '\n' | sort -n | paste -sd' ')" "101 102"
check_eq "-u postgres:staff: that group, none from /etc/group (runc's rule)" \
        "$(berth run --rm -u postgres:staff dialect:1 id -G)" "50"
check_eq "--group-add by name and number" \
        "$(berth run --rm -u postgres --group-add staff --group-add 4242 dialect:1 id -G | tr ' ' '\n' | sort -n | paste -sd' ')" \
        "50 101 102 4242"
berth run -d --name dgrp -u postgres --group-add staff dialect:1 sleep 1000 >/dev/null
on_exit 'berth rm -f dgrp'
check_eq "  … the payload's groups" \
        "$(berth exec dgrp cat /proc/1/status | awk '/^Groups/ {$1=""; print}' | tr ' ' '\n' | sed '/^$/d' | sort -n | paste -sd' ')" "50 101"
check_eq "  … exec's: the user's groups and GroupAdd=" \
        "$(berth exec dgrp id -G | tr ' ' '\n' | sort -n | paste -sd' ')" "50 101 102"
check_eq "  … exec -u root: root's and GroupAdd=" "$(berth exec -u root dgrp id -G | tr ' ' '\n' | sort -n | paste -sd' ')" "0 50"
berth rm -f dgrp >/dev/null
out=$(berth run --rm --group-add nosuch dialect:1 true 2>&1); rc=$?
check_eq "a group not in the image's /etc/group fails the start in one line" "$rc $out" \
        "125 berth: group 'nosuch' (GroupAdd=) not found in the image's /etc/group"
out=$(berth run --rm --group-add keep-groups dl true 2>&1); rc=$?
check_match "keep-groups is refused as podman's" "$rc $out" "^125 berth: option --group-add: 'keep-groups' is podman's"
printf '[Container]\nImage=dialect:1\nUser=postgres\nGroup=staff\nExec=sleep 1000\n' > /run/berth/containers/dgf.container
on_exit 'rm -f /run/berth/containers/dgf.container'
check "User= with Group= starts" berth start dgf
on_exit 'berth rm -f dgf'
check_eq "  … as that user and group (Quadlet's --user U:G)" "$(berth exec dgf id -u):$(berth exec dgf id -G)" "101:50"
berth rm -f dgf >/dev/null
printf '[Container]\nImage=dialect:1\nGroup=staff\n' > /run/berth/containers/dgf.container
out=$(berth verify /run/berth/containers/dgf.container 2>&1)
check_match "Group= without User= is refused (Quadlet's rule)" "$out" "Group set without User"

# --- stop signals ---------------------------------------------------------------------------------
# The payload says which signal it got; sh as PID 1 gets only the signals it traps.
berth run -d --name dsig dialect:1 sh -c 'trap "exit 10" USR1; trap "exit 15" TERM; while :; do sleep 0.1; done' >/dev/null
on_exit 'berth rm -f dsig'
check_eq "inspect shows the image's STOPSIGNAL" "$(inspect dsig 'd["definition"]["stop_signal"]')" '"SIGUSR1"'
berth stop dsig >/dev/null
check_eq "berth stop sends the image's STOPSIGNAL: its USR1 trap ran (exit 10), not its TERM one" "$(systemctl show -P ExecMainStatus container@dsig.service)" 10
berth rm -f dsig >/dev/null
berth run -d --name dsig2 --stop-signal SIGTERM --stop-timeout 3 dialect:1 sh -c 'trap "exit 3" TERM; trap "exit 4" USR1; while :; do sleep 0.1; done' >/dev/null
on_exit 'berth rm -f dsig2'
check_eq "--stop-signal wins over the image's" "$(inspect dsig2 'd["definition"]["stop_signal"]')" '"SIGTERM"'
check_eq "--stop-timeout is kept" "$(inspect dsig2 'd["definition"]["stop_timeout_usec"]')" 3000000
berth stop dsig2 >/dev/null
check_eq "  … the payload got SIGTERM" "$(systemctl show -P ExecMainStatus container@dsig2.service)" 3
berth rm -f dsig2 >/dev/null
berth run -d --name dsig3 --stop-timeout 1 dl sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
on_exit 'berth rm -f dsig3'
check_eq "--stop-timeout 1 reaches the definition" "$(inspect dsig3 'd["definition"]["stop_timeout_usec"]')" 1000000
berth stop dsig3 >/dev/null
journalctl --sync
check_match "  … a payload that ignores SIGTERM gets SIGKILL once it ran out" \
        "$(journalctl -q -o cat -u container@dsig3.service | paste -sd,)" "SIGTERM sent to container dsig3,SIGKILL sent to container dsig3,container dsig3 exited \(137\)"
berth rm -f dsig3 >/dev/null

# --- EnvironmentHost= -------------------------------------------------------------------------------
check_eq "--env-host: the caller's environment, under -e" \
        "$(FROM_CALLER=yes OVER=caller berth run --rm --env-host -e OVER=flag dl sh -c 'echo $FROM_CALLER $OVER')" "yes flag"
check_eq "  … not without it" "$(FROM_CALLER=yes berth run --rm dl sh -c 'echo ${FROM_CALLER:-unset}')" "unset"
FROM_CALLER=detached berth run -d --name deh2 --env-host -e OVER=flag dl sleep 1000 >/dev/null
on_exit 'berth rm -f deh2'
check_eq "run -d --env-host: the caller's environment, taken at run, not the service's" \
        "$(berth exec deh2 sh -c 'echo $FROM_CALLER $OVER')" "detached flag"
check_fails "  … less what systemd hands a service" sh -c "berth exec deh2 env | grep -q '^INVOCATION_ID='"
berth rm -f deh2 >/dev/null
printf '[Container]\nImage=dl\nEnvironmentHost=yes\nExec=sh -c "env > /tmp/env; exec sleep 1000"\n' > /run/berth/containers/deh.container
on_exit 'rm -f /run/berth/containers/deh.container'
berth start deh
on_exit 'berth rm -f deh'
check "EnvironmentHost=yes in a unit: the service's environment (its PATH, set by systemd)" \
        sh -c "berth exec deh cat /tmp/env | grep -q '^PATH=.*/usr/local/sbin'"
check_fails "  … less what systemd hands the helper for itself" \
        sh -c "berth exec deh cat /tmp/env | grep -q '^INVOCATION_ID='"
berth rm -f deh >/dev/null

# --- DNSSearch=, DNSOption= --------------------------------------------------------------------------
out=$(berth run --rm --dns-search example.com --dns-search corp.example --dns-option ndots:2 --dns-option edns0 dl cat /etc/resolv.conf)
check_eq "--dns-search: one search line" "$(printf '%s\n' "$out" | grep '^search')" "search example.com corp.example"
check_eq "--dns-option: one options line" "$(printf '%s\n' "$out" | grep '^options')" "options ndots:2 edns0"
check_eq "  … each once" "$(printf '%s\n' "$out" | grep -c '^search\|^options\|^domain')" 2
check_fails "--dns-search .: no search line at all" \
        sh -c "berth run --rm --dns-search . dl cat /etc/resolv.conf | grep -q '^search\|^domain'"
out=$(berth run --rm --dns-option 'a b' dl true 2>&1); rc=$?
check_match "a resolver option with a blank is refused" "$rc $out" "^125 berth: option --dns-option: 'a b' is not a resolver option"

# --- PublishPort='s full forms, -P, berth port -----------------------------------------------------
serve='trap "exit 0" TERM; nc -ll -p 80 -e sh -c "echo hello from \$(hostname)" & wait'
tcp_get() { timeout 3 busybox nc "$@" </dev/null 2>&1; }
host_port() { berth port "$1" "$2" | awk -F: 'NR == 1 {print $NF}'; }
berth run -d --name dp1 -p 80 -p 127.0.0.1::80/udp dl sh -c "$serve" >/dev/null
on_exit 'berth rm -f dp1'
p1=$(host_port dp1 80/tcp)
check_match "-p 80: a free host port, which berth port shows" "$(berth port dp1 80)" "^80/tcp -> 0.0.0.0:$p1"
check "  … one of the kernel's ephemeral range" test "$p1" -ge "$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range)"
wait_for 5 sh -c "[ -n \"\$(timeout 1 busybox nc 127.0.0.1 $p1 </dev/null 2>/dev/null)\" ]"
check_eq "  … and it reaches the container" "$(tcp_get 127.0.0.1 "$p1")" "hello from dp1"
check_eq "  … over IPv6 too" "$(tcp_get ::1 "$p1")" "hello from dp1"
check_match "-p 127.0.0.1::80/udp: a free port on that address" "$(berth port dp1 80/udp)" '^80/udp -> 127\.0\.0\.1:[0-9]+$'
python3 -c 'import socket,time; s=socket.socket(); s.bind(("0.0.0.0", 9200)); s.listen(); time.sleep(60)' &
holder=$!
on_exit "kill $holder 2>/dev/null"
wait_for 3 sh -c 'ss -ltn | grep -q ":9200 "'
berth run -d --name dp2 -p 9200-9210:80 -p 9300-9301:81-82 dl sh -c "$serve" >/dev/null
on_exit 'berth rm -f dp2'
check_eq "-p 9200-9210:80: the first free port of the range (9200 is taken)" "$(host_port dp2 80)" 9201
check_eq "-p 9300-9301:81-82: pairs" "$(berth port dp2 | grep -c -- '-> 0.0.0.0:930[01]$')" 2
wait_for 5 sh -c "[ -n \"\$(timeout 1 busybox nc 127.0.0.1 9201 </dev/null 2>/dev/null)\" ]"
check_eq "  … and the picked port reaches the container" "$(tcp_get 127.0.0.1 9201)" "hello from dp2"
kill $holder
berth run -d --name dp3 -P --expose 7000-7001/udp dialect:1 sleep 1000 >/dev/null
on_exit 'berth rm -f dp3'
check_match "-P: the image's ExposedPorts on a free port" "$(berth port dp3 8080)" '^8080/tcp -> 0\.0\.0\.0:[0-9]+$'
check_eq "  … and --expose's range" "$(berth port dp3 | grep -c '^700[01]/udp -> 0.0.0.0:')" 2
berth rm -f dp1 dp2 dp3 >/dev/null
berth create --name dp4 -p 8088:80 -p 81 dl true >/dev/null
on_exit 'berth rm -f dp4'
check_eq "berth port of a stopped container: the ports its definition names" "$(berth port dp4)" \
        "$(printf '80/tcp -> 0.0.0.0:8088\n80/tcp -> [::]:8088')"
berth rm -f dp4 >/dev/null
out=$(berth run --rm -p 80/sctp dl true 2>&1); rc=$?
check_eq "-p 80/sctp is refused in one line" "$rc $out" \
        "125 berth: option -p: '80/sctp': sctp is not supported (berth holds and proxies published ports for tcp and udp)"
out=$(berth run --rm -p 8000:80-82 dl true 2>&1); rc=$?
check_match "a host port for a range of container ports is refused" "$rc $out" "^125 berth: option -p: '8000:80-82' is not a published port"
printf '[Container]\nImage=dl\nExposeHostPort=2000-3000/udp\n' > /run/berth/containers/dexp.container
on_exit 'rm -f /run/berth/containers/dexp.container'
check "ExposeHostPort= (Quadlet's name) is taken" berth verify /run/berth/containers/dexp.container

# --- IP6= ---------------------------------------------------------------------------------------------
out=$(berth run --rm --ip6 fd66::9 dl true 2>&1); rc=$?
check_eq "--ip6 without an IPv6 subnet on the bridge: refused in one line" "$rc $out" \
        "125 berth: IP6=fd66::9: bridge berth0 has no IPv6 subnet (berth.conf's [Network] Subnet6=)"
mkdir -p /etc/berth
printf '[Network]\nBridge=berthd6\nSubnet=10.67.0.0/24\nSubnet6=fd67::/64\n' | berth_conf
on_exit 'berth_conf_reset; ip link del berthd6 2>/dev/null'
berth run -d --name dip6 --ip6 fd67::9 dl sleep 1000 >/dev/null
on_exit 'berth rm -f dip6'
check_eq "--ip6 fd67::9: that IPv6 address" "$(berth exec dip6 ip -o -6 addr show dev eth0 scope global | awk '{print $4}')" fd67::9/64
check_eq "  … and the IPv4 address of the same host number" "$(berth exec dip6 ip -o -4 addr show dev eth0 | awk '{print $4}')" 10.67.0.9/24
berth rm -f dip6 >/dev/null
out=$(berth run --rm --ip 10.67.0.5 --ip6 fd67::9 dl true 2>&1); rc=$?
check_match "--ip and --ip6 of two host numbers: refused" "$rc $out" "^125 berth: IP=10.67.0.5 and IP6=fd67::9 name two containers"
out=$(berth run --rm --ip6 fd68::9 dl true 2>&1); rc=$?
check_match "an address outside Subnet6=: refused" "$rc $out" "^125 berth: IP6=fd68::9: not an address a container can take in fd67::/64"
berth_conf_reset
ip link del berthd6 2>/dev/null

# --- SeccompProfile=PATH ---------------------------------------------------------------------------
mkdir -p /tmp/dialect-seccomp
on_exit 'rm -rf /tmp/dialect-seccomp'
cat > /tmp/dialect-seccomp/nomkdir.json <<'EOF2'
{
        "defaultAction": "SCMP_ACT_ALLOW",
        "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
        "syscalls": [
                {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                {"names": ["sethostname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                 "excludes": {"caps": ["CAP_SYS_ADMIN"]}}
        ]
}
EOF2
out=$(cd /tmp/dialect-seccomp && berth run --rm --security-opt seccomp=nomkdir.json dl sh -c 'mkdir /tmp/x 2>&1; echo rc=$?')
check_match "--security-opt seccomp=PATH: the profile's rule applies (mkdir: EACCES)" "$out" "Permission denied"
check_match "  … a relative path is the caller's" "$out" "rc=1"
check_eq "  … what it allows still works" "$(berth run --rm --security-opt seccomp=/tmp/dialect-seccomp/nomkdir.json dl sh -c 'touch /tmp/y && echo ok')" ok
printf '[Container]\nImage=dl\nSeccompProfile=/tmp/dialect-seccomp/nomkdir.json\nExec=sleep 1000\n' > /run/berth/containers/dsec.container
on_exit 'rm -f /run/berth/containers/dsec.container'
check "SeccompProfile=PATH in a definition starts" berth start dsec
on_exit 'berth rm -f dsec'
check_match "  … berth exec is confined as the payload" "$(berth exec dsec sh -c 'mkdir /tmp/z 2>&1')" "Permission denied"
check_eq "  … inspect names the profile" "$(inspect dsec 'd["definition"]["seccomp"]')" '"/tmp/dialect-seccomp/nomkdir.json"'
berth rm -f dsec >/dev/null
check_eq "  … without it, mkdir works (berth's default profile)" "$(berth run --rm dl sh -c 'mkdir /tmp/x && echo ok')" ok
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' > /tmp/dialect-seccomp/broken.json
out=$(berth run --rm --security-opt seccomp=/tmp/dialect-seccomp/broken.json dl true 2>&1); rc=$?
check_eq "a profile that does not parse: one line naming the file and what is wrong" "$rc $out" \
        "125 berth: seccomp profile /tmp/dialect-seccomp/broken.json: not JSON: unexpected end of data"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}' > /tmp/dialect-seccomp/bad.json
out=$(berth run --rm --security-opt seccomp=/tmp/dialect-seccomp/bad.json dl true 2>&1); rc=$?
check_eq "  … a bad action, named with its place" "$rc $out" \
        "125 berth: seccomp profile /tmp/dialect-seccomp/bad.json: syscalls[0]: 'SCMP_ACT_NOPE' is not an action (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, …)"

finish
