# SPDX-License-Identifier: LGPL-2.1-or-later
# The foundation: the installed unit, the generator at daemon-reload, machined, the CLI.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

check_eq "PID 1 is systemd" "$(cat /proc/1/comm)" systemd
check_match "berth --version" "$(berth --version)" '^berth [0-9]+\.[0-9]+\.[0-9]+$'
check "berth --help lists verbs" sh -c 'berth --help | grep -q "^  run "'
check_match "  … and an alias in closed parentheses" "$(berth --help)" '^  list +List containers \(alias ps\)$'
# Every verb listed has a --help of its own that exits 0 with its usage.
bad=""
for verb in $(berth --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
        grep -q "^Usage: berth $verb" < <(berth "$verb" --help 2>&1) || bad="$bad $verb"
done
check_eq "every verb has --help" "$bad" ""
out=$(berth frobnicate 2>&1); rc=$?
check_eq "unknown verb exits 125" "$rc" 125
check_eq "unknown verb says so in one line" "$out" "berth: unknown verb 'frobnicate', see 'berth --help'"

# container@.service loads from the installed unit directory.
frag=$(systemctl show -P FragmentPath container@probe.service)
# (merged /usr: systemd may name it through the /lib symlink)
check_eq "container@probe.service loads from the installed template" \
        "$(readlink -f "$frag")" /usr/lib/systemd/system/container@.service
check_match "the template is in systemd's unit search path" "$(systemd-analyze unit-paths)" '^/usr/lib/systemd/system$'
check_eq "LogExtraFields carries the name" \
        "$(systemctl show -P LogExtraFields container@probe.service)" "CONTAINER_NAME=probe"

# The installed generator runs at daemon-reload and its output shows in systemctl cat.
check "generator installed" test -x /usr/lib/systemd/system-generators/berth-generator
mkdir -p /etc/berth/containers
printf '[Container]\nImage=probe\n' > /etc/berth/containers/probe.container
on_exit rm -f /etc/berth/containers/probe.container
systemctl daemon-reload
cat_out=$(systemctl cat container@probe.service 2>&1)
check_match "systemctl cat shows the generator's drop-in" "$cat_out" 'container@probe.service.d/50-berth.conf'
check_eq "the drop-in's Description applies" \
        "$(systemctl show -P Description container@probe.service)" "berth container probe (probe)"
check_eq "SourcePath names the definition" \
        "$(systemctl show -P SourcePath container@probe.service)" /etc/berth/containers/probe.container
rm -f /etc/berth/containers/probe.container
systemctl daemon-reload
check_fails "the drop-in goes with the definition at the next daemon-reload" \
        test -e /run/systemd/generator/container@probe.service.d/50-berth.conf

# machined starts (bus-activated) and answers.
check "systemd-machined starts" systemctl start systemd-machined.service
check "machinectl list answers" machinectl list --no-legend

# Installed paths, for --prefix=/usr (this build) and /usr/local: unit and generator land in
# directories systemd 252 searches.
gen_path=$(pkg-config --variable=systemd_system_generator_path systemd)
dest=$(mktemp -d)
on_exit rm -rf "$dest"
check "meson install --destdir" meson install -C "$BERTH_BUILD_DIR" --no-rebuild --quiet --destdir "$dest"
check "destdir has the unit" test -f "$dest/usr/lib/systemd/system/container@.service"
check "destdir has the generator" test -x "$dest/usr/lib/systemd/system-generators/berth-generator"
local_build=$(mktemp -d)
on_exit rm -rf "$local_build"
if meson setup "$local_build" "$SRC" --prefix=/usr/local >/dev/null 2>&1; then
        inst=$(meson introspect "$local_build" --installed | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin).values()))')
        unit=$(printf '%s\n' "$inst" | grep '/container@.service$')
        gen=$(printf '%s\n' "$inst" | grep '/berth-generator$')
        check_eq "--prefix=/usr/local unit dir" "$(dirname "$unit")" /usr/local/lib/systemd/system
        check_match "  … which systemd searches" "$(systemd-analyze unit-paths)" "^$(dirname "$unit")\$"
        check_eq "--prefix=/usr/local generator dir" "$(dirname "$gen")" /usr/local/lib/systemd/system-generators
        check_match "  … which systemd searches" "$gen_path" "(^|:)$(dirname "$gen")(:|\$)"
else
        fail "meson setup --prefix=/usr/local"
fi

# Bash completion: installed where bash-completion looks, completes verbs, options and names.
comp=/usr/share/bash-completion/completions/berth
check "bash completion installed" test -f "$comp"
complete_words() { bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _berth; echo "${COMPREPLY[*]}"' _ "$comp" "$@"; }
check_eq "completes verbs" "$(complete_words berth st)" "start stop status stats"
check_eq "completes run options" "$(complete_words berth run --netw)" "--network"
missing=""
for verb in $(berth --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
        case " $(complete_words berth "${verb:0:2}") " in *" $verb "*) ;; *) missing="$missing $verb" ;; esac
done
check_eq "completes every verb berth --help lists" "$missing" ""
check_eq "completes image verbs" "$(complete_words berth image i)" "import inspect"
printf '[Container]\nImage=x\n' > /run/berth-comp-test.container
mkdir -p /run/berth/containers && cp /run/berth-comp-test.container /run/berth/containers/compme.container
on_exit rm -f /run/berth/containers/compme.container /run/berth-comp-test.container
check_eq "completes container names" "$(complete_words berth stop comp)" "compme"

# The start path maps only what it uses: libarchive (image verbs) is opened on first use, so a
# host without it still runs containers, and only the verb that needs it fails, in one line.
check "berth maps no libarchive" sh -c '! ldd "$(command -v berth)" | grep -q libarchive'
check "  … nor does the helper" sh -c '! ldd /usr/libexec/berth/berth-helper | grep -q libarchive'
lib=$(ldconfig -p | awk '/libarchive.so.13 / {print $NF; exit}')
if [ -n "$lib" ]; then
        tree=$(mktemp -d)
        mkdir -p "$tree"/{bin,etc,proc,sys,dev}
        cp /bin/busybox "$tree/bin/"
        ln -s busybox "$tree/bin/true"
        berth image import "$tree" nolib >/dev/null
        on_exit "berth image rm nolib"
        mount --bind /dev/null "$(readlink -f "$lib")"
        check "without libarchive, containers still run" berth run --rm nolib true
        tar -C "$tree" -cf "$tree.tar" .
        out=$(berth image import "$tree.tar" nolib2 2>&1); rc=$?
        check_eq "  … and an archive's import fails, in one line naming the package" "$rc:$(echo "$out" | wc -l)" "125:1"
        check_match "  … libarchive13" "$out" "libarchive13"
        umount "$(readlink -f "$lib")"
        check "  … and works once it is there" berth image import "$tree.tar" nolib2
        berth image rm nolib2 >/dev/null
        rm -rf "$tree" "$tree.tar"
else
        echo "ok - # SKIP libarchive.so.13 is not in ld.so's cache"
fi
