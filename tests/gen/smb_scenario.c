/* The smb scenario: lateral movement over SMB2 and DCE-RPC next to the
 * ordinary traffic it hides in.
 *  - 10.1.1.50 (a workstation) authenticates with NTLM to 10.1.1.20, maps
 *    ADMIN$, writes PSEXESVC.exe, then over IPC$ \pipe\svcctl opens the
 *    service manager, creates and starts a service (one PsExec alert);
 *  - the same workstation bursts 30 NETLOGON challenge/authenticate pairs
 *    at the domain controller 10.1.1.10 (Zerologon) and asks it for
 *    DRSGetNCChanges (DCSync);
 *  - benign: 10.1.1.70 reads a PDF from and writes notes to a file share
 *    on 10.1.1.30 and asks srvsvc for share information; the two domain
 *    controllers replicate from each other; 10.1.1.60 sets up one NETLOGON
 *    secure channel. None of these raises anything. */
#include <stdio.h>
#include <string.h>

#include "scenarios.h"

/* ---- little-endian message building ---- */

struct msg {
    uint8_t b[8192];
    size_t n;
};

static void le8(struct msg *m, uint32_t v) { m->b[m->n++] = (uint8_t)v; }
static void le16(struct msg *m, uint32_t v) { le8(m, v & 0xff); le8(m, v >> 8 & 0xff); }
static void le32(struct msg *m, uint32_t v) { le16(m, v & 0xffff); le16(m, v >> 16); }
static void le64(struct msg *m, uint64_t v) { le32(m, (uint32_t)v); le32(m, (uint32_t)(v >> 32)); }
static void le_bytes(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }
static void le_zeros(struct msg *m, size_t n) { memset(m->b + m->n, 0, n); m->n += n; }
static void le_set16(struct msg *m, size_t at, uint32_t v) { m->b[at] = (uint8_t)v; m->b[at + 1] = (uint8_t)(v >> 8); }
static void le_set32(struct msg *m, size_t at, uint32_t v) { le_set16(m, at, v & 0xffff); le_set16(m, at + 2, v >> 16); }

static size_t le_utf16(struct msg *m, const char *s)
{
    size_t start = m->n;
    for (; *s; s++)
        le16(m, (uint8_t)*s);
    return m->n - start;
}

static void align4(struct msg *m)
{
    while (m->n % 4)
        le8(m, 0);
}

/* ---- DCE-RPC PDUs ---- */

enum { PDU_REQUEST = 0, PDU_RESPONSE = 2, PDU_BIND = 11, PDU_BIND_ACK = 12 };

/* A UUID in its wire form (first three fields little-endian). */
static void put_uuid(struct msg *m, uint32_t a, uint16_t b, uint16_t c, const uint8_t d[8])
{
    le32(m, a);
    le16(m, b);
    le16(m, c);
    le_bytes(m, d, 8);
}

struct iface {
    uint32_t a;
    uint16_t b, c;
    uint8_t d[8];
    uint16_t version;
};

static const struct iface SVCCTL = {0x367abb81, 0x9844, 0x35f1, {0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03}, 2};
static const struct iface NETLOGON = {0x12345678, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0xcf, 0xfb}, 1};
static const struct iface DRSUAPI = {0xe3514235, 0x4b06, 0x11d1, {0xab, 0x04, 0x00, 0xc0, 0x4f, 0xc2, 0xdc, 0xd2}, 4};
static const struct iface SRVSVC = {0x4b324fc8, 0x1670, 0x01d3, {0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88}, 3};
static const uint8_t ndr_tail[8] = {0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60};

static void pdu_header(struct msg *m, uint8_t type, uint32_t call_id)
{
    le8(m, 5);
    le8(m, 0);
    le8(m, type);
    le8(m, 0x03);
    le32(m, 0x10);
    le16(m, 0); /* frag length, set by pdu_end */
    le16(m, 0);
    le32(m, call_id);
}

static void pdu_end(struct msg *m, size_t start)
{
    le_set16(m, start + 8, (uint32_t)(m->n - start));
}

static void rpc_bind(struct msg *m, const struct iface *i)
{
    size_t s = m->n;
    pdu_header(m, PDU_BIND, 1);
    le16(m, 4280);
    le16(m, 4280);
    le32(m, 0);
    le32(m, 1); /* one context */
    le16(m, 0);
    le16(m, 1);
    put_uuid(m, i->a, i->b, i->c, i->d);
    le32(m, i->version);
    put_uuid(m, 0x8a885d04, 0x1ceb, 0x11c9, ndr_tail);
    le32(m, 2);
    pdu_end(m, s);
}

static void rpc_bind_ack(struct msg *m, const char *sec_addr)
{
    size_t s = m->n;
    pdu_header(m, PDU_BIND_ACK, 1);
    le16(m, 4280);
    le16(m, 4280);
    le32(m, 0x1234);
    le16(m, (uint32_t)strlen(sec_addr) + 1);
    le_bytes(m, sec_addr, strlen(sec_addr) + 1);
    while ((m->n - s) % 4)
        le8(m, 0);
    le32(m, 1);
    le16(m, 0);
    le16(m, 0);
    put_uuid(m, 0x8a885d04, 0x1ceb, 0x11c9, ndr_tail);
    le32(m, 2);
    pdu_end(m, s);
}

static void rpc_request(struct msg *m, uint32_t call_id, uint16_t opnum, const uint8_t *stub, size_t n)
{
    size_t s = m->n;
    pdu_header(m, PDU_REQUEST, call_id);
    le32(m, (uint32_t)n);
    le16(m, 0);
    le16(m, opnum);
    le_bytes(m, stub, n);
    pdu_end(m, s);
}

