# SPDX-License-Identifier: LGPL-2.1-or-later
# Definition files as Quadlet reads them, in a real systemd: [Unit] and [Service] keys in the
# unit, a drop-in that changes a key, a template with two instances running, a .volume file, and
# Exec= with systemd's escapes and specifiers as the container's argv.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image qbb
D=/etc/berth/containers
mkdir -p $D
on_exit "rm -rf $D/qweb.container $D/qweb.container.d $D/qt@.container $D/qt@.container.d $D/qt@own.container \
        $D/qvol.container $D/qdata.volume $D/qesc.container; systemctl daemon-reload"
on_exit 'systemctl stop container@qweb.service container@qt@a.service container@qt@b.service container@qt@own.service \
        container@qvol.service container@qesc.service'
on_exit 'berth volume rm qdata-vol'

# [Unit] and [Service]: systemd shows them on the unit; a drop-in changes one.
cat > $D/qweb.container <<'DEF'
[Unit]
Description=Quadlet web %p
Documentation=https://example.com/%p

[Container]
Image=qbb
Exec=sh -c 'echo "A=$A B=$B"; trap "exit 0" TERM; while :; do sleep 0.1; done'
Environment=A=from-file B=from-file

[Service]
RestartSec=7
Environment=HELPER_ENV=x
DEF
mkdir -p $D/qweb.container.d
printf '[Service]\nRestartSec=11\n[Container]\nEnvironment=B=from-dropin\n' > $D/qweb.container.d/10-change.conf
# A drop-in in the other definition directory applies too; one of the same name in /etc masks it.
mkdir -p /run/berth/containers/qweb.container.d
on_exit 'rm -rf /run/berth/containers/qweb.container.d'
printf '[Unit]\nDocumentation=https://run.example\n' > /run/berth/containers/qweb.container.d/05-run.conf
printf '[Unit]\nDocumentation=https://masked.example\n' > /run/berth/containers/qweb.container.d/10-change.conf
systemctl daemon-reload
check_match "a drop-in from /run/berth/containers applies to a file in /etc" \
        "$(systemctl show -P Documentation container@qweb.service)" "https://run.example"
check_eq "  … and /etc's of the same name masks /run's" \
        "$(systemctl show -P Documentation container@qweb.service | grep -c masked)" 0
check_eq "[Unit] Description= with %p" "$(systemctl show -P Description container@qweb.service)" "Quadlet web qweb"
check_match "[Unit] Documentation= added to the template's" "$(systemctl show -P Documentation container@qweb.service)" " https://example.com/qweb( |$)"
check_eq "[Service] RestartSec=, changed by the drop-in" "$(systemctl show -P RestartUSec container@qweb.service)" 11s
check_match "[Service] Environment= is the unit's" "$(systemctl show -P Environment container@qweb.service)" "HELPER_ENV=x"
check "it starts" systemctl start container@qweb.service
wait_for 10 sh -c 'berth logs -o cat qweb | grep -q "A="'
check_eq "the drop-in's Environment= wins in the container" "$(berth logs -o cat qweb | grep '^A=' | tail -1)" \
        "A=from-file B=from-dropin"
check_eq "berth verify reads the drop-ins too" "$(berth verify $D/qweb.container 2>&1; echo $?)" 0
printf '[Container]\nFoo=1\n' > $D/qweb.container.d/20-bad.conf
check_match "  … and names a bad one" "$(berth verify $D/qweb.container 2>&1)" "qweb.container.d/20-bad.conf:2: key 'Foo': unknown key"
rm -f $D/qweb.container.d/20-bad.conf

# A template: two instances from one file, %i in each; an instance with a file of its own; the
# template's DefaultInstance= enabled by the generator.
cat > $D/qt@.container <<'DEF'
[Unit]
Description=Quadlet template %p, instance %i

[Container]
Image=qbb
Exec=sh -c 'echo "instance=%i name=%p"; trap "exit 0" TERM; while :; do sleep 0.1; done'

[Install]
WantedBy=multi-user.target
DefaultInstance=a
DEF
mkdir -p $D/qt@.container.d
printf '[Container]\nEnvironment=FROM_TEMPLATE_DROPIN=1\n' > $D/qt@.container.d/10-env.conf
printf '[Container]\nImage=qbb\nExec=sh -c '"'"'echo "own FROM_TEMPLATE_DROPIN=$FROM_TEMPLATE_DROPIN"; sleep 1000'"'"'\n' > $D/qt@own.container
systemctl daemon-reload
check_eq "DefaultInstance= is enabled" "$(systemctl is-enabled container@qt@a.service)" enabled-runtime
check_eq "  … with the template's [Unit], %i resolved" "$(systemctl show -P Description container@qt@a.service)" \
        "Quadlet template qt, instance a"
