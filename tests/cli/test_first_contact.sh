#!/usr/bin/env bash
# What a Zeek or Suricata user meets first (issue 11): checksum offload,
# the familiar options, input and output forms.
# VIGIL and VIGIL_GEN name the binaries (run-tests passes the ASan build).
# Prints PASS/FAIL per check; exits 1 if any failed.
prefix=first-contact
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

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

# --- familiar options ---------------------------------------------------------
"$vigil" read -q -o "$tmp/plain" "$tmp/http.pcap"
"$vigil" read -q -o "$tmp/dash-r" -r "$tmp/http.pcap"
if why=$(same_dir "$tmp/plain" "$tmp/dash-r"); then pass read-r; else fail read-r "$why"; fi

version=$(cat "$repo/VERSION" 2>/dev/null || echo 0.0.0)
for flag in -V -v; do
    if [[ $("$vigil" $flag 2>&1) == "vigil $version" ]]; then pass "version$flag"
    else fail "version$flag" "printed '$("$vigil" $flag 2>&1 | head -c 100)'"; fi
done

if "$vigil" help read >"$tmp/help-read.out" 2>&1 && head -n 1 "$tmp/help-read.out" | grep -q "usage: vigil read" \
    && cmp -s "$tmp/help-read.out" <("$vigil" read --help); then pass help-read
else fail help-read "not read's help"; fi
if "$vigil" help nonsense 2>/dev/null; then fail help-unknown "exit 0"; else pass help-unknown; fi

# --- inputs: a directory as one capture, gzip ---------------------------------
"${tool[@]}" split "$tmp/http.pcap" "$tmp/first.pcap" "$tmp/second.pcap"
mkdir -p "$tmp/captures"
# named so that name order is not time order
cp "$tmp/second.pcap" "$tmp/captures/a.pcap"
gzip -c "$tmp/first.pcap" >"$tmp/captures/b.pcap.gz"
echo "not a capture" >"$tmp/captures/README"
"$vigil" read -q -o "$tmp/dir" "$tmp/captures"
rc=$?
if ((rc != 0)); then fail read-dir "exit $rc"
elif why=$(same_dir "$tmp/plain" "$tmp/dir"); then pass read-dir
else fail read-dir "$why"; fi

gzip -c "$tmp/http.pcap" >"$tmp/http.pcap.gz"
"$vigil" read -q -o "$tmp/gz" "$tmp/http.pcap.gz"
if why=$(same_dir "$tmp/plain" "$tmp/gz"); then pass read-gzip; else fail read-gzip "$why"; fi
head -c 3000 "$tmp/http.pcap.gz" >"$tmp/cut.pcap.gz"
"$vigil" read -q -o "$tmp/gzcut" "$tmp/cut.pcap.gz" 2>"$tmp/gzcut.err"
rc=$?
if ((rc == 1)) && [[ $(wc -l <"$tmp/gzcut.err") == 1 ]]; then pass read-gzip-cut
else fail read-gzip-cut "exit $rc, expected 1 and one line"; fi

# --- output formats -----------------------------------------------------------
"$vigil" read -q -o "$tmp/zeek-eve" --format zeek,eve "$tmp/http.pcap"
if why=$(same_dir "$tmp/plain" "$tmp/zeek-eve"); then pass format-zeek-eve; else fail format-zeek-eve "$why"; fi
"$vigil" read -q -o "$tmp/json-eve" --format json,eve "$tmp/http.pcap"
"$vigil" read -q -o "$tmp/json" --format json "$tmp/http.pcap"
if cmp -s "$tmp/json-eve/eve.json" "$tmp/plain/eve.json" && cmp -s "$tmp/json-eve/conn.log" "$tmp/json/conn.log" \
    && head -c 1 "$tmp/json-eve/conn.log" | grep -q '{'; then pass format-json-eve
else fail format-json-eve "not Zeek JSON plus the same eve.json"; fi
if "$vigil" read -q -o "$tmp/bad-format" --format zeek,xml "$tmp/http.pcap" 2>/dev/null; then fail format-list-bad "accepted xml"
else pass format-list-bad; fi