static void rpc_response(struct msg *m, uint32_t call_id, size_t stub_len)
{
    size_t s = m->n;
    pdu_header(m, PDU_RESPONSE, call_id);
    le32(m, (uint32_t)stub_len);
    le16(m, 0);
    le16(m, 0);
    le_zeros(m, stub_len);
    pdu_end(m, s);
}

/* An NDR conformant varying string of UTF-16 with its NUL. */
static void ndr_wstring(struct msg *m, const char *s)
{
    uint32_t count = (uint32_t)strlen(s) + 1;
    le32(m, count);
    le32(m, 0);
    le32(m, count);
    le_utf16(m, s);
    le16(m, 0);
    align4(m);
}

/* MS-SCMR RCreateServiceW's arguments. */
static size_t create_service_stub(uint8_t *out, const char *name, const char *binary)
{
    struct msg m = {.n = 0};
    le_zeros(&m, 20);      /* the SCM handle */
    ndr_wstring(&m, name);
    le32(&m, 0x00020000);  /* display name referent */
    ndr_wstring(&m, name);
    le32(&m, 0x000f01ff);  /* SERVICE_ALL_ACCESS */
    le32(&m, 0x10);        /* SERVICE_WIN32_OWN_PROCESS */
    le32(&m, 3);           /* SERVICE_DEMAND_START */
    le32(&m, 0);
    ndr_wstring(&m, binary);
    le_zeros(&m, 24);      /* no group, tag, dependencies, account, password */
    memcpy(out, m.b, m.n);
    return m.n;
}

/* ---- SMB2 ---- */

enum { NEGOTIATE = 0, SESSION_SETUP = 1, TREE_CONNECT = 3, CREATE = 5, CLOSE = 6, READ = 8, WRITE = 9, IOCTL = 11 };

#define STATUS_MORE_PROCESSING 0xC0000016u
#define SESSION_ID 0x0000100000000041ull

struct smb_conn {
    struct tcp_flow f;
    uint64_t mid;
    uint32_t tree;
};

/* NetBIOS length and SMB2 header; the body follows. */
static void smb2_header(struct msg *m, uint16_t cmd, bool response, uint32_t status, uint64_t mid, uint32_t tree)
{
    le32(m, 0); /* NetBIOS session message, length set by smb2_send */
    le_bytes(m, "\xfeSMB", 4);
    le16(m, 64);
    le16(m, 1);
    le32(m, status);
    le16(m, cmd);
    le16(m, 1);
    le32(m, response ? 1 : 0);
    le32(m, 0);
    le64(m, mid);
    le32(m, 0xfeff);
    le32(m, tree);
    le64(m, SESSION_ID);
    le_zeros(m, 16);
}

static void smb2_send(struct smb_conn *c, int dir, struct msg *m)
{
    size_t len = m->n - 4;
    m->b[1] = (uint8_t)(len >> 16);
    m->b[2] = (uint8_t)(len >> 8);
    m->b[3] = (uint8_t)len;
    tcp_send(&c->f, dir, m->b, m->n);
    tcp_wait(&c->f, 300);
}

/* A request and its answer: body_req and body_resp fill the bodies. */
static uint64_t smb2_next(struct smb_conn *c) { return c->mid++; }

static void negotiate(struct smb_conn *c)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, NEGOTIATE, false, 0, mid, 0);
    le16(&m, 36);
    le16(&m, 2);
    le16(&m, 1);
    le16(&m, 0);
    le32(&m, 0x7f);
    le_zeros(&m, 16);
    le64(&m, 0);
    le16(&m, 0x0202);
    le16(&m, 0x0210);
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, NEGOTIATE, true, 0, mid, 0);
    le16(&m, 65);
    le16(&m, 1);
    le16(&m, 0x0210);
    le16(&m, 0);
    le_zeros(&m, 16);
    le32(&m, 0x2f);
    le32(&m, 65536);
    le32(&m, 65536);
    le32(&m, 65536);
    le64(&m, 0);
    le64(&m, 0);
    le16(&m, 128);
    le16(&m, 0);
    le32(&m, 0);
    smb2_send(c, 1, &m);
}

static size_t ntlm_field(struct msg *m, size_t at, size_t payload_off, size_t len)
{
    le_set16(m, at, (uint32_t)len);
    le_set16(m, at + 2, (uint32_t)len);
    le_set32(m, at + 4, (uint32_t)payload_off);
    return len;
}

