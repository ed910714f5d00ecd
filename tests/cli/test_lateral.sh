#!/usr/bin/env bash
# Lateral movement over SMB/DCE-RPC (issue 14): --domain-controllers and
# --lateral-policy, the detector off with --no-behavior, and the same
# findings with two workers. The smb scenario's logs are pinned by the
# golden test; this checks what the options change.
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=lateral
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

if [[ ! -x $vigil || ! -x $gen ]]; then
    echo "FAIL lateral ($vigil or $gen not built)"
    exit 1
fi
"$gen" smb "$tmp/smb.pcap" >/dev/null || { echo "FAIL lateral (vigil-gen smb)"; exit 1; }

notes() { grep -v '^#' "$1/notice.log" 2>/dev/null | cut -f11 | LC_ALL=C sort | tr '\n' ' '; }

run default read -q -o "$tmp/default" "$tmp/smb.pcap"
check default-alerts test "$(notes "$tmp/default")" = \
    "Vigil::DCSync Vigil::Remote_Service_Execution Vigil::Zerologon_Attempt "

# a host given as a domain controller: its replication is not DCSync
run given read -q -o "$tmp/given" --domain-controllers 10.1.1.9,10.1.1.50 "$tmp/smb.pcap"
check given-dc-no-dcsync test "$(notes "$tmp/given")" = "Vigil::Remote_Service_Execution Vigil::Zerologon_Attempt "

expect_error bad-dc 2 "domain-controllers: 'host1' is not an IP address" \
    read -q -o "$tmp/bad" --domain-controllers 10.1.1.9,host1 "$tmp/smb.pcap"
too_many=$(for i in $(seq 0 4096); do printf '10.%d.%d.1,' $((i / 256)) $((i % 256)); done)
expect_error too-many-dc 2 "domain-controllers: more than 4096 addresses, or out of memory, at '10.16.0.1'" \
    read -q -o "$tmp/bad" --domain-controllers "${too_many%,}" "$tmp/smb.pcap"

# the policy is data: a Zerologon threshold above the burst raises none
sed 's/^threshold\tzerologon_calls\t20$/threshold\tzerologon_calls\t500/' data/lateral_movement.tsv >"$tmp/policy.tsv"
run policy read -q -o "$tmp/policy" --lateral-policy "$tmp/policy.tsv" "$tmp/smb.pcap"
check policy-threshold test "$(notes "$tmp/policy")" = "Vigil::DCSync Vigil::Remote_Service_Execution "

# the whole policy with one value broken: the error names its file and line
sed 's/^threshold\tzerologon_calls\t20$/threshold\tzerologon_calls\tmany/' data/lateral_movement.tsv >"$tmp/broken.tsv"
broken_line=$(grep -n "zerologon_calls"$'\t'"many" "$tmp/broken.tsv" | cut -d: -f1)
expect_error policy-broken 2 "broken.tsv:$broken_line: " read -q -o "$tmp/broken" --lateral-policy "$tmp/broken.tsv" "$tmp/smb.pcap"
expect_error policy-missing 2 "nowhere.tsv: No such file" read -q -o "$tmp/missing" --lateral-policy "$tmp/nowhere.tsv" \
    "$tmp/smb.pcap"

run off read -q -o "$tmp/off" --no-behavior "$tmp/smb.pcap"
check no-behavior-no-alerts test ! -e "$tmp/off/notice.log"
check logs-without-detectors test -s "$tmp/off/dce_rpc.log"

run workers read -q -o "$tmp/workers" --workers 2 "$tmp/smb.pcap"
check two-workers test "$(notes "$tmp/workers")" = "$(notes "$tmp/default")"

exit $((failures > 0))
