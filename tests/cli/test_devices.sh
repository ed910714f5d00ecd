#!/usr/bin/env bash
# The device inventory from the command line: hostile input (malformed
# DHCP options, an mDNS name loop, an SSDP datagram full of headers, a
# 100 MB UPnP description) is bounded and does not crash; bad data files
# and options are one-line errors; the exploit captures carry each
# published request. VIGIL and VIGIL_GEN name the binaries (run-tests
# passes the ASan build). Prints PASS/FAIL per check; exits 1 if any failed.
prefix=devices
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

# The final record of the device with this key, as "field=value" lines.
final_of() {
    awk -F'\t' -v key="$2" '
        /^#fields/ { for (i = 2; i <= NF; i++) name[i - 1] = $i; next }
        /^#/ { next }
        $2 == "final" && $3 == key { for (i = 1; i <= NF; i++) print name[i] "=" $i }' "$1/assets.log"
}

# --- hostile input: bounded memory, no crash, the inventory still written ---
"$gen" devices-hostile "$tmp/hostile.pcap" >/dev/null 2>&1 || fail hostile-gen "vigil-gen failed"
if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f "%M" -o "$tmp/rss" "$vigil" read -q --devices --no-behavior -o "$tmp/hostile" "$tmp/hostile.pcap" \
        >"$tmp/hostile.out" 2>&1
    rc=$?
    rss=$(tail -n 1 "$tmp/rss")
else
    "$vigil" read -q --devices --no-behavior -o "$tmp/hostile" "$tmp/hostile.pcap" >"$tmp/hostile.out" 2>&1
    rc=$?
    rss=0
fi
if [[ $rc == 0 && -s $tmp/hostile/assets.log ]]; then pass hostile-no-crash; else fail hostile-no-crash "exit $rc"; fi
# ASan's shadow memory counts in the RSS: the bound is loose, the 100 MB body must not be in it.
if ((rss < 400000)); then pass hostile-bounded-memory; else fail hostile-bounded-memory "max RSS ${rss} kB"; fi
if grep -q SSDP_too_many_headers "$tmp/hostile/weird.log"; then pass ssdp-header-cap; else fail ssdp-header-cap; fi
if grep -q DHCP_option_len_gt_pkt "$tmp/hostile/weird.log"; then pass dhcp-truncated-weird; else fail dhcp-truncated-weird; fi
if grep -q DNS_label_forward_compress_offset "$tmp/hostile/weird.log"; then
    pass mdns-name-loop-weird
else
    fail mdns-name-loop-weird
fi
# the 100 MB description went by whole (http.log counts it) without being held
if grep -v '^#' "$tmp/hostile/http.log" | grep -qP '\t104857600\t'; then pass upnp-huge-seen; else fail upnp-huge-seen; fi
# the SERVER header past the cap was not read
if final_of "$tmp/hostile" 08:ed:ed:10:00:21 | grep -q '^hints=(empty)$'; then
    pass ssdp-header-cap-no-hint
else
    fail ssdp-header-cap-no-hint "$(final_of "$tmp/hostile" 08:ed:ed:10:00:21 | grep hints)"
fi
# control bytes of a DHCP option never reach the log raw
if final_of "$tmp/hostile" 44:47:cc:66:66:01 | grep -q '^dhcp_vendor_class=????$'; then
    pass dhcp-malformed-options
else
    fail dhcp-malformed-options "$(final_of "$tmp/hostile" 44:47:cc:66:66:01 | head -c 300)"
fi

# --- the inventory of the device network, in JSON too ---
"$gen" devices "$tmp/devices.pcap" >/dev/null 2>&1
"$vigil" read -q --devices --no-behavior --format json -o "$tmp/json" "$tmp/devices.pcap" >/dev/null 2>&1
if python3 - "$tmp/json/assets.log" <<'PY'; then pass assets-json; else fail assets-json; fi
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
final = {r["key"]: r for r in rows if r["event"] == "final"}
cam = final["44:47:cc:10:00:20"]
assert cam["device_type"] == "camera" and "Hikvision" in cam["vendor"], cam
assert cam["risk"] == "hikvision/covered", cam
assert final["30:fb:b8:10:00:01"]["gateway"] is True
assert final["5a:11:22:33:44:42"]["local_admin"] is True
assert final["34:36:3b:10:00:41"]["host_name"] == "bobs-macbook"
PY

