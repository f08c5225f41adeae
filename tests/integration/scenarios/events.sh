# SPDX-License-Identifier: LGPL-2.1-or-later
# berth events: what the verbs write (pause, unpause, kill, stop), read back in order with their
# attributes, by filter, as JSON and templates, followed live; what the runtime writes (start,
# die, health) written here as journal entries with the contract's fields (event.h), so that the
# reader is tested on its own; entries that are not berth's, or malformed, passed over; berth logs
# without the events.
. "$BERTH_SOURCE_DIR/tests/integration/lib.sh"

make_image bb

# check_no_match WHAT TEXT REGEX
check_no_match() { if grep -qE -- "$3" < <(printf '%s' "$2"); then fail "$1"; echo "#   '$2' matches /$3/"; else pass "$1"; fi; }

# jfield EXPR: EXPR (a jq path such as .Actor.Attributes.name) of each JSON line on stdin, one per
# line; "INVALID" for a line that is not a JSON object.
if command -v jq >/dev/null 2>&1; then
        jfield() { while IFS= read -r l; do printf '%s\n' "$l" | jq -ecr "$1 // \"null\"" 2>/dev/null || echo INVALID; done; }
elif command -v python3 >/dev/null 2>&1; then
        jfield() {
                python3 -c '
import json, sys
path = [p for p in sys.argv[1].split(".") if p]
for line in sys.stdin:
    try:
        v = json.loads(line)
        for p in path:
            v = v.get(p)
        print("null" if v is None else v)
    except Exception:
        print("INVALID")' "$1"
        }
else
        jfield() { echo "SKIP"; }
fi

# entry FIELD=VALUE…: one journal entry with those fields, as the runtime's sender would write it.
entry() { printf '%s\n' "$@" | logger --journald; }

on_exit "berth rm -f ev1 ev2 >/dev/null 2>&1"
on_exit "rm -f /tmp/ev-follow.out"
since=$(date +%s.%N)

# PID 1 ignores signals it has no handler for: each payload says when its traps are set.
berth run -d --name ev1 bb sh -c 'trap "echo got-usr1" USR1; trap "exit 0" TERM; echo out-1; echo out-2; echo out-3; while :; do sleep 0.1; done' >/dev/null
berth run -d --name ev2 bb sh -c 'trap "echo ev2-usr1" USR1; trap "exit 0" TERM; echo ev2-ready; while :; do sleep 0.1; done' >/dev/null
wait_for 10 sh -c 'berth logs -o cat ev1 | grep -q out-3'
wait_for 10 sh -c 'berth logs -o cat ev2 | grep -q ev2-ready'

paused=yes
if berth pause ev1 2>/dev/null; then
        berth unpause ev1
else
        paused=no
fi
berth kill -s USR1 ev1
wait_for 10 sh -c 'berth logs -o cat ev1 | grep -q got-usr1'
berth stop ev1
berth kill -s USR1 ev2
wait_for 10 sh -c 'berth logs -o cat ev2 | grep -q ev2-usr1'

# What the runtime writes, for a container of its own name: start, health, die.
entry MESSAGE="container evr started" PRIORITY=6 SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr \
        OBJECT_SYSTEMD_UNIT=container@evr.service BERTH_EVENT=start BERTH_IMAGE=bb
entry MESSAGE="container evr: health check" PRIORITY=6 SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr \
        BERTH_EVENT=health_check BERTH_HEALTH_EXIT=0 BERTH_HEALTH_OUTPUT=fine BERTH_HEALTH_START=1700000000000000 \
        BERTH_HEALTH_END=1700000000100000 BERTH_IMAGE=bb
entry MESSAGE="container evr is healthy" PRIORITY=6 SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr \
        BERTH_EVENT=health_status BERTH_HEALTH_STATUS=healthy BERTH_IMAGE=bb
