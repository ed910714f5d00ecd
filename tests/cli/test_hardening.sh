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

tests=(${HARDENING_TESTS:-$(declare -F | awk '{print $3}' | grep '^test_')})
for t in "${tests[@]}"; do "$t"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
