# SPDX-License-Identifier: LGPL-2.1-or-later
# '$' in Exec=, Entrypoint= and Environment=, as Quadlet's ExecStart= has systemd expand them:
# ${NAME} and $$ everywhere, a word that is $NAME split into words in Exec=, from the service's
# environment; berth exec sees the same Environment= values; the displays show $$ as $; berth
# run keeps docker's meaning of '$'; a hostile expansion fails the start with one line.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image dvbb
D=/etc/berth/containers
mkdir -p $D
on_exit "rm -f $D/dvars.container $D/dvbig.container $D/dvbige.container; systemctl daemon-reload"
on_exit 'systemctl stop container@dvars.service container@dvbig.service container@dvbige.service'

cat > $D/dvars.container <<'DEF'
[Container]
Image=dvbb
Entrypoint=/bin/${SHELLNAME}
Exec=-c 'for a in "$@"; do printf "<%%s>" "$a"; done; echo; echo "port=${PORT} home=$$HOME env=$FROM_ENV"; trap "exit 0" TERM; while :; do sleep 0.1; done' \
        sh $ARGS "${ARGS}" $UNSET '${UNSET}' x$PORT $$PORT "$$${PORT}" ${INVOCATION_ID}
Environment=FROM_ENV=${PORT}-$$PORT "SPLIT=${ARGS}" RAW=$PORT UNSET=${UNSET} MGR=${DVMGR}

[Service]
Environment=PORT=8080 "ARGS=a b" SHELLNAME=sh
DEF
on_exit 'systemctl unset-environment DVMGR'
systemctl set-environment DVMGR=from-manager
systemctl daemon-reload
check "a definition with \$ in Exec=, Entrypoint=, Environment= starts" systemctl start container@dvars.service
wait_for 10 sh -c 'berth logs -o cat dvars | grep -q "^port="'
logs=$(berth logs -o cat dvars)
check_eq "Exec=: \$ARGS split, \"\${ARGS}\" one word, \$UNSET none, '\${UNSET}' empty, x\$PORT and \$\$ as \$ left" \
        "$(echo "$logs" | head -1)" '<a><b><a b><><x$PORT><$PORT><$8080><>'
check_eq "  … \${PORT} and \$\$HOME inside sh -c's word; Entrypoint=/bin/\${SHELLNAME} ran sh" \
        "$(echo "$logs" | grep '^port=')" 'port=8080 home=/root env=8080-$PORT'
payload=$(berth inspect --format '{{.State.Pid}}' dvars)
check_eq "the payload's argv[0] is the expanded entrypoint" "$(tr '\0' '\n' < /proc/$payload/cmdline | head -1)" /bin/sh
check_eq "the payload's environment: Environment= expanded" \
        "$(tr '\0' '\n' < /proc/$payload/environ | grep -E '^(FROM_ENV|SPLIT|RAW|UNSET|MGR)=' | sort | tr '\n' '|')" \
        'FROM_ENV=8080-$PORT|MGR=from-manager|RAW=$PORT|SPLIT=a b|UNSET=|'
check_eq "  … and nothing of what systemd hands the helper for itself" \
        "$(tr '\0' '\n' < /proc/$payload/environ | grep -cE '^(INVOCATION_ID|NOTIFY_SOCKET|JOURNAL_STREAM|PORT)=')" 0
check_eq "berth exec sees the same Environment= values" \
        "$(berth exec dvars sh -c 'echo "$FROM_ENV|$SPLIT|$RAW|$UNSET|$MGR"')" '8080-$PORT|a b|$PORT||from-manager'
check_eq "berth exec's own command is docker's words, not expanded" "$(berth exec dvars echo '${PORT}' '$$')" '${PORT} $$'
check_match "inspect's Config.Env shows \$\$ as \$ and \${X} as written" \
        "$(berth inspect --format '{{json .Config.Env}}' dvars)" '"FROM_ENV=\$\{PORT\}-\$PORT"'
check_match "  … Config.Cmd too" "$(berth inspect --format '{{json .Config.Cmd}}' dvars)" '"x\$PORT","\$PORT","\$\$\{PORT\}"'
check_eq "  … Config.Entrypoint too" "$(berth inspect --format '{{json .Config.Entrypoint}}' dvars)" '["/bin/${SHELLNAME}"]'
check_eq "berth status's command line shows \$\$ as \$" \
        "$(berth status dvars 2>&1 | grep -cF "'x\$PORT' '\$PORT' '\$\${PORT}'")" 1
