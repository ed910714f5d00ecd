#!/usr/bin/env python3
"""Conformance: Vigil's logs against Zeek's and Community ID's own baselines.

Reads ../shared/corpus (see its README.md), runs vigil on each test's traces,
and compares the logs field by field. Prints a match rate per trace and
overall, then one PASS/FAIL line per suite. See tests/conformance/README.md.
Python 3 standard library only.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

FIVE_TUPLE = ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto")


@dataclass
class LogSpec:
    """One Zeek log to compare: rows are paired by `key` (then by order
    within a key) and equal when every `compared` field is equal."""
    log: str
    key: tuple
    compared: tuple
    # field -> absolute tolerance, for floating-point fields
    tolerance: dict = field(default_factory=dict)
    min_rate: float = 95.0


# Add a log here (dns, http, ssl...) and its baselines are picked up.
# ts is absent on purpose: Zeek's test canonifier masks it in the baselines.
LOG_SPECS = [
    LogSpec(
        log="conn",
        key=FIVE_TUPLE,
        compared=FIVE_TUPLE + (
            "conn_state", "history", "orig_pkts", "resp_pkts",
            "orig_bytes", "resp_bytes", "orig_ip_bytes", "resp_ip_bytes", "duration",
        ),
        tolerance={"duration": 1e-6},
    ),
]

# A run that ends like this is a crash (sanitizer, signal), not a finding.
CRASH_EXIT_CODES = {134, 136, 139}


# --------------------------------------------------------------------------
# Zeek TSV logs

@dataclass
class ZeekLog:
    fields: list
    rows: list          # list of dicts field -> string (unset stays "-")
    unset: str = "-"


def parse_zeek_tsv(path):
    """Zeek TSV log, or a btest-diff-cut baseline (a bare header line of field
    names, then rows). `###` lines are btest headers."""
    fields, rows, unset = None, [], "-"
    separator = "\t"
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("###") or not line:
                continue
            if line.startswith("#separator"):
                sep = line.split(" ", 1)[1] if " " in line else "\\x09"
                separator = bytes(sep, "ascii").decode("unicode_escape")
                continue
            if line.startswith("#"):
                parts = line.split(separator)
                if parts[0] == "#fields":
                    fields = parts[1:]
                elif parts[0] == "#unset_field" and len(parts) > 1:
                    unset = parts[1]
                continue
            values = line.split(separator)
            if fields is None:          # btest-diff-cut: first line names the fields
                fields = values
                continue
            rows.append(dict(zip(fields, values)))
    return ZeekLog(fields or [], rows, unset)


def values_equal(spec, name, want, got):
    if want == got:
        return True
    tol = spec.tolerance.get(name)
    if tol is None:
        return False
    try:
        return abs(float(want) - float(got)) <= tol + 1e-9
    except ValueError:
        return False


@dataclass
class Comparison:
    matched: int = 0
    total: int = 0
    notes: list = field(default_factory=list)     # always shown
    details: list = field(default_factory=list)   # shown with --verbose


def describe_row(row):
    if all(k in row for k in FIVE_TUPLE):
        return "{} {}:{} > {}:{}".format(row["proto"], row["id.orig_h"], row["id.orig_p"],
                                        row["id.resp_h"], row["id.resp_p"])
    return "row " + " ".join(f"{k}={v}" for k, v in list(row.items())[:4])


def compare_logs(spec, baseline, actual):
    result = Comparison()
    compared = [f for f in spec.compared if f in baseline.fields]
    lacking = [f for f in compared if f not in actual.fields]
    if lacking:
        result.notes.append(f"vigil's {spec.log}.log lacks {', '.join(lacking)}")
    key = [f for f in spec.key if f in baseline.fields and f in actual.fields]
    if len(key) < len(spec.key):
        key = []   # cut baseline without the tuple: pair by order

    def key_of(row):
        return tuple(row.get(f) for f in key)

    def reversed_key(row):
        """The 5-tuple seen from the other side (a row Vigil oriented the other way)."""
        return (row.get("id.resp_h"), row.get("id.resp_p"), row.get("id.orig_h"),
                row.get("id.orig_p"), row.get("proto"))

    def differences(want, got):
        return [f"{f}: want {want.get(f)!s} got {got.get(f, '(absent)')!s}"
                for f in compared if not values_equal(spec, f, want.get(f), got.get(f))]

    # Zeek writes a connection when it ends, Vigil may write in another order,
    # and a 5-tuple can be reused: within a key, equal rows pair first, the
    # rest in order of appearance.
    unpaired_actual = {}
    for row in actual.rows:
        unpaired_actual.setdefault(key_of(row), []).append(row)
    unmatched_baseline = []
    for want in baseline.rows:
        result.total += 1
        candidates = unpaired_actual.get(key_of(want), [])
        same = next((i for i, got in enumerate(candidates) if not differences(want, got)), None)
        if same is None:
            unmatched_baseline.append(want)
        else:
            candidates.pop(same)
            result.matched += 1
    for want in unmatched_baseline:
        candidates = unpaired_actual.get(key_of(want))
        reversed_rows = unpaired_actual.get(reversed_key(want)) if tuple(key) == FIVE_TUPLE else None
        if not candidates and reversed_rows:
            reversed_rows.pop(0)
            result.details.append(f"originator and responder swapped: {describe_row(want)}")
        elif not candidates:
            result.details.append(f"missing: {describe_row(want)}")
        else:
            got = candidates.pop(0)
            result.details.append(f"differs: {describe_row(want)}: " + "; ".join(differences(want, got)))
    for rows in unpaired_actual.values():
        for got in rows:
            result.total += 1
            result.details.append(f"extra: {describe_row(got)}")
    return result


# --------------------------------------------------------------------------
# Running vigil

@dataclass
class Run:
    rc: int
    stderr: str
    outdir: Path

    @property
    def crashed(self):
        return self.rc < 0 or self.rc in CRASH_EXIT_CODES or "Sanitizer" in self.stderr

    @property
    def failed(self):
        return self.rc not in (0, 1) or self.crashed


def prepare_trace(path, scratch):
    """vigil reads pcap/pcapng; gzip'd traces are expanded first."""
    if path.suffix != ".gz":
        return path
    out = scratch / path.with_suffix("").name
    with gzip.open(path, "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def run_vigil(vigil, traces, outdir, extra_args, timeout):
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [str(vigil), "read", "-o", str(outdir), "-q", *extra_args, *map(str, traces)]
    env = dict(os.environ, TZ="UTC")
    try:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, timeout=timeout)
        return Run(proc.returncode, proc.stderr.decode("utf-8", "replace"), outdir)
    except subprocess.TimeoutExpired:
        return Run(-9, f"timed out after {timeout} s", outdir)


