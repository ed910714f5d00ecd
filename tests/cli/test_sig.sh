#!/usr/bin/env bash
# Signatures from the command line: `vigil rules check` on the shipped
# rules/ and on a file of bad rules (one line each, the rest loads), and
# `vigil read --rules` on the sig capture (alert count, bad paths).
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=sig
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

# The shipped rules all load.
"$vigil" rules check "$repo/rules" >"$tmp/shipped.out" 2>"$tmp/shipped.err"
rc=$?
total=$(grep -c '^alert' "$repo"/rules/*.rules | awk -F: '{s += $NF} END {print s}')
check rules-check-shipped test "$rc" = 0 -a ! -s "$tmp/shipped.err"
check rules-check-shipped-count grep -qx "$total of $total rules loaded" "$tmp/shipped.out"

# Bad rules: one line each naming file and line; the good ones still load.
cp "$repo/rules/classification.config" "$tmp/"
{
    echo 'alert tcp any any -> any any (msg:"ok"; content:"abc"; classtype:misc-activity; sid:1;)'
    echo 'alert tcp any any -> any any (msg:"quote; content:"abc"; sid:2;)'
    echo 'alert tcp any any -> any any (msg:"paren"; content:"abc"; sid:3;'
    echo 'alert tcp any any -> any any (msg:"pcre"; pcre:"/(abc/"; sid:4;)'
    printf 'alert tcp any any -> any any (msg:"big"; content:"'
    head -c 1048576 /dev/zero | tr '\0' 'A'
    echo '"; sid:5;)'
    echo 'alert tcp any any -> any any (msg:"contradiction"; content:"abc"; depth:3; distance:1; sid:6;)'
    echo 'alert tcp $NOT_A_VAR any -> any any (msg:"var"; content:"abc"; sid:7;)'
    echo 'alert tcp any any -> any any (msg:"unsupported"; xbits:set,x,track ip_src; sid:8;)'
    echo 'alert tcp any any -> any any (msg:"ok too"; content:"def"; sid:9;)'
} >"$tmp/bad.rules"
"$vigil" rules check "$tmp/bad.rules" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
check rules-check-bad-exit test "$rc" = 1
check rules-check-bad-lines test "$(wc -l <"$tmp/bad.err")" = 6
for line in 2 3 4 5 6 7; do
    check "rules-check-bad-line-$line" grep -q "^$tmp/bad.rules:$line: " "$tmp/bad.err"
done
check rules-check-bad-summary grep -qx "2 of 9 rules loaded" "$tmp/bad.out"
check rules-check-skip-reason grep -q "1  unsupported keyword 'xbits'" "$tmp/bad.out"

"$vigil" rules check "$tmp/nope.rules" >"$tmp/missing.out" 2>"$tmp/missing.err"
check rules-check-missing test $? = 2
check rules-check-missing-line grep -q "nope.rules" "$tmp/missing.err"

# read --rules: the sig capture fires the shipped rules and the golden ones.
"$gen" sig "$tmp/sig.pcap" >/dev/null 2>&1
"$vigil" read "$tmp/sig.pcap" -o "$tmp/out" --no-behavior --rules "$repo/rules" \
    --rules "$repo/tests/golden/sig-rules" >"$tmp/read.out" 2>"$tmp/read.err"
check read-rules-exit test $? = 0
check read-rules-loaded grep -q "rules: 27 of 27 loaded from 3 files" "$tmp/read.err"
check read-rules-alerts grep -q "signatures: 21 alerts" "$tmp/read.err"
"$vigil" read "$tmp/sig.pcap" -o "$tmp/out2" --rules "$tmp/nope.rules" >"$tmp/rm.out" 2>"$tmp/rm.err"
check read-rules-missing test $? = 2
check read-rules-missing-line test "$(wc -l <"$tmp/rm.err")" = 1
"$vigil" hunt "$tmp/out" --rules "$repo/rules" >"$tmp/hunt.out" 2>"$tmp/hunt.err"
check hunt-refuses-rules test $? = 2

exit $((failures > 0))
