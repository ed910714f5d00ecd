#!/usr/bin/env bash
# Threat intel and hunting from the command line: `vigil intel check` on
# every feed format and on bad feeds, `vigil read --intel`, `vigil hunt`
# over plain, gzip, JSON, rotated and damaged logs, and bad arguments.
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=detect
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"
feeds=$repo/tests/golden/intel-feeds

# --- intel check: one small feed per format ---
cat >"$tmp/feed.csv" <<'EOF'
type,value,context,source,actor,attack
domain,evil-ministry.example,"lure domain, quoted",CERT-TEST,Twisted Panda,T1566.002
ip,203.0.113.66,c2,CERT-TEST,,
url,hxxp://downloads.example-cdn[.]com/tools/sanctions.docm,payload,CERT-TEST,,
sha256,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,empty file,CERT-TEST,,
email,Press Office <press@mfa-gov.example>,spoofed sender,CERT-TEST,,
domain,evil-ministry.example,duplicate,CERT-TEST,,
bogus-type,whatever,,,,
ip,999.1.1.1,invalid address,,,
EOF
cat >"$tmp/list.txt" <<'EOF'
# a plain list: types inferred
evil-ministry.example
198.51.100.0/24
2001:db8:bad::1
d41d8cd98f00b204e9800998ecf8427e
пример.рф
EOF
printf '#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n203.0.113.7\tIntel::ADDR\tzeek-feed\tscanner\nbad.example\tIntel::DOMAIN\tzeek-feed\t-\n' >"$tmp/zeek.intel"
cat >"$tmp/misp.json" <<'EOF'
{"Event": {"info": "Spear-phishing wave", "uuid": "11111111-2222-3333-4444-555555555555",
 "threat_level_id": "1", "Orgc": {"name": "CERT-TEST"},
 "Tag": [{"name": "misp-galaxy:threat-actor=\"Twisted Panda\""}],
 "Attribute": [
  {"type": "domain", "value": "misp-evil.example", "to_ids": true, "uuid": "a1"},
  {"type": "ip-dst", "value": "192.0.2.55", "to_ids": true, "uuid": "a2"},
  {"type": "md5", "value": "0123456789abcdef0123456789abcdef", "to_ids": false, "uuid": "a3"},
  {"type": "regkey", "value": "HKLM\\Software\\Evil", "to_ids": true, "uuid": "a4"}
 ]}}
EOF
cat >"$tmp/stix.json" <<'EOF'
{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--1", "name": "C2 domain",
  "pattern": "[domain-name:value = 'stix-evil.example'] OR [ipv4-addr:value = '192.0.2.128/25']",
  "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--2", "name": "revoked",
  "pattern": "[domain-name:value = 'revoked.example']", "pattern_type": "stix",
  "valid_from": "2020-01-01T00:00:00Z", "revoked": true},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--3", "name": "regex",
  "pattern": "[url:value MATCHES '^http://.*']", "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z"}
]}
EOF

run check-csv intel check "$tmp/feed.csv"
if [[ $rc == 0 ]] && grep -qE 'Intel::DOMAIN +1$' "$tmp/check-csv.out" && grep -qE 'Intel::ADDR +1$' "$tmp/check-csv.out" &&
    grep -qE 'Intel::URL +1$' "$tmp/check-csv.out" && grep -qE 'duplicates +1$' "$tmp/check-csv.out" &&
    grep -q 'unknown type' "$tmp/check-csv.out" && grep -q '999.1.1.1' "$tmp/check-csv.out"; then
    pass check-csv
else
    fail check-csv "exit $rc: $(tr '\n' '|' <"$tmp/check-csv.out" | head -c 400)"
fi
run check-list intel check "$tmp/list.txt"
[[ $rc == 0 ]] && grep -qE 'Intel::SUBNET +1$' "$tmp/check-list.out" && grep -qE 'Intel::DOMAIN +2$' "$tmp/check-list.out" &&
    pass check-list || fail check-list "exit $rc: $(tr '\n' '|' <"$tmp/check-list.out" | head -c 400)"
run check-zeek intel check "$tmp/zeek.intel"
[[ $rc == 0 ]] && grep -qE 'Intel::ADDR +1$' "$tmp/check-zeek.out" && grep -q '1 zeek' "$tmp/check-zeek.out" &&
    pass check-zeek || fail check-zeek "exit $rc: $(tr '\n' '|' <"$tmp/check-zeek.out" | head -c 400)"
