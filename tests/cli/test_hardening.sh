#!/usr/bin/env bash
# Issue 10: what happens around the packets. Files that change while Vigil
# reads them (a capture that shrinks, a feed rewritten), planted symlinks,
# signals, a full disk, hash tables aimed at by crafted keys. Every check is
# named after what it guards.
# Usage: VIGIL=... VIGIL_GEN=... tests/cli/test_hardening.sh
set -u
VIGIL=${VIGIL:-./vigil}
VIGIL_GEN=${VIGIL_GEN:-./build/release/vigil-gen}
pass=0 fail=0 skip=0
ok() { echo "PASS hardening: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL hardening: $1"; fail=$((fail + 1)); }
sk() { echo "SKIP hardening: $1"; skip=$((skip + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every data line of a Zeek TSV log has the header's number of fields and
# the file ends with a newline.
whole_tsv() {
    local f=$1 nf bad
    [ -s "$f" ] || return 1
    [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || return 1
    nf=$(grep -m1 '^#fields' "$f" | awk -F'\t' '{print NF}')
    bad=$(grep -v '^#' "$f" | awk -F'\t' -v n="$nf" 'NF != n - 1' | wc -l)
    [ "$bad" = 0 ]
}

# The offset of the open file $2 in process $1 (0 when not open).
file_pos() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        if [ "$(readlink "$fd" 2>/dev/null)" = "$2" ]; then
            awk '/^pos:/ {print $2}' /proc/"$1"/fdinfo/"${fd##*/}" 2>/dev/null
            return
        fi
    done
    echo 0
}

# Whether process $1 has begun reading file $2 (read offset > 0, or mapped).
reading_started() {
    local pos
    pos=$(file_pos "$1" "$2")
    [ -n "$pos" ] && [ "$pos" != 0 ] && return 0
    grep -qF "$2" /proc/"$1"/maps 2>/dev/null
}

# --- 10.1 a capture that shrinks while it is read ---------------------------
test_capture_shrinking_while_read() {
    local cap=$tmp/shrink.pcap out=$tmp/shrink rc i
    "$VIGIL_GEN" bench "$cap" --flows 5000 --packets 120000 >/dev/null 2>&1 || { ko "shrink: vigil-gen failed"; return; }
    "$VIGIL" read "$cap" -q -o "$out" 2>"$tmp/shrink.err" &
    local pid=$!
    for i in $(seq 1 200); do
        reading_started "$pid" "$cap" && break
        sleep 0.02
    done
    kill -STOP "$pid" 2>/dev/null || { ko "capture shrinking while read: vigil finished before the file could shrink"; return; }
    truncate -s 1000000 "$cap"
    kill -CONT "$pid"
    wait "$pid"
    rc=$?
    check "capture shrinking while read: exit status 1, not a crash (got $rc)" [ "$rc" = 1 ]
    check "capture shrinking while read: stderr names the file and the offset" \
        grep -q "shrink.pcap: the file shrank from [0-9]* to 1000000 bytes while being read (at offset [0-9]*)" "$tmp/shrink.err"
    check "capture shrinking while read: conn.log whole and closed" \
        eval 'whole_tsv "$out/conn.log" && tail -n1 "$out/conn.log" | grep -q "^#close"'
}

# A capture still being written (tcpdump -w) is read to its new end.
test_capture_growing_while_read_is_read_to_its_new_end() {
    local cap=$tmp/grow-full.pcap rc i
    "$VIGIL_GEN" bench "$cap" --flows 5000 --packets 120000 >/dev/null 2>&1 || { ko "grow: vigil-gen failed"; return; }
    python3 "$(dirname "$0")/pcaptool.py" split "$cap" "$tmp/grow.pcap" "$tmp/grow-rest.pcap"
    "$VIGIL" read "$cap" -q -o "$tmp/grow-whole" --format zeek 2>/dev/null
    "$VIGIL" read "$tmp/grow.pcap" -q -o "$tmp/grow-out" --format zeek 2>"$tmp/grow.err" &
    local pid=$!
    for i in $(seq 1 200); do reading_started "$pid" "$tmp/grow.pcap" && break; sleep 0.02; done
    kill -STOP "$pid" 2>/dev/null || { ko "capture growing while read: vigil finished before the file grew"; return; }
    tail -c +25 "$tmp/grow-rest.pcap" >>"$tmp/grow.pcap" # the second half's records, without its file header
    kill -CONT "$pid"
    wait "$pid"
    rc=$?
    check "capture growing while read: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "capture growing while read: the same conn.log as the whole file's" \
        eval 'diff <(grep -v "^#" "$tmp/grow-whole/conn.log") <(grep -v "^#" "$tmp/grow-out/conn.log") >/dev/null'
}

# --- 10.2 a feed rewritten in place while it loads -------------------------
test_feed_rewritten_while_loading() {
    local feed=$tmp/big-feed.csv rc i
    python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("type,value\n")
    for i in range(600000):
        f.write("domain,host-%d.feed-rewrite.example\n" % i)
' "$feed"
    "$VIGIL" intel check "$feed" >"$tmp/feed.out" 2>"$tmp/feed.err" &
    local pid=$!
    for i in $(seq 1 300); do
        reading_started "$pid" "$feed" && break
        sleep 0.01
    done
    : >"$feed" # cp and curl -o truncate first
    printf 'type,value\ndomain,rewritten.example\n' >>"$feed"
    wait "$pid"
    rc=$?
    check "feed rewritten while loading: no crash (exit $rc)" [ "$rc" -lt 128 ]
    if [ "$rc" != 0 ]; then
        check "feed rewritten while loading: one line says the feed changed" grep -q "changed while being read" "$tmp/feed.err"
    fi
}

# --- 10.4 a symlink planted in the output directory --------------------------
test_symlinked_log_not_followed() {
    local out=$tmp/planted rc
    "$VIGIL_GEN" basic "$tmp/basic.pcap" >/dev/null 2>&1
    mkdir -p "$out"
    printf 'precious\n' >"$tmp/victim"
    ln -s "$tmp/victim" "$out/conn.log"
    "$VIGIL" read "$tmp/basic.pcap" -o "$out" 2>"$tmp/planted.err"
    rc=$?
    check "symlinked conn.log: its target is left untouched" grep -qx precious "$tmp/victim"
    check "symlinked conn.log: refused with a one-line reason, exit $rc != 0" \
        eval '[ "$rc" != 0 ] && grep -q "conn.log: open failed: is a symbolic link, refused" "$tmp/planted.err"'
    check "symlinked conn.log: the other logs are still written" test -s "$out/dns.log"
}

# --- 10.6 a full disk, on read: whole lines, every failing log named ---------
test_full_disk_whole_lines_and_counted() {
    local mnt=$tmp/full rc f
    "$VIGIL_GEN" demo "$tmp/demo.pcap" >/dev/null 2>&1
    mkdir -p "$mnt"
    unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && "$2" read "$3" -o "$1/logs" 2>"$4"; rc=$?;
        cp -r "$1/logs" "$5"; exit $rc' sh "$mnt" "$VIGIL" "$tmp/demo.pcap" "$tmp/full.err" "$tmp/full-logs"
    rc=$?
    if grep -q "mount" "$tmp/full.err" 2>/dev/null || [ ! -d "$tmp/full-logs" ]; then
        sk "full disk: cannot mount a tmpfs here (needs root and mount namespaces)"
        return
    fi
    check "full disk on read: non-zero exit ($rc)" [ "$rc" != 0 ]
    local torn=0
    for f in "$tmp/full-logs"/*.log; do
        [ -s "$f" ] || continue
        whole_tsv "$f" || torn=$((torn + 1))
    done
    [ -s "$tmp/full-logs/eve.json" ] && ! python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$tmp/full-logs/eve.json" 2>/dev/null && torn=$((torn + 1))
    check "full disk on read: no torn line in any log ($torn torn)" [ "$torn" = 0 ]
    check "full disk on read: the failure said when it happened" grep -q "conn.log: write failed: No space left on device" "$tmp/full.err"
    check "full disk on read: every failing log named with its lost lines" \
        eval 'grep -q "conn.log: [0-9]* lines lost" "$tmp/full.err" && grep -q "dns.log: [0-9]* lines lost" "$tmp/full.err"'
}

# --- 10.5 and 10.8: what vigil hunt walks and counts --------------------------
test_hunt_walker_and_counts() {
    local logs=$tmp/hunt-logs rows n rc
    "$VIGIL_GEN" basic "$tmp/hunt.pcap" >/dev/null 2>&1
    "$VIGIL" read "$tmp/hunt.pcap" -q -o "$logs" --format zeek
    n=$(ls "$logs" | wc -l)
    "$VIGIL" hunt "$logs" -o "$tmp/h0" 2>"$tmp/h0.err" >/dev/null
    rows=$(sed -n 's/.* units, \([0-9]*\) rows.*/\1/p' "$tmp/h0.err")
    check "hunt summary counts every file once ($n files)" grep -q "hunt: $n files in 1 units" "$tmp/h0.err"
    ln -s . "$logs/self"
    ln -s . "$logs/self2"
    timeout 60 "$VIGIL" hunt "$logs" -o "$tmp/h1" 2>"$tmp/h1.err" >/dev/null
    rc=$?
    check "hunt over two 'self -> .' links ends (exit $rc)" [ "$rc" -lt 124 ]
    check "hunt over 'self -> .' links reads each log once ($rows rows)" grep -q "hunt: $n files in 1 units, $rows rows" "$tmp/h1.err"
    timeout 60 "$VIGIL" hunt /proc/self -o "$tmp/h2" >/dev/null 2>&1
    rc=$?
    check "hunt /proc/self does not walk / (exit $rc)" [ "$rc" -lt 124 ]
    timeout 20 "$VIGIL" hunt /dev/zero -o "$tmp/h3" 2>"$tmp/h3.err" >/dev/null
    rc=$?
    check "hunt /dev/zero refused at once (exit $rc)" \
        eval '[ "$rc" = 2 ] && grep -q "/dev/zero: not a regular file or a directory" "$tmp/h3.err"'
    "$VIGIL" hunt "$tmp/hunt.pcap" -o "$tmp/h4" 2>"$tmp/h4.err" >/dev/null
    rc=$?
    check "hunt refuses a capture (exit $rc)" eval '[ "$rc" = 2 ] && grep -q "a packet capture, not a log" "$tmp/h4.err"'
}

# --- 10.9 small decoders ----------------------------------------------------------
test_fcs_in_linktype_and_coarse_pcapng_timestamps() {
    local here rc
    here=$(dirname "$0")
    "$VIGIL_GEN" basic "$tmp/plain.pcap" >/dev/null 2>&1
    python3 "$here/fcs_and_coarse_ts.py" "$tmp/plain.pcap" "$tmp/fcs.pcap" "$tmp/coarse.pcapng"
    "$VIGIL" read "$tmp/plain.pcap" -q -o "$tmp/plain" 2>/dev/null
    "$VIGIL" read "$tmp/fcs.pcap" -q -o "$tmp/fcs" 2>"$tmp/fcs.err"
    rc=$?
    check "pcap with FCS length in its link-type field: read (exit $rc), FCS stripped: same conn.log" \
        eval '[ "$rc" = 0 ] && diff <(grep -v "^#" "$tmp/fcs/conn.log") <(grep -v "^#" "$tmp/plain/conn.log") >/dev/null'
    "$VIGIL" read "$tmp/coarse.pcapng" -q -o "$tmp/coarse" 2>"$tmp/coarse.err"
    rc=$?
    check "pcapng timestamp overflowing microseconds: no sanitizer report, exit $rc" \
        eval '[ "$rc" -le 1 ] && ! grep -q "runtime error\|Sanitizer" "$tmp/coarse.err"'
}

# --- 12: pcapng files libpcap 1.10 refuses, read by capture/pcapng.c ------------
# dns.log rows of the 10.9.N.1 clients of vigil-gen's linktypes capture.
dns_clients() {
    grep -v '^#' "$1/dns.log" 2>/dev/null | cut -f3 | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' '
}

# ng_read NAME FILE [OPTIONS...]: vigil read FILE into $tmp/ng-NAME (stderr in
# $tmp/ng-NAME.err), its exit status in rc and its DNS clients in clients.
ng_read() {
    local name=$1 file=$2
    shift 2
    "$VIGIL" read "$file" -q "$@" -o "$tmp/ng-$name" 2>"$tmp/ng-$name.err"
    rc=$?
    clients=$(dns_clients "$tmp/ng-$name")
}

test_pcapng_interfaces_of_different_link_types_and_damage() {
    local here rc clients v all="10.9.1.1x1 10.9.2.1x1 10.9.3.1x1 10.9.4.1x1 10.9.6.1x1 10.9.7.1x1 2001:db8:9:5::1x1 "
    here=$(dirname "$0")
    "$VIGIL_GEN" linktypes "$tmp/mixed.pcapng" >/dev/null 2>&1 || { ko "pcapng: vigil-gen linktypes failed"; return; }
    python3 "$here/pcapng_variants.py" "$tmp/mixed.pcapng" "$tmp" || { ko "pcapng: pcapng_variants.py failed"; return; }
    ng_read mixed "$tmp/mixed.pcapng"
    check "pcapng, 7 interfaces of 6 link types and 5 snapshot lengths: exit $rc, each one's DNS exchange logged" \
        eval '[ "$rc" = 0 ] && [ "$clients" = "$all" ]'
    gzip -c "$tmp/mixed.pcapng" >"$tmp/mixed.pcapng.gz"
    ng_read gz "$tmp/mixed.pcapng.gz"
    check "the same pcapng gzip-compressed: read on after libpcap's refusal too (exit $rc)" \
        eval '[ "$rc" = 0 ] && [ "$clients" = "$all" ]'
    ng_read udp "$tmp/mixed.pcapng" -f udp
    check "pcapng with -f udp: the filter compiled for each link type passes them all (exit $rc)" \
        eval '[ "$rc" = 0 ] && [ "$clients" = "$all" ]'
    ng_read port "$tmp/mixed.pcapng" -f "udp port 45003"
    check "pcapng with -f 'udp port 45003': only the raw IPv4 interface's exchange" [ "$clients" = "10.9.4.1x1 " ]
    "$VIGIL_GEN" basic "$tmp/raw.pcap" --linktype raw >/dev/null 2>&1
    ng_read raw "$tmp/raw.pcap" -f udp
    check "classic raw-IP pcap (LINKTYPE 101) with -f udp: compiled for DLT_RAW (exit $rc)" \
        eval '[ "$rc" = 0 ] && [ -s "$tmp/ng-raw/dns.log" ]'
    ng_read two "$tmp/two-sections.pcapng"
    check "pcapng, a second section big-endian: exit $rc, every exchange logged twice" \
        eval '[ "$rc" = 0 ] && [ "$clients" = "${all//x1/x2}" ]'
    for v in cut:"truncated pcapng dump file" trailer:"block total length in header" \
        huge:"pcapng block size 2147483632 > maximum" noiface:"a packet arrived on interface 99"; do
        ng_read "${v%%:*}" "$tmp/${v%%:*}.pcapng"
        check "pcapng ${v%%:*}: exit 1 (got $rc), damage named ('${v#*:}'), no sanitizer report" \
            eval '[ "$rc" = 1 ] && grep -q "capture damaged, processed up to the damage: .*${v#*:}" "$tmp/ng-${v%%:*}.err" &&
                  ! grep -q "runtime error\|Sanitizer" "$tmp/ng-${v%%:*}.err"'
    done
    check "pcapng cut in the last interface's query: the six exchanges before it logged" \
        [ "$(dns_clients "$tmp/ng-cut")" = "${all/10.9.7.1x1 /}" ]
    check "pcapng damaged at its 10th block: the packet before it logged" \
        [ "$(dns_clients "$tmp/ng-trailer")" = "10.9.1.1x1 " ]
}

# --- 10.8 an interrupted read says so -------------------------------------------
test_interrupted_read_has_its_own_exit_status() {
    local cap=$tmp/long.pcap rc i
    # large enough that a fast machine is still reading it a second after the start
    "$VIGIL_GEN" bench "$cap" --flows 20000 --packets 1500000 >/dev/null 2>&1
    "$VIGIL" read "$cap" -o "$tmp/intr" 2>"$tmp/intr.err" &
    local pid=$!
    for i in $(seq 1 200); do reading_started "$pid" "$cap" && break; sleep 0.02; done
    sleep 1 # some packets analysed, far from the end
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    check "read interrupted by SIGINT: exit status 3 (got $rc)" [ "$rc" = 3 ]
    check "read interrupted: stderr says interrupted" grep -q "interrupted" "$tmp/intr.err"
    local f bad=0
    for f in "$tmp/intr"/*.log; do
        [ -s "$f" ] || continue
        whole_tsv "$f" && tail -n1 "$f" | grep -q "^#close" || bad=$((bad + 1))
    done
    check "read interrupted: every log written is whole and closed ($bad not)" [ "$bad" = 0 ]
}

# --- 10.3 the signals read ignores: HUP, USR1, USR2, PIPE ----------------------
test_read_ignores_hup_usr1_usr2_pipe() {
    local cap=$tmp/signals.pcap rc i f bad=0
    "$VIGIL_GEN" bench "$cap" --flows 5000 --packets 120000 >/dev/null 2>&1 || { ko "signals: vigil-gen failed"; return; }
    "$VIGIL" read "$cap" -o "$tmp/signals" 2>"$tmp/signals.err" &
    local pid=$!
    for i in $(seq 1 200); do reading_started "$pid" "$cap" && break; sleep 0.02; done
    # stopped, the signals wait and arrive together mid-read when it continues
    kill -STOP "$pid" 2>/dev/null || { ko "signals during read: vigil finished before the signals"; return; }
    kill -HUP "$pid"; kill -USR1 "$pid"; kill -USR2 "$pid"; kill -PIPE "$pid"
    kill -CONT "$pid"
    wait "$pid"
    rc=$?
    check "read given SIGHUP, SIGUSR1, SIGUSR2 and SIGPIPE mid-read: reads on to the end, exit 0 (got $rc)" [ "$rc" = 0 ]
    for f in "$tmp/signals"/*.log; do
        whole_tsv "$f" && tail -n1 "$f" | grep -q "^#close" || bad=$((bad + 1))
    done
    check "read given SIGHUP, SIGUSR1, SIGUSR2 and SIGPIPE: every log whole and closed ($bad not)" [ "$bad" = 0 ]
}

# --- 10.8 --max-flows under a flood of new flows -------------------------------
# Peak resident memory (MB) of a command, its stderr to $1.
peak_rss_mb() {
    local err=$1
    shift
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$err" "$@"
}

test_max_flows_bounds_memory_under_new_flow_flood() {
    local small big unbounded
    # every packet a new flow, all within a second or two: nothing times out, only eviction frees
    python3 "$(dirname "$0")/pcaptool.py" flows "$tmp/flood-10k.pcap" 10000 10000
    python3 "$(dirname "$0")/pcaptool.py" flows "$tmp/flood-100k.pcap" 100000 100000
    # the sanitizer's quarantine keeps freed memory for a while: off, so RSS shows what is live
    export ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=0
    small=$(peak_rss_mb "$tmp/flood-small.err" "$VIGIL" read "$tmp/flood-10k.pcap" --conn-only --max-flows 1000 \
        --workers 2 --format eve -o "$tmp/flood-small")
    big=$(peak_rss_mb "$tmp/flood-big.err" "$VIGIL" read "$tmp/flood-100k.pcap" --conn-only --max-flows 1000 \
        --workers 2 --format eve -o "$tmp/flood-big")
    unbounded=$(peak_rss_mb /dev/null "$VIGIL" read "$tmp/flood-100k.pcap" --conn-only --max-flows 1000000 \
        --workers 2 --format eve -o "$tmp/flood-unbounded")
    check "--max-flows 1000 under 100,000 new flows: every flow logged, 99,000 evictions counted in the summary" \
        grep -q "100000 flows logged (99000 evicted by --max-flows)" "$tmp/flood-big.err"
    check "--max-flows 1000 under 100,000 new flows: the evicted flows are in the log" \
        eval '[ "$(grep -c "\"event_type\":\"flow\"" "$tmp/flood-big/eve.json")" = 100000 ]'
    check "--max-flows 1000: peak RSS for 100,000 new flows ($big MB) within 25% + 8 MB of that for 10,000 ($small MB)" \
        [ "$big" -le $((small + small / 4 + 8)) ]
    # the measure can fail: without the bound the same flood holds every flow
    check "--max-flows 1000000 (no bound reached): the flood's RSS ($unbounded MB) exceeds that bound" \
        [ "$unbounded" -gt $((small + small / 4 + 8)) ]
    export ASAN_OPTIONS=${ASAN_OPTIONS%:quarantine_size_mb=0}
}

# --- 10.7 the run's hash key never shows in the output ---------------------------
test_output_independent_of_hash_key() {
    local s
    "$VIGIL_GEN" frag "$tmp/frag.pcap" >/dev/null 2>&1
    "$VIGIL_GEN" hunt "$tmp/hunt-seed.pcap" >/dev/null 2>&1
    for s in 1 fedcba9876543210; do
        VIGIL_HASH_SEED=$s "$VIGIL" read "$tmp/frag.pcap" "$tmp/hunt-seed.pcap" -q -o "$tmp/seed-$s" 2>/dev/null
        VIGIL_HASH_SEED=$s "$VIGIL" hunt "$tmp/seed-$s" -o "$tmp/seed-hunt-$s" >/dev/null 2>&1
    done
    check "read and hunt give the same logs under two hash keys" \
        eval 'diff -r -I "^#open" -I "^#close" "$tmp/seed-1" "$tmp/seed-fedcba9876543210" >/dev/null &&
              diff -r -I "^#open" -I "^#close" "$tmp/seed-hunt-1" "$tmp/seed-hunt-fedcba9876543210" >/dev/null'
}

# The tables keyed by what the wire and the logs name (the inventory, the
# intel store, the correlator's hosts and infrastructure, `vigil report`'s
# files and twins) under two hash keys: the golden incident scenario, read
# and then correlated again from its logs, writes the same everywhere.
test_incidents_independent_of_hash_key() {
    local s golden
    golden=$(cd "$(dirname "$0")/../golden" && pwd)
    "$VIGIL_GEN" incident "$tmp/incident-seed.pcap" >/dev/null 2>&1
    for s in 1 fedcba9876543210; do
        (cd "$golden/../.." && VIGIL_HASH_SEED=$s "$VIGIL" read "$tmp/incident-seed.pcap" -q -o "$tmp/inc-seed-$s" \
            --intel "$golden/incident-feeds" --devices --inspect-files --protect "$golden/incident/protect.tsv" \
            --default-rules rules/devices.rules) >/dev/null 2>&1
        VIGIL_HASH_SEED=$s "$VIGIL" report "$tmp/inc-seed-$s" -q -o "$tmp/inc-report-$s" >/dev/null 2>&1
    done
    check "read --devices --intel and report give the same logs under two hash keys" \
        eval '[ -s "$tmp/inc-seed-1/incident.log" ] && [ -s "$tmp/inc-report-1/incident.log" ] &&
              diff -r -I "^#open" -I "^#close" "$tmp/inc-seed-1" "$tmp/inc-seed-fedcba9876543210" >/dev/null &&
              diff -r -I "^#open" -I "^#close" -I "Generated by Vigil from" "$tmp/inc-report-1" "$tmp/inc-report-fedcba9876543210" >/dev/null'
}

# --- live, in a network namespace this script creates -------------------------
# A DNS query and its answer over the namespace's loopback: dns.log gets its
# line as soon as the answer is parsed.
dns_exchange() {
    ip netns exec "$ns" python3 - "$1" <<'PY'
import socket, struct, sys, threading
name = sys.argv[1]
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
for label in name.split("."):
    q += bytes([len(label)]) + label.encode()
q += b"\x00" + struct.pack(">HH", 1, 1)
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", 53))
def answer():
    data, peer = srv.recvfrom(512)
    srv.sendto(data[:2] + struct.pack(">H", 0x8183) + data[4:], peer)
t = threading.Thread(target=answer); t.start()
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(2)
c.sendto(q, ("127.0.0.1", 53))
c.recvfrom(512)
t.join()
PY
}

# Waits up to $3 seconds for $2 to appear in file $1 (a generous bound, not a measurement).
appears_within() {
    local i
    for i in $(seq 1 $(($3 * 10))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_live() { # DIR [options...]: vigil live lo in the namespace, pid in $live_pid
    local dir=$1
    shift
    ip netns exec "$ns" "$VIGIL" live lo -C -o "$dir" -f 'udp port 53' --no-behavior "$@" 2>>"$dir.err" &
    live_pid=$!
    sleep 1.5
}

# SIGINT, then at most 30 s for a clean exit (a hang is a failure, not a stuck suite).
stop_live() {
    local i
    kill -INT "$live_pid"
    for i in $(seq 1 300); do kill -0 "$live_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$live_pid" 2>/dev/null; then
        ko "live: vigil did not stop within 30 s of SIGINT"
        kill -KILL "$live_pid"
    fi
    wait "$live_pid"
}

setup_netns() {
    [ -n "${ns:-}" ] && return 0
    [ "$(id -u)" = 0 ] && command -v ip >/dev/null || return 1
    ns=vigil-io-$$
    ip netns add "$ns" 2>/dev/null || return 1
    trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
    ip netns exec "$ns" ip link set lo up
}

test_live_logs_flushed_kept_reopened_rotated() {
    if ! setup_netns; then sk "live: needs root and network namespaces"; return; fi
    local dir=$tmp/live rc
    mkdir -p "$dir"
    start_live "$dir"
    dns_exchange first-line.example
    check "live: a dns.log line reaches its file while live runs (1 s flush)" appears_within "$dir/dns.log" first-line.example 5
    # logrotate: mv every log, then SIGHUP
    mkdir -p "$tmp/moved"
    mv "$dir"/*.log "$tmp/moved/"
    kill -HUP "$live_pid"
    dns_exchange after-hup.example
    check "live: SIGHUP after mv of every log creates new files" appears_within "$dir/dns.log" after-hup.example 5
    check "live: the moved dns.log was closed whole" eval 'tail -n1 "$tmp/moved/dns.log" | grep -q "^#close" && whole_tsv "$tmp/moved/dns.log"'
    check "live: SIGHUP without --intel does not kill live" kill -0 "$live_pid"
    stop_live
    rc=$?
    check "live: exit 0 after SIGINT (got $rc)" [ "$rc" = 0 ]
    # a restart keeps the first run's lines
    start_live "$dir"
    dns_exchange second-run.example
    appears_within "$dir/dns.log" second-run.example 5
    stop_live
    check "live: a restart keeps the previous run's lines" eval 'grep -q after-hup.example "$dir/dns.log" && grep -q second-run.example "$dir/dns.log"'
    check "live: every dns.log line whole after a restart" whole_tsv "$dir/dns.log"
    # SIGHUP from the first moment on (a service manager reloading early)
    ip netns exec "$ns" "$VIGIL" live lo -C -o "$tmp/hup-early" -f 'udp port 53' 2>"$tmp/hup-early.err" &
    live_pid=$!
    local i
    # from the moment `ip netns exec` has become vigil (before that, HUP would hit ip)
    for i in $(seq 1 500); do [ "$(readlink /proc/$live_pid/exe)" = "$(readlink -f "$VIGIL")" ] && break; sleep 0.002; done
    # and from the moment main() has its handler (SigCgt bit 1 = SIGHUP): before
    # that the dynamic loader and the sanitizer runtime run, which no program
    # can guard; everything after, opening the capture and loading, must be
    for i in $(seq 1 1000); do
        (( 0x$(awk '/^SigCgt/ {print $2}' /proc/$live_pid/status 2>/dev/null || echo 0) & 2 )) && break
        sleep 0.002
    done
    for i in $(seq 1 50); do kill -HUP "$live_pid" 2>/dev/null; sleep 0.02; done
    check "live: SIGHUP during start-up does not kill live" kill -0 "$live_pid"
    stop_live
    # --rotate: Zeek's archive names, in the date folder, gzipped
    local rdir=$tmp/rot
    mkdir -p "$rdir"
    start_live "$rdir" --rotate 1 --compress
    for i in 1 2 3; do dns_exchange "rotated-$i.example"; sleep 1.1; done
    stop_live
    python3 - "$rdir" >"$tmp/rot.out" <<'PY'
import gzip, os, re, sys
root = sys.argv[1]
# RITA's importer: a date folder, then <log>.<HH:MM:SS>-<HH:MM:SS>.log[.gz]
name = re.compile(r"^(?P<stem>[a-z_]+)\.(?P<a>\d\d:\d\d:\d\d)-(?P<b>\d\d:\d\d:\d\d)(-\d+)?\.(log|json)(\.gz)?$")
found = 0
names = set()
for day in os.listdir(root):
    path = os.path.join(root, day)
    if not os.path.isdir(path):
        continue
    assert re.match(r"^\d{4}-\d\d-\d\d$", day), day
    for f in os.listdir(path):
        m = name.match(f)
        assert m, f
        assert m.group("a") <= m.group("b") or m.group("b") < "00:00:10", f
        assert f.endswith(".gz"), f
        with gzip.open(os.path.join(path, f), "rt") as g:
            text = g.read()
        if f.startswith("eve."):
            continue
        assert text.startswith("#separator") and text.rstrip("\n").split("\n")[-1].startswith("#close"), f
        names.update(re.findall(r"rotated-\d\.example", text))
        found += 1
print(found, len(names))
PY
    check "live --rotate --compress: archives named as Zeek and RITA expect, gzipped, whole ($(cat "$tmp/rot.out"))" \
        eval '[ "$(cut -d" " -f2 "$tmp/rot.out")" = 3 ]'
}

# The last row's log_lines_lost_total of a stats.log (empty when there is none).
stats_lost_total() {
    awk -F'\t' '/^#fields/ {for (i = 2; i <= NF; i++) if ($i == "log_lines_lost_total") c = i - 1}
                 !/^#/ && c {v = $c} END {print v}' "$1" 2>/dev/null
}

# stats.log in live: Zeek's Stats::Info columns first, a row every interval
# while running and one at exit, the packets it counted adding up.
test_live_stats_log_zeek_columns_every_interval() {
    if ! setup_netns; then sk "live stats.log: needs root and network namespaces"; return; fi
    local dir=$tmp/stats
    mkdir -p "$dir"
    start_live "$dir" --stats-interval 1
    dns_exchange stats-one.example
    dns_exchange stats-two.example
    sleep 2.5
    local rows_running
    rows_running=$(grep -vc '^#' "$dir/stats.log" 2>/dev/null)
    kill -USR1 "$live_pid"; kill -USR2 "$live_pid"; kill -PIPE "$live_pid"
    sleep 0.5
    check "live: SIGUSR1, SIGUSR2 and SIGPIPE are ignored" kill -0 "$live_pid"
    stop_live
    check "live stats.log: Zeek's stats.log columns, then Vigil's loss counters" \
        eval 'grep "^#fields" "$dir/stats.log" | grep -q "^#fields	ts	peer	mem	pkts_proc	bytes_recv	pkts_dropped	pkts_link	pkt_lag	pkts_filtered	events_proc	events_queued	active_tcp_conns	active_udp_conns	active_icmp_conns	tcp_conns	udp_conns	icmp_conns	timers	active_timers	files	active_files	dns_requests	active_dns_requests	reassem_tcp_size	reassem_file_size	reassem_frag_size	reassem_unknown_size	pkts_if_dropped	log_lines_lost	log_lines_lost_total	flows_logged	worker_pkts	worker_bytes	worker_dropped	failing_logs$"'
    check "live stats.log: rows written every interval while running ($rows_running after 4 s)" [ "${rows_running:-0}" -ge 2 ]
    check "live stats.log: whole and closed at exit" eval 'whole_tsv "$dir/stats.log" && tail -n1 "$dir/stats.log" | grep -q "^#close"'
    check "live stats.log: pkts_proc rows add up to the 4 packets seen, nothing lost" \
        eval '[ "$(awk -F"\t" "!/^#/ {p += \$4; l += \$29} END {print p, l}" "$dir/stats.log")" = "4 0" ]'
}

# 10.6 in live: the log directory on a tiny tmpfs fills and frees again.
test_live_full_disk_fills_and_frees() {
    if ! setup_netns; then sk "live full disk: needs root and network namespaces"; return; fi
    local mnt=$tmp/tiny rc
    mkdir -p "$mnt"
    ip netns exec "$ns" unshare -m sh -c '
        mount -t tmpfs -o size=256k tmpfs "$1" || exit 99
        "$2" live lo -C -o "$1/logs" -f "udp port 53" --no-behavior 2>"$3" & pid=$!
        echo $pid >"$4"
        while [ -e "$4" ]; do sleep 0.1; done   # the outer script removes it when done
        kill -INT $pid; wait $pid; echo $? >"$5"
        cp -a "$1/logs" "$6"' sh "$mnt" "$VIGIL" "$tmp/tiny.err" "$tmp/tiny.pid" "$tmp/tiny.rc" "$tmp/tiny-logs" &
    local outer=$!
    local i
    for i in $(seq 1 50); do [ -s "$tmp/tiny.pid" ] && break; sleep 0.1; done
    sleep 1.5
    local pid; pid=$(cat "$tmp/tiny.pid")
    dns_exchange before-full.example
    appears_within "/proc/$pid/root$mnt/logs/dns.log" before-full.example 5
    local logs="/proc/$pid/root$mnt/logs"
    # fill the disk
    dd if=/dev/zero of="$logs/filler" bs=4k 2>/dev/null
    for i in 1 2 3 4 5 6 7 8; do dns_exchange "while-full-$i.example"; done
    check "live full disk: the failing log is named at once on stderr" appears_within "$tmp/tiny.err" "logs/[a-z_.]*: write failed: No space left on device" 5
    rm -f "$logs/filler"
    for i in 1 2 3; do dns_exchange "after-free-$i.example"; done
    check "live full disk: writing resumes once space returns" appears_within "$logs/dns.log" after-free-3.example 5
    check "live full disk: the loss is counted when writing resumes" appears_within "$tmp/tiny.err" "logs/[a-z_.]*: writing again; [0-9]* lines were lost" 5
    # the default stats interval is 5 minutes: a row now is the one written because writing resumed
    check "live full disk: stats.log reports the loss at once when writing resumes" \
        eval 'for i in $(seq 1 50); do stats_lost_total "$logs/stats.log" | grep -q "^[1-9]" && break; sleep 0.1; done
              stats_lost_total "$logs/stats.log" | grep -q "^[1-9]"'
    rm -f "$tmp/tiny.pid"
    wait "$outer"
    rc=$(cat "$tmp/tiny.rc" 2>/dev/null)
    local f torn=0
    for f in "$tmp/tiny-logs"/*.log; do [ ! -s "$f" ] || whole_tsv "$f" || torn=$((torn + 1)); done
    python3 "$(dirname "$0")/pcaptool.py" check-json "$tmp/tiny-logs/eve.json" >/dev/null 2>&1 || torn=$((torn + 1))
    check "live full disk: no torn line in any log, eve.json or stats.log ($torn torn)" \
        eval '[ "$torn" = 0 ] && [ -s "$tmp/tiny-logs/dns.log" ] && [ -s "$tmp/tiny-logs/stats.log" ]'
    check "live full disk: the exit row of stats.log holds the whole loss" \
        eval '[ "$(stats_lost_total "$tmp/tiny-logs/stats.log")" -gt 0 ]'
    check "live full disk: the summary says how many lines were lost" grep -q "[1-9][0-9]* log lines lost to write errors" "$tmp/tiny.err"
    check "live full disk: exit status 4 says lines were lost (got $rc)" [ "$rc" = 4 ]
    [ -n "${VERBOSE:-}" ] && sed "s/^/  /" "$tmp/tiny.err"
}

tests=(${HARDENING_TESTS:-$(declare -F | awk '{print $3}' | grep '^test_')})
for t in "${tests[@]}"; do "$t"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
