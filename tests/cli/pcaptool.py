#!/usr/bin/env python3
"""Small pcap surgery for the CLI tests (standard library only).

  pcaptool.py flows OUT NFLOWS NPACKETS   valid Ethernet/IPv4/UDP capture
  pcaptool.py corrupt IN OUT INDEX        record INDEX gets an impossible length
  pcaptool.py cut IN OUT                  file ends in the middle of its last record
  pcaptool.py split IN A B                first half of the records to A, rest to B
  pcaptool.py linktype OUT DLT            a one-packet capture of link type DLT
  pcaptool.py offload IN OUT              checksums of what the first sender sent made wrong
                                          (IP zeroed, TCP/UDP off by one), as NIC offload leaves them
  pcaptool.py badsum IN OUT INDEX...      TCP/UDP checksum of those records made wrong
  pcaptool.py check-tsv LOG               every row has #fields columns, ends with #close
  pcaptool.py check-json LOG              every line is a JSON object
  pcaptool.py whole-lines LOG             the file holds whole lines only
  pcaptool.py trickle IN LOG              IN's records to stdout, 20 ms apart, until LOG has a row
"""
import json
import struct
import time
import sys

PCAP_MAGIC = 0xA1B2C3D4
GLOBAL_HEADER = struct.Struct("<IHHiIII")
RECORD_HEADER = struct.Struct("<IIII")


def write_global_header(f, linktype, snaplen=65535):
    f.write(GLOBAL_HEADER.pack(PCAP_MAGIC, 2, 4, 0, 0, snaplen, linktype))


