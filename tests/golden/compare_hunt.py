#!/usr/bin/env python3
"""Checks that `vigil hunt` over the logs `vigil read` wrote finds what
`vigil read` found on the wire.

  compare_hunt.py intel READ_DIR HUNT_DIR     intel.log vs sightings.log
  compare_hunt.py findings READ_DIR HUNT_DIR  beacon/long_conn/dns_tunnel/dga/exfil logs

intel: every (feed indicator, where, uid) of intel.log is a sighting with
that uid, and each sighting's count is the number of intel.log rows.
findings: the finding logs are identical, row for row."""
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from zeek_tsv import rows  # noqa: E402

FINDING_LOGS = ["beacon.log", "long_conn.log", "tunnel_dns.log", "dga.log", "exfil.log"]


def compare_intel(read_dir, hunt_dir):
    wire = defaultdict(set)
    for r in rows(os.path.join(read_dir, "intel.log")):
        wire[(r["indicator"], r["seen.where"])].add(r["uid"])
    hunted = {}
    for r in rows(os.path.join(hunt_dir, "sightings.log")):
        uids = set() if r["uids"] in ("-", "(empty)") else set(r["uids"].split(","))
        hunted[(r["indicator"], r["seen.where"])] = (int(r["count"]), uids)
    problems = []
    for key, uids in sorted(wire.items()):
        if key not in hunted:
            problems.append(f"missed by hunt: {key[0]} at {key[1]} ({len(uids)} flows)")
            continue
        count, huids = hunted[key]
        if huids != uids or count != len(uids):
            problems.append(f"{key[0]} at {key[1]}: read {sorted(uids)}, hunt {count} rows {sorted(huids)}")
    for key in sorted(set(hunted) - set(wire)):
        problems.append(f"only in hunt: {key[0]} at {key[1]}")
    return problems, f"{len(wire)} sightings"


def compare_findings(read_dir, hunt_dir):
    problems, total = [], 0
    for log in FINDING_LOGS:
        a = rows(os.path.join(read_dir, log))
        b = rows(os.path.join(hunt_dir, log))
        total += len(a)
        if a != b:
            sa = {tuple(sorted(r.items())) for r in a}
            sb = {tuple(sorted(r.items())) for r in b}
            for r in sorted(sa - sb)[:5]:
                problems.append(f"{log}: only from read: {dict(r)}")
            for r in sorted(sb - sa)[:5]:
                problems.append(f"{log}: only from hunt: {dict(r)}")
            if sa == sb:
                problems.append(f"{log}: same rows, different order")
    return problems, f"{total} findings"


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("intel", "findings"):
        print(__doc__, file=sys.stderr)
        return 2
    check = compare_intel if sys.argv[1] == "intel" else compare_findings
    problems, what = check(sys.argv[2], sys.argv[3])
    for p in problems[:20]:
        print("  " + p)
    print(f"{'same' if not problems else 'DIFFERENT'}: {what}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
