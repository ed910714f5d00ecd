#!/usr/bin/env bash
# `vigil live` on AF_PACKET rings, in a network namespace this script
# creates (veth pairs and a bridge inside it, traffic replayed by tcpreplay,
# nothing outside it), removed at the end:
#   - 1 and 2 workers log the same conn rows as `vigil read` of the replayed
#     file (ts, uid and duration aside: live times are the replay's);
#   - a replay at full speed into a tiny ring: the drops stats.log and the
#     summary count equal the packets missing (tcpreplay's count and the
#     interface's kernel counter agree);
#   - -u nobody: the running process has no capability left in any set;
#   - two sensors on two links of a bridge give the same uids and
#     Community IDs to the same connections;
#   - the interface removed mid-run: exit 5, named, logs closed.
# Needs root and network namespaces; prints SKIP otherwise.
set -u
VIGIL=${1:-./vigil}
GEN=${2:-vigil-gen}
pass=0 fail=0
ok() { echo "PASS live-afpacket: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL live-afpacket: $1"; fail=$((fail + 1)); }
skip() {
    echo "SKIP live-afpacket: $1"
    echo "$pass passed, $fail failed, 1 skipped"
    [ "$fail" = 0 ]
    exit
}

# Usage errors, root or not: one line, exit 2.
usage_case() {
    local what=$1 want=$2
    shift 2
    "$VIGIL" "$@" >/dev/null 2>"${TMPDIR:-/tmp}/afp-usage.$$"
    local rc=$?
    [ "$rc" = 2 ] && grep -q -- "$want" "${TMPDIR:-/tmp}/afp-usage.$$" && [ "$(wc -l <"${TMPDIR:-/tmp}/afp-usage.$$")" = 1 ] &&
        ok "usage: $what" || ko "usage: $what: rc $rc: $(cat "${TMPDIR:-/tmp}/afp-usage.$$")"
    rm -f "${TMPDIR:-/tmp}/afp-usage.$$"
}
usage_case "read refuses -u" "are for live" read -u nobody /dev/null
usage_case "hunt refuses --capture" "are for live" hunt --capture pcap /dev/null
usage_case "--capture takes afpacket or pcap" "--capture takes afpacket or pcap" live lo --capture dpdk
usage_case "--block-size must be a power of two" "power of two" live lo --block-size 5000
usage_case "--ring-size holds two blocks" "at least two" live lo --ring-size 64K --block-size 64K
usage_case "--cpus takes numbers and ranges" "--cpus takes" live lo --cpus 3-1
usage_case "--uid-key takes hex" "--uid-key takes" live lo --uid-key xyz

[ "$(id -u)" = 0 ] || skip "not root: cannot create network namespaces"
command -v ip >/dev/null || skip "no ip (iproute2)"
command -v tcpreplay >/dev/null || skip "no tcpreplay"
ns=vigil-afp-$$
ip netns add "$ns" 2>/dev/null || skip "no network namespace support (ip netns add failed)"
out=$(mktemp -d)
chmod 0755 "$out" # -u nobody writes below it
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    rm -rf "$out"
}
trap cleanup EXIT
in_ns() { ip netns exec "$ns" "$@"; }

# No IPv6 in the namespace: the kernel's own router solicitations would be
# captured too (and no IGMP, below). va -> vb is the link replayed into; vc is a second link that
# sees the same frames through the bridge br0 (vb and vd are its ports).
in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link add va type veth peer name vb
ip -n "$ns" link add vc type veth peer name vd
ip -n "$ns" link add br0 type bridge
ip -n "$ns" link set vb master br0
ip -n "$ns" link set vd master br0
# a hub, not a switch: both directions of the replay enter through vb, and a
# learning bridge would not send frames back towards a port it learnt them on
ip -n "$ns" link set vb type bridge_slave learning off
ip -n "$ns" link set vd type bridge_slave learning off
# No multicast from the kernel either: an interface that comes up sends its
# own IGMPv3 report (0.0.0.0 -> 224.0.0.22), which a worker would log as one
# connection more than the file has. Frames replayed to multicast addresses
# still pass: veths and the bridge forward them whatever the flag.
ip -n "$ns" link set br0 type bridge mcast_snooping 0
for l in va vb vc vd br0; do ip -n "$ns" link set "$l" multicast off up; done