# --------------------------------------------------------------------------
# Zeek suite

@dataclass
class ZeekJob:
    """One baseline file and the traces of the zeek command that wrote it."""
    test: str
    baseline: Path
    spec: LogSpec
    traces: list
    ignore_checksums: bool
    bare: bool


def baseline_log_name(path):
    """conn.log, conn-1.log, conn-2.log -> conn"""
    return re.sub(r"(-\d+)?\.log$", "", path.name)


def jobs_for_test(test_dir):
    meta_path = test_dir / "test.json"
    if not meta_path.exists():
        return []
    meta = json.loads(meta_path.read_text())
    local_of = {}
    for t in meta.get("traces", []):
        repo_path = t.get("repo_path", "")
        rel = repo_path.split("/Traces/", 1)[1] if "/Traces/" in repo_path else Path(repo_path).name
        local_of[rel] = test_dir / t["local"]
    all_traces = [test_dir / t["local"] for t in meta.get("traces", [])]

    # Which command wrote which log: `... && mv conn.log conn-1.log` renames.
    produced = {}
    for command in meta.get("zeek_commands", []):
        traces = [local_of.get(rel, test_dir / "traces" / rel)
                  for rel in re.findall(r"\$TRACES/(\S+)", command)]
        flags = " ".join(w for w in command.split() if re.fullmatch(r"-[A-Za-z]+", w))
        checksums_off = "C" in flags
        renames = dict(re.findall(r"mv\s+(\S+\.log)\s+(\S+\.log)", command))
        for spec in LOG_SPECS:
            name = renames.get(f"{spec.log}.log", f"{spec.log}.log")
            produced[name] = (traces, checksums_off)

    jobs = []
    specs = {s.log: s for s in LOG_SPECS}
    for baseline in sorted((test_dir / "baseline").glob("*.log")):
        spec = specs.get(baseline_log_name(baseline))
        if spec is None:
            continue
        traces, checksums_off = produced.get(baseline.name, (all_traces, False))
        jobs.append(ZeekJob(
            test=test_dir.name, baseline=baseline, spec=spec, traces=traces or all_traces,
            ignore_checksums=bool(meta.get("ignore_checksums_C")) or checksums_off,
            bare=bool(meta.get("bare_mode")),
        ))
    return jobs