# … and what is no event: fields missing or malformed, another program's, another user's.
entry MESSAGE="no exit code" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr BERTH_EVENT=die BERTH_IMAGE=bb
entry MESSAGE="bad exit code" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr BERTH_EVENT=die BERTH_EXIT_CODE=lots
entry MESSAGE="unknown event" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr BERTH_EVENT=explode
entry MESSAGE="bad name" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=../evr BERTH_EVENT=start
entry MESSAGE="kill without signal" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr BERTH_EVENT=kill
entry MESSAGE="not berth" SYSLOG_IDENTIFIER=impostor CONTAINER_NAME=evr BERTH_EVENT=die BERTH_EXIT_CODE=1
printf '%s\n' "MESSAGE=forged" SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr BERTH_EVENT=die BERTH_EXIT_CODE=9 |
        setpriv --reuid=65534 --regid=65534 --clear-groups logger --journald
entry MESSAGE="container evr exited (137)" PRIORITY=6 SYSLOG_IDENTIFIER=berth CONTAINER_NAME=evr \
        OBJECT_SYSTEMD_UNIT=container@evr.service BERTH_EVENT=die BERTH_IMAGE=bb BERTH_EXIT_CODE=137 BERTH_OOM=1
journalctl --sync
until=$(date +%s.%N)

ev() { berth events --since "$since" --until "$until" "$@"; }

# --- what the verbs wrote, in order ----------------------------------------------------------------
out=$(ev -f container=ev1 -f event=pause -f event=unpause -f event=kill -f event=stop --format '{{.Action}}/{{.Actor.Attributes.signal}}' |
        paste -sd' ')
want="kill/SIGUSR1 kill/SIGTERM stop/<no value>"
[ $paused = yes ] && want="pause/<no value> unpause/<no value> $want"
check_eq "pause, unpause, kill -s USR1, stop: in order, and stop's signal a kill too (paused: $paused)" "$out" "$want"
out=$(ev -f container=ev1 -f event=kill)
check_match "the default line: time, type, action, name, attributes sorted" "$(echo "$out" | head -n 1)" \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}[+-][0-9]{2}:[0-9]{2} container kill ev1 \(image=bb, name=ev1, signal=SIGUSR1\)$'
out=$(ev -f container=ev1 -f event=stop)
check_match "  … stop, with the image from the definition" "$out" ' container stop ev1 \(image=bb, name=ev1\)$'
check_eq "  … one stop" "$(echo "$out" | wc -l)" 1
if [ $paused = yes ]; then
        check_match "  … pause" "$(ev -f container=ev1 -f event=pause)" ' container pause ev1 \(image=bb, name=ev1\)$'
else
        pass "pause # SKIP berth pause does not work here"
fi
unit=$(journalctl -q -o export BERTH_EVENT=stop CONTAINER_NAME=ev1 | sed -n 's/^OBJECT_SYSTEMD_UNIT=//p' | tail -n 1)
check_eq "the entry names the container's unit, as journalctl -u finds it" "$unit" "container@ev1.service"
check_match "  … with a message for people" "$(journalctl -q -o cat BERTH_EVENT=stop CONTAINER_NAME=ev1 | tail -n 1)" '^container ev1 stopped$'
check_eq "a stop of a stopped container writes none" "$(berth stop ev1; journalctl --sync; berth events --since "$since" --until now -f container=ev1 -f event=stop | wc -l)" 1

# --- filters ---------------------------------------------------------------------------------------
out=$(ev -f container=ev2 --format '{{.Action}}')
check_eq "container=ev2: only ev2's" "$(echo "$out" | grep -vxE 'start|die' | paste -sd' ')" "kill"
out=$(ev -f container=ev1 -f container=ev2 -f event=kill --format '{{.ID}} {{.Actor.Attributes.signal}}' | paste -sd' ')
check_eq "container=ev1 container=ev2 event=kill: either's kills" "$out" "ev1 SIGUSR1 ev1 SIGTERM ev2 SIGUSR1"
out=$(ev -f container=evr --format '{{.Action}}' | paste -sd' ')
check_eq "the runtime's events, and none of the bad entries; health_check not by default" "$out" \
        "start health_status: healthy die"