check_eq "  … and so does ps's COMMAND" "$(berth ps --no-trunc --format '{{.Command}}' --filter name=dvars | grep -cF 'x$PORT $PORT $${PORT}')" 1
check "it stops" systemctl stop container@dvars.service

# The same words in a plain unit's ExecStart= and in a definition's Exec=: systemd's argv and
# the payload's are the same.
words='$ARGS "$ARGS" ${PORT}x $1 $ x$PORT $$PORT ${UNSET} $UNSET "${A b}" ${PORT $Q $BS $PORT-x ${PORT:-d} $$$${PORT} \
        "a${PORT}b${ARGS}" end'
env='Environment=PORT=8080 "ARGS=a b" "Q=x \x27y z\x27 back\\\\ slash" BS=\\\\'
mkdir -p /run/systemd/system
on_exit 'rm -f /run/systemd/system/dvprobe.service; systemctl daemon-reload'
on_exit "rm -f $D/dvsame.container"
printf '[Service]\nType=oneshot\n%s\nExecStart=/bin/sh -c %s sh %s\n' "$env" \
        "'for a in \"\$@\"; do printf \"<%%s>\" \"\$a\"; done; echo'" "$words" > /run/systemd/system/dvprobe.service
printf '[Container]\nImage=dvbb\nExec=sh -c %s sh %s\n[Service]\n%s\n' \
        "'for a in \"\$@\"; do printf \"<%%s>\" \"\$a\"; done; echo'" "$words" "$env" > $D/dvsame.container
systemctl daemon-reload
systemctl start dvprobe.service container@dvsame.service
wait_for 10 sh -c 'berth logs -o cat dvsame | grep -q "end>"'
want=$(journalctl -q -o cat -u dvprobe.service | grep 'end>$')
check_match "systemd's own expansion of the words" "$want" '^<a><b><a><b><8080x>'
check_eq "  … is the payload's" "$(berth logs -o cat dvsame | grep 'end>$')" "$want"

# A hostile value: three ${BIG} of 100 KB each, more than a definition may hold: one line, no start.
big=$(head -c 100000 /dev/zero | tr '\0' x)
printf '[Container]\nImage=dvbb\nExec=echo ${BIG} ${BIG} ${BIG}\n[Service]\nEnvironment=BIG=%s\n' "$big" > $D/dvbig.container
systemctl daemon-reload
check_fails "an expansion past the definition size fails the start" systemctl start container@dvbig.service
journal=$(journalctl -q -o cat -u container@dvbig.service)
check_eq "  … with one line saying why" \
        "$(echo "$journal" | grep -c '^Exec= is more than 262144 bytes with their variables expanded$')" 1
printf '[Container]\nImage=dvbb\nExec=true\nEnvironment=A=${BIG}${BIG} B=${BIG}\n[Service]\nEnvironment=BIG=%s\n' "$big" \
        > $D/dvbige.container
systemctl daemon-reload
check_fails "  … in Environment= too" systemctl start container@dvbige.service
check_eq "  … with one line saying why" \
        "$(journalctl -q -o cat -u container@dvbige.service | grep -c '^Environment= is more than 262144 bytes with its variables expanded$')" 1

# berth run: docker's words keep their meaning.
check_eq "berth run sh -c 'echo \$HOME \${HOME} \$\$' as docker" "$(berth run --rm dvbb sh -c 'echo $HOME ${HOME} $$')" "/root /root 1"
check_eq "berth run -e 'X=\${HOME}\$\$' as docker" "$(berth run --rm -e 'X=${HOME}$$' dvbb sh -c 'echo "$X"')" '${HOME}$$'
check_eq "berth run --entrypoint '\$X' as docker: the command named \$X" \
        "$(berth run --rm --entrypoint '$X' dvbb 2>&1 | grep -c "executable '\$X' not found")" 1

# docker's link variables carry the linked container's environment as it was given.
on_exit 'berth rm -f dvdb'
berth run -d --name dvdb -e 'PW=a$b$$c${d}' dvbb sleep 1000 >/dev/null
check_eq "--link's DB_ENV_PW is the value docker's -e gave" \
        "$(berth run --rm --link dvdb:db dvbb sh -c 'echo "$DB_ENV_PW"')" 'a$b$$c${d}'