# A small mix of finished sessions (TCP, UDP, ICMP, IPv6) and a larger one for the drops.
for s in basic http tls dns-tcp; do "$GEN" "$s" "$out/$s.pcap" >/dev/null || ko "vigil-gen $s"; done
mergecap_py() {
    python3 - "$@" <<'PY'
import struct, sys
out, ins = sys.argv[1], sys.argv[2:]
recs, head = [], None
for name in ins:
    data = open(name, "rb").read()
    head = head or data[:24]
    off = 24
    while off + 16 <= len(data):
        sec, usec, cap, wire = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec, usec, data[off:off + 16 + cap]))
        off += 16 + cap
recs.sort(key=lambda r: (r[0], r[1]))
with open(out, "wb") as f:
    f.write(head)
    for r in recs:
        f.write(r[2])
PY
}
parts=("$out/basic.pcap" "$out/http.pcap" "$out/tls.pcap" "$out/dns-tcp.pcap")
if command -v mergecap >/dev/null; then mergecap -F pcap -w "$out/mix.pcap" "${parts[@]}"; else mergecap_py "$out/mix.pcap" "${parts[@]}"; fi
"$GEN" bench "$out/burst.pcap" --flows 500 --packets 8000 >/dev/null
"$VIGIL" read "$out/mix.pcap" -o "$out/read" --format zeek --no-behavior --no-default-rules -q || ko "vigil read of the mix"