/* NTLMSSP NEGOTIATE, CHALLENGE (with the server's names) or AUTHENTICATE. */
static void ntlm_message(struct msg *m, int type)
{
    size_t s = m->n;
    le_bytes(m, "NTLMSSP", 8);
    le32(m, (uint32_t)type);
    if (type == 1) {
        le32(m, 0xe2088297);
        le_zeros(m, 16);
        return;
    }
    if (type == 2) {
        le_zeros(m, 8);        /* target name */
        le32(m, 0xe2898215);
        le_bytes(m, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
        le_zeros(m, 8);
        size_t ti = m->n;
        le_zeros(m, 8);        /* target info */
        le_zeros(m, 8);        /* version */
        size_t start = m->n;
        static const struct {
            uint16_t id;
            const char *text;
        } av[] = {{2, "CORP"}, {1, "FS01"}, {4, "corp.example"}, {3, "fs01.corp.example"}, {5, "corp.example"}};
        for (size_t i = 0; i < sizeof av / sizeof *av; i++) {
            le16(m, av[i].id);
            le16(m, (uint32_t)strlen(av[i].text) * 2);
            le_utf16(m, av[i].text);
        }
        le32(m, 0);
        ntlm_field(m, ti, start - s, m->n - start);
        return;
    }
    size_t fields = m->n;
    le_zeros(m, 48);           /* LM, NT, domain, user, workstation, session key */
    le32(m, 0xe2888215);
    le_zeros(m, 8 + 16);       /* version, MIC */
    size_t off = m->n - s;
    le_zeros(m, 24);
    off += ntlm_field(m, fields, off, 24);
    le_zeros(m, 24);
    off += ntlm_field(m, fields + 8, off, 24);
    off += ntlm_field(m, fields + 16, off, le_utf16(m, "CORP"));
    off += ntlm_field(m, fields + 24, off, le_utf16(m, "admin"));
    off += ntlm_field(m, fields + 32, off, le_utf16(m, "WKS50"));
    ntlm_field(m, fields + 40, off, 0);
}

static void session_setup(struct smb_conn *c)
{
    for (int round = 0; round < 2; round++) {
        struct msg m = {.n = 0};
        uint64_t mid = smb2_next(c);
        smb2_header(&m, SESSION_SETUP, false, 0, mid, 0);
        le16(&m, 25);
        le8(&m, 0);
        le8(&m, 1);
        le32(&m, 1);
        le32(&m, 0);
        size_t off = m.n;
        le16(&m, 64 + 24);
        le16(&m, 0);
        le64(&m, 0);
        size_t blob = m.n;
        ntlm_message(&m, round == 0 ? 1 : 3);
        le_set16(&m, off + 2, (uint32_t)(m.n - blob));
        smb2_send(c, 0, &m);
        m.n = 0;
        smb2_header(&m, SESSION_SETUP, true, round == 0 ? STATUS_MORE_PROCESSING : 0, mid, 0);
        le16(&m, 9);
        le16(&m, 0);
        off = m.n;
        le16(&m, 64 + 8);
        le16(&m, 0);
        blob = m.n;
        if (round == 0)
            ntlm_message(&m, 2);
        le_set16(&m, off + 2, (uint32_t)(m.n - blob));
        smb2_send(c, 1, &m);
    }
}

static void tree_connect(struct smb_conn *c, const char *path, uint8_t share_type, uint32_t tree)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, TREE_CONNECT, false, 0, mid, 0);
    le16(&m, 9);
    le16(&m, 0);
    le16(&m, 64 + 8);
    size_t len_at = m.n;
    le16(&m, 0);
    le_set16(&m, len_at, (uint32_t)le_utf16(&m, path));
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, TREE_CONNECT, true, 0, mid, tree);
    le16(&m, 16);
    le8(&m, share_type);
    le8(&m, 0);
    le32(&m, 0);
    le32(&m, 0);
    le32(&m, 0x001f01ff);
    smb2_send(c, 1, &m);
    c->tree = tree;
}

/* 2024-02-01 10:00:00 UTC as a FILETIME. */
#define FILE_TIME (133512192000000000ull)

static void create(struct smb_conn *c, const char *name, uint64_t fid, uint64_t size)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, CREATE, false, 0, mid, c->tree);
    le16(&m, 57);
    le8(&m, 0);
    le8(&m, 0);
    le32(&m, 2);
    le64(&m, 0);
    le64(&m, 0);
    le32(&m, 0x0012019f);
    le32(&m, 0x80);
    le32(&m, 7);
    le32(&m, 3);
    le32(&m, 0x40);
    le16(&m, 64 + 56);
    size_t len_at = m.n;
    le16(&m, 0);
    le32(&m, 0);
    le32(&m, 0);
    le_set16(&m, len_at, (uint32_t)le_utf16(&m, name));
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, CREATE, true, 0, mid, c->tree);
    le16(&m, 89);
    le8(&m, 0);
    le8(&m, 0);
    le32(&m, 1);
    for (int i = 0; i < 4; i++)
        le64(&m, FILE_TIME + (uint64_t)i * 10000000ull);
    le64(&m, size);
    le64(&m, size);
    le32(&m, 0x20);
    le32(&m, 0);
    le64(&m, fid);
    le64(&m, fid | 0x100000000ull);
    le32(&m, 0);
    le32(&m, 0);
    smb2_send(c, 1, &m);
}

static void put_fid(struct msg *m, uint64_t fid)
{
    le64(m, fid);
    le64(m, fid | 0x100000000ull);
}

static void write_file(struct smb_conn *c, uint64_t fid, uint64_t offset, const uint8_t *data, size_t n)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, WRITE, false, 0, mid, c->tree);
    le16(&m, 49);
    le16(&m, 64 + 48);
    le32(&m, (uint32_t)n);
    le64(&m, offset);
    put_fid(&m, fid);
    le_zeros(&m, 16);
    le_bytes(&m, data, n);
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, WRITE, true, 0, mid, c->tree);
    le16(&m, 17);
    le16(&m, 0);
    le32(&m, (uint32_t)n);
    le_zeros(&m, 8);
    smb2_send(c, 1, &m);
}

static void read_file(struct smb_conn *c, uint64_t fid, uint64_t offset, const uint8_t *data, size_t n)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, READ, false, 0, mid, c->tree);
    le16(&m, 49);
    le8(&m, 0x50);
    le8(&m, 0);
    le32(&m, (uint32_t)n);
    le64(&m, offset);
    put_fid(&m, fid);
    le_zeros(&m, 16);
    le8(&m, 0);
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, READ, true, 0, mid, c->tree);
    le16(&m, 17);
    le8(&m, 64 + 16);
    le8(&m, 0);
    le32(&m, (uint32_t)n);
    le_zeros(&m, 8);
    le_bytes(&m, data, n);
    smb2_send(c, 1, &m);
}

