# SPDX-License-Identifier: LGPL-2.1-or-later
# Pull= and --pull (issue 15): when berth run, create and the helper run berth-pull, what never
# says with no image, that a present image is not pulled under missing, that localhost/ is never
# pulled, and the generator's network-online.target ordering of units whose image may be
# pulled. berth-pull itself (the registry, TLS, auth) is scenarios/registry.sh's.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image pp
mkdir -p /etc/berth/containers
on_exit 'rm -f /etc/berth/containers/pp-*.container; systemctl daemon-reload'
# A berth-pull that is not there: run at all, it fails the start, saying it could not be executed.
nopull=/nonexistent/berth-pull
export BERTH_PULL=$nopull

made() { ls /run/berth/containers /etc/berth/containers 2>/dev/null | grep -c "^$1\.container$"; }

# missing, the default: a local image is used as it is, berth-pull never run.
check_eq "run with a present image, the default policy: no berth-pull" \
        "$(berth run --rm --network none pp echo ran 2>&1)" ran
check_eq "  … nor with --pull missing" "$(berth run --rm --network none --pull missing pp echo ran 2>&1)" ran
check_eq "  … and --pull never runs it" "$(berth run --rm --network none --pull never pp echo ran 2>&1)" ran

# always: berth-pull runs first; here it cannot be executed, which fails the run in one line.
out=$(berth run --rm --network none --name pp-always --pull always pp true 2>&1); rc=$?
check_eq "--pull always runs berth-pull: its failure is 125" "$rc" 125
check_match "  … in one line naming it" "$out" "^berth: Failed to execute $nopull to pull image 'pp': No such file or directory$"
check_eq "  … nothing made" "$(made pp-always)" 0
out=$(berth run -d --network none --name pp-newer --pull newer pp true 2>&1); rc=$?
check_eq "--pull newer, -d: berth-pull first, in the foreground: 125" "$rc $(made pp-newer)" "125 0"

# never, and no such image: one line, nothing made.
out=$(berth run --rm --network none --name pp-never --pull never docker.io/library/nosuch:1 true 2>&1); rc=$?
check_eq "--pull never with no local image: 125" "$rc" 125
check_eq "  … in one line" "$out" \
        "berth: image 'docker.io/library/nosuch:1' not found (tried docker.io/library/nosuch:1), and the pull policy is never; see 'berth image ls'"
check_eq "  … nothing made" "$(made pp-never)" 0

# missing with no local image: docker's line, then berth-pull.
out=$(berth run --rm --network none --name pp-miss docker.io/library/nosuch:1 true 2>&1); rc=$?
check_eq "missing, no local image: berth-pull runs (125 here)" "$rc $(made pp-miss)" "125 0"
check_eq "  … after docker's line" "$out" "Unable to find image 'docker.io/library/nosuch:1' locally
berth: Failed to execute $nopull to pull image 'docker.io/library/nosuch:1': No such file or directory"

# localhost/ is never pulled, whatever the policy: what follows is the image's resolution.
out=$(berth run --rm --network none --pull always localhost/nosuch true 2>&1); rc=$?
check_eq "localhost/ with --pull always: no berth-pull" "$rc" 125
check_match "  … the image is looked for locally" "$out" "image 'localhost/nosuch"
check_match "  … and berth-pull is not executed" "$(printf '%s' "$out" | grep -c berth-pull)" '^0$'

# A bad policy: one line naming the option.
out=$(berth run --rm --pull sometimes pp true 2>&1); rc=$?
check_eq "--pull sometimes: 125, one line" "$rc $out" \
        "125 berth: option --pull: 'sometimes' is not a pull policy (missing, always, never or newer)"

# create keeps the policy as the definition's Pull=; inspect shows it.
on_exit "berth rm -f pp-created"
check "create --pull never" berth create --name pp-created --network none --pull never pp true
check_match "  … Pull=never in its definition" "$(cat /run/berth/containers/pp-created.container)" '^Pull=never$'
check_eq "  … and inspect shows it" "$(berth inspect -f '{{.definition.pull}}' pp-created)" never

# The helper: the same block at each start of the service.
on_exit 'systemctl unset-environment BERTH_PULL'
systemctl set-environment BERTH_PULL=$nopull
printf '[Container]\nImage=docker.io/library/nosuch:1\nPull=never\nNetwork=none\n' > /etc/berth/containers/pp-svcnever.container
printf '[Container]\nImage=pp\nPull=always\nNetwork=none\nExec=true\n' > /etc/berth/containers/pp-svcalways.container
printf '[Container]\nImage=pp\nNetwork=none\nExec=true\n' > /etc/berth/containers/pp-svcmissing.container
systemctl daemon-reload
out=$(berth start pp-svcnever 2>&1); rc=$?
check_eq "a service with Pull=never and no image fails to start, in one line" "$rc $out" \
        "125 berth: container pp-svcnever failed to start: image 'docker.io/library/nosuch:1' not found (tried docker.io/library/nosuch:1), and the pull policy is never; see 'berth image ls'"
out=$(berth start pp-svcalways 2>&1); rc=$?
check_eq "a service with Pull=always runs berth-pull at its start" "$rc $out" \
        "125 berth: container pp-svcalways failed to start: Failed to execute $nopull to pull image 'pp': No such file or directory"
check "a service with Pull=missing and its image present starts without it" systemctl start container@pp-svcmissing.service
check_eq "  … and ran" "$(systemctl show -P ExecMainStatus container@pp-svcmissing.service)" 0

# The generator: a unit whose image may be pulled waits for the network at boot.
printf '[Container]\nImage=docker.io/library/nginx:1.25\n' > /etc/berth/containers/pp-reg.container
printf '[Container]\nImage=quay.io/team/app\nPull=never\n' > /etc/berth/containers/pp-regnever.container
printf '[Container]\nImage=pp\nPull=newer\n' > /etc/berth/containers/pp-shortnewer.container
systemctl daemon-reload
check "berth verify of Image=docker.io/library/nginx:1.25" berth verify /etc/berth/containers/pp-reg.container
check_match "a registry's image: After=network-online.target" \
        "$(systemctl show -P After container@pp-reg.service)" '(^| )network-online\.target( |$)'
check_match "  … and Wants=" "$(systemctl show -P Wants container@pp-reg.service)" '(^| )network-online\.target( |$)'
check_match "a short name with Pull=newer too" \
        "$(systemctl show -P Wants container@pp-shortnewer.service)" '(^| )network-online\.target( |$)'
check_eq "not with Pull=never" \
        "$(systemctl show -P Wants container@pp-regnever.service | grep -c network-online)" 0
check_eq "nor for a short name with the default Pull=missing" \
        "$(systemctl show -P Wants container@pp-svcmissing.service | grep -c network-online)" 0
