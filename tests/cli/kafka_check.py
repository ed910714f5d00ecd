#!/usr/bin/env python3
"""The Kafka test's checks (tests/cli/test_kafka.sh).

  kafka_check.py lines LOG_DIR CONSUMED PREFIX
      CONSUMED holds `kcat -f '%t\\t%k\\t%s\\n'` lines. Every JSON line of
      LOG_DIR's logs (Zeek JSON, eve.json, stats.log with its last row) is one message exactly once, on topic
      PREFIX + its log, keyed by its Community ID (else its uid, else no key),
      and nothing else arrived.
  kafka_check.py hunt FILES_DIR HUNTER_DIR...
      The hunters' sightings.log rows merged per (indicator, where) equal the
      one hunt's over the files (first/last seen, count, hosts, uids), and
      their finding logs together hold the same rows."""
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from compare_hunt import rows  # noqa: E402  (a Zeek TSV log's rows as dicts)

FINDING_LOGS = ["beacon.log", "long_conn.log", "tunnel_dns.log", "dga.log", "exfil.log"]


def conn_ids(log_dir):
    """uid -> Community ID, from conn.log: a connection's rows are keyed by it."""
    ids = {}
    path = os.path.join(log_dir, "conn.log")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.startswith("{"):
                rec = json.loads(line)
                if rec.get("community_id"):
                    ids[rec["uid"]] = rec["community_id"]
    return ids


def expected_messages(log_dir, prefix):
    """(topic, line) -> (count, the keys it may carry)"""
    want, keys = Counter(), {}
    ids = conn_ids(log_dir)
    for name in sorted(os.listdir(log_dir)):
        if not (name.endswith(".log") or name == "eve.json"):
            continue
        log = "eve" if name == "eve.json" else name[: -len(".log")]
        with open(os.path.join(log_dir, name), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.startswith("{"):
                    continue
                rec = json.loads(line)
                uid = rec.get("uid") or ""
                if rec.get("community_id"):
                    ok = {rec["community_id"]}
                elif uid:
                    # a row written from its connection carries the connection's ID, others their uid
                    ok = {uid, ids.get(uid, uid)}
                else:
                    ok = None  # x509.log: keyed by a connection the line does not name
                want[(prefix + log, line)] += 1
                keys[(prefix + log, line)] = ok
    return want, keys


def check_lines(log_dir, consumed, prefix):
    want, keys = expected_messages(log_dir, prefix)
    got = Counter()
    problems = []
    with open(consumed, encoding="utf-8") as f:
        for line in f:
            topic, key, value = line.rstrip("\n").split("\t", 2)
            got[(topic, value)] += 1
            ok = keys.get((topic, value))
            if ok is not None and key not in ok:
                problems.append(f"wrong key {key!r} (not {sorted(ok)}): {topic} {value[:80]}")
    for m, n in (want - got).items():
        problems.append(f"missing x{n}: {m[0]} {m[1][:80]}")
    for m, n in (got - want).items():
        problems.append(f"unexpected or duplicate x{n}: {m[0]} {m[1][:80]}")
    for p in problems[:10]:
        print(p)
    if problems:
        return 1
    print(f"{sum(want.values())} lines, {len({m[0] for m in want})} topics, each once with its key")
    return 0


def as_set(v):
    return frozenset() if v in ("-", "(empty)") else frozenset(v.split(","))


def sightings(dirs):
    merged = {}
    for d in dirs:
        for r in rows(os.path.join(d, "sightings.log")):
            key = (r["indicator"], r["seen.where"])
            first, last, count = float(r["ts"]), float(r["last_seen"]), int(r["count"])
            hosts, uids = as_set(r["hosts"]), as_set(r["uids"])
            if key in merged:
                f0, l0, c0, h0, u0 = merged[key]
                first, last, count, hosts, uids = min(first, f0), max(last, l0), count + c0, hosts | h0, uids | u0
            merged[key] = (first, last, count, hosts, uids)
    return merged


def findings(dirs):
    got = Counter()
    for d in dirs:
        for name in FINDING_LOGS:
            for r in rows(os.path.join(d, name)):
                got[(name, tuple(sorted(r.items())))] += 1
    return got


def check_hunt(files_dir, hunter_dirs):
    one, many = sightings([files_dir]), sightings(hunter_dirs)
    f_one, f_many = findings([files_dir]), findings(hunter_dirs)
    problems = [f"sighting {k}: files {one.get(k)}, hunters {many.get(k)}" for k in sorted(set(one) | set(many))
                if one.get(k) != many.get(k)]
    problems += [f"finding only over the files: {k[0]} {dict(k[1]).get('src', '')}" for k in (f_one - f_many)]
    problems += [f"finding only from the hunters: {k[0]} {dict(k[1]).get('src', '')}" for k in (f_many - f_one)]
    for p in problems[:10]:
        print(p)
    if problems:
        return 1
    if not one or not f_one:
        print(f"nothing to compare: {len(one)} sightings, {sum(f_one.values())} findings")
        return 1
    print(f"{len(one)} sightings, {sum(f_one.values())} findings, the same")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "lines":
        sys.exit(check_lines(sys.argv[2], sys.argv[3], sys.argv[4]))
    if len(sys.argv) >= 4 and sys.argv[1] == "hunt":
        sys.exit(check_hunt(sys.argv[2], sys.argv[3:]))
    print(__doc__)
    sys.exit(2)