/* FSCTL_PIPE_TRANSCEIVE: a DCE-RPC request in, its response out. */
static void transceive(struct smb_conn *c, uint64_t fid, const struct msg *in, const struct msg *out)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, IOCTL, false, 0, mid, c->tree);
    le16(&m, 57);
    le16(&m, 0);
    le32(&m, 0x0011c017);
    put_fid(&m, fid);
    le32(&m, 64 + 56);
    le32(&m, (uint32_t)in->n);
    le32(&m, 0);
    le32(&m, 0);
    le32(&m, 0);
    le32(&m, 1024);
    le32(&m, 1);
    le32(&m, 0);
    le_bytes(&m, in->b, in->n);
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, IOCTL, true, 0, mid, c->tree);
    le16(&m, 49);
    le16(&m, 0);
    le32(&m, 0x0011c017);
    put_fid(&m, fid);
    le32(&m, 64 + 48);
    le32(&m, 0);
    le32(&m, 64 + 48);
    le32(&m, (uint32_t)out->n);
    le32(&m, 0);
    le32(&m, 0);
    le_bytes(&m, out->b, out->n);
    smb2_send(c, 1, &m);
}

static void close_file(struct smb_conn *c, uint64_t fid)
{
    struct msg m = {.n = 0};
    uint64_t mid = smb2_next(c);
    smb2_header(&m, CLOSE, false, 0, mid, c->tree);
    le16(&m, 24);
    le16(&m, 0);
    le32(&m, 0);
    put_fid(&m, fid);
    smb2_send(c, 0, &m);
    m.n = 0;
    smb2_header(&m, CLOSE, true, 0, mid, c->tree);
    le16(&m, 60);
    le_zeros(&m, 58);
    smb2_send(c, 1, &m);
}

/* Opens a named pipe on the IPC$ tree and binds iface over it. */
static void open_pipe(struct smb_conn *c, const char *pipe, uint64_t fid, const struct iface *i, const char *sec_addr)
{
    create(c, pipe, fid, 0);
    struct msg bind = {.n = 0}, ack = {.n = 0};
    rpc_bind(&bind, i);
    write_file(c, fid, 0, bind.b, bind.n);
    rpc_bind_ack(&ack, sec_addr);
    read_file(c, fid, 0, ack.b, ack.n);
}

static void pipe_call(struct smb_conn *c, uint64_t fid, uint32_t call_id, uint16_t opnum, const uint8_t *stub,
                      size_t n, size_t resp_len)
{
    struct msg in = {.n = 0}, out = {.n = 0};
    rpc_request(&in, call_id, opnum, stub, n);
    rpc_response(&out, call_id, resp_len);
    transceive(c, fid, &in, &out);
}

static void smb_begin(struct smb_conn *c, struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport,
                      uint64_t t)
{
    memset(c, 0, sizeof *c);
    tcp_connect(&c->f, g, pa, ip, cport, 445, t);
    negotiate(c);
    session_setup(c);
}

static void psexec(struct gen *g, struct path *pa, const struct ip_pair *ip, uint64_t t)
{
    struct smb_conn c;
    smb_begin(&c, g, pa, ip, 49801, t);
    tree_connect(&c, "\\\\10.1.1.20\\ADMIN$", 1, 5);
    create(&c, "PSEXESVC.exe", 0x11, 0);
    uint8_t exe[3000];
    memset(exe, 0x90, sizeof exe);
    memcpy(exe, "MZ\x90\x00\x03\x00\x00\x00", 8);
    write_file(&c, 0x11, 0, exe, 1500);
    write_file(&c, 0x11, 1500, exe + 1500, 1500);
    close_file(&c, 0x11);
    tree_connect(&c, "\\\\10.1.1.20\\IPC$", 2, 6);
    open_pipe(&c, "svcctl", 0x12, &SVCCTL, "\\PIPE\\svcctl");
    uint8_t stub[1024];
    memset(stub, 0, 64);
    pipe_call(&c, 0x12, 2, 15, stub, 28, 24);  /* OpenSCManagerW */
    size_t n = create_service_stub(stub, "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe");
    pipe_call(&c, 0x12, 3, 12, stub, n, 28);   /* CreateServiceW */
    memset(stub, 0, 64);
    pipe_call(&c, 0x12, 4, 19, stub, 28, 4);   /* StartServiceW */
    pipe_call(&c, 0x12, 5, 0, stub, 20, 24);   /* CloseServiceHandle */
    close_file(&c, 0x12);
    tcp_close(&c.f, 0);
}

static void file_sharing(struct gen *g, struct path *pa, const struct ip_pair *ip, uint64_t t)
{
    struct smb_conn c;
    smb_begin(&c, g, pa, ip, 49901, t);
    tree_connect(&c, "\\\\10.1.1.30\\projects", 1, 9);
    uint8_t pdf[2400];
    memset(pdf, 'x', sizeof pdf);
    memcpy(pdf, "%PDF-1.4\n", 9);
    create(&c, "plans\\report.pdf", 0x21, sizeof pdf);
    read_file(&c, 0x21, 0, pdf, 1200);
    read_file(&c, 0x21, 1200, pdf + 1200, 1200);
    close_file(&c, 0x21);
    static const char notes[] = "meeting notes: budget review on Thursday\n";
    create(&c, "plans\\notes.txt", 0x22, 0);
    write_file(&c, 0x22, 0, (const uint8_t *)notes, sizeof notes - 1);
    close_file(&c, 0x22);
    tree_connect(&c, "\\\\10.1.1.30\\IPC$", 2, 10);
    open_pipe(&c, "srvsvc", 0x23, &SRVSVC, "\\PIPE\\srvsvc");
    uint8_t stub[64] = {0};
    pipe_call(&c, 0x23, 2, 16, stub, 40, 32);  /* NetrShareGetInfo */
    close_file(&c, 0x23);
    tcp_close(&c.f, 0);
}

