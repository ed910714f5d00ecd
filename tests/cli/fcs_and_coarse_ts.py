# Writes two captures for tests/cli/test_hardening.sh from a classic pcap:
#  - the same packets with a 4-byte FCS after each frame, announced in the
#    link-type field as libpcap 1.1+ does (bit 26 set, FCS length in 16-bit
#    words in bits 28-31);
#  - a pcapng whose interface has if_tsresol = 10^0 and a packet stamped
#    2^62 seconds: more than a microsecond count holds.
# Usage: fcs_and_coarse_ts.py IN.pcap FCS_OUT.pcap TS_OUT.pcapng
import struct, sys
src, fcs_out, ng_out = sys.argv[1:4]
b = open(src, "rb").read()
magic, vmaj, vmin, tz, sig, snap, lt = struct.unpack("<IHHiIII", b[:24])
assert magic == 0xa1b2c3d4
out = bytearray(struct.pack("<IHHiIII", magic, vmaj, vmin, tz, sig, snap + 4, lt | 0x04000000 | (2 << 28)))
off = 24
while off + 16 <= len(b):
    s, us, cl, wl = struct.unpack("<IIII", b[off:off+16])
    data = b[off+16:off+16+cl]
    out += struct.pack("<IIII", s, us, cl + 4, wl + 4) + data + b"\xde\xad\xbe\xef"
    off += 16 + cl
open(fcs_out, "wb").write(out)
# pcapng: if_tsresol = 10^0 (seconds), one packet stamped 2^62 seconds
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
opt = struct.pack("<HH", 9, 1) + b"\x00\0\0\0" + struct.pack("<HH", 0, 0)
idb = block(1, struct.pack("<HHI", 1, 0, 65535) + opt)
frame = bytes(14 + 20)
ts = 1 << 62
epb = block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(frame), len(frame)) + frame)
open(ng_out, "wb").write(shb + idb + epb)
