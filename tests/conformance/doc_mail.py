#!/usr/bin/env python3
"""`vigil inspect` over ../shared/docs and `vigil mail` over ../shared/email:
the share flagged, by reason, and every expected verdict missed. The
expectations come from what each collection says it holds: the phishing_pot
messages are all phishing (INDEX.tsv); the oletools and synthetic samples
are named after what they hold. Prints PASS when the runs complete (the
rates are measurements, listed under it), SKIP without the shared data.
usage: doc_mail.py --vigil VIGIL"""
import argparse
import collections
import json
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--vigil", required=True)
args = ap.parse_args()
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
docs, email = os.path.join(shared, "docs"), os.path.join(shared, "email")
if not os.path.isdir(docs) or not os.path.isdir(email):
    print("SKIP conformance/doc-mail (../shared/docs or ../shared/email not found)")
    sys.exit(0)

# path fragment -> reason code expected (None: expected clean)
DOC_EXPECT = [
    ("encrypted/", "encrypted"), ("excel4-macros/excel4_sample_macro.x", "xlm-macro"),
    ("msodde/dde-test.doc", "dde"), ("msodde/dde-test.xls", "dde"), ("msodde/harmless-clean", None),
    ("oleobj/embedded-simple-2007.do", "ole-object"), ("oleobj/embedded-simple-2007.x", "ole-object"),
    ("oleobj/embedded-simple-2007.pp", "ole-object"), ("oleobj/sample_with_", "ole-object"),
    ("oleobj/external_link/", "external-link"), ("oleform/", "vba-macro"),
    ("synthetic/rti_remote_template.docx", "remote-template"), ("synthetic/rti_remote_template_clean", None),
    ("synthetic/rtf_equation", "equation-editor"), ("synthetic/rtf_template_injection", "remote-template"),
    ("strelka-fixtures/test_password", "encrypted"),
]


def run(cmd, path):
    p = subprocess.run([args.vigil, cmd, path], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        print("FAIL conformance/doc-mail (%s %s: exit %d: %s)" % (cmd, path, p.returncode, p.stderr.strip()))
        sys.exit(1)
    return [json.loads(l) for l in p.stdout.splitlines()]


def summary(label, objs):
    n = len(objs)
    flagged = sum(o["verdict"] != "clean" for o in objs)
    by = collections.Counter(c for o in objs for c in {r["code"] for r in o["reasons"]})
    print("  %s: %d, flagged %d (%.0f%%): %s" % (label, n, flagged, 100.0 * flagged / max(n, 1),
          ", ".join("%s %d%%" % (c, round(100.0 * k / n)) for c, k in by.most_common())))


out = run("inspect", docs)
missed = []
checked = 0
for o in out:
    for frag, code in DOC_EXPECT:
        if frag in o["file"]:
            checked += 1
            codes = {r["code"] for r in o["reasons"]}
            if (code is None and o["verdict"] != "clean") or (code is not None and code not in codes):
                missed.append("%s: expected %s, got %s %s" % (os.path.relpath(o["file"], shared), code or "clean",
                                                             o["verdict"], sorted(codes)))
            break
mail = run("mail", email)
phish = [o for o in mail if "phishing_pot/sample-" in o["file"]]
for o in phish:
    if o["verdict"] == "clean":
        missed.append("%s: expected suspicious or malicious, got clean %s" % (
            os.path.relpath(o["file"], shared), sorted({r["code"] for r in o["reasons"]})))
print("PASS conformance/doc-mail (%d documents, %d with an expectation; %d messages, %d phishing; %d missed)" % (
    len(out), checked, len(mail), len(phish), len(missed)))
summary("documents", out)
summary("phishing_pot messages", phish)
summary("other messages", [o for o in mail if o not in phish])
for m in missed:
    print("  missed: " + m)
