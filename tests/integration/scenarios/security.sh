# SPDX-License-Identifier: LGPL-2.1-or-later
# The seccomp profile and no_new_privs, in run and exec, and where they are off: --privileged,
# --security-opt seccomp=unconfined. The calls are made by a static probe in the image.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image sec "$BERTH_BUILD_DIR/tests/integration/syscall-probe"
field() { awk -v k="$1:" '$1 == k {print $2}'; }
probe() { berth run --rm "$@" | tr '\n' ' ' | sed 's/ $//'; }

# --- the default profile
check_eq "a container runs under a seccomp filter" "$(berth run --rm sec cat /proc/self/status | field Seccomp)" 2
check_eq "  … without no_new_privs (setuid binaries work, as with docker)" \
        "$(berth run --rm sec cat /proc/self/status | field NoNewPrivs)" 0
check_eq "keyctl() is refused, clone3() answers ENOSYS, other personalities are refused" \
        "$(probe sec syscall-probe getpid keyctl clone3 personality)" \
        "getpid ok keyctl EPERM clone3 ENOSYS personality EPERM"
# Only where the kernel serves the i386 ABI at all (IA32_EMULATION, not ia32_emulation=0): asked
# outside any filter first, on the host.
if [ "$(uname -m)" != x86_64 ]; then
        echo "ok - # SKIP the i386 ABI: not an x86-64 machine"
elif [ "$("$BERTH_BUILD_DIR/tests/integration/syscall-probe" compat-getpid)" != "compat-getpid ok" ]; then
        echo "ok - # SKIP the i386 ABI: this kernel does not serve it ($("$BERTH_BUILD_DIR/tests/integration/syscall-probe" compat-getpid))"
else
        check_eq "the i386 ABI is filtered too, not killed" "$(probe sec syscall-probe compat-getpid compat-keyctl)" \
                "compat-getpid ok compat-keyctl EPERM"
fi
check_eq "--cap-add SYS_ADMIN lets clone3() and unshare() through" \
        "$(probe --cap-add SYS_ADMIN sec syscall-probe clone3 unshare keyctl)" "clone3 EINVAL unshare ok keyctl EPERM"
check_eq "under --init the payload is filtered" \
        "$(berth run --rm --init sec sh -c 'cat /proc/$$/status' | field Seccomp)" 2
check_eq "  … and so is the init" "$(berth run --rm --init sec cat /proc/1/status | field Seccomp)" 2
check_eq "a shell, pipes, forks and sleeps work under it" \
        "$(berth run --rm sec sh -c 'ls /usr/bin | grep -c probe; (sleep 0.1; echo done) | cat')" "1
done"

# --- off
check_eq "--security-opt seccomp=unconfined: no filter" \
        "$(berth run --rm --security-opt seccomp=unconfined sec cat /proc/self/status | field Seccomp)" 0
check_eq "  … keyctl() gets through" "$(probe --security-opt seccomp=unconfined sec syscall-probe keyctl)" "keyctl ok"
check_eq "--privileged: no filter" "$(berth run --rm --privileged sec cat /proc/self/status | field Seccomp)" 0

# --- no_new_privs
check_eq "--security-opt no-new-privileges sets no_new_privs" \
        "$(berth run --rm --security-opt no-new-privileges sec cat /proc/self/status | field NoNewPrivs)" 1
check_eq "  … =false does not" \
        "$(berth run --rm --security-opt no-new-privileges=false sec cat /proc/self/status | field NoNewPrivs)" 0

# --- exec takes the container's confinement
mkdir -p /etc/berth/containers
on_exit 'berth rm -f secd >/dev/null 2>&1; rm -f /etc/berth/containers/secd.container'
printf '[Container]\nImage=sec\nExec=sleep 1000\nNoNewPrivileges=yes\n' > /etc/berth/containers/secd.container
systemctl daemon-reload
check "a definition with NoNewPrivileges=yes starts" systemctl start container@secd.service
status=$(berth exec secd cat /proc/self/status)
check_eq "exec into it is filtered" "$(echo "$status" | field Seccomp)" 2
check_eq "  … and has no_new_privs" "$(echo "$status" | field NoNewPrivs)" 1
check_eq "  … and the filter refuses keyctl()" "$(berth exec secd syscall-probe keyctl)" "keyctl EPERM"
insp=$(berth inspect secd)
check_match "inspect says so" "$insp" '"no_new_privileges": true,'
check_match "  … and names the profile" "$insp" '"seccomp": "default"'
berth rm -f secd >/dev/null

# --- the compiled profile kept under /run/berth
check_eq "the profiles' directory is root's alone" "$(stat -c %a:%U /run/berth/seccomp)" 700:root
check_eq "  … and so is each profile" "$(stat -c %a:%U /run/berth/seccomp/*.bpf | sort -u)" 600:root
f=$(ls /run/berth/seccomp/00000000a80425fb-*.bpf)
ino=$(stat -c %i "$f")
chmod 0644 "$f"
check_eq "a profile that others could have written is not used" \
        "$(probe sec syscall-probe keyctl)" "keyctl EPERM"