check_eq "type=container is every container event" "$(ev -f container=evr -f type=container --format '{{.Action}}' | paste -sd' ')" "$out"
check_eq "type=image: nothing" "$(ev -f type=image | wc -l)" 0
check_match "event=die: exitCode, image, name, oomKilled" "$(ev -f container=evr -f event=die)" \
        '^[0-9T:.+-]{35} container die evr \(exitCode=137, image=bb, name=evr, oomKilled=true\)$'
check_eq "event=health_check, asked for" "$(ev -f container=evr -f event=health_check --format '{{.Action}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.output}}')" \
        "health_check 0 fine"
check_eq "event=health_status" "$(ev -f container=evr -f event=health_status --format '{{.Action}}')" "health_status: healthy"
check_eq "event=health_status: unhealthy: not a healthy one" "$(ev -f container=evr -f 'event=health_status: unhealthy' | wc -l)" 0
check_eq "an impostor's and another user's entries are not events" \
        "$(ev -f container=evr -f event=die --format '{{.Actor.Attributes.exitCode}}' | paste -sd' ')" "137"

# --- JSON --------------------------------------------------------------------------------------------
js=$(ev -f container=evr --format json)
if [ "$(echo "$js" | head -n 1 | jfield .Type)" = SKIP ]; then
        pass "--format json # SKIP neither jq nor python3"
else
        check_eq "--format json: one object per line" "$(echo "$js" | jfield .Type | paste -sd' ')" "container container container"
        check_eq "  … docker's fields" "$(echo "$js" | tail -n 1 | jfield .status),$(echo "$js" | tail -n 1 | jfield .id),$(echo "$js" | tail -n 1 | jfield .from),$(echo "$js" | tail -n 1 | jfield .Action),$(echo "$js" | tail -n 1 | jfield .Actor.ID),$(echo "$js" | tail -n 1 | jfield .scope)" \
                "die,evr,bb,die,evr,local"
        check_eq "  … attributes" "$(echo "$js" | tail -n 1 | jfield .Actor.Attributes.exitCode) $(echo "$js" | tail -n 1 | jfield .Actor.Attributes.oomKilled)" "137 true"
        t=$(echo "$js" | tail -n 1 | jfield .time); tn=$(echo "$js" | tail -n 1 | jfield .timeNano)
        check_eq "  … time is timeNano's seconds" "$t" "${tn:0:10}"
        check_eq "'{{json .}}' is json" "$(ev -f container=evr --format '{{json .}}')" "$js"
        check_eq "  … and so are the verbs' events" "$(ev -f container=ev1 -f event=kill --format json | jfield .Actor.Attributes.signal | paste -sd' ')" "SIGUSR1 SIGTERM"
fi

# --- what is refused -------------------------------------------------------------------------------
out=$(berth events -f image=bb 2>&1); rc=$?
check_eq "an unknown filter: 125 in one line" "$rc $out" "125 berth: option --filter: unknown filter 'image' (container, event, type)"
out=$(berth events -f event=create 2>&1); rc=$?
check_eq "an unknown event: 125 in one line" "$rc $out" \
        "125 berth: option --filter: unknown event 'create' (start, die, oom, health_status, health_check, pause, unpause, stop, kill, rename)"
out=$(berth events --format '{{range .}}{{end}}' 2>&1); rc=$?
check_match "a template berth does not do: 125 in one line" "$rc $(echo "$out" | wc -l) $out" "^125 1 berth: --format: '\{\{range \.\}\}' is not supported"
out=$(berth events --since nonsense 2>&1); rc=$?
check_eq "a bad --since: 125 in one line" "$rc $out" "125 berth: option --since: 'nonsense' is not a time; see 'berth events --help'"
check_fails "--since after --until is refused" berth events --since now --until 1h
check_match "events --help" "$(berth events --help)" "^Usage: berth events"
check_match "berth --help lists it" "$(berth --help)" "events +Show containers' events"

