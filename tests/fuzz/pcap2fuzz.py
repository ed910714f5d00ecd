#!/usr/bin/env python3
"""Turns pcap files into seed inputs for tests/fuzz/fuzz_engine.c.

  pcap2fuzz.py OUTDIR FILE.pcap...

Each seed is [1 byte link type selector][2-byte big-endian length][frame]...,
at most MAX_SEED bytes (a capture yields several seeds). Standard library only.
"""
import struct
import sys
from pathlib import Path

# Index = selector byte; keep in step with fuzz_linktypes[] in fuzz_engine.c.
LINKTYPES = [1, 0, 101, 12, 113, 276, 228, 229, 108, 9, 239, 105, 127, 107]
MAX_SEED = 60000


def read_pcap(path):
    blob = Path(path).read_bytes()
    if len(blob) < 24:
        return None, []
    magic = struct.unpack("<I", blob[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        return None, []   # pcapng and others: not needed for seeds
    linktype = struct.unpack(endian + "I", blob[20:24])[0] & 0x0FFFFFFF
    frames, pos = [], 24
    while pos + 16 <= len(blob):
        incl = struct.unpack(endian + "I", blob[pos + 8 : pos + 12])[0]
        frames.append(blob[pos + 16 : pos + 16 + incl][:0xFFFF])
        pos += 16 + incl
    return linktype, frames


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    written = 0
    for pcap in sys.argv[2:]:
        linktype, frames = read_pcap(pcap)
        if linktype not in LINKTYPES:
            continue
        selector = bytes([LINKTYPES.index(linktype)])
        seed, part = bytearray(selector), 0
        for frame in frames:
            record = struct.pack(">H", len(frame)) + frame
            if len(seed) + len(record) > MAX_SEED and len(seed) > 1:
                (outdir / f"{Path(pcap).stem}-{part}").write_bytes(seed)
                seed, part, written = bytearray(selector), part + 1, written + 1
            seed += record
        if len(seed) > 1:
            (outdir / f"{Path(pcap).stem}-{part}").write_bytes(seed)
            written += 1
    print(f"{written} seeds in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
