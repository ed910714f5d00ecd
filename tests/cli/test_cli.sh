#!/usr/bin/env bash
# Command-line behaviour of `vigil`: exit codes, error messages, damaged and
# odd inputs, stdin, several files, workers, output formats, SIGTERM.
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=cli
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

first_err_line() { head -n 1 "$tmp/$1.err" | cut -c1-160; }

# expect_exit NAME CODE ARGS...: the exit code is CODE and, for errors,
# stderr is one line.
expect_exit() {
    local name=$1 code=$2
    shift 2
    run "$name" "$@"
    if ((rc != code)); then
        fail "$name" "exit $rc, expected $code: $(first_err_line "$name")"
        return 1
    fi
    if ((code == 2)) && (($(wc -l <"$tmp/$name.err") != 1)); then
        fail "$name" "stderr has $(wc -l <"$tmp/$name.err") lines, expected one"
        return 1
    fi
    return 0
}

same_logs() {
    local a=$1 b=$2 log
    [[ -f $a/conn.log ]] || { echo "no conn.log in $a"; return 1; }
    for log in conn.log weird.log eve.json; do
        [[ -f $a/$log || -f $b/$log ]] || continue
        [[ -f $a/$log && -f $b/$log ]] || { echo "$log in only one run"; return 1; }
        if ! diff <(log_set "$a/$log") <(log_set "$b/$log") >"$tmp/diff.out"; then
            echo "$log differs: $(head -n 2 "$tmp/diff.out" | tr '\n' ' ' | cut -c1-200)"
            return 1
        fi
    done
}

if [[ ! -x $vigil ]]; then
    echo "FAIL cli ($vigil not built)"
    exit 1
fi

# --- inputs ---------------------------------------------------------------
base=$tmp/basic.pcap
if [[ -x $gen ]] && "$gen" basic "$base" >/dev/null 2>&1; then
    :
else
    fail gen "vigil-gen basic failed; using a synthetic capture"
    "${tool[@]}" flows "$base" 20 200
fi
"${tool[@]}" flows "$tmp/flows.pcap" 500 6000
"${tool[@]}" corrupt "$base" "$tmp/corrupt.pcap" 3
"${tool[@]}" cut "$base" "$tmp/cut.pcap"
"${tool[@]}" split "$base" "$tmp/part1.pcap" "$tmp/part2.pcap"
"${tool[@]}" linktype "$tmp/linktype.pcap" 147
echo "this is not a capture, just text" >"$tmp/text.pcap"
: >"$tmp/notadir"

# --- help and version -----------------------------------------------------
run help --help
if ((rc == 0)) && grep -qi usage "$tmp/help.out" "$tmp/help.err"; then pass help
else fail help "exit $rc or no usage text"; fi

run version --version
version=$(cat "$repo/VERSION" 2>/dev/null || echo 0.0.0)
if ((rc == 0)) && grep -qF "$version" "$tmp/version.out"; then pass version
else fail version "exit $rc or no '$version' on stdout"; fi

for cmd in read live; do
    run "help-$cmd" "$cmd" --help
    if ((rc == 0)) && grep -qi usage "$tmp/help-$cmd.out" "$tmp/help-$cmd.err"; then pass "help-$cmd"
    else fail "help-$cmd" "exit $rc or no usage text"; fi
done

# no command: usage on stderr (may be several lines), exit 2
run no-command
if ((rc == 2)); then pass no-command; else fail no-command "exit $rc, expected 2"; fi
if expect_exit unknown-option 2 read --no-such-option "$base"; then pass unknown-option; fi

# --- setup errors: exit 2, one line ---------------------------------------
missing=$tmp/does-not-exist.pcap
if expect_exit missing-file 2 read -o "$tmp/o-missing" "$missing"; then
    if grep -qF "$missing" "$tmp/missing-file.err"; then pass missing-file
    else fail missing-file "error does not name the file: $(first_err_line missing-file)"; fi
fi

if expect_exit text-file 2 read -o "$tmp/o-text" "$tmp/text.pcap"; then
    if grep -qiE "not a (pcap|pcapng|.* )?capture" "$tmp/text-file.err"; then pass text-file
    else fail text-file "error does not say 'not a capture': $(first_err_line text-file)"; fi
fi