# Starts vigil live on IFACE in the namespace, output in DIR; ready once the
# first stats.log row is written. Sets $pid.
start_live() {
    local iface=$1 dir=$2
    shift 2
    mkdir -p "$dir"
    chmod 0777 "$dir"
    ip netns exec "$ns" "$VIGIL" live "$iface" -o "$dir" --format zeek --no-behavior --no-default-rules --ring-size 4M --block-size 64K "$@" 2>"$dir.err" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 200); do
        [ -s "$dir/stats.log" ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_live() {
    kill -INT "$1"
    wait "$1"
}
# conn.log rows without the columns a live capture cannot share with the file (ts, uid, duration).
conn_rows() {
    awk -F'\t' '/^#fields/ { for (i = 2; i <= NF; i++) name[i - 1] = $i; next }
        /^#/ { next }
        { row = ""; for (i = 1; i <= NF; i++) if (name[i] != "ts" && name[i] != "uid" && name[i] != "duration") row = row "\t" $i; print row }' \
        "$1" | sort
}
# The sum of a stats.log column (vectors: every item).
stats_sum() {
    awk -F'\t' -v col="$2" '/^#fields/ { for (i = 2; i <= NF; i++) if ($i == col) c = i - 1; next }
        /^#/ { next }
        { n = split($c, v, ","); for (i = 1; i <= n; i++) if (v[i] != "-") s += v[i] } END { print s + 0 }' "$1"
}
replay() { in_ns tcpreplay -i va "$@" 2>&1 | awk '/Actual:/ { print $2 }'; }

conn_rows "$out/read/conn.log" >"$out/read.rows"
for w in 1 2; do
    pin=()
    [ "$w" = 2 ] && pin=(--cpus 0)
    if ! start_live vb "$out/w$w" --workers "$w" "${pin[@]}"; then
        ko "$w workers: did not start: $(cat "$out/w$w.err")"
        continue
    fi
    # each ring read by a thread of its own (named vigil-ringN), which runs its worker
    rings=$(grep -l '^vigil-ring[0-9]*$' /proc/"$pid"/task/*/comm 2>/dev/null | wc -l)
    [ "$rings" = "$w" ] && ok "$w workers: one capture thread per ring" || ko "$w workers: $rings ring threads"
    if [ "$w" = 2 ]; then
        pinned=0
        for t in /proc/"$pid"/task/*; do
            grep -q '^vigil-ring' "$t/comm" 2>/dev/null && grep -q '^Cpus_allowed_list:[[:space:]]*0$' "$t/status" &&
                pinned=$((pinned + 1))
        done
        [ "$pinned" = 2 ] && ok "--cpus 0: both ring threads pinned to CPU 0" || ko "--cpus 0: $pinned ring threads on CPU 0"
    fi
    sent=$(replay --pps 1000 "$out/mix.pcap")
    sleep 0.5
    stop_live "$pid"
    rc=$?
    [ "$rc" = 0 ] || ko "$w workers: exit $rc: $(cat "$out/w$w.err")"
    grep -q "capture (afpacket): $sent packets received, 0 dropped" "$out/w$w.err" &&
        ok "$w workers: afpacket, $sent packets, 0 dropped" || ko "$w workers: summary: $(grep capture "$out/w$w.err")"
    conn_rows "$out/w$w/conn.log" >"$out/w$w.rows"
    if [ -s "$out/read.rows" ] && cmp -s "$out/read.rows" "$out/w$w.rows"; then
        ok "$w workers: the same $(wc -l <"$out/read.rows") conn rows as vigil read"
    else
        ko "$w workers: conn rows differ from vigil read: $(diff "$out/read.rows" "$out/w$w.rows" | head -5)"
    fi
    workers=$(grep -c '^vigil: capture: worker' "$out/w$w.err")
    [ "$workers" = "$w" ] && ok "$w workers: one ring per worker in the summary" || ko "$w workers: $workers rings"
done

# Drops: a ring of two 8 KiB blocks, a replay at full speed. Every packet
# sent is either analysed or counted as dropped, in the summary and in stats.log.
rx_before=$(in_ns cat /sys/class/net/vb/statistics/rx_packets)
if start_live vb "$out/drops" --workers 2 --ring-size 16K --block-size 8K --stats-interval 1; then
    sent=$(replay --topspeed "$out/burst.pcap")
    sleep 0.5
    stop_live "$pid"
    rx_after=$(in_ns cat /sys/class/net/vb/statistics/rx_packets)
    err=$out/drops.err
    analysed=$(awk '/^vigil: [0-9]+ packets,/ { print $2; exit }' "$err")
    dropped=$(sed -n 's/^vigil: capture (afpacket): [0-9]* packets received, \([0-9]*\) dropped.*/\1/p' "$err")
    in_rings=$(sed -n 's/.* dropped (\([0-9]*\) in the rings.*/\1/p' "$err")
    by_if=$(sed -n 's/.*; \([0-9]*\) by the interface before capture.*/\1/p' "$err")
    echo "live-afpacket: drops: sent $sent, analysed $analysed, dropped $dropped ($in_rings in the rings, $by_if by the interface), vb rx_packets +$((rx_after - rx_before))"
    [ "${dropped:-0}" -gt 0 ] && ok "a replay at full speed into a tiny ring drops ($dropped)" ||
        ko "no drops counted: $(grep capture "$err")"
    [ $((analysed + dropped)) = "$sent" ] && ok "analysed + dropped = sent ($analysed + $dropped = $sent)" ||
        ko "analysed $analysed + dropped $dropped != sent $sent"
    [ $((rx_after - rx_before)) = $((sent - by_if)) ] && ok "the interface's kernel counter agrees (rx_packets +$((rx_after - rx_before)))" ||
        ko "vb rx_packets +$((rx_after - rx_before)), sent $sent, $by_if dropped by the interface"
    st=$out/drops/stats.log
    [ "$(stats_sum "$st" pkts_dropped)" = "$in_rings" ] && [ "$(stats_sum "$st" worker_dropped)" = "$in_rings" ] &&
        [ "$(stats_sum "$st" pkts_if_dropped)" = "$by_if" ] && ok "stats.log counts the same drops (rings and interface)" ||
        ko "stats.log drops: pkts_dropped $(stats_sum "$st" pkts_dropped), worker_dropped $(stats_sum "$st" worker_dropped), pkts_if_dropped $(stats_sum "$st" pkts_if_dropped)"
    [ "$(stats_sum "$st" pkts_proc)" = "$analysed" ] && [ "$(stats_sum "$st" worker_pkts)" = "$analysed" ] &&
        ok "stats.log counts the packets analysed, per worker too" ||
        ko "stats.log pkts_proc $(stats_sum "$st" pkts_proc), worker_pkts $(stats_sum "$st" worker_pkts), analysed $analysed"
else
    ko "tiny ring: did not start: $(cat "$out/drops.err")"
fi

# -u nobody: once started, no capability in any set, and still capturing.
# The options come from the shipped dist/vigil.conf (its user, output and
# sizes overridden here: the command line wins).
conf=$(dirname "$0")/../../dist/vigil.conf
if start_live vb "$out/nobody" --config "$conf" -u nobody --format zeek --ring-size 4M --block-size 64K -o "$out/nobody"; then
    status=/proc/$pid/status
    uid=$(id -u nobody)
    caps=$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { printf "%s%s ", $1, $2 }' "$status")
    [ "$caps" = "CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 " ] &&
        ok "-u nobody: no capability in any set (/proc/PID/status)" || ko "-u nobody: capabilities left: $caps"
    awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u && $4 == u && $5 == u) }' "$status" &&
        grep -q '^NoNewPrivs:[[:space:]]*1' "$status" && ok "-u nobody: runs as nobody, no_new_privs set" ||
        ko "-u nobody: $(grep -E '^(Uid|NoNewPrivs)' "$status" | tr '\n' ' ')"
    # what the process may do is what its credentials allow: nobody with no capability cannot open a packet socket
    py=/usr/bin/python3 # not a per-user shim nobody cannot read
    if command -v setpriv >/dev/null && [ -x "$py" ]; then
        setpriv --reuid="$uid" --regid="$(id -g nobody)" --clear-groups --inh-caps=-all --bounding-set=-all \
            "$py" -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)' 2>"$out/sock.err" &&
            ko "-u nobody: an AF_PACKET socket could be opened" ||
            { grep -q PermissionError "$out/sock.err" && ok "-u nobody: a new AF_PACKET socket is refused"; } ||
            ko "-u nobody: socket: $(tail -1 "$out/sock.err")"
    fi
    replay --pps 1000 "$out/basic.pcap" >/dev/null
    sleep 0.5
    stop_live "$pid"
    rc=$?
    [ "$rc" = 0 ] && [ "$(conn_rows "$out/nobody/conn.log" | wc -l)" -gt 0 ] &&
        [ "$(stat -c %U "$out/nobody/conn.log")" = nobody ] && ok "-u nobody: the rings still capture, logs written as nobody" ||
        ko "-u nobody: rc $rc, $(ls -l "$out/nobody") $(cat "$out/nobody.err")"
