#!/usr/bin/env bash
# Millions of alerts into `vigil report`: bounded memory, exact counts.
#   test_incident_many.sh [N] [--counts-only]   (N: default 10,000,000, a multiple of 4,000)
# VIGIL names the binary: run-tests passes the -O2 build for the full ten
# million and the ASan build for a million, counts only (ASan's own memory
# would blur the comparison). The alerts are generated
# (a gzipped notice.log): 1,000 internal hosts, four notes of four kill-chain
# stages, each host and note the same number of times, peers drawn from
# 300,007 outside addresses, so every per-incident cap (evidence, peers) and
# the infrastructure and popularity tables fill up. Checked: every host's
# incident counts exactly N/1,000 events, N/4,000 of each note and stage;
# the kept evidence and peers stay within their caps; and the peak RSS of
# the N run is within a quarter of that of a run ten times smaller (memory
# does not grow with the alerts).
# Prints PASS/FAIL lines; exits 1 if any failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
vigil=${VIGIL:-$repo/build/release/vigil}
[[ $vigil == /* ]] || vigil=$repo/$vigil
n=${1:-10000000}
counts_only=${2:-}
export TZ=UTC
export VIGIL_DATA_DIR=$repo

tmp=$(mktemp -d /tmp/vigil-incident-many.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

failures=0
pass() { echo "PASS incident-many/$1"; }
fail() { echo "FAIL incident-many/$1${2:+ ($2)}"; failures=$((failures + 1)); }

if ((n < 4000 || n % 4000 != 0)) || [[ -n $counts_only && $counts_only != --counts-only ]]; then
    echo "usage: test_incident_many.sh [N] [--counts-only] (N a multiple of 4000)" >&2
    exit 2
fi

# write_alerts DIR COUNT: host i%1000, note (i/1000)%4; the exploitation
# note names the host as its victim (the destination).
write_alerts() {
    mkdir -p "$1"
    awk -v n="$2" 'BEGIN {
        split("Vigil::Phishing Vigil::Device_Exploited Vigil::Template_Fetch Vigil::Device_Calls_Out", note, " ")
        printf "#separator \\x09\n#path\tnotice\n#fields\tts\tnote\tsrc\tdst\n"
        for (i = 0; i < n; i++) {
            h = i % 1000; k = int(i / 1000) % 4; p = i % 300007
            host = "10.3." int(h / 250) "." (h % 250)
            peer = "45." int(p / 65536) "." (int(p / 256) % 256) "." (p % 256)
            if (k == 1)
                printf "%d\t%s\t%s\t%s\n", 1700000000 + int(i / 100), note[k + 1], peer, host
            else
                printf "%d\t%s\t%s\t%s\n", 1700000000 + int(i / 100), note[k + 1], host, peer
        }
    }' | gzip -1 >"$1/notice.log.gz"
}

# run NAME COUNT: vigil report over COUNT alerts; its peak RSS (KB) in $tmp/NAME.rss
run() {
    write_alerts "$tmp/$1" "$2"
    /usr/bin/time -f '%M' -o "$tmp/$1.rss" "$vigil" report "$tmp/$1" -o "$tmp/$1-out" -q >/dev/null 2>"$tmp/$1.err"
}

small=$((n / 10 - n / 10 % 4000))
((small < 4000)) && small=4000
rc_small=0
if [[ ! $counts_only ]]; then
    run small "$small"
    rc_small=$?
fi
run big "$n"
rc=$?
rss_small=$(tail -1 "$tmp/small.rss" 2>/dev/null || echo 0)
rss=$(tail -1 "$tmp/big.rss" 2>/dev/null || echo 0)

if [[ $rc != 0 || $rc_small != 0 ]]; then
    fail report "exit $rc (small run: $rc_small): $(head -c 300 "$tmp/big.err")"
    exit 1
fi

if python3 - "$tmp/big-out/eve.json" "$n" <<'PY' >"$tmp/counts.out" 2>&1; then
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
last = {}
for line in open(path):
    e = json.loads(line)
    if e.get("event_type") == "incident":
        last[e["incident"]["id"]] = e["incident"]
per_host, per_note = n // 1000, n // 4000
notes = {"Vigil::Phishing", "Vigil::Device_Exploited", "Vigil::Template_Fetch", "Vigil::Device_Calls_Out"}
assert len(last) == 1000, f"{len(last)} incidents, not 1000"
total = 0
for i in last.values():
    total += i["events"]
    assert i["events"] == per_host, f"{i['id']}: {i['events']} events, not {per_host}"
    assert i["kinds"] == {k: per_note for k in notes}, f"{i['id']}: kinds {i['kinds']}"
    assert sorted(s["events"] for s in i["stages"]) == [per_note] * 4, f"{i['id']}: stages {i['stages']}"
    assert len(i["evidence"]) <= 24, f"{i['id']}: {len(i['evidence'])} pieces of evidence"
    assert len(i["peers"]) <= 16, f"{i['id']}: {len(i['peers'])} peers"
assert total == n, f"{total} events in all, not {n}"
PY
    pass "exact-counts ($n alerts in 1000 incidents, $((n / 1000)) each, capped evidence)"
else
    fail exact-counts "$(tail -1 "$tmp/counts.out")"
fi

if [[ $counts_only ]]; then
    :
elif ((rss > 0 && rss_small > 0 && rss * 4 <= rss_small * 5)); then
    pass "bounded-memory (peak RSS ${rss} KB for $n alerts, ${rss_small} KB for $small)"
else
    fail bounded-memory "peak RSS ${rss} KB for $n alerts, ${rss_small} KB for $small"
fi

exit $((failures > 0))
