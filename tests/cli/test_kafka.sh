#!/usr/bin/env bash
# The Kafka output and hunt's consumer group against librdkafka's mock
# cluster (tests/kafka/mock_cluster.c, on loopback), consumed with kcat:
# every line written to files (the last stats.log row included) arrives once
# with its key and topic; a full queue with the brokers up makes read wait,
# never drop; brokers stopped mid-run fill the spool, which drains when they
# return; beyond the spool's cap drops are counted in stats.log; two `vigil
# hunt --kafka` in one group each read records of their own and together
# find what one `vigil hunt` over the files finds; bad brokers end with one
# line or counted drops, never a hang. Conditions are polled, never slept on.
prefix=kafka
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
started=$SECONDS
step() { [[ ${KAFKA_TEST_TIMES:-} ]] && echo "  $((SECONDS - started)) s: $1" >&2; }

mock=${KAFKA_MOCK:-$repo/build/release/kafka-mock}
[[ $mock == /* ]] || mock=$repo/$mock
if ! command -v kcat >/dev/null || [[ ! -x $mock ]]; then
    echo "SKIP kafka/all (needs kcat and $mock: apt-get install kcat librdkafka-dev; make $mock)"
    exit 0
fi
feeds=$repo/tests/golden/intel-feeds

coproc MOCK { exec "$mock"; }
read -r -t 10 brokers <&"${MOCK[0]}"
trap 'kill "$MOCK_PID" 2>/dev/null; rm -rf "$tmp"' EXIT
# mock COMMAND: down, up (every broker), answered "ok"
mock() {
    local answer
    echo "$1" >&"${MOCK[1]}"
    read -r -t 10 answer <&"${MOCK[0]}" && [[ $answer == ok ]]
}

# consume PREFIX LOG...: every message of PREFIX+LOG, as kcat prints them
# (one kcat per topic, all at once)
consume() {
    local p=$1 log n=0 pids=()
    shift
    mkdir -p "$tmp/kcat"
    rm -f "$tmp"/kcat/*
    for log in "$@"; do
        n=$((n + 1))
        kcat -C -b "$brokers" -X fetch.wait.max.ms=5 -t "$p$log" -e -q -f '%t\t%k\t%s\n' >"$tmp/kcat/$n" 2>/dev/null &
        pids+=($!)
    done
    ((${#pids[@]} == 0)) || wait "${pids[@]}"
    cat "$tmp"/kcat/* 2>/dev/null
}
# the logs a run wrote (their topic names), stats.log included: its last row goes too
logs_of() {
    local f
    for f in "$1"/*.log "$1"/eve.json; do
        [[ -e $f ]] || continue
        f=${f##*/}
        [[ $f == eve.json ]] && echo eve || echo "${f%.log}"
    done
}
# stat_of DIR COLUMN: the last stats.log row's COLUMN (TSV or JSON; awk: a Python start costs seconds on a loaded machine)
stat_of() {
    awk -F'\t' -v col="$2" '
        /^#fields/ { for (i = 2; i <= NF; i++) idx[$i] = i - 1; next }
        /^#/ || !NF { next }
        /^\{/ { value = ""
                if (match($0, "\"" col "\":[^,}]*")) value = substr($0, RSTART + length(col) + 3, RLENGTH - length(col) - 3)
                gsub(/"/, "", value); next }
        { value = (col in idx) ? $(idx[col]) : "" }
        END { print value }' "$1/stats.log"
}

# start NAME ARGS...: vigil in the background, as run would (runs that need no broker, or use a topic
# prefix of their own, go beside the others); finish NAME: waits for it and sets $rc
declare -A bg=()
start() {
    local name=$1
    shift
    "$vigil" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    bg[$name]=$!
}
finish() {
    wait "${bg[$1]}"
    rc=$?
}
# check_later NAME ARGS...: kafka_check.py ARGS in the background into $tmp/NAME.cmp (a Python start costs
# seconds on a loaded machine: the test goes on meanwhile); checked NAME: waits for it, true when it passed
check_later() {
    local name=$1
    shift
    python3 tests/cli/kafka_check.py "$@" >"$tmp/$name.cmp" &
    bg[$name.cmp]=$!
}
checked() { wait "${bg[$1.cmp]}"; }

"$gen" demo "$tmp/demo.pcap" >/dev/null
"$gen" intel "$tmp/intel.pcap" >/dev/null

# bad brokers need no broker: started now, judged at the end
start bad-broker-list read -q -o "$tmp/x" --kafka nohostport "$tmp/demo.pcap"
start hunt-needs-group hunt --kafka "$brokers" "$tmp/demo.pcap"
start unreachable read -q -o "$tmp/unreach" --format json --kafka 127.0.0.1:1 --kafka-option message.timeout.ms=500 \
    --kafka-flush-timeout 1 "$tmp/demo.pcap"
start hunt-unreachable hunt -q --kafka 127.0.0.1:1 --group g --kafka-wait 2

step "every line once, right topic, right key"
# --- every line once, right topic, right key ---
start lines read -q -o "$tmp/lines" --format json,eve --intel "$feeds" --kafka "$brokers" "$tmp/demo.pcap" "$tmp/intel.pcap"
# backpressure (below) beside it, on topics of its own
start bp read -o "$tmp/bp" --format zeek --kafka "$brokers" --kafka-topic-prefix bp. \
    --kafka-option queue.buffering.max.messages=20 "$tmp/demo.pcap"
finish lines
consume vigil. $(logs_of "$tmp/lines") >"$tmp/lines.kcat"
lines_rc=$rc
check_later lines lines "$tmp/lines" "$tmp/lines.kcat" vigil.
n_lines=$(wc -l <"$tmp/lines.kcat")
# the row counts every delivery before it: all lines but itself
check "stats.log-counts-the-deliveries" [ "$(stat_of "$tmp/lines" kafka_delivered)" = $((n_lines - 1)) ]
check "the-last-stats.log-row-is-in-vigil.stats" eval \
    '[ "$(awk -F"\t" "\$1 == \"vigil.stats\" { print \$3 }" "$tmp/lines.kcat")" = "$(tail -n 1 "$tmp/lines/stats.log")" ]'
# backpressure: a queue of 20 messages, brokers answering: read waits for room, drops nothing, spools nothing;
# with TSV files (--format zeek), Kafka still gets Zeek JSON, one message per row
finish bp
n_bp=$(cat "$tmp"/bp/*.log | grep -vc '^#')
check "full-queue-read-waits-never-drops (exit $rc, $n_bp rows)" eval \
    '[ "$rc" = 0 ] && [ "$(stat_of "$tmp/bp" kafka_delivered)" = $((n_bp - 1)) ] &&
     [ "$(stat_of "$tmp/bp" kafka_dropped_total)" = 0 ] && [ "$(stat_of "$tmp/bp" kafka_spooled)" = 0 ] &&
     grep -q "waited for room in the queue" "$tmp/bp.err"'
n_conn=$(grep -vc '^#' "$tmp/bp/conn.log")
n_msg=$(consume bp. conn | grep -c '"uid":')
check "tsv-files-json-messages ($n_conn rows, $n_msg messages)" [ "$n_conn" = "$n_msg" -a ! -e "$tmp/bp/conn.json" ]
# one originator's Zeek records share a partition number in every topic (what the hunters need)
kcat -C -b "$brokers" -X fetch.wait.max.ms=5 -t vigil.conn -e -q -f '%p %s\n' 2>/dev/null >"$tmp/conn.parts"
kcat -C -b "$brokers" -X fetch.wait.max.ms=5 -t vigil.dns -e -q -f '%p %s\n' 2>/dev/null >>"$tmp/conn.parts"
check "a-client's-records-share-one-partition" eval \
    '[ "$(sed -E "s/^([0-9]+) .*\"id.orig_h\":\"([^\"]+)\".*/\2 \1/" "$tmp/conn.parts" | sort -u | cut -d" " -f1 | uniq -d | wc -l)" = 0 ]'

step "brokers down mid-run: the spool fills, then drains when they return"
# --- brokers down mid-run: the spool fills, then drains when they return ---
mock down || fail mock-down
"$vigil" read -q -o "$tmp/outage" --format json,eve --kafka "$brokers" --kafka-topic-prefix outage. \
    --kafka-spool-dir "$tmp/spool" --kafka-option message.timeout.ms=1000 \
    --kafka-option queue.buffering.max.messages=50 --kafka-flush-timeout 30 "$tmp/demo.pcap" \
    >"$tmp/outage.out" 2>"$tmp/outage.err" &
pid=$!
for _ in $(seq 100); do [[ -s $tmp/spool/kafka.spool ]] && break; sleep 0.1; done
spool_seen=$(stat -c %s "$tmp/spool/kafka.spool" 2>/dev/null || echo 0)
mock up || fail mock-up
wait "$pid"
rc=$?
consume outage. $(logs_of "$tmp/outage") >"$tmp/outage.kcat"
check "outage-spool-fills ($spool_seen bytes while down)" [ "$spool_seen" -gt 0 -a "$(stat_of "$tmp/outage" kafka_spooled)" -gt 0 ]
outage_rc=$rc
check_later outage lines "$tmp/outage" "$tmp/outage.kcat" outage.
check "outage-nothing-dropped-spool-empty" [ "$(stat_of "$tmp/outage" kafka_dropped_total)" = 0 \
    -a "$(stat_of "$tmp/outage" kafka_spool_bytes)" = 0 -a ! -s "$tmp/spool/kafka.spool" ]

step "beyond the cap: drops counted; the rest waits on disk for the next run"
# --- beyond the cap: drops counted; the rest waits on disk for the next run ---
mock down || fail mock-down
run capped read -o "$tmp/capped" --format json --kafka "$brokers" --kafka-topic-prefix capped. \
    --kafka-spool-dir "$tmp/capspool" --kafka-spool-max 20000 --kafka-option message.timeout.ms=500 \
    --kafka-flush-timeout 1 "$tmp/demo.pcap"
dropped=$(stat_of "$tmp/capped" kafka_dropped_total)
left=$(stat -c %s "$tmp/capspool/kafka.spool" 2>/dev/null || echo 0)
# the summary's count is final; the last row's cannot count that row itself (spooled or dropped after it)
told=$(sed -n 's/^vigil: kafka: [0-9]* messages, [0-9]* delivered, [0-9]* spooled, \([0-9]*\) dropped.*/\1/p' "$tmp/capped.err")
check "cap-drops-counted (exit $rc, $dropped dropped, $left bytes kept)" eval \
    '[ "$rc" = 4 ] && [ "${dropped:-0}" -gt 0 ] && [ "$left" -gt 0 ] && [ "$left" -le 20000 ] &&
     [ -n "$told" ] && [ "$told" -ge "$dropped" ] && [ "$told" -le $((dropped + 1)) ]'
mock up || fail mock-up
run drain read -q -o "$tmp/drain" --format json --kafka "$brokers" --kafka-topic-prefix capped. \
    --kafka-spool-dir "$tmp/capspool" "$tmp/intel.pcap"
n_drain_lines=$(cat "$tmp"/drain/*.log | grep -c '^{')
consume capped. $({ logs_of "$tmp/capped"; logs_of "$tmp/drain"; } | sort -u) >"$tmp/capped.kcat"
n_capped=$(wc -l <"$tmp/capped.kcat")
n_unique=$(sort -u "$tmp/capped.kcat" | wc -l)
# what the capped run kept: its messages minus those dropped (none was delivered)
kept=$(sed -n 's/^vigil: kafka: \([0-9]*\) messages, 0 delivered, [0-9]* spooled, \([0-9]*\) dropped.*/\1 - \2/p' "$tmp/capped.err")
check "next-run-drains-the-spool ($n_capped messages: $n_drain_lines of its own, $((kept)) kept by the last run)" eval \
    '[ "$rc" = 0 ] && [ ! -s "$tmp/capspool/kafka.spool" ] && [ -n "$kept" ] &&
     [ "$n_capped" = $((n_drain_lines + kept)) ] && [ "$n_unique" = "$n_capped" ]'

step "two hunters in one group find what one hunt over the files finds"
# --- two hunters in one group find what one hunt over the files finds ---
# (the mock coordinator waits a session timeout for members to rejoin: keep it short)
# (above the mock's 3 s initial rebalance delay, or members time out while joining)
# --kafka-members 2: neither reads before the group has both (at most --kafka-wait), so both get a share
group_opts=(--kafka-option session.timeout.ms=4000 --kafka-option heartbeat.interval.ms=500)
run hunt-files hunt -q -o "$tmp/hunt-files" --intel "$feeds" "$tmp/lines"
for h in a b; do
    start "hunt-$h" hunt -o "$tmp/hunt-$h" --intel "$feeds" --kafka "$brokers" --group hunters --kafka-members 2 \
        --kafka-wait 10 "${group_opts[@]}"
done
finish hunt-a
ra=$rc
finish hunt-b
rb=$rc
share=$(grep -ho '[0-9]* records from [0-9]* partitions' "$tmp/hunt-a.err" "$tmp/hunt-b.err" | tr '\n' ';')
check_later hunt hunt "$tmp/hunt-files" "$tmp/hunt-a" "$tmp/hunt-b"
# each hunter was given partitions and read records of its own (records of one hunter are not the other's:
# the third member below finds none left)
records_a=$(sed -n 's/.*kafka group hunters: \([0-9]*\) records from \([0-9]*\) partitions.*/\1 \2/p' "$tmp/hunt-a.err")
records_b=$(sed -n 's/.*kafka group hunters: \([0-9]*\) records from \([0-9]*\) partitions.*/\1 \2/p' "$tmp/hunt-b.err")
check "both-hunters-contributed (records partitions: a $records_a, b $records_b)" eval \
    '[ "${records_a%% *}" -gt 0 ] && [ "${records_a##* }" -gt 0 ] && [ "${records_b%% *}" -gt 0 ] &&
     [ "${records_b##* }" -gt 0 ] && [ $((${records_a%% *} + ${records_b%% *})) = "$n_lines" ]'
# the group committed what it read: a third member finds nothing new
run hunt-again hunt --intel "$feeds" --kafka "$brokers" --group hunters "${group_opts[@]}" --kafka-wait 10
if [[ $rc == 0 ]] && grep -q "kafka group hunters: 0 records" "$tmp/hunt-again.err"; then
    pass group-offsets-committed
else
    fail group-offsets-committed "exit $rc: $(tail -n 2 "$tmp/hunt-again.err" | tr '\n' '|')"
fi

step "the checks left running"
if [[ $lines_rc == 0 ]] && checked lines; then
    pass "every-line-once-with-key-and-topic ($(tail -n 1 "$tmp/lines.cmp"))"
else
    fail every-line-once-with-key-and-topic "exit $lines_rc: $(head -n 3 "$tmp/lines.cmp" "$tmp/lines.err" | tr '\n' '|')"
fi
if [[ $outage_rc == 0 ]] && checked outage; then
    pass "outage-spool-drains-every-line-once ($(tail -n 1 "$tmp/outage.cmp"))"
else
    fail outage-spool-drains-every-line-once "exit $outage_rc: $(head -n 3 "$tmp/outage.cmp" "$tmp/outage.err" | tr '\n' '|')"
fi
if [[ $ra == 0 && $rb == 0 ]] && checked hunt; then
    pass "two-hunters-in-a-group-equal-one-hunt ($(tail -n 1 "$tmp/hunt.cmp"); $share)"
else
    fail two-hunters-in-a-group-equal-one-hunt "exit $ra/$rb: $(head -n 4 "$tmp/hunt.cmp" "$tmp/hunt-a.err" | tr '\n' '|')"
fi

step "bad brokers"
# --- bad brokers (started at the beginning) ---
finish bad-broker-list
error_verdict bad-broker-list 2 "--kafka: 'nohostport' is not a host:port"
finish hunt-needs-group
error_verdict hunt-needs-group 2 "not both"
finish unreachable
check "unreachable-brokers-drops-counted (exit $rc)" eval \
    '[ "$rc" = 4 ] && [ "$(stat_of "$tmp/unreach" kafka_dropped_total)" -gt 0 ]'
finish hunt-unreachable
error_verdict hunt-unreachable 2 "no partitions of group g within 2 s"

step done
exit $((failures > 0))