def run_zeek_suite(args, scratch):
    zeek_dir = args.corpus / "zeek"
    jobs = []
    for test_dir in sorted(p for p in zeek_dir.iterdir() if p.is_dir()):
        if args.only and not re.search(args.only, test_dir.name):
            continue
        jobs.extend(jobs_for_test(test_dir))
    if not jobs:
        print(f"SKIP conformance/zeek (no baseline to compare in {zeek_dir})")
        return True

    print("Zeek conformance ({} baselines; ts is masked in the baselines, so not compared)"
          .format(len(jobs)))
    totals = {}
    crashes = []
    for n, job in enumerate(jobs):
        outdir = scratch / f"zeek-{n}"
        traces = [prepare_trace(t, scratch) for t in job.traces]
        vigil_args = ["--format", "zeek"] + (["-C"] if job.ignore_checksums else [])
        run = run_vigil(args.vigil, traces, outdir, vigil_args, args.timeout)
        baseline = parse_zeek_tsv(job.baseline)
        log_path = outdir / f"{job.spec.log}.log"
        if run.failed:
            result = Comparison(total=len(baseline.rows))
            result.notes.append(f"vigil exited {run.rc}: {first_line(run.stderr)}")
            if run.crashed:
                crashes.append(f"{job.test}: {first_line(run.stderr)}")
        else:
            actual = parse_zeek_tsv(log_path) if log_path.exists() else ZeekLog([], [])
            result = compare_logs(job.spec, baseline, actual)
        matched, total = totals.get(job.spec.log, (0, 0))
        totals[job.spec.log] = (matched + result.matched, total + result.total)

        label = f"{job.test}/{job.baseline.name}"
        trace_names = ",".join(t.name for t in job.traces)
        flags = (" -C" if job.ignore_checksums else "") + (" (bare mode)" if job.bare else "")
        print(f"  {label} [{trace_names}{flags}]: {result.matched}/{result.total} "
              f"({rate(result.matched, result.total):.1f}%)")
        for note in result.notes:
            print(f"      {note}")
        if args.verbose:
            for detail in result.details[: args.max_details]:
                print(f"      {detail}")

    ok = True
    for spec in LOG_SPECS:
        if spec.log not in totals:
            continue
        matched, total = totals[spec.log]
        r = rate(matched, total)
        verdict = "PASS" if r >= spec.min_rate else "FAIL"
        ok &= verdict == "PASS"
        print(f"{verdict} conformance/zeek-{spec.log} ({matched}/{total} rows, {r:.1f}%, "
              f"needs {spec.min_rate:.0f}%)")
    for crash in crashes:
        print(f"FAIL conformance/crash ({crash})")
        ok = False
    return ok


# --------------------------------------------------------------------------
# Community ID suite

# Flows are matched by their Community ID itself: an ID is a hash of the
# tuple and seed, so a flow whose ID is in the baseline was keyed right, and
# no mapping of ICMP type/code to ports is needed here.
SEEDS = [(0, "baseline_deflt.json"), (1, "baseline_seed1.json")]


def load_community_baseline(path):
    """{community_id: "proto saddr:sport > daddr:dport"} from pycommunityid's
    community-id-pcap --json output (one entry per direction of a flow)."""
    ids = {}
    for entry in json.loads(path.read_text()):
        ids.setdefault(entry["communityid"], "{} {}:{} > {}:{}".format(
            entry.get("proto"), entry.get("saddr"), entry.get("sport", "-"),
            entry.get("daddr"), entry.get("dport", "-")))
    return ids