# --- times: docker's forms ---------------------------------------------------------------------------
n=$(ev -f container=evr | wc -l)
check_eq "--since as an RFC 3339 time in UTC" "$(berth events --since "$(date -u -d "@$since" +%Y-%m-%dT%H:%M:%S.%NZ)" --until "$until" -f container=evr | wc -l)" "$n"
check_eq "--since with an offset" "$(berth events --since "$(date -d "@$since" +%Y-%m-%dT%H:%M:%S.%N%:z)" --until "$until" -f container=evr | wc -l)" "$n"
check_eq "--since as a Go duration" "$(berth events --since 1h --until "$until" -f container=evr | wc -l)" "$n"
check_eq "--until before them: nothing" "$(berth events --since 2h --until "$since" -f container=evr | wc -l)" 0
check_eq "--until alone: from the oldest" "$(berth events --until "$until" -f container=evr | wc -l)" "$n"
out=$(timeout 30 berth events --since "$since" --until +1s -f container=evr --format '{{.Action}}'); rc=$?
check_eq "--until to come: waits for it, then exits 0" "$rc $(echo "$out" | paste -sd,)" "0 start,health_status: healthy,die"

# --- follow ------------------------------------------------------------------------------------------
# From --since: the old events first; once they are out it follows, and what comes after is new.
berth events --since "$since" -f container=ev2 --format '{{.Action}} {{.Actor.Attributes.signal}}' > /tmp/ev-follow.out 2>&1 &
follower=$!
on_exit "kill $follower"
wait_for 10 grep -q "kill SIGUSR1" /tmp/ev-follow.out
berth stop ev2
wait_for 10 grep -qx "stop <no value>" /tmp/ev-follow.out
check_eq "a follow sees the events that come after it started" "$(grep -vE '^(start|die) ' /tmp/ev-follow.out | paste -sd,)" \
        "kill SIGUSR1,kill SIGTERM,stop <no value>"
kill -TERM "$follower"
wait "$follower"; rc=$?
check_eq "  … and ends on SIGTERM with success" "$rc" 0

# --- logs without events -----------------------------------------------------------------------------
check_eq "logs shows the container's output, not its events" "$(berth logs -o cat ev1 | paste -sd' ')" "out-1 out-2 out-3 got-usr1"
check_eq "logs -n 2: the last two lines, events not counted" "$(berth logs -n 2 -o cat ev1 | paste -sd' ')" "out-3 got-usr1"
check_eq "logs -o json: no event" "$(berth logs -o json ev1 | grep -c BERTH_EVENT)" 0
# A container named berth: its lines carry SYSLOG_IDENTIFIER=berth as its events do, so these
# reach logs, which passes over them itself.
on_exit "berth rm -f berth >/dev/null 2>&1"
berth run -d --name berth bb sh -c 'trap "echo b-usr1" USR1; trap "exit 0" TERM; echo b-1; echo b-2; while :; do sleep 0.1; done' >/dev/null
wait_for 10 sh -c 'berth logs -o cat berth | grep -q b-2'
berth kill -s USR1 berth
wait_for 10 sh -c 'berth logs -o cat berth | grep -q b-usr1'
berth kill -s USR1 berth
wait_for 10 sh -c '[ "$(berth logs -o cat berth | grep -c b-usr1)" = 2 ]'
berth stop berth
journalctl --sync
check_eq "a container named berth: its events are not its lines" "$(berth logs -o cat berth | paste -sd' ')" "b-1 b-2 b-usr1 b-usr1"
check_eq "  … and -n 3 counts lines only" "$(berth logs -n 3 -o cat berth | paste -sd' ')" "b-2 b-usr1 b-usr1"
check_eq "  … while berth events has them" "$(berth events --since "$since" --until now -f container=berth -f event=kill -f event=stop --format '{{.Action}}' | paste -sd' ')" \
        "kill kill kill stop"
check_eq "  … while the journal has them under the name" "$(journalctl -q CONTAINER_NAME=ev1 BERTH_EVENT=stop -o cat | wc -l)" 1
