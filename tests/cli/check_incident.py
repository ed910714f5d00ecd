#!/usr/bin/env python3
"""Helpers for tests/cli/test_incident.sh and the golden incident check.

  check_incident.py incidents OUTDIR      one line per incident.log row: host severity stages events
  check_incident.py eve OUTDIR            the same from eve.json's incident events (last revision)
  check_incident.py final OUTDIR          incident.log's last revision of each incident, ids left out,
                                          sorted: host severity score stages events bytes_out peers
  check_incident.py block BLOCKDIR        the indicators of block.nft, rpz.zone, block.rules,
                                          misp-event.json and stix-bundle.json agree; prints them
  check_incident.py nft-syntax FILE       Vigil's own syntax check of block.nft (when nft -c cannot run)
  check_incident.py html-dom DOMFILE ID... the dumped DOM ran the page's script and shows every incident
"""
import ipaddress
import json
import re
import sys


def zeek_rows(path):
    fields, rows = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line.startswith("#") or not line:
                continue
            elif line.startswith("{"):
                rows.append(json.loads(line))
            else:
                rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def as_list(v):
    if isinstance(v, list):
        return v
    return [] if v in ("-", "(empty)", None) else v.split(",")


def incidents(outdir):
    for r in zeek_rows(outdir + "/incident.log"):
        print(r["host"], r["severity"], ",".join(as_list(r["stages"])), r["events"], r["incident_id"])


def final(outdir):
    last = {}
    for r in zeek_rows(outdir + "/incident.log"):
        last[r["incident_id"]] = r
    for line in sorted(" ".join((r["host"], r["severity"], r["score"], ",".join(as_list(r["stages"])), r["events"],
                                 r["bytes_out"], ",".join(sorted(as_list(r["peers"]))))) for r in last.values()):
        print(line)


def eve(outdir):
    last = {}
    with open(outdir + "/eve.json", encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if e.get("event_type") == "incident":
                last[e["incident"]["id"]] = e
    for _, e in sorted(last.items()):
        i = e["incident"]
        print(e["src_ip"], i["severity"], ",".join(s["stage"] for s in i["stages"]), i["events"], i["id"])


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def block(d):
    nft = open(d + "/block.nft", encoding="utf-8").read()
    nft_addrs = set(re.findall(r"^\t\t\t([0-9a-fA-F:.]+) comment \"(INC-[0-9]+)", nft, re.M))
    rpz = open(d + "/rpz.zone", encoding="utf-8").read()
    rpz_names = set()
    for line in rpz.splitlines():
        m = re.match(r"^([^\s;$@*][^\s]*)\s+IN\s+CNAME\s+\.\s+; (INC-[0-9,INC-]+)", line)
        if m:
            rpz_names.add((m.group(1), m.group(2).split(",")[0]))
    rules = open(d + "/block.rules", encoding="utf-8").read()
    rule_addrs = set(re.findall(r"^drop ip any any -> ([0-9a-fA-F:.]+) any", rules, re.M))
    rule_names = set(re.findall(r"^drop dns .*content:\"([^\"]+)\"", rules, re.M))
    sids = re.findall(r"sid:(\d+);", rules)
    if len(sids) != len(set(sids)):
        fail("duplicate sids in block.rules")
    for line in rules.splitlines():
        if line.startswith("drop") and "vigil_incident INC-" not in line:
            fail("rule without its incident: " + line)
    misp = json.load(open(d + "/misp-event.json", encoding="utf-8"))
    misp_vals = {(a["type"], a["value"]) for a in misp["Event"]["Attribute"]}
    for a in misp["Event"]["Attribute"]:
        if not a["comment"].startswith("INC-"):
            fail("MISP attribute without its incident")
    stix = json.load(open(d + "/stix-bundle.json", encoding="utf-8"))
    stix_vals = set()
    for o in stix["objects"]:
        m = re.match(r"\[([a-z0-9-]+):(?:value|hashes\.'[A-Z0-9-]+') = '([^']+)'\]$", o["pattern"])
        if not m or "INC-" not in o["description"]:
            fail("bad STIX indicator " + o["pattern"])
        stix_vals.add(m.group(2))
    addrs = {a for a, _ in nft_addrs}
    names = {n for n, _ in rpz_names}
    if addrs != rule_addrs:
        fail(f"nft {sorted(addrs)} != rules {sorted(rule_addrs)}")
    if names != set(rule_names):
        fail(f"rpz {sorted(names)} != rules {sorted(rule_names)}")
    misp_net = {v for t, v in misp_vals if t in ("ip-dst", "domain")}
    if misp_net != addrs | names:
        fail(f"misp {sorted(misp_net)} != nft+rpz {sorted(addrs | names)}")
    if {v for _, v in misp_vals} != stix_vals:
        fail("misp and stix differ")
    for a in sorted(addrs):
        print("address", a)
    for n in sorted(names):
        print("name", n)
    for t, v in sorted(misp_vals):
        if t not in ("ip-dst", "domain"):
            print("hash", v)


def nft_syntax(path):
    text = open(path, encoding="utf-8").read()
    depth = 0
    for c in text:
        depth += c == "{"
        depth -= c == "}"
        if depth < 0:
            fail("unbalanced braces")
    if depth:
        fail("unbalanced braces")
    for m in re.finditer(r"^\t\t\t([^ ]+) comment \"[^\"]*\",?$", text, re.M):
        ipaddress.ip_address(m.group(1))
    if not re.search(r"^table inet vigil_block \{$", text, re.M):
        fail("no table")
    print("syntax ok")


def html_dom(path, ids):
    dom = open(path, encoding="utf-8", errors="replace").read()
    if 'data-ready="1"' not in dom:
        fail("the page's script did not run to its end")
    for i in ids:
        if f'id="{i}"' not in dom:
            fail(f"incident {i} missing from the page")
    print("dom ok")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"incidents": lambda: incidents(args[0]), "eve": lambda: eve(args[0]), "final": lambda: final(args[0]), "block": lambda: block(args[0]),
     "nft-syntax": lambda: nft_syntax(args[0]), "html-dom": lambda: html_dom(args[0], args[1:])}[cmd]()


if __name__ == "__main__":
    main()
