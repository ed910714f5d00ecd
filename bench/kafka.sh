#!/usr/bin/env bash
# Kafka output rate against files alone (scripts/bench, or by hand):
#   bench/kafka.sh VIGIL VIGIL_GEN KAFKA_MOCK [FLOWS]
# One generated capture read twice (median of 3 each): Zeek JSON + EVE to
# files, then the same with --kafka to librdkafka's mock cluster on
# loopback (tests/kafka/mock_cluster.c: one in-process broker, no disk, so
# this measures Vigil and librdkafka, not a real cluster). The time is the
# whole run, the final delivery wait included.
set -uo pipefail
vigil=$1 gen=$2 mock=$3 flows=${4:-200000}
scratch=$(mktemp -d /tmp/vigil-bench-kafka.XXXXXX)
coproc MOCK { exec "$mock"; }
read -r -t 10 brokers <&"${MOCK[0]}" || { echo "kafka: the mock cluster did not start"; exit 1; }
trap 'kill "$MOCK_PID" 2>/dev/null; rm -rf "$scratch"' EXIT

"$gen" bench "$scratch/k.pcap" --flows "$flows" --packets $((flows * 4)) >/dev/null 2>&1
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
elapsed() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$scratch/out" 2>"$scratch/err"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
files_s=$(for i in 1 2 3; do elapsed "$vigil" read -q --no-default-rules --no-behavior -o "$scratch/f" \
    --format json,eve "$scratch/k.pcap"; done | median)
lines=$(cat "$scratch"/f/*.log "$scratch"/f/eve.json | grep -c '^{')
kafka_s=$(for i in 1 2 3; do elapsed "$vigil" read --no-default-rules --no-behavior -o "$scratch/k" \
    --format json,eve --kafka "$brokers" --kafka-topic-prefix "bench$i." "$scratch/k.pcap"; done | median)
summary=$(grep -o 'kafka: [0-9]* messages, [0-9]* delivered, [0-9]* spooled, [0-9]* dropped\(; [0-9]* waited for room in the queue\)\?' "$scratch/err")
awk -v n="$lines" -v f="$files_s" -v k="$kafka_s" -v s="$summary" -v fl="$flows" 'BEGIN {
    printf "kafka: %d flows, %d JSON lines (Zeek JSON + EVE): files alone %.2f s (%.0f lines/s); files + Kafka on the mock cluster %.2f s (%.0f messages/s, %+.0f%%); last run: %s (median of 3)\n",
        fl, n, f, n / f, k, n / k, (k / f - 1) * 100, s }'
