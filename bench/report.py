#!/usr/bin/env python3
"""Turns scripts/bench's raw measurements into the results table.

  report.py RUNS.tsv CAPTURES.tsv [NOTES.txt]

RUNS.tsv: capture, tool, seconds, peak RSS KiB, exit status[, CPU seconds] (one line per run)
CAPTURES.tsv: capture, packets, bytes (from the floor)
Each figure is the median of the runs of a tool on a capture.
"""
import statistics
import sys
from collections import defaultdict


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def human_rate(per_second):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.2f}{unit}"
    return f"{per_second:.0f}"


def devices_cost(capture, prefix, measured, cpu):
    """The median over the rounds of each round's --devices / default time
    ratio (wall, and CPU when recorded): rounds alternate the two, so drift
    on a shared machine falls on both alike."""
    base, dev = (capture, prefix + " default"), (capture, prefix + " devices")
    walls = list(zip((s for s, _ in measured.get(base, [])), (s for s, _ in measured.get(dev, []))))
    cpus = list(zip(cpu.get(base, []), cpu.get(dev, [])))

    def cost(pairs, what):
        if not pairs:
            return None
        r = statistics.median(max(d, 0.005) / max(b, 0.005) for b, d in pairs)
        return f"{what} x{r:.3f} (throughput {100 * (1 / r - 1):+.1f}%)"

    parts = [p for p in (cost(walls, "wall"), cost(cpus, "CPU")) if p]
    if not parts:
        return None
    return (f"{prefix} --devices vs default on {capture}, median of {len(walls)} per-round ratios: "
            + ", ".join(parts))


def main():
    runs = read_tsv(sys.argv[1])
    captures = {row[0]: (int(row[1]), int(row[2])) for row in read_tsv(sys.argv[2])}
    notes = open(sys.argv[3]).read().strip() if len(sys.argv) > 3 else ""

    measured = defaultdict(list)    # (capture, tool) -> [(seconds, rss_kib)]
    cpu = defaultdict(list)         # (capture, tool) -> [user + system seconds], in round order
    failures = defaultdict(int)
    order = []
    for row in runs:
        capture, tool, seconds, rss, status = row[:5]
        if (capture, tool) not in order:
            order.append((capture, tool))
        if status == "0":
            measured[(capture, tool)].append((float(seconds), int(rss)))
            if len(row) > 5:
                cpu[(capture, tool)].append(float(row[5]))
        else:
            failures[(capture, tool)] += 1

    def median_of(capture, tool):
        samples = measured.get((capture, tool))
        if not samples:
            return None
        return (statistics.median(s for s, _ in samples),
                statistics.median(r for _, r in samples))

    def ratio(capture, tool, other):
        """other's median time / tool's, or None"""
        mine, theirs = median_of(capture, tool), median_of(capture, other)
        if not mine or not theirs:
            return None
        return max(theirs[0], 0.005) / max(mine[0], 0.005)

    header = ("capture", "tool", "runs", "time s", "packets/s", "Gbit/s",
              "peak RSS MiB", "x floor", "x default", "ndpiReader/", "tshark/")
    rows = []
    for capture, tool in order:
        packets, nbytes = captures.get(capture, (0, 0))
        result = median_of(capture, tool)
        n = len(measured.get((capture, tool), []))
        failed = failures.get((capture, tool), 0)
        runs_text = f"{n}" + (f" ({failed} failed)" if failed else "")
        if result is None:
            rows.append((capture, tool, runs_text) + ("-",) * (len(header) - 3))
            continue
        seconds, rss = result
        # /usr/bin/time has 10 ms resolution: never divide by zero
        seconds_eff = max(seconds, 0.005)
        floor, default = ratio(capture, tool, "floor"), ratio(capture, tool, "vigil default")
        ndpi, tshark = ratio(capture, tool, "ndpiReader"), ratio(capture, tool, "tshark")
        rows.append((
            capture, tool, runs_text, f"{seconds:.2f}",
            human_rate(packets / seconds_eff),
            f"{nbytes * 8 / seconds_eff / 1e9:.3f}",
            f"{rss / 1024:.1f}",
            f"{1 / floor:.1f}" if floor else "-",
            f"{1 / default:.2f}" if default and tool.startswith("vigil ") else "-",
            f"{ndpi:.2f}" if ndpi else "-",
            f"{tshark:.2f}" if tshark else "-",
        ))

    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                       for i, (v, w) in enumerate(zip(r, widths)))
             for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines))
    for capture, (packets, nbytes) in captures.items():
        print(f"{capture}: {packets} packets, {nbytes} bytes")
    print("time and RSS: medians of the runs; x floor = time / the libpcap-only read's; x default = time / "
          "vigil read's with default options; ndpiReader/ and tshark/ = their time / this tool's "
          "(above 1: faster than them; tshark = tshark -q -z conv,tcp)")
    olds = [(c, t[4:]) for c, t in order if t.startswith("old ")]
    if olds:
        parts = []
        for capture, mode in olds:
            r = ratio(capture, "vigil " + mode, "old " + mode)
            if r:
                parts.append(f"{mode} {100 * (1 / r - 1):+.1f}%")
        print("new vs old binary (BENCH_BASELINE), time change of the new per mode: " + ", ".join(parts))
    for capture, prefix in sorted({(c, t[:t.index(" ")]) for c, t in order if t.endswith(" devices")}):
        line = devices_cost(capture, prefix, measured, cpu)
        if line:
            print(line)
    plain, rules = median_of("mix", "vigil default"), median_of("mix", "vigil ET Open")
    if plain and rules:
        print(f"signatures: with every loadable ET Open rule the mix runs at "
              f"{100 * plain[0] / max(rules[0], 0.005):.0f}% of the default speed")
    if notes:
        print(notes)


if __name__ == "__main__":
    main()