"$vigil" read -q -o - "$tmp/http.pcap" >"$tmp/stdout-eve.json" 2>"$tmp/stdout-eve.err"
rc=$?
if ((rc == 0)) && cmp -s "$tmp/stdout-eve.json" "$tmp/plain/eve.json" && [[ ! -e ./-/eve.json ]]; then pass output-stdout
else fail output-stdout "exit $rc or not the same eve.json"; fi
if "$vigil" read -q -o - --format zeek "$tmp/http.pcap" >/dev/null 2>"$tmp/stdout-zeek.err"; then fail output-stdout-zeek "accepted"
elif [[ $(wc -l <"$tmp/stdout-zeek.err") == 1 ]]; then pass output-stdout-zeek
else fail output-stdout-zeek "stderr not one line"; fi

"$vigil" read -q -o "$tmp/iso" --format json --json-timestamps iso8601 "$tmp/http.pcap"
if head -n 1 "$tmp/iso/conn.log" | grep -qE '^\{"ts":"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z",' \
    && python3 - "$tmp/iso/conn.log" "$tmp/json/conn.log" <<'PY'
import datetime, json, sys
iso = [json.loads(l) for l in open(sys.argv[1])]
epoch = [json.loads(l) for l in open(sys.argv[2])]
assert len(iso) == len(epoch) > 0
for a, b in zip(iso, epoch):
    t = datetime.datetime.strptime(a["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    assert round(t.timestamp(), 6) == round(b["ts"], 6), (a["ts"], b["ts"])
    assert a["duration"] == b["duration"] if "duration" in b else True
PY
then pass json-timestamps-iso8601
else fail json-timestamps-iso8601 "ts not ISO 8601 or not the epoch time"; fi

# --- --flush-interval: read writes lines out before its input ends -----------
# (a pipe fed a packet every 20 ms: without the timer the logs stay in their
# buffers until the end, and trickle gives up after 60 s)
"$gen" demo "$tmp/demo.pcap" >/dev/null
mkdir -p "$tmp/trickle"
"${tool[@]}" trickle "$tmp/demo.pcap" "$tmp/trickle/dns.log" |
    "$vigil" read -q --flush-interval 0.1 -o "$tmp/trickle" - 2>"$tmp/trickle.err"
statuses=("${PIPESTATUS[@]}")
if ((statuses[0] != 0)); then fail flush-interval "no dns.log row while the input was still open"
elif ((statuses[1] > 1)); then fail flush-interval "vigil exited ${statuses[1]}: $(head -c 200 "$tmp/trickle.err")"
elif ! "${tool[@]}" whole-lines "$tmp/trickle/dns.log"; then fail flush-interval "torn lines"
else pass flush-interval; fi
if "$vigil" read --flush-interval 0 "$tmp/http.pcap" 2>"$tmp/flush-bad.err"; then fail flush-interval-option "accepted 0"
elif [[ $(wc -l <"$tmp/flush-bad.err") != 1 ]]; then fail flush-interval-option "stderr not one line"
else pass flush-interval-option; fi

# --- configuration file ------------------------------------------------------
cat >"$tmp/vigil.conf" <<CONF
# the long options as keys
output = $tmp/from-config
format zeek

conn-only
no-behavior = false
checksums = "verify"
CONF
"$vigil" read -q --config "$tmp/vigil.conf" "$tmp/http.pcap"
"$vigil" read -q -o "$tmp/conn-only" --format zeek --conn-only --checksums verify "$tmp/http.pcap"
if why=$(same_dir "$tmp/conn-only" "$tmp/from-config"); then pass config-file; else fail config-file "$why"; fi
"$vigil" read -q --config "$tmp/vigil.conf" -o "$tmp/config-override" --format eve "$tmp/http.pcap"
if [[ -f $tmp/config-override/eve.json && ! -e $tmp/config-override/conn.log ]]; then pass config-file-overridden
else fail config-file-overridden "the command line did not win"; fi
printf 'output = x\nno-such-option = 1\n' >"$tmp/bad.conf"
"$vigil" read -q --config "$tmp/bad.conf" "$tmp/http.pcap" 2>"$tmp/bad-conf.err"
rc=$?
if ((rc == 2)) && grep -q "bad.conf:2: unknown option 'no-such-option'" "$tmp/bad-conf.err" \
    && [[ $(wc -l <"$tmp/bad-conf.err") == 1 ]]; then pass config-file-bad-key
else fail config-file-bad-key "exit $rc: $(head -c 200 "$tmp/bad-conf.err")"; fi
# a directory given as the configuration file: one line, exit 2
"$vigil" read -q --config "$tmp" "$tmp/http.pcap" 2>"$tmp/dir-conf.err"
rc=$?
if ((rc == 2)) && grep -q -- "--config $tmp: read error" "$tmp/dir-conf.err" \
    && [[ $(wc -l <"$tmp/dir-conf.err") == 1 ]]; then pass config-file-directory
else fail config-file-directory "exit $rc: $(head -c 200 "$tmp/dir-conf.err")"; fi

# --- make install and the man page ------------------------------------------
if make -s -C "$repo" install DESTDIR="$tmp/dest" PREFIX=/usr INSTALL_BIN="$vigil" >"$tmp/install.log" 2>&1 \
    && [[ $("$tmp/dest/usr/bin/vigil" --version) == "vigil $version" ]] \
    && [[ -f $tmp/dest/usr/share/man/man1/vigil.1 ]]; then pass make-install
else fail make-install "$(tail -n 1 "$tmp/install.log")"; fi
if "$repo/scripts/gen-man" --check 2>"$tmp/gen-man.err"; then pass man-page-current
else fail man-page-current "$(cat "$tmp/gen-man.err")"; fi
# the installed binary reads the installed data/ and rules/ (bin/../share/vigil),
# not the tree it was built from: a rule added there is loaded
printf 'alert tcp any any -> any 1 (msg:"installed copy"; sid:9999001; rev:1;)\n' \
    >>"$tmp/dest/usr/share/vigil/rules/devices.rules"
installed_rules=$(grep -c '^alert' "$tmp/dest/usr/share/vigil/rules/devices.rules")
if env -u VIGIL_DATA_DIR "$tmp/dest/usr/bin/vigil" read -o "$tmp/installed-logs" --format zeek "$tmp/http.pcap" 2>&1 \
    | grep -q "rules: $installed_rules of $installed_rules loaded"; then pass install-finds-shared-data
else fail install-finds-shared-data "the installed binary did not load $installed_rules rules from share/vigil"; fi
if command -v man >/dev/null; then
    if MANWIDTH=80 man -l "$tmp/dest/usr/share/man/man1/vigil.1" 2>/dev/null | grep -q -- "--checksums"; then pass man-page-renders
    else fail man-page-renders "man -l shows no --checksums"; fi
fi

"$gen" hunt "$tmp/hunt.pcap" >/dev/null
"$vigil" read -q -o "$tmp/hunt-logs" --format zeek "$tmp/hunt.pcap"
"$vigil" hunt -q -o "$tmp/hunt-all" --format all "$tmp/hunt-logs"
if [[ -s $tmp/hunt-all/eve.json && -s $tmp/hunt-all/beacon.log ]]; then pass hunt-format-all
else fail hunt-format-all "no eve.json or no beacon.log"; fi

# every alert names both ends
"$vigil" read -q -o "$tmp/hunt-eve" --format eve "$tmp/hunt.pcap"
if python3 - "$tmp/hunt-eve/eve.json" "$tmp/hunt-all/eve.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    alerts = [e for e in map(json.loads, open(path)) if e["event_type"] == "alert"]
    assert alerts, f"{path}: no alert"
    for e in alerts:
        assert "src_ip" in e and "dest_ip" in e, e["alert"]["signature"]
    assert any("TUNNEL" in e["alert"]["signature"] for e in alerts), f"{path}: no DNS tunnel alert"
PY
then pass alerts-name-both-ends
else fail alerts-name-both-ends "an alert without src_ip/dest_ip"; fi

exit $((failures > 0))
