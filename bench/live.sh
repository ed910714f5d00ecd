#!/usr/bin/env bash
# The live benchmark of scripts/bench: `vigil live` on AF_PACKET rings with
# 1 and 2 workers, fed by tcpreplay at full speed over a veth pair inside a
# network namespace created here (nothing leaves it), against `vigil read`
# of the same file. Prints result lines; a note and nothing else when it
# cannot run (not root, no namespaces, no tcpreplay).
#   bench/live.sh VIGIL VIGIL_GEN SCRATCH_DIR
# BENCH_LIVE_PACKETS (default 200000) sizes the generated capture, replayed
# BENCH_LIVE_LOOPS times (default 5) so that the replay outlasts the rings
# (64 MiB each); BENCH_LIVE_RUNS (default 3) runs per configuration (median).
set -uo pipefail
vigil=$1 gen=$2 scratch=$3
packets=${BENCH_LIVE_PACKETS:-200000}
runs=${BENCH_LIVE_RUNS:-3}
loops=${BENCH_LIVE_LOOPS:-5}

if [[ $(id -u) != 0 ]]; then
    echo "live: not measured (needs root for a network namespace and AF_PACKET)"
    exit 0
fi
if ! command -v tcpreplay >/dev/null || ! command -v ip >/dev/null; then
    echo "live: not measured (tcpreplay or ip missing)"
    exit 0
fi
ns=vigil-bench-$$
if ! ip netns add "$ns" 2>/dev/null; then
    echo "live: not measured (no network namespace support)"
    exit 0
fi
pid=
trap '[[ $pid ]] && kill -KILL "$pid" 2>/dev/null; ip netns del "$ns" 2>/dev/null' EXIT
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link add va type veth peer name vb
ip -n "$ns" link set va up
ip -n "$ns" link set vb up

cap=$scratch/live-bench.pcap
"$gen" bench "$cap" --flows $((packets / 10)) --packets "$packets" >/dev/null 2>&1 || {
    echo "live: not measured (vigil-gen bench failed)"
    exit 0
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# read: the same file, same options, engine time from the summary
read_pps=()
for ((i = 0; i < runs; i++)); do
    "$vigil" read "$cap" -o "$scratch/live-read" --format zeek --no-behavior 2>"$scratch/live-read.err" >/dev/null
    read_pps+=("$(sed -n 's/.* s (\([0-9]*\) packets\/s.*/\1/p' "$scratch/live-read.err" | head -n 1)")
done
echo "live: vigil read of the same capture ($packets packets, $(du -h "$cap" | cut -f1)): $(printf '%s\n' "${read_pps[@]}" | median) packets/s (median of $runs)"

# one_live WORKERS: one replay at full speed; prints "sent analysed dropped replay_pps"
one_live() {
    local w=$1 dir=$scratch/live-$1 sent rate analysed dropped
    rm -rf "$dir"
    mkdir -p "$dir"
    ip netns exec "$ns" "$vigil" live vb -o "$dir" --format zeek --no-behavior --workers "$w" 2>"$dir.err" &
    pid=$!
    for _ in $(seq 200); do [[ -s $dir/stats.log ]] && break; sleep 0.1; done
    read -r sent rate < <(ip netns exec "$ns" tcpreplay -i va --topspeed --loop "$loops" "$cap" 2>&1 |
        awk '/Actual:/ { s = $2 } /Rated:/ { r = $6 } END { print s, r }')
    sleep 1
    kill -INT "$pid"
    wait "$pid"
    pid=
    analysed=$(awk '/^vigil: [0-9]+ packets,/ { print $2; exit }' "$dir.err")
    dropped=$(sed -n 's/^vigil: capture ([a-z]*): [0-9]* packets received, \([0-9]*\) dropped.*/\1/p' "$dir.err")
    echo "${sent:-0} ${analysed:-0} ${dropped:-0} ${rate:-0}"
}
for w in 1 2; do
    rows=()
    for ((i = 0; i < runs; i++)); do rows+=("$(one_live "$w")"); done
    printf '%s\n' "${rows[@]}" | awk -v w="$w" -v n="$runs" -v loops="$loops" '
        { sent[NR] = $1; got[NR] = $2; drop[NR] = $3; rate[NR] = $4; share[NR] = $1 ? $2 / $1 : 0 }
        END {
            # the run with the median share analysed
            for (i = 1; i <= NR; i++) idx[i] = i
            for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (share[idx[j]] < share[idx[i]]) { t = idx[i]; idx[i] = idx[j]; idx[j] = t }
            m = idx[int((NR + 1) / 2)]
            printf "live: %d worker%s, AF_PACKET, tcpreplay --topspeed (the capture %d times) at %.0f packets/s: %d of %d analysed (%.1f%%), %d dropped and counted (median of %d runs by share analysed)\n",
                w, (w > 1 ? "s" : ""), loops, rate[m], got[m], sent[m], share[m] * 100, drop[m], n }'
    awk '/^vigil: capture: worker/' "$scratch/live-$w.err" | sed 's/^vigil: capture: /live:   last run, /'
done
echo "live: machine limits: $(nproc) cores shared by tcpreplay (one core at full speed), the ring threads (each ring read and analysed by its own thread); a veth pair in one namespace (no NIC, no RSS); the replay rate above, not a link, is the ceiling"