if expect_exit unknown-linktype 2 read -o "$tmp/o-linktype" "$tmp/linktype.pcap"; then
    pass unknown-linktype
fi
if expect_exit unwritable-outdir 2 read -o "$tmp/notadir/logs" "$base"; then
    pass unwritable-outdir
fi
if expect_exit bad-bpf 2 read -o "$tmp/o-bpf" -f 'tcp port ++ nonsense' "$base"; then
    pass bad-bpf
fi
if expect_exit bad-workers 2 read -o "$tmp/o-w" --workers 0 "$base"; then pass bad-workers; fi
if expect_exit bad-format 2 read -o "$tmp/o-f" --format yaml "$base"; then pass bad-format; fi

# --- a good run -----------------------------------------------------------
if expect_exit read-ok 0 read -o "$tmp/o-ok" "$base"; then
    problems=
    [[ -f $tmp/o-ok/conn.log ]] || problems="no conn.log"
    [[ -f $tmp/o-ok/eve.json ]] || problems="$problems no eve.json"
    if [[ -z $problems ]]; then
        problems=$("${tool[@]}" check-tsv "$tmp/o-ok/conn.log" 2>&1) &&
            problems=$("${tool[@]}" check-json "$tmp/o-ok/eve.json" 2>&1)
    fi
    if [[ -z $problems ]]; then pass read-ok; else fail read-ok "$problems"; fi
fi

# The documented order, `vigil read FILE... [OPTIONS]`: options after files.
if expect_exit options-after-files 0 read "$base" -o "$tmp/o-after" -q --workers 1; then
    if [[ -f $tmp/o-after/conn.log ]]; then pass options-after-files
    else fail options-after-files "no conn.log in -o DIR"; fi
fi

# -o defaults to the current directory (run in a scratch one)
(mkdir -p "$tmp/cwd" && cd "$tmp/cwd" && "$vigil" read -q "$base" >/dev/null 2>&1)
if [[ -f $tmp/cwd/conn.log ]]; then pass default-outdir-is-cwd
else fail default-outdir-is-cwd "no conn.log in the current directory"; fi

# --- damaged captures: exit 1, named damage, complete logs ----------------
for damage in corrupt cut; do
    run "$damage" read -o "$tmp/o-$damage" "$tmp/$damage.pcap"
    if ((rc != 1)); then
        fail "$damage" "exit $rc, expected 1: $(first_err_line "$damage")"
        continue
    fi
    if ! grep -qiE 'corrupt|damag|truncat|cut|invalid|bad|incomplete|short' "$tmp/$damage.err"; then
        fail "$damage" "stderr does not name the damage: $(first_err_line "$damage")"
        continue
    fi
    if ! problems=$("${tool[@]}" check-tsv "$tmp/o-$damage/conn.log" 2>&1); then
        fail "$damage" "$problems"
        continue
    fi
    pass "$damage"
done

# --- inputs: stdin, several files ----------------------------------------
run file-whole read -o "$tmp/o-whole" "$base"
whole_rc=$rc
"$vigil" read -o "$tmp/o-stdin" - <"$base" >/dev/null 2>"$tmp/stdin.err"
rc=$?
if ((rc != whole_rc)); then fail stdin "exit $rc, reading the file gave $whole_rc"
elif ! why=$(same_logs "$tmp/o-whole" "$tmp/o-stdin"); then fail stdin "$why"
else pass stdin; fi

run several-files read -o "$tmp/o-parts" "$tmp/part1.pcap" "$tmp/part2.pcap"
if ((rc != whole_rc)); then fail several-files "exit $rc, one file gave $whole_rc"
elif ! why=$(same_logs "$tmp/o-whole" "$tmp/o-parts"); then fail several-files "$why"
else pass several-files; fi

# --- workers: same logs whatever the number of workers -------------------
for input in "$base" "$tmp/flows.pcap"; do
    name=workers-$(basename "$input" .pcap)
    run "$name-1" read -o "$tmp/o-$name-1" --workers 1 "$input"
    rc1=$rc
    run "$name-2" read -o "$tmp/o-$name-2" --workers 2 "$input"
    if ((rc != rc1)); then fail "$name" "exit $rc with 2 workers, $rc1 with 1"
    elif ! why=$(same_logs "$tmp/o-$name-1" "$tmp/o-$name-2"); then fail "$name" "$why"
    else pass "$name"; fi