check "two instances start" systemctl start container@qt@a.service container@qt@b.service
check_eq "  … both run" "$(systemctl is-active container@qt@a.service container@qt@b.service | tr '\n' ' ')" "active active "
wait_for 10 sh -c 'berth logs -o cat qt@b | grep -q instance='
check_eq "  … each with its %i" "$(berth logs -o cat qt@a | grep instance=)|$(berth logs -o cat qt@b | grep instance=)" \
        "instance=a name=qt|instance=b name=qt"
check_match "berth list shows them by NAME@INSTANCE" "$(berth list)" "qt@b +running +qbb"
check_eq "  … in scopes with the '@' escaped" "$(systemctl is-active 'container-qt\x40b.scope')" active
check_eq "  … and no warning that machined refused the name" "$(berth logs -o cat qt@a | grep -c machined)" 0
check_eq "the default instance has its [Unit] keys, and says nothing" "$(journalctl -u container@qt@a.service -o cat --no-pager | grep -c 'runs without')" 0
check_match "an instance started by name only says it runs without them" \
        "$(journalctl -u container@qt@b.service -o cat --no-pager)" "container@qt@b.service runs without the \[Unit\] and \[Service\] keys of /etc/berth/containers/qt@.container"
check "berth stop of an instance" berth stop qt@b
check_eq "  … stops its unit" "$(systemctl is-active container@qt@b.service)" inactive
check "an instance with a file of its own starts" systemctl start container@qt@own.service
wait_for 10 sh -c 'berth logs -o cat qt@own | grep -q own'
check_eq "  … and takes the template's drop-ins" "$(berth logs -o cat qt@own | grep '^own')" "own FROM_TEMPLATE_DROPIN=1"

# A .volume file: Volume=qdata.volume:/data is the named volume it defines.
printf '[Volume]\nVolumeName=qdata-vol\n' > $D/qdata.volume
cat > $D/qvol.container <<'DEF'
[Container]
Image=qbb
Volume=qdata.volume:/data
Exec=sh -c 'echo kept > /data/f; sleep 1000'
DEF
systemctl daemon-reload
check "the container with a .volume starts" systemctl start container@qvol.service
wait_for 10 test -e /var/lib/berth/volumes/qdata-vol
check_match "  … and made the volume VolumeName= names" "$(berth volume ls 2>&1)" "qdata-vol"
printf '[Volume]\nDriver=image\n' > $D/qdata.volume
check_match "a [Volume] key berth lacks is refused with one line" "$(berth verify $D/qvol.container 2>&1)" \
        "qdata.volume:2: Driver=image: image volumes are not supported yet"

# Exec= with systemd's escapes (Podman's escapes.container) and a specifier: the argv inside.
cat > $D/qesc.container <<'DEF'
[Container]
Image=qbb
Exec=sh -c 'for a in "$@"; do printf "<%%s>" "$a"; done; echo; sleep 1000' sh "an arg" "a;b\tc" '\110ello \127orld' %n x\x41\101
DEF
systemctl daemon-reload
check "the container with escapes starts" systemctl start container@qesc.service
wait_for 10 sh -c 'berth logs -o cat qesc | grep -q "<"'
check_eq "Exec= words as systemd splits them" "$(berth logs -o cat qesc | grep '<' | tail -1)" \
        "$(printf '<an arg><a;b\tc><Hello World><container@qesc.service><xAA>')"
printf '[Container]\nImage=qbb\nExec=echo '"'"'test\\.com'"'"'\n' > $D/qesc.container
check_match "an escape systemd does not know is refused" "$(berth verify $D/qesc.container 2>&1)" \
        "key 'Exec': 'echo 'test\\\\.com'' has an escape systemd does not know"

# [Install] Alias=: systemd gives container@NAME.service another name only as an instance of the
# same name; the generator links it, and systemctl knows the container by it.
printf '[Container]\nImage=qbb\nExec=sh -c "trap \\"exit 0\\" TERM; while :; do sleep 0.1; done"\n[Install]\nAlias=web-app@%%p.service\n' > $D/qal.container
printf '[Container]\nImage=qbb\nExec=true\n[Install]\nAlias=web-app.service\n' > $D/qalbad.container
on_exit "rm -f $D/qal.container $D/qalbad.container; systemctl daemon-reload"
on_exit 'systemctl stop container@qal.service'
systemctl daemon-reload
check "Alias=web-app@%p.service: systemctl start web-app@qal.service" systemctl start web-app@qal.service
check_eq "  … starts container@qal.service" "$(systemctl is-active container@qal.service)" active
check_eq "  … which systemctl shows under its alias" "$(systemctl show -P Id web-app@qal.service)" container@qal.service
check_match "  … and berth lists" "$(berth list)" "qal +running"
check "  … systemctl stop by the alias" systemctl stop web-app@qal.service
check_eq "  … stops it" "$(systemctl is-active container@qal.service)" inactive
check_match "a plain Alias= is refused in one line that says what to write" "$(berth verify $D/qalbad.container 2>&1)" \
        "key 'Alias': 'web-app.service': .* write Alias=web-app@qalbad.service"