run check-misp intel check "$tmp/misp.json"
[[ $rc == 0 ]] && grep -qE 'not for detection +1 ' "$tmp/check-misp.out" && grep -qE 'unsupported +1$' "$tmp/check-misp.out" &&
    grep -q regkey "$tmp/check-misp.out" && pass check-misp || fail check-misp "exit $rc: $(tr '\n' '|' <"$tmp/check-misp.out" | head -c 400)"
run check-stix intel check "$tmp/stix.json"
[[ $rc == 0 ]] && grep -qE 'revoked +1$' "$tmp/check-stix.out" && grep -qE 'Intel::SUBNET +1$' "$tmp/check-stix.out" &&
    grep -q MATCHES "$tmp/check-stix.out" && pass check-stix || fail check-stix "exit $rc: $(tr '\n' '|' <"$tmp/check-stix.out" | head -c 400)"
mkdir -p "$tmp/feeddir"
cp "$tmp/feed.csv" "$tmp/list.txt" "$tmp/zeek.intel" "$tmp/misp.json" "$tmp/stix.json" "$tmp/feeddir/"
run check-dir intel check "$tmp/feeddir"
[[ $rc == 0 ]] && grep -q '^.*feeddir: 5 files' "$tmp/check-dir.out" && pass check-dir ||
    fail check-dir "exit $rc: $(head -n 1 "$tmp/check-dir.out")"

# --- intel check: bad feeds ---
expect_error check-missing 2 'no-such-feed' intel check "$tmp/no-such-feed.csv"
head -c 300000 /dev/urandom >"$tmp/garbage.bin"
expect_error check-garbage 2 'garbage.bin' intel check "$tmp/garbage.bin"
truncate -s 2G "$tmp/sparse-2g.bin"
start=$(date +%s)
expect_error check-2g-garbage 2 'sparse-2g.bin' intel check "$tmp/sparse-2g.bin"
(($(date +%s) - start <= 20)) && pass check-2g-quick || fail check-2g-quick "took $(($(date +%s) - start)) s"
rm -f "$tmp/sparse-2g.bin"
head -c 200 "$tmp/misp.json" >"$tmp/truncated.json"
run check-truncated-json intel check "$tmp/truncated.json"
((rc == 1 || rc == 2)) && [[ -s $tmp/check-truncated-json.out || -s $tmp/check-truncated-json.err ]] &&
    pass check-truncated-json || fail check-truncated-json "exit $rc"
: >"$tmp/empty.csv"
expect_error check-empty 2 'empty.csv' intel check "$tmp/empty.csv"
expect_error check-usage 2 'intel check' intel

# --- read/hunt argument errors ---
"$gen" intel "$tmp/intel.pcap" >/dev/null 2>&1 || "$gen" demo "$tmp/intel.pcap" >/dev/null 2>&1
expect_error read-intel-missing 2 'no-such-feed' read -q -o "$tmp/x" --intel "$tmp/no-such-feed" "$tmp/intel.pcap"
printf '10.0.0.1 203.0.113.9\nnot-an-address example.com beacon\n' >"$tmp/bad.allow"
expect_error read-allowlist-bad 2 'bad.allow:2' read -q -o "$tmp/x" --allowlist "$tmp/bad.allow" "$tmp/intel.pcap"
expect_error read-threshold-bad 2 'beacon-threshold' read -q -o "$tmp/x" --beacon-threshold 2 "$tmp/intel.pcap"
expect_error hunt-missing 2 'no-such-dir' hunt "$tmp/no-such-dir"
mkdir -p "$tmp/empty-dir"
expect_error hunt-empty-dir 2 'no log files' hunt "$tmp/empty-dir"
expect_error hunt-usage 2 'hunt needs' hunt

