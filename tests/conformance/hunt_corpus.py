#!/usr/bin/env python3
"""Behaviour detectors on real captures (issue #5).

  hunt_corpus.py --vigil ./vigil [--corpus ../shared/corpus]

- malicious/: every capture is read; the DNS tunnels (dns-tunnel-iodine,
  dnscat2-exfiltration) must be reported in tunnel_dns.log (a FAIL line
  otherwise); what the other captures gave is listed.
- the benign traces (Zeek's and nDPI's test captures under bench/): every
  finding is counted and the rate per 10,000 flows printed (informative;
  the goal is under one).
Prints PASS/FAIL/INFO lines; exits 1 on a FAIL, 0 otherwise (and when the
corpus is missing, after a SKIP line). make test has corpus_eve.py print
these lines from the logs of its own reads (`--hunt`: each capture read
once for all the corpus checks)."""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from zeek_tsv import rows  # noqa: E402

FINDING_LOGS = ["beacon", "long_conn", "tunnel_dns", "dga", "exfil"]
MUST_TUNNEL = ["dns-tunnel-iodine", "dnscat2-exfiltration"]
# nDPI test captures of attack traffic: not benign, left out of the rate
# (named by what nDPI's own tests flag in them).
NOT_BENIGN = re.compile(r"iodine|dnscat|dns_exfiltration|bad-dns-traffic|dga|malware|tunnel|exfil|"
                        r"cobalt|emotet|trickbot|sqli|log4j|shellcode|ransom|botnet|mirai|c2", re.I)
# Issue #12: behaviour findings on the benign traces, per 10,000 flows, at most.
MAX_BENIGN_PER_10K = 1.0


def run(vigil, pcap, outdir):
    os.makedirs(outdir, exist_ok=True)
    try:
        subprocess.run([vigil, "read", "-q", "-C", "--format", "zeek", "-o", outdir, pcap],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    except subprocess.TimeoutExpired:
        return None
    return summary(outdir)


def summary(outdir):
    """(flows, {finding log: rows}) of a read's Zeek logs."""
    flows = len(rows(os.path.join(outdir, "conn.log")))
    findings = {k: rows(os.path.join(outdir, k + ".log")) for k in FINDING_LOGS}
    return flows, findings


def malicious_captures(corpus):
    """[(name, capture)] of malicious/, each folder's captures in order."""
    mal = os.path.join(corpus, "malicious")
    out = []
    for name in sorted(os.listdir(mal)) if os.path.isdir(mal) else []:
        d = os.path.join(mal, name)
        pcaps = sorted(f for f in os.listdir(d) if f.endswith((".pcap", ".pcapng"))) if os.path.isdir(d) else []
        out += [(name, os.path.join(d, p)) for p in pcaps]
    return out


def benign_captures(corpus):
    """The benign traces under bench/, sorted."""
    bench = os.path.join(corpus, "bench")
    pcaps = []
    for root, _, files in os.walk(bench):
        pcaps += [os.path.join(root, f) for f in files if f.endswith((".pcap", ".pcapng", ".cap"))]
    return sorted(p for p in pcaps if not NOT_BENIGN.search(os.path.basename(p)))


def describe(kind, r):
    what = r.get("name") or r.get("domain") or r.get("example") or ""
    dst = r.get("dst", "")
    return f"{kind}: {r.get('src')} -> {dst if dst != '-' else ''} {what if what != '-' else ''} " \
           f"({r.get('reason')}, score {float(r.get('score', 0)):.2f}, {r.get('attack')})"


def report_malicious(name, res):
    """Prints a malicious capture's line; False on a FAIL."""
    if res is None:
        print(f"FAIL hunt-corpus/{name} (timeout)")
        return False
    flows, findings = res
    found = [describe(k, r) for k in FINDING_LOGS for r in findings[k]]
    if name in MUST_TUNNEL:
        if findings["tunnel_dns"]:
            print(f"PASS hunt-corpus/{name} (DNS tunnel reported: {describe('tunnel_dns', findings['tunnel_dns'][0])})")
            return True
        print(f"FAIL hunt-corpus/{name} (no DNS tunnel reported; {len(found)} other findings)")
        return False
    print(f"  info hunt-corpus/{name}: {flows} flows, {len(found)} findings" +
          ("".join("\n    " + f for f in found[:10])))
    return True


def report_benign(corpus, results):
    """Prints the benign rate from {capture: summary or None}, as a PASS or
    FAIL line (at most MAX_BENIGN_PER_10K); False on a FAIL."""
    bench = os.path.join(corpus, "bench")
    total_flows, total = 0, {k: 0 for k in FINDING_LOGS}
    examples = []
    for pcap, res in results.items():
        if res is None:
            continue
        flows, findings = res
        total_flows += flows
        for k in FINDING_LOGS:
            total[k] += len(findings[k])
            for r in findings[k]:
                examples.append(f"{os.path.relpath(pcap, bench)}: {describe(k, r)}")
    n = sum(total.values())
    rate = n * 10000 / total_flows if total_flows else 0
    verdict = "PASS" if rate <= MAX_BENIGN_PER_10K else "FAIL"
    print(f"{verdict} hunt-corpus/benign ({len(results)} captures, {total_flows} flows, {n} findings "
          f"({', '.join(f'{v} {k}' for k, v in total.items())}) = {rate:.2f} per 10,000 flows, "
          f"at most {MAX_BENIGN_PER_10K:g})")
    for e in sorted(examples)[:50]:
        print("    " + e)
    return verdict == "PASS"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="./vigil")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpus"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    vigil = os.path.abspath(a.vigil)
    if not os.path.isdir(corpus):
        print(f"SKIP hunt-corpus ({corpus} not found)")
        return 0
    failed = False
    with tempfile.TemporaryDirectory(prefix="vigil-hunt-corpus.") as tmp:
        for name, pcap in malicious_captures(corpus):
            failed |= not report_malicious(name, run(vigil, pcap, os.path.join(tmp, "mal", name)))
        pcaps = benign_captures(corpus)
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = {p: ex.submit(run, vigil, p, os.path.join(tmp, "benign", str(i))) for i, p in enumerate(pcaps)}
            failed |= not report_benign(corpus, {p: f.result() for p, f in futs.items()})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