else
    ko "-u nobody: did not start: $(cat "$out/nobody.err")"
fi

# Two sensors, two links (vb and, through the bridge, vc), different worker
# counts: the same uids and Community IDs for the same connections.
if start_live vb "$out/sensor1" --workers 1 && { pid1=$pid; start_live vc "$out/sensor2" --workers 2; }; then
    replay --pps 1000 "$out/mix.pcap" >/dev/null
    sleep 0.5
    stop_live "$pid1"
    stop_live "$pid"
    ids() { grep -v '^#' "$1/conn.log" | cut -f2,3,4,5,6,7 | sort; }
    ids "$out/sensor1" >"$out/s1.ids"
    ids "$out/sensor2" >"$out/s2.ids"
    [ -s "$out/s1.ids" ] && cmp -s "$out/s1.ids" "$out/s2.ids" &&
        ok "two sensors on two links: the same $(wc -l <"$out/s1.ids") uids" ||
        ko "uids differ between the sensors: $(diff "$out/s1.ids" "$out/s2.ids" | head -4)"
    cid() { awk -F'\t' '/^#fields/ { for (i = 2; i <= NF; i++) if ($i == "community_id") c = i - 1; next } /^#/ { next } { print $2, $c }' "$1/conn.log" | sort; }
    cmp -s <(cid "$out/sensor1") <(cid "$out/sensor2") && ok "two sensors: the same Community IDs" ||
        ko "Community IDs differ between the sensors"
else
    ko "two sensors: did not start: $(cat "$out/sensor1.err" "$out/sensor2.err" 2>/dev/null)"
fi

# The interface goes away mid-run: one line naming it, exit 5 (a supervisor restarts).
ip -n "$ns" link add vx type veth peer name vy
ip -n "$ns" link set vx up
ip -n "$ns" link set vy up
if start_live vy "$out/gone"; then
    ip -n "$ns" link del vx
    wait "$pid"
    rc=$?
    [ "$rc" = 5 ] && grep -q '^vigil: vy: the interface went down' "$out/gone.err" &&
        tail -n1 "$out/gone/stats.log" | grep -q '^#close' &&
        ok "interface removed mid-run: exit 5, named, logs closed" || ko "interface removed: rc $rc: $(cat "$out/gone.err")"
else
    ko "interface removal: did not start: $(cat "$out/gone.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
