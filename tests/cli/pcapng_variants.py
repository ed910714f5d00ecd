# Writes the pcapng variants tests/cli/test_hardening.sh reads through the
# fallback reader (capture/pcapng.c), from a little-endian pcapng of one
# section whose IDBs and EPBs carry no options (vigil-gen linktypes):
#   two-sections: the file, then the same section written big-endian with
#                 every timestamp 1000 s later (libpcap: "different byte orders")
#   cut:          the file cut 10 bytes into its last but one block (the
#                 last interface's query)
#   trailer:      the 10th block's trailer length spoilt
#   huge:         a block claiming 2 GB after the 10th block
#   noiface:      an EPB on interface 99 after the 10th block
# Usage: pcapng_variants.py IN.pcapng OUTDIR
import struct, sys

src, outdir = sys.argv[1:3]
b = open(src, "rb").read()
blocks = []
off = 0
while off < len(b):
    t, n = struct.unpack("<II", b[off:off + 8])
    blocks.append((t, b[off:off + n]))
    off += n


def swapped(t, blk, shift_us):
    """The block written big-endian, EPB timestamps moved by shift_us."""
    n = len(blk)
    body = blk[8:n - 4]
    if t == 0x0A0D0D0A:
        bom, major, minor, slen = struct.unpack("<IHHq", body[:16])
        body = struct.pack(">IHHq", bom, major, minor, slen) + body[16:]
    elif t == 1:
        lt, res, snap = struct.unpack("<HHI", body[:8])
        assert len(body) == 8, "IDB options are not swapped"
        body = struct.pack(">HHI", lt, res, snap)
    elif t == 6:
        iface, hi, lo, cap, wire = struct.unpack("<IIIII", body[:20])
        ts = (hi << 32 | lo) + shift_us
        body = struct.pack(">IIIII", iface, ts >> 32, ts & 0xffffffff, cap, wire) + body[20:]
    else:
        raise SystemExit("unexpected block type %d" % t)
    return struct.pack(">II", t, n) + body + struct.pack(">I", n)


def write(name, data):
    open("%s/%s.pcapng" % (outdir, name), "wb").write(data)


write("two-sections", b + b"".join(swapped(t, blk, 1000 * 1000000) for t, blk in blocks))
last = sum(len(blk) for _, blk in blocks[:-2])
write("cut", b[:last + 10])
head = b"".join(blk for _, blk in blocks[:10])
rest = b"".join(blk for _, blk in blocks[10:])
spoilt = bytearray(head)
spoilt[-4:] = struct.pack("<I", len(blocks[9][1]) + 4)
write("trailer", bytes(spoilt) + rest)
write("huge", head + struct.pack("<II", 6, 0x7ffffff0) + bytes(64))
epb = struct.pack("<IIIII", 99, 0, 0, 4, 4) + bytes(4)
write("noiface", head + struct.pack("<II", 6, 12 + len(epb)) + epb + struct.pack("<I", 12 + len(epb)) + rest)
