#!/usr/bin/env bash
# What a Zeek or Suricata user meets first (issue 11): checksum offload,
# the familiar options, input and output forms.
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
vigil=${VIGIL:-$repo/build/release/vigil}
gen=${VIGIL_GEN:-$repo/build/release/vigil-gen}
[[ $vigil == /* ]] || vigil=$repo/$vigil
[[ $gen == /* ]] || gen=$repo/$gen
tool=(python3 "$repo/tests/cli/pcaptool.py")
export TZ=UTC

tmp=$(mktemp -d /tmp/vigil-first.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

failures=0
pass() { echo "PASS first-contact/$1"; }
fail() { echo "FAIL first-contact/$1${2:+ ($2)}"; failures=$((failures + 1)); }

# Log lines without the run's dates, sorted.
log_set() {
    grep -v -E '^#(open|close)' "$1" | LC_ALL=C sort
}

# same_dir A B: every log of A is in B with the same lines, and B has no other.
same_dir() {
    local a=$1 b=$2 f
    [[ "$(cd "$a" && ls)" == "$(cd "$b" && ls)" ]] || { echo "logs: $(cd "$a" && ls | tr '\n' ' ') vs $(cd "$b" && ls | tr '\n' ' ')"; return 1; }
    for f in "$a"/*; do
        diff -q <(log_set "$f") <(log_set "$b/${f##*/}") >/dev/null || { echo "${f##*/} differs"; return 1; }
    done
}

if [[ ! -x $vigil || ! -x $gen ]]; then
    echo "FAIL first-contact ($vigil or $gen not built)"
    exit 1
fi
"$gen" http "$tmp/http.pcap" >/dev/null || { echo "FAIL first-contact (vigil-gen http)"; exit 1; }
"$gen" dns-tcp "$tmp/dns.pcap" >/dev/null || { echo "FAIL first-contact (vigil-gen dns-tcp)"; exit 1; }

# --- checksum offload -------------------------------------------------------
"${tool[@]}" offload "$tmp/http.pcap" "$tmp/offload.pcap"
"$vigil" read -q -C -o "$tmp/cs-off" "$tmp/offload.pcap" 2>"$tmp/cs-off.err"
"$vigil" read -q -o "$tmp/cs-auto" "$tmp/offload.pcap" 2>"$tmp/cs-auto.err"
rc=$?
if ((rc != 0)); then fail checksum-offload "exit $rc"
elif ! why=$(same_dir "$tmp/cs-off" "$tmp/cs-auto"); then fail checksum-offload "auto and -C differ: $why"
elif [[ $(grep -c "checksum offload" "$tmp/cs-auto.err") != 1 ]]; then fail checksum-offload "no one line on stderr"
elif ! grep -qE "checksums: [0-9]+ of [0-9]+ verified" "$tmp/cs-auto.err"; then fail checksum-offload "no counts"
elif [[ -s $tmp/cs-off.err ]]; then fail checksum-offload "-C said something: $(head -c 200 "$tmp/cs-off.err")"
else pass checksum-offload; fi

"$vigil" read -q --checksums verify -o "$tmp/cs-verify" "$tmp/offload.pcap" 2>/dev/null
if grep -q bad_IP_checksum "$tmp/cs-verify/weird.log" 2>/dev/null; then pass checksum-verify
else fail checksum-verify "--checksums verify reported no bad_IP_checksum"; fi

# A few genuinely bad checksums stay verified and reported.
"${tool[@]}" badsum "$tmp/dns.pcap" "$tmp/badsum.pcap" 3
"$vigil" read -q -o "$tmp/cs-few" "$tmp/badsum.pcap" 2>"$tmp/cs-few.err"
if ! grep -q bad_UDP_checksum "$tmp/cs-few/weird.log" 2>/dev/null; then fail checksum-few-bad "no bad_UDP_checksum weird"
elif grep -q "checksum offload" "$tmp/cs-few.err"; then fail checksum-few-bad "verification turned off"
else pass checksum-few-bad; fi

if "$vigil" read --checksums sometimes "$tmp/http.pcap" 2>"$tmp/cs-bad.err"; then fail checksum-option "accepted a bad mode"
elif [[ $(wc -l <"$tmp/cs-bad.err") != 1 ]]; then fail checksum-option "stderr not one line"
else pass checksum-option; fi

exit $((failures > 0))
