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

# On the wire: every message over SMTP (mail_over_smtp.pcap, the k-th on
# client port 40000+k) gets the verdict, score and reasons `vigil mail`
# gives the .eml, in phish.log and EVE phish; those not clean are also
# Vigil::Phishing alerts with T1566 ids.
WIRE = sorted(n for n in os.listdir(samples) if n.endswith(".eml"))
wire_dir = os.path.join(samples, "wire")
p = subprocess.run([vigil, "read", "-C", "-q", "--protect", os.path.join(here, "protect.tsv"), "-o", wire_dir,
                    os.path.join(samples, "mail_over_smtp.pcap")], capture_output=True, text=True)
alerts, phish = {}, {}
if p.returncode == 0:
    for l in open(os.path.join(wire_dir, "eve.json")):
        e = json.loads(l)
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] in (9300001, 9300002):
            alerts[e["src_port"] - 40000] = (e["alert"]["metadata"]["verdict"][0], e["alert"]["metadata"]["attack_technique"])
        if e.get("event_type") == "phish":
            phish[e["src_port"] - 40000] = e["phish"]
notices = open(os.path.join(wire_dir, "notice.log")).read() if p.returncode == 0 else ""
plines = open(os.path.join(wire_dir, "phish.log")).read().splitlines() if p.returncode == 0 else []
pfields = next((l.split("\t")[1:] for l in plines if l.startswith("#fields")), [])
rows = {}
for l in plines:
    if not l.startswith("#"):
        v = l.split("\t")
        if len(v) == len(pfields):
            row = dict(zip(pfields, v))
            rows[int(row["id.orig_p"]) - 40000] = row
result(len(rows) == len(WIRE) and len(phish) == len(WIRE), "wire/phish.log",
       "%d rows, %d EVE phish events for %d messages %s" % (len(rows), len(phish), len(WIRE), p.stderr.strip()))
for k, n in enumerate(WIRE):
    m = run(["mail"] + prot + [os.path.join(samples, n)])[0][0]
    w = phish.get(k, {})
    same = (w.get("verdict"), w.get("score"), sorted(r["code"] for r in w.get("reasons", []))) == \
        (m["verdict"], m["score"], sorted(r["code"] for r in m["reasons"]))
    same_att = [(a["filename"], a["verdict"]) for a in w.get("attachments", [])] == \
        [(a["file"], a["verdict"]) for a in m["attachments"]]
    alerted = alerts.get(k, ("clean", []))[0]
    row = rows.get(k, {})
    same_row = (row.get("verdict"), row.get("score"), row.get("attachments")) == (
        m["verdict"], str(m["score"]), ",".join(a["file"] for a in m["attachments"]) or "(empty)")
    result(same and same_att and same_row and alerted == m["verdict"], "wire/" + n,
           "mail says %s %s %s, the wire %s (alert %s)" % (m["verdict"], m["score"], [r["code"] for r in m["reasons"]],
                                                           w, alerted))
result(notices.count("Vigil::Phishing") == sum(v != "clean" for v, _ in alerts.values()) and
       all(a and a[0].startswith("T1566") for _, a in alerts.values()), "wire/notice", "notice.log or ATT&CK ids wrong")

# Files on the wire (--inspect-files): each document downloaded over HTTP
# gets the verdict `vigil inspect` gives it, in files.log's doc_* columns
# (after Zeek's, unchanged) and EVE fileinfo; the malicious ones are
# Vigil::Malicious_Document alerts.
HTTP_DOCS = ["remote_template.docx", "equation.rtf", "autoexec_shell.xls", "lnk_in.zip", "javascript.pdf",
             "clean_memo.docx", "clean.pdf", "harmless_macro.xls", "zip_bomb.zip", "fat_loop.doc"]
http_dir = os.path.join(samples, "wire-http")
p = subprocess.run([vigil, "read", "-C", "-q", "--inspect-files", "-o", http_dir,
                    os.path.join(samples, "docs_over_http.pcap")], capture_output=True, text=True)
files, fileinfo, doc_alerts = {}, {}, {}
if p.returncode == 0:
    lines = open(os.path.join(http_dir, "files.log")).read().splitlines()
    fields = next(l for l in lines if l.startswith("#fields")).split("\t")[1:]
    result(fields[:27] == ["ts", "fuid", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "source", "depth",
                           "analyzers", "mime_type", "filename", "duration", "local_orig", "is_orig", "seen_bytes",
                           "total_bytes", "missing_bytes", "overflow_bytes", "timedout", "parent_fuid", "md5", "sha1",
                           "sha256", "extracted", "extracted_cutoff", "extracted_size"] and
           fields[27:] == ["doc_verdict", "doc_score", "doc_type", "doc_reasons", "doc_indicators"],
           "wire-http/files.log-columns", "columns %s" % fields)
    for l in lines:
        if not l.startswith("#"):
            row = dict(zip(fields, l.split("\t")))
            files[int(row["id.orig_p"]) - 40000] = row
    for l in open(os.path.join(http_dir, "eve.json")):
        e = json.loads(l)
        if e.get("event_type") == "fileinfo":
            fileinfo[e["dest_port"] - 40000] = e["fileinfo"].get("doc", {})
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 9300003:
            doc_alerts[e["dest_port"] - 40000] = e["alert"]["metadata"]