# --- vigil assets: the table from the stored logs, TSV and JSON ---
"$vigil" read -q --devices --no-behavior --format zeek -o "$tmp/tsv" "$tmp/devices.pcap" >/dev/null 2>&1
"$vigil" assets "$tmp/tsv" >"$tmp/table.txt" 2>"$tmp/table.err"
rc=$?
if [[ $rc == 0 ]] && [[ $(wc -l <"$tmp/table.txt") == 9 ]] &&
    grep -qP '^44:47:cc:10:00:20\tHangzhou Hikvision[^\t]*\t192.168.50.20,192.168.50.50\t-\tcamera\t' "$tmp/table.txt"; then
    pass assets-table
else
    fail assets-table "exit $rc: $(head -c 300 "$tmp/table.txt") $(head -c 200 "$tmp/table.err")"
fi
"$vigil" assets --json "$tmp/json" >"$tmp/table.json" 2>/dev/null
if python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = [r["key"] for r in rows]
assert len(rows) == 8 and keys == sorted(keys), keys
assert any(r.get("host_name") == "ALICE-PC" for r in rows)
' "$tmp/table.json"; then pass assets-json-table; else fail assets-json-table; fi
expect_error assets-no-path 2 'assets needs at least one' assets
expect_error assets-missing 2 'nope' assets "$tmp/nope"

# --- bad data files and options ---
printf 'acme\tcovered\n' >"$tmp/bad-policy.tsv"
expect_error bad-vendor-policy 2 'bad-policy.tsv:1: expected group' read --vendor-policy "$tmp/bad-policy.tsv" \
    -o "$tmp/o1" "$tmp/devices.pcap"
expect_error missing-vendor-policy 2 'nope.tsv: cannot open the vendor policy' read --vendor-policy "$tmp/nope.tsv" \
    -o "$tmp/o2" "$tmp/devices.pcap"
expect_error missing-ieee-data 2 'no IEEE registry' read --ieee-data "$tmp" -o "$tmp/o3" "$tmp/devices.pcap"
printf '10.0.0.0/8\nnot-an-address\n' >"$tmp/allow.txt"
expect_error bad-device-allow 2 'allow.txt:2: not an address' read --device-allow "$tmp/allow.txt" \
    -o "$tmp/o4" "$tmp/devices.pcap"
expect_error missing-fingerprints 2 'nope.tsv: cannot open fingerprint file' read --fingerprints "$tmp/nope.tsv" \
    -o "$tmp/o5" "$tmp/devices.pcap"

# --- device alerts: the camera calling out is flagged, NTP is not ---
"$vigil" read -q --devices --no-behavior -o "$tmp/alerts" "$tmp/devices.pcap" >/dev/null 2>&1
notices=$(grep -v '^#' "$tmp/alerts/notice.log" 2>/dev/null | cut -f11,12)
check_notice() {
    local name=$1 pattern=$2 want=$3 got
    got=$(grep -cE -- "$pattern" <<<"$notices")
    if [[ $got == "$want" ]]; then pass "$name"; else fail "$name" "$got notices match '$pattern', want $want"; fi
}
check_notice calls-out-external 'Vigil::Device_Calls_Out.*192.168.50.20 -> 45.33.32.156:9000/tcp' 1
check_notice ntp-not-flagged 'Device_Calls_Out.*162.159.200.1' 0
check_notice reached-from-outside 'Vigil::Device_Reached_From_Outside.*192.168.50.30 <- 185.220.101.7' 1
check_notice vendor-changed 'Vigil::Device_Vendor_Changed.*192.168.50.50' 1
check_notice risky-vendors 'Vigil::Risky_Vendor' 4
check_notice pc-not-flagged 'Device_Calls_Out.*192.168.50.40' 0
if grep '"signature_id":9700002' "$tmp/alerts/eve.json" | grep -q '"context":{"asset":{"key":"44:47:cc:10:00:20"'; then
    pass alert-carries-record
else
    fail alert-carries-record
fi

