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
    tcp_flow_init(&c->f, g, pa, ip, cport, 445, t);
    tcp_handshake(&c->f);
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
    tcp_flow_init(&r->f, g, pa, ip, cport, sport, t);
    tcp_handshake(&r->f);
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
    ip_pair_v4(ip, client, server);
    path_ethernet(pa, iface, ip);
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
