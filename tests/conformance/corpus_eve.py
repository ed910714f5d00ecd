#!/usr/bin/env python3
"""Every capture of the shared corpus read with EVE on, every EVE line
validated against Suricata's schema (issue #11).

  corpus_eve.py --vigil build/gcc/vigil [--asan-vigil build/asan/vigil
                [--asan-every K]] [--hunt] [--devices-report]
                [--corpus ../shared/corpus] [--jobs N]

A capture is any file of the corpus that starts like a pcap or pcapng file
(gzip'd ones too: vigil reads them directly). Each is read once with
`vigil read -q -C --format all --devices`; every line of its eve.json must
validate against suricata-eve-schema/schema.json. --asan-vigil reads every
K-th capture (default 16) again with that (sanitizer) build: a crash or a
sanitizer report is a FAIL, and its EVE is validated too. The corpus-wide
runs use the release build so that the whole corpus stays a few minutes.
--hunt and --devices-report print what hunt_corpus.py and devices_corpus.py
print, from the logs of these same reads (the behaviour detectors and the
device inventory write the same logs with EVE on; their captures are read
here when they are not captures by the test above): each capture is read
once for the three checks.
Prints PASS/FAIL lines; exits 1 on a FAIL, 0 otherwise (and after a SKIP
line when the corpus or python3-jsonschema is missing)."""
import argparse
import concurrent.futures
import multiprocessing
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eve_schema import eve_errors, load_validator  # noqa: E402
import devices_corpus  # noqa: E402
import hunt_corpus  # noqa: E402

PCAP_MAGICS = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",
               b"\x0a\x0d\x0d\x0a")
OPTIONS = ["read", "-q", "-C", "--format", "all", "--devices"]


def is_capture(path):
    try:
        with open(path, "rb") as f:
            head = f.read(4)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                head = f.read(4)
    except (OSError, EOFError, gzip.BadGzipFile):
        return False
    return head in PCAP_MAGICS


def captures(corpus):
    found = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        found += [os.path.join(root, f) for f in sorted(files) if is_capture(os.path.join(root, f))]
    return found


def read_capture(vigil, capture, outdir, timeout):
    """(problem or None, exit status, stderr)"""
    os.makedirs(outdir, exist_ok=True)
    try:
        p = subprocess.run([vigil, *OPTIONS, "-o", outdir, capture], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout, env=dict(os.environ, TZ="UTC"))
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s", None, ""
    except OSError as e:  # the binary missing or being rebuilt
        return f"cannot run {vigil}: {e.strerror}", None, ""
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode > 2 or "Sanitizer" in err or "runtime error" in err:
        detail = next((l for l in err.splitlines() if "ERROR: AddressSanitizer" in l or "runtime error" in l),
                      err.strip().splitlines()[0] if err.strip() else "")
        return f"exit {p.returncode}: {detail[:200]}", p.returncode, err
    if p.returncode == 2 and capture not in err:
        # a capture vigil cannot read is named in the error; anything else is a setup error
        return f"exit 2: {err.strip()[:200]}", p.returncode, err
    return None, p.returncode, err


_validator = None


def _load(corpus):
    global _validator  # one per validating process, loaded once
    _validator, _ = load_validator(corpus)