# --- read --intel then hunt over the logs in several shapes ---
if [[ -d $feeds ]]; then
    # every hit in intel.log (--intel-suppress 0), as hunt counts every row
    run read-intel read -q -o "$tmp/logs" --intel "$feeds" --intel-suppress 0 "$tmp/intel.pcap"
    n_alerts=$(grep -vc '^#' "$tmp/logs/intel.log" 2>/dev/null || echo 0)
    [[ $rc == 0 ]] && ((n_alerts > 0)) && grep -q '"event_type":"alert"' "$tmp/logs/eve.json" &&
        pass "read-intel ($n_alerts intel.log rows)" || fail read-intel "exit $rc, $n_alerts rows: $(head -c 200 "$tmp/read-intel.err")"
    run hunt-plain hunt -q -o "$tmp/hunt-plain" --no-behavior --intel "$feeds" "$tmp/logs"
    python3 tests/golden/compare_hunt.py intel "$tmp/logs" "$tmp/hunt-plain" >"$tmp/cmp-plain.out" 2>&1 &&
        pass "hunt-plain ($(tail -n 1 "$tmp/cmp-plain.out"))" || fail hunt-plain "$(tail -n 3 "$tmp/cmp-plain.out" | tr '\n' '|')"
    # gzip, rotated into daily folders as Zeek's log-archive does
    mkdir -p "$tmp/archive/2024-03-04"
    for f in "$tmp"/logs/*.log; do
        gzip -c "$f" >"$tmp/archive/2024-03-04/$(basename "$f" .log).00:00:00-23:59:59.log.gz"
    done
    cp "$tmp/logs/intel.log" "$tmp/archive-intel.log"
    run hunt-gz hunt -q -o "$tmp/hunt-gz" --no-behavior --intel "$feeds" "$tmp/archive"
    mkdir -p "$tmp/logs-gz-view" && cp "$tmp/logs/intel.log" "$tmp/logs-gz-view/"
    python3 tests/golden/compare_hunt.py intel "$tmp/logs-gz-view" "$tmp/hunt-gz" >"$tmp/cmp-gz.out" 2>&1 &&
        pass "hunt-gzip-rotated ($(tail -n 1 "$tmp/cmp-gz.out"))" || fail hunt-gzip-rotated "$(tail -n 3 "$tmp/cmp-gz.out" | tr '\n' '|')"
    # Zeek JSON logs
    run read-json read -q -o "$tmp/logs-json" --format json --intel "$feeds" --intel-suppress 0 "$tmp/intel.pcap"
    run hunt-json hunt -q -o "$tmp/hunt-json" --no-behavior --intel "$feeds" "$tmp/logs-json"
    python3 tests/golden/compare_hunt.py intel "$tmp/logs" "$tmp/hunt-json" >"$tmp/cmp-json.out" 2>&1 &&
        pass "hunt-zeek-json ($(tail -n 1 "$tmp/cmp-json.out"))" || fail hunt-zeek-json "$(tail -n 3 "$tmp/cmp-json.out" | tr '\n' '|')"
    # EVE only: every indicator type EVE carries is found again
    run read-eve read -q -o "$tmp/logs-eve" --format eve "$tmp/intel.pcap"
    run hunt-eve hunt -o "$tmp/hunt-eve" --no-behavior --intel "$feeds" "$tmp/logs-eve/eve.json"
    n_eve=$(grep -vc '^#' "$tmp/hunt-eve/sightings.log" 2>/dev/null || echo 0)
    [[ $rc == 0 ]] && ((n_eve > 5)) && pass "hunt-eve ($n_eve sightings)" || fail hunt-eve "exit $rc, $n_eve sightings"
    # a truncated gzip: read up to the damage, exit 1
    gzip -c "$tmp/logs/dns.log" | head -c 300 >"$tmp/broken-dns.log.gz"
    run hunt-truncated-gz hunt -q --no-behavior --intel "$feeds" "$tmp/broken-dns.log.gz" "$tmp/logs/conn.log"
    [[ $rc == 1 || $rc == 0 ]] && pass "hunt-truncated-gzip (exit $rc)" || fail hunt-truncated-gzip "exit $rc: $(head -c 200 "$tmp/hunt-truncated-gz.err")"
    # the report on stdout names the indicator, first/last seen and counts
    run hunt-report hunt --no-behavior --intel "$feeds" "$tmp/logs"
    grep -q 'sanctions-list.org' "$tmp/hunt-report.out" && grep -q 'indicator sightings' "$tmp/hunt-report.out" &&
        pass hunt-report || fail hunt-report "$(head -c 300 "$tmp/hunt-report.out")"
else
    echo "SKIP detect/read-intel (tests/golden/intel-feeds missing)"
fi

# --- behaviour detectors and the allow-list, on the demo capture's beacon ---
if "$gen" demo "$tmp/demo.pcap" >/dev/null 2>&1; then
    run read-beacon read -q -o "$tmp/demo-logs" "$tmp/demo.pcap"
    grep -qP '\tbeacon to address and name\t.*\tT1573\t' "$tmp/demo-logs/beacon.log" 2>/dev/null &&
        grep -q '"signature_id":9200000' "$tmp/demo-logs/eve.json" &&
        pass "read-beacon (beacon.log and an EVE alert)" || fail read-beacon "$(head -c 300 "$tmp/demo-logs/beacon.log" 2>/dev/null)"
    printf '# the implant is a known-good updater, say\n192.168.10.0/24  miniboxmail.com  beacon\n' >"$tmp/good.allow"
    run read-allowlisted read -q -o "$tmp/demo-allowed" --allowlist "$tmp/good.allow" "$tmp/demo.pcap"
    [[ $rc == 0 && ! -s $tmp/demo-allowed/beacon.log ]] && pass read-allowlisted ||
        fail read-allowlisted "exit $rc, $(grep -vc '^#' "$tmp/demo-allowed/beacon.log" 2>/dev/null) beacon rows"
    run hunt-allowlisted hunt -q -o "$tmp/demo-hunt-allowed" --allowlist "$tmp/good.allow" "$tmp/demo-logs"
    [[ $rc == 0 && ! -s $tmp/demo-hunt-allowed/beacon.log ]] && pass hunt-allowlisted ||
        fail hunt-allowlisted "exit $rc: $(head -c 200 "$tmp/hunt-allowlisted.err")"
    run read-no-behavior read -q -o "$tmp/demo-nob" --no-behavior "$tmp/demo.pcap"
    [[ $rc == 0 && ! -e $tmp/demo-nob/beacon.log ]] && pass read-no-behavior || fail read-no-behavior "exit $rc"
    printf 'timing\t0.5\nhours\t2\n' >"$tmp/bad-weights.tsv"
    expect_error beacon-weights-bad 2 'bad-weights.tsv:2' read -q -o "$tmp/x" --beacon-weights "$tmp/bad-weights.tsv" \
        "$tmp/demo.pcap"
    # the shipped file with its request bands crossed: refused, naming both settings
    sed 's/^request_share_low\t0\.30/request_share_low\t0.70/' "$repo/data/beacon_weights.tsv" >"$tmp/crossed-weights.tsv"
    expect_error beacon-weights-crossed 2 'request_share_low must be below request_share_high' read -q -o "$tmp/x" \
        --beacon-weights "$tmp/crossed-weights.tsv" "$tmp/demo.pcap"

    # --- intel validity and repeated hits, on the demo's beacon to cloud-sync.miniboxmail.com ---
    # An indicator published after the traffic (valid_from 2030): a retro-hunt reports it, saying so.
    cat >"$tmp/retro.json" <<'EOF2'
{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--1", "name": "C2 published later",
  "pattern": "[domain-name:value = 'miniboxmail.com']", "pattern_type": "stix", "valid_from": "2030-01-01T00:00:00Z"}]}
EOF2
    run retro-hunt hunt -o "$tmp/retro-hunt" --no-behavior --intel "$tmp/retro.json" "$tmp/demo-logs"
    [[ $rc == 0 ]] && grep -qP '\tminiboxmail.com\t.*\tbefore_valid_from$' "$tmp/retro-hunt/sightings.log" &&
        grep -q 'before_valid_from' "$tmp/retro-hunt.out" && pass retro-hunt ||
        fail retro-hunt "exit $rc: $(grep -v '^#' "$tmp/retro-hunt/sightings.log" 2>/dev/null | head -c 300)"
    run retro-hunt-strict hunt -o "$tmp/retro-strict" --no-behavior --intel-strict-validity --intel "$tmp/retro.json" \
        "$tmp/demo-logs"
    [[ $rc == 0 && ! -s $tmp/retro-strict/sightings.log ]] && pass retro-hunt-strict ||
        fail retro-hunt-strict "exit $rc: --intel-strict-validity still reports the future indicator"
    # vigil read: the first sighting from the host alerts (intel.log, EVE), the repeats are one summary
    run retro-read read -q -o "$tmp/retro-read" --no-behavior --intel "$tmp/retro.json" "$tmp/demo.pcap"
    n_rows=$(grep -vc '^#' "$tmp/retro-read/intel.log" 2>/dev/null)
    n_alerts=$(grep -c '"validity":\["before_valid_from"\]' "$tmp/retro-read/eve.json" 2>/dev/null)
    [[ $rc == 0 && $n_rows == 1 && $n_alerts == 1 ]] && grep -qP '\tbefore_valid_from$' "$tmp/retro-read/intel.log" &&
        grep -qP '\tcloud-sync.miniboxmail.com\t[^\t]+\t[0-9]+\t.*\tbefore_valid_from$' "$tmp/retro-read/sightings.log" &&
        pass "retro-read-suppressed (1 alert, 1 summary)" ||
        fail retro-read-suppressed "exit $rc, $n_rows intel.log rows, $n_alerts EVE alerts"
    run retro-read-every read -q -o "$tmp/retro-every" --no-behavior --intel-suppress 0 --intel "$tmp/retro.json" \
        "$tmp/demo.pcap"
    n_every=$(grep -vc '^#' "$tmp/retro-every/intel.log" 2>/dev/null)
    [[ $rc == 0 ]] && ((n_every > 10)) && [[ ! -e $tmp/retro-every/sightings.log ]] &&
        pass "retro-read-every-hit ($n_every intel.log rows)" || fail retro-read-every-hit "exit $rc, $n_every rows"
fi

# --- lateral movement: the thresholds of the policy file (--lateral-thresholds is --lateral-policy's
# older name), and the Kerberoasting client flagged with 2 workers too ---
"$gen" kerberos "$tmp/kerberos.pcap" >/dev/null 2>&1
sed 's/^threshold\tkerberoast_services\t10$/threshold\tkerberoast_services\tmany/' \
    "$repo/data/lateral_movement.tsv" >"$tmp/bad-lateral.tsv"
expect_error lateral-bad-thresholds 2 "bad value for 'kerberoast_services'" \
    read -q -o "$tmp/lat-bad" --lateral-thresholds "$tmp/bad-lateral.tsv" "$tmp/kerberos.pcap"
expect_error lateral-missing-thresholds 2 "no-such-lateral.tsv" \
    read -q -o "$tmp/lat-missing" --lateral-policy "$tmp/no-such-lateral.tsv" "$tmp/kerberos.pcap"
sed 's/^threshold\tkerberoast_services\t10$/threshold\tkerberoast_services\t30/' \
    "$repo/data/lateral_movement.tsv" >"$tmp/lenient.tsv"
run lateral-lenient read -q -o "$tmp/lat-lenient" --lateral-policy "$tmp/lenient.tsv" "$tmp/kerberos.pcap"
[[ $rc == 0 ]] && ! grep -q Kerberoasting "$tmp/lat-lenient/notice.log" && grep -q ASREP_Roasting "$tmp/lat-lenient/notice.log" &&
    pass lateral-lenient || fail lateral-lenient "exit $rc: a threshold of 30 services must not flag 20"
run lateral-workers read -q -o "$tmp/lat-w2" --workers 2 "$tmp/kerberos.pcap"
[[ $rc == 0 ]] && grep -q Vigil::Kerberoasting "$tmp/lat-w2/notice.log" && pass lateral-workers ||
    fail lateral-workers "exit $rc: no Kerberoasting notice with 2 workers"

# --- short-capture detections: the thresholds file, and the same notices with 2 workers ---
"$gen" short-capture "$tmp/short.pcap" >/dev/null 2>&1
printf 'icmp_varying_share\t1.5\n' >"$tmp/bad-short.tsv"
expect_error short-bad-thresholds 2 "bad-short.tsv:1: bad value for 'icmp_varying_share'" \
    read -q -o "$tmp/short-bad" --short-thresholds "$tmp/bad-short.tsv" "$tmp/short.pcap"
sed 's/^icmp_min_requests\t20/icmp_min_requests\t1000/' "$repo/data/short_capture.tsv" >"$tmp/short-strict.tsv"
run short-workers read -q -o "$tmp/short-w2" --workers 2 --short-thresholds "$tmp/short-strict.tsv" "$tmp/short.pcap"
notes=$(grep -v '^#' "$tmp/short-w2/notice.log" 2>/dev/null | cut -f 3,11 | sort | tr '\t\n' ' ')
[[ $rc == 0 && $notes == "10.50.0.31 Vigil::DNS_Tunnel 10.50.0.32 Vigil::DNS_Tunnel 10.50.0.41 Vigil::DGA_Burst 10.50.0.51 Vigil::DNS_TXT_Channel " ]] &&
    pass short-workers || fail short-workers "exit $rc: notices '$notes' (no ICMP tunnel under 1000 requests; the DNS ones as with one worker)"

echo "detect: $failures failed"
((failures == 0))
