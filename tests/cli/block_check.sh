# Sourced by tests/cli/test_incident.sh and tests/golden/incident/check.sh:
# the block files of `vigil report` checked by the tools that will load
# them: block.nft by `nft -c -f` where the kernel allows it (else by
# check_incident.py's own syntax check, said in the PASS line), rpz.zone by
# named-checkzone, block.rules by `vigil rules check` (every drop rule
# loads), misp-event.json and stix-bundle.json by `vigil intel check` (the
# indicators load back). The caller defines pass/fail/skip, $tmp, $vigil
# and $check (check_incident.py).

# block_check NAME BLOCKDIR ADDRESSES DOMAINS HASHES
block_check() {
    local name=$1 b=$2 addrs=$3 domains=$4 hashes=$5 f nrules
    echo 'table inet vigil_probe { }' >"$tmp/$name-probe.nft"
    if command -v nft >/dev/null && nft -c -f "$tmp/$name-probe.nft" >/dev/null 2>&1; then
        if nft -c -f "$b/block.nft" 2>"$tmp/$name-nft.err"; then
            pass "$name-nft (nft -c -f)"
        else
            fail "$name-nft" "$(head -c 200 "$tmp/$name-nft.err")"
        fi
    elif python3 "$check" nft-syntax "$b/block.nft" >/dev/null 2>&1; then
        pass "$name-nft (own syntax check: nft -c cannot run here)"
    else
        fail "$name-nft" "own syntax check"
    fi
    if ! command -v named-checkzone >/dev/null; then
        skip "$name-rpz-named-checkzone" "named-checkzone (bind9-utils) not installed"
    elif named-checkzone rpz.vigil "$b/rpz.zone" >"$tmp/$name-zone.out" 2>&1; then
        pass "$name-rpz-named-checkzone"
    else
        fail "$name-rpz-named-checkzone" "$(tail -1 "$tmp/$name-zone.out")"
    fi
    for f in misp-event.json stix-bundle.json; do
        if "$vigil" intel check "$b/$f" >"$tmp/$name-$f.out" 2>&1 &&
            grep -qE "Intel::ADDR +$addrs\$" "$tmp/$name-$f.out" &&
            grep -qE "Intel::DOMAIN +$domains\$" "$tmp/$name-$f.out" &&
            grep -qE "Intel::FILE_HASH +$hashes\$" "$tmp/$name-$f.out"; then
            pass "$name-$f-intel-check"
        else
            fail "$name-$f-intel-check" "$(tr '\n' '|' <"$tmp/$name-$f.out" | head -c 300)"
        fi
    done
    # every drop rule loads with Vigil's own rule parser: none skipped, none malformed
    nrules=$(grep -c '^drop ' "$b/block.rules")
    if "$vigil" rules check "$b/block.rules" >"$tmp/$name-rules.out" 2>&1 &&
        grep -q "^$b/block.rules: $nrules rules, $nrules loaded, 0 skipped, 0 errors$" "$tmp/$name-rules.out" &&
        grep -q "^$nrules of $nrules rules loaded$" "$tmp/$name-rules.out" && ((nrules > 0)); then
        pass "$name-rules-check ($nrules drop rules)"
    else
        fail "$name-rules-check" "$(tr '\n' '|' <"$tmp/$name-rules.out" | head -c 300)"
    fi
}