done

# --- formats -------------------------------------------------------------
if expect_exit format-json 0 read -o "$tmp/o-json" --format json "$base"; then
    if [[ ! -f $tmp/o-json/conn.log ]]; then fail format-json "no conn.log"
    elif [[ -f $tmp/o-json/eve.json ]]; then fail format-json "eve.json written too"
    elif ! why=$("${tool[@]}" check-json "$tmp/o-json/conn.log" 2>&1); then fail format-json "$why"
    else pass format-json; fi
fi
if expect_exit format-eve 0 read -o "$tmp/o-eve" --format eve "$base"; then
    if [[ ! -s $tmp/o-eve/eve.json ]]; then fail format-eve "no eve.json"
    elif [[ -f $tmp/o-eve/conn.log ]]; then fail format-eve "conn.log written too"
    elif ! why=$("${tool[@]}" check-json "$tmp/o-eve/eve.json" 2>&1); then fail format-eve "$why"
    else pass format-eve; fi
fi
if expect_exit eve-dns-v2 0 read -o "$tmp/o-dns2" --format eve --eve-dns-version 2 "$base"; then
    if ! grep -q '"dns":{"version":2,"type":"query","id":' "$tmp/o-dns2/eve.json"; then fail eve-dns-v2 "no v2 query event (with its version, as Suricata 7.0.7 writes)"
    elif ! grep -q '"dns":{"version":2,"type":"answer"' "$tmp/o-dns2/eve.json"; then fail eve-dns-v2 "no v2 answer event"
    elif grep -q '"version":3' "$tmp/o-dns2/eve.json"; then fail eve-dns-v2 "v3 events written too"
    else pass eve-dns-v2; fi
fi
expect_exit eve-dns-bad-version 2 read -o "$tmp/o-dns4" --eve-dns-version 4 "$base" && pass eve-dns-bad-version
# Zeek's parser limits (--ldap-max-pending-searches, --dns-max-compression-depth), on the command line and as --config keys
expect_exit ldap-pending-bad 2 read -o "$tmp/o-ldap" --ldap-max-pending-searches 101 "$base" && pass ldap-pending-bad
printf 'ldap-max-pending-searches = 5\ndns-max-compression-depth = 5\n' >"$tmp/limits.conf"
expect_exit limits-config 0 read -o "$tmp/o-limits" --config "$tmp/limits.conf" "$base" && pass limits-config
printf 'dns-max-compression-depth = 0\n' >"$tmp/limits-bad.conf"
expect_exit dns-depth-config-bad 2 read -o "$tmp/o-dnsd" --config "$tmp/limits-bad.conf" "$base" && pass dns-depth-config-bad
if expect_exit format-zeek 0 read -o "$tmp/o-zeek" --format zeek "$base"; then
    if [[ -f $tmp/o-zeek/eve.json ]]; then fail format-zeek "eve.json written"
    elif ! why=$("${tool[@]}" check-tsv "$tmp/o-zeek/conn.log" 2>&1); then fail format-zeek "$why"
    else pass format-zeek; fi
fi

# --- SIGTERM mid-run leaves whole lines only -----------------------------
"${tool[@]}" flows "$tmp/big.pcap" 200000 1500000
"$vigil" read -o "$tmp/o-term" --format all -q "$tmp/big.pcap" >/dev/null 2>"$tmp/term.err" &
pid=$!
sleep 2
if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    why=
    for log in "$tmp"/o-term/*; do
        [[ -f $log ]] || continue
        why=$("${tool[@]}" whole-lines "$log" 2>&1) || break
        why=
    done
    if [[ $why ]]; then fail sigterm "$why"
    # 3: interrupted; 0: the signal came after the last packet (while the
    # logs were being written), so the analysis is whole
    elif ((rc != 3 && rc != 0)); then fail sigterm "exit $rc after SIGTERM, not 3 (interrupted) or 0: $(head -n 1 "$tmp/term.err")"
    else pass sigterm; fi
else
    wait "$pid"
    echo "SKIP cli/sigterm (vigil finished the capture within 2 s; nothing to interrupt)"
fi

((failures == 0))