# --- an allowed destination silences the call out ---
echo "45.33.32.0/24" >"$tmp/allow-ok.txt"
"$vigil" read -q --devices --no-behavior --device-allow "$tmp/allow-ok.txt" -o "$tmp/allowed" "$tmp/devices.pcap" \
    >/dev/null 2>&1
if grep -q 'Device_Calls_Out' "$tmp/allowed/eve.json" 2>/dev/null; then
    fail device-allow "the allowed destination still raised Device_Calls_Out"
else
    pass device-allow
fi

# --- the exploit capture carries each published request ---
"$gen" iot-exploits "$tmp/iot.pcap" >/dev/null 2>&1
"$vigil" read -q --no-behavior -o "$tmp/iot" "$tmp/iot.pcap" >/dev/null 2>&1
for uri in /SDK/webLanguage '/Security/users?auth=YWRtaW46MTEK' /RPC2_Login /ctrlt/DeviceUpgrade_1; do
    if grep -qF -- "$uri" "$tmp/iot/http.log"; then pass "exploit-request $uri"; else fail "exploit-request $uri"; fi
done

# --- the device rules load by default: each exploit and factory login once ---
alerts_of() { grep -v '^#' "$1/notice.log" 2>/dev/null | grep -c 'VIGIL \(EXPLOIT\|POLICY\)'; }
n=$(alerts_of "$tmp/iot")
if [[ $n == 9 ]] && grep -q 'CVE-2021-36260.*/rules/devices.rules:' "$tmp/iot/notice.log"; then
    pass default-rules
else
    fail default-rules "$n alerts, want 9"
fi
"$vigil" read -q --no-behavior --no-default-rules -o "$tmp/iot-off" "$tmp/iot.pcap" >/dev/null 2>&1
n=$(alerts_of "$tmp/iot-off")
if [[ $n == 0 ]]; then pass no-default-rules; else fail no-default-rules "$n alerts, want 0"; fi
# named again with --rules (the file, or its folder): loaded once
for again in rules/devices.rules rules; do
    "$vigil" read -q --no-behavior --rules "$repo/$again" -o "$tmp/iot-again" "$tmp/iot.pcap" >/dev/null 2>&1
    n=$(alerts_of "$tmp/iot-again")
    if [[ $n == 9 ]]; then pass "default-rules-once $again"; else fail "default-rules-once $again" "$n alerts"; fi
    rm -rf "$tmp/iot-again"
done
# --default-rules replaces them
echo 'alert http any any -> any any (msg:"VIGIL POLICY own default"; http.uri; content:"/RPC2_Login"; sid:1;)' \
    >"$tmp/own.rules"
"$vigil" read -q --no-behavior --default-rules "$tmp/own.rules" -o "$tmp/iot-own" "$tmp/iot.pcap" >/dev/null 2>&1
if [[ $(alerts_of "$tmp/iot-own") == 3 ]] && ! grep -q CVE- "$tmp/iot-own/notice.log"; then
    pass default-rules-replaced
else
    fail default-rules-replaced "$(alerts_of "$tmp/iot-own") alerts"
fi
expect_error default-rules-missing 2 'nope.rules' read --default-rules "$tmp/nope.rules" -o "$tmp/o6" "$tmp/iot.pcap"

# --- a replaced behaviour policy: nothing watched, nothing flagged ---
grep -v '^watch' "$repo/data/devices/device_behaviour.tsv" >"$tmp/unwatched.tsv"
"$vigil" read -q --no-behavior --devices --device-behaviour "$tmp/unwatched.tsv" -o "$tmp/unwatched" \
    "$tmp/devices.pcap" >/dev/null 2>&1
if grep -q 'Vigil::Risky_Vendor' "$tmp/unwatched/notice.log" && ! grep -q 'Vigil::Device_Calls_Out' "$tmp/unwatched/notice.log"; then
    pass device-behaviour-replaced
else
    fail device-behaviour-replaced
fi
printf 'watch\tcamera\n' >"$tmp/bad-behaviour.tsv"
expect_error bad-device-behaviour 2 'bad-behaviour.tsv: gateway_type.*must all be given' read \
    --device-behaviour "$tmp/bad-behaviour.tsv" -o "$tmp/o7" "$tmp/devices.pcap"

((failures == 0))
