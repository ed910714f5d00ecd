#!/usr/bin/env python3
"""Checks `vigil inspect` and `vigil mail` over the generated samples
against tests/doc/expected.tsv; prints PASS/FAIL lines.
usage: check.py VIGIL SAMPLES_DIR"""
import json
import os
import subprocess
import sys

vigil, samples = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
failed = 0


def result(ok, name, why=""):
    global failed
    print("%s doc/%s%s" % ("PASS" if ok else "FAIL", name, "" if ok else " (%s)" % why))
    failed += not ok


def run(args):
    p = subprocess.run([vigil] + args, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, p.stderr.strip()
    return [json.loads(l) for l in p.stdout.splitlines()], ""


for line in open(os.path.join(here, "expected.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    name, verdict, codes = line.rstrip("\n").split("\t")
    path = os.path.join(samples, name)
    if name.endswith(".eml"):
        objs, err = run(["mail", "--protect", os.path.join(here, "protect.tsv"), path])
    else:
        objs, err = run(["inspect", path])
    if not objs or len(objs) != 1:
        result(False, name, err or "expected one object")
        continue
    o = objs[0]
    got = {r["code"] for r in o["reasons"]}
    want = set() if codes == "-" else set(codes.split(","))
    missing = want - got
    ok = o["verdict"] == verdict and not missing
    result(ok, name, "verdict %s, reasons %s, missing %s" % (o["verdict"], sorted(got), sorted(missing)))

# The mbox and Maildir readers give the same verdicts as the .eml files.
mbox = os.path.join(samples, "all.mbox")
maildir = os.path.join(samples, "Maildir")
os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
os.makedirs(os.path.join(maildir, "new"), exist_ok=True)
emls = sorted(n for n in os.listdir(samples) if n.endswith(".eml") and "deep" not in n)
with open(mbox, "wb") as f:
    for n in emls:
        data = open(os.path.join(samples, n), "rb").read()
        f.write(b"From sender@example Mon Dec  7 00:00:00 2026\n" + data.replace(b"\r\n", b"\n") + b"\n")
        open(os.path.join(maildir, "cur", n + ":2,S"), "wb").write(data)
prot = ["--protect", os.path.join(here, "protect.tsv")]
singles = [run(["mail"] + prot + [os.path.join(samples, n)])[0][0]["verdict"] for n in emls]
from_mbox, err = run(["mail"] + prot + [mbox])
result(from_mbox is not None and [o["verdict"] for o in from_mbox] == singles, "mbox",
       "mbox verdicts differ from the .eml ones")
from_maildir, err = run(["mail"] + prot + [maildir])
result(from_maildir is not None and [o["verdict"] for o in from_maildir] == singles, "maildir",
       "Maildir verdicts differ from the .eml ones")

# Replaceable weights: a weights file raising vba-macro makes the harmless macro malicious.
wfile = os.path.join(samples, "weights.tsv")
with open(os.path.join(os.path.dirname(here), "..", "data", "verdict_weights.tsv")) as src, open(wfile, "w") as dst:
    for l in src:
        dst.write("vba-macro\t10\t-\tmacro\n" if l.startswith("vba-macro\t") else l)
objs, err = run(["inspect", "--weights", wfile, os.path.join(samples, "harmless_macro.xls")])
result(objs is not None and objs[0]["verdict"] == "malicious", "weights-file", err or "weights file not used")

# YARA: a rule marked malicious makes the verdict malicious.
rule = os.path.join(samples, "rules.yar")
with open(rule, "w") as f:
    f.write('rule blob_download : smuggling { meta: verdict = "malicious" strings: $a = "createObjectURL" '
            'condition: $a }\n')
objs, err = run(["inspect", "--yara-rules", rule, os.path.join(samples, "smuggle.html")])
ok = objs is not None and objs[0]["verdict"] == "malicious" and any(
    r["code"] == "yara" and "blob_download" in r["detail"] and "smuggling" in r["detail"] for r in objs[0]["reasons"])
result(ok, "yara", err or "rule not reported: %s" % (objs[0]["reasons"] if objs else None))

# On the wire: the same messages over SMTP (mail_over_smtp.pcap) get the
# same verdicts as through `vigil mail`, as Vigil::Phishing alerts.
WIRE = ["mail_lookalike_hyphen.eml", "mail_homoglyph.eml", "mail_display_name.eml", "mail_memo.eml"]
wire_dir = os.path.join(samples, "wire")
p = subprocess.run([vigil, "read", "-C", "-q", "--protect", os.path.join(here, "protect.tsv"), "-o", wire_dir,
                    os.path.join(samples, "mail_over_smtp.pcap")], capture_output=True, text=True)
wire = {}
if p.returncode == 0:
    for l in open(os.path.join(wire_dir, "eve.json")):
        e = json.loads(l)
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] in (9300001, 9300002):
            wire[e["src_port"] - 40000] = (e["alert"]["metadata"]["verdict"][0], e["alert"]["metadata"]["attack_technique"])
notices = open(os.path.join(wire_dir, "notice.log")).read() if p.returncode == 0 else ""
for k, n in enumerate(WIRE):
    by_mail = run(["mail"] + prot + [os.path.join(samples, n)])[0][0]["verdict"]
    by_wire = wire.get(k, ("clean", []))[0]
    result(by_mail == by_wire, "wire/" + n, "mail says %s, the wire %s %s" % (by_mail, by_wire, p.stderr.strip()))
result(notices.count("Vigil::Phishing") == sum(v != "clean" for v, _ in wire.values()) and
       all(a and a[0].startswith("T1566") for _, a in wire.values()), "wire/notice", "notice.log or ATT&CK ids wrong")

# Bad usage: one line on stderr, exit 2.
p = subprocess.run([vigil, "inspect", "/nonexistent/x"], capture_output=True, text=True)
result(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, "missing-file", p.stderr)
p = subprocess.run([vigil, "mail", "--protect", "/nonexistent/p", samples], capture_output=True, text=True)
result(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, "bad-protect", p.stderr)
sys.exit(1 if failed else 0)