check "  … but made anew" sh -c "[ \$(stat -c %i:%a $f) != $ino:644 ] && [ \$(stat -c %a $f) = 600 ]"

# --- bad input
out=$(berth run --rm --security-opt label=user:system_u sec true 2>&1); rc=$?
check_eq "an unknown --security-opt exits 125" "$rc" 125
check_eq "  … in one line" "$out" \
        "berth: option --security-opt: 'label=user:system_u' is not one berth has (no-new-privileges[=BOOL], seccomp=unconfined, seccomp=PATH, mask=PATHS, unmask=PATHS|ALL, systempaths=unconfined, apparmor=PROFILE, label=disable|nested|type:T|level:L|filetype:T)"
out=$(berth run --rm --security-opt seccomp=/etc/profile.json sec true 2>&1); rc=$?
check_eq "a seccomp profile file that is not there exits 125" "$rc" 125
check_eq "  … in one line" "$out" \
        "berth: option --security-opt: seccomp profile /etc/profile.json: No such file or directory"
printf '[Container]\nImage=sec\nSeccompProfile=strict\n' > /tmp/bad.container
out=$(berth verify /tmp/bad.container 2>&1)
check_eq "SeccompProfile=strict in a file names FILE:LINE" "$out" \
        "berth: /tmp/bad.container:3: key 'SeccompProfile': 'strict' is not default, unconfined or the absolute path of a JSON profile"
rm -f /tmp/bad.container

# --- sysctls of the container's own namespaces
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_shm=$(cat /proc/sys/kernel/shmmni)
check_eq "--sysctl sets net.* in the container's network namespace" \
        "$(berth run --rm --sysctl net.ipv4.ip_forward=$((1 - host_fwd)) --sysctl 'net.ipv4.ip_local_port_range=20000 20100' \
                sec sh -c 'cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_local_port_range' | tr -s ' \t\n' ' ')" \
        "$((1 - host_fwd)) 20000 20100 "
check_eq "  … and IPC ones in its IPC namespace" \
        "$(berth run --rm --sysctl kernel.shmmni=$((host_shm + 1)) sec cat /proc/sys/kernel/shmmni)" "$((host_shm + 1))"
check_eq "  … and not on the host" "$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shmmni)" \
        "$host_fwd $host_shm"
check_eq "  … with Network=container:NAME, in that container's namespace" \
        "$(berth run -d --name secnet sec sleep 100 >/dev/null
           berth run --rm --network container:secnet --sysctl net.ipv4.tcp_syncookies=0 sec true
           berth exec secnet cat /proc/sys/net/ipv4/tcp_syncookies; berth rm -f secnet >/dev/null)" 0
printf '[Container]\nImage=sec\nExec=cat /proc/sys/kernel/domainname\nSysctl=kernel.domainname=example.org\n' \
        > /etc/berth/containers/secsys.container
on_exit 'rm -f /etc/berth/containers/secsys.container'
check_eq "Sysctl= in a definition" "$(berth start secsys >/dev/null; berth wait secsys >/dev/null; berth logs -o cat secsys)" example.org
berth rm -f secsys >/dev/null

out=$(berth run --rm --sysctl kernel.core_pattern='|/tmp/x' sec true 2>&1); rc=$?
check_eq "a sysctl of the host's is refused: 125" "$rc" 125
check_eq "  … in one line" "$out" \
        "berth: option --sysctl: 'kernel.core_pattern=|/tmp/x' is not a setting of the container's own namespaces (net.*, fs.mqueue.*, kernel.domainname, kernel.msg*, kernel.sem, kernel.shm*)"
check_eq "  … and the host's is unchanged" "$(cat /proc/sys/kernel/core_pattern | grep -c /tmp/x)" 0
out=$(berth run --rm --network host --sysctl net.ipv4.ip_forward=1 sec true 2>&1); rc=$?
check_eq "net.* with --network host is refused" "$rc $out" \
        "125 berth: option --sysctl: 'net.ipv4.ip_forward=1' would change the host's network (Network=host)"
out=$(berth run --rm --sysctl net.ipv4.ip_forward=1+kernel.core_pattern=x sec true 2>&1); rc=$?
check_eq "a value with '+' is refused" "$rc" 125
out=$(berth run --rm --name secbad --sysctl net.core.bpf_jit_enable=0 sec true 2>&1); rc=$?
check_eq "a host-wide net.* key (not in the container's namespace) fails the start: 125" "$rc" 125
check_eq "  … in one line" "$out" "berth: sysctl net.core.bpf_jit_enable does not exist in the container's namespaces"
check_fails "  … leaving no container behind" test -e /var/lib/berth/containers/secbad
# The payload dies at once there, while machined may still be registering it: its "No such
# process" is no second line.
lines=""
for i in 1 2 3 4 5 6 7 8; do
        lines="$lines $(berth run --rm --name secbad$i --sysctl net.core.bpf_jit_enable=0 sec true 2>&1 | wc -l)"
done
check_eq "  … one line each time, however machined's registration ends" "$lines" " 1 1 1 1 1 1 1 1"
