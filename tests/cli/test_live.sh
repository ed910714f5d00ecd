#!/usr/bin/env bash
# Live capture end to end: `vigil live lo` while this script sends UDP
# datagrams and a TCP exchange over loopback, then SIGINT. Checks that the
# logs are complete (footer written, whole lines) and hold the flows.
# Loopback checksums are left to the NIC (offload), hence -C.
# Needs root (CAP_NET_RAW); prints SKIP otherwise.
set -u
VIGIL=${1:-./vigil}
pass=0 fail=0
ok() { echo "PASS live: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL live: $1"; fail=$((fail + 1)); }

if [ "$(id -u)" != 0 ]; then
    echo "SKIP live: not root, cannot capture"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$VIGIL" live lo -C -o "$out" -f 'port 39999 or port 39998' 2>"$out/stderr" &
pid=$!
sleep 1.5
python3 - <<'PY'
import socket, threading, time
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 39998)); srv.listen(1)
def serve():
    c, _ = srv.accept(); c.recv(100); c.sendall(b"pong" * 10); c.close()
t = threading.Thread(target=serve); t.start()
cli = socket.create_connection(("127.0.0.1", 39998)); cli.sendall(b"ping"); cli.recv(100); cli.close(); t.join()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    u.sendto(b"hello %d" % i, ("127.0.0.1", 39999)); time.sleep(0.05)
PY
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && ok "exit status 0 after SIGINT" || ko "exit status $rc after SIGINT: $(cat "$out/stderr")"
[ -f "$out/conn.log" ] && tail -n1 "$out/conn.log" | grep -q '^#close' && ok "conn.log closed with #close" || ko "conn.log missing or without #close"
grep -P '\t39999\tudp\t' "$out/conn.log" | grep -qP '\t5\t' && ok "UDP flow with 5 packets" || ko "UDP flow not logged as 5 packets"
grep -P '\t39998\ttcp\t' "$out/conn.log" | grep -qP '\tSF\t' && ok "TCP flow SF" || ko "TCP flow not SF: $(grep 39998 "$out/conn.log")"
nf=$(grep '^#fields' "$out/conn.log" | awk -F'\t' '{print NF}')
bad=$(grep -v '^#' "$out/conn.log" | awk -F'\t' -v n="$nf" 'NF != n - 1' | wc -l)
[ "$bad" = 0 ] && ok "every conn.log line whole" || ko "$bad torn lines"
"$VIGIL" live no-such-iface0 -o "$out/x" 2>"$out/err2"; rc=$?
[ "$rc" = 2 ] && grep -q 'no-such-iface0' "$out/err2" && ok "unknown interface: exit 2, named" || ko "unknown interface rc=$rc: $(cat "$out/err2")"
if command -v runuser >/dev/null; then
    chmod o+rx "$out"
    runuser -u nobody -- "$VIGIL" live lo -o "$out/nobody" 2>"$out/err3"; rc=$?
    [ "$rc" = 2 ] && grep -q 'lo: permission denied' "$out/err3" && ok "no capture rights: exit 2, permission denied" ||
        ko "no capture rights rc=$rc: $(cat "$out/err3")"
fi

# SIGHUP reloads the --intel feeds: an HTTP Host not in the feed, then in it
# after a reload, then a broken feed that must keep the loaded set.
printf 'type,value\ndomain,first-feed.example\n' >"$out/feed.csv"
"$VIGIL" live lo -C -o "$out/reload" --intel "$out/feed.csv" --intel-suppress 0 --no-behavior -f 'port 39997' 2>"$out/reload.err" &
pid=$!
sleep 1.5
http_get() {
    python3 - "$1" <<'PY'
import socket, sys, threading
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 39997)); srv.listen(1)
def serve():
    c, _ = srv.accept(); c.recv(1000)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"); c.close()
t = threading.Thread(target=serve); t.start()
cli = socket.create_connection(("127.0.0.1", 39997))
cli.sendall(b"GET / HTTP/1.1\r\nHost: " + sys.argv[1].encode() + b"\r\n\r\n"); cli.recv(1000); cli.close(); t.join()
PY
}
# hup_twice DOMAIN CHANGE BREAK: requests to www., api. and cdn.DOMAIN
# around two SIGHUPs of the running vigil ($pid), the first after the
# function CHANGE, the second after BREAK; then SIGINT, and rc its exit.
hup_twice() {
    http_get "www.$1"
    sleep 0.5
    "$2"
    kill -HUP "$pid"
    sleep 1.5
    http_get "api.$1"
    sleep 0.5
    "$3"
    kill -HUP "$pid"
    sleep 1.5
    http_get "cdn.$1"
    sleep 0.5
    kill -INT "$pid"
    wait "$pid"
    rc=$?
}
feed_names_second() { printf 'type,value\ndomain,first-feed.example\ndomain,second-feed.example\n' >"$out/feed.csv"; }
feed_broken() { head -c 4096 /dev/urandom >"$out/feed.csv"; }
hup_twice second-feed.example feed_names_second feed_broken
[ "$rc" = 0 ] && ok "reload run exits 0" || ko "reload run exit $rc: $(cat "$out/reload.err")"
grep -q 'reload: 2 indicators loaded' "$out/reload.err" && ok "SIGHUP reloaded the feed" || ko "no reload message: $(cat "$out/reload.err")"
grep -q 'reload failed, keeping the current indicators' "$out/reload.err" && ok "broken feed on SIGHUP kept the old set" ||
    ko "broken feed not reported: $(cat "$out/reload.err")"