def validate(eve, label):
    if not os.path.isfile(eve):
        return 0, []
    return eve_errors(_validator, eve, label)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigil", default="./vigil")
    ap.add_argument("--asan-vigil", help="also read a sample of the captures with this (sanitizer) build")
    ap.add_argument("--asan-every", type=int, default=16, help="the sample: every K-th capture (default 16)")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpus"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per vigil run")
    ap.add_argument("--max-details", type=int, default=20)
    ap.add_argument("--hunt", action="store_true", help="also print hunt_corpus.py's lines, from these reads")
    ap.add_argument("--devices-report", action="store_true",
                    help="also print devices_corpus.py's lines, from these reads")
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    if not os.path.isdir(corpus):
        print(f"SKIP corpus-eve ({corpus} not found)")
        return 0
    validator, why = load_validator(corpus)
    if validator is None:
        print(f"SKIP corpus-eve ({why})")
        return 0
    tests = captures(corpus)
    malicious = hunt_corpus.malicious_captures(corpus) if a.hunt else []
    benign = hunt_corpus.benign_captures(corpus) if a.hunt else []
    device_reads = devices_corpus.device_captures(corpus) if a.devices_report else []
    tested = set(tests)
    others = sorted({c for c in [m[1] for m in malicious] + benign + device_reads if c not in tested})
    runs = [(os.path.abspath(a.vigil), c, "release") for c in tests + others]
    hunt_of, device_of = {}, {}
    wanted_hunt, wanted_devices = {m[1] for m in malicious} | set(benign), set(device_reads)
    if a.asan_vigil:
        runs += [(os.path.abspath(a.asan_vigil), c, "asan") for c in tests[::max(1, a.asan_every)]]
    problems, errors, unread = [], [], 0
    lines = {"release": 0, "asan": 0}
    validated = {"release": 0, "asan": 0}
    # Validators are spawned, not forked: a worker forked while a reader thread
    # holds a vigil run's stderr pipe keeps that pipe open, and the read never ends.
    with tempfile.TemporaryDirectory(prefix="vigil-corpus-eve.") as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as readers, \
            concurrent.futures.ProcessPoolExecutor(max_workers=a.jobs, initializer=_load, initargs=(corpus,),
                                                   mp_context=multiprocessing.get_context("spawn")) as validators:
        reads = {readers.submit(read_capture, vigil, c, os.path.join(tmp, str(i)), a.timeout): (i, c, build)
                 for i, (vigil, c, build) in enumerate(runs)}
        checks = {}
        for f in concurrent.futures.as_completed(reads):
            i, capture, build = reads[f]
            label = f"{os.path.relpath(capture, corpus)}" + (" (asan)" if build == "asan" else "")
            problem, rc, err = f.result()
            outdir = os.path.join(tmp, str(i))
            if build == "release" and capture in wanted_hunt:
                hunt_of[capture] = None if rc is None else hunt_corpus.summary(outdir)
            if build == "release" and capture in wanted_devices:
                device_of[capture] = ("timeout", None) if rc is None else devices_corpus.result(outdir, rc, err)
            if capture not in tested:
                shutil.rmtree(outdir, ignore_errors=True)
                continue
            if problem:
                problems.append(f"{label}: {problem}")
                continue
            if rc == 2:
                unread += build == "release"  # not a capture vigil reads (link type...): said on stderr
            checks[validators.submit(validate, os.path.join(outdir, "eve.json"), label)] = (build, outdir)
        for f in concurrent.futures.as_completed(checks):
            build, outdir = checks[f]
            n, errs = f.result()
            lines[build] += n
            validated[build] += n > 0
            errors += errs
            shutil.rmtree(outdir, ignore_errors=True)
    for p in sorted(problems):
        print(f"FAIL corpus-eve/crash ({p})")
    total = len(tests)
    summary = (f"{lines['release']} EVE lines of {validated['release']} captures "
               f"({total} captures in the corpus, {unread} not readable by vigil)")
    if a.asan_vigil:
        summary += f"; ASan sample: {lines['asan']} lines of {validated['asan']} captures"
    if errors:
        print(f"FAIL corpus-eve ({len(errors)} schema errors; {summary})")
        for e in sorted(errors)[:a.max_details]:
            print(f"  {e}")
    else:
        print(f"PASS corpus-eve ({summary} validate against Suricata's schema)")
    ok = not errors and not problems
    if a.hunt:
        for name, capture in malicious:
            ok &= hunt_corpus.report_malicious(name, hunt_of.get(capture))
        hunt_corpus.report_benign(corpus, {c: hunt_of.get(c) for c in benign})
    if a.devices_report:
        ok &= devices_corpus.report(corpus, {c: device_of.get(c, ("not read", None)) for c in device_reads})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