/* DCE-RPC straight over TCP (a port the endpoint mapper handed out). */
struct rpc_tcp {
    struct tcp_flow f;
    uint32_t call_id;
};

static void rpc_tcp_begin(struct rpc_tcp *r, struct gen *g, struct path *pa, const struct ip_pair *ip,
                          uint16_t cport, uint16_t sport, uint64_t t, const struct iface *i)
{
    memset(r, 0, sizeof *r);
    r->call_id = 1;
    tcp_connect(&r->f, g, pa, ip, cport, sport, t);
    struct msg m = {.n = 0};
    rpc_bind(&m, i);
    tcp_send(&r->f, 0, m.b, m.n);
    m.n = 0;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)sport);
    rpc_bind_ack(&m, port);
    tcp_send(&r->f, 1, m.b, m.n);
}

static void rpc_tcp_call(struct rpc_tcp *r, uint16_t opnum, size_t stub_len, size_t resp_len)
{
    uint8_t stub[256] = {0};
    struct msg m = {.n = 0};
    rpc_request(&m, ++r->call_id, opnum, stub, stub_len);
    tcp_send(&r->f, 0, m.b, m.n);
    tcp_wait(&r->f, 500);
    m.n = 0;
    rpc_response(&m, r->call_id, resp_len);
    tcp_send(&r->f, 1, m.b, m.n);
    tcp_wait(&r->f, 2000);
}

static void netlogon_channel(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t,
                             unsigned attempts)
{
    struct rpc_tcp r;
    rpc_tcp_begin(&r, g, pa, ip, cport, 49670, t, &NETLOGON);
    for (unsigned i = 0; i < attempts; i++) {
        rpc_tcp_call(&r, 4, 48, 12);   /* NetrServerReqChallenge */
        rpc_tcp_call(&r, 26, 96, 20);  /* NetrServerAuthenticate3 */
    }
    if (attempts == 1)
        rpc_tcp_call(&r, 45, 120, 64); /* NetrLogonSamLogonWithFlags */
    tcp_close(&r.f, 0);
}

static void replication(struct gen *g, struct path *pa, const struct ip_pair *ip, uint16_t cport, uint64_t t)
{
    struct rpc_tcp r;
    rpc_tcp_begin(&r, g, pa, ip, cport, 49668, t, &DRSUAPI);
    rpc_tcp_call(&r, 0, 60, 68);    /* DRSBind */
    rpc_tcp_call(&r, 3, 120, 900);  /* DRSGetNCChanges */
    rpc_tcp_call(&r, 1, 20, 24);    /* DRSUnbind */
    tcp_close(&r.f, 0);
}

static void route(struct path *pa, struct ip_pair *ip, int iface, const char *client, const char *server)
{
    ethernet_v4(ip, pa, iface, client, server);
}

bool scenario_smb(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    /* benign first: file sharing, one secure channel, the controllers' replication */
    route(&pa, &ip, iface, "10.1.1.70", "10.1.1.30");
    file_sharing(g, &pa, &ip, t);
    route(&pa, &ip, iface, "10.1.1.60", "10.1.1.10");
    netlogon_channel(g, &pa, &ip, 50160, t + SEC(5), 1);
    route(&pa, &ip, iface, "10.1.1.11", "10.1.1.10");
    replication(g, &pa, &ip, 50111, t + SEC(10));
    route(&pa, &ip, iface, "10.1.1.10", "10.1.1.11");
    replication(g, &pa, &ip, 50110, t + SEC(15));
    /* the intruder on 10.1.1.50 */
    route(&pa, &ip, iface, "10.1.1.50", "10.1.1.20");
    psexec(g, &pa, &ip, t + SEC(30));
    route(&pa, &ip, iface, "10.1.1.50", "10.1.1.10");
    netlogon_channel(g, &pa, &ip, 50150, t + SEC(40), 30);
    replication(g, &pa, &ip, 50151, t + SEC(60));
    return true;
}

/* Reads and writes as Zeek logs them with SMB::logged_file_actions +=
 * { FILE_READ, FILE_WRITE } (vigil read --smb-log-reads-writes): each
 * request's row, then the row with the fuid its first bytes got, the
 * repeats of one action dropped; the file read to its size is in files.log
 * at its last read, though closed only when the connection ends, before
 * the file written and closed meanwhile. */
bool scenario_smb_rw(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip;
    struct path pa;
    struct smb_conn c;
    route(&pa, &ip, iface, "10.1.1.71", "10.1.1.31");
    smb_begin(&c, g, &pa, &ip, 49911, GEN_BASE_TIME_US);
    tree_connect(&c, "\\\\10.1.1.31\\finance", 1, 11);
    uint8_t sheet[1800];
    for (size_t i = 0; i < sizeof sheet; i++)
        sheet[i] = (uint8_t)('a' + i % 26);
    create(&c, "q3\\budget.csv", 0x31, sizeof sheet);
    read_file(&c, 0x31, 0, sheet, 900);
    read_file(&c, 0x31, 900, sheet + 900, 900);
    read_file(&c, 0x31, 0, sheet, 900);  /* a re-read: no second file */
    static const char memo[] = "approved: travel budget for the audit team\n";
    create(&c, "q3\\memo.txt", 0x32, 0);
    write_file(&c, 0x32, 0, (const uint8_t *)memo, 20);
    write_file(&c, 0x32, 20, (const uint8_t *)memo + 20, sizeof memo - 21);
    close_file(&c, 0x32);
    tcp_close(&c.f, 0);
    return true;
}

