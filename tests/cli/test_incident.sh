#!/usr/bin/env bash
# Incidents from the command line: `vigil report` over hand-made logs of
# every alert source (notice names of the phishing/document/device
# detectors, intel-style findings, Suricata alerts with CVE metadata),
# the block files checked by the tools that load them, report.html in
# headless Chromium, bad input (missing columns, unknown fields, damaged
# lines, a bad map); millions of alerts are test_incident_many.sh's.
# VIGIL names the binary (run-tests passes the ASan build).
# Prints PASS/FAIL/SKIP per check; exits 1 if any failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
vigil=${VIGIL:-$repo/build/release/vigil}
[[ $vigil == /* ]] || vigil=$repo/$vigil
check=$repo/tests/cli/check_incident.py
export TZ=UTC
export VIGIL_DATA_DIR=$repo

tmp=$(mktemp -d /tmp/vigil-incident.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/cli/incident_logs.sh
source "$repo/tests/cli/incident_logs.sh"
# shellcheck source=tests/cli/html_check.sh
source "$repo/tests/cli/html_check.sh"
# shellcheck source=tests/cli/block_check.sh
source "$repo/tests/cli/block_check.sh"

failures=0
pass() { echo "PASS incident/$1"; }
fail() { echo "FAIL incident/$1${2:+ ($2)}"; failures=$((failures + 1)); }
skip() { echo "SKIP incident/$1 ($2)"; }

# expect_same NAME EXPECTED ACTUAL_FILE
expect_same() {
    if [[ $(cat "$3") == "$2" ]]; then pass "$1"; else fail "$1" "got: $(tr '\n' '|' <"$3")"; fi
}

write_incident_logs "$tmp/logs"
"$vigil" report "$tmp/logs" -o "$tmp/out" >"$tmp/report.out" 2>"$tmp/report.err"
rc=$?
[[ $rc == 0 ]] && pass report-runs || fail report-runs "exit $rc: $(head -c 300 "$tmp/report.err")"

expected='10.1.1.5 critical delivery,installation,command_and_control,actions_on_objectives 5 INC-0001
10.1.1.9 high exploitation,command_and_control 3 INC-0002'
python3 "$check" incidents "$tmp/out" >"$tmp/inc.txt" 2>&1
expect_same incident-log "$expected" "$tmp/inc.txt"
python3 "$check" eve "$tmp/out" >"$tmp/eve.txt" 2>&1
expect_same eve-incident "$expected" "$tmp/eve.txt"
if grep -q "10.1.1.2[0-9]\|10.1.1.3[0-9]\|10.1.1.4[0-5]" "$tmp/inc.txt"; then fail benign-hosts-none; else pass benign-hosts-none; fi
if grep -q '^incidents: 2 (critical 1, high 1, medium 0, low 0)$' "$tmp/report.out" &&
    grep -q '^  INC-0001 critical 10.1.1.5 .*stages: delivery installation' "$tmp/report.out"; then
    pass terminal-summary
else
    fail terminal-summary "$(head -c 300 "$tmp/report.out")"
fi
if grep -q "1 duplicates skipped" "$tmp/report.err"; then pass vigil-eve-duplicate-skipped; else fail vigil-eve-duplicate-skipped; fi
# linking rules visible in the evidence
if grep -q '"link":"template"' "$tmp/out/eve.json" && grep -q '"link":"dns_answer"' "$tmp/out/eve.json"; then
    pass linking-rules
else
    fail linking-rules
fi

"$vigil" report "$tmp/logs" -o "$tmp/json" --format json -q >/dev/null 2>&1
python3 "$check" incidents "$tmp/json" >"$tmp/json.txt" 2>&1
expect_same incident-log-json "$expected" "$tmp/json.txt"

# --- block files, checked by the tools that load them ---
b=$tmp/out/block
if python3 "$check" block "$b" >"$tmp/block.txt" 2>&1; then pass block-agree; else fail block-agree "$(tail -1 "$tmp/block.txt")"; fi
expected_block='address 192.0.2.77
address 198.18.7.7
address 203.0.113.66
address 203.0.113.80
name c2.evil-docs.example
name tpl.evil-docs.example
hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
expect_same block-content "$expected_block" "$tmp/block.txt"
block_check block "$b" 4 2 1
# ... and beside the shipped rules: no sid of theirs is taken
shared=$(comm -12 <(grep -oh 'sid:[0-9]*' "$repo"/rules/*.rules | sort -u) <(grep -o 'sid:[0-9]*' "$b/block.rules" | sort -u))
if [[ -z $shared ]]; then pass block-rules-sids-apart; else fail block-rules-sids-apart "$(echo $shared)"; fi

# --- what never enters a block list ---
wl=$tmp/guard
write_incident_logs "$wl"
{
    tsv_header notice ts uid id.orig_h id.orig_p id.resp_h id.resp_p note msg
    printf '%s\tCg1\t10.1.1.30\t5000\t93.184.216.34\t443\tVigil::Device_Calls_Out\tpopular destination\n' $((T0 + 900))
    printf '%s\tCg2\t10.1.1.30\t5000\t10.1.1.53\t53\tVigil::Device_Calls_Out\tthe local resolver\n' $((T0 + 901))
    printf '%s\tCg3\t10.1.1.30\t5000\t10.1.1.77\t445\tVigil::Device_Calls_Out\tan internal address\n' $((T0 + 902))
} >"$wl/notice2.log"
{
    # a tunnel's single-label name is no domain for an RPZ zone, MISP or STIX
    tsv_header tunnel_dns ts uid src reason score attack first_seen last_seen dst dst_port proto name
    printf '%s\t-\t10.1.1.31\tDNS tunnel\t0.9\tT1071.004\t%s\t%s\t198.51.100.53\t53\tudp\tdnscat\n' $((T0 + 903)) $((T0 + 903)) $((T0 + 903))
} >"$wl/tunnel_dns.log"
"$vigil" report "$wl" -o "$tmp/guard-out" -q >/dev/null 2>&1
if python3 "$check" block "$tmp/guard-out/block" >"$tmp/guard.txt" 2>&1 &&
    ! grep -q '93.184.216.34\|10.1.1.53\|10.1.1.77' "$tmp/guard.txt" &&
    grep -q '^93.184.216.34	INC-0003	used by many internal hosts' "$tmp/guard-out/block/excluded.txt" &&
    grep -q '^10.1.1.53	INC-0003	internal address' "$tmp/guard-out/block/excluded.txt" &&
    grep -q '^dnscat	INC-[0-9]*	not a domain name$' "$tmp/guard-out/block/excluded.txt" && ! grep -q dnscat "$tmp/guard.txt"; then
    pass block-guards
else
    fail block-guards "$(tr '\n' '|' <"$tmp/guard-out/block/excluded.txt" | head -c 300)"
fi
printf '*\t203.0.113.66\n*\tevil-docs.example\n' >"$tmp/allow.txt"
"$vigil" report "$wl" -o "$tmp/force-out" -q --force-block --allowlist "$tmp/allow.txt" >/dev/null 2>&1
if python3 "$check" block "$tmp/force-out/block" >"$tmp/force.txt" 2>&1 &&
    grep -q '^address 93.184.216.34$' "$tmp/force.txt" && grep -q '^address 10.1.1.77$' "$tmp/force.txt" &&
    ! grep -q '203.0.113.66\|evil-docs.example' "$tmp/force.txt"; then
    pass block-force-and-allowlist
else
    fail block-force-and-allowlist "$(tr '\n' '|' <"$tmp/force.txt")"
fi

# --- a judged document's remote template, as the document detector writes it: notice.log names the
# file by fuid only, files.log holds its reasons and indicators (Zeek side); Vigil's EVE alert alone
# carries them in its metadata (an EVE-only run) ---
doc=$tmp/doc
mkdir -p "$doc/zeek" "$doc/eve"
hash_a=$(printf 'a%.0s' {1..64}) hash_b=$(printf 'b%.0s' {1..64})
{
    tsv_header notice ts uid id.orig_h id.orig_p id.resp_h id.resp_p fuid note msg
    printf '%s\tCm1\t198.51.100.25\t52525\t10.4.0.5\t25\tFd1\tVigil::Malicious_Document\tmalicious ooxml a.docx\n' $((T0 + 10))
    printf '%s\tCm1\t198.51.100.25\t52525\t10.4.0.6\t25\tFd2\tVigil::Malicious_Document\tmalicious ooxml b.docx\n' $((T0 + 10))
} >"$doc/zeek/notice.log"
{
    tsv_header files ts fuid uid sha256 doc_verdict doc_reasons doc_indicators
    printf '#types\ttime\tstring\tstring\tstring\tstring\tset[string]\tset[string]\n'
    printf '%s\tFd1\tCm1\t%s\tmalicious\tvba-macro,remote-template\thttp://Tpl.Lure.example:8080/t.dotm,https://10.9.9.9/x.bin\n' $((T0 + 10)) "$hash_a"
    # an external link, not a template: its host's fetch is not linked
    printf '%s\tFd2\tCm1\t%s\tmalicious\texternal-link\thttp://tpl.lure.example/t.dotm\n' $((T0 + 10)) "$hash_b"
} >"$doc/zeek/files.log"
http_rows() {
    tsv_header http ts uid id.orig_h id.resp_h host uri
    printf '%s\tCh1\t10.4.0.5\t203.0.113.81\ttpl.lure.example\t/t.dotm\n' $((T0 + 60))
    printf '%s\tCh2\t10.4.0.6\t203.0.113.81\ttpl.lure.example\t/t.dotm\n' $((T0 + 61))
}
http_rows >"$doc/zeek/http.log"
http_rows >"$doc/eve/http.log"
printf '{"timestamp":"2023-11-14T22:13:30.000000+0000","event_type":"alert","src_ip":"198.51.100.25","dest_ip":"10.4.0.5","alert":{"signature_id":9300003,"signature":"VIGIL DOCUMENT malicious document or file","category":"A Network Trojan was detected","metadata":{"attack_technique":["T1566.001","T1221"],"sha256":["%s"],"reason":["remote-template"],"indicator":["http://tpl.lure.example/t.dotm"]}}}\n' \
    "$hash_a" >"$doc/eve/eve.json"
for side in zeek eve; do
    "$vigil" report "$doc/$side" -o "$tmp/doc-$side" -q >/dev/null 2>"$tmp/doc-$side.err"
    python3 "$check" incidents "$tmp/doc-$side" >"$tmp/doc-$side.txt" 2>&1
    if grep -q '^10.4.0.5 [a-z]* delivery,installation 2 ' "$tmp/doc-$side.txt" &&
        grep -q '"link":"template"' "$tmp/doc-$side/eve.json" &&
        grep -q "$hash_a" "$tmp/doc-$side/incident.log" &&
        { [[ $side == eve ]] || grep -q '^10.4.0.6 [a-z]* delivery 1 ' "$tmp/doc-$side.txt"; }; then
        pass "document-template-$side"
    else
        fail "document-template-$side" "$(tr '\n' '|' <"$tmp/doc-$side.txt") $(head -c 200 "$tmp/doc-$side.err")"
    fi
done

# --- report.html in headless Chromium ---
html_check html "$tmp/out" "" INC-0001 INC-0002

# --- bad input ---
bad=$tmp/bad
mkdir -p "$bad"
{
    # a notice log with most columns missing, and one row torn
    printf '#separator \\x09\n#path\tnotice\n#fields\tts\tnote\tsrc\n'
    printf '%s\tVigil::Device_Calls_Out\t10.2.0.9\n' $((T0 + 5))
    printf '%s\tVigil::Device_Calls_Out\n' $((T0 + 6))
} >"$bad/notice.log"
{
    printf '{"timestamp":"2023-11-14T22:30:00.000000+0000","event_type":"alert","alert":{"signature_id":1,"category":"Web Application Attack","extra":[{"a":{}}]},"src_ip":"198.51.100.1","dest_ip":"10.2.0.10"}\n'
    printf '{"timestamp":"2023-11-14T22:30:00.000000+0000","event_type":"alert","alert":{broken\n'
} >"$bad/eve.json"
"$vigil" report "$bad" -o "$tmp/bad-out" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
python3 "$check" incidents "$tmp/bad-out" >"$tmp/bad.txt" 2>&1
if [[ $rc == 1 ]] && grep -q '2 damaged lines' "$tmp/bad.err" &&
    grep -q '^10.2.0.9 medium command_and_control 1' "$tmp/bad.txt" &&
    grep -q '^10.2.0.10 medium exploitation 1' "$tmp/bad.txt"; then
    pass bad-missing-columns-unknown-fields
else
    fail bad-missing-columns-unknown-fields "exit $rc: $(tr '\n' '|' <"$tmp/bad.err" | head -c 300)"
fi
expect_error() { # NAME PATTERN ARGS...
    local name=$1 pattern=$2
    shift 2
    "$vigil" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$? lines
    lines=$(wc -l <"$tmp/$name.err")
    if [[ $rc == 2 && $lines == 1 ]] && grep -qE -- "$pattern" "$tmp/$name.err"; then
        pass "$name"
    else
        fail "$name" "exit $rc, $lines lines: $(head -c 200 "$tmp/$name.err")"
    fi
}
expect_error missing-input 'no-such' report "$tmp/no-such" -o "$tmp/x"
expect_error no-input 'needs at least one' report -o "$tmp/x"
printf 'notice X nowhere t\n' >"$tmp/bad.map"
expect_error bad-map 'bad.map:1: unknown stage' report "$tmp/logs" -o "$tmp/x" --killchain "$tmp/bad.map"
expect_error bad-popular 'popular-hosts' report "$tmp/logs" -o "$tmp/x" --popular-hosts 0
expect_error bad-allowlist 'nope' report "$tmp/logs" -o "$tmp/x" --allowlist "$tmp/nope"

exit $((failures > 0))