def eve_flow_ids(eve_path):
    """{community_id: description} of every flow event in eve.json."""
    ids = {}
    if not eve_path.exists():
        return ids
    with open(eve_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event_type") != "flow" or "community_id" not in event:
                continue
            ids.setdefault(event["community_id"], "{} {}:{} > {}:{}".format(
                event.get("proto"), event.get("src_ip"), event.get("src_port", "-"),
                event.get("dest_ip"), event.get("dest_port", "-")))
    return ids


def run_community_id_suite(args, scratch):
    base_dir = args.corpus / "community-id"
    pcaps = sorted((base_dir / "pcaps").glob("*.pcap"))
    if not pcaps or not (base_dir / "baseline").is_dir():
        print(f"SKIP conformance/community-id (no pcaps or baseline in {base_dir})")
        return True
    print("Community ID (flow events of eve.json against pycommunityid's baseline)")
    ok = True
    for seed, baseline_name in SEEDS:
        baseline_path = base_dir / "baseline" / baseline_name
        if not baseline_path.exists():
            print(f"SKIP conformance/community-id-seed{seed} ({baseline_name} missing)")
            continue
        want = load_community_baseline(baseline_path)
        got, problems = {}, []
        for pcap in pcaps:
            outdir = scratch / f"cid-{seed}-{pcap.stem}"
            # Checksums do not enter the Community ID; -C keeps every packet.
            run = run_vigil(args.vigil, [pcap], outdir,
                            ["--format", "eve", "-C", "--community-id-seed", str(seed)],
                            args.timeout)
            if run.failed:
                problems.append(f"{pcap.name}: vigil exited {run.rc}: {first_line(run.stderr)}")
            got.update(eve_flow_ids(outdir / "eve.json"))
        matched = [cid for cid in want if cid in got]
        wrong = [cid for cid in got if cid not in want]
        total = len(want) + len(wrong)
        print(f"  seed {seed}: {len(matched)}/{total} ({rate(len(matched), total):.1f}%)")
        for problem in problems:
            print(f"      {problem}")
        if args.verbose:
            for cid in want:
                if cid not in got:
                    print(f"      missing: {want[cid]} {cid}")
            for cid in wrong:
                print(f"      not in baseline: {got[cid]} {cid}")
        passed = len(matched) == total and total > 0 and not problems
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'} conformance/community-id-seed{seed} "
              f"({len(matched)}/{total}, needs 100%)")
    return ok


# --------------------------------------------------------------------------

def rate(matched, total):
    return 100.0 * matched / total if total else 100.0


def first_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    for l in lines:   # a sanitizer report's useful line
        if "ERROR: AddressSanitizer" in l or "runtime error" in l:
            return l.strip()[:200]
    return lines[0].strip()[:200] if lines else "(no message)"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vigil", type=Path, default=REPO / "vigil",
                        help="vigil binary (default: ./vigil)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="the shared corpus (default: ../shared/corpus)")
    parser.add_argument("--only", help="regex: only Zeek tests whose name matches")
    parser.add_argument("--suite", choices=["zeek", "community-id", "all"], default="all")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list the differing fields of each mismatch")
    parser.add_argument("--max-details", type=int, default=20,
                        help="mismatches listed per baseline with --verbose")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per vigil run")
    parser.add_argument("--keep", action="store_true", help="keep vigil's outputs (prints where)")
    args = parser.parse_args()

    if not args.corpus.is_dir():
        print(f"SKIP conformance ({args.corpus} not found: nothing to compare with)")
        return 0
    if not os.access(args.vigil, os.X_OK):
        print(f"FAIL conformance ({args.vigil} is not an executable)")
        return 1
    args.vigil = args.vigil.resolve()

    scratch = Path(tempfile.mkdtemp(prefix="vigil-conformance."))
    try:
        ok = True
        if args.suite in ("zeek", "all"):
            ok &= run_zeek_suite(args, scratch)
        if args.suite in ("community-id", "all"):
            ok &= run_community_id_suite(args, scratch)
    finally:
        if args.keep:
            print(f"outputs kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