/* ---- the schtask scenario: SMB1, Kerberos, a task registered over \pipe\atsvc ---- */

static const struct iface TASKSCHD = {0x86d35949, 0x83c9, 0x4044, {0xb4, 0x24, 0xdb, 0x36, 0x32, 0x31, 0xfd, 0x0c}, 1};
static const struct iface SCM_ACTIVATOR = {0x000001a0, 0x0000, 0x0000, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}, 0};
static const struct iface WBEM_SERVICES = {0x9556dc99, 0x828c, 0x11cf, {0xa3, 0x7e, 0x00, 0xaa, 0x00, 0x32, 0x40, 0xc7}, 0};

/* DER: a tag and a definite length (short or two-byte long form), then the contents. */
static void der(struct msg *m, uint8_t tag, const struct msg *contents)
{
    le8(m, tag);
    if (contents->n < 128) {
        le8(m, (uint32_t)contents->n);
    } else {
        le8(m, 0x82);
        le8(m, (uint32_t)(contents->n >> 8));
        le8(m, (uint32_t)(contents->n & 0xff));
    }
    le_bytes(m, contents->b, contents->n);
}

static void der_raw(struct msg *m, uint8_t tag, const void *p, size_t n)
{
    struct msg c = {.n = 0};
    le_bytes(&c, p, n);
    der(m, tag, &c);
}

/* [n] EXPLICIT INTEGER */
static void der_int_field(struct msg *m, uint8_t n, uint8_t v)
{
    struct msg i = {.n = 0};
    le8(&i, 0x02);
    le8(&i, 1);
    le8(&i, v);
    der(m, (uint8_t)(0xa0 | n), &i);
}

/* An AP-REQ for service/host@realm with a ticket of etype 18 (AES256). */
static void krb_ap_req(struct msg *m, const char *realm, const char *service, const char *host)
{
    struct msg names = {.n = 0}, seq = {.n = 0}, pn = {.n = 0}, f = {.n = 0}, enc = {.n = 0}, tkt = {.n = 0};
    der_raw(&names, 0x1b, service, strlen(service));
    der_raw(&names, 0x1b, host, strlen(host));
    der(&seq, 0x30, &names);
    der_int_field(&pn, 0, 2);              /* NT-SRV-INST */
    der(&pn, 0xa1, &seq);
    seq.n = 0;
    der(&seq, 0x30, &pn);                  /* PrincipalName */
    der_int_field(&enc, 0, 18);
    der_int_field(&enc, 1, 3);
    uint8_t cipher[64];
    memset(cipher, 0x5a, sizeof cipher);
    struct msg ct = {.n = 0};
    der_raw(&ct, 0x04, cipher, sizeof cipher);
    der(&enc, 0xa2, &ct);
    struct msg encd = {.n = 0};
    der(&encd, 0x30, &enc);                /* EncryptedData */
    der_int_field(&f, 0, 5);               /* tkt-vno */
    struct msg r = {.n = 0};
    der_raw(&r, 0x1b, realm, strlen(realm));
    der(&f, 0xa1, &r);
    der(&f, 0xa2, &seq);
    der(&f, 0xa3, &encd);
    struct msg ts = {.n = 0}, ticket = {.n = 0};
    der(&ts, 0x30, &f);
    der(&ticket, 0x61, &ts);               /* Ticket ::= [APPLICATION 1] */
    der_int_field(&tkt, 0, 5);
    der_int_field(&tkt, 1, 14);
    struct msg opts = {.n = 0};
    der_raw(&opts, 0x03, "\x00\x20\x00\x00\x00", 5);  /* mutual-required */
    der(&tkt, 0xa2, &opts);
    der(&tkt, 0xa3, &ticket);
    der(&tkt, 0xa4, &encd);                /* the authenticator, as opaque as the ticket */
    struct msg body = {.n = 0};
    der(&body, 0x30, &tkt);
    der(m, 0x6e, &body);
}