hits=$(grep -v '^#' "$out/reload/intel.log" 2>/dev/null | cut -f7 | sort | tr '\n' ' ')
[ "$hits" = "api.second-feed.example cdn.second-feed.example " ] && ok "alerts only after the reload, and still after a broken one" ||
    ko "intel.log seen.indicator: '$hits'"

# SIGHUP reloads --rules too: a Host the first rules do not name, then named
# after a reload, then a rules path that cannot be read keeps the loaded set.
mkdir -p "$out/rules"
cp "$(dirname "$0")/../../rules/classification.config" "$out/rules/"
echo 'alert http any any -> any any (msg:"first"; http.host; content:"first-rule.example"; sid:1;)' >"$out/rules/r.rules"
"$VIGIL" live lo -C -o "$out/rreload" --rules "$out/rules" --no-default-rules --no-behavior -f 'port 39997' 2>"$out/rreload.err" &
pid=$!
sleep 1.5
rules_name_second() {
    echo 'alert http any any -> any any (msg:"second"; http.host; content:"second-rule.example"; sid:2;)' >>"$out/rules/r.rules"
}
rules_gone() { mv "$out/rules" "$out/rules.gone"; }
hup_twice second-rule.example rules_name_second rules_gone
[ "$rc" = 0 ] && ok "rules reload run exits 0" || ko "rules reload run exit $rc: $(cat "$out/rreload.err")"
grep -q 'reload: 2 rules loaded' "$out/rreload.err" && ok "SIGHUP reloaded the rules" || ko "no rules reload message: $(cat "$out/rreload.err")"
grep -q 'reload failed, keeping the current rules' "$out/rreload.err" && ok "unreadable rules on SIGHUP kept the old set" ||
    ko "unreadable rules not reported: $(cat "$out/rreload.err")"
grep -q 'signatures: 2 alerts' "$out/rreload.err" && ok "rule alerts only after the reload, and still after a failed one" ||
    ko "signature alerts: $(grep signatures "$out/rreload.err")"

# A long connection still open is reported live, at the report interval.
# The detectors look at internal -> external traffic only, which loopback is
# not: a veth pair into a network namespace of our own holds an "external"
# server (203.0.113.77) for a client at 10.77.0.1.
ns=vigil-test-$$
cleanup_ns() { ip netns del "$ns" 2>/dev/null; ip link del vgl$$a 2>/dev/null; }
if command -v ip >/dev/null && ip netns add "$ns" 2>/dev/null; then
    ip link add vgl$$a type veth peer name vgl$$b &&
        ip link set vgl$$b netns "$ns" &&
        ip addr add 10.77.0.1/32 dev vgl$$a && ip link set vgl$$a up &&
        ip route add 203.0.113.77/32 dev vgl$$a &&
        ip netns exec "$ns" ip addr add 203.0.113.77/32 dev vgl$$b &&
        ip netns exec "$ns" ip link set vgl$$b up &&
        ip netns exec "$ns" ip link set lo up &&
        ip netns exec "$ns" ip route add 10.77.0.1/32 dev vgl$$b
    ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.77", 39996)); s.listen(1); s.settimeout(30)
c, _ = s.accept()
while c.recv(100):
    pass' &
    server=$!
    "$VIGIL" live vgl$$a -C -o "$out/long" --long-conn 2 --report-interval 1 -f 'port 39996' 2>"$out/long.err" &
    pid=$!
    sleep 1.5
    python3 - "$out" <<'PY'
import shutil, socket, sys, time
cli = socket.create_connection(("203.0.113.77", 39996), timeout=5)
for i in range(6):
    cli.sendall(b"tick"); time.sleep(1)
time.sleep(0.3)
# the connection is still open: keep what long_conn.log says now
try:
    shutil.copy(sys.argv[1] + "/long/long_conn.log", sys.argv[1] + "/long_conn_while_open.log")
except OSError:
    pass
cli.close()
PY
    sleep 0.5
    kill -INT "$pid"
    wait "$pid"
    wait "$server" 2>/dev/null
    cleanup_ns
    grep -v '^#' "$out/long_conn_while_open.log" 2>/dev/null | grep -qP '\t203.0.113.77\t39996\ttcp\t.*\tT\t' &&
        ok "long connection reported while still open" ||
        ko "no open long connection in long_conn.log: $(tail -n 2 "$out/long_conn_while_open.log" 2>/dev/null) $(cat "$out/long.err")"
else
    echo "SKIP live: cannot create a network namespace"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