def read_records(path):
    """(global header bytes, [(record header bytes, data bytes)])."""
    with open(path, "rb") as f:
        blob = f.read()
    header = blob[: GLOBAL_HEADER.size]
    magic = struct.unpack("<I", header[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    rec = struct.Struct(endian + "IIII")
    records, pos = [], GLOBAL_HEADER.size
    while pos + rec.size <= len(blob):
        _, _, incl, _ = rec.unpack_from(blob, pos)
        end = pos + rec.size + incl
        records.append((blob[pos : pos + rec.size], blob[pos + rec.size : end]))
        pos = end
    return header, records, endian


def ip_checksum(header):
    total = sum(struct.unpack("!%dH" % (len(header) // 2), header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     src.to_bytes(4, "big"), dst.to_bytes(4, "big"))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00"
    return eth + ip + udp


def cmd_flows(out, nflows, npackets):
    nflows, npackets = int(nflows), int(npackets)
    payload = b"vigil-cli-test-payload"
    with open(out, "wb") as f:
        write_global_header(f, 1)
        ts_us = 1_700_000_000 * 1_000_000
        for i in range(npackets):
            flow = i % nflows
            client = 0x0A000000 | (flow & 0xFFFF)
            server = 0xC0A80001 + ((flow >> 16) & 0xFF)
            sport = 1024 + (flow % 60000)
            # every third packet answers, so flows are bidirectional
            if i % 3 == 2:
                frame = udp_frame(server, client, 5555, sport, payload)
            else:
                frame = udp_frame(client, server, sport, 5555, payload)
            ts_us += 10
            f.write(RECORD_HEADER.pack(ts_us // 1_000_000, ts_us % 1_000_000,
                                       len(frame), len(frame)))
            f.write(frame)


def cmd_corrupt(src, out, index):
    header, records, endian = read_records(src)
    index = min(int(index), len(records) - 1)
    rec = struct.Struct(endian + "IIII")
    with open(out, "wb") as f:
        f.write(header)
        for i, (rh, data) in enumerate(records):
            if i == index:
                sec, usec, _, orig = rec.unpack(rh)
                rh = rec.pack(sec, usec, 0x7FFFFFF0, orig)
            f.write(rh + data)


def cmd_cut(src, out):
    header, records, _ = read_records(src)
    with open(out, "wb") as f:
        f.write(header)
        for rh, data in records[:-1]:
            f.write(rh + data)
        rh, data = records[-1]
        f.write(rh + data[: max(1, len(data) // 2)])


def cmd_split(src, out_a, out_b):
    header, records, _ = read_records(src)
    half = len(records) // 2
    for out, part in ((out_a, records[:half]), (out_b, records[half:])):
        with open(out, "wb") as f:
            f.write(header)
            for rh, data in part:
                f.write(rh + data)


def cmd_linktype(out, dlt):
    frame = bytes(64)
    with open(out, "wb") as f:
        write_global_header(f, int(dlt))
        f.write(RECORD_HEADER.pack(1_700_000_000, 0, len(frame), len(frame)))
        f.write(frame)


def l4_checksum_offset(data):
    """Offset of the TCP/UDP checksum of an Ethernet/IPv4 frame, or None."""
    if len(data) < 34 or data[12:14] != b"\x08\x00" or data[14] >> 4 != 4:
        return None
    l4 = 14 + (data[14] & 0x0F) * 4
    offset = {6: l4 + 16, 17: l4 + 6}.get(data[23])
    return offset if offset is not None and offset + 2 <= len(data) else None


def spoil_l4_checksum(data):
    """The frame with its TCP/UDP checksum wrong (and never UDP's 'none')."""
    offset = l4_checksum_offset(data)
    if offset is None:
        return data
    value = (struct.unpack_from("!H", data, offset)[0] + 1) & 0xFFFF or 1
    return data[:offset] + struct.pack("!H", value) + data[offset + 2:]


def rewrite(src, out, change):
    header, records, _ = read_records(src)
    with open(out, "wb") as f:
        f.write(header)
        for i, (rh, data) in enumerate(records):
            f.write(rh + change(i, data))


def cmd_offload(src, out):
    _, records, _ = read_records(src)
    sender = next((d[26:30] for _, d in records if l4_checksum_offset(d) is not None), None)

    def change(_, data):
        if l4_checksum_offset(data) is None or data[26:30] != sender:
            return data
        data = data[:24] + b"\x00\x00" + data[26:]
        return spoil_l4_checksum(data)
    rewrite(src, out, change)


def cmd_badsum(src, out, *indexes):
    wanted = {int(i) for i in indexes}
    rewrite(src, out, lambda i, data: spoil_l4_checksum(data) if i in wanted else data)


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def cmd_check_tsv(path):
    with open(path, "rb") as f:
        blob = f.read()
    if not blob.endswith(b"\n"):
        fail(f"{path}: does not end with a newline")
    lines = blob.decode("utf-8", "replace").split("\n")[:-1]
    nfields = None
    for n, line in enumerate(lines, 1):
        if line.startswith("#fields\t"):
            nfields = len(line.split("\t")) - 1
        elif not line.startswith("#"):
            if nfields is None:
                fail(f"{path}:{n}: row before #fields")
            if len(line.split("\t")) != nfields:
                fail(f"{path}:{n}: {len(line.split(chr(9)))} fields, expected {nfields}")
    if not lines or not lines[-1].startswith("#close"):
        fail(f"{path}: does not end with #close")


def cmd_check_json(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob and not blob.endswith(b"\n"):
        fail(f"{path}: does not end with a newline")
    for n, line in enumerate(blob.decode("utf-8").split("\n")[:-1], 1):
        try:
            if not isinstance(json.loads(line), dict):
                fail(f"{path}:{n}: not a JSON object")
        except json.JSONDecodeError as e:
            fail(f"{path}:{n}: {e}")


def cmd_whole_lines(path):
    """Zeek TSV or JSON: each line complete (a torn line fails to parse or
    has too few fields); the file may stop early but not mid-line."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob and not blob.endswith(b"\n"):
        fail(f"{path}: ends in the middle of a line")
    nfields = None
    for n, line in enumerate(blob.decode("utf-8", "replace").split("\n")[:-1], 1):
        if line.startswith("{"):
            try:
                json.loads(line)
            except json.JSONDecodeError as e:
                fail(f"{path}:{n}: torn JSON line: {e}")
        elif line.startswith("#fields\t"):
            nfields = len(line.split("\t")) - 1
        elif not line.startswith("#") and nfields is not None:
            if len(line.split("\t")) != nfields:
                fail(f"{path}:{n}: torn row")


def has_row(path):
    try:
        with open(path, "rb") as f:
            return any(line.strip() and not line.startswith(b"#") for line in f)
    except OSError:
        return False


def cmd_trickle(src, watched):
    """Writes SRC's records to stdout one at a time, 20 ms apart, until the
    log WATCHED holds a row (exit 0) or 60 s have passed (exit 1): a
    reader that writes lines out on a timer shows them before its input
    ends. The records are replayed in a loop if needed."""
    header, records, endian = read_records(src)
    out = sys.stdout.buffer
    out.write(header)
    deadline = time.monotonic() + 60
    rec = struct.Struct(endian + "IIII")
    loop = 0
    while time.monotonic() < deadline:
        for rh, data in records:
            sec, usec, incl, orig = rec.unpack(rh)
            out.write(rec.pack(sec + loop * 3600, usec, incl, orig) + data)
            out.flush()
            time.sleep(0.02)
            if has_row(watched):
                return
            if time.monotonic() >= deadline:
                break
        loop += 1
    sys.exit(1)


COMMANDS = {
    "flows": cmd_flows, "corrupt": cmd_corrupt, "cut": cmd_cut, "split": cmd_split,
    "linktype": cmd_linktype, "check-tsv": cmd_check_tsv, "check-json": cmd_check_json,
    "whole-lines": cmd_whole_lines, "offload": cmd_offload, "badsum": cmd_badsum,
    "trickle": cmd_trickle,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