/* SPNEGO NegTokenInit with Windows' bare AP-REQ as its mechToken. */
static void spnego_init_krb(struct msg *m)
{
    static const uint8_t spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    static const uint8_t ms_krb5[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
    struct msg mechs = {.n = 0}, list = {.n = 0}, fields = {.n = 0}, tok = {.n = 0}, ap = {.n = 0};
    der_raw(&mechs, 0x06, ms_krb5, sizeof ms_krb5);
    der(&list, 0x30, &mechs);
    der(&fields, 0xa0, &list);
    krb_ap_req(&ap, "CORP.EXAMPLE", "cifs", "fs21.corp.example");
    der(&tok, 0x04, &ap);
    der(&fields, 0xa2, &tok);
    struct msg seq = {.n = 0}, init = {.n = 0}, gss = {.n = 0};
    der(&seq, 0x30, &fields);
    der(&init, 0xa0, &seq);
    der_raw(&gss, 0x06, spnego, sizeof spnego);
    le_bytes(&gss, init.b, init.n);
    der(m, 0x60, &gss);
}

/* SPNEGO NegTokenResp accepting, with a GSS-wrapped AP-REP (RFC 4121 token id 02 00). */
static void spnego_resp_krb(struct msg *m)
{
    static const uint8_t krb5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    struct msg rep = {.n = 0}, enc = {.n = 0}, encd = {.n = 0}, seq = {.n = 0};
    der_int_field(&rep, 0, 5);
    der_int_field(&rep, 1, 15);
    der_int_field(&enc, 0, 18);
    struct msg ct = {.n = 0};
    der_raw(&ct, 0x04, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    der(&enc, 0xa2, &ct);
    der(&encd, 0x30, &enc);
    der(&rep, 0xa2, &encd);
    der(&seq, 0x30, &rep);
    struct msg aprep = {.n = 0}, inner = {.n = 0}, gss = {.n = 0};
    der(&aprep, 0x6f, &seq);
    der_raw(&inner, 0x06, krb5, sizeof krb5);
    le_bytes(&inner, "\x02\x00", 2);
    le_bytes(&inner, aprep.b, aprep.n);
    der(&gss, 0x60, &inner);
    struct msg fields = {.n = 0}, state = {.n = 0}, tok = {.n = 0};
    der_raw(&state, 0x0a, "\x00", 1);      /* accept-completed */
    der(&fields, 0xa0, &state);
    der(&tok, 0x04, &gss);
    der(&fields, 0xa2, &tok);
    struct msg s2 = {.n = 0};
    der(&s2, 0x30, &fields);
    der(m, 0xa1, &s2);
}

enum { SMB1_CLOSE = 0x04, SMB1_TRANS = 0x25, SMB1_SESSION_SETUP = 0x73, SMB1_TREE_CONNECT = 0x75,
       SMB1_NT_CREATE = 0xa2 };

struct smb1_conn {
    struct smb_conn c;
    uint16_t mid, tid, uid;
};

/* NetBIOS length and the SMB1 header (Unicode, NT status, extended security). */
static void smb1_header(struct msg *m, struct smb1_conn *s, uint8_t cmd, bool response)
{
    le32(m, 0);
    le_bytes(m, "\xffSMB", 4);
    le8(m, cmd);
    le32(m, 0);
    le8(m, response ? 0x98 : 0x18);
    le16(m, 0xc807);
    le16(m, 0);
    le_zeros(m, 8);
    le16(m, 0);
    le16(m, s->tid);
    le16(m, 0xfeff);
    le16(m, s->uid);
    le16(m, s->mid);
}

/* WordCount words (already in w), then ByteCount and bytes. */
static void smb1_block(struct msg *m, const struct msg *words, const struct msg *bytes)
{
    le8(m, (uint32_t)words->n / 2);
    le_bytes(m, words->b, words->n);
    le16(m, (uint32_t)bytes->n);
    le_bytes(m, bytes->b, bytes->n);
}

static void smb1_andx_none(struct msg *w)
{
    le8(w, 0xff);
    le8(w, 0);
    le16(w, 0);
}

/* The message: header in m, then the words and bytes, sent from dir (0: the
 * request, 1: the response, which ends the exchange: the next request takes
 * the next MID); the three buffers are emptied for the next message. */
static void smb1_send(struct smb1_conn *s, int dir, struct msg *m, struct msg *w, struct msg *b)
{
    smb1_block(m, w, b);
    smb2_send(&s->c, dir, m);
    m->n = w->n = b->n = 0;
    if (dir == 1)
        s->mid++;
}

static void smb1_session_setup(struct smb1_conn *s)
{
    struct msg m = {.n = 0}, w = {.n = 0}, b = {.n = 0};
    smb1_header(&m, s, SMB1_SESSION_SETUP, false);
    spnego_init_krb(&b);
    smb1_andx_none(&w);
    le16(&w, 16644);
    le16(&w, 50);
    le16(&w, 0);
    le32(&w, 0);
    le16(&w, (uint32_t)b.n);
    le32(&w, 0);
    le32(&w, 0x8000e3fc);
    smb1_send(s, 0, &m, &w, &b);
    s->uid = 0x0800;
    smb1_header(&m, s, SMB1_SESSION_SETUP, true);
    spnego_resp_krb(&b);
    smb1_andx_none(&w);
    le16(&w, 0);
    le16(&w, (uint32_t)b.n);
    smb1_send(s, 1, &m, &w, &b);
}

static void smb1_tree_connect(struct smb1_conn *s, const char *path, uint16_t tid)
{
    struct msg m = {.n = 0}, w = {.n = 0}, b = {.n = 0};
    smb1_header(&m, s, SMB1_TREE_CONNECT, false);
    smb1_andx_none(&w);
    le16(&w, 0x0008);
    le16(&w, 1);
    le8(&b, 0);                            /* the password: one byte */
    /* the path is Unicode, aligned on the header: header 32 + 1 + 8 + 2 + 1 = 44, even */
    le_utf16(&b, path);
    le16(&b, 0);
    le_bytes(&b, "?????", 6);
    smb1_send(s, 0, &m, &w, &b);
    s->tid = tid;
    smb1_header(&m, s, SMB1_TREE_CONNECT, true);
    smb1_andx_none(&w);
    le16(&w, 1);
    le32(&w, 0x001f01ff);
    le32(&w, 0x001f01ff);
    le_bytes(&b, "IPC", 4);
    le8(&b, 0);                            /* pad to Unicode */
    le16(&b, 0);                           /* an empty native file system */
    smb1_send(s, 1, &m, &w, &b);
}

static void smb1_nt_create(struct smb1_conn *s, const char *name, uint16_t fid)
{
    struct msg m = {.n = 0}, w = {.n = 0}, b = {.n = 0};
    smb1_header(&m, s, SMB1_NT_CREATE, false);
    smb1_andx_none(&w);
    le8(&w, 0);
    le16(&w, (uint32_t)strlen(name) * 2);
    le32(&w, 0x16);
    le32(&w, 0);
    le32(&w, 0x0002019f);
    le64(&w, 0);
    le32(&w, 0);
    le32(&w, 3);
    le32(&w, 1);
    le32(&w, 0);
    le32(&w, 2);
    le8(&w, 0);
    le8(&b, 0);                            /* pad: 32 + 1 + 48 + 2 = 83, odd */
    le_utf16(&b, name);
    le16(&b, 0);
    smb1_send(s, 0, &m, &w, &b);
    smb1_header(&m, s, SMB1_NT_CREATE, true);
    smb1_andx_none(&w);
    le8(&w, 0);
    le16(&w, fid);
    le32(&w, 1);
    le_zeros(&w, 32);                      /* no times: a pipe's */
    le32(&w, 0x80);
    le64(&w, 4096);
    le64(&w, 0);
    le16(&w, 2);                           /* a message-mode pipe */
    le16(&w, 0x05ff);
    le8(&w, 0);
    smb1_send(s, 1, &m, &w, &b);
}

/* TRANSACTION TransactNmPipe: a DCE-RPC PDU in, one out. */
static void smb1_transact(struct smb1_conn *s, uint16_t fid, const struct msg *in, const struct msg *out)
{
    struct msg m = {.n = 0}, w = {.n = 0}, b = {.n = 0};
    smb1_header(&m, s, SMB1_TRANS, false);
    size_t data_at = 32 + 1 + 32 + 2 + 1 + 14;  /* header, words, byte count, pad, name */
    le16(&w, 0);
    le16(&w, (uint32_t)in->n);
    le16(&w, 0);
    le16(&w, 4280);
    le8(&w, 0);
    le8(&w, 0);
    le16(&w, 0);
    le32(&w, 0);
    le16(&w, 0);
    le16(&w, 0);
    le16(&w, (uint32_t)data_at);
    le16(&w, (uint32_t)in->n);
    le16(&w, (uint32_t)data_at);
    le8(&w, 2);
    le8(&w, 0);
    le16(&w, 0x26);
    le16(&w, fid);
    le8(&b, 0);                            /* pad: 32 + 1 + 32 + 2 = 67, odd */
    le_utf16(&b, "\\PIPE\\");
    le16(&b, 0);
    le_bytes(&b, in->b, in->n);
    smb1_send(s, 0, &m, &w, &b);
    smb1_header(&m, s, SMB1_TRANS, true);
    size_t resp_at = 32 + 1 + 20 + 2 + 1;
    le16(&w, 0);
    le16(&w, (uint32_t)out->n);
    le16(&w, 0);
    le16(&w, 0);
    le16(&w, (uint32_t)resp_at);
    le16(&w, 0);
    le16(&w, (uint32_t)out->n);
    le16(&w, (uint32_t)resp_at);
    le16(&w, 0);
    le8(&w, 0);
    le8(&w, 0);
    le8(&b, 0);
    le_bytes(&b, out->b, out->n);
    smb1_send(s, 1, &m, &w, &b);
}

static void smb1_close(struct smb1_conn *s, uint16_t fid)
{
    struct msg m = {.n = 0}, w = {.n = 0}, b = {.n = 0};
    smb1_header(&m, s, SMB1_CLOSE, false);
    le16(&w, fid);
    le32(&w, 0xffffffff);
    smb1_send(s, 0, &m, &w, &b);
    smb1_header(&m, s, SMB1_CLOSE, true);
    smb1_send(s, 1, &m, &w, &b);
}

/* A task registered remotely (schtasks /s, Impacket's atexec): SMB1 with
 * Kerberos, \pipe\atsvc, ITaskSchedulerService SchRpcRegisterTask. */
static void remote_task(struct gen *g, struct path *pa, const struct ip_pair *ip, uint64_t t)
{
    struct smb1_conn s = {.mid = 1};
    tcp_connect(&s.c.f, g, pa, ip, 49811, 445, t);
    smb1_session_setup(&s);
    smb1_tree_connect(&s, "\\\\10.1.1.21\\IPC$", 0x0801);
    smb1_nt_create(&s, "\\atsvc", 0x4001);
    struct msg in = {.n = 0}, out = {.n = 0};
    rpc_bind(&in, &TASKSCHD);
    rpc_bind_ack(&out, "\\PIPE\\atsvc");
    smb1_transact(&s, 0x4001, &in, &out);
    uint8_t stub[512] = {0};
    in.n = out.n = 0;
    rpc_request(&in, 2, 1, stub, 200);     /* SchRpcRegisterTask */
    rpc_response(&out, 2, 24);
    smb1_transact(&s, 0x4001, &in, &out);
    smb1_close(&s, 0x4001);
    tcp_close(&s.c.f, 0);
}

bool scenario_schtask(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    struct ip_pair ip;
    struct path pa;
    route(&pa, &ip, iface, "10.1.1.51", "10.1.1.21");
    remote_task(g, &pa, &ip, GEN_BASE_TIME_US);
    return true;
}

/* WMI over DCOM (wmic /node, Impacket's wmiexec): the activation on 135,
 * then IWbemServices ExecMethod (Win32_Process.Create) on the port it gave. */
bool scenario_wmi(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    struct rpc_tcp r;
    route(&pa, &ip, iface, "10.1.1.52", "10.1.1.22");
    rpc_tcp_begin(&r, g, &pa, &ip, 49821, 135, t, &SCM_ACTIVATOR);
    rpc_tcp_call(&r, 4, 160, 240);         /* RemoteCreateInstance */
    tcp_close(&r.f, 0);
    rpc_tcp_begin(&r, g, &pa, &ip, 49822, 49700, t + SEC(1), &WBEM_SERVICES);
    rpc_tcp_call(&r, 24, 200, 64);         /* ExecMethod */
    tcp_close(&r.f, 0);
    return true;
}