notices = open(os.path.join(http_dir, "notice.log")).read() if os.path.exists(os.path.join(http_dir, "notice.log")) else ""
for k, n in enumerate(HTTP_DOCS):
    o = run(["inspect", os.path.join(samples, n)])[0][0]
    row, doc = files.get(k, {}), fileinfo.get(k, {})
    codes = sorted({r["code"] for r in o["reasons"]})
    ok = (row.get("doc_verdict") == o["verdict"] == doc.get("verdict") and
          set(codes) <= set(row.get("doc_reasons", "").split(",")) and
          (k in doc_alerts) == (o["verdict"] == "malicious"))
    result(ok, "wire-http/" + n, "inspect says %s %s; files.log %s %s, EVE %s, alert %s %s" % (
        o["verdict"], codes, row.get("doc_verdict"), row.get("doc_reasons"), doc.get("verdict"), k in doc_alerts,
        p.stderr.strip()))
result(notices.count("Vigil::Malicious_Document") == sum(1 for _ in doc_alerts) and
       "T1221" in doc_alerts.get(0, {}).get("attack_technique", []) and
       "T1203" in doc_alerts.get(1, {}).get("attack_technique", []) and
       "http://minzdrav-gov.ru/templates/sanctions.dotm" in doc_alerts.get(0, {}).get("indicator", []),
       "wire-http/notice", "notice.log rows, ATT&CK ids or indicators wrong: %s" % doc_alerts.get(0))

# Without --inspect-files files.log keeps exactly Zeek's columns.
plain_dir = os.path.join(samples, "wire-plain")
p = subprocess.run([vigil, "read", "-C", "-q", "-o", plain_dir, os.path.join(samples, "docs_over_http.pcap")],
                   capture_output=True, text=True)
plain = open(os.path.join(plain_dir, "files.log")).read() if p.returncode == 0 else ""
result("doc_verdict" not in plain and "#fields" in plain and '"doc"' not in open(
    os.path.join(plain_dir, "eve.json")).read(), "wire-plain/files.log", "inspection columns without --inspect-files")

# YARA on the wire: a user's rule marked malicious over the downloads.
yara_dir = os.path.join(samples, "wire-yara")
with open(os.path.join(samples, "pdf.yar"), "w") as f:
    f.write('rule js_pdf : pdf { meta: verdict = "malicious" strings: $a = "/JavaScript" condition: $a }\n')
p = subprocess.run([vigil, "read", "-C", "-q", "--yara-rules", os.path.join(samples, "pdf.yar"), "-o", yara_dir,
                    os.path.join(samples, "docs_over_http.pcap")], capture_output=True, text=True)
yrows = [l for l in open(os.path.join(yara_dir, "files.log")) if "\t40004\t" in l] if p.returncode == 0 else []  # javascript.pdf
result(len(yrows) == 1 and "\tmalicious\t" in yrows[0] and "yara" in yrows[0], "wire-yara",
       "%s %s" % (yrows, p.stderr.strip()))

# Bad usage: one line on stderr, exit 2.
p = subprocess.run([vigil, "inspect", "/nonexistent/x"], capture_output=True, text=True)
result(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, "missing-file", p.stderr)
p = subprocess.run([vigil, "mail", "--protect", "/nonexistent/p", samples], capture_output=True, text=True)
result(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, "bad-protect", p.stderr)
# The wire's logs pinned (tests/doc/golden/; VIGIL_UPDATE_GOLDEN=1 rewrites
# them): phish.log, and files.log, notice.log of the downloads, without the
# #open/#close lines.
def pinned(name, path):
    got = "".join(l for l in open(path) if not l.startswith(("#open", "#close"))) if os.path.exists(path) else ""
    want_path = os.path.join(here, "golden", name)
    if os.environ.get("VIGIL_UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(want_path), exist_ok=True)
        open(want_path, "w").write(got)
    want = open(want_path).read() if os.path.exists(want_path) else None
    result(got == want, "golden/" + name, "differs from tests/doc/golden/%s" % name)


pinned("phish.log", os.path.join(wire_dir, "phish.log"))
pinned("notice-smtp.log", os.path.join(wire_dir, "notice.log"))
pinned("files-http.log", os.path.join(http_dir, "files.log"))
pinned("notice-http.log", os.path.join(http_dir, "notice.log"))

for bad in (["--inspect-max-file", "0"], ["--yara-rules", "/nonexistent/rules"], ["--protect", "/nonexistent/p"]):
    p = subprocess.run([vigil, "read", "-q", "-o", os.path.join(samples, "bad-opt")] + bad +
                       [os.path.join(samples, "docs_over_http.pcap")], capture_output=True, text=True)
    result(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, "read-bad" + bad[0], p.stderr)
sys.exit(1 if failed else 0)
