#!/usr/bin/env python3
"""The device inventory on real captures (issue #15).

  devices_corpus.py --vigil ./vigil [--corpus ../shared/corpus] [--jobs N]

The captures most likely to hold devices are read with --devices: nDPI's
test captures (bench/ndpi: home and office traffic of every kind), the
malicious ones, and every capture named after a protocol the inventory
reads (DHCP, mDNS, SSDP/UPnP, ARP, NetBIOS, LLMNR, RTSP, telnet, ICMPv6);
--all reads the whole corpus. A crash or a sanitizer report is a FAIL
line; captures that gave no device are counted. Informative: how
many devices, vendors, device types, flagged vendors and hints were found,
and the most common vendors and types. Exits 1 on a FAIL, 0 otherwise (and
when the corpus is missing, after a SKIP line). make test has corpus_eve.py
print these lines from the logs of its own reads (`--devices-report`: each
capture read once for all the corpus checks)."""
import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hunt_corpus import rows  # noqa: E402  (Zeek TSV rows as dicts)

EXTENSIONS = (".pcap", ".pcapng", ".cap", ".pcap.gz")
DEVICE_NAMES = re.compile(r"dhcp|bootp|mdns|ssdp|upnp|arp|netbios|nbns|llmnr|rtsp|telnet|icmp6|icmpv6|ndp|"
                          r"ipv6|camera|iot", re.I)


def run(vigil, pcap, outdir):
    os.makedirs(outdir, exist_ok=True)
    try:
        p = subprocess.run([vigil, "read", "-q", "-C", "--devices", "--no-behavior", "--format", "zeek",
                            "-o", outdir, pcap], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    except subprocess.TimeoutExpired:
        return "timeout", None
    return result(outdir, p.returncode, p.stderr.decode("utf-8", "replace"))


def result(outdir, rc, err):
    """(problem or None, the final assets.log rows or None) of a read."""
    if rc < 0 or rc > 2 or "Sanitizer" in err or "runtime error" in err:
        return f"exit {rc}: {err.strip()[:300]}", None
    if rc == 2:
        return None, None  # not a capture Vigil reads (unsupported link type...): said on stderr
    finals = [r for r in rows(os.path.join(outdir, "assets.log")) if r.get("event") == "final"]
    if not finals and any(r.get("local_orig") == "T" for r in rows(os.path.join(outdir, "conn.log"))):
        return None, None  # counted: local hosts, yet no device (e.g. a group-bit source MAC)
    return None, finals


def device_captures(corpus, everything=False):
    """The captures read with --devices, sorted."""
    pcaps = []
    for root, _, files in os.walk(corpus):
        pcaps += [os.path.join(root, f) for f in files if f.endswith(EXTENSIONS)]
    if not everything:
        pcaps = [p for p in pcaps if os.sep + "ndpi" + os.sep in p or os.sep + "malicious" + os.sep in p
                 or DEVICE_NAMES.search(os.path.basename(p))]
    return sorted(pcaps)


def report(corpus, results):
    """Prints the PASS/FAIL and info lines from {capture: (problem, finals)};
    False on a FAIL."""
    failures, devices, no_device = [], [], []
    for pcap, (problem, finals) in results.items():
        if finals is None and not problem:
            no_device.append(os.path.relpath(pcap, corpus))
        if problem:
            failures.append(f"{os.path.relpath(pcap, corpus)}: {problem}")
        devices += finals or []
    for msg in sorted(failures):
        print(f"FAIL devices-corpus/{msg}")
    if not failures:
        print(f"PASS devices-corpus ({len(results)} captures read with --devices, no crash)")
    vendors = collections.Counter(r["vendor"] for r in devices if r.get("vendor", "-") != "-")
    types = collections.Counter(r["device_type"] for r in devices if r.get("device_type", "-") != "-")
    hints = sum(len(r["hints"].split(",")) for r in devices if r.get("hints", "(empty)") not in ("(empty)", "-"))
    flagged = collections.Counter(r["risk"] for r in devices if r.get("risk", "-") != "-")
    print(f"  info devices-corpus: {len(devices)} devices ({sum(1 for r in devices if r.get('mac', '-') != '-')} by "
          f"MAC, {sum(1 for r in devices if r.get('local_admin') == 'T')} randomised, "
          f"{sum(1 for r in devices if r.get('gateway') == 'T')} gateways), {sum(vendors.values())} with a vendor "
          f"({len(vendors)} vendors), {sum(types.values())} with a type, {hints} type/OS hints, "
          f"{sum(1 for r in devices if r.get('host_name', '-') != '-')} host names, {sum(flagged.values())} flagged")
    print(f"    captures read without a device (no local host, not IP, or not readable): {len(no_device)}")
    print("    vendors: " + ", ".join(f"{v} {k}" for k, v in vendors.most_common(10)))
    print("    types: " + ", ".join(f"{v} {k}" for k, v in types.most_common(10)))
    print("    flagged: " + ", ".join(f"{v} {k}" for k, v in flagged.most_common(10)))
    return not failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="./vigil")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpus"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--all", action="store_true", help="every capture of the corpus")
    a = ap.parse_args()
    corpus, vigil = os.path.abspath(a.corpus), os.path.abspath(a.vigil)
    if not os.path.isdir(corpus):
        print(f"SKIP devices-corpus ({corpus} not found)")
        return 0
    pcaps = device_captures(corpus, a.all)
    with tempfile.TemporaryDirectory(prefix="vigil-devices-corpus.") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = {p: ex.submit(run, vigil, p, os.path.join(tmp, str(i))) for i, p in enumerate(pcaps)}
            ok = report(corpus, {p: f.result() for p, f in futs.items()})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
